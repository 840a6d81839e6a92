//! CookieFirst: `cookiefirst-consent`, percent-encoded JSON with one boolean per category:
//! `{"necessary":true,"performance":false,"functional":false,"advertising":false,"timestamp":1726706511,"type":"category","version":"…"}`.
//! Mapping: functional -> functional, performance -> analytics, advertising -> marketing;
//! a missing category says nothing.

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::cookie_value::{json_object, read_cookie, Jar};
use crate::verdict::{CmpVerdict, Consent};

/// Configuration of the CookieFirst reader (`consent.cookiefirst`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CookieFirstConfig {
    /// Cookie name (default `cookiefirst-consent`).
    pub cookie_name: String,
}

impl Default for CookieFirstConfig {
    fn default() -> Self {
        CookieFirstConfig {
            cookie_name: "cookiefirst-consent".into(),
        }
    }
}

impl Validate for CookieFirstConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "CookieFirst's cookie is cookiefirst-consent",
            issues,
        );
    }
}

/// Decodes one value.
pub fn decode(raw: &str) -> Outcome {
    let map = match json_object(raw) {
        Ok(m) => m,
        Err(reason) => return Outcome::Malformed(reason),
    };
    let mut v = CmpVerdict::new();
    for (key, category) in [
        ("functional", Category::Functional),
        ("performance", Category::Analytics),
        ("advertising", Category::Marketing),
    ] {
        match map.get(key) {
            Some(serde_json::Value::Bool(b)) => v.set(category, Consent::from_bool(*b)),
            Some(_) => return Outcome::Malformed("a category is not a boolean"),
            None => {}
        }
    }
    Outcome::from_verdict(v)
}

/// Reads the CookieFirst cookie.
pub fn read(config: &CookieFirstConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.cookie_name, out, decode);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, verdict};
    use Consent::*;

    fn run(h: &str) -> Option<[Consent; 3]> {
        verdict(h, |jar, out| read(&CookieFirstConfig::default(), jar, out))
    }

    /// Accept-all and refuse-all values from Cookie headers captured in public code.
    #[test]
    fn real_values() {
        let h = "cookiefirst-consent=%7B%22necessary%22%3Atrue%2C%22performance%22%3Atrue%2C%22functional%22%3Atrue%2C%22advertising%22%3Atrue%2C%22timestamp%22%3A1652777861%2C%22type%22%3A%22category%22%2C%22version%22%3A%227ff7db62-4f82-4346-af4a-421f8a8bf045%22%7D";
        assert_eq!(run(h), Some([Granted, Granted, Granted]));
        let h = "cookiefirst-consent=%7B%22necessary%22%3Atrue%2C%22performance%22%3Afalse%2C%22functional%22%3Afalse%2C%22advertising%22%3Afalse%2C%22timestamp%22%3A1726706511%2C%22type%22%3A%22category%22%2C%22version%22%3A%22286ec2df-e5c4-4a7c-bcf5-9ef6ebc050df%22%7D";
        assert_eq!(run(h), Some([Denied, Denied, Denied]));
    }

    #[test]
    fn missing_and_malformed_categories() {
        assert_eq!(
            run(r#"cookiefirst-consent={"advertising":false}"#),
            Some([Unset, Unset, Denied])
        );
        let o = outcome(r#"cookiefirst-consent={"necessary":true}"#, |jar, out| {
            read(&CookieFirstConfig::default(), jar, out)
        });
        assert_eq!(o, Outcome::Silent);
        let o = outcome(r#"cookiefirst-consent={"advertising":1}"#, |jar, out| {
            read(&CookieFirstConfig::default(), jar, out)
        });
        assert_eq!(o, Outcome::Malformed("a category is not a boolean"));
    }
}
