//! CookieScript: `CookieScriptConsent`, percent-encoded JSON:
//! `{"googleconsentmap":{…},"bannershown":1,"action":"accept","consenttime":1759848972,"categories":"[\"functionality\",\"targeting\",\"performance\"]"}`.
//! `categories` is a JSON array *inside a string* listing the accepted categories
//! (`strict`, `performance`, `targeting`, `functionality`, `unclassified`); the others are
//! refused. `action: "reject"` refuses everything. Older values carry only `action`
//! (`{"action":"accept"}` accepts everything). Without `action` or `categories` (the
//! banner not answered) the cookie says nothing.
//!
//! Mapping: functionality -> functional, performance -> analytics, targeting -> marketing.

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::cookie_value::{json_object, read_cookie, Jar};
use crate::verdict::{CmpVerdict, Consent};

/// Configuration of the CookieScript reader (`consent.cookiescript`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CookieScriptConfig {
    /// Cookie name (default `CookieScriptConsent`).
    pub cookie_name: String,
}

impl Default for CookieScriptConfig {
    fn default() -> Self {
        CookieScriptConfig {
            cookie_name: "CookieScriptConsent".into(),
        }
    }
}

impl Validate for CookieScriptConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "CookieScript's cookie is CookieScriptConsent",
            issues,
        );
    }
}

const MAPPING: [(&str, Category); 3] = [
    ("functionality", Category::Functional),
    ("performance", Category::Analytics),
    ("targeting", Category::Marketing),
];

/// Decodes one value.
pub fn decode(raw: &str) -> Outcome {
    let map = match json_object(raw) {
        Ok(m) => m,
        Err(reason) => return Outcome::Malformed(reason),
    };
    let action = map.get("action").and_then(|a| a.as_str());
    if action == Some("reject") {
        return Outcome::Verdict(CmpVerdict::uniform(false));
    }
    let accepted: Vec<String> = match map.get("categories") {
        Some(serde_json::Value::String(s)) => match serde_json::from_str(s) {
            Ok(list) => list,
            Err(_) => return Outcome::Malformed("categories is not a JSON list of names"),
        },
        Some(_) => return Outcome::Malformed("categories is not a string"),
        None if action == Some("accept") => return Outcome::Verdict(CmpVerdict::uniform(true)),
        None => return Outcome::Silent,
    };
    let mut v = CmpVerdict::new();
    for (name, category) in MAPPING {
        v.set(
            category,
            Consent::from_bool(accepted.iter().any(|a| a == name)),
        );
    }
    Outcome::Verdict(v)
}

/// Reads the CookieScript cookie.
pub fn read(config: &CookieScriptConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.cookie_name, out, decode);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, verdict};
    use Consent::*;

    fn run(h: &str) -> Option<[Consent; 3]> {
        verdict(h, |jar, out| read(&CookieScriptConfig::default(), jar, out))
    }

    /// A splice.com visitor's accepted value (Cookie header captured in public code).
    #[test]
    fn real_accept_with_categories() {
        let h = "CookieScriptConsent=%7B%22googleconsentmap%22%3A%7B%22ad_storage%22%3A%22targeting%22%2C%22analytics_storage%22%3A%22performance%22%2C%22ad_personalization%22%3A%22targeting%22%2C%22ad_user_data%22%3A%22targeting%22%2C%22functionality_storage%22%3A%22functionality%22%2C%22personalization_storage%22%3A%22functionality%22%2C%22security_storage%22%3A%22functionality%22%7D%2C%22bannershown%22%3A1%2C%22action%22%3A%22accept%22%2C%22consenttime%22%3A1759848972%2C%22categories%22%3A%22%5B%5C%22functionality%5C%22%2C%5C%22targeting%5C%22%2C%5C%22performance%5C%22%5D%22%7D";
        assert_eq!(run(h), Some([Granted, Granted, Granted]));
    }

    /// The older form `{"action":"accept"}` (public code) and the banner-not-answered form
    /// (only the Google consent map).
    #[test]
    fn real_action_only_and_unanswered() {
        assert_eq!(
            run("CookieScriptConsent=%7B%22action%22%3A%22accept%22%7D"),
            Some([Granted, Granted, Granted])
        );
        let h = "CookieScriptConsent=%7B%22googleconsentmap%22%3A%7B%22ad_storage%22%3A%22targeting%22%2C%22analytics_storage%22%3A%22performance%22%2C%22functionality_storage%22%3A%22functionality%22%2C%22personalization_storage%22%3A%22functionality%22%2C%22security_storage%22%3A%22functionality%22%7D%7D";
        let o = outcome(h, |jar, out| read(&CookieScriptConfig::default(), jar, out));
        assert_eq!(o, Outcome::Silent);
    }

    #[test]
    fn reject_and_partial_choices() {
        let h = r#"CookieScriptConsent={"action":"reject","categories":"[]"}"#;
        assert_eq!(run(h), Some([Denied, Denied, Denied]));
        let h = r#"CookieScriptConsent={"action":"accept","categories":"[\"performance\"]"}"#;
        assert_eq!(run(h), Some([Denied, Granted, Denied]));
    }

    #[test]
    fn malformed_values() {
        for (v, reason) in [
            (
                r#"{"categories":"[1]"}"#,
                "categories is not a JSON list of names",
            ),
            (
                r#"{"categories":["targeting"]}"#,
                "categories is not a string",
            ),
            ("%7Bnot-json", "not JSON"),
        ] {
            let h = format!("CookieScriptConsent={v}");
            let o = outcome(&h, |jar, out| {
                read(&CookieScriptConfig::default(), jar, out)
            });
            assert_eq!(o, Outcome::Malformed(reason), "{v}");
        }
    }
}
