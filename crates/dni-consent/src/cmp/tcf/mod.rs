//! IAB TCF v2.2/v2.3 TC string (`euconsent-v2` cookie): a full decoder of the core
//! segment (bit fields, vendor consent and legitimate-interest sections in both bit-field
//! and range encodings, publisher restrictions), the disclosed/allowed vendor segments and
//! the PublisherTC segment, and the mapping from purposes to categories.
//!
//! A string counts as absent (no TCF signal) when it does not decode, when its version is
//! not 2, when `IsServiceSpecific` is 0 (invalid per the spec), when its policy version is
//! below `min_policy_version` (TCF 2.2 made strings with a policy version below 4 invalid
//! after 30 September 2023), or when it is older than `max_age_days`.

mod core;
mod error;
mod publisher;
mod vendors;

pub use self::core::{CoreSegment, IdBits};
pub use self::error::TcfError;
pub use self::publisher::PublisherSegment;
pub use self::vendors::{PublisherRestriction, VendorSet};

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::bits::BitReader;
use crate::category_map::CategoryMap;
use crate::cookie_value::{read_cookie, unquote, Jar};
use crate::verdict::{CmpVerdict, Consent};

/// Longest TC string decoded (bytes).
pub const MAX_TC_STRING_LEN: usize = 8 * 1024;

const DAY_MS: i64 = 86_400_000;

/// A decoded TC string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcString {
    /// The core segment.
    pub core: CoreSegment,
    /// The DisclosedVendors segment, when present.
    pub disclosed_vendors: Option<VendorSet>,
    /// The (deprecated) AllowedVendors segment, when present.
    pub allowed_vendors: Option<VendorSet>,
    /// The PublisherTC segment, when present.
    pub publisher: Option<PublisherSegment>,
}

impl TcString {
    /// Decodes a TC string (`core[.segment]*`).
    pub fn decode(s: &str) -> Result<TcString, TcfError> {
        if s.len() > MAX_TC_STRING_LEN {
            return Err(TcfError::TooLong(s.len()));
        }
        let mut segments = s.split('.');
        let core = CoreSegment::read(&mut BitReader::new(segments.next().unwrap_or(""))?)?;
        let mut out = TcString {
            core,
            disclosed_vendors: None,
            allowed_vendors: None,
            publisher: None,
        };
        for segment in segments {
            let mut r = BitReader::new(segment)?;
            match r.read(3, "SegmentType")? {
                1 => out.disclosed_vendors = Some(VendorSet::read(&mut r)?),
                2 => out.allowed_vendors = Some(VendorSet::read(&mut r)?),
                3 => out.publisher = Some(PublisherSegment::read(&mut r)?),
                other => return Err(TcfError::UnknownSegment(other)),
            }
        }
        Ok(out)
    }
}

/// Configuration of the TCF reader (`consent.tcf`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TcfConfig {
    /// Cookies holding a TC string (default `["euconsent-v2"]`; CMPs also use
    /// `eupubconsent-v2`, `dm-euconsent-v2`...). `cookie_name = "x"` is accepted for one.
    #[serde(alias = "cookie_name", deserialize_with = "one_or_many")]
    pub cookie_names: Vec<String>,
    /// TCF purposes whose consent each category needs (all of them). Default:
    /// `functional [1]` (store and/or access information on a device), `analytics [1, 8]`
    /// (plus measure content performance), `marketing [1, 7]` (plus measure advertising
    /// performance: call attribution is advertising measurement, and Google's consent mode
    /// maps ad_storage to purpose 1 and ad_user_data to purposes 1 and 7). Purpose 1
    /// alone never grants marketing. TCF has no category concept; a configured map
    /// replaces these defaults as a whole.
    pub purposes: CategoryMap<u8>,
    /// A GVL vendor id whose consent marketing also needs (default: none).
    pub vendor_id: Option<u16>,
    /// Lowest accepted TcfPolicyVersion (default 4, TCF 2.2).
    pub min_policy_version: u8,
    /// Strings last updated longer ago than this many days are ignored (default 396,
    /// 13 months; 0 = no limit).
    pub max_age_days: u32,
    /// Read purposes from the PublisherTC segment (the publisher's own purposes) instead
    /// of the core segment when the string has one (default false).
    pub use_publisher_segment: bool,
}

