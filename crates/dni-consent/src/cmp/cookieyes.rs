//! CookieYes `cookieyes-consent` cookie.
//!
//! `consentid:<id>,consent:<yes|no|>,action:<yes|no|>,necessary:yes,functional:yes,analytics:no,performance:no,advertisement:no[,other:no]`.
//! `yes` grants, `no` denies, an empty value says nothing. Mapping: functional ->
//! functional, analytics and performance -> analytics (both must allow), advertisement ->
//! marketing. The values are taken as CookieYes itself applies them, whether or not the
//! visitor acted (`action`).

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::cookie_value::{percent_decode, read_cookie, unquote, Jar};
use crate::verdict::{CmpVerdict, Consent};

/// Configuration of the CookieYes reader (`consent.cookieyes`).
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
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "CookieYes's cookie is cookieyes-consent",
            issues,
        );
    }
}

/// Reads the `cookieyes-consent` cookie.
pub fn read(config: &CookieYesConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.cookie_name, out, decode);
}

/// Decodes one raw value.
pub fn decode(raw: &str) -> Outcome {
    let text = match percent_decode(unquote(raw)) {
        Ok(t) => t,
        Err(reason) => return Outcome::Malformed(reason),
    };
    let mut verdict = CmpVerdict::new();
    let mut analytics = [Consent::Unset; 2];
    let mut seen_consent_key = false;
    for item in text.split(',') {
        let Some((key, value)) = item.split_once(':') else {
            return Outcome::Malformed("an item is not key:value");
        };
        let key = key.trim();
        if key == "consentid" {
            continue;
        }
        let state = match value.trim() {
            "yes" => Consent::Granted,
            "no" => Consent::Denied,
            "" => Consent::Unset,
            _ => return Outcome::Malformed("a value is not yes, no or empty"),
        };
        match key {
            "consent" => seen_consent_key = true,
            "functional" => verdict.set(Category::Functional, state),
            "analytics" => analytics[0] = state,
            "performance" => analytics[1] = state,
            "advertisement" => verdict.set(Category::Marketing, state),
            _ => {}
        }
    }
    if !seen_consent_key {
        return Outcome::Malformed("no consent key");
    }
    verdict.set(Category::Analytics, Consent::all_of(analytics));
    Outcome::from_verdict(verdict)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, verdict};
    use Consent::*;

    fn run(h: &str) -> Option<[Consent; 3]> {
        verdict(h, |jar, out| read(&CookieYesConfig::default(), jar, out))
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
    fn real_all_empty_is_silent() {
        let h = "cookieyes-consent=consentid:YjZOOUV4T2h6UkFoTUwzM2ZpWGE0SFFpZXZaUXFhMk8,consent:,action:,necessary:,functional:,analytics:,performance:,advertisement:,other:";
        assert_eq!(run(h), None);
        let o = outcome(h, |jar, out| read(&CookieYesConfig::default(), jar, out));
        assert_eq!(o, Outcome::Silent);
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
        let h = "cookieyes-consent=consent:yes,analytics:no,performance:yes";
        assert_eq!(run(h), Some([Unset, Denied, Unset]));
        let h = "cookieyes-consent=consent:yes,analytics:yes,performance:yes";
        assert_eq!(run(h), Some([Unset, Granted, Unset]));
    }

    #[test]
    fn percent_encoded_by_a_proxy_is_accepted() {
        let h = "cookieyes-consent=consent%3Ayes%2Cadvertisement%3Ayes";
        assert_eq!(run(h), Some([Unset, Unset, Granted]));
    }

    #[test]
    fn malformed_values_are_reported_with_their_reason() {
        for (v, reason) in [
            ("yes", "an item is not key:value"),
            (
                "consent:yes,advertisement:maybe",
                "a value is not yes, no or empty",
            ),
            ("advertisement:yes", "no consent key"),
            ("consent:yes,,x", "an item is not key:value"),
            ("%FF", "not UTF-8 once percent-decoded"),
        ] {
            let h = format!("cookieyes-consent={v}");
            let o = outcome(&h, |jar, out| read(&CookieYesConfig::default(), jar, out));
            assert_eq!(o, Outcome::Malformed(reason), "{v}");
        }
    }

    #[test]
    fn consent_id_may_hold_anything_and_a_custom_name_is_read() {
        let c = CookieYesConfig {
            cookie_name: "cky".into(),
        };
        let h = "cky=consentid:a:b:c,consent:yes,advertisement:no";
        assert_eq!(
            verdict(h, |jar, out| read(&c, jar, out)),
            Some([Unset, Unset, Denied])
        );
        assert_eq!(run(h), None);
        let mut issues = Vec::new();
        CookieYesConfig {
            cookie_name: " ".into(),
        }
        .validate("c", &mut issues);
        assert_eq!(issues[0].path, "c.cookie_name");
    }
}
