//! The tag firewall's catalog on real install code: every vendor is recognised in each of its
//! documented snippets (`tests/fixtures/vendors/snippets/<vendor>[--variant].html`, copied
//! verbatim from the vendors' documentation; the source is on each file's first line), and
//! the decoys of the fixture page (JSON-LD, JSON config, templates, the site's own script)
//! match nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use dni_common::Category;
use dni_privacy::{normalise_script, Catalog, VendorsConfig, BUILTIN_VENDORS};
use regex_lite::Regex;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/vendors")
}

/// (inline script texts, script srcs, resource urls (img/iframe/link, also in noscript)).
fn parts(html: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let script = Regex::new(r"(?is)<script\b([^>]*)>(.*?)</script>").unwrap();
    let src = Regex::new(r#"(?i)\bsrc\s*=\s*["']?([^"'\s>]+)"#).unwrap();
    let href = Regex::new(r#"(?i)\bhref\s*=\s*["']?([^"'\s>]+)"#).unwrap();
    let resource = Regex::new(r"(?is)<(img|iframe|link|source)\b([^>]*)>").unwrap();
    let (mut inline, mut srcs, mut resources) = (Vec::new(), Vec::new(), Vec::new());
    for c in script.captures_iter(html) {
        match src.captures(&c[1]) {
            Some(s) => srcs.push(s[1].replace("&amp;", "&")),
            None => inline.push(c[2].to_string()),
        }
    }
    for c in resource.captures_iter(html) {
        let attrs = &c[2];
        if let Some(u) = src.captures(attrs).or_else(|| href.captures(attrs)) {
            resources.push(u[1].replace("&amp;", "&"));
        }
    }
    (inline, srcs, resources)
}

fn vendors_in(catalog: &Catalog, html: &str) -> Vec<String> {
    let (inline, srcs, resources) = parts(html);
    let mut found = Vec::new();
    for text in &inline {
        found.extend(
            catalog
                .inline_script(text)
                .iter()
                .map(|m| m.vendor.to_string()),
        );
    }
    for s in &srcs {
        found.extend(catalog.script_src(s, "/").map(|m| m.vendor.to_string()));
    }
    for r in &resources {
        found.extend(catalog.resource(r, "/").map(|m| m.vendor.to_string()));
    }
    found
}

#[test]
fn every_vendor_is_recognised_in_each_of_its_documented_snippets() {
    let catalog = Catalog::new(&VendorsConfig::default(), None);
    let mut files = 0;
    for entry in std::fs::read_dir(fixtures().join("snippets")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let vendor = name.split("--").next().unwrap();
        let html = std::fs::read_to_string(&path).unwrap();
        let found = vendors_in(&catalog, &html);
        assert!(
            found.iter().any(|v| v == vendor),
            "{name}: expected {vendor}, found {found:?}"
        );
        files += 1;
    }
    assert!(files >= 32, "{files} snippet files");
    // And every built-in vendor has at least one documented snippet.
    for v in BUILTIN_VENDORS {
        assert!(
            fixtures().join(format!("snippets/{}.html", v.id)).exists(),
            "no snippet for {}",
            v.id
        );
    }
}

#[test]
fn each_inline_loader_is_recognised_by_its_content_alone() {
    // Inline loaders (no src in the HTML): the signature must find them.
    let catalog = Catalog::new(&VendorsConfig::default(), None);
    for vendor in [
        "google-tag-manager",
        "meta",
        "microsoft-clarity",
        "hotjar",
        "linkedin",
        "tiktok",
        "microsoft-ads",
        "pinterest",
        "snapchat",
        "reddit",
        "x-ads",
        "segment",
        "matomo",
        "invoca",
        "callpage",
    ] {
        let html =
            std::fs::read_to_string(fixtures().join(format!("snippets/{vendor}.html"))).unwrap();
        let (inline, _, _) = parts(&html);
        assert!(
            inline
                .iter()
                .any(|t| catalog.inline_script(t).iter().any(|m| m.vendor == vendor)),
            "{vendor}"
        );
    }
}

#[test]
fn decoys_and_the_sites_own_code_match_nothing() {
    let catalog = Catalog::new(&VendorsConfig::default(), None);
    let page = std::fs::read_to_string(fixtures().join("all-vendors.html")).unwrap();
    let block = |id: &str| {
        let re = Regex::new(&format!(
            r#"(?is)<script[^>]*id="{id}"[^>]*>(.*?)</script>"#
        ))
        .unwrap();
        re.captures(&page).unwrap()[1].to_string()
    };
    assert!(catalog.inline_script(&block("site-main")).is_empty());
    // Ordinary code that merely resembles a snippet.
    for text in [
        "window.dataLayer = window.dataLayer || [];",
        "document.querySelector('a[href^=\"tel:\"]')",
        "const config = {facebook: 'https://www.facebook.com/harborandpine'};",
        "fetch('/api/quote', {method: 'POST'})",
    ] {
        assert!(catalog.inline_script(text).is_empty(), "{text}");
    }
}

#[test]
fn snippets_survive_escaping_minification_and_quote_changes() {
    let catalog = Catalog::new(&VendorsConfig::default(), None);
    let meta = "!function(f,b,e,v,n,t,s){t.src=v}(window,document,\"script\",\"https:\\/\\/CONNECT.facebook.net\\/en_US\\/fbevents.js\");";
    assert_eq!(catalog.inline_script(meta)[0].vendor, "meta");
    let gtag = "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag(\"js\",new Date);gtag( \"config\" , \"G-ABCDEF1234\" );";
    let found = catalog.inline_script(gtag);
    assert_eq!(found[0].vendor, "google-analytics");
    assert!(found[0].google_tag);
    let both = "gtag('config','G-1');gtag('config','AW-2');";
    let cats: Vec<Category> = catalog
        .inline_script(both)
        .iter()
        .map(|m| m.category)
        .collect();
    assert_eq!(cats, [Category::Analytics, Category::Marketing]);
    assert!(normalise_script(meta).contains("connect.facebook.net/en_us/fbevents.js"));
}

#[test]
fn pixel_and_frame_endpoints_are_resources_of_their_vendor() {
    let catalog = Catalog::new(&VendorsConfig::default(), None);
    for (url, vendor) in [
        (
            "https://www.facebook.com/tr?id=123456789012345&ev=PageView&noscript=1",
            "meta",
        ),
        (
            "https://www.googletagmanager.com/ns.html?id=GTM-ABC1234",
            "google-ads",
        ),
        (
            "https://px.ads.linkedin.com/collect/?pid=1234567&fmt=gif",
            "linkedin",
        ),
        (
            "https://ct.pinterest.com/v3/?event=init&tid=2612345678901",
            "pinterest",
        ),
        (
            "https://bat.bing.com/action/0?ti=12345678&Ver=2",
            "microsoft-ads",
        ),
        ("//t.co/i/adsct?txn_id=o1234&p_id=Twitter", "x-ads"),
        (
            "https://analytics.twitter.com/i/adsct?txn_id=o1234",
            "x-ads",
        ),
        ("https://alb.reddit.com/rp.gif?id=t2_abc", "reddit"),
        ("https://track.hubspot.com/__ptq.gif?k=1", "hubspot"),
        ("https://metrics.hotjar.io/x", "hotjar"),
        ("HTTPS://WWW.FACEBOOK.COM/tr?id=1", "meta"),
        ("https://connect.facebook.net", "meta"),
        (
            "https://www.google.com/pagead/1p-user-list/123/?random=1",
            "google-ads",
        ),
        // Self-hosted Matomo's <noscript> pixel (snippets/matomo.html; review finding 7), in a
        // subdirectory, and Piwik's (before Matomo 4) image tracker path.
        (
            "//stats.harborandpine.example/matomo.php?idsite=1&rec=1",
            "matomo",
        ),
        (
            "https://www.harborandpine.example/analytics/matomo.php?idsite=1&rec=1",
            "matomo",
        ),
        ("/piwik/piwik.php?idsite=1&rec=1", "matomo"),
    ] {
        assert_eq!(
            catalog.resource(url, "/").map(|m| m.vendor),
            Some(vendor),
            "{url}"
        );
    }
    for url in [
        "https://www.facebook.com/harborandpine",
        "https://www.google.com/maps/place/x",
        "/images/logo.png",
        "https://cdn.example.com/hero.jpg",
        "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        "https://www.harborandpine.example/matomo.php.jpg",
        "https://www.harborandpine.example/blog/?q=/matomo.php",
    ] {
        assert_eq!(catalog.resource(url, "/").map(|m| m.vendor), None, "{url}");
    }
}

#[test]
fn sites_extend_builtin_vendors_and_add_their_own_signatures() {
    let config: VendorsConfig = serde_json::from_str(
        r#"{"add": [{"id": "acme", "category": "analytics", "signatures": ["acmeTrack( 'init'"], "endpoints": ["px.acme.test/collect"]}],
            "extend": {"meta": {"signatures": ["fbq('trackCustom'"], "endpoints": ["www.facebook.com/offsite"]}}}"#,
    )
    .unwrap();
    let catalog = Catalog::new(&config, None);
    assert_eq!(
        catalog.inline_script("acmeTrack(\"init\", 42)")[0].vendor,
        "acme"
    );
    assert_eq!(
        catalog.inline_script("fbq(\"trackCustom\", 'Call')")[0].vendor,
        "meta"
    );
    assert_eq!(
        catalog
            .resource("https://px.acme.test/collect?e=1", "/")
            .map(|m| m.vendor),
        Some("acme")
    );
    let mut issues = Vec::new();
    let bad: VendorsConfig = serde_json::from_str(
        r#"{"extend": {"nope": {"signatures": ["x"]}}, "add": [{"id": "z", "category": "marketing", "signatures": ["ab"], "endpoints": ["https://x"]}], "consent_mode": {"wait_for_update_ms": 60000}}"#,
    )
    .unwrap();
    dni_common::Validate::validate(&bad, "v", &mut issues);
    let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "v.add[0].endpoints[0]",
            "v.add[0].signatures[0]",
            "v.extend.nope",
            "v.extend.nope.signatures[0]",
            "v.consent_mode.wait_for_update_ms"
        ]
    );
    // The limit itself is allowed.
    let mut issues = Vec::new();
    let at_limit: VendorsConfig =
        serde_json::from_str(r#"{"consent_mode": {"wait_for_update_ms": 10000}}"#).unwrap();
    dni_common::Validate::validate(&at_limit, "v", &mut issues);
    assert!(issues.is_empty(), "{issues:?}");
}

