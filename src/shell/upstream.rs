//! Fetching from the site's upstream: the zone's origin (the request as is), a configured
//! base URL, or the bundled demo site (static assets binding).

use worker::{Env, Fetch, Headers, Method, Request, RequestInit, RequestRedirect, Response};

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
    if matches!(upstream, Upstream::Origin) {
        headers.set(HOP_HEADER, "1").or_internal()?;
    }
    Ok(headers)
}

/// Fetches `req` from `upstream`, changed as `plan` says. Redirects are returned to the
/// client, not followed.
pub async fn fetch(
    env: &Env,
    upstream: &Upstream,
    req: Request,
    plan: &UpstreamPlan,
) -> Result<Response, HttpError> {
    let url = req.url().or_internal()?;
    let target = target_url(upstream, &url);
    let method = req.method();
    let mut init = RequestInit::new();
    init.with_method(method.clone())
        .with_headers(upstream_headers(&req, upstream, plan)?)
        .with_redirect(RequestRedirect::Manual);
    if !matches!(method, Method::Get | Method::Head) {
        init.with_body(req.inner().body().map(Into::into));
    }
    let outgoing = Request::new_with_init(&target, &init).or_internal()?;
    match upstream {
        Upstream::Assets => env
            .assets("ASSETS")
            .or_internal()?
            .fetch_request(outgoing)
            .await
            .or_upstream(),
        Upstream::Origin | Upstream::Url(_) => Fetch::Request(outgoing).send().await.or_upstream(),
    }
}
