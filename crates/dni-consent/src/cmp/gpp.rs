//! IAB Global Privacy Platform string: `__gpp` (with `__gpp_sid`, the applicable section
//! ids), OneTrust's `OTGPPConsent`, and any other configured cookie.
//!
//! Which section decides, among those applicable (listed in `__gpp_sid` when it is present
//! and agrees with the string, otherwise every section of the string): the first of these
//! that says something about marketing:
//! 1. the section of the visitor's state (`request.cf.regionCode` of a US request),
//! 2. `usnat`,
//! 3. the other US state sections (the most restrictive of them),
//! 4. `uspv1` (the US Privacy string inside GPP).
//!
//! `tcfeuv2` and `tcfcav1`, when applicable, add their purposes-based verdict (read with
//! the `tcf` section's purpose map) to the US one; a refusal wins.
//!
//! A US section's opt-out of sale, sharing or targeted advertising (field value 1), or its
//! GPC sub-section set, denies marketing. Where none opted out and one of them says "did
//! not opt out" (2), marketing is granted in an opt-out regime; in an opt-in regime the
//! absence of an opt-out is not consent and the section says nothing.

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use super::tcf::{self, TcfConfig};
use super::{check_cookie_name, CookieRead, Outcome, ReadContext};
use crate::cmp::gpp_string::{parse_sid, GppString, Section, TcfCa, UsSection};
use crate::cookie_value::{percent_decode, read_value, unquote, Jar, MAX_DUPLICATES};
use crate::regime::Regime;
use crate::verdict::{CmpVerdict, Consent};

/// Configuration of the GPP reader (`consent.gpp`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GppConfig {
    /// Cookies holding a GPP string (default `["__gpp", "OTGPPConsent"]`).
    #[serde(alias = "cookie_name", deserialize_with = "super::tcf::one_or_many")]
    pub cookie_names: Vec<String>,
    /// The cookie listing the applicable section ids (default `__gpp_sid`); it applies to
    /// every GPP cookie read.
    pub sid_cookie_name: String,
    /// Deny marketing when a section's GPC sub-section is set (default true).
    pub honor_gpc_subsection: bool,
}

impl Default for GppConfig {
    fn default() -> Self {
        GppConfig {
            cookie_names: vec!["__gpp".into(), "OTGPPConsent".into()],
            sid_cookie_name: "__gpp_sid".into(),
            honor_gpc_subsection: true,
        }
    }
}

impl Validate for GppConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        for (i, name) in self.cookie_names.iter().enumerate() {
            check_cookie_name(
                path,
                &format!("cookie_names[{i}]"),
                name,
                "the IAB GPP cookie is __gpp (OneTrust: OTGPPConsent)",
                issues,
            );
        }
        check_cookie_name(
            path,
            "sid_cookie_name",
            &self.sid_cookie_name,
            "the IAB GPP applicable-sections cookie is __gpp_sid",
            issues,
        );
    }
}

/// The marketing state of a US section: see the module documentation.
pub fn us_marketing(section: &UsSection, honor_gpc: bool, regime: Regime) -> Consent {
    let opt_outs =
        ["SaleOptOut", "SharingOptOut", "TargetedAdvertisingOptOut"].map(|f| section.int(f));
    if opt_outs.contains(&Some(1)) || (honor_gpc && section.gpc() == Some(true)) {
        Consent::Denied
    } else if opt_outs.contains(&Some(2)) && regime == Regime::OptOut {
        Consent::Granted
    } else {
        Consent::Unset
    }
}

fn tcfca_verdict(t: &TcfCa, config: &TcfConfig) -> CmpVerdict {
    let mut v = CmpVerdict::new();
    for c in Category::ALL {
        let needed = config.purposes.ids(c);
        if !needed.is_empty() {
            let granted = needed.iter().all(|&p| t.purposes_express_consent.has(p));
            v.set(c, Consent::from_bool(granted));
        }
    }
    v
}

