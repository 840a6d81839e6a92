//! Inline snippet signatures: how the text of an inline `<script>` is recognised as a
//! vendor's loader or configuration.
//!
//! Script text and signatures are compared in a normalised form that survives how sites
//! paste and minify snippets: ASCII lowercase, no whitespace, `'` for `"` and `` ` ``, and
//! `/` for the escaped forms `\/`, `\x2f` and `\u002f` (snippets embedded in JSON or in
//! other scripts). A signature is written in that form (`gtag('config','g-`).

/// Shortest accepted signature (after normalisation): shorter ones would match ordinary code.
pub const MIN_SIGNATURE_LEN: usize = 8;

/// The normalised form of script text (see the module docs).
pub fn normalise_script(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'\\' {
            // `\/`, `\x2f`, `\u002f` (any case) stand for `/`.
            let rest = bytes.get(i + 1..).unwrap_or_default();
            let skip = if rest.first() == Some(&b'/') {
                Some(2)
            } else if rest
                .get(..3)
                .is_some_and(|r| r.eq_ignore_ascii_case(b"x2f"))
            {
                Some(4)
            } else if rest
                .get(..5)
                .is_some_and(|r| r.eq_ignore_ascii_case(b"u002f"))
            {
                Some(6)
            } else {
                None
            };
            if let Some(n) = skip {
                out.push('/');
                i += n;
                continue;
            }
        }
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0c => {}
            b'"' | b'`' => out.push('\''),
            _ if b.is_ascii() => out.push(char::from(b.to_ascii_lowercase())),
            _ => {
                // A whole non-ASCII character, kept as is.
                let ch_len = text
                    .get(i..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
                out.push_str(text.get(i..i + ch_len).unwrap_or_default());
                i += ch_len;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Why a signature was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// Shorter than [`MIN_SIGNATURE_LEN`] once normalised.
    #[error(
        "shorter than {MIN_SIGNATURE_LEN} characters once normalised: it would match ordinary code"
    )]
    TooShort,
}

/// Normalises and checks a configured signature.
pub fn parse_signature(signature: &str) -> Result<String, SignatureError> {
    let n = normalise_script(signature);
    if n.chars().count() < MIN_SIGNATURE_LEN {
        return Err(SignatureError::TooShort);
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_survives_formatting_quotes_case_and_escapes() {
        for variant in [
            "gtag('config', 'G-ABC')",
            "gtag(\"config\",\"G-ABC\")",
            "GTAG( 'config' ,\n\t'G-ABC' )",
            "gtag(`config`, `G-ABC`)",
        ] {
            assert_eq!(
                normalise_script(variant),
                "gtag('config','g-abc')",
                "{variant}"
            );
        }
        for variant in [
            "https://connect.facebook.net/en_US/fbevents.js",
            "https:\\/\\/connect.facebook.net\\/en_US\\/fbevents.js",
            "https:\\u002F\\u002Fconnect.facebook.net\\x2Fen_US\\u002ffbevents.js",
            "//CONNECT.FACEBOOK.NET/en_US/fbevents.js",
        ] {
            assert!(
                normalise_script(variant).contains("connect.facebook.net/en_us/fbevents.js"),
                "{variant}"
            );
        }
    }

    #[test]
    fn non_ascii_and_lone_backslashes_are_kept() {
        assert_eq!(normalise_script("Café \\n \\"), "café\\n\\");
        assert_eq!(normalise_script("\\x2"), "\\x2");
        assert_eq!(normalise_script(""), "");
    }

    #[test]
    fn text_after_a_non_ascii_character_is_kept_whole() {
        assert_eq!(
            normalise_script("gtag('event', 'Zürich Praxis')"),
            "gtag('event','zürichpraxis')"
        );
        assert_eq!(normalise_script("€5"), "€5");
    }

    #[test]
    fn a_signature_of_exactly_the_minimum_length_is_accepted() {
        // TikTok's pixel base code ends with `ttq.load('<pixel code>')` (TikTok Business
        // Help Center, "How to manually set up TikTok Pixel"): 8 characters.
        assert_eq!(parse_signature("ttq.load").as_deref(), Ok("ttq.load"));
        assert_eq!(parse_signature("ttq.loa"), Err(SignatureError::TooShort));
    }

    #[test]
    fn signatures_are_normalised_and_not_too_short() {
        assert_eq!(
            parse_signature("Acme.Tracker( 'init'").unwrap(),
            "acme.tracker('init'"
        );
        assert_eq!(parse_signature("fbq( )"), Err(SignatureError::TooShort));
        assert_eq!(parse_signature("  "), Err(SignatureError::TooShort));
    }
}
