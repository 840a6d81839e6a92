//! Cookie-name patterns: `name` (exact), `prefix*` (prefix), `prefix{digits}` (prefix followed
//! by one or more ASCII digits and nothing else). Names are case-sensitive, like cookies.

use std::fmt;

use dni_common::is_tchar;

/// Placeholder that ends a `prefix{digits}` pattern.
const DIGITS: &str = "{digits}";

/// A parsed cookie-name pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CookiePattern {
    /// `__ctmid`: exactly this name.
    Exact(String),
    /// `calltrk_*`: any name starting with the prefix (the prefix itself included).
    Prefix(String),
    /// `ct{digits}`: the prefix followed by one or more ASCII digits (`ct12345`, not `ct`,
    /// `ct1a` or `ctx`).
    PrefixDigits(String),
}

/// Why a cookie pattern was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CookiePatternError {
    /// The pattern is empty.
    Empty,
    /// `*` or `{digits}` alone would match every cookie.
    MatchesEverything,
    /// `*` somewhere other than at the end.
    MisplacedWildcard,
    /// A character that cannot appear in a cookie name.
    InvalidChar(char),
}

impl fmt::Display for CookiePatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CookiePatternError::Empty => f.write_str("empty cookie pattern"),
            CookiePatternError::MatchesEverything => {
                f.write_str("pattern would match every cookie (session, CSRF, cart...)")
            }
            CookiePatternError::MisplacedWildcard => {
                f.write_str("`*` is only allowed at the end of a cookie pattern")
            }
            CookiePatternError::InvalidChar(c) => {
                write!(f, "character {c:?} cannot appear in a cookie name")
            }
        }
    }
}

impl std::error::Error for CookiePatternError {}

impl CookiePattern {
    /// Parses `name`, `prefix*` or `prefix{digits}`.
    pub fn parse(pattern: &str) -> Result<Self, CookiePatternError> {
        if pattern.is_empty() {
            return Err(CookiePatternError::Empty);
        }
        let (literal, build): (&str, fn(String) -> CookiePattern) =
            if let Some(p) = pattern.strip_suffix(DIGITS) {
                (p, CookiePattern::PrefixDigits)
            } else if let Some(p) = pattern.strip_suffix('*') {
                (p, CookiePattern::Prefix)
            } else {
                (pattern, CookiePattern::Exact)
            };
        if literal.is_empty() {
            return Err(CookiePatternError::MatchesEverything);
        }
        if literal.contains('*') {
            return Err(CookiePatternError::MisplacedWildcard);
        }
        if let Some(c) = literal
            .chars()
            .find(|c| !c.is_ascii() || !is_tchar(*c as u8))
        {
            return Err(CookiePatternError::InvalidChar(c));
        }
        Ok(build(literal.to_owned()))
    }

    /// Whether `name` (exactly as sent, case-sensitive) matches.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            CookiePattern::Exact(n) => name == n,
            CookiePattern::Prefix(p) => name.starts_with(p.as_str()),
            CookiePattern::PrefixDigits(p) => name
                .strip_prefix(p.as_str())
                .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())),
        }
    }

    /// The literal part (name or prefix).
    pub fn literal(&self) -> &str {
        match self {
            CookiePattern::Exact(s) | CookiePattern::Prefix(s) | CookiePattern::PrefixDigits(s) => {
                s
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> CookiePattern {
        CookiePattern::parse(s).unwrap()
    }

    #[test]
    fn literal_is_the_name_or_the_prefix() {
        assert_eq!(p("__ctmid").literal(), "__ctmid");
        assert_eq!(p("calltrk_*").literal(), "calltrk_");
        assert_eq!(p("ct{digits}").literal(), "ct");
    }

    #[test]
    fn exact_matches_only_the_name_case_sensitively() {
        assert!(p("__ctmid").matches("__ctmid"));
        assert!(!p("__ctmid").matches("ctmid"));
        assert!(!p("__ctmid").matches("__ctmid2"));
        assert!(!p("__ctmid").matches("__CTMID"));
    }

    #[test]
    fn prefix_matches_names_starting_with_it() {
        assert!(p("_ga_*").matches("_ga_ABC123"));
        assert!(p("_ga_*").matches("_ga_"));
        assert!(!p("_ga_*").matches("_ga"));
        assert!(!p("_ga_*").matches("_gaid"));
    }

    #[test]
    fn digits_suffix_needs_one_or_more_digits_and_nothing_else() {
        let ct = p("ct{digits}");
        assert!(ct.matches("ct12345"));
        assert!(ct.matches("ct1"));
        assert!(!ct.matches("ct"));
        assert!(!ct.matches("ct12a"));
        assert!(!ct.matches("ctx"));
        assert!(!ct.matches("act123"));
        assert!(!ct.matches("ct-123"));
    }

    #[test]
    fn malformed_patterns_are_rejected_with_a_reason() {
        assert_eq!(CookiePattern::parse(""), Err(CookiePatternError::Empty));
        assert_eq!(
            CookiePattern::parse("*"),
            Err(CookiePatternError::MatchesEverything)
        );
        assert_eq!(
            CookiePattern::parse("{digits}"),
            Err(CookiePatternError::MatchesEverything)
        );
        assert_eq!(
            CookiePattern::parse("a*b"),
            Err(CookiePatternError::MisplacedWildcard)
        );
        assert_eq!(
            CookiePattern::parse("a**"),
            Err(CookiePatternError::MisplacedWildcard)
        );
        assert_eq!(
            CookiePattern::parse("a b"),
            Err(CookiePatternError::InvalidChar(' '))
        );
        assert_eq!(
            CookiePattern::parse("a;b*"),
            Err(CookiePatternError::InvalidChar(';'))
        );
        assert_eq!(
            CookiePattern::parse("é"),
            Err(CookiePatternError::InvalidChar('é'))
        );
        assert_eq!(
            CookiePattern::parse("a{digits}b"),
            Err(CookiePatternError::InvalidChar('{'))
        );
    }
}
