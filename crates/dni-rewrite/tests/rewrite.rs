//! Rewriting rules: what is rewritten, what is left alone, byte-exactness.

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

#[test]
fn text_numbers_are_swapped_preserving_format() {
    let (out, stats) = rewrite(
        swap_plan(),
        "<p>Call (555) 123-4567 or 1-555-123-4567</p><p>+1 555 123 4567</p>",
    );
    assert_eq!(
        out,
        "<p>Call (555) 987-6543 or 1-555-987-6543</p><p>+1 555 987 6543</p>"
    );
    assert_eq!(stats.numbers_swapped, 3);
}

#[test]
fn untouched_markup_is_byte_identical() {
    let html = "<!DOCTYPE html>\n<HTML lang=en><Head><META charset='utf-8'><title>Acme</title></head>\n<body class=\"a\"  data-x = 'y'><p>Hello &amp; welcome<br/><img src=x alt=\"\"></p><!-- 555-123-4567 --></BODY></HTML>";
    let (out, stats) = rewrite(swap_plan(), html);
    assert_eq!(out, html);
    assert_eq!(stats.numbers_swapped, 0);
}

#[test]
fn title_noscript_and_entities_are_rewritten() {
    assert_eq!(
        swapped("<title>Acme | 555.123.4567</title>"),
        "<title>Acme | 555.987.6543</title>"
    );
    assert_eq!(
        swapped("<noscript><a href=\"tel:5551234567\">555&nbsp;123&nbsp;4567</a></noscript>"),
        "<noscript><a href=\"tel:5559876543\">555&nbsp;987&nbsp;6543</a></noscript>"
    );
}

#[test]
fn tel_links_and_configured_attributes_are_rewritten() {
    let html = r#"<a href="tel:+1-555-123-4567;ext=2" aria-label="Call 555 123 4567" title="(555) 123-4567" data-phone="+15551234567" data-other="5551234567">x</a><area HREF="TEL:5551234567">"#;
    let (out, stats) = rewrite(swap_plan(), html);
    assert_eq!(
        out,
        r#"<a href="tel:+1-555-987-6543;ext=2" aria-label="Call 555 987 6543" title="(555) 987-6543" data-phone="+15559876543" data-other="5551234567">x</a><area HREF="TEL:5559876543">"#
    );
    assert_eq!(stats.numbers_swapped, 5);
}

