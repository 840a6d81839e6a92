//! Text the number matcher holds back in the output (see the `numbers` module): while a
//! number may still be in progress, the text of each piece of it is kept out of the output
//! (a *slot* marks where it goes) and the markup lol_html writes after it is held behind
//! it; when the matcher decides, the slots are filled with the final text (in the page's
//! encoding) and the output goes on.
//!
//! The markup held inside one possible number is bounded by [`MAX_HELD_MARKUP`]: past it
//! the number is over (as at a block boundary): the matcher's [`TextStream`], kept here for
//! that, decides the held text as it stands and the slots get it.

use std::rc::Rc;

use dni_numbers::{NumberSwapper, TextStream};
use encoding_rs::{Encoding, UTF_8};

/// Most bytes of markup inside one printed number (its digits' inline elements, with their
/// attributes). More ends the number there, as a block boundary does.
pub const MAX_HELD_MARKUP: usize = 4096;

#[derive(Default)]
pub(crate) struct HeldText {
    /// Offsets in the output buffer of the open slots, oldest first. The first is where the
    /// held output starts; everything between slots is markup.
    slots: Vec<usize>,
    /// The matcher's state: the text it holds, whose pieces go in the slots.
    stream: TextStream,
    /// The swapper, to decide the held text when the markup limit ends it.
    swapper: Option<Rc<NumberSwapper>>,
    /// The markup limit ended the held text (with this many numbers swapped in it).
    broken: Option<u32>,
}

impl std::fmt::Debug for HeldText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldText")
            .field("slots", &self.slots)
            .field("stream", &self.stream)
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}

/// Inserts `text` at `at` in `buf`, in `encoding` as lol_html writes text (unmappable
/// characters as numeric character references); returns the bytes inserted.
pub(crate) fn insert(
    buf: &mut Vec<u8>,
    at: usize,
    text: &str,
    encoding: &'static Encoding,
) -> usize {
    if text.is_empty() {
        return 0;
    }
    if encoding == UTF_8 {
        insert_bytes(buf, at, text.as_bytes());
        text.len()
    } else {
        let bytes = encoding.encode(text).0;
        insert_bytes(buf, at, &bytes);
        bytes.len()
    }
}

/// Inserts `bytes` at `at` (at most the end): appended and rotated into place, as two
/// copies (`splice` with a byte iterator wrote them one at a time).
fn insert_bytes(buf: &mut Vec<u8>, at: usize, bytes: &[u8]) {
    let end = buf.len();
    buf.extend_from_slice(bytes);
    if at < end {
        if let Some(tail) = buf.get_mut(at..) {
            tail.rotate_right(bytes.len());
        }
    }
}

impl HeldText {
    /// Where the held output starts, if anything is held.
    pub(crate) fn from(&self) -> Option<usize> {
        self.slots.first().copied()
    }

    /// Open slots.
    pub(crate) fn open(&self) -> usize {
        self.slots.len()
    }

    /// A new slot at the end of `buf`.
    pub(crate) fn open_slot(&mut self, buf: &[u8]) {
        self.slots.push(buf.len());
    }

