//! The built-in catalog and the `Catalog` matching rules.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use dni_common::Category::{self, Analytics, Marketing, Necessary};
use dni_privacy::{Catalog, CookiePattern, ScriptPattern, VendorsConfig, BUILTIN_VENDORS};

fn builtin() -> Catalog {
    Catalog::new(&VendorsConfig::default(), None)
}

fn config(json: &str) -> VendorsConfig {
    serde_json::from_str(json).unwrap()
}

fn cookie(c: &Catalog, name: &str) -> Option<(String, Category)> {
    c.cookie_category(name)
        .map(|(id, cat)| (id.to_owned(), cat))
}

fn script(c: &Catalog, src: &str) -> Option<(String, Category)> {
    c.script_category(src).map(|(id, cat)| (id.to_owned(), cat))
}

fn is(id: &str, cat: Category) -> Option<(String, Category)> {
    Some((id.to_owned(), cat))
}

#[test]
fn every_builtin_pattern_parses_and_ids_are_unique() {
    let mut ids: Vec<&str> = BUILTIN_VENDORS.iter().map(|v| v.id).collect();
    for v in BUILTIN_VENDORS {
        assert!(!v.cookies.is_empty() || !v.scripts.is_empty(), "{}", v.id);
        for c in v.cookies {
            assert!(CookiePattern::parse(c).is_ok(), "{}: {c}", v.id);
        }
        for s in v.scripts {
            let p = ScriptPattern::parse(s).unwrap_or_else(|e| panic!("{}: {s}: {e}", v.id));
            assert!(
                p.host.is_some(),
                "built-in {} must use host patterns: {s}",
                v.id
            );
        }
    }
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn calltrackingmetrics_cookies_and_near_misses() {
    let c = builtin();
    for name in ["__ctmid", "__ctmdd", "_ctmdd", "ct12345", "ct264810"] {
        assert_eq!(
            cookie(&c, name),
            is("calltrackingmetrics", Marketing),
            "{name}"
        );
    }
    for name in [
        "ctmid",
        "_ctmid",
        "__ctmid2",
        "ct",
        "ctx",
        "ct12a",
        "cart",
        "csrftoken",
        "CT123",
    ] {
        assert_eq!(cookie(&c, name), None, "{name}");
    }
    assert_eq!(
        script(&c, "//132140.tctm.co/t.js"),
        is("calltrackingmetrics", Marketing)
    );
    assert_eq!(script(&c, "https://tctm.co/t.js"), None);
}

#[test]
fn call_tracking_vendors() {
    let c = builtin();
    for name in [
        "calltrk_referrer",
        "calltrk_landing",
        "calltrk_session_id",
        "calltrk_uuid",
    ] {
        assert_eq!(cookie(&c, name), is("callrail", Marketing), "{name}");
    }
    assert_eq!(cookie(&c, "calltrk"), None);
    assert_eq!(cookie(&c, "calltracking"), None);
    assert_eq!(
        script(&c, "https://cdn.callrail.com/companies/1/abc/12/swap.js"),
        is("callrail", Marketing)
    );
    assert_eq!(
        script(&c, "https://js.callrail.com/group/x.js"),
        is("callrail", Marketing)
    );
    assert_eq!(cookie(&c, "invoca_session"), is("invoca", Marketing));
    assert_eq!(cookie(&c, "InvocaID"), is("invoca", Marketing));
    assert_eq!(cookie(&c, "invoca"), None);
    assert_eq!(
        script(
            &c,
            "https://solutions.invocacdn.com/js/invoca-latest.min.js"
        ),
        is("invoca", Marketing)
    );
    assert_eq!(
        script(&c, "//pnapi.eu.invoca.net/x.js"),
        is("invoca", Marketing)
    );
    assert_eq!(cookie(&c, "callpage_visitor"), is("callpage", Analytics));
    assert_eq!(
        script(&c, "https://cdn.callpage.io/widget/loader.js"),
        is("callpage", Analytics)
    );
}

#[test]
fn google_analytics_cookies_and_near_misses() {
    let c = builtin();
    for name in [
        "_ga",
        "_ga_ABC123XYZ",
        "_gid",
        "_gat",
        "_gat_UA-1-1",
        "_gat_gtag_UA_1_1",
        "__utma",
        "__utmz",
        "_dc_gtm_UA-1",
        "FPID",
    ] {
        assert_eq!(
            cookie(&c, name),
            is("google-analytics", Analytics),
            "{name}"
        );
    }
    for name in [
        "_gaid",
        "_gate",
        "_gateway",
        "_gidx",
        "ga",
        "__utm",
        "__utm_source",
        "_GA",
    ] {
        assert_eq!(cookie(&c, name), None, "{name}");
    }
}

#[test]
fn google_ads_cookies() {
    let c = builtin();
    for name in [
        "_gcl_au",
        "_gcl_aw",
        "_gcl_dc",
        "_gac_UA-1-1",
        "_gac_gb_123",
        "FPGCLAW",
        "FPAU",
    ] {
        assert_eq!(cookie(&c, name), is("google-ads", Marketing), "{name}");
    }
    assert_eq!(cookie(&c, "_gcl"), None);
}

#[test]
fn gtag_is_analytics_unless_its_id_is_an_ads_id_and_the_gtm_container_is_necessary() {
    let c = builtin();
    assert_eq!(
        script(&c, "https://www.googletagmanager.com/gtag/js?id=G-ABC123"),
        is("google-analytics", Analytics)
    );
    assert_eq!(
        script(&c, "https://www.googletagmanager.com/gtag/js?id=AW-123456"),
        is("google-ads", Marketing)
    );
    assert_eq!(
        script(&c, "https://www.googletagmanager.com/gtag/js?id=DC-123456"),
        is("google-ads", Marketing)
    );
    // The container is catalogued as necessary: it is never blocked (it loads the CMP).
    assert_eq!(
        script(&c, "https://www.googletagmanager.com/gtm.js?id=GTM-XXXX"),
        is("google-tag-manager", Necessary)
    );
    assert_eq!(
        script(&c, "https://www.google-analytics.com/analytics.js"),
        is("google-analytics", Analytics)
    );
    assert_eq!(
        script(&c, "https://www.googleadservices.com/pagead/conversion.js"),
        is("google-ads", Marketing)
    );
    assert_eq!(
        script(&c, "https://googleads.g.doubleclick.net/x.js"),
        is("google-ads", Marketing)
    );
}

#[test]
fn ad_pixels_and_analytics_vendors() {
    let c = builtin();
    let cases: &[(&str, &str, Category)] = &[
        ("_fbp", "meta", Marketing),
        ("_fbc", "meta", Marketing),
        ("_uetsid", "microsoft-ads", Marketing),
        ("_uetvid", "microsoft-ads", Marketing),
        ("_clck", "microsoft-clarity", Analytics),
        ("_clsk", "microsoft-clarity", Analytics),
        ("li_fat_id", "linkedin", Marketing),
        ("_ttp", "tiktok", Marketing),
        ("ttcsid_C1234", "tiktok", Marketing),
        ("_hjSessionUser_123", "hotjar", Analytics),
        ("_hjid", "hotjar", Analytics),
        ("__hstc", "hubspot", Analytics),
        ("hubspotutk", "hubspot", Analytics),
        ("__hssc", "hubspot", Analytics),
        ("__hssrc", "hubspot", Analytics),
        ("_pin_unauth", "pinterest", Marketing),
        ("_pinterest_ct_ua", "pinterest", Marketing),
        ("_scid", "snapchat", Marketing),
        ("_twclid", "x-ads", Marketing),
        ("_rdt_uuid", "reddit", Marketing),
        ("_pk_id.1.1fff", "matomo", Analytics),
        ("ajs_anonymous_id", "segment", Analytics),
    ];
    for (name, id, cat) in cases {
        assert_eq!(cookie(&c, name), is(id, *cat), "{name}");
    }
    // Near misses and consent-recording cookies that must never be touched.
    for name in [
        "_fbpx",
        "fbp",
        "MUID",
        "__hs_opt_out",
        "__hs_cookie_cat_pref",
        "mtm_consent",
        "_pk",
        "hj",
        "_ttpx",
        "_uet",
    ] {
        assert_eq!(cookie(&c, name), None, "{name}");
    }
    let scripts: &[(&str, &str)] = &[
        ("https://connect.facebook.net/en_US/fbevents.js", "meta"),
        ("https://bat.bing.com/bat.js", "microsoft-ads"),
        ("https://www.clarity.ms/tag/abc", "microsoft-clarity"),
        (
            "https://snap.licdn.com/li.lms-analytics/insight.min.js",
            "linkedin",
        ),
        (
            "https://analytics.tiktok.com/i18n/pixel/events.js",
            "tiktok",
        ),
        ("https://static.hotjar.com/c/hotjar-1.js?sv=6", "hotjar"),
        ("https://js.hs-analytics.net/analytics/1/2.js", "hubspot"),
        ("https://s.pinimg.com/ct/core.js", "pinterest"),
        ("https://sc-static.net/scevent.min.js", "snapchat"),
        ("https://static.ads-twitter.com/uwt.js", "x-ads"),
        ("https://www.redditstatic.com/ads/pixel.js", "reddit"),
        (
            "https://cdn.segment.com/analytics.js/v1/k/analytics.min.js",
            "segment",
        ),
    ];
    for (src, id) in scripts {
        assert_eq!(c.script_category(src).map(|r| r.0), Some(*id), "{src}");
    }
    // HubSpot's loader creates its tracking script at run time: it is blocked with it.
    assert_eq!(
        script(&c, "https://js.hs-scripts.com/123.js"),
        is("hubspot", Analytics)
    );
    for src in [
        "https://s.pinimg.com/images/x.js",
        "https://connect.facebook.net.evil.example/fbevents.js",
        "https://cdn.jsdelivr.net/npm/jquery.js",
        "/static/app.js",
        "app.js",
    ] {
        assert_eq!(script(&c, src), None, "{src}");
    }
}

#[test]
fn classify_changes_the_category_of_a_builtin_vendor() {
    let c = Catalog::new(
        &config(r#"{"classify": {"invoca": "functional", "calltrackingmetrics": "necessary"}}"#),
        None,
    );
    assert_eq!(
        cookie(&c, "invoca_session"),
        is("invoca", Category::Functional)
    );
    assert_eq!(cookie(&c, "__ctmid"), is("calltrackingmetrics", Necessary));
    assert_eq!(
        script(&c, "//1.tctm.co/t.js"),
        is("calltrackingmetrics", Necessary)
    );
    assert_eq!(
        c.vendor("invoca").map(|v| v.category),
        Some(Category::Functional)
    );
}

#[test]
fn own_session_cookie_is_matched_first_as_consent_dni() {
    let c = Catalog::new(&VendorsConfig::default(), Some(("ct12345", Necessary)));
    assert_eq!(cookie(&c, "ct12345"), is("consent-dni", Necessary));
    // Other accounts' CTM session cookies still belong to CTM.
    assert_eq!(cookie(&c, "ct999"), is("calltrackingmetrics", Marketing));
    let c = Catalog::new(&VendorsConfig::default(), Some(("dni_session", Marketing)));
    assert_eq!(cookie(&c, "dni_session"), is("consent-dni", Marketing));
}

#[test]
fn site_vendors_add_cookie_and_script_patterns_and_win_over_builtins() {
    let c = Catalog::new(
        &config(
            r#"{"add": [
                {"id": "ctm-demo", "name": "Demo CTM", "category": "marketing",
                 "cookies": ["demo_ctm_*", "_ga"], "scripts": ["/vendor/ctm-tracker.js"]},
                {"id": "acme", "category": "analytics",
                 "cookies": ["acme{digits}"], "scripts": ["*.acme-vendor.com", "cdn.vendor.com/track/"]}
            ]}"#,
        ),
        None,
    );
    assert_eq!(cookie(&c, "demo_ctm_id"), is("ctm-demo", Marketing));
    assert_eq!(cookie(&c, "_ga"), is("ctm-demo", Marketing));
    assert_eq!(cookie(&c, "_ga_X"), is("google-analytics", Analytics));
    assert_eq!(cookie(&c, "acme42"), is("acme", Analytics));
    assert_eq!(cookie(&c, "acme"), None);
    assert_eq!(
        script(&c, "/vendor/ctm-tracker.js"),
        is("ctm-demo", Marketing)
    );
    assert_eq!(
        script(&c, "/vendor/ctm-tracker.js?v=3"),
        is("ctm-demo", Marketing)
    );
    assert_eq!(
        script(&c, "vendor/ctm-tracker.js"),
        is("ctm-demo", Marketing)
    );
    assert_eq!(
        script(&c, "https://www.example.com/vendor/ctm-tracker.js"),
        is("ctm-demo", Marketing)
    );
    assert_eq!(
        c.script_category_at("../vendor/ctm-tracker.js", "/shop/index.html")
            .map(|r| r.0),
        Some("ctm-demo")
    );
    assert_eq!(
        c.script_category_at("ctm-tracker.js", "/shop/index.html"),
        None
    );
    assert_eq!(script(&c, "/vendor/other.js"), None);
    assert_eq!(
        script(&c, "https://x.acme-vendor.com/a.js"),
        is("acme", Analytics)
    );
    assert_eq!(
        script(&c, "https://cdn.vendor.com/track/a.js"),
        is("acme", Analytics)
    );
    assert_eq!(script(&c, "https://cdn.vendor.com/lib/a.js"), None);
    assert_eq!(
        c.vendor("ctm-demo").map(|v| v.name.as_str()),
        Some("Demo CTM")
    );
    assert_eq!(c.vendor("acme").map(|v| v.name.as_str()), Some("acme"));
}

