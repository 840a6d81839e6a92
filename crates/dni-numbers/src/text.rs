//! Numbers in page text that arrives in pieces: [`TextStream`].
//!
//! An HTML rewriter sees the text of a block as chunks of text nodes, separated by inline
//! markup (`<span>(555)</span> 123-4567`, `<strong>555</strong>-<strong>123</strong>-...`)
//! or not at all (one text node cut by the network). A [`TextStream`] reads that text as one
//! text in which the markup takes no room, with these rules:
//!
//! * Digits and separators join across chunks and inline boundaries: a number may be split
//!   anywhere.
//! * What is *around* a number (the digit-ish context of
//!   [`NumberSwapper`](crate::NumberSwapper): letters, `#`, currency signs before; letters,
//!   `%` after) is only looked at inside the same piece: an element boundary is neutral, as
//!   the start or end of a text node always was (`<b>Tel</b>555-123-4567` matches).
//! * A number whose printed span crosses a boundary is replaced digit for digit only (the
//!   markup between its digits stays where it is); when its replacement does not fit digit
//!   for digit it is left. Within one piece it is replaced as in
//!   [`NumberSwapper::swap_in_text`], which is exactly a stream fed the whole text.
//!
//! Text is returned as soon as it is decided; only a tail that could still be (the start of)
//! a number is held back: from the start of a run of digits and separators that may go on,
//! or a `+`/`(` at the very end. A run of more than [`MAX_RUN_DIGITS`](crate::MAX_RUN_DIGITS) digits is not phone
//! numbers: only its last digit is held (to know where it ends), so the held text is at most
//! one run of 48 digits with their separators, whatever the input. The output is the same
//! however the text is chunked.

use crate::scan::{
    digit_at, find_digit_noting_non_ascii, find_digit_or_wide, may_continue,
    run_start_before_digit, scan_run, short_bare_run, Mode, Run,
};
use crate::swapper::{leading_chars_ok, RunRules, RunSink};
use crate::NumberSwapper;

/// Bytes of decided text kept before the held text: the context a run starting there is
/// checked against (two characters).
const CONTEXT_BYTES: usize = 8;

/// What [`TextStream::push`] made of a chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextStep {
    /// Nothing was held before this chunk and nothing is held after it: the chunk goes out
    /// as it is (`text: None`) or as `text`.
    Direct { text: Option<String>, count: u32 },
    /// Held text is involved. The held pieces are numbered from the oldest; this chunk
    /// continues the last held piece (`joins_last`) or is a new piece after them.
    /// `texts[i]` is the final text of held piece `i`; with `open`, the last text is only
    /// the decided beginning of its piece, which (with any later pieces) stays held.
    Held {
        joins_last: bool,
        texts: Vec<String>,
        open: bool,
        count: u32,
    },
    /// Nothing was held before this chunk and nothing in it was swapped: `text[..decided]`
    /// goes out as it is and the rest is held, a new piece. The same as `Held` with
    /// `joins_last: false`, `texts: [text[..decided]]`, `open: true`, `count: 0`, without
    /// copying the decided text.
    HeldAfter { decided: usize },
}

/// The final texts of every held piece, in order (see [`TextStream::finish`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    pub texts: Vec<String>,
    pub count: u32,
}

/// Swaps numbers in text that arrives in chunks and pieces (see the module docs), holding
/// back at most one possible number.
#[derive(Debug, Default, Clone)]
pub struct TextStream {
    /// Up to [`CONTEXT_BYTES`] of decided text of the current piece, then the held text.
    buf: String,
    /// Where the held text starts in `buf` (`buf.len()`: nothing held).
    held_from: usize,
    /// Offsets in `buf` (after `held_from`) where a new piece starts.
    cuts: Vec<usize>,
    /// The held text starts with the last digit of an over-long run.
    overlong: bool,
    /// Scratch for scans (no state between calls: kept for its allocations).
    run: Run,
    /// Strings for held pieces' texts, given back by the caller (see [`TextStream::recycle`]).
    spare: Vec<String>,
}

