//! Tolerant parsing of a request `Cookie` header (`name=value; name2=value2`).
//!
//! Browsers send pairs separated by `;` (RFC 6265 §4.2.1). Real headers also carry empty
//! pairs (`a=1;; b=2`), pairs without `=` (`flag`), spaces around names and values, and the
//! same name twice. This module never fails: it yields every non-empty segment in order,
//! splitting at the *first* `=` only (OneTrust and Cookiebot values contain `=`), and keeps
//! the raw text of each segment so a filter can rebuild the header without touching the
//! pairs it keeps.

/// One segment of a `Cookie` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookiePair<'a> {
    /// The name, trimmed of spaces and tabs. Empty for a segment like `=value`.
    pub name: &'a str,
    /// The raw value, trimmed of spaces and tabs; not percent-decoded, quotes kept.
    /// Empty when the segment has no `=`.
    pub value: &'a str,
    /// The whole segment as sent, trimmed of surrounding spaces and tabs.
    pub raw: &'a str,
}

fn trim_ows(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '\t')
}

/// Every non-empty pair of a `Cookie` header, in order (duplicates included).
pub fn cookie_pairs(header: &str) -> impl Iterator<Item = CookiePair<'_>> {
    header.split(';').filter_map(|segment| {
        let raw = trim_ows(segment);
        if raw.is_empty() {
            return None;
        }
        let (name, value) = match raw.split_once('=') {
            Some((n, v)) => (trim_ows(n), trim_ows(v)),
            None => (raw, ""),
        };
        Some(CookiePair { name, value, raw })
    })
}

/// Values of every cookie named exactly `name` (case-sensitive), in header order.
pub fn cookie_values<'a>(header: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    cookie_pairs(header)
        .filter(move |p| p.name == name)
        .map(|p| p.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_first_equals_and_trims() {
        let pairs: Vec<_> = cookie_pairs(" a=1 ;b = x=y;;  c ; =v").collect();
        assert_eq!(pairs.len(), 4);
        assert_eq!(
            (pairs[0].name, pairs[0].value, pairs[0].raw),
            ("a", "1", "a=1")
        );
        assert_eq!((pairs[1].name, pairs[1].value), ("b", "x=y"));
        assert_eq!(
            (pairs[2].name, pairs[2].value, pairs[2].raw),
            ("c", "", "c")
        );
        assert_eq!((pairs[3].name, pairs[3].value), ("", "v"));
    }

    #[test]
    fn duplicates_are_kept_in_order() {
        let v: Vec<_> = cookie_values("x=1; y=2; x=3", "x").collect();
        assert_eq!(v, ["1", "3"]);
    }

    #[test]
    fn names_are_case_sensitive_and_quotes_kept() {
        let v: Vec<_> = cookie_values("X=1; x=\"q\"", "x").collect();
        assert_eq!(v, ["\"q\""]);
    }

    #[test]
    fn empty_and_separator_only_headers_yield_nothing() {
        assert_eq!(cookie_pairs("").count(), 0);
        assert_eq!(cookie_pairs(" ; ;\t;").count(), 0);
    }
}
