//! The decision end to end: regimes, conflicts between platforms, the US privacy
//! precedence, GPC, the JSON shape and the configuration surface.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dni_common::Category;
use dni_consent::{
    config_from_json, decide, CmpName, ConsentConfig, ConsentRequest, Decision, GpcMode, Regime,
    Signal, SignalStatus,
};

const NOW: i64 = 1_764_547_200_000; // 2025-12-01

fn run(
    config: &ConsentConfig,
    cookies: Option<&str>,
    gpc: Option<&str>,
    country: Option<&str>,
) -> Decision {
    run_in(config, cookies, gpc, country, None)
}

fn run_in(
    config: &ConsentConfig,
    cookies: Option<&str>,
    gpc: Option<&str>,
    country: Option<&str>,
    region: Option<&str>,
) -> Decision {
    decide(
        config,
        &ConsentRequest {
            cookie_header: cookies,
            sec_gpc: gpc,
            country,
            region,
            now_ms: NOW,
        },
    )
}

fn cmp(name: CmpName) -> Signal {
    Signal::Cmp(name)
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
    assert_eq!(d.signal, cmp(CmpName::Onetrust));
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

/// Issue 14: a stale grant from one CMP must not override a current refusal from another.
#[test]
fn on_conflicts_the_most_restrictive_answer_wins_per_category() {
    let both = format!("{CB_REJECT}; {OT_ACCEPT}");
    for country in ["DE", "US"] {
        let d = run(&ConsentConfig::default(), Some(&both), None, Some(country));
        assert_eq!(cats(&d), [true, false, false, false], "{country}");
        assert_eq!(d.signal, cmp(CmpName::Cookiebot), "{country}");
        assert!(!d.swap);
    }
    // a platform silent on a category does not vote: OneTrust states marketing only,
    // Complianz statistics only
    let h = "OptanonConsent=groups=C0001%3A1%2CC0004%3A1; cmplz_statistics=deny";
    let d = run(&ConsentConfig::default(), Some(h), None, Some("DE"));
    assert_eq!(cats(&d), [true, false, false, true]);
    assert_eq!(d.signal, cmp(CmpName::Onetrust));
    // an invalid cookie of one platform leaves the other's answer
    let h = format!("OptanonConsent=garbage; {CB_ACCEPT}");
    let d = run(&ConsentConfig::default(), Some(&h), None, Some("DE"));
    assert_eq!(d.signal, cmp(CmpName::Cookiebot));
    assert!(d.swap);
    // a platform left out of `order` is not read
    let config = ConsentConfig {
        order: vec![CmpName::Cookiebot],
        ..ConsentConfig::default()
    };
    let d = run(&config, Some(OT_ACCEPT), None, Some("DE"));
    assert_eq!(d.signal, Signal::None);
    assert!(d.signals.is_empty());
}

#[test]
fn a_primary_platform_takes_precedence_for_what_it_states() {
    let both = format!("{CB_REJECT}; {OT_ACCEPT}");
    let config = ConsentConfig {
        primary: Some(CmpName::Onetrust),
        ..ConsentConfig::default()
    };
    let d = run(&config, Some(&both), None, Some("DE"));
    assert_eq!(cats(&d), [true, true, true, true]);
    assert_eq!(d.signal, cmp(CmpName::Onetrust));
    // the primary silent on a category: the others fill it in
    let h = format!("OptanonConsent=groups=C0004%3A1; {CB_REJECT}");
    let d = run(&config, Some(&h), None, Some("DE"));
    assert_eq!(cats(&d), [true, false, false, true]);
    assert_eq!(d.signal, cmp(CmpName::Onetrust));
    // the primary silent on the required category: the others decide it and are named
    let config = ConsentConfig {
        primary: Some(CmpName::Onetrust),
        required_category: Category::Analytics,
        ..ConsentConfig::default()
    };
    let d = run(&config, Some(&h), None, Some("DE"));
    assert_eq!(d.signal, cmp(CmpName::Cookiebot));
    assert!(!d.swap);
    // a primary without a cookie changes nothing
    let d = run(&config, Some(CB_ACCEPT), None, Some("DE"));
    assert_eq!(d.signal, cmp(CmpName::Cookiebot));
    assert!(d.swap);
}

#[test]
fn the_deciding_signal_is_the_first_in_order_with_the_final_answer() {
    // both grant: the first in order (onetrust before cookiebot) is named
    let both = format!("{CB_ACCEPT}; {OT_ACCEPT}");
    let d = run(&ConsentConfig::default(), Some(&both), None, Some("DE"));
    assert_eq!(d.signal, cmp(CmpName::Onetrust));
    let decided: Vec<_> = d
        .signals
        .iter()
        .filter(|s| s.decided)
        .map(|s| s.name)
        .collect();
    assert_eq!(decided, [CmpName::Onetrust]);
    let config = ConsentConfig {
        order: vec![CmpName::Cookiebot, CmpName::Onetrust],
        ..ConsentConfig::default()
    };
    let d = run(&config, Some(&both), None, Some("DE"));
    assert_eq!(d.signal, cmp(CmpName::Cookiebot));
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
    assert_eq!(
        (d.signal, d.gpc, d.swap),
        (cmp(CmpName::Onetrust), true, false)
    );
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
        r#"{"categories":{"necessary":true,"functional":true,"analytics":true,"marketing":false},"signal":"onetrust","gpc":true,"regime":"opt_out","swap":false,"country":"US","region":null,"signals":[{"name":"onetrust","cookie":"OptanonConsent","status":"verdict","decided":true}]}"#
    );
    // malformed and ignored reads carry their reason, GPP reads their section; never a value
    let h = "euconsent-v2=CQGiOUAQ; __gpp=DBABLA~BVQVAAAAAgA.QA; TC_PRIVACY=0@001@1@@1,2,3";
    let d = run_in(
        &ConsentConfig::default(),
        Some(h),
        None,
        Some("us"),
        Some("ny"),
    );
    assert_eq!(
        d.to_json(),
        r#"{"categories":{"necessary":true,"functional":true,"analytics":true,"marketing":false},"signal":"gpp","gpc":false,"regime":"opt_out","swap":false,"country":"US","region":"NY","signals":[{"name":"tc_privacy","cookie":"TC_PRIVACY","status":"ignored","reason":"expired","decided":false},{"name":"tcf","cookie":"euconsent-v2","status":"malformed","reason":"TC string ends inside a field","decided":false},{"name":"gpp","cookie":"__gpp","status":"verdict","section":"usnat","decided":true}]}"#
    );
    assert!(!d.to_json().contains("CQGiOUAQ"));
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
        "tc_privacy",
        "onetrust",
        "cookiebot",
        "didomi",
        "tcf",
        "cookieyes",
        "complianz",
        "axeptio",
        "klaro",
        "zaraz",
        "trustarc",
        "iubenda",
        "osano",
        "borlabs",
        "cookiescript",
        "termly",
        "tealium",
        "tarteaucitron",
        "cookiefirst",
        "ketch",
        "funding_choices",
        "gpp",
        "usp",
    ];
    assert_eq!(CmpName::DEFAULT_ORDER.len(), names.len());
    for (name, s) in CmpName::DEFAULT_ORDER.into_iter().zip(names) {
        assert_eq!(name.as_str(), s);
        assert_eq!(Signal::from(name).as_str(), s);
        assert_eq!(serde_json::to_string(&name).unwrap(), format!("\"{s}\""));
        assert_eq!(
            serde_json::to_string(&Signal::from(name)).unwrap(),
            format!("\"{s}\"")
        );
        let parsed: CmpName = serde_json::from_str(&format!("\"{s}\"")).unwrap();
        assert_eq!(parsed, name);
    }
    assert_eq!(serde_json::to_string(&Signal::Gpc).unwrap(), "\"gpc\"");
    assert_eq!(serde_json::to_string(&Signal::None).unwrap(), "\"none\"");
    assert_eq!(Signal::Gpc.as_str(), "gpc");
    assert_eq!(Signal::None.as_str(), "none");
}