/// The outcome of one decoded string and the name of the section that decided.
pub fn judge(
    gpp: &GppString,
    applicable: Option<&[u16]>,
    config: &GppConfig,
    tcf_config: &TcfConfig,
    ctx: &ReadContext,
) -> (Outcome, Option<&'static str>) {
    let sections: Vec<&Section> = gpp
        .section_ids
        .iter()
        .zip(&gpp.sections)
        .filter(|(id, _)| applicable.is_none_or(|a| a.contains(id)))
        .map(|(_, s)| s)
        .collect();
    let us: Vec<&UsSection> = sections
        .iter()
        .filter_map(|s| match s {
            Section::Us(u) => Some(u),
            _ => None,
        })
        .collect();
    let marketing = |u: &UsSection| us_marketing(u, config.honor_gpc_subsection, ctx.regime);
    let own_state = us
        .iter()
        .find(|u| u.state.is_some_and(|state| ctx.location.is_in("US", state)));
    let national = us.iter().find(|u| u.state.is_none());
    // the other state sections: the most restrictive stated answer, named by its section
    let others = us
        .iter()
        .filter(|u| u.state.is_some())
        .map(|u| (marketing(u), u.name))
        .reduce(|(a, an), (b, bn)| {
            let m = a.stated_merge(b);
            if m == a {
                (a, an)
            } else {
                (m, bn)
            }
        });
    let usp = sections.iter().find_map(|s| match s {
        Section::UspV1(u) => u
            .outcome(ctx.regime)
            .verdict()
            .map(|v| (v.get(Category::Marketing), "uspv1")),
        _ => None,
    });
    // the most specific source that says something decides
    let decided = [
        own_state.map(|u| (marketing(u), u.name)),
        national.map(|u| (marketing(u), u.name)),
        others,
        usp,
    ]
    .into_iter()
    .flatten()
    .find(|(m, _)| *m != Consent::Unset);
    let mut verdict = CmpVerdict::new();
    let mut detail = None;
    if let Some((m, name)) = decided {
        verdict.set(Category::Marketing, m);
        detail = Some(name);
    }
    for s in &sections {
        let other = match s {
            Section::TcfEuV2(tc) => tcf::verdict(tcf_config, tc, ctx.now_ms).verdict().copied(),
            Section::TcfCaV1(t) => Some(tcfca_verdict(t, tcf_config)),
            _ => None,
        };
        if let Some(o) = other.filter(CmpVerdict::is_informative) {
            verdict = verdict.stated_merge(o);
            detail = detail.or(Some(s.name()));
        }
    }
    (Outcome::from_verdict(verdict), detail)
}

/// Decodes one cookie value and judges it.
pub fn decode(
    raw: &str,
    applicable: Option<&[u16]>,
    config: &GppConfig,
    tcf_config: &TcfConfig,
    ctx: &ReadContext,
) -> (Outcome, Option<&'static str>) {
    let text = match percent_decode(unquote(raw)) {
        Ok(t) => t,
        Err(reason) => return (Outcome::Malformed(reason), None),
    };
    let gpp = match GppString::decode(text.trim()) {
        Ok(g) => g,
        Err(e) => return (Outcome::Malformed(e.reason()), None),
    };
    if let Some(sid) = applicable {
        if !gpp.section_ids.iter().any(|id| sid.contains(id)) {
            return (
                Outcome::Ignored("__gpp_sid names no section of the string"),
                None,
            );
        }
    }
    judge(&gpp, applicable, config, tcf_config, ctx)
}

