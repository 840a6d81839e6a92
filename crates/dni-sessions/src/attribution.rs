//! Source classification and the attribution record kept server-side for a session.

use dni_common::Category;
use serde::{Deserialize, Serialize};

use crate::config::TargetConfig;
use crate::landing::Landing;

/// Click-id query parameters recorded in every attribution, whatever the source rules.
pub const KNOWN_CLICK_IDS: &[&str] = &[
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "msclkid",
    "fbclid",
    "ttclid",
    "li_fat_id",
    "twclid",
    "epik",
    "rdt_cid",
    "sccid",
    "yclid",
    "irclickid",
];

/// Most click ids kept in one attribution.
pub const MAX_CLICK_IDS: usize = 8;

/// Is the landing query parameter `name` one a session keeps in its token (see
/// [`Landing::for_token`])? UTM parameters, the built-in click ids, and every click id a
/// source rule of `targets` names. ASCII case-insensitive.
pub fn is_kept_landing_param(targets: &[TargetConfig], name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("utm_")
        || KNOWN_CLICK_IDS.contains(&lower.as_str())
        || targets.iter().any(|t| {
            t.sources.iter().any(|s| {
                s.when
                    .click_ids
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(name))
            })
        })
}

/// Index of the first source of `target` whose rules match `landing`; `None` when none
/// does (or the target has no sources): the visitor then sees the target's fallback.
pub fn classify(target: &TargetConfig, landing: &Landing) -> Option<usize> {
    target.sources.iter().position(|s| s.when.matches(landing))
}

/// Where a session came from: classified once at landing and stored with each lease (never
/// in the cookie). Serialised as JSON; every field is optional on input so records written
/// by older versions still load.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Attribution {
    /// Name of the matched source, `None` when no source matched.
    pub source: Option<String>,
    /// The landing URL (bounded).
    pub landing_url: String,
    /// The `Referer` of the landing request (bounded).
    pub referrer: Option<String>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub utm_term: Option<String>,
    pub utm_content: Option<String>,
    /// Click ids present on the landing URL (built-in [`KNOWN_CLICK_IDS`] plus those named
    /// in the target's rules), in URL order; a JSON object `{"gclid": "..."}`.
    #[serde(with = "pairs_as_object")]
    pub click_ids: Vec<(String, String)>,
    /// When the session landed (ms since the Unix epoch).
    pub landed_at_ms: i64,
    /// The consent decision in force when the number was leased (what conversion exports
    /// and webhooks are gated on). `None` in records written before it was kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent: Option<LeaseConsent>,
}

/// The consent decision in force when a tracking number was leased to a session, kept
/// with the lease's attribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseConsent {
    /// Granted categories (`necessary` always).
    pub granted: Vec<Category>,
    /// Which signal decided (`onetrust`, `tcf`, …, `none`).
    pub signal: String,
    /// `opt_in` or `opt_out`.
    pub regime: String,
    /// `Sec-GPC: 1` was sent.
    pub gpc: bool,
}

impl LeaseConsent {
    /// Was `category` granted?
    pub fn granted(&self, category: Category) -> bool {
        self.granted.contains(&category)
    }
}

impl Attribution {
    /// The attribution of `landing` for `target`, with `source` from [`classify`].
    pub fn new(landing: &Landing, target: &TargetConfig, source: Option<usize>) -> Attribution {
        let utm = |name: &str| {
            landing
                .param(name)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let is_click_id = |name: &str| {
            KNOWN_CLICK_IDS.iter().any(|k| k.eq_ignore_ascii_case(name))
                || target.sources.iter().any(|s| {
                    s.when
                        .click_ids
                        .iter()
                        .any(|k| k.eq_ignore_ascii_case(name))
                })
        };
        let mut click_ids: Vec<(String, String)> = Vec::new();
        for (name, value) in landing.params() {
            if click_ids.len() == MAX_CLICK_IDS {
                break;
            }
            if !value.is_empty()
                && is_click_id(name)
                && !click_ids.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                click_ids.push((name.to_ascii_lowercase(), value.clone()));
            }
        }
        Attribution {
            source: source
                .and_then(|i| target.sources.get(i))
                .map(|s| s.name.clone()),
            landing_url: landing.url().to_string(),
            referrer: landing.referrer().map(str::to_string),
            utm_source: utm("utm_source"),
            utm_medium: utm("utm_medium"),
            utm_campaign: utm("utm_campaign"),
            utm_term: utm("utm_term"),
            utm_content: utm("utm_content"),
            click_ids,
            landed_at_ms: landing.landed_at_ms(),
            consent: None,
        }
    }
}

mod pairs_as_object {
    use serde::de::{MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(pairs.len()))?;
        for (k, v) in pairs {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }

    struct PairsVisitor;

    impl<'de> Visitor<'de> for PairsVisitor {
        type Value = Vec<(String, String)>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of string values")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, String>()? {
                out.push((k, v));
            }
            Ok(out)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
        d.deserialize_map(PairsVisitor)
    }
}
