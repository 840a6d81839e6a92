//! Twilio (and SignalWire's Twilio-compatible cXML): `X-Twilio-Signature` /
//! `X-SignalWire-Signature`, the voice webhook and the status callback.
//!
//! Signature (Twilio, "Secure webhooks", <https://www.twilio.com/docs/usage/webhooks/webhooks-security>):
//! the full URL, then every POST parameter sorted by name (values of a repeated name sorted
//! too), each as name immediately followed by value; HMAC-SHA1 with the auth token; base64.
//! Like Twilio's own validators, the URL is tried as received, without its port, and with
//! the scheme's default port. A JSON body is covered by the `bodySHA256` query parameter
//! (hex SHA-256 of the body) instead of parameters.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::{hex, no_signature, CallEvent, IncomingCall, Provider, StatusUpdate};
use crate::form;
use crate::request::{bounded, provider_number, Refusal, WebhookRequest, MAX_FIELD};
use crate::status::CallStatus;

/// The `X-Twilio-Signature` of a POST to `url` with form `params`, keyed by `auth_token`.
pub fn twilio_signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()) else {
        return String::new();
    };
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

/// `url` as received, without its port, and with the scheme's default port: the forms
/// Twilio may have signed.
fn url_variants(url: &str) -> Vec<String> {
    let mut out = vec![url.to_string()];
    let Some((scheme, rest)) = url.split_once("://") else {
        return out;
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (format!("{u}@"), h),
        None => (String::new(), authority),
    };
    let host = match hostport.rsplit_once(':') {
        Some((h, port))
            if !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && (!h.starts_with('[') || h.ends_with(']')) =>
        {
            h
        }
        _ => hostport,
    };
    out.push(format!("{scheme}://{userinfo}{host}{tail}"));
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        "443"
    } else {
        "80"
    };
    out.push(format!("{scheme}://{userinfo}{host}:{default_port}{tail}"));
    out.dedup();
    out
}

fn signature_header<'r>(p: Provider, req: &'r WebhookRequest<'_>) -> Option<&'r str> {
    match p {
        Provider::SignalWire => req
            .header("x-signalwire-signature")
            .or_else(|| req.header("x-twilio-signature")),
        _ => req.header("x-twilio-signature"),
    }
}

pub(super) fn authenticate(
    p: Provider,
    req: &WebhookRequest<'_>,
    secret: Option<&str>,
    api_token: Option<&str>,
) -> Result<(), Refusal> {
    let what = match p {
        Provider::SignalWire => "SIGNALWIRE_SIGNING_KEY (or Basic auth with DNI_API_TOKEN)",
        _ => "TWILIO_AUTH_TOKEN (or Basic auth with DNI_API_TOKEN)",
    };
    let (Some(sent), Some(secret)) = (signature_header(p, req), secret) else {
        return Err(no_signature(secret, api_token, what));
    };
    let sent = sent.trim();
    let json = req.media_type().ends_with("json");
    let params = if json || req.is_get() {
        Vec::new()
    } else {
        form::pairs(req.text()?)
    };
    if json {
        let (_, query) = form::split_query(req.url);
        let claimed = form::pairs(query)
            .into_iter()
            .find(|(k, _)| k == "bodySHA256")
            .map(|(_, v)| v)
            .ok_or(Refusal::Forbidden("JSON body without bodySHA256"))?;
        if !super::digest_eq(
            &hex(&Sha256::digest(req.body)),
            &claimed.to_ascii_lowercase(),
        ) {
            return Err(Refusal::Forbidden("body does not match bodySHA256"));
        }
    }
    let ok = url_variants(req.url)
        .iter()
        .any(|u| super::digest_eq(&twilio_signature(secret, u, &params), sent));
    if ok {
        Ok(())
    } else {
        Err(Refusal::Forbidden("signature does not match"))
    }
}

pub(super) fn parse(
    p: Provider,
    req: &WebhookRequest<'_>,
    status: bool,
) -> Result<CallEvent, Refusal> {
    let text = req.text()?;
    let pairs = if req.is_get() {
        form::pairs(form::split_query(req.url).1)
    } else {
        match req.media_type().as_str() {
            "application/x-www-form-urlencoded" | "" => form::pairs(text),
            other => return Err(Refusal::UnsupportedMediaType(bounded(other, MAX_FIELD))),
        }
    };
    let call_id = form::get(&pairs, "CallSid")
        .map(|s| bounded(s.trim(), MAX_FIELD))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Refusal::BadRequest("missing `CallSid`".into()))?;
    let called_raw = form::get(&pairs, "To").or_else(|| form::get(&pairs, "Called"));
    let called = called_raw.and_then(provider_number);
    if status {
        let raw = form::get(&pairs, "CallStatus")
            .ok_or_else(|| Refusal::BadRequest("missing `CallStatus`".into()))?;
        return Ok(CallEvent::Status(StatusUpdate {
            provider: p,
            call_id,
            called,
            status: status_of(raw),
            duration_s: form::get(&pairs, "CallDuration").and_then(|d| d.trim().parse().ok()),
        }));
    }
    let called = called.ok_or_else(|| {
        Refusal::BadRequest(match called_raw {
            Some(v) => format!("`To` is not a phone number: `{}`", bounded(v, MAX_FIELD)),
            None => "missing `To`".into(),
        })
    })?;
    Ok(CallEvent::Incoming(IncomingCall {
        provider: p,
        call_id,
        called,
        caller: form::get(&pairs, "From").and_then(provider_number),
    }))
}

/// Twilio's `CallStatus` values (<https://www.twilio.com/docs/voice/api/call-resource#call-status-values>).
fn status_of(raw: &str) -> CallStatus {
    match raw.trim() {
        "queued" | "initiated" | "ringing" => CallStatus::Ringing,
        "in-progress" | "answered" => CallStatus::InProgress,
        "completed" => CallStatus::Completed,
        "busy" => CallStatus::Busy,
        "no-answer" => CallStatus::NoAnswer,
        "canceled" => CallStatus::Canceled,
        "failed" | "error" => CallStatus::Failed,
        _ => CallStatus::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_variants_cover_ports() {
        assert_eq!(
            url_variants("https://mycompany.com:1234/myapp.php?foo=1"),
            vec![
                "https://mycompany.com:1234/myapp.php?foo=1".to_string(),
                "https://mycompany.com/myapp.php?foo=1".to_string(),
                "https://mycompany.com:443/myapp.php?foo=1".to_string(),
            ]
        );
        assert_eq!(url_variants("http://h").len(), 2);
        assert_eq!(url_variants("not a url"), vec!["not a url".to_string()]);
    }

    #[test]
    fn statuses() {
        assert_eq!(status_of("completed"), CallStatus::Completed);
        assert_eq!(status_of("no-answer"), CallStatus::NoAnswer);
        assert_eq!(status_of("ringing"), CallStatus::Ringing);
        assert_eq!(status_of("failed"), CallStatus::Failed);
        assert_eq!(status_of("whatever"), CallStatus::Unknown);
    }
}
