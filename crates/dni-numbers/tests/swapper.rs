//! Matching and format-preserving replacement, one named test per documented case.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use dni_numbers::{format_national, NumberSwapper, E164};

fn n(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

fn us() -> NumberSwapper {
    NumberSwapper::new(&[(n("+15551234567"), n("+15559876543"))])
}

fn uk() -> NumberSwapper {
    NumberSwapper::new(&[(n("+442079460018"), n("+442079460999"))])
}

fn fr() -> NumberSwapper {
    NumberSwapper::new(&[(n("+33123456789"), n("+33198765432"))])
}

fn swap(s: &NumberSwapper, text: &str) -> String {
    s.replace_in_text(text).unwrap_or_else(|| text.to_string())
}

#[test]
fn nanp_printed_forms_keep_their_format() {
    let s = us();
    for (input, expected) in [
        ("(555) 123-4567", "(555) 987-6543"),
        ("555-123-4567", "555-987-6543"),
        ("555.123.4567", "555.987.6543"),
        ("555 123 4567", "555 987 6543"),
        ("5551234567", "5559876543"),
        ("+1 555 123 4567", "+1 555 987 6543"),
        ("+1-555-123-4567", "+1-555-987-6543"),
        ("+1 (555) 123-4567", "+1 (555) 987-6543"),
        ("1 (555) 123-4567", "1 (555) 987-6543"),
        ("1-555-123-4567", "1-555-987-6543"),
        ("+1.555.123.4567", "+1.555.987.6543"),
        ("+15551234567", "+15559876543"),
        ("001 555 123 4567", "001 555 987 6543"),
    ] {
        assert_eq!(swap(&s, input), expected, "input {input:?}");
        let wrapped = format!("Call us: {input}.");
        assert_eq!(
            swap(&s, &wrapped),
            format!("Call us: {expected}."),
            "wrapped {input:?}"
        );
    }
}

#[test]
fn non_breaking_and_thin_spaces_as_characters_and_entities() {
    let s = us();
    for (input, expected) in [
        ("555\u{a0}123\u{a0}4567", "555\u{a0}987\u{a0}6543"),
        ("555\u{2009}123\u{2009}4567", "555\u{2009}987\u{2009}6543"),
        ("555\u{202f}123-4567", "555\u{202f}987-6543"),
        ("(555)&nbsp;123-4567", "(555)&nbsp;987-6543"),
        ("555&#160;123&#160;4567", "555&#160;987&#160;6543"),
        ("555&#xA0;123&#xa0;4567", "555&#xA0;987&#xa0;6543"),
        ("555&thinsp;123&#8201;4567", "555&thinsp;987&#8201;6543"),
        ("555\u{2011}123\u{2013}4567", "555\u{2011}987\u{2013}6543"),
    ] {
        assert_eq!(swap(&s, input), expected, "input {input:?}");
    }
}

#[test]
fn a_long_printed_span_is_swapped_digit_for_digit_too() {
    // Digit for digit, the span is copied once and its digits overwritten when it is at most
    // 64 bytes, one digit at a time when longer: both give the same text.
    let s = us();
    let long = "1&#x000A0;&#x000A0;555&#x000A0;&#x000A0;123&#x000A0;&#x000A0;4567";
    assert!(long.len() > 64);
    for (input, expected) in [
        (long, long.replace("123", "987").replace("4567", "6543")),
        (
            "call (555)&#xA0;123&#xa0;4567 now",
            "call (555)&#xA0;987&#xa0;6543 now".to_owned(),
        ),
    ] {
        assert_eq!(swap(&s, input), expected, "input {input:?}");
    }
}

#[test]
fn dash_and_parenthesis_entities_are_separators() {
    // lol_html hands text over without decoding entities; CMSs write `&ndash;` between digit
    // groups (HTML named character references: https://html.spec.whatwg.org/entities.json).
    let s = us();
    for (input, expected) in [
        ("555&ndash;123&ndash;4567", "555&ndash;987&ndash;6543"),
        ("555&hyphen;123&hyphen;4567", "555&hyphen;987&hyphen;6543"),
        ("555&dash;123&dash;4567", "555&dash;987&dash;6543"),
        ("&#40;555&#41;&nbsp;123-4567", "&#40;555&#41;&nbsp;987-6543"),
        (
            "1&#x20;&#x28;555&#x29; 123-4567",
            "1&#x20;&#x28;555&#x29; 987-6543",
        ),
    ] {
        assert_eq!(swap(&s, input), expected, "input {input:?}");
    }
    // An entity-encoded parenthesis joins the run like a literal one, so a NANP number after
    // another country code is still part of a longer number.
    assert_eq!(s.replace_in_text("+44 &#40;555&#41; 123-4567"), None);
    assert_eq!(s.replace_in_text("+44 (555) 123-4567"), None);
}

#[test]
fn other_symbols_end_a_digit_run() {
    // Degree sign U+00B0, section sign U+00A7 (two UTF-8 bytes starting 0xC2 like the
    // no-break space), the rightwards arrow U+2192 and the bullet U+2022 (three bytes
    // starting 0xE2 like the dashes and the minus sign), `%20` outside a `tel:` URI, and
    // `&amp;`: none separates digits, so no 10-digit number here. (The minus sign U+2212 is
    // a separator: Japanese pages type it for a dash, `03−1234−5678`.)
    let s = us();
    for text in [
        "555°123-4567",
        "555§123-4567",
        "555\u{2192}123\u{2192}4567",
        "555\u{2022}123\u{2022}4567",
        "555%20123%204567",
        "555&amp;123&amp;4567",
        "555&#;123&#x;4567",
        "555&#8364;123-4567",
    ] {
        assert_eq!(s.replace_in_text(text), None, "{text:?}");
    }
    // The same digits with real separators do match.
    assert_eq!(
        swap(&s, "555\u{2010}123\u{2010}4567"),
        "555\u{2010}987\u{2010}6543"
    );
}

#[test]
fn hungarian_numbers_use_the_06_trunk() {
    // Hungary dials `06` before the area code nationally (+36 1 = Budapest); libphonenumber's
    // fixed-line example for HU is +36 1 234 5678.
    let s = NumberSwapper::new(&[(n("+3612345678"), n("+3619876543"))]);
    assert_eq!(swap(&s, "06 1 234 5678"), "06 1 987 6543");
    assert_eq!(swap(&s, "(06 1) 234-5678"), "(06 1) 987-6543");
    assert_eq!(swap(&s, "+36 1 234 5678"), "+36 1 987 6543");
    // Neither a `0` trunk alone nor the trunk after the country code is a Hungarian form.
    assert_eq!(s.replace_in_text("01 234 5678"), None);
    assert_eq!(s.replace_in_text("+36 (06) 1 234 5678"), None);
    assert_eq!(s.replace_in_text("+36 (0)1 234 5678"), None);
}

#[test]
fn uk_mobile_numbers_are_written_4_6() {
    // Ofcom's drama range for mobiles, `07700 900xxx`
    // (https://www.ofcom.org.uk/phones-and-broadband/phone-numbers/numbers-for-drama).
    assert_eq!(format_national(&n("+447700900123")), "07700 900123");
    let s = NumberSwapper::new(&[(n("+44800123456"), n("+447700900123"))]);
    assert_eq!(swap(&s, "0800 123456"), "07700 900123");
}

#[test]
fn uk_international_and_national_forms() {
    let s = uk();
    for (input, expected) in [
        ("+44 20 7946 0018", "+44 20 7946 0999"),
        ("020 7946 0018", "020 7946 0999"),
        ("+44 (0)20 7946 0018", "+44 (0)20 7946 0999"),
        ("0044 20 7946 0018", "0044 20 7946 0999"),
        ("(020) 7946 0018", "(020) 7946 0999"),
        ("+442079460018", "+442079460999"),
    ] {
        assert_eq!(swap(&s, input), expected, "input {input:?}");
    }
}

#[test]
fn french_international_and_national_forms() {
    let s = fr();
    for (input, expected) in [
        ("+33 1 23 45 67 89", "+33 1 98 76 54 32"),
        ("01 23 45 67 89", "01 98 76 54 32"),
        ("01.23.45.67.89", "01.98.76.54.32"),
        ("0033 1 23 45 67 89", "0033 1 98 76 54 32"),
    ] {
        assert_eq!(swap(&s, input), expected, "input {input:?}");
    }
}

#[test]
fn a_uk_number_without_trunk_is_not_a_national_form() {
    assert_eq!(uk().replace_in_text("20 7946 0018"), None);
}

#[test]
fn never_inside_a_longer_run_of_digits() {
    let s = us();
    for text in [
        "Order #5551234567890",
        "5551234567890",
        "95551234567",
        "555-123-4567-89",
        "555.123.4567.8",
        "+44 555 123 4567",
        "0044 555 123 4567",
        "+15551234567 8",
        "5551234567-2024",
        "2024/555/123/4567",
    ] {
        assert_eq!(s.replace_in_text(text), None, "{text:?}");
    }
}

#[test]
fn never_in_digit_ish_context() {
    let s = us();
    for text in [
        "ABC5551234567",
        "5551234567ABC",
        "#5551234567",
        "$5551234567",
        "€555.123.4567",
        "id=5551234567",
        "user@5551234567",
        "5551234567%",
        "3.5551234567",
        "3,5551234567",
        "5551234567,5",
        "x_5551234567",
    ] {
        assert_eq!(s.replace_in_text(text), None, "{text:?}");
    }
}

#[test]
fn never_a_different_number_sharing_digits() {
    let s = us();
    for text in [
        "555-123-4568",
        "(555) 123-456",
        "555 1234 567 8",
        "1-555-123-4566",
        "+2 555 123 4567",
    ] {
        assert_eq!(s.replace_in_text(text), None, "{text:?}");
    }
}

#[test]
fn text_without_digits_is_untouched() {
    assert_eq!(
        us().replace_in_text("Hello &amp; welcome (see below) +"),
        None
    );
    assert_eq!(us().replace_in_text(""), None);
}

#[test]
fn several_numbers_in_one_text_and_one_run() {
    let s = NumberSwapper::new(&[
        (n("+15551234567"), n("+15559876543")),
        (n("+15552223333"), n("+15554445555")),
    ]);
    let out = s
        .swap_in_text("Sales 555-123-4567, support (555) 222-3333 or 555 123 4567")
        .unwrap();
    assert_eq!(
        out.text,
        "Sales 555-987-6543, support (555) 444-5555 or 555 987 6543"
    );
    assert_eq!(out.count, 3);
    assert_eq!(
        swap(&s, "555 123 4567 555 222 3333"),
        "555 987 6543 555 444 5555"
    );
    // A list whose first number is not a target still finds the second.
    assert_eq!(
        swap(&s, "555 000 1111 555 123 4567"),
        "555 000 1111 555 987 6543"
    );
    assert_eq!(
        swap(&s, "Mon-Fri 9-5 555-123-4567"),
        "Mon-Fri 9-5 555-987-6543"
    );
}

#[test]
fn short_digit_groups_after_a_number() {
    let s = us();
    assert_eq!(swap(&s, "Call 555-123-4567 24/7"), "Call 555-987-6543 24/7");
    assert_eq!(
        swap(&s, "Call 555-123-4567 8am-5pm"),
        "Call 555-987-6543 8am-5pm"
    );
    assert_eq!(s.replace_in_text("555 123 4567 8"), None);
    assert_eq!(s.replace_in_text("555 123 4567 1234."), None);
}

#[test]
fn punctuation_around_numbers_is_fine() {
    let s = us();
    assert_eq!(swap(&s, "(call 555-123-4567)"), "(call 555-987-6543)");
    assert_eq!(swap(&s, "Tel:5551234567;"), "Tel:5559876543;");
    assert_eq!(swap(&s, "电话555-123-4567。"), "电话555-987-6543。");
    assert_eq!(swap(&s, "<b>555-123-4567</b>"), "<b>555-987-6543</b>");
}

#[test]
fn different_length_replacement_uses_standard_form_of_same_style() {
    let s = NumberSwapper::new(&[(n("+442079460018"), n("+441632960123"))]);
    // 10 -> 10 digits: in place.
    assert_eq!(swap(&s, "020 7946 0018"), "016 3296 0123");
    let s = NumberSwapper::new(&[(n("+442079460018"), n("+44800123456"))]);
    assert_eq!(swap(&s, "020 7946 0018"), "0800 123456");
    assert_eq!(swap(&s, "+44 (0)20 7946 0018"), "+44 (0)800 123456");
    assert_eq!(swap(&s, "+44-20-7946-0018"), "+44-800-123456");
    assert_eq!(swap(&s, "(020) 7946 0018 now"), "0800 123456 now");
}

#[test]
fn foreign_replacement_in_national_style_becomes_international() {
    let s = NumberSwapper::new(&[(n("+442079460018"), n("+15559876543"))]);
    assert_eq!(swap(&s, "Call 020 7946 0018"), "Call +1 555 987 6543");
    assert_eq!(swap(&s, "Call +44 20 7946 0018"), "Call +1 555 987 6543");
    let s = NumberSwapper::new(&[(n("+15551234567"), n("+442079460999"))]);
    assert_eq!(swap(&s, "555-123-4567"), "+44-20-7946-0999");
}

#[test]
fn tel_uris_keep_style_and_parameters() {
    let s = us();
    for (input, expected) in [
        ("tel:+15551234567", "tel:+15559876543"),
        ("tel:555-123-4567", "tel:555-987-6543"),
        ("tel:+1-555-123-4567;ext=12", "tel:+1-555-987-6543;ext=12"),
        ("tel:(555)%20123-4567", "tel:(555)%20987-6543"),
        ("TEL:5551234567", "TEL:5559876543"),
        ("  tel:5551234567 ", "  tel:5559876543 "),
        ("tel:%2B15551234567", "tel:%2B15559876543"),
        ("tel:1-555-123-4567?x=1", "tel:1-555-987-6543?x=1"),
    ] {
        assert_eq!(
            s.replace_in_tel(input).as_deref(),
            Some(expected),
            "{input:?}"
        );
    }
    for input in [
        // Percent-encoded characters other than `%20` (space) and `%2B` (`+`) are not part
        // of the number: `%2C` is a comma, `%25` a percent sign, `%3B` a semicolon.
        "tel:555%2C123-4567",
        "tel:%2515551234567",
        "tel:%3B15551234567",
        "tel:%2015551234567",
        "tel:+155512345678",
        "tel:555-123-4567x",
        "mailto:5551234567",
        "tel:",
        "te",
        "tel:+44 5551234567",
        "https://x/tel:5551234567",
    ] {
        assert_eq!(s.replace_in_tel(input), None, "{input:?}");
    }
}

#[test]
fn attributes_handle_text_and_tel_values() {
    let s = us();
    assert_eq!(
        s.replace_in_attribute("Call 555-123-4567").as_deref(),
        Some("Call 555-987-6543")
    );
    assert_eq!(
        s.replace_in_attribute("tel:+15551234567").as_deref(),
        Some("tel:+15559876543")
    );
    assert_eq!(
        s.replace_in_attribute("+15551234567").as_deref(),
        Some("+15559876543")
    );
    assert_eq!(s.replace_in_attribute("nothing"), None);
}

#[test]
fn identity_pairs_and_empty_swapper_change_nothing() {
    let t = n("+15551234567");
    let s = NumberSwapper::new(&[(t, t)]);
    assert!(s.is_empty());
    assert!(!us().is_empty());
    assert_eq!(s.replace_in_text("555-123-4567"), None);
    assert_eq!(
        NumberSwapper::new(&[]).replace_in_tel("tel:5551234567"),
        None
    );
}

#[test]
fn first_pair_wins_for_duplicate_targets() {
    let t = n("+15551234567");
    let s = NumberSwapper::new(&[(t, n("+15559876543")), (t, n("+15550000000"))]);
    assert_eq!(swap(&s, "555-123-4567"), "555-987-6543");
}

#[test]
fn italian_numbers_have_no_trunk_prefix() {
    let s = NumberSwapper::new(&[(n("+390612345678"), n("+390687654321"))]);
    assert_eq!(swap(&s, "06 1234 5678"), "06 8765 4321");
    assert_eq!(swap(&s, "+39 06 1234 5678"), "+39 06 8765 4321");
}

#[test]
fn format_national_examples() {
    assert_eq!(format_national(&n("+15551234567")), "(555) 123-4567");
    assert_eq!(format_national(&n("+442079460018")), "020 7946 0018");
    assert_eq!(format_national(&n("+33123456789")), "01 23 45 67 89");
}
