//! Numbering-plan checks on an [`E164`] number, small enough for the worker (wasm) and exact
//! enough for the configuration checker:
//!
//! * the country calling code is an assigned one ([`country`]), and the national significant
//!   number has one of that country's possible lengths ([`check`]): the libphonenumber
//!   "possible length" rule, so `+33 1 23 45 67 8` (8 digits; France has 9) or a UK number
//!   one digit short is caught;
//! * NANP (`+1`) numbers also follow NANPA's structure: area code and exchange code `NXX`
//!   (first digit 2–9), neither an `N11` service code, the area code not in a range reserved
//!   for expansion (`N9X`, `37X`, `96X`);
//! * [`placeholder`] recognises numbers reserved for fiction, which never connect: NANP
//!   `555-0100` to `555-0199`, and Ofcom's drama ranges `020 7946 0xxx`, `01632 960xxx`,
//!   `07700 900xxx`.
//!
//! The length table (one row per country calling code: a bit set of possible national
//! lengths, and the first region using the code) is generated from libphonenumber's metadata
//! (`PhoneNumberMetadata.xml`, release 9.0.43 via the `phonenumbers` Python port:
//! `general_desc.possible_length` of every region sharing the code, local-only lengths
//! excluded). For `+1` it is the NANP's 10 digits.
//!
//! Sources: libphonenumber (github.com/google/libphonenumber, `resources/PhoneNumberMetadata.xml`);
//! NANPA, "NPA Code" and "Central Office Code" assignment guidelines (N11 and reserved codes);
//! NANPA, 555 line numbers 0100–0199 reserved for fictitious use; Ofcom, "Telephone numbers
//! for drama purposes".

use std::fmt;

use crate::E164;

