//! Text patterns used by source rules: case-insensitive equality, regular expressions
//! (`regex-lite`, compiled once when the configuration is read) and path globs.

use regex_lite::Regex;
use serde::Deserialize;

/// A regular expression from configuration, compiled once at deserialisation.
///
/// An invalid expression does not fail deserialisation: it is kept with its error so that
/// [`Validate`](dni_common::Validate) can report it with the full key path, and it never
/// matches.
#[derive(Debug, Clone)]
pub struct ConfigRegex {
    source: String,
    compiled: Result<Regex, String>,
}

impl ConfigRegex {
    /// Compiles `source`; see the type docs for what happens when it is invalid.
    pub fn new(source: &str) -> ConfigRegex {
        ConfigRegex {
            source: source.to_string(),
            compiled: Regex::new(source).map_err(|e| e.to_string()),
        }
    }

    /// The expression as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The compile error, if the expression is invalid.
    pub fn error(&self) -> Option<&str> {
        self.compiled.as_ref().err().map(String::as_str)
    }

    /// Unanchored search (`^…$` anchors explicitly); `false` when invalid.
    pub fn is_match(&self, text: &str) -> bool {
        self.compiled.as_ref().is_ok_and(|re| re.is_match(text))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegexSpec {
    matches: String,
}

/// A string or `{"matches": ...}`, read with a visitor (not `#[serde(untagged)]`, which
/// buffers the input and reports only "did not match any variant", at the enclosing table).
enum RawMatch {
    Plain(String),
    Regex(RegexSpec),
}

impl<'de> Deserialize<'de> for RawMatch {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawMatchVisitor)
    }
}

struct RawMatchVisitor;

impl<'de> serde::de::Visitor<'de> for RawMatchVisitor {
    type Value = RawMatch;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string or a table with `matches`")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RawMatch, E> {
        Ok(RawMatch::Plain(s.to_string()))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawMatch, A::Error> {
        RegexSpec::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            .map(RawMatch::Regex)
    }
}

/// How a query value (`utm_source`, ...) is matched.
///
/// In configuration: a plain string (`"google"`) is an ASCII case-insensitive equality; an
/// object `{"matches": "<regex>"}` is a `regex-lite` search on the percent-decoded value
/// (unanchored and case-sensitive unless the expression says otherwise, e.g. `(?i)^cpc$`).
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "RawMatch")]
pub enum ValueMatch {
    /// ASCII case-insensitive equality.
    Equals(String),
    /// Regular-expression search.
    Matches(ConfigRegex),
}

impl From<RawMatch> for ValueMatch {
    fn from(raw: RawMatch) -> Self {
        match raw {
            RawMatch::Plain(s) => ValueMatch::Equals(s),
            RawMatch::Regex(spec) => ValueMatch::Matches(ConfigRegex::new(&spec.matches)),
        }
    }
}

impl ValueMatch {
    /// Does the decoded `value` match?
    pub fn is_match(&self, value: &str) -> bool {
        match self {
            ValueMatch::Equals(expected) => value.eq_ignore_ascii_case(expected),
            ValueMatch::Matches(re) => re.is_match(value),
        }
    }
}

/// How the landing path is matched.
///
/// In configuration: a plain string is a glob on the raw (not decoded) path, case-sensitive,
/// where `*` is any run of characters (including `/`) and `?` is one character:
/// `"/promo/*"`, `"/*/contact"`. An object `{"matches": "<regex>"}` is a `regex-lite` search
/// on the raw path. The query string is never part of the path.
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "RawMatch")]
pub enum PathMatch {
    /// Glob (`*`, `?`), anchored at both ends.
    Glob(String),
    /// Regular-expression search.
    Matches(ConfigRegex),
}

impl From<RawMatch> for PathMatch {
    fn from(raw: RawMatch) -> Self {
        match raw {
            RawMatch::Plain(s) => PathMatch::Glob(s),
            RawMatch::Regex(spec) => PathMatch::Matches(ConfigRegex::new(&spec.matches)),
        }
    }
}

