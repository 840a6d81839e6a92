//! Deserialising a config section from a [`serde_json::Value`] with the path of the first
//! error (`targets[0].sources[1].numbers[0]`), in one pass.
//!
//! It does what `serde_json`'s `&Value` deserializer does (same visitor calls, so the same
//! messages: `invalid type: string "x", expected u32`, `unknown field ...`), and records
//! where an error happened on its way up, as `serde_path_to_error` did by wrapping that
//! deserializer. One deserializer instead of a wrapper around another halves the code every
//! config type's `Deserialize` is instantiated into (issue 16, BENCHMARKS.md).
//!
//! Paths read like `serde_path_to_error`'s: keys joined by `.`, indexes as `[i]`, the
//! variant of an externally tagged enum as a key, `.` for the value itself. An error in a
//! key (an unknown field) is reported at that key, an error in an enum's variant name at
//! the enum.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess,
    SeqAccess, Unexpected, VariantAccess, Visitor,
};
use serde::forward_to_deserialize_any;
use serde_json::{Map, Number, Value};

/// A deserialisation error and where it happened.
#[derive(Debug)]
pub struct PathError {
    message: String,
    path: Option<String>,
}

impl PathError {
    /// Where the error happened (`.` for the value itself).
    pub fn path(&self) -> &str {
        self.path.as_deref().unwrap_or(".")
    }

    /// The message, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path(), self.message)
    }
}

impl std::error::Error for PathError {}

impl de::Error for PathError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        PathError {
            message: msg.to_string(),
            path: None,
        }
    }

    // serde_json's wording: `null` for a unit, its own float formatting.
    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::custom(format_args!(
            "invalid type: {}, expected {exp}",
            JsonUnexpected(unexp)
        ))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::custom(format_args!(
            "invalid value: {}, expected {exp}",
            JsonUnexpected(unexp)
        ))
    }
}

/// `serde_json`'s display of an unexpected value (`null`, floats as `serde_json` prints them).
struct JsonUnexpected<'a>(Unexpected<'a>);

impl fmt::Display for JsonUnexpected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Float(v) => match Number::from_f64(v) {
                Some(n) => write!(f, "floating point `{n}`"),
                None => fmt::Display::fmt(&self.0, f),
            },
            other => fmt::Display::fmt(&other, f),
        }
    }
}

/// Deserialises `value` as a `T`; an error carries its path inside `value`.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, PathError> {
    T::deserialize(At {
        value,
        chain: &Chain::Root,
    })
}

/// The way from the root to a value, borrowed from the stack of deserializers.
enum Chain<'c> {
    Root,
    Index(&'c Chain<'c>, usize),
    Key(&'c Chain<'c>, &'c str),
}

impl Chain<'_> {
    fn render(&self) -> String {
        let mut parts = Vec::new();
        let mut at = self;
        loop {
            match at {
                Chain::Root => break,
                Chain::Index(parent, i) => {
                    parts.push(format!("[{i}]"));
                    at = parent;
                }
                Chain::Key(parent, k) => {
                    parts.push((*k).to_string());
                    at = parent;
                }
            }
        }
        if parts.is_empty() {
            return ".".to_string();
        }
        let mut out = String::new();
        for part in parts.iter().rev() {
            if !out.is_empty() && !part.starts_with('[') {
                out.push('.');
            }
            out.push_str(part);
        }
        out
    }

    /// Gives `err` this place, unless a deeper one already did.
    fn mark(&self, mut err: PathError) -> PathError {
        if err.path.is_none() {
            err.path = Some(self.render());
        }
        err
    }
}

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => number_unexpected(n),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

fn number_unexpected(n: &Number) -> Unexpected<'static> {
    if let Some(u) = n.as_u64() {
        Unexpected::Unsigned(u)
    } else if let Some(i) = n.as_i64() {
        Unexpected::Signed(i)
    } else {
        Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// The deserializer of one value at one place.
struct At<'a, 'c> {
    value: &'a Value,
    chain: &'c Chain<'c>,
}

impl<'de> At<'de, '_> {
    fn any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visit_array(items, self.chain, visitor),
            Value::Object(map) => visit_object(map, self.chain, visitor),
        }
    }
}

fn visit_array<'de, V: Visitor<'de>>(
    items: &'de [Value],
    chain: &Chain<'_>,
    visitor: V,
) -> Result<V::Value, PathError> {
    let len = items.len();
    let mut seq = Seq {
        iter: items.iter(),
        index: 0,
        chain,
    };
    let out = visitor.visit_seq(&mut seq)?;
    if seq.iter.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(len, &"fewer elements in array"))
    }
}

