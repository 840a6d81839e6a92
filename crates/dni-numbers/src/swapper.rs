//! [`NumberSwapper`]: finds the target numbers in text, attributes and `tel:` URIs and
//! replaces them, preserving the printed format.
//!
//! # What counts as a printed target number
//! A run of digits and separators (see the scanner: spaces of every kind, `-`, `.`, `/`,
//! parentheses, dashes, their HTML entities) whose digits are one of the target's forms:
//! * international: `+1 555 123 4567`, `+44 20 7946 0018`, `+44 (0)20 7946 0018` (trunk after
//!   the country code, for countries with a `0`-style trunk prefix), `0044 20 7946 0018`,
//!   `0031 (0)111 461414`;
//! * national: NANP `555 123 4567` and `1-555-123-4567`; trunk-prefix countries `020 7946 0018`,
//!   `01 23 45 67 89` (Russia `8`, Hungary `06`); countries without trunk prefix (Italy,
//!   Spain, ...) the national number itself; national-only numbers as their country prints
//!   them (`0800 123 4567`, `08 00 12 34 56`, `900 123 456`, Australia's `1300 346 227`
//!   and `13 12 34` without the trunk `0`); India's mobiles (10 digits starting 6-9) with and
//!   without the trunk `0` (`098765 43210`, `98765 43210`, `9876543210`);
//! * in `tel:` URIs also the country code and number without `+` or `00`
//!   (`tel:442079460018`, a frequent mistake that phones dial as a national number anyway).
//!
//! # What never matches
//! * Part of a longer number: the run must not go on with more digits after a tight
//!   separator or none (`5551234567890`, `555-123-4567-89`, `+44 555 123 4567` for a NANP
//!   target: a run that starts with `+`/`00` is only re-examined after 7 digits).
//! * Digit-ish context before the run: an ASCII letter, digit or `_` (`ABC5551234567`, an ID),
//!   `#` (`#5551234567`, an order number), a currency sign (`$ £ € ¥ ₹`), `%`, `@`, `=`, `+`,
//!   or a decimal point/comma after a digit (`3,5551234567`). (`1.5551234567` reads as the
//!   NANP form `1.555...` and matches.)
//! * Digit-ish context after it: an ASCII letter, digit, `_`, `%`, or `,` before a digit.
//! * A different number sharing digits: every digit of the printed form must match.
//! * Anything in a run of more than [`MAX_RUN_DIGITS`](crate::MAX_RUN_DIGITS) digits (a
//!   page of digits, a long reference).
//!
//! Several numbers in one run separated by spaces (`555 123 4567 555 987 6543`) are each
//! found. A number ends before a space-like separator only, and only when another whole
//! number (7+ digits) follows or what follows is not a single bare digit group ending the run:
//! `555-123-4567 24/7` and `555-123-4567 8am` match, `555 123 4567 8` does not (it reads as
//! one longer number).
//!
//! # Replacement
//! When the replacement has as many digits in the printed style as the target had, each digit
//! is replaced in place: separators, grouping, parentheses and prefix style are kept exactly.
//! Otherwise (another length, or a national style that the replacement cannot be written in
//! because it belongs to another country) the span is rewritten in a standard form of the same
//! style (`+cc`, `+cc (0)`, `00cc`, trunk `0`), grouped by the country's usual grouping and
//! joined with the first non-parenthesis separator the original used (none if it used none);
//! a national style for a foreign replacement becomes the `+cc` style.

use std::cell::RefCell;

use crate::country::{number_rules, NationalRules};
use crate::format::{standard_form, style_digits, Style};
use crate::scan::{scan_run, widen, Mode, Run};
use crate::text::scan_text;
use crate::E164;

/// Runs that start with `+`/`00` are only split into several numbers after this many digits.
const MIN_DIGITS_BEFORE_SPLIT_AFTER_PREFIX: usize = 7;

/// A number ends before a space inside a run when at least this many digits follow (another
/// whole number), or see [`split_ok`].
const MIN_DIGITS_AFTER_SPLIT: usize = 7;

struct Swap {
    target: E164,
    replacement: E164,
    /// `target`'s national number.
    nsn: Box<str>,
    /// The digits of `target`'s printed forms after a `+`, in the order they are tried.
    plus_forms: Vec<Form>,
    /// The digits of its printed forms without a `+`, in the order they are tried.
    bare_forms: Vec<Form>,
    /// In a `tel:` URI, also the country code and number without `+` or `00`.
    tel_form: Form,
    /// `replacement`'s digits in each style (see [`Swap::styled`]), built once.
    styled: [Option<Box<str>>; STYLES.len()],
}

