//! Complianz (WordPress) `cmplz_<category>` cookies.
//!
//! One cookie per category, each `allow` or `deny`: `cmplz_functional`,
//! `cmplz_preferences`, `cmplz_statistics` (legacy `cmplz_stats`), `cmplz_marketing`.
//! Mapping: functional and preferences -> functional, statistics -> analytics, marketing
//! -> marketing. A cookie with any other value says nothing. Duplicates of one cookie
//! resolve to the most restrictive value. When none of these cookies says anything, the
//! signal is absent (the regime decides, as Complianz does with its consent type).

use dni_common::{cookie_header::cookie_pairs, Category, ConfigIssue, Validate};
use serde::Deserialize;

use crate::cookie_value::{unquote, MAX_DUPLICATES};
use crate::verdict::{CmpVerdict, Consent};

/// Configuration of the Complianz parser (`consent.complianz`).
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
        if self.prefix.trim().is_empty() {
            issues.push(
                ConfigIssue::new(format!("{path}.prefix"), "empty cookie prefix")
                    .with_hint("Complianz's default prefix is cmplz_"),
            );
        }
    }
}

fn category_of(suffix: &str) -> Option<Category> {
    match suffix {
        "functional" | "preferences" => Some(Category::Functional),
        "statistics" | "stats" => Some(Category::Analytics),
        "marketing" => Some(Category::Marketing),
        _ => None,
    }
}

/// Reads the `cmplz_*` cookies: `None` when none states a choice.
pub fn parse(config: &ComplianzConfig, cookie_header: &str) -> Option<CmpVerdict> {
    // states[name index] collected per cookie name, most restrictive across duplicates
    const NAMES: [&str; 5] = [
        "functional",
        "preferences",
        "statistics",
        "stats",
        "marketing",
    ];
    let mut states = [Consent::Unset; 5];
    let mut counts = [0usize; 5];
    for pair in cookie_pairs(cookie_header) {
        let Some(suffix) = pair.name.strip_prefix(config.prefix.as_str()) else {
            continue;
        };
        let Some(i) = NAMES.iter().position(|n| *n == suffix) else {
            continue;
        };
        let (Some(count), Some(slot)) = (counts.get_mut(i), states.get_mut(i)) else {
            continue;
        };
        if *count >= MAX_DUPLICATES {
            continue;
        }
        *count += 1;
        let state = match unquote(pair.value) {
            "allow" => Consent::Granted,
            "deny" => Consent::Denied,
            _ => continue,
        };
        *slot = if *count == 1 || *slot == Consent::Unset {
            state
        } else {
            slot.most_restrictive(state)
        };
    }
    let mut verdict = CmpVerdict::new();
    for c in [
        Category::Functional,
        Category::Analytics,
        Category::Marketing,
    ] {
        let members = NAMES
            .iter()
            .zip(states)
            .filter(|(n, _)| category_of(n) == Some(c))
            .map(|(_, s)| s);
        verdict.set(c, Consent::all_of(members));
    }
    verdict.is_informative().then_some(verdict)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Consent::*;

    fn run(h: &str) -> Option<[Consent; 3]> {
        parse(&ComplianzConfig::default(), h).map(|v| {
            [
                v.get(Category::Functional),
                v.get(Category::Analytics),
                v.get(Category::Marketing),
            ]
        })
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
        assert!(parse(&c, "cmplz_marketing=allow").is_none());
        assert_eq!(
            parse(&c, "cmplz_rt_marketing=allow").map(|v| v.get(Category::Marketing)),
            Some(Granted)
        );
    }

    #[test]
    fn duplicates_resolve_to_deny() {
        assert_eq!(
            run("cmplz_marketing=allow; cmplz_marketing=deny"),
            Some([Unset, Unset, Denied])
        );
        assert_eq!(
            run("cmplz_marketing=junk; cmplz_marketing=allow"),
            Some([Unset, Unset, Granted])
        );
    }

    #[test]
    fn no_choice_is_absent() {
        for h in [
            "",
            "cmplz_banner-status=dismissed",
            "cmplz_marketing=",
            "cmplz_marketing=yes",
        ] {
            assert_eq!(run(h), None, "{h}");
        }
    }
}
