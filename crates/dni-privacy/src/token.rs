//! RFC 6265 / RFC 9110 token characters: what a cookie name may safely contain.

/// `true` for an RFC 9110 `tchar`: ALPHA / DIGIT / one of ``!#$%&'*+-.^_`|~``.
pub(crate) fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

/// `true` when `name` is a non-empty RFC 6265 cookie-name (a token), safe to echo in a
/// `Set-Cookie` header.
pub fn is_cookie_name_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(is_tchar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_accepts_vendor_names_and_rejects_separators() {
        for ok in [
            "_ga",
            "__Host-sid",
            "_pk_id.1.abcd",
            "ct12345",
            "a!#$%&'*+-.^_`|~",
        ] {
            assert!(is_cookie_name_token(ok), "{ok}");
        }
        for bad in [
            "",
            "a b",
            "a;b",
            "a=b",
            "a,b",
            "a\"b",
            "é",
            "a\tb",
            "a\r\nSet-Cookie",
        ] {
            assert!(!is_cookie_name_token(bad), "{bad:?}");
        }
    }
}
