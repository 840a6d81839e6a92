//! The request's cookies, split once, and reading one CMP cookie out of them: bounds,
//! duplicates and the decodings the formats share.

use std::borrow::Cow;

use dni_common::cookie_header::{cookie_pairs, CookiePair};
use percent_encoding::percent_decode_str;

use crate::outcome::{CookieRead, Outcome};
use crate::verdict::CmpVerdict;

/// Longest cookie value a reader looks at (bytes). Longer values are malformed: real CMP
/// cookies stay well below (a Cookiebot value with an embedded TC string is a few KB).
pub const MAX_VALUE_LEN: usize = 16 * 1024;

/// How many cookies of the same name are read; further duplicates are ignored.
pub const MAX_DUPLICATES: usize = 4;

/// How many `name=value` pairs of a `Cookie` header are looked at. Browsers keep at most
/// about 180 cookies per site (Chrome's per-domain limit), so a header with more was not
/// sent by a browser; the pairs beyond are ignored.
pub const MAX_PAIRS: usize = 1024;

/// The pairs of one `Cookie` header, split once for every reader.
#[derive(Debug, Clone, Default)]
pub struct Jar<'a> {
    pairs: Vec<CookiePair<'a>>,
}

impl<'a> Jar<'a> {
    /// Splits a raw `Cookie` header (at most [`MAX_PAIRS`] pairs).
    pub fn parse(header: &'a str) -> Jar<'a> {
        Jar {
            pairs: cookie_pairs(header).take(MAX_PAIRS).collect(),
        }
    }

    /// Values of every cookie named exactly `name`, in header order.
    pub fn values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.pairs
            .iter()
            .filter(move |p| p.name == name)
            .map(|p| p.value)
    }

    /// Every pair, in header order.
    pub fn pairs(&self) -> impl Iterator<Item = &CookiePair<'a>> {
        self.pairs.iter()
    }
}

/// Reads every (up to [`MAX_DUPLICATES`]) value of cookie `name` with `decode`, appending
/// one [`CookieRead`] per value. An empty value is silent, a value longer than
/// [`MAX_VALUE_LEN`] malformed, and a verdict that states nothing silent.
pub fn read_cookie(
    jar: &Jar,
    name: &str,
    out: &mut Vec<CookieRead>,
    mut decode: impl FnMut(&str) -> Outcome,
) {
    for value in jar.values(name).take(MAX_DUPLICATES) {
        out.push(CookieRead::new(name, read_value(value, &mut decode)));
    }
}

/// One value through `decode`, with the bounds of [`read_cookie`].
pub fn read_value(value: &str, decode: impl FnOnce(&str) -> Outcome) -> Outcome {
    if value.is_empty() {
        Outcome::Silent
    } else if value.len() > MAX_VALUE_LEN {
        Outcome::Malformed("value longer than 16 KiB")
    } else {
        match decode(value) {
            Outcome::Verdict(v) => Outcome::from_verdict(v),
            other => other,
        }
    }
}

/// The verdict of one platform from all its reads: duplicates of one cookie resolve to the
/// most restrictive copy ([`CmpVerdict::most_restrictive`]: a copy silent on a category
/// makes it unset), different cookies of the platform combine their stated answers
/// ([`CmpVerdict::stated_merge`]). `None` when no read gave a verdict.
pub fn combined<'r>(reads: impl IntoIterator<Item = &'r CookieRead>) -> Option<CmpVerdict> {
    let mut per_cookie: Vec<(&str, CmpVerdict)> = Vec::new();
    for read in reads {
        let Outcome::Verdict(v) = &read.outcome else {
            continue;
        };
        match per_cookie.iter_mut().find(|(n, _)| *n == read.cookie) {
            Some((_, merged)) => *merged = merged.most_restrictive(*v),
            None => per_cookie.push((&read.cookie, *v)),
        }
    }
    per_cookie
        .into_iter()
        .map(|(_, v)| v)
        .reduce(CmpVerdict::stated_merge)
}

/// Strips one pair of surrounding double quotes (RFC 6265 allows quoted cookie values).
pub fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// Reason for a value that is not UTF-8 once percent-decoded.
pub const NOT_UTF8: &str = "not UTF-8 once percent-decoded";

/// `decodeURIComponent`: `%XX` sequences decoded, `+` kept. Malformed `%` sequences are
/// kept literally.
pub fn percent_decode(value: &str) -> Result<Cow<'_, str>, &'static str> {
    percent_decode_str(value)
        .decode_utf8()
        .map_err(|_| NOT_UTF8)
}

/// `application/x-www-form-urlencoded` value decoding: `+` is a space, then `%XX`.
pub fn form_decode(value: &str) -> Result<Cow<'_, str>, &'static str> {
    if value.contains('+') {
        let spaced = value.replace('+', " ");
        percent_decode_str(&spaced)
            .decode_utf8()
            .map(|s| Cow::Owned(s.into_owned()))
            .map_err(|_| NOT_UTF8)
    } else {
        percent_decode(value)
    }
}

