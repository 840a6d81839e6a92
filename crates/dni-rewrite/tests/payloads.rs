//! Numbers in framework payloads (inline data, RSC rows, island props) and the hydration
//! guard, through the streaming rewriter: every chunking gives the same output.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{n, rewrite, rewrite_chunks, script_policy, swap_plan};
use dni_common::Category::{Analytics, Functional, Marketing};
use dni_rewrite::{
    Framework, GuardPlacement, HydrationGuard, RewriteConfig, RewritePlan, RewriteStats,
};

const GUARD: &str = "<script data-dni-hydration-guard></script>";

fn with_guard(mut plan: RewritePlan, placement: GuardPlacement) -> RewritePlan {
    plan.data.as_mut().unwrap().guard = Some(HydrationGuard {
        html: GUARD.into(),
        placement,
    });
    plan
}

fn excluding(keys: &[&str]) -> RewritePlan {
    let config = RewriteConfig {
        data_exclude_keys: keys.iter().map(|k| k.to_string()).collect(),
        ..RewriteConfig::default()
    };
    RewritePlan::new(&config, vec![(n("+15551234567"), n("+15559876543"))], None)
}

/// Rewrites `html` whole and split at every byte offset (two chunks); all must agree.
fn rewrite_everywhere(plan: impl Fn() -> RewritePlan, html: &str) -> (String, RewriteStats) {
    let (whole, stats) = rewrite(plan(), html);
    for i in 1..html.len() {
        let (a, b) = html.as_bytes().split_at(i);
        let (out, s) = rewrite_chunks(plan(), "text/html; charset=utf-8", &[a, b]);
        assert_eq!(String::from_utf8(out).unwrap(), whole, "split at {i}");
        assert_eq!(s, stats, "split at {i}");
    }
    (whole, stats)
}

