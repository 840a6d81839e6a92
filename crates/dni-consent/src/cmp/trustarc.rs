//! TrustArc: `notice_gdpr_prefs` and `cmapi_cookie_privacy`.
//!
//! * `notice_gdpr_prefs=0,1,2:` (also `0,1,2::implied,eu`): the consented levels, 0-based,
//!   before the first `:`.
//! * `cmapi_cookie_privacy=permit 1,2,3` (also `permit 1 required`, `permit_1_required`):
//!   the same levels, 1-based, after `permit`.
//!
//! Level 0 is "required". The meaning of the others is set per site in TrustArc; the
//! default map follows TrustArc's standard three levels (0 required, 1 functional,
//! 2 advertising), with analytics under functional, where TrustArc's standard categories
//! put performance and analytics cookies (so "accept all" grants analytics). A level not
//! listed is refused. Both cookies are read; a refusal in
//! either wins.

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::category_map::CategoryMap;
use crate::cookie_value::{percent_decode, read_cookie, unquote, Jar};

/// Most levels read from one value.
const MAX_LEVELS: usize = 32;

/// Configuration of the TrustArc reader (`consent.trustarc`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrustArcConfig {
    /// Cookie with 0-based levels (default `notice_gdpr_prefs`).
    pub gdpr_prefs_cookie: String,
    /// Cookie with 1-based levels (default `cmapi_cookie_privacy`).
    pub cmapi_cookie: String,
    /// Levels (0-based, as in `notice_gdpr_prefs`) per category. Default:
    /// `necessary [0]`, `functional [1]`, `analytics [1]`, `marketing [2]`.
    pub levels: CategoryMap<u8>,
}

impl Default for TrustArcConfig {
    fn default() -> Self {
        TrustArcConfig {
            gdpr_prefs_cookie: "notice_gdpr_prefs".into(),
            cmapi_cookie: "cmapi_cookie_privacy".into(),
            levels: CategoryMap {
                necessary: vec![0],
                functional: vec![1],
                analytics: vec![1],
                marketing: vec![2],
            },
        }
    }
}

impl Validate for TrustArcConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "gdpr_prefs_cookie",
            &self.gdpr_prefs_cookie,
            "TrustArc's cookie is notice_gdpr_prefs",
            issues,
        );
        check_cookie_name(
            path,
            "cmapi_cookie",
            &self.cmapi_cookie,
            "TrustArc's cookie is cmapi_cookie_privacy",
            issues,
        );
    }
}

fn levels(list: &str, one_based: bool) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::new();
    for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let n: u8 = item.parse().map_err(|_| "a level is not a number")?;
        let level = if one_based {
            n.checked_sub(1).ok_or("level 0 in a 1-based list")?
        } else {
            n
        };
        if out.len() >= MAX_LEVELS {
            return Err("more than 32 levels");
        }
        out.push(level);
    }
    if out.is_empty() {
        return Err("no level");
    }
    Ok(out)
}

/// Decodes a `notice_gdpr_prefs` value: the 0-based levels consented.
pub fn decode_gdpr_prefs(raw: &str) -> Result<Vec<u8>, &'static str> {
    let text = percent_decode(unquote(raw))?;
    let (list, _) = text.split_once(':').ok_or("no `:` after the levels")?;
    levels(list, false)
}

/// Decodes a `cmapi_cookie_privacy` value: the 0-based levels consented.
pub fn decode_cmapi(raw: &str) -> Result<Vec<u8>, &'static str> {
    let text = percent_decode(unquote(raw))?;
    let rest = text
        .strip_prefix("permit")
        .ok_or("does not start with permit")?
        .trim_start_matches([' ', '_']);
    let list = rest.split([' ', '_']).next().unwrap_or_default();
    levels(list, true)
}

fn outcome(config: &TrustArcConfig, decoded: Result<Vec<u8>, &'static str>) -> Outcome {
    match decoded {
        Ok(consented) => Outcome::from_verdict(
            config
                .levels
                .verdict(|level| Some(consented.contains(level))),
        ),
        Err(reason) => Outcome::Malformed(reason),
    }
}

