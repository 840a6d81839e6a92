//! The GPP `tcfcav1` section (IAB Canada TCF, section 5): a core segment, an optional
//! PublisherPurposes segment (type 3) and an optional DisclosedVendors segment (type 1).
//!
//! Vendor lists use the GPP "OptimizedRange" encoding with Fibonacci-coded ranges. Strings
//! written by encoders predating that (fixed 16-bit ranges, as in the EU TC string) are
//! read when the Fibonacci reading fails, as the reference decoder falls back.

use crate::bits::{BitError, BitReader};
use crate::cmp::tcf::{IdBits, VendorSet};

/// A set of ids (vendors), ascending.
pub type Ids = Vec<u32>;

/// One publisher restriction: purpose, restriction type, vendors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    /// The purpose restricted.
    pub purpose_id: u8,
    /// 0 not allowed, 1 require express consent, 2 require implied consent.
    pub restriction_type: u8,
    /// The vendors.
    pub vendors: Ids,
}

/// The PublisherPurposes segment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PubPurposes {
    /// Publisher purposes with express consent.
    pub express_consent: IdBits,
    /// Publisher purposes with implied consent.
    pub implied_consent: IdBits,
    /// Number of custom purposes.
    pub num_custom_purposes: u8,
    /// Custom purposes with express consent (bit i = purpose i + 1).
    pub custom_express_consent: u64,
    /// Custom purposes with implied consent.
    pub custom_implied_consent: u64,
}

/// A decoded `tcfcav1` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcfCa {
    /// Always 1.
    pub version: u8,
    /// Deciseconds since the Unix epoch.
    pub created_ds: u64,
    /// Deciseconds since the Unix epoch.
    pub last_updated_ds: u64,
    /// The CMP's id.
    pub cmp_id: u16,
    /// The CMP's version.
    pub cmp_version: u16,
    /// The screen consent was given on.
    pub consent_screen: u8,
    /// Two upper-case letters.
    pub consent_language: [u8; 2],
    /// Global Vendor List version.
    pub vendor_list_version: u16,
    /// Policy version.
    pub policy_version: u8,
    /// Non-standard stacks used.
    pub use_non_standard_stacks: bool,
    /// Special features with express consent (1-12).
    pub special_feature_express_consent: IdBits,
    /// Purposes with express consent (1-24).
    pub purposes_express_consent: IdBits,
    /// Purposes with implied consent (1-24).
    pub purposes_implied_consent: IdBits,
    /// Vendors with express consent.
    pub vendor_express_consent: Ids,
    /// Vendors with implied consent.
    pub vendor_implied_consent: Ids,
    /// Publisher restrictions (empty when the field is missing, as the reference allows).
    pub pub_restrictions: Vec<Restriction>,
    /// The PublisherPurposes segment, when present.
    pub pub_purposes: Option<PubPurposes>,
    /// The DisclosedVendors segment, when present.
    pub disclosed_vendors: Option<Ids>,
}

/// Reads a GPP "OptimizedRange": `MaxId(16) IsRange(1)`, then a bit field of `MaxId` bits or
/// a Fibonacci integer range (`fibonacci`) or a fixed 16-bit range (legacy).
fn optimized_range(r: &mut BitReader, fibonacci: bool) -> Result<Ids, BitError> {
    let max = r.u16(16, "MaxId")?;
    if !r.bool("IsRangeEncoding")? {
        if usize::from(max) > r.remaining() {
            return Err(BitError::Truncated("BitField"));
        }
        let mut ids = Vec::new();
        for id in 1..=u32::from(max) {
            if r.bool("BitField")? {
                ids.push(id);
            }
        }
        return Ok(ids);
    }
    if !fibonacci {
        return Ok(VendorSet::read_ranges_only(r)
            .map_err(|_| BitError::Truncated("range entries"))?
            .ids()
            .map(u32::from)
            .collect());
    }
    let count = r.read(12, "NumEntries")?;
    let mut ids: Ids = Vec::new();
    let mut offset = 0u64;
    for _ in 0..count {
        let is_range = r.bool("IsARange")?;
        let start = offset.saturating_add(r.fibonacci("StartOrOnlyVendorId")?);
        let end = if is_range {
            start.saturating_add(r.fibonacci("EndVendorId")?)
        } else {
            start
        };
        offset = end;
        // ids only grow (every delta is at least 1), so this also bounds their number
        if end > u64::from(u16::MAX) {
            return Err(BitError::Fibonacci("vendor id range"));
        }
        ids.extend((start as u32)..=(end as u32));
    }
    Ok(ids)
}

fn restrictions(r: &mut BitReader, fibonacci: bool) -> Result<Vec<Restriction>, BitError> {
    let n = r.read(12, "NumPubRestrictions")?;
    let mut out = Vec::new();
    for _ in 0..n {
        let purpose_id = r.u8(6, "PurposeId")?;
        let restriction_type = r.u8(2, "RestrictionType")?;
        let vendors = if fibonacci {
            optimized_range(r, true)?
        } else {
            VendorSet::read_ranges_only(r)
                .map_err(|_| BitError::Truncated("range entries"))?
                .ids()
                .map(u32::from)
                .collect()
        };
        out.push(Restriction {
            purpose_id,
            restriction_type,
            vendors,
        });
    }
    Ok(out)
}

