//! The rewriter's API: output coalescing and flushing, the memory-limit bail-out, refused
//! charsets, no-op plans. What a page becomes is tested by the fixtures in `tests/fixtures/`
//! (run by `tests/fixtures.rs`), which replaced this file's page cases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod common;
use common::*;

use dni_common::Category;
use dni_rewrite::{RewriteConfig, RewritePlan, StreamRewriter};

fn swap_and_script_plan() -> RewritePlan {
    RewritePlan::new(
        &RewriteConfig::default(),
        vec![(n("+15551234567"), n("+15559876543"))],
        Some(script_policy(vec![Category::Marketing])),
    )
}

/// Rewrites `body` (served as `ct`) split in two at every point, asserts the output is
/// `expected` each time, and returns each split's counts.
fn at_every_split(
    plan: fn() -> RewritePlan,
    ct: &str,
    body: &[u8],
    expected: &str,
) -> Vec<dni_rewrite::RewriteStats> {
    (0..=body.len())
        .map(|cut| {
            let (a, b) = body.split_at(cut);
            let (out, stats) = rewrite_chunks(plan(), ct, &[a, b]);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                expected,
                "{ct}, split at {cut}"
            );
            stats
        })
        .collect()
}

/// A UTF-16 byte-order mark wins over the charset the response names (or its absence), as
/// in browsers: the page is decoded from UTF-16 and goes out in UTF-8 behind a UTF-8 mark.
#[test]
fn a_utf16_byte_order_mark_wins_over_the_declared_charset() {
    let page = "<p>Café (555) 123-4567</p><script src=\"https://tracker.example/t.js\"></script>";
    let expected = format!(
        "\u{FEFF}{}",
        "<p>Café (555) 987-6543</p><script src=\"https://tracker.example/t.js\" type=\"text/plain\" data-consent-category=\"marketing\"></script>"
    );
    let mut le = vec![0xFF, 0xFE];
    le.extend(page.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(page.encode_utf16().flat_map(u16::to_be_bytes));
    for ct in [
        "text/html; charset=utf-8",
        "text/html; charset=windows-1252",
        "text/html",
    ] {
        for body in [&le, &be] {
            for stats in at_every_split(swap_and_script_plan, ct, body, &expected) {
                assert_eq!((stats.numbers_swapped, stats.scripts_neutralised), (1, 1));
            }
        }
    }
}

/// A UTF-8 byte-order mark also wins, over a declared single-byte charset and over a later
/// `<meta charset>` (the HTML standard's encoding sniffing: the mark comes first). The number's
/// groups are separated by U+00A0 (UTF-8 `C2 A0`): read as windows-1252 they would be `Â` and
/// a no-break space, and the number would not be found.
#[test]
fn a_utf8_byte_order_mark_wins_over_the_declared_charset_and_meta_charset() {
    let page = "\u{FEFF}<html><head><meta charset=\"iso-8859-1\"></head><body>\
        <p>Café (555)\u{a0}123\u{a0}4567</p></body></html>";
    let expected = page.replace("123\u{a0}4567", "987\u{a0}6543");
    for ct in [
        "text/html; charset=windows-1252",
        "text/html",
        "text/html; charset=utf-8",
    ] {
        for stats in at_every_split(swap_plan, ct, page.as_bytes(), &expected) {
            assert_eq!(stats.numbers_swapped, 1, "{ct}");
        }
    }
}

#[test]
fn only_the_replacement_encoding_is_refused() {
    // ISO-2022-KR and HZ decode to one U+FFFD in browsers: nothing in them runs.
    for ct in [
        "text/html; charset=iso-2022-kr",
        "text/html; charset=hz-gb-2312",
    ] {
        assert!(StreamRewriter::new(swap_plan(), ct, 1024).is_err(), "{ct}");
    }
    // A label no browser knows is ignored, as browsers ignore it.
    let (out, stats) = rewrite_chunks(
        swap_plan(),
        "text/html; charset=nope",
        &[b"<p>(555) 123-4567</p>"],
    );
    assert_eq!(out, b"<p>(555) 987-6543</p>");
    assert_eq!(stats.numbers_swapped, 1);
}

/// A page in UTF-16 (with or without its BOM) or ISO-2022-JP is read as its browser reads
/// it and goes out in UTF-8 (the response then says `charset=utf-8`), at every split.
#[test]
fn utf16_and_iso_2022_jp_pages_are_rewritten_in_utf8() {
    let page = "<p>電話 (555) 123-4567</p><script src=\"https://tracker.example/t.js\"></script>";
    let expected = "<p>電話 (555) 987-6543</p><script src=\"https://tracker.example/t.js\" type=\"text/plain\" data-consent-category=\"marketing\"></script>";
    let utf16le: Vec<u8> = page.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut with_bom = vec![0xFF, 0xFE];
    with_bom.extend_from_slice(&utf16le);
    let utf16be: Vec<u8> = page.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let (jis, _, unmappable) = encoding_rs::ISO_2022_JP.encode(page);
    assert!(!unmappable);
    for (ct, body) in [
        ("text/html; charset=utf-16le", utf16le.as_slice()),
        ("text/html; charset=utf-16", with_bom.as_slice()),
        ("text/html; charset=utf-16be", utf16be.as_slice()),
        ("text/html; charset=iso-2022-jp", jis.as_ref()),
    ] {
        for stats in at_every_split(swap_and_script_plan, ct, body, expected) {
            assert_eq!((stats.numbers_swapped, stats.scripts_neutralised), (1, 1));
        }
    }
}

/// The page part (the body passes through unchanged) is the fixture of the same name.
#[test]
fn empty_plan_is_a_noop_and_passes_through() {
    let plan = RewritePlan::new(&RewriteConfig::default(), vec![], None);
    assert!(plan.is_noop());
    assert!(!swap_plan().is_noop());
    let same = RewritePlan::new(
        &RewriteConfig::default(),
        vec![(n("+15551234567"), n("+15551234567"))],
        None,
    );
    assert!(same.is_noop(), "a swap to the same number changes nothing");
    let scripts = RewritePlan::new(
        &RewriteConfig::default(),
        vec![],
        Some(script_policy(vec![])),
    );
    assert!(!scripts.is_noop(), "a script policy may change bytes");
}

#[test]
fn output_is_coalesced_to_the_requested_size() {
    let page = "<p>555-123-4567 lorem ipsum</p>".repeat(400);
    let mut rw = StreamRewriter::new(swap_plan(), "text/html", 4096).unwrap();
    let mut sizes = Vec::new();
    let mut out = Vec::new();
    for c in page.as_bytes().chunks(512) {
        if let Some(o) = rw.write(c).unwrap() {
            sizes.push(o.len());
            out.extend(o);
        }
    }
    let (rest, stats) = rw.end().unwrap();
    out.extend(rest);
    assert!(
        !sizes.is_empty() && sizes.iter().all(|&s| s >= 4096),
        "{sizes:?}"
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        page.replace("555-123-4567", "555-987-6543")
    );
    assert_eq!(stats.numbers_swapped, 400);
}

#[test]
fn flush_returns_what_is_ready_without_waiting_for_the_chunk_size() {
    let mut rw = StreamRewriter::new(swap_plan(), "text/html", 1 << 20).unwrap();
    assert_eq!(
        rw.write(b"<html><head><title>x</title></head><body><p>hi</p>")
            .unwrap(),
        None
    );
    let early = rw.flush().expect("something is ready");
    assert!(early.starts_with(b"<html><head>"));
    assert_eq!(rw.flush(), None);
}

#[test]
fn huge_tag_bails_out_gracefully_and_streams_the_rest_raw() {
    let mut html = String::from("<p>555-123-4567</p><div title=\"");
    html.push_str(&"a".repeat(dni_rewrite::LOL_HTML_MEMORY_LIMIT + 1024));
    html.push_str("\">555-123-4567</div>");
    let chunks: Vec<&[u8]> = html.as_bytes().chunks(64 * 1024).collect();
    let (out, stats) = rewrite_chunks(swap_plan(), "text/html", &chunks);
    let out = String::from_utf8(out).unwrap();
    assert!(stats.bailed_out);
    assert_eq!(out, html.replacen("555-123-4567", "555-987-6543", 1));
}
