//! Axeptio `axeptio_cookies` cookie: percent-encoded JSON with meta keys (`$$token`,
//! `$$date`, `$$completed`, ...) and one boolean per vendor name configured in Axeptio
//! (`"google_analytics":false`). A value with `$$completed:false` (the visitor has not
//! finished the widget) counts as absent. Vendors are site-defined, so a vendor ->
//! category map is configured.

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::category_map::{string_map, CategoryMap};
use crate::cookie_value::{json_object, read_cookie, Jar};

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
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "Axeptio's cookie is axeptio_cookies",
            issues,
        );
        self.vendors
            .validate_ids(&format!("{path}.vendors"), issues);
    }
}

/// Reads the Axeptio cookie. An unfinished widget (`$$completed: false`) is silent.
pub fn read(config: &AxeptioConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.cookie_name, out, |raw| {
        let map = match json_object(raw) {
            Ok(m) => m,
            Err(reason) => return Outcome::Malformed(reason),
        };
        if map.get("$$completed").and_then(|v| v.as_bool()) == Some(false) {
            return Outcome::Silent;
        }
        Outcome::from_verdict(config.vendors.verdict(|id| map.get(id)?.as_bool()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, verdict};
    use crate::verdict::Consent::*;

    fn run(h: &str) -> Option<[crate::verdict::Consent; 3]> {
        verdict(h, |jar, out| read(&AxeptioConfig::default(), jar, out))
    }

    #[test]
    fn real_completed_refusal() {
        let h = "axeptio_cookies={%22$$token%22:%22h1gr263utwgrlqk71r2ii%22%2C%22$$date%22:%222021-08-08T10:41:59.523Z%22%2C%22$$completed%22:true%2C%22ContentSquare%22:false%2C%22google_analytics%22:false%2C%22facebook_pixel%22:false}";
        assert_eq!(run(h), Some([Unset, Denied, Denied]));
    }

    #[test]
    fn real_unfinished_widget_is_absent() {
        let h = "axeptio_cookies={%22$$token%22:%22a3on45kc8vq9cizl2fhbsf%22%2C%22$$date%22:%222023-03-21T00:47:53.316Z%22%2C%22$$completed%22:false}; axeptio_authorized_vendors=%2C%2C";
        let o = outcome(h, |jar, out| read(&AxeptioConfig::default(), jar, out));
        assert_eq!(o, Outcome::Silent);
    }

    #[test]
    fn fully_encoded_acceptance() {
        let h = "axeptio_cookies=%7B%22%24%24completed%22%3Atrue%2C%22google_ads%22%3Atrue%2C%22facebook_pixel%22%3Atrue%7D";
        assert_eq!(run(h), Some([Unset, Unset, Granted]));
    }

    #[test]
    fn malformed_values_are_absent() {
        for (v, reason) in [
            ("%2C%2C", "not JSON"),
            ("{", "not JSON"),
            ("[true]", "JSON but not an object"),
        ] {
            let h = format!("axeptio_cookies={v}");
            let o = outcome(&h, |jar, out| read(&AxeptioConfig::default(), jar, out));
            assert_eq!(o, Outcome::Malformed(reason), "{v}");
        }
    }
}