fn core(text: &str, fibonacci: bool) -> Result<TcfCa, BitError> {
    let mut r = BitReader::new(text)?;
    let version = r.u8(6, "Version")?;
    let created_ds = r.read(36, "Created")?;
    let last_updated_ds = r.read(36, "LastUpdated")?;
    let cmp_id = r.u16(12, "CmpId")?;
    let cmp_version = r.u16(12, "CmpVersion")?;
    let consent_screen = r.u8(6, "ConsentScreen")?;
    let consent_language = r.letters("ConsentLanguage")?;
    let vendor_list_version = r.u16(12, "VendorListVersion")?;
    let policy_version = r.u8(6, "TcfPolicyVersion")?;
    let use_non_standard_stacks = r.bool("UseNonStandardStacks")?;
    let special_feature_express_consent = id_bits(&mut r, 12, "SpecialFeatureExpressConsent")?;
    let purposes_express_consent = id_bits(&mut r, 24, "PurposesExpressConsent")?;
    let purposes_implied_consent = id_bits(&mut r, 24, "PurposesImpliedConsent")?;
    let vendor_express_consent = optimized_range(&mut r, fibonacci)?;
    let vendor_implied_consent = optimized_range(&mut r, fibonacci)?;
    // PubRestrictions may be missing (the reference does not require it): an incomplete
    // field reads as none
    let pub_restrictions = restrictions(&mut r.clone(), fibonacci).unwrap_or_default();
    Ok(TcfCa {
        version,
        created_ds,
        last_updated_ds,
        cmp_id,
        cmp_version,
        consent_screen,
        consent_language,
        vendor_list_version,
        policy_version,
        use_non_standard_stacks,
        special_feature_express_consent,
        purposes_express_consent,
        purposes_implied_consent,
        vendor_express_consent,
        vendor_implied_consent,
        pub_restrictions,
        pub_purposes: None,
        disclosed_vendors: None,
    })
}

fn id_bits(r: &mut BitReader, n: usize, field: &'static str) -> Result<IdBits, BitError> {
    let mut bits = 0u32;
    for i in 0..n.min(32) {
        if r.bool(field)? {
            bits += 1 << i; // each bit once: + is |
        }
    }
    Ok(IdBits(bits))
}

fn custom_bits(r: &mut BitReader, n: u8, field: &'static str) -> Result<u64, BitError> {
    let mut out = 0u64;
    for i in 0..n.min(63) {
        if r.bool(field)? {
            out += 1 << i; // each bit once: + is |
        }
    }
    Ok(out)
}

fn pub_purposes(r: &mut BitReader) -> Result<PubPurposes, BitError> {
    let express_consent = id_bits(r, 24, "PubPurposesExpressConsent")?;
    let implied_consent = id_bits(r, 24, "PubPurposesImpliedConsent")?;
    let num_custom_purposes = r.u8(6, "NumCustomPurposes")?;
    Ok(PubPurposes {
        express_consent,
        implied_consent,
        num_custom_purposes,
        custom_express_consent: custom_bits(
            r,
            num_custom_purposes,
            "CustomPurposesExpressConsent",
        )?,
        custom_implied_consent: custom_bits(
            r,
            num_custom_purposes,
            "CustomPurposesImpliedConsent",
        )?,
    })
}

/// Why a `tcfcav1` section could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcfCaError {
    /// The bits.
    Bits(BitError),
    /// A segment whose type is neither 1 (DisclosedVendors) nor 3 (PublisherPurposes).
    UnknownSegment,
}

impl From<BitError> for TcfCaError {
    fn from(e: BitError) -> TcfCaError {
        TcfCaError::Bits(e)
    }
}

