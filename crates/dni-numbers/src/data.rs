//! Numbers in serialized data: JSON documents and JavaScript payloads that frameworks hydrate
//! from (`__NEXT_DATA__`, React Server Component rows, `__NUXT_DATA__`, island props, ...).
//!
//! The data is scanned as it is, escapes and all: a string nested in a string (`\"…\"`), a
//! no-break space written `\u00a0` or `\\u00a0`, a newline escape `\n` before a number all
//! read as in text. A number is replaced **digit for digit** only, so the payload's length
//! and every length prefix in it (RSC text rows `T<hex>,`) stay right; a number whose
//! replacement does not fit, or that sits in the value of an excluded key, is left and
//! counted in [`DataSwapped::skipped`].

use crate::scan::{find_digit, run_start_before_digit, scan_run, Mode, Run};
use crate::swapper::{leading_context_ok, RunSink};
use crate::NumberSwapper;

/// The result of [`NumberSwapper::swap_in_data`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSwapped {
    /// The data with every swapped number replaced (`None`: nothing changed).
    pub text: Option<String>,
    /// How many numbers were replaced.
    pub count: u32,
    /// Numbers found but left: in an excluded key, or a replacement that does not fit.
    pub skipped: u32,
}

/// The byte offset just after a `\uXXXX` escape that contains offset `i`, if any.
fn escape_end_around(b: &[u8], i: usize) -> Option<usize> {
    (i.saturating_sub(5)..=i).find_map(|s| {
        let is_escape = b.get(s) == Some(&b'\\')
            && matches!(b.get(s + 1), Some(b'u' | b'U'))
            && b.get(s + 2..s + 6).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
        (is_escape && i < s + 6 && i >= s + 2).then_some(s + 6)
    })
}

/// Nothing digit-ish before a run in data: an escape (`\n`, `\u00a0`) counts as a boundary.
fn data_leading_ok(text: &str, start: usize) -> bool {
    let b = text.as_bytes();
    if start >= 2 && b.get(start - 2) == Some(&b'\\') {
        return true;
    }
    if start >= 6 && escape_end_around(b, start - 1) == Some(start) {
        return true;
    }
    leading_context_ok(text, start)
}

/// The key whose value is the string containing offset `at`: the nearest quote before it (any
/// escaping depth), then `:` and the key before that (quoted the same way, or a bare
/// JavaScript identifier). `None` inside an array or outside a string.
pub(crate) fn key_before(text: &str, at: usize) -> Option<&str> {
    let b = text.as_bytes();
    let mut i = at;
    // The opening quote of the enclosing string, and how many backslashes escape it.
    let open = loop {
        i = i.checked_sub(1)?;
        if b.get(i) == Some(&b'"') {
            break i;
        }
    };
    let depth = b.get(..open)?.iter().rev().take_while(|&&c| c == b'\\').count();
    let mut j = open - depth;
    let skip_ws = |mut j: usize| {
        while j > 0 && b.get(j - 1).is_some_and(u8::is_ascii_whitespace) {
            j -= 1;
        }
        j
    };
    j = skip_ws(j);
    if j == 0 || b.get(j - 1) != Some(&b':') {
        return None;
    }
    j = skip_ws(j - 1);
    let end = j;
    if b.get(end.checked_sub(1)?) == Some(&b'"') {
        // A quoted key: back to its opening quote at the same depth.
        let key_end = end - 1 - depth;
        let mut k = key_end;
        loop {
            k = k.checked_sub(1)?;
            if b.get(k) == Some(&b'"') {
                return text.get(k + 1..key_end);
            }
        }
    }
    let start = b.get(..end)?.iter().rev().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'$').count();
    (start > 0).then(|| text.get(end - start..end)).flatten()
}

