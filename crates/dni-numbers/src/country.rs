//! Country-level facts needed to read and print numbers: country-code length, the national
//! trunk prefix, and a standard digit grouping.
//!
//! This is deliberately small (no full numbering plan): the country code is recognised from
//! the ITU-T E.164 assignment (1-digit `1` and `7`, the assigned 2-digit codes, and the
//! 3-digit code blocks); the trunk prefix table lists the exceptions to "trunk prefix `0`".

/// Assigned 2-digit country codes.
const TWO_DIGIT: &[u8] = &[
    20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56,
    57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
];

/// First two digits of the 3-digit country-code blocks (`21x`, `22x`, ...).
const THREE_DIGIT_BLOCKS: &[u8] = &[
    21, 22, 23, 24, 25, 26, 29, 35, 37, 38, 42, 50, 59, 67, 68, 69, 80, 85, 87, 88, 96, 97, 99,
];

/// Country codes whose national numbers are dialled without a trunk prefix (the leading
/// digits, if any, belong to the number itself, e.g. Italy's `06`).
const NO_TRUNK: &[&str] = &[
    "30", "34", "39", "45", "47", "48", "65", "297", "298", "299", "351", "352", "354", "356",
    "357", "371", "372", "376", "378", "420", "852", "853", "965", "968", "973", "974",
];

/// Length of the country code at the start of `digits` (ASCII digits, no `+`), or `None`
/// when the leading digits are not an assigned country code (`0`, `28`, `83`, `89`).
pub(crate) fn country_code_len(digits: &[u8]) -> Option<usize> {
    let d0 = *digits.first()?;
    match d0 {
        b'1' | b'7' => return Some(1),
        b'2'..=b'9' => {}
        _ => return None,
    }
    let d1 = *digits.get(1)?;
    if !d1.is_ascii_digit() {
        return None;
    }
    let two = (d0 - b'0') * 10 + (d1 - b'0');
    if TWO_DIGIT.contains(&two) {
        Some(2)
    } else if THREE_DIGIT_BLOCKS.contains(&two) && digits.len() >= 3 {
        Some(3)
    } else {
        None
    }
}

/// How a country's numbers are written nationally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NationalRules {
    /// The trunk prefix dialled before the national significant number, if any
    /// (`0` in most of Europe, `8` in Russia, `06` in Hungary, `1` in the NANP).
    pub trunk: Option<&'static str>,
    /// Whether the national significant number alone is also a national form
    /// (NANP: `555 123 4567`; countries without a trunk prefix).
    pub bare: bool,
    /// Whether the trunk prefix may appear after the country code in an international form,
    /// as in the UK's `+44 (0)20 ...` (not for the NANP).
    pub trunk_after_country_code: bool,
}

/// National writing rules for a number: its country's ([`national_rules`]), except for
/// national numbers dialled without the trunk prefix although the country has one:
/// Australia's `13`, `1300` and `1800` numbers (ACMA, Telecommunications Numbering Plan 2015,
/// Schedule 1: "local rate" and "freephone" numbers, dialled `13 xx xx`, `1300 xxx xxx`,
/// `1800 xxx xxx` with no `0`); and national numbers printed both with and without the
/// trunk prefix: India's mobiles (10 digits starting 6 to 9 in TRAI's National Numbering
/// Plan, dialled with the `0` only from a landline, and printed `98765 43210` as often as
/// `098765 43210`).
pub(crate) fn number_rules(cc: &str, nsn: &str) -> NationalRules {
    if cc == "61" && nsn.starts_with('1') {
        return NationalRules {
            trunk: None,
            bare: true,
            trunk_after_country_code: false,
        };
    }
    if is_indian_mobile(cc, nsn) {
        return NationalRules {
            bare: true,
            ..national_rules(cc)
        };
    }
    national_rules(cc)
}

/// An Indian mobile number: country code 91, 10 digits starting 6, 7, 8 or 9.
fn is_indian_mobile(cc: &str, nsn: &str) -> bool {
    cc == "91" && nsn.len() == 10 && matches!(nsn.as_bytes().first(), Some(b'6'..=b'9'))
}

