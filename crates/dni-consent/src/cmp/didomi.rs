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

use crate::category_map::CategoryMap;
use crate::cookie_value::{merge_values, percent_decode, unquote};
use crate::verdict::CmpVerdict;

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
        if self.cookie_name.trim().is_empty() {
            issues.push(
                ConfigIssue::new(format!("{path}.cookie_name"), "empty cookie name")
                    .with_hint("Didomi's cookie is didomi_token"),
            );
        }
        self.purposes
            .validate_ids(&format!("{path}.purposes"), issues);
    }
}

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// The decoded token: purpose id -> enabled.
fn decode_token(raw: &str) -> Option<serde_json::Value> {
    let text = percent_decode(unquote(raw))?;
    let text = text.trim();
    let bytes = STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE.decode(text))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn listed(token: &serde_json::Value, list: &str, id: &str) -> bool {
    token
        .get("purposes")
        .and_then(|p| p.get(list))
        .and_then(|l| l.as_array())
        .is_some_and(|l| l.iter().any(|v| v.as_str() == Some(id)))
}

/// Reads the Didomi token: `None` when absent, malformed or naming no mapped purpose.
pub fn parse(config: &DidomiConfig, cookie_header: &str) -> Option<CmpVerdict> {
    if config.purposes.is_empty() {
        return None;
    }
    merge_values(cookie_header, &config.cookie_name, |raw| {
        let token = decode_token(raw)?;
        token.as_object()?;
        Some(config.purposes.verdict(|id| {
            if listed(&token, "disabled", id) {
                Some(false)
            } else if listed(&token, "enabled", id) {
                Some(true)
            } else {
                None
            }
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category_map::string_map;
    use crate::verdict::Consent::*;
    use base64::engine::general_purpose::STANDARD as B64;
    use dni_common::Category;

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
        let v = parse(&cfg(), &h).unwrap();
        assert_eq!(v.get(Category::Functional), Granted);
        assert_eq!(v.get(Category::Analytics), Unset);
        assert_eq!(v.get(Category::Marketing), Granted);
    }

    #[test]
    fn disabled_purposes_are_denied_and_padding_may_be_encoded() {
        let json = r#"{"purposes":{"enabled":["q4zlJqdcD"],"disabled":["p4em9a8m","analytics-NGqxWbmn"]}}"#;
        let encoded = B64.encode(json).replace('=', "%3D");
        let v = parse(&cfg(), &format!("didomi_token={encoded}")).unwrap();
        assert_eq!(v.get(Category::Analytics), Denied);
        assert_eq!(v.get(Category::Marketing), Denied);
    }

    #[test]
    fn without_a_purpose_map_the_token_never_decides() {
        let h = format!(
            "didomi_token={}",
            B64.encode(r#"{"purposes":{"enabled":["x"]}}"#)
        );
        assert!(parse(&DidomiConfig::default(), &h).is_none());
    }

    #[test]
    fn malformed_tokens_are_absent() {
        for v in ["!!!", "e30", &B64.encode("[1,2]"), &B64.encode("{not json")] {
            assert!(parse(&cfg(), &format!("didomi_token={v}")).is_none(), "{v}");
        }
    }
}