/// A printed form of a target: its style and digits.
struct Form {
    style: Style,
    digits: Box<[u8]>,
}

impl Form {
    fn new(style: Style, parts: &[&str]) -> Form {
        Form {
            style,
            digits: parts.concat().into_bytes().into(),
        }
    }
}

/// The printed forms of the number `cc` `nsn` (see [`NumberSwapper::find`]): after a `+`,
/// and without one.
fn forms(cc: &str, nsn: &str, rules: NationalRules) -> (Vec<Form>, Vec<Form>) {
    let trunk = rules.trunk.unwrap_or("");
    let after_cc = rules.trunk_after_country_code && rules.trunk.is_some();
    let plus = [
        (Style::Plus { trunk: false }, [cc, nsn, "", ""], true),
        (Style::Plus { trunk: true }, [cc, trunk, nsn, ""], after_cc),
    ];
    let bare = [
        (
            Style::DoubleZero { trunk: false },
            ["00", cc, nsn, ""],
            true,
        ),
        (
            Style::DoubleZero { trunk: true },
            ["00", cc, trunk, nsn],
            after_cc,
        ),
        (
            Style::National { trunk: true },
            [trunk, nsn, "", ""],
            rules.trunk.is_some(),
        ),
        (
            Style::National { trunk: false },
            [nsn, "", "", ""],
            rules.bare,
        ),
    ];
    let keep = |list: &[(Style, [&str; 4], bool)]| {
        list.iter()
            .filter(|(_, _, enabled)| *enabled)
            .map(|(style, parts, _)| Form::new(*style, parts))
            .filter(|f| !f.digits.is_empty())
            .collect()
    };
    (keep(&plus), keep(&bare))
}

/// Every style a printed number can have, in the order of [`Swap::styled`].
const STYLES: [Style; 6] = [
    Style::Plus { trunk: false },
    Style::Plus { trunk: true },
    Style::DoubleZero { trunk: false },
    Style::DoubleZero { trunk: true },
    Style::National { trunk: false },
    Style::National { trunk: true },
];

impl Swap {
    /// The replacement's digits in `style` ([`style_digits`] for the target's country),
    /// computed when the swapper is built rather than per number found.
    fn styled(&self, style: Style) -> Option<&str> {
        let i = STYLES.iter().position(|s| *s == style)?;
        self.styled.get(i)?.as_deref()
    }
}

/// A match of a target at digit `a` of a run.
struct Found<'s> {
    swap: &'s Swap,
    style: Style,
    /// Number of digits of the run the printed form uses.
    len: usize,
}

/// Where [`NumberSwapper::swap_in_run`] writes: the output so far, how much of the input it
/// covers, and the counts.
pub(crate) struct RunSink<'a> {
    pub out: &'a mut Option<String>,
    pub copied: &'a mut usize,
    pub count: &'a mut u32,
    pub skipped: &'a mut u32,
    /// When set, every rewritten span that changed length: `(input offset of its end, output
    /// length minus input length)`.
    pub shifts: Option<&'a mut Vec<(usize, isize)>>,
}

/// How [`NumberSwapper::swap_in_run`] may change a run.
pub(crate) struct RunRules<'a> {
    /// Serialized data: numbers at these offsets are left alone (excluded keys).
    pub skip: Option<&'a dyn Fn(usize) -> bool>,
    /// Whether the printed span `[start, end)` of a number whose replacement does not fit
    /// digit for digit may be rewritten in a standard form (not in data, not across an
    /// element boundary); if not, the number is left and counted as skipped.
    pub reshape: &'a dyn Fn(usize, usize) -> bool,
}

/// The result of [`NumberSwapper::swap_in_text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swapped {
    /// The text with every found target replaced.
    pub text: String,
    /// How many numbers were replaced.
    pub count: u32,
}

/// Replaces printed target numbers by their replacement, built once per request from the
/// `(target, replacement)` pairs.
///
/// Pairs whose replacement equals the target are ignored; when a target is listed twice the
/// first pair wins. All methods return `None` when nothing changed, so callers copy nothing.
pub struct NumberSwapper {
    swaps: Vec<Swap>,
    /// Fewest digits any printed form of any target has: shorter runs are skipped at once.
    min_digits: usize,
    /// Scratch run reused across calls (no allocation per text node).
    scratch: RefCell<Run>,
}

