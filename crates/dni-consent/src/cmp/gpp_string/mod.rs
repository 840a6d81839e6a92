//! IAB Global Privacy Platform (GPP) strings: `header~section~section...`.
//!
//! The header (`Type` 6 bits = 3, `Version` 6 bits = 1, `SectionIds` as a Fibonacci
//! integer range) lists the sections in order; each section is decoded by its id:
//! 2 `tcfeuv2` (a TC string, [`crate::cmp::tcf::TcString`]), 5 `tcfcav1` ([`tcfca`]),
//! 6 `uspv1` (the US Privacy string, [`crate::cmp::usp::UspString`]), 7 `usnat` and 8-27
//! the state sections ([`us`]). Ids this decoder does not know are kept as
//! [`Section::Unknown`] (new sections appear as states pass laws); a known section that
//! does not decode makes the whole string malformed.

pub mod tcfca;
pub mod us;

use thiserror::Error;

use crate::bits::{BitError, BitReader};
use crate::cmp::tcf::TcString;
use crate::cmp::usp::UspString;

pub use self::tcfca::TcfCa;
pub use self::us::{UsSection, UsValue};

/// Most section ids a header may list (27 are defined).
pub const MAX_SECTIONS: usize = 64;

/// One decoded section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Section {
    /// 2: IAB TCF EU v2.
    TcfEuV2(Box<TcString>),
    /// 5: IAB TCF Canada v1.
    TcfCaV1(Box<TcfCa>),
    /// 6: US Privacy.
    UspV1(UspString),
    /// 7-27: usnat and the states.
    Us(UsSection),
    /// An id this decoder does not know (its text is not read).
    Unknown(u16),
}

impl Section {
    /// The section's name (`tcfeuv2`, `usnat`, `usca`...), `unknown` for unknown ids.
    pub fn name(&self) -> &'static str {
        match self {
            Section::TcfEuV2(_) => "tcfeuv2",
            Section::TcfCaV1(_) => "tcfcav1",
            Section::UspV1(_) => "uspv1",
            Section::Us(s) => s.name,
            Section::Unknown(_) => "unknown",
        }
    }
}

/// A decoded GPP string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GppString {
    /// The header's section ids, in order.
    pub section_ids: Vec<u16>,
    /// The sections, in the header's order.
    pub sections: Vec<Section>,
}

/// Why a GPP string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GppError {
    /// The header's bits.
    #[error("GPP header: {0}")]
    Header(BitError),
    /// The header is not type 3 version 1.
    #[error("not a GPP v1 header")]
    NotGpp,
    /// The header lists more than [`MAX_SECTIONS`] ids, or an id above 65535.
    #[error("too many GPP sections")]
    TooManySections,
    /// The number of `~`-separated sections differs from the header's.
    #[error("GPP header lists {listed} sections, the string has {present}")]
    SectionCount {
        /// Ids in the header.
        listed: usize,
        /// Sections after the header.
        present: usize,
    },
    /// A section is empty.
    #[error("GPP section {0} is blank")]
    Blank(u16),
    /// A known section does not decode.
    #[error("GPP section {id} ({name}) does not decode")]
    Section {
        /// The section id.
        id: u16,
        /// The section name.
        name: &'static str,
    },
}

impl GppError {
    /// A short static description (no offsets, no values).
    pub fn reason(&self) -> &'static str {
        match self {
            GppError::Header(_) => "GPP header does not decode",
            GppError::NotGpp => "not a GPP v1 header",
            GppError::TooManySections => "GPP header lists too many sections",
            GppError::SectionCount { .. } => "GPP section count differs from the header",
            GppError::Blank(_) => "a GPP section is blank",
            GppError::Section { name, .. } => match *name {
                "tcfeuv2" => "GPP tcfeuv2 section does not decode",
                "tcfcav1" => "GPP tcfcav1 section does not decode",
                "uspv1" => "GPP uspv1 section does not decode",
                _ => "a GPP US section does not decode",
            },
        }
    }
}

/// Reads the header's section ids.
fn header(text: &str) -> Result<Vec<u16>, GppError> {
    let mut r = BitReader::new(text).map_err(GppError::Header)?;
    let kind = r.read(6, "Type").map_err(GppError::Header)?;
    let version = r.read(6, "Version").map_err(GppError::Header)?;
    if kind != 3 || version != 1 {
        return Err(GppError::NotGpp);
    }
    let count = r.read(12, "NumSections").map_err(GppError::Header)?;
    let mut ids = Vec::new();
    let mut offset = 0u64;
    for _ in 0..count {
        let is_range = r.bool("IsRange").map_err(GppError::Header)?;
        let start = offset.saturating_add(r.fibonacci("SectionId").map_err(GppError::Header)?);
        let end = if is_range {
            start.saturating_add(r.fibonacci("SectionId").map_err(GppError::Header)?)
        } else {
            start
        };
        offset = end;
        if end > u64::from(u16::MAX) || (ids.len() as u64) + (end - start) >= MAX_SECTIONS as u64 {
            return Err(GppError::TooManySections);
        }
        ids.extend((start as u16)..=(end as u16));
    }
    Ok(ids)
}