/// National writing rules for a country code.
pub(crate) fn national_rules(cc: &str) -> NationalRules {
    match cc {
        "1" => NationalRules {
            trunk: Some("1"),
            bare: true,
            trunk_after_country_code: false,
        },
        "7" => NationalRules {
            trunk: Some("8"),
            bare: false,
            trunk_after_country_code: false,
        },
        "36" => NationalRules {
            trunk: Some("06"),
            bare: false,
            trunk_after_country_code: false,
        },
        _ if NO_TRUNK.contains(&cc) => NationalRules {
            trunk: None,
            bare: true,
            trunk_after_country_code: false,
        },
        _ => NationalRules {
            trunk: Some("0"),
            bare: false,
            trunk_after_country_code: true,
        },
    }
}

/// Group sizes for printing a national significant number `nsn` of country `cc`.
///
/// NANP `3-3-4`; France `1-2-2-2-2`; UK London-style `2-4-4` (`20 ...`), `4-6` for `1...`
/// and `7...`, else `3-3-4`; UK 9 digits `3-6` (`800 123456`); Australia `4-3-3` (`1300`),
/// `2-2-2` (`13`), `1-4-4` (area codes); any other length: threes then a final four (or two
/// fours).
pub(crate) fn standard_groups(cc: &str, nsn: &str) -> Vec<usize> {
    let n = nsn.len();
    let first = nsn.as_bytes().first().copied().unwrap_or(b'0');
    match (cc, n) {
        ("1", 10) => return vec![3, 3, 4],
        ("33", 9) => return vec![1, 2, 2, 2, 2],
        ("44", 10) => {
            return match first {
                b'2' => vec![2, 4, 4],
                b'1' | b'7' => vec![4, 6],
                _ => vec![3, 3, 4],
            }
        }
        ("44", 9) => return vec![3, 6],
        // Australia: `1300 346 227`, `13 12 34`, `02 9876 5432`, `0412 345 678`.
        ("61", 10) if first == b'1' => return vec![4, 3, 3],
        ("61", 6) => return vec![2, 2, 2],
        ("61", 9) if first != b'4' => return vec![1, 4, 4],
        // Indian mobiles: `98765 43210` (operator and circle, then subscriber).
        ("91", 10) if is_indian_mobile(cc, nsn) => return vec![5, 5],
        _ => {}
    }
    if n <= 4 {
        return vec![n];
    }
    let mut groups = Vec::new();
    let tail: &[usize] = match n % 3 {
        0 => &[3],
        1 => &[4],
        _ if n >= 8 => &[4, 4],
        _ => &[n],
    };
    let tail_len: usize = tail.iter().sum();
    let mut rest = n - tail_len;
    while rest >= 3 {
        groups.push(3);
        rest -= 3;
    }
    if rest > 0 {
        groups.push(rest);
    }
    groups.extend_from_slice(tail);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_code_lengths() {
        assert_eq!(country_code_len(b"15551234567"), Some(1));
        assert_eq!(country_code_len(b"74951234567"), Some(1));
        assert_eq!(country_code_len(b"442079460018"), Some(2));
        assert_eq!(country_code_len(b"33123456789"), Some(2));
        assert_eq!(country_code_len(b"353123456789"), Some(3));
        assert_eq!(country_code_len(b"0123456789"), None);
        assert_eq!(country_code_len(b"281234567"), None);
        assert_eq!(country_code_len(b""), None);
    }

    #[test]
    fn trunk_rules() {
        assert_eq!(national_rules("44").trunk, Some("0"));
        assert!(national_rules("44").trunk_after_country_code);
        assert_eq!(national_rules("39").trunk, None);
        assert!(national_rules("39").bare);
        assert_eq!(national_rules("1").trunk, Some("1"));
        assert!(national_rules("1").bare);
        assert_eq!(national_rules("7").trunk, Some("8"));
        assert_eq!(number_rules("61", "1300346227").trunk, None);
        assert!(number_rules("61", "131234").bare);
        assert_eq!(number_rules("61", "298765432").trunk, Some("0"));
        assert_eq!(number_rules("44", "8001234567").trunk, Some("0"));
        // Indian mobiles are printed with or without the trunk 0; other Indian numbers
        // (a Delhi landline `011 2337 8795`) and other countries' 10 digits keep the trunk.
        let mobile = number_rules("91", "9876543210");
        assert_eq!((mobile.trunk, mobile.bare), (Some("0"), true));
        assert!(number_rules("91", "6000012345").bare);
        assert!(!number_rules("91", "1123378795").bare);
        assert!(!number_rules("91", "987654321").bare);
        assert!(!number_rules("91", "98765432101").bare);
        assert!(!number_rules("44", "7700900123").bare);
        assert!(!number_rules("92", "3001234567").bare);
    }

    #[test]
    fn groupings_cover_every_digit() {
        for n in 1..=14 {
            let nsn = "9".repeat(n);
            assert_eq!(
                standard_groups("49", &nsn).iter().sum::<usize>(),
                n,
                "n={n}"
            );
        }
        assert_eq!(standard_groups("44", "2079460018"), vec![2, 4, 4]);
        assert_eq!(standard_groups("33", "123456789"), vec![1, 2, 2, 2, 2]);
        assert_eq!(standard_groups("49", "3012345678"), vec![3, 3, 4]);
        assert_eq!(standard_groups("49", "30123456"), vec![4, 4]);
        // A length divisible by three is threes only: 9 digits `123 456 789`, not `1 2345 6789`.
        assert_eq!(standard_groups("49", "301234567"), vec![3, 3, 3]);
        assert_eq!(standard_groups("49", "301234"), vec![3, 3]);
        // UK 10-digit numbers starting 1 or 7 (area codes like 0121, mobiles 07xxx) are 4-6;
        // Ofcom's drama mobile range `07700 900xxx` (https://www.ofcom.org.uk/phones-and-broadband/phone-numbers/numbers-for-drama).
        assert_eq!(standard_groups("44", "7700900123"), vec![4, 6]);
        assert_eq!(standard_groups("44", "1212345678"), vec![4, 6]);
        assert_eq!(standard_groups("44", "8001234567"), vec![3, 3, 4]);
    }

    #[test]
    fn australian_groupings_follow_the_leading_digit() {
        // 1300 numbers `1300 966 656` (yomojo.com.au), 13 numbers `13 10 87`
        // (westernpower.com.au), geographic `2 6219 5555` (ACMA Annual report 2011-12).
        assert_eq!(standard_groups("61", "1300966656"), vec![4, 3, 3]);
        assert_eq!(standard_groups("61", "131087"), vec![2, 2, 2]);
        assert_eq!(standard_groups("61", "262195555"), vec![1, 4, 4]);
        // Mobiles (9 digits starting 4) are threes: `412 345 678` (printed `0412 345 678`).
        assert_eq!(standard_groups("61", "412345678"), vec![3, 3, 3]);
        // Australian national numbers of 10 digits all start with 1 (1300/1800/1900, ACMA
        // Telecommunications Numbering Plan 2015): any other 10 digits (a geographic number
        // with a digit too many) get the generic grouping, not the 1300 one.
        assert_eq!(standard_groups("61", "2621955550"), vec![3, 3, 4]);
    }

    #[test]
    fn indian_mobiles_are_grouped_in_fives() {
        // IndianOil's LPG booking number "77189 55555" (westerntimesnews.in).
        assert_eq!(standard_groups("91", "7718955555"), vec![5, 5]);
        assert_eq!(standard_groups("91", "1123378795"), vec![3, 3, 4]);
    }

    #[test]
    fn hungary_dials_06_nationally() {
        // Hungary's trunk prefix is `06` (ITU-T E.164 national dialling plan of Hungary:
        // "06" + area code + subscriber number), never written after +36.
        let hu = national_rules("36");
        assert_eq!(hu.trunk, Some("06"));
        assert!(!hu.bare);
        assert!(!hu.trunk_after_country_code);
        assert_eq!(national_rules("49").trunk, Some("0"));
    }
}
