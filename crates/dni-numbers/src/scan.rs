//! Scanning printed numbers: digit runs with the separators people put between digits.
//!
//! A *run* is a maximal sequence `[+] digit (separators digit)*` where separators are at most
//! [`MAX_SEPARATOR_TOKENS`] of: space, `-`, `.`, `/`, `(`, `)`, non-breaking / thin /
//! narrow no-break / figure spaces (as characters or as HTML entities: `&nbsp;`, `&#160;`,
//! `&#xA0;`, `&thinsp;`, `&#8201;`, `&#x202F;`, ...), Unicode hyphens and dashes (U+2010 to
//! U+2013, `&ndash;`), the fullwidth forms of Japanese and Chinese pages (`－` `．` `／` `（` `）`,
//! the minus sign `−`, `ー`, the ideographic space), and, in `tel:` URIs, `%20`. Text from
//! lol_html is not entity-decoded, which is why entities are separators here. A digit is an
//! ASCII digit or a fullwidth one (`０`-`９`), and `＋` is a `+`.

/// At most this many separator tokens between two digits (`") - "` is three).
pub(crate) const MAX_SEPARATOR_TOKENS: usize = 3;

/// A run with more digits than this is not phone numbers (a page of digits, a serial, a
/// hash): nothing in it is swapped. Three NANP numbers in a row with their `+1` are 33
/// digits; the longest printed number (`00` + 15 digits + a trunk `0`) is 18. Bounds what a
/// streaming scanner holds back.
pub const MAX_RUN_DIGITS: usize = 48;

/// Whether we scan page text, the number part of a `tel:` URI, or serialized data (JSON or
/// JavaScript string literals, at any depth of escaping up to [`MAX_ESCAPE_SLASHES`]
/// backslashes: `\u00a0`, `\\u00a0` and `\xa0` stand for a no-break space there, `\/` for
/// `/`, as entities do in text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Text,
    Tel,
    Data,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SepKind {
    /// A space of some kind: a number may end before it (lists of numbers).
    Space,
    /// `-`, `.`, `/`, dashes: binds digits together.
    Tight,
    Open,
    Close,
}

/// One digit of a run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DigitInfo {
    /// Byte offset of the digit.
    pub pos: usize,
    /// Byte offset where the separators before this digit start (`== pos` when none).
    pub sep_start: usize,
    /// The separators before this digit include a space.
    pub space_before: bool,
    /// Byte offset of an opening parenthesis among the separators before this digit.
    pub open_paren_before: Option<usize>,
    /// A fullwidth digit (`０`-`９`, U+FF10-FF19: three bytes) rather than an ASCII one.
    pub wide: bool,
}

impl DigitInfo {
    /// Byte offset just after the digit.
    pub fn end(&self) -> usize {
        self.pos + if self.wide { 3 } else { 1 }
    }
}

/// A scanned run of digits.
#[derive(Debug, Default, Clone)]
pub(crate) struct Run {
    /// Byte offset of the `+` (or `%2B` in `tel:`), if the run starts with one.
    pub plus_at: Option<usize>,
    /// The ASCII digits of the run (at most [`MAX_RUN_DIGITS`] + 1 of them).
    pub values: Vec<u8>,
    pub digits: Vec<DigitInfo>,
    /// More than [`MAX_RUN_DIGITS`] digits: `values` and `digits` stop there, [`end`](Self::end)
    /// and [`last_digit`](Self::last_digit) are the run's real end.
    pub overlong: bool,
    /// Byte offset of the last digit (of the whole run, also when over-long).
    last: Option<usize>,
    /// Byte offset just after the last digit (0: no digit).
    end: usize,
}

impl Run {
    /// Byte offset just after the last digit.
    pub fn end(&self) -> usize {
        self.end
    }

    /// Byte offset of the last digit, if any.
    pub fn last_digit(&self) -> Option<usize> {
        self.last
    }

    /// Whether the run starts with an international prefix (`+` or `00`).
    pub fn international_prefix(&self) -> bool {
        self.plus_at.is_some() || self.values.starts_with(b"00")
    }
}

const SWAR_ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const SWAR_HIGH: u64 = SWAR_ONES * 0x80;

/// The high bit set in each byte of `x` that is an ASCII digit, 0x30..=0x39
/// (`hasbetween(x, '0' - 1, '9' + 1)` from "Bit Twiddling Hacks").
#[inline(always)]
fn ascii_digit_bytes(x: u64) -> u64 {
    let low = x & (SWAR_ONES * 0x7F);
    (SWAR_ONES * (127 + 58)).wrapping_sub(low)
        & !x
        & low.wrapping_add(SWAR_ONES * (127 - 47))
        & SWAR_HIGH
}

