//! Numbers in serialized data: JSON documents and JavaScript payloads that frameworks hydrate
//! from (`__NEXT_DATA__`, React Server Component rows, `__NUXT_DATA__`, island props, ...).
//!
//! The data is scanned as it is, escapes and all: a string nested in a string (`\"…\"`), a
//! no-break space written `\u00a0` or `\\u00a0`, a newline escape `\n` before a number all
//! read as in text. A number is replaced **digit for digit** only, so the payload's length
//! and every length prefix in it (RSC text rows `T<hex>,`) stay right; a number whose
//! replacement does not fit, or that sits in the value of an excluded key, is left and
//! counted in [`DataSwapped::skipped`].

use crate::devalue::DevalueScanner;
use crate::scan::{find_digit, may_continue, run_start_before_digit, scan_run, Mode, Run};
use crate::swapper::{leading_context_ok, RunRules, RunSink};
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

/// The byte offset just after a `\uXXXX` or `\xNN` escape whose hex digits contain offset
/// `i`, if any.
fn escape_end_around(b: &[u8], i: usize) -> Option<usize> {
    (i.saturating_sub(5)..=i).find_map(|s| {
        let hex_len = match (b.get(s), b.get(s + 1)) {
            (Some(b'\\'), Some(b'u' | b'U')) => 4,
            (Some(b'\\'), Some(b'x')) => 2,
            _ => return None,
        };
        let end = s + 2 + hex_len;
        let is_escape = b
            .get(s + 2..end)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
        (is_escape && i < end && i >= s + 2).then_some(end)
    })
}

/// Nothing digit-ish before a run in data: an escape (`\n`, `\u00a0`, `\xa0`) counts as a
/// boundary.
fn data_leading_ok(text: &str, start: usize) -> bool {
    let b = text.as_bytes();
    if start >= 2 && b.get(start - 2) == Some(&b'\\') {
        return true;
    }
    if start.checked_sub(1).and_then(|i| escape_end_around(b, i)) == Some(start) {
        return true;
    }
    leading_context_ok(text, start)
}

/// How far back (bytes) [`key_before`] looks for the quote opening the string a number is
/// in, and its key. Bounded so the result does not depend on how the data was chunked.
pub const KEY_LOOKBACK: usize = 256;
/// Bytes of already-returned data a [`DataStream`] keeps for that look-back.
const CONTEXT: usize = KEY_LOOKBACK + 32;
/// Bytes a [`DataStream`] holds back at the end of its input: the start of a number (`+`,
/// `(`, an escape) may be there, its digits in the next chunk, and a run ending there needs
/// the characters after it for its trailing context (`x12`, `,5`). A run followed by
/// nothing but separators (or the beginning of one) up to the end is held however long they
/// are: [`may_continue`] decides, and separator tokens are bounded (at most three, each at
/// most `MAX_ESCAPE_SLASHES` + 5 bytes), so the hold stays bounded by the longest printed run.
const HOLD_TAIL: usize = 16;

/// The key whose value is the string containing offset `at`: the nearest quote before it (any
/// escaping depth, within [`KEY_LOOKBACK`] bytes), then `:` and the key before that (quoted the
/// same way, or a bare JavaScript identifier). `None` inside an array or outside a string.
pub(crate) fn key_before(text: &str, at: usize) -> Option<&str> {
    let b = text.as_bytes();
    let floor = at.saturating_sub(KEY_LOOKBACK);
    let mut i = at;
    // The opening quote of the enclosing string, and how many backslashes escape it.
    let open = loop {
        i = i.checked_sub(1).filter(|&i| i >= floor)?;
        if b.get(i) == Some(&b'"') {
            break i;
        }
    };
    let depth = b
        .get(floor..open)?
        .iter()
        .rev()
        .take_while(|&&c| c == b'\\')
        .count();
    let skip_ws = |mut j: usize| {
        while j > floor && b.get(j - 1).is_some_and(u8::is_ascii_whitespace) {
            j -= 1;
        }
        j
    };
    let mut j = skip_ws(open - depth);
    // A type-tagged value, `"key":[0,"value"]` (Astro island props): skip the tag.
    if j > floor && b.get(j - 1) == Some(&b',') {
        let k = skip_ws(j - 1);
        let digits = b
            .get(floor..k)?
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let k = skip_ws(k - digits);
        if digits > 0 && k > floor && b.get(k - 1) == Some(&b'[') {
            j = skip_ws(k - 1);
        }
    }
    if j <= floor || b.get(j - 1) != Some(&b':') {
        return None;
    }
    let end = skip_ws(j - 1);
    if end > floor && b.get(end - 1) == Some(&b'"') {
        // A quoted key: back to its opening quote at the same depth.
        let key_end = end.checked_sub(1 + depth)?;
        let mut k = key_end;
        loop {
            k = k.checked_sub(1).filter(|&k| k >= floor)?;
            if b.get(k) == Some(&b'"') {
                return text.get(k + 1..key_end);
            }
        }
    }
    let len = b
        .get(floor..end)?
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'$')
        .count();
    (len > 0).then(|| text.get(end - len..end)).flatten()
}