/// One decision per platform from a real (or documented) cookie, opt-in regime.
#[test]
fn decision_table_one_real_cookie_per_platform() {
    let mut config = ConsentConfig::default();
    config.zaraz.purposes.marketing = vec!["rlae".into()];
    config.didomi.purposes.marketing = vec!["p4em9a8m".into()];
    let didomi = base64_encode(r#"{"purposes":{"enabled":["p4em9a8m"]}}"#);
    let rows: Vec<(String, Signal, [bool; 4])> = vec![
        ("TC_PRIVACY=0@002|12|3441@1%2C3@4@1592900933049@1592900933049".into(), cmp(CmpName::TcPrivacy), [true, false, true, true]),
        ("TC_PRIVACY=1@012|26|4221@@4@1592900933049@1592900933049".into(), cmp(CmpName::TcPrivacy), [true, false, false, true]),
        (OT_REJECT.into(), cmp(CmpName::Onetrust), [true, false, false, false]),
        (CB_ACCEPT.into(), cmp(CmpName::Cookiebot), [true, true, true, true]),
        ("CookieConsent=-1".into(), cmp(CmpName::Cookiebot), [true, true, true, true]),
        (format!("didomi_token={didomi}"), cmp(CmpName::Didomi), [true, false, false, true]),
        ("euconsent-v2=CQbB_cAQbB_cAAHABBENCFFsAP_gAAAAAAAAHXwCAAIAAqABaAFsAUgBZgF5gOvAAAAKSgAwABBd8pABgACC75CADAAEF3x0AGAAILvhIAMAAQXf.f_wAAAAAAAAA".into(), cmp(CmpName::Tcf), [true, true, true, true]),
        ("cookieyes-consent=consentid:x,consent:no,action:yes,necessary:yes,functional:no,analytics:no,performance:no,advertisement:no".into(), cmp(CmpName::Cookieyes), [true, false, false, false]),
        ("cmplz_functional=allow; cmplz_marketing=deny; cmplz_preferences=allow; cmplz_statistics=deny".into(), cmp(CmpName::Complianz), [true, true, false, false]),
        ("axeptio_cookies={%22$$completed%22:true%2C%22google_analytics%22:true%2C%22facebook_pixel%22:false}".into(), cmp(CmpName::Axeptio), [true, false, true, false]),
        ("klaro=%7B%22google-analytics%22%3Atrue%2C%22google-ads%22%3Atrue%7D".into(), cmp(CmpName::Klaro), [true, false, true, true]),
        ("cf_consent=%7B%22rlae%22%3Atrue%7D".into(), cmp(CmpName::Zaraz), [true, false, false, true]),
        ("notice_gdpr_prefs=0,1,2:; cmapi_cookie_privacy=permit 1,2,3".into(), cmp(CmpName::Trustarc), [true, true, true, true]),
        ("_iub_cs-50053366=%7B%22timestamp%22%3A%222025-02-05T15%3A40%3A00.391Z%22%2C%22version%22%3A%221.75.1%22%2C%22purposes%22%3A%7B%221%22%3Atrue%2C%223%22%3Atrue%2C%224%22%3Atrue%7D%2C%22id%22%3A50053366%2C%22cons%22%3A%7B%22rand%22%3A%22157518%22%7D%7D".into(), cmp(CmpName::Iubenda), [true, false, true, false]),
        ("osano_consent=%7B%22ANALYTICS%22%3A%22ACCEPT%22%2C%22MARKETING%22%3A%22DENY%22%2C%22PERSONALIZATION%22%3A%22ACCEPT%22%2C%22ESSENTIAL%22%3A%22ACCEPT%22%7D".into(), cmp(CmpName::Osano), [true, true, true, false]),
        ("borlabs-cookie=%7B%22consents%22%3A%7B%22essential%22%3A%5B%22borlabs-cookie%22%5D%2C%22statistics%22%3A%5B%22google-analytics%22%5D%2C%22marketing%22%3A%5B%22google-adsense%22%2C%22facebook-pixel%22%5D%7D%7D".into(), cmp(CmpName::Borlabs), [true, false, true, true]),
        ("CookieScriptConsent=%7B%22bannershown%22%3A1%2C%22action%22%3A%22accept%22%2C%22consenttime%22%3A1759848972%2C%22categories%22%3A%22%5B%5C%22functionality%5C%22%2C%5C%22targeting%5C%22%2C%5C%22performance%5C%22%5D%22%7D".into(), cmp(CmpName::Cookiescript), [true, true, true, true]),
        ("termly_consent=%7B%22essential%22%3Atrue%2C%22performance%22%3Atrue%2C%22analytics%22%3Afalse%2C%22advertising%22%3Afalse%7D".into(), cmp(CmpName::Termly), [true, true, false, false]),
        ("CONSENTMGR=consent:true%7Cts:1678332400820%7Cc1:1%7Cc3:0%7Cc5:1%7Cc6:1%7Cc7:0%7Cc8:1%7Cc9:1".into(), cmp(CmpName::Tealium), [true, false, true, false]),
        ("tarteaucitron=!analytics=true!gtag=true".into(), cmp(CmpName::Tarteaucitron), [true, false, true, false]),
        ("cookiefirst-consent=%7B%22necessary%22%3Atrue%2C%22performance%22%3Afalse%2C%22functional%22%3Afalse%2C%22advertising%22%3Afalse%2C%22timestamp%22%3A1726706511%2C%22type%22%3A%22category%22%2C%22version%22%3A%22286ec2df-e5c4-4a7c-bcf5-9ef6ebc050df%22%7D".into(), cmp(CmpName::Cookiefirst), [true, false, false, false]),
        ("_ketch_consent_v1_=eyJhbmFseXRpY3MiOnsic3RhdHVzIjoiZ3JhbnRlZCIsImNhbm9uaWNhbFB1cnBvc2VzIjpbImFuYWx5dGljcyJdfSwiYmVoYXZpb3JhbF9hZHZlcnRpc2luZyI6eyJzdGF0dXMiOiJncmFudGVkIiwiY2Fub25pY2FsUHVycG9zZXMiOlsiYmVoYXZpb3JhbF9hZHZlcnRpc2luZyJdfSwiZXNzZW50aWFsX3NlcnZpY2VzIjp7InN0YXR1cyI6ImdyYW50ZWQiLCJjYW5vbmljYWxQdXJwb3NlcyI6WyJlc3NlbnRpYWxfc2VydmljZXMiXX19".into(), cmp(CmpName::Ketch), [true, false, true, true]),
        (format!("FCCDCF=%5Bnull%2Cnull%2Cnull%2C%5B%22{FC_TC}%22%2C%222~2072.70~dv.%22%2C%2293F3F4AF-7190-4BE3-8FDC-BFC6D18FD6EA%22%5D%5D"), cmp(CmpName::FundingChoices), [true, true, true, true]),
        ("OTGPPConsent=DBABLA~BVQVAAAAAgA.QA".into(), cmp(CmpName::Gpp), [true, false, false, false]),
        ("us_privacy=1YYN".into(), cmp(CmpName::Usp), [true, false, false, false]),
    ];
    config.tcf.max_age_days = 0; // the Funding Choices string is from 2024
    for (cookie, signal, expected) in rows {
        let d = run(&config, Some(&cookie), None, Some("DE"));
        assert_eq!((d.signal, cats(&d)), (signal, expected), "{cookie}");
    }
}

/// The TC string of a csdn.net visitor's `FCCDCF` (Google CMP 300, 2024-05-04, every
/// purpose consented), from a Cookie header captured in public code.
const FC_TC: &str = "CP-FskAP-FskAEsACBENAzEoAP_gAEPgAARoINJB7D7FbSFCwH5zaLsAMAhHRsCAQoQAAASBAmABQAKQIAQCgkAQFASgBAACAAAAICZBIQIECAAACUAAQAAAAAAEAAAAAAAIIAAAgAEAAAAIAAACAAAAEAAIAAAAEAAAmAgAAIIACAAAhAAAAAAAAAAAAAAAAgAAAAAAAAAAAAAAAAAAAQOhQD2F2K2kKFkPCmQWYAQBCijYEAhQAAAAkCBIAAgAUgQAgFIIAgAIFAAAAAAAAAQEgCQAAQABAAAIACgAAAAAAIAAAAAAAQQAAAAAIAAAAAAAAEAAAAAAAQAAAAIAABEhCAAQQAEAAAAAAAQAAAAAAAAAAABAAA";

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
    assert_eq!(d.signal, cmp(CmpName::Onetrust));
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
        "klaro": {"cookie_name": "klaro", "services": {"marketing": ["google-ads"]}},
        "primary": "cookiebot",
        "opt_in_regions": ["US-CA"],
        "opt_out_regions": ["FR-75"],
        "trustarc": {"gdpr_prefs_cookie": "notice_gdpr_prefs", "cmapi_cookie": "cmapi_cookie_privacy", "levels": {"marketing": [2]}},
        "iubenda": {"prefix": "_iub_cs-", "purposes": {"marketing": [5]}},
        "osano": {"cookie_name": "osano_consentmanager", "bridge_cookie_name": "osano_consent"},
        "borlabs": {"cookie_name": "borlabs-cookie", "groups": {"marketing": ["marketing"]}},
        "cookiescript": {"cookie_name": "CookieScriptConsent"},
        "termly": {"cookie_name": "termly_consent", "categories": {"marketing": ["advertising"]}},
        "tealium": {"cookie_name": "CONSENTMGR", "categories": {"marketing": [3]}},
        "tarteaucitron": {"cookie_name": "tarteaucitron", "services": {"marketing": ["facebookpixel"]}},
        "cookiefirst": {"cookie_name": "cookiefirst-consent"},
        "ketch": {"cookie_name": "_ketch_consent_v1_", "purposes": {"marketing": ["behavioral_advertising"]}},
        "funding_choices": {"cookie_name": "FCCDCF"},
        "gpp": {"cookie_names": ["__gpp"], "sid_cookie_name": "__gpp_sid", "honor_gpc_subsection": false},
        "usp": {"cookie_names": ["us_privacy"]}
    }"#;
    let c = config_from_json("sites[0].consent", json).unwrap();
    assert_eq!(c.required_category, Category::Necessary);
    assert_eq!(c.order, [CmpName::Cookiebot, CmpName::Tcf]);
    assert_eq!(c.gpc, GpcMode::OptOutOnly);
    assert_eq!(c.tc_privacy.categories.marketing, [4, 5]);
    assert!(c.tc_privacy.categories.necessary.is_empty());
    assert_eq!(c.tcf.vendor_id, Some(755));
    assert!(c.onetrust.awaiting_reconsent_is_absent);
    assert_eq!(c.tcf.cookie_names, ["euconsent-v2"]);
    assert_eq!(c.primary, Some(CmpName::Cookiebot));
    assert_eq!(c.opt_in_regions, ["US-CA"]);
    assert!(!c.gpp.honor_gpc_subsection);
    assert_eq!(c.tealium.categories.marketing, [3]);
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

