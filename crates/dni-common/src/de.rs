//! [`parse_str`]: deserialise a value written as a string through its own parser;
//! [`OneOrMany`]: a string or a list of strings.
//!
//! Both read with a visitor rather than an intermediate value (`String::deserialize` then a
//! check, or `#[serde(untagged)]`, which buffers the input first): the input is read once,
//! and
//! an error is an error of
//! the value itself: serde_json places it right after that string, and the configuration
//! check (which names the key path from the error's position) names the string's path
//! rather than the enclosing table's.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error, SeqAccess, Visitor};

/// Reads a string and parses it with `parse`; an `Err` becomes the deserializer's custom
/// error (its `Display`). Anything but a string is an "invalid type ... expected a string".
pub fn parse_str<'de, D, T, E, F>(deserializer: D, parse: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    E: fmt::Display,
    F: FnOnce(&str) -> Result<T, E>,
{
    deserializer.deserialize_str(ParseVisitor(parse, PhantomData))
}

struct ParseVisitor<F, T>(F, PhantomData<T>);

impl<'de, T, E, F> Visitor<'de> for ParseVisitor<F, T>
where
    E: fmt::Display,
    F: FnOnce(&str) -> Result<T, E>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<Er: Error>(self, s: &str) -> Result<T, Er> {
        (self.0)(s).map_err(Er::custom)
    }
}

/// A string or a list of strings, as written (`"a"` is not `["a"]` for every reader).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    /// The strings, one or many.
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OneOrManyVisitor)
    }
}

struct OneOrManyVisitor;

impl<'de> Visitor<'de> for OneOrManyVisitor {
    type Value = OneOrMany;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a list of strings")
    }

    fn visit_str<E: Error>(self, s: &str) -> Result<OneOrMany, E> {
        Ok(OneOrMany::One(s.to_string()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
        let mut out = Vec::new();
        while let Some(s) = seq.next_element::<String>()? {
            out.push(s);
        }
        Ok(OneOrMany::Many(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_or_many() {
        let read = |json: &str| serde_json::from_str::<OneOrMany>(json).map_err(|e| e.to_string());
        assert_eq!(read(r#""a""#), Ok(OneOrMany::One("a".into())));
        assert_eq!(
            read(r#"["a", "b"]"#),
            Ok(OneOrMany::Many(vec!["a".into(), "b".into()]))
        );
        assert_eq!(read("[]").map(OneOrMany::into_vec), Ok(vec![]));
        assert_eq!(
            read("5"),
            Err("invalid type: integer `5`, expected a string or a list of strings at line 1 column 1".into())
        );
        assert_eq!(
            read(r#"["a", 5]"#),
            Err("invalid type: integer `5`, expected a string at line 1 column 7".into())
        );
        assert!(read(r#"{"a": 1}"#).is_err());
    }

    #[derive(Debug)]
    struct Even(u32);

    impl<'de> serde::Deserialize<'de> for Even {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            parse_str(d, |s| match s.parse::<u32>() {
                Ok(n) if n % 2 == 0 => Ok(Even(n)),
                _ => Err(format!("`{s}` is not an even number")),
            })
        }
    }

    #[test]
    fn parses_and_positions_errors_at_the_string() {
        let ok: Vec<Even> = serde_json::from_str(r#"["2", "10"]"#).unwrap();
        assert_eq!(ok.iter().map(|e| e.0).collect::<Vec<_>>(), [2, 10]);
        // The error is placed right after the offending string (column 10), not at the
        // end of the array as a `String::deserialize` + `map_err` impl would place it.
        let e = serde_json::from_str::<Vec<Even>>(r#"["2", "3", "4"]"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`3` is not an even number at line 1 column 9"
        );
        let e = serde_json::from_str::<Vec<Even>>("[2]").unwrap_err();
        assert!(e
            .to_string()
            .starts_with("invalid type: integer `2`, expected a string"));
    }
}
