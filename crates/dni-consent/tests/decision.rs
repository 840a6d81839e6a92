//! The decision end to end: regimes, the platform order, GPC, the JSON shape and the
//! configuration surface.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use dni_common::Category;
use dni_consent::{
    config_from_json, decide, CmpName, ConsentConfig, ConsentRequest, Decision, GpcMode, Regime,
    Signal,
};

const NOW: i64 = 1_764_547_200_000; // 2025-12-01

fn run(
    config: &ConsentConfig,
    cookies: Option<&str>,
    gpc: Option<&str>,
    country: Option<&str>,
) -> Decision {
    decide(
        config,
        &ConsentRequest {
            cookie_header: cookies,
            sec_gpc: gpc,
            country,
            now_ms: NOW,
        },
    )
}

fn cats(d: &Decision) -> [bool; 4] {
    [
        d.categories.necessary,
        d.categories.functional,
        d.categories.analytics,
        d.categories.marketing,
    ]
}

const OT_ACCEPT: &str = "OptanonConsent=groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1";
const OT_REJECT: &str = "OptanonConsent=groups=C0001%3A1%2CC0002%3A0%2CC0003%3A0%2CC0004%3A0";
const CB_ACCEPT: &str = "CookieConsent={stamp:%27x%27%2Cnecessary:true%2Cpreferences:true%2Cstatistics:true%2Cmarketing:true}";
const CB_REJECT: &str = "CookieConsent=0";

#[test]
fn no_signal_opt_in_denies_everything_but_necessary() {
    let d = run(&ConsentConfig::default(), None, None, Some("DE"));
    assert_eq!(cats(&d), [true, false, false, false]);
    assert_eq!(
        (d.signal, d.regime, d.gpc, d.swap),
        (Signal::None, Regime::OptIn, false, false)
    );
}

#[test]
fn no_signal_opt_out_grants_everything() {
    let d = run(&ConsentConfig::default(), Some("a=b"), None, Some("US"));
    assert_eq!(cats(&d), [true, true, true, true]);
    assert_eq!(
        (d.signal, d.regime, d.swap),
        (Signal::None, Regime::OptOut, true)
    );
}

#[test]
fn unknown_country_fails_closed() {
    for country in [None, Some("XX"), Some("T1"), Some(""), Some("garbage")] {
        let d = run(&ConsentConfig::default(), None, None, country);
        assert_eq!(d.regime, Regime::OptIn, "{country:?}");
        assert!(!d.swap);
    }
}

#[test]
fn cmp_refusal_wins_in_an_opt_out_country_and_acceptance_in_an_opt_in_one() {
    let d = run(&ConsentConfig::default(), Some(OT_REJECT), None, Some("US"));
    assert_eq!(cats(&d), [true, false, false, false]);
    assert_eq!(d.signal, Signal::Onetrust);
    let d = run(&ConsentConfig::default(), Some(OT_ACCEPT), None, Some("FR"));
    assert_eq!(cats(&d), [true, true, true, true]);
    assert!(d.swap);
}

#[test]
fn unset_categories_follow_the_regime() {
    // only marketing stated
    let h = "OptanonConsent=groups=C0001%3A1%2CC0004%3A1";
    let d = run(&ConsentConfig::default(), Some(h), None, Some("DE"));
    assert_eq!(cats(&d), [true, false, false, true]);
    let d = run(&ConsentConfig::default(), Some(h), None, Some("US"));
    assert_eq!(cats(&d), [true, true, true, true]);
}

#[test]
fn first_valid_platform_in_the_order_decides() {
    let both = format!("{CB_REJECT}; {OT_ACCEPT}");
    let d = run(&ConsentConfig::default(), Some(&both), None, Some("DE"));
    assert_eq!(d.signal, Signal::Onetrust); // onetrust comes before cookiebot by default
    assert!(d.swap);
    let config = ConsentConfig {
        order: vec![CmpName::Cookiebot, CmpName::Onetrust],
        ..ConsentConfig::default()
    };
    let d = run(&config, Some(&both), None, Some("DE"));
    assert_eq!(d.signal, Signal::Cookiebot);
    assert!(!d.swap);
    // an invalid first cookie falls through to the next platform
    let h = format!("OptanonConsent=garbage; {CB_ACCEPT}");
    let d = run(&ConsentConfig::default(), Some(&h), None, Some("DE"));
    assert_eq!(d.signal, Signal::Cookiebot);
    // a platform left out of the order is not read
    let config = ConsentConfig {
        order: vec![CmpName::Cookiebot],
        ..ConsentConfig::default()
    };
    let d = run(&config, Some(OT_ACCEPT), None, Some("DE"));
    assert_eq!(d.signal, Signal::None);
}

