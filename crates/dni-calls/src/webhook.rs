//! The signed webhook sent for each attributed, consented call, and its retry schedule.
//!
//! `POST` to `calls.webhook.url`, `Content-Type: application/json`, body
//! `{"event": "call.completed", "call": <CallRecord>}`, header
//! `X-DNI-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed with the
//! `DNI_WEBHOOK_SECRET` (the scheme Stripe uses: the timestamp makes replays detectable;
//! [`verify_signature`] is what a receiver does). Only [`eligible`](crate::eligible) calls
//! are sent.
//!
//! Delivery: a 2xx answer ends it; a 408, 429, 5xx or network error is retried after
//! [`backoff_ms`] (30 s, 2 min, 8 min, 32 min, then every 2 h 8 min … capped at 6 h) up to
//! `max_attempts`; any other status gives up at once (the receiver refused it). The shell
//! keeps the pending delivery with the call record and wakes with a Durable Object alarm at
//! the next `retry_at`.

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::config::WebhookConfig;
use crate::conversions::eligible;
use crate::provider::hex;
use crate::record::CallRecord;
use dni_common::Category;

/// The signature header's name.
pub const SIGNATURE_HEADER: &str = "X-DNI-Signature";
/// The secret that signs webhooks.
pub const SECRET_NAME: &str = "DNI_WEBHOOK_SECRET";

/// The body for `record`, or `None` when it must not be sent (not completed, too short,
/// no consent).
pub fn webhook_body(
    record: &CallRecord,
    cfg: &WebhookConfig,
    category: Category,
) -> Option<String> {
    eligible(record, cfg.min_duration_seconds, category).ok()?;
    Some(json!({"event": "call.completed", "call": record}).to_string())
}

fn mac_hex(secret: &[u8], timestamp_s: i64, body: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(timestamp_s.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// The `X-DNI-Signature` value: `t=<timestamp_s>,v1=<hex>`.
pub fn sign(secret: &[u8], timestamp_s: i64, body: &str) -> String {
    format!("t={timestamp_s},v1={}", mac_hex(secret, timestamp_s, body))
}

/// What a receiver checks: the header's `v1` matches the body and `t` is within
/// `tolerance_s` of `now_s`.
pub fn verify_signature(
    secret: &[u8],
    header: &str,
    body: &str,
    now_s: i64,
    tolerance_s: i64,
) -> bool {
    let mut t = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => v1.push(v.to_string()),
            _ => {}
        }
    }
    let Some(t) = t else { return false };
    if (now_s - t).abs() > tolerance_s {
        return false;
    }
    let expected = mac_hex(secret, t, body);
    v1.iter()
        .any(|s| bool::from(s.as_bytes().ct_eq(expected.as_bytes())))
}

/// Delay before attempt `attempt + 1` after `attempt` failed (attempts count from 1):
/// 30 s × 4^(attempt-1), at most 6 hours.
pub fn backoff_ms(attempt: u32) -> i64 {
    const CAP: i64 = 6 * 3_600_000;
    let exp = attempt.saturating_sub(1).min(10);
    30_000i64.saturating_mul(4i64.saturating_pow(exp)).min(CAP)
}

/// What happened to one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptResult {
    /// The receiver answered with this HTTP status.
    Status(u16),
    /// No answer (DNS, connection, timeout).
    NetworkError,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Delivered,
    RetryAt(i64),
    GiveUp,
}

/// After attempt number `attempt` (from 1) ended with `result` at `now_ms`.
pub fn next_step(attempt: u32, result: AttemptResult, now_ms: i64, cfg: &WebhookConfig) -> Next {
    let retryable = match result {
        AttemptResult::Status(s) if (200..300).contains(&s) => return Next::Delivered,
        AttemptResult::Status(s) => s == 408 || s == 429 || s >= 500,
        AttemptResult::NetworkError => true,
    };
    if retryable && attempt < cfg.max_attempts {
        Next::RetryAt(now_ms.saturating_add(backoff_ms(attempt)))
    } else {
        Next::GiveUp
    }
}
