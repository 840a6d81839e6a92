//! Reading one CMP cookie out of the `Cookie` header: bounds, duplicates and decoding.

use std::borrow::Cow;

use dni_common::cookie_header::cookie_values;
use percent_encoding::percent_decode_str;

use crate::verdict::CmpVerdict;

/// Longest cookie value a parser looks at (bytes). Longer values count as absent: real
/// CMP cookies stay well below (a Cookiebot value with an embedded TC string is a few KB).
pub const MAX_VALUE_LEN: usize = 16 * 1024;

/// How many cookies of the same name are considered; further duplicates are ignored.
pub const MAX_DUPLICATES: usize = 4;

/// Parses every (up to [`MAX_DUPLICATES`]) value of cookie `name` with `parse` and merges
/// the valid, informative verdicts with [`CmpVerdict::most_restrictive`].
///
/// The rule for duplicated cookies (the same name sent twice, e.g. one set on
/// `.example.com` and one on `www.example.com`) is therefore: invalid copies are ignored,
/// and among valid copies the most restrictive answer wins, category by category.
pub fn merge_values(
    cookie_header: &str,
    name: &str,
    mut parse: impl FnMut(&str) -> Option<CmpVerdict>,
) -> Option<CmpVerdict> {
    let mut merged: Option<CmpVerdict> = None;
    for value in cookie_values(cookie_header, name).take(MAX_DUPLICATES) {
        if value.is_empty() || value.len() > MAX_VALUE_LEN {
            continue;
        }
        if let Some(v) = parse(value).filter(CmpVerdict::is_informative) {
            merged = Some(match merged {
                Some(m) => m.most_restrictive(v),
                None => v,
            });
        }
    }
    merged
}

/// Strips one pair of surrounding double quotes (RFC 6265 allows quoted cookie values).
pub fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// `decodeURIComponent`: `%XX` sequences decoded, `+` kept. `None` when the result is
/// not UTF-8. Malformed `%` sequences are kept literally.
pub fn percent_decode(value: &str) -> Option<Cow<'_, str>> {
    percent_decode_str(value).decode_utf8().ok()
}

/// `application/x-www-form-urlencoded` value decoding: `+` is a space, then `%XX`.
pub fn form_decode(value: &str) -> Option<Cow<'_, str>> {
    if value.contains('+') {
        let spaced = value.replace('+', " ");
        percent_decode_str(&spaced)
            .decode_utf8()
            .ok()
            .map(|s| Cow::Owned(s.into_owned()))
    } else {
        percent_decode(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Consent;
    use dni_common::Category;

    fn parse_flag(v: &str) -> Option<CmpVerdict> {
        match v {
            "yes" => Some(CmpVerdict::uniform(true)),
            "no" => Some(CmpVerdict::uniform(false)),
            "silent" => Some(CmpVerdict::new()),
            _ => None,
        }
    }

    #[test]
    fn duplicates_merge_to_the_most_restrictive_valid_value() {
        let v = merge_values("c=yes; c=no", "c", parse_flag).unwrap();
        assert_eq!(v.get(Category::Marketing), Consent::Denied);
        let v = merge_values("c=no; c=yes", "c", parse_flag).unwrap();
        assert_eq!(v.get(Category::Marketing), Consent::Denied);
    }

    #[test]
    fn invalid_and_silent_duplicates_are_ignored() {
        let v = merge_values("c=garbage; c=silent; c=yes", "c", parse_flag).unwrap();
        assert_eq!(v.get(Category::Marketing), Consent::Granted);
        assert!(merge_values("c=garbage; c=", "c", parse_flag).is_none());
    }

    #[test]
    fn oversized_values_and_excess_duplicates_are_not_parsed() {
        let big = format!("c={}", "y".repeat(MAX_VALUE_LEN + 1));
        let mut calls = 0;
        assert!(merge_values(&big, "c", |_| {
            calls += 1;
            None
        })
        .is_none());
        assert_eq!(calls, 0);
        let many = "c=x; ".repeat(50);
        let mut calls = 0;
        merge_values(&many, "c", |_| {
            calls += 1;
            None
        });
        assert_eq!(calls, MAX_DUPLICATES);
    }

    #[test]
    fn decoders_differ_on_plus() {
        assert_eq!(percent_decode("a+b%2C").unwrap(), "a+b,");
        assert_eq!(form_decode("a+b%2C").unwrap(), "a b,");
        assert!(percent_decode("%FF").is_none());
        assert_eq!(percent_decode("100%").unwrap(), "100%");
    }
}

/// A percent-encoded (fully, partly or not at all) JSON object. `None` when the value is
/// not an object.
pub fn json_object(raw: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let text = percent_decode(unquote(raw))?;
    match serde_json::from_str(&text).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

#[cfg(test)]
mod json_tests {
    use super::*;

    #[test]
    fn json_object_accepts_encoded_and_raw_objects_only() {
        assert!(json_object("%7B%22a%22%3Atrue%7D").is_some());
        assert!(json_object("{%22a%22:true}").is_some());
        assert!(json_object(r#"{"a":true}"#).is_some());
        for v in ["[1]", "true", "{", "%7B", "", "{\"a\":tru}"] {
            assert!(json_object(v).is_none(), "{v}");
        }
    }
}
