//! Google Funding Choices (Google's CMP for AdSense, Ad Manager and AdMob): `FCCDCF`, a
//! percent-encoded JSON array whose fourth element, for visitors shown the TCF message,
//! is `[tc_string, additional_consent, id]`:
//! `[null,null,null,["CP-FskAP-FskAEsACBENAzEoAP_gAEPgAARo…","2~2072.70.89…~dv.","93F3F4AF-…"]]`.
//! The TC string is read with the `tcf` section's settings (purposes, vendor, policy
//! version, age). Other forms (`[null,null,null,null,null,null,[[32,"[\"…\",[…]]"]]]`, no
//! TCF message shown) say nothing.

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use super::tcf::{self, TcfConfig};
use super::{check_cookie_name, CookieRead, Outcome};
use crate::cookie_value::{percent_decode, read_cookie, unquote, Jar};

/// Configuration of the Funding Choices reader (`consent.funding_choices`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FundingChoicesConfig {
    /// Cookie name (default `FCCDCF`).
    pub cookie_name: String,
}

impl Default for FundingChoicesConfig {
    fn default() -> Self {
        FundingChoicesConfig {
            cookie_name: "FCCDCF".into(),
        }
    }
}

impl Validate for FundingChoicesConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "Funding Choices' cookie is FCCDCF",
            issues,
        );
    }
}

/// Decodes one value.
pub fn decode(raw: &str, tcf_config: &TcfConfig, now_ms: i64) -> Outcome {
    let text = match percent_decode(unquote(raw)) {
        Ok(t) => t,
        Err(reason) => return Outcome::Malformed(reason),
    };
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str(&text) else {
        return Outcome::Malformed("not a JSON array");
    };
    match items.get(3) {
        None | Some(serde_json::Value::Null) => Outcome::Silent,
        Some(serde_json::Value::Array(tcf_part)) => match tcf_part.first() {
            Some(serde_json::Value::String(tc)) => tcf::decode(tcf_config, tc, now_ms),
            _ => Outcome::Malformed("no TC string in the TCF element"),
        },
        Some(_) => Outcome::Malformed("the TCF element is not an array"),
    }
}

