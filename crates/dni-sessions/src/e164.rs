//! The one E.164 check this crate needs until `dni_numbers::E164` is wired in.

/// `true` when `s` is a canonical E.164 number: `+` then 8 to 15 ASCII digits, the first
/// not `0` (country codes never start with 0). No spaces or separators.
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::is_e164;

    #[test]
    fn accepts_canonical_numbers() {
        assert!(is_e164("+15551234567"));
        assert!(is_e164("+4930123456"));
        assert!(is_e164("+12345678"));
        assert!(is_e164("+123456789012345"));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "+",
            "15551234567",
            "+1 555 123 4567",
            "+1555123456789012",
            "+1234567",
            "+05551234567",
            "+1555123456a",
            "++15551234567",
            "+１５５５１２３４５６７",
        ] {
            assert!(!is_e164(bad), "{bad:?}");
        }
    }
}
