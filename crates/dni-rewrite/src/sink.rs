//! The rewriter's output: lol_html writes into it; [`Output`] coalesces it into large
//! chunks and can hold back everything from a point (the top of `<head>`, while the Consent
//! Mode block's place is undecided).

/// Output bytes not yet handed to the caller.
#[derive(Debug, Default)]
pub(crate) struct Output {
    buf: Vec<u8>,
    /// Bytes from this offset of `buf` on are held back.
    hold_from: Option<usize>,
}

impl Output {
    pub(crate) fn with_capacity(n: usize) -> Output {
        Output {
            buf: Vec::with_capacity(n),
            hold_from: None,
        }
    }

    pub(crate) fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes that may go out now.
    pub(crate) fn ready(&self) -> usize {
        self.hold_from.unwrap_or(self.buf.len())
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
        let rest = self.buf.split_off(ready);
        let out = std::mem::replace(&mut self.buf, rest);
        if let Some(h) = self.hold_from.as_mut() {
            *h = h.saturating_sub(ready);
        }
        Some(out)
    }

    /// Everything, held or not (the end of the document).
    pub(crate) fn take_all(&mut self) -> Vec<u8> {
        self.hold_from = None;
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
    fn take_waits_for_the_minimum() {
        let mut o = Output::with_capacity(8);
        o.push(b"abc");
        assert_eq!(o.take(4), None);
        o.push(b"d");
        assert_eq!(o.take(4).unwrap(), b"abcd");
        assert_eq!(o.len(), 0);
    }
}