/// Issue 14: a GPP string or a `us_privacy` value recording an opt-out turns marketing off
/// in an opt-out region, where "no signal" used to leave it on.
#[test]
fn us_privacy_signals_turn_marketing_off() {
    for h in [
        "__gpp=DBABLA~BVQVAAAAAgA.QA; __gpp_sid=7",
        "OTGPPConsent=DBABLA~BVQVAAAAAgA.QA",
        "us_privacy=1YYN",
        "usprivacy=1yyn",
    ] {
        let d = run_in(
            &ConsentConfig::default(),
            Some(h),
            None,
            Some("US"),
            Some("CA"),
        );
        assert_eq!(cats(&d), [true, true, true, false], "{h}");
        assert!(!d.swap, "{h}");
    }
    let d = run(
        &ConsentConfig::default(),
        Some("us_privacy=1---"),
        None,
        Some("US"),
    );
    assert_eq!(d.signal, Signal::None);
    assert!(d.swap);
    assert_eq!(d.signals[0].status, SignalStatus::Silent);
}

#[test]
fn state_section_beats_usnat_which_beats_usp() {
    // usnat (no opt-out) and usca (opted out of sale and sharing), real sections (see
    // cmp::gpp's tests); `DBABrw` is the header of [7, 8]
    let gpp = "__gpp=DBABrw~BVQqAAAACgA.QA~BUUAAAGA.QA";
    let d = run_in(
        &ConsentConfig::default(),
        Some(gpp),
        None,
        Some("US"),
        Some("CA"),
    );
    assert!(!d.categories.marketing);
    assert_eq!(d.signals[0].section, Some("usca"));
    let d = run_in(
        &ConsentConfig::default(),
        Some(gpp),
        None,
        Some("US"),
        Some("TX"),
    );
    assert!(d.categories.marketing);
    assert_eq!(d.signals[0].section, Some("usnat"));
    // usnat wins over USP: the opt-out in us_privacy is superseded
    let h = "OTGPPConsent=DBABLA~BVQqAAAACgA.QA; us_privacy=1YYN";
    let d = run_in(
        &ConsentConfig::default(),
        Some(h),
        None,
        Some("US"),
        Some("NY"),
    );
    assert!(d.categories.marketing);
    assert_eq!(d.signal, cmp(CmpName::Gpp));
    let usp = d.signals.iter().find(|s| s.name == CmpName::Usp).unwrap();
    assert_eq!(usp.status, SignalStatus::Ignored);
    assert_eq!(usp.reason, Some("superseded by a GPP US section"));
    // a usnat section saying nothing (every field not applicable) does not supersede USP
    let h = "OTGPPConsent=DBABLA~BAAAAAAAAgA.QA; us_privacy=1YYN";
    let d = run_in(
        &ConsentConfig::default(),
        Some(h),
        None,
        Some("US"),
        Some("NY"),
    );
    assert_eq!(
        (d.categories.marketing, d.signal),
        (false, cmp(CmpName::Usp))
    );
    // without a US section, USP decides
    let h = "us_privacy=1YYN; __gpp=DBABMA~CQbB_cAQbB_cAAHABBENCFFsAP_gAAAAAAAAHXwCAAIAAqABaAFsAUgBZgF5gOvAAAAKSgAwABBd8pABgACC75CADAAEF3x0AGAAILvhIAMAAQXf.f_wAAAAAAAAA";
    let d = run_in(
        &ConsentConfig::default(),
        Some(h),
        None,
        Some("US"),
        Some("NY"),
    );
    assert!(!d.categories.marketing);
}