#[test]
fn gpc_forces_marketing_off_and_keeps_the_cmp_signal() {
    let d = run(
        &ConsentConfig::default(),
        Some(OT_ACCEPT),
        Some("1"),
        Some("US"),
    );
    assert_eq!(cats(&d), [true, true, true, false]);
    assert_eq!((d.signal, d.gpc, d.swap), (Signal::Onetrust, true, false));
}

#[test]
fn gpc_without_cmp_is_the_signal() {
    let d = run(&ConsentConfig::default(), None, Some("1"), Some("US"));
    assert_eq!(cats(&d), [true, true, true, false]);
    assert_eq!(
        (d.signal, d.gpc, d.regime),
        (Signal::Gpc, true, Regime::OptOut)
    );
    let d = run(&ConsentConfig::default(), None, Some("0, 1"), Some("DE"));
    assert_eq!((d.signal, d.gpc), (Signal::Gpc, true));
}

#[test]
fn gpc_modes() {
    let only_opt_out = ConsentConfig {
        gpc: GpcMode::OptOutOnly,
        ..ConsentConfig::default()
    };
    let d = run(&only_opt_out, Some(OT_ACCEPT), Some("1"), Some("DE"));
    assert!(d.categories.marketing && d.gpc);
    let d = run(&only_opt_out, Some(OT_ACCEPT), Some("1"), Some("US"));
    assert!(!d.categories.marketing);
    let off = ConsentConfig {
        gpc: GpcMode::Off,
        ..ConsentConfig::default()
    };
    let d = run(&off, None, Some("1"), Some("US"));
    assert!(d.categories.marketing && d.gpc);
    assert_eq!(d.signal, Signal::None);
}

#[test]
fn gpc_header_values_other_than_one_are_ignored() {
    for v in ["0", "true", "", "2"] {
        let d = run(&ConsentConfig::default(), None, Some(v), Some("US"));
        assert!(!d.gpc && d.categories.marketing, "{v}");
    }
}

#[test]
fn required_category_controls_swap() {
    let h = "OptanonConsent=groups=C0001%3A1%2CC0002%3A1%2CC0004%3A0";
    let mut config = ConsentConfig::default();
    assert!(!run(&config, Some(h), None, Some("DE")).swap);
    config.required_category = Category::Analytics;
    assert!(run(&config, Some(h), None, Some("DE")).swap);
    config.required_category = Category::Necessary; // Option B: swap for everyone
    assert!(run(&config, None, Some("1"), None).swap);
}

#[test]
fn country_lists() {
    let config = ConsentConfig {
        opt_in_countries: vec!["us".into()],
        opt_out_countries: vec!["CH".into()],
        ..ConsentConfig::default()
    };
    assert_eq!(run(&config, None, None, Some("US")).regime, Regime::OptIn);
    assert_eq!(run(&config, None, None, Some("CH")).regime, Regime::OptOut);
    assert_eq!(run(&config, None, None, Some("CA")).regime, Regime::OptOut);
    let every = ConsentConfig {
        opt_in_countries: vec!["*".into()],
        opt_out_countries: vec!["BR".into()],
        ..ConsentConfig::default()
    };
    assert_eq!(run(&every, None, None, Some("US")).regime, Regime::OptIn);
    assert_eq!(run(&every, None, None, Some("BR")).regime, Regime::OptOut);
}

#[test]
fn declined_and_granted_helpers() {
    let d = run(
        &ConsentConfig::default(),
        Some("OptanonConsent=groups=C0002%3A1%2CC0004%3A0"),
        None,
        Some("DE"),
    );
    assert!(d.granted(Category::Necessary) && d.granted(Category::Analytics));
    assert_eq!(d.declined(), [Category::Functional, Category::Marketing]);
}

