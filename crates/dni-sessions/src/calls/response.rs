//! Calls-API responses: attribution JSON and TwiML.

use dni_numbers::E164;
use serde_json::{json, Map, Value};

use super::time::format_rfc3339_ms;
use crate::attribution::Attribution;
use crate::pool::LeaseRecord;

/// The JSON answer to a calls-API request:
///
/// ```json
/// {"tracking_number": "+15550000001", "target": "+15551234567",
///  "attribution": {"source": "google_ads", "landing_url": "...", "referrer": "...",
///    "utm_source": "...", "utm_medium": "...", "utm_campaign": "...", "utm_term": null,
///    "utm_content": null, "click_ids": {"gclid": "..."}, "session": "<32 hex>",
///    "session_started": "2026-11-22T09:41:00.000Z", "lease_from": "...", "lease_until": null}}
/// ```
///
/// `attribution` is `null` when no lease record covers the call. A stored attribution that
/// no longer parses yields the session and lease fields only.
pub fn call_response_json(
    target: &E164,
    tracking: &E164,
    attribution: Option<&LeaseRecord>,
) -> String {
    let attribution = attribution.map_or(Value::Null, attribution_value);
    json!({
        "tracking_number": tracking,
        "target": target,
        "attribution": attribution,
    })
    .to_string()
}

fn attribution_value(rec: &LeaseRecord) -> Value {
    let a: &Attribution = &rec.attribution;
    let started = (a.landed_at_ms > 0).then(|| format_rfc3339_ms(a.landed_at_ms));
    let mut obj = match serde_json::to_value(a) {
        Ok(Value::Object(mut m)) => {
            m.remove("landed_at_ms");
            m.insert("session_started".into(), json!(started));
            m
        }
        _ => Map::new(),
    };
    obj.insert("session".into(), json!(rec.session.to_hex()));
    obj.insert("lease_from".into(), json!(format_rfc3339_ms(rec.from_ms)));
    obj.insert(
        "lease_until".into(),
        json!(rec.until_ms.map(format_rfc3339_ms)),
    );
    Value::Object(obj)
}

/// TwiML that connects the call to `target`:
/// `<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="…">+1…</Dial></Response>`
/// (no `callerId` when `None`). Both values are XML-escaped.
pub fn twiml_dial(target: &E164, caller_id: Option<&E164>) -> String {
    let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><Response><Dial"#);
    if let Some(caller) = caller_id {
        out.push_str(" callerId=\"");
        dni_common::markup::push_escaped(&mut out, caller.as_str());
        out.push('"');
    }
    out.push('>');
    dni_common::markup::push_escaped(&mut out, target.as_str());
    out.push_str("</Dial></Response>");
    out
}
