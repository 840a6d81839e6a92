//! Reading the runtime's requests and headers into the pipeline's types.

use worker::{Headers, Request};

use super::OrHttp;
use crate::error::HttpError;
use crate::request::{EdgeFacts, HeaderSource, RequestFacts};

/// The request's host (from the URL, which follows the Host header).
pub fn request_host(req: &Request) -> String {
    req.url()
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

/// A request header by name.
pub fn get(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).ok().flatten()
}

struct RequestHeaders<'a>(&'a Request);

impl HeaderSource for RequestHeaders<'_> {
    fn header(&self, name: &str) -> Option<String> {
        get(self.0, name)
    }
}

/// The pipeline's facts about `req`, read once (`request.cf` as JSON: country, region,
/// Bot Management's fields where the zone has them).
pub fn facts(req: &Request) -> RequestFacts {
    let cf = js_sys::Reflect::get(req.inner(), &"cf".into())
        .ok()
        .filter(|c| c.is_object())
        .and_then(|c| js_sys::JSON::stringify(&c).ok()?.as_string());
    let edge = EdgeFacts::from_cf_json(cf.as_deref());
    let url = req.url().map(|u| u.to_string()).unwrap_or_default();
    let method = req.method().to_string();
    RequestFacts::read(&method, &url, &RequestHeaders(req), edge, super::now_ms())
}

/// A mutable copy of a response's headers (fetched responses have immutable headers).
/// `Set-Cookie` headers are returned separately, one value per header, and left out of
/// the copy so the caller can filter them one by one.
pub fn copy_without_set_cookie(source: &Headers) -> Result<(Headers, Vec<String>), HttpError> {
    let out = Headers::new();
    for (name, value) in source.entries() {
        if name.eq_ignore_ascii_case("set-cookie") {
            continue;
        }
        out.append(&name, &value).or_internal()?;
    }
    let set_cookies = source.get_all("set-cookie").unwrap_or_default();
    Ok((out, set_cookies))
}
