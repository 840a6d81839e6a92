//! Arbitrary input never panics, and how it is chunked never changes the output. The
//! exhaustive chunkings (every split point, 1-byte and random chunks, in every encoding) run
//! over every fixture in `tests/fixtures.rs`; these property tests add generated input.

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

/// The page these tests used to hold inline, now a fixture.
const PAGE: &[u8] = include_bytes!("fixtures/reference_output_is_what_we_expect/input.html");
const EXPECTED: &[u8] = include_bytes!("fixtures/reference_output_is_what_we_expect/expected.html");

/// The fixture's plan (`fixtures/reference_output_is_what_we_expect/plan.json`).
fn plan() -> RewritePlan {
    RewritePlan::new(
        &RewriteConfig::default(),
        vec![(n("+15551234567"), n("+15559876543"))],
        Some(script_policy(vec![dni_common::Category::Marketing])),
    )
}

fn no_match_plan() -> RewritePlan {
    // Neither number can appear: the generated input has no `7`.
    RewritePlan::new(
        &RewriteConfig::default(),
        vec![(n("+17777777777"), n("+17777777778"))],
        None,
    )
}

#[test]
fn the_fixture_plan_here_matches_the_fixture() {
    let (out, _) = rewrite_chunks(plan(), "text/html", &[PAGE]);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        String::from_utf8(EXPECTED.to_vec()).unwrap()
    );
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
        let (c1, c2) = (cut1.min(PAGE.len()), cut2.min(PAGE.len()));
        let (lo, hi) = (c1.min(c2), c1.max(c2));
        let (out, _) = rewrite_chunks(plan(), "text/html", &[&PAGE[..lo], &PAGE[lo..hi], &PAGE[hi..]]);
        prop_assert_eq!(out, EXPECTED.to_vec());
    }
}
