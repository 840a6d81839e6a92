//! Bounds on visitor-controlled text: nothing a visitor sends is stored unbounded.

/// Most leases one session token carries (one per target with sources).
pub const MAX_TOKEN_LEASES: usize = 16;

/// Longest landing URL or referrer kept in an [`Attribution`](crate::Attribution), in bytes.
pub const MAX_URL_LEN: usize = 2048;
/// Longest query-parameter value kept (UTM values, click ids), in bytes.
pub const MAX_VALUE_LEN: usize = 256;
/// Longest query-parameter name considered, in bytes; longer names are skipped.
pub const MAX_NAME_LEN: usize = 64;
/// Most query parameters read from one landing URL; the rest are ignored.
pub const MAX_PARAMS: usize = 64;

/// `s` cut to at most `max` bytes, on a character boundary.
pub fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("abcdef", 3), "abc");
        // "é" is two bytes: cutting in its middle backs off to before it.
        assert_eq!(truncate("aé", 2), "a");
    }
}
