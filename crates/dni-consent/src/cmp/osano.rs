//! Osano. Osano's own cookie, `osano_consentmanager`, is encrypted (an opaque base64url
//! blob, e.g. `aYnRItFYW85ts3NL4TJ5…`): an edge function cannot read the choice in it.
//! When it is present alone the reader reports it as ignored, naming the bridge.
//!
//! The bridge: a first-party cookie (default `osano_consent`) holding
//! `Osano.cm.getConsent()`, the object Osano's JavaScript API documents
//! (`{"ANALYTICS":"ACCEPT","MARKETING":"DENY","PERSONALIZATION":"ACCEPT","ESSENTIAL":"ACCEPT",…}`),
//! percent-encoded. The README gives the one-line snippet that writes it on
//! `osano-cm-initialized` and `osano-cm-consent-saved`. `ANALYTICS` maps to analytics,
//! `MARKETING` to marketing, `PERSONALIZATION` to functional; `OPT_OUT: "ACCEPT"` (the
//! visitor opted out of sale and sharing, Osano's CCPA category) denies marketing. Osano
//! also writes the IAB US Privacy string for US visitors, read by the `usp` reader.

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::cookie_value::{json_object, read_cookie, Jar};
use crate::verdict::{CmpVerdict, Consent};

/// Configuration of the Osano reader (`consent.osano`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OsanoConfig {
    /// Osano's own (encrypted) cookie (default `osano_consentmanager`).
    pub cookie_name: String,
    /// The bridge cookie written by the README's snippet (default `osano_consent`).
    pub bridge_cookie_name: String,
}

impl Default for OsanoConfig {
    fn default() -> Self {
        OsanoConfig {
            cookie_name: "osano_consentmanager".into(),
            bridge_cookie_name: "osano_consent".into(),
        }
    }
}

impl Validate for OsanoConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "Osano's cookie is osano_consentmanager",
            issues,
        );
        check_cookie_name(
            path,
            "bridge_cookie_name",
            &self.bridge_cookie_name,
            "the README's snippet writes osano_consent",
            issues,
        );
    }
}

/// Decodes a bridge value (`Osano.cm.getConsent()`).
pub fn decode_bridge(raw: &str) -> Outcome {
    let map = match json_object(raw) {
        Ok(m) => m,
        Err(reason) => return Outcome::Malformed(reason),
    };
    let mut v = CmpVerdict::new();
    for (key, category) in [
        ("PERSONALIZATION", Category::Functional),
        ("ANALYTICS", Category::Analytics),
        ("MARKETING", Category::Marketing),
    ] {
        let state = match map.get(key) {
            None => Consent::Unset,
            Some(value) => match value.as_str() {
                Some("ACCEPT") => Consent::Granted,
                Some("DENY") => Consent::Denied,
                _ => return Outcome::Malformed("a category is not ACCEPT or DENY"),
            },
        };
        v.set(category, state);
    }
    if map.get("OPT_OUT").and_then(|v| v.as_str()) == Some("ACCEPT") {
        v.set(Category::Marketing, Consent::Denied);
    }
    Outcome::from_verdict(v)
}

/// Reads the bridge cookie, and reports Osano's own cookie when it is there without one.
pub fn read(config: &OsanoConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    let before = out.len();
    read_cookie(jar, &config.bridge_cookie_name, out, decode_bridge);
    if out.len() == before && jar.values(&config.cookie_name).next().is_some() {
        out.push(CookieRead::new(
            config.cookie_name.as_str(),
            Outcome::Ignored("encrypted by Osano: add the osano_consent bridge"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, reads, verdict};
    use Consent::*;

    fn run(h: &str) -> Option<[Consent; 3]> {
        verdict(h, |jar, out| read(&OsanoConfig::default(), jar, out))
    }

    /// A real `osano_consentmanager` value (an ieeexplore.ieee.org Cookie header captured
    /// in public code): opaque, so ignored with the bridge named.
    #[test]
    fn real_encrypted_cookie_alone_is_ignored() {
        let h = "osano_consentmanager_uuid=58f52f39-edc2-4078-b076-a1faa92a7d8f; osano_consentmanager=aYnRItFYW85ts3NL4TJ5W3hdu2kG5wPLS_Za1TpifskPW_yzXMJ00ZAQVGK09PW3bLdq2ItNLirAAPu8NTt3-mUFC2eLLacOOkKQJGez87h7CxnlmB2loI2IlQmU_jes3MkoTIsMLBiuAHMQ3gS7V1BQua7ceI3sYj6dGdmwhy1ggT2xxFKH1_a6-f2nVuvvfJfWAV7t_87fCv1GvEhS0v-v1rnpQqofbKC3mheva1F3LffpQSMD5dQQlz-HKqEajgfKtrVnR_RSJzwLgfRfaBuVGV0KT02LI2g74g==";
        let o = outcome(h, |jar, out| read(&OsanoConfig::default(), jar, out));
        assert_eq!(
            o,
            Outcome::Ignored("encrypted by Osano: add the osano_consent bridge")
        );
        assert!(reads("a=b", |jar, out| read(&OsanoConfig::default(), jar, out)).is_empty());
    }

    /// The bridge carries `Osano.cm.getConsent()` as documented by Osano ("Consent
    /// JavaScript API": `{ ESSENTIAL: ACCEPT ... }`, categories ANALYTICS, MARKETING,
    /// PERSONALIZATION, ESSENTIAL, STORAGE, OPT_OUT).
    #[test]
    fn bridge_values() {
        let h = "osano_consentmanager=x; osano_consent=%7B%22ANALYTICS%22%3A%22ACCEPT%22%2C%22MARKETING%22%3A%22DENY%22%2C%22PERSONALIZATION%22%3A%22ACCEPT%22%2C%22ESSENTIAL%22%3A%22ACCEPT%22%2C%22STORAGE%22%3A%22ACCEPT%22%2C%22OPT_OUT%22%3A%22DENY%22%7D";
        assert_eq!(run(h), Some([Granted, Granted, Denied]));
        assert_eq!(
            reads(h, |jar, out| read(&OsanoConfig::default(), jar, out)).len(),
            1
        );
        let h = r#"osano_consent={"MARKETING":"ACCEPT","OPT_OUT":"ACCEPT"}"#;
        assert_eq!(run(h), Some([Unset, Unset, Denied]));
        let h = r#"osano_consent={"MARKETING":"ACCEPT","OPT_OUT":"DENY"}"#;
        assert_eq!(run(h), Some([Unset, Unset, Granted]));
        let o = outcome(r#"osano_consent={"ESSENTIAL":"ACCEPT"}"#, |jar, out| {
            read(&OsanoConfig::default(), jar, out)
        });
        assert_eq!(o, Outcome::Silent);
    }

    #[test]
    fn malformed_bridge_values() {
        for (v, reason) in [
            (r#"{"MARKETING":true}"#, "a category is not ACCEPT or DENY"),
            ("x", "not JSON"),
        ] {
            let h = format!("osano_consent={v}");
            let o = outcome(&h, |jar, out| read(&OsanoConfig::default(), jar, out));
            assert_eq!(o, Outcome::Malformed(reason), "{v}");
        }
        let mut issues = Vec::new();
        OsanoConfig {
            cookie_name: "".into(),
            bridge_cookie_name: "".into(),
        }
        .validate("o", &mut issues);
        let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["o.cookie_name", "o.bridge_cookie_name"]);
    }
}
