//! No panics on arbitrary input; replacement is an involution for swapped pairs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use dni_numbers::{DataStream, NumberSwapper, E164};
use proptest::prelude::*;

fn swapper() -> NumberSwapper {
    let p = |s: &str| E164::parse(s).unwrap();
    NumberSwapper::new(&[
        (p("+15551234567"), p("+15559876543")),
        (p("+442079460018"), p("+44800123456")),
    ])
}

proptest! {
    #[test]
    fn parse_never_panics(s in "\\PC*") {
        let _ = E164::parse(&s);
    }

    #[test]
    fn text_tel_attribute_never_panic(s in "[0-9+()&#;a-z .\\-/%\u{a0}\u{2009}]{0,60}") {
        let sw = swapper();
        let _ = sw.replace_in_text(&s);
        let _ = sw.replace_in_tel(&s);
        let _ = sw.replace_in_attribute(&format!("tel:{s}"));
    }

    #[test]
    fn arbitrary_unicode_never_panics(s in "\\PC{0,80}") {
        let sw = swapper();
        let _ = sw.replace_in_text(&s);
        let _ = sw.replace_in_tel(&s);
    }

    #[test]
    fn swapping_back_restores_same_length_numbers(prefix in "[a-z ]{0,5}", sep in "[ .\\-]", suffix in "[a-z ]{0,5}") {
        let p = |s: &str| E164::parse(s).unwrap();
        let fwd = NumberSwapper::new(&[(p("+15551234567"), p("+15559876543"))]);
        let back = NumberSwapper::new(&[(p("+15559876543"), p("+15551234567"))]);
        let text = format!("{prefix} 555{sep}123{sep}4567 {suffix}");
        let swapped = fwd.replace_in_text(&text).unwrap();
        prop_assert_eq!(back.replace_in_text(&swapped).unwrap(), text);
    }

    #[test]
    fn text_without_target_digits_is_unchanged(s in "[0-46-9 a-z().\\-]{0,80}") {
        // No `5`: no printed form of +15551234567 can occur.
        let sw = NumberSwapper::new(&[(E164::parse("+15551234567").unwrap(), E164::parse("+15559876543").unwrap())]);
        prop_assert_eq!(sw.replace_in_text(&s), None);
    }
}

/// Pieces that make payload-like data: numbers in several forms, escapes, keys, quotes.
fn data_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("(555) 123-4567".to_string()),
        Just("+15551234567".to_string()),
        Just("555.123.4567".to_string()),
        Just("(555)\\u00a0123-4567".to_string()),
        Just("(555)\\\\u00a0123-4567".to_string()),
        Just("+44 20 7946 0018".to_string()),
        Just("\\\"invoiceId\\\":\\\"".to_string()),
        Just("\"sku\":\"".to_string()),
        Just("\",\"".to_string()),
        Just("\\n".to_string()),
        Just("T51d,".to_string()),
        Just("[{\"invoiceId\":2},".to_string()),
        Just("\"5551234567\",".to_string()),
        "[0-9+()\\\\\" :,.a-z\u{a0}é-]{0,12}",
    ]
}

