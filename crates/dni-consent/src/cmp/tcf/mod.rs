//! IAB TCF v2.2/v2.3 TC string (`euconsent-v2` cookie): a full decoder of the core
//! segment (bit fields, vendor consent and legitimate-interest sections in both bit-field
//! and range encodings, publisher restrictions), the disclosed/allowed vendor segments and
//! the PublisherTC segment, and the mapping from purposes to categories.
//!
//! A string counts as absent (no TCF signal) when it does not decode, when its version is
//! not 2, when `IsServiceSpecific` is 0 (invalid per the spec), when its policy version is
//! below `min_policy_version` (TCF 2.2 made strings with a policy version below 4 invalid
//! after 30 September 2023), or when it is older than `max_age_days`.

mod bits;
mod core;
mod error;
mod publisher;
mod vendors;

pub use self::bits::BitReader;
pub use self::core::{CoreSegment, IdBits};
pub use self::error::TcfError;
pub use self::publisher::PublisherSegment;
pub use self::vendors::{PublisherRestriction, VendorSet};

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use crate::category_map::CategoryMap;
use crate::cookie_value::{merge_values, unquote};
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

/// Configuration of the TCF parser (`consent.tcf`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TcfConfig {
    /// Cookie name (default `euconsent-v2`).
    pub cookie_name: String,
    /// TCF purposes whose consent each category needs (all of them). Default:
    /// `functional [1]`, `analytics [1, 8]` (storage, measure content performance),
    /// `marketing [1]` (storage). TCF has no category concept; adjust to the site.
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

impl Default for TcfConfig {
    fn default() -> Self {
        TcfConfig {
            cookie_name: "euconsent-v2".into(),
            purposes: CategoryMap {
                necessary: vec![],
                functional: vec![1],
                analytics: vec![1, 8],
                marketing: vec![1],
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
        if self.cookie_name.trim().is_empty() {
            issues.push(
                ConfigIssue::new(format!("{path}.cookie_name"), "empty cookie name")
                    .with_hint("the usual TCF cookie is euconsent-v2"),
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

/// The verdict of one decoded string under `config` at `now_ms`; `None` when the string
/// is not acceptable (service-specific flag, policy version, age).
pub fn verdict(config: &TcfConfig, tc: &TcString, now_ms: i64) -> Option<CmpVerdict> {
    let core = &tc.core;
    if !core.is_service_specific || core.policy_version < config.min_policy_version {
        return None;
    }
    if config.max_age_days > 0
        && now_ms.saturating_sub(core.last_updated_ms()) > i64::from(config.max_age_days) * DAY_MS
    {
        return None;
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
    Some(v)
}

/// Reads the TC string cookie: `None` when absent, invalid or not acceptable.
pub fn parse(config: &TcfConfig, cookie_header: &str, now_ms: i64) -> Option<CmpVerdict> {
    merge_values(cookie_header, &config.cookie_name, |raw| {
        let tc = TcString::decode(unquote(raw).trim()).ok()?;
        verdict(config, &tc, now_ms)
    })
}

#[cfg(test)]
mod tests;