#[test]
fn extra_configured_attribute_is_rewritten() {
    let config: RewriteConfig =
        serde_json::from_str(r#"{"attributes":["data-tel","content"]}"#).unwrap();
    let plan = RewritePlan::new(&config, vec![(n("+15551234567"), n("+15559876543"))], None);
    let (out, _) = rewrite(
        plan,
        r#"<meta content="555-123-4567"><b data-tel="5551234567" title="5551234567">"#,
    );
    assert_eq!(
        out,
        r#"<meta content="555-987-6543"><b data-tel="5559876543" title="5551234567">"#
    );
}

#[test]
fn scripts_styles_textareas_and_comments_are_left_alone() {
    let html = concat!(
        r#"<script type="application/ld+json">{"telephone":"+1-555-123-4567"}</script>"#,
        "<script>var t='555-123-4567';</script>",
        "<style>/* 555-123-4567 */</style>",
        "<textarea>555-123-4567</textarea>",
        "<!-- 555-123-4567 -->",
        "<xmp>555-123-4567</xmp>",
        "<svg><![CDATA[555-123-4567]]></svg>",
    );
    assert_eq!(swapped(html), html);
}

#[test]
fn data_dni_skip_covers_descendants_and_ends_with_the_element() {
    let html = r#"<div data-dni-skip><p>555-123-4567 <a href="tel:5551234567" title="5551234567">x</a></p><div><span>555-123-4567</span></div><img data-phone="5551234567"></div><p>555-123-4567</p>"#;
    assert_eq!(
        swapped(html),
        r#"<div data-dni-skip><p>555-123-4567 <a href="tel:5551234567" title="5551234567">x</a></p><div><span>555-123-4567</span></div><img data-phone="5551234567"></div><p>555-987-6543</p>"#
    );
}

#[test]
fn data_dni_skip_on_a_void_element_skips_only_its_attributes() {
    let html = r#"<img data-dni-skip alt="x" title="555-123-4567"><p>555-123-4567</p><br data-dni-skip/>555-123-4567"#;
    assert_eq!(
        swapped(html),
        r#"<img data-dni-skip alt="x" title="555-123-4567"><p>555-987-6543</p><br data-dni-skip/>555-987-6543"#
    );
}

#[test]
fn data_dni_skip_on_element_without_end_tag() {
    // `<p>` closed implicitly by the next `<p>` (lol_html's element stack knows this).
    let html = "<div><p data-dni-skip>555-123-4567<p>555-123-4567</div><p>555-123-4567";
    let out = swapped(html);
    assert!(
        out.starts_with("<div><p data-dni-skip>555-123-4567<p>"),
        "{out}"
    );
    assert!(out.ends_with("<p>555-987-6543"), "{out}");
}

#[test]
fn number_split_across_inline_elements_is_a_known_limit() {
    let html = "<p><span>(555)</span> 123-4567</p>";
    assert_eq!(swapped(html), html);
}

#[test]
fn huge_text_node_passes_through_unchanged_and_is_counted() {
    let config = RewriteConfig {
        max_text_node_bytes: 1024,
        ..RewriteConfig::default()
    };
    let plan = || RewritePlan::new(&config, vec![(n("+15551234567"), n("+15559876543"))], None);
    let big = format!(
        "<p>555-123-4567 {}</p><p>555-123-4567</p>",
        "x".repeat(5000)
    );
    let chunks: Vec<&[u8]> = big.as_bytes().chunks(100).collect();
    let (out, stats) = rewrite_chunks(plan(), "text/html", &chunks);
    let out = String::from_utf8(out).unwrap();
    let expected = format!(
        "<p>555-123-4567 {}</p><p>555-987-6543</p>",
        "x".repeat(5000)
    );
    assert_eq!(out, expected);
    assert_eq!(stats.text_nodes_passed_over, 1);
    assert_eq!(stats.numbers_swapped, 1);
}

#[test]
fn windows_1252_page_is_rewritten_in_its_encoding() {
    // "Appelez-nous é 555-123-4567 é" with é = 0xE9.
    let mut input = b"<p>T\xe9l\xe9phone\xa0: 555-123-4567 \xe9t\xe9</p>".to_vec();
    input.extend_from_slice(b"<p>\x80 555 123 4567</p>");
    let expected_first =
        b"<p>T\xe9l\xe9phone\xa0: 555-987-6543 \xe9t\xe9</p><p>\x80 555 987 6543</p>";
    for ct in [
        "text/html; charset=windows-1252",
        "text/html; charset=ISO-8859-1",
    ] {
        let chunks: Vec<&[u8]> = input.chunks(7).collect();
        let (out, stats) = rewrite_chunks(swap_plan(), ct, &chunks);
        assert_eq!(out, expected_first.to_vec(), "{ct}");
        assert_eq!(stats.numbers_swapped, 2);
    }
}

#[test]
fn unsupported_charsets_are_refused() {
    for ct in [
        "text/html; charset=utf-16le",
        "text/html; charset=iso-2022-jp",
        "text/html; charset=nope",
    ] {
        assert!(StreamRewriter::new(swap_plan(), ct, 1024).is_err(), "{ct}");
    }
}

#[test]
fn declined_vendor_scripts_are_neutralised() {
    let plan = RewritePlan::new(
        &RewriteConfig::default(),
        vec![],
        Some(script_policy(vec![
            Category::Marketing,
            Category::Analytics,
        ])),
    );
    let html = concat!(
        r#"<script src="https://tracker.example/t.js" async></script>"#,
        r#"<script type="module" src="https://tracker.example/m.js"></script>"#,
        r#"<script src="https://cdn.example/app.js"></script>"#,
        r#"<script data-dni-category="analytics">ga()</script>"#,
        r#"<script data-dni-category="functional">chat()</script>"#,
        r#"<script data-dni-category="bogus">x()</script>"#,
        r#"<script type="text/plain" src="https://tracker.example/t.js"></script>"#,
    );
    let (out, stats) = rewrite(plan, html);
    assert_eq!(
        out,
        concat!(
            r#"<script src="https://tracker.example/t.js" async type="text/plain" data-consent-category="marketing"></script>"#,
            r#"<script type="text/plain" src="https://tracker.example/m.js" data-dni-original-type="module" data-consent-category="marketing"></script>"#,
            r#"<script src="https://cdn.example/app.js"></script>"#,
            r#"<script data-dni-category="analytics" type="text/plain" data-consent-category="analytics">ga()</script>"#,
            r#"<script data-dni-category="functional">chat()</script>"#,
            r#"<script data-dni-category="bogus">x()</script>"#,
            r#"<script type="text/plain" src="https://tracker.example/t.js"></script>"#,
        )
    );
    assert_eq!(stats.scripts_neutralised, 3);
    assert_eq!(stats.numbers_swapped, 0);
}

#[test]
fn empty_plan_is_a_noop_and_passes_through() {
    let plan = RewritePlan::new(&RewriteConfig::default(), vec![], None);
    assert!(plan.is_noop());
    assert!(!swap_plan().is_noop());
    let html = "<p>555-123-4567</p>";
    assert_eq!(rewrite(plan, html).0, html);
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
