//! A big-endian bit reader over a base64url segment (TC strings, GPP strings), with the
//! integer, Fibonacci and letter encodings both formats use.

use thiserror::Error;

/// Why bits could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum BitError {
    /// The segment is empty.
    #[error("empty segment")]
    Empty,
    /// A character outside the base64url alphabet, at this byte offset of its segment.
    #[error("character at offset {0} is not base64url")]
    InvalidCharacter(usize),
    /// The bits ran out while reading this field.
    #[error("segment ends inside field `{0}`")]
    Truncated(&'static str),
    /// A Fibonacci-coded integer without its `11` terminator in reach, or too large.
    #[error("field `{0}` is not a valid Fibonacci-coded integer")]
    Fibonacci(&'static str),
}

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

/// Longest Fibonacci code read (bits, terminator included): F(90) is the largest Fibonacci
/// number below 2^63, far above any value the formats carry.
const MAX_FIBONACCI_BITS: usize = 90;

impl BitReader {
    /// A reader over `segment`; trailing `=` padding is tolerated.
    pub fn new(segment: &str) -> Result<BitReader, BitError> {
        let trimmed = segment.trim_end_matches('=');
        if trimmed.is_empty() {
            return Err(BitError::Empty);
        }
        let sextets = trimmed
            .bytes()
            .enumerate()
            .map(|(i, c)| sextet(c).ok_or(BitError::InvalidCharacter(i)))
            .collect::<Result<Vec<u8>, _>>()?;
        Ok(BitReader { sextets, pos: 0 })
    }

    /// Bits not read yet.
    pub fn remaining(&self) -> usize {
        self.sextets.len() * 6 - self.pos
    }

    fn bit(&mut self, field: &'static str) -> Result<u64, BitError> {
        let at = self.pos;
        let s = self
            .sextets
            .get(at / 6)
            .copied()
            .ok_or(BitError::Truncated(field))?;
        self.pos += 1;
        Ok(u64::from((s >> (5 - at % 6)) & 1))
    }

    /// Reads `n` (at most 64) bits as an unsigned integer; `field` names the field for
    /// the error.
    pub fn read(&mut self, n: usize, field: &'static str) -> Result<u64, BitError> {
        if n > self.remaining() {
            return Err(BitError::Truncated(field));
        }
        let mut out = 0u64;
        for _ in 0..n.min(64) {
            out = out * 2 + self.bit(field)?;
        }
        Ok(out)
    }

    /// Reads one bit as a boolean.
    pub fn bool(&mut self, field: &'static str) -> Result<bool, BitError> {
        Ok(self.read(1, field)? == 1)
    }

    /// Reads `n` (at most 16) bits.
    pub fn u16(&mut self, n: usize, field: &'static str) -> Result<u16, BitError> {
        Ok(self.read(n.min(16), field)? as u16)
    }

    /// Reads `n` (at most 8) bits.
    pub fn u8(&mut self, n: usize, field: &'static str) -> Result<u8, BitError> {
        Ok(self.read(n.min(8), field)? as u8)
    }

    /// Reads two 6-bit letters (`A` = 0), as in ConsentLanguage and PublisherCC.
    pub fn letters(&mut self, field: &'static str) -> Result<[u8; 2], BitError> {
        let a = self.u8(6, field)?;
        let b = self.u8(6, field)?;
        Ok([b'A'.saturating_add(a), b'A'.saturating_add(b)])
    }

    /// Reads a Fibonacci-coded positive integer (GPP): bit `i` stands for the `i`-th
    /// Fibonacci number (1, 2, 3, 5, 8, ...), the code ends with two consecutive ones.
    pub fn fibonacci(&mut self, field: &'static str) -> Result<u64, BitError> {
        let (mut prev, mut fib) = (1u64, 1u64); // F(1), F(2) of the 1, 2, 3, 5 sequence
        let mut value = 0u64;
        let mut last_one = false;
        for _ in 0..MAX_FIBONACCI_BITS {
            let one = self.bit(field)? == 1;
            if one && last_one {
                return Ok(value);
            }
            if one {
                value = value.checked_add(fib).ok_or(BitError::Fibonacci(field))?;
            }
            last_one = one;
            let next = prev.checked_add(fib).ok_or(BitError::Fibonacci(field))?;
            prev = fib;
            fib = next;
        }
        Err(BitError::Fibonacci(field))
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The inverse of [`BitReader`], for building strings in tests and tools: `bits` as `0`
/// and `1` characters (anything else counts as `0`), padded with zeros to whole base64url
/// characters.
pub fn base64url_from_bits(bits: &str) -> String {
    bits.as_bytes()
        .chunks(6)
        .map(|chunk| {
            let n = (0..6).fold(0usize, |acc, i| {
                acc * 2 + usize::from(chunk.get(i) == Some(&b'1'))
            });
            ALPHABET.get(n).map_or('A', |&c| char::from(c))
        })
        .collect()
}

/// The Fibonacci code of `v` (at least 1) as `0`/`1` characters, as the IAB GPP encoder
/// writes it (the inverse of [`BitReader::fibonacci`]), for building strings in tests and
/// tools. 0 has no code: it gives `1`, which no reader accepts.
pub fn fibonacci_bits(v: u64) -> String {
    // every Fibonacci number a u64 holds; the high ones write zeros, trimmed below
    let mut fibs = vec![1u64, 2];
    while let Some(next) = match fibs[..] {
        [.., a, b] => a.checked_add(b),
        _ => None,
    } {
        fibs.push(next);
    }
    let mut left = v;
    let mut bits: Vec<char> = fibs
        .iter()
        .rev()
        .map(|&f| {
            if f <= left {
                left -= f;
                '1'
            } else {
                '0'
            }
        })
        .collect();
    bits.reverse();
    while bits.last() == Some(&'0') {
        bits.pop();
    }
    bits.push('1');
    bits.into_iter().collect()
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
        assert_eq!(r.remaining(), 3);
        assert_eq!(r.read(3, "y").unwrap(), 0b111);
        assert_eq!(r.read(1, "z"), Err(BitError::Truncated("z")));
        assert_eq!(r.read(0, "nothing"), Ok(0));
    }

    #[test]
    fn rejects_non_base64url_and_tolerates_padding() {
        assert_eq!(
            BitReader::new("AB+").unwrap_err(),
            BitError::InvalidCharacter(2)
        );
        assert_eq!(BitReader::new("").unwrap_err(), BitError::Empty);
        assert_eq!(BitReader::new("==").unwrap_err(), BitError::Empty);
        assert_eq!(BitReader::new("QQ==").unwrap().remaining(), 12);
        for (c, v) in [
            ('A', 0),
            ('Z', 25),
            ('a', 26),
            ('z', 51),
            ('0', 52),
            ('9', 61),
        ] {
            assert_eq!(BitReader::new(&c.to_string()).unwrap().read(6, "c"), Ok(v));
        }
        assert_eq!(
            BitReader::new("-_").unwrap().read(12, "c"),
            Ok(62 << 6 | 63)
        );
    }

    #[test]
    fn narrow_reads_and_letters() {
        // "D" = 3, "B" = 1: 000011 000001
        let mut r = BitReader::new("DB").unwrap();
        assert_eq!(r.u8(6, "id"), Ok(3));
        assert_eq!(r.letters("x"), Err(BitError::Truncated("x")));
        let mut r = BitReader::new("ENAA").unwrap(); // E=4, N=13: "EN"
        assert_eq!(r.letters("lang"), Ok(*b"EN"));
        let mut r = BitReader::new("___").unwrap();
        assert_eq!(r.u16(20, "wide"), Ok(0xFFFF));
        assert_eq!(r.remaining(), 2);
        assert!(BitReader::new("gA").unwrap().bool("b").unwrap());
    }

    /// Fibonacci codes as the IAB reference encoder writes them (`@iabgpp/cmpapi` 3.2.0,
    /// `FibonacciIntegerEncoder.encode`): 1 = `11`, 2 = `011`, 3 = `0011`, 4 = `1011`,
    /// 5 = `00011`, 6 = `10011`, 7 = `01011`, 12 = `101011`.
    #[test]
    fn fibonacci_codes_from_the_specification() {
        // bits packed into base64url: pad with zeros to whole sextets
        let cases: [(&str, u64); 8] = [
            ("11", 1),
            ("011", 2),
            ("0011", 3),
            ("1011", 4),
            ("00011", 5),
            ("10011", 6),
            ("01011", 7),
            ("101011", 12),
        ];
        for (code, value) in cases {
            let text = base64url_from_bits(code);
            let mut r = BitReader::new(&text).unwrap();
            assert_eq!(r.fibonacci("f"), Ok(value), "{code}");
            assert_eq!(r.remaining(), text.len() * 6 - code.len(), "{code}");
        }
    }

    #[test]
    fn bits_round_trip_through_base64url() {
        assert_eq!(base64url_from_bits("000010001111"), "CP");
        assert_eq!(base64url_from_bits("1"), "g");
        assert_eq!(base64url_from_bits("111111111110"), "_-");
        assert_eq!(base64url_from_bits(""), "");
        let mut r = BitReader::new(&base64url_from_bits("101")).unwrap();
        assert_eq!(r.read(6, "x"), Ok(0b101000));
    }

    #[test]
    fn fibonacci_bits_round_trip() {
        assert_eq!(fibonacci_bits(1), "11");
        assert_eq!(fibonacci_bits(12), "101011");
        for v in (1..200).chain([65_534, 65_535, 75_025, 1 << 40]) {
            let bits = fibonacci_bits(v);
            let mut r = BitReader::new(&base64url_from_bits(&bits)).unwrap();
            assert_eq!(r.fibonacci("f"), Ok(v), "{v}: {bits}");
        }
    }

    #[test]
    fn fibonacci_without_terminator_is_an_error() {
        assert_eq!(
            BitReader::new("AAAA").unwrap().fibonacci("f"),
            Err(BitError::Truncated("f"))
        );
        // 96 alternating bits never contain "11": too long
        let long = "q".repeat(16); // q = 42 = 101010
        assert_eq!(
            BitReader::new(&long).unwrap().fibonacci("f"),
            Err(BitError::Fibonacci("f"))
        );
    }
}
