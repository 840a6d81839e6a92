//! What the shell hands over from an HTTP request, and why a request is refused.

use std::fmt;

use dni_numbers::E164;

/// Largest webhook or API body read, in bytes (a provider webhook is about 1 KB). The shell
/// reads at most this much and answers [`Refusal::TooLarge`] (413) beyond it.
pub const MAX_BODY: usize = 16 * 1024;
/// Longest provider call id or free-text field kept, in bytes.
pub const MAX_FIELD: usize = 64;

/// One incoming request, as received. The shell fills it without interpreting anything.
#[derive(Debug, Clone, Copy)]
pub struct WebhookRequest<'a> {
    /// `GET` or `POST` (any case).
    pub method: &'a str,
    /// The full URL exactly as requested (`https://www.example.com/__dni/calls/twilio?x=1`),
    /// as the runtime reports it: signatures cover it byte for byte.
    pub url: &'a str,
    /// Request headers (any name case).
    pub headers: &'a [(String, String)],
    /// The body, at most [`MAX_BODY`] bytes.
    pub body: &'a [u8],
}

impl WebhookRequest<'_> {
    /// The first header called `name` (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as UTF-8.
    pub fn text(&self) -> Result<&str, Refusal> {
        if self.body.len() > MAX_BODY {
            return Err(Refusal::TooLarge { limit: MAX_BODY });
        }
        std::str::from_utf8(self.body).map_err(|_| Refusal::BadRequest("body is not UTF-8".into()))
    }

    /// The media type of the body, lowercased, without parameters (`""` when absent).
    pub fn media_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    pub(crate) fn is_get(&self) -> bool {
        self.method.eq_ignore_ascii_case("GET")
    }
}

/// Why a request is refused, with its HTTP status ([`Refusal::status`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No credentials at all: 401, with [`Refusal::www_authenticate`] so a provider that
    /// has Basic credentials in its webhook URL (Twilio) retries with them.
    Unauthenticated,
    /// Credentials or a signature were sent and are wrong (forged, altered, replayed, for
    /// another URL, expired): 403.
    Forbidden(&'static str),
    /// The provider's secret is not configured: 503 (the operator must set it).
    NotConfigured(&'static str),
    /// Body larger than [`MAX_BODY`]: 413.
    TooLarge { limit: usize },
    /// A body type the endpoint does not read: 415.
    UnsupportedMediaType(String),
    /// Malformed or incomplete: 400.
    BadRequest(String),
}

impl Refusal {
    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::Unauthenticated => 401,
            Refusal::Forbidden(_) => 403,
            Refusal::NotConfigured(_) => 503,
            Refusal::TooLarge { .. } => 413,
            Refusal::UnsupportedMediaType(_) => 415,
            Refusal::BadRequest(_) => 400,
        }
    }

    /// The `WWW-Authenticate` header to send with a 401.
    pub fn www_authenticate(&self) -> Option<&'static str> {
        matches!(self, Refusal::Unauthenticated)
            .then_some(r#"Basic realm="consent-dni", charset="UTF-8""#)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Unauthenticated => f.write_str("authentication required"),
            Refusal::Forbidden(why) => write!(f, "forbidden: {why}"),
            Refusal::NotConfigured(what) => write!(f, "not configured: {what}"),
            Refusal::TooLarge { limit } => write!(f, "body larger than {limit} bytes"),
            Refusal::UnsupportedMediaType(t) => write!(f, "unsupported content type `{t}`"),
            Refusal::BadRequest(why) => write!(f, "bad request: {why}"),
        }
    }
}

impl std::error::Error for Refusal {}

/// `s` cut to at most `max` bytes on a character boundary.
pub(crate) fn bounded(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("").to_string()
}

/// A provider's phone-number field as E.164: `+15551234567`, `15551234567` (Plivo, Vonage),
/// ` 15551234567` (an unencoded `+` decoded as a space). `None` for anything else
/// (`anonymous`, `sip:…`, `client:…`).
pub fn provider_number(raw: &str) -> Option<E164> {
    let t = raw.trim();
    let digits = t.strip_prefix('+').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    E164::parse(&format!("+{digits}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_providers() {
        let want = E164::parse("+15550000001").ok();
        assert_eq!(provider_number("+15550000001"), want);
        assert_eq!(provider_number("15550000001"), want);
        assert_eq!(provider_number(" 15550000001"), want);
        assert_eq!(provider_number("anonymous"), None);
        assert_eq!(provider_number("sip:alice@example.com"), None);
        assert_eq!(provider_number("+1555"), None);
        assert_eq!(provider_number(""), None);
        assert_eq!(provider_number("+"), None);
    }

    #[test]
    fn statuses() {
        assert_eq!(Refusal::Unauthenticated.status(), 401);
        assert!(Refusal::Unauthenticated.www_authenticate().is_some());
        assert_eq!(Refusal::Forbidden("x").www_authenticate(), None);
        assert_eq!(Refusal::Forbidden("x").status(), 403);
        assert_eq!(Refusal::TooLarge { limit: 1 }.status(), 413);
        assert_eq!(bounded("aé", 2), "a");
    }
}
