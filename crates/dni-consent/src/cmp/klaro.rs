//! Klaro `klaro` cookie: a percent-encoded JSON map from service name to boolean, e.g.
//! `{"necessary-cookies":true,"google-analytics":false,"google-ads":false}`. Service names
//! are site-defined, so a service -> category map is configured.

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::category_map::{string_map, CategoryMap};
use crate::cookie_value::{json_object, read_cookie, Jar};

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
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "Klaro's default cookie is klaro",
            issues,
        );
        self.services
            .validate_ids(&format!("{path}.services"), issues);
    }
}

/// Reads the Klaro cookie; a value naming no mapped service is silent.
pub fn read(config: &KlaroConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.cookie_name, out, |raw| {
        match json_object(raw) {
            Ok(map) => Outcome::from_verdict(config.services.verdict(|id| map.get(id)?.as_bool())),
            Err(reason) => Outcome::Malformed(reason),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, verdict};
    use crate::verdict::Consent::*;

    #[test]
    fn real_value_refusing_analytics_and_ads() {
        let h = "klaro=%7B%22necessary-cookies%22%3Atrue%2C%22preferences%22%3Afalse%2C%22google-analytics%22%3Afalse%2C%22google-ads%22%3Afalse%7D";
        let v = verdict(h, |jar, out| read(&KlaroConfig::default(), jar, out));
        assert_eq!(v, Some([Unset, Denied, Denied]));
    }

    #[test]
    fn custom_service_map() {
        let c = KlaroConfig {
            services: string_map(&[], &["preferences"], &[], &["matomo-ads"]),
            ..KlaroConfig::default()
        };
        let h = r#"klaro={"preferences":true,"matomo-ads":true}"#;
        let v = verdict(h, |jar, out| read(&c, jar, out));
        assert_eq!(v, Some([Granted, Unset, Granted]));
    }

    #[test]
    fn malformed_or_unrelated_values_are_absent() {
        for (v, expected) in [
            ("", Outcome::Silent),
            ("true", Outcome::Malformed("JSON but not an object")),
            ("%7B%22google-ads%22", Outcome::Malformed("not JSON")),
            (r#"{"other":true}"#, Outcome::Silent),
            (r#"{"google-ads":"yes"}"#, Outcome::Silent),
        ] {
            let h = format!("klaro={v}");
            let o = outcome(&h, |jar, out| read(&KlaroConfig::default(), jar, out));
            assert_eq!(o, expected, "{v}");
        }
    }
}
