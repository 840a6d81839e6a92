//! iubenda: `_iub_cs-<id>` cookies (one per iubenda site or policy id), percent-encoded
//! JSON.
//!
//! * Per-purpose mode: `{"timestamp":"…","version":"1.75.1","purposes":{"1":true,"3":true,"4":true},"id":50053366,…}`.
//!   Purposes are iubenda's: 1 strictly necessary, 2 basic interactions and
//!   functionalities, 3 experience enhancement, 4 measurement, 5 targeting and advertising.
//!   A purpose missing from the object was not consented.
//! * Simple mode: `{"consent":true,…}` grants (or refuses) everything.
//! * `{"id":90483436}` alone (no choice yet) says nothing.
//!
//! `_iub_cs-<id>-uspr` (`{"s":true,"sh":true,"adv":true}`: sale, sharing, advertising not
//! opted out) is read too: a `false` denies marketing. `_iub_cs-<id>-granular` and other
//! suffixes are not read.

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::category_map::CategoryMap;
use crate::cookie_value::{json_object, read_value, Jar};
use crate::regime::Regime;
use crate::verdict::{CmpVerdict, Consent};

/// Most `_iub_cs-*` cookies read from one request.
const MAX_COOKIES: usize = 8;

/// Configuration of the iubenda reader (`consent.iubenda`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IubendaConfig {
    /// Cookie name prefix (default `_iub_cs-`).
    pub prefix: String,
    /// iubenda purpose ids per category. Default: `necessary [1]`, `functional [2, 3]`,
    /// `analytics [4]`, `marketing [5]`.
    pub purposes: CategoryMap<u8>,
}

impl Default for IubendaConfig {
    fn default() -> Self {
        IubendaConfig {
            prefix: "_iub_cs-".into(),
            purposes: CategoryMap {
                necessary: vec![1],
                functional: vec![2, 3],
                analytics: vec![4],
                marketing: vec![5],
            },
        }
    }
}

impl Validate for IubendaConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "prefix",
            &self.prefix,
            "iubenda's cookies start with _iub_cs-",
            issues,
        );
    }
}

/// Decodes a main `_iub_cs-<id>` value.
pub fn decode(config: &IubendaConfig, raw: &str) -> Outcome {
    let map = match json_object(raw) {
        Ok(m) => m,
        Err(reason) => return Outcome::Malformed(reason),
    };
    if let Some(purposes) = map.get("purposes") {
        let Some(purposes) = purposes.as_object() else {
            return Outcome::Malformed("purposes is not an object");
        };
        return Outcome::from_verdict(config.purposes.verdict(|id| {
            Some(purposes.get(&id.to_string()).and_then(|v| v.as_bool()) == Some(true))
        }));
    }
    match map.get("consent") {
        Some(serde_json::Value::Bool(b)) => Outcome::Verdict(CmpVerdict::uniform(*b)),
        Some(_) => Outcome::Malformed("consent is not a boolean"),
        None => Outcome::Silent,
    }
}

/// Decodes a `_iub_cs-<id>-uspr` value (US opt-outs).
pub fn decode_uspr(raw: &str, regime: Regime) -> Outcome {
    let map = match json_object(raw) {
        Ok(m) => m,
        Err(reason) => return Outcome::Malformed(reason),
    };
    let flags: Vec<Option<bool>> = ["s", "sh", "adv"]
        .iter()
        .map(|k| map.get(*k).and_then(|v| v.as_bool()))
        .collect();
    let marketing = if flags.contains(&Some(false)) {
        Consent::Denied
    } else if flags.contains(&Some(true)) && regime == Regime::OptOut {
        Consent::Granted
    } else {
        Consent::Unset
    };
    Outcome::from_verdict(CmpVerdict::new().with(Category::Marketing, marketing))
}

