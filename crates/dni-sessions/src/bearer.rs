//! The calls API's bearer token check.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// `true` when `authorization_header` is `Bearer <expected>` (scheme case-insensitive,
/// surrounding spaces ignored). Compares SHA-256 digests in constant time, so neither the
/// content nor the length of the expected token leaks through timing. An empty `expected`
/// never matches (an unset secret must not open the API).
pub fn bearer_matches(authorization_header: Option<&str>, expected: &str) -> bool {
    let Some(header) = authorization_header else {
        return false;
    };
    if expected.is_empty() {
        return false;
    }
    let header = header.trim();
    let Some((scheme, token)) = header.split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return false;
    }
    let token = token.trim();
    let a = Sha256::digest(token.as_bytes());
    let b = Sha256::digest(expected.as_bytes());
    bool::from(a.ct_eq(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_right_token() {
        assert!(bearer_matches(Some("Bearer s3cret"), "s3cret"));
        assert!(bearer_matches(Some("bearer s3cret"), "s3cret"));
        assert!(bearer_matches(Some("  BEARER   s3cret  "), "s3cret"));
    }

    #[test]
    fn refuses_everything_else() {
        assert!(!bearer_matches(None, "s3cret"));
        assert!(!bearer_matches(Some("Bearer s3cre"), "s3cret"));
        assert!(!bearer_matches(Some("Bearer s3crett"), "s3cret"));
        assert!(!bearer_matches(Some("Basic s3cret"), "s3cret"));
        assert!(!bearer_matches(Some("s3cret"), "s3cret"));
        assert!(!bearer_matches(Some("Bearer"), "s3cret"));
        assert!(!bearer_matches(Some("Bearer "), ""));
        assert!(!bearer_matches(Some(""), ""));
    }
}