/// The largest string [`TextStream::recycle`] keeps.
const MAX_RECYCLED_BYTES: usize = 4096;

/// How a text is scanned: whole, or as part of a stream.
#[derive(Clone, Copy)]
pub(crate) struct Piecewise<'a> {
    /// Offsets where a new piece starts.
    pub cuts: &'a [usize],
    /// Nothing follows the text.
    pub at_end: bool,
    /// The run at `from` continues an over-long run.
    pub overlong_first: bool,
}

impl Piecewise<'_> {
    const WHOLE: Piecewise<'static> = Piecewise {
        cuts: &[],
        at_end: true,
        overlong_first: false,
    };
}

/// The result of [`scan_text`].
pub(crate) struct Scanned {
    /// `w[from..decided]` with numbers swapped, if any was.
    pub out: Option<String>,
    pub count: u32,
    /// Where the held tail starts (`w.len()`: nothing held).
    pub decided: usize,
    /// The held tail is the last digit of an over-long run.
    pub overlong: bool,
    /// Spans rewritten to another length: `(input end, output minus input length)`.
    pub shifts: Vec<(usize, isize)>,
}

/// Scans `w[from..]`, swapping every number that is decided; `before` is decided text of
/// the same piece right before `w` (leading context). `how: None` is a whole text.
pub(crate) fn scan_text(
    sw: &NumberSwapper,
    w: &str,
    before: &str,
    from: usize,
    how: Option<Piecewise<'_>>,
    run: &mut Run,
) -> Scanned {
    let how = how.unwrap_or(Piecewise::WHOLE);
    let b = w.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = from;
    let mut count = 0;
    let mut skipped = 0;
    let mut shifts = Vec::new();
    let mut hold: Option<(usize, bool)> = None;
    let mut pos = from;
    let mut first = how.overlong_first;
    let cuts = how.cuts;
    let swaps = !sw.is_empty();
    // Fullwidth digits (`０３－１２３４－５６７８`) are only looked for in text that has a
    // byte 0xEF at all (their first byte), and that is only asked (one byte search of the
    // rest) once the ASCII digit search has passed a byte that is not ASCII: ASCII text
    // (most page text) pays no second search.
    let mut wide: Option<bool> = None;
    let mut next_digit = |at: usize| match wide {
        Some(true) => find_digit_or_wide(b, at),
        Some(false) => crate::scan::find_digit(b, at),
        None => {
            let (d, non_ascii) = find_digit_noting_non_ascii(b, at);
            if !non_ascii {
                return d;
            }
            let has_ef = b
                .get(at..)
                .is_some_and(|t| memchr::memchr(0xEF, t).is_some());
            wide = Some(has_ef);
            if has_ef {
                find_digit_or_wide(b, at)
            } else {
                d
            }
        }
    };
    while let Some(d) = swaps.then(|| next_digit(pos)).flatten() {
        let start = run_start_before_digit(b, d).max(pos);
        if start == d {
            // Most runs of page text are short and bare (`2024 `, `24h`): decided, and too
            // short for any target.
            if let Some(end) = short_bare_run(b, d, sw.min_digits()) {
                first = false;
                pos = end;
                continue;
            }
        }
        // Scanned once, recorded: the runs that get here are mostly long enough for a
        // target (short bare ones took the path above), so a walk for the extent alone
        // first would walk most of them twice.
        let ext = scan_run(b, start, Mode::Text, run);
        let end = ext.end.max(d + 1);
        let continues = first && start == from;
        first = false;
        if !how.at_end && !decidable(b, end) {
            hold = Some(if ext.overlong || continues {
                (ext.last.unwrap_or(start).max(start), true)
            } else {
                (start, false)
            });
            break;
        }
        let long_enough = !ext.overlong && ext.digits >= sw.min_digits();
        if !continues && long_enough && leading_ok(w, before, start, cuts) {
            if !cuts.is_empty() {
                split_at_cuts(run, cuts);
            }
            // An element boundary right after the run: the context after it is neutral.
            let view = if cuts.contains(&end) {
                w.get(..end).unwrap_or(w)
            } else {
                w
            };
            let reshape = |s: usize, e: usize| !cuts.iter().any(|&c| s < c && c < e);
            let mut sink = RunSink {
                out: &mut out,
                copied: &mut copied,
                count: &mut count,
                skipped: &mut skipped,
                shifts: (!cuts.is_empty()).then_some(&mut shifts),
            };
            let rules = RunRules {
                skip: None,
                reshape: &reshape,
            };
            sw.swap_in_run(view, run, &mut sink, &rules);
        }
        pos = end;
    }
    if hold.is_none() && !how.at_end {
        // A `+`, `(` or `+(` (ASCII or fullwidth) at the very end may start a number.
        let n = b.len();
        let at = run_start_before_digit(b, n).max(pos);
        hold = (at < n).then_some((at, false));
    }
    let (decided, overlong) = hold.unwrap_or((b.len(), false));
    let out = out.map(|mut o| {
        o.push_str(w.get(copied.min(decided)..decided).unwrap_or(""));
        o
    });
    Scanned {
        out,
        count,
        decided,
        overlong,
        shifts,
    }
}

