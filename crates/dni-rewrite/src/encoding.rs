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

/// How the rewriter reads a page, from its `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageEncoding {
    /// A declared ASCII-compatible charset: lol_html reads and writes it as is.
    Declared(AsciiCompatibleEncoding),
    /// No charset, or a label no browser knows (browsers ignore it): the first bytes choose
    /// ([`encoding_for_undeclared`]) and `<meta charset>` may switch it.
    Undeclared,
    /// A declared charset that is not ASCII-compatible (UTF-16LE/BE, ISO-2022-JP): decoded to
    /// UTF-8 on the way in, so the page goes out in UTF-8 and its `Content-Type` must say so
    /// ([`utf8_content_type`]).
    Transcoded(&'static encoding_rs::Encoding),
}

/// How the rewriter reads a page served with `content_type`. `Err` only for the
/// `replacement` encoding (ISO-2022-KR, HZ, ...): browsers render such a page as one U+FFFD
/// and run nothing in it, so it passes through untouched.
pub fn page_encoding(content_type: &str) -> Result<PageEncoding, UnsupportedEncoding> {
    let Some(label) = charset_param(content_type) else {
        return Ok(PageEncoding::Undeclared);
    };
    let Some(encoding) = encoding_rs::Encoding::for_label(label.as_bytes()) else {
        return Ok(PageEncoding::Undeclared);
    };
    if let Some(ascii) = AsciiCompatibleEncoding::new(encoding) {
        return Ok(PageEncoding::Declared(ascii));
    }
    if encoding == encoding_rs::REPLACEMENT {
        return Err(UnsupportedEncoding {
            label: label.to_string(),
        });
    }
    Ok(PageEncoding::Transcoded(encoding))
}

/// The `Content-Type` of a transcoded page: its type with `charset=utf-8` (other parameters
/// dropped).
pub fn utf8_content_type(content_type: &str) -> String {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    format!("{essence}; charset=utf-8")
}

/// How many first bytes of a page without a declared charset choose its encoding (the HTML
/// standard's prescan window).
pub const UNDECLARED_SNIFF_BYTES: usize = 1024;

/// The encoding a page is read in when its response names no charset, from its first bytes
/// (its `<meta charset>` still switches it later): UTF-8 when they start with a UTF-8 BOM or
/// hold UTF-8 beyond ASCII; otherwise windows-1252, which maps every byte to a character and
/// back, so a Latin-1 (or any other single-byte) page goes out byte for byte where its text is
/// rewritten, instead of its non-ASCII bytes becoming U+FFFD as under UTF-8.
pub fn encoding_for_undeclared(first: &[u8]) -> AsciiCompatibleEncoding {
    if first.starts_with(b"\xEF\xBB\xBF") || is_utf8_beyond_ascii(first) {
        AsciiCompatibleEncoding::utf_8()
    } else {
        AsciiCompatibleEncoding::new(encoding_rs::WINDOWS_1252)
            .unwrap_or_else(AsciiCompatibleEncoding::utf_8)
    }
}

/// Valid UTF-8 (but for a sequence cut at the end) with at least one non-ASCII character.
fn is_utf8_beyond_ascii(bytes: &[u8]) -> bool {
    let valid = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => {
            let upto = bytes.get(..e.valid_up_to()).unwrap_or_default();
            std::str::from_utf8(upto).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !valid.is_ascii()
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

    fn undeclared(first: &[u8]) -> &'static str {
        let e: &'static encoding_rs::Encoding = encoding_for_undeclared(first).into();
        e.name()
    }

    #[test]
    fn undeclared_pages_are_read_so_that_every_byte_survives() {
        assert_eq!(undeclared("<p>Café Müller</p>".as_bytes()), "UTF-8");
        assert_eq!(undeclared(b"\xEF\xBB\xBF<p>plain</p>"), "UTF-8");
        // Cut inside "é" at the end of the first chunk: still UTF-8.
        assert_eq!(undeclared(b"<p>Caf\xC3\xA9 Caf\xC3"), "UTF-8");
        assert_eq!(undeclared(b"<p>Caf\xE9 M\xFCller</p>"), "windows-1252");
        assert_eq!(undeclared(b"<p>only ascii</p>"), "windows-1252");
        assert_eq!(undeclared(b""), "windows-1252");
        // UTF-8 first, then a Latin-1 byte: not UTF-8.
        assert_eq!(undeclared(b"<p>\xC3\xA9 \xE9 </p>"), "windows-1252");
    }

    #[test]
    fn windows_1252_round_trips_every_byte() {
        let all: Vec<u8> = (0..=255u8).collect();
        let (text, _, bad) = encoding_rs::WINDOWS_1252.decode(&all);
        assert!(!bad);
        let (back, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(!unmappable);
        assert_eq!(back.as_ref(), all.as_slice());
    }

    #[test]
    fn how_pages_are_read() {
        let declared = |ct: &str| match page_encoding(ct) {
            Ok(PageEncoding::Declared(e)) => Some(<&encoding_rs::Encoding>::from(e).name()),
            _ => None,
        };
        assert_eq!(
            declared("text/html; charset=ISO-8859-1"),
            Some("windows-1252")
        );
        assert_eq!(declared("text/html; charset=shift_jis"), Some("Shift_JIS"));
        assert_eq!(page_encoding("text/html"), Ok(PageEncoding::Undeclared));
        assert_eq!(
            page_encoding("text/html; charset=klingon"),
            Ok(PageEncoding::Undeclared)
        );
        for (ct, name) in [
            ("text/html; charset=utf-16", "UTF-16LE"),
            ("text/html; charset=UTF-16BE", "UTF-16BE"),
            ("text/html; charset=iso-2022-jp", "ISO-2022-JP"),
        ] {
            assert!(
                matches!(page_encoding(ct), Ok(PageEncoding::Transcoded(e)) if e.name() == name),
                "{ct}"
            );
        }
        assert!(page_encoding("text/html; charset=iso-2022-kr").is_err());
        assert_eq!(
            utf8_content_type("text/html; charset=utf-16le; foo=bar"),
            "text/html; charset=utf-8"
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
