//! The site's `calls` section: routing, retention, caller id, conversions out.
//!
//! ```toml
//! [vars.DNI_CONFIG.sites.calls]
//! retention_days = 90            # call records kept this long (default 90)
//! caller_id = "caller"           # what the answering phone shows: "caller" or "tracking"
//! consent_category = "marketing" # what a session must have granted for conversions out
//!
//! [[vars.DNI_CONFIG.sites.calls.routes]]
//! source = "google_ads"          # calls to this source's tracking numbers …
//! to = "+15035550111"            # … ring here instead of the target (sales line)
//!
//! [vars.DNI_CONFIG.sites.calls.google_ads]
//! conversion_name = "Phone call" # the conversion action's name in Google Ads
//! min_duration_seconds = 60
//!
//! [vars.DNI_CONFIG.sites.calls.webhook]
//! url = "https://crm.example.com/hooks/calls"   # signed with DNI_WEBHOOK_SECRET
//! ```

use std::collections::HashSet;

use dni_common::{Category, ConfigIssue, Validate};
use dni_numbers::{plan, E164};
use dni_sessions::TargetConfig;
use serde::Deserialize;

/// What the answering phone shows as the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallerId {
    /// The caller's own number (Twilio, SignalWire, Plivo); the tracking number when the
    /// caller's is withheld or not a phone number, and always with Vonage, which only
    /// accepts your own numbers as `from`.
    #[default]
    Caller,
    /// The tracking number that was dialled, so the person answering sees which campaign
    /// line rang (a number you own: always accepted).
    Tracking,
}

/// Calls to a source's tracking numbers ring `to` instead of the target.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteConfig {
    /// The source's name (`google_ads`).
    pub source: String,
    /// Only this target's source of that name; default: every target's.
    #[serde(default)]
    pub target: Option<E164>,
    /// Where those calls ring.
    pub to: E164,
}

/// The Google Ads offline click-conversion export.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoogleAdsConfig {
    /// The conversion action's name in Google Ads (Goals > Conversions), exactly.
    pub conversion_name: String,
    /// Shortest call (talk time, seconds) that counts as a conversion. Default 0.
    #[serde(default)]
    pub min_duration_seconds: u32,
    /// Conversion value; default none (the action's default value applies).
    #[serde(default)]
    pub value: Option<f64>,
    /// ISO 4217 currency of `value` (`USD`).
    #[serde(default)]
    pub currency: Option<String>,
}

/// The signed webhook sent for each attributed, consented call.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// `https://` URL receiving a POST per call (signed with the `DNI_WEBHOOK_SECRET`).
    pub url: String,
    /// Shortest call sent (talk time, seconds). Default 0.
    #[serde(default)]
    pub min_duration_seconds: u32,
    /// Deliveries tried before giving up (1 to 20). Default 8 (about 19 hours).
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
}

fn default_attempts() -> u32 {
    8
}

/// The `calls` section of a site. Every key has a default.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CallsConfig {
    /// Days a call record is kept (1 to 3650). Default 90.
    pub retention_days: u32,
    pub caller_id: CallerId,
    /// What the session must have granted when its number was leased for a call to be
    /// sent out (Google Ads export, webhook). Default `marketing`.
    pub consent_category: Category,
    pub routes: Vec<RouteConfig>,
    pub google_ads: Option<GoogleAdsConfig>,
    pub webhook: Option<WebhookConfig>,
}

impl Default for CallsConfig {
    fn default() -> Self {
        CallsConfig {
            retention_days: 90,
            caller_id: CallerId::Caller,
            consent_category: Category::Marketing,
            routes: Vec::new(),
            google_ads: None,
            webhook: None,
        }
    }
}

impl Validate for CallsConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        if !(1..=3650).contains(&self.retention_days) {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.retention_days"),
                    "must be between 1 and 3650 days",
                )
                .with_hint("Google Ads accepts click conversions up to 90 days after the click"),
            );
        }
        if self.consent_category == Category::Necessary {
            issues.push(
                ConfigIssue::warning(
                    format!("{path}.consent_category"),
                    "`necessary` sends every call out, whatever the visitor chose",
                )
                .with_hint("sending a visitor's click id to an ad platform needs their consent to advertising: use \"marketing\""),
            );
        }
        for (i, r) in self.routes.iter().enumerate() {
            number_plan(&r.to, &format!("{path}.routes[{i}].to"), issues);
        }
        if let Some(g) = &self.google_ads {
            let p = format!("{path}.google_ads");
            let name = g.conversion_name.trim();
            if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
                issues.push(
                    ConfigIssue::new(
                        format!("{p}.conversion_name"),
                        "must be the conversion action's name: 1 to 100 characters, no control characters",
                    )
                    .with_hint("Google Ads > Goals > Conversions; create an \"Import > Clicks\" action"),
                );
            }
            if g.value.is_some_and(|v| !v.is_finite() || v < 0.0) {
                issues.push(ConfigIssue::new(
                    format!("{p}.value"),
                    "must be a number of 0 or more",
                ));
            }
            match &g.currency {
                Some(c) if !(c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())) => issues
                    .push(
                        ConfigIssue::new(
                            format!("{p}.currency"),
                            format!("`{c}` is not an ISO 4217 currency code"),
                        )
                        .with_hint("three capital letters, e.g. \"USD\", \"EUR\", \"GBP\""),
                    ),
                None if g.value.is_some() => issues.push(ConfigIssue::new(
                    format!("{p}.currency"),
                    "required with `value`",
                )),
                _ => {}
            }
        }
        if let Some(w) = &self.webhook {
            let p = format!("{path}.webhook");
            let url = w.url.trim();
            let host_of = |scheme: &str| {
                url.strip_prefix(scheme)
                    .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""))
                    .filter(|authority| !authority.is_empty())
            };
            let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
            let local = host_of("http://").is_some_and(is_loopback);
            if clean && local {
                issues.push(
                    ConfigIssue::warning(
                        format!("{p}.url"),
                        format!("`{}` is plain http:// to this machine", w.url),
                    )
                    .with_hint(
                        "for local tests only: a deployed worker sends webhooks over https://",
                    ),
                );
            } else if let Some(host) = host_of("https://").filter(|h| !h.is_ascii()) {
                // No IDNA tables in the worker (the root Cargo.toml, idna_adapter).
                issues.push(
                    ConfigIssue::new(
                        format!("{p}.url"),
                        format!("`{host}` is not ASCII: write an internationalised domain name in its punycode form"),
                    )
                    .with_hint("`xn--` labels, e.g. `xn--bcher-kva.example` for `bücher.example` (README.md, section Configuration)"),
                );
            } else if !clean || host_of("https://").is_none() {
                issues.push(
                    ConfigIssue::new(
                        format!("{p}.url"),
                        format!("`{}` is not an https:// URL", w.url),
                    )
                    .with_hint("the webhook carries attribution data: it is only sent over HTTPS (plain http:// only to localhost, for tests)"),
                );
            }
            if !(1..=20).contains(&w.max_attempts) {
                issues.push(ConfigIssue::new(
                    format!("{p}.max_attempts"),
                    "must be between 1 and 20",
                ));
            }
        }
    }
}

