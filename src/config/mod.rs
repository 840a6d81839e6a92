//! `DNI_CONFIG`: the whole deployment's configuration, one or more sites matched by host.
//!
//! Parsing is strict: unknown keys are errors (a typo must not silently disable a privacy
//! rule). Every problem is reported as a [`ConfigIssue`] with the key path, so the worker can
//! log it once and the `dni-check` command can print it before deploy. [`check_config`]
//! reads each site and each of its sections on its own, so one mistake never hides
//! another: every problem of the whole document comes out of one run, errors and warnings.

mod check;
mod data_paths;
mod host_pattern;
mod idn;
mod json_path;
mod numbers;
pub mod secrets;
mod upstream;

pub use check::{check_config, Checked};
pub use data_paths::compile_data_paths;

pub use host_pattern::{HostPattern, HostPatternError};
pub use upstream::{Upstream, UpstreamError};

use std::collections::BTreeMap;

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

/// The value of `DNI_CONFIG`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Sites in order; a request is handled by the first site one of whose `hosts` matches.
    pub sites: Vec<SiteConfig>,
}

/// One customer site.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// A short stable name (letters, digits, `-`, `_`), used to name number pools and in logs.
    /// Default: the first host pattern.
    #[serde(default)]
    pub name: Option<String>,
    /// Host patterns: `www.example.com`, `*.example.com`, or `*`.
    pub hosts: Vec<HostPattern>,
    /// `"origin"` (default), `"assets"` or an `https://` base URL.
    #[serde(default)]
    pub upstream: Upstream,
    #[serde(default)]
    pub consent: dni_consent::ConsentConfig,
    #[serde(default)]
    pub targets: Vec<dni_sessions::TargetConfig>,
    #[serde(default)]
    pub session: dni_sessions::SessionConfig,
    #[serde(default)]
    pub rewrite: dni_rewrite::RewriteConfig,
    #[serde(default)]
    pub vendors: dni_privacy::VendorsConfig,
    /// Calls: routing, retention, caller id, conversions out.
    #[serde(default)]
    pub calls: dni_calls::CallsConfig,
}

impl SiteConfig {
    /// The site's name (explicit, or derived from its first host pattern).
    pub fn display_name(&self) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        match self.hosts.first() {
            Some(HostPattern::Any) | None => "any".to_string(),
            Some(HostPattern::Exact(h)) => h.clone(),
            Some(HostPattern::Subdomains(h)) => format!("wildcard.{h}"),
        }
    }

    pub fn matches_host(&self, host: &str) -> bool {
        self.hosts.iter().any(|p| p.matches(host))
    }
}

impl Config {
    /// Index of the site that handles `host`, if any.
    pub fn site_for_host(&self, host: &str) -> Option<usize> {
        self.sites.iter().position(|s| s.matches_host(host))
    }
}

/// Parses and validates a `DNI_CONFIG` JSON document: the configuration, or every error
/// (warnings do not stop it; [`check_config`] returns them too). The worker calls this at
/// start, `dni-check` calls [`check_config`]: the same validation.
pub fn parse_config(json: &str) -> Result<Config, Vec<ConfigIssue>> {
    let checked = check_config(json);
    match checked.config {
        Some(config) if !checked.has_errors() => Ok(config),
        _ => Err(checked
            .issues
            .into_iter()
            .filter(|i| i.is_error())
            .collect()),
    }
}

pub(crate) fn deserialize_issue(path: &str, message: &str) -> ConfigIssue {
    let shown = if path.is_empty() {
        "DNI_CONFIG".to_string()
    } else {
        path.to_string()
    };
    let hint = if message.starts_with("unknown field") {
        Some("a misspelt key? keys are listed in README.md, section Configuration")
    } else if message.starts_with("missing field") {
        Some("this key is required")
    } else {
        None
    };
    let issue = ConfigIssue::new(shown, message.to_string());
    match hint {
        Some(h) => issue.with_hint(h),
        None => issue,
    }
}

pub(crate) fn is_site_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl Validate for Config {
    fn validate(&self, _path: &str, issues: &mut Vec<ConfigIssue>) {
        if self.sites.is_empty() {
            issues.push(
                ConfigIssue::new("sites", "no site is configured")
                    .with_hint("add at least one site with `hosts`"),
            );
        }
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for (i, site) in self.sites.iter().enumerate() {
            let path = format!("sites[{i}]");
            site.validate(&path, issues);
            let name = site.display_name();
            if let Some(first) = names.insert(name.clone(), i) {
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.name"),
                        format!("site name `{name}` is also used by sites[{first}]"),
                    )
                    .with_hint(
                        "give each site a distinct `name`: it names the site's number pools",
                    ),
                );
            }
        }
    }
}

impl Validate for SiteConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        if let Some(name) = &self.name {
            if !is_site_name(name) {
                issues.push(ConfigIssue::new(
                    format!("{path}.name"),
                    format!(
                        "`{name}` is not a site name (letters, digits, `-`, `_`, `.`; at most 64)"
                    ),
                ));
            }
        }
        if self.hosts.is_empty() {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.hosts"),
                    "a site needs at least one host pattern",
                )
                .with_hint("e.g. [\"www.example.com\"], [\"*.example.com\"] or [\"*\"]"),
            );
        }
        self.consent.validate(&format!("{path}.consent"), issues);
        dni_sessions::validate_site(&self.targets, &self.session, path, issues);
        self.rewrite.validate(&format!("{path}.rewrite"), issues);
        self.vendors.validate(&format!("{path}.vendors"), issues);
        dni_calls::validate_calls(&self.calls, &self.targets, path, issues);
    }
}