/// `(country calling code, bit set of possible national-number lengths, first region)`,
/// sorted by code. Bit `n` set: a national significant number of `n` digits is possible.
const LENGTHS: &[(u16, u32, &str)] = &[
    (1, 0b0000010000000000, "US"),
    (7, 0b0100010000000000, "RU"),
    (20, 0b0000011100000000, "EG"),
    (27, 0b0000011111100000, "ZA"),
    (30, 0b0001110000000000, "GR"),
    (31, 0b0000111111100000, "NL"),
    (32, 0b0000001100000000, "BE"),
    (33, 0b0000001000000000, "FR"),
    (34, 0b0000001000000000, "ES"),
    (36, 0b0000001100000000, "HU"),
    (39, 0b0001111111000000, "IT"),
    (40, 0b0000001001000000, "RO"),
    (41, 0b0001001000000000, "CH"),
    (43, 0b0011111111110000, "AT"),
    (44, 0b0000011010000000, "GB"),
    (45, 0b0000000100000000, "DK"),
    (46, 0b0001011111000000, "SE"),
    (47, 0b0000000100100000, "NO"),
    (48, 0b0000011111000000, "PL"),
    (49, 0b1111111111110000, "DE"),
    (51, 0b0000001100000000, "PE"),
    (52, 0b0000010000000000, "MX"),
    (53, 0b0000010111000000, "CU"),
    (54, 0b0000110000000000, "AR"),
    (55, 0b0000111100000000, "BR"),
    (56, 0b0000111000000000, "CL"),
    (57, 0b0000110100000000, "CO"),
    (58, 0b0000010000000000, "VE"),
    (60, 0b0000011100000000, "MY"),
    (61, 0b0001011111100000, "AU"),
    (62, 0b111111111110000000, "ID"),
    (63, 0b0011111101000000, "PH"),
    (64, 0b0000011111100000, "NZ"),
    (65, 0b0000110100000000, "SG"),
    (66, 0b0010011100000000, "TH"),
    (81, 0b111111111100000000, "JP"),
    (82, 0b0111111101100000, "KR"),
    (84, 0b0000011110000000, "VN"),
    (86, 0b0001111110000000, "CN"),
    (90, 0b0011010010000000, "TR"),
    (91, 0b0011111100000000, "IN"),
    (92, 0b0001111100000000, "PK"),
    (93, 0b0000001000000000, "AF"),
    (94, 0b0000001000000000, "LK"),
    (95, 0b0000011111000000, "MM"),
    (98, 0b0000010011110000, "IR"),
    (211, 0b0000001000000000, "SS"),
    (212, 0b0000001000000000, "MA"),
    (213, 0b0000001100000000, "DZ"),
    (216, 0b0000000100000000, "TN"),
    (218, 0b0000001000000000, "LY"),
    (220, 0b0000001010000000, "GM"),
    (221, 0b0000001000000000, "SN"),
    (222, 0b0000000100000000, "MR"),
    (223, 0b0000000100000000, "ML"),
    (224, 0b0000001100000000, "GN"),
    (225, 0b0000010000000000, "CI"),
    (226, 0b0000000100000000, "BF"),
    (227, 0b0000000100000000, "NE"),
    (228, 0b0000000100000000, "TG"),
    (229, 0b0000010000000000, "BJ"),
    (230, 0b0000010110000000, "MU"),
    (231, 0b0000001110000000, "LR"),
    (232, 0b0000000100000000, "SL"),
    (233, 0b0000001100000000, "GH"),
    (234, 0b0111110000000000, "NG"),
    (235, 0b0000000100000000, "TD"),
    (236, 0b0000000100000000, "CF"),
    (237, 0b0000001100000000, "CM"),
    (238, 0b0000000010000000, "CV"),
    (239, 0b0000000010000000, "ST"),
    (240, 0b0000001000000000, "GQ"),
    (241, 0b0000000110000000, "GA"),
    (242, 0b0000001000000000, "CG"),
    (243, 0b0000011110000000, "CD"),
    (244, 0b0000001000000000, "AO"),
    (245, 0b0000001010000000, "GW"),
    (246, 0b0000000010000000, "IO"),
    (247, 0b0000000001100000, "AC"),
    (248, 0b0000000010000000, "SC"),
    (249, 0b0000001000000000, "SD"),
    (250, 0b0000001100000000, "RW"),
    (251, 0b0000001000000000, "ET"),
    (252, 0b0000001111000000, "SO"),
    (253, 0b0000000100000000, "DJ"),
    (254, 0b0000011110000000, "KE"),
    (255, 0b0000001000000000, "TZ"),
    (256, 0b0000001000000000, "UG"),
    (257, 0b0000000100000000, "BI"),
    (258, 0b0000001100000000, "MZ"),
    (260, 0b0000001000000000, "ZM"),
    (261, 0b0000001000000000, "MG"),
    (262, 0b0000001000000000, "RE"),
    (263, 0b0000011010000000, "ZW"),
    (264, 0b0000001100000000, "NA"),
    (265, 0b0000001010000000, "MW"),
    (266, 0b0000000100000000, "LS"),
    (267, 0b0000010110000000, "BW"),
    (268, 0b0000001100000000, "SZ"),
    (269, 0b0000000010000000, "KM"),
    (290, 0b0000000000110000, "SH"),
    (291, 0b0000000010000000, "ER"),
    (297, 0b0000000010000000, "AW"),
    (298, 0b0000000001000000, "FO"),
    (299, 0b0000000001000000, "GL"),
    (350, 0b0000000100000000, "GI"),
    (351, 0b0000001000000000, "PT"),
    (352, 0b0000111111110000, "LU"),
    (353, 0b0000011110000000, "IE"),
    (354, 0b0000001010000000, "IS"),
    (355, 0b0000001111000000, "AL"),
    (356, 0b0000000100000000, "MT"),
    (357, 0b0000000100000000, "CY"),
    (358, 0b0001111111100000, "FI"),
    (359, 0b0001001111000000, "BG"),
    (370, 0b0000000100000000, "LT"),
    (371, 0b0000000100000000, "LV"),
    (372, 0b0000010110000000, "EE"),
    (373, 0b0000000100000000, "MD"),
    (374, 0b0000000100000000, "AM"),
    (375, 0b0000111111000000, "BY"),
    (376, 0b0000001101000000, "AD"),
    (377, 0b0000001100000000, "MC"),
    (378, 0b0000010100000000, "SM"),
    (380, 0b0000011000000000, "UA"),
    (381, 0b0001111111000000, "RS"),
    (382, 0b0000001100000000, "ME"),
    (383, 0b0001111100000000, "XK"),
    (385, 0b0000001110000000, "HR"),
    (386, 0b0000000111100000, "SI"),
    (387, 0b0000001100000000, "BA"),
    (389, 0b0000000100000000, "MK"),
    (420, 0b0001111000000000, "CZ"),
    (421, 0b0000001011000000, "SK"),
    (423, 0b0000001010000000, "LI"),
    (500, 0b0000000000100000, "FK"),
    (501, 0b0000100010000000, "BZ"),
    (502, 0b0000100100000000, "GT"),
    (503, 0b0000100110000000, "SV"),
    (504, 0b0000100100000000, "HN"),
    (505, 0b0000000100000000, "NI"),
    (506, 0b0000010100000000, "CR"),
    (507, 0b0000110110000000, "PA"),
    (508, 0b0000001001000000, "PM"),
    (509, 0b0000000100000000, "HT"),
    (590, 0b0000001000000000, "GP"),
    (591, 0b0000001100000000, "BO"),
    (592, 0b0000000010000000, "GY"),
    (593, 0b0000111100000000, "EC"),
    (594, 0b0000001000000000, "GF"),
    (595, 0b0000111111000000, "PY"),
    (596, 0b0000001000000000, "MQ"),
    (597, 0b0000000011000000, "SR"),
    (598, 0b0011111111110000, "UY"),
    (599, 0b0000000110000000, "CW"),
    (670, 0b0000000110000000, "TL"),
    (672, 0b0000000001000000, "NF"),
    (673, 0b0000000010000000, "BN"),
    (674, 0b0000000010000000, "NR"),
    (675, 0b0000000110000000, "PG"),
    (676, 0b0000000010100000, "TO"),
    (677, 0b0000000010100000, "SB"),
    (678, 0b0000000010100000, "VU"),
    (679, 0b0000100010000000, "FJ"),
    (680, 0b0000000010000000, "PW"),
    (681, 0b0000001001000000, "WF"),
    (682, 0b0000000000100000, "CK"),
    (683, 0b0000000010010000, "NU"),
    (685, 0b0000010011100000, "WS"),
    (686, 0b0000000100100000, "KI"),
    (687, 0b0000000001000000, "NC"),
    (688, 0b0000000011100000, "TV"),
    (689, 0b0000001101000000, "PF"),
    (690, 0b0000000011110000, "TK"),
    (691, 0b0000000010000000, "FM"),
    (692, 0b0000000010000000, "MH"),
    (800, 0b0000000100000000, "001"),
    (808, 0b0000000100000000, "001"),
    (850, 0b0000010100000000, "KP"),
    (852, 0b0000101111100000, "HK"),
    (853, 0b0000000110000000, "MO"),
    (855, 0b0000011100000000, "KH"),
    (856, 0b0000011100000000, "LA"),
    (870, 0b0001001000000000, "001"),
    (878, 0b0001000000000000, "001"),
    (880, 0b0000011111000000, "BD"),
    (881, 0b0000011000000000, "001"),
    (882, 0b0001111110000000, "001"),
    (883, 0b0001111100000000, "001"),
    (886, 0b0000111110000000, "TW"),
    (888, 0b0000100000000000, "001"),
    (960, 0b0000010010000000, "MV"),
    (961, 0b0000000110000000, "LB"),
    (962, 0b0000001100000000, "JO"),
    (963, 0b0000001100000000, "SY"),
    (964, 0b0000011100000000, "IQ"),
    (965, 0b0000000110000000, "KW"),
    (966, 0b0000011000000000, "SA"),
    (967, 0b0000001110000000, "YE"),
    (968, 0b0000001110000000, "OM"),
    (970, 0b0000011100000000, "PS"),
    (971, 0b0001111111100000, "AE"),
    (972, 0b0001111110000000, "IL"),
    (973, 0b0000000100000000, "BH"),
    (974, 0b0000101110000000, "QA"),
    (975, 0b0000000110000000, "BT"),
    (976, 0b0000011100000000, "MN"),
    (977, 0b0000110100000000, "NP"),
    (979, 0b0000001000000000, "001"),
    (992, 0b0000001000000000, "TJ"),
    (993, 0b0000000100000000, "TM"),
    (994, 0b0000001000000000, "AZ"),
    (995, 0b0000001000000000, "GE"),
    (996, 0b0000011000000000, "KG"),
    (998, 0b0000001000000000, "UZ"),
];

