//! Whether the markup between two pieces of text keeps them in one run of text, so that a
//! number may go on across it: only the start and end tags of inline formatting elements
//! and comments (React separates adjacent text with `<!-- -->`). Anything else ends the
//! text: a block element, `<br>`, a script or style, an element with `data-dni-skip`.

/// The inline formatting elements a printed number may be split across.
pub const INLINE_ELEMENTS: [&str; 14] = [
    "span", "strong", "b", "em", "i", "a", "small", "sup", "sub", "font", "mark", "u", "bdi",
    "abbr",
];

fn is_inline(name: &[u8]) -> bool {
    name.len() <= 6
        && INLINE_ELEMENTS
            .iter()
            .any(|e| e.as_bytes().eq_ignore_ascii_case(name))
}

/// `markup` (raw output bytes, in any ASCII-compatible encoding) is only inline tags and
/// comments. Incomplete or unknown markup is not.
pub(crate) fn inline_only(markup: &[u8]) -> bool {
    let mut i = 0;
    while i < markup.len() {
        let Some(rest) = markup.get(i..) else {
            return false;
        };
        if rest.first() != Some(&b'<') {
            return false;
        }
        if let Some(comment) = rest.strip_prefix(b"<!--") {
            let Some(end) = comment.windows(3).position(|w| w == b"-->") else {
                return false;
            };
            i += 4 + end + 3;
            continue;
        }
        let (closing, name_at) = match rest.get(1) {
            Some(b'/') => (true, 2),
            _ => (false, 1),
        };
        let name_len = rest
            .get(name_at..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        let Some(name) = rest.get(name_at..name_at + name_len) else {
            return false;
        };
        if name.is_empty() || !is_inline(name) {
            return false;
        }
        // The end of the tag: the first `>` outside a quoted attribute value.
        let mut quote = None;
        let mut end = None;
        for (k, &c) in rest.iter().enumerate().skip(name_at + name_len) {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(c),
                (None, b'>') => {
                    end = Some(k);
                    break;
                }
                _ => {}
            }
        }
        let Some(end) = end else { return false };
        let tag = rest.get(..end).unwrap_or(&[]);
        if !closing
            && tag
                .windows(13)
                .any(|w| w.eq_ignore_ascii_case(b"data-dni-skip"))
        {
            return false;
        }
        i += end + 1;
    }
    true
}

/// `markup` opens a `<sup>` element: between a digit and a digit it is a footnote reference
/// (`503-555-0142<sup>1</sup>`), not more of the number.
pub(crate) fn opens_superscript(markup: &[u8]) -> bool {
    markup.windows(5).any(|w| {
        w.get(..4).is_some_and(|t| t.eq_ignore_ascii_case(b"<sup"))
            && w.get(4)
                .is_some_and(|&c| c == b'>' || c == b'/' || c.is_ascii_whitespace())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superscript_start_tags() {
        for m in [
            "<sup>",
            "<SUP class=\"fn\">",
            "</a><sup><a href=\"#fn1\">",
            "<sup/>",
        ] {
            assert!(opens_superscript(m.as_bytes()), "{m}");
        }
        for m in ["</sup>", "<sub>", "<span>", "<supx>", ""] {
            assert!(!opens_superscript(m.as_bytes()), "{m}");
        }
    }

    #[test]
    fn inline_tags_and_comments_keep_the_text_going() {
        for m in [
            "",
            "<span>",
            "</span>",
            "<STRONG class=\"x\">",
            "</b><b>",
            "<a href=\"tel:+15035550142\" title='a > b'>",
            "<!-- -->",
            "<!---->",
            "</em><!-- x --><i>",
            "<font color=red><mark><u><bdi><abbr title=\"Telephone\"><sup><sub><small>",
        ] {
            assert!(inline_only(m.as_bytes()), "{m}");
        }
    }

    #[test]
    fn everything_else_ends_it() {
        for m in [
            "<br>",
            "<br/>",
            "</p><p>",
            "<div>",
            "<script>",
            "<style>",
            "<span data-dni-skip>",
            "<span class=a DATA-DNI-SKIP=''>",
            "<td>",
            "<img src=x>",
            "<!DOCTYPE html>",
            "<!-- unterminated",
            "<span",
            "text",
            "<spanx>",
            "<wbr>",
        ] {
            assert!(!inline_only(m.as_bytes()), "{m}");
        }
    }
}