proptest! {
    /// Data swapping never changes the length of the data or anything but digits, and its
    /// output does not depend on how the data was chunked.
    #[test]
    fn data_swaps_are_digit_for_digit_and_chunking_independent(
        pieces in proptest::collection::vec(data_piece(), 0..24),
        cuts in proptest::collection::vec(0usize..400, 0..6),
    ) {
        let sw = swapper();
        let data: String = pieces.concat();
        let excluded = |k: &str| k == "invoiceId" || k == "sku";
        let whole = sw.swap_in_data(&data, &excluded);
        let expected = whole.text.clone().unwrap_or_else(|| data.clone());
        prop_assert_eq!(expected.len(), data.len());
        for (a, b) in expected.chars().zip(data.chars()) {
            prop_assert!(a == b || (a.is_ascii_digit() && b.is_ascii_digit()));
        }
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).filter(|c| data.is_char_boundary(*c)).collect();
        cuts.sort_unstable();
        let mut stream = DataStream::new();
        let mut out = String::new();
        let mut from = 0;
        for c in cuts.iter().copied().chain([data.len()]) {
            out += &stream.push(&sw, &data[from..c], &excluded);
            from = c;
        }
        out += &stream.finish(&sw, &excluded);
        prop_assert_eq!(out, expected);
        prop_assert_eq!((stream.count(), stream.skipped()), (whole.count, whole.skipped));

        // The same for devalue payloads (root-array indices of excluded keys).
        let dv = sw.swap_in_devalue(&data, &excluded);
        let dv_expected = dv.text.clone().unwrap_or_else(|| data.clone());
        prop_assert_eq!(dv_expected.len(), data.len());
        let mut stream = DataStream::devalue();
        let mut out = String::new();
        let mut from = 0;
        for c in cuts.iter().copied().chain([data.len()]) {
            out += &stream.push(&sw, &data[from..c], &excluded);
            from = c;
        }
        out += &stream.finish(&sw, &excluded);
        prop_assert_eq!(out, dv_expected);
    }
}

/// Pieces of data around chunk boundaries: escaped separators of every kind (`\uXXXX` at
/// several depths, three in a row longer than a stream's fixed hold-back, `\xNN`, `\/`,
/// HTML entities), over-long digit runs, runs of backslashes, numbers right after them.
fn escaped_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("555\\u00a0\\u2013\\u00a0123 4567".to_string()),
        Just("(555)\\\\u00a0\\\\u2013\\\\u00a0123-4567".to_string()),
        Just("555\\xa0123\\x2d4567".to_string()),
        Just("555\\/123\\/4567".to_string()),
        Just("555&nbsp;&ndash;&nbsp;123&#x2013;4567".to_string()),
        Just("555&NonBreakingSpace;123&#8209;4567".to_string()),
        Just("\\u00a0".to_string()),
        Just("\\u2013".to_string()),
        Just("\\\\\\\\\\\\\\\\\\\\".to_string()),
        Just("\\\\\\\\\\\\\\\\\\u00a0".to_string()),
        Just("\\x41".to_string()),
        Just("&nbsp;".to_string()),
        Just("7".repeat(60)),
        Just("1 2 3 4 5 6 7 8 9 0 ".repeat(6)),
        Just(" ".to_string()),
        Just("\"".to_string()),
        Just("+".to_string()),
        Just("(".to_string()),
        "[0-9\\\\u ()a\\-]{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Issue 16 follow-up: a [`DataStream`] gives the same output and counts as the whole
    /// data at every split point (two pushes) and pushed byte by byte, whatever escaped
    /// separators and over-long runs straddle the boundary.
    #[test]
    fn data_streams_agree_at_every_split_with_escaped_separators(
        pieces in proptest::collection::vec(escaped_piece(), 1..12),
    ) {
        let sw = swapper();
        let data: String = pieces.concat();
        let none = |_: &str| false;
        let whole = sw.swap_in_data(&data, &none);
        let expected = whole.text.clone().unwrap_or_else(|| data.clone());
        let mut splits: Vec<Vec<usize>> = (0..=data.len()).map(|i| vec![i]).collect();
        splits.push((0..=data.len()).collect());
        for cuts in splits {
            let mut stream = DataStream::new();
            let mut out = String::new();
            let mut from = 0;
            for c in cuts.into_iter().chain([data.len()]) {
                if c < from || !data.is_char_boundary(c) {
                    continue;
                }
                out += &stream.push(&sw, &data[from..c], &none);
                from = c;
            }
            out += &stream.finish(&sw, &none);
            prop_assert_eq!(&out, &expected);
            prop_assert_eq!((stream.count(), stream.skipped()), (whole.count, whole.skipped));
        }
    }
}