#[test]
fn next_data_is_swapped_and_json_ld_is_not() {
    let html = r#"<p>Call (555) 123-4567</p><script type="application/ld+json">{"telephone":"+1-555-123-4567"}</script><script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"phone":"(555) 123-4567","tel":"tel:+15551234567","invoiceId":"5551234567"}}}</script>"#;
    let (out, stats) = rewrite_everywhere(|| excluding(&["invoiceId"]), html);
    assert!(out.contains(r#"{"telephone":"+1-555-123-4567"}"#), "{out}");
    assert!(
        out.contains(
            r#""phone":"(555) 987-6543","tel":"tel:+15559876543","invoiceId":"5551234567""#
        ),
        "{out}"
    );
    assert_eq!(stats.numbers_swapped, 1);
    assert_eq!(stats.data_numbers_swapped, 2);
    assert_eq!(stats.data_numbers_skipped, 1);
    assert_eq!(stats.framework, Some(Framework::NextPages));
}

#[test]
fn rsc_rows_are_swapped_at_every_depth_and_keep_their_length() {
    let row = r#"self.__next_f.push([1,"5:T2c,Call (555) 123-4567 or text us\n6:[\"$\",\"a\",null,{\"href\":\"tel:+15551234567\",\"children\":\"(555)\\u00a0123-4567\"}]\n"])"#;
    let html = format!("<body><script>{row}</script><script>(self.__next_f=self.__next_f||[]).push([0])</script></body>");
    let (out, stats) = rewrite_everywhere(swap_plan, &html);
    assert_eq!(out.len(), html.len());
    assert_eq!(
        out,
        html.replace("123-4567", "987-6543")
            .replace("15551234567", "15559876543")
    );
    assert_eq!(stats.data_numbers_swapped, 3);
    assert_eq!(stats.framework, Some(Framework::NextApp));
}

#[test]
fn unrecognised_inline_scripts_are_left_and_counted() {
    let html = r#"<script>var phone = "(555) 123-4567"; render(phone);</script><script>var x = 1;</script>"#;
    let (out, stats) = rewrite_everywhere(swap_plan, html);
    assert_eq!(out, html);
    assert_eq!(stats.payloads_unrecognised, 1);
    assert_eq!(stats.data_numbers_swapped, 0);
    let plan = || {
        let c = RewriteConfig {
            data_globals: vec!["phone".into()],
            ..RewriteConfig::default()
        };
        RewritePlan::new(&c, vec![(n("+15551234567"), n("+15559876543"))], None)
    };
    let (out, stats) = rewrite_everywhere(plan, html);
    assert!(out.contains("(555) 987-6543"));
    assert_eq!(
        (stats.data_numbers_swapped, stats.payloads_unrecognised),
        (1, 0)
    );
}

#[test]
fn data_swap_can_be_turned_off_and_skipped_per_element() {
    let html = r#"<script type="application/json" data-dni-skip>{"a":"(555) 123-4567"}</script><div data-dni-skip><script type="application/json">{"b":"(555) 123-4567"}</script></div>"#;
    let (out, stats) = rewrite_everywhere(swap_plan, html);
    assert_eq!(out, html);
    assert_eq!(stats.data_numbers_swapped, 0);
    let off = || {
        let c = RewriteConfig {
            data_swap: false,
            ..RewriteConfig::default()
        };
        RewritePlan::new(&c, vec![(n("+15551234567"), n("+15559876543"))], None)
    };
    let island = r#"<script type="application/json">{"a":"(555) 123-4567"}</script>"#;
    let (out, stats) = rewrite(off(), island);
    assert_eq!(out, island);
    assert_eq!(stats.framework, None);
}

#[test]
fn declined_visitors_get_payloads_swapped_and_trackers_neutralised() {
    let plan = || {
        let mut p = swap_plan();
        p.firewall = Some(script_policy(vec![Functional, Analytics, Marketing]));
        p
    };
    let html = r#"<script>self.__next_f.push([1,"0:\"(555) 123-4567\""])</script><script>trackerSnippet("(555) 123-4567")</script>"#;
    let (out, stats) = rewrite_everywhere(plan, html);
    assert!(
        out.contains(r#"self.__next_f.push([1,"0:\"(555) 987-6543\""])"#),
        "{out}"
    );
    assert!(out.contains(r#"<script type="text/plain" data-consent-category="marketing">trackerSnippet("(555) 123-4567")"#), "{out}");
    assert_eq!(stats.data_numbers_swapped, 1);
    assert_eq!(stats.inline_scripts_neutralised, 1);
}

#[test]
fn island_props_are_swapped_with_entity_quotes() {
    let html = r#"<astro-island uid="1" props="{&quot;phone&quot;:[0,&quot;(555) 123-4567&quot;],&quot;invoiceId&quot;:[0,&quot;5551234567&quot;]}" ssr><a href="tel:+15551234567">(555) 123-4567</a></astro-island>"#;
    let (out, stats) = rewrite_everywhere(
        || with_guard(excluding(&["invoiceId"]), GuardPlacement::Auto),
        html,
    );
    assert!(out.starts_with(GUARD), "{out}");
    assert!(out.contains(r#"props="{&quot;phone&quot;:[0,&quot;(555) 987-6543&quot;],&quot;invoiceId&quot;:[0,&quot;5551234567&quot;]}""#), "{out}");
    assert_eq!(
        (
            stats.numbers_swapped,
            stats.data_numbers_swapped,
            stats.data_numbers_skipped
        ),
        (2, 1, 1)
    );
    assert_eq!(stats.framework, Some(Framework::Astro));
}

/// Every `<script>`, `<link>` and `[id^="__"]` reaches the marker handler: only scripts and
/// links whose `src` / `href` carries a framework's asset path (the URL in the other
/// attribute does not count) and the framework root ids are markers.
#[test]
fn scripts_and_links_that_are_not_markers_do_not_take_the_guard() {
    let plan = || with_guard(swap_plan(), GuardPlacement::Auto);
    let head = concat!(
        r#"<head><link rel="stylesheet" href="/css/site.css"><script src="/js/app.js"></script>"#,
        r#"<img id="__hero" src="/_astro/hero.webp"><div id="__layout"></div>"#,
        r#"<script href="/_next/static/x.js"></script><link src="/_next/static/x.css" href="/a.css">"#,
        r#"<link rel="preload" href="/_NUXT/entry.js" as="script">"#,
        r#"<link rel="modulepreload" href="/_nuxt/entry.js"></head><body><p>(555) 123-4567</p></body>"#,
    );
    let (out, stats) = rewrite_everywhere(plan, head);
    assert_eq!(out.matches(GUARD).count(), 1, "{out}");
    assert!(
        out.contains(&format!(
            "as=\"script\">{GUARD}<link rel=\"modulepreload\" href=\"/_nuxt/"
        )),
        "{out}"
    );
    assert_eq!(stats.framework, Some(Framework::Nuxt));

    // An island without props is a marker; its element is left as it is.
    let island = r#"<astro-island uid="1" ssr><p>(555) 123-4567</p></astro-island>"#;
    let (out, stats) = rewrite_everywhere(plan, island);
    assert_eq!(
        out,
        format!(r#"{GUARD}<astro-island uid="1" ssr><p>(555) 987-6543</p></astro-island>"#)
    );
    assert_eq!(stats.framework, Some(Framework::Astro));
    assert_eq!(stats.data_numbers_swapped, 0);
}

#[test]
fn the_guard_goes_once_before_the_first_marker_or_after_a_swapped_island() {
    let plan = || with_guard(swap_plan(), GuardPlacement::Auto);
    let next = r#"<head><script src="/_next/static/chunks/main.js" defer></script><script src="/_next/static/chunks/app.js" defer></script></head><body><div id="__next">(555) 123-4567</div></body>"#;
    let (out, stats) = rewrite_everywhere(plan, next);
    assert_eq!(out.matches(GUARD).count(), 1);
    assert!(
        out.starts_with(&format!("<head>{GUARD}<script src=\"/_next/")),
        "{out}"
    );
    assert!(stats.hydration_guard_inserted);
    assert_eq!(stats.framework, Some(Framework::NextPages));

    let island = r#"<div id="root">(555) 123-4567</div><script type="application/json" id="data">{"p":"(555) 123-4567"}</script><script type="module" src="/app.js"></script>"#;
    let (out, _) = rewrite_everywhere(plan, island);
    assert!(
        out.contains(&format!("</script>{GUARD}<script type=\"module\"")),
        "{out}"
    );

    // No number in the island, no marker: no guard (auto); at the top of <body> (always).
    let plain = r#"<html><head></head><body><div id="root">(555) 123-4567</div><script type="application/json">{"p":1}</script></body></html>"#;
    let (out, stats) = rewrite(plan(), plain);
    assert!(!out.contains(GUARD) && !stats.hydration_guard_inserted);
    let (out, _) = rewrite(with_guard(swap_plan(), GuardPlacement::Always), plain);
    assert!(
        out.contains(&format!("<body>{GUARD}<div id=\"root\">")),
        "{out}"
    );

    // Nothing to swap: no guard.
    let same = RewritePlan::new(
        &RewriteConfig::default(),
        vec![(n("+15551234567"), n("+15551234567"))],
        None,
    );
    let (out, _) = rewrite(with_guard(same, GuardPlacement::Always), next);
    assert!(!out.contains(GUARD));
}

#[test]
fn long_and_truncated_payloads_stream_without_loss() {
    let mut json = String::from(r#"{"rows":["#);
    for i in 0..40_000 {
        json.push_str(&format!(r#"{{"id":{i},"phone":"(555) 123-4567"}},"#));
    }
    json.push_str("null]}");
    let html = format!(r#"<script type="application/json">{json}</script><p>end</p>"#);
    assert!(html.len() > 1_500_000);
    let chunks: Vec<&[u8]> = html.as_bytes().chunks(1000).collect();
    let (out, stats) = rewrite_chunks(swap_plan(), "text/html; charset=utf-8", &chunks);
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.len(), html.len());
    assert_eq!(stats.data_numbers_swapped, 40_000);
    assert_eq!(out, html.replace("(555) 123-4567", "(555) 987-6543"));

    // The document ends inside a payload: what came is given back, swapped.
    let cut = r#"<script>self.__next_f.push([1,"(555) 123-4567 and more"#;
    let (out, _) = rewrite_everywhere(swap_plan, cut);
    assert_eq!(out, cut.replace("123-4567", "987-6543"));
    let cut_json = r#"<script type="application/json">{"a":"(555) 123-45"#;
    let (out, _) = rewrite_everywhere(swap_plan, cut_json);
    assert_eq!(out, cut_json);
}