/// Reads both TrustArc cookies.
pub fn read(config: &TrustArcConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.gdpr_prefs_cookie, out, |raw| {
        outcome(config, decode_gdpr_prefs(raw))
    });
    read_cookie(jar, &config.cmapi_cookie, out, |raw| {
        outcome(config, decode_cmapi(raw))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{reads, verdict};
    use crate::verdict::Consent::*;

    fn run(h: &str) -> Option<[crate::verdict::Consent; 3]> {
        verdict(h, |jar, out| read(&TrustArcConfig::default(), jar, out))
    }

    /// servicenow.com visitor (Cookie header captured in public code): everything accepted.
    #[test]
    fn real_accept_all() {
        let h = "notice_behavior=implied,us; notice_preferences=2:; notice_gdpr_prefs=0,1,2:; cmapi_gtm_bl=; cmapi_cookie_privacy=permit 1,2,3";
        // Analytics sits with functional (level 1) in TrustArc's standard categories.
        assert_eq!(run(h), Some([Granted, Granted, Granted]));
    }

    /// A US site honouring GPC (`gpcishonored=true`, public code): required only.
    #[test]
    fn real_required_only() {
        let h = "notice_behavior=implied,us; gpcishonored=true; notice_preferences=0:; notice_gdpr_prefs=0::implied,us; cmapi_gtm_bl=ga-ms-ua-ta-asp-bzi-sp-awct-cts-csm-img-flc-fls-mpm-mpr-m6d-tc-tdc; cmapi_cookie_privacy=permit 1 required";
        assert_eq!(run(h), Some([Denied, Denied, Denied]));
        assert_eq!(
            run("cmapi_cookie_privacy=permit_1_required"),
            Some([Denied, Denied, Denied])
        );
    }

    /// A four-level site, percent-encoded (public code).
    #[test]
    fn real_encoded_four_levels() {
        let h = "cmapi_cookie_privacy=permit%201%2C2%2C3%2C4; notice_gdpr_prefs=0%2C1%2C2%2C3::implied%2Ceu";
        let c = TrustArcConfig {
            levels: CategoryMap {
                necessary: vec![0],
                functional: vec![1],
                analytics: vec![2],
                marketing: vec![3],
            },
            ..TrustArcConfig::default()
        };
        assert_eq!(
            verdict(h, |jar, out| read(&c, jar, out)),
            Some([Granted, Granted, Granted])
        );
        assert_eq!(reads(h, |jar, out| read(&c, jar, out)).len(), 2);
    }

    #[test]
    fn a_refusal_in_either_cookie_wins() {
        let h = "notice_gdpr_prefs=0,1,2:; cmapi_cookie_privacy=permit 1,2";
        assert_eq!(run(h), Some([Granted, Granted, Denied]));
        // Functional (with analytics) refused in one, granted in the other.
        let h = "notice_gdpr_prefs=0,1,2:; cmapi_cookie_privacy=permit 1,3";
        assert_eq!(run(h), Some([Denied, Denied, Granted]));
    }

    #[test]
    fn malformed_values() {
        for (v, reason) in [
            ("0,1,2", "no `:` after the levels"),
            ("a:", "a level is not a number"),
            (":", "no level"),
            ("%FF:", "not UTF-8 once percent-decoded"),
        ] {
            assert_eq!(decode_gdpr_prefs(v), Err(reason), "{v}");
        }
        for (v, reason) in [
            ("allow 1", "does not start with permit"),
            ("permit 0,1", "level 0 in a 1-based list"),
            ("permit x", "a level is not a number"),
            ("permit", "no level"),
        ] {
            assert_eq!(decode_cmapi(v), Err(reason), "{v}");
        }
        let many = (0..33).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
        assert_eq!(
            decode_gdpr_prefs(&format!("{many}:")),
            Err("more than 32 levels")
        );
        assert_eq!(decode_gdpr_prefs(" 0 , 2 :"), Ok(vec![0, 2]));
    }

    #[test]
    fn validation_names_both_cookies() {
        let mut issues = Vec::new();
        TrustArcConfig {
            gdpr_prefs_cookie: "".into(),
            cmapi_cookie: "".into(),
            ..TrustArcConfig::default()
        }
        .validate("t", &mut issues);
        let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["t.gdpr_prefs_cookie", "t.cmapi_cookie"]);
    }
}
