//! The optional segments after the core one: disclosed/allowed vendors and PublisherTC.

use super::core::IdBits;
use super::error::TcfError;
use crate::bits::BitReader;

/// The PublisherTC segment: the publisher's own purposes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PublisherSegment {
    /// Publisher purpose consents (1-24).
    pub purposes_consent: IdBits,
    /// Publisher purpose legitimate interests (1-24).
    pub purposes_li_transparency: IdBits,
    /// Number of custom purposes (0-63).
    pub num_custom_purposes: u8,
    /// Custom purpose consents (1-63).
    pub custom_purposes_consent: u64,
    /// Custom purpose legitimate interests (1-63).
    pub custom_purposes_li_transparency: u64,
}

impl PublisherSegment {
    /// Reads the segment body (after its 3-bit type).
    pub fn read(r: &mut BitReader) -> Result<PublisherSegment, TcfError> {
        let purposes_consent = IdBits::read(r, 24, "PubPurposesConsent")?;
        let purposes_li_transparency = IdBits::read(r, 24, "PubPurposesLITransparency")?;
        let n = r.read(6, "NumCustomPurposes")? as usize;
        let bits = |r: &mut BitReader, field| -> Result<u64, TcfError> {
            let mut out = 0u64;
            for i in 0..n {
                if r.bool(field)? {
                    out += 1 << i; // each bit once: + is |
                }
            }
            Ok(out)
        };
        let custom_purposes_consent = bits(r, "CustomPurposesConsent")?;
        let custom_purposes_li_transparency = bits(r, "CustomPurposesLITransparency")?;
        Ok(PublisherSegment {
            purposes_consent,
            purposes_li_transparency,
            num_custom_purposes: n as u8,
            custom_purposes_consent,
            custom_purposes_li_transparency,
        })
    }

    /// Custom purpose ids consented, ascending.
    pub fn custom_consents(&self) -> impl Iterator<Item = u8> + '_ {
        (1..=self.num_custom_purposes)
            .filter(|id| self.custom_purposes_consent & (1 << (id - 1)) != 0)
    }

    /// Custom purpose ids with legitimate interest, ascending.
    pub fn custom_legitimate_interests(&self) -> impl Iterator<Item = u8> + '_ {
        (1..=self.num_custom_purposes)
            .filter(|id| self.custom_purposes_li_transparency & (1 << (id - 1)) != 0)
    }
}
