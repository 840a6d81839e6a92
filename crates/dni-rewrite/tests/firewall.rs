//! The tag firewall and the Consent Mode block, through the streaming rewriter.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{rewrite, rewrite_chunks, script_policy, swap_plan};
use dni_common::Category::{Analytics, Functional, Marketing};
use dni_rewrite::{
    ConsentModeBlock, ConsentModePlacement, RewriteConfig, RewritePlan, StreamRewriter,
};

fn declined() -> RewritePlan {
    let mut plan = swap_plan();
    plan.firewall = Some(script_policy(vec![Functional, Analytics, Marketing]));
    plan
}

fn granted() -> RewritePlan {
    let mut plan = swap_plan();
    plan.firewall = Some(script_policy(vec![]));
    plan
}

fn with_consent_mode(mut plan: RewritePlan, placement: ConsentModePlacement) -> RewritePlan {
    plan.consent_mode = Some(ConsentModeBlock {
        script: "gtag('consent','default',{})".into(),
        nonce: None,
        placement,
    });
    plan
}

const BLOCK: &str = "<script data-dni-consent-mode>gtag('consent','default',{})</script>";

/// Output of `html` fed in chunks of every size from 1 to 40 bytes: all equal, returned.
fn every_chunking(make: impl Fn() -> RewritePlan, html: &str) -> String {
    let whole = rewrite(make(), html).0;
    for size in 1..=40 {
        let chunks: Vec<&[u8]> = html.as_bytes().chunks(size).collect();
        let (out, _) = rewrite_chunks(make(), "text/html; charset=utf-8", &chunks);
        assert_eq!(String::from_utf8(out).unwrap(), whole, "chunk size {size}");
    }
    whole
}

#[test]
fn inline_loaders_are_neutralised_from_their_text_whatever_the_chunking() {
    let html = r#"<head><script id="t" async>(function(){ window.trackerSnippet('init', 42); })();</script><script>console.log("site")</script></head><p>555-123-4567</p>"#;
    let out = every_chunking(declined, html);
    assert_eq!(
        out,
        r#"<head><script id="t" async="" type="text/plain" data-consent-category="marketing">(function(){ window.trackerSnippet('init', 42); })();</script><script>console.log("site")</script></head><p>555-987-6543</p>"#
    );
    let (_, stats) = rewrite(declined(), html);
    assert_eq!(stats.inline_scripts_neutralised, 1);
    // Granted: byte for byte.
    assert_eq!(
        every_chunking(granted, html),
        html.replace("555-123-4567", "555-987-6543")
    );
}

#[test]
fn kept_inline_scripts_are_byte_identical_even_with_odd_markup() {
    let html = "<script  TYPE = ' Text/JavaScript '\tdata-x=a&amp;b >var a = '</scr' + 'ipt>';</script><script type=module>import x from './x.js'</script>";
    assert_eq!(every_chunking(declined, html), html);
}

#[test]
fn data_scripts_and_allowed_scripts_are_never_touched() {
    let html = concat!(
        r#"<script type="application/ld+json">{"sameAs":["https://tracker.example/x"],"telephone":"555-123-4567"}</script>"#,
        r#"<script type="application/json">{"x":"trackerSnippet("}</script>"#,
        r#"<script type="text/template"><img src="https://pixel.example/collect"></script>"#,
        r#"<script data-dni-allow>trackerSnippet('init')</script>"#,
        r#"<script data-dni-allow src="https://tracker.example/t.js"></script>"#,
        r#"<script type="text/plain" data-consent-category="marketing">trackerSnippet()</script>"#,
    );
    assert_eq!(every_chunking(declined, html), html);
}

#[test]
fn script_src_markers_and_odd_type_spellings() {
    let html = r#"<script TYPE="Module" src="//TRACKER.example/t.js"></script><script data-dni-category="analytics">ga()</script>"#;
    let (out, stats) = rewrite(declined(), html);
    assert_eq!(
        out,
        r#"<script TYPE="text/plain" src="//TRACKER.example/t.js" data-dni-original-type="Module" data-consent-category="marketing"></script><script data-dni-category="analytics" type="text/plain" data-consent-category="analytics">ga()</script>"#
    );
    assert_eq!(stats.scripts_neutralised, 2);
}

