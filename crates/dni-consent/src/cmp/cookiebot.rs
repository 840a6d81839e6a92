//! Cookiebot `CookieConsent` cookie.
//!
//! Three forms:
//! * `-1`: the visitor is outside any consent region: everything granted.
//! * `0`: strictly necessary only.
//! * A JavaScript object literal (not JSON), percent-encoded in part:
//!   `{stamp:'...',necessary:true,preferences:false,statistics:true,marketing:false,method:'explicit',ver:1,utc:...,iab2:'...',region:'gb'}`.
//!   Top-level `preferences`, `statistics` and `marketing` booleans are read (mapped to
//!   functional, analytics and marketing); quoted strings (the base64 stamp, an embedded
//!   TC string) are skipped, so their content cannot fake a key.

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::cookie_value::{percent_decode, read_cookie, unquote, Jar};
use crate::verdict::{CmpVerdict, Consent};

/// Configuration of the Cookiebot parser (`consent.cookiebot`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CookiebotConfig {
    /// Cookie name (default `CookieConsent`).
    pub cookie_name: String,
}

impl Default for CookiebotConfig {
    fn default() -> Self {
        CookiebotConfig {
            cookie_name: "CookieConsent".into(),
        }
    }
}

impl Validate for CookiebotConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "Cookiebot's cookie is CookieConsent",
            issues,
        );
    }
}

/// Reads the `CookieConsent` cookie.
pub fn read(config: &CookiebotConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.cookie_name, out, |raw| match decode(raw) {
        Ok(v) => Outcome::from_verdict(v),
        Err(reason) => Outcome::Malformed(reason),
    });
}

/// Decodes one raw `CookieConsent` value.
pub fn decode(raw: &str) -> Result<CmpVerdict, &'static str> {
    match unquote(raw) {
        "-1" => return Ok(CmpVerdict::uniform(true)),
        "0" => return Ok(CmpVerdict::uniform(false)),
        _ => {}
    }
    let text = percent_decode(unquote(raw))?;
    let body = text
        .trim()
        .strip_prefix('{')
        .and_then(|b| b.strip_suffix('}'))
        .ok_or("not -1, 0 or an object")?;
    let mut verdict = CmpVerdict::new();
    for member in top_level_members(body).ok_or("a quoted string is not closed")? {
        let Some((key, value)) = member.split_once(':') else {
            continue;
        };
        let category = match key.trim() {
            "preferences" => Category::Functional,
            "statistics" => Category::Analytics,
            "marketing" => Category::Marketing,
            _ => continue,
        };
        let state = match value.trim() {
            "true" => Consent::Granted,
            "false" => Consent::Denied,
            _ => return Err("a category is not true or false"),
        };
        verdict.set(category, state);
    }
    Ok(verdict)
}

