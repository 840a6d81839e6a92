//! The US sections of a GPP string: `usnat` (7) and the state sections (8-27), each a core
//! segment of 2-bit fields and integer lists, and for most a GPC sub-section
//! (`SubsectionType` 2 bits, `Gpc` 1 bit). Indiana, Kentucky and Rhode Island carry a
//! sensitive-data sub-section instead; Florida, Utah and Virginia none.
//!
//! Field layouts as the IAB GPP specification's US sections define them, in the order of
//! the reference encoder (`@iabgpp/cmpapi` 3.2.0, `*_CORE_SEGMENT_FIELD_NAMES`).

use crate::bits::{BitError, BitReader};

/// A field of a US section.
#[derive(Debug, Clone, Copy)]
enum Field {
    /// A 6-bit version (`Version`, `MspaVersion`).
    Version(&'static str),
    /// A 2-bit value: 0 not applicable, 1 and 2 per the field (for opt-outs: 1 opted out,
    /// 2 did not opt out; for notices: 1 provided, 2 not provided).
    Int(&'static str),
    /// A list of 2-bit values of this length.
    List(&'static str, usize),
}

use Field::{Int, List, Version};

/// The sub-section after the core segment, when present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sub {
    Gpc,
    SensitiveData,
    None,
}

/// One section's layout.
struct Layout {
    id: u16,
    name: &'static str,
    /// The state (ISO 3166-2 subdivision of US) the section is for; `None` for usnat.
    state: Option<&'static str>,
    core: &'static [Field],
    sub: Sub,
}

const MSPA: [Field; 3] = [
    Int("MspaCoveredTransaction"),
    Int("MspaOptOutOptionMode"),
    Int("MspaServiceProviderMode"),
];

macro_rules! fields {
    ($($f:expr),* $(,)?) => { &[$($f),*] };
}

const USNAT: &[Field] = fields![
    Version("Version"),
    Int("SharingNotice"),
    Int("SaleOptOutNotice"),
    Int("SharingOptOutNotice"),
    Int("TargetedAdvertisingOptOutNotice"),
    Int("SensitiveDataProcessingOptOutNotice"),
    Int("SensitiveDataLimitUseNotice"),
    Int("SaleOptOut"),
    Int("SharingOptOut"),
    Int("TargetedAdvertisingOptOut"),
    List("SensitiveDataProcessing", 16),
    List("KnownChildSensitiveDataConsents", 3),
    Int("PersonalDataConsents"),
    MSPA[0],
    MSPA[1],
    MSPA[2],
];

/// usnat version 1 (before the Delaware/Iowa/Nebraska/New Hampshire/New Jersey/Tennessee
/// release): 12 sensitive-data categories and 2 child-consent fields.
const USNAT_V1: &[Field] = fields![
    Version("Version"),
    Int("SharingNotice"),
    Int("SaleOptOutNotice"),
    Int("SharingOptOutNotice"),
    Int("TargetedAdvertisingOptOutNotice"),
    Int("SensitiveDataProcessingOptOutNotice"),
    Int("SensitiveDataLimitUseNotice"),
    Int("SaleOptOut"),
    Int("SharingOptOut"),
    Int("TargetedAdvertisingOptOut"),
    List("SensitiveDataProcessing", 12),
    List("KnownChildSensitiveDataConsents", 2),
    Int("PersonalDataConsents"),
    MSPA[0],
    MSPA[1],
    MSPA[2],
];

const USCA: &[Field] = fields![
    Version("Version"),
    Int("SaleOptOutNotice"),
    Int("SharingOptOutNotice"),
    Int("SensitiveDataLimitUseNotice"),
    Int("SaleOptOut"),
    Int("SharingOptOut"),
    List("SensitiveDataProcessing", 9),
    List("KnownChildSensitiveDataConsents", 2),
    Int("PersonalDataConsents"),
    MSPA[0],
    MSPA[1],
    MSPA[2],
];

/// Virginia, Colorado, Connecticut: sharing notice, sale and targeted advertising.
const fn sharing_state(sensitive: usize, child: usize) -> [Field; 11] {
    let child_field = if child == 1 {
        Int("KnownChildSensitiveDataConsents")
    } else {
        List("KnownChildSensitiveDataConsents", child)
    };
    [
        Version("Version"),
        Int("SharingNotice"),
        Int("SaleOptOutNotice"),
        Int("TargetedAdvertisingOptOutNotice"),
        Int("SaleOptOut"),
        Int("TargetedAdvertisingOptOut"),
        List("SensitiveDataProcessing", sensitive),
        child_field,
        MSPA[0],
        MSPA[1],
        MSPA[2],
    ]
}

const USVA: [Field; 11] = sharing_state(8, 1);
const USCO: [Field; 11] = sharing_state(7, 1);
const USCT: [Field; 11] = sharing_state(8, 3);

const USUT: &[Field] = fields![
    Version("Version"),
    Int("SharingNotice"),
    Int("SaleOptOutNotice"),
    Int("TargetedAdvertisingOptOutNotice"),
    Int("SensitiveDataProcessingOptOutNotice"),
    Int("SaleOptOut"),
    Int("TargetedAdvertisingOptOut"),
    List("SensitiveDataProcessing", 8),
    Int("KnownChildSensitiveDataConsents"),
    MSPA[0],
    MSPA[1],
    MSPA[2],
];

/// The later states: processing notice, sale and targeted advertising, sensitive data,
/// child consents and (for all but Montana, which has a sharing notice) additional data
/// processing consent.
const fn processing_state(
    first_notice: &'static str,
    sensitive: usize,
    child: usize,
) -> [Field; 12] {
    let child_field = if child == 1 {
        Int("KnownChildSensitiveDataConsents")
    } else {
        List("KnownChildSensitiveDataConsents", child)
    };
    [
        Version("Version"),
        Int(first_notice),
        Int("SaleOptOutNotice"),
        Int("TargetedAdvertisingOptOutNotice"),
        Int("SaleOptOut"),
        Int("TargetedAdvertisingOptOut"),
        List("SensitiveDataProcessing", sensitive),
        child_field,
        Int("AdditionalDataProcessingConsent"),
        MSPA[0],
        MSPA[1],
        MSPA[2],
    ]
}

const USFL: [Field; 12] = processing_state("ProcessingNotice", 8, 3);
const USMT: [Field; 12] = processing_state("SharingNotice", 8, 3);
const USOR: [Field; 12] = processing_state("ProcessingNotice", 11, 3);
const USTX: [Field; 12] = processing_state("ProcessingNotice", 8, 1);
const USDE: [Field; 12] = processing_state("ProcessingNotice", 9, 5);
const USNE: [Field; 12] = processing_state("ProcessingNotice", 8, 1);
const USNH: [Field; 12] = processing_state("ProcessingNotice", 8, 3);
const USNJ: [Field; 12] = processing_state("ProcessingNotice", 10, 5);
const USTN: [Field; 12] = processing_state("ProcessingNotice", 8, 1);
const USMN: [Field; 12] = processing_state("ProcessingNotice", 8, 1);

const USIA: &[Field] = fields![
    Version("Version"),
    Int("ProcessingNotice"),
    Int("SaleOptOutNotice"),
    Int("TargetedAdvertisingOptOutNotice"),
    Int("SensitiveDataOptOutNotice"),
    Int("SaleOptOut"),
    Int("TargetedAdvertisingOptOut"),
    List("SensitiveDataProcessing", 8),
    Int("KnownChildSensitiveDataConsents"),
    MSPA[0],
    MSPA[1],
    MSPA[2],
];

const USMD: &[Field] = fields![
    Version("MspaVersion"),
    Int("MspaCoveredTransaction"),
    Int("MspaMode"),
    Int("ProcessingNotice"),
    Int("SaleOptOutNotice"),
    Int("TargetedAdvertisingOptOutNotice"),
    Int("SaleOptOut"),
    Int("TargetedAdvertisingOptOut"),
    Int("AdditionalDataProcessingConsent"),
];

/// Indiana, Kentucky, Rhode Island (sensitive data in a sub-section of its own).
const MSPA_FIRST: &[Field] = fields![
    Version("MspaVersion"),
    Int("MspaCoveredTransaction"),
    Int("MspaMode"),
    Int("ProcessingNotice"),
    Int("SaleOptOutNotice"),
    Int("TargetedAdvertisingOptOutNotice"),
    Int("SaleOptOut"),
    Int("TargetedAdvertisingOptOut"),
    Int("KnownChildSensitiveDataConsents"),
    Int("AdditionalDataProcessingConsent"),
];

const LAYOUTS: [Layout; 21] = [
    Layout {
        id: 7,
        name: "usnat",
        state: None,
        core: USNAT,
        sub: Sub::Gpc,
    },
    Layout {
        id: 8,
        name: "usca",
        state: Some("CA"),
        core: USCA,
        sub: Sub::Gpc,
    },
    Layout {
        id: 9,
        name: "usva",
        state: Some("VA"),
        core: &USVA,
        sub: Sub::None,
    },
    Layout {
        id: 10,
        name: "usco",
        state: Some("CO"),
        core: &USCO,
        sub: Sub::Gpc,
    },
    Layout {
        id: 11,
        name: "usut",
        state: Some("UT"),
        core: USUT,
        sub: Sub::None,
    },
    Layout {
        id: 12,
        name: "usct",
        state: Some("CT"),
        core: &USCT,
        sub: Sub::Gpc,
    },
    Layout {
        id: 13,
        name: "usfl",
        state: Some("FL"),
        core: &USFL,
        sub: Sub::None,
    },
    Layout {
        id: 14,
        name: "usmt",
        state: Some("MT"),
        core: &USMT,
        sub: Sub::Gpc,
    },
    Layout {
        id: 15,
        name: "usor",
        state: Some("OR"),
        core: &USOR,
        sub: Sub::Gpc,
    },
    Layout {
        id: 16,
        name: "ustx",
        state: Some("TX"),
        core: &USTX,
        sub: Sub::Gpc,
    },
    Layout {
        id: 17,
        name: "usde",
        state: Some("DE"),
        core: &USDE,
        sub: Sub::Gpc,
    },
    Layout {
        id: 18,
        name: "usia",
        state: Some("IA"),
        core: USIA,
        sub: Sub::Gpc,
    },
    Layout {
        id: 19,
        name: "usne",
        state: Some("NE"),
        core: &USNE,
        sub: Sub::Gpc,
    },
    Layout {
        id: 20,
        name: "usnh",
        state: Some("NH"),
        core: &USNH,
        sub: Sub::Gpc,
    },
    Layout {
        id: 21,
        name: "usnj",
        state: Some("NJ"),
        core: &USNJ,
        sub: Sub::Gpc,
    },
    Layout {
        id: 22,
        name: "ustn",
        state: Some("TN"),
        core: &USTN,
        sub: Sub::Gpc,
    },
    Layout {
        id: 23,
        name: "usmn",
        state: Some("MN"),
        core: &USMN,
        sub: Sub::Gpc,
    },
    Layout {
        id: 24,
        name: "usmd",
        state: Some("MD"),
        core: USMD,
        sub: Sub::Gpc,
    },
    Layout {
        id: 25,
        name: "usin",
        state: Some("IN"),
        core: MSPA_FIRST,
        sub: Sub::SensitiveData,
    },
    Layout {
        id: 26,
        name: "usky",
        state: Some("KY"),
        core: MSPA_FIRST,
        sub: Sub::SensitiveData,
    },
    Layout {
        id: 27,
        name: "usri",
        state: Some("RI"),
        core: MSPA_FIRST,
        sub: Sub::SensitiveData,
    },
];

/// A decoded field value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsValue {
    /// A number (2-bit fields, versions).
    Int(u8),
    /// A list of 2-bit values.
    List(Vec<u8>),
    /// A flag (`Gpc`).
    Bool(bool),
}

/// A decoded US section: every field by its specification name, in order, the
/// sub-section's fields last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsSection {
    /// The section id (7 usnat, 8 usca...).
    pub id: u16,
    /// The section name (`usnat`, `usca`...).
    pub name: &'static str,
    /// The state the section is for (`CA`), `None` for usnat.
    pub state: Option<&'static str>,
    /// The fields.
    pub fields: Vec<(&'static str, UsValue)>,
}

impl UsSection {
    /// A 2-bit field or version by name.
    pub fn int(&self, name: &str) -> Option<u8> {
        self.fields.iter().find_map(|(n, v)| match v {
            UsValue::Int(i) if *n == name => Some(*i),
            _ => None,
        })
    }

