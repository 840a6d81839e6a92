//! Arbitrary input thrown at every parser: nothing panics, and the decision keeps its
//! invariants whatever the cookies, headers and country.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use dni_common::Category;
use dni_consent::cmp::{self, tcf::TcString, CmpName};
use dni_consent::{decide, ConsentConfig, ConsentRequest, Regime, Signal};
use proptest::prelude::*;

fn config_with_maps() -> ConsentConfig {
    let mut c = ConsentConfig::default();
    c.zaraz.purposes.marketing = vec!["rlae".into()];
    c.didomi.purposes.marketing = vec!["p".into()];
    c
}

/// Cookie values built from the characters the real formats use, so that the generator
/// reaches deep into the parsers rather than failing at the first byte.
fn cookie_like() -> impl Strategy<Value = String> {
    prop::string::string_regex(r#"[0-9A-Za-z@|,:%{}'"=&_\-.+/ \[\]$;]{0,200}"#).unwrap()
}

fn names() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "TC_PRIVACY",
        "OptanonConsent",
        "CookieConsent",
        "euconsent-v2",
        "cookieyes-consent",
        "cmplz_marketing",
        "cmplz_statistics",
        "cf_consent",
        "didomi_token",
        "axeptio_cookies",
        "klaro",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_parser_survives_arbitrary_headers(header in any::<String>()) {
        let config = config_with_maps();
        for name in CmpName::DEFAULT_ORDER {
            let _ = cmp::parse(name, &config, &header, 0);
        }
    }

    #[test]
    fn every_parser_survives_format_like_values(name in names(), value in cookie_like(), now in any::<i64>()) {
        let config = config_with_maps();
        let header = format!("{name}={value}");
        for cmp_name in CmpName::DEFAULT_ORDER {
            if let Some(v) = cmp::parse(cmp_name, &config, &header, now) {
                prop_assert!(v.is_informative());
            }
        }
    }

    #[test]
    fn tcf_decoder_survives_arbitrary_base64url(s in "[A-Za-z0-9_-]{0,400}(\\.[A-Za-z0-9_-]{0,60}){0,3}") {
        let _ = TcString::decode(&s);
    }

    #[test]
    fn tcf_decoder_survives_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        use base64::Engine;
        let s = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
        let _ = TcString::decode(&s);
        // and with a valid version in front, so the decoder goes past the header
        let mut v2 = vec![0b0000_1000u8];
        v2.extend_from_slice(&bytes);
        let s = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&v2);
        let _ = TcString::decode(&s);
    }

    #[test]
    fn decision_invariants_hold(
        header in prop::option::of(any::<String>()),
        gpc in prop::option::of(any::<String>()),
        country in prop::option::of(any::<String>()),
        now in any::<i64>(),
    ) {
        let config = config_with_maps();
        let d = decide(&config, &ConsentRequest {
            cookie_header: header.as_deref(),
            sec_gpc: gpc.as_deref(),
            country: country.as_deref(),
            now_ms: now,
        });
        prop_assert!(d.categories.necessary);
        prop_assert_eq!(d.swap, d.granted(config.required_category));
        if d.gpc {
            prop_assert!(!d.categories.marketing);
        }
        if d.signal == Signal::None {
            let open = d.regime == Regime::OptOut;
            for c in [Category::Functional, Category::Analytics, Category::Marketing] {
                prop_assert_eq!(d.granted(c), open);
            }
        }
        let json: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
        prop_assert_eq!(json["swap"].as_bool(), Some(d.swap));
    }
}
