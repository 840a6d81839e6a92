//! Complianz (WordPress) `cmplz_<category>` cookies.
//!
//! One cookie per category, each `allow` or `deny`: `cmplz_functional`,
//! `cmplz_preferences`, `cmplz_statistics` (legacy `cmplz_stats`), `cmplz_marketing`.
//! Mapping: functional and preferences -> functional, statistics -> analytics, marketing
//! -> marketing. A cookie with any other value says nothing. Duplicates of one cookie
//! resolve to the most restrictive value. When none of these cookies says anything, the
//! signal is absent (the regime decides, as Complianz does with its consent type).

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::cookie_value::{read_value, unquote, Jar, MAX_DUPLICATES};
use crate::verdict::{CmpVerdict, Consent};

/// Configuration of the Complianz reader (`consent.complianz`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ComplianzConfig {
    /// Cookie name prefix (default `cmplz_`; `cmplz_rt_` on some multisite setups).
    pub prefix: String,
}

impl Default for ComplianzConfig {
    fn default() -> Self {
        ComplianzConfig {
            prefix: "cmplz_".into(),
        }
    }
}

impl Validate for ComplianzConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "prefix",
            &self.prefix,
            "Complianz's default prefix is cmplz_",
            issues,
        );
    }
}

/// The category of each `cmplz_<suffix>` cookie read.
const COOKIES: [(&str, Category); 5] = [
    ("functional", Category::Functional),
    ("preferences", Category::Functional),
    ("statistics", Category::Analytics),
    ("stats", Category::Analytics),
    ("marketing", Category::Marketing),
];

/// Reads the `cmplz_*` cookies: one read per cookie (at most [`MAX_DUPLICATES`] per name),
/// each a verdict on its category. The reads combine as one platform's
/// ([`crate::cookie_value::combined`]): duplicates of one cookie resolve to the most
/// restrictive, and `cmplz_functional` and `cmplz_preferences` must both allow when both
/// are present.
pub fn read(config: &ComplianzConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    let mut counts = [0usize; COOKIES.len()];
    for pair in jar.pairs() {
        let Some(suffix) = pair.name.strip_prefix(config.prefix.as_str()) else {
            continue;
        };
        let Some((i, &(_, category))) = COOKIES.iter().enumerate().find(|(_, (s, _))| *s == suffix)
        else {
            continue;
        };
        let Some(count) = counts.get_mut(i) else {
            continue;
        };
        if *count >= MAX_DUPLICATES {
            continue;
        }
        *count += 1;
        let outcome = read_value(pair.value, |raw| match unquote(raw) {
            "allow" => Outcome::Verdict(CmpVerdict::new().with(category, Consent::Granted)),
            "deny" => Outcome::Verdict(CmpVerdict::new().with(category, Consent::Denied)),
            _ => Outcome::Malformed("not allow or deny"),
        });
        out.push(CookieRead::new(pair.name, outcome));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{reads, verdict};
    use Consent::*;

    fn run(h: &str) -> Option<[Consent; 3]> {
        verdict(h, |jar, out| read(&ComplianzConfig::default(), jar, out))
    }

    #[test]
    fn real_accept_all() {
        let h = "cmplz_consented_services=; cmplz_policy_id=14; cmplz_marketing=allow; cmplz_statistics=allow; cmplz_preferences=allow; cmplz_functional=allow; cmplz_banner-status=dismissed";
        assert_eq!(run(h), Some([Granted, Granted, Granted]));
    }

    #[test]
    fn real_mixed() {
        let h = "cmplz_functional=allow; cmplz_marketing=deny; cmplz_preferences=allow; cmplz_statistics=deny";
        assert_eq!(run(h), Some([Granted, Denied, Denied]));
    }

    #[test]
    fn preferences_refusal_denies_functional() {
        assert_eq!(
            run("cmplz_functional=allow; cmplz_preferences=deny"),
            Some([Denied, Unset, Unset])
        );
    }

    #[test]
    fn legacy_stats_and_custom_prefix() {
        assert_eq!(run("cmplz_stats=allow"), Some([Unset, Granted, Unset]));
        let c = ComplianzConfig {
            prefix: "cmplz_rt_".into(),
        };
        assert!(reads("cmplz_marketing=allow", |jar, out| read(&c, jar, out)).is_empty());
        assert_eq!(
            verdict("cmplz_rt_marketing=allow", |jar, out| read(&c, jar, out)),
            Some([Unset, Unset, Granted])
        );
    }

    #[test]
    fn the_most_restrictive_duplicate_wins() {
        for h in [
            "cmplz_marketing=allow; cmplz_marketing=deny",
            "cmplz_marketing=deny; cmplz_marketing=allow",
            "cmplz_marketing=allow; cmplz_statistics=allow; cmplz_marketing=deny",
        ] {
            assert_eq!(run(h).map(|s| s[2]), Some(Denied), "{h}");
        }
        assert_eq!(
            run("cmplz_marketing=junk; cmplz_marketing=allow"),
            Some([Unset, Unset, Granted])
        );
        let r = reads("cmplz_marketing=junk; cmplz_marketing=allow", |jar, out| {
            read(&ComplianzConfig::default(), jar, out)
        });
        assert_eq!(r[0].outcome, Outcome::Malformed("not allow or deny"));
        assert_eq!(r[0].cookie, "cmplz_marketing");
    }

    #[test]
    fn at_most_four_copies_of_one_cookie_are_read() {
        let h = "cmplz_marketing=allow; ".repeat(4) + "cmplz_marketing=deny; cmplz_statistics=deny";
        assert_eq!(run(&h), Some([Unset, Denied, Granted]));
        let r = reads(&h, |jar, out| read(&ComplianzConfig::default(), jar, out));
        assert_eq!(r.len(), 5);
    }

    #[test]
    fn no_choice_gives_no_verdict() {
        for h in [
            "",
            "cmplz_banner-status=dismissed",
            "cmplz_marketing=",
            "cmplz_marketing=yes",
        ] {
            assert_eq!(run(h), None, "{h}");
        }
        let r = reads("cmplz_marketing=; cmplz_policy_id=14", |jar, out| {
            read(&ComplianzConfig::default(), jar, out)
        });
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].outcome, Outcome::Silent);
    }
}