    /// The markup written since the last slot.
    pub(crate) fn markup<'b>(&self, buf: &'b [u8]) -> &'b [u8] {
        self.slots.last().and_then(|&s| buf.get(s..)).unwrap_or(&[])
    }

    /// The matcher's state, and the swapper it is used with (kept to end the held text when
    /// the markup limit is reached).
    pub(crate) fn stream(&mut self, swapper: &Rc<NumberSwapper>) -> &mut TextStream {
        if self.swapper.is_none() {
            self.swapper = Some(Rc::clone(swapper));
        }
        &mut self.stream
    }

    /// Whether the markup limit ended the held text (and how many numbers were swapped in
    /// it); cleared.
    pub(crate) fn take_broken(&mut self) -> Option<u32> {
        self.broken.take()
    }

    /// Fills the open slots, oldest first, with `texts`; with `open`, the last text goes in
    /// front of its slot, which stays open with the ones after it. In place: each text is
    /// inserted at its slot, the last first (so earlier offsets stay valid).
    pub(crate) fn fill(
        &mut self,
        buf: &mut Vec<u8>,
        texts: &[String],
        open: bool,
        encoding: &'static Encoding,
    ) {
        if self.slots.is_empty() {
            return;
        }
        debug_assert!(
            texts.len() <= self.slots.len() && (open || texts.len() == self.slots.len()),
            "{} texts for {} slots",
            texts.len(),
            self.slots.len()
        );
        let mut inserted = 0;
        for (text, &slot) in texts.iter().zip(&self.slots).rev() {
            let at = slot.min(buf.len());
            inserted += insert(buf, at, text, encoding);
        }
        // The slots stay in their vector (no allocation per held number).
        if open && !texts.is_empty() {
            self.slots.drain(..texts.len() - 1);
            for s in &mut self.slots {
                *s += inserted;
            }
        } else {
            self.slots.clear();
        }
    }

    /// After `buf` grew: past [`MAX_HELD_MARKUP`] of held markup, the held text is decided as
    /// it stands and nothing is held any more.
    pub(crate) fn check_limit(&mut self, buf: &mut Vec<u8>, encoding: &'static Encoding) {
        let Some(from) = self.from() else { return };
        if buf.len().saturating_sub(from) > MAX_HELD_MARKUP {
            self.give_up(buf, encoding);
        }
    }

    /// The text ends here whatever comes next: the held text is decided as it stands and
    /// goes out; the matcher starts afresh.
    pub(crate) fn give_up(&mut self, buf: &mut Vec<u8>, encoding: &'static Encoding) {
        if self.slots.is_empty() {
            return;
        }
        let resolved = match &self.swapper {
            Some(sw) => self.stream.finish(sw),
            None => Default::default(),
        };
        let mut texts = resolved.texts;
        texts.resize(self.slots.len(), String::new());
        self.fill(buf, &texts, false, encoding);
        self.stream.recycle(texts);
        self.broken = Some(self.broken.unwrap_or(0) + resolved.count);
    }

    /// `buf` lost its first `n` bytes (they went out).
    pub(crate) fn drained(&mut self, n: usize) {
        for s in &mut self.slots {
            *s = s.saturating_sub(n);
        }
    }

    /// `buf[at..at + old]` was replaced by `new` bytes.
    pub(crate) fn spliced(&mut self, at: usize, old: usize, new: usize) {
        for s in &mut self.slots {
            if *s > at {
                *s = (*s + new).saturating_sub(old).max(at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_puts_the_text_at_its_offset_in_the_page_encoding() {
        let mut buf = b"<b>ab</b>".to_vec();
        assert_eq!(insert(&mut buf, 3, "12", UTF_8), 2);
        assert_eq!(buf, b"<b>12ab</b>");
        assert_eq!(insert(&mut buf, 0, "x", UTF_8), 1);
        assert_eq!(buf, b"x<b>12ab</b>");
        let end = buf.len();
        assert_eq!(insert(&mut buf, end, "y", UTF_8), 1);
        assert_eq!(buf, b"x<b>12ab</b>y");
        assert_eq!(insert(&mut buf, 1, "", UTF_8), 0);
        assert_eq!(buf, b"x<b>12ab</b>y");
        // windows-1252: `é` is one byte (0xE9), `€` 0x80; a character it lacks becomes a
        // numeric character reference (WHATWG Encoding, "encode" with HTML's error mode).
        let mut buf = b"<i></i>".to_vec();
        let n = insert(&mut buf, 3, "é€中", encoding_rs::WINDOWS_1252);
        assert_eq!(buf, b"<i>\xE9\x80&#20013;</i>");
        assert_eq!(n, 10);
    }
}
