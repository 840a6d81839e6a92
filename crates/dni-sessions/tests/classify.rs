#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dni_sessions::{classify, Attribution, Landing, TargetConfig};

fn target() -> TargetConfig {
    serde_json::from_str(
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [
        {"name": "google_ads", "when": {"click_ids": ["gclid", "gbraid", "wbraid"]}, "numbers": ["+15550000001"]},
        {"name": "bing_ads", "when": {"click_ids": ["msclkid"]}, "numbers": ["+15550000002"]},
        {"name": "newsletter", "when": {"utm_source": "Newsletter", "utm_medium": {"matches": "^e-?mail$"}}, "numbers": ["+15550000003"]},
        {"name": "promo_social", "when": {"referrer": "social", "path": "/promo/*"}, "numbers": ["+15550000004"]},
        {"name": "search", "when": {"referrer": "search"}, "numbers": ["+15550000005"]},
        {"name": "partners", "when": {"referrer": ["*.partner.com", "affiliates.*"]}, "numbers": ["+15550000006"]},
        {"name": "direct_contact", "when": {"referrer": "direct", "path": {"matches": "^/(de|fr)/contact$"}}, "numbers": ["+15550000007"]},
        {"name": "default", "numbers": ["+15550000008"]}
    ]}"#,
    )
    .unwrap()
}

fn source_of(url: &str, referrer: Option<&str>) -> Option<String> {
    let t = target();
    let landing = Landing::parse(url, referrer, 0);
    classify(&t, &landing).map(|i| t.sources[i].name.clone())
}

#[test]
fn click_ids_pick_the_ads_source() {
    assert_eq!(
        source_of("https://shop.example/?gclid=abc", None).as_deref(),
        Some("google_ads")
    );
    assert_eq!(
        source_of("https://shop.example/?GBRAID=abc", None).as_deref(),
        Some("google_ads")
    );
    assert_eq!(
        source_of("https://shop.example/?msclkid=1&x=2", None).as_deref(),
        Some("bing_ads")
    );
    // An empty click id is not a click id.
    assert_eq!(
        source_of("https://shop.example/?gclid=", None).as_deref(),
        Some("default")
    );
}

#[test]
fn first_matching_source_wins() {
    // Both gclid and msclkid: google_ads is listed first.
    assert_eq!(
        source_of(
            "https://shop.example/?msclkid=1&gclid=2",
            Some("https://www.google.com/")
        )
        .as_deref(),
        Some("google_ads")
    );
}

#[test]
fn utm_values_all_conditions_must_hold() {
    assert_eq!(
        source_of(
            "https://shop.example/?utm_source=newsletter&utm_medium=email",
            None
        )
        .as_deref(),
        Some("newsletter")
    );
    assert_eq!(
        source_of(
            "https://shop.example/?utm_source=NEWSLETTER&utm_medium=e-mail",
            None
        )
        .as_deref(),
        Some("newsletter")
    );
    // Regex is case-sensitive; medium mismatch falls through.
    assert_eq!(
        source_of(
            "https://shop.example/?utm_source=newsletter&utm_medium=EMAIL",
            None
        )
        .as_deref(),
        Some("default")
    );
    // Missing medium: condition fails.
    assert_eq!(
        source_of("https://shop.example/?utm_source=newsletter", None).as_deref(),
        Some("default")
    );
    // Percent/plus-decoded before matching.
    assert_eq!(
        source_of(
            "https://shop.example/?utm_source=News%6Cetter&utm_medium=e%2Dmail",
            None
        )
        .as_deref(),
        Some("newsletter")
    );
}

#[test]
fn referrer_search_social_and_hosts() {
    assert_eq!(
        source_of("https://shop.example/", Some("https://www.google.co.uk/")).as_deref(),
        Some("search")
    );
    assert_eq!(
        source_of("https://shop.example/", Some("https://duckduckgo.com/")).as_deref(),
        Some("search")
    );
    assert_eq!(
        source_of("https://shop.example/", Some("https://notgoogle.com/")).as_deref(),
        Some("default")
    );
    assert_eq!(
        source_of(
            "https://shop.example/promo/x",
            Some("https://l.facebook.com/l.php?u=x")
        )
        .as_deref(),
        Some("promo_social")
    );
    // Social referrer but not on a promo path: no source matches it except default.
    assert_eq!(
        source_of("https://shop.example/about", Some("https://t.co/abc")).as_deref(),
        Some("default")
    );
    assert_eq!(
        source_of("https://shop.example/", Some("https://deals.partner.com/")).as_deref(),
        Some("partners")
    );
    assert_eq!(
        source_of("https://shop.example/", Some("https://partner.com/")).as_deref(),
        Some("default")
    );
    assert_eq!(
        source_of("https://shop.example/", Some("https://affiliates.co.uk/")).as_deref(),
        Some("partners")
    );
}

