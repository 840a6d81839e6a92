//! A big-endian bit reader over a base64url segment.

use super::error::TcfError;

/// Reads a base64url (no padding) segment as a sequence of bits, most significant first.
#[derive(Debug, Clone)]
pub struct BitReader {
    /// Six bits per character.
    sextets: Vec<u8>,
    pos: usize,
}

fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

impl BitReader {
    /// A reader over `segment`; trailing `=` padding is tolerated.
    pub fn new(segment: &str) -> Result<BitReader, TcfError> {
        let trimmed = segment.trim_end_matches('=');
        if trimmed.is_empty() {
            return Err(TcfError::Empty);
        }
        let sextets = trimmed
            .bytes()
            .enumerate()
            .map(|(i, c)| sextet(c).ok_or(TcfError::InvalidCharacter(i)))
            .collect::<Result<Vec<u8>, _>>()?;
        Ok(BitReader { sextets, pos: 0 })
    }

    /// Bits not read yet.
    pub fn remaining(&self) -> usize {
        self.sextets.len() * 6 - self.pos
    }

    /// Reads `n` (at most 64) bits as an unsigned integer; `field` names the field for
    /// the error.
    pub fn read(&mut self, n: usize, field: &'static str) -> Result<u64, TcfError> {
        debug_assert!(n <= 64);
        if n > self.remaining() {
            return Err(TcfError::Truncated(field));
        }
        let mut out = 0u64;
        for _ in 0..n {
            let s = self
                .sextets
                .get(self.pos / 6)
                .copied()
                .ok_or(TcfError::Truncated(field))?;
            let bit = (s >> (5 - self.pos % 6)) & 1;
            out = (out << 1) | u64::from(bit);
            self.pos += 1;
        }
        Ok(out)
    }

    /// Reads one bit as a boolean.
    pub fn bool(&mut self, field: &'static str) -> Result<bool, TcfError> {
        Ok(self.read(1, field)? == 1)
    }

    /// Reads `n` (at most 16) bits.
    pub fn u16(&mut self, n: usize, field: &'static str) -> Result<u16, TcfError> {
        Ok(self.read(n.min(16), field)? as u16)
    }

    /// Reads two 6-bit letters (`A` = 0), as in ConsentLanguage and PublisherCC.
    pub fn letters(&mut self, field: &'static str) -> Result<[u8; 2], TcfError> {
        let a = self.read(6, field)? as u8;
        let b = self.read(6, field)? as u8;
        Ok([b'A'.saturating_add(a), b'A'.saturating_add(b)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bits_across_characters() {
        // "C" = 2 = 000010, "P" = 15 = 001111
        let mut r = BitReader::new("CP").unwrap();
        assert_eq!(r.read(6, "version").unwrap(), 2);
        assert_eq!(r.read(3, "x").unwrap(), 0b001);
        assert_eq!(r.read(3, "y").unwrap(), 0b111);
        assert_eq!(r.read(1, "z"), Err(TcfError::Truncated("z")));
    }

    #[test]
    fn rejects_non_base64url_and_tolerates_padding() {
        assert_eq!(
            BitReader::new("AB+").unwrap_err(),
            TcfError::InvalidCharacter(2)
        );
        assert_eq!(BitReader::new("").unwrap_err(), TcfError::Empty);
        assert_eq!(BitReader::new("QQ==").unwrap().remaining(), 12);
    }
}
