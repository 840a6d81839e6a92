//! The recent input bytes, so a start tag the rewriter holds back (an inline `<script>`
//! whose fate depends on its text) can be given back byte for byte when it is kept.

use std::ops::Range;

/// Keeps at least the last `keep` bytes of input, and always the whole current chunk.
#[derive(Debug)]
pub(crate) struct InputWindow {
    buf: Vec<u8>,
    /// Stream offset of `buf[0]`.
    base: usize,
    keep: usize,
}

impl InputWindow {
    pub(crate) fn new(keep: usize) -> InputWindow {
        InputWindow {
            buf: Vec::new(),
            base: 0,
            keep,
        }
    }

    /// Appends the next input chunk (before lol_html sees it).
    pub(crate) fn push(&mut self, chunk: &[u8]) {
        // Trim lazily (amortised): drop what is older than `keep` once the window doubles.
        if self.buf.len() > 2 * self.keep {
            let drop = self.buf.len() - self.keep;
            self.buf.drain(..drop);
            self.base += drop;
        }
        self.buf.extend_from_slice(chunk);
    }

    /// The input bytes at stream offsets `range`, if still in the window.
    pub(crate) fn get(&self, range: Range<usize>) -> Option<&[u8]> {
        let start = range.start.checked_sub(self.base)?;
        let end = range.end.checked_sub(self.base)?;
        self.buf.get(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_bytes_are_found_by_stream_offset() {
        let mut w = InputWindow::new(4);
        w.push(b"abcdef");
        w.push(b"ghij");
        assert_eq!(w.get(2..5), Some(&b"cde"[..]));
        w.push(b"kl"); // trims: keeps at least the last 4 bytes before the new chunk
        assert_eq!(w.get(6..12), Some(&b"ghijkl"[..]));
        assert_eq!(w.get(0..2), None);
        assert_eq!(w.get(10..20), None);
    }
}
