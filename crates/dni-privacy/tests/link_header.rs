#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The `Link` response header for a declined visitor (the review's repro: an origin that
//! preloads Meta's, Google Ads' and Bing's tags in a header, which Cloudflare also sends as
//! 103 Early Hints).

use dni_common::Category;
use dni_privacy::{filter_link_header, Catalog, VendorsConfig};

fn catalog() -> Catalog {
    Catalog::new(&VendorsConfig::default(), None)
}

const HEADER: &str = "</styles.css>; rel=preload; as=style, \
<https://connect.facebook.net/en_US/fbevents.js>; rel=preload; as=script, \
<https://www.googletagmanager.com/gtag/js?id=AW-123456789>; rel=preload; as=script, \
<https://bat.bing.com/bat.js>; rel=preload; as=script, \
<https://fonts.gstatic.com>; rel=preconnect; crossorigin";

#[test]
fn declined_vendors_hints_go_and_the_rest_stays_byte_for_byte() {
    let c = catalog();
    let declined = [Category::Analytics, Category::Marketing];
    let f = filter_link_header(HEADER, &c, &declined, "/");
    let kept = f.kept.unwrap();
    assert!(
        !kept.contains("facebook") && !kept.contains("bat.bing.com"),
        "{kept}"
    );
    assert!(
        kept.starts_with("</styles.css>; rel=preload; as=style, "),
        "{kept}"
    );
    assert!(kept.ends_with("<https://fonts.gstatic.com>; rel=preconnect; crossorigin"));
    assert!(f.removed >= 2, "{}", f.removed);
}

#[test]
fn nothing_declined_keeps_everything_and_all_declined_removes_the_header() {
    let c = catalog();
    let f = filter_link_header(HEADER, &c, &[], "/");
    assert_eq!(f.removed, 0);
    assert_eq!(f.kept.as_deref(), Some(HEADER));
    let only = "<https://connect.facebook.net/en_US/fbevents.js>; rel=preload; as=script";
    let f = filter_link_header(only, &c, &[Category::Marketing], "/");
    assert_eq!((f.kept, f.removed), (None, 1));
}

#[test]
fn malformed_values_never_panic_and_unreadable_entries_are_kept() {
    let c = catalog();
    for v in [
        "",
        ",",
        "<",
        ">",
        "<<>>",
        "\"",
        "<https://connect.facebook.net/x.js",
        "rel=preload",
    ] {
        let f = filter_link_header(v, &c, &[Category::Marketing], "/");
        assert_eq!(f.removed, 0, "{v}");
    }
}