/// Reads the `_iub_cs-*` cookies (at most 8).
pub fn read(config: &IubendaConfig, jar: &Jar, regime: Regime, out: &mut Vec<CookieRead>) {
    let mut seen = 0;
    for pair in jar.pairs() {
        let Some(rest) = pair.name.strip_prefix(config.prefix.as_str()) else {
            continue;
        };
        let (id, uspr) = match rest.strip_suffix("-uspr") {
            Some(id) => (id, true),
            None => (rest, false),
        };
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            continue; // -granular and other companions
        }
        if seen >= MAX_COOKIES {
            break;
        }
        seen += 1;
        let outcome = read_value(pair.value, |raw| {
            if uspr {
                decode_uspr(raw, regime)
            } else {
                decode(config, raw)
            }
        });
        out.push(CookieRead::new(pair.name, outcome));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, reads, verdict};
    use Consent::*;

    fn run(h: &str, regime: Regime) -> Option<[Consent; 3]> {
        verdict(h, |jar, out| {
            read(&IubendaConfig::default(), jar, regime, out)
        })
    }

    /// Per-purpose mode, captured in a public scraper's Cookie header: purposes 1, 3, 4.
    #[test]
    fn real_per_purpose_value() {
        let h = "_iub_cs-50053366=%7B%22timestamp%22%3A%222025-02-05T15%3A40%3A00.391Z%22%2C%22version%22%3A%221.75.1%22%2C%22purposes%22%3A%7B%221%22%3Atrue%2C%223%22%3Atrue%2C%224%22%3Atrue%7D%2C%22id%22%3A50053366%2C%22cons%22%3A%7B%22rand%22%3A%22157518%22%7D%7D";
        // functional needs 2 and 3: 2 missing -> refused
        assert_eq!(run(h, Regime::OptIn), Some([Denied, Granted, Denied]));
    }

    /// Simple mode, from a public Playwright test of near.org.
    #[test]
    fn real_simple_mode_consent() {
        let h = "_iub_cs-71185313=%7B%22consent%22%3Atrue%2C%22timestamp%22%3A%222023-10-12T16%3A03%3A31.031Z%22%2C%22version%22%3A%221.51.0%22%2C%22id%22%3A71185313%2C%22cons%22%3A%7B%22rand%22%3A%221438b8%22%7D%7D";
        assert_eq!(run(h, Regime::OptIn), Some([Granted, Granted, Granted]));
    }

    /// `{"id":…}` with the US companion `{"s":true,"sh":true,"adv":true}` (public code).
    #[test]
    fn real_id_only_and_uspr() {
        let h = "_iub_cs-90483436=%7B%22id%22%3A90483436%7D; _iub_cs-90483436-uspr=%7B%22s%22%3Atrue%2C%22sh%22%3Atrue%2C%22adv%22%3Atrue%7D";
        assert_eq!(run(h, Regime::OptOut), Some([Unset, Unset, Granted]));
        assert_eq!(run(h, Regime::OptIn), None);
        let r = reads(h, |jar, out| {
            read(&IubendaConfig::default(), jar, Regime::OptOut, out)
        });
        assert_eq!(r[0].outcome, Outcome::Silent);
        assert_eq!(r[1].cookie, "_iub_cs-90483436-uspr");
        let out = "_iub_cs-1-uspr=%7B%22s%22%3Afalse%2C%22sh%22%3Atrue%2C%22adv%22%3Atrue%7D";
        assert_eq!(run(out, Regime::OptOut), Some([Unset, Unset, Denied]));
    }

    #[test]
    fn companions_are_skipped_and_at_most_eight_cookies_read() {
        let h = "_iub_cs-1-granular=%7B%7D; _iub_cs-=x; _iub_cs-9=%7B%22consent%22%3Afalse%7D";
        assert_eq!(run(h, Regime::OptIn), Some([Denied, Denied, Denied]));
        let r = reads(h, |jar, out| {
            read(&IubendaConfig::default(), jar, Regime::OptIn, out)
        });
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].cookie, "_iub_cs-9");
        let many: String = (0..12).map(|i| format!("_iub_cs-{i}=%7B%7D; ")).collect();
        let r = reads(&many, |jar, out| {
            read(&IubendaConfig::default(), jar, Regime::OptIn, out)
        });
        assert_eq!(r.len(), 8);
    }

    #[test]
    fn malformed_values() {
        for (v, reason) in [
            ("x", "not JSON"),
            ("%7B%22purposes%22%3A1%7D", "purposes is not an object"),
            (
                "%7B%22consent%22%3A%22yes%22%7D",
                "consent is not a boolean",
            ),
        ] {
            let h = format!("_iub_cs-1={v}");
            let o = outcome(&h, |jar, out| {
                read(&IubendaConfig::default(), jar, Regime::OptIn, out)
            });
            assert_eq!(o, Outcome::Malformed(reason), "{v}");
        }
        let o = outcome("_iub_cs-1-uspr=[]", |jar, out| {
            read(&IubendaConfig::default(), jar, Regime::OptIn, out)
        });
        assert_eq!(o, Outcome::Malformed("JSON but not an object"));
        let mut issues = Vec::new();
        IubendaConfig {
            prefix: " ".into(),
            ..IubendaConfig::default()
        }
        .validate("i", &mut issues);
        assert_eq!(issues[0].path, "i.prefix");
    }
}