impl NumberSwapper {
    /// Compiles the `(target, replacement)` pairs.
    pub fn new(pairs: &[(E164, E164)]) -> Self {
        let mut swaps: Vec<Swap> = Vec::with_capacity(pairs.len());
        for (target, replacement) in pairs {
            if target == replacement || swaps.iter().any(|s| s.target == *target) {
                continue;
            }
            let home = target.country_code();
            let nsn = target.national_number();
            let (plus_forms, bare_forms) = forms(home, nsn, number_rules(home, nsn));
            swaps.push(Swap {
                target: *target,
                replacement: *replacement,
                nsn: nsn.into(),
                plus_forms,
                bare_forms,
                tel_form: Form::new(Style::Plus { trunk: false }, &[home, nsn]),
                styled: STYLES.map(|style| style_digits(replacement, style, home).map(Into::into)),
            });
        }
        let min_digits = swaps.iter().map(|s| s.nsn.len()).min().unwrap_or(0);
        NumberSwapper {
            swaps,
            min_digits,
            scratch: RefCell::new(Run::default()),
        }
    }

    /// Fewest digits of any printed form of any target.
    pub(crate) fn min_digits(&self) -> usize {
        self.min_digits
    }

    /// True when no pair can change anything (every text is left as is).
    pub fn is_empty(&self) -> bool {
        self.swaps.is_empty()
    }

    /// Replaces target numbers in HTML text (not entity-decoded). `None` = nothing changed.
    pub fn replace_in_text(&self, text: &str) -> Option<String> {
        self.swap_in_text(text).map(|s| s.text)
    }

    /// Replaces target numbers in an attribute value (`aria-label`, `title`, `data-phone`):
    /// the same rules as text; a value that is a `tel:` URI is handled as one.
    pub fn replace_in_attribute(&self, value: &str) -> Option<String> {
        self.replace_in_tel(value)
            .or_else(|| self.replace_in_text(value))
    }

    /// Like [`replace_in_text`](Self::replace_in_text), also counting the numbers replaced.
    /// The whole text is one piece: the same as a [`TextStream`](crate::TextStream) fed it in
    /// any chunks.
    pub fn swap_in_text(&self, text: &str) -> Option<Swapped> {
        if self.swaps.is_empty() {
            return None;
        }
        let mut fresh = Run::default();
        let mut scratch = self.scratch.try_borrow_mut();
        let run = match scratch.as_deref_mut() {
            Ok(r) => r,
            Err(_) => &mut fresh,
        };
        let scanned = scan_text(self, text, "", 0, None, run);
        let out = scanned.out?;
        (scanned.count > 0 && out != text).then_some(Swapped {
            text: out,
            count: scanned.count,
        })
    }

    /// Swaps every target found in `run` (nothing in an over-long run). `rules` says what
    /// may change (see [`RunRules`]); numbers left are counted in `skipped`.
    pub(crate) fn swap_in_run(
        &self,
        text: &str,
        run: &Run,
        sink: &mut RunSink<'_>,
        rules: &RunRules<'_>,
    ) {
        if run.overlong {
            return;
        }
        let n = run.values.len();
        let bytes = text.as_bytes();
        let mut a = 0;
        let mut segment_start = 0;
        while a < n {
            let boundary_ok = |len: usize| match run.digits.get(a + len) {
                Some(next) => next.space_before && split_ok(bytes, run, a + len),
                None => trailing_context_ok(bytes, run.end()),
            };
            if let Some(found) = self.find(run, a, false, boundary_ok) {
                let at = run.digits.get(a).map_or(0, |d| d.pos);
                if rules.skip.is_some_and(|skip| skip(at)) {
                    *sink.skipped += 1;
                } else {
                    let o = sink
                        .out
                        .get_or_insert_with(|| String::with_capacity(text.len() + 16));
                    match self.render(text, run, a, &found, *sink.copied, o, rules.reshape) {
                        Some((span_end, shift)) => {
                            *sink.copied = span_end;
                            *sink.count += 1;
                            if let (Some(shifts), true) = (sink.shifts.as_deref_mut(), shift != 0) {
                                shifts.push((span_end, shift));
                            }
                        }
                        None => *sink.skipped += 1,
                    }
                }
                a += found.len;
                segment_start = a;
                continue;
            }
            // Where could the next number of this run start?
            let prefixed = segment_start == 0 && run.international_prefix();
            a = (a + 1..n)
                .find(|&k| {
                    run.digits.get(k).is_some_and(|d| d.space_before)
                        && (!prefixed || k - segment_start >= MIN_DIGITS_BEFORE_SPLIT_AFTER_PREFIX)
                })
                .unwrap_or(n);
        }
    }

