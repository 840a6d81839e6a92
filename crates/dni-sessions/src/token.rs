//! The signed session token: the value of the session cookie.
//!
//! Layout (version 2), base64url without padding over:
//!
//! ```text
//! version u8 = 2 | session id [16] | issued_ms i64 BE | lease count u8 (<= 16)
//! per lease: flags u8 (bit 0 = provisional) | until_ms i64 BE | digit count u8 | E.164 digits
//! landing u8 (0 = none, 1 = present)
//! if present: landed_at_ms i64 BE | url len u16 BE | url (<= 1024 bytes, UTF-8)
//!             | referrer len u16 BE (0 = none) | referrer (<= 512 bytes, UTF-8)
//! tag [16] = HMAC-SHA256(secret, everything above), first 16 bytes
//! ```
//!
//! Version 1 is the same without the landing byte and block; it still decodes (no
//! landing). A token with one lease and no landing is 86 characters.
//!
//! The landing ([`TokenLanding`]) is kept only while some target of the session has no
//! lease yet (the pool overflowed, failed, or the client was refused one): a later view
//! then classifies and attributes from the original landing, not from the page it is on. The session id is the caller's 16 random bytes
//! (the worker shell owns the RNG). The tag is checked in constant time before anything else
//! of the body is trusted; a token is refused when it is older than the maximum age.
//! Which target a lease belongs to is not stored: it is the target whose pools hold the
//! number ([`SessionToken::lease_for`]), so reordering targets in the configuration cannot
//! cross leases over, and a number removed from the configuration simply stops counting.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use dni_numbers::E164;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::bounded::MAX_TOKEN_LEASES;
use crate::config::TargetConfig;
use crate::landing::{TokenLanding, MAX_TOKEN_LANDING_REFERRER, MAX_TOKEN_LANDING_URL};

/// The current token format version (first byte).
pub const TOKEN_VERSION: u8 = 2;
/// The previous version, still read (no landing block).
pub const TOKEN_VERSION_1: u8 = 1;
/// Bytes of HMAC-SHA256 kept as the tag (128 bits).
pub const TAG_LEN: usize = 16;
/// The shortest secret the shell should accept for `DNI_SECRET`, in bytes.
pub const MIN_SECRET_LEN: usize = 32;
/// Default maximum token age: 30 days (the AMP cookie lifetime).
pub const DEFAULT_MAX_AGE_MS: i64 = 30 * 86_400_000;
/// Tolerated clock skew for tokens issued "in the future" (5 minutes).
pub const MAX_CLOCK_SKEW_MS: i64 = 5 * 60_000;

const HEADER_LEN: usize = 1 + 16 + 8 + 1;
const MAX_LEASE_LEN: usize = 1 + 8 + 1 + 15;
const MAX_LANDING_LEN: usize = 1 + 8 + 2 + MAX_TOKEN_LANDING_URL + 2 + MAX_TOKEN_LANDING_REFERRER;
const MAX_RAW_LEN: usize =
    HEADER_LEN + MAX_TOKEN_LEASES * MAX_LEASE_LEN + MAX_LANDING_LEN + TAG_LEN;
const MAX_ENCODED_LEN: usize = MAX_RAW_LEN.div_ceil(3) * 4;

/// A session's id: 16 random bytes, shown as 32 lowercase hex digits (the `session` key of
/// pools and lease history).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub [u8; 16]);

impl SessionId {
    /// 32 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// A string that is not 32 hexadecimal digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseSessionIdError;

impl fmt::Display for ParseSessionIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a session id is 32 hexadecimal digits")
    }
}

impl std::error::Error for ParseSessionIdError {}

impl std::str::FromStr for SessionId {
    type Err = ParseSessionIdError;

    /// 32 hex digits (either case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 32 {
            return Err(ParseSessionIdError);
        }
        let mut id = [0u8; 16];
        for (byte, pair) in id.iter_mut().zip(s.as_bytes().chunks_exact(2)) {
            let text = std::str::from_utf8(pair).map_err(|_| ParseSessionIdError)?;
            *byte = u8::from_str_radix(text, 16).map_err(|_| ParseSessionIdError)?;
        }
        Ok(SessionId(id))
    }
}

impl Serialize for SessionId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SessionId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A lease as carried in the token: enough for a page view without a pool round trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenLease {
    /// The leased tracking number.
    pub number: E164,
    /// When the lease idles out unless renewed (ms since the Unix epoch).
    pub until_ms: i64,
    /// `true` until the pool has seen the cookie come back (see the crate docs).
    pub provisional: bool,
}

impl TokenLease {
    /// The lease has not idled out at `now_ms`.
    pub fn is_live(&self, now_ms: i64) -> bool {
        now_ms < self.until_ms
    }

