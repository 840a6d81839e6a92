//! Why a TC string could not be decoded.

use std::fmt;

/// A TC string decoding error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TcfError {
    /// The string (or one of its segments) is empty.
    Empty,
    /// Longer than [`super::MAX_TC_STRING_LEN`].
    TooLong(usize),
    /// A character outside the base64url alphabet, at this byte offset of its segment.
    InvalidCharacter(usize),
    /// The bits ran out while reading this field.
    Truncated(&'static str),
    /// The core segment's version is not 2.
    UnsupportedVersion(u64),
    /// A range entry ends before it starts.
    InvertedRange { start: u16, end: u16 },
    /// A segment after the core one has a segment type the decoder does not know.
    UnknownSegment(u64),
}

impl fmt::Display for TcfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TcfError::Empty => f.write_str("empty TC string or segment"),
            TcfError::TooLong(n) => write!(f, "TC string of {n} bytes is too long"),
            TcfError::InvalidCharacter(i) => {
                write!(f, "character at offset {i} is not base64url")
            }
            TcfError::Truncated(field) => write!(f, "TC string ends inside field `{field}`"),
            TcfError::UnsupportedVersion(v) => {
                write!(f, "TC string version {v} is not supported (expected 2)")
            }
            TcfError::InvertedRange { start, end } => {
                write!(f, "vendor range {start}-{end} ends before it starts")
            }
            TcfError::UnknownSegment(t) => write!(f, "unknown TC string segment type {t}"),
        }
    }
}

impl std::error::Error for TcfError {}
