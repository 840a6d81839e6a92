//! Tealium iQ Consent Manager: `CONSENTMGR`, `|`-separated `key:value` pairs
//! (percent-encoded as `%7C`): `consent:true|ts:1678332400820|c1:1|c3:0|c5:1`.
//!
//! `consent:false` refuses everything; `consent:true` without category keys grants
//! everything (Tealium's "consent to all"); with category keys `cN:1` grants and `cN:0`
//! refuses category N. Category numbers are the order of the categories in the site's
//! Tealium profile, so they are mapped by configuration; the default follows Tealium's
//! standard list, where 1 is analytics and 3 display ads.

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::category_map::CategoryMap;
use crate::cookie_value::{percent_decode, read_cookie, unquote, Jar};
use crate::verdict::CmpVerdict;

/// Most category keys read from one value.
const MAX_CATEGORIES: usize = 64;

/// Configuration of the Tealium reader (`consent.tealium`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TealiumConfig {
    /// Cookie name (default `CONSENTMGR`).
    pub cookie_name: String,
    /// Tealium category numbers (`c1`... `cN`) per category. Default: `analytics [1]`,
    /// `marketing [3]`.
    pub categories: CategoryMap<u8>,
}

impl Default for TealiumConfig {
    fn default() -> Self {
        TealiumConfig {
            cookie_name: "CONSENTMGR".into(),
            categories: CategoryMap {
                necessary: vec![],
                functional: vec![],
                analytics: vec![1],
                marketing: vec![3],
            },
        }
    }
}

impl Validate for TealiumConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "Tealium's consent cookie is CONSENTMGR",
            issues,
        );
    }
}

/// Decodes one value.
pub fn decode(config: &TealiumConfig, raw: &str) -> Outcome {
    let text = match percent_decode(unquote(raw)) {
        Ok(t) => t,
        Err(reason) => return Outcome::Malformed(reason),
    };
    let mut consent = None;
    let mut categories: Vec<(u8, bool)> = Vec::new();
    for item in text.split('|') {
        let Some((key, value)) = item.split_once(':') else {
            return Outcome::Malformed("an item is not key:value");
        };
        let key = key.trim();
        if key == "consent" {
            consent = match value.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => return Outcome::Malformed("consent is not true or false"),
            };
        } else if let Some(n) = key.strip_prefix('c').and_then(|n| n.parse::<u8>().ok()) {
            let state = match value.trim() {
                "1" => true,
                "0" => false,
                _ => return Outcome::Malformed("a category is not 0 or 1"),
            };
            if categories.len() >= MAX_CATEGORIES {
                return Outcome::Malformed("more than 64 categories");
            }
            categories.push((n, state));
        }
    }
    match consent {
        Some(false) => Outcome::Verdict(CmpVerdict::uniform(false)),
        Some(true) if categories.is_empty() => Outcome::Verdict(CmpVerdict::uniform(true)),
        Some(true) => Outcome::from_verdict(
            config
                .categories
                .verdict(|n| categories.iter().find(|(c, _)| c == n).map(|&(_, s)| s)),
        ),
        None => Outcome::Silent,
    }
}

/// Reads the Tealium cookie.
pub fn read(config: &TealiumConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.cookie_name, out, |raw| decode(config, raw));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, verdict};
    use crate::verdict::Consent::*;

    fn run(h: &str) -> Option<[crate::verdict::Consent; 3]> {
        verdict(h, |jar, out| read(&TealiumConfig::default(), jar, out))
    }

    /// Values from Cookie headers captured in public code: categories 1 granted and 3
    /// refused; all fifteen granted; consent to all without categories.
    #[test]
    fn real_values() {
        let h = "CONSENTMGR=consent:true%7Cts:1678332400820%7Cc1:1%7Cc3:0%7Cc5:1%7Cc6:1%7Cc7:0%7Cc8:1%7Cc9:1";
        assert_eq!(run(h), Some([Unset, Granted, Denied]));
        let h = "CONSENTMGR=c1:1%7Cc2:1%7Cc3:1%7Cc4:1%7Cc5:1%7Cc6:1%7Cc7:1%7Cc8:1%7Cc9:1%7Cc10:1%7Cc11:1%7Cc12:1%7Cc13:1%7Cc14:1%7Cc15:1%7Cts:1700677133212%7Cconsent:true";
        assert_eq!(run(h), Some([Unset, Granted, Granted]));
        assert_eq!(
            run("CONSENTMGR=consent:true%7Cts:1640251358417"),
            Some([Granted, Granted, Granted])
        );
        assert_eq!(
            run("CONSENTMGR=ts:1580181372932%7Cconsent:true"),
            Some([Granted, Granted, Granted])
        );
    }

    #[test]
    fn refusal_unanswered_and_custom_map() {
        assert_eq!(
            run("CONSENTMGR=consent:false%7Cts:1"),
            Some([Denied, Denied, Denied])
        );
        let o = outcome("CONSENTMGR=ts:1", |jar, out| {
            read(&TealiumConfig::default(), jar, out)
        });
        assert_eq!(o, Outcome::Silent);
        let c = TealiumConfig {
            categories: CategoryMap {
                marketing: vec![5, 7],
                ..CategoryMap::default()
            },
            ..TealiumConfig::default()
        };
        let h = "CONSENTMGR=consent:true%7Cc5:1%7Cc7:0";
        assert_eq!(
            verdict(h, |jar, out| read(&c, jar, out)),
            Some([Unset, Unset, Denied])
        );
    }

    #[test]
    fn malformed_values() {
        for (v, reason) in [
            ("1", "an item is not key:value"),
            ("consent:yes", "consent is not true or false"),
            ("consent:true%7Cc1:2", "a category is not 0 or 1"),
            ("%FF", "not UTF-8 once percent-decoded"),
        ] {
            let h = format!("CONSENTMGR={v}");
            let o = outcome(&h, |jar, out| read(&TealiumConfig::default(), jar, out));
            assert_eq!(o, Outcome::Malformed(reason), "{v}");
        }
        let many: String = (0..65).map(|i| format!("%7Cc{i}:1")).collect();
        let o = outcome(&format!("CONSENTMGR=consent:true{many}"), |jar, out| {
            read(&TealiumConfig::default(), jar, out)
        });
        assert_eq!(o, Outcome::Malformed("more than 64 categories"));
    }
}