/// Offset of the first ASCII digit in `b` at or after `from`: 16 bytes at a time (SWAR),
/// since this runs over every text node of every page. [`ascii_digit_bytes`] is exact per
/// byte (no carry crosses bytes), so the lowest flagged byte is the digit.
pub(crate) fn find_digit(b: &[u8], from: usize) -> Option<usize> {
    find_digit_seen(b, from).0
}

/// [`find_digit`], and whether a byte of `b[from..]` up to the digit (or the end) is not
/// ASCII (the bytes read with it may count too: the answer may be yes when it is no, never
/// the reverse). A fullwidth digit (first byte 0xEF) can only come before the ASCII digit
/// found when it says yes: ASCII text pays two ORs per 16 bytes for that, no second search.
#[inline(always)]
pub(crate) fn find_digit_noting_non_ascii(b: &[u8], from: usize) -> (Option<usize>, bool) {
    let (d, seen) = find_digit_seen(b, from);
    (d, seen & SWAR_HIGH != 0)
}

/// The search of [`find_digit`], with the OR of the bytes read (as words; a byte's high bit
/// stays a byte's high bit).
#[inline(always)]
fn find_digit_seen(b: &[u8], from: usize) -> (Option<usize>, u64) {
    let Some(rest) = b.get(from..) else {
        return (None, 0);
    };
    let first = |word: u64| (word.trailing_zeros() / 8) as usize;
    let mut pairs = rest.chunks_exact(16);
    let mut at = from;
    let mut seen = 0;
    for p in pairs.by_ref() {
        let (Some(lo), Some(hi)) = (p.first_chunk::<8>(), p.last_chunk::<8>()) else {
            break;
        };
        let (lo, hi) = (u64::from_le_bytes(*lo), u64::from_le_bytes(*hi));
        seen |= lo | hi;
        let (lo, hi) = (ascii_digit_bytes(lo), ascii_digit_bytes(hi));
        if lo | hi != 0 {
            return (
                Some(at + if lo != 0 { first(lo) } else { 8 + first(hi) }),
                seen,
            );
        }
        at += 16;
    }
    // The last 0 to 15 bytes.
    let tail = pairs.remainder();
    let (word, more) = match tail.split_first_chunk::<8>() {
        Some((w, more)) => (Some(w), more),
        None => (None, tail),
    };
    if let Some(w) = word {
        let w = u64::from_le_bytes(*w);
        seen |= w;
        let m = ascii_digit_bytes(w);
        if m != 0 {
            return (Some(at + first(m)), seen);
        }
        at += 8;
    }
    for (p, &c) in more.iter().enumerate() {
        seen |= u64::from(c);
        if c.is_ascii_digit() {
            return (Some(at + p), seen);
        }
    }
    (None, seen)
}

/// The fullwidth forms Japanese and Chinese pages print numbers in (UTF-8 of U+FF08, U+FF0B,
/// U+FF0D): `（`, `＋`, `－`; fullwidth digits are U+FF10-FF19, `EF BC 90` to `EF BC 99`.
const WIDE_OPEN: [u8; 3] = [0xEF, 0xBC, 0x88];
const WIDE_PLUS: [u8; 3] = [0xEF, 0xBC, 0x8B];

/// The digit at `i` (its ASCII value) and its byte length: an ASCII digit, or a fullwidth
/// one (`０`-`９`).
#[inline(always)]
pub(crate) fn digit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let c = *b.get(i)?;
    if c.is_ascii_digit() {
        Some((c, 1))
    } else if c == 0xEF {
        wide_digit_at(b, i).map(|d| (d, 3))
    } else {
        None
    }
}

/// The ASCII value of a fullwidth digit at `i`.
#[inline(never)]
fn wide_digit_at(b: &[u8], i: usize) -> Option<u8> {
    match b.get(i..i + 3)? {
        [0xEF, 0xBC, t @ 0x90..=0x99] => Some(b'0' + (t - 0x90)),
        _ => None,
    }
}

/// The fullwidth form of an ASCII digit (`3` -> `３`); other characters unchanged.
pub(crate) fn widen(c: char) -> char {
    match c {
        '0'..='9' => char::from_u32(u32::from(c) - u32::from('0') + 0xFF10).unwrap_or(c),
        '+' => '＋',
        '(' => '（',
        ')' => '）',
        _ => c,
    }
}

