//! Telephony providers: authenticate a webhook and read it into a [`CallEvent`].
//!
//! | provider | answer webhook | status webhook | authentication |
//! |---|---|---|---|
//! | Twilio | voice URL, form POST | `statusCallback`, form POST | `X-Twilio-Signature` (HMAC-SHA1, `TWILIO_AUTH_TOKEN`) or Basic auth in the URL |
//! | SignalWire | the same (cXML, Twilio-compatible) | the same | `X-SignalWire-Signature` or `X-Twilio-Signature` (HMAC-SHA1, the project's Signing Key) or Basic |
//! | Plivo | `answer_url`, form POST or GET | `hangup_url` | `X-Plivo-Signature-V3` + `-Nonce` (HMAC-SHA256, `PLIVO_AUTH_TOKEN`) or Basic |
//! | Vonage | `answer_url`, GET query or POST JSON | `event_url`, POST JSON | signed JWT in `Authorization: Bearer` (HS256, `VONAGE_SIGNATURE_SECRET`, `payload_hash`, `iat` within 5 minutes) or Basic |
//!
//! Basic auth: the webhook URL carries `https://calls:TOKEN@host/__dni/calls/twilio`; the
//! password must equal `DNI_API_TOKEN` (any user name). A request with neither credentials
//! nor a signature gets 401 with `WWW-Authenticate: Basic` (Twilio then retries with the
//! URL's credentials); wrong credentials or a signature that does not verify get 403.

mod api;
mod plivo;
mod twilio;
mod vonage;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use dni_numbers::E164;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub use plivo::plivo_v3_signature;
pub use twilio::twilio_signature;
pub use vonage::{verify_vonage_jwt, VonageClaims, VONAGE_MAX_AGE_MS};

use crate::request::{Refusal, WebhookRequest};
use crate::status::CallStatus;
pub use api::Lookup;

/// A telephony provider whose webhooks are read directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Twilio,
    SignalWire,
    Plivo,
    Vonage,
    /// The bearer-token JSON API (`POST /__dni/calls`), used from your own call routing.
    Api,
}

impl Provider {
    /// The webhook providers, in documentation order.
    pub const WEBHOOKS: [Provider; 4] = [
        Provider::Twilio,
        Provider::SignalWire,
        Provider::Plivo,
        Provider::Vonage,
    ];

    /// The provider's name in paths and records: `twilio`, `signalwire`, `plivo`, `vonage`,
    /// `api`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Twilio => "twilio",
            Provider::SignalWire => "signalwire",
            Provider::Plivo => "plivo",
            Provider::Vonage => "vonage",
            Provider::Api => "api",
        }
    }

    /// The secret (environment variable) that signs this provider's webhooks.
    pub fn secret_name(self) -> &'static str {
        match self {
            Provider::Twilio => "TWILIO_AUTH_TOKEN",
            Provider::SignalWire => "SIGNALWIRE_SIGNING_KEY",
            Provider::Plivo => "PLIVO_AUTH_TOKEN",
            Provider::Vonage => "VONAGE_SIGNATURE_SECRET",
            Provider::Api => "DNI_API_TOKEN",
        }
    }
}

/// Which endpoint a request reached (from its path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /__dni/calls`: the bearer-token API (JSON lookup, or a Twilio-style form).
    Api,
    /// `/__dni/calls/{provider}`: the provider's answer (voice) webhook.
    Answer(Provider),
    /// `/__dni/calls/{provider}/status`: the provider's status (event, hangup) webhook.
    Status(Provider),
}

impl Endpoint {
    /// The endpoint of a request path: `/__dni/calls`, `/__dni/calls/twilio`,
    /// `/__dni/calls/vonage/status`, … (a trailing `/` is accepted); `None` otherwise.
    pub fn from_path(path: &str) -> Option<Endpoint> {
        let rest = path.strip_prefix("/__dni/calls")?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.is_empty() {
            return Some(Endpoint::Api);
        }
        let rest = rest.strip_prefix('/')?;
        let (name, status) = match rest.split_once('/') {
            Some((name, "status")) => (name, true),
            Some(_) => return None,
            None => (rest, false),
        };
        let provider = Provider::WEBHOOKS
            .into_iter()
            .find(|p| p.as_str() == name)?;
        Some(if status {
            Endpoint::Status(provider)
        } else {
            Endpoint::Answer(provider)
        })
    }
}

/// The secrets the worker holds (`None` when unset). Each provider needs its own; Basic
/// auth and the JSON API use `api_token` (`DNI_API_TOKEN`).
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    pub api_token: Option<String>,
    pub twilio_auth_token: Option<String>,
    pub signalwire_signing_key: Option<String>,
    pub plivo_auth_token: Option<String>,
    pub vonage_signature_secret: Option<String>,
}

impl Secrets {
    fn for_provider(&self, p: Provider) -> Option<&str> {
        let s = match p {
            Provider::Twilio => &self.twilio_auth_token,
            Provider::SignalWire => &self.signalwire_signing_key,
            Provider::Plivo => &self.plivo_auth_token,
            Provider::Vonage => &self.vonage_signature_secret,
            Provider::Api => &self.api_token,
        };
        s.as_deref().filter(|s| !s.is_empty())
    }
}

/// A call arriving: the provider asks how to connect it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingCall {
    pub provider: Provider,
    /// The provider's call id (`CallSid`, `CallUUID`, `uuid`), at most 64 bytes.
    pub call_id: String,
    /// The number that was dialled (a tracking, target or fallback number).
    pub called: E164,
    /// The caller, when it is a phone number (not withheld, not SIP).
    pub caller: Option<E164>,
}