fn visit_object<'de, V: Visitor<'de>>(
    map: &'de Map<String, Value>,
    chain: &Chain<'_>,
    visitor: V,
) -> Result<V::Value, PathError> {
    let len = map.len();
    let mut access = Object {
        iter: map.iter(),
        pending: None,
        chain,
    };
    let out = visitor.visit_map(&mut access)?;
    if access.iter.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(len, &"fewer elements in map"))
    }
}

impl<'de, 'c> Deserializer<'de> for At<'de, 'c> {
    type Error = PathError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        let chain = self.chain;
        self.any(visitor).map_err(|e| chain.mark(e))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        let chain = self.chain;
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| chain.mark(e))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        let chain = self.chain;
        visitor
            .visit_newtype_struct(self)
            .map_err(|e| chain.mark(e))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        let chain = self.chain;
        let result = match self.value {
            Value::String(variant) => visitor.visit_enum(Enum {
                variant,
                value: None,
                chain,
            }),
            Value::Object(map) => {
                let mut iter = map.iter();
                match (iter.next(), iter.next()) {
                    (Some((variant, value)), None) => visitor.visit_enum(Enum {
                        variant,
                        value: Some(value),
                        chain,
                    }),
                    _ => Err(de::Error::invalid_value(
                        Unexpected::Map,
                        &"map with a single key",
                    )),
                }
            }
            other => Err(de::Error::invalid_type(unexpected(other), &"string or map")),
        };
        result.map_err(|e| chain.mark(e))
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

struct Seq<'a, 'c> {
    iter: std::slice::Iter<'a, Value>,
    index: usize,
    chain: &'c Chain<'c>,
}

