//! Commanders Act (TrustCommander) `TC_PRIVACY` cookie.
//!
//! `<status>@<version>[|tcf...]|<banner>|<site>@<categories>@<blocked_on>@<updated>,<created>,<expires>[@<vendors>][@...]`
//! (see `seeds/commandersact-consent-cookie.txt`). The value arrives fully percent-encoded
//! (`%40`, `%7C`, `%2C`) or with only the commas encoded; it is decoded first, then split
//! on the configured separator. Extra trailing fields are ignored (the format is
//! "append only"). The legacy form with a single timestamp (`0@019@2,3@1@1615799744862@`)
//! and the shortest legacy form (`0@064@ALL@`) are accepted.

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::category_map::CategoryMap;
use crate::cookie_value::{percent_decode, read_cookie, unquote, Jar};
use crate::verdict::{CmpVerdict, Consent};

/// Longest accepted list of category ids in one field.
const MAX_IDS: usize = 256;

/// Configuration of the Commanders Act parser (`consent.tc_privacy`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TcPrivacyConfig {
    /// Cookie name (default `TC_PRIVACY`; configurable in Commanders Act's settings).
    pub cookie_name: String,
    /// Field separator (default `@`; configurable in Commanders Act's settings).
    pub separator: String,
    /// Commanders Act category ids per category. The ids are defined per site in the
    /// Commanders Act interface, so every customer must set this map. Default:
    /// `necessary [1]`, `functional [2]`, `analytics [3]`, `marketing [4]`.
    pub categories: CategoryMap<u32>,
}

impl Default for TcPrivacyConfig {
    fn default() -> Self {
        TcPrivacyConfig {
            cookie_name: "TC_PRIVACY".into(),
            separator: "@".into(),
            categories: CategoryMap {
                necessary: vec![1],
                functional: vec![2],
                analytics: vec![3],
                marketing: vec![4],
            },
        }
    }
}

impl Validate for TcPrivacyConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "Commanders Act's default is TC_PRIVACY",
            issues,
        );
        let sep_ok = !self.separator.is_empty()
            && self.separator.len() <= 4
            && !self
                .separator
                .chars()
                .any(|c| c.is_ascii_alphanumeric() || c == ',' || c == '%' || c == ';');
        if !sep_ok {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.separator"),
                    format!("invalid separator `{}`", self.separator),
                )
                .with_hint(
                    "use 1 to 4 punctuation characters other than `,`, `%` and `;` (default `@`)",
                ),
            );
        }
        let mut seen: Vec<(u32, Category)> = Vec::new();
        for c in Category::ALL {
            for (i, id) in self.categories.ids(c).iter().enumerate() {
                if let Some((_, other)) = seen.iter().find(|(s, _)| s == id) {
                    issues.push(
                        ConfigIssue::new(
                            format!("{path}.categories.{c}[{i}]"),
                            format!("category id {id} is already listed under `{other}`"),
                        )
                        .with_hint("a Commanders Act category stands for one category only"),
                    );
                } else {
                    seen.push((*id, c));
                }
            }
        }
    }
}

/// The consent list of a `TC_PRIVACY` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CategoryList {
    /// `ALL`: every category (meaning depends on the status).
    All,
    /// Explicit ids (possibly none).
    Ids(Vec<u32>),
}

/// A decoded `TC_PRIVACY` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcPrivacyValue {
    /// `true` for status `1` (the listed categories are refused), `false` for status `0`
    /// (the listed categories are accepted).
    pub opt_out: bool,
    /// The version block (`002|12|3441`), kept for debugging.
    pub version: String,
    /// The consent list.
    pub categories: CategoryList,
    /// Blocked-on (always active) categories.
    pub blocked_on: Vec<u32>,
    /// Expiry in Unix milliseconds (third timestamp), when the value carries one.
    pub expires_ms: Option<i64>,
}