#[test]
fn direct_traffic_and_path_regex() {
    assert_eq!(
        source_of("https://shop.example/de/contact", None).as_deref(),
        Some("direct_contact")
    );
    assert_eq!(
        source_of(
            "https://shop.example/fr/contact",
            Some("https://shop.example/fr/")
        )
        .as_deref(),
        Some("direct_contact")
    );
    assert_eq!(
        source_of("https://shop.example/de/contact", Some("https://bing.com/")).as_deref(),
        Some("search")
    );
    assert_eq!(
        source_of(
            "https://shop.example/de/contact",
            Some("https://blog.other.org/")
        )
        .as_deref(),
        Some("default")
    );
}

#[test]
fn target_without_sources_or_no_match_gives_none() {
    let t: TargetConfig =
        serde_json::from_str(r#"{"number": "+15551234567", "fallback": "+15559990000"}"#).unwrap();
    assert_eq!(
        classify(&t, &Landing::parse("https://x.example/?gclid=1", None, 0)),
        None
    );
    let t: TargetConfig = serde_json::from_str(
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [
        {"name": "g", "when": {"click_ids": ["gclid"]}, "numbers": ["+15550000001"]}]}"#,
    )
    .unwrap();
    assert_eq!(
        classify(&t, &Landing::parse("https://x.example/", None, 0)),
        None
    );
}

#[test]
fn attribution_records_landing_utms_and_click_ids() {
    let t = target();
    let landing = Landing::parse(
        "https://shop.example/promo?utm_source=google&utm_medium=cpc&utm_campaign=spring+sale&utm_term=plumber&utm_content=ad%201&gclid=G1&fbclid=F1&gclid=G2&other=1",
        Some("https://www.google.com/"),
        1_795_341_600_000,
    );
    let source = classify(&t, &landing);
    let a = Attribution::new(&landing, &t, source);
    assert_eq!(a.source.as_deref(), Some("google_ads"));
    assert_eq!(a.landing_url, landing.url());
    assert_eq!(a.referrer.as_deref(), Some("https://www.google.com/"));
    assert_eq!(a.utm_source.as_deref(), Some("google"));
    assert_eq!(a.utm_medium.as_deref(), Some("cpc"));
    assert_eq!(a.utm_campaign.as_deref(), Some("spring sale"));
    assert_eq!(a.utm_term.as_deref(), Some("plumber"));
    assert_eq!(a.utm_content.as_deref(), Some("ad 1"));
    assert_eq!(
        a.click_ids,
        [
            ("gclid".to_string(), "G1".to_string()),
            ("fbclid".to_string(), "F1".to_string())
        ]
    );
    assert_eq!(a.landed_at_ms, 1_795_341_600_000);

    let json = serde_json::to_string(&a).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["click_ids"]["gclid"], "G1");
    assert_eq!(serde_json::from_str::<Attribution>(&json).unwrap(), a);
}

#[test]
fn attribution_includes_click_ids_named_in_rules() {
    let t: TargetConfig = serde_json::from_str(
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [
        {"name": "x", "when": {"click_ids": ["my_click"]}, "numbers": ["+15550000001"]}]}"#,
    )
    .unwrap();
    let landing = Landing::parse("/?my_click=abc&unknown=1", None, 0);
    let a = Attribution::new(&landing, &t, classify(&t, &landing));
    assert_eq!(a.source.as_deref(), Some("x"));
    assert_eq!(a.click_ids, [("my_click".to_string(), "abc".to_string())]);
}

#[test]
fn malformed_click_ids_are_an_error_that_says_what_was_expected() {
    let err = serde_json::from_str::<Attribution>(r#"{"click_ids": ["gclid", "G1"]}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("an object of string values"), "{err}");
}

#[test]
fn lease_consent_answers_for_each_category() {
    use dni_common::Category;
    use dni_sessions::LeaseConsent;
    // A OneTrust visitor who accepted analytics only (groups C0001 and C0002).
    let c = LeaseConsent {
        granted: vec![Category::Necessary, Category::Analytics],
        signal: "onetrust".into(),
        regime: "opt_in".into(),
        gpc: false,
    };
    assert!(c.granted(Category::Necessary));
    assert!(c.granted(Category::Analytics));
    assert!(!c.granted(Category::Marketing));
    assert!(!c.granted(Category::Functional));
}

#[test]
fn attribution_from_older_or_partial_json_loads() {
    let a: Attribution = serde_json::from_str(r#"{"source": "s"}"#).unwrap();
    assert_eq!(a.source.as_deref(), Some("s"));
    assert!(a.click_ids.is_empty());
}
