//! ISO 3166-1 alpha-2 country codes: validation for configuration checkers, with hints for
//! the codes people write by mistake (`UK` for `GB`, `EL` for `GR`, alpha-3 codes).

/// The 249 officially assigned ISO 3166-1 alpha-2 codes (ISO 3166 Maintenance Agency, as
/// published in the ISO Online Browsing Platform), sorted.
pub const ISO_ALPHA2: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Whether `code` is an assigned ISO 3166-1 alpha-2 code (either case).
pub fn is_iso_alpha2(code: &str) -> bool {
    let upper = code.to_ascii_uppercase();
    code.len() == 2 && ISO_ALPHA2.binary_search(&upper.as_str()).is_ok()
}

/// Codes that are not ISO 3166-1 alpha-2 but are often written for one, with the code meant:
/// the EU's own abbreviations (`UK`, `EL`) and alpha-3 codes of frequently configured
/// countries.
const HINTS: [(&str, &str); 52] = [
    ("UK", "GB"),
    ("EL", "GR"),
    ("EN", "GB"),
    ("USA", "US"),
    ("GBR", "GB"),
    ("CAN", "CA"),
    ("AUS", "AU"),
    ("NZL", "NZ"),
    ("IRL", "IE"),
    ("DEU", "DE"),
    ("GER", "DE"),
    ("FRA", "FR"),
    ("ESP", "ES"),
    ("ITA", "IT"),
    ("PRT", "PT"),
    ("NLD", "NL"),
    ("BEL", "BE"),
    ("LUX", "LU"),
    ("AUT", "AT"),
    ("CHE", "CH"),
    ("SWE", "SE"),
    ("NOR", "NO"),
    ("DNK", "DK"),
    ("FIN", "FI"),
    ("ISL", "IS"),
    ("LIE", "LI"),
    ("POL", "PL"),
    ("CZE", "CZ"),
    ("SVK", "SK"),
    ("SVN", "SI"),
    ("HRV", "HR"),
    ("HUN", "HU"),
    ("ROU", "RO"),
    ("BGR", "BG"),
    ("GRC", "GR"),
    ("CYP", "CY"),
    ("MLT", "MT"),
    ("EST", "EE"),
    ("LVA", "LV"),
    ("LTU", "LT"),
    ("BRA", "BR"),
    ("MEX", "MX"),
    ("ARG", "AR"),
    ("JPN", "JP"),
    ("KOR", "KR"),
    ("CHN", "CN"),
    ("IND", "IN"),
    ("ZAF", "ZA"),
    ("ISR", "IL"),
    ("TUR", "TR"),
    ("ARE", "AE"),
    ("SGP", "SG"),
];

/// The alpha-2 code probably meant by `code` when it is not one (`UK` -> `GB`, `EL` -> `GR`,
/// `DEU` -> `DE`), either case. `None` when no likely code is known, and for valid codes.
pub fn country_hint(code: &str) -> Option<&'static str> {
    let trimmed = code.trim();
    HINTS
        .iter()
        .find(|(wrong, _)| wrong.eq_ignore_ascii_case(trimmed))
        .map(|&(_, right)| right)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_unique_and_upper_case() {
        assert!(ISO_ALPHA2.windows(2).all(|w| w[0] < w[1]));
        assert!(ISO_ALPHA2
            .iter()
            .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
    }

    #[test]
    fn assigned_codes_in_either_case() {
        for c in ["US", "de", "Gb", "AX", "RE", "JE", "ZW", "AD"] {
            assert!(is_iso_alpha2(c), "{c}");
        }
        for c in [
            "UK", "EL", "XX", "T1", "EU", "XK", "", "U", "USA", "G B", "é",
        ] {
            assert!(!is_iso_alpha2(c), "{c}");
        }
    }

    #[test]
    fn hints_name_the_code_meant() {
        assert_eq!(country_hint("UK"), Some("GB"));
        assert_eq!(country_hint("el"), Some("GR"));
        assert_eq!(country_hint(" deu "), Some("DE"));
        assert_eq!(country_hint("USA"), Some("US"));
        assert_eq!(country_hint("GB"), None);
        assert_eq!(country_hint("ZZ"), None);
        // every hint points at an assigned code, and no hint shadows one
        for (wrong, right) in HINTS {
            assert!(is_iso_alpha2(right), "{right}");
            assert!(!is_iso_alpha2(wrong), "{wrong}");
        }
    }
}
