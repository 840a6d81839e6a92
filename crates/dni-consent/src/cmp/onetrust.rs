//! OneTrust `OptanonConsent` cookie.
//!
//! The value is a form-urlencoded query string (`isGpcEnabled=0&...&groups=C0001%3A1%2CC0002%3A0&...`).
//! Only `groups`, `isGpcEnabled` and `AwaitingReconsent` are read; every other key is
//! ignored (OneTrust adds keys with each release). `groups` is a comma list of
//! `<groupId>:<0|1>`, split at the last `:`.
//!
//! * `isGpcEnabled=1`: OneTrust recorded the browser's GPC signal; marketing is denied
//!   (setting `honor_is_gpc_enabled`, default true).
//! * `AwaitingReconsent=true`: the banner will ask again, but OneTrust keeps applying the
//!   stored choice until then, so by default the stored choice still counts. With
//!   `awaiting_reconsent_is_absent: true` such a cookie counts as absent instead.

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::category_map::{string_map, CategoryMap};
use crate::cookie_value::{form_decode, read_cookie, unquote, Jar};
use crate::verdict::Consent;

/// Most groups read from one cookie.
const MAX_GROUPS: usize = 128;

/// Configuration of the OneTrust parser (`consent.onetrust`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OneTrustConfig {
    /// Cookie name (default `OptanonConsent`).
    pub cookie_name: String,
    /// OneTrust group ids per category. Default: `necessary [C0001, 1]`,
    /// `analytics [C0002, 2]`, `functional [C0003, 3]`, `marketing [C0004, C0005, 4]`
    /// (the bare numbers are the ids of very old tenants).
    pub groups: CategoryMap<String>,
    /// Deny marketing when the cookie says `isGpcEnabled=1` (default true).
    pub honor_is_gpc_enabled: bool,
    /// Treat a cookie with `AwaitingReconsent=true` as absent (default false).
    pub awaiting_reconsent_is_absent: bool,
}

impl Default for OneTrustConfig {
    fn default() -> Self {
        OneTrustConfig {
            cookie_name: "OptanonConsent".into(),
            groups: string_map(
                &["C0001", "1"],
                &["C0003", "3"],
                &["C0002", "2"],
                &["C0004", "C0005", "4"],
            ),
            honor_is_gpc_enabled: true,
            awaiting_reconsent_is_absent: false,
        }
    }
}

impl Validate for OneTrustConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "OneTrust's cookie is OptanonConsent",
            issues,
        );
        self.groups.validate_ids(&format!("{path}.groups"), issues);
    }
}

/// The parts of an `OptanonConsent` value the decision needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OptanonConsent {
    /// `(group id, consented)` in cookie order.
    pub groups: Vec<(String, bool)>,
    /// `isGpcEnabled=1`.
    pub gpc_enabled: bool,
    /// `AwaitingReconsent=true`.
    pub awaiting_reconsent: bool,
}

impl OptanonConsent {
    /// Decodes a raw cookie value; an error when `groups` is missing, empty or malformed.
    pub fn decode(raw: &str) -> Result<OptanonConsent, &'static str> {
        let mut out = OptanonConsent::default();
        let mut groups_seen = false;
        for pair in unquote(raw).split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "groups" if !groups_seen => {
                    groups_seen = true;
                    out.groups = parse_groups(&form_decode(value)?)?;
                }
                "isGpcEnabled" => out.gpc_enabled = value == "1",
                "AwaitingReconsent" => out.awaiting_reconsent = value == "true",
                _ => {}
            }
        }
        if out.groups.is_empty() {
            return Err("no groups");
        }
        Ok(out)
    }

    /// The state of group `id`, if the cookie mentions it.
    pub fn group(&self, id: &str) -> Option<bool> {
        self.groups.iter().find(|(g, _)| g == id).map(|(_, b)| *b)
    }
}

fn parse_groups(list: &str) -> Result<Vec<(String, bool)>, &'static str> {
    let mut groups = Vec::new();
    for item in list.split(',') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let (id, state) = item.rsplit_once(':').ok_or("a group has no state")?;
        let consented = match state {
            "1" => true,
            "0" => false,
            _ => return Err("a group state is not 0 or 1"),
        };
        if id.is_empty() {
            return Err("a group has no id");
        }
        if groups.len() >= MAX_GROUPS {
            return Err("more than 128 groups");
        }
        groups.push((id.to_string(), consented));
    }
    Ok(groups)
}

