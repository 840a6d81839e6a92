//! Klaro `klaro` cookie: a percent-encoded JSON map from service name to boolean, e.g.
//! `{"necessary-cookies":true,"google-analytics":false,"google-ads":false}`. Service names
//! are site-defined, so a service -> category map is configured.

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use crate::category_map::{string_map, CategoryMap};
use crate::cookie_value::{json_object, merge_values};
use crate::verdict::CmpVerdict;

/// Configuration of the Klaro parser (`consent.klaro`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KlaroConfig {
    /// Cookie name (Klaro's `cookieName`, default `klaro`).
    pub cookie_name: String,
    /// Klaro service names per category. Default: `analytics [google-analytics]`,
    /// `marketing [google-ads]`.
    pub services: CategoryMap<String>,
}

impl Default for KlaroConfig {
    fn default() -> Self {
        KlaroConfig {
            cookie_name: "klaro".into(),
            services: string_map(&[], &[], &["google-analytics"], &["google-ads"]),
        }
    }
}

impl Validate for KlaroConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        if self.cookie_name.trim().is_empty() {
            issues.push(
                ConfigIssue::new(format!("{path}.cookie_name"), "empty cookie name")
                    .with_hint("Klaro's default cookie is klaro"),
            );
        }
        self.services
            .validate_ids(&format!("{path}.services"), issues);
    }
}

/// Reads the Klaro cookie: `None` when absent, malformed or naming no mapped service.
pub fn parse(config: &KlaroConfig, cookie_header: &str) -> Option<CmpVerdict> {
    merge_values(cookie_header, &config.cookie_name, |raw| {
        let map = json_object(raw)?;
        Some(config.services.verdict(|id| map.get(id)?.as_bool()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Consent::*;
    use dni_common::Category;

    #[test]
    fn real_value_refusing_analytics_and_ads() {
        let h = "klaro=%7B%22necessary-cookies%22%3Atrue%2C%22preferences%22%3Afalse%2C%22google-analytics%22%3Afalse%2C%22google-ads%22%3Afalse%7D";
        let v = parse(&KlaroConfig::default(), h).unwrap();
        assert_eq!(v.get(Category::Analytics), Denied);
        assert_eq!(v.get(Category::Marketing), Denied);
        assert_eq!(v.get(Category::Functional), Unset);
    }

    #[test]
    fn custom_service_map() {
        let c = KlaroConfig {
            services: string_map(&[], &["preferences"], &[], &["matomo-ads"]),
            ..KlaroConfig::default()
        };
        let v = parse(&c, r#"klaro={"preferences":true,"matomo-ads":true}"#).unwrap();
        assert_eq!(v.get(Category::Functional), Granted);
        assert_eq!(v.get(Category::Marketing), Granted);
    }

    #[test]
    fn malformed_or_unrelated_values_are_absent() {
        for v in ["", "true", "%7B%22google-ads%22", r#"{"other":true}"#] {
            assert!(
                parse(&KlaroConfig::default(), &format!("klaro={v}")).is_none(),
                "{v}"
            );
        }
    }
}
