//! `POST /__dni/calls` with `Authorization: Bearer $DNI_API_TOKEN`: the API for your own
//! call routing.
//!
//! * JSON `{"called": "+15035550150", "at": "2026-11-22T10:00:00Z" | 1795341600000,
//!   "from": "+15557654321"}` (`called` required, `at` and `from` optional, other keys
//!   refused): a [`Lookup`], answered with the attribution JSON.
//! * A Twilio-style form (`To`, `From`, `CallSid`): an incoming call, answered with TwiML.
//! * No content type: JSON if the body starts with `{`, else form.

use dni_numbers::E164;
use serde::Deserialize;

use super::{digest_eq, CallEvent, IncomingCall, Provider};
use crate::form;
use crate::request::{bounded, provider_number, Refusal, WebhookRequest, MAX_FIELD};
use crate::time::parse_rfc3339_ms;

/// A lookup: who held `called` at `at_ms` (now when `None`)?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub called: E164,
    pub at_ms: Option<i64>,
    /// The caller as sent (bounded); not necessarily a number.
    pub from: Option<String>,
}

impl Lookup {
    /// The call time: `at_ms`, or `now_ms`.
    pub fn at_or(&self, now_ms: i64) -> i64 {
        self.at_ms.unwrap_or(now_ms)
    }
}

pub(crate) fn authenticate(req: &WebhookRequest<'_>, token: Option<&str>) -> Result<(), Refusal> {
    let Some(expected) = token.filter(|t| !t.is_empty()) else {
        return Err(Refusal::NotConfigured("DNI_API_TOKEN"));
    };
    let Some(header) = req.header("authorization") else {
        return Err(Refusal::Unauthenticated);
    };
    let (scheme, value) = header.trim().split_once(' ').unwrap_or(("", ""));
    if scheme.eq_ignore_ascii_case("bearer") && digest_eq(value.trim(), expected) {
        Ok(())
    } else {
        Err(Refusal::Forbidden("wrong API token"))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonCall {
    called: Option<String>,
    at: Option<serde_json::Value>,
    from: Option<String>,
}

pub(crate) fn parse(req: &WebhookRequest<'_>) -> Result<CallEvent, Refusal> {
    let text = req.text()?;
    match req.media_type().as_str() {
        "application/json" => parse_json(text),
        m if m.starts_with("application/") && m.ends_with("+json") => parse_json(text),
        "application/x-www-form-urlencoded" => parse_form(text),
        "" if text.trim_start().starts_with('{') => parse_json(text),
        "" => parse_form(text),
        other => Err(Refusal::UnsupportedMediaType(bounded(other, MAX_FIELD))),
    }
}

fn parse_json(text: &str) -> Result<CallEvent, Refusal> {
    let call: JsonCall = serde_json::from_str(text)
        .map_err(|e| Refusal::BadRequest(format!("invalid JSON body: {e}")))?;
    let raw = call
        .called
        .ok_or_else(|| Refusal::BadRequest("missing field `called`".into()))?;
    let called = E164::parse(raw.trim()).map_err(|e| {
        Refusal::BadRequest(format!(
            "`called` is not an E.164 number (`{}`): {e}",
            bounded(&raw, MAX_FIELD)
        ))
    })?;
    let at_ms = match call.at {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(parse_time(&s)?),
        Some(serde_json::Value::Number(n)) => match n.as_i64() {
            Some(ms) if ms >= 0 => Some(ms),
            _ => return Err(bad_time(&n.to_string())),
        },
        Some(other) => return Err(bad_time(&other.to_string())),
    };
    Ok(CallEvent::Lookup(Lookup {
        called,
        at_ms,
        from: call
            .from
            .map(|f| bounded(f.trim(), MAX_FIELD))
            .filter(|f| !f.is_empty()),
    }))
}

fn bad_time(v: &str) -> Refusal {
    Refusal::BadRequest(format!(
        "`at` must be an RFC 3339 time (2026-11-22T10:00:00Z) or epoch milliseconds, not `{}`",
        bounded(v, MAX_FIELD)
    ))
}

fn parse_time(s: &str) -> Result<i64, Refusal> {
    let s = s.trim();
    if !s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i64>().map_err(|_| bad_time(s));
    }
    parse_rfc3339_ms(s).ok_or_else(|| bad_time(s))
}

fn parse_form(text: &str) -> Result<CallEvent, Refusal> {
    let pairs = form::pairs(text);
    let raw = form::get(&pairs, "To")
        .or_else(|| form::get(&pairs, "Called"))
        .ok_or_else(|| Refusal::BadRequest("missing `To`".into()))?;
    let called = provider_number(raw).ok_or_else(|| {
        Refusal::BadRequest(format!(
            "`To` is not a phone number: `{}`",
            bounded(raw, MAX_FIELD)
        ))
    })?;
    Ok(CallEvent::Incoming(IncomingCall {
        provider: Provider::Api,
        call_id: form::get(&pairs, "CallSid")
            .map(|s| bounded(s.trim(), MAX_FIELD))
            .unwrap_or_default(),
        called,
        caller: form::get(&pairs, "From").and_then(provider_number),
    }))
}