impl TcPrivacyValue {
    /// Decodes a raw cookie value; an error names what is malformed.
    pub fn decode(raw: &str, separator: &str) -> Result<TcPrivacyValue, &'static str> {
        let decoded = percent_decode(unquote(raw))?;
        let mut fields = decoded.split(separator);
        let opt_out = match fields.next().unwrap_or_default().trim() {
            "0" => false,
            "1" => true,
            _ => return Err("status is not 0 or 1"),
        };
        let version = fields.next().ok_or("fewer than three fields")?.to_string();
        let categories = match fields.next().ok_or("fewer than three fields")?.trim() {
            "ALL" => CategoryList::All,
            list => CategoryList::Ids(parse_ids(list)?),
        };
        let blocked_on = match fields.next() {
            Some(list) => parse_ids(list)?,
            None => Vec::new(),
        };
        let expires_ms = match fields.next() {
            Some(ts) => parse_timestamps(ts)?,
            None => None,
        };
        Ok(TcPrivacyValue {
            opt_out,
            version,
            categories,
            blocked_on,
            expires_ms,
        })
    }

    /// Whether Commanders Act category `id` is accepted.
    pub fn accepts(&self, id: u32) -> bool {
        if self.blocked_on.contains(&id) {
            return true;
        }
        match (&self.categories, self.opt_out) {
            (CategoryList::All, opt_out) => !opt_out,
            (CategoryList::Ids(ids), false) => ids.contains(&id),
            // Opt-out with an empty list: everything refused (seed example 2).
            (CategoryList::Ids(ids), true) if ids.is_empty() => false,
            (CategoryList::Ids(ids), true) => !ids.contains(&id),
        }
    }
}

fn parse_ids(list: &str) -> Result<Vec<u32>, &'static str> {
    let mut ids = Vec::new();
    for item in list.split(',') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        if ids.len() >= MAX_IDS {
            return Err("more than 256 category ids");
        }
        if !item.bytes().all(|b| b.is_ascii_digit()) {
            return Err("a category id is not a number");
        }
        ids.push(item.parse().map_err(|_| "a category id is too large")?);
    }
    Ok(ids)
}

/// `updated,created,expires` (or a single legacy timestamp, or nothing). Returns the
/// expiry when there is one.
fn parse_timestamps(field: &str) -> Result<Option<i64>, &'static str> {
    let field = field.trim();
    if field.is_empty() {
        return Ok(None);
    }
    let mut expires = None;
    for (i, p) in field.split(',').take(3).enumerate() {
        if p.is_empty() || p.len() > 15 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err("a timestamp is not a number of milliseconds");
        }
        if i == 2 {
            expires = p.parse::<i64>().ok();
        }
    }
    Ok(expires)
}

/// Reads the `TC_PRIVACY` cookie; a value past its expiry is ignored.
pub fn read(config: &TcPrivacyConfig, jar: &Jar, now_ms: i64, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.cookie_name, out, |raw| {
        let value = match TcPrivacyValue::decode(raw, &config.separator) {
            Ok(v) => v,
            Err(reason) => return Outcome::Malformed(reason),
        };
        if value.expires_ms.is_some_and(|exp| now_ms > exp) {
            return Outcome::Ignored("expired");
        }
        Outcome::from_verdict(verdict(config, &value))
    });
}