/// Offset of the first digit, ASCII or fullwidth (`０`-`９`), in `b` at or after `from`: as
/// [`find_digit`], 8 bytes at a time, also stopping at the first byte of a fullwidth
/// character (0xEF) to look at it. Text without such bytes pays three more operations per
/// 8 bytes and no second pass.
pub(crate) fn find_digit_or_wide(b: &[u8], from: usize) -> Option<usize> {
    let rest = b.get(from..)?;
    let hit_in = |bytes: &[u8], at: usize| {
        bytes.iter().enumerate().find_map(|(p, &c)| {
            let i = at + p;
            (c.is_ascii_digit() || (c == 0xEF && wide_digit_at(b, i).is_some())).then_some(i)
        })
    };
    let mut words = rest.chunks_exact(8);
    let mut at = from;
    for w in words.by_ref() {
        let Ok(word) = <[u8; 8]>::try_from(w) else {
            break;
        };
        let x = u64::from_le_bytes(word);
        let digit = ascii_digit_bytes(x);
        // Bytes equal to 0xEF ("Bit Twiddling Hacks", haszero(x ^ 0xEF..)): may also flag a
        // byte after a real one, which the byte check below sorts out.
        let t = x ^ (SWAR_ONES * 0xEF);
        let ef = t.wrapping_sub(SWAR_ONES) & !t & SWAR_HIGH;
        if digit | ef != 0 {
            if let Some(i) = hit_in(w, at) {
                return Some(i);
            }
        }
        at += 8;
    }
    hit_in(words.remainder(), at)
}

/// Where a run containing the digit at `d` starts: a `+`, `(` or `+(` right before it (ASCII
/// or fullwidth).
#[inline(always)]
pub(crate) fn run_start_before_digit(b: &[u8], d: usize) -> usize {
    // Most digits follow an ASCII byte that is neither (the fullwidth forms end in bytes
    // 0x88 and 0x8B): one test.
    match d.checked_sub(1).and_then(|i| b.get(i)) {
        Some(&c) if c < 0x80 && c != b'(' && c != b'+' => return d,
        None => return d,
        _ => {}
    }
    let ends_with = |end: usize, ascii: u8, wide: &[u8; 3]| match end.checked_sub(1) {
        Some(i) if b.get(i) == Some(&ascii) => Some(i),
        // The fullwidth form's last byte first: most text has none.
        Some(i) if b.get(i) == wide.last() && i >= 2 && b.get(i - 2..=i) == Some(wide) => {
            Some(i - 2)
        }
        _ => None,
    };
    let after_open = ends_with(d, b'(', &WIDE_OPEN).unwrap_or(d);
    ends_with(after_open, b'+', &WIDE_PLUS).unwrap_or(after_open)
}

/// Recognises one separator token at `i`; returns its byte length and kind. (Inlined into the
/// scanners: the common bytes are decided here, the rare escapes out of line.)
#[inline(always)]
fn separator_at(b: &[u8], i: usize, mode: Mode) -> Option<(usize, SepKind)> {
    let c = *b.get(i)?;
    match c {
        b' ' => Some((1, SepKind::Space)),
        b'-' | b'.' | b'/' => Some((1, SepKind::Tight)),
        b'(' => Some((1, SepKind::Open)),
        b')' => Some((1, SepKind::Close)),
        0xC2 if b.get(i + 1) == Some(&0xA0) => Some((2, SepKind::Space)),
        0xE2 if b.get(i + 1) == Some(&0x80) => {
            let kind = classify_code_point(0x2000 + u32::from(*b.get(i + 2)? & 0x3F))?;
            Some((3, kind))
        }
        0xE2 | 0xE3 | 0xEF => wide_separator(b, i),
        b'&' if mode != Mode::Tel => entity_separator(b, i),
        b'\\' if mode == Mode::Data => escape_separator(b, i),
        b'%' if mode == Mode::Tel => percent_separator(b, i),
        _ => None,
    }
}

/// A separator of Japanese and Chinese pages: the fullwidth hyphen-minus `－`, full stop `．`,
/// solidus `／` and parentheses `（` `）` (U+FF0D, U+FF0E, U+FF0F, U+FF08, U+FF09), the minus
/// sign `−` (U+2212) and the katakana prolonged sound mark `ー` (U+30FC) typed for a dash,
/// the ideographic space (U+3000).
#[inline(never)]
fn wide_separator(b: &[u8], i: usize) -> Option<(usize, SepKind)> {
    let kind = match b.get(i..i + 3)? {
        [0xEF, 0xBC, 0x8D..=0x8F] | [0xE2, 0x88, 0x92] | [0xE3, 0x83, 0xBC] => SepKind::Tight,
        [0xEF, 0xBC, 0x88] => SepKind::Open,
        [0xEF, 0xBC, 0x89] => SepKind::Close,
        [0xE3, 0x80, 0x80] => SepKind::Space,
        _ => return None,
    };
    Some((3, kind))
}