    /// Replaces target numbers in a `tel:` URI (RFC 3966), e.g. `tel:+1-555-123-4567;ext=12`,
    /// `tel:(555)%20123-4567`, `TEL:5551234567`, `tel:%2B1%20(555)%20123-4567`,
    /// `tel: +1 555 123 4567`, `tel://5551234567`, `tel:15551234567,,12` (a pause and an
    /// extension). The scheme's case, the number's style and every parameter are kept. `None`
    /// when it is not a `tel:` URI or not a target.
    pub fn replace_in_tel(&self, href: &str) -> Option<String> {
        let lead = href.len() - href.trim_start_matches(is_ascii_ws).len();
        let scheme = href.get(lead..lead + 4)?;
        if !scheme.eq_ignore_ascii_case("tel:") {
            return None;
        }
        let after_scheme = href.get(lead + 4..)?;
        let rest = after_scheme
            .trim_start_matches('/')
            .trim_start_matches(is_ascii_ws);
        let num_start = href.len() - rest.len();
        let num_len = rest.find([';', '?', '#', ',']).unwrap_or(rest.len());
        let number = rest.get(..num_len)?.trim_end_matches(is_ascii_ws);
        let b = number.as_bytes();
        let mut run = Run::default();
        scan_run(b, 0, Mode::Tel, &mut run);
        let n = run.values.len();
        if n == 0 || run.end() != b.len() || run.overlong {
            return None;
        }
        let found = self.find(&run, 0, true, |len| len == n)?;
        let mut out = String::with_capacity(href.len() + 8);
        out.push_str(href.get(..num_start)?);
        let (end, _) = self.render(number, &run, 0, &found, 0, &mut out, &|_, _| true)?;
        debug_assert_eq!(end, b.len());
        out.push_str(href.get(num_start + number.len()..)?);
        Some(out)
    }

    /// Replaces a target in a WhatsApp click-to-chat link: `https://wa.me/<number>`,
    /// `https://api.whatsapp.com/send?phone=<number>` (also `/send/?phone=`, `web.whatsapp.com`,
    /// `whatsapp://send?phone=`). WhatsApp's documentation asks for the full international
    /// number with digits only (no `+`, `00`, spaces or dashes); a `+` or `%2B` before it is
    /// tolerated and kept. The rest of the URL (`?text=...`) is kept. `None` when it is not
    /// such a link or not a target.
    pub fn replace_in_whatsapp(&self, href: &str) -> Option<String> {
        let (start, len) = whatsapp_number(href)?;
        let digits = href.get(start..start + len)?;
        let swap = self.swaps.iter().find(|s| s.target.digits() == digits)?;
        let mut out = String::with_capacity(href.len() + 4);
        out.push_str(href.get(..start)?);
        out.push_str(swap.replacement.digits());
        out.push_str(href.get(start + len..)?);
        Some(out)
    }