    /// The GPC sub-section's flag, when the section carries one.
    pub fn gpc(&self) -> Option<bool> {
        match self.fields.iter().find(|(n, _)| *n == "Gpc") {
            Some((_, UsValue::Bool(b))) => Some(*b),
            _ => None,
        }
    }
}

/// Whether `id` is a US section id this decoder knows.
pub fn is_us_section(id: u16) -> bool {
    LAYOUTS.iter().any(|l| l.id == id)
}

/// Whether `name` is a US section's name (`usnat`, `usca`...).
pub fn is_us_name(name: &str) -> bool {
    LAYOUTS.iter().any(|l| l.name == name)
}

/// The name of US section `id`.
pub fn name_of(id: u16) -> Option<&'static str> {
    LAYOUTS.iter().find(|l| l.id == id).map(|l| l.name)
}

/// Why a US section could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsError {
    /// The bits.
    Bits(BitError),
    /// A version this decoder does not know.
    Version,
    /// Not a US section id.
    UnknownId,
}

impl From<BitError> for UsError {
    fn from(e: BitError) -> UsError {
        UsError::Bits(e)
    }
}

fn read_fields(
    r: &mut BitReader,
    fields: &[Field],
    out: &mut Vec<(&'static str, UsValue)>,
) -> Result<(), BitError> {
    for f in fields {
        match *f {
            Version(name) => out.push((name, UsValue::Int(r.u8(6, name)?))),
            Int(name) => out.push((name, UsValue::Int(r.u8(2, name)?))),
            List(name, n) => {
                let list = (0..n)
                    .map(|_| r.u8(2, name))
                    .collect::<Result<Vec<u8>, _>>()?;
                out.push((name, UsValue::List(list)));
            }
        }
    }
    Ok(())
}

/// Decodes US section `id` from its text (`core[.sub]`; further segments are ignored, as
/// the reference decoder does).
pub fn decode(id: u16, text: &str) -> Result<UsSection, UsError> {
    let layout = LAYOUTS
        .iter()
        .find(|l| l.id == id)
        .ok_or(UsError::UnknownId)?;
    let mut segments = text.split('.');
    let mut r = BitReader::new(segments.next().unwrap_or_default())?;
    let version = r.clone().u8(6, "Version")?;
    let max_version = if id == 7 { 2 } else { 1 };
    if version == 0 || version > max_version {
        return Err(UsError::Version);
    }
    let core = if id == 7 && version == 1 {
        USNAT_V1
    } else {
        layout.core
    };
    let mut fields = Vec::with_capacity(core.len() + 2);
    read_fields(&mut r, core, &mut fields)?;
    if let Some(sub) = segments.next() {
        let mut s = BitReader::new(sub)?;
        match layout.sub {
            Sub::Gpc => {
                fields.push(("GpcSegmentType", UsValue::Int(s.u8(2, "GpcSegmentType")?)));
                fields.push(("Gpc", UsValue::Bool(s.bool("Gpc")?)));
            }
            Sub::SensitiveData => {
                read_fields(&mut s, &[List("SensitiveDataProcessing", 8)], &mut fields)?;
            }
            Sub::None => {}
        }
    }
    Ok(UsSection {
        id,
        name: layout.name,
        state: layout.state,
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_have_the_reference_field_counts() {
        // core bits of each section as the reference encoder writes them before padding
        // (@iabgpp/cmpapi 3.2.0: the encoded length of each *CoreSegment's fields)
        let bits = |fields: &[Field]| -> usize {
            fields
                .iter()
                .map(|f| match f {
                    Version(_) => 6,
                    Int(_) => 2,
                    List(_, n) => 2 * n,
                })
                .sum()
        };
        let expected: [(u16, usize); 21] = [
            (7, 70),
            (8, 46),
            (9, 40),
            (10, 38),
            (11, 42),
            (12, 44),
            (13, 46),
            (14, 46),
            (15, 52),
            (16, 42),
            (17, 52),
            (18, 42),
            (19, 42),
            (20, 46),
            (21, 54),
            (22, 42),
            (23, 42),
            (24, 22),
            (25, 24),
            (26, 24),
            (27, 24),
        ];
        for (id, n) in expected {
            let l = LAYOUTS.iter().find(|l| l.id == id).unwrap();
            assert_eq!(bits(l.core), n, "{}", l.name);
        }
        assert_eq!(bits(USNAT_V1), 60);
        let ids: Vec<u16> = LAYOUTS.iter().map(|l| l.id).collect();
        assert_eq!(ids, (7..=27).collect::<Vec<_>>());
    }

    /// `DBABLA~BVQVAAAAAgA.QA`: OneTrust's `OTGPPConsent` on cbssports.com (a Cookie header
    /// captured in public code). usnat v1, opted out of sale, sharing and targeted ads.
    #[test]
    fn real_usnat_v1_opt_out() {
        let s = decode(7, "BVQVAAAAAgA.QA").unwrap();
        assert_eq!(s.name, "usnat");
        assert_eq!(s.int("Version"), Some(1));
        assert_eq!(s.int("SaleOptOut"), Some(1));
        assert_eq!(s.int("SharingOptOut"), Some(1));
        assert_eq!(s.int("TargetedAdvertisingOptOut"), Some(1));
        assert_eq!(s.int("MspaCoveredTransaction"), Some(2));
        assert_eq!(s.gpc(), Some(false));
        assert_eq!(
            s.fields
                .iter()
                .find(|(n, _)| *n == "SensitiveDataProcessing")
                .map(|(_, v)| v),
            Some(&UsValue::List(vec![0; 12]))
        );
    }

    /// `DBABBg~BUoAAAKA.QA`: a OneTrust usca section beside `usprivacy=1YNN` (public code):
    /// notices given, no opt-out.
    #[test]
    fn real_usca_no_opt_out() {
        let s = decode(8, "BUoAAAKA.QA").unwrap();
        assert_eq!(s.state, Some("CA"));
        assert_eq!(s.int("SaleOptOutNotice"), Some(1));
        assert_eq!(s.int("SaleOptOut"), Some(2));
        assert_eq!(s.int("SharingOptOut"), Some(2));
        assert_eq!(s.int("PersonalDataConsents"), Some(2));
        assert_eq!(s.int("TargetedAdvertisingOptOut"), None);
        assert_eq!(s.gpc(), Some(false));
    }

    #[test]
    fn sections_without_gpc_ignore_a_second_segment_and_unknown_input_fails() {
        // Virginia: 38 bits, all zeros but the version
        let s = decode(9, "BAAAAAAA.QA").unwrap();
        assert_eq!(s.gpc(), None);
        assert_eq!(s.int("Version"), Some(1));
        assert_eq!(decode(6, "BAAA"), Err(UsError::UnknownId));
        assert_eq!(decode(8, "AAAAAAAA"), Err(UsError::Version));
        assert_eq!(decode(8, "CAAAAAAA"), Err(UsError::Version));
        assert!(decode(7, "CAAAAAAAAAAA").is_ok()); // usnat v2
        assert_eq!(decode(7, "DAAAAAAAAAAA"), Err(UsError::Version));
        assert!(matches!(
            decode(8, "BAAA"),
            Err(UsError::Bits(BitError::Truncated(_)))
        ));
        assert!(matches!(
            decode(8, "BUoAAAKA."),
            Err(UsError::Bits(BitError::Empty))
        ));
        assert!(matches!(decode(8, ""), Err(UsError::Bits(BitError::Empty))));
        assert_eq!(name_of(25), Some("usin"));
        assert_eq!(name_of(6), None);
        assert!(is_us_section(27) && !is_us_section(28) && !is_us_section(2));
        assert!(is_us_name("usnat") && is_us_name("usri") && !is_us_name("uspv1"));
    }

    #[test]
    fn sensitive_data_sub_section_of_indiana() {
        // MspaVersion 1, then zeros; sub-section: 8 values of 2 bits, "qqo" = 101010 101010 101000
        let s = decode(25, "BAAAA.qqo").unwrap();
        assert_eq!(
            s.fields.last(),
            Some(&(
                "SensitiveDataProcessing",
                UsValue::List(vec![2, 2, 2, 2, 2, 2, 2, 2])
            ))
        );
        assert_eq!(s.int("MspaVersion"), Some(1));
        assert_eq!(s.gpc(), None);
    }
}