impl<'de, 'c> SeqAccess<'de> for &mut Seq<'de, 'c> {
    type Error = PathError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, PathError> {
        let Some(value) = self.iter.next() else {
            return Ok(None);
        };
        let chain = Chain::Index(self.chain, self.index);
        self.index += 1;
        seed.deserialize(At {
            value,
            chain: &chain,
        })
        .map(Some)
        .map_err(|e| chain.mark(e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct Object<'a, 'c> {
    iter: serde_json::map::Iter<'a>,
    pending: Option<(&'a String, &'a Value)>,
    chain: &'c Chain<'c>,
}

impl<'de, 'c> MapAccess<'de> for &mut Object<'de, 'c> {
    type Error = PathError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, PathError> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.pending = Some((key, value));
        seed.deserialize(Key(key))
            .map(Some)
            .map_err(|e| Chain::Key(self.chain, key).mark(e))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, PathError> {
        let Some((key, value)) = self.pending.take() else {
            return Err(de::Error::custom("value is missing"));
        };
        let chain = Chain::Key(self.chain, key);
        // Marked here too: a `Deserialize` impl may fail after reading its value (a host
        // pattern that does not parse).
        seed.deserialize(At {
            value,
            chain: &chain,
        })
        .map_err(|e| chain.mark(e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// A map key or an enum's variant name (keys are strings in JSON).
struct Key<'a>(&'a str);

impl<'de> Deserializer<'de> for Key<'de> {
    type Error = PathError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        visitor.visit_borrowed_str(self.0)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        visitor.visit_newtype_struct(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

/// An externally tagged enum: `"variant"` or `{"variant": value}`.
struct Enum<'a, 'c> {
    variant: &'a str,
    value: Option<&'a Value>,
    chain: &'c Chain<'c>,
}

impl<'de, 'c> EnumAccess<'de> for Enum<'de, 'c> {
    type Error = PathError;
    type Variant = Variant<'de, 'c>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Variant<'de, 'c>), PathError> {
        let v = seed.deserialize(Key(self.variant))?;
        Ok((
            v,
            Variant {
                variant: self.variant,
                value: self.value,
                chain: self.chain,
            },
        ))
    }
}

struct Variant<'a, 'c> {
    variant: &'a str,
    value: Option<&'a Value>,
    chain: &'c Chain<'c>,
}

impl<'de, 'c> VariantAccess<'de> for Variant<'de, 'c> {
    type Error = PathError;

    fn unit_variant(self) -> Result<(), PathError> {
        match self.value {
            None => Ok(()),
            Some(value) => {
                let chain = Chain::Key(self.chain, self.variant);
                de::Deserialize::deserialize(At {
                    value,
                    chain: &chain,
                })
                .map_err(|e| chain.mark(e))
            }
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, PathError> {
        match self.value {
            Some(value) => {
                let chain = Chain::Key(self.chain, self.variant);
                seed.deserialize(At {
                    value,
                    chain: &chain,
                })
                .map_err(|e| chain.mark(e))
            }
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"newtype variant",
            )),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        let chain = Chain::Key(self.chain, self.variant);
        match self.value {
            Some(Value::Array(items)) => {
                visit_array(items, &chain, visitor).map_err(|e| chain.mark(e))
            }
            Some(other) => {
                Err(chain.mark(de::Error::invalid_type(unexpected(other), &"tuple variant")))
            }
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"tuple variant",
            )),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        let chain = Chain::Key(self.chain, self.variant);
        match self.value {
            Some(Value::Object(map)) => {
                visit_object(map, &chain, visitor).map_err(|e| chain.mark(e))
            }
            Some(other) => Err(chain.mark(de::Error::invalid_type(
                unexpected(other),
                &"struct variant",
            ))),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"struct variant",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        n: u32,
        #[serde(default)]
        tag: Option<Kind>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plain,
        Wrapped(u8),
        Shaped { x: bool },
    }

    /// Fails after reading its value, like a host pattern or an E.164 number.
    #[derive(Debug, PartialEq)]
    struct Even(u32);

    impl<'de> Deserialize<'de> for Even {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let n = u32::deserialize(d)?;
            if n % 2 == 0 {
                Ok(Even(n))
            } else {
                Err(de::Error::custom(format!("{n} is odd")))
            }
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        items: Vec<Inner>,
        #[serde(default)]
        evens: Vec<Even>,
        #[serde(default)]
        name: Option<String>,
    }

    fn err(json: &str) -> (String, String) {
        let v: Value = serde_json::from_str(json).unwrap();
        let e = from_value::<Outer>(&v).unwrap_err();
        (e.path().to_string(), e.message().to_string())
    }

    /// The same message as serde_json's own `&Value` deserializer gives.
    fn plain_message(json: &str) -> String {
        let v: Value = serde_json::from_str(json).unwrap();
        Outer::deserialize(&v).unwrap_err().to_string()
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let v: Value = serde_json::from_str(
            r#"{"items": [{"n": 1}, {"n": 2, "tag": "plain"}, {"n": 3, "tag": {"wrapped": 7}},
                {"n": 4, "tag": {"shaped": {"x": true}}}], "name": null}"#,
        )
        .unwrap();
        let got: Outer = from_value(&v).unwrap();
        assert_eq!(got, Outer::deserialize(&v).unwrap());
        assert_eq!(got.items[3].tag, Some(Kind::Shaped { x: true }));
    }

    #[test]
    fn errors_carry_the_path_and_serde_json_s_message() {
        for (json, path) in [
            (r#"{"items": [{"n": 1}, {"n": "x"}]}"#, "items[1].n"),
            (r#"{"items": [{"n": 1, "m": 2}]}"#, "items[0].m"),
            (r#"{"items": [{}]}"#, "items[0]"),
            (r#"{"items": 3}"#, "items"),
            (r#"{"items": [], "other": 1}"#, "other"),
            (r#"{"items": [{"n": 1, "tag": "loud"}]}"#, "items[0].tag"),
            (
                r#"{"items": [{"n": 1, "tag": {"wrapped": 300}}]}"#,
                "items[0].tag.wrapped",
            ),
            (
                r#"{"items": [{"n": 1, "tag": {"shaped": {"x": 1}}}]}"#,
                "items[0].tag.shaped.x",
            ),
            (
                r#"{"items": [{"n": 1, "tag": {"a": 1, "b": 2}}]}"#,
                "items[0].tag",
            ),
            (r#"{"items": [{"n": 5000000000}]}"#, "items[0].n"),
            ("[]", "."),
            (r#"{"items": [], "evens": [2, 3]}"#, "evens[1]"),
        ] {
            let (got_path, message) = err(json);
            assert_eq!(got_path, path, "{json}");
            assert_eq!(message, plain_message(json), "{json}");
        }
    }

    #[test]
    fn paths_render_like_serde_path_to_error() {
        let root = Chain::Root;
        let a = Chain::Key(&root, "targets");
        let b = Chain::Index(&a, 2);
        let c = Chain::Key(&b, "numbers");
        let d = Chain::Index(&c, 0);
        assert_eq!(d.render(), "targets[2].numbers[0]");
        assert_eq!(Chain::Index(&root, 1).render(), "[1]");
        assert_eq!(root.render(), ".");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn json_value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(Value::from),
                any::<u64>().prop_map(Value::from),
                any::<f64>().prop_map(Value::from),
                "[a-z]{0,6}".prop_map(Value::String),
            ];
            leaf.prop_recursive(4, 32, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                    prop::collection::btree_map(
                        "(items|n|tag|name|plain|wrapped|shaped|x)",
                        inner,
                        0..4
                    )
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #[test]
            fn same_outcome_as_serde_json(v in json_value()) {
                let ours = from_value::<Outer>(&v);
                let theirs = Outer::deserialize(&v);
                match (ours, theirs) {
                    (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                    (Err(a), Err(b)) => prop_assert_eq!(a.message(), b.to_string()),
                    (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
                }
            }
        }
    }
}