/// Whether a run ending at `end` (just after its last digit) is over, with enough text
/// after it to check its context: what follows cannot continue it, and a `,` has the
/// character after it.
fn decidable(b: &[u8], end: usize) -> bool {
    let tail = b.get(end..).unwrap_or(&[]);
    if may_continue(tail, Mode::Text) || extension_pending(tail) {
        return false;
    }
    !(tail.first() == Some(&b',') && tail.len() < 2)
}

/// The text ends in what may still become a glued extension (`x`, `e`, `ex`, `ext`, `ext.`:
/// see the swapper's trailing context), so the next chunk decides.
fn extension_pending(tail: &[u8]) -> bool {
    // Only a tail of at most 4 bytes can be one (no copy of a long tail per run).
    !tail.is_empty()
        && (tail.eq_ignore_ascii_case(b"x")
            || b"ext."
                .get(..tail.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(tail)))
}

/// An element boundary between two digits of a run counts as a space there: a number may
/// start or end at it (`<span>OR 97214</span><span>(503) 555-0142</span>`: two runs to the
/// reader, as the page's layout shows them), and may still span it when its digits join.
fn split_at_cuts(run: &mut Run, cuts: &[usize]) {
    let mut prev = None;
    for d in run.digits.iter_mut() {
        if let Some(p) = prev {
            if cuts.iter().any(|&c| p < c && c <= d.sep_start) {
                d.space_before = true;
            }
        }
        prev = Some(d.pos);
    }
}

/// Nothing digit-ish before a run starting at `start` in its piece (a piece boundary right
/// before it is neutral); `before` is text of the same piece before `w`.
fn leading_ok(w: &str, before: &str, start: usize, cuts: &[usize]) -> bool {
    let floor = cuts.iter().rev().find(|&&c| c <= start).copied();
    if floor == Some(start) {
        return true;
    }
    let seg = w.get(floor.unwrap_or(0)..start).unwrap_or("");
    let earlier = if floor.is_none() { before } else { "" };
    let mut chars = seg.chars().rev().chain(earlier.chars().rev());
    leading_chars_ok(chars.next(), chars.next())
}

