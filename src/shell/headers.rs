//! Header helpers for the shell.

use worker::{Headers, Request, Result};

/// The request's host (from the URL, which follows the Host header).
pub fn request_host(req: &Request) -> String {
    req.url()
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

pub fn get(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).ok().flatten()
}

/// A mutable copy of a response's headers (fetched responses have immutable headers).
/// `Set-Cookie` headers are returned separately, one value per header, and left out of
/// the copy so the caller can filter them one by one.
pub fn copy_without_set_cookie(source: &Headers) -> Result<(Headers, Vec<String>)> {
    let out = Headers::new();
    for (name, value) in source.entries() {
        if name.eq_ignore_ascii_case("set-cookie") {
            continue;
        }
        out.append(&name, &value)?;
    }
    let set_cookies = source.get_all("set-cookie").unwrap_or_default();
    Ok((out, set_cookies))
}
