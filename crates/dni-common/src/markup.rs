//! Escaping text for HTML and XML output (dashboard pages, TwiML).

/// Appends `s` to `out` escaped for HTML/XML text and attribute values: `& < > " '`, and
/// drops the characters XML 1.0 cannot carry at all (C0 controls other than tab, newline
/// and carriage return; U+FFFE, U+FFFF). `'` becomes `&#39;`, valid in both HTML and XML.
pub fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// `s` escaped for HTML/XML (see [`push_escaped`]).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_invalid_xml_characters() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c\td\u{FFFF}"), "abc\td");
        assert_eq!(escape("+15035550142"), "+15035550142");
    }
}
