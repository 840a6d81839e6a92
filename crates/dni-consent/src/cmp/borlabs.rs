//! Borlabs Cookie (WordPress): `borlabs-cookie`, percent-encoded JSON whose `consents`
//! object lists, per consented group, the services consented
//! (`{"consents":{"essential":["borlabs-cookie"],"statistics":["google-analytics"],"marketing":["facebook-pixel"]},"domainPath":…,"expires":…,"uid":…,"version":…}`).
//! A group missing from `consents` was not consented. Groups are site-defined (defaults:
//! `essential`, `statistics`, `marketing`, `external-media`), so a group -> category map is
//! configured.

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::category_map::{string_map, CategoryMap};
use crate::cookie_value::{json_object, read_cookie, Jar};

/// Configuration of the Borlabs Cookie reader (`consent.borlabs`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BorlabsConfig {
    /// Cookie name (default `borlabs-cookie`).
    pub cookie_name: String,
    /// Borlabs group ids per category. Default: `necessary [essential]`,
    /// `analytics [statistics]`, `marketing [marketing]` (map `external-media` yourself:
    /// embeds such as YouTube set marketing cookies).
    pub groups: CategoryMap<String>,
}

impl Default for BorlabsConfig {
    fn default() -> Self {
        BorlabsConfig {
            cookie_name: "borlabs-cookie".into(),
            groups: string_map(&["essential"], &[], &["statistics"], &["marketing"]),
        }
    }
}

impl Validate for BorlabsConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "Borlabs Cookie's cookie is borlabs-cookie",
            issues,
        );
        self.groups.validate_ids(&format!("{path}.groups"), issues);
    }
}

/// Decodes one value.
pub fn decode(config: &BorlabsConfig, raw: &str) -> Outcome {
    let map = match json_object(raw) {
        Ok(m) => m,
        Err(reason) => return Outcome::Malformed(reason),
    };
    let Some(consents) = map.get("consents").and_then(|c| c.as_object()) else {
        return Outcome::Malformed("no consents object");
    };
    Outcome::from_verdict(
        config
            .groups
            .verdict(|group| Some(consents.contains_key(group))),
    )
}

/// Reads the Borlabs Cookie cookie.
pub fn read(config: &BorlabsConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.cookie_name, out, |raw| decode(config, raw));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, verdict};
    use crate::verdict::Consent::*;

    fn run(h: &str) -> Option<[crate::verdict::Consent; 3]> {
        verdict(h, |jar, out| read(&BorlabsConfig::default(), jar, out))
    }

    /// A kreativ… site visitor who accepted statistics, marketing and external media
    /// (a Cookie header captured in public code; value cut after the consents).
    #[test]
    fn real_accept() {
        let h = "borlabs-cookie=%7B%22consents%22%3A%7B%22essential%22%3A%5B%22borlabs-cookie%22%5D%2C%22statistics%22%3A%5B%22google-analytics%22%5D%2C%22marketing%22%3A%5B%22google-adsense%22%2C%22facebook-pixel%22%5D%2C%22external-media%22%3A%5B%22facebook%22%2C%22googlemaps%22%2C%22youtube%22%5D%7D%7D";
        assert_eq!(run(h), Some([Unset, Granted, Granted]));
    }

    /// www.tollwood.de: essential only (public code, Borlabs v2 value).
    #[test]
    fn real_essential_only() {
        let h = "borlabs-cookie=%7B%22consents%22%3A%7B%22essential%22%3A%5B%22borlabs-cookie%22%5D%7D%2C%22domainPath%22%3A%22www.tollwood.de%2F%22%2C%22expires%22%3A%22Sun%2C%2021%20Dec%202025%2009%3A54%3A17%20GMT%22%2C%22uid%22%3A%22anonymous%22%2C%22version%22%3A%221%22%7D";
        assert_eq!(run(h), Some([Unset, Denied, Denied]));
    }

    /// www.hartware.de, Borlabs v3 (`"v3":true`), essential only (public code).
    #[test]
    fn real_v3_value() {
        let h = "borlabs-cookie=%7B%22consents%22%3A%7B%22essential%22%3A%5B%22borlabs-cookie%22%5D%7D%2C%22domainPath%22%3A%22www.hartware.de%2F%22%2C%22expires%22%3A%22Sun%2C%2011%20Jan%202026%2008%3A07%3A14%20GMT%22%2C%22uid%22%3A%22wzlxoy59-rj2wkzg9-8d2klvs7-xapfslgp%22%2C%22v3%22%3Atrue%2C%22version%22%3A1%7D";
        assert_eq!(run(h), Some([Unset, Denied, Denied]));
        let c = BorlabsConfig {
            groups: string_map(&[], &["external-media"], &[], &[]),
            ..BorlabsConfig::default()
        };
        assert_eq!(
            verdict(h, |jar, out| read(&c, jar, out)),
            Some([Denied, Unset, Unset])
        );
    }

    #[test]
    fn malformed_values() {
        for (v, reason) in [
            ("%7B%7D", "no consents object"),
            ("%7B%22consents%22%3A%5B%5D%7D", "no consents object"),
            ("x", "not JSON"),
        ] {
            let h = format!("borlabs-cookie={v}");
            let o = outcome(&h, |jar, out| read(&BorlabsConfig::default(), jar, out));
            assert_eq!(o, Outcome::Malformed(reason), "{v}");
        }
    }
}
