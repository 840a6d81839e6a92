//! Fetching the page from the site's upstream: the zone's origin (the request as is), a
//! configured base URL, or the bundled demo site (static assets binding).

use worker::{
    Env, Fetch, Headers, Method, Request, RequestInit, RequestRedirect, Response, Result,
};

use crate::config::Upstream;

/// Marks requests this worker sends upstream. A request that arrives carrying it has looped
/// back into the worker (the "origin" upstream under `wrangler dev`, where the request's own
/// URL is the worker): it is answered with 508 instead of being fetched again forever.
pub const HOP_HEADER: &str = "x-consent-dni-hop";

/// What to change in the request before it goes upstream.
pub struct UpstreamRequest {
    /// `Some(None)`: drop the `Cookie` header; `Some(Some(v))`: replace it; `None`: as sent.
    pub cookie: Option<Option<String>>,
    /// Drop `If-None-Match` / `If-Modified-Since` / `If-Range`: the page may be rewritten for
    /// this visitor, so the origin's 304 would let the browser show a copy rewritten for
    /// another consent state.
    pub unconditional: bool,
}

const CONDITIONAL_HEADERS: [&str; 4] =
    ["if-none-match", "if-modified-since", "if-match", "if-range"];

fn needs_body(method: &Method) -> bool {
    !matches!(method, Method::Get | Method::Head)
}

/// Fetches `req` from `upstream`. Redirects are returned to the client, not followed.
pub async fn fetch(
    env: &Env,
    upstream: &Upstream,
    req: Request,
    change: UpstreamRequest,
) -> Result<Response> {
    let url = req.url()?;
    let target = match upstream {
        Upstream::Url(_) => {
            let mut pq = url.path().to_string();
            if let Some(q) = url.query() {
                pq.push('?');
                pq.push_str(q);
            }
            upstream.url_for(&pq).unwrap_or_else(|| url.to_string())
        }
        _ => url.to_string(),
    };
    let headers = Headers::new();
    for (name, value) in req.headers().entries() {
        if name.eq_ignore_ascii_case("cookie") && change.cookie.is_some() {
            continue;
        }
        if change.unconditional
            && CONDITIONAL_HEADERS
                .iter()
                .any(|h| name.eq_ignore_ascii_case(h))
        {
            continue;
        }
        // The Host header follows the URL for a configured upstream.
        if name.eq_ignore_ascii_case("host") && matches!(upstream, Upstream::Url(_)) {
            continue;
        }
        headers.append(&name, &value)?;
    }
    if let Some(Some(cookie)) = &change.cookie {
        headers.set("cookie", cookie)?;
    }
    if matches!(upstream, Upstream::Origin) {
        headers.set(HOP_HEADER, "1")?;
    }
    let method = req.method();
    let mut init = RequestInit::new();
    init.with_method(method.clone())
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual);
    if needs_body(&method) {
        init.with_body(req.inner().body().map(Into::into));
    }
    let outgoing = Request::new_with_init(&target, &init)?;
    match upstream {
        Upstream::Assets => Ok(env.assets("ASSETS")?.fetch_request(outgoing).await?),
        Upstream::Origin | Upstream::Url(_) => Fetch::Request(outgoing).send().await,
    }
}
