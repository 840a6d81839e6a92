//! Set-Cookie filtering, Cookie header filtering and expiry cookies.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use dni_common::Category::{self, Analytics, Functional, Marketing, Necessary};
use dni_privacy::{
    expiry_set_cookies, filter_cookie_header, filter_set_cookies, Catalog, VendorsConfig,
};

const MARKETING: &[Category] = &[Marketing];
const ALL_OPTIONAL: &[Category] = &[Functional, Analytics, Marketing];

fn catalog() -> Catalog {
    Catalog::new(&VendorsConfig::default(), Some(("ct12345", Marketing)))
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn several_set_cookie_headers_are_judged_one_by_one() {
    let headers = strings(&[
        "sessionid=abc; Path=/; HttpOnly; Secure",
        "_fbp=fb.1.123.456; Domain=.example.com; Path=/; Max-Age=7776000",
        "csrftoken=xyz; Path=/; SameSite=Lax",
        "_ga=GA1.2.3.4; Domain=.example.com; Expires=Fri, 01 Jan 2027 00:00:00 GMT",
        "__ctmid=abc123; Path=/",
        "cart=1,2,3",
    ]);
    let out = filter_set_cookies(&headers, &catalog(), MARKETING);
    assert_eq!(out.removed, ["_fbp", "__ctmid"]);
    assert_eq!(
        out.kept,
        strings(&[
            "sessionid=abc; Path=/; HttpOnly; Secure",
            "csrftoken=xyz; Path=/; SameSite=Lax",
            "_ga=GA1.2.3.4; Domain=.example.com; Expires=Fri, 01 Jan 2027 00:00:00 GMT",
            "cart=1,2,3",
        ])
    );
    let out = filter_set_cookies(&headers, &catalog(), ALL_OPTIONAL);
    assert_eq!(out.removed, ["_fbp", "_ga", "__ctmid"]);
    assert_eq!(out.kept.len(), 3);
}

#[test]
fn nothing_declined_keeps_every_set_cookie() {
    let headers = strings(&["_ga=1", "_fbp=2", "ct12345=x"]);
    let out = filter_set_cookies(&headers, &catalog(), &[]);
    assert_eq!(out.kept, headers);
    assert!(out.removed.is_empty());
}

#[test]
fn necessary_is_never_declined() {
    let c = Catalog::new(
        &serde_json::from_str(r#"{"classify": {"calltrackingmetrics": "necessary"}}"#).unwrap(),
        None,
    );
    let headers = strings(&["__ctmid=1"]);
    let out = filter_set_cookies(&headers, &c, &[Necessary, Marketing]);
    assert_eq!(out.kept, headers);
    assert_eq!(
        expiry_set_cookies("__ctmid=1", &c, &[Necessary], None),
        Vec::<String>::new()
    );
}

#[test]
fn malformed_set_cookies_pass_through_unchanged() {
    let long = format!("big={}; Path=/", "x".repeat(100_000));
    let headers = strings(&[
        "_fbp",
        "=_fbp",
        "; _fbp=1",
        "",
        "   ",
        "weird==; ;; Path",
        "é=ü; Path=/",
        "_fbp_x=1",
        &long,
    ]);
    let out = filter_set_cookies(&headers, &catalog(), ALL_OPTIONAL);
    assert_eq!(out.kept, headers);
    assert!(out.removed.is_empty());
}

#[test]
fn set_cookie_name_is_trimmed_before_matching() {
    let headers = strings(&[" _fbp =fb.1; Path=/", "\t_ga\t=1"]);
    let out = filter_set_cookies(&headers, &catalog(), ALL_OPTIONAL);
    assert_eq!(out.removed, ["_fbp", "_ga"]);
    assert!(out.kept.is_empty());
}

#[test]
fn cookie_header_removes_declined_pairs_and_keeps_the_rest_verbatim() {
    let out = filter_cookie_header(
        "sessionid=abc; _ga=GA1.2.3; _fbp=fb.1; csrftoken=x; __ctmid=9",
        &catalog(),
        MARKETING,
    );
    assert_eq!(
        out.header.as_deref(),
        Some("sessionid=abc; _ga=GA1.2.3; csrftoken=x")
    );
    assert_eq!(out.removed, ["_fbp", "__ctmid"]);
}

#[test]
fn cookie_header_with_duplicates_removes_every_copy() {
    let out = filter_cookie_header("_fbp=1; a=1; _fbp=2; a=2", &catalog(), MARKETING);
    assert_eq!(out.header.as_deref(), Some("a=1; a=2"));
    assert_eq!(out.removed, ["_fbp", "_fbp"]);
}

#[test]
fn cookie_header_of_only_declined_cookies_is_removed() {
    let out = filter_cookie_header("_fbp=1; ct12345=s; _gcl_au=1", &catalog(), MARKETING);
    assert_eq!(out.header, None);
    assert_eq!(out.removed, ["_fbp", "ct12345", "_gcl_au"]);
}

#[test]
fn cookie_header_unchanged_when_nothing_is_removed() {
    for h in ["a=1;b=2", " a = 1 ;;  b=2 ; ", "", ";;", "_ga=1; _fbp=2"] {
        let out = filter_cookie_header(h, &catalog(), &[]);
        assert_eq!(out.header.as_deref(), Some(h));
        assert!(out.removed.is_empty());
    }
    let out = filter_cookie_header("a=1;b=2 ;c", &catalog(), MARKETING);
    assert_eq!(out.header.as_deref(), Some("a=1;b=2 ;c"));
}

#[test]
fn cookie_header_keeps_original_separators_between_adjacent_survivors() {
    let out = filter_cookie_header("a=1;b=2; _fbp=x;c=3;;d=4", &catalog(), MARKETING);
    assert_eq!(out.header.as_deref(), Some("a=1;b=2; c=3;;d=4"));
}

#[test]
fn cookie_header_empty_pairs_and_odd_quoting() {
    // Browsers never quote-escape `;`: `a="x;y"` is two pairs, kept together verbatim.
    let out = filter_cookie_header("a=\"x;y\"; _fbp=1; =v; flag", &catalog(), MARKETING);
    assert_eq!(out.header.as_deref(), Some("a=\"x;y\"; =v; flag"));
    assert_eq!(out.removed, ["_fbp"]);
    let out = filter_cookie_header(";; _fbp=1 ;; ", &catalog(), MARKETING);
    assert_eq!(out.header, None);
}

#[test]
fn expiry_cookies_host_only_and_with_domain() {
    let out = expiry_set_cookies(
        "sessionid=1; _fbp=fb.1; _ga=GA1; ct12345=s",
        &catalog(),
        MARKETING,
        Some(".example.com"),
    );
    assert_eq!(
        out,
        strings(&[
            "_fbp=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
            "_fbp=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Domain=.example.com",
            "ct12345=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
            "ct12345=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Domain=.example.com",
        ])
    );
    let out = expiry_set_cookies("_ga=1; _fbp=2", &catalog(), &[Analytics], None);
    assert_eq!(
        out,
        strings(&["_ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"])
    );
}

#[test]
fn expiry_cookies_are_emitted_once_per_name() {
    let out = expiry_set_cookies("_fbp=1; _fbp=2; _fbp=3", &catalog(), MARKETING, None);
    assert_eq!(out.len(), 1);
}

#[test]
fn expiry_cookies_respect_host_and_secure_prefixes() {
    let c = Catalog::new(
        &serde_json::from_str(
            r#"{"add": [{"id": "p", "category": "marketing", "cookies": ["__Host-trk", "__Secure-trk"]}]}"#,
        )
        .unwrap(),
        None,
    );
    let out = expiry_set_cookies(
        "__Host-trk=1; __Secure-trk=2",
        &c,
        MARKETING,
        Some("example.com"),
    );
    assert_eq!(
        out,
        strings(&[
            "__Host-trk=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure",
            "__Secure-trk=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure",
            "__Secure-trk=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Domain=example.com; Secure",
        ])
    );
}

#[test]
fn expiry_skips_unsafe_names_and_unsafe_domains() {
    let c = Catalog::new(
        &serde_json::from_str(
            r#"{"add": [{"id": "p", "category": "marketing", "cookies": ["trk*"]}]}"#,
        )
        .unwrap(),
        None,
    );
    // `trk\u{e9}` matches the prefix but is not a token: never echoed.
    let out = expiry_set_cookies(
        "trk\u{e9}=1; trk\"x=2; trk1=3",
        &c,
        MARKETING,
        Some("a.com; Secure"),
    );
    assert_eq!(
        out,
        strings(&["trk1=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"])
    );
}

#[test]
fn expiry_none_when_nothing_declined_or_no_tracking_cookie() {
    assert!(expiry_set_cookies("_fbp=1", &catalog(), &[], Some(".a.com")).is_empty());
    assert!(expiry_set_cookies("a=1; b=2", &catalog(), ALL_OPTIONAL, None).is_empty());
    assert!(expiry_set_cookies("", &catalog(), ALL_OPTIONAL, None).is_empty());
}

#[test]
fn expiry_is_bounded_for_a_forged_header() {
    let header: String = (0..1000).map(|i| format!("_ga_{i}=1; ")).collect();
    let out = expiry_set_cookies(&header, &catalog(), &[Analytics], None);
    assert_eq!(out.len(), dni_privacy::MAX_EXPIRED_COOKIES);
    assert!(out[0].starts_with("_ga_0=;"));
}
