//! [`CookieName`]: a validated cookie name.
//!
//! Every cookie name the product matches, sets or expires is an RFC 6265 `cookie-name`: an
//! RFC 9110 token (letters, digits and ``!#$%&'*+-.^_`|~``), never empty. Holding one as a
//! `CookieName` is the proof: configuration sections deserialize into it (an invalid name is
//! a configuration error with its key path), so no code downstream checks names again.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The longest cookie name accepted (browsers store name and value in 4 KiB together).
pub const MAX_COOKIE_NAME_LEN: usize = 4096;

/// A non-empty RFC 6265 cookie name (an RFC 9110 token), at most [`MAX_COOKIE_NAME_LEN`]
/// bytes. Safe to echo in a `Set-Cookie` header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct CookieName(String);

impl<'de> Deserialize<'de> for CookieName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::de::parse_str(d, |s| CookieName::new(s.to_string()))
    }
}

/// Why a string is not a [`CookieName`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CookieNameError {
    /// The name is empty (or only spaces).
    Empty,
    /// Longer than [`MAX_COOKIE_NAME_LEN`] bytes.
    TooLong { len: usize },
    /// A character a cookie name cannot contain (space, `;`, `=`, `,`, quotes, non-ASCII...).
    Character { ch: char },
}

impl fmt::Display for CookieNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("a cookie name cannot be empty"),
            Self::TooLong { len } => write!(
                f,
                "a cookie name of {len} bytes is longer than {MAX_COOKIE_NAME_LEN}"
            ),
            Self::Character { ch } => write!(
                f,
                "{ch:?} cannot appear in a cookie name (letters, digits and !#$%&'*+-.^_`|~ only)"
            ),
        }
    }
}

impl std::error::Error for CookieNameError {}

/// `true` for an RFC 9110 `tchar`: ALPHA / DIGIT / one of ``!#$%&'*+-.^_`|~``.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

/// `true` when `name` would make a valid [`CookieName`].
pub fn is_cookie_name(name: &str) -> bool {
    CookieName::check(name).is_ok()
}

impl CookieName {
    fn check(name: &str) -> Result<(), CookieNameError> {
        if name.is_empty() {
            return Err(CookieNameError::Empty);
        }
        if name.len() > MAX_COOKIE_NAME_LEN {
            return Err(CookieNameError::TooLong { len: name.len() });
        }
        match name.chars().find(|&c| !c.is_ascii() || !is_tchar(c as u8)) {
            Some(ch) => Err(CookieNameError::Character { ch }),
            None => Ok(()),
        }
    }

    /// Validates `name` as given (no trimming).
    pub fn new(name: impl Into<String>) -> Result<CookieName, CookieNameError> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(CookieNameError::Empty);
        }
        Self::check(&name)?;
        Ok(CookieName(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CookieName {
    type Error = CookieNameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CookieName::new(s)
    }
}

impl From<CookieName> for String {
    fn from(n: CookieName) -> String {
        n.0
    }
}

impl FromStr for CookieName {
    type Err = CookieNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CookieName::new(s)
    }
}

impl fmt::Display for CookieName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for CookieName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for CookieName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for CookieName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_and_cmp_names_are_accepted() {
        for ok in [
            "_ga",
            "__Host-sid",
            "_pk_id.1.abcd",
            "ct12345",
            "TC_PRIVACY",
            "euconsent-v2",
            "a!#$%&'*+-.^_`|~",
        ] {
            assert_eq!(CookieName::new(ok).map(String::from), Ok(ok.to_string()));
            assert!(is_cookie_name(ok));
        }
    }

    #[test]
    fn separators_spaces_and_non_ascii_are_refused_with_the_character() {
        assert_eq!(CookieName::new(""), Err(CookieNameError::Empty));
        assert_eq!(CookieName::new("  "), Err(CookieNameError::Empty));
        for (bad, ch) in [
            ("a b", ' '),
            ("a;b", ';'),
            ("a=b", '='),
            ("a,b", ','),
            ("a\"b", '"'),
            ("é", 'é'),
            ("a\tb", '\t'),
            ("a\r\nSet-Cookie", '\r'),
            ("(x)", '('),
            ("a/b", '/'),
        ] {
            assert_eq!(
                CookieName::new(bad),
                Err(CookieNameError::Character { ch }),
                "{bad:?}"
            );
            assert!(!is_cookie_name(bad));
        }
        let long = "a".repeat(MAX_COOKIE_NAME_LEN + 1);
        assert_eq!(
            CookieName::new(long),
            Err(CookieNameError::TooLong {
                len: MAX_COOKIE_NAME_LEN + 1
            })
        );
        assert!(CookieName::new("a".repeat(MAX_COOKIE_NAME_LEN)).is_ok());
    }

    #[test]
    fn serde_validates_and_round_trips() {
        let n: CookieName = serde_json::from_str("\"ct1001\"").unwrap();
        assert_eq!(n, "ct1001");
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"ct1001\"");
        let err = serde_json::from_str::<CookieName>("\"a b\"").unwrap_err();
        assert!(err.to_string().contains("cannot appear"), "{err}");
    }

    #[test]
    fn reads_back_and_compares_as_the_name_given() {
        // Google Analytics' `_ga` cookie
        // (https://support.google.com/analytics/answer/11397207).
        let n = CookieName::new("_ga").unwrap();
        assert_eq!(n.as_str(), "_ga");
        assert_eq!(AsRef::<str>::as_ref(&n), "_ga");
        assert_eq!(n.to_string(), "_ga");
        assert_eq!(format!("{n}={}", 1), "_ga=1");
        assert!(<CookieName as PartialEq<str>>::eq(&n, "_ga"));
        assert!(!<CookieName as PartialEq<str>>::eq(&n, "_gid"));
        assert!(<CookieName as PartialEq<&str>>::eq(&n, &"_ga"));
        assert!(!<CookieName as PartialEq<&str>>::eq(&n, &"_gid"));
        // Case matters: cookie names are compared octet by octet (RFC 6265 section 5.3).
        assert!(!<CookieName as PartialEq<&str>>::eq(&n, &"_GA"));
    }

    #[test]
    fn errors_read_as_sentences() {
        assert!(CookieNameError::Empty.to_string().contains("empty"));
        assert!(CookieNameError::TooLong { len: 300 }
            .to_string()
            .contains("300"));
        assert!(CookieNameError::Character { ch: ';' }
            .to_string()
            .contains("';'"));
    }
}
