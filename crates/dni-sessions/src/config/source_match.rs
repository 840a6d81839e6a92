//! The conditions that pick a traffic source: click ids, UTM values, referrer, landing path.

use dni_common::de::OneOrMany;
use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use super::pattern::{PathMatch, ValueMatch};
use crate::landing::Landing;
use crate::referrer::{is_search_engine, is_social_network, HostPattern, HostPatternError};

/// Conditions on the landing request; **all** given conditions must hold. An empty
/// `when` (no condition) matches every landing: that source is the default.
///
/// ```json
/// {"click_ids": ["gclid", "gbraid", "wbraid"], "utm_medium": {"matches": "^(cpc|ppc)$"}}
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SourceMatch {
    /// Query parameter names (ASCII case-insensitive) of which at least one must be present
    /// with a non-empty value, e.g. `gclid`, `gbraid`, `wbraid`, `msclkid`, `fbclid`,
    /// `ttclid`, `li_fat_id`. Default: empty (no condition).
    pub click_ids: Vec<String>,
    /// `utm_source` must be present and match. Default: no condition.
    pub utm_source: Option<ValueMatch>,
    /// `utm_medium` must be present and match. Default: no condition.
    pub utm_medium: Option<ValueMatch>,
    /// `utm_campaign` must be present and match. Default: no condition.
    pub utm_campaign: Option<ValueMatch>,
    /// The referrer must match: `"search"`, `"social"`, `"direct"` (no external referrer),
    /// or a host pattern or list of them (`"partner.com"`, `["*.example.com", "news.*"]`,
    /// see [`HostPattern`]). Default: no condition.
    pub referrer: Option<ReferrerMatch>,
    /// The landing path must match (glob or `{"matches": regex}`, see [`PathMatch`]).
    /// Default: no condition.
    pub path: Option<PathMatch>,
}

impl SourceMatch {
    /// `true` when no condition is given (a default source).
    pub fn is_empty(&self) -> bool {
        self.click_ids.is_empty()
            && self.utm_source.is_none()
            && self.utm_medium.is_none()
            && self.utm_campaign.is_none()
            && self.referrer.is_none()
            && self.path.is_none()
    }

    /// Do all conditions hold for `landing`?
    pub fn matches(&self, landing: &Landing) -> bool {
        let value_ok = |rule: &Option<ValueMatch>, name: &str| match rule {
            None => true,
            Some(m) => landing.param(name).is_some_and(|v| m.is_match(v)),
        };
        (self.click_ids.is_empty()
            || self
                .click_ids
                .iter()
                .any(|id| landing.param(id).is_some_and(|v| !v.is_empty())))
            && value_ok(&self.utm_source, "utm_source")
            && value_ok(&self.utm_medium, "utm_medium")
            && value_ok(&self.utm_campaign, "utm_campaign")
            && self
                .referrer
                .as_ref()
                .is_none_or(|r| r.matches(landing.referrer_host()))
            && self
                .path
                .as_ref()
                .is_none_or(|p| p.is_match(landing.path()))
    }
}

/// One host pattern as written, with its parse result (errors are reported by `Validate`).
#[derive(Debug, Clone)]
pub struct HostRule {
    pub raw: String,
    pub pattern: Result<HostPattern, HostPatternError>,
}

/// The referrer condition of a source.
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "OneOrMany")]
pub enum ReferrerMatch {
    /// `"search"`: a built-in search engine ([`crate::referrer::SEARCH_ENGINES`]).
    Search,
    /// `"social"`: a built-in social network ([`crate::referrer::SOCIAL_NETWORKS`]).
    Social,
    /// `"direct"`: no referrer, or one from the landing site itself.
    Direct,
    /// Any of these host patterns.
    Hosts(Vec<HostRule>),
}

