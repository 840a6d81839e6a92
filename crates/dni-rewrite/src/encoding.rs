//! The page's character encoding, from the response's `Content-Type`.

use std::fmt;

use lol_html::AsciiCompatibleEncoding;

/// The response's charset is one lol_html cannot rewrite (UTF-16, ISO-2022-JP, `replacement`)
/// or not a known encoding label: pass the body through untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedEncoding {
    /// The `charset` parameter as sent.
    pub label: String,
}

impl fmt::Display for UnsupportedEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "charset `{}` cannot be rewritten (only ASCII-compatible encodings can)",
            self.label
        )
    }
}

impl std::error::Error for UnsupportedEncoding {}

/// The encoding named by `content_type`'s `charset` parameter (WHATWG labels, so
/// `iso-8859-1` means windows-1252), and whether one was named; UTF-8 when there is none
/// (the rewriter then follows the page's `<meta charset>`).
pub fn encoding_for_content_type(
    content_type: &str,
) -> Result<(AsciiCompatibleEncoding, bool), UnsupportedEncoding> {
    let Some(label) = charset_param(content_type) else {
        return Ok((AsciiCompatibleEncoding::utf_8(), false));
    };
    encoding_rs::Encoding::for_label(label.as_bytes())
        .and_then(AsciiCompatibleEncoding::new)
        .map(|e| (e, true))
        .ok_or_else(|| UnsupportedEncoding {
            label: label.to_string(),
        })
}

/// The value of the `charset` parameter (unquoted, trimmed), if present and non-empty.
pub(crate) fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value)
            .trim();
        (!value.is_empty()).then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(ct: &str) -> Result<&'static str, UnsupportedEncoding> {
        encoding_for_content_type(ct).map(|(e, _)| {
            let e: &'static encoding_rs::Encoding = e.into();
            e.name()
        })
    }

    #[test]
    fn charsets_from_content_type() {
        assert_eq!(name("text/html"), Ok("UTF-8"));
        assert_eq!(name("text/html; charset=utf-8"), Ok("UTF-8"));
        assert_eq!(name("text/html;charset=\"ISO-8859-1\""), Ok("windows-1252"));
        assert_eq!(
            name("text/html; Charset = windows-1252 "),
            Ok("windows-1252")
        );
        assert_eq!(name("text/html; charset=shift_jis"), Ok("Shift_JIS"));
        assert_eq!(name("text/html; charset="), Ok("UTF-8"));
        assert_eq!(name("text/html; foo=bar; charset=koi8-r"), Ok("KOI8-R"));
        assert_eq!(
            encoding_for_content_type("text/html").map(|e| e.1),
            Ok(false)
        );
        assert_eq!(
            encoding_for_content_type("text/html;charset=utf-8").map(|e| e.1),
            Ok(true)
        );
    }

    #[test]
    fn unsupported_charsets_are_errors() {
        for ct in [
            "text/html; charset=utf-16",
            "text/html; charset=UTF-16BE",
            "text/html; charset=iso-2022-jp",
            "text/html; charset=klingon",
        ] {
            assert!(name(ct).is_err(), "{ct}");
        }
        let e = name("text/html; charset=klingon").unwrap_err();
        assert_eq!(e.label, "klingon");
        assert!(e.to_string().contains("klingon"));
    }
}
