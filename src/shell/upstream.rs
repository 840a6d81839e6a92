//! Fetching from the site's upstream: the zone's origin (the request as is), a configured
//! base URL, or the bundled demo site (static assets binding).

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsCast;
use worker::{Env, Headers, Method, Request, Response};

use super::OrHttp;
use crate::config::Upstream;
use crate::error::HttpError;
use crate::upstream::UpstreamPlan;

/// Marks requests this worker sends upstream. A request that arrives carrying it has looped
/// back into the worker (the "origin" upstream under `wrangler dev`, where the request's own
/// URL is the worker): it is answered with 508 instead of being fetched again forever.
pub const HOP_HEADER: &str = "x-consent-dni-hop";

/// The URL to fetch: the request's own, or the configured base URL with its path and query.
fn target_url(upstream: &Upstream, url: &worker::Url) -> String {
    match upstream {
        Upstream::Url(_) => {
            let mut pq = url.path().to_string();
            if let Some(q) = url.query() {
                pq.push('?');
                pq.push_str(q);
            }
            upstream.url_for(&pq).unwrap_or_else(|| url.to_string())
        }
        _ => url.to_string(),
    }
}

/// The headers sent upstream: the request's, changed as `plan` says.
fn upstream_headers(
    req: &Request,
    upstream: &Upstream,
    plan: &UpstreamPlan,
) -> Result<Headers, HttpError> {
    let headers = Headers::new();
    for (name, value) in req.headers().entries() {
        let drop = plan.drops(&name)
            // The Host header follows the URL for a configured upstream.
            || (name.eq_ignore_ascii_case("host") && matches!(upstream, Upstream::Url(_)));
        if !drop {
            headers.append(&name, &value).or_internal()?;
        }
    }
    if let Some(Some(cookie)) = &plan.cookie {
        headers.set("cookie", cookie).or_internal()?;
    }
    if plan.identity_encoding {
        headers.set("accept-encoding", "identity").or_internal()?;
    }
    if matches!(upstream, Upstream::Origin) {
        headers.set(HOP_HEADER, "1").or_internal()?;
    }
    Ok(headers)
}

#[wasm_bindgen]
extern "C" {
    /// The runtime's `fetch(request)`.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &web_sys::Request) -> js_sys::Promise;
}

/// Fetches `req` from `upstream`, changed as `plan` says. Redirects are returned to the
/// client, not followed. The request is built with the runtime's own types (worker's
/// `RequestInit` and `Fetch` cost a `Headers.keys()` walk and two more init objects each).
pub async fn fetch(
    env: &Env,
    upstream: &Upstream,
    req: Request,
    plan: &UpstreamPlan,
) -> Result<Response, HttpError> {
    let url = req.url().or_internal()?;
    let target = target_url(upstream, &url);
    let method = req.method();
    let init = web_sys::RequestInit::new();
    init.set_method(method.as_ref());
    init.set_headers(upstream_headers(&req, upstream, plan)?.as_ref());
    init.set_redirect(web_sys::RequestRedirect::Manual);
    if !matches!(method, Method::Get | Method::Head) {
        if let Some(body) = req.inner().body() {
            init.set_body(&body);
        }
    }
    let outgoing = web_sys::Request::new_with_str_and_init(&target, &init).map_err(|e| {
        HttpError::Internal(
            e.as_string()
                .unwrap_or_else(|| "invalid URL or options for Request".to_string()),
        )
    })?;
    match upstream {
        Upstream::Assets => env
            .assets("ASSETS")
            .or_internal()?
            .fetch_request(Request::from(outgoing))
            .await
            .or_upstream(),
        Upstream::Origin | Upstream::Url(_) => {
            let response = wasm_bindgen_futures::JsFuture::from(global_fetch(&outgoing))
                .await
                .map_err(|e| HttpError::Upstream(worker::Error::from(e).to_string()))?;
            let response: web_sys::Response = response
                .dyn_into()
                .map_err(|_| HttpError::Upstream("fetch did not return a Response".into()))?;
            Ok(Response::from(response))
        }
    }
}