#[test]
fn empty_and_unterminated_scripts_survive() {
    assert_eq!(
        every_chunking(declined, "<script></script><p>x"),
        "<script></script><p>x"
    );
    assert_eq!(
        every_chunking(declined, "<p>a</p><script>site()"),
        "<p>a</p><script>site()"
    );
    assert_eq!(
        every_chunking(declined, "<p>a</p><script>trackerSnippet("),
        r#"<p>a</p><script type="text/plain" data-consent-category="marketing">trackerSnippet("#
    );
    assert_eq!(every_chunking(declined, "<script id=x>"), "<script id=x>");
}

#[test]
fn scripts_over_the_buffer_bound_fail_closed_for_a_declined_visitor_only() {
    let big = format!(
        "<script>var x='{}';</script><p>555-123-4567</p>",
        "a".repeat(5000)
    );
    let small = |declined: bool| {
        let mut plan = if declined { declined_plan() } else { granted() };
        if let Some(f) = plan.firewall.as_mut() {
            f.max_inline_script_bytes = 1000;
        }
        plan
    };
    fn declined_plan() -> RewritePlan {
        declined()
    }
    let (out, stats) = rewrite(small(true), &big);
    assert!(
        out.starts_with(
            r#"<script type="text/plain" data-consent-category="marketing">var x='aaa"#
        ),
        "{}",
        &out[..80]
    );
    assert!(out.ends_with("';</script><p>555-987-6543</p>"));
    assert_eq!(
        (
            stats.inline_scripts_neutralised,
            stats.inline_scripts_over_limit
        ),
        (1, 1)
    );
    let (out, stats) = rewrite(small(false), &big);
    assert_eq!(out, big.replace("555-123-4567", "555-987-6543"));
    assert_eq!(stats.inline_scripts_over_limit, 0);
    // Chunking does not change the outcome.
    for size in [1, 7, 999, 1001, 4096] {
        let chunks: Vec<&[u8]> = big.as_bytes().chunks(size).collect();
        let (o, _) = rewrite_chunks(small(true), "text/html", &chunks);
        assert_eq!(
            String::from_utf8(o).unwrap(),
            rewrite(small(true), &big).0,
            "{size}"
        );
    }
}

