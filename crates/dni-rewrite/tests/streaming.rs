//! The streaming number matcher through the whole rewriter (issue 16, "Bad input" and item 2):
//! text goes out as it arrives with only a possible number held back, whatever the length of
//! a text node; numbers split across inline elements are swapped digit for digit and nothing
//! else changes; the output never depends on the chunking.
//!
//! "Bounded memory" is checked as the rewriter's lag: after every `write` and `flush`, the
//! bytes still inside the rewriter (input fed minus output returned, with replacements of
//! the same length) stay under a bound that does not grow with the input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod common;
use common::*;

use dni_numbers::MAX_RUN_DIGITS;
use dni_rewrite::{RewriteConfig, RewritePlan, RewriteStats, StreamRewriter, MAX_HELD_MARKUP};
use proptest::prelude::*;

/// +1 503 555 0142 -> +1 503 555 0170 and +44 20 7946 0018 -> +44 20 7946 0999: replacements
/// of the same length, so input and output line up byte for byte.
fn same_length_plan() -> RewritePlan {
    RewritePlan::new(
        &RewriteConfig::default(),
        vec![
            (n("+15035550142"), n("+15035550170")),
            (n("+442079460018"), n("+442079460999")),
        ],
        None,
    )
}

/// As [`same_length_plan`], and +1 503 555 0187 -> +44 20 7946 0100 (another length).
fn mixed_plan() -> RewritePlan {
    let mut plan = same_length_plan();
    plan.swaps.push((n("+15035550187"), n("+442079460100")));
    plan
}

/// What a run did: the output, the stats, and the largest lag (bytes fed but not yet
/// returned after a flush).
struct Run {
    out: Vec<u8>,
    stats: RewriteStats,
    max_lag: usize,
}

/// Streams the input produced by `input` (called with the next chunk's size; returns an
/// empty chunk at the end) through a rewriter that returns output as soon as it is ready
/// (`flush` after every write).
fn stream(plan: RewritePlan, mut next: impl FnMut(usize) -> Vec<u8>, chunk: usize) -> Run {
    let mut rw = StreamRewriter::new(plan, "text/html; charset=utf-8", 16 * 1024).unwrap();
    let (mut fed, mut returned, mut max_lag) = (0usize, 0usize, 0usize);
    let mut out = Vec::new();
    loop {
        let c = next(chunk);
        if c.is_empty() {
            break;
        }
        fed += c.len();
        if let Some(o) = rw.write(&c).unwrap() {
            returned += o.len();
            out.extend(o);
        }
        if let Some(o) = rw.flush() {
            returned += o.len();
            out.extend(o);
        }
        max_lag = max_lag.max(fed.saturating_sub(returned));
    }
    let (rest, stats) = rw.end().unwrap();
    out.extend(rest);
    Run {
        out,
        stats,
        max_lag,
    }
}

/// Chunks of a byte string.
fn chunks_of(bytes: &[u8]) -> impl FnMut(usize) -> Vec<u8> + '_ {
    let mut at = 0;
    move |n| {
        let end = (at + n).min(bytes.len());
        let c = bytes[at..end].to_vec();
        at = end;
        c
    }
}

/// Streams `input` in chunks of each size; all outputs and stats must agree. Returns the
/// output, the stats and the largest lag seen.
fn every_chunking(plan: impl Fn() -> RewritePlan, input: &[u8], sizes: &[usize]) -> Run {
    let whole = stream(plan(), chunks_of(input), input.len().max(1));
    let mut max_lag = 0;
    for &size in sizes {
        let r = stream(plan(), chunks_of(input), size);
        assert!(
            r.out == whole.out,
            "output at {size}-byte chunks differs from the whole input's"
        );
        assert_eq!(r.stats, whole.stats, "stats at {size}-byte chunks");
        max_lag = max_lag.max(r.max_lag);
    }
    Run { max_lag, ..whole }
}