/// Pixels fired from code rather than from a snippet: an inline script whose URL points at a
/// vendor's endpoint or script host is that vendor's, whatever code sends it. The URLs are
/// the vendors' documented pixel URLs: Meta Pixel base code's `<noscript>` image
/// (developers.facebook.com/docs/meta-pixel/get-started), LinkedIn Insight Tag's
/// `<noscript>` image (LinkedIn Help, "Add the LinkedIn Insight Tag to your website"),
/// Microsoft UET's `<noscript>` image (learn.microsoft.com, "UET tag"), Segment's HTTP
/// Tracking API (segment.com/docs/connections/sources/catalog/libraries/server/http-api/).
#[test]
fn pixels_fired_from_code_are_their_vendors() {
    let catalog = Catalog::new(&VendorsConfig::default(), None);
    for (text, vendor) in [
        (
            "new Image().src = \"https://www.facebook.com/tr?id=1234567890&ev=PageView&noscript=1\";",
            "meta",
        ),
        (
            "document.write('<img height=\"1\" width=\"1\" style=\"display:none;\" alt=\"\" src=\"https://px.ads.linkedin.com/collect/?pid=1234567&fmt=gif\" />');",
            "linkedin",
        ),
        ("(new Image).src='//bat.bing.com/action/0?ti=12345678&Ver=2'", "microsoft-ads"),
        (
            "navigator.sendBeacon(\"https:\\/\\/api.segment.io\\/v1\\/t\", JSON.stringify(event));",
            "segment",
        ),
        (
            "var i=document.createElement('img');i.src='https://www.facebook.com/tr?id='+pid+'&ev=Lead';",
            "meta",
        ),
    ] {
        let found: Vec<&str> = catalog.inline_script(text).iter().map(|m| m.vendor).collect();
        assert_eq!(found, [vendor], "{text}");
    }
    // URLs of no vendor, and vendor hosts' other pages, are not pixels.
    for text in [
        "// see https://example.com/docs\nfetch('//cdn.example.com/app.js')",
        "location.href = 'https://www.facebook.com/harborandpine';",
        "var u = 'https:///nohost';",
    ] {
        assert!(catalog.inline_script(text).is_empty(), "{text}");
    }
}
