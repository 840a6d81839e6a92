//! The rewriter's output: lol_html writes into it; [`Output`] coalesces it into large
//! chunks and can hold back everything from a point (the top of `<head>`, while the Consent
//! Mode block's place is undecided; the text of a number in progress, see
//! [`HeldText`]).

use std::rc::Rc;

use dni_numbers::{NumberSwapper, TextStream};
use encoding_rs::{Encoding, UTF_8};

use crate::held_text::HeldText;

/// Output bytes not yet handed to the caller.
#[derive(Debug)]
pub(crate) struct Output {
    buf: Vec<u8>,
    /// Bytes from this offset of `buf` on are held back.
    hold_from: Option<usize>,
    /// Text held by the number matcher, and the markup after it.
    held: HeldText,
    /// The page's encoding as lol_html writes it (held text is encoded with it).
    encoding: &'static Encoding,
    /// The capacity `buf` was made with (an output chunk).
    capacity: usize,
}

impl Default for Output {
    fn default() -> Self {
        Output::with_capacity(0)
    }
}

impl Output {
    pub(crate) fn with_capacity(n: usize) -> Output {
        Output {
            buf: Vec::with_capacity(n),
            hold_from: None,
            held: HeldText::default(),
            encoding: UTF_8,
            capacity: n,
        }
    }

    pub(crate) fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.held.check_limit(&mut self.buf, self.encoding);
    }

    /// Text as lol_html writes it (in the page's encoding), at the end.
    pub(crate) fn push_text(&mut self, text: &str) {
        let end = self.buf.len();
        crate::held_text::insert(&mut self.buf, end, text, self.encoding);
        self.held.check_limit(&mut self.buf, self.encoding);
    }

    /// The encoding lol_html writes in (from its output sink's `set_encoding`).
    pub(crate) fn set_encoding(&mut self, encoding: &'static Encoding) {
        self.encoding = encoding;
    }

    /// Held number text: opens a slot at the end.
    pub(crate) fn open_text_slot(&mut self) {
        self.held.open_slot(&self.buf);
    }

    /// Held number text: open slots.
    pub(crate) fn text_slots(&self) -> usize {
        self.held.open()
    }

    /// Held number text: the markup written since the last slot.
    pub(crate) fn markup_since_text(&self) -> &[u8] {
        self.held.markup(&self.buf)
    }

    /// Held number text: fills the slots (see [`HeldText::fill`]).
    pub(crate) fn fill_text_slots(&mut self, texts: &[String], open: bool) {
        self.held.fill(&mut self.buf, texts, open, self.encoding);
    }

    /// The number matcher's state (kept with the held text it decides).
    pub(crate) fn text_stream(&mut self, swapper: &Rc<NumberSwapper>) -> &mut TextStream {
        self.held.stream(swapper)
    }

    /// Held number text: whether the markup limit ended it since the matcher last looked
    /// (with the numbers swapped in it).
    pub(crate) fn take_text_broken(&mut self) -> Option<u32> {
        self.held.take_broken()
    }

    /// Bytes that may go out now.
    pub(crate) fn ready(&self) -> usize {
        let held = self.held.from().unwrap_or(self.buf.len());
        self.hold_from.unwrap_or(self.buf.len()).min(held)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// Bytes held back so far.
    pub(crate) fn held(&self) -> usize {
        self.hold_from
            .map_or(0, |h| self.buf.len().saturating_sub(h))
    }

    /// Holds back everything from now on.
    pub(crate) fn hold(&mut self) {
        if self.hold_from.is_none() {
            self.hold_from = Some(self.buf.len());
        }
    }

    /// Replaces the first `marker` in the held bytes with `with`; false if not found.
    pub(crate) fn replace_held(&mut self, marker: &[u8], with: &[u8]) -> bool {
        let from = self.hold_from.unwrap_or(0);
        let Some(tail) = self.buf.get(from..) else {
            return false;
        };
        let Some(at) = tail.windows(marker.len()).position(|w| w == marker) else {
            return false;
        };
        let start = from + at;
        self.buf
            .splice(start..start + marker.len(), with.iter().copied());
        self.held.spliced(start, marker.len(), with.len());
        true
    }

    /// Lets the held bytes go.
    pub(crate) fn release(&mut self) {
        self.hold_from = None;
    }

    /// The ready bytes, if at least `min` (and at least one) are ready.
    pub(crate) fn take(&mut self, min: usize) -> Option<Vec<u8>> {
        let ready = self.ready();
        if ready == 0 || ready < min {
            return None;
        }
        // The bytes kept go into a buffer of the capacity this one was made with, so that
        // the next chunk's output does not grow it again from their length.
        let mut rest = Vec::with_capacity(self.capacity.max(self.buf.len().saturating_sub(ready)));
        rest.extend_from_slice(self.buf.get(ready..).unwrap_or(&[]));
        self.buf.truncate(ready);
        let out = std::mem::replace(&mut self.buf, rest);
        if let Some(h) = self.hold_from.as_mut() {
            *h = h.saturating_sub(ready);
        }
        self.held.drained(ready);
        Some(out)
    }

    /// Everything, held or not (the end of the document).
    pub(crate) fn take_all(&mut self) -> Vec<u8> {
        self.hold_from = None;
        self.held.give_up(&mut self.buf, self.encoding);
        std::mem::take(&mut self.buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holding_keeps_bytes_back_until_released() {
        let mut o = Output::with_capacity(8);
        o.push(b"<html>");
        o.hold();
        o.push(b"<head><!--m--><title>");
        assert_eq!(o.take(1).unwrap(), b"<html>");
        assert_eq!(o.take(1), None);
        assert_eq!(o.held(), 21);
        assert!(o.replace_held(b"<!--m-->", b"<script>x</script>"));
        assert!(!o.replace_held(b"<!--m-->", b""));
        o.release();
        assert_eq!(o.take(1).unwrap(), b"<head><script>x</script><title>");
        assert_eq!(o.take_all(), b"");
    }

    #[test]
    fn take_keeps_the_buffer_capacity() {
        let mut o = Output::with_capacity(64);
        o.push(&[b'a'; 100]);
        o.hold();
        o.push(b"held");
        assert_eq!(o.take(1).unwrap().len(), 100);
        assert!(o.buf.capacity() >= 64, "{}", o.buf.capacity());
        o.release();
        assert_eq!(o.take(1).unwrap(), b"held");
        assert!(o.buf.capacity() >= 64, "{}", o.buf.capacity());
    }

    #[test]
    fn take_waits_for_the_minimum() {
        let mut o = Output::with_capacity(8);
        o.push(b"abc");
        assert_eq!(o.take(4), None);
        o.push(b"d");
        assert_eq!(o.take(4).unwrap(), b"abcd");
        assert_eq!(o.len(), 0);
    }
}