#[test]
fn to_json_has_the_spec_shape_and_matches_serde() {
    let d = run(
        &ConsentConfig::default(),
        Some(OT_ACCEPT),
        Some("1"),
        Some("US"),
    );
    assert_eq!(
        d.to_json(),
        r#"{"categories":{"necessary":true,"functional":true,"analytics":true,"marketing":false},"signal":"onetrust","gpc":true,"regime":"opt_out","swap":false}"#
    );
    for d in [
        d,
        run(&ConsentConfig::default(), None, None, None),
        run(&ConsentConfig::default(), None, Some("1"), Some("US")),
        run(
            &ConsentConfig::default(),
            Some("TC_PRIVACY=0@064@ALL@"),
            None,
            Some("DE"),
        ),
    ] {
        assert_eq!(d.to_json(), serde_json::to_string(&d).unwrap());
    }
}

#[test]
fn every_signal_name_serialises_as_documented() {
    let names = [
        (CmpName::TcPrivacy, "tc_privacy"),
        (CmpName::Onetrust, "onetrust"),
        (CmpName::Cookiebot, "cookiebot"),
        (CmpName::Tcf, "tcf"),
        (CmpName::Cookieyes, "cookieyes"),
        (CmpName::Complianz, "complianz"),
        (CmpName::Zaraz, "zaraz"),
        (CmpName::Didomi, "didomi"),
        (CmpName::Axeptio, "axeptio"),
        (CmpName::Klaro, "klaro"),
    ];
    for (name, s) in names {
        assert_eq!(name.as_str(), s);
        assert_eq!(Signal::from(name).as_str(), s);
        assert_eq!(
            serde_json::to_string(&Signal::from(name)).unwrap(),
            format!("\"{s}\"")
        );
        let parsed: CmpName = serde_json::from_str(&format!("\"{s}\"")).unwrap();
        assert_eq!(parsed, name);
    }
    assert_eq!(serde_json::to_string(&Signal::Gpc).unwrap(), "\"gpc\"");
    assert_eq!(serde_json::to_string(&Signal::None).unwrap(), "\"none\"");
}