/// A problem with a number's place in its numbering plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanProblem {
    /// No country uses this calling code.
    UnknownCountryCode,
    /// The national significant number has a length the country never uses.
    NationalLength {
        country_code: u16,
        region: &'static str,
        digits: usize,
        possible: Vec<usize>,
    },
    /// A NANP area code that cannot exist (`0xx`, `1xx`, `N11`, `N9X`, `37X`, `96X`).
    NanpAreaCode { area_code: String },
    /// A NANP exchange (central office) code that cannot exist (`0xx`, `1xx`, `N11`).
    NanpExchange { exchange: String },
}

impl fmt::Display for PlanProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanProblem::UnknownCountryCode => {
                f.write_str("no country uses this calling code")
            }
            PlanProblem::NationalLength {
                country_code,
                region,
                digits,
                possible,
            } => {
                let list = possible
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>();
                let list = match list.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} or {last}", rest.join(", "))
                    }
                    _ => list.join(""),
                };
                write!(
                    f,
                    "{digits} digits after +{country_code}: numbers of +{country_code} ({region}) have {list}"
                )
            }
            PlanProblem::NanpAreaCode { area_code } => write!(
                f,
                "area code {area_code} cannot exist in the NANP (area codes are 2-9 then two digits, not N11, N9X, 37X or 96X)"
            ),
            PlanProblem::NanpExchange { exchange } => write!(
                f,
                "exchange {exchange} cannot exist in the NANP (the 3 digits after the area code start with 2-9 and are not N11)"
            ),
        }
    }
}