/// Swaps numbers in serialized data that arrives in chunks (an inline payload script, a data
/// response), with bounded memory: the output is the same however the input was chunked.
/// Feed chunks with [`push`](Self::push), then call [`finish`](Self::finish).
#[derive(Debug, Default)]
pub struct DataStream {
    /// Input not yet returned, after up to [`CONTEXT`] bytes already returned.
    buf: String,
    /// Stream offset of `buf[0]`.
    base: usize,
    /// Excluded keys of a `devalue` payload, if the data is one.
    devalue: Option<DevalueScanner>,
    /// Offset in `buf` up to which output was returned.
    emitted: usize,
    count: u32,
    skipped: u32,
    run: Run,
    /// The input not yet returned starts with the last digit of an over-long run (more
    /// than [`MAX_RUN_DIGITS`](crate::MAX_RUN_DIGITS) digits, nothing swapped in it).
    overlong: bool,
}

impl DataStream {
    pub fn new() -> Self {
        Self::default()
    }

    /// For `devalue` payloads (Nuxt's `__NUXT_DATA__` / `_payload.json`, SvelteKit's
    /// `__data.json`), where objects hold the indices of their values in a flat root array:
    /// an excluded key also leaves the root string its index points at.
    pub fn devalue() -> Self {
        DataStream {
            devalue: Some(DevalueScanner::default()),
            ..Self::default()
        }
    }

    /// Numbers replaced so far.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Numbers found but left so far (excluded keys, replacements that do not fit).
    pub fn skipped(&self) -> u32 {
        self.skipped
    }

    /// Feeds a chunk; returns the output that is ready (possibly empty).
    pub fn push(
        &mut self,
        swapper: &NumberSwapper,
        chunk: &str,
        excluded: &dyn Fn(&str) -> bool,
    ) -> String {
        self.buf.push_str(chunk);
        if let Some(d) = &mut self.devalue {
            d.feed(chunk.as_bytes(), excluded);
        }
        self.process(swapper, false, excluded)
    }

    /// Ends the input: the rest of the output.
    pub fn finish(&mut self, swapper: &NumberSwapper, excluded: &dyn Fn(&str) -> bool) -> String {
        let out = self.process(swapper, true, excluded);
        self.buf.clear();
        self.emitted = 0;
        out
    }