/// A paragraph of prose with three printed numbers of the plan, and the same paragraph with
/// them swapped (the React 18 fixture's "about" text, `fixtures/frameworks/react18-ssr`).
const PROSE: &str = "When you call (503) 555-0142 you reach a dispatcher in our shop on SE Division, not a call center. For burst pipes call the same number, 503.555.0142, day or night; our London office is on +44 20 7946 0018. Seniors get ten percent off labor. ";
const PROSE_SWAPPED: &str = "When you call (503) 555-0170 you reach a dispatcher in our shop on SE Division, not a call center. For burst pipes call the same number, 503.555.0170, day or night; our London office is on +44 20 7946 0999. Seniors get ten percent off labor. ";

/// A text node of `len` bytes or more: `<p>`, [`PROSE`] repeated, `</p>`; generated chunk by
/// chunk (the test does not hold the input).
fn long_text_node(len: usize) -> (impl FnMut(usize) -> Vec<u8>, usize) {
    let reps = len / PROSE.len() + 1;
    let total = 3 + reps * PROSE.len() + 4;
    let mut at = 0usize;
    let byte = move |i: usize| -> u8 {
        if i < 3 {
            b"<p>"[i]
        } else if i < 3 + reps * PROSE.len() {
            PROSE.as_bytes()[(i - 3) % PROSE.len()]
        } else {
            b"</p>"[i - 3 - reps * PROSE.len()]
        }
    };
    let next = move |n: usize| {
        let end = (at + n).min(total);
        let c: Vec<u8> = (at..end).map(byte).collect();
        at = end;
        c
    };
    (next, reps)
}