#[test]
fn pixels_frames_and_preloads_of_declined_vendors_make_no_request() {
    let html = concat!(
        r#"<img height="1" width="1" style="display:none" src="https://pixel.example/collect?id=1&amp;ev=PageView">"#,
        r#"<iframe src="https://tracker.example/ns.html?id=GTM-1" height="0" width="0"></iframe>"#,
        r#"<link rel="preconnect" href="https://tracker.example"><link rel="stylesheet" href="https://tracker.example/x.css">"#,
        r#"<link href="https://tracker.example/no-rel.js">"#,
        r#"<picture><source srcset="/a.webp 1x, https://pixel.example/collect?x 2x"><img src="/logo.png" alt="logo"></picture>"#,
        r#"<img src="https://pixel.example/collect?k" data-dni-allow>"#,
    );
    let (out, stats) = rewrite(declined(), html);
    assert!(
        out.contains(
            r#"<img height="1" width="1" style="display:none" src="data:image/gif;base64,"#
        ),
        "{out}"
    );
    assert!(out.contains(r#"data-dni-src="https://pixel.example/collect?id=1&amp;ev=PageView" data-consent-category="marketing">"#), "{out}");
    assert!(out.contains(r#"<iframe src="about:blank" height="0" width="0" data-dni-src="https://tracker.example/ns.html?id=GTM-1" data-consent-category="marketing"></iframe>"#), "{out}");
    assert!(out.contains(r#"<link rel="preconnect" data-dni-href="https://tracker.example" data-consent-category="marketing">"#), "{out}");
    assert!(
        out.contains(r#"<link rel="stylesheet" href="https://tracker.example/x.css">"#),
        "stylesheets are not preloads: {out}"
    );
    assert!(
        out.contains(r#"<link href="https://tracker.example/no-rel.js">"#),
        "a link without rel fetches nothing: {out}"
    );
    assert!(out.contains(r#"<source data-dni-srcset="/a.webp 1x, https://pixel.example/collect?x 2x" data-consent-category="marketing">"#), "{out}");
    assert!(out.contains(r#"<img src="/logo.png" alt="logo">"#));
    assert!(out.contains(r#"<img src="https://pixel.example/collect?k" data-dni-allow>"#));
    assert_eq!((stats.pixels_disarmed, stats.frames_disarmed), (3, 1));
    assert_eq!(rewrite(granted(), html).0, html);
}

/// URLs written with character references are classified as the browser decodes and
/// fetches them (numeric references, with or without `;`, and the named ones for URL
/// punctuation), and a preloaded image's `imagesrcset` is a resource URL too.
#[test]
fn entity_encoded_urls_and_preloaded_image_sets_make_no_request() {
    let html = concat!(
        r#"<img src="&#104;ttps://pixel.example/collect?id=1&amp;ev=Scheme" height="1" width="1">"#,
        r#"<IMG SRC="https://pixel&#46;example/collect?id=1&amp;ev=Host">"#,
        r#"<img src="https&colon;&sol;&sol;pixel&period;example&sol;collect?ev=Named">"#,
        r#"<iframe src="https://tracker&#x2e;example/ns.html"></iframe>"#,
        r#"<a href="/x" ping="https://pixel&#x2E;example/collect?ping">x</a>"#,
        r#"<script src="https://tracker&#46example/t.js" async></script>"#,
        r#"<link rel="preload" as="image" imagesrcset="https://pixel.example/collect?ev=Srcset 1x">"#,
        r#"<img src="/logo&#46;png" alt="logo">"#,
    );
    let out = every_chunking(declined, html);
    assert_eq!(
        out.matches("data-consent-category=\"marketing\"").count(),
        7,
        "{out}"
    );
    assert!(!out.contains(" src=\"&#104;ttps"), "{out}");
    assert!(!out.contains(" SRC=\"https://pixel&#46;"), "{out}");
    assert!(!out.contains(" src=\"https&colon;"), "{out}");
    assert!(
        out.contains(
            r#"<iframe src="about:blank" data-dni-src="https://tracker&#x2e;example/ns.html""#
        ),
        "{out}"
    );
    assert!(
        out.contains(r#"data-dni-ping="https://pixel&#x2E;example/collect?ping""#),
        "{out}"
    );
    assert!(
        out.contains(r#"<script src="https://tracker&#46example/t.js" async type="text/plain""#),
        "{out}"
    );
    assert!(
        out.contains(r#"data-dni-imagesrcset="https://pixel.example/collect?ev=Srcset 1x""#),
        "{out}"
    );
    assert!(
        out.contains(r#"<img src="/logo&#46;png" alt="logo">"#),
        "{out}"
    );
    assert_eq!(rewrite(granted(), html).0, html);
}

/// `<base href>`: relative URLs after it are fetched from the base's host, so they are
/// classified resolved against it; a base on a declined vendor's own host loses its `href`.
#[test]
fn relative_urls_under_a_vendor_base_make_no_request() {
    let html = concat!(
        r#"<head><base href="https://pixel.example/"><base href="https://elsewhere.example/"></head>"#,
        r#"<img src="collect?id=1&amp;ev=BaseHref" height="1" width="1">"#,
        r#"<img srcset="/logo.png 1x, collect?ev=2x 2x">"#,
        r#"<script src="/js/app.js"></script>"#,
    );
    let out = every_chunking(declined, html);
    assert!(
        out.contains(
            r#"data-dni-src="collect?id=1&amp;ev=BaseHref" data-consent-category="marketing""#
        ),
        "{out}"
    );
    assert!(
        out.contains(
            r#"data-dni-srcset="/logo.png 1x, collect?ev=2x 2x" data-consent-category="marketing""#
        ),
        "{out}"
    );
    assert!(
        out.contains(r#"<script src="/js/app.js"></script>"#),
        "{out}"
    );

    let html = concat!(
        r#"<base href="https://tracker.example/lib/">"#,
        r#"<script src="app.js"></script><img src="/logo.png">"#,
    );
    let out = every_chunking(declined, html);
    assert!(out.starts_with(r#"<base data-dni-href="https://tracker.example/lib/" data-consent-category="marketing">"#), "{out}");
    assert!(
        out.ends_with(r#"<script src="app.js"></script><img src="/logo.png">"#),
        "the base is gone, so nothing else is the vendor's: {out}"
    );

    // A first relative base resolves nothing; a first-party base changes nothing.
    for html in [
        r#"<base href="/shop/"><base href="https://pixel.example/"><img src="collect?x">"#,
        r#"<base href="https://www.example.com/"><img src="collect?x"><script src="t.js"></script>"#,
    ] {
        assert_eq!(every_chunking(declined, html), html);
    }
    assert_eq!(rewrite(granted(), html).0, html);
}

/// CSS background pixels: a `url()` pointing at a declined vendor, in a `style` attribute
/// or a `<style>` element, becomes a blank image; other URLs and other CSS stay as written.
#[test]
fn css_background_pixels_make_no_request() {
    let html = concat!(
        "<head><style>\n.pix { background: url(https://pixel.example/collect?id=1&ev=StyleBlock) no-repeat; }\n",
        ".logo { background: url('/logo.png'); }\n</style></head>",
        r#"<div style="width:1px;background-image:url(&quot;https://pixel.example/collect?ev=Attr&quot;)">Call us</div>"#,
        r#"<div style="color:red;background:url(/bg.png)">x</div>"#,
        r#"<p style="font-family:&quot;A&amp;B&quot;;background:url(//pixel.example/collect)">y</p>"#,
    );
    let out = every_chunking(declined, html);
    assert!(
        out.contains(
            r#"<p style="font-family:&quot;A&amp;B&quot;;background:url(data:image/gif;base64,"#
        ),
        "{out}"
    );
    assert!(!out.contains("url(https://pixel.example"), "{out}");
    assert!(!out.contains("url(\"https://pixel.example"), "{out}");
    assert!(
        out.contains(".pix { background: url(data:image/gif;base64,"),
        "{out}"
    );
    assert!(
        out.contains(".logo { background: url('/logo.png'); }"),
        "{out}"
    );
    assert!(out.contains(r#"data-dni-style="width:1px;background-image:url(&quot;https://pixel.example/collect?ev=Attr&quot;)""#), "{out}");
    assert!(
        out.contains(r#"<div style="color:red;background:url(/bg.png)">x</div>"#),
        "{out}"
    );
    assert_eq!(rewrite(granted(), html).0, html);
    // A style element over the bound goes out as written, whatever the chunking.
    let big = format!("<style>{}</style><p>x</p>", "a{color:red}".repeat(30_000));
    assert_eq!(every_chunking(declined, &big), big);
}

/// Event handler attributes are inline scripts: a declined vendor's code in `onload`,
/// `onerror` or `onclick` (of the images, frames and `[src]` elements the firewall reads) is
/// dropped (kept in `data-dni-on…`); the site's own handlers stay.
#[test]
fn event_handlers_with_a_declined_vendors_code_are_dropped() {
    let html = concat!(
        r#"<img src="/logo.gif" onload="trackerSnippet(&quot;load&quot;)" alt="">"#,
        r#"<IMG SRC="/missing.gif" ONERROR="this.onerror=null;trackerSnippet('error')">"#,
        r#"<input type="image" src="/call.png" alt="Call" onclick="trackerSnippet('call'); return true">"#,
        r#"<img src="/menu.png" onclick="openMenu()">"#,
        "<style>@import \"https://pixel.example/collect.css\";</style>",
    );
    let out = every_chunking(declined, html);
    assert!(out.contains(r#"<img src="/logo.gif" alt="" data-dni-onload="trackerSnippet(&quot;load&quot;)" data-consent-category="marketing">"#), "{out}");
    assert!(out.contains(r#"<IMG SRC="/missing.gif" data-dni-onerror="this.onerror=null;trackerSnippet('error')" data-consent-category="marketing">"#), "{out}");
    assert!(
        out.contains(r#"data-dni-onclick="trackerSnippet('call'); return true""#),
        "{out}"
    );
    assert!(!out.contains(" onclick=\"trackerSnippet"), "{out}");
    assert!(
        out.contains(r#"<img src="/menu.png" onclick="openMenu()">"#),
        "{out}"
    );
    assert!(out.contains("<style>@import \"\";</style>"), "{out}");
    let granted_out = rewrite(granted(), html).0;
    assert!(
        granted_out.contains(r#"onload="trackerSnippet(&quot;load&quot;)""#),
        "{granted_out}"
    );
    assert!(
        granted_out.contains("@import \"https://pixel.example/collect.css\""),
        "{granted_out}"
    );
}

/// A frame whose `src` is a `data:` document is read like an `<iframe srcdoc>`: a
/// declined vendor's pixel or script in it blanks the frame.
#[test]
fn data_url_frames_with_a_declined_vendors_pixel_are_blank() {
    let html = concat!(
        r#"<iframe src="data:text/html,<img src='https://pixel.example/collect?id=1%26ev=DataFrame'>" width="1" height="1"></iframe>"#,
        r#"<iframe src="data:text/html;base64,PHNjcmlwdCBzcmM9Imh0dHBzOi8vdHJhY2tlci5leGFtcGxlL3QuanMiPjwvc2NyaXB0Pg=="></iframe>"#,
        r#"<iframe src="data:text/html,<p>Hello</p>"></iframe>"#,
    );
    let out = every_chunking(declined, html);
    assert!(out.contains(r#"<iframe src="about:blank" width="1" height="1" data-dni-src="data:text/html,<img src='https://pixel.example/collect?id=1%26ev=DataFrame'>" data-consent-category="marketing">"#), "{out}");
    assert!(
        out.contains(r#"<iframe src="about:blank" data-dni-src="data:text/html;base64,PHNj"#),
        "{out}"
    );
    assert!(
        out.contains(r#"<iframe src="data:text/html,<p>Hello</p>"></iframe>"#),
        "{out}"
    );
    assert_eq!(rewrite(granted(), html).0, html);
}

#[test]
fn noscript_pixels_are_disarmed_and_its_numbers_swapped() {
    let html = r#"<noscript><img height="1" width="1" src="https://pixel.example/collect?id=1&amp;noscript=1"/><a href="tel:+15551234567">555-123-4567</a></noscript><p>x</p>"#;
    let out = every_chunking(declined, html);
    assert_eq!(
        out,
        r#"<noscript><img height="1" width="1" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" data-dni-src="https://pixel.example/collect?id=1&amp;noscript=1" data-consent-category="marketing" /><a href="tel:+15559876543">555-987-6543</a></noscript><p>x</p>"#
    );
}

#[test]
fn consent_mode_always_goes_first_in_the_head() {
    let html = "<!doctype html><html><head><meta charset=utf-8><script>site()</script></head><body>555-123-4567</body></html>";
    let out = every_chunking(
        || with_consent_mode(granted(), ConsentModePlacement::Always),
        html,
    );
    assert_eq!(out, format!("<!doctype html><html><head>{BLOCK}<meta charset=utf-8><script>site()</script></head><body>555-987-6543</body></html>"));
    // Without a head tag: before the first script, or the body.
    let no_head = "<title>x</title><script>site()</script><p>y";
    assert_eq!(
        rewrite(
            with_consent_mode(granted(), ConsentModePlacement::Always),
            no_head
        )
        .0,
        format!("<title>x</title>{BLOCK}<script>site()</script><p>y")
    );
}

#[test]
fn consent_mode_auto_goes_first_in_the_head_only_when_a_google_tag_is_there() {
    let auto = || with_consent_mode(declined(), ConsentModePlacement::Auto);
    let with_tag = "<html><head><title>t</title><script>site()</script><script>gtag('config','G-1')</script></head><body>ok</body></html>";
    let out = every_chunking(auto, with_tag);
    assert_eq!(
        out,
        format!("<html><head>{BLOCK}<title>t</title><script>site()</script><script type=\"text/plain\" data-consent-category=\"analytics\">gtag('config','G-1')</script></head><body>ok</body></html>")
    );
    let (_, stats) = rewrite(auto(), with_tag);
    assert!(stats.consent_mode_inserted);
    let src_tag =
        r#"<head><script async src="https://analytics.example/gtag/js?id=G-1"></script></head>"#;
    assert!(rewrite(
        with_consent_mode(granted(), ConsentModePlacement::Auto),
        src_tag
    )
    .0
    .starts_with(&format!("<head>{BLOCK}<script async")));
    let without = "<html><head><title>t</title></head><body><script>site()</script></body></html>";
    let (out, stats) = rewrite(auto(), without);
    assert_eq!(out, without);
    assert!(!stats.consent_mode_inserted);
    // A Google tag only in the body: right before it.
    let body_tag = r#"<head><title>t</title></head><body><p>a</p><script src="https://analytics.example/gtag/js"></script></body>"#;
    assert_eq!(
        rewrite(
            with_consent_mode(granted(), ConsentModePlacement::Auto),
            body_tag
        )
        .0,
        format!(
            r#"<head><title>t</title></head><body><p>a</p>{BLOCK}<script src="https://analytics.example/gtag/js"></script></body>"#
        )
    );
}

#[test]
fn the_held_head_goes_out_as_soon_as_its_fate_is_known() {
    let plan = with_consent_mode(granted(), ConsentModePlacement::Auto);
    // A declared charset: nothing waits to choose the encoding.
    let mut rw = StreamRewriter::new(plan, "text/html; charset=utf-8", 1).unwrap();
    assert_eq!(
        rw.write(b"<!doctype html><html>").unwrap().as_deref(),
        Some(&b"<!doctype html><html>"[..])
    );
    assert_eq!(
        rw.write(b"<head><title>t</title>").unwrap(),
        None,
        "held until the head's end"
    );
    assert!(!rw.has_pending_output());
    let out = rw.write(b"</head><body>").unwrap().unwrap();
    assert_eq!(out, b"<head><title>t</title></head><body>");
}

#[test]
fn a_meta_charset_page_keeps_its_encoding() {
    // windows-1252 declared only in <meta>: "é" is one byte, and the swapped number too.
    let mut page = b"<html><head><meta charset=\"windows-1252\"><script>var s='caf".to_vec();
    page.push(0xE9);
    page.extend_from_slice(b"'</script></head><body>Caf");
    page.push(0xE9);
    page.extend_from_slice(b" 555-123-4567</body></html>");
    let (out, _) = rewrite_chunks(declined(), "text/html", &[&page]);
    let mut expected = page.clone();
    let at = expected
        .windows(12)
        .position(|w| w == b"555-123-4567")
        .unwrap();
    expected.splice(at..at + 12, b"555-987-6543".iter().copied());
    assert_eq!(out, expected);
}

#[test]
fn a_plan_without_firewall_or_block_is_unchanged_behaviour() {
    let plan = RewritePlan::new(&RewriteConfig::default(), vec![], None);
    assert!(plan.is_noop());
    let html = "<script>trackerSnippet(1)</script><img src=https://pixel.example/collect>";
    assert_eq!(rewrite(plan, html).0, html);
}

/// A firewall with Meta Pixel's catalogued inline signature (`fbq('init'`, dni-privacy's
/// built-in catalog) as marketing, everything declined.
fn meta_declined(swaps: bool) -> RewritePlan {
    use dni_rewrite::{ListClassifier, TagFirewall, TagInfo, DEFAULT_MAX_INLINE_SCRIPT_BYTES};
    let marketing = TagInfo {
        category: Marketing,
        google_tag: false,
    };
    let mut plan = if swaps {
        swap_plan()
    } else {
        RewritePlan::new(&RewriteConfig::default(), vec![], None)
    };
    plan.firewall = Some(TagFirewall {
        classifier: std::rc::Rc::new(ListClassifier {
            scripts: vec![("connect.facebook.net".into(), marketing)],
            signatures: vec![("fbq('init'".into(), marketing)],
            resources: vec![],
        }),
        declined: vec![Functional, Analytics, Marketing],
        marker_attribute: "data-dni-category".into(),
        max_inline_script_bytes: DEFAULT_MAX_INLINE_SCRIPT_BYTES,
        reenable: Vec::new(),
    });
    plan
}

/// Review finding 2a (probe/p14-next-browser.mjs): a layout's
/// `<Script id="fb-pixel" dangerouslySetInnerHTML={{__html: "fbq('init', …)"}}/>` is
/// serialised by Next.js into the first RSC push (row `1f`); the rows that follow are from the
/// repo's Next 16 static export (tests/fixtures/frameworks/next-app). Neutralising the push
/// left React without its flight data (React error #412, no hydration).
#[test]
fn a_next_rsc_push_with_a_pixel_row_stays_intact_and_is_counted() {
    let push = r#"<script>self.__next_f.push([1,"1f:[\"$\",\"script\",null,{\"id\":\"fb-pixel\",\"dangerouslySetInnerHTML\":{\"__html\":\"fbq('init', '1234567890123456');fbq('track', 'PageView');\"}}]\n1:\"$Sreact.fragment\"\n2:\"/_next/static/chunks/3qfy96eoyh-ek.js\"\n3:I[39756,[\"$2\"],\"default\"]\n"])</script>"#;
    let html = format!(
        r#"<html><head></head><body><div hidden=""><!--$--><!--/$--></div><p>Call 555-123-4567</p><script>(self.__next_f=self.__next_f||[]).push([0])</script>{push}<script>fbq('init', '1234567890123456');fbq('track', 'PageView');</script></body></html>"#
    );
    for swaps in [true, false] {
        let out = every_chunking(|| meta_declined(swaps), &html);
        assert!(out.contains(push), "the push is kept byte for byte: {out}");
        assert!(
            out.contains(r#"<script type="text/plain" data-consent-category="marketing">fbq('init', '1234567890123456');"#),
            "an ordinary inline fbq snippet is still neutralised: {out}"
        );
        let (_, stats) = rewrite(meta_declined(swaps), &html);
        assert_eq!(stats.payload_trackers_left, 1, "swaps {swaps}");
        assert_eq!(stats.inline_scripts_neutralised, 1, "swaps {swaps}");
    }
}

/// Review finding 2b (probe/p17-bigstate.mjs): a 1.35 MB `window.__NUXT__` state with no
/// vendor code was neutralised by the 1 MiB fail-closed rule; the items are the probe's.
#[test]
fn a_large_nuxt_state_is_not_failed_closed() {
    let items: Vec<String> = (0..9000)
        .map(|i| {
            format!(
                r#"{{"id":{i},"sku":"SKU-{i}","title":"Copper pipe fitting {i} with a fairly long product title for the catalog","price":{}.5,"img":"/img/p{i}.jpg"}}"#,
                12 + i
            )
        })
        .collect();
    let state = format!(
        r#"{{"layout":"default","data":[{{"products":[{}]}}],"state":{{"phone":"555-123-4567"}}}}"#,
        items.join(",")
    );
    assert!(state.len() > 1_300_000, "{}", state.len());
    let script = format!("<script>window.__NUXT__={state};</script>");
    let html = format!(
        r#"<!doctype html><html><head><title>Shop</title></head><body><div id="__nuxt"><p>Call 555-123-4567</p></div>{script}<script>var big='{}';</script><script src="/_nuxt/app.js" defer></script></body></html>"#,
        "a".repeat(1 << 20)
    );
    for swaps in [true, false] {
        for size in [0, 65536, 4093] {
            let chunks: Vec<&[u8]> = if size == 0 {
                vec![html.as_bytes()]
            } else {
                html.as_bytes().chunks(size).collect()
            };
            let (out, stats) =
                rewrite_chunks(meta_declined(swaps), "text/html; charset=utf-8", &chunks);
            let out = String::from_utf8(out).unwrap();
            let kept = if swaps {
                script.replace("555-123-4567", "555-987-6543")
            } else {
                script.clone()
            };
            assert!(out.contains(&kept), "swaps {swaps}, chunks {size}");
            // A non-payload script over the bound still fails closed.
            assert!(
                out.contains(
                    r#"<script type="text/plain" data-consent-category="marketing">var big='aaa"#
                ),
                "swaps {swaps}, chunks {size}"
            );
            assert_eq!(
                (stats.inline_scripts_over_limit, stats.payload_trackers_left),
                (1, 0)
            );
        }
    }
}

/// Review finding 5 (probe/p12-xhtml2.mjs): an XHTML 1.0 Strict page served as
/// `application/xhtml+xml`. The browser's XML parser closes `<script …/>`; lol_html's HTML
/// tokenizer read the rest of the page as script text, so nothing after it was filtered.
#[test]
fn xhtml_self_closed_scripts_do_not_hide_the_rest_of_the_page() {
    let page = r#"<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Shop</title>
<script type="text/javascript" src="/js/jquery.min.js"/>
<script type="text/javascript" src="https://connect.facebook.net/en_US/fbevents.js"/>
</head><body><p>Call (555) 123-4567</p>
<img src="https://www.facebook.com/tr?id=1&amp;ev=PageView&amp;noscript=1" height="1" width="1" alt=""/></body></html>"#;
    let plan = || {
        let mut plan = meta_declined(true);
        if let Some(fw) = plan.firewall.as_mut() {
            fw.classifier = std::rc::Rc::new(dni_rewrite::ListClassifier {
                scripts: vec![(
                    "connect.facebook.net".into(),
                    dni_rewrite::TagInfo {
                        category: Marketing,
                        google_tag: false,
                    },
                )],
                signatures: vec![],
                resources: vec![(
                    "www.facebook.com/tr".into(),
                    dni_rewrite::TagInfo {
                        category: Marketing,
                        google_tag: false,
                    },
                )],
            });
        }
        plan
    };
    let xhtml = "application/xhtml+xml; charset=utf-8";
    let whole = rewrite_chunks(plan(), xhtml, &[page.as_bytes()]);
    let out = String::from_utf8(whole.0.clone()).unwrap();
    assert!(
        out.contains(r#"<script type="text/javascript" src="/js/jquery.min.js"></script>"#),
        "{out}"
    );
    assert!(out.contains(r#"<script type="text/plain" src="https://connect.facebook.net/en_US/fbevents.js" data-dni-original-type="text/javascript" data-consent-category="marketing"></script>"#), "{out}");
    assert!(out.contains("<p>Call (555) 987-6543</p>"), "{out}");
    assert!(
        out.contains(
            r#"data-dni-src="https://www.facebook.com/tr?id=1&amp;ev=PageView&amp;noscript=1""#
        ),
        "{out}"
    );
    assert_eq!(
        (
            whole.1.scripts_neutralised,
            whole.1.pixels_disarmed,
            whole.1.xhtml_self_closed_fixed
        ),
        (1, 1, 2)
    );
    for size in [1, 5, 64] {
        let chunks: Vec<&[u8]> = page.as_bytes().chunks(size).collect();
        assert_eq!(
            rewrite_chunks(plan(), xhtml, &chunks).0,
            whole.0,
            "chunks of {size}"
        );
    }
    // Served as text/html, the HTML parser's reading is the browser's too: left as it is.
    let (html_out, _) = rewrite_chunks(plan(), "text/html", &[page.as_bytes()]);
    assert!(String::from_utf8(html_out)
        .unwrap()
        .contains(r#"src="/js/jquery.min.js"/>"#));
}

/// The site's consent platform re-enables what the firewall neutralised only if the script
/// carries its own markup: OneTrust's `optanon-category-<group>` class (added to the
/// script's classes), Cookiebot's `data-cookieconsent`. Scripts by `src`, held inline
/// snippets and marked scripts all get it, at every split.
#[test]
fn neutralised_scripts_carry_the_consent_platforms_reenable_markup() {
    use dni_common::ReenableAttribute;
    let onetrust = |c: &str| ReenableAttribute {
        name: "class",
        value: format!("optanon-category-{c}"),
        append: true,
    };
    let page = concat!(
        r#"<script class="lazy" src="https://tracker.example/t.js"></script>"#,
        r#"<script>trackerSnippet('x');</script>"#,
        r#"<script data-dni-category="analytics">window.a=1;</script>"#,
        r#"<script src="/app.js"></script>"#,
    );
    let expected = concat!(
        r#"<script class="lazy optanon-category-C0004" src="https://tracker.example/t.js" type="text/plain" data-consent-category="marketing"></script>"#,
        r#"<script type="text/plain" data-consent-category="marketing" class="optanon-category-C0004">trackerSnippet('x');</script>"#,
        r#"<script data-dni-category="analytics" type="text/plain" data-consent-category="analytics" class="optanon-category-C0002">window.a=1;</script>"#,
        r#"<script src="/app.js"></script>"#,
    );
    let plan = || {
        let mut plan = declined();
        if let Some(fw) = plan.firewall.as_mut() {
            fw.reenable = vec![
                (Marketing, onetrust("C0004")),
                (Analytics, onetrust("C0002")),
            ];
        }
        plan
    };
    for cut in 0..=page.len() {
        let (a, b) = page.as_bytes().split_at(cut);
        let (out, _) = rewrite_chunks(plan(), "text/html; charset=utf-8", &[a, b]);
        assert_eq!(String::from_utf8(out).unwrap(), expected, "split at {cut}");
    }
    // Cookiebot: its attribute names the category; a class already there is not touched.
    let mut cookiebot = declined();
    if let Some(fw) = cookiebot.firewall.as_mut() {
        fw.reenable = vec![(
            Marketing,
            ReenableAttribute {
                name: "data-cookieconsent",
                value: "marketing".into(),
                append: false,
            },
        )];
    }
    let (out, _) = rewrite(
        cookiebot,
        r#"<script class="x" src="https://tracker.example/t.js"></script>"#,
    );
    assert_eq!(
        out,
        r#"<script class="x" src="https://tracker.example/t.js" type="text/plain" data-consent-category="marketing" data-cookieconsent="marketing"></script>"#
    );
}
