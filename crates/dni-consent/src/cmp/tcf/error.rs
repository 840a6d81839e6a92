//! Why a TC string could not be decoded.

use thiserror::Error;

use crate::bits::BitError;

/// A TC string decoding error.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TcfError {
    /// The string (or one of its segments) is empty.
    #[error("empty TC string or segment")]
    Empty,
    /// Longer than [`super::MAX_TC_STRING_LEN`].
    #[error("TC string of {0} bytes is too long")]
    TooLong(usize),
    /// A character outside the base64url alphabet, at this byte offset of its segment.
    #[error("character at offset {0} is not base64url")]
    InvalidCharacter(usize),
    /// The bits ran out while reading this field.
    #[error("TC string ends inside field `{0}`")]
    Truncated(&'static str),
    /// The core segment's version is not 2.
    #[error("TC string version {0} is not supported (expected 2)")]
    UnsupportedVersion(u64),
    /// A range entry ends before it starts.
    #[error("vendor range {start}-{end} ends before it starts")]
    InvertedRange { start: u16, end: u16 },
    /// A segment after the core one has a segment type the decoder does not know.
    #[error("unknown TC string segment type {0}")]
    UnknownSegment(u64),
}

impl From<BitError> for TcfError {
    fn from(e: BitError) -> TcfError {
        match e {
            BitError::Empty => TcfError::Empty,
            BitError::InvalidCharacter(i) => TcfError::InvalidCharacter(i),
            BitError::Truncated(field) | BitError::Fibonacci(field) => TcfError::Truncated(field),
        }
    }
}

impl TcfError {
    /// A short static description (for decisions and logs: no offsets, no values).
    pub fn reason(&self) -> &'static str {
        match self {
            TcfError::Empty => "empty TC string or segment",
            TcfError::TooLong(_) => "TC string longer than 8 KiB",
            TcfError::InvalidCharacter(_) => "TC string is not base64url",
            TcfError::Truncated(_) => "TC string ends inside a field",
            TcfError::UnsupportedVersion(_) => "TC string version is not 2",
            TcfError::InvertedRange { .. } => "TC string vendor range ends before it starts",
            TcfError::UnknownSegment(_) => "TC string has an unknown segment type",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_errors_convert_and_every_error_has_a_reason() {
        assert_eq!(TcfError::from(BitError::Empty), TcfError::Empty);
        assert_eq!(
            TcfError::from(BitError::InvalidCharacter(3)),
            TcfError::InvalidCharacter(3)
        );
        assert_eq!(
            TcfError::from(BitError::Truncated("x")),
            TcfError::Truncated("x")
        );
        assert_eq!(
            TcfError::from(BitError::Fibonacci("y")),
            TcfError::Truncated("y")
        );
        let all = [
            TcfError::Empty,
            TcfError::TooLong(9000),
            TcfError::InvalidCharacter(1),
            TcfError::Truncated("f"),
            TcfError::UnsupportedVersion(1),
            TcfError::InvertedRange { start: 2, end: 1 },
            TcfError::UnknownSegment(5),
        ];
        let reasons: Vec<_> = all.iter().map(TcfError::reason).collect();
        for (i, r) in reasons.iter().enumerate() {
            assert!(!r.is_empty());
            assert!(!reasons[..i].contains(r), "{r} twice");
        }
        assert_eq!(
            TcfError::InvertedRange { start: 2, end: 1 }.to_string(),
            "vendor range 2-1 ends before it starts"
        );
    }
}
