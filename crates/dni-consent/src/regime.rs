//! Which legal regime applies to a request, from its country and state.

use serde::Serialize;

/// The consent regime of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// No valid signal means refused (EU/EEA and their territories, UK and the Crown
    /// Dependencies, Switzerland, configured countries and states, and every request
    /// whose country is unknown: fail closed).
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

/// Built-in opt-in countries:
/// * the 27 EU member states and the rest of the EEA (IS, LI, NO);
/// * EU territories Cloudflare reports under a code of their own: the French outermost
///   regions, part of the EU (RE Réunion, GP Guadeloupe, MQ Martinique, GF French Guiana,
///   YT Mayotte, MF Saint-Martin), Åland (AX), and the French collectivities
///   Saint-Barthélemy (BL) and Saint-Pierre-et-Miquelon (PM), which apply French law
///   (including the CNIL's cookie rules) although outside the EU;
/// * the United Kingdom (UK GDPR and PECR) and Switzerland (revFADP);
/// * Gibraltar (GI: Gibraltar GDPR), Jersey (JE: Data Protection (Jersey) Law 2018),
///   Guernsey (GG: Data Protection (Bailiwick of Guernsey) Law 2017) and the Isle of Man
///   (IM: GDPR and LED Implementing Regulations 2018): each applies a GDPR-equivalent law
///   with an EU adequacy decision, so they are treated like the UK (opt-in). A site
///   that disagrees lists them in `opt_out_countries`.
pub const OPT_IN_COUNTRIES: [&str; 45] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", // EU 27
    "IS", "LI", "NO", // EEA
    "RE", "GP", "MQ", "GF", "YT", "MF", "AX", "BL", "PM", // EU and French territories
    "GB", "CH", // UK, Switzerland
    "GI", "JE", "GG", "IM", // Gibraltar, Crown Dependencies
];

/// A normalised ISO 3166 alpha-2 code (upper case), or `None` for an unknown country:
/// missing, empty, Cloudflare's `XX` (unknown) and `T1` (Tor), or anything that is not two
/// ASCII letters.
pub fn normalise_country(country: Option<&str>) -> Option<[u8; 2]> {
    let c = country?.trim().as_bytes();
    match c {
        [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
            let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
            (&code != b"XX").then_some(code)
        }
        _ => None,
    }
}

/// Whether `code` is one of the built-in opt-in countries.
pub fn is_builtin_opt_in(code: [u8; 2]) -> bool {
    OPT_IN_COUNTRIES.iter().any(|c| c.as_bytes() == code)
}

/// An ISO 3166-2 subdivision code without its country prefix (`CA` of `US-CA`): one to
/// three ASCII letters or digits, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    code: [u8; 3],
    len: usize,
}

impl Region {
    /// Parses `request.cf.regionCode` (`CA`) or a full ISO 3166-2 code (`US-CA`) whose
    /// country part is `country`. `None` for anything else.
    pub fn parse(region: &str, country: Option<[u8; 2]>) -> Option<Region> {
        let mut r = region.trim();
        if let Some((prefix, rest)) = r.split_once('-') {
            if country.is_none_or(|c| !prefix.as_bytes().eq_ignore_ascii_case(&c)) {
                return None;
            }
            r = rest;
        }
        let bytes = r.as_bytes();
        if bytes.is_empty() || bytes.len() > 3 || !bytes.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        let mut code = [0u8; 3];
        for (slot, b) in code.iter_mut().zip(bytes) {
            *slot = b.to_ascii_uppercase();
        }
        Some(Region {
            code,
            len: bytes.len(),
        })
    }

    /// The code, upper case.
    pub fn as_str(&self) -> &str {
        self.code
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

/// Where a request comes from: `request.cf.country` and `request.cf.regionCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    country: Option<[u8; 2]>,
    region: Option<Region>,
}

impl Location {
    /// Normalises the country (see [`normalise_country`]) and the region (see
    /// [`Region::parse`]).
    pub fn new(country: Option<&str>, region: Option<&str>) -> Location {
        let country = normalise_country(country);
        Location {
            country,
            region: region.and_then(|r| Region::parse(r, country)),
        }
    }

    /// The country code, when known.
    pub fn country(&self) -> Option<&str> {
        self.country
            .as_ref()
            .and_then(|c| std::str::from_utf8(c).ok())
    }

    /// The country code as bytes, when known.
    pub fn country_code(&self) -> Option<[u8; 2]> {
        self.country
    }

    /// The subdivision code, when known.
    pub fn region(&self) -> Option<&str> {
        self.region.as_ref().map(Region::as_str)
    }

    /// Whether the request comes from subdivision `region` of `country` (both upper case,
    /// e.g. `US`, `CA`).
    pub fn is_in(&self, country: &str, region: &str) -> bool {
        self.country() == Some(country) && self.region() == Some(region)
    }
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
            Some("1A"),
            Some("A1"),
        ] {
            assert_eq!(normalise_country(c), None, "{c:?}");
        }
        assert_eq!(normalise_country(Some("de")), Some(*b"DE"));
        assert_eq!(normalise_country(Some(" us ")), Some(*b"US"));
    }

    #[test]
    fn builtin_list_has_eu_eea_territories_uk_and_switzerland() {
        for c in [
            "DE", "FR", "IS", "LI", "NO", "GB", "CH", "HR", "SE", "RE", "GP", "MQ", "GF", "YT",
            "MF", "BL", "PM", "AX", "GI", "JE", "GG", "IM",
        ] {
            assert!(is_builtin_opt_in([c.as_bytes()[0], c.as_bytes()[1]]), "{c}");
        }
        for c in ["US", "CA", "BR", "JP", "NC", "PF"] {
            assert!(
                !is_builtin_opt_in([c.as_bytes()[0], c.as_bytes()[1]]),
                "{c}"
            );
        }
        assert!(OPT_IN_COUNTRIES
            .iter()
            .all(|c| dni_common::country::is_iso_alpha2(c)));
    }

    #[test]
    fn regions_parse_with_or_without_their_country() {
        let us = Some(*b"US");
        assert_eq!(Region::parse("ca", us).unwrap().as_str(), "CA");
        assert_eq!(Region::parse("US-CA", us).unwrap().as_str(), "CA");
        assert_eq!(
            Region::parse(" eng ", Some(*b"GB")).unwrap().as_str(),
            "ENG"
        );
        assert_eq!(Region::parse("75", Some(*b"FR")).unwrap().as_str(), "75");
        for bad in ["", "CAXX", "C A", "FR-CA", "-", "US-", "é"] {
            assert_eq!(Region::parse(bad, us), None, "{bad}");
        }
        assert_eq!(Region::parse("US-CA", None), None);
        assert_eq!(Region::parse("CA", None).unwrap().as_str(), "CA");
    }

    #[test]
    fn location_reports_its_parts() {
        let l = Location::new(Some("us"), Some("ca"));
        assert_eq!((l.country(), l.region()), (Some("US"), Some("CA")));
        assert!(l.is_in("US", "CA"));
        assert!(!l.is_in("US", "VA"));
        assert!(!l.is_in("CA", "CA"));
        let unknown = Location::new(Some("XX"), None);
        assert_eq!((unknown.country(), unknown.region()), (None, None));
        assert_eq!(unknown.country_code(), None);
        assert_eq!(
            Location::new(Some("DE"), Some("BY")).country_code(),
            Some(*b"DE")
        );
        assert_eq!(Regime::OptIn.as_str(), "opt_in");
        assert_eq!(Regime::OptOut.as_str(), "opt_out");
    }
}
