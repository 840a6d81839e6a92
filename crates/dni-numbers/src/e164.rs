//! [`E164`]: a validated international phone number.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::country::country_code_len;

/// A phone number in E.164 form: `+`, a known country code, 8 to 15 digits in total.
///
/// Small and `Copy` (no heap). The NANP (`+1`) additionally requires exactly 10 national
/// digits. Serialises as its string form (`"+15551234567"`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct E164 {
    /// `+` followed by the digits; only `len` bytes are meaningful.
    buf: [u8; 16],
    len: u8,
    cc_len: u8,
}

/// Why a string is not an [`E164`] number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseE164Error {
    /// The string does not start with `+`.
    MissingPlus,
    /// A character other than an ASCII digit after the `+` (at this byte offset).
    InvalidCharacter { ch: char, offset: usize },
    /// Fewer than 8 or more than 15 digits.
    Length { digits: usize },
    /// The leading digits are not an assigned country code.
    UnknownCountryCode,
    /// A `+1` number whose national part is not 10 digits.
    NanpLength { national_digits: usize },
}

impl fmt::Display for ParseE164Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingPlus => write!(
                f,
                "an E.164 number starts with `+` and the country code, e.g. `+15551234567`"
            ),
            Self::InvalidCharacter { ch, offset } => write!(
                f,
                "unexpected {ch:?} at offset {offset}: write only digits after `+`, without spaces or dashes"
            ),
            Self::Length { digits } => {
                write!(f, "{digits} digits: an E.164 number has 8 to 15 digits")
            }
            Self::UnknownCountryCode => write!(f, "the leading digits are not a country code"),
            Self::NanpLength { national_digits } => write!(
                f,
                "a +1 (NANP) number has 10 digits after the 1, not {national_digits}"
            ),
        }
    }
}

impl std::error::Error for ParseE164Error {}

impl E164 {
    /// Parses `+` followed by 8..=15 digits (no separators).
    pub fn parse(s: &str) -> Result<Self, ParseE164Error> {
        let digits = s.strip_prefix('+').ok_or(ParseE164Error::MissingPlus)?;
        if let Some((i, ch)) = digits.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(ParseE164Error::InvalidCharacter { ch, offset: i + 1 });
        }
        Self::from_digits(digits.as_bytes())
    }

    /// Builds a number from its digits (country code first, no `+`).
    pub(crate) fn from_digits(digits: &[u8]) -> Result<Self, ParseE164Error> {
        if !(8..=15).contains(&digits.len()) {
            return Err(ParseE164Error::Length {
                digits: digits.len(),
            });
        }
        let cc_len = country_code_len(digits).ok_or(ParseE164Error::UnknownCountryCode)?;
        if digits.first() == Some(&b'1') && digits.len() != 11 {
            return Err(ParseE164Error::NanpLength {
                national_digits: digits.len() - 1,
            });
        }
        let mut buf = [0u8; 16];
        for (slot, b) in buf.iter_mut().zip(std::iter::once(&b'+').chain(digits)) {
            *slot = *b;
        }
        Ok(E164 {
            buf,
            len: digits.len() as u8 + 1,
            cc_len: cc_len as u8,
        })
    }

    /// The number as written in E.164: `+15551234567`.
    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored.
        let bytes = self.buf.get(..usize::from(self.len)).unwrap_or(b"+");
        std::str::from_utf8(bytes).unwrap_or("+")
    }

    /// All digits without the `+`: `15551234567`.
    pub fn digits(&self) -> &str {
        self.as_str().get(1..).unwrap_or("")
    }

    /// The country calling code: `1`, `44`, `353`.
    pub fn country_code(&self) -> &str {
        self.digits().get(..self.cc_len as usize).unwrap_or("")
    }

    /// The national significant number (digits after the country code): `5551234567`.
    pub fn national_number(&self) -> &str {
        self.digits().get(self.cc_len as usize..).unwrap_or("")
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E164({})", self.as_str())
    }
}

/// Compares with the canonical string form (`"+15551234567"`).
impl PartialEq<str> for E164 {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// Compares with the canonical string form (`"+15551234567"`).
impl PartialEq<&str> for E164 {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl FromStr for E164 {
    type Err = ParseE164Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        E164::parse(s)
    }
}

impl Serialize for E164 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for E164 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        dni_common::de::parse_str(deserializer, |s| {
            E164::parse(s).map_err(|e| format!("`{s}`: {e}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_splits_nanp() {
        let n = E164::parse("+15551234567").unwrap();
        assert_eq!(n.as_str(), "+15551234567");
        assert_eq!(n.to_string(), "+15551234567");
        assert_eq!(n.country_code(), "1");
        assert_eq!(n.national_number(), "5551234567");
    }

    #[test]
    fn parses_uk_and_irish() {
        let uk = E164::parse("+442079460018").unwrap();
        assert_eq!(
            (uk.country_code(), uk.national_number()),
            ("44", "2079460018")
        );
        let ie = E164::parse("+35312345678").unwrap();
        assert_eq!(ie.country_code(), "353");
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!(E164::parse("15551234567"), Err(ParseE164Error::MissingPlus));
        assert_eq!(
            E164::parse("+1 555 123 4567"),
            Err(ParseE164Error::InvalidCharacter { ch: ' ', offset: 2 })
        );
        assert_eq!(
            E164::parse("+4412"),
            Err(ParseE164Error::Length { digits: 4 })
        );
        assert_eq!(
            E164::parse("+4412345678901234"),
            Err(ParseE164Error::Length { digits: 16 })
        );
        assert_eq!(
            E164::parse("+0123456789"),
            Err(ParseE164Error::UnknownCountryCode)
        );
        assert_eq!(
            E164::parse("+28123456789"),
            Err(ParseE164Error::UnknownCountryCode)
        );
        assert_eq!(
            E164::parse("+1555123456"),
            Err(ParseE164Error::NanpLength { national_digits: 9 })
        );
        assert_eq!(E164::parse(""), Err(ParseE164Error::MissingPlus));
        assert!(E164::parse("+١٢٣٤٥٦٧٨٩").is_err());
    }

    #[test]
    fn debug_and_string_comparisons_use_the_e164_form() {
        let n = E164::parse("+15035550142").unwrap();
        assert_eq!(format!("{n:?}"), "E164(+15035550142)");
        assert!(<E164 as PartialEq<str>>::eq(&n, "+15035550142"));
        assert!(!<E164 as PartialEq<str>>::eq(&n, "+15035550143"));
        assert!(<E164 as PartialEq<&str>>::eq(&n, &"+15035550142"));
        assert!(!<E164 as PartialEq<&str>>::eq(&n, &"+15035550143"));
        // Only the canonical form compares equal: not the digits alone, not a printed form.
        assert!(!<E164 as PartialEq<&str>>::eq(&n, &"15035550142"));
        assert!(!<E164 as PartialEq<str>>::eq(&n, "+1 503 555 0142"));
    }

    #[test]
    fn error_messages_are_helpful() {
        let e = E164::parse("+1 555").unwrap_err().to_string();
        assert!(e.contains("without spaces"), "{e}");
    }

    #[test]
    fn serde_as_string() {
        let n: E164 = serde_json::from_str("\"+33123456789\"").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"+33123456789\"");
        let err = serde_json::from_str::<E164>("\"555\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`555`"), "{err}");
    }
}