/// A percent-encoded separator in a `tel:` URI (RFC 3986 escapes, either case):
/// `%20`, `%28`, `%29`, `%2D`, `%2E`, `%2F`, and `%C2%A0` (a no-break space).
#[inline(never)]
fn percent_separator(b: &[u8], i: usize) -> Option<(usize, SepKind)> {
    let hex = |at: usize| {
        let h = b.get(at..at + 2)?;
        if !h.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let s = std::str::from_utf8(h).ok()?;
        u8::from_str_radix(s, 16).ok()
    };
    let byte = hex(i + 1)?;
    if byte == 0xC2 && b.get(i + 3) == Some(&b'%') && hex(i + 4) == Some(0xA0) {
        return Some((6, SepKind::Space));
    }
    Some((3, classify_code_point(u32::from(byte))?))
}

fn classify_code_point(cp: u32) -> Option<SepKind> {
    match cp {
        0x20 | 0xA0 | 0x2007 | 0x2009 | 0x202F => Some(SepKind::Space),
        0x2D | 0x2E | 0x2F | 0x2010..=0x2013 => Some(SepKind::Tight),
        0x28 => Some(SepKind::Open),
        0x29 => Some(SepKind::Close),
        _ => None,
    }
}

/// An HTML character reference that stands for a separator (`&nbsp;`, `&#160;`, `&#x2009;`).
#[inline(never)]
fn entity_separator(b: &[u8], i: usize) -> Option<(usize, SepKind)> {
    let rest = b.get(i + 1..)?;
    let semi = rest.iter().take(9).position(|&c| c == b';')?;
    let name = rest.get(..semi)?;
    let len = semi + 2;
    let kind = match name {
        b"nbsp" | b"thinsp" | b"NonBreakingSpace" => SepKind::Space,
        b"ndash" | b"hyphen" | b"dash" => SepKind::Tight,
        [b'#', b'x' | b'X', hex @ ..] if !hex.is_empty() => {
            classify_code_point(parse_radix(hex, 16)?)?
        }
        [b'#', dec @ ..] if !dec.is_empty() => classify_code_point(parse_radix(dec, 10)?)?,
        _ => return None,
    };
    Some((len, kind))
}

/// At most this many backslashes before an escape in data: four levels of strings nested in
/// strings (1, 2, 4, 8). Bounds a separator token, hence what a stream holds back.
pub(crate) const MAX_ESCAPE_SLASHES: usize = 8;

/// A JSON/JavaScript escape that stands for a separator, behind 1 to [`MAX_ESCAPE_SLASHES`]
/// backslashes (payloads nest JSON in strings): `\uXXXX` (JSON, JavaScript), `\xNN`
/// (JavaScript), `\/` (JSON's escaped solidus, as PHP's `json_encode` writes every `/`).
#[inline(never)]
fn escape_separator(b: &[u8], i: usize) -> Option<(usize, SepKind)> {
    let slashes = b
        .get(i..)?
        .iter()
        .take(MAX_ESCAPE_SLASHES + 1)
        .take_while(|&&c| c == b'\\')
        .count();
    if slashes == 0 || slashes > MAX_ESCAPE_SLASHES {
        return None;
    }
    let at = i + slashes;
    let hex_len = match b.get(at)? {
        b'u' | b'U' => 4,
        b'x' => 2,
        b'/' => return Some((slashes + 1, SepKind::Tight)),
        _ => return None,
    };
    let hex = b.get(at + 1..at + 1 + hex_len)?;
    let kind = classify_code_point(parse_radix(hex, 16)?)?;
    Some((slashes + 1 + hex_len, kind))
}

fn parse_radix(s: &[u8], radix: u32) -> Option<u32> {
    let mut v: u32 = 0;
    for &c in s {
        let d = (c as char).to_digit(radix)?;
        v = v.checked_mul(radix)?.checked_add(d)?;
    }
    Some(v)
}

/// Byte length of a `+` at `i` (`+`, fullwidth `＋`, or `%2B` in `tel:` URIs), if any.
pub(crate) fn plus_at(b: &[u8], i: usize, mode: Mode) -> Option<usize> {
    match b.get(i)? {
        b'+' => Some(1),
        0xEF if b.get(i..i + 3) == Some(&WIDE_PLUS) => Some(3),
        b'%' if mode == Mode::Tel
            && b.get(i + 1) == Some(&b'2')
            && matches!(b.get(i + 2), Some(b'B' | b'b')) =>
        {
            Some(3)
        }
        _ => None,
    }
}

/// Where a run ends, without its digits: what [`scan_run`] finds, for a caller that only
/// needs to know whether the run is long enough to look at (most runs in page text are
/// years, prices and counts, shorter than any phone number).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Extent {
    /// Digits of the run, counted up to [`MAX_RUN_DIGITS`] + 1.
    pub digits: usize,
    /// More than [`MAX_RUN_DIGITS`] digits.
    pub overlong: bool,
    /// Byte offset of the last digit, if any.
    pub last: Option<usize>,
    /// Byte offset just after the last digit (0: no digit).
    pub end: usize,
}