#[test]
fn a_50_mb_text_node_streams_with_bounded_hold_back_and_every_number_swapped() {
    assert_eq!(PROSE.len(), PROSE_SWAPPED.len());
    let len = 50 * 1024 * 1024;
    // Two chunkings (64 KiB, the Workers runtime's usual body chunk, and an odd size that
    // cuts the numbers everywhere over the repetitions): the same output, checked against
    // the expected text byte for byte without keeping either in memory twice.
    let mut outputs = Vec::new();
    for chunk in [64 * 1024, 65_537 - 4_096 + 7] {
        let (next, reps) = long_text_node(len);
        let r = stream(same_length_plan(), next, chunk);
        assert_eq!(r.stats.numbers_swapped as usize, 3 * reps);
        assert!(!r.stats.bailed_out);
        // Held back: at most one chunk's worth of text is ever inside (lol_html hands a
        // chunk's text over when the chunk ends; the matcher holds only a possible number).
        assert!(
            r.max_lag < 256,
            "{} bytes held at {chunk}-byte chunks",
            r.max_lag
        );
        let body = &r.out[3..r.out.len() - 4];
        assert_eq!(&r.out[..3], b"<p>");
        assert_eq!(&r.out[r.out.len() - 4..], b"</p>");
        assert_eq!(body.len(), reps * PROSE.len());
        for (i, rep) in body.chunks(PROSE.len()).enumerate() {
            assert!(rep == PROSE_SWAPPED.as_bytes(), "repetition {i}");
        }
        outputs.push(r.out.len());
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn long_text_nodes_at_one_byte_chunks() {
    let (mut next, reps) = long_text_node(64 * 1024);
    let input: Vec<u8> = std::iter::from_fn(|| Some(next(4096)))
        .take_while(|c| !c.is_empty())
        .flatten()
        .collect();
    let r = every_chunking(same_length_plan, &input, &[1, 2, 3, 7, 1000]);
    assert_eq!(r.stats.numbers_swapped as usize, 3 * reps);
    assert!(r.max_lag < 256, "{}", r.max_lag);
    let expected = format!("<p>{}</p>", PROSE_SWAPPED.repeat(reps));
    assert!(r.out == expected.as_bytes());
}

#[test]
fn a_page_of_only_digits_is_unchanged_and_held_back_by_one_digit() {
    // 5 MB of digits (with the target number's digits everywhere in it): one run far over
    // MAX_RUN_DIGITS is not phone numbers, and only its last digit is ever held.
    let digits: Vec<u8> = b"5035550142"
        .iter()
        .copied()
        .cycle()
        .take(5 * 1024 * 1024)
        .collect();
    let r = stream(same_length_plan(), chunks_of(&digits), 64 * 1024);
    assert!(r.out == digits);
    assert_eq!(r.stats.numbers_swapped, 0);
    assert!(r.max_lag <= 1, "{}", r.max_lag);
    let page = [b"<p>".as_slice(), &digits[..100_000], b"</p>"].concat();
    let r = every_chunking(same_length_plan, &page, &[1, 5, 4096]);
    assert!(r.out == page);
    // Until a run is over-long it may be a list of numbers: at most MAX_RUN_DIGITS held.
    assert!(r.max_lag <= MAX_RUN_DIGITS + 3, "{}", r.max_lag);
}

#[test]
fn a_page_of_numbers_only_swaps_each_and_holds_at_most_one() {
    // Numbers separated by line breaks of text (a list of numbers), 2 MB: each is swapped.
    let line = "(503) 555-0142\n";
    let page = line.repeat(2 * 1024 * 1024 / line.len());
    let r = stream(same_length_plan(), chunks_of(page.as_bytes()), 64 * 1024);
    assert_eq!(r.stats.numbers_swapped as usize, page.len() / line.len());
    assert!(r.out == page.replace("0142", "0170").as_bytes());
    assert!(r.max_lag < 64, "{}", r.max_lag);
    let small = &page.as_bytes()[..30_000];
    every_chunking(same_length_plan, small, &[1, 3, 1000]);
}

#[test]
fn a_hundred_thousand_inline_elements_in_a_row() {
    // One digit per element: a run of 100,000 digits across elements is not a number.
    let digits = "<span>5</span>".repeat(100_000);
    let r = stream(same_length_plan(), chunks_of(digits.as_bytes()), 64 * 1024);
    assert!(r.out == digits.as_bytes());
    assert!(r.max_lag < 64, "{}", r.max_lag);
    // A number in three elements, 30,000 times: each swapped in place, the tags untouched.
    let unit = "<b>503</b>-<b>555</b>-<b>0142</b>; ";
    let page = unit.repeat(30_000);
    let r = stream(same_length_plan(), chunks_of(page.as_bytes()), 64 * 1024);
    assert_eq!(r.stats.numbers_swapped, 30_000);
    assert!(r.out == page.replace("0142", "0170").as_bytes());
    assert!(r.max_lag < 256, "{}", r.max_lag);
    // Elements without text: the markup held behind a possible number stops at the limit.
    let empty = format!("<p>503 {}555-0142</p>", "<i></i>".repeat(100_000));
    let r = every_chunking(same_length_plan, empty.as_bytes(), &[1000, 64 * 1024]);
    assert!(
        r.out == empty.as_bytes(),
        "over the markup limit: not one number"
    );
    assert!(r.max_lag < MAX_HELD_MARKUP + 1024, "{}", r.max_lag);
    // At one-byte chunks (smaller: a one-byte chunk costs a call into lol_html).
    let small = unit.repeat(1_000);
    let r = every_chunking(same_length_plan, small.as_bytes(), &[1, 2, 7]);
    assert!(r.out == small.replace("0142", "0170").as_bytes());
}

#[test]
fn a_number_held_behind_too_much_markup_is_decided_as_it_stands() {
    // The number may go on after the empty elements, so it is held; past MAX_HELD_MARKUP of
    // markup it is decided as if the text had ended there: swapped, and counted once.
    let markup = "<i></i>".repeat(MAX_HELD_MARKUP / 7 + 100);
    let page = format!("<p>Call (503) 555-0142 {markup}today, or <b>503</b>-555-0142.</p>");
    let r = every_chunking(same_length_plan, page.as_bytes(), &[1, 7, 1000, 64 * 1024]);
    assert!(r.out == page.replace("0142", "0170").as_bytes());
    assert_eq!(r.stats.numbers_swapped, 2);
    assert!(r.max_lag < MAX_HELD_MARKUP + 1024, "{}", r.max_lag);
}

#[test]
fn inline_elements_nested_a_thousand_deep() {
    let open = "<span>".repeat(1000);
    let close = "</span>".repeat(1000);
    // The whole number in the innermost element: swapped.
    let page = format!("<p>{open}(503) 555-0142{close}</p>");
    let r = every_chunking(same_length_plan, page.as_bytes(), &[1, 3, 4096]);
    assert!(r.out == page.replace("0142", "0170").as_bytes());
    // Split by a thousand levels of markup (7 KB, over MAX_HELD_MARKUP): not one number.
    let page = format!("<p>{open}(503){close} 555-0142</p>");
    let r = every_chunking(same_length_plan, page.as_bytes(), &[1, 3, 4096]);
    assert!(r.out == page.as_bytes());
    assert!(r.max_lag < MAX_HELD_MARKUP + 8192, "{}", r.max_lag);
    // Split by a hundred levels (1.3 KB of markup): swapped digit for digit.
    let (o, c) = ("<span>".repeat(100), "</span>".repeat(100));
    let page = format!("<p>{o}(503){c} 555-0142</p>");
    let r = every_chunking(same_length_plan, page.as_bytes(), &[1, 3, 4096]);
    assert!(r.out == page.replace("0142", "0170").as_bytes());
    assert_eq!(r.stats.numbers_swapped, 1);
}

// --- Property test: generated HTML with inline elements, blocks, scripts, skipped text ---

#[derive(Debug, Clone)]
enum Piece {
    /// Text (no `<`).
    Text(String),
    /// Markup a number goes on across (inline tags, comments); never digits.
    Inline(&'static str),
    /// Markup that ends the text for numbers (blocks, `<br>`, scripts, skipped elements),
    /// with everything it holds; may hold digits that must not change.
    Break(&'static str),
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        3 => prop_oneof![
            Just("(503) 555-0142"),
            Just("503"),
            Just("(503)"),
            Just(" 555-0142"),
            Just("555"),
            Just("555 0142"),
            Just("0142"),
            Just("0187"),
            Just("+1 "),
            Just("+44 "),
            Just("20 7946 0018"),
            Just("(503)&nbsp;"),
            Just("&nbsp;"),
            Just("#"),
            Just(", "),
            Just("Call "),
            Just("-"),
            Just(" "),
            Just("("),
            Just(")"),
            Just("+"),
        ]
        .prop_map(|s| Piece::Text(s.to_owned())),
        2 => "[0-9 +()#,.a-z\u{a0}-]{1,12}".prop_map(Piece::Text),
        2 => prop_oneof![
            Just("<b>"),
            Just("</b>"),
            Just("<span class=\"area-code\">"),
            Just("</span>"),
            Just("<!-- -->"),
            Just("<a href=\"/contact\">"),
            Just("</a>"),
            Just("<em>"),
            Just("</em>"),
        ]
        .prop_map(Piece::Inline),
        1 => prop_oneof![
            Just("</p><p>"),
            Just("<br>"),
            Just("<div>"),
            Just("</div>"),
            Just("<td>"),
            Just("<script>var n = \"5035550142\";</script>"),
            Just("<style>.x::after{content:\"503 555 0142\"}</style>"),
            Just("<span data-dni-skip>503 555 0142</span>"),
            Just("<textarea>(503) 555-0142</textarea>"),
        ]
        .prop_map(Piece::Break),
    ]
}

fn html(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(s) => s.as_str(),
            Piece::Inline(s) | Piece::Break(s) => s,
        })
        .collect()
}

/// The visible text of `out` (output of `pieces`, same-length replacements): inline markup
/// removed, breaking markup (with what it holds, which must be unchanged) as `|`. Fails if
/// any markup moved or changed.
fn visible(out: &str, pieces: &[Piece]) -> Result<String, String> {
    let mut rest = out;
    let mut vis = String::new();
    for p in pieces {
        match p {
            Piece::Text(s) => {
                let t = rest.get(..s.len()).ok_or("output too short")?;
                vis.push_str(t);
                rest = &rest[s.len()..];
            }
            Piece::Inline(m) | Piece::Break(m) => {
                rest = rest
                    .strip_prefix(*m)
                    .ok_or_else(|| format!("markup {m:?} changed or moved"))?;
                if matches!(p, Piece::Break(_)) {
                    vis.push('|');
                }
            }
        }
    }
    if rest.is_empty() {
        Ok(vis)
    } else {
        Err("output too long".into())
    }
}

/// Every digit that changed lies in a printed target number, within one run of visible text
/// (inline markup removed, never across a break), whose digits became the replacement's.
fn changed_digits_are_in_matched_numbers(vi: &str, vo: &str) -> Result<(), String> {
    let norm = |s: &str| -> Vec<char> { s.replace("&nbsp;", "\u{a0}").chars().collect() };
    let (vi, vo) = (norm(vi), norm(vo));
    if vi.len() != vo.len() {
        return Err("visible lengths differ".into());
    }
    let pairs = [
        ("5035550142", "5035550170"),
        ("442079460018", "442079460999"),
        ("2079460018", "2079460999"),
    ];
    let sep = |c: char| c.is_ascii_digit() || " ()-.+/\u{a0}".contains(c);
    for i in (0..vi.len()).filter(|&i| vi[i] != vo[i]) {
        if !vi[i].is_ascii_digit() || !vo[i].is_ascii_digit() {
            return Err(format!("a non-digit changed at {i}"));
        }
        let lo = (0..i).rev().take_while(|&j| sep(vi[j])).last().unwrap_or(i);
        let hi = (i..vi.len())
            .take_while(|&j| sep(vi[j]))
            .last()
            .unwrap_or(i)
            + 1;
        let digits = |v: &[char]| -> (String, Vec<usize>) {
            let idx: Vec<usize> = (lo..hi).filter(|&j| v[j].is_ascii_digit()).collect();
            (idx.iter().map(|&j| v[j]).collect(), idx)
        };
        let (din, idx) = digits(&vi);
        let (dout, _) = digits(&vo);
        let k = idx.iter().position(|&j| j == i).unwrap();
        let ok = pairs.iter().any(|(t, r)| {
            din.match_indices(t).any(|(at, _)| {
                at <= k && k < at + t.len() && dout.get(at..at + r.len()) == Some(*r)
            })
        });
        if !ok {
            return Err(format!(
                "digit {i} changed outside a matched number: {din} -> {dout}"
            ));
        }
    }
    Ok(())
}

fn strip_digits(s: &str) -> String {
    s.chars().filter(|c| !c.is_ascii_digit()).collect()
}

/// `input` in the given chunk sizes (cycled), through a rewriter.
fn rewrite_sizes(plan: RewritePlan, input: &[u8], sizes: &[usize]) -> (Vec<u8>, RewriteStats) {
    let mut chunks = Vec::new();
    let mut at = 0;
    for &s in sizes.iter().cycle() {
        if at >= input.len() {
            break;
        }
        let end = (at + s.max(1)).min(input.len());
        chunks.push(&input[at..end]);
        at = end;
    }
    rewrite_chunks(plan, "text/html; charset=utf-8", &chunks)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Output minus digits is input minus digits; no digit outside a matched number changes
    /// (and never across a break); the output does not depend on the chunking.
    #[test]
    fn only_digits_of_matched_numbers_change_at_any_chunking(
        pieces in proptest::collection::vec(piece(), 0..40),
        sizes in proptest::collection::vec(1usize..24, 1..5),
    ) {
        let input = format!("<p>{}</p>", html(&pieces));
        let mut all = vec![Piece::Break("<p>")];
        all.extend(pieces.iter().cloned());
        all.push(Piece::Break("</p>"));
        let (whole, stats) = rewrite(same_length_plan(), &input);
        let (out, s) = rewrite_sizes(same_length_plan(), input.as_bytes(), &sizes);
        prop_assert_eq!(String::from_utf8(out).unwrap(), whole.clone());
        prop_assert_eq!(s, stats);
        prop_assert_eq!(strip_digits(&whole), strip_digits(&input));
        let vi = visible(&input, &all).unwrap();
        let vo = match visible(&whole, &all) {
            Ok(v) => v,
            Err(e) => return Err(TestCaseError::fail(e)),
        };
        if let Err(e) = changed_digits_are_in_matched_numbers(&vi, &vo) {
            return Err(TestCaseError::fail(format!("{e}\n{input}\n{whole}")));
        }
        // With a replacement of another length too: the chunking never matters.
        let (whole, stats) = rewrite(mixed_plan(), &input);
        let (out, s) = rewrite_sizes(mixed_plan(), input.as_bytes(), &sizes);
        prop_assert_eq!(String::from_utf8(out).unwrap(), whole);
        prop_assert_eq!(s, stats);
    }
}