/// Reads the Funding Choices cookie.
pub fn read(
    config: &FundingChoicesConfig,
    tcf_config: &TcfConfig,
    jar: &Jar,
    now_ms: i64,
    out: &mut Vec<CookieRead>,
) {
    read_cookie(jar, &config.cookie_name, out, |raw| {
        decode(raw, tcf_config, now_ms)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, verdict};
    use crate::verdict::Consent::*;

    /// 2024-05 (the TC string's day).
    const NOW: i64 = 1_716_000_000_000;

    /// A csdn.net visitor's `FCCDCF` (a Cookie header captured in public code): a Google
    /// (CMP 300) TC string with its Additional Consent string.
    const REAL: &str = "FCCDCF=%5Bnull%2Cnull%2Cnull%2C%5B%22CP-FskAP-FskAEsACBENAzEoAP_gAEPgAARoINJB7D7FbSFCwH5zaLsAMAhHRsCAQoQAAASBAmABQAKQIAQCgkAQFASgBAACAAAAICZBIQIECAAACUAAQAAAAAAEAAAAAAAIIAAAgAEAAAAIAAACAAAAEAAIAAAAEAAAmAgAAIIACAAAhAAAAAAAAAAAAAAAAgAAAAAAAAAAAAAAAAAAAQOhQD2F2K2kKFkPCmQWYAQBCijYEAhQAAAAkCBIAAgAUgQAgFIIAgAIFAAAAAAAAAQEgCQAAQABAAAIACgAAAAAAIAAAAAAAQQAAAAAIAAAAAAAAEAAAAAAAQAAAAIAABEhCAAQQAEAAAAAAAQAAAAAAAAAAABAAA%22%2C%222~2072.70.89.93.108.122.149.196.2253.2299.259.2357.311.313.323.2373.358.2415.415.449.2506.2526.486.494.495.2568.2571.2575.540.574.2624.609.2677.827.864.981.1029.1048.1051.1095.1097.1126.1205.1211.1276.1301.1365.1415.1423.1449.1570.1577.1598.1651.1716.1735.1753.1765.1870.1878.1889.1958~dv.%22%2C%2293F3F4AF-7190-4BE3-8FDC-BFC6D18FD6EA%22%5D%5D";

    #[test]
    fn real_tc_string_inside_is_read() {
        let lenient = TcfConfig {
            max_age_days: 0,
            ..TcfConfig::default()
        };
        let o = outcome(REAL, |jar, out| {
            read(&FundingChoicesConfig::default(), &lenient, jar, NOW, out)
        });
        let v = o.verdict().copied().unwrap_or_else(|| panic!("{o:?}"));
        let tc = crate::cmp::tcf::TcString::decode("CP-FskAP-FskAEsACBENAzEoAP_gAEPgAARoINJB7D7FbSFCwH5zaLsAMAhHRsCAQoQAAASBAmABQAKQIAQCgkAQFASgBAACAAAAICZBIQIECAAACUAAQAAAAAAEAAAAAAAIIAAAgAEAAAAIAAACAAAAEAAIAAAAEAAAmAgAAIIACAAAhAAAAAAAAAAAAAAAAgAAAAAAAAAAAAAAAAAAAQOhQD2F2K2kKFkPCmQWYAQBCijYEAhQAAAAkCBIAAgAUgQAgFIIAgAIFAAAAAAAAAQEgCQAAQABAAAIACgAAAAAAIAAAAAAAQQAAAAAIAAAAAAAAEAAAAAAAQAAAAIAABEhCAAQQAEAAAAAAAQAAAAAAAAAAABAAA").unwrap();
        assert_eq!(tc.core.cmp_id, 300);
        let expected = |purposes: &[u8]| purposes.iter().all(|&p| tc.core.purposes_consent.has(p));
        assert_eq!(
            v.get(dni_common::Category::Marketing) == Granted,
            expected(&[1, 7])
        );
        assert_eq!(
            v.get(dni_common::Category::Analytics) == Granted,
            expected(&[1, 8])
        );
    }

    /// The form without a TCF message (several Cookie headers in public code).
    #[test]
    fn real_value_without_tcf_is_silent() {
        let h = "FCCDCF=%5Bnull%2Cnull%2Cnull%2Cnull%2Cnull%2Cnull%2C%5B%5B32%2C%22%5B%5C%226f1b27a0-7d11-4a14-98ae-03a35fed3e2a%5C%22%2C%5B1784555417%2C262000000%5D%5D%22%5D%5D%5D";
        let o = outcome(h, |jar, out| {
            read(
                &FundingChoicesConfig::default(),
                &TcfConfig::default(),
                jar,
                NOW,
                out,
            )
        });
        assert_eq!(o, Outcome::Silent);
        assert_eq!(
            verdict(h, |jar, out| read(
                &FundingChoicesConfig::default(),
                &TcfConfig::default(),
                jar,
                NOW,
                out
            )),
            None
        );
    }

    #[test]
    fn malformed_values() {
        let c = TcfConfig::default();
        for (v, reason) in [
            ("%7B%7D", "not a JSON array"),
            (
                "%5Bnull%2Cnull%2Cnull%2C1%5D",
                "the TCF element is not an array",
            ),
            (
                "%5Bnull%2Cnull%2Cnull%2C%5B1%5D%5D",
                "no TC string in the TCF element",
            ),
            (
                "%5Bnull%2Cnull%2Cnull%2C%5B%22CQ%22%5D%5D",
                "TC string ends inside a field",
            ),
            ("%FF", "not UTF-8 once percent-decoded"),
        ] {
            assert_eq!(decode(v, &c, NOW), Outcome::Malformed(reason), "{v}");
        }
        assert_eq!(decode("%5B%5D", &c, NOW), Outcome::Silent);
    }
}