    /// Should a view at `now_ms` renew it in the background? (live, but less than
    /// `renew_before_ms` left.)
    pub fn needs_renewal(&self, now_ms: i64, renew_before_ms: i64) -> bool {
        self.is_live(now_ms) && self.until_ms.saturating_sub(now_ms) < renew_before_ms
    }
}

/// The decoded, verified session cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionToken {
    pub id: SessionId,
    /// When this token was issued (ms since the Unix epoch); re-issuing after a renewal
    /// moves it forward.
    pub issued_ms: i64,
    /// At most one lease per target; at most [`MAX_TOKEN_LEASES`] are encoded.
    pub leases: Vec<TokenLease>,
    /// The landing, while a target still waits for a lease.
    pub landing: Option<TokenLanding>,
}

/// Why a cookie value is not an acceptable session token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// Not base64url, too short or too long, or a body that does not parse.
    Malformed(&'static str),
    /// A format version this build does not read.
    UnsupportedVersion(u8),
    /// The tag does not match: forged, tampered with, or signed under another secret.
    BadSignature,
    /// Issued longer ago than the maximum age.
    Expired { age_ms: i64 },
    /// Issued further in the future than the tolerated clock skew.
    IssuedInFuture { ahead_ms: i64 },
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Malformed(why) => write!(f, "malformed session token: {why}"),
            TokenError::UnsupportedVersion(v) => write!(f, "unsupported session token version {v}"),
            TokenError::BadSignature => f.write_str("session token signature does not verify"),
            TokenError::Expired { age_ms } => write!(f, "session token expired ({age_ms} ms old)"),
            TokenError::IssuedInFuture { ahead_ms } => {
                write!(f, "session token issued {ahead_ms} ms in the future")
            }
        }
    }
}

impl std::error::Error for TokenError {}

fn tag(secret: &[u8], body: &[u8]) -> [u8; TAG_LEN] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => return [0; TAG_LEN],
    };
    mac.update(body);
    let full = mac.finalize().into_bytes();
    let mut out = [0u8; TAG_LEN];
    for (o, b) in out.iter_mut().zip(full.iter()) {
        *o = *b;
    }
    out
}

impl SessionToken {
    /// A new session with no lease, from 16 random bytes.
    pub fn new(random_id: [u8; 16], now_ms: i64) -> SessionToken {
        SessionToken {
            id: SessionId(random_id),
            issued_ms: now_ms,
            leases: Vec::new(),
            landing: None,
        }
    }