#[test]
fn a_site_pattern_beats_a_builtin_exact_name() {
    // Meta's `_fbp` is a built-in exact name (https://www.facebook.com/policies/cookies/); a
    // site that lists `_fb*` under its own vendor decides its category.
    let c = Catalog::new(
        &config(r#"{"add": [{"id": "site-fb", "category": "analytics", "cookies": ["_fb*"]}]}"#),
        None,
    );
    assert_eq!(cookie(&c, "_fbp"), is("site-fb", Analytics));
    assert_eq!(cookie(&c, "_fbc"), is("site-fb", Analytics));
    // The worker's own session cookie still beats a site pattern.
    let c = Catalog::new(
        &config(
            r#"{"add": [{"id": "site-ct", "category": "analytics", "cookies": ["ct{digits}"]}]}"#,
        ),
        Some(("ct12345", Necessary)),
    );
    assert_eq!(cookie(&c, "ct12345"), is("consent-dni", Necessary));
    assert_eq!(cookie(&c, "ct999"), is("site-ct", Analytics));
}

#[test]
fn within_a_tier_an_exact_name_beats_a_pattern_and_the_longest_prefix_wins() {
    // Listed shortest first, so insertion order alone would pick the wrong one.
    let c = Catalog::new(
        &config(
            r#"{"add": [
                {"id": "shop", "category": "functional", "cookies": ["shop_*"]},
                {"id": "shop-ads", "category": "marketing", "cookies": ["shop_ads_*"]},
                {"id": "shop-stats", "category": "analytics", "cookies": ["shop_ads_ab", "shop_ads_{digits}"]}
            ]}"#,
        ),
        None,
    );
    assert_eq!(cookie(&c, "shop_cart"), is("shop", Category::Functional));
    assert_eq!(cookie(&c, "shop_ads_click"), is("shop-ads", Marketing));
    assert_eq!(cookie(&c, "shop_ads_ab"), is("shop-stats", Analytics));
    // `shop_ads_` (9 characters) of `shop_ads_{digits}` ties with `shop_ads_*`: the earlier
    // vendor keeps it; `shop_ads_` beats `shop_`.
    assert_eq!(cookie(&c, "shop_ads_42"), is("shop-ads", Marketing));
    // A site prefix shorter than built-in names still wins over them (site tier first):
    // Google Analytics' exact `_ga` and Google Ads' prefix `_gcl_*`.
    let c = Catalog::new(
        &config(r#"{"add": [{"id": "g", "category": "necessary", "cookies": ["_g*"]}]}"#),
        None,
    );
    assert_eq!(cookie(&c, "_ga"), is("g", Necessary));
    assert_eq!(cookie(&c, "_gcl_au"), is("g", Necessary));
}

