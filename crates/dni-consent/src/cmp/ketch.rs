//! Ketch: `_ketch_consent_v1_`, base64 (standard alphabet, `=` padding, usually
//! percent-encoded) of a JSON object keyed by the site's purpose codes:
//! `{"analytics":{"status":"granted","canonicalPurposes":["analytics"]},"targeted_advertising":{"status":"denied","canonicalPurposes":["behavioral_advertising"]},…}`.
//!
//! The configured ids are matched against both the purpose codes and their canonical
//! purposes (Ketch's fixed list: `analytics`, `behavioral_advertising`,
//! `essential_services`, `personalization`, `prod_enhancement`, …), so the defaults work
//! whatever the site named its purposes.

use base64::Engine;
use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::category_map::{string_map, CategoryMap};
use crate::cookie_value::{percent_decode, read_cookie, unquote, Jar};

/// Configuration of the Ketch reader (`consent.ketch`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KetchConfig {
    /// Cookie name (default `_ketch_consent_v1_`).
    pub cookie_name: String,
    /// Purpose codes or canonical purposes per category. Default:
    /// `necessary [essential_services]`, `functional [personalization]`,
    /// `analytics [analytics]`, `marketing [behavioral_advertising]`.
    pub purposes: CategoryMap<String>,
}

impl Default for KetchConfig {
    fn default() -> Self {
        KetchConfig {
            cookie_name: "_ketch_consent_v1_".into(),
            purposes: string_map(
                &["essential_services"],
                &["personalization"],
                &["analytics"],
                &["behavioral_advertising"],
            ),
        }
    }
}

impl Validate for KetchConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "Ketch's cookie is _ketch_consent_v1_",
            issues,
        );
        self.purposes
            .validate_ids(&format!("{path}.purposes"), issues);
    }
}

/// `(purpose code, canonical purposes, granted)` of each purpose in the cookie.
type Purposes = Vec<(String, Vec<String>, bool)>;

/// Decodes one value.
pub fn decode(raw: &str) -> Result<Purposes, &'static str> {
    let text = percent_decode(unquote(raw))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| "not base64")?;
    let serde_json::Value::Object(map) =
        serde_json::from_slice(&bytes).map_err(|_| "not base64 of JSON")?
    else {
        return Err("JSON but not an object");
    };
    let mut out = Vec::new();
    for (code, purpose) in map {
        let granted = match purpose.get("status").and_then(|s| s.as_str()) {
            Some("granted") => true,
            Some("denied") => false,
            _ => return Err("a purpose status is not granted or denied"),
        };
        let canonical = purpose
            .get("canonicalPurposes")
            .and_then(|c| c.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        out.push((code, canonical, granted));
    }
    Ok(out)
}

/// Reads the Ketch cookie.
pub fn read(config: &KetchConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.cookie_name, out, |raw| match decode(raw) {
        Ok(purposes) => Outcome::from_verdict(config.purposes.verdict(|id| {
            let mut matching = purposes
                .iter()
                .filter(|(code, canonical, _)| code == id || canonical.contains(id))
                .map(|&(_, _, granted)| granted)
                .peekable();
            matching.peek()?;
            Some(matching.all(|g| g))
        })),
        Err(reason) => Outcome::Malformed(reason),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, verdict};
    use crate::verdict::Consent::*;

    fn run(h: &str) -> Option<[crate::verdict::Consent; 3]> {
        verdict(h, |jar, out| read(&KetchConfig::default(), jar, out))
    }

    /// order.gfs.com (a Cookie header captured in public code): analytics, behavioral
    /// advertising and essential services granted.
    #[test]
    fn real_granted() {
        let h = "_ketch_consent_v1_=eyJhbmFseXRpY3MiOnsic3RhdHVzIjoiZ3JhbnRlZCIsImNhbm9uaWNhbFB1cnBvc2VzIjpbImFuYWx5dGljcyJdfSwiYmVoYXZpb3JhbF9hZHZlcnRpc2luZyI6eyJzdGF0dXMiOiJncmFudGVkIiwiY2Fub25pY2FsUHVycG9zZXMiOlsiYmVoYXZpb3JhbF9hZHZlcnRpc2luZyJdfSwiZXNzZW50aWFsX3NlcnZpY2VzIjp7InN0YXR1cyI6ImdyYW50ZWQiLCJjYW5vbmljYWxQdXJwb3NlcyI6WyJlc3NlbnRpYWxfc2VydmljZXMiXX19";
        assert_eq!(run(h), Some([Unset, Granted, Granted]));
    }

    /// A refusal of analytics and behavioral advertising (public code, percent-encoded).
    #[test]
    fn real_denied() {
        let h = "_ketch_consent_v1_=eyJhbmFseXRpY3MiOnsic3RhdHVzIjoiZGVuaWVkIiwiY2Fub25pY2FsUHVycG9zZXMiOlsiYW5hbHl0aWNzIl19LCJiZWhhdmlvcmFsX2FkdmVydGlzaW5nIjp7InN0YXR1cyI6ImRlbmllZCIsImNhbm9uaWNhbFB1cnBvc2VzIjpbImJlaGF2aW9yYWxfYWR2ZXJ0aXNpbmciXX0sImVzc2VudGlhbF9zZXJ2aWNlcyI6eyJzdGF0dXMiOiJncmFudGVkIiwiY2Fub25pY2FsUHVycG9zZXMiOlsiZXNzZW50aWFsX3NlcnZpY2VzIl19fQ%3D%3D";
        assert_eq!(run(h), Some([Unset, Denied, Denied]));
    }

    /// Only essential services (public code): analytics and marketing say nothing.
    #[test]
    fn real_essential_only_is_silent() {
        let h = "_ketch_consent_v1_=eyJlc3NlbnRpYWxfc2VydmljZXMiOnsic3RhdHVzIjoiZ3JhbnRlZCIsImNhbm9uaWNhbFB1cnBvc2VzIjpbImVzc2VudGlhbF9zZXJ2aWNlcyJdfX0%3D";
        let o = outcome(h, |jar, out| read(&KetchConfig::default(), jar, out));
        assert_eq!(o, Outcome::Silent);
    }

    #[test]
    fn site_purpose_codes_match_by_canonical_purpose() {
        let json = r#"{"targeted_advertising":{"status":"denied","canonicalPurposes":["behavioral_advertising"]},"functional":{"status":"granted","canonicalPurposes":["prod_enhancement","personalization"]}}"#;
        let b64 = base64::engine::general_purpose::STANDARD.encode(json);
        assert_eq!(
            run(&format!("_ketch_consent_v1_={b64}")),
            Some([Granted, Unset, Denied])
        );
    }

    #[test]
    fn malformed_values() {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        for (v, reason) in [
            ("!!".to_string(), "not base64"),
            (b64("[1]"), "JSON but not an object"),
            (b64("{"), "not base64 of JSON"),
            (
                b64(r#"{"a":{"status":"maybe"}}"#),
                "a purpose status is not granted or denied",
            ),
        ] {
            assert_eq!(decode(&v), Err(reason), "{v}");
        }
    }
}