    /// The cookie value: base64url, signed with `secret` (at least [`MIN_SECRET_LEN`]
    /// bytes). Leases beyond [`MAX_TOKEN_LEASES`] are left out.
    pub fn encode(&self, secret: &[u8]) -> String {
        let mut raw = Vec::with_capacity(HEADER_LEN + self.leases.len() * MAX_LEASE_LEN + TAG_LEN);
        raw.push(TOKEN_VERSION);
        raw.extend_from_slice(&self.id.0);
        raw.extend_from_slice(&self.issued_ms.to_be_bytes());
        let leases = self.leases.iter().take(MAX_TOKEN_LEASES);
        raw.push(leases.len() as u8);
        for lease in leases {
            raw.push(u8::from(lease.provisional));
            raw.extend_from_slice(&lease.until_ms.to_be_bytes());
            let digits = lease.number.digits().as_bytes();
            raw.push(digits.len() as u8);
            raw.extend_from_slice(digits);
        }
        match &self.landing {
            None => raw.push(0),
            Some(l) => {
                raw.push(1);
                raw.extend_from_slice(&l.landed_at_ms.to_be_bytes());
                for (text, max) in [
                    (l.url.as_str(), MAX_TOKEN_LANDING_URL),
                    (
                        l.referrer.as_deref().unwrap_or(""),
                        MAX_TOKEN_LANDING_REFERRER,
                    ),
                ] {
                    let text = crate::bounded::truncate(text, max).as_bytes();
                    raw.extend_from_slice(&(text.len() as u16).to_be_bytes());
                    raw.extend_from_slice(text);
                }
            }
        }
        let t = tag(secret, &raw);
        raw.extend_from_slice(&t);
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// Verifies and decodes a cookie value, refusing tokens older than
    /// [`DEFAULT_MAX_AGE_MS`]. Surrounding double quotes (allowed by RFC 6265) are ignored.
    pub fn decode(value: &str, secret: &[u8], now_ms: i64) -> Result<SessionToken, TokenError> {
        Self::decode_with_max_age(value, secret, now_ms, DEFAULT_MAX_AGE_MS)
    }

    /// [`decode`](Self::decode) with an explicit maximum age (e.g.
    /// [`SessionConfig::token_max_age_ms`](crate::SessionConfig::token_max_age_ms)).
    pub fn decode_with_max_age(
        value: &str,
        secret: &[u8],
        now_ms: i64,
        max_age_ms: i64,
    ) -> Result<SessionToken, TokenError> {
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        if value.len() > MAX_ENCODED_LEN {
            return Err(TokenError::Malformed("too long"));
        }
        let raw = URL_SAFE_NO_PAD
            .decode(value)
            .map_err(|_| TokenError::Malformed("not base64url"))?;
        if raw.len() < HEADER_LEN + TAG_LEN {
            return Err(TokenError::Malformed("too short"));
        }
        let (body, got_tag) = raw.split_at(raw.len() - TAG_LEN);
        let mut reader = Reader(body);
        let version = reader.u8()?;
        if version != TOKEN_VERSION && version != TOKEN_VERSION_1 {
            return Err(TokenError::UnsupportedVersion(version));
        }
        if !bool::from(tag(secret, body).ct_eq(got_tag)) {
            return Err(TokenError::BadSignature);
        }
        let id = reader.array::<16>()?;
        let issued_ms = reader.i64()?;
        let count = usize::from(reader.u8()?);
        if count > MAX_TOKEN_LEASES {
            return Err(TokenError::Malformed("too many leases"));
        }
        let mut leases = Vec::with_capacity(count);
        for _ in 0..count {
            let flags = reader.u8()?;
            let until_ms = reader.i64()?;
            let len = usize::from(reader.u8()?);
            let digits = reader.take(len)?;
            let digits =
                std::str::from_utf8(digits).map_err(|_| TokenError::Malformed("number"))?;
            let number =
                E164::parse(&format!("+{digits}")).map_err(|_| TokenError::Malformed("number"))?;
            leases.push(TokenLease {
                number,
                until_ms,
                provisional: flags & 1 == 1,
            });
        }
        let landing = if version == TOKEN_VERSION {
            reader.landing()?
        } else {
            None
        };
        if !reader.0.is_empty() {
            return Err(TokenError::Malformed("trailing bytes"));
        }
        let age_ms = now_ms.saturating_sub(issued_ms);
        if age_ms > max_age_ms {
            return Err(TokenError::Expired { age_ms });
        }
        if -age_ms > MAX_CLOCK_SKEW_MS {
            return Err(TokenError::IssuedInFuture { ahead_ms: -age_ms });
        }
        Ok(SessionToken {
            id: SessionId(id),
            issued_ms,
            leases,
            landing,
        })
    }

    /// The lease this session holds for `target`: the one whose number is in the target's
    /// pools.
    pub fn lease_for(&self, target: &TargetConfig) -> Option<&TokenLease> {
        self.leases.iter().find(|l| target.tracks(&l.number))
    }

    /// Records `lease` for `target`, replacing any lease held for it.
    pub fn set_lease_for(&mut self, target: &TargetConfig, lease: TokenLease) {
        self.leases.retain(|l| !target.tracks(&l.number));
        self.leases.push(lease);
    }

    /// Drops the lease held for `target`, if any.
    pub fn clear_lease_for(&mut self, target: &TargetConfig) {
        self.leases.retain(|l| !target.tracks(&l.number));
    }

    /// Drops leases that have idled out at `now_ms`.
    pub fn drop_expired(&mut self, now_ms: i64) {
        self.leases.retain(|l| l.is_live(now_ms));
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], TokenError> {
        if self.0.len() < n {
            return Err(TokenError::Malformed("truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, TokenError> {
        let [b] = self.array::<1>()?;
        Ok(b)
    }

    fn text(&mut self, max: usize) -> Result<&'a str, TokenError> {
        let len = usize::from(u16::from_be_bytes(self.array::<2>()?));
        if len > max {
            return Err(TokenError::Malformed("landing too long"));
        }
        std::str::from_utf8(self.take(len)?).map_err(|_| TokenError::Malformed("landing"))
    }

    fn landing(&mut self) -> Result<Option<TokenLanding>, TokenError> {
        match self.u8()? {
            0 => Ok(None),
            1 => {
                let landed_at_ms = self.i64()?;
                let url = self.text(MAX_TOKEN_LANDING_URL)?.to_string();
                let referrer = self.text(MAX_TOKEN_LANDING_REFERRER)?;
                Ok(Some(TokenLanding {
                    url,
                    referrer: (!referrer.is_empty()).then(|| referrer.to_string()),
                    landed_at_ms,
                }))
            }
            _ => Err(TokenError::Malformed("landing flag")),
        }
    }

    fn i64(&mut self) -> Result<i64, TokenError> {
        Ok(i64::from_be_bytes(self.array::<8>()?))
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], TokenError> {
        self.take(N)?
            .try_into()
            .map_err(|_| TokenError::Malformed("truncated"))
    }
}