    fn process(
        &mut self,
        swapper: &NumberSwapper,
        last: bool,
        excluded: &dyn Fn(&str) -> bool,
    ) -> String {
        let text = self.buf.as_str();
        let bytes = text.as_bytes();
        let len = bytes.len();
        let from = self.emitted;
        let mut cut = if last {
            len
        } else {
            len.saturating_sub(HOLD_TAIL).max(from)
        };
        let mut out: Option<String> = None;
        let mut copied = from;
        let (base, devalue) = (self.base, &self.devalue);
        let skip = |at: usize| {
            key_before(text, at).is_some_and(excluded)
                || devalue.as_ref().is_some_and(|d| d.excludes(base + at))
        };
        let mut next = if swapper.is_empty() {
            None
        } else {
            find_digit(bytes, from)
        };
        let mut first = self.overlong;
        let mut overlong_next = false;
        while let Some(d) = next {
            if let Some(end) = escape_end_around(bytes, d) {
                next = find_digit(bytes, end);
                continue;
            }
            let start = run_start_before_digit(bytes, d).max(from);
            let continues = first && start == from;
            if !last && start >= cut {
                // Held as it is; still the rest of an over-long run if it was (a push shorter
                // than the hold-back changes nothing).
                overlong_next = continues;
                break;
            }
            scan_run(bytes, start, Mode::Data, &mut self.run);
            let end = self.run.end().max(d + 1);
            first = false;
            let tail = bytes.get(end..).unwrap_or(&[]);
            if !last && (end + HOLD_TAIL > len || may_continue(tail, Mode::Data)) {
                // The run may go on in the next chunk (separators, then digits: as in text,
                // `may_continue` decides, also for separators longer than the hold-back,
                // e.g. `\u00a0\u2013\u00a0`), or what follows it is too short to check its
                // context. Of an over-long run only its last digit is kept, to know where
                // it ends.
                cut = start;
                if self.run.overlong || continues {
                    cut = self.run.last_digit().unwrap_or(start).max(start);
                    overlong_next = true;
                }
                break;
            }
            if !continues
                && self.run.values.len() >= swapper.min_digits()
                && data_leading_ok(text, start)
            {
                let mut sink = RunSink {
                    out: &mut out,
                    copied: &mut copied,
                    count: &mut self.count,
                    skipped: &mut self.skipped,
                    shifts: None,
                };
                let rules = RunRules {
                    skip: Some(&skip),
                    reshape: &|_, _| false,
                };
                swapper.swap_in_run(text, &self.run, &mut sink, &rules);
            }
            cut = cut.max(end);
            next = find_digit(bytes, end);
        }
        self.overlong = overlong_next && !last;
        while cut > from && !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let mut result = out.unwrap_or_default();
        result.push_str(text.get(copied.min(cut)..cut).unwrap_or(""));
        self.emitted = cut;
        // Keep only the look-back context before what was returned.
        let mut drop_to = self.emitted.saturating_sub(CONTEXT);
        while drop_to > 0 && !self.buf.is_char_boundary(drop_to) {
            drop_to -= 1;
        }
        if drop_to > 0 {
            self.buf.drain(..drop_to);
            self.emitted -= drop_to;
            self.base += drop_to;
        }
        if let Some(d) = &mut self.devalue {
            d.forget_before(self.base + self.emitted);
        }
        result
    }
}

impl NumberSwapper {
    /// Replaces target numbers in serialized data (see the module docs), digit for digit,
    /// leaving the values of keys `excluded` says so (e.g. an invoice id that happens to have
    /// the digits of a phone number).
    pub fn swap_in_data(&self, text: &str, excluded: &dyn Fn(&str) -> bool) -> DataSwapped {
        let mut stream = DataStream::new();
        stream.buf = text.to_owned();
        self.swap_with(stream, excluded)
    }

    /// [`swap_in_data`](Self::swap_in_data) for a whole `devalue` payload (see
    /// [`DataStream::devalue`]).
    pub fn swap_in_devalue(&self, text: &str, excluded: &dyn Fn(&str) -> bool) -> DataSwapped {
        let mut stream = DataStream::devalue();
        stream.buf = text.to_owned();
        if let Some(d) = &mut stream.devalue {
            d.feed(text.as_bytes(), excluded);
        }
        self.swap_with(stream, excluded)
    }