#[test]
fn gpc_is_honoured_everywhere_by_default() {
    for (country, region) in [
        ("US", Some("CA")),
        ("US", Some("TX")),
        ("DE", None),
        ("BR", None),
    ] {
        let d = run_in(
            &ConsentConfig::default(),
            None,
            Some("1"),
            Some(country),
            region,
        );
        assert!(!d.categories.marketing, "{country}");
        assert_eq!(d.signal, Signal::Gpc);
    }
}

#[test]
fn regimes_per_state_and_the_report_of_country_and_state() {
    let config = ConsentConfig {
        opt_in_regions: vec!["US-CA".into()],
        ..ConsentConfig::default()
    };
    let d = run_in(&config, None, None, Some("US"), Some("CA"));
    assert_eq!((d.regime, d.swap), (Regime::OptIn, false));
    assert_eq!(
        (d.country.as_deref(), d.region.as_deref()),
        (Some("US"), Some("CA"))
    );
    let d = run_in(&config, None, None, Some("US"), Some("NV"));
    assert_eq!((d.regime, d.swap), (Regime::OptOut, true));
    let d = run_in(&config, None, None, Some("US"), None);
    assert_eq!(d.regime, Regime::OptOut);
    assert_eq!(d.region, None);
    let d = run_in(&config, None, None, Some("XX"), Some("CA"));
    assert_eq!((d.regime, d.country.as_deref()), (Regime::OptIn, None));
}