fn section(id: u16, text: &str) -> Result<Section, GppError> {
    let fail = |name| GppError::Section { id, name };
    match id {
        2 => TcString::decode(text)
            .map(|tc| Section::TcfEuV2(Box::new(tc)))
            .map_err(|_| fail("tcfeuv2")),
        5 => tcfca::decode(text)
            .map(|t| Section::TcfCaV1(Box::new(t)))
            .map_err(|_| fail("tcfcav1")),
        6 => UspString::parse(text)
            .map(Section::UspV1)
            .map_err(|_| fail("uspv1")),
        id if us::is_us_section(id) => us::decode(id, text)
            .map(Section::Us)
            .map_err(|_| fail(us::name_of(id).unwrap_or("us"))),
        id => Ok(Section::Unknown(id)),
    }
}

impl GppString {
    /// Decodes a GPP string.
    pub fn decode(s: &str) -> Result<GppString, GppError> {
        let mut parts = s.split('~');
        let section_ids = header(parts.next().unwrap_or_default())?;
        let texts: Vec<&str> = parts.collect();
        if texts.len() != section_ids.len() {
            return Err(GppError::SectionCount {
                listed: section_ids.len(),
                present: texts.len(),
            });
        }
        let sections = section_ids
            .iter()
            .zip(&texts)
            .map(|(&id, text)| {
                if text.trim().is_empty() {
                    Err(GppError::Blank(id))
                } else {
                    section(id, text)
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(GppString {
            section_ids,
            sections,
        })
    }
}

/// Parses a `__gpp_sid` value: section ids separated by `,` (or `_`, which some CMPs write
/// to stay cookie-safe). Spaces around ids are tolerated; at most [`MAX_SECTIONS`] ids.
pub fn parse_sid(value: &str) -> Result<Vec<u16>, &'static str> {
    let mut ids = Vec::new();
    for item in value.split([',', '_']) {
        let item = item.trim();
        if item.is_empty() || !item.bytes().all(|b| b.is_ascii_digit()) {
            return Err("__gpp_sid is not a list of section ids");
        }
        if ids.len() >= MAX_SECTIONS {
            return Err("__gpp_sid lists too many sections");
        }
        ids.push(
            item.parse()
                .map_err(|_| "__gpp_sid is not a list of section ids")?,
        );
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real strings from `OTGPPConsent` cookies captured in public code (cbssports.com and
    /// other OneTrust sites) and Sourcepoint's `__gpp` (a test of a Sourcepoint-to-cookie
    /// mirror).
    #[test]
    fn real_headers() {
        for (s, ids) in [
            ("DBABLA~BVQVAAAAAgA.QA", vec![7]),
            ("DBABBg~BAAAAACA.QA", vec![8]),
            ("DBABLA~BVQqAAAAAgA.QA", vec![7]),
        ] {
            let g = GppString::decode(s).unwrap();
            assert_eq!(g.section_ids, ids, "{s}");
            assert_eq!(g.sections.len(), 1);
        }
        let g = GppString::decode("DBABBg~BAAAAACA.QA").unwrap();
        assert_eq!(g.sections[0].name(), "usca");
    }

    #[test]
    fn header_and_section_count_errors() {
        assert_eq!(
            GppString::decode(""),
            Err(GppError::Header(BitError::Empty))
        );
        assert_eq!(GppString::decode("CBABLA~x"), Err(GppError::NotGpp)); // type 2
        assert_eq!(GppString::decode("DCABLA~x"), Err(GppError::NotGpp)); // version 2
        assert!(matches!(
            GppString::decode("DB"),
            Err(GppError::Header(BitError::Truncated(_)))
        ));
        assert_eq!(
            GppString::decode("DBABLA"),
            Err(GppError::SectionCount {
                listed: 1,
                present: 0
            })
        );
        assert_eq!(
            GppString::decode("DBABLA~BVQVAAAAAgA.QA~BAAA"),
            Err(GppError::SectionCount {
                listed: 1,
                present: 2
            })
        );
        assert_eq!(GppString::decode("DBABLA~ "), Err(GppError::Blank(7)));
        assert_eq!(
            GppString::decode("DBABLA~BAA"),
            Err(GppError::Section {
                id: 7,
                name: "usnat"
            })
        );
        // no sections at all is a valid (empty) string
        assert_eq!(GppString::decode("DBAA").unwrap().sections, []);
    }

    #[test]
    fn ranges_unknown_ids_and_huge_counts() {
        // headers as the reference encoder writes them (@iabgpp/cmpapi 3.2.0, HeaderV1):
        // [2, 6, 7, 8] is `DBACPbA` (2 then the range 6..=8), [30] is `DBABRYA`
        let g = GppString::decode("DBACPbA~CQAA~1YN-~BVQVAAAAAgA~BAAAAAAA").unwrap_err();
        assert_eq!(
            g,
            GppError::Section {
                id: 2,
                name: "tcfeuv2"
            }
        );
        let ok = "DBACPbA~CQGiOUAQGiOUAAHABBENBLFgAAAAAAAAAAAAAAAAAAAA.YAAAAAAAAAAA~1YN-~BVQVAAAAAgA~BAAAAAAA";
        let g = GppString::decode(ok).unwrap();
        assert_eq!(g.section_ids, [2, 6, 7, 8]);
        let names: Vec<_> = g.sections.iter().map(Section::name).collect();
        assert_eq!(names, ["tcfeuv2", "uspv1", "usnat", "usca"]);
        let unknown = GppString::decode("DBABRYA~anything").unwrap();
        assert_eq!(unknown.section_ids, [30]);
        assert_eq!(unknown.sections, [Section::Unknown(30)]);
        assert_eq!(unknown.sections[0].name(), "unknown");
        // a header claiming 4095 sections is refused without expanding them
        let huge = "DBP_".to_string() + &"_".repeat(40);
        assert!(GppString::decode(&huge).is_err());
    }

    #[test]
    fn sid_lists() {
        assert_eq!(parse_sid("7"), Ok(vec![7]));
        assert_eq!(parse_sid("2,6"), Ok(vec![2, 6]));
        assert_eq!(parse_sid("2_7"), Ok(vec![2, 7]));
        assert_eq!(parse_sid(" 8 , 7 "), Ok(vec![8, 7]));
        for bad in ["", "x", "7,", "-1", "+7", "99999999"] {
            assert!(parse_sid(bad).is_err(), "{bad}");
        }
        let many = vec!["1"; 65].join(",");
        assert_eq!(parse_sid(&many), Err("__gpp_sid lists too many sections"));
        assert_eq!(parse_sid(&vec!["1"; 64].join(",")).map(|v| v.len()), Ok(64));
    }

    use crate::bits::fibonacci_bits as fib;

    /// A header of `entries`: `(start delta, Some(end delta))` for a range.
    fn header_of(entries: &[(u64, Option<u64>)]) -> String {
        let mut b = format!("000011000001{:012b}", entries.len());
        for &(start, end) in entries {
            match end {
                Some(e) => b.push_str(&format!("1{}{}", fib(start), fib(e))),
                None => b.push_str(&format!("0{}", fib(start))),
            }
        }
        crate::bits::base64url_from_bits(&b)
    }

    #[test]
    fn at_most_64_section_ids_and_none_above_65535() {
        assert_eq!(
            header(&header_of(&[(1, Some(63))])).map(|v| v.len()),
            Ok(64)
        );
        assert_eq!(
            header(&header_of(&[(1, Some(64))])),
            Err(GppError::TooManySections)
        );
        assert_eq!(
            header(&header_of(&[(1, None), (2, Some(61))])).map(|v| v.len()),
            Ok(63)
        );
        assert_eq!(
            header(&header_of(&[(1, None), (2, Some(62))])).map(|v| v.len()),
            Ok(64)
        );
        assert_eq!(
            header(&header_of(&[(1, None), (2, Some(63))])),
            Err(GppError::TooManySections)
        );
        assert_eq!(header(&header_of(&[(65535, None)])), Ok(vec![65535]));
        assert_eq!(
            header(&header_of(&[(65536, None)])),
            Err(GppError::TooManySections)
        );
        assert_eq!(header(&header_of(&[(7, None), (1, None)])), Ok(vec![7, 8]));
        assert_eq!(header(&header_of(&[(6, Some(1))])), Ok(vec![6, 7]));
        // the header of [6, 7] as the reference encoder writes it
        assert_eq!(header_of(&[(6, Some(1))]), "DBABzw");
    }

    #[test]
    fn every_error_has_a_reason() {
        let all = [
            GppError::Header(BitError::Empty),
            GppError::NotGpp,
            GppError::TooManySections,
            GppError::SectionCount {
                listed: 1,
                present: 2,
            },
            GppError::Blank(7),
            GppError::Section {
                id: 2,
                name: "tcfeuv2",
            },
            GppError::Section {
                id: 5,
                name: "tcfcav1",
            },
            GppError::Section {
                id: 6,
                name: "uspv1",
            },
            GppError::Section {
                id: 8,
                name: "usca",
            },
        ];
        let reasons: Vec<_> = all.iter().map(GppError::reason).collect();
        for (i, r) in reasons.iter().enumerate() {
            assert!(!reasons[..i].contains(r), "{r}");
        }
    }
}
