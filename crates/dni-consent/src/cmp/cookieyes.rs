//! CookieYes `cookieyes-consent` cookie.
//!
//! `consentid:<id>,consent:<yes|no|>,action:<yes|no|>,necessary:yes,functional:yes,analytics:no,performance:no,advertisement:no[,other:no]`.
//! `yes` grants, `no` denies, an empty value says nothing. Mapping: functional ->
//! functional, analytics and performance -> analytics (both must allow), advertisement ->
//! marketing. The values are taken as CookieYes itself applies them, whether or not the
//! visitor acted (`action`).

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use crate::cookie_value::{merge_values, percent_decode, unquote};
use crate::verdict::{CmpVerdict, Consent};

/// Configuration of the CookieYes parser (`consent.cookieyes`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CookieYesConfig {
    /// Cookie name (default `cookieyes-consent`).
    pub cookie_name: String,
}

impl Default for CookieYesConfig {
    fn default() -> Self {
        CookieYesConfig {
            cookie_name: "cookieyes-consent".into(),
        }
    }
}

impl Validate for CookieYesConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        if self.cookie_name.trim().is_empty() {
            issues.push(
                ConfigIssue::new(format!("{path}.cookie_name"), "empty cookie name")
                    .with_hint("CookieYes's cookie is cookieyes-consent"),
            );
        }
    }
}

/// Reads the `cookieyes-consent` cookie: `None` when absent or malformed.
pub fn parse(config: &CookieYesConfig, cookie_header: &str) -> Option<CmpVerdict> {
    merge_values(cookie_header, &config.cookie_name, decode)
}

/// Decodes one raw value.
pub fn decode(raw: &str) -> Option<CmpVerdict> {
    let text = percent_decode(unquote(raw))?;
    let mut verdict = CmpVerdict::new();
    let mut analytics = Vec::with_capacity(2);
    let mut seen_consent_key = false;
    for item in text.split(',') {
        let (key, value) = item.split_once(':')?;
        let state = match value.trim() {
            "yes" => Consent::Granted,
            "no" => Consent::Denied,
            "" => Consent::Unset,
            _ if key == "consentid" => continue,
            _ => return None,
        };
        match key.trim() {
            "consent" => seen_consent_key = true,
            "functional" => verdict.set(Category::Functional, state),
            "analytics" | "performance" => analytics.push(state),
            "advertisement" => verdict.set(Category::Marketing, state),
            _ => {}
        }
    }
    if !seen_consent_key {
        return None;
    }
    verdict.set(Category::Analytics, Consent::all_of(analytics));
    Some(verdict)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Consent::*;

    fn run(h: &str) -> Option<[Consent; 3]> {
        parse(&CookieYesConfig::default(), h).map(|v| {
            [
                v.get(Category::Functional),
                v.get(Category::Analytics),
                v.get(Category::Marketing),
            ]
        })
    }

    #[test]
    fn real_accept_all() {
        let h = "cookieyes-consent=consentid:d2JnOWNtWmgyM0pMdEU0ZkZXSGhzdE9BaTkxekF3WEk,consent:yes,action:yes,necessary:yes,functional:yes,analytics:yes,performance:yes,advertisement:yes,other:yes";
        assert_eq!(run(h), Some([Granted, Granted, Granted]));
    }

    #[test]
    fn real_reject_all() {
        let h = "cookieyes-consent=consentid:WHRLbHhJZVJlTXR3b0F4MUpUQWNCZDRNbXRpTWNEcmE,consent:no,action:yes,necessary:yes,functional:no,analytics:no,performance:no,advertisement:no,other:no";
        assert_eq!(run(h), Some([Denied, Denied, Denied]));
    }

    #[test]
    fn real_defaults_before_any_action() {
        let h = "cookieyes-consent=consentid:a0luUlByM3NGTFp2dkMyQkJXdHoxdHFVeHI2TEM5Yms,consent:no,action:,necessary:yes,functional:yes,analytics:no,performance:no,advertisement:no";
        assert_eq!(run(h), Some([Granted, Denied, Denied]));
    }

    #[test]
    fn real_all_empty_is_absent() {
        let h = "cookieyes-consent=consentid:YjZOOUV4T2h6UkFoTUwzM2ZpWGE0SFFpZXZaUXFhMk8,consent:,action:,necessary:,functional:,analytics:,performance:,advertisement:,other:";
        assert_eq!(run(h), None);
    }

    #[test]
    fn real_implied_consent_without_action() {
        let h = "cookieyes-consent=consentid:U0pYR3owbVB5ZGlxMG4xTWJ2NTBHMGdkcFNHZ0tTRVY,consent:yes,action:no,necessary:yes,functional:yes,analytics:yes,performance:yes,advertisement:yes";
        assert_eq!(run(h), Some([Granted, Granted, Granted]));
    }

    #[test]
    fn analytics_needs_both_analytics_and_performance() {
        let h = "cookieyes-consent=consent:yes,analytics:yes,performance:no,advertisement:yes";
        assert_eq!(run(h), Some([Unset, Denied, Granted]));
    }

    #[test]
    fn percent_encoded_by_a_proxy_is_accepted() {
        let h = "cookieyes-consent=consent%3Ayes%2Cadvertisement%3Ayes";
        assert_eq!(run(h), Some([Unset, Unset, Granted]));
    }

    #[test]
    fn malformed_values_are_absent() {
        for v in [
            "yes",
            "consent:yes,advertisement:maybe",
            "advertisement:yes",
            "consent:yes,,x",
            "%FF",
        ] {
            assert_eq!(run(&format!("cookieyes-consent={v}")), None, "{v}");
        }
    }
}