impl std::error::Error for PlanProblem {}

/// A number reserved for fiction (films, examples): dialling it never reaches anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// NANP `NXX-555-0100` to `NXX-555-0199`.
    Nanp555,
    /// Ofcom's drama ranges (`020 7946 0xxx`, `01632 960xxx`, `07700 900xxx`).
    UkDrama,
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Placeholder::Nanp555 => "a 555-01xx number, reserved for fiction: it never connects",
            Placeholder::UkDrama => {
                "an Ofcom drama number, reserved for fiction: it never connects"
            }
        })
    }
}

fn row(code: &str) -> Option<&'static (u16, u32, &'static str)> {
    let code: u16 = code.parse().ok()?;
    LENGTHS
        .binary_search_by_key(&code, |r| r.0)
        .ok()
        .and_then(|i| LENGTHS.get(i))
}

/// The number's country calling code and the first region using it (`(44, "GB")`), when
/// the code is assigned.
pub fn country(n: &E164) -> Option<(u16, &'static str)> {
    let digits = n.digits();
    (1..=3)
        .filter_map(|len| digits.get(..len))
        .find_map(row)
        .map(|r| (r.0, r.2))
}

/// Possible national significant number lengths for a country calling code, ascending.
pub fn possible_lengths(country_code: u16) -> Vec<usize> {
    LENGTHS
        .binary_search_by_key(&country_code, |r| r.0)
        .ok()
        .and_then(|i| LENGTHS.get(i))
        .map(|r| (0..32).filter(|b| r.1 & (1 << b) != 0).collect())
        .unwrap_or_default()
}

