//! Plivo: `X-Plivo-Signature-V3` with `X-Plivo-Signature-V3-Nonce`, the answer and hangup
//! webhooks.
//!
//! Signature V3 (Plivo, "Validation", <https://www.plivo.com/docs/voice/xml/request/validation>,
//! and the SDKs' `validate_v3_signature`): the URL without its query
//! (`scheme://host[:port]/path`); then, for a POST, `?` followed by the URL's query
//! parameters (decoded, sorted, `name=value` joined by `&`) and a `.` when both query and
//! body parameters exist, then the body parameters sorted by name as `namevalue`; for a
//! GET, `?` and every query parameter sorted as `name=value&…`. Finally `.` and the nonce.
//! HMAC-SHA256 with the auth token, base64. The header may list several signatures
//! separated by commas (one per active token); one match suffices.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{no_signature, CallEvent, IncomingCall, Provider, StatusUpdate};
use crate::form;
use crate::request::{bounded, provider_number, Refusal, WebhookRequest, MAX_FIELD};
use crate::status::CallStatus;

/// Sorted by name, then value (repeated names).
fn sorted(pairs: &[(String, String)]) -> Vec<&(String, String)> {
    let mut v: Vec<&(String, String)> = pairs.iter().collect();
    v.sort();
    v
}

fn query_string(pairs: &[(String, String)]) -> String {
    sorted(pairs)
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The `X-Plivo-Signature-V3` of a request: `method` (`GET` or `POST`), the full `url`
/// (query included), the `nonce` header and, for a POST, the form `params`.
pub fn plivo_v3_signature(
    auth_token: &str,
    method: &str,
    url: &str,
    nonce: &str,
    params: &[(String, String)],
) -> String {
    let (base, query) = form::split_query(url);
    let query = form::pairs(query);
    let mut data = base.to_string();
    if method.eq_ignore_ascii_case("GET") {
        let q = query_string(&query);
        if !q.is_empty() {
            data.push('?');
            data.push_str(&q);
        }
    } else {
        let q = query_string(&query);
        if !q.is_empty() || !params.is_empty() {
            data.push('?');
            data.push_str(&q);
        }
        if !q.is_empty() && !params.is_empty() {
            data.push('.');
        }
        for (k, v) in sorted(params) {
            data.push_str(k);
            data.push_str(v);
        }
    }
    data.push('.');
    data.push_str(nonce);
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(auth_token.as_bytes()) else {
        return String::new();
    };
    mac.update(data.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

fn params(req: &WebhookRequest<'_>) -> Result<Vec<(String, String)>, Refusal> {
    if req.is_get() {
        return Ok(Vec::new());
    }
    match req.media_type().as_str() {
        "application/x-www-form-urlencoded" | "" => Ok(form::pairs(req.text()?)),
        other => Err(Refusal::UnsupportedMediaType(bounded(other, MAX_FIELD))),
    }
}

pub(super) fn authenticate(
    req: &WebhookRequest<'_>,
    secret: Option<&str>,
    api_token: Option<&str>,
) -> Result<(), Refusal> {
    let sig = req
        .header("x-plivo-signature-v3")
        .or_else(|| req.header("x-plivo-signature-ma-v3"));
    let nonce = req.header("x-plivo-signature-v3-nonce");
    let (Some(sig), Some(nonce), Some(secret)) = (sig, nonce, secret) else {
        return Err(no_signature(
            secret,
            api_token,
            "PLIVO_AUTH_TOKEN (or Basic auth with DNI_API_TOKEN)",
        ));
    };
    let expected = plivo_v3_signature(secret, req.method, req.url, nonce.trim(), &params(req)?);
    if sig
        .split(',')
        .any(|s| super::digest_eq(s.trim(), &expected))
    {
        Ok(())
    } else {
        Err(Refusal::Forbidden("signature does not match"))
    }
}

pub(super) fn parse(req: &WebhookRequest<'_>, status: bool) -> Result<CallEvent, Refusal> {
    let mut pairs = form::pairs(form::split_query(req.url).1);
    pairs.extend(params(req)?);
    let call_id = form::get(&pairs, "CallUUID")
        .map(|s| bounded(s.trim(), MAX_FIELD))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Refusal::BadRequest("missing `CallUUID`".into()))?;
    let called_raw = form::get(&pairs, "To");
    let called = called_raw.and_then(provider_number);
    if status {
        let raw = form::get(&pairs, "CallStatus")
            .ok_or_else(|| Refusal::BadRequest("missing `CallStatus`".into()))?;
        return Ok(CallEvent::Status(StatusUpdate {
            provider: Provider::Plivo,
            call_id,
            called,
            status: status_of(raw),
            duration_s: form::get(&pairs, "Duration").and_then(|d| d.trim().parse().ok()),
        }));
    }
    let called = called.ok_or_else(|| {
        Refusal::BadRequest(match called_raw {
            Some(v) => format!("`To` is not a phone number: `{}`", bounded(v, MAX_FIELD)),
            None => "missing `To`".into(),
        })
    })?;
    Ok(CallEvent::Incoming(IncomingCall {
        provider: Provider::Plivo,
        call_id,
        called,
        caller: form::get(&pairs, "From").and_then(provider_number),
    }))
}

/// Plivo's `CallStatus` values (answer: `ringing`, `in-progress`; hangup: `completed`,
/// `busy`, `failed`, `timeout`, `no-answer`, `cancel`).
fn status_of(raw: &str) -> CallStatus {
    match raw.trim() {
        "ringing" => CallStatus::Ringing,
        "in-progress" => CallStatus::InProgress,
        "completed" => CallStatus::Completed,
        "busy" => CallStatus::Busy,
        "timeout" | "no-answer" => CallStatus::NoAnswer,
        "cancel" | "canceled" | "cancelled" => CallStatus::Canceled,
        "failed" | "error" => CallStatus::Failed,
        _ => CallStatus::Unknown,
    }
}
