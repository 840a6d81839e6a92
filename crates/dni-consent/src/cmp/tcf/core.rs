//! The core segment of a TC string (TCF v2.2/2.3).

use super::error::TcfError;
use super::vendors::{read_publisher_restrictions, PublisherRestriction, VendorSet};
use crate::bits::BitReader;

/// A set of up to 24 purpose (or 12 special-feature) ids: bit `id - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IdBits(pub u32);

impl IdBits {
    /// Reads an `n`-bit field where the first bit stands for id 1.
    pub fn read(r: &mut BitReader, n: usize, field: &'static str) -> Result<IdBits, TcfError> {
        let mut bits = 0u32;
        for i in 0..n.min(32) {
            if r.bool(field)? {
                bits += 1 << i; // each bit once: + is |
            }
        }
        Ok(IdBits(bits))
    }

    /// Whether `id` (1-based) is set.
    pub fn has(self, id: u8) -> bool {
        (1..=32).contains(&id) && self.0 & (1 << (id - 1)) != 0
    }

    /// Every set id, ascending.
    pub fn ids(self) -> impl Iterator<Item = u8> {
        (1..=32u8).filter(move |&id| self.has(id))
    }
}

/// The decoded core segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreSegment {
    /// Always 2.
    pub version: u8,
    /// Creation time, deciseconds since the Unix epoch.
    pub created_ds: u64,
    /// Last update, deciseconds since the Unix epoch.
    pub last_updated_ds: u64,
    /// The CMP's registered id.
    pub cmp_id: u16,
    /// The CMP's version.
    pub cmp_version: u16,
    /// The CMP screen the consent was given on.
    pub consent_screen: u8,
    /// Two upper-case letters.
    pub consent_language: [u8; 2],
    /// Global Vendor List version.
    pub vendor_list_version: u16,
    /// TCF policy version (4 = TCF 2.2; 5 = current).
    pub policy_version: u8,
    /// Must be true for a valid string.
    pub is_service_specific: bool,
    /// Non-standard stack texts were used.
    pub use_non_standard_texts: bool,
    /// Special feature opt-ins (1-12).
    pub special_feature_opt_ins: IdBits,
    /// Purpose consents (1-24).
    pub purposes_consent: IdBits,
    /// Purpose legitimate-interest transparency (1-24).
    pub purposes_li_transparency: IdBits,
    /// Purpose 1 was not disclosed (special jurisdiction).
    pub purpose_one_treatment: bool,
    /// Publisher country code, two upper-case letters.
    pub publisher_cc: [u8; 2],
    /// Vendor consents.
    pub vendor_consents: VendorSet,
    /// Vendor legitimate interests.
    pub vendor_legitimate_interests: VendorSet,
    /// Publisher restrictions.
    pub publisher_restrictions: Vec<PublisherRestriction>,
}

impl CoreSegment {
    /// Reads the core segment (version 2 only).
    pub fn read(r: &mut BitReader) -> Result<CoreSegment, TcfError> {
        let version = r.read(6, "Version")?;
        if version != 2 {
            return Err(TcfError::UnsupportedVersion(version));
        }
        Ok(CoreSegment {
            version: 2,
            created_ds: r.read(36, "Created")?,
            last_updated_ds: r.read(36, "LastUpdated")?,
            cmp_id: r.u16(12, "CmpId")?,
            cmp_version: r.u16(12, "CmpVersion")?,
            consent_screen: r.read(6, "ConsentScreen")? as u8,
            consent_language: r.letters("ConsentLanguage")?,
            vendor_list_version: r.u16(12, "VendorListVersion")?,
            policy_version: r.read(6, "TcfPolicyVersion")? as u8,
            is_service_specific: r.bool("IsServiceSpecific")?,
            use_non_standard_texts: r.bool("UseNonStandardTexts")?,
            special_feature_opt_ins: IdBits::read(r, 12, "SpecialFeatureOptIns")?,
            purposes_consent: IdBits::read(r, 24, "PurposesConsent")?,
            purposes_li_transparency: IdBits::read(r, 24, "PurposesLITransparency")?,
            purpose_one_treatment: r.bool("PurposeOneTreatment")?,
            publisher_cc: r.letters("PublisherCC")?,
            vendor_consents: VendorSet::read(r)?,
            vendor_legitimate_interests: VendorSet::read(r)?,
            publisher_restrictions: read_publisher_restrictions(r)?,
        })
    }

    /// Last update in Unix milliseconds.
    pub fn last_updated_ms(&self) -> i64 {
        i64::try_from(self.last_updated_ds.saturating_mul(100)).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_bits_are_one_based() {
        let b = IdBits(0b101);
        assert!(b.has(1) && !b.has(2) && b.has(3));
        assert!(!b.has(0) && !b.has(33));
        assert_eq!(b.ids().collect::<Vec<_>>(), [1, 3]);
    }
}