    fn swap_with(&self, mut stream: DataStream, excluded: &dyn Fn(&str) -> bool) -> DataSwapped {
        let out = stream.process(self, true, excluded);
        DataSwapped {
            text: (stream.count > 0).then_some(out),
            count: stream.count,
            skipped: stream.skipped,
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

    /// What a [`DataStream`] may hold beyond the chunk just pushed: the key look-back and a
    /// small margin (stated on its own, not from `CONTEXT`, so a larger hold fails).
    const MEMORY: usize = KEY_LOOKBACK + 128;

    /// The stream's output and counts, the data pushed in chunks of `size` bytes (cut at
    /// character boundaries).
    fn streamed(
        st: &mut DataStream,
        s: &NumberSwapper,
        data: &str,
        size: usize,
        excluded: &dyn Fn(&str) -> bool,
    ) -> (String, u32, u32) {
        let mut out = String::new();
        let mut rest = data;
        while !rest.is_empty() {
            let mut at = size.min(rest.len());
            while !rest.is_char_boundary(at) {
                at += 1;
            }
            let (chunk, tail) = rest.split_at(at);
            out += &st.push(s, chunk, excluded);
            rest = tail;
        }
        out += &st.finish(s, excluded);
        (out, st.count(), st.skipped())
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
        assert_eq!(
            swapper()
                .swap_in_data(r#"{"x":"\u0035035550142","id":50355501420}"#, &none)
                .count,
            0
        );
    }

    #[test]
    fn keys_are_found_before_strings_only() {
        let t = r#"{"k" : "v 1", "arr":["x 1"], k2: 'z', "d":"\"in\": \"n 1\""}"#;
        assert_eq!(key_before(t, t.find("v 1").unwrap()), Some("k"));
        assert_eq!(key_before(t, t.find("x 1").unwrap()), None);
        assert_eq!(key_before(t, t.find("n 1").unwrap()), Some("in"));
        assert_eq!(key_before("plain 1", 6), None);
    }
    #[test]
    fn streaming_gives_the_same_output_at_every_split() {
        let s = swapper();
        let excluded = |k: &str| k == "invoiceId";
        let data = r#"self.__next_f.push([1,"a:T51d,Call (503) 555-0142 today\n0:[\"$\",\"a\",null,{\"href\":\"tel:+15035550142\",\"invoiceId\":\"5035550142\",\"children\":\"(503)\\u00a0555-0142\"}]\n"]) {"x":"+1 503 555 0142","y":"(503)&nbsp;555-0142 ☎ 503.555.0142"}"#;
        let whole = s.swap_in_data(data, &excluded);
        assert_eq!(whole.count, 6);
        assert_eq!(whole.skipped, 1);
        for i in 0..=data.len() {
            for j in i..=data.len() {
                let (Some(a), Some(b), Some(c)) = (data.get(..i), data.get(i..j), data.get(j..))
                else {
                    continue;
                };
                let mut st = DataStream::new();
                let mut out = st.push(&s, a, &excluded);
                out += &st.push(&s, b, &excluded);
                out += &st.push(&s, c, &excluded);
                out += &st.finish(&s, &excluded);
                assert_eq!(Some(&out), whole.text.as_ref(), "split at {i}/{j}");
                assert_eq!((st.count(), st.skipped()), (6, 1), "split at {i}/{j}");
            }
        }
    }

    #[test]
    fn long_data_keeps_bounded_memory() {
        let s = swapper();
        let mut st = DataStream::new();
        let chunk = r#"{"phone":"(503) 555-0142","pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},"#;
        let mut out = String::new();
        for _ in 0..2000 {
            out += &st.push(&s, chunk, &none);
            assert!(st.buf.len() <= MEMORY + chunk.len(), "{}", st.buf.len());
        }
        out += &st.finish(&s, &none);
        assert_eq!(st.count(), 2000);
        assert_eq!(out, chunk.replace("0142", "0170").repeat(2000));
    }

    #[test]
    fn a_payload_of_digits_keeps_bounded_memory() {
        // An over-long run (a hash, a page of digits): only its last digit is kept.
        let s = swapper();
        let digits = "5035550142".repeat(5000);
        let data = format!("{{\"h\":\"{digits} 503 555 0142\",\"p\":\"(503) 555-0142\"}}");
        let whole = s.swap_in_data(&data, &none);
        assert_eq!(whole.count, 1);
        for size in [1, 7, 4096] {
            let mut st = DataStream::new();
            let mut out = String::new();
            for chunk in data.as_bytes().chunks(size) {
                out += &st.push(&s, std::str::from_utf8(chunk).unwrap(), &none);
                assert!(st.buf.len() <= MEMORY + size, "{}", st.buf.len());
            }
            out += &st.finish(&s, &none);
            assert_eq!(Some(out), whole.text, "chunks of {size}");
        }
    }

    #[test]
    fn keys_are_not_looked_for_beyond_the_look_back() {
        let long = "x".repeat(KEY_LOOKBACK);
        let t = format!(r#"{{"invoiceId":"{long} 5035550142"}}"#);
        let at = t.find("5035").unwrap();
        assert_eq!(key_before(&t, at), None);
        let t = r#"{"invoiceId":"ref 5035550142"}"#;
        assert_eq!(key_before(t, t.find("5035").unwrap()), Some("invoiceId"));
    }

    #[test]
    fn type_tagged_values_have_their_key() {
        let t = r#"{"invoiceId":[0,"5035550142"],"phone":[0,{"display":[0, "(503) 555-0142"]}],"list":[1,["5035550142"]]}"#;
        let at = |n: usize| t.match_indices("5035550142").nth(n).unwrap().0;
        assert_eq!(key_before(t, at(0)), Some("invoiceId"));
        assert_eq!(key_before(t, t.find("(503)").unwrap()), Some("display"));
        assert_eq!(key_before(t, at(1)), None);
    }

    #[test]
    fn a_number_right_after_a_unicode_escape_starts_after_it() {
        // Python's json.dumps (ensure_ascii, the default) writes “503-555-0142” as
        // \u201c503-555-0142\u201d: the escape's hex digits are not the number's.
        let s = swapper();
        let json = r#"{"note":"\u201c503-555-0142\u201d"}"#;
        let r = s.swap_in_data(json, &none);
        assert_eq!(r.count, 1);
        assert_eq!(r.text.unwrap(), json.replace("0142", "0170"));
        // The same at the very start of the data (a string's content on its own).
        let raw = r"\u201c503-555-0142\u201d";
        assert_eq!(
            s.swap_in_data(raw, &none).text.unwrap(),
            raw.replace("0142", "0170")
        );
        // Nor do hex digits complete a number: U+5035 (倵) then 550142 is not 5035550142.
        let cjk = r#"{"sku":"\u5035550142"}"#;
        assert_eq!(s.swap_in_data(cjk, &none).count, 0);
    }

    #[test]
    fn a_number_right_after_a_newline_escape() {
        let s = swapper();
        let json = r#"{"contact":"Harbor Dental\n503-555-0142"}"#;
        let r = s.swap_in_data(json, &none);
        assert_eq!(r.count, 1);
        assert_eq!(r.text.unwrap(), json.replace("0142", "0170"));
    }

    #[test]
    fn keys_in_unusual_places() {
        let at = |t: &str| t.find("5035").or_else(|| t.find("(503)")).unwrap();
        // Bare JavaScript keys with `$` and `_`.
        let t = r#"{$invoice_id: "5035550142"}"#;
        assert_eq!(key_before(t, at(t)), Some("$invoice_id"));
        // A JavaScript array with a hole: no type tag before the string, no key.
        let t = r#"{"invoiceId":[,"5035550142"]}"#;
        assert_eq!(key_before(t, at(t)), None);
        // A key string after a negative number is no tagged value of the key before.
        let t = r#"{"delta":-1,"5035550142":3}"#;
        assert_eq!(key_before(t, at(t)), None);
        // A JavaScript conditional: `:` after a parenthesis has no key.
        let t = r#"isOpen ? (hours) : "(503) 555-0142""#;
        assert_eq!(key_before(t, at(t)), None);
        // Data (a chunk) starting with the tag digits or with the `:`.
        let t = r#"1,"5035550142""#;
        assert_eq!(key_before(t, at(t)), None);
        let t = r#":"5035550142""#;
        assert_eq!(key_before(t, at(t)), None);
    }

    #[test]
    fn keys_far_back_are_found_at_every_chunk_size() {
        // The key 255 bytes before the number: within the look-back, also when the data
        // before the number was returned by an earlier push.
        let s = swapper();
        let excluded = |k: &str| k == "invoiceId";
        let pad = "x".repeat(240);
        let data = format!(r#"{{"invoiceId":"{pad} 5035550142","tel":"5035550142"}}"#);
        assert_eq!(
            key_before(&data, data.find("5035").unwrap()),
            Some("invoiceId")
        );
        let whole = s.swap_in_data(&data, &excluded);
        assert_eq!((whole.count, whole.skipped), (1, 1));
        for size in [1, 5, 16, 17, 100] {
            let got = streamed(&mut DataStream::new(), &s, &data, size, &excluded);
            assert_eq!(Some(got.0), whole.text, "chunks of {size}");
            assert_eq!((got.1, got.2), (1, 1), "chunks of {size}");
        }
    }

    #[test]
    fn multibyte_data_streams_with_bounded_memory() {
        // Context is dropped at character boundaries, wherever the chunks end.
        let s = swapper();
        let chunk = r#"{"phone":"(503) 555-0142","note":"☎ Öffnungszeiten — täglich ☎"},"#;
        for size in [1, 3, 7, chunk.len()] {
            let mut st = DataStream::new();
            let mut out = String::new();
            for _ in 0..100 {
                out += &streamed_push(&mut st, &s, chunk, size);
                assert!(st.buf.len() <= MEMORY + chunk.len(), "{}", st.buf.len());
            }
            out += &st.finish(&s, &none);
            assert_eq!(st.count(), 100);
            assert_eq!(
                out,
                chunk.replace("0142", "0170").repeat(100),
                "chunks of {size}"
            );
        }
    }

    /// Pushes `data` in pieces of `size` bytes (at character boundaries), without finishing.
    fn streamed_push(st: &mut DataStream, s: &NumberSwapper, data: &str, size: usize) -> String {
        let mut out = String::new();
        let mut rest = data;
        while !rest.is_empty() {
            let mut at = size.min(rest.len());
            while !rest.is_char_boundary(at) {
                at += 1;
            }
            let (chunk, tail) = rest.split_at(at);
            out += &st.push(s, chunk, &none);
            rest = tail;
        }
        out
    }

    #[test]
    fn an_over_long_run_goes_on_in_the_next_chunk() {
        // A run over the digit limit whose end arrives in a later chunk: the digits after
        // the chunk boundary (`1 503 555 0142`) are still part of it, nothing is swapped.
        let s = swapper();
        let digits = "7".repeat(60);
        let head = format!(r#"{{"h":"{digits} 1"#);
        let tail = r#" 503 555 0142","p":"(503) 555-0142"}"#;
        let data = format!("{head}{tail}");
        let whole = s.swap_in_data(&data, &none);
        assert_eq!(whole.count, 1);
        let (out, count) = pushed(&s, &[&head, tail]);
        assert_eq!(Some(out), whole.text);
        assert_eq!(count, 1);
    }

    /// `pieces` pushed one by one, then finished: the output and the count.
    fn pushed(s: &NumberSwapper, pieces: &[&str]) -> (String, u32) {
        let mut st = DataStream::new();
        let mut out: String = pieces.iter().map(|p| st.push(s, p, &none)).collect();
        out += &st.finish(s, &none);
        (out, st.count())
    }

    #[test]
    fn an_over_long_run_goes_on_after_a_short_chunk() {
        let s = swapper();
        let digits = "7".repeat(60);
        let head = format!(r#"{{"h":"{digits} 1"#);
        let tail = r#"503 555 0142","p":"(503) 555-0142"}"#;
        let data = format!("{head} {tail}");
        let whole = s.swap_in_data(&data, &none);
        assert_eq!(whole.count, 1);
        let (out, _) = pushed(&s, &[&head, " ", tail]);
        assert_eq!(Some(out), whole.text);
    }

    #[test]
    fn escaped_separators_longer_than_the_hold_back() {
        let s = swapper();
        let data = r#"{"t":"503\u00a0\u2013\u00a0555 0142","pad":"xxxxxxxxxxxxxxxxxxxxxxxx"}"#;
        let whole = s.swap_in_data(data, &none);
        assert_eq!(whole.count, 1);
        for i in 0..=data.len() {
            let (a, b) = data.split_at(i);
            let mut st = DataStream::new();
            let mut out = st.push(&s, a, &none);
            out += &st.push(&s, b, &none);
            out += &st.finish(&s, &none);
            assert_eq!(Some(&out), whole.text.as_ref(), "split at {i}");
        }
    }

    #[test]
    fn javascript_hex_escapes_and_escaped_slashes_are_separators() {
        // ECMA-262 HexEscapeSequence `\xNN` (minifiers write U+00A0 as `\xa0`); JSON's
        // escaped solidus `\/`, which PHP's json_encode writes for every `/` unless
        // JSON_UNESCAPED_SLASHES (php.net/manual/en/function.json-encode.php).
        let s = swapper();
        for data in [
            r#"{"t":"(503)\xa0555\x2d0142"}"#,
            r#"{"t":"503\/555\/0142"}"#,
            r#"{"t":"503\\/555\\/0142"}"#,
        ] {
            let whole = s.swap_in_data(data, &none);
            assert_eq!(whole.count, 1, "{data}");
            assert_eq!(whole.text.unwrap(), data.replace("0142", "0170"));
            for size in 1..data.len() {
                let got = streamed(&mut DataStream::new(), &s, data, size, &none);
                assert_eq!(
                    got.0,
                    data.replace("0142", "0170"),
                    "{data} in chunks of {size}"
                );
            }
        }
        // The hex digits of `\x35` (U+0035, `5`) are not the number's, and the number right
        // after an escape starts after it.
        assert_eq!(s.swap_in_data(r#"{"t":"\x35035550142"}"#, &none).count, 0);
        let after = r#"{"t":"\x20503-555-0142"}"#;
        assert_eq!(
            s.swap_in_data(after, &none).text.unwrap(),
            after.replace("0142", "0170")
        );
    }

    #[test]
    fn escapes_nest_at_most_eight_backslashes_deep() {
        // Four levels of strings in strings (1, 2, 4, 8 backslashes) read as separators; more
        // backslashes end the run, so what a stream holds after a run stays bounded.
        let s = swapper();
        let eight = format!(r#"{{"t":"503{}u00a0555-0142"}}"#, "\\".repeat(8));
        assert_eq!(s.swap_in_data(&eight, &none).count, 1);
        let nine = format!(r#"{{"t":"503{}u00a0555-0142"}}"#, "\\".repeat(9));
        assert_eq!(s.swap_in_data(&nine, &none).count, 0);
        let mut st = DataStream::new();
        st.push(&s, "5035550142", &none);
        for _ in 0..1000 {
            st.push(&s, r"\\\\", &none);
            assert!(st.buf.len() <= MEMORY, "{}", st.buf.len());
        }
    }

    #[test]
    fn a_number_is_returned_once_the_hold_back_follows_it() {
        // HOLD_TAIL bytes after a run are enough to know it ended: it is swapped and
        // returned by that push, only the last HOLD_TAIL bytes are held.
        let s = swapper();
        let head = r#"{"tel":"(503) 555-0142"#;
        let rest = r#"","note":"open"}"#;
        assert_eq!(rest.len(), HOLD_TAIL);
        let mut st = DataStream::new();
        let out = st.push(&s, &format!("{head}{rest}"), &none);
        assert_eq!(out, head.replace("0142", "0170"));
        assert_eq!(st.finish(&s, &none), rest);
    }

    #[test]
    fn long_devalue_payloads_exclude_by_index_at_every_chunk_size() {
        // The excluded string comes after more than the kept context: stream offsets,
        // not buffer offsets, must line up.
        let s = swapper();
        let excluded = |k: &str| k == "invoiceId";
        let pad = "Harbor Dental, 12 Quay St. ".repeat(20);
        let data = format!(
            r#"[{{"about":1,"invoiceId":2,"phone":3}},"{pad}","5035550142","(503) 555-0142",{{"invoiceId":2}}]"#
        );
        let whole = s.swap_in_devalue(&data, &excluded);
        assert_eq!((whole.count, whole.skipped), (1, 1));
        for size in [1, 2, 7, 16, 64, 300] {
            let got = streamed(&mut DataStream::devalue(), &s, &data, size, &excluded);
            assert_eq!(Some(got.0), whole.text, "chunks of {size}");
            assert_eq!((got.1, got.2), (1, 1), "chunks of {size}");
        }
    }

    #[test]
    fn devalue_payloads_exclude_by_index_at_every_split() {
        let s = swapper();
        let excluded = |k: &str| k == "invoiceId";
        let data = r#"[{"state":1},["Reactive",2],{"$sbusiness":3},{"name":4,"phone":5,"invoiceId":7},"Harbor",{"display":6},"(503) 555-0142","5035550142","503.555.0142"]"#;
        let whole = s.swap_in_devalue(data, &excluded);
        assert_eq!((whole.count, whole.skipped), (2, 1));
        let out = whole.text.clone().unwrap();
        assert!(
            out.contains(r#""(503) 555-0170","5035550142","503.555.0170""#),
            "{out}"
        );
        // Without the index scan, the invoice number is swapped.
        assert_eq!(s.swap_in_data(data, &excluded).count, 3);
        for i in 0..=data.len() {
            let (a, b) = data.split_at(i);
            let mut st = DataStream::devalue();
            let mut o = st.push(&s, a, &excluded);
            o += &st.push(&s, b, &excluded);
            o += &st.finish(&s, &excluded);
            assert_eq!(o, out, "split at {i}");
        }
    }
}
