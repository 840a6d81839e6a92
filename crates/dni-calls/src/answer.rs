//! The answer to an authenticated request: call control in the provider's language, the
//! attribution JSON, or an empty acknowledgement.

use dni_common::markup::push_escaped;
use dni_numbers::E164;
use dni_sessions::{Attribution, LeaseRecord};
use serde_json::{json, Map, Value};

use crate::config::{CallerId, CallsConfig};
use crate::provider::{CallEvent, IncomingCall, Provider};
use crate::route::CallPlan;
use crate::time::format_rfc3339_ms;

/// An HTTP answer for the shell to send as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

const XML: &str = "text/xml; charset=utf-8";
const JSON: &str = "application/json";

/// The answer to `event`, given the plan for its number (`None`: not one of the site's
/// numbers) and the lease that covered the call (`None`: unattributed):
///
/// * a lookup: the attribution JSON ([`lookup_json`]), 404 for an unknown number;
/// * an incoming call: connect it to [`CallPlan::dial`] (TwiML `<Dial>` for Twilio,
///   SignalWire and the API's form variant, Plivo XML `<Dial><Number>`, a Vonage NCCO
///   `connect`); an unknown number is rejected (`<Reject/>`, `<Hangup/>`, an empty NCCO);
/// * a status update: `204 No Content` (also for an unknown call: providers retry on
///   errors, and there is nothing to retry).
pub fn respond(
    event: &CallEvent,
    plan: Option<&CallPlan>,
    lease: Option<&LeaseRecord>,
    calls: &CallsConfig,
) -> Answer {
    match event {
        CallEvent::Lookup(_) => match plan {
            Some(p) => Answer {
                status: 200,
                content_type: JSON,
                body: lookup_json(p, lease),
            },
            None => Answer {
                status: 404,
                content_type: JSON,
                body: r#"{"error":"unknown number: not a tracking, target or fallback number of this site"}"#
                    .to_string(),
            },
        },
        CallEvent::Incoming(call) => match plan {
            Some(p) => connect(call, p, calls.caller_id),
            None => reject(call.provider),
        },
        CallEvent::Status(_) => Answer {
            status: 204,
            content_type: "text/plain; charset=utf-8",
            body: String::new(),
        },
    }
}

/// The caller id to present on the connected leg.
fn caller_id(call: &IncomingCall, mode: CallerId) -> E164 {
    match (mode, call.provider, call.caller) {
        (CallerId::Caller, Provider::Vonage, _) | (CallerId::Tracking, _, _) => call.called,
        (CallerId::Caller, _, Some(caller)) => caller,
        (CallerId::Caller, _, None) => call.called,
    }
}

fn connect(call: &IncomingCall, plan: &CallPlan, mode: CallerId) -> Answer {
    let from = caller_id(call, mode);
    match call.provider {
        Provider::Plivo => {
            let mut body =
                String::from(r#"<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId=""#);
            push_escaped(&mut body, from.digits());
            body.push_str(r#""><Number>"#);
            push_escaped(&mut body, plan.dial.digits());
            body.push_str("</Number></Dial></Response>");
            Answer {
                status: 200,
                content_type: XML,
                body,
            }
        }
        Provider::Vonage => Answer {
            status: 200,
            content_type: JSON,
            body: json!([{
                "action": "connect",
                "from": from.digits(),
                "endpoint": [{"type": "phone", "number": plan.dial.digits()}],
            }])
            .to_string(),
        },
        Provider::Twilio | Provider::SignalWire | Provider::Api => Answer {
            status: 200,
            content_type: XML,
            body: twiml_dial(&plan.dial, Some(&from)),
        },
    }
}

fn reject(provider: Provider) -> Answer {
    let (content_type, body) = match provider {
        Provider::Plivo => (
            XML,
            r#"<?xml version="1.0" encoding="UTF-8"?><Response><Hangup reason="rejected"/></Response>"#,
        ),
        Provider::Vonage => (JSON, "[]"),
        _ => (
            XML,
            r#"<?xml version="1.0" encoding="UTF-8"?><Response><Reject/></Response>"#,
        ),
    };
    Answer {
        status: 200,
        content_type,
        body: body.to_string(),
    }
}

/// TwiML connecting the call to `to`:
/// `<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="+1…">+1…</Dial></Response>`.
pub fn twiml_dial(to: &E164, caller_id: Option<&E164>) -> String {
    let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><Response><Dial"#);
    if let Some(c) = caller_id {
        out.push_str(" callerId=\"");
        push_escaped(&mut out, c.as_str());
        out.push('"');
    }
    out.push('>');
    push_escaped(&mut out, to.as_str());
    out.push_str("</Dial></Response>");
    out
}

/// The lookup answer:
///
/// ```json
/// {"tracking_number": "+15035550150", "target": "+15035550142", "route": "+15035550111",
///  "source": "google_ads",
///  "attribution": {"source": "google_ads", "landing_url": "…", "referrer": "…",
///    "utm_source": "…", "utm_medium": "…", "utm_campaign": "…", "utm_term": null,
///    "utm_content": null, "click_ids": {"gclid": "…"}, "session": "<32 hex>",
///    "session_started": "2026-11-22T09:41:00.000Z", "lease_from": "…", "lease_until": null}}
/// ```
///
/// `attribution` is `null` when no lease covered the call; a stored attribution that no
/// longer parses yields the session and lease fields only.
pub fn lookup_json(plan: &CallPlan, lease: Option<&LeaseRecord>) -> String {
    json!({
        "tracking_number": plan.called,
        "target": plan.target,
        "route": plan.dial,
        "source": plan.source,
        "attribution": lease.map_or(Value::Null, attribution_value),
    })
    .to_string()
}

fn attribution_value(rec: &LeaseRecord) -> Value {
    let a: &Attribution = &rec.attribution;
    let started = (a.landed_at_ms > 0).then(|| format_rfc3339_ms(a.landed_at_ms));
    let mut obj = match serde_json::to_value(a) {
        Ok(Value::Object(mut m)) => {
            m.remove("landed_at_ms");
            m.remove("consent");
            m.insert("session_started".into(), json!(started));
            m
        }
        _ => Map::new(),
    };
    obj.insert("session".into(), json!(rec.session));
    obj.insert("lease_from".into(), json!(format_rfc3339_ms(rec.from_ms)));
    obj.insert(
        "lease_until".into(),
        json!(rec.until_ms.map(format_rfc3339_ms)),
    );
    Value::Object(obj)
}