    /// The first target whose printed form starts at digit `a` and ends where `boundary_ok`.
    /// `tel`: a `tel:` URI, where the country code without `+` or `00` is accepted too.
    fn find(
        &self,
        run: &Run,
        a: usize,
        tel: bool,
        boundary_ok: impl Fn(usize) -> bool,
    ) -> Option<Found<'_>> {
        let d = run.values.get(a..)?;
        let plus = a == 0 && run.plus_at.is_some();
        for swap in &self.swaps {
            let forms = if plus {
                &swap.plus_forms
            } else {
                &swap.bare_forms
            };
            let tel_form = (tel && a == 0 && !plus).then_some(&swap.tel_form);
            for form in forms.iter().chain(tel_form) {
                let len = form.digits.len();
                if d.get(..len) == Some(&*form.digits) && boundary_ok(len) {
                    return Some(Found {
                        swap,
                        style: form.style,
                        len,
                    });
                }
            }
        }
        None
    }

    /// Appends `text[copied..span_start]` and the replacement of the found number to `out`;
    /// returns the byte offset just after the replaced span and how much longer the output
    /// of the span is than its input. A replacement that does not fit digit for digit
    /// rewrites the span in a standard form when `reshape(start, end)` allows it; otherwise
    /// `None` (nothing written).
    #[allow(clippy::too_many_arguments)]
    fn render(
        &self,
        text: &str,
        run: &Run,
        a: usize,
        found: &Found<'_>,
        copied: usize,
        out: &mut String,
        reshape: &dyn Fn(usize, usize) -> bool,
    ) -> Option<(usize, isize)> {
        let digits = run.digits.get(a..a + found.len)?;
        let first = digits.first()?;
        let end = digits.last()?.end();
        match found.swap.styled(found.style) {
            Some(nd) if nd.len() == found.len => {
                // The printed span copied once, its digits overwritten in the copy (a digit
                // for an ASCII digit; a fullwidth digit, `EF BC 90`-`99`, keeps its first two
                // bytes): one append instead of two per digit.
                let span = text.as_bytes().get(first.pos..end)?;
                let mut buf = [0u8; 64];
                if let Some(dst) = buf.get_mut(..span.len()) {
                    dst.copy_from_slice(span);
                    for (info, new) in digits.iter().zip(nd.bytes()) {
                        let at = info.pos - first.pos + if info.wide { 2 } else { 0 };
                        let byte = dst.get_mut(at)?;
                        // E.164 digits (`'0'..='9'`: 0x30-0x39), so `new & 0x0F` is the digit.
                        debug_assert!(new.is_ascii_digit());
                        *byte = if info.wide { 0x90 | (new & 0x0F) } else { new };
                    }
                    let swapped = std::str::from_utf8(dst).ok()?;
                    out.push_str(text.get(copied..first.pos)?);
                    out.push_str(swapped);
                    return Some((end, 0));
                }
                let mut from = copied;
                for (info, new) in digits.iter().zip(nd.bytes()) {
                    out.push_str(text.get(from..info.pos)?);
                    // A fullwidth digit (`３`) is replaced by a fullwidth one.
                    let c = char::from(new);
                    out.push(if info.wide { widen(c) } else { c });
                    from = info.end();
                }
                Some((end, 0))
            }
            _ => {
                let mut start = if a == 0 {
                    run.plus_at.unwrap_or(first.pos)
                } else {
                    first.pos
                };
                if let Some(open) = first.open_paren_before {
                    if text.get(open..end)?.contains([')', '）']) {
                        start = start.min(open);
                    }
                }
                if !reshape(start, end) {
                    return None;
                }
                let sep = digits
                    .iter()
                    .skip(1)
                    .map(|d| text.get(d.sep_start..d.pos).unwrap_or(""))
                    .find(|s| !s.is_empty() && !s.contains(['(', ')']))
                    .unwrap_or("");
                out.push_str(text.get(copied..start)?);
                // Only here: the country code is read from the E.164 text (a UTF-8 check).
                let home = found.swap.target.country_code();
                let mut form = standard_form(&found.swap.replacement, found.style, home, sep);
                if digits.iter().all(|d| d.wide) {
                    // Printed in fullwidth: so is the replacement.
                    form = form.chars().map(widen).collect();
                }
                out.push_str(&form);
                let shift = isize::try_from(form.len()).unwrap_or(0)
                    - isize::try_from(end - start).unwrap_or(0);
                Some((end, shift))
            }
        }
    }
}

fn is_ascii_ws(c: char) -> bool {
    c.is_ascii_whitespace()
}

/// Where the number of a WhatsApp click-to-chat link is: `(offset, length)` of its digits
/// (after an optional `+` or `%2B`). The host and path are matched case-insensitively.
fn whatsapp_number(href: &str) -> Option<(usize, usize)> {
    let trimmed = href.trim_start_matches(is_ascii_ws);
    let lead = href.len() - trimmed.len();
    let lower = trimmed.to_ascii_lowercase();
    let after_scheme = ["https://", "http://", "//"]
        .iter()
        .find_map(|p| lower.strip_prefix(p).map(|r| lower.len() - r.len()));
    let number_at = if let Some(s) = after_scheme {
        let host_path = lower.get(s..)?;
        let host_path = host_path.strip_prefix("www.").unwrap_or(host_path);
        let skipped = lower.len() - host_path.len();
        if let Some(r) = host_path.strip_prefix("wa.me/") {
            skipped + host_path.len() - r.len()
        } else {
            let r = ["api.whatsapp.com/send", "web.whatsapp.com/send"]
                .iter()
                .find_map(|h| host_path.strip_prefix(h))?;
            let query = r.strip_prefix("/").unwrap_or(r).strip_prefix('?')?;
            skipped + host_path.len() - query.len() + phone_param(query)?
        }
    } else {
        let r = lower.strip_prefix("whatsapp://send")?;
        let query = r.strip_prefix("/").unwrap_or(r).strip_prefix('?')?;
        lower.len() - query.len() + phone_param(query)?
    };
    let at = lead + number_at;
    let rest = href.get(at..)?;
    let plus = if rest.starts_with('+') {
        1
    } else if rest.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("%2b")) {
        3
    } else {
        0
    };
    let digits = rest.get(plus..)?;
    let len = digits.bytes().take_while(u8::is_ascii_digit).count();
    let after = digits.as_bytes().get(len);
    let ends = matches!(after, None | Some(b'?' | b'&' | b'#' | b'/'));
    (len > 0 && ends).then_some((at + plus, len))
}