/// One decision per platform from a real (or documented) cookie, opt-in regime.
#[test]
fn decision_table_one_real_cookie_per_platform() {
    let mut config = ConsentConfig::default();
    config.zaraz.purposes.marketing = vec!["rlae".into()];
    config.didomi.purposes.marketing = vec!["p4em9a8m".into()];
    let didomi = base64_encode(r#"{"purposes":{"enabled":["p4em9a8m"]}}"#);
    let rows: Vec<(String, Signal, [bool; 4])> = vec![
        ("TC_PRIVACY=0@002|12|3441@1%2C3@4@1592900933049@1592900933049".into(), Signal::TcPrivacy, [true, false, true, true]),
        ("TC_PRIVACY=1@012|26|4221@@4@1592900933049@1592900933049".into(), Signal::TcPrivacy, [true, false, false, true]),
        (OT_REJECT.into(), Signal::Onetrust, [true, false, false, false]),
        (CB_ACCEPT.into(), Signal::Cookiebot, [true, true, true, true]),
        ("CookieConsent=-1".into(), Signal::Cookiebot, [true, true, true, true]),
        (format!("didomi_token={didomi}"), Signal::Didomi, [true, false, false, true]),
        ("euconsent-v2=CQbB_cAQbB_cAAHABBENCFFsAP_gAAAAAAAAHXwCAAIAAqABaAFsAUgBZgF5gOvAAAAKSgAwABBd8pABgACC75CADAAEF3x0AGAAILvhIAMAAQXf.f_wAAAAAAAAA".into(), Signal::Tcf, [true, true, true, true]),
        ("cookieyes-consent=consentid:x,consent:no,action:yes,necessary:yes,functional:no,analytics:no,performance:no,advertisement:no".into(), Signal::Cookieyes, [true, false, false, false]),
        ("cmplz_functional=allow; cmplz_marketing=deny; cmplz_preferences=allow; cmplz_statistics=deny".into(), Signal::Complianz, [true, true, false, false]),
        ("axeptio_cookies={%22$$completed%22:true%2C%22google_analytics%22:true%2C%22facebook_pixel%22:false}".into(), Signal::Axeptio, [true, false, true, false]),
        ("klaro=%7B%22google-analytics%22%3Atrue%2C%22google-ads%22%3Atrue%7D".into(), Signal::Klaro, [true, false, true, true]),
        ("cf_consent=%7B%22rlae%22%3Atrue%7D".into(), Signal::Zaraz, [true, false, false, true]),
    ];
    for (cookie, signal, expected) in rows {
        let d = run(&config, Some(&cookie), None, Some("DE"));
        assert_eq!((d.signal, cats(&d)), (signal, expected), "{cookie}");
    }
}

fn base64_encode(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn a_100_kb_cookie_header_is_handled_without_a_signal() {
    let mut h = String::new();
    while h.len() < 100 * 1024 {
        h.push_str("junk_cookie_name=");
        h.push_str(&"v".repeat(200));
        h.push_str("; ");
    }
    let d = run(&ConsentConfig::default(), Some(&h), None, Some("DE"));
    assert_eq!(d.signal, Signal::None);
    h.push_str(OT_ACCEPT);
    let d = run(&ConsentConfig::default(), Some(&h), None, Some("DE"));
    assert_eq!(d.signal, Signal::Onetrust);
}

#[test]
fn config_from_json_reads_every_documented_key() {
    let json = r#"{
        "required_category": "necessary",
        "order": ["cookiebot", "tcf"],
        "gpc": "opt_out_only",
        "opt_in_countries": ["*"],
        "opt_out_countries": ["US"],
        "tc_privacy": {"cookie_name": "TC_PRIVACY", "separator": "@", "categories": {"marketing": [4, 5]}},
        "onetrust": {"cookie_name": "OptanonConsent", "groups": {"marketing": ["C0004"]}, "honor_is_gpc_enabled": true, "awaiting_reconsent_is_absent": true},
        "cookiebot": {"cookie_name": "CookieConsent"},
        "tcf": {"cookie_name": "euconsent-v2", "purposes": {"marketing": [1, 2]}, "vendor_id": 755, "min_policy_version": 4, "max_age_days": 390, "use_publisher_segment": true},
        "cookieyes": {"cookie_name": "cookieyes-consent"},
        "complianz": {"prefix": "cmplz_"},
        "zaraz": {"cookie_name": "cf_consent", "purposes": {"marketing": ["rlae"]}},
        "didomi": {"cookie_name": "didomi_token", "purposes": {"analytics": ["analytics-x"]}},
        "axeptio": {"cookie_name": "axeptio_cookies", "vendors": {"marketing": ["google_ads"]}},
        "klaro": {"cookie_name": "klaro", "services": {"marketing": ["google-ads"]}}
    }"#;
    let c = config_from_json("sites[0].consent", json).unwrap();
    assert_eq!(c.required_category, Category::Necessary);
    assert_eq!(c.order, [CmpName::Cookiebot, CmpName::Tcf]);
    assert_eq!(c.gpc, GpcMode::OptOutOnly);
    assert_eq!(c.tc_privacy.categories.marketing, [4, 5]);
    assert!(c.tc_privacy.categories.necessary.is_empty());
    assert_eq!(c.tcf.vendor_id, Some(755));
    assert!(c.onetrust.awaiting_reconsent_is_absent);
    // an empty object is the default configuration
    assert_eq!(
        config_from_json("c", "{}").unwrap(),
        ConsentConfig::default()
    );
}

#[test]
fn config_typos_and_unknown_platforms_are_errors() {
    for json in [
        r#"{"required_categry": "marketing"}"#,
        r#"{"order": ["onetrust", "usercentrics"]}"#,
        r#"{"gpc": "sometimes"}"#,
        r#"{"tcf": {"vendorid": 1}}"#,
        r#"{"onetrust": {"groups": {"ads": ["C0004"]}}}"#,
        r#"{"required_category": "Marketing"}"#,
    ] {
        let issues = config_from_json("sites[0].consent", json).unwrap_err();
        assert_eq!(issues.len(), 1, "{json}");
        assert_eq!(issues[0].path, "sites[0].consent");
        assert!(issues[0].hint.is_some());
    }
}

#[test]
fn config_validation_reports_full_key_paths() {
    let json = r#"{
        "order": ["onetrust", "tcf", "onetrust"],
        "opt_in_countries": ["USA", "*"],
        "opt_out_countries": ["*", "de"],
        "tc_privacy": {"separator": ""},
        "klaro": {"cookie_name": " "},
        "zaraz": {"purposes": {"analytics": ["a"], "marketing": ["a"]}}
    }"#;
    let issues = config_from_json("sites[1].consent", json).unwrap_err();
    let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "sites[1].consent.order[2]",
            "sites[1].consent.opt_in_countries[0]",
            "sites[1].consent.opt_out_countries[0]",
            "sites[1].consent.tc_privacy.separator",
            "sites[1].consent.zaraz.purposes.marketing[0]",
            "sites[1].consent.klaro.cookie_name",
        ]
    );
    assert!(issues.iter().all(|i| i.hint.is_some()));
}
