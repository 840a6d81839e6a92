//! The tag firewall with the real catalog on the vendor fixture pages (every catalogued
//! vendor's documented snippet, `tests/fixtures/vendors/`): a declined visitor's page has no
//! live tracking left, whatever the chunking; a consenting visitor's page is the origin's,
//! numbers and the Consent Mode default aside.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consent_dni::response::{consent_mode_script, rewrite_plan};
use consent_dni::runtime::Runtime;
use dni_common::Category;
use dni_consent::{ConsentConfig, ConsentRequest, Decision};
use dni_privacy::{Catalog, VendorsConfig};
use dni_rewrite::{ConsentModeBlock, ConsentModePlacement, StreamRewriter};
use regex_lite::Regex;

fn page(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/vendors/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn decision(cookie: &str) -> Decision {
    dni_consent::decide(
        &ConsentConfig::default(),
        &ConsentRequest {
            cookie_header: Some(cookie),
            country: Some("DE"),
            now_ms: 1_795_341_600_000,
            ..Default::default()
        },
    )
}

const DECLINE: &str = "OptanonConsent=groups=C0001%3A1%2CC0002%3A0%2CC0003%3A0%2CC0004%3A0";
const ACCEPT: &str = "OptanonConsent=groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1";

fn rewrite(html: &str, decision: &Decision, chunk: usize) -> String {
    let rt = Runtime::from_json(r#"{"sites": [{"name": "t", "hosts": ["*"]}]}"#).unwrap();
    let site = rt.site(0).unwrap();
    let block = ConsentModeBlock {
        script: consent_mode_script(decision, 500),
        nonce: None,
        placement: ConsentModePlacement::Auto,
    };
    let swaps = vec![(
        dni_numbers::E164::parse("+15035550142").unwrap(),
        dni_numbers::E164::parse("+15035550199").unwrap(),
    )];
    let plan = rewrite_plan(site, swaps, &decision.declined(), Some(block), "/");
    let mut rw = StreamRewriter::new(plan, "text/html; charset=utf-8", 4096).unwrap();
    let mut out = Vec::new();
    for c in html.as_bytes().chunks(chunk) {
        out.extend(rw.write(c).unwrap().unwrap_or_default());
    }
    let (rest, _) = rw.end().unwrap();
    out.extend(rest);
    String::from_utf8(out).unwrap()
}

/// Every script, pixel, frame and preload left live in `html` that belongs to a vendor of a
/// declined category (noscript content included: the regexes read it as markup).
fn live_tracking(html: &str, declined: &[Category]) -> Vec<String> {
    let catalog = Catalog::new(&VendorsConfig::default(), None);
    let script = Regex::new(r"(?is)<script\b([^>]*)>(.*?)</script>").unwrap();
    let attr = |attrs: &str, name: &str| {
        Regex::new(&format!(r#"(?i)\b{name}\s*=\s*["']?([^"'\s>]+)"#))
            .unwrap()
            .captures(attrs)
            .map(|c| c[1].replace("&amp;", "&"))
    };
    let mut live = Vec::new();
    for c in script.captures_iter(html) {
        let (attrs, text) = (&c[1], &c[2]);
        if attrs.contains("type=\"text/plain\"")
            || attr(attrs, "type").is_some_and(|t| t.contains("json") || t.contains("template"))
        {
            continue;
        }
        let hit = match attr(attrs, "src") {
            Some(src) => catalog
                .script_src(&src, "/")
                .map(|m| (m.vendor.to_string(), m.category))
                .into_iter()
                .collect::<Vec<_>>(),
            None => catalog
                .inline_script(text)
                .iter()
                .map(|m| (m.vendor.to_string(), m.category))
                .collect(),
        };
        live.extend(
            hit.into_iter()
                .filter(|(_, c)| declined.contains(c))
                .map(|(v, _)| format!("script of {v}")),
        );
    }
    let resource = Regex::new(r"(?is)<(img|iframe|link|source)\b([^>]*)>").unwrap();
    for c in resource.captures_iter(html) {
        for name in ["src", "href", "srcset"] {
            if let Some(url) = attr(&c[2], name) {
                if let Some(m) = catalog.resource(&url, "/") {
                    if declined.contains(&m.category) {
                        live.push(format!("{} {name}={url} of {}", &c[1], m.vendor));
                    }
                }
            }
        }
    }
    live
}

#[test]
fn a_declined_visitor_gets_no_live_tracking_from_any_documented_snippet() {
    let d = decision(DECLINE);
    let declined = d.declined();
    for name in ["all-vendors.html", "tag-heavy-100k.html"] {
        let html = page(name);
        assert!(
            live_tracking(&html, &declined).len() > 20,
            "the fixture carries the tags"
        );
        let whole = rewrite(&html, &d, 1 << 20);
        assert_eq!(
            live_tracking(&whole, &declined),
            Vec::<String>::new(),
            "{name}"
        );
        for chunk in [1, 13, 256, 4096] {
            assert_eq!(
                rewrite(&html, &d, chunk),
                whole,
                "{name} in chunks of {chunk}"
            );
        }
        // The site's own code and data stay as they were.
        for keep in [
            r#"<script id="site-main">"#,
            r#"<script type="application/ld+json" id="site-structured-data">"#,
            r#"<script type="application/json" id="site-config">"#,
            r#"<script type="text/template" id="quote-template">"#,
        ] {
            let from_input = html
                .split(keep)
                .nth(1)
                .unwrap()
                .split("</script>")
                .next()
                .unwrap();
            let from_output = whole
                .split(keep)
                .nth(1)
                .unwrap()
                .split("</script>")
                .next()
                .unwrap();
            assert_eq!(from_input, from_output, "{keep}");
        }
        // The Consent Mode default is the first thing in <head>, all denied.
        let head = whole.split("<head>").nth(1).unwrap();
        assert!(
            head.starts_with("<script data-dni-consent-mode>window.dataLayer"),
            "{}",
            &head[..120]
        );
        assert!(head.contains("'ad_storage':'denied'"));
        // GTM's container itself still loads (it loads the CMP).
        assert!(whole.contains("'https://www.googletagmanager.com/gtm.js?id='+i+dl"));
        assert!(
            whole.contains("Call (503) 555-0199"),
            "numbers are swapped too"
        );
    }
}

#[test]
fn a_consenting_visitors_page_is_the_origins_with_numbers_and_the_default_granted() {
    let d = decision(ACCEPT);
    let html = page("all-vendors.html");
    let out = rewrite(&html, &d, 4096);
    let block_start = out.find("<script data-dni-consent-mode>").unwrap();
    let block_end = block_start + out[block_start..].find("</script>").unwrap() + "</script>".len();
    let block = &out[block_start..block_end];
    assert!(!block.contains("denied"), "{block}");
    let without_block = format!("{}{}", &out[..block_start], &out[block_end..]);
    // Only the numbers changed (the fixture prints no 0199 of its own).
    assert_ne!(without_block, html);
    assert_eq!(without_block.replace("0199", "0142"), html);
}