impl NumberSwapper {
    /// Replaces target numbers in serialized data (see the module docs), digit for digit,
    /// leaving the values of keys `excluded` says so (e.g. an invoice id that happens to have
    /// the digits of a phone number).
    pub fn swap_in_data(&self, text: &str, excluded: &dyn Fn(&str) -> bool) -> DataSwapped {
        let mut out: Option<String> = None;
        let (mut copied, mut count, mut skipped) = (0, 0, 0);
        let bytes = text.as_bytes();
        let mut run = Run::default();
        let mut next = if self.is_empty() { None } else { find_digit(bytes, 0) };
        let skip = |at: usize| key_before(text, at).is_some_and(excluded);
        while let Some(d) = next {
            if let Some(end) = escape_end_around(bytes, d) {
                next = find_digit(bytes, end);
                continue;
            }
            let start = run_start_before_digit(bytes, d);
            scan_run(bytes, start, Mode::Data, &mut run);
            let end = run.end().max(d + 1);
            if run.values.len() >= self.min_digits() && data_leading_ok(text, start) {
                let mut sink = RunSink {
                    out: &mut out,
                    copied: &mut copied,
                    count: &mut count,
                    skipped: &mut skipped,
                };
                self.swap_in_run(text, &run, &mut sink, Some(&skip));
            }
            next = find_digit(bytes, end);
        }
        let text = out.map(|mut o| {
            o.push_str(text.get(copied..).unwrap_or(""));
            o
        });
        DataSwapped {
            text: text.filter(|_| count > 0),
            count,
            skipped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::E164;

    fn swapper() -> NumberSwapper {
        let n = |s| E164::parse(s).unwrap();
        NumberSwapper::new(&[(n("+15035550142"), n("+15035550170"))])
    }

    fn none(_: &str) -> bool {
        false
    }

    #[test]
    fn json_strings_and_escapes() {
        let s = swapper();
        let json = r#"{"display":"(503) 555-0142","nb":"(503)\u00a0555-0142","e164":"+15035550142","href":"tel:+15035550142","note":"\nCall 503.555.0142\n","bare":"5035550142"}"#;
        let r = s.swap_in_data(json, &none);
        assert_eq!(r.count, 6);
        assert_eq!(r.text.unwrap(), json.replace("0142", "0170"));
    }

    #[test]
    fn nested_rsc_rows_keep_their_lengths() {
        let s = swapper();
        let rsc = r#"self.__next_f.push([1,"a:T51d,Call (503) 555-0142 today\n0:[\"$\",\"a\",null,{\"href\":\"tel:+15035550142\",\"children\":\"(503)\\u00a0555-0142\"}]\n"])"#;
        let r = s.swap_in_data(rsc, &none);
        let out = r.text.unwrap();
        assert_eq!(out.len(), rsc.len());
        assert_eq!(out, rsc.replace("0142", "0170"));
        assert_eq!(r.count, 3);
    }

    #[test]
    fn excluded_keys_are_left_at_any_depth() {
        let s = swapper();
        let json = r#"{"invoiceId":"5035550142","phone":"503-555-0142","inner":"{\"invoiceId\":\"5035550142\",\"tel\":\"5035550142\"}","js":{invoiceId: "5035550142"}}"#;
        let excluded = |k: &str| k == "invoiceId";
        let r = s.swap_in_data(json, &excluded);
        assert_eq!((r.count, r.skipped), (2, 3));
        let out = r.text.unwrap();
        assert!(out.contains(r#""invoiceId":"5035550142""#));
        assert!(out.contains(r#"\"invoiceId\":\"5035550142\""#));
        assert!(out.contains(r#"invoiceId: "5035550142""#));
        assert!(out.contains(r#""phone":"503-555-0170""#));
        assert!(out.contains(r#"\"tel\":\"5035550170\""#));
    }

    #[test]
    fn replacements_that_do_not_fit_are_skipped_and_nothing_else_changes() {
        let n = |s| E164::parse(s).unwrap();
        let s = NumberSwapper::new(&[(n("+15035550142"), n("+442079460018"))]);
        let json = r#"{"a":"(503) 555-0142"}"#;
        let r = s.swap_in_data(json, &none);
        assert_eq!((r.text, r.count, r.skipped), (None, 0, 1));
        assert_eq!(swapper().swap_in_data(r#"{"x":"\u0035035550142","id":50355501420}"#, &none).count, 0);
    }

    #[test]
    fn keys_are_found_before_strings_only() {
        let t = r#"{"k" : "v 1", "arr":["x 1"], k2: 'z', "d":"\"in\": \"n 1\""}"#;
        assert_eq!(key_before(t, t.find("v 1").unwrap()), Some("k"));
        assert_eq!(key_before(t, t.find("x 1").unwrap()), None);
        assert_eq!(key_before(t, t.find("n 1").unwrap()), Some("in"));
        assert_eq!(key_before("plain 1", 6), None);
    }
}
