//! Termly keeps the visitor's choice in local storage only (`TERMLY_API_CACHE`, whose
//! `TERMLY_COOKIE_CONSENT.value` holds one boolean per Termly category), so the request
//! carries nothing to read. The README gives the supported bridge: a one-line snippet that
//! copies that `value` object, percent-encoded, into a first-party cookie (default
//! `termly_consent`) after Termly's consent callback.
//!
//! Termly's categories: `essential`, `performance` (performance and functionality),
//! `analytics` (analytics and customization), `advertising`, `social_networking`,
//! `unclassified`. Default map: functional `[performance]`, analytics `[analytics]`,
//! marketing `[advertising]`.

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::category_map::{string_map, CategoryMap};
use crate::cookie_value::{json_object, read_cookie, Jar};

/// Configuration of the Termly reader (`consent.termly`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TermlyConfig {
    /// The bridge cookie written by the README's snippet (default `termly_consent`).
    pub cookie_name: String,
    /// Termly categories per category (see the module documentation for the default).
    pub categories: CategoryMap<String>,
}

impl Default for TermlyConfig {
    fn default() -> Self {
        TermlyConfig {
            cookie_name: "termly_consent".into(),
            categories: string_map(
                &["essential"],
                &["performance"],
                &["analytics"],
                &["advertising"],
            ),
        }
    }
}

impl Validate for TermlyConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "the README's snippet writes termly_consent",
            issues,
        );
        self.categories
            .validate_ids(&format!("{path}.categories"), issues);
    }
}

/// Reads the bridge cookie.
pub fn read(config: &TermlyConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.cookie_name, out, |raw| {
        match json_object(raw) {
            Ok(map) => {
                Outcome::from_verdict(config.categories.verdict(|id| map.get(id)?.as_bool()))
            }
            Err(reason) => Outcome::Malformed(reason),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, verdict};
    use crate::verdict::Consent::*;

    /// The bridge carries `TERMLY_API_CACHE.TERMLY_COOKIE_CONSENT.value` as Termly stores it
    /// (category name -> boolean, the shape public integrations read, e.g. a Next.js
    /// consent gate reading `TERMLY_COOKIE_CONSENT.value.analytics`).
    #[test]
    fn bridge_values() {
        let h = "termly_consent=%7B%22essential%22%3Atrue%2C%22performance%22%3Atrue%2C%22analytics%22%3Afalse%2C%22advertising%22%3Afalse%2C%22social_networking%22%3Afalse%2C%22unclassified%22%3Afalse%7D";
        let v = verdict(h, |jar, out| read(&TermlyConfig::default(), jar, out));
        assert_eq!(v, Some([Granted, Denied, Denied]));
        let o = outcome("termly_consent=%7B%22essential%22%3Atrue%7D", |jar, out| {
            read(&TermlyConfig::default(), jar, out)
        });
        assert_eq!(o, Outcome::Silent);
        let o = outcome("termly_consent=yes", |jar, out| {
            read(&TermlyConfig::default(), jar, out)
        });
        assert_eq!(o, Outcome::Malformed("not JSON"));
    }
}