/// A call's progress, reported by the provider's status webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    pub provider: Provider,
    pub call_id: String,
    /// The number that was dialled, when the callback says.
    pub called: Option<E164>,
    pub status: CallStatus,
    /// Talk time in seconds, when the provider reports it.
    pub duration_s: Option<u32>,
}

/// An authenticated, parsed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    /// The JSON API: who held this tracking number at that time?
    Lookup(api::Lookup),
    /// A provider (or the API's form variant) asks how to route a call.
    Incoming(IncomingCall),
    /// A provider reports a call's status.
    Status(StatusUpdate),
}

/// Authenticates `req` for `endpoint` and parses it: the one call the shell makes after
/// reading the body (at most [`MAX_BODY`](crate::MAX_BODY)). `now_ms` bounds the age of
/// Vonage tokens.
pub fn authenticate_and_parse(
    endpoint: Endpoint,
    req: &WebhookRequest<'_>,
    secrets: &Secrets,
    now_ms: i64,
) -> Result<CallEvent, Refusal> {
    match endpoint {
        Endpoint::Api => {
            api::authenticate(req, secrets.for_provider(Provider::Api))?;
            api::parse(req)
        }
        Endpoint::Answer(p) | Endpoint::Status(p) => {
            let status = matches!(endpoint, Endpoint::Status(_));
            authenticate(p, req, secrets, now_ms)?;
            match p {
                Provider::Twilio | Provider::SignalWire => twilio::parse(p, req, status),
                Provider::Plivo => plivo::parse(req, status),
                Provider::Vonage => vonage::parse(req, status),
                Provider::Api => api::parse(req),
            }
        }
    }
}

/// Authenticates a request to the bearer-token API that has no body to parse
/// (`GET /__dni/calls`, the history): `Authorization: Bearer $DNI_API_TOKEN`.
pub fn authenticate_api(req: &WebhookRequest<'_>, secrets: &Secrets) -> Result<(), Refusal> {
    api::authenticate(req, secrets.for_provider(Provider::Api))
}

/// Basic credentials first (they were put in the URL on purpose), then the provider's
/// signature; neither: a 401 challenge.
fn authenticate(
    p: Provider,
    req: &WebhookRequest<'_>,
    secrets: &Secrets,
    now_ms: i64,
) -> Result<(), Refusal> {
    let api_token = secrets.for_provider(Provider::Api);
    if let Some(auth) = req.header("authorization") {
        if let Some(password) = basic_password(auth) {
            return match api_token {
                Some(expected) if digest_eq(&password, expected) => Ok(()),
                Some(_) => Err(Refusal::Forbidden("wrong Basic credentials")),
                None => Err(Refusal::NotConfigured(
                    "DNI_API_TOKEN (Basic auth password)",
                )),
            };
        }
    }
    let secret = secrets.for_provider(p);
    match p {
        Provider::Twilio | Provider::SignalWire => twilio::authenticate(p, req, secret, api_token),
        Provider::Plivo => plivo::authenticate(req, secret, api_token),
        Provider::Vonage => vonage::authenticate(req, secret, api_token, now_ms),
        Provider::Api => api::authenticate(req, api_token),
    }
}

/// What to do when a request carries no verifiable signature.
pub(crate) fn no_signature(
    secret: Option<&str>,
    api_token: Option<&str>,
    what: &'static str,
) -> Refusal {
    if secret.is_none() && api_token.is_none() {
        Refusal::NotConfigured(what)
    } else {
        Refusal::Unauthenticated
    }
}

/// The password of an `Authorization: Basic` header.
fn basic_password(header: &str) -> Option<String> {
    let (scheme, value) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(value.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    text.split_once(':').map(|(_, p)| p.to_string())
}

/// Constant-time equality of two secrets (SHA-256 digests compared, so lengths do not leak).
pub(crate) fn digest_eq(a: &str, b: &str) -> bool {
    bool::from(Sha256::digest(a.as_bytes()).ct_eq(&Sha256::digest(b.as_bytes())))
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_from_paths() {
        assert_eq!(Endpoint::from_path("/__dni/calls"), Some(Endpoint::Api));
        assert_eq!(Endpoint::from_path("/__dni/calls/"), Some(Endpoint::Api));
        assert_eq!(
            Endpoint::from_path("/__dni/calls/twilio"),
            Some(Endpoint::Answer(Provider::Twilio))
        );
        assert_eq!(
            Endpoint::from_path("/__dni/calls/vonage/status"),
            Some(Endpoint::Status(Provider::Vonage))
        );
        assert_eq!(
            Endpoint::from_path("/__dni/calls/signalwire/"),
            Some(Endpoint::Answer(Provider::SignalWire))
        );
        for bad in [
            "/__dni/callsx",
            "/__dni/calls/api",
            "/__dni/calls/telnyx",
            "/__dni/calls/twilio/other",
            "/__dni/calls/twilio/status/x",
            "/__dni/call",
        ] {
            assert_eq!(Endpoint::from_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn basic_header() {
        // "calls:s3cret"
        assert_eq!(
            basic_password("Basic Y2FsbHM6czNjcmV0").as_deref(),
            Some("s3cret")
        );
        assert_eq!(basic_password("Bearer Y2FsbHM6czNjcmV0"), None);
        assert_eq!(basic_password("Basic !!!"), None);
        assert!(digest_eq("a", "a"));
        assert!(!digest_eq("a", "b"));
    }
}