/// Checks the number against its numbering plan (see the module docs).
pub fn check(n: &E164) -> Result<(), PlanProblem> {
    let digits = n.digits();
    let (code, region, mask) = (1..=3)
        .filter_map(|len| digits.get(..len))
        .find_map(row)
        .map(|r| (r.0, r.2, r.1))
        .ok_or(PlanProblem::UnknownCountryCode)?;
    let national = digits.get(code.to_string().len()..).unwrap_or("");
    let len = national.len();
    if len >= 32 || mask & (1 << len) == 0 {
        return Err(PlanProblem::NationalLength {
            country_code: code,
            region,
            digits: len,
            possible: possible_lengths(code),
        });
    }
    if code == 1 {
        check_nanp(national)?;
    }
    Ok(())
}

/// NANPA structure of a 10-digit NANP national number.
fn check_nanp(national: &str) -> Result<(), PlanProblem> {
    let b = national.as_bytes();
    let (Some(&a0), Some(&a1), Some(&a2)) = (b.first(), b.get(1), b.get(2)) else {
        return Ok(());
    };
    let npa_bad = !(b'2'..=b'9').contains(&a0)
        || (a1 == b'1' && a2 == b'1')
        || a1 == b'9'
        || (a0 == b'3' && a1 == b'7')
        || (a0 == b'9' && a1 == b'6');
    if npa_bad {
        return Err(PlanProblem::NanpAreaCode {
            area_code: national.get(..3).unwrap_or("").to_string(),
        });
    }
    let (Some(&e0), Some(&e1), Some(&e2)) = (b.get(3), b.get(4), b.get(5)) else {
        return Ok(());
    };
    if !(b'2'..=b'9').contains(&e0) || (e1 == b'1' && e2 == b'1') {
        return Err(PlanProblem::NanpExchange {
            exchange: national.get(3..6).unwrap_or("").to_string(),
        });
    }
    Ok(())
}

