//! Vonage Voice API: the signed JWT on every webhook, the answer webhook (GET query or POST
//! JSON) and the event webhook (POST JSON).
//!
//! Signed webhooks (Vonage, "Voice API Webhooks Reference",
//! <https://developer.vonage.com/en/voice/voice-api/webhook-reference>, and "Decoding signed
//! webhooks"): `Authorization: Bearer <JWT>`, HS256 with the account's signature secret.
//! Claims used: `iat` (seconds; older than [`VONAGE_MAX_AGE_MS`] or more than a minute in
//! the future is a replay or a forgery), `exp` when present, and `payload_hash`: the hex
//! SHA-256 of the body (POST), or of the query parameters as a compact JSON object in their
//! order (GET).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{hex, no_signature, CallEvent, IncomingCall, Provider, StatusUpdate};
use crate::form;
use crate::request::{bounded, provider_number, Refusal, WebhookRequest, MAX_FIELD};
use crate::status::CallStatus;

/// Oldest accepted token (`iat`), in milliseconds: Vonage signs each request as it sends it.
pub const VONAGE_MAX_AGE_MS: i64 = 5 * 60 * 1000;
/// Tolerated clock skew for tokens issued "in the future", in milliseconds.
const MAX_SKEW_MS: i64 = 60 * 1000;

/// The claims consent-dni reads from a Vonage webhook token.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct VonageClaims {
    pub iat: Option<i64>,
    pub exp: Option<i64>,
    pub payload_hash: Option<String>,
    pub api_key: Option<String>,
    pub application_id: Option<String>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

/// Verifies an HS256 JWT's signature with `secret` and returns its claims. Only `HS256` is
/// accepted (never `none`). Does not check times: see [`authenticate`].
pub fn verify_vonage_jwt(token: &str, secret: &str) -> Result<VonageClaims, Refusal> {
    let bad = |why| Err(Refusal::Forbidden(why));
    let mut parts = token.trim().split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return bad("token is not a JWT");
    };
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part.trim_end_matches('='));
    let (Ok(header), Ok(payload), Ok(sig)) = (decode(h), decode(p), decode(s)) else {
        return bad("token is not base64url");
    };
    let Ok(header) = serde_json::from_slice::<Header>(&header) else {
        return bad("token header is not JSON");
    };
    if header.alg != "HS256" {
        return bad("token algorithm is not HS256");
    }
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return bad("unusable secret");
    };
    mac.update(h.as_bytes());
    mac.update(b".");
    mac.update(p.as_bytes());
    if mac.verify_slice(&sig).is_err() {
        return bad("token signature does not match");
    }
    serde_json::from_slice::<VonageClaims>(&payload)
        .or(Err(Refusal::Forbidden("token claims are not JSON")))
}

/// The hash Vonage puts in `payload_hash` for this request.
fn payload_hash(req: &WebhookRequest<'_>) -> String {
    if req.is_get() {
        let pairs = form::pairs(form::split_query(req.url).1);
        let fields: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), Value::String(v.clone())))
            .collect();
        hex(&Sha256::digest(
            format!("{{{}}}", fields.join(",")).as_bytes(),
        ))
    } else {
        hex(&Sha256::digest(req.body))
    }
}

pub(super) fn authenticate(
    req: &WebhookRequest<'_>,
    secret: Option<&str>,
    api_token: Option<&str>,
    now_ms: i64,
) -> Result<(), Refusal> {
    let token = req.header("authorization").and_then(|a| {
        let (scheme, t) = a.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then_some(t)
    });
    let (Some(token), Some(secret)) = (token, secret) else {
        return Err(no_signature(
            secret,
            api_token,
            "VONAGE_SIGNATURE_SECRET (or Basic auth with DNI_API_TOKEN)",
        ));
    };
    let claims = verify_vonage_jwt(token, secret)?;
    let Some(iat) = claims.iat else {
        return Err(Refusal::Forbidden("token has no `iat`"));
    };
    let iat_ms = iat.saturating_mul(1000);
    if now_ms.saturating_sub(iat_ms) > VONAGE_MAX_AGE_MS
        || iat_ms.saturating_sub(now_ms) > MAX_SKEW_MS
    {
        return Err(Refusal::Forbidden(
            "token too old or from the future (replay?)",
        ));
    }
    if claims
        .exp
        .is_some_and(|exp| exp.saturating_mul(1000) <= now_ms)
    {
        return Err(Refusal::Forbidden("token expired"));
    }
    if let Some(hash) = &claims.payload_hash {
        if !super::digest_eq(&hash.to_ascii_lowercase(), &payload_hash(req)) {
            return Err(Refusal::Forbidden("payload does not match `payload_hash`"));
        }
    }
    Ok(())
}

fn field(obj: &serde_json::Map<String, Value>, name: &str) -> Option<String> {
    match obj.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(super) fn parse(req: &WebhookRequest<'_>, status: bool) -> Result<CallEvent, Refusal> {
    let obj: serde_json::Map<String, Value> = if req.is_get() {
        form::pairs(form::split_query(req.url).1)
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect()
    } else {
        let media = req.media_type();
        if !(media.is_empty() || media.ends_with("json")) {
            return Err(Refusal::UnsupportedMediaType(bounded(&media, MAX_FIELD)));
        }
        serde_json::from_str(req.text()?)
            .map_err(|e| Refusal::BadRequest(format!("invalid JSON body: {e}")))?
    };
    let call_id = field(&obj, "uuid")
        .map(|s| bounded(s.trim(), MAX_FIELD))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Refusal::BadRequest("missing `uuid`".into()))?;
    let called_raw = field(&obj, "to");
    let called = called_raw.as_deref().and_then(provider_number);
    if status {
        let raw =
            field(&obj, "status").ok_or_else(|| Refusal::BadRequest("missing `status`".into()))?;
        return Ok(CallEvent::Status(StatusUpdate {
            provider: Provider::Vonage,
            call_id,
            called,
            status: status_of(&raw),
            duration_s: field(&obj, "duration").and_then(|d| d.trim().parse().ok()),
        }));
    }
    let called = called.ok_or_else(|| {
        Refusal::BadRequest(match &called_raw {
            Some(v) => format!("`to` is not a phone number: `{}`", bounded(v, MAX_FIELD)),
            None => "missing `to`".into(),
        })
    })?;
    Ok(CallEvent::Incoming(IncomingCall {
        provider: Provider::Vonage,
        call_id,
        called,
        caller: field(&obj, "from").as_deref().and_then(provider_number),
    }))
}

/// Vonage's call `status` values (event webhook).
fn status_of(raw: &str) -> CallStatus {
    match raw.trim() {
        "started" | "ringing" => CallStatus::Ringing,
        "answered" => CallStatus::InProgress,
        "completed" => CallStatus::Completed,
        "busy" => CallStatus::Busy,
        "timeout" | "unanswered" => CallStatus::NoAnswer,
        "cancelled" | "rejected" => CallStatus::Canceled,
        "failed" | "error" => CallStatus::Failed,
        _ => CallStatus::Unknown,
    }
}