/// `localhost`, `127.x.x.x` or `[::1]`, with or without a port.
fn is_loopback(authority: &str) -> bool {
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host.strip_prefix("127.").is_some_and(|rest| {
            rest.split('.').count() == 3 && rest.split('.').all(|o| o.parse::<u8>().is_ok())
        })
}

/// `n`'s numbering-plan problem ([`dni_numbers::plan::check`]), if any, as an error at
/// `path`. Numbers reserved for fiction are the site-level placeholder check's business
/// (a demo site uses them on purpose).
pub fn number_plan(n: &E164, path: &str, issues: &mut Vec<ConfigIssue>) {
    if let Err(e) = plan::check(n) {
        issues.push(
            ConfigIssue::new(path, format!("`{n}`: {e}"))
                .with_hint("check the number digit by digit against your provider's console"),
        );
    }
}

/// Checks `calls` against the site's `targets`: each route's source exists (in its target,
/// when given), no two routes for one source, a route never rings a tracking number (the
/// call would loop) and a route to the target itself changes nothing (warning).
pub fn validate_calls(
    calls: &CallsConfig,
    targets: &[TargetConfig],
    site_path: &str,
    issues: &mut Vec<ConfigIssue>,
) {
    let path = format!("{site_path}.calls");
    calls.validate(&path, issues);
    let tracking: HashSet<&E164> = targets.iter().flat_map(|t| t.tracking_numbers()).collect();
    let mut seen: HashSet<(E164, String)> = HashSet::new();
    for (i, r) in calls.routes.iter().enumerate() {
        let rp = format!("{path}.routes[{i}]");
        let in_scope: Vec<&TargetConfig> = targets
            .iter()
            .filter(|t| r.target.is_none_or(|n| t.number == n))
            .collect();
        if let Some(n) = &r.target {
            if in_scope.is_empty() {
                issues.push(
                    ConfigIssue::new(
                        format!("{rp}.target"),
                        format!("`{n}` is not one of this site's target numbers"),
                    )
                    .with_hint("use a `targets[].number`, or leave `target` out"),
                );
                continue;
            }
        }
        let matching: Vec<&TargetConfig> = in_scope
            .into_iter()
            .filter(|t| t.sources.iter().any(|s| s.name == r.source))
            .collect();
        if matching.is_empty() {
            let names: Vec<&str> = targets
                .iter()
                .flat_map(|t| t.sources.iter().map(|s| s.name.as_str()))
                .collect();
            issues.push(
                ConfigIssue::new(
                    format!("{rp}.source"),
                    format!("no source named `{}`", r.source),
                )
                .with_hint(if names.is_empty() {
                    "define sources under targets[].sources first".to_string()
                } else {
                    format!("sources are: {}", names.join(", "))
                }),
            );
        }
        for t in &matching {
            if !seen.insert((t.number, r.source.clone())) {
                issues.push(
                    ConfigIssue::new(
                        rp.clone(),
                        format!(
                            "source `{}` of target {} already has a route",
                            r.source, t.number
                        ),
                    )
                    .with_hint("one route per source (and target)"),
                );
            }
            if t.number == r.to.as_str() {
                issues.push(
                    ConfigIssue::warning(
                        format!("{rp}.to"),
                        format!("`{}` is the target itself: the route changes nothing", r.to),
                    )
                    .with_hint("remove the route, or ring another line"),
                );
            }
        }
        if tracking.contains(&r.to) {
            issues.push(
                ConfigIssue::new(
                    format!("{rp}.to"),
                    format!(
                        "`{}` is a tracking number: the call would ring itself",
                        r.to
                    ),
                )
                .with_hint(
                    "route to a real line (sales, support), never to a tracking or fallback number",
                ),
            );
        }
    }
}