/// The first char boundary of `s` at or after `i`.
fn boundary_at_or_after(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

impl TextStream {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether text is held (the markup that follows must be held with it).
    pub fn holding(&self) -> bool {
        self.held_from < self.buf.len()
    }

    /// Whether the held text ends with a digit (the next piece, if it starts with one, would
    /// continue the run with no separator).
    pub fn ends_with_digit(&self) -> bool {
        let b = self.buf.as_bytes();
        self.holding()
            && (b.last().is_some_and(u8::is_ascii_digit)
                || b.len() >= 3 && digit_at(b, b.len() - 3).is_some_and(|(_, len)| len == 3))
    }

    /// Held pieces (the oldest is the one the held text starts in).
    pub fn pieces(&self) -> usize {
        if self.holding() {
            self.cuts.len() + 1
        } else {
            0
        }
    }

    /// Feeds a chunk of text: `new_piece` when an inline boundary (markup that does not end
    /// the block) comes before it, `false` when it continues the same text. See
    /// [`TextStep`].
    pub fn push(&mut self, sw: &NumberSwapper, new_piece: bool, text: &str) -> TextStep {
        let had = self.holding();
        if new_piece {
            if had {
                self.cuts.push(self.buf.len());
            } else {
                self.buf.clear();
                self.held_from = 0;
            }
        }
        if had {
            let mut run = std::mem::take(&mut self.run);
            let step = self.push_held(sw, !new_piece, text, &mut run);
            self.run = run;
            step
        } else {
            self.push_direct(sw, text)
        }
    }

    /// Nothing held: `text` is scanned in place, with the kept context (all of `buf`)
    /// before it.
    fn push_direct(&mut self, sw: &NumberSwapper, text: &str) -> TextStep {
        let how = Piecewise {
            cuts: &[],
            at_end: false,
            overlong_first: false,
        };
        // Whitespace between tags (many of a real page's text nodes) holds nothing to scan.
        let sc = if text.bytes().all(|c| c <= b' ') {
            Scanned {
                out: None,
                count: 0,
                decided: text.len(),
                overlong: false,
                shifts: Vec::new(),
            }
        } else {
            scan_text(sw, text, &self.buf, 0, Some(how), &mut self.run)
        };
        let decided = sc.decided;
        // The new context: the last bytes of `buf + text[..decided]`, in place.
        let head = text.get(..decided).unwrap_or("");
        if head.len() < CONTEXT_BYTES {
            let keep = CONTEXT_BYTES - head.len();
            let from = boundary_at_or_after(&self.buf, self.buf.len().saturating_sub(keep));
            self.buf.drain(..from);
            self.buf.push_str(head);
        } else {
            let from = boundary_at_or_after(head, head.len() - CONTEXT_BYTES);
            self.buf.clear();
            self.buf.push_str(head.get(from..).unwrap_or(""));
        }
        self.held_from = self.buf.len();
        if let Some(tail) = text.get(decided..).filter(|t| !t.is_empty()) {
            self.buf.push_str(tail);
        }
        self.cuts.clear();
        self.overlong = sc.overlong;
        if decided >= text.len() {
            return TextStep::Direct {
                text: sc.out,
                count: sc.count,
            };
        }
        match sc.out {
            Some(prefix) => TextStep::Held {
                joins_last: false,
                texts: vec![prefix],
                open: true,
                count: sc.count,
            },
            None => TextStep::HeldAfter { decided },
        }
    }

    /// Text held: `text` joins it and the held text is scanned again from its start.
    fn push_held(
        &mut self,
        sw: &NumberSwapper,
        joins_last: bool,
        text: &str,
        run: &mut Run,
    ) -> TextStep {
        self.buf.push_str(text);
        let spare = std::mem::take(&mut self.spare);
        let (texts, count, decided, overlong) = self.scan_held(sw, false, run, spare);
        let open = decided < self.buf.len();
        self.keep_from(decided, overlong);
        TextStep::Held {
            joins_last,
            texts,
            open,
            count,
        }
    }

    /// Scans the held text; its pieces' decided texts (written into the strings of
    /// `texts`, given back by [`recycle`](Self::recycle), so that a held number costs no
    /// allocation), the count, where the new held text starts and whether it continues an
    /// over-long run.
    fn scan_held(
        &self,
        sw: &NumberSwapper,
        at_end: bool,
        run: &mut Run,
        mut texts: Vec<String>,
    ) -> (Vec<String>, u32, usize, bool) {
        let w = self.buf.as_str();
        let from = self.held_from;
        let how = Piecewise {
            cuts: &self.cuts,
            at_end,
            overlong_first: self.overlong,
        };
        let sc = scan_text(sw, w, "", from, Some(how), run);
        let decided = sc.decided;
        let text = sc
            .out
            .as_deref()
            .unwrap_or_else(|| w.get(from..decided).unwrap_or(""));
        let mut used = 0;
        let mut put = |texts: &mut Vec<String>, piece: &str| {
            match texts.get_mut(used) {
                Some(t) => {
                    t.clear();
                    t.push_str(piece);
                }
                None => texts.push(piece.to_owned()),
            }
            used += 1;
        };
        // Split the output where the pieces start (rewritten spans never cross them).
        let mut last = 0;
        for &c in self.cuts.iter().filter(|&&c| c > from && c <= decided) {
            let shift: isize = sc
                .shifts
                .iter()
                .filter(|(e, _)| *e <= c)
                .map(|(_, s)| *s)
                .sum();
            let at = usize::try_from(isize::try_from(c - from).unwrap_or(0) + shift)
                .unwrap_or(0)
                .clamp(last, text.len());
            put(&mut texts, text.get(last..at).unwrap_or(""));
            last = at;
        }
        put(&mut texts, text.get(last..).unwrap_or(""));
        texts.truncate(used);
        (texts, sc.count, decided, sc.overlong)
    }

    /// Gives back the texts of a [`TextStep::Held`] or a [`Resolved`] once they are used:
    /// their strings are written into next time (optional: without it, new ones are made).
    pub fn recycle(&mut self, mut texts: Vec<String>) {
        // Strings of a very long held piece are not kept.
        texts.retain(|t| t.capacity() <= MAX_RECYCLED_BYTES);
        if texts.capacity() >= self.spare.capacity() {
            self.spare = texts;
        }
    }

    /// Keeps the text from `decided` on as held, after a little context of its piece.
    fn keep_from(&mut self, decided: usize, overlong: bool) {
        let floor = self
            .cuts
            .iter()
            .rev()
            .find(|&&c| c <= decided)
            .copied()
            .unwrap_or(0);
        let lo = boundary_at_or_after(&self.buf, decided.saturating_sub(CONTEXT_BYTES).max(floor));
        let lo = lo.min(decided);
        self.buf.drain(..lo);
        self.held_from = decided - lo;
        self.cuts.retain(|&c| c > decided);
        for c in &mut self.cuts {
            *c -= lo;
        }
        self.overlong = overlong && self.holding();
    }

    /// The text ended (a block boundary, the end of the document): every held piece is
    /// decided. The stream starts afresh.
    pub fn finish(&mut self, sw: &NumberSwapper) -> Resolved {
        if !self.holding() {
            self.reset();
            return Resolved::default();
        }
        let mut run = std::mem::take(&mut self.run);
        let spare = std::mem::take(&mut self.spare);
        let (texts, count, _, _) = self.scan_held(sw, true, &mut run, spare);
        self.run = run;
        self.reset();
        Resolved { texts, count }
    }

    /// What [`finish`](Self::finish) would return now, without changing what the stream
    /// holds (`&mut` only for its scratch space), for a caller that may have to end the text
    /// before it can call again.
    pub fn fallback(&mut self, sw: &NumberSwapper) -> Resolved {
        if !self.holding() {
            return Resolved::default();
        }
        let mut run = std::mem::take(&mut self.run);
        let spare = std::mem::take(&mut self.spare);
        let (texts, count, _, _) = self.scan_held(sw, true, &mut run, spare);
        self.run = run;
        Resolved { texts, count }
    }

    /// Forgets everything (after the caller resolved the held pieces itself).
    pub fn reset(&mut self) {
        self.buf.clear();
        self.held_from = 0;
        self.cuts.clear();
        self.overlong = false;
    }

    /// Bytes held (for tests of the memory bound).
    pub fn held_bytes(&self) -> usize {
        self.buf.len() - self.held_from
    }
}