/// Scans the run starting at `start` (a digit, a `+`, or a `(` before a digit).
/// Returns an empty run when no digit follows.
pub(crate) fn scan_run(b: &[u8], start: usize, mode: Mode, run: &mut Run) -> Extent {
    run.values.clear();
    run.digits.clear();
    run.plus_at = None;
    let e = walk_run(b, start, mode, Some(run));
    run.overlong = e.overlong;
    run.last = e.last;
    run.end = e.end;
    e
}

/// The extent of the run starting at `start`, as [`scan_run`] would scan it, recording
/// nothing (the tests' reference for the recorded walk and the short path).
#[cfg(test)]
pub(crate) fn run_extent(b: &[u8], start: usize, mode: Mode) -> Extent {
    walk_run(b, start, mode, None)
}

/// An ASCII byte that is no digit, no `+` and starts no separator token in any mode (nor a
/// `,`, which the text scanner looks past): a run cannot go on through it.
#[inline(always)]
pub(crate) fn stops_run(c: u8) -> bool {
    c.is_ascii() && !c.is_ascii_digit() && !b" -./()&\\%+,".contains(&c)
}

/// The end of a run of page text at the ASCII digit `d` with fewer than `max` digits and
/// nothing around them (`2024 `, `24/7 `, `24h`): groups of ASCII digits joined by one space,
/// `-`, `.` or `/`, then a byte that [`stops_run`], or a space and such a byte, with at least
/// 5 bytes left after the digits (no glued extension pending). The end [`scan_run`]
/// finds, without its general scan; `None` for anything else.
#[inline(always)]
pub(crate) fn short_bare_run(b: &[u8], d: usize, max: usize) -> Option<usize> {
    let mut e = d;
    let mut digits = 0;
    loop {
        while b.get(e).is_some_and(u8::is_ascii_digit) {
            e += 1;
            digits += 1;
        }
        let joined = matches!(b.get(e), Some(b' ' | b'-' | b'.' | b'/'))
            && b.get(e + 1).is_some_and(u8::is_ascii_digit);
        if !joined || digits >= max {
            break;
        }
        e += 1;
    }
    if digits >= max || b.len() - e <= 4 {
        return None;
    }
    let stops = |i: usize| b.get(i).copied().is_some_and(stops_run);
    (stops(e) || (b.get(e) == Some(&b' ') && stops(e + 1))).then_some(e)
}

/// The scanner of [`scan_run`] (and the tests' `run_extent`): with `rec`, the digits are recorded in
/// it (cleared by the caller).
#[inline(always)]
fn walk_run(b: &[u8], start: usize, mode: Mode, mut rec: Option<&mut Run>) -> Extent {
    let mut e = Extent::default();
    let mut pos = start;
    if let Some(len) = plus_at(b, pos, mode) {
        if let Some(run) = rec.as_deref_mut() {
            run.plus_at = Some(pos);
        }
        pos += len;
    }
    loop {
        let sep_start = pos;
        let mut tokens = 0;
        let mut space_before = false;
        let mut open_paren_before = None;
        // An ASCII digit right here has no separators before it: the common case (`2024`,
        // `4567`) skips the separator tests.
        let ascii = b.get(pos).is_some_and(u8::is_ascii_digit);
        while !ascii && tokens < MAX_SEPARATOR_TOKENS {
            let Some((len, kind)) = separator_at(b, pos, mode) else {
                break;
            };
            // Before the first digit only an opening parenthesis is allowed: `(555)`, `+(44)`.
            if e.digits == 0 && kind != SepKind::Open {
                break;
            }
            match kind {
                SepKind::Space => space_before = true,
                SepKind::Open => open_paren_before = Some(pos),
                _ => {}
            }
            pos += len;
            tokens += 1;
        }
        match digit_at(b, pos) {
            Some((d, len)) => {
                if e.digits > MAX_RUN_DIGITS {
                    e.overlong = true;
                } else {
                    e.digits += 1;
                    if let Some(run) = rec.as_deref_mut() {
                        run.values.push(d);
                        run.digits.push(DigitInfo {
                            pos,
                            sep_start,
                            space_before,
                            open_paren_before,
                            wide: len == 3,
                        });
                    }
                }
                e.last = Some(pos);
                pos += len;
                e.end = pos;
            }
            None => return e,
        }
    }
}