#[test]
fn gdpr_territories_and_crown_dependencies_are_opt_in() {
    for c in [
        "RE", "GP", "MQ", "GF", "YT", "MF", "BL", "PM", "AX", "GI", "JE", "GG", "IM",
    ] {
        let d = run(&ConsentConfig::default(), None, None, Some(c));
        assert_eq!(d.regime, Regime::OptIn, "{c}");
    }
}

/// Issue 14 item 8: a TC string consenting to purpose 1 only does not grant marketing.
#[test]
fn tcf_purpose_one_alone_does_not_grant_marketing() {
    // a real Cookiebot TC string (`iab2`, 2024-05-14, policy 4) consents to no purpose;
    // the decision with the Didomi accept-all string needs 1 and 7 (see cmp::tcf tests)
    let h = "euconsent-v2=CP-mp8AP-mp8ACGABBENAzEgAAAAAEPgAAAAAAAUVALMNCogDrAkJYAAAAAAAAAAA";
    let mut config = ConsentConfig::default();
    config.tcf.max_age_days = 0;
    let d = run(&config, Some(h), None, Some("DE"));
    assert_eq!(cats(&d), [true, false, false, false]);
    assert_eq!(config.tcf.purposes.marketing, [1, 7]);
}

#[test]
fn every_read_is_reported_and_malformed_ones_listed_for_the_log() {
    let h = format!("euconsent-v2=garbage!; {OT_ACCEPT}; cookieyes-consent=x; us_privacy=1YNN");
    let d = run(&ConsentConfig::default(), Some(&h), None, Some("DE"));
    let statuses: Vec<_> = d.signals.iter().map(|s| (s.name, s.status)).collect();
    assert_eq!(
        statuses,
        [
            (CmpName::Onetrust, SignalStatus::Verdict),
            (CmpName::Tcf, SignalStatus::Malformed),
            (CmpName::Cookieyes, SignalStatus::Malformed),
            (CmpName::Usp, SignalStatus::Silent),
        ]
    );
    let malformed: Vec<_> = d.malformed().map(|m| (m.cmp, m.cookie, m.reason)).collect();
    assert_eq!(
        malformed,
        [
            (CmpName::Tcf, "euconsent-v2", "TC string is not base64url"),
            (
                CmpName::Cookieyes,
                "cookieyes-consent",
                "an item is not key:value"
            ),
        ]
    );
    assert!(d.swap);
}