/// Reads `__gpp_sid` and every configured GPP cookie. A malformed `__gpp_sid` is reported
/// and then not used (every section of the strings applies).
pub fn read(
    config: &GppConfig,
    tcf_config: &TcfConfig,
    jar: &Jar,
    ctx: &ReadContext,
    out: &mut Vec<CookieRead>,
) {
    let mut sid = None;
    if let Some(raw) = jar.values(&config.sid_cookie_name).next() {
        let parsed = percent_decode(unquote(raw)).and_then(|text| parse_sid(&text));
        match parsed {
            Ok(ids) => sid = Some(ids),
            Err(reason) => out.push(CookieRead::new(
                config.sid_cookie_name.as_str(),
                Outcome::Malformed(reason),
            )),
        }
    }
    for name in &config.cookie_names {
        for raw in jar.values(name).take(MAX_DUPLICATES) {
            let mut detail = None;
            let outcome = read_value(raw, |value| {
                let (o, d) = decode(value, sid.as_deref(), config, tcf_config, ctx);
                detail = d;
                o
            });
            out.push(CookieRead {
                cookie: name.clone(),
                outcome,
                detail,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{reads, states};
    use crate::cookie_value::combined;
    use crate::regime::Location;
    use Consent::*;

    const NOW: i64 = 1_764_547_200_000;

    fn ctx(country: &str, region: Option<&str>, regime: Regime) -> ReadContext {
        ReadContext {
            now_ms: NOW,
            location: Location::new(Some(country), region),
            regime,
        }
    }

    fn us(region: Option<&str>) -> ReadContext {
        ctx("US", region, Regime::OptOut)
    }

    fn run(header: &str, c: &ReadContext) -> (Option<[Consent; 3]>, Vec<CookieRead>) {
        let r = reads(header, |jar, out| {
            read(&GppConfig::default(), &TcfConfig::default(), jar, c, out)
        });
        (combined(&r).map(states), r)
    }

    /// `OTGPPConsent=DBABLA~BVQVAAAAAgA.QA`: cbssports.com, a Cookie header captured in
    /// public code. usnat v1: opted out of sale, sharing and targeted advertising.
    #[test]
    fn real_usnat_opt_out_denies_marketing() {
        let (v, r) = run("OTGPPConsent=DBABLA~BVQVAAAAAgA.QA", &us(Some("NY")));
        assert_eq!(v, Some([Unset, Unset, Denied]));
        assert_eq!(r[0].detail, Some("usnat"));
        assert_eq!(r[0].cookie, "OTGPPConsent");
    }

    /// `OTGPPConsent=DBABLA~BVQqAAAACgA.QA` (public code, several OneTrust sites): usnat,
    /// no opt-out. Granted in an opt-out regime, silent in an opt-in one.
    #[test]
    fn real_usnat_without_opt_out() {
        let h = "OTGPPConsent=DBABLA~BVQqAAAACgA.QA";
        assert_eq!(run(h, &us(None)).0, Some([Unset, Unset, Granted]));
        let (v, r) = run(h, &ctx("US", None, Regime::OptIn));
        assert_eq!(v, None);
        assert_eq!(r[0].outcome, Outcome::Silent);
    }

    /// `OTGPPConsent=DBABLA~BVQVAAAAAAGA.YA; usprivacy=1YYY` (howlongtobeat.com, public
    /// code): opted out and the GPC sub-section set.
    #[test]
    fn real_gpc_subsection_denies_unless_disabled() {
        let s = crate::cmp::gpp_string::us::decode(7, "BVQqAAAACgA.YA").unwrap();
        assert_eq!(s.gpc(), Some(true));
        assert_eq!(us_marketing(&s, true, Regime::OptOut), Denied);
        assert_eq!(us_marketing(&s, false, Regime::OptOut), Granted);
        assert_eq!(us_marketing(&s, false, Regime::OptIn), Unset);
        let (v, _) = run("OTGPPConsent=DBABLA~BVQVAAAAAAGA.YA", &us(None));
        assert_eq!(v, Some([Unset, Unset, Denied]));
    }

    /// Sourcepoint's `__gpp=DBABLA~BVQqAAAAAgA.QA; __gpp_sid=7` (public code mirroring
    /// Sourcepoint's local storage to cookies).
    #[test]
    fn real_sourcepoint_gpp_with_sid() {
        let (v, r) = run("__gpp=DBABLA~BVQqAAAAAgA.QA; __gpp_sid=7", &us(None));
        assert_eq!(v, Some([Unset, Unset, Granted]));
        assert_eq!(r.len(), 1);
    }

    /// The usnat section without opt-out above, and `BUUAAAGA.QA`, the usca section of
    /// `OTGPPConsent=DBABBg~BUUAAAGA.QA` (public code): opted out of sale and sharing.
    /// `DBABrw` is the header of sections [7, 8] as the reference encoder writes it.
    #[test]
    fn own_state_section_beats_usnat_which_beats_other_states() {
        let usnat_no = "BVQqAAAACgA.QA";
        let usca_out = "BUUAAAGA.QA";
        let s = crate::cmp::gpp_string::us::decode(8, usca_out).unwrap();
        assert_eq!(s.int("SaleOptOut"), Some(1));
        let h = format!("__gpp=DBABrw~{usnat_no}~{usca_out}");
        // a Californian: the usca opt-out decides
        let (v, r) = run(&h, &us(Some("CA")));
        assert_eq!(
            (v, r[0].detail),
            (Some([Unset, Unset, Denied]), Some("usca"))
        );
        // a Texan: usnat decides
        let (v, r) = run(&h, &us(Some("TX")));
        assert_eq!(
            (v, r[0].detail),
            (Some([Unset, Unset, Granted]), Some("usnat"))
        );
        // only the state section, visitor elsewhere: it still counts
        let h = format!("__gpp=DBABBg~{usca_out}");
        let (v, r) = run(&h, &us(Some("TX")));
        assert_eq!(
            (v, r[0].detail),
            (Some([Unset, Unset, Denied]), Some("usca"))
        );
    }

    /// `BAAAAACA.QA`: the usca section of `OTGPPConsent=DBABBg~BAAAAACA.QA` (public code),
    /// every field "not applicable". A state section that says nothing leaves usnat to
    /// decide; a section that says nothing is never named.
    #[test]
    fn a_silent_section_leaves_the_next_one_to_decide() {
        let h = "__gpp=DBABrw~BVQVAAAAAgA.QA~BAAAAACA.QA";
        let (v, r) = run(h, &us(Some("CA")));
        assert_eq!(
            (v, r[0].detail),
            (Some([Unset, Unset, Denied]), Some("usnat"))
        );
        let (v, r) = run("__gpp=DBABBg~BAAAAACA.QA", &us(Some("CA")));
        assert_eq!((v, r[0].detail), (None, None));
        assert_eq!(r[0].outcome, Outcome::Silent);
        // two other states, built with the reference encoder (@iabgpp/cmpapi 3.2.0): usca
        // opted out of sale, usva did not; a Texan: the refusal wins and is named
        let h = "__gpp=DBABh4A~BQQAAACA.QA~BEgAACA";
        let (v, r) = run(h, &us(Some("TX")));
        assert_eq!(
            (v, r[0].detail),
            (Some([Unset, Unset, Denied]), Some("usca"))
        );
        // a Virginian: the own state decides
        let (v, r) = run(h, &us(Some("VA")));
        assert_eq!(
            (v, r[0].detail),
            (Some([Unset, Unset, Granted]), Some("usva"))
        );
    }

    #[test]
    fn a_us_section_saying_nothing_does_not_supersede_us_privacy() {
        // usnat all "not applicable" (`DBABLA~BAAAAAAAAgA.QA`, OneTrust, public code)
        let h = "OTGPPConsent=DBABLA~BAAAAAAAAgA.QA";
        let (v, r) = run(h, &us(None));
        assert_eq!((v, r[0].detail), (None, None));
    }

    #[test]
    fn sid_selects_sections_and_a_disagreeing_sid_is_ignored() {
        let h = "__gpp=DBABrw~BVQqAAAACgA.QA~BUUAAAGA.QA";
        // sid 7 only: usnat decides even for a Californian
        let (v, _) = run(&format!("{h}; __gpp_sid=7"), &us(Some("CA")));
        assert_eq!(v, Some([Unset, Unset, Granted]));
        // sid naming no section of the string: the string is ignored
        let (v, r) = run(&format!("{h}; __gpp_sid=2"), &us(Some("CA")));
        assert_eq!(v, None);
        assert_eq!(
            r[0].outcome,
            Outcome::Ignored("__gpp_sid names no section of the string")
        );
        // a malformed sid is reported and not used
        let (v, r) = run(&format!("{h}; __gpp_sid=seven"), &us(Some("CA")));
        assert_eq!(v, Some([Unset, Unset, Denied]));
        assert_eq!(r[0].cookie, "__gpp_sid");
        assert_eq!(
            r[0].outcome,
            Outcome::Malformed("__gpp_sid is not a list of section ids")
        );
    }

    #[test]
    fn uspv1_section_decides_only_without_us_sections() {
        // headers from the reference encoder: [6, 7] = `DBABzw`, [6] = `DBABTA`
        let (v, r) = run("__gpp=DBABzw~1YYN~BVQqAAAACgA.QA", &us(None));
        assert_eq!(
            (v, r[0].detail),
            (Some([Unset, Unset, Granted]), Some("usnat"))
        );
        let (v, r) = run("__gpp=DBABTA~1YYN", &us(None));
        assert_eq!(
            (v, r[0].detail),
            (Some([Unset, Unset, Denied]), Some("uspv1"))
        );
    }

    #[test]
    fn tcfeuv2_section_reads_with_the_tcf_purposes() {
        // [2] = `DBABMA` (reference encoder), with a real Didomi reject-all TC string
        let h = "__gpp=DBABMA~CQGiOUAQGiOUAAHABBENBLFgAAAAAAAAAAAAAAAAAAAA.YAAAAAAAAAAA";
        let mut c = ctx("DE", None, Regime::OptIn);
        c.now_ms = 1_730_000_000_000; // a fortnight after the string
        let (v, r) = run(h, &c);
        assert_eq!(v, Some([Denied, Denied, Denied]));
        assert_eq!(r[0].detail, Some("tcfeuv2"));
    }

    /// tcfcav1 sections from the reference encoder (@iabgpp/cmpapi 3.2.0): express consent
    /// to purposes 1, 7 and 8, then to 1 only; implied consent to every purpose, which does
    /// not count.
    #[test]
    fn tcfcav1_express_consent_reads_with_the_tcf_purposes() {
        let c = ctx("CA", Some("QC"), Regime::OptOut);
        let (v, r) = run(
            "__gpp=DBABDA~BQuYHw1QuYHw1AHAAAENAACAAQYAAf___gAAAAAAAA.YAAAAAAAAAA",
            &c,
        );
        assert_eq!(
            (v, r[0].detail),
            (Some([Granted, Granted, Granted]), Some("tcfcav1"))
        );
        let (v, _) = run(
            "__gpp=DBABDA~BQuYHw1QuYHw1AHAAAENAACAAQAAAf___gAAAAAAAA.YAAAAAAAAAA",
            &c,
        );
        assert_eq!(v, Some([Granted, Denied, Denied]));
    }

    #[test]
    fn malformed_strings_are_reported() {
        for (v, reason) in [
            ("garbage", "not a GPP v1 header"),
            ("DB!", "GPP header does not decode"),
            ("DBABLA", "GPP section count differs from the header"),
            ("DBABLA~BAA", "a GPP US section does not decode"),
            ("%FF", "not UTF-8 once percent-decoded"),
            ("CBABLA~BAA", "not a GPP v1 header"),
        ] {
            let (_, r) = run(&format!("__gpp={v}"), &us(None));
            assert_eq!(r[0].outcome, Outcome::Malformed(reason), "{v}");
        }
    }

    #[test]
    fn duplicated_cookies_resolve_to_the_most_restrictive_copy() {
        let h = "__gpp=DBABLA~BVQqAAAACgA.QA; __gpp=DBABLA~BVQVAAAAAgA.QA";
        assert_eq!(run(h, &us(None)).0, Some([Unset, Unset, Denied]));
        let h = "__gpp=garbage; OTGPPConsent=DBABLA~BVQqAAAACgA.QA";
        assert_eq!(run(h, &us(None)).0, Some([Unset, Unset, Granted]));
    }

    #[test]
    fn config_validation() {
        let mut issues = Vec::new();
        GppConfig {
            cookie_names: vec!["".into()],
            sid_cookie_name: " ".into(),
            honor_gpc_subsection: true,
        }
        .validate("g", &mut issues);
        let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["g.cookie_names[0]", "g.sid_cookie_name"]);
    }
}
