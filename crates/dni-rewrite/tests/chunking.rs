//! Output must not depend on how the input is chunked; arbitrary input never panics.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod common;
use common::*;

use dni_rewrite::{RewriteConfig, RewritePlan};
use proptest::prelude::*;

const PAGE: &str = concat!(
    "<!doctype html><html><head><title>Acme – 555.123.4567</title>",
    r#"<script type="application/ld+json">{"telephone":"+15551234567"}</script>"#,
    r#"<script src="https://tracker.example/t.js"></script></head>"#,
    r#"<body><nav><a href="tel:+1-555-123-4567" aria-label="Call 555 123 4567">(555) 123-4567</a></nav>"#,
    "<p>Héllo — call 1&nbsp;(555)&nbsp;123&#8209;4567 or 555 123 4567 now. Order #5551234567890.</p>",
    "<div data-dni-skip><p>555-123-4567</p></div><!-- 555-123-4567 -->",
    "<footer>© Acme · +1.555.123.4567</footer></body></html>",
);

fn plan() -> RewritePlan {
    RewritePlan::new(
        &RewriteConfig::default(),
        vec![(n("+15551234567"), n("+15559876543"))],
        Some(script_policy(vec![dni_common::Category::Marketing])),
    )
}

fn reference() -> (Vec<u8>, dni_rewrite::RewriteStats) {
    rewrite_chunks(plan(), "text/html", &[PAGE.as_bytes()])
}

#[test]
fn reference_output_is_what_we_expect() {
    let (out, stats) = reference();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("<title>Acme – 555.987.6543</title>"));
    assert!(out.contains(r#"{"telephone":"+15551234567"}"#));
    assert!(out
        .contains(r#"href="tel:+1-555-987-6543" aria-label="Call 555 987 6543">(555) 987-6543<"#));
    assert!(
        out.contains("1&nbsp;(555)&nbsp;987&#8209;6543 or 555 987 6543 now. Order #5551234567890.")
    );
    assert!(out.contains("<div data-dni-skip><p>555-123-4567</p></div><!-- 555-123-4567 -->"));
    assert!(out.contains("+1.555.987.6543</footer>"));
    assert!(out.contains(r#"type="text/plain" data-consent-category="marketing""#));
    assert_eq!(stats.numbers_swapped, 7);
    assert_eq!(stats.scripts_neutralised, 1);
}

#[test]
fn split_at_every_byte_offset_gives_the_same_output() {
    let (expected, expected_stats) = reference();
    let bytes = PAGE.as_bytes();
    for at in 0..=bytes.len() {
        let (a, b) = bytes.split_at(at);
        let (out, stats) = rewrite_chunks(plan(), "text/html", &[a, b]);
        assert_eq!(out, expected, "split at {at}");
        assert_eq!(stats, expected_stats, "split at {at}");
    }
}

#[test]
fn one_byte_chunks_give_the_same_output() {
    let (expected, expected_stats) = reference();
    let chunks: Vec<&[u8]> = PAGE.as_bytes().chunks(1).collect();
    let (out, stats) = rewrite_chunks(plan(), "text/html", &chunks);
    assert_eq!(out, expected);
    assert_eq!(stats, expected_stats);
}

fn no_match_plan() -> RewritePlan {
    // Neither number can appear: the generated input has no `7`.
    RewritePlan::new(
        &RewriteConfig::default(),
        vec![(n("+17777777777"), n("+17777777778"))],
        None,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn html_ish_input_never_panics_and_is_unchanged_without_matches(
        s in "([<>/=\"' a-z!\\-&;#0-68-9()+.\u{a0}é]|<p>|</p>|<script>|</script>|<title>|<a href=\"tel:|data-dni-skip|&nbsp;|<!--|-->){0,120}",
        cut in 0usize..200,
    ) {
        let bytes = s.as_bytes();
        let cut = cut.min(bytes.len());
        let (a, b) = bytes.split_at(cut);
        let (out, stats) = rewrite_chunks(no_match_plan(), "text/html", &[a, b]);
        prop_assert_eq!(out, bytes.to_vec());
        prop_assert_eq!(stats.numbers_swapped, 0);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = rewrite_chunks(plan(), "text/html", &[&bytes]);
        let _ = rewrite_chunks(plan(), "text/html; charset=windows-1252", &[&bytes]);
    }

    #[test]
    fn chunking_never_changes_output(cut1 in 0usize..600, cut2 in 0usize..600) {
        let bytes = PAGE.as_bytes();
        let (c1, c2) = (cut1.min(bytes.len()), cut2.min(bytes.len()));
        let (lo, hi) = (c1.min(c2), c1.max(c2));
        let (out, _) = rewrite_chunks(plan(), "text/html", &[&bytes[..lo], &bytes[lo..hi], &bytes[hi..]]);
        prop_assert_eq!(out, reference().0);
    }
}
