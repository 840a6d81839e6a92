//! Parsing `POST /__dni/calls` bodies.

use std::fmt;

use serde::Deserialize;

use super::time::parse_rfc3339_ms;
use crate::bounded::truncate;
use crate::url::{decode_component, query_pairs};
use dni_numbers::E164;

/// Largest accepted body, in bytes.
pub const MAX_CALL_BODY: usize = 16 * 1024;
/// Longest `from` / `CallSid` kept, in bytes.
pub const MAX_CALL_FIELD: usize = 64;

/// Which kind of body the request had (and so which response to send).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallFormat {
    /// JSON body: answer with [`call_response_json`](super::call_response_json).
    Json,
    /// Twilio-style form post: answer with [`twiml_dial`](super::twiml_dial).
    TwilioForm,
}

/// A parsed calls-API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRequest {
    /// The tracking number that was dialled.
    pub called: E164,
    /// The caller as sent (bounded); not necessarily E.164 (`anonymous`, `client:…`).
    pub from: Option<String>,
    /// When the call happened; `None` means now (Twilio posts in real time).
    pub at_ms: Option<i64>,
    /// Twilio's `CallSid`, if sent.
    pub call_sid: Option<String>,
    pub format: CallFormat,
}

impl CallRequest {
    /// The call time: `at_ms`, or `now_ms` when the body gave none.
    pub fn at_or(&self, now_ms: i64) -> i64 {
        self.at_ms.unwrap_or(now_ms)
    }

    /// The caller if it is an E.164 number (usable as a `<Dial callerId>`).
    pub fn caller_e164(&self) -> Option<E164> {
        self.from.as_deref().and_then(|f| E164::parse(f).ok())
    }
}

/// Why a calls-API body was refused (answer `400`, or `413` for `TooLarge`, `415` for
/// `UnsupportedContentType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadRequest {
    TooLarge { limit: usize },
    UnsupportedContentType(String),
    NotUtf8,
    InvalidJson(String),
    MissingField(&'static str),
    NotE164 { field: &'static str, value: String },
    BadTime(String),
}

impl fmt::Display for BadRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadRequest::TooLarge { limit } => write!(f, "body larger than {limit} bytes"),
            BadRequest::UnsupportedContentType(ct) => write!(
                f,
                "unsupported content type `{ct}` (use application/json or application/x-www-form-urlencoded)"
            ),
            BadRequest::NotUtf8 => f.write_str("body is not UTF-8"),
            BadRequest::InvalidJson(e) => write!(f, "invalid JSON body: {e}"),
            BadRequest::MissingField(name) => write!(f, "missing field `{name}`"),
            BadRequest::NotE164 { field, value } => {
                write!(f, "`{field}` is not an E.164 number: `{value}`")
            }
            BadRequest::BadTime(v) => write!(
                f,
                "`at` must be an RFC 3339 time (2026-11-22T10:00:00Z) or epoch milliseconds, not `{v}`"
            ),
        }
    }
}

impl std::error::Error for BadRequest {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonCall {
    called: Option<String>,
    at: Option<serde_json::Value>,
    from: Option<String>,
}

/// Parses a calls-API body by its `Content-Type`:
///
/// * `application/json` (or `…+json`): `{"called": "+15550000001", "at":
///   "2026-11-22T10:00:00Z" | 1795341600000, "from": "+15557654321"}`; `called` required,
///   `at` and `from` optional, other keys refused.
/// * `application/x-www-form-urlencoded` (Twilio's voice webhook): `To` (or `Called`)
///   required, `From` and `CallSid` kept, other fields ignored; the time is now. A `+`
///   sent unencoded (decoded as a space) is restored.
/// * no content type: JSON if the body starts with `{`, else form.
pub fn parse_call_request(content_type: &str, body: &[u8]) -> Result<CallRequest, BadRequest> {
    if body.len() > MAX_CALL_BODY {
        return Err(BadRequest::TooLarge {
            limit: MAX_CALL_BODY,
        });
    }
    let text = std::str::from_utf8(body).map_err(|_| BadRequest::NotUtf8)?;
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => parse_json(text),
        e if e.starts_with("application/") && e.ends_with("+json") => parse_json(text),
        "application/x-www-form-urlencoded" => parse_form(text),
        "" if text.trim_start().starts_with('{') => parse_json(text),
        "" => parse_form(text),
        _ => Err(BadRequest::UnsupportedContentType(
            truncate(content_type, MAX_CALL_FIELD).to_string(),
        )),
    }
}

fn parse_json(text: &str) -> Result<CallRequest, BadRequest> {
    let call: JsonCall =
        serde_json::from_str(text).map_err(|e| BadRequest::InvalidJson(e.to_string()))?;
    let called = call.called.ok_or(BadRequest::MissingField("called"))?;
    let called = e164_field("called", called.trim())?;
    let at_ms = match call.at {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(parse_time(&s)?),
        Some(serde_json::Value::Number(n)) => match n.as_i64() {
            Some(ms) if ms >= 0 => Some(ms),
            _ => return Err(BadRequest::BadTime(n.to_string())),
        },
        Some(other) => {
            return Err(BadRequest::BadTime(
                truncate(&other.to_string(), MAX_CALL_FIELD).to_string(),
            ))
        }
    };
    Ok(CallRequest {
        called,
        from: call
            .from
            .map(|f| truncate(f.trim(), MAX_CALL_FIELD).to_string())
            .filter(|f| !f.is_empty()),
        at_ms,
        call_sid: None,
        format: CallFormat::Json,
    })
}

fn parse_time(s: &str) -> Result<i64, BadRequest> {
    let s = s.trim();
    if !s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse::<i64>()
            .map_err(|_| BadRequest::BadTime(s.to_string()));
    }
    parse_rfc3339_ms(s).ok_or_else(|| BadRequest::BadTime(truncate(s, MAX_CALL_FIELD).to_string()))
}

fn parse_form(text: &str) -> Result<CallRequest, BadRequest> {
    let (mut to, mut called, mut from, mut sid) = (None, None, None, None);
    for (name, value) in query_pairs(text) {
        let slot = match name {
            "To" => &mut to,
            "Called" => &mut called,
            "From" => &mut from,
            "CallSid" => &mut sid,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(decode_component(value).into_owned());
        }
    }
    let number = to.or(called).ok_or(BadRequest::MissingField("To"))?;
    let called = e164_field("To", &restore_plus(&number))?;
    let bounded = |v: Option<String>| {
        v.map(|s| truncate(&restore_plus(&s), MAX_CALL_FIELD).to_string())
            .filter(|s| !s.is_empty())
    };
    Ok(CallRequest {
        called,
        from: bounded(from),
        at_ms: None,
        call_sid: bounded(sid),
        format: CallFormat::TwilioForm,
    })
}

/// ` 15551234567` (an unencoded `+` decoded as a space) becomes `+15551234567`.
fn restore_plus(v: &str) -> String {
    match v.strip_prefix(' ') {
        Some(rest) if rest.bytes().next().is_some_and(|b| b.is_ascii_digit()) => format!("+{rest}"),
        _ => v.trim().to_string(),
    }
}

fn e164_field(field: &'static str, value: &str) -> Result<E164, BadRequest> {
    E164::parse(value).map_err(|_| BadRequest::NotE164 {
        field,
        value: truncate(value, MAX_CALL_FIELD).to_string(),
    })
}
