//! Reading the runtime's requests and headers into the pipeline's types.

use wasm_bindgen::JsValue;
use worker::{Headers, Request};

use super::OrHttp;
use crate::error::HttpError;
use crate::request::{CfFields, EdgeFacts, HeaderSource, RequestFacts};

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

/// The pipeline's facts about `req`, read once (from `request.cf`: country, region, Bot
/// Management's fields where the zone has them; only these fields are read).
pub fn facts(req: &Request) -> RequestFacts {
    let edge = edge_facts(req);
    let url = req.url().map(|u| u.to_string()).unwrap_or_default();
    let method = req.method().to_string();
    RequestFacts::read(&method, &url, &RequestHeaders(req), edge, super::now_ms())
}

/// `request.cf`'s fields, read one by one.
fn edge_facts(req: &Request) -> EdgeFacts {
    let get = |obj: &JsValue, key: &str| {
        js_sys::Reflect::get(obj, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    };
    let Some(cf) = get(req.inner(), "cf").filter(JsValue::is_object) else {
        return EdgeFacts::default();
    };
    let text = |key: &str| get(&cf, key).and_then(|v| v.as_string());
    let bot = get(&cf, "botManagement").filter(JsValue::is_object);
    let country = text("country");
    let region_code = text("regionCode");
    let category = text("verifiedBotCategory");
    EdgeFacts::from_fields(&CfFields {
        country: country.as_deref(),
        region_code: region_code.as_deref(),
        bot_score: bot.as_ref().and_then(|b| get(b, "score")?.as_f64()),
        verified_bot: bot.as_ref().and_then(|b| get(b, "verifiedBot")?.as_bool()),
        verified_bot_category: category.as_deref(),
    })
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