/// A percent-encoded (fully, partly or not at all) JSON object.
pub fn json_object(raw: &str) -> Result<serde_json::Map<String, serde_json::Value>, &'static str> {
    let text = percent_decode(unquote(raw))?;
    match serde_json::from_str(&text) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err("JSON but not an object"),
        Err(_) => Err("not JSON"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Consent;
    use dni_common::Category;

    fn flag(v: &str) -> Outcome {
        match v {
            "yes" => Outcome::Verdict(CmpVerdict::uniform(true)),
            "no" => Outcome::Verdict(CmpVerdict::uniform(false)),
            "silent" => Outcome::Verdict(CmpVerdict::new()),
            "old" => Outcome::Ignored("expired"),
            _ => Outcome::Malformed("not a flag"),
        }
    }

    fn read(header: &str) -> Vec<CookieRead> {
        let jar = Jar::parse(header);
        let mut out = Vec::new();
        read_cookie(&jar, "c", &mut out, flag);
        out
    }

    fn outcomes(header: &str) -> Vec<Outcome> {
        read(header).into_iter().map(|r| r.outcome).collect()
    }

    #[test]
    fn every_copy_is_read_and_classified() {
        assert_eq!(
            outcomes("c=yes; d=no; c=garbage; c=silent; c=; c=old"),
            [
                Outcome::Verdict(CmpVerdict::uniform(true)),
                Outcome::Malformed("not a flag"),
                Outcome::Silent,
                Outcome::Silent,
            ]
        );
        assert!(read("d=yes").is_empty());
        assert_eq!(read("c=yes")[0].cookie, "c");
        assert_eq!(read("c=yes")[0].detail, None);
    }

    #[test]
    fn duplicates_merge_to_the_most_restrictive_valid_value() {
        for h in ["c=yes; c=no", "c=no; c=yes", "c=garbage; c=no; c=yes"] {
            let v = combined(&read(h)).unwrap();
            assert_eq!(v.get(Category::Marketing), Consent::Denied, "{h}");
        }
        let v = combined(&read("c=garbage; c=silent; c=yes")).unwrap();
        assert_eq!(v.get(Category::Marketing), Consent::Granted);
        assert!(combined(&read("c=garbage; c=")).is_none());
    }

    #[test]
    fn different_cookies_of_one_platform_combine_stated_answers() {
        let analytics = CmpVerdict::new().with(Category::Analytics, Consent::Granted);
        let marketing = CmpVerdict::new().with(Category::Marketing, Consent::Granted);
        let reads = [
            CookieRead::new("a", Outcome::Verdict(analytics)),
            CookieRead::new("m", Outcome::Verdict(marketing)),
        ];
        let v = combined(&reads).unwrap();
        assert_eq!(v.get(Category::Analytics), Consent::Granted);
        assert_eq!(v.get(Category::Marketing), Consent::Granted);
        // the same two answers as duplicates of one cookie: each copy's silence counts
        let dups = [
            CookieRead::new("a", Outcome::Verdict(analytics)),
            CookieRead::new("a", Outcome::Verdict(marketing)),
        ];
        let v = combined(&dups).unwrap();
        assert_eq!(v.get(Category::Analytics), Consent::Unset);
        assert_eq!(v.get(Category::Marketing), Consent::Unset);
    }

    #[test]
    fn oversized_values_and_excess_duplicates_are_not_decoded() {
        let big = format!("c={}", "y".repeat(MAX_VALUE_LEN + 1));
        let mut calls = 0;
        let jar = Jar::parse(&big);
        let mut out = Vec::new();
        read_cookie(&jar, "c", &mut out, |_| {
            calls += 1;
            Outcome::Silent
        });
        assert_eq!(calls, 0);
        assert_eq!(
            out[0].outcome,
            Outcome::Malformed("value longer than 16 KiB")
        );
        // exactly the limit is decoded
        let edge = format!("c={}", "y".repeat(MAX_VALUE_LEN));
        assert_eq!(outcomes(&edge), [Outcome::Malformed("not a flag")]);
        let many = "c=x; ".repeat(50);
        assert_eq!(read(&many).len(), MAX_DUPLICATES);
    }

    #[test]
    fn jar_keeps_at_most_max_pairs() {
        let header: String = (0..MAX_PAIRS + 10).map(|i| format!("k{i}=v; ")).collect();
        let jar = Jar::parse(&header);
        assert_eq!(jar.pairs().count(), MAX_PAIRS);
        assert_eq!(jar.values("k0").collect::<Vec<_>>(), ["v"]);
        assert_eq!(jar.values(&format!("k{}", MAX_PAIRS)).count(), 0);
        assert_eq!(jar.values(&format!("k{}", MAX_PAIRS - 1)).count(), 1);
    }

    #[test]
    fn decoders_differ_on_plus() {
        assert_eq!(percent_decode("a+b%2C").unwrap(), "a+b,");
        assert_eq!(form_decode("a+b%2C").unwrap(), "a b,");
        assert_eq!(form_decode("a%2Cb").unwrap(), "a,b");
        assert_eq!(percent_decode("%FF"), Err(NOT_UTF8));
        assert_eq!(form_decode("+%FF"), Err(NOT_UTF8));
        assert_eq!(percent_decode("100%").unwrap(), "100%");
        assert_eq!(unquote("\"q\""), "q");
        assert_eq!(unquote("\"q"), "\"q");
    }

    #[test]
    fn json_object_accepts_encoded_and_raw_objects_only() {
        assert!(json_object("%7B%22a%22%3Atrue%7D").is_ok());
        assert!(json_object("{%22a%22:true}").is_ok());
        assert!(json_object(r#""{"a":true}""#).is_ok());
        assert_eq!(json_object("[1]").unwrap_err(), "JSON but not an object");
        assert_eq!(json_object("true").unwrap_err(), "JSON but not an object");
        for v in ["{", "%7B", "", "{\"a\":tru}"] {
            assert_eq!(json_object(v).unwrap_err(), "not JSON", "{v}");
        }
        assert_eq!(json_object("%FF").unwrap_err(), NOT_UTF8);
    }
}