/// Is this a number reserved for fiction ([`Placeholder`])?
pub fn placeholder(n: &E164) -> Option<Placeholder> {
    let national = n.national_number();
    match n.country_code() {
        "1" if national.get(3..8) == Some("55501") => Some(Placeholder::Nanp555),
        "44" if national.len() == 10
            && ["2079460", "1632960", "7700900"]
                .iter()
                .any(|p| national.starts_with(p)) =>
        {
            Some(Placeholder::UkDrama)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> E164 {
        E164::parse(s).unwrap()
    }

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(LENGTHS.len() > 200);
    }

    #[test]
    fn valid_numbers_pass() {
        // Examples from libphonenumber's metadata (exampleNumber of the fixed-line type).
        for ok in [
            "+12015550123", // US
            "+442079460018",
            "+441212345678", // GB
            "+33123456789",  // FR
            "+4930123456",   // DE
            "+390212345678", // IT (leading 0 belongs to the number)
            "+35312345678",  // IE
            "+61212345678",  // AU
            "+525512345678", // MX
            "+8613123456789",
        ] {
            assert_eq!(check(&n(ok)), Ok(()), "{ok}");
        }
    }

    #[test]
    fn wrong_national_lengths_are_caught() {
        // France has 9 national digits, the UK 7, 9 or 10, Denmark 8.
        let e = check(&n("+3312345678")).unwrap_err();
        assert_eq!(
            e,
            PlanProblem::NationalLength {
                country_code: 33,
                region: "FR",
                digits: 8,
                possible: vec![9],
            }
        );
        assert!(e.to_string().contains("+33 (FR) have 9"), "{e}");
        // A London number one digit short has 9 digits, which UK freephone numbers also have:
        // possible lengths cannot catch it; two short can.
        assert_eq!(check(&n("+44207946001")), Ok(()));
        let uk = check(&n("+4420794600")).unwrap_err();
        assert!(uk.to_string().contains("have 7, 9 or 10"), "{uk}");
        assert!(check(&n("+451234567")).is_err());
        assert!(check(&n("+45123456789")).is_err());
    }

    #[test]
    fn unassigned_country_codes_are_caught() {
        // 210 and 42x lie in 3-digit blocks but are not assigned.
        assert_eq!(
            check(&n("+2101234567")),
            Err(PlanProblem::UnknownCountryCode)
        );
        assert_eq!(country(&n("+4212345678")), Some((421, "SK")));
        assert_eq!(
            check(&n("+4221234567")),
            Err(PlanProblem::UnknownCountryCode)
        );
        assert_eq!(country(&n("+442079460018")), Some((44, "GB")));
        assert_eq!(country(&n("+15035550142")), Some((1, "US")));
    }

    #[test]
    fn nanp_structure() {
        assert_eq!(
            check(&n("+10235550142")),
            Err(PlanProblem::NanpAreaCode {
                area_code: "023".into()
            })
        );
        for bad_npa in [
            "+19115550142",
            "+12915550142",
            "+13755550142",
            "+19655550142",
        ] {
            assert!(
                matches!(check(&n(bad_npa)), Err(PlanProblem::NanpAreaCode { .. })),
                "{bad_npa}"
            );
        }
        assert_eq!(
            check(&n("+15031550142")),
            Err(PlanProblem::NanpExchange {
                exchange: "155".into()
            })
        );
        assert!(matches!(
            check(&n("+15034110142")),
            Err(PlanProblem::NanpExchange { .. })
        ));
        assert_eq!(check(&n("+18005550199")), Ok(()));
        assert_eq!(check(&n("+15035550199")), Ok(()));
        // Only the documented exclusions are refused (NANPA: NPA and central office codes are
        // NXX, not N11; NPAs not N9X, 37X or 96X; https://nationalnanpa.com/area_codes/index.html):
        // area codes starting with 3 (Chicago 312) or 9 (New York 917), with 7 second (Portland
        // 971) or 6 second (Dallas 469) are fine, and so is an exchange with one `1` (212, 251).
        for ok in [
            "+13125550142",
            "+19715550142",
            "+19175550142",
            "+14695550142",
            "+15032120142",
            "+15032510142",
        ] {
            assert_eq!(check(&n(ok)), Ok(()), "{ok}");
        }
    }

    #[test]
    fn placeholders() {
        assert_eq!(placeholder(&n("+15035550199")), Some(Placeholder::Nanp555));
        assert_eq!(placeholder(&n("+12125550100")), Some(Placeholder::Nanp555));
        assert_eq!(placeholder(&n("+15035550200")), None);
        assert_eq!(placeholder(&n("+15035551212")), None);
        assert_eq!(placeholder(&n("+442079460018")), Some(Placeholder::UkDrama));
        assert_eq!(placeholder(&n("+447700900123")), Some(Placeholder::UkDrama));
        assert_eq!(placeholder(&n("+441632960001")), Some(Placeholder::UkDrama));
        assert_eq!(placeholder(&n("+442071234567")), None);
        assert_eq!(placeholder(&n("+33123456789")), None);
    }

    #[test]
    fn placeholders_explain_themselves() {
        assert_eq!(
            Placeholder::Nanp555.to_string(),
            "a 555-01xx number, reserved for fiction: it never connects"
        );
        assert_eq!(
            Placeholder::UkDrama.to_string(),
            "an Ofcom drama number, reserved for fiction: it never connects"
        );
    }

    #[test]
    fn possible_lengths_lists() {
        assert_eq!(possible_lengths(44), vec![7, 9, 10]);
        assert_eq!(possible_lengths(1), vec![10]);
        assert_eq!(possible_lengths(999), Vec::<usize>::new());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(digits in "[0-9]{7,14}") {
            if let Ok(num) = E164::parse(&format!("+{digits}")) {
                let _ = check(&num).map_err(|e| e.to_string());
                let _ = placeholder(&num);
                let _ = country(&num);
            }
        }
    }
}
