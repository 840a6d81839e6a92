//! Didomi `didomi_token` cookie: base64 (standard alphabet, `=` padding; URL-safe and
//! unpadded forms also accepted) of a JSON object whose `purposes.enabled` /
//! `purposes.disabled` lists hold the site's custom purpose ids (`analytics-NGqxWbmn`).
//! IAB purposes live in the `euconsent-v2` TC string Didomi writes beside it, read by the
//! `tcf` parser. Purposes are site-defined, so a purpose -> category map is configured.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};
use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::category_map::CategoryMap;
use crate::cookie_value::{percent_decode, read_cookie, unquote, Jar};

/// Configuration of the Didomi parser (`consent.didomi`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DidomiConfig {
    /// Cookie name (default `didomi_token`).
    pub cookie_name: String,
    /// Didomi custom purpose ids per category (default: empty, so Didomi's token never
    /// decides until set; its TC string still counts through `tcf`).
    pub purposes: CategoryMap<String>,
}

impl Default for DidomiConfig {
    fn default() -> Self {
        DidomiConfig {
            cookie_name: "didomi_token".into(),
            purposes: CategoryMap::default(),
        }
    }
}

impl Validate for DidomiConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "Didomi's cookie is didomi_token",
            issues,
        );
        self.purposes
            .validate_ids(&format!("{path}.purposes"), issues);
    }
}

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// The decoded token, a JSON object.
fn decode_token(raw: &str) -> Result<serde_json::Value, &'static str> {
    let text = percent_decode(unquote(raw))?;
    let text = text.trim();
    let bytes = STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE.decode(text))
        .map_err(|_| "not base64")?;
    match serde_json::from_slice(&bytes) {
        Ok(v @ serde_json::Value::Object(_)) => Ok(v),
        Ok(_) => Err("JSON but not an object"),
        Err(_) => Err("not base64 of JSON"),
    }
}

fn listed(token: &serde_json::Value, list: &str, id: &str) -> bool {
    token
        .get("purposes")
        .and_then(|p| p.get(list))
        .and_then(|l| l.as_array())
        .is_some_and(|l| l.iter().any(|v| v.as_str() == Some(id)))
}

/// Reads the Didomi token (nothing while the purpose map is empty); a token naming no
/// mapped purpose is silent.
pub fn read(config: &DidomiConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    if config.purposes.is_empty() {
        return;
    }
    read_cookie(jar, &config.cookie_name, out, |raw| {
        let token = match decode_token(raw) {
            Ok(t) => t,
            Err(reason) => return Outcome::Malformed(reason),
        };
        Outcome::from_verdict(config.purposes.verdict(|id| {
            if listed(&token, "disabled", id) {
                Some(false)
            } else if listed(&token, "enabled", id) {
                Some(true)
            } else {
                None
            }
        }))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category_map::string_map;
    use crate::cmp::testing::{outcome, reads, verdict};
    use crate::verdict::Consent::*;
    use base64::engine::general_purpose::STANDARD as B64;

    fn run(h: &str) -> Option<[crate::verdict::Consent; 3]> {
        verdict(h, |jar, out| read(&cfg(), jar, out))
    }

    fn cfg() -> DidomiConfig {
        DidomiConfig {
            purposes: string_map(&[], &["q4zlJqdcD"], &["analytics-NGqxWbmn"], &["p4em9a8m"]),
            ..DidomiConfig::default()
        }
    }

    #[test]
    fn documented_token_enables_mapped_purposes() {
        let json = r#"{"user_id":"1784114c-f8b3-6590-a6df-b9fb240bdea5","created":"2021-03-17T16:46:32.344Z","updated":"2021-03-17T16:46:32.344Z","vendors":{"enabled":["amazon","google","c:reseauxso-VFepKrLR"]},"purposes":{"enabled":["p4em9a8m","partenaire-cAsDe8jC","CL-T1Rgm7","M9NRHJe3G","q4zlJqdcD"]},"vendors_li":{"enabled":["google"]},"version":2}"#;
        let h = format!("didomi_token={}", B64.encode(json));
        assert_eq!(run(&h), Some([Granted, Unset, Granted]));
    }

    #[test]
    fn disabled_purposes_are_denied_and_padding_may_be_encoded() {
        let json = r#"{"purposes":{"enabled":["q4zlJqdcD"],"disabled":["p4em9a8m","analytics-NGqxWbmn"]}}"#;
        let encoded = B64.encode(json).replace('=', "%3D");
        let h = format!("didomi_token={encoded}");
        assert_eq!(run(&h), Some([Granted, Denied, Denied]));
    }

    #[test]
    fn without_a_purpose_map_the_token_never_decides() {
        let h = format!(
            "didomi_token={}",
            B64.encode(r#"{"purposes":{"enabled":["x"]}}"#)
        );
        assert!(reads(&h, |jar, out| read(&DidomiConfig::default(), jar, out)).is_empty());
    }

    #[test]
    fn malformed_tokens_are_absent() {
        for (v, expected) in [
            ("!!!".to_string(), Outcome::Malformed("not base64")),
            ("e30".to_string(), Outcome::Silent), // {}
            (
                B64.encode("[1,2]"),
                Outcome::Malformed("JSON but not an object"),
            ),
            (
                B64.encode("{not json"),
                Outcome::Malformed("not base64 of JSON"),
            ),
            (
                "%FF".to_string(),
                Outcome::Malformed("not UTF-8 once percent-decoded"),
            ),
        ] {
            let h = format!("didomi_token={v}");
            assert_eq!(
                outcome(&h, |jar, out| read(&cfg(), jar, out)),
                expected,
                "{v}"
            );
        }
        // URL-safe alphabet without padding is accepted too
        let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"purposes":{"enabled":["p4em9a8m"]},"x":"??>"}"#);
        assert!(url_safe.contains('_') || url_safe.contains('-'));
        assert_eq!(
            run(&format!("didomi_token={url_safe}")),
            Some([Unset, Unset, Granted])
        );
    }
}
