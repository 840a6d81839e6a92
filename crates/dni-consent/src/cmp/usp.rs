//! IAB US Privacy string (CCPA), `us_privacy` / `usprivacy` cookies, and the GPP `uspv1`
//! section that carries the same four characters.
//!
//! `1` (version) then three flags, each `Y`, `N` or `-` (not applicable): notice given,
//! opted out of sale, covered by the LSPA. Lower case is accepted. `1---` says nothing.
//! Some CMPs (iubenda) store a JSON object instead, `{"uspString":"1YN-",...}`; its
//! `uspString` is read.
//!
//! An opt-out of sale (`1?Y?`) denies marketing. The absence of an opt-out (`1?N?`) grants
//! it only where the regime is opt-out: elsewhere it is not consent and says nothing.

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::cookie_value::{json_object, percent_decode, read_cookie, unquote, Jar};
use crate::regime::Regime;
use crate::verdict::{CmpVerdict, Consent};

/// Configuration of the US Privacy reader (`consent.usp`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UspConfig {
    /// Cookies holding a US Privacy string (default `["us_privacy", "usprivacy"]`).
    #[serde(alias = "cookie_name", deserialize_with = "super::tcf::one_or_many")]
    pub cookie_names: Vec<String>,
}

impl Default for UspConfig {
    fn default() -> Self {
        UspConfig {
            cookie_names: vec!["us_privacy".into(), "usprivacy".into()],
        }
    }
}

impl Validate for UspConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        for (i, name) in self.cookie_names.iter().enumerate() {
            check_cookie_name(
                path,
                &format!("cookie_names[{i}]"),
                name,
                "the IAB US Privacy cookie is us_privacy",
                issues,
            );
        }
    }
}

/// One flag of a US Privacy string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// `Y`.
    Yes,
    /// `N`.
    No,
    /// `-`: not applicable.
    NotApplicable,
}

impl Flag {
    fn parse(c: u8) -> Option<Flag> {
        match c.to_ascii_uppercase() {
            b'Y' => Some(Flag::Yes),
            b'N' => Some(Flag::No),
            b'-' => Some(Flag::NotApplicable),
            _ => None,
        }
    }

    /// The character as written by the IAB encoders (`Y`, `N`, `-`).
    pub fn as_char(self) -> char {
        match self {
            Flag::Yes => 'Y',
            Flag::No => 'N',
            Flag::NotApplicable => '-',
        }
    }
}

/// A decoded US Privacy string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UspString {
    /// The specification version (always 1).
    pub version: u8,
    /// Explicit notice / opportunity to opt out given.
    pub notice: Flag,
    /// The visitor opted out of the sale of personal information.
    pub opt_out_sale: Flag,
    /// The publisher is a signatory of the IAB Limited Service Provider Agreement.
    pub lspa_covered: Flag,
}

impl UspString {
    /// Parses the four characters; lower case accepted.
    pub fn parse(s: &str) -> Result<UspString, &'static str> {
        let [v, notice, opt_out, lspa] = s.trim().as_bytes() else {
            return Err("US Privacy string is not 4 characters");
        };
        if *v != b'1' {
            return Err("US Privacy string version is not 1");
        }
        let flag = |c: &u8| Flag::parse(*c).ok_or("a US Privacy flag is not Y, N or -");
        Ok(UspString {
            version: 1,
            notice: flag(notice)?,
            opt_out_sale: flag(opt_out)?,
            lspa_covered: flag(lspa)?,
        })
    }

    /// The verdict: an opt-out of sale denies marketing; its absence grants marketing only
    /// in an opt-out regime.
    pub fn outcome(&self, regime: Regime) -> Outcome {
        let marketing = match (self.opt_out_sale, regime) {
            (Flag::Yes, _) => Consent::Denied,
            (Flag::No, Regime::OptOut) => Consent::Granted,
            _ => Consent::Unset,
        };
        Outcome::from_verdict(CmpVerdict::new().with(Category::Marketing, marketing))
    }
}

/// Decodes one cookie value: the four characters, or a JSON object with `uspString`.
pub fn decode(raw: &str, regime: Regime) -> Outcome {
    let text = match percent_decode(unquote(raw)) {
        Ok(t) => t,
        Err(reason) => return Outcome::Malformed(reason),
    };
    let parsed = if text.trim_start().starts_with('{') {
        json_object(&text).and_then(|map| {
            map.get("uspString")
                .and_then(|v| v.as_str())
                .ok_or("no uspString")
                .and_then(UspString::parse)
        })
    } else {
        UspString::parse(&text)
    };
    match parsed {
        Ok(usp) => usp.outcome(regime),
        Err(reason) => Outcome::Malformed(reason),
    }
}

