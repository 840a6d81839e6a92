//! Cache-Control and Vary merging.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use dni_privacy::{private_cache_control, vary_with, vary_with_cookie};

#[test]
fn cache_control_absent_is_private() {
    assert_eq!(private_cache_control(None), "private");
    assert_eq!(private_cache_control(Some("")), "private");
    assert_eq!(private_cache_control(Some(" , ,")), "private");
}

#[test]
fn cache_control_public_is_replaced_by_private() {
    assert_eq!(
        private_cache_control(Some("public, max-age=3600")),
        "private, max-age=3600"
    );
}

#[test]
fn cache_control_shared_cache_directives_are_dropped() {
    assert_eq!(private_cache_control(Some("s-maxage=600")), "private");
    assert_eq!(
        private_cache_control(Some("public, s-maxage=600, max-age=60, proxy-revalidate")),
        "private, max-age=60"
    );
    assert_eq!(
        private_cache_control(Some("private=\"Set-Cookie\", max-age=5")),
        "private, max-age=5"
    );
}

#[test]
fn cache_control_restrictive_directives_are_kept() {
    assert_eq!(private_cache_control(Some("no-store")), "private, no-store");
    assert_eq!(
        private_cache_control(Some("no-cache, must-revalidate, max-age=0")),
        "private, no-cache, must-revalidate, max-age=0"
    );
    assert_eq!(
        private_cache_control(Some("no-cache=\"Set-Cookie, X-Foo\", max-age=10")),
        "private, no-cache=\"Set-Cookie, X-Foo\", max-age=10"
    );
}

#[test]
fn cache_control_quoted_pairs_only_inside_quotes() {
    // RFC 9110 section 5.6.4: `\` escapes the next character inside a quoted string only.
    assert_eq!(
        private_cache_control(Some(r#"no-cache="a\",b", public, max-age=10"#)),
        r#"private, no-cache="a\",b", max-age=10"#
    );
    // Outside quotes a backslash is just a character: the comma after it still splits.
    assert_eq!(
        private_cache_control(Some(r#"x-a\, public, no-store"#)),
        r#"private, x-a\, no-store"#
    );
}

#[test]
fn cache_control_odd_spacing_and_case() {
    assert_eq!(
        private_cache_control(Some("  PUBLIC ,MAX-AGE=3600,,  No-Store\t")),
        "private, max-age=3600, no-store"
    );
    assert_eq!(private_cache_control(Some("Private")), "private");
}

#[test]
fn cache_control_duplicates_collapse_to_the_strictest() {
    assert_eq!(
        private_cache_control(Some("no-store, no-store, NO-STORE")),
        "private, no-store"
    );
    assert_eq!(
        private_cache_control(Some("max-age=3600, max-age=60")),
        "private, max-age=60"
    );
    assert_eq!(
        private_cache_control(Some("max-age=60, max-age=abc")),
        "private, max-age=0"
    );
    assert_eq!(
        private_cache_control(Some("max-age=\"120\"")),
        "private, max-age=120"
    );
}

#[test]
fn vary_adds_cookie_once() {
    assert_eq!(vary_with_cookie(None), "Cookie");
    assert_eq!(vary_with_cookie(Some("")), "Cookie");
    assert_eq!(
        vary_with_cookie(Some("Accept-Encoding")),
        "Accept-Encoding, Cookie"
    );
    assert_eq!(
        vary_with_cookie(Some("accept-encoding,  cookie")),
        "accept-encoding, cookie"
    );
    assert_eq!(vary_with_cookie(Some("COOKIE")), "COOKIE");
    assert_eq!(
        vary_with_cookie(Some(" Accept-Encoding ,, Origin ")),
        "Accept-Encoding, Origin, Cookie"
    );
}

#[test]
fn vary_star_stays_star() {
    assert_eq!(vary_with_cookie(Some("*")), "*");
    assert_eq!(vary_with_cookie(Some("Accept-Encoding, *")), "*");
}

#[test]
fn vary_adds_each_signal_once() {
    assert_eq!(vary_with(None, &["Cookie", "Sec-GPC"]), "Cookie, Sec-GPC");
    assert_eq!(
        vary_with(Some("Accept-Encoding, sec-gpc"), &["Cookie", "Sec-GPC"]),
        "Accept-Encoding, sec-gpc, Cookie"
    );
    assert_eq!(vary_with(Some("*"), &["Cookie", "Sec-GPC"]), "*");
}