/// Decodes a `tcfcav1` section. Segments are told apart by their type (the first three
/// bits); empty segments are skipped, as the reference decoder does.
pub fn decode(text: &str) -> Result<TcfCa, TcfCaError> {
    let mut segments = text.split('.');
    let core_text = segments.next().unwrap_or_default();
    let mut out = core(core_text, true).or_else(|_| core(core_text, false))?;
    for segment in segments.filter(|s| !s.is_empty()) {
        let mut r = BitReader::new(segment)?;
        match r.read(3, "SegmentType")? {
            3 => out.pub_purposes = Some(pub_purposes(&mut r)?),
            1 => {
                let mut again = BitReader::new(segment)?;
                let _ = again.read(3, "SegmentType")?;
                out.disclosed_vendors = Some(
                    optimized_range(&mut r, true)
                        .or_else(|_| optimized_range(&mut again, false))?,
                );
            }
            _ => return Err(TcfCaError::UnknownSegment),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::bits::base64url_from_bits as encode;

    fn header(version: u8) -> String {
        let mut b = format!("{version:06b}");
        b.push_str(&format!("{:036b}", 17_000_000_000u64)); // created
        b.push_str(&format!("{:036b}", 17_000_000_000u64)); // last updated
        b.push_str(&format!("{:012b}{:012b}{:06b}", 300, 2, 1)); // cmp id, version, screen
        b.push_str("000100001101"); // "EN"
        b.push_str(&format!("{:012b}{:06b}0", 100, 2)); // vendor list, policy, stacks
        b.push_str(&"0".repeat(12)); // special features
        b.push('1'); // purpose 1 express
        b.push_str(&"0".repeat(23));
        b.push_str(&"0".repeat(24)); // implied
        b
    }

    #[test]
    fn fibonacci_vendor_ranges_and_missing_restrictions() {
        let mut b = header(1);
        // express consent: MaxId 7, range: 1 entry, range 2..=7 (start 2 = 011, +5 = 00011)
        b.push_str(&format!("{:016b}1{:012b}101100011", 7, 1));
        // implied consent: MaxId 3, bit field 101
        b.push_str(&format!("{:016b}0101", 3));
        // no restrictions field at all
        let t = decode(&encode(&b)).unwrap();
        assert_eq!(t.version, 1);
        assert_eq!((t.cmp_id, t.cmp_version, t.consent_screen), (300, 2, 1));
        assert_eq!(&t.consent_language, b"EN");
        assert!(t.purposes_express_consent.has(1));
        assert_eq!(t.vendor_express_consent, [2, 3, 4, 5, 6, 7]);
        assert_eq!(t.vendor_implied_consent, [1, 3]);
        assert!(t.pub_restrictions.is_empty());
        assert_eq!(t.pub_purposes, None);
    }

    #[test]
    fn legacy_fixed_ranges_are_read_when_fibonacci_fails() {
        let mut b = header(1);
        // express consent, legacy range: 1 entry, single vendor 5 (16 bits)
        b.push_str(&format!("{:016b}1{:012b}0{:016b}", 5, 1, 5));
        b.push_str(&format!("{:016b}0", 0));
        b.push_str(&format!("{:012b}", 0));
        let t = decode(&encode(&b)).unwrap();
        assert_eq!(t.vendor_express_consent, [5]);
    }

    #[test]
    fn segments_by_type_and_unknown_types() {
        let mut b = header(1);
        b.push_str(&format!("{:016b}0{:016b}0{:012b}", 0, 0, 0));
        let core = encode(&b);
        // PublisherPurposes: type 3, purpose 1 express, 2 custom purposes: express 01
        let mut p = "011".to_string();
        p.push('1');
        p.push_str(&"0".repeat(23));
        p.push_str(&"0".repeat(24));
        p.push_str("000010");
        p.push_str("01");
        p.push_str("10");
        // DisclosedVendors: type 1, MaxId 2, bit field 11
        let d = format!("001{:016b}011", 2);
        let t = decode(&format!("{core}.{}.{}.", encode(&p), encode(&d))).unwrap();
        let pp = t.pub_purposes.unwrap();
        assert!(pp.express_consent.has(1));
        assert_eq!(pp.num_custom_purposes, 2);
        assert_eq!(
            (pp.custom_express_consent, pp.custom_implied_consent),
            (0b10, 0b01)
        );
        assert_eq!(t.disclosed_vendors, Some(vec![1, 2]));
        let bad = encode(&format!("010{:016b}", 0));
        assert_eq!(
            decode(&format!("{core}.{bad}")),
            Err(TcfCaError::UnknownSegment)
        );
        assert!(matches!(
            decode("BAAA"),
            Err(TcfCaError::Bits(BitError::Truncated(_)))
        ));
    }

    #[test]
    fn ranges_past_the_vendor_id_space_are_errors() {
        // a range whose end passes 65535: start 1 (`11`), then +75025 (23 zeros, `11`)
        let mut b = format!("{:016b}1{:012b}111", 9, 1);
        b.push_str(&"0".repeat(23));
        b.push_str("11");
        let mut r = BitReader::new(&encode(&b)).unwrap();
        assert_eq!(
            optimized_range(&mut r, true),
            Err(BitError::Fibonacci("vendor id range"))
        );
        // the last id of the 16-bit space is accepted, one more is not
        let range = |end_delta: u64| {
            let b = format!(
                "{:016b}1{:012b}1{}{}",
                9,
                1,
                crate::bits::fibonacci_bits(1),
                crate::bits::fibonacci_bits(end_delta)
            );
            optimized_range(&mut BitReader::new(&encode(&b)).unwrap(), true)
        };
        assert_eq!(range(65_534).map(|ids| ids.len()), Ok(65_535));
        assert_eq!(range(65_535), Err(BitError::Fibonacci("vendor id range")));
        // a range of 2..=6 (`011`, then +4 = `1011`) is read
        let b = format!("{:016b}1{:012b}10111011", 9, 1);
        let mut r = BitReader::new(&encode(&b)).unwrap();
        assert_eq!(optimized_range(&mut r, true), Ok(vec![2, 3, 4, 5, 6]));
    }
}