/// Splits an object body at top-level commas, skipping `'...'` and `"..."` strings.
/// `None` when a string is not closed.
fn top_level_members(body: &str) -> Option<Vec<&str>> {
    let mut members = Vec::new();
    let mut start = 0;
    let mut quote: Option<u8> = None;
    for (i, b) in body.bytes().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b',' => {
                members.push(body.get(start..i)?);
                start = i + 1;
            }
            None => {}
        }
    }
    if quote.is_some() {
        return None;
    }
    members.push(body.get(start..)?);
    Some(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, verdict};
    use Consent::*;

    fn run(h: &str) -> Option<[Consent; 3]> {
        verdict(h, |jar, out| read(&CookiebotConfig::default(), jar, out))
    }

    #[test]
    fn real_reject_2020() {
        let h = "CookieConsent={stamp:%27nzop4kdZl7Llhd0WVkBMpPBXiCYKOWMza3VyBR7q2HgeBWYy7kEFrA==%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:false%2Cmarketing:false%2Cver:1%2Cutc:1595512362926%2Cregion:%27de%27}";
        assert_eq!(run(h), Some([Denied, Denied, Denied]));
    }

    #[test]
    fn real_accept_with_plus_in_stamp() {
        let h = "CookieConsent={stamp:%27e4de+MP43MYEuWGhFJ3rEgfbQ2l5JjDj4TtVtQ8X3i7OcPoTfToVfA==%27%2Cnecessary:true%2Cpreferences:true%2Cstatistics:true%2Cmarketing:true%2Cver:1%2Cutc:1596206890043%2Cregion:%27de%27}";
        assert_eq!(run(h), Some([Granted, Granted, Granted]));
    }

    #[test]
    fn real_explicit_reject_and_implied_accept() {
        let h = "CookieConsent={stamp:%27f+7ywpRuvGmFIujhI+oEbPugblwcsBmNcpD/7RUUNZKavIMY97rzhQ==%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:false%2Cmarketing:false%2Cmethod:%27explicit%27%2Cver:1%2Cutc:1745620490943%2Cregion:%27pl%27}";
        assert_eq!(run(h), Some([Denied, Denied, Denied]));
        let h = "CookieConsent={stamp:%27FhyWH/RQv942XwmtK4//qossuo55S6703JaEN6VYC9BZdP1rJrv2HA==%27%2Cnecessary:true%2Cpreferences:true%2Cstatistics:true%2Cmarketing:true%2Cmethod:%27implied%27%2Cver:1%2Cutc:1743879692441%2Cregion:%27in%27}";
        assert_eq!(run(h), Some([Granted, Granted, Granted]));
    }

    #[test]
    fn real_value_with_embedded_tc_string() {
        let h = "CookieConsent={stamp:%27bsbAh0S+8GJxApxrZ0vTRlMm4vdAjbb28/R2BJ1175X//1yp8tvPYg==%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:false%2Cmarketing:false%2Cmethod:%27explicit%27%2Cver:2%2Cutc:1715723726358%2Ciab2:%27CP-mp8AP-mp8ACGABBENAzEgAAAAAEPgAAAAAAAUVALMNCogDrAkJYAAAAAAAAAAA%27%2Cgacm:%272~AA==%27}";
        assert_eq!(run(h), Some([Denied, Denied, Denied]));
    }

    #[test]
    fn real_out_of_region_object_and_legacy_bare_values() {
        let h = "CookieConsent={stamp:%27-1%27%2Cnecessary:true%2Cpreferences:true%2Cstatistics:true%2Cmarketing:true%2Cmethod:%27implied%27%2Cver:1%2Cutc:1709627572438%2Ciab2:%27%27%2Cregion:%27VN%27}";
        assert_eq!(run(h), Some([Granted, Granted, Granted]));
        assert_eq!(run("CookieConsent=-1"), Some([Granted, Granted, Granted]));
        assert_eq!(run("CookieConsent=0"), Some([Denied, Denied, Denied]));
    }

    #[test]
    fn keys_inside_strings_do_not_count() {
        let h = "CookieConsent={stamp:%27x%2Cmarketing:true%27%2Cpreferences:false%2Cstatistics:false%2Cmarketing:false}";
        assert_eq!(run(h), Some([Denied, Denied, Denied]));
    }

    #[test]
    fn malformed_values_are_reported() {
        for (v, expected) in [
            ("1", Outcome::Malformed("not -1, 0 or an object")),
            ("{}", Outcome::Silent),
            ("{necessary:true}", Outcome::Silent),
            (
                "{marketing:maybe}",
                Outcome::Malformed("a category is not true or false"),
            ),
            (
                "{stamp:'unterminated,marketing:true}",
                Outcome::Malformed("a quoted string is not closed"),
            ),
            (
                "marketing:true",
                Outcome::Malformed("not -1, 0 or an object"),
            ),
            (
                "{marketing:true",
                Outcome::Malformed("not -1, 0 or an object"),
            ),
            ("%FF", Outcome::Malformed("not UTF-8 once percent-decoded")),
        ] {
            let h = format!("CookieConsent={v}");
            let o = outcome(&h, |jar, out| read(&CookiebotConfig::default(), jar, out));
            assert_eq!(o, expected, "{v}");
        }
    }

    #[test]
    fn members_without_colon_and_quoted_values_are_skipped() {
        let h = "CookieConsent={stamp:%22a,b%22%2Cflag%2Cmarketing:true}";
        assert_eq!(run(h), Some([Unset, Unset, Granted]));
        assert_eq!(
            run("CookieConsent=\"-1\""),
            Some([Granted, Granted, Granted])
        );
        assert_eq!(run("CookieConsent=\"0\""), Some([Denied, Denied, Denied]));
    }

    #[test]
    fn a_several_kilobyte_value_with_a_long_tc_string_is_read() {
        // a Cookiebot value embeds the TC string (`iab2`); with many vendors it grows past 1 KB
        let tc = "C".repeat(3000);
        let h = format!("CookieConsent={{stamp:%27x%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:true%2Cmarketing:false%2Ciab2:%27{tc}%27}}");
        assert!(h.len() > 3000);
        assert_eq!(run(&h), Some([Denied, Granted, Denied]));
    }
}