/// Reads every configured US Privacy cookie.
pub fn read(config: &UspConfig, jar: &Jar, regime: Regime, out: &mut Vec<CookieRead>) {
    for name in &config.cookie_names {
        read_cookie(jar, name, out, |raw| decode(raw, regime));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, reads, verdict};
    use Consent::*;

    fn run(h: &str, regime: Regime) -> Option<[Consent; 3]> {
        verdict(h, |jar, out| read(&UspConfig::default(), jar, regime, out))
    }

    /// `usprivacy=1YYN; us_privacy=1YYN`: a Ketch site's Cookie header captured in public
    /// code, next to `gpcsignal=true` (opted out through GPC).
    #[test]
    fn real_opt_out_denies_marketing_everywhere() {
        let h = "gpcsignal=true; usprivacy=1YYN; us_privacy=1YYN";
        for regime in [Regime::OptOut, Regime::OptIn] {
            assert_eq!(run(h, regime), Some([Unset, Unset, Denied]));
        }
        assert_eq!(
            reads(h, |jar, out| read(
                &UspConfig::default(),
                jar,
                Regime::OptOut,
                out
            ))
            .len(),
            2
        );
    }

    /// `usprivacy=1YNN` (a OneTrust site, beside `OTGPPConsent=DBABBg~BUoAAAKA.QA`) and
    /// `us_privacy=1---` (not applicable, from a Ketch site's Cookie header): public code.
    #[test]
    fn real_no_opt_out_and_not_applicable() {
        assert_eq!(
            run("usprivacy=1YNN", Regime::OptOut),
            Some([Unset, Unset, Granted])
        );
        assert_eq!(run("usprivacy=1YNN", Regime::OptIn), None);
        let o = outcome("us_privacy=1---", |jar, out| {
            read(&UspConfig::default(), jar, Regime::OptOut, out)
        });
        assert_eq!(o, Outcome::Silent);
    }

    /// iubenda's `usprivacy` cookie is JSON (captured beside `_iub_cs-90483436`).
    #[test]
    fn real_iubenda_json_form() {
        let h = "usprivacy=%7B%22uspString%22%3A%221YN-%22%2C%22firstAcknowledgeDate%22%3A%222025-03-11T02%3A02%3A36.285Z%22%2C%22optOutDate%22%3Anull%7D";
        assert_eq!(run(h, Regime::OptOut), Some([Unset, Unset, Granted]));
    }

    #[test]
    fn lower_case_is_accepted_and_flags_round_trip() {
        assert_eq!(
            run("us_privacy=1nyn", Regime::OptOut),
            Some([Unset, Unset, Denied])
        );
        let u = UspString::parse("1y-n").unwrap();
        assert_eq!(
            [
                u.notice.as_char(),
                u.opt_out_sale.as_char(),
                u.lspa_covered.as_char()
            ],
            ['Y', '-', 'N']
        );
        assert_eq!(u.version, 1);
    }

    #[test]
    fn wrong_length_version_or_flags_are_malformed() {
        for (v, reason) in [
            ("1YN", "US Privacy string is not 4 characters"),
            ("1YNNN", "US Privacy string is not 4 characters"),
            ("2YNN", "US Privacy string version is not 1"),
            ("1YXN", "a US Privacy flag is not Y, N or -"),
            ("1?NN", "a US Privacy flag is not Y, N or -"),
            ("1NN?", "a US Privacy flag is not Y, N or -"),
            ("%FF", "not UTF-8 once percent-decoded"),
            ("%7B%7D", "no uspString"),
            ("%7B", "not JSON"),
            (
                "%7B%22uspString%22%3A%221Y%22%7D",
                "US Privacy string is not 4 characters",
            ),
        ] {
            let h = format!("us_privacy={v}");
            let o = outcome(&h, |jar, out| {
                read(&UspConfig::default(), jar, Regime::OptOut, out)
            });
            assert_eq!(o, Outcome::Malformed(reason), "{v}");
        }
    }

    #[test]
    fn duplicated_cookies_resolve_to_the_opt_out() {
        let h = "us_privacy=1YNN; us_privacy=1YYN";
        assert_eq!(run(h, Regime::OptOut), Some([Unset, Unset, Denied]));
        let h = "us_privacy=garbage; us_privacy=1YNN";
        assert_eq!(run(h, Regime::OptOut), Some([Unset, Unset, Granted]));
    }

    #[test]
    fn configured_names_and_their_validation() {
        let c = UspConfig {
            cookie_names: vec!["ccpa".into()],
        };
        assert_eq!(
            verdict("ccpa=1YYN; us_privacy=1YNN", |jar, out| read(
                &c,
                jar,
                Regime::OptOut,
                out
            )),
            Some([Unset, Unset, Denied])
        );
        let mut issues = Vec::new();
        UspConfig {
            cookie_names: vec!["".into()],
        }
        .validate("u", &mut issues);
        assert_eq!(issues[0].path, "u.cookie_names[0]");
        let c: UspConfig = serde_json::from_str(r#"{"cookie_name":"x"}"#).unwrap();
        assert_eq!(c.cookie_names, ["x"]);
    }
}