/// Offset of the value of the `phone` parameter in a query string (lower-cased).
fn phone_param(query: &str) -> Option<usize> {
    let mut at = 0;
    for pair in query.split('&') {
        if let Some(v) = pair.strip_prefix("phone=") {
            return Some(at + pair.len() - v.len());
        }
        at += pair.len() + 1;
    }
    None
}

/// Whether a number may end before digit `k` of the run (which follows a space): when a
/// whole number could follow (at least [`MIN_DIGITS_AFTER_SPLIT`] digits), or when what
/// follows is not one bare group of digits ending the run (`24/7`, or a group glued to a
/// word such as `8am`). `555 123 4567 8` stays one (non-target) number.
fn split_ok(b: &[u8], run: &Run, k: usize) -> bool {
    let rest = run.digits.get(k..).unwrap_or(&[]);
    if rest.len() >= MIN_DIGITS_AFTER_SPLIT {
        return true;
    }
    let one_group = rest.iter().skip(1).all(|d| d.sep_start == d.pos);
    !one_group || b.get(run.end()).is_some_and(u8::is_ascii_alphabetic)
}

/// Nothing digit-ish right before a run starting at `start`.
pub(crate) fn leading_context_ok(text: &str, start: usize) -> bool {
    let before = text.get(..start).unwrap_or("");
    let mut chars = before.chars().rev();
    leading_chars_ok(chars.next(), chars.next())
}

/// Nothing digit-ish in `prev` (the character right before a run) and `prev2` (the one
/// before it).
pub(crate) fn leading_chars_ok(prev: Option<char>, prev2: Option<char>) -> bool {
    let Some(prev) = prev else {
        return true;
    };
    match prev {
        c if c.is_ascii_alphanumeric() || c == '_' => false,
        '#' | '$' | '%' | '@' | '=' | '+' | '£' | '€' | '¥' | '₹' => false,
        // Their fullwidth forms (`ＡＢＣ`, `０`, `＃`, `＄`, `％`, `＠`, `＝`, `＋`, `￥`).
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => false,
        '＃' | '＄' | '％' | '＠' | '＝' | '＋' | '￥' | '＿' => false,
        '.' | ',' => !prev2.is_some_and(|c| c.is_ascii_digit()),
        _ => true,
    }
}

/// Nothing digit-ish right after a run ending at `end`.
/// `x12`, `ext12`, `ext.12` (any case): an extension written against the number.
fn glued_extension(after: &[u8]) -> bool {
    let lower: Vec<u8> = after.iter().take(5).map(u8::to_ascii_lowercase).collect();
    let digits_at = if lower.starts_with(b"ext.") {
        4
    } else if lower.starts_with(b"ext") {
        3
    } else if lower.starts_with(b"x") {
        1
    } else {
        return false;
    };
    after.get(digits_at).is_some_and(u8::is_ascii_digit)
}

pub(crate) fn trailing_context_ok(b: &[u8], end: usize) -> bool {
    match b.get(end) {
        None => true,
        // An extension glued on: `(503) 555-0142x12`, `555-0142ext12`, `555-0142ext.12`.
        Some(b'x' | b'X' | b'e' | b'E') if glued_extension(b.get(end..).unwrap_or(&[])) => true,
        Some(c) if c.is_ascii_alphanumeric() || *c == b'_' || *c == b'%' => false,
        // A fullwidth letter, `％` or `＿` (U+FF21-FF3A, U+FF41-FF5A, U+FF05, U+FF3F).
        Some(0xEF) => !matches!(
            b.get(end + 1..end + 3),
            Some([0xBC, 0xA1..=0xBA | 0x85 | 0xBF] | [0xBD, 0x81..=0x9A])
        ),
        Some(b',') => !b.get(end + 1).is_some_and(u8::is_ascii_digit),
        Some(_) => true,
    }
}
