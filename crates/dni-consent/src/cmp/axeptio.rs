//! Axeptio `axeptio_cookies` cookie: percent-encoded JSON with meta keys (`$$token`,
//! `$$date`, `$$completed`, ...) and one boolean per vendor name configured in Axeptio
//! (`"google_analytics":false`). A value with `$$completed:false` (the visitor has not
//! finished the widget) counts as absent. Vendors are site-defined, so a vendor ->
//! category map is configured.

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use crate::category_map::{string_map, CategoryMap};
use crate::cookie_value::{json_object, merge_values};
use crate::verdict::CmpVerdict;

/// Configuration of the Axeptio parser (`consent.axeptio`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AxeptioConfig {
    /// Cookie name (default `axeptio_cookies`).
    pub cookie_name: String,
    /// Axeptio vendor names per category. Default: `analytics [google_analytics]`,
    /// `marketing [facebook_pixel, google_ads]`.
    pub vendors: CategoryMap<String>,
}

impl Default for AxeptioConfig {
    fn default() -> Self {
        AxeptioConfig {
            cookie_name: "axeptio_cookies".into(),
            vendors: string_map(
                &[],
                &[],
                &["google_analytics"],
                &["facebook_pixel", "google_ads"],
            ),
        }
    }
}

impl Validate for AxeptioConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        if self.cookie_name.trim().is_empty() {
            issues.push(
                ConfigIssue::new(format!("{path}.cookie_name"), "empty cookie name")
                    .with_hint("Axeptio's cookie is axeptio_cookies"),
            );
        }
        self.vendors
            .validate_ids(&format!("{path}.vendors"), issues);
    }
}

/// Reads the Axeptio cookie: `None` when absent, malformed, unfinished or unmapped.
pub fn parse(config: &AxeptioConfig, cookie_header: &str) -> Option<CmpVerdict> {
    merge_values(cookie_header, &config.cookie_name, |raw| {
        let map = json_object(raw)?;
        if map.get("$$completed").and_then(|v| v.as_bool()) == Some(false) {
            return None;
        }
        Some(config.vendors.verdict(|id| map.get(id)?.as_bool()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Consent::*;
    use dni_common::Category;

    #[test]
    fn real_completed_refusal() {
        let h = "axeptio_cookies={%22$$token%22:%22h1gr263utwgrlqk71r2ii%22%2C%22$$date%22:%222021-08-08T10:41:59.523Z%22%2C%22$$completed%22:true%2C%22ContentSquare%22:false%2C%22google_analytics%22:false%2C%22facebook_pixel%22:false}";
        let v = parse(&AxeptioConfig::default(), h).unwrap();
        assert_eq!(v.get(Category::Analytics), Denied);
        assert_eq!(v.get(Category::Marketing), Denied);
    }

    #[test]
    fn real_unfinished_widget_is_absent() {
        let h = "axeptio_cookies={%22$$token%22:%22a3on45kc8vq9cizl2fhbsf%22%2C%22$$date%22:%222023-03-21T00:47:53.316Z%22%2C%22$$completed%22:false}; axeptio_authorized_vendors=%2C%2C";
        assert!(parse(&AxeptioConfig::default(), h).is_none());
    }

    #[test]
    fn fully_encoded_acceptance() {
        let h = "axeptio_cookies=%7B%22%24%24completed%22%3Atrue%2C%22google_ads%22%3Atrue%2C%22facebook_pixel%22%3Atrue%7D";
        let v = parse(&AxeptioConfig::default(), h).unwrap();
        assert_eq!(v.get(Category::Marketing), Granted);
        assert_eq!(v.get(Category::Analytics), Unset);
    }

    #[test]
    fn malformed_values_are_absent() {
        for v in ["%2C%2C", "{", "[true]"] {
            assert!(parse(&AxeptioConfig::default(), &format!("axeptio_cookies={v}")).is_none());
        }
    }
}
