//! The session cookie and lease timing settings.

use dni_common::{ConfigIssue, CookieName, Validate};
use serde::Deserialize;

/// Session cookie and pool lease settings of one site. Every key has a default, so
/// `"session": {"account_id": "12345"}` is a complete configuration.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    /// Name of the session cookie. Default: `ct{account_id}` (CallTrackingMetrics' name,
    /// so CMP cookie declarations written for CTM apply unchanged).
    pub cookie_name: Option<CookieName>,
    /// Account id used in the default cookie name. Default: empty; then `cookie_name` is
    /// required as soon as a target has sources.
    pub account_id: String,
    /// A lease ends this long after the session's last renewal. Default: 30 (minutes).
    pub idle_timeout_minutes: u32,
    /// A first-page (provisional) lease is protected this long; after that, while its
    /// session has not returned the cookie, it may be recycled when the pool is full.
    /// Default: 180 (seconds).
    pub provisional_hold_seconds: u32,
    /// A page view renews the lease in the background when less than this is left.
    /// Default: half the idle timeout.
    pub renew_before_seconds: Option<u32>,
    /// Lease history (for call attribution) is kept this long. Default: 90 (days).
    pub history_retention_days: u32,
    /// Lifetime of the cookie set on AMP responses (standard pages get a browser-session
    /// cookie). Also the longest a session token is accepted after it was last issued.
    /// Default: 30 (days).
    pub amp_cookie_days: u32,
    /// Which clients may lease a tracking number (others see the fallback numbers).
    pub lease_requires: LeaseRequires,
    /// How long a page waits for a pool (lease, confirmation, renewal) before it shows the
    /// fallback number and streams on. Default: 300 (milliseconds).
    pub pool_timeout_ms: u32,
}

/// What a request must show to lease a tracking number (`session.lease_requires`). A
/// client that fails a check sees the fallback numbers; a consenting one still keeps its
/// landing facts in its session cookie, so a later view that passes leases from the
/// landing's source.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct LeaseRequires {
    /// Fetch Metadata of a top-level navigation: `Sec-Fetch-Mode: navigate` and
    /// `Sec-Fetch-Dest: document` (every current browser sends them; scripted clients
    /// rarely do). Default: true.
    pub fetch_metadata: bool,
    /// The headers every browser sends with a navigation: a `Mozilla/5.0` User-Agent, an
    /// `Accept` naming `text/html`, and an `Accept-Language`. Default: true.
    pub browser_headers: bool,
    /// Where the zone has Cloudflare Bot Management (`request.cf.botManagement.score`,
    /// 1 = certainly a bot, 99 = certainly human): the lowest score that may lease.
    /// 0 turns the check off. Default: 30 (Cloudflare's "likely human" threshold).
    pub min_bot_score: u8,
    /// Verified bots (`botManagement.verifiedBot`, or a `verifiedBotCategory`: search
    /// engine crawlers, monitors, AI crawlers) may lease. Default: false.
    pub verified_bots: bool,
}

impl Default for LeaseRequires {
    fn default() -> Self {
        LeaseRequires {
            fetch_metadata: true,
            browser_headers: true,
            min_bot_score: 30,
            verified_bots: false,
        }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            cookie_name: None,
            account_id: String::new(),
            idle_timeout_minutes: 30,
            provisional_hold_seconds: 180,
            renew_before_seconds: None,
            history_retention_days: 90,
            amp_cookie_days: 30,
            lease_requires: LeaseRequires::default(),
            pool_timeout_ms: 300,
        }
    }
}

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

impl SessionConfig {
    /// The session cookie's name: `cookie_name`, else `ct{account_id}`; `None` when the
    /// account id does not make a cookie name (a validated configuration always has one).
    pub fn cookie_name(&self) -> Option<CookieName> {
        match &self.cookie_name {
            Some(name) => Some(name.clone()),
            None => CookieName::new(format!("ct{}", self.account_id)).ok(),
        }
    }

    /// Idle timeout in milliseconds.
    pub fn idle_timeout_ms(&self) -> i64 {
        i64::from(self.idle_timeout_minutes) * MINUTE_MS
    }

    /// Provisional hold in milliseconds.
    pub fn provisional_hold_ms(&self) -> i64 {
        i64::from(self.provisional_hold_seconds) * 1000
    }

    /// Background-renewal threshold in milliseconds.
    pub fn renew_before_ms(&self) -> i64 {
        match self.renew_before_seconds {
            Some(s) => i64::from(s) * 1000,
            None => self.idle_timeout_ms() / 2,
        }
    }

    /// History retention in milliseconds.
    pub fn history_retention_ms(&self) -> i64 {
        i64::from(self.history_retention_days) * DAY_MS
    }

    /// Oldest accepted session token, in milliseconds since it was issued.
    pub fn token_max_age_ms(&self) -> i64 {
        i64::from(self.amp_cookie_days) * DAY_MS
    }
}

impl Validate for SessionConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        if self.cookie_name.is_none() && !self.account_id.is_empty() && self.cookie_name().is_none()
        {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.account_id"),
                    format!(
                        "`ct{}` (the default cookie name) is not a valid cookie name",
                        self.account_id
                    ),
                )
                .with_hint(
                    "use the numeric CallTrackingMetrics account id, or set session.cookie_name",
                ),
            );
        }
        if !(1..=24 * 60).contains(&self.idle_timeout_minutes) {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.idle_timeout_minutes"),
                    "must be between 1 and 1440 minutes",
                )
                .with_hint("30 is the usual call-tracking session timeout"),
            );
        }
        let idle_s = u64::from(self.idle_timeout_minutes) * 60;
        if self.provisional_hold_seconds == 0 || u64::from(self.provisional_hold_seconds) > idle_s {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.provisional_hold_seconds"),
                    "must be at least 1 second and at most the idle timeout",
                )
                .with_hint("180 gives a first-page visitor three minutes during which the number is theirs"),
            );
        }
        if let Some(r) = self.renew_before_seconds {
            if r == 0 || u64::from(r) >= idle_s {
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.renew_before_seconds"),
                        "must be more than 0 and less than the idle timeout",
                    )
                    .with_hint("leave it out to renew when half the idle timeout is left"),
                );
            }
        }
        if !(1..=3650).contains(&self.history_retention_days) {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.history_retention_days"),
                    "must be between 1 and 3650 days",
                )
                .with_hint(
                    "calls can only be attributed while the lease history is kept; 90 is usual",
                ),
            );
        }
        if self.lease_requires.min_bot_score > 99 {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.lease_requires.min_bot_score"),
                    "must be between 0 (off) and 99",
                )
                .with_hint("Cloudflare bot scores run from 1 (bot) to 99 (human); 30 is the usual threshold"),
            );
        }
        if !(10..=10_000).contains(&self.pool_timeout_ms) {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.pool_timeout_ms"),
                    "must be between 10 and 10000 milliseconds",
                )
                .with_hint("300 keeps a slow pool from delaying first views noticeably"),
            );
        }
        if !(1..=400).contains(&self.amp_cookie_days) {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.amp_cookie_days"),
                    "must be between 1 and 400 days",
                )
                .with_hint("browsers cap cookie lifetimes at 400 days; CTM uses 30"),
            );
        }
    }
}