#[test]
fn relative_script_sources_with_a_colon_are_first_party_paths() {
    // A `:` after a `/` or in the query does not make a scheme (WHATWG URL: a scheme is
    // ALPHA *(ALPHA / DIGIT / "+" / "-" / "."), https://url.spec.whatwg.org/#scheme-state),
    // so these stay relative and the first-party pattern still blocks them.
    let c = Catalog::new(
        &config(
            r#"{"add": [{"id": "ctm-demo", "category": "marketing",
                "scripts": ["/vendor/ctm-tracker.js"]}]}"#,
        ),
        None,
    );
    for src in [
        "vendor/ctm-tracker.js?t=12:30",
        "vendor/ctm-tracker.js#a:b",
        "./vendor/ctm-tracker.js?v=1:2",
        "/vendor/ctm-tracker.js?ts=2024-01-01T10:00:00Z",
    ] {
        assert_eq!(script(&c, src), is("ctm-demo", Marketing), "{src}");
    }
    // A real scheme is still a scheme: not fetchable as a script, or another origin.
    assert_eq!(script(&c, "javascript:vendor/ctm-tracker.js"), None);
    assert_eq!(script(&c, "vendor:/vendor/ctm-tracker.js"), None);
}

#[test]
fn vendors_list_own_then_site_then_builtin_and_cookie_domain_is_kept() {
    let c = Catalog::new(
        &config(
            r#"{"add": [{"id": "acme", "category": "analytics", "cookies": ["acme_*"]}],
                "cookie_domain": ".example.com"}"#,
        ),
        Some(("ct12345", Marketing)),
    );
    let v = c.vendors();
    assert_eq!(v.len(), 2 + BUILTIN_VENDORS.len());
    assert_eq!(
        (v[0].id.as_str(), v[0].category, v[0].builtin),
        ("consent-dni", Marketing, false)
    );
    assert_eq!(
        (v[1].id.as_str(), v[1].category, v[1].builtin),
        ("acme", Analytics, false)
    );
    for (vendor, builtin) in v[2..].iter().zip(BUILTIN_VENDORS) {
        assert_eq!((vendor.id.as_str(), vendor.builtin), (builtin.id, true));
    }
    assert_eq!(c.cookie_domain(), Some(".example.com"));
}

