//! Which legal regime applies to a request, from its country.

use serde::Serialize;

/// The consent regime of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// No valid signal means refused (EU/EEA, UK, Switzerland, configured countries, and
    /// every request whose country is unknown: fail closed).
    OptIn,
    /// No valid signal means allowed (GPC still honoured).
    OptOut,
}

impl Regime {
    /// `"opt_in"` or `"opt_out"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::OptIn => "opt_in",
            Regime::OptOut => "opt_out",
        }
    }
}

/// Built-in opt-in countries: the 27 EU member states, the rest of the EEA (IS, LI, NO),
/// the United Kingdom and Switzerland.
pub const OPT_IN_COUNTRIES: [&str; 32] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", // EU 27
    "IS", "LI", "NO", // EEA
    "GB", "CH",
];

/// A normalised ISO 3166 alpha-2 code (upper case), or `None` for an unknown country:
/// missing, empty, Cloudflare's `XX` (unknown) and `T1` (Tor), or anything that is not two
/// ASCII letters.
pub fn normalise_country(country: Option<&str>) -> Option<[u8; 2]> {
    let c = country?.trim().as_bytes();
    match c {
        [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
            let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
            if &code == b"XX" {
                None
            } else {
                Some(code)
            }
        }
        _ => None,
    }
}

/// Whether `code` is one of the built-in opt-in countries.
pub fn is_builtin_opt_in(code: [u8; 2]) -> bool {
    OPT_IN_COUNTRIES.iter().any(|c| c.as_bytes() == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_countries_normalise_to_none() {
        for c in [
            None,
            Some(""),
            Some("XX"),
            Some("xx"),
            Some("T1"),
            Some("USA"),
            Some("1"),
        ] {
            assert_eq!(normalise_country(c), None, "{c:?}");
        }
        assert_eq!(normalise_country(Some("de")), Some(*b"DE"));
    }

    #[test]
    fn builtin_list_has_eu_eea_uk_and_switzerland() {
        for c in ["DE", "FR", "IS", "LI", "NO", "GB", "CH", "HR", "SE"] {
            assert!(is_builtin_opt_in([c.as_bytes()[0], c.as_bytes()[1]]), "{c}");
        }
        for c in ["US", "CA", "BR", "JP"] {
            assert!(
                !is_builtin_opt_in([c.as_bytes()[0], c.as_bytes()[1]]),
                "{c}"
            );
        }
    }
}