#[test]
fn each_section_validation_is_reported_with_its_path() {
    let json = r#"{
        "tc_privacy": {"cookie_name": ""},
        "onetrust": {"cookie_name": ""},
        "cookiebot": {"cookie_name": ""},
        "tcf": {"cookie_names": [""]},
        "cookieyes": {"cookie_name": ""},
        "complianz": {"prefix": ""},
        "zaraz": {"cookie_name": ""},
        "didomi": {"cookie_name": ""},
        "axeptio": {"cookie_name": ""},
        "klaro": {"cookie_name": ""},
        "trustarc": {"cmapi_cookie": ""},
        "iubenda": {"prefix": ""},
        "osano": {"cookie_name": ""},
        "borlabs": {"cookie_name": ""},
        "cookiescript": {"cookie_name": ""},
        "termly": {"cookie_name": ""},
        "tealium": {"cookie_name": ""},
        "tarteaucitron": {"cookie_name": ""},
        "cookiefirst": {"cookie_name": ""},
        "ketch": {"cookie_name": ""},
        "funding_choices": {"cookie_name": ""},
        "gpp": {"sid_cookie_name": ""},
        "usp": {"cookie_names": [""]}
    }"#;
    let issues = config_from_json("s", json).unwrap_err();
    let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "s.tc_privacy.cookie_name",
            "s.onetrust.cookie_name",
            "s.cookiebot.cookie_name",
            "s.tcf.cookie_names[0]",
            "s.cookieyes.cookie_name",
            "s.complianz.prefix",
            "s.zaraz.cookie_name",
            "s.didomi.cookie_name",
            "s.axeptio.cookie_name",
            "s.klaro.cookie_name",
            "s.trustarc.cmapi_cookie",
            "s.iubenda.prefix",
            "s.osano.cookie_name",
            "s.borlabs.cookie_name",
            "s.cookiescript.cookie_name",
            "s.termly.cookie_name",
            "s.tealium.cookie_name",
            "s.tarteaucitron.cookie_name",
            "s.cookiefirst.cookie_name",
            "s.ketch.cookie_name",
            "s.funding_choices.cookie_name",
            "s.gpp.sid_cookie_name",
            "s.usp.cookie_names[0]",
        ]
    );
    assert!(issues.iter().all(|i| i.hint.is_some()));
    // names that cannot be cookie names (RFC 6265) are reported too
    let issues = config_from_json(
        "s",
        r#"{"cookieyes": {"cookie_name": "cookie yes"}, "gpp": {"cookie_names": ["__gpp", "a;b"]}}"#,
    )
    .unwrap_err();
    let found: Vec<_> = issues
        .iter()
        .map(|i| {
            (
                i.path.as_str(),
                i.message.contains("cannot appear in a cookie name"),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("s.cookieyes.cookie_name", true),
            ("s.gpp.cookie_names[1]", true)
        ]
    );
    // and the id maps
    let json = r#"{
        "onetrust": {"groups": {"analytics": ["x"], "marketing": ["x"]}},
        "klaro": {"services": {"marketing": [""]}},
        "axeptio": {"vendors": {"marketing": [""]}},
        "didomi": {"purposes": {"marketing": [""]}},
        "borlabs": {"groups": {"marketing": [""]}},
        "termly": {"categories": {"marketing": [""]}},
        "tarteaucitron": {"services": {"marketing": [""]}},
        "ketch": {"purposes": {"marketing": [""]}}
    }"#;
    let issues = config_from_json("s", json).unwrap_err();
    let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "s.onetrust.groups.marketing[0]",
            "s.didomi.purposes.marketing[0]",
            "s.axeptio.vendors.marketing[0]",
            "s.klaro.services.marketing[0]",
            "s.borlabs.groups.marketing[0]",
            "s.termly.categories.marketing[0]",
            "s.tarteaucitron.services.marketing[0]",
            "s.ketch.purposes.marketing[0]",
        ]
    );
}