impl PathMatch {
    /// Does the raw landing `path` match?
    pub fn is_match(&self, path: &str) -> bool {
        match self {
            PathMatch::Glob(glob) => glob_match(glob.as_bytes(), path.as_bytes()),
            PathMatch::Matches(re) => re.is_match(path),
        }
    }
}

/// Anchored wildcard match (`*` any run, `?` one byte) in O(len(glob) × len(text)) worst
/// case, without recursion.
fn glob_match(glob: &[u8], text: &[u8]) -> bool {
    let (mut g, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while let Some(&tc) = text.get(t) {
        match glob.get(g) {
            Some(b'*') => {
                star = Some((g, t));
                g += 1;
            }
            Some(&c) if c == b'?' || c == tc => {
                g += 1;
                t += 1;
            }
            _ => match star {
                Some((sg, st)) => {
                    g = sg + 1;
                    t = st + 1;
                    star = Some((sg, st + 1));
                }
                None => return false,
            },
        }
    }
    glob.iter().skip(g).all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: &str) -> ValueMatch {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn plain_value_is_case_insensitive_equality() {
        let m = value(r#""Google""#);
        assert!(m.is_match("google"));
        assert!(m.is_match("GOOGLE"));
        assert!(!m.is_match("google.com"));
        assert!(!m.is_match("googl"));
    }

    #[test]
    fn regex_value_searches_the_value() {
        let m = value(r#"{"matches": "^(cpc|ppc)$"}"#);
        assert!(m.is_match("cpc"));
        assert!(!m.is_match("CPC"));
        assert!(!m.is_match("xcpc"));
        let ci = value(r#"{"matches": "(?i)brand"}"#);
        assert!(ci.is_match("Spring-BRAND-2026"));
    }

    #[test]
    fn invalid_regex_is_kept_with_its_error_and_never_matches() {
        let m = value(r#"{"matches": "("}"#);
        match &m {
            ValueMatch::Matches(re) => {
                assert!(re.error().is_some());
                assert_eq!(re.as_str(), "(");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(ConfigRegex::new("^cpc$").as_str(), "^cpc$");
        assert!(!m.is_match("("));
    }

    #[test]
    fn unknown_keys_in_regex_object_are_errors() {
        assert!(serde_json::from_str::<ValueMatch>(r#"{"match": "x"}"#).is_err());
        assert!(serde_json::from_str::<ValueMatch>(r#"{"matches": "x", "i": true}"#).is_err());
        assert!(serde_json::from_str::<ValueMatch>("3").is_err());
    }

    #[test]
    fn path_globs() {
        let g = |p: &str, t: &str| PathMatch::Glob(p.to_string()).is_match(t);
        assert!(g("/promo/*", "/promo/spring"));
        assert!(g("/promo/*", "/promo/a/b"));
        assert!(g("/promo/*", "/promo/"));
        assert!(!g("/promo/*", "/promo"));
        assert!(!g("/promo/*", "/other/promo/x"));
        assert!(g("/*/contact", "/de/contact"));
        assert!(g("/p?ge", "/page"));
        assert!(!g("/p?ge", "/pge"));
        assert!(g("*", ""));
        assert!(g("/a*b*c", "/aXXbYYbc"));
        assert!(!g("/a*b*c", "/aXXbYYb"));
        assert!(!g("/Promo", "/promo"));
        assert!(g("*", "/any/path"));
        assert!(g("*.html", "/blog/post.html"));
        // The parts around a `*` never overlap: `/a*ab` needs at least four bytes.
        assert!(!g("/a*ab", "/ab"));
        assert!(g("/a*ab", "/aab"));
    }

    #[test]
    fn path_regex() {
        let m: PathMatch = serde_json::from_str(r#"{"matches": "^/(de|fr)/"}"#).unwrap();
        assert!(m.is_match("/de/x"));
        assert!(!m.is_match("/en/x"));
    }
}
