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

use crate::category_map::CategoryMap;
use crate::cookie_value::{json_object, merge_values};
use crate::verdict::CmpVerdict;

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
        if self.cookie_name.trim().is_empty() {
            issues.push(
                ConfigIssue::new(format!("{path}.cookie_name"), "empty cookie name")
                    .with_hint("Zaraz's default consent cookie is cf_consent"),
            );
        }
        self.purposes
            .validate_ids(&format!("{path}.purposes"), issues);
    }
}

/// Reads the Zaraz consent cookie: `None` when absent, malformed or unmapped.
pub fn parse(config: &ZarazConfig, cookie_header: &str) -> Option<CmpVerdict> {
    if config.purposes.is_empty() {
        return None;
    }
    merge_values(cookie_header, &config.cookie_name, |raw| {
        let map = json_object(raw)?;
        Some(config.purposes.verdict(|id| map.get(id)?.as_bool()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category_map::string_map;
    use crate::verdict::Consent::*;
    use dni_common::Category;

    fn cfg() -> ZarazConfig {
        ZarazConfig {
            purposes: string_map(&[], &["hfWn"], &["yybb"], &["rlae"]),
            ..ZarazConfig::default()
        }
    }

    #[test]
    fn encoded_purpose_map_is_read_through_the_config() {
        let h = "cf_consent=%7B%22hfWn%22%3Atrue%2C%22yybb%22%3Afalse%2C%22rlae%22%3Atrue%7D";
        let v = parse(&cfg(), h).unwrap();
        assert_eq!(v.get(Category::Functional), Granted);
        assert_eq!(v.get(Category::Analytics), Denied);
        assert_eq!(v.get(Category::Marketing), Granted);
    }

    #[test]
    fn unmapped_or_non_boolean_purposes_say_nothing() {
        let v = parse(&cfg(), r#"cf_consent={"rlae":false,"yybb":"yes"}"#).unwrap();
        assert_eq!(v.get(Category::Analytics), Unset);
        assert_eq!(v.get(Category::Marketing), Denied);
        assert!(parse(&cfg(), r#"cf_consent={"other":true}"#).is_none());
    }

    #[test]
    fn without_a_purpose_map_zaraz_never_decides() {
        assert!(parse(&ZarazConfig::default(), r#"cf_consent={"rlae":true}"#).is_none());
    }

    #[test]
    fn malformed_values_are_absent() {
        for v in ["true", "%7B", "[]", "{\"rlae\":1"] {
            assert!(parse(&cfg(), &format!("cf_consent={v}")).is_none(), "{v}");
        }
    }
}