/// Reads the `OptanonConsent` cookie.
pub fn read(config: &OneTrustConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.cookie_name, out, |raw| {
        let value = match OptanonConsent::decode(raw) {
            Ok(v) => v,
            Err(reason) => return Outcome::Malformed(reason),
        };
        if value.awaiting_reconsent && config.awaiting_reconsent_is_absent {
            return Outcome::Ignored("awaiting reconsent");
        }
        let mut v = config.groups.verdict(|id| value.group(id));
        if value.gpc_enabled && config.honor_is_gpc_enabled {
            v.set(Category::Marketing, Consent::Denied);
        }
        Outcome::from_verdict(v)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, verdict};
    use Consent::*;

    fn with(c: &OneTrustConfig, h: &str) -> Option<[Consent; 3]> {
        verdict(h, |jar, out| read(c, jar, out))
    }

    fn run(h: &str) -> Option<[Consent; 3]> {
        with(&OneTrustConfig::default(), h)
    }

    #[test]
    fn real_accept_all_2021() {
        let h = "OptanonConsent=isGpcEnabled=0&datestamp=Tue+Oct+19+2021+11%3A31%3A41+GMT%2B0800+(%E5%8F%B0%E5%8C%97%E6%A8%99%E6%BA%96%E6%99%82%E9%96%93)&version=6.20.0&isIABGlobal=false&hosts=&consentId=0c737b02-e9a0-4211-a8f2-d5ba02e29d69&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0003%3A1%2CC0002%3A1%2CC0004%3A1&geolocation=TW%3BTPE&AwaitingReconsent=false; OptanonAlertBoxClosed=2021-10-19T03:31:41.236Z";
        assert_eq!(run(h), Some([Granted, Granted, Granted]));
    }

    #[test]
    fn real_reject_all_2025() {
        let h = "OptanonConsent=isGpcEnabled=0&datestamp=Wed+Jan+29+2025+10%3A05%3A33+GMT%2B0400+(Gulf+Standard+Time)&version=202409.1.0&browserGpcFlag=0&isIABGlobal=false&hosts=&consentId=9fddc8b1-c479-4b4f-a520-f5cab70c6cd6&interactionCount=1&isAnonUser=1&landingPath=https%3A%2F%2Fwww.spglobal.com%2Fen%2Fresearch-insights%2Fevents%2Ffeatured%23q%3D...&groups=C0003%3A0%2CC0004%3A0%2CC0002%3A0%2CC0001%3A1";
        assert_eq!(run(h), Some([Denied, Denied, Denied]));
    }

    #[test]
    fn real_with_stacks_and_custom_groups() {
        let h = "OptanonConsent=isGpcEnabled=0&datestamp=Sun+Apr+06+2025+17%3A01%3A47+GMT%2B0200+(heure+d%E2%80%99%C3%A9t%C3%A9+d%E2%80%99Europe+centrale)&version=202312.1.0&browserGpcFlag=0&isIABGlobal=false&consentId=6f525989-&interactionCount=18&hosts=&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A0%2CC0003%3A0%2CC0004%3A0%2CC0005%3A0%2CV2STACK42%3A0%2CC0015%3A0%2CC0035%3A0&genVendors=V2%3A0%2CV1%3A0%2C&geolocation=FR%3B&AwaitingReconsent=false";
        assert_eq!(run(h), Some([Denied, Denied, Denied]));
    }

    #[test]
    fn real_legacy_numeric_ids() {
        let h = "OptanonConsent=isGpcEnabled=0&version=202311.1.0&groups=2%3A1%2C3%3A1%2C1%3A1%2C4%3A1%2CV2STACK42%3A1&hosts=H68%3A1&genVendors=&geolocation=%3B&AwaitingReconsent=false";
        assert_eq!(run(h), Some([Granted, Granted, Granted]));
    }

    #[test]
    fn real_2026_value_and_minimal_bot_value() {
        let h = "OptanonConsent=isGpcEnabled=0&datestamp=Fri+Sep+11+2026+12%3A21%3A50+GMT%2B0200+(Central+European+Summer+Time)&version=202606.2.0&browserGpcFlag=0&isDntEnabled=1&isIABGlobal=false&hosts=&consentId=906f6868-&interactionCount=1&isAnonUser=1&prevHadToken=0&landingPath=NotLandingPage&groups=C0001%3A1%2CC0003%3A1%2CC0004%3A1%2CC0002%3A1&fclco=&lastConsentTs=1789122109&intType=1&crTime=1789122110281";
        assert_eq!(run(h), Some([Granted, Granted, Granted]));
        let h = "OptanonConsent=isIABGlobal=false&datashare=true&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1";
        assert_eq!(run(h), Some([Granted, Granted, Granted]));
    }

    #[test]
    fn social_media_group_refusal_denies_marketing() {
        let h = "OptanonConsent=groups=C0001%3A1%2CC0004%3A1%2CC0005%3A0";
        assert_eq!(run(h), Some([Unset, Unset, Denied]));
    }

    #[test]
    fn is_gpc_enabled_denies_marketing_unless_disabled() {
        let h =
            "OptanonConsent=isGpcEnabled=1&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1";
        assert_eq!(run(h), Some([Granted, Granted, Denied]));
        let c = OneTrustConfig {
            honor_is_gpc_enabled: false,
            ..OneTrustConfig::default()
        };
        assert_eq!(with(&c, h), Some([Granted, Granted, Granted]));
    }

    #[test]
    fn awaiting_reconsent_counts_unless_configured_absent() {
        let h = "OptanonConsent=groups=C0001%3A1%2CC0004%3A1&AwaitingReconsent=true";
        assert_eq!(run(h), Some([Unset, Unset, Granted]));
        let c = OneTrustConfig {
            awaiting_reconsent_is_absent: true,
            ..OneTrustConfig::default()
        };
        assert_eq!(
            outcome(h, |jar, out| read(&c, jar, out)),
            Outcome::Ignored("awaiting reconsent")
        );
    }

    #[test]
    fn malformed_or_missing_groups_are_reported() {
        for (v, expected) in [
            ("isGpcEnabled=0", Outcome::Malformed("no groups")),
            ("groups=", Outcome::Malformed("no groups")),
            ("groups=C0001", Outcome::Malformed("a group has no state")),
            (
                "groups=C0001%3A2",
                Outcome::Malformed("a group state is not 0 or 1"),
            ),
            ("groups=%3A1", Outcome::Malformed("a group has no id")),
            (
                "groups=C0001%3A1%2CC0004%3Ayes",
                Outcome::Malformed("a group state is not 0 or 1"),
            ),
            (
                "groups=%FF%3A1",
                Outcome::Malformed("not UTF-8 once percent-decoded"),
            ),
            // only necessary: states nothing else
            ("groups=C0001%3A1", Outcome::Silent),
            // the second groups key is ignored
            ("groups=C0001%3A1&groups=C0004%3A1", Outcome::Silent),
        ] {
            let h = format!("OptanonConsent={v}");
            let o = outcome(&h, |jar, out| read(&OneTrustConfig::default(), jar, out));
            assert_eq!(o, expected, "{v}");
        }
    }

    #[test]
    fn at_most_128_groups() {
        let list = |n: usize| {
            (0..n)
                .map(|i| format!("G{i}%3A1"))
                .collect::<Vec<_>>()
                .join("%2C")
        };
        let h = format!("OptanonConsent=groups=C0004%3A0%2C{}", list(127));
        assert_eq!(run(&h), Some([Unset, Unset, Denied]));
        let h = format!("OptanonConsent=groups=C0004%3A0%2C{}", list(128));
        assert_eq!(
            outcome(&h, |jar, out| read(&OneTrustConfig::default(), jar, out)),
            Outcome::Malformed("more than 128 groups")
        );
    }

    #[test]
    fn a_multi_kilobyte_cookie_is_read() {
        // OneTrust values grow with hosts and vendor lists; several KB must still be read
        let hosts = (0..400)
            .map(|i| format!("H{i}%3A1"))
            .collect::<Vec<_>>()
            .join("%2C");
        let h = format!("OptanonConsent=isGpcEnabled=0&hosts={hosts}&groups=C0001%3A1%2CC0004%3A0");
        assert!(h.len() > 4000);
        assert_eq!(run(&h), Some([Unset, Unset, Denied]));
    }

    #[test]
    fn custom_group_map() {
        let c = OneTrustConfig {
            groups: string_map(&[], &[], &[], &["C0007"]),
            ..OneTrustConfig::default()
        };
        let h = "OptanonConsent=groups=C0004%3A0%2CC0007%3A1";
        assert_eq!(with(&c, h), Some([Unset, Unset, Granted]));
    }
}
