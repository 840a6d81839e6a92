//! No panics on arbitrary input; replacement is an involution for swapped pairs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use dni_numbers::{NumberSwapper, E164};
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