/// Accepts a string or a list of strings.
pub(crate) fn one_or_many<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Ok(dni_common::de::OneOrMany::deserialize(deserializer)?.into_vec())
}

impl Default for TcfConfig {
    fn default() -> Self {
        TcfConfig {
            cookie_names: vec!["euconsent-v2".into()],
            purposes: CategoryMap {
                necessary: vec![],
                functional: vec![1],
                analytics: vec![1, 8],
                marketing: vec![1, 7],
            },
            vendor_id: None,
            min_policy_version: 4,
            max_age_days: 396,
            use_publisher_segment: false,
        }
    }
}

impl Validate for TcfConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        if self.cookie_names.is_empty() {
            issues.push(
                ConfigIssue::new(format!("{path}.cookie_names"), "no cookie name")
                    .with_hint("the usual TCF cookie is euconsent-v2"),
            );
        }
        for (i, name) in self.cookie_names.iter().enumerate() {
            check_cookie_name(
                path,
                &format!("cookie_names[{i}]"),
                name,
                "the usual TCF cookie is euconsent-v2",
                issues,
            );
        }
        for c in Category::ALL {
            for (i, p) in self.purposes.ids(c).iter().enumerate() {
                if !(1..=24).contains(p) {
                    issues.push(
                        ConfigIssue::new(
                            format!("{path}.purposes.{c}[{i}]"),
                            format!("{p} is not a TCF purpose id"),
                        )
                        .with_hint(
                            "TCF purposes are numbered 1 to 11 (the string has room for 24)",
                        ),
                    );
                }
            }
        }
        if self.vendor_id == Some(0) {
            issues.push(
                ConfigIssue::new(format!("{path}.vendor_id"), "vendor id 0 does not exist")
                    .with_hint(
                        "use the vendor's id from the Global Vendor List, or remove the key",
                    ),
            );
        }
        if self.min_policy_version > 63 {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.min_policy_version"),
                    "the policy version field has 6 bits (0-63)",
                )
                .with_hint("4 is TCF 2.2, 5 is the current policy"),
            );
        }
    }
}

/// The outcome of one decoded string under `config` at `now_ms`: ignored when the string
/// is not acceptable (not service-specific, policy version, age).
pub fn verdict(config: &TcfConfig, tc: &TcString, now_ms: i64) -> Outcome {
    let core = &tc.core;
    if !core.is_service_specific {
        return Outcome::Ignored("TC string is not service-specific");
    }
    if core.policy_version < config.min_policy_version {
        return Outcome::Ignored("TC string policy version below min_policy_version");
    }
    if config.max_age_days > 0
        && now_ms.saturating_sub(core.last_updated_ms()) > i64::from(config.max_age_days) * DAY_MS
    {
        return Outcome::Ignored("TC string older than max_age_days");
    }
    let purposes = match (&tc.publisher, config.use_publisher_segment) {
        (Some(p), true) => p.purposes_consent,
        _ => core.purposes_consent,
    };
    let mut v = CmpVerdict::new();
    for c in Category::ALL {
        let needed = config.purposes.ids(c);
        if needed.is_empty() {
            continue;
        }
        let mut granted = needed.iter().all(|&p| purposes.has(p));
        if c == Category::Marketing {
            if let Some(id) = config.vendor_id {
                granted &= core.vendor_consents.contains(id);
            }
        }
        v.set(c, Consent::from_bool(granted));
    }
    Outcome::from_verdict(v)
}

/// Decodes one raw TC string value (quotes and surrounding spaces tolerated) and judges it.
pub fn decode(config: &TcfConfig, raw: &str, now_ms: i64) -> Outcome {
    match TcString::decode(unquote(raw).trim()) {
        Ok(tc) => verdict(config, &tc, now_ms),
        Err(e) => Outcome::Malformed(e.reason()),
    }
}

/// Reads every configured TC string cookie.
pub fn read(config: &TcfConfig, jar: &Jar, now_ms: i64, out: &mut Vec<CookieRead>) {
    for name in &config.cookie_names {
        read_cookie(jar, name, out, |raw| decode(config, raw, now_ms));
    }
}

#[cfg(test)]
mod tests;