#[test]
fn invalid_entries_are_skipped_without_panicking() {
    let c = Catalog::new(
        &config(
            r#"{"add": [
                {"id": "meta", "category": "necessary", "cookies": ["_fbp"]},
                {"id": "bad", "category": "marketing", "cookies": ["*", "a b"], "scripts": ["/", "https://x.com"]}
            ], "cookie_domain": "bad domain;"}"#,
        ),
        Some(("bad name", Marketing)),
    );
    // A site vendor cannot hijack a built-in id.
    assert_eq!(cookie(&c, "_fbp"), is("meta", Marketing));
    assert_eq!(cookie(&c, "session"), None);
    assert_eq!(script(&c, "/app.js"), None);
    assert_eq!(c.cookie_domain(), None);
}

#[test]
fn unfetchable_and_odd_sources_match_nothing() {
    let c = builtin();
    for src in [
        "",
        " ",
        "data:text/javascript,1",
        "javascript:alert(1)",
        "//",
        "https://",
        "#",
        "?",
    ] {
        assert_eq!(script(&c, src), None, "{src:?}");
    }
    assert_eq!(
        script(&c, " HTTPS://CONNECT.FACEBOOK.NET/x.js "),
        is("meta", Marketing)
    );
    assert_eq!(
        script(&c, "https://connect.facebook.net:443/x.js"),
        is("meta", Marketing)
    );
}