fn verdict(config: &TcPrivacyConfig, value: &TcPrivacyValue) -> CmpVerdict {
    let mut v = CmpVerdict::new();
    for c in Category::ALL {
        let ids = config.categories.ids(c);
        if !ids.is_empty() {
            let state =
                Consent::all_of(ids.iter().map(|&id| Consent::from_bool(value.accepts(id))));
            v.set(c, state);
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, states};
    use Consent::*;

    const NOW: i64 = 1_600_000_000_000;

    fn parse(config: &TcPrivacyConfig, header: &str, now: i64) -> Option<CmpVerdict> {
        let reads = crate::cmp::testing::reads(header, |jar, out| read(config, jar, now, out));
        crate::cookie_value::combined(&reads)
    }

    fn cfg(n: &[u32], f: &[u32], a: &[u32], m: &[u32]) -> TcPrivacyConfig {
        TcPrivacyConfig {
            categories: CategoryMap {
                necessary: n.to_vec(),
                functional: f.to_vec(),
                analytics: a.to_vec(),
                marketing: m.to_vec(),
            },
            ..TcPrivacyConfig::default()
        }
    }

    #[test]
    fn seed_example_1_optin_for_1_and_3_with_4_blocked_on() {
        let raw = "0@002|12|3441@1%2C3@4@1592900933049@1592900933049";
        let value = TcPrivacyValue::decode(raw, "@").unwrap();
        assert!(!value.opt_out);
        assert_eq!(value.version, "002|12|3441");
        assert_eq!(value.categories, CategoryList::Ids(vec![1, 3]));
        assert_eq!(value.blocked_on, vec![4]);
        assert_eq!(value.expires_ms, None);
        assert!(value.accepts(1) && value.accepts(3) && value.accepts(4));
        assert!(!value.accepts(2) && !value.accepts(5));
        // functional = 2 (not chosen), analytics = 3 (chosen), marketing = 1 (chosen)
        let c = cfg(&[4], &[2], &[3], &[1]);
        let v = parse(&c, &format!("TC_PRIVACY={raw}"), NOW).unwrap();
        assert_eq!(states(v), [Denied, Granted, Granted]);
    }

    #[test]
    fn seed_example_2_optout_for_all_with_4_blocked_on() {
        let raw = "1@012|26|4221@@4@1592900933049@1592900933049";
        let value = TcPrivacyValue::decode(raw, "@").unwrap();
        assert!(value.opt_out);
        assert_eq!(value.categories, CategoryList::Ids(vec![]));
        assert_eq!(value.blocked_on, vec![4]);
        assert!(value.accepts(4));
        assert!(!value.accepts(1) && !value.accepts(2) && !value.accepts(3));
        let c = cfg(&[], &[1], &[2], &[3]);
        let v = parse(&c, &format!("TC_PRIVACY={raw}"), NOW).unwrap();
        assert_eq!(states(v), [Denied, Denied, Denied]);
        // a category mapped to the blocked-on id stays granted
        let c = cfg(&[], &[4], &[2], &[3]);
        let v = parse(&c, &format!("TC_PRIVACY={raw}"), NOW).unwrap();
        assert_eq!(states(v), [Granted, Denied, Denied]);
    }

    #[test]
    fn real_fully_encoded_value_with_expiry_in_the_future() {
        let h = "TC_PRIVACY=0%40032%7C13%7C1665%402%2C3%2C4%2C5%401%401701350442246%2C1701350442246%2C1735046442246%40; TC_PRIVACY_CENTER=2%2C3%2C4%2C5";
        let value = TcPrivacyValue::decode(
            "0%40032%7C13%7C1665%402%2C3%2C4%2C5%401%401701350442246%2C1701350442246%2C1735046442246%40",
            "@",
        )
        .unwrap();
        assert_eq!(value.expires_ms, Some(1735046442246));
        let v = parse(&cfg(&[1], &[2], &[3], &[4, 5]), h, 1_720_000_000_000).unwrap();
        assert_eq!(states(v), [Granted, Granted, Granted]);
    }

    #[test]
    fn expired_value_is_ignored() {
        let h = "TC_PRIVACY=0%40032%7C13%7C1665%402%2C3%2C4%2C5%401%401701350442246%2C1701350442246%2C1735046442246%40";
        let c = TcPrivacyConfig::default();
        assert_eq!(
            outcome(h, |jar, out| read(&c, jar, 1_735_046_442_247, out)),
            Outcome::Ignored("expired")
        );
        // the expiry millisecond itself still counts
        assert!(parse(&c, h, 1_735_046_442_246).is_some());
    }

    #[test]
    fn real_partly_encoded_tcf_value_with_vendor_string() {
        let h = "TC_PRIVACY=0@078%7C2%7C2%7C176@4%2C1%2C5%2C3%2C2%2C6%2C10001%2C10003@@1672041988836%2C1672041988836%2C1687593988836@_u_PvZ8a-F4BAAAA";
        let v = parse(&TcPrivacyConfig::default(), h, 1_680_000_000_000).unwrap();
        assert_eq!(states(v), [Granted, Granted, Granted]);
    }

    #[test]
    fn real_legacy_single_timestamp_value() {
        let h = "TC_PRIVACY=0@019@2%2C3@1@1615799744862@; TC_PRIVACY_CENTER=2%2C3";
        let v = parse(&TcPrivacyConfig::default(), h, NOW).unwrap();
        assert_eq!(states(v), [Granted, Granted, Denied]);
    }

    #[test]
    fn real_optout_without_categories_refuses_everything() {
        let h = "TC_PRIVACY=1@003@@@1614693979031@; TC_PRIVACY_CENTER=";
        let v = parse(&TcPrivacyConfig::default(), h, NOW).unwrap();
        assert_eq!(states(v), [Denied, Denied, Denied]);
    }

    #[test]
    fn real_legacy_all_is_read_by_status() {
        let v = parse(&TcPrivacyConfig::default(), "TC_PRIVACY=0@064@ALL@", NOW).unwrap();
        assert_eq!(states(v), [Granted, Granted, Granted]);
        let v = parse(
            &TcPrivacyConfig::default(),
            "TC_PRIVACY=1@009@ALL@@1593418821237@; TC_PRIVACY_CENTER=ALL",
            NOW,
        )
        .unwrap();
        assert_eq!(states(v), [Denied, Denied, Denied]);
    }

    #[test]
    fn real_short_value_with_one_category() {
        let v = parse(&TcPrivacyConfig::default(), "TC_PRIVACY=0@013@2@", NOW).unwrap();
        assert_eq!(states(v), [Granted, Denied, Denied]);
    }

    #[test]
    fn optout_with_a_list_refuses_only_the_listed_ids() {
        let v = parse(&TcPrivacyConfig::default(), "TC_PRIVACY=1@001@4@@", NOW).unwrap();
        assert_eq!(states(v), [Granted, Granted, Denied]);
    }

    #[test]
    fn extra_trailing_fields_are_tolerated() {
        let h = "TC_PRIVACY=0@002|12|3441@4@1@1592900933049,1592900933049,1892900933049@_v__@future@more";
        let v = parse(&TcPrivacyConfig::default(), h, NOW).unwrap();
        assert_eq!(states(v), [Denied, Denied, Granted]);
    }

    #[test]
    fn custom_cookie_name_and_separator() {
        let c = TcPrivacyConfig {
            cookie_name: "MY_TC".into(),
            separator: "#".into(),
            ..TcPrivacyConfig::default()
        };
        let v = parse(&c, "MY_TC=0#002#4#1", NOW).unwrap();
        assert_eq!(states(v), [Denied, Denied, Granted]);
        assert!(parse(&c, "TC_PRIVACY=0@002@4@1", NOW).is_none());
    }

    #[test]
    fn malformed_values_are_reported() {
        for (raw, reason) in [
            ("2@001@1@", "status is not 0 or 1"),
            ("0", "fewer than three fields"),
            ("0@001", "fewer than three fields"),
            ("x@001@1@", "status is not 0 or 1"),
            ("0@001@1,a@", "a category id is not a number"),
            (
                "0@001@1@2@abc",
                "a timestamp is not a number of milliseconds",
            ),
            (
                "0@001@1@@1,2,x",
                "a timestamp is not a number of milliseconds",
            ),
            ("%40%40%40", "status is not 0 or 1"),
            (
                "0@001@1@@1,,2",
                "a timestamp is not a number of milliseconds",
            ),
            (
                "0@001@1@@1234567890123456",
                "a timestamp is not a number of milliseconds",
            ),
            ("0@001@99999999999@", "a category id is too large"),
            ("0@001@1@x", "a category id is not a number"),
            ("%FF@001@1@", "not UTF-8 once percent-decoded"),
        ] {
            let h = format!("TC_PRIVACY={raw}");
            let o = outcome(&h, |jar, out| {
                read(&TcPrivacyConfig::default(), jar, NOW, out)
            });
            assert_eq!(o, Outcome::Malformed(reason), "{raw}");
        }
        let ids = (0..257)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let h = format!("TC_PRIVACY=0@001@{ids}@");
        let o = outcome(&h, |jar, out| {
            read(&TcPrivacyConfig::default(), jar, NOW, out)
        });
        assert_eq!(o, Outcome::Malformed("more than 256 category ids"));
        let ids = (0..256)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert!(parse(
            &TcPrivacyConfig::default(),
            &format!("TC_PRIVACY=0@001@{ids}@"),
            NOW
        )
        .is_some());
    }

    #[test]
    fn a_fourth_timestamp_is_ignored_and_two_give_no_expiry() {
        let v = TcPrivacyValue::decode("0@001@4@@1,2,3,x", "@").unwrap();
        assert_eq!(v.expires_ms, Some(3));
        let v = TcPrivacyValue::decode("0@001@4@@1,2", "@").unwrap();
        assert_eq!(v.expires_ms, None);
    }

    #[test]
    fn config_validation_reports_bad_separator_and_duplicate_ids() {
        let mut c = TcPrivacyConfig {
            separator: "a".into(),
            ..TcPrivacyConfig::default()
        };
        c.categories.marketing = vec![4, 2];
        let mut issues = Vec::new();
        c.validate("consent.tc_privacy", &mut issues);
        let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "consent.tc_privacy.separator",
                "consent.tc_privacy.categories.marketing[1]"
            ]
        );
        let mut issues = Vec::new();
        TcPrivacyConfig::default().validate("p", &mut issues);
        assert!(issues.is_empty());
        for (separator, ok) in [
            ("#", true),
            ("@@", true),
            ("|~|~", true),
            ("", false),
            ("a", false),
            ("1", false),
            (",", false),
            ("%", false),
            (";", false),
            ("@@@@@", false),
        ] {
            let c = TcPrivacyConfig {
                separator: separator.into(),
                ..TcPrivacyConfig::default()
            };
            let mut issues = Vec::new();
            c.validate("p", &mut issues);
            assert_eq!(issues.is_empty(), ok, "{separator:?}");
        }
    }

    #[test]
    fn fifteen_digit_timestamps_are_accepted() {
        let v = TcPrivacyValue::decode("0@001@4@@1,2,123456789012345", "@").unwrap();
        assert_eq!(v.expires_ms, Some(123_456_789_012_345));
    }
}
