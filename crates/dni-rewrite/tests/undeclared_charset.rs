//! Pages whose response names no charset: the first bytes choose the encoding, and no byte
//! of the page is lost where its text is rewritten.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod common;
use common::*;

use dni_rewrite::{RewriteConfig, RewritePlan, StreamRewriter};

fn plan() -> RewritePlan {
    RewritePlan::new(
        &RewriteConfig::default(),
        vec![(n("+15035550142"), n("+15035550199"))],
        None,
    )
}

/// An old small-business page in ISO-8859-1 with no charset anywhere (served as plain
/// `text/html`, no `<meta charset>`): "Café Müller", "©", "Straße", a number in the same text.
const LATIN1_PAGE: &[u8] = b"<html><head><title>Caf\xe9 M\xfcller</title></head><body>\
<p>Caf\xe9 M\xfcller: (503) 555-0142 \xa9 2024</p><p>Stra\xdfe 12, 10115 Berlin</p></body></html>";

#[test]
fn a_latin1_page_without_a_charset_keeps_every_byte_at_every_split() {
    let mut expected = LATIN1_PAGE.to_vec();
    let at = expected.windows(4).position(|w| w == b"0142").unwrap();
    expected[at..at + 4].copy_from_slice(b"0199");
    for cut in 0..=LATIN1_PAGE.len() {
        let (a, b) = LATIN1_PAGE.split_at(cut);
        let (out, stats) = rewrite_chunks(plan(), "text/html", &[a, b]);
        assert_eq!(out, expected, "split at {cut}");
        assert_eq!(stats.numbers_swapped, 1);
    }
}

#[test]
fn a_utf8_page_without_a_charset_is_read_as_utf8() {
    // U+00A0 (no-break space) between the groups, as WYSIWYG editors write it: only a
    // UTF-8 reading sees a separator there.
    let page = "<html><body><p>Café Müller</p><p>Ruf: 503\u{a0}555\u{a0}0142</p></body></html>";
    let (out, stats) = rewrite_chunks(plan(), "text/html", &[page.as_bytes()]);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        page.replace("0142", "0199")
    );
    assert_eq!(stats.numbers_swapped, 1);
}

#[test]
fn waiting_input_goes_out_when_the_origin_pauses() {
    let mut rw = StreamRewriter::new(plan(), "text/html", 1).unwrap();
    assert_eq!(rw.write(b"<html><head>").unwrap(), None);
    assert!(rw.has_pending_output(), "the idle flush must be offered");
    assert_eq!(rw.flush().as_deref(), Some(&b"<html><head>"[..]));
    assert!(!rw.has_pending_output());
    let out = rw.write(b"<title>t</title></head>").unwrap();
    let (rest, _) = rw.end().unwrap();
    let mut all = out.unwrap_or_default();
    all.extend(rest);
    assert_eq!(all, b"<title>t</title></head>");
}

#[test]
fn an_empty_or_tiny_body_without_a_charset_ends_cleanly() {
    for body in [&b""[..], b"<p>", b"\xe9"] {
        let (out, _) = rewrite_chunks(plan(), "text/html", &[body]);
        assert_eq!(out, body);
    }
}