impl From<OneOrMany> for ReferrerMatch {
    fn from(raw: OneOrMany) -> Self {
        let rule = |raw: String| HostRule {
            pattern: HostPattern::parse(&raw),
            raw,
        };
        match raw {
            OneOrMany::One(s) => match s.as_str() {
                "search" => ReferrerMatch::Search,
                "social" => ReferrerMatch::Social,
                "direct" => ReferrerMatch::Direct,
                _ => ReferrerMatch::Hosts(vec![rule(s)]),
            },
            OneOrMany::Many(list) => ReferrerMatch::Hosts(list.into_iter().map(rule).collect()),
        }
    }
}

impl ReferrerMatch {
    /// Does the external referrer host (lowercase; `None` when direct) match?
    pub fn matches(&self, host: Option<&str>) -> bool {
        match (self, host) {
            (ReferrerMatch::Direct, host) => host.is_none(),
            (_, None) => false,
            (ReferrerMatch::Search, Some(h)) => is_search_engine(h),
            (ReferrerMatch::Social, Some(h)) => is_social_network(h),
            (ReferrerMatch::Hosts(rules), Some(h)) => rules
                .iter()
                .any(|r| r.pattern.as_ref().is_ok_and(|p| p.matches(h))),
        }
    }
}

fn is_param_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= crate::bounded::MAX_NAME_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

fn validate_value(m: &Option<ValueMatch>, path: &str, issues: &mut Vec<ConfigIssue>) {
    if let Some(ValueMatch::Matches(re)) = m {
        if let Some(err) = re.error() {
            issues.push(
                ConfigIssue::new(
                    path,
                    format!("invalid regular expression `{}`: {err}", re.as_str()),
                )
                .with_hint(
                    "regex-lite syntax; write a plain string for a case-insensitive exact match",
                ),
            );
        }
    }
}

impl Validate for SourceMatch {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        for (i, id) in self.click_ids.iter().enumerate() {
            if !is_param_name(id) {
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.click_ids[{i}]"),
                        format!("`{id}` is not a query parameter name"),
                    )
                    .with_hint("use the bare parameter name, e.g. \"gclid\" or \"msclkid\""),
                );
            }
        }
        validate_value(&self.utm_source, &format!("{path}.utm_source"), issues);
        validate_value(&self.utm_medium, &format!("{path}.utm_medium"), issues);
        validate_value(&self.utm_campaign, &format!("{path}.utm_campaign"), issues);
        if let Some(ReferrerMatch::Hosts(rules)) = &self.referrer {
            if rules.is_empty() {
                issues.push(
                    ConfigIssue::new(format!("{path}.referrer"), "empty list of referrer hosts")
                        .with_hint("remove the key, or use \"search\", \"social\", \"direct\" or host patterns"),
                );
            }
            for (i, rule) in rules.iter().enumerate() {
                if let Err(e) = &rule.pattern {
                    let at = if rules.len() == 1 {
                        format!("{path}.referrer")
                    } else {
                        format!("{path}.referrer[{i}]")
                    };
                    issues.push(ConfigIssue::new(at, e.to_string()).with_hint(
                        "use \"search\", \"social\", \"direct\", or host patterns like \"example.com\", \"*.example.com\", \"news.*\"",
                    ));
                }
            }
        }
        match &self.path {
            Some(PathMatch::Glob(g)) if !(g.starts_with('/') || g.starts_with('*')) => {
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.path"),
                        format!("path glob `{g}` does not start with `/`"),
                    )
                    .with_hint(
                        "a landing path pattern looks like \"/promo/*\" (no host, no query)",
                    ),
                );
            }
            Some(PathMatch::Matches(re)) => {
                if let Some(err) = re.error() {
                    issues.push(
                        ConfigIssue::new(
                            format!("{path}.path"),
                            format!("invalid regular expression `{}`: {err}", re.as_str()),
                        )
                        .with_hint("regex-lite syntax, e.g. {\"matches\": \"^/(de|fr)/promo\"}"),
                    );
                }
            }
            _ => {}
        }
    }
}