/// Whether `tail`, what follows a run's last digit up to the end of the input seen so far,
/// may still go on with separators and another digit of the same run (so the run is not
/// over yet): it is empty, or complete separator tokens (at most [`MAX_SEPARATOR_TOKENS`]),
/// possibly followed by the beginning of one (`&nbs`, `\\u00`, `%2`).
#[inline]
pub(crate) fn may_continue(tail: &[u8], mode: Mode) -> bool {
    let mut pos = 0;
    let mut tokens = 0;
    loop {
        if pos >= tail.len() {
            return true;
        }
        if tokens == MAX_SEPARATOR_TOKENS {
            return false;
        }
        match separator_at(tail, pos, mode) {
            Some((len, _)) => {
                pos += len;
                tokens += 1;
            }
            None => return separator_prefix(tail.get(pos..).unwrap_or(&[]), mode),
        }
    }
}

/// `rest` (not empty) is the incomplete beginning of a separator token: an entity without
/// its `;` yet, a JSON escape without all its hex digits, a `%` escape without its digits.
fn separator_prefix(rest: &[u8], mode: Mode) -> bool {
    let Some((&first, more)) = rest.split_first() else {
        return false;
    };
    match first {
        // The longest entity separator is `&NonBreakingSpace;` (18 bytes).
        b'&' if mode != Mode::Tel => {
            rest.len() < 18 && more.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'#')
        }
        b'\\' if mode == Mode::Data => {
            let slashes = rest.iter().take_while(|&&c| c == b'\\').count();
            if slashes > MAX_ESCAPE_SLASHES {
                return false;
            }
            match rest.get(slashes..) {
                Some([]) | None => true,
                Some([b'u' | b'U', hex @ ..]) => {
                    hex.len() < 4 && hex.iter().all(u8::is_ascii_hexdigit)
                }
                Some([b'x', hex @ ..]) => hex.len() < 2 && hex.iter().all(u8::is_ascii_hexdigit),
                Some(_) => false,
            }
        }
        b'%' if mode == Mode::Tel => more.len() < 2 && more.iter().all(u8::is_ascii_hexdigit),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str, mode: Mode) -> String {
        let mut run = Run::default();
        scan_run(s.as_bytes(), 0, mode, &mut run);
        String::from_utf8(run.values).unwrap()
    }

    #[test]
    fn separators_of_every_kind() {
        for s in [
            "(555) 123-4567",
            "555.123.4567",
            "555 123 4567",
            "555\u{a0}123\u{2009}4567",
            "555\u{202f}123\u{2011}4567",
            "555&nbsp;123&#160;4567",
            "555&#xA0;123&thinsp;4567",
            "555 - 123 - 4567",
            "555/123/4567",
        ] {
            assert_eq!(digits(s, Mode::Text), "5551234567", "{s}");
        }
    }

    #[test]
    fn stops_at_non_separators() {
        assert_eq!(digits("555-123-4567, 555", Mode::Text), "5551234567");
        assert_eq!(digits("555-123-4567x12", Mode::Text), "5551234567");
        assert_eq!(digits("555&amp;123", Mode::Text), "555");
        assert_eq!(digits("555    123", Mode::Text), "555");
    }

    #[test]
    fn find_digit_matches_a_plain_scan() {
        let cases: &[&[u8]] = &[
            b"",
            b"abc",
            b"abcdefgh1",
            b"abcdefghijklmnop/:9",
            b"\xff\xb0\xb9/:;0",
            "éééééééé٣ 7".as_bytes(),
            b"01234567",
        ];
        for c in cases {
            for from in 0..=c.len() {
                let expected = c[from..]
                    .iter()
                    .position(u8::is_ascii_digit)
                    .map(|p| p + from);
                assert_eq!(find_digit(c, from), expected, "{c:?} from {from}");
            }
        }
        let all: Vec<u8> = (0..=255u8).collect();
        for from in 0..all.len() {
            let expected = all[from..]
                .iter()
                .position(u8::is_ascii_digit)
                .map(|p| p + from);
            assert_eq!(find_digit(&all, from), expected);
        }
    }

    #[test]
    fn find_digit_or_wide_matches_a_plain_scan() {
        let plain = |b: &[u8], from: usize| (from..b.len()).find(|&i| digit_at(b, i).is_some());
        let cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            "abcdefgh\u{ff10}".as_bytes().to_vec(),
            "ＴＥＬ：（０３）".as_bytes().to_vec(),
            "ＴＥＬＴＥＬＴＥＬ１".as_bytes().to_vec(),
            "\u{ef}\u{ff0d}\u{ff19}x9".as_bytes().to_vec(),
            b"\xef\xbc\x8f\xef\xbc\x9a\xef\xbc\x99\xef\xbc".to_vec(),
            (0..=255u8).rev().collect(),
        ];
        for c in &cases {
            for from in 0..=c.len() {
                assert_eq!(
                    find_digit_or_wide(c, from),
                    plain(c, from),
                    "{c:?} from {from}"
                );
            }
        }
    }

    #[test]
    fn run_starts_include_plus_and_paren() {
        assert_eq!(run_start_before_digit(b"x+1", 2), 1);
        assert_eq!(run_start_before_digit(b"(5", 1), 0);
        assert_eq!(run_start_before_digit(b"+(44)", 2), 0);
        assert_eq!(run_start_before_digit(b"5", 0), 0);
        // Fullwidth `（` and `＋` (bytes >= 0x80 before the digit: the general test).
        let wide = "x＋（5".as_bytes();
        assert_eq!(run_start_before_digit(wide, wide.len() - 1), 1);
        let wide = "（5".as_bytes();
        assert_eq!(run_start_before_digit(wide, 3), 0);
        let other = "é5".as_bytes();
        assert_eq!(run_start_before_digit(other, 2), 2);
        // Every ASCII byte but `(` and `+` before a digit starts nothing.
        for c in (0..0x80u8).filter(|&c| c != b'(' && c != b'+') {
            assert_eq!(run_start_before_digit(&[b'+', c, b'5'], 2), 2, "{c}");
        }
    }

    #[test]
    fn data_mode_reads_json_escapes_at_any_depth() {
        for s in [
            "(503)\\u00a0555-0142",
            "(503)\\\\u00A0555\\u20110142",
            "503\\u2009555\\u202f0142",
            "(503)&nbsp;555-0142",
        ] {
            assert_eq!(digits(s, Mode::Data), "5035550142", "{s}");
        }
        assert_eq!(digits("503\\n5550142", Mode::Data), "503");
        assert_eq!(digits("503\\u0041555", Mode::Data), "503");
        assert_eq!(digits("(503)\\u00a0555", Mode::Text), "503");
    }

    #[test]
    fn a_run_may_continue_after_separators_and_their_beginnings() {
        for tail in [
            "", " ", "-", ") ", " - ", "&nbs", "&#16", "&", "\u{a0}", "\u{2009}",
        ] {
            assert!(may_continue(tail.as_bytes(), Mode::Text), "{tail:?}");
        }
        for tail in [" x", "x", ",", " - -", "&amp;", "&nbsp;x", "%20"] {
            assert!(!may_continue(tail.as_bytes(), Mode::Text), "{tail:?}");
        }
        assert!(may_continue(b"\\\\u00", Mode::Data));
        assert!(!may_continue(b"\\n", Mode::Data));
        assert!(may_continue(b"%2", Mode::Tel));
        assert!(may_continue(b"%20", Mode::Tel));
    }

    #[test]
    fn runs_over_the_digit_limit_are_marked_and_scanned_to_their_end() {
        let digits = "1 ".repeat(MAX_RUN_DIGITS + 10) + "x";
        let mut run = Run::default();
        scan_run(digits.as_bytes(), 0, Mode::Text, &mut run);
        assert!(run.overlong);
        assert_eq!(run.values.len(), MAX_RUN_DIGITS + 1);
        assert_eq!(run.end(), digits.len() - 2);
        scan_run(b"555 123 4567", 0, Mode::Text, &mut run);
        assert!(!run.overlong);
    }

    /// `run_extent` (the pass over short runs) ends a run where `scan_run` does, with as
    /// many digits.
    fn extent_agrees(s: &str, mode: Mode) {
        let b = s.as_bytes();
        let mut run = Run::default();
        for start in 0..=b.len() {
            scan_run(b, start, mode, &mut run);
            let e = run_extent(b, start, mode);
            assert_eq!(e.digits, run.values.len(), "{s:?} at {start}");
            assert_eq!(e.overlong, run.overlong, "{s:?} at {start}");
            assert_eq!(e.last, run.last_digit(), "{s:?} at {start}");
            assert_eq!(e.end, run.end(), "{s:?} at {start}");
        }
    }

    #[test]
    fn extent_matches_the_full_scan() {
        for s in [
            "(555) 123-4567",
            "+1 555&nbsp;123 4567 x",
            "＋８１ （０３） １２３４－５６７８",
            "2024 24/7 $99",
            "555    123",
        ] {
            extent_agrees(s, Mode::Text);
        }
        extent_agrees(&"1 ".repeat(MAX_RUN_DIGITS + 10), Mode::Text);
        extent_agrees("%2B1%20(555)%20123-4567", Mode::Tel);
        extent_agrees("(503)\\u00a0555-0142", Mode::Data);
    }

    #[test]
    fn bytes_that_stop_runs_start_nothing() {
        for c in (0..=255u8).filter(|&c| stops_run(c)) {
            let b = [c, b'1', b'2', b' ', b'x', b'y'];
            for mode in [Mode::Text, Mode::Tel, Mode::Data] {
                assert_eq!(separator_at(&b, 0, mode), None, "{c}");
                assert_eq!(plus_at(&b, 0, mode), None, "{c}");
            }
            assert_eq!(digit_at(&b, 0), None, "{c}");
        }
        assert!(stops_run(b'a') && stops_run(b'$') && stops_run(b'\n'));
        assert!(!stops_run(b' ') && !stops_run(b'&') && !stops_run(0xEF) && !stops_run(b','));
    }

    /// Where `short_bare_run` answers, `run_extent` ends the run there.
    fn short_run_agrees(s: &str) {
        let b = s.as_bytes();
        for d in (0..b.len()).filter(|&i| b[i].is_ascii_digit()) {
            if let Some(end) = short_bare_run(b, d, 10) {
                let e = run_extent(b, d, Mode::Text);
                assert_eq!(e.end, end, "{s:?} at {d}");
                assert!(e.digits < 10, "{s:?} at {d}");
            }
        }
    }

    #[test]
    fn short_runs_end_where_the_full_scan_ends_them() {
        for s in [
            "2024 lorem",
            "24/7 today",
            "$99 only",
            "1 2 3 4 5 6 7 8 9 0 x",
            "555-123-4567 call",
            "12345678901 x",
            "2024  two spaces",
            "2024&nbsp;3 x",
            "5x12 abc",
        ] {
            short_run_agrees(s);
        }
        assert_eq!(short_bare_run(b"2024 lorem", 0, 10), Some(4));
        assert_eq!(short_bare_run(b"2024 5 lorem", 0, 10), Some(6));
        assert_eq!(short_bare_run(b"24/7 lorem", 0, 10), Some(4));
        assert_eq!(short_bare_run(b"555-123-4567 call", 0, 10), None);
        assert_eq!(short_bare_run(b"555-123-456 call", 0, 10), Some(11));
        assert_eq!(short_bare_run(b"24 / 7 lorem", 0, 10), None);
        assert_eq!(short_bare_run(b"2024 x", 0, 10), None);
    }

    proptest::proptest! {
        #[test]
        fn short_runs_end_where_the_full_scan_ends_them_on_any_text(
            s in "([0-9 a-z$,.\\-/()&;#%+\u{a0}\u{ff10}]{0,30})"
        ) {
            short_run_agrees(&s);
        }

        #[test]
        fn find_digit_matches_a_plain_scan_on_any_bytes(
            b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..70),
            from in 0usize..72,
        ) {
            let expected = b
                .get(from..)
                .and_then(|r| r.iter().position(u8::is_ascii_digit).map(|p| p + from));
            proptest::prop_assert_eq!(find_digit(&b, from), expected);
            // Non-ASCII before the digit (or in the rest) is always noted.
            let (d, non_ascii) = find_digit_noting_non_ascii(&b, from);
            proptest::prop_assert_eq!(d, expected);
            let before = b.get(from..).map_or(&[][..], |r| &r[..d.map_or(r.len(), |d| d - from)]);
            if !before.is_ascii() {
                proptest::prop_assert!(non_ascii);
            }
            if b.get(from..).is_none_or(<[u8]>::is_ascii) {
                proptest::prop_assert!(!non_ascii);
            }
        }

        #[test]
        fn extent_matches_the_full_scan_on_any_text(
            s in "([0-9０-９+＋()（） .\\-/－&;#xnbsp%2B\u{a0}\u{2009}a]{0,24})"
        ) {
            extent_agrees(&s, Mode::Text);
            extent_agrees(&s, Mode::Tel);
            extent_agrees(&s, Mode::Data);
        }
    }

    #[test]
    fn tel_mode_percent_space_and_plus() {
        assert_eq!(digits("(555)%20123-4567", Mode::Tel), "5551234567");
        assert_eq!(digits("%2B15551234567", Mode::Tel), "15551234567");
        assert_eq!(digits("555&nbsp;123", Mode::Tel), "555");
        assert_eq!(digits("%28555%29%20123%2D4567", Mode::Tel), "5551234567");
        assert_eq!(digits("555%C2%A0123%2e4567", Mode::Tel), "5551234567");
        assert_eq!(digits("555%2B123", Mode::Tel), "555");
        assert_eq!(digits("555%+1123", Mode::Tel), "555");
        // `%20%A0` is two tokens (a space, then a Latin-1 no-break space), not one `%C2%A0`:
        // with two more spaces that is four, more than a run allows between digits.
        assert_eq!(percent_separator(b"%20%A0", 0), Some((3, SepKind::Space)));
        assert_eq!(digits("555%20%A0%20%20123", Mode::Tel), "555");
        assert_eq!(digits("555%20%A0%20123", Mode::Tel), "555123");
    }
}
