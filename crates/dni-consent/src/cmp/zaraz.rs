//! Cloudflare Zaraz consent cookie (`cf_consent`).
//!
//! Zaraz keeps the visitor's choices as a JSON object from purpose id to boolean (the
//! object `zaraz.consent.getAll()` returns, e.g. `{"rlae":true,"USeX":false}`), stored
//! percent-encoded in a first-party cookie whose name is set in the dashboard ("Consent
//! cookie name", default `cf_consent`). Purpose ids are generated per zone (`lFDj`,
//! `dqVA`...), so the purpose -> category map must be configured; with the default empty
//! map this parser never decides.

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::category_map::CategoryMap;
use crate::cookie_value::{json_object, read_cookie, Jar};

/// Configuration of the Zaraz parser (`consent.zaraz`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ZarazConfig {
    /// Cookie name (default `cf_consent`).
    pub cookie_name: String,
    /// Zaraz purpose ids per category (default: empty, so Zaraz never decides until set).
    pub purposes: CategoryMap<String>,
}

impl Default for ZarazConfig {
    fn default() -> Self {
        ZarazConfig {
            cookie_name: "cf_consent".into(),
            purposes: CategoryMap::default(),
        }
    }
}

impl Validate for ZarazConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "Zaraz's default consent cookie is cf_consent",
            issues,
        );
        self.purposes
            .validate_ids(&format!("{path}.purposes"), issues);
    }
}

/// Reads the Zaraz consent cookie (nothing while the purpose map is empty).
pub fn read(config: &ZarazConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    if config.purposes.is_empty() {
        return;
    }
    read_cookie(jar, &config.cookie_name, out, |raw| {
        match json_object(raw) {
            Ok(map) => Outcome::from_verdict(config.purposes.verdict(|id| map.get(id)?.as_bool())),
            Err(reason) => Outcome::Malformed(reason),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category_map::string_map;
    use crate::cmp::testing::{outcome, reads, verdict};
    use crate::verdict::Consent::*;

    fn cfg() -> ZarazConfig {
        ZarazConfig {
            purposes: string_map(&[], &["hfWn"], &["yybb"], &["rlae"]),
            ..ZarazConfig::default()
        }
    }

    #[test]
    fn encoded_purpose_map_is_read_through_the_config() {
        let h = "cf_consent=%7B%22hfWn%22%3Atrue%2C%22yybb%22%3Afalse%2C%22rlae%22%3Atrue%7D";
        let v = verdict(h, |jar, out| read(&cfg(), jar, out));
        assert_eq!(v, Some([Granted, Denied, Granted]));
    }

    #[test]
    fn unmapped_or_non_boolean_purposes_say_nothing() {
        let h = r#"cf_consent={"rlae":false,"yybb":"yes"}"#;
        let v = verdict(h, |jar, out| read(&cfg(), jar, out));
        assert_eq!(v, Some([Unset, Unset, Denied]));
        let h = r#"cf_consent={"other":true}"#;
        assert_eq!(
            outcome(h, |jar, out| read(&cfg(), jar, out)),
            Outcome::Silent
        );
    }

    #[test]
    fn without_a_purpose_map_zaraz_never_decides() {
        let h = r#"cf_consent={"rlae":true}"#;
        assert!(reads(h, |jar, out| read(&ZarazConfig::default(), jar, out)).is_empty());
    }

    #[test]
    fn malformed_values_are_absent() {
        for (v, reason) in [
            ("true", "JSON but not an object"),
            ("%7B", "not JSON"),
            ("[]", "JSON but not an object"),
            ("{\"rlae\":1", "not JSON"),
        ] {
            let h = format!("cf_consent={v}");
            let o = outcome(&h, |jar, out| read(&cfg(), jar, out));
            assert_eq!(o, Outcome::Malformed(reason), "{v}");
        }
    }
}
