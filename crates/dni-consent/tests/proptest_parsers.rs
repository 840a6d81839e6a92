//! Arbitrary input thrown at every reader and decoder: nothing panics, bad input is an
//! error value (a malformed read, never a verdict from garbage), and the decision keeps its
//! invariants whatever the cookies, headers, country and state.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine;
use dni_common::Category;
use dni_consent::bits::{base64url_from_bits, fibonacci_bits};
use dni_consent::cmp::gpp_string::{parse_sid, GppString};
use dni_consent::cmp::tcf::TcString;
use dni_consent::cmp::usp::UspString;
use dni_consent::cmp::{CmpName, Outcome, ReadContext};
use dni_consent::cookie_value::Jar;
use dni_consent::{decide, read, ConsentConfig, ConsentRequest, Location, Regime, Signal};
use proptest::prelude::*;

fn config_with_maps() -> ConsentConfig {
    let mut c = ConsentConfig::default();
    c.zaraz.purposes.marketing = vec!["rlae".into()];
    c.didomi.purposes.marketing = vec!["p".into()];
    c
}

/// Cookie values built from the characters the real formats use, so that the generator
/// reaches deep into the readers rather than failing at the first byte.
fn cookie_like() -> impl Strategy<Value = String> {
    prop::string::string_regex(r#"[0-9A-Za-z@|,:%{}'"=&_\-.+/ \[\]$;~!\\]{0,300}"#).unwrap()
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
        "notice_gdpr_prefs",
        "cmapi_cookie_privacy",
        "_iub_cs-123",
        "_iub_cs-123-uspr",
        "osano_consent",
        "osano_consentmanager",
        "borlabs-cookie",
        "CookieScriptConsent",
        "termly_consent",
        "CONSENTMGR",
        "tarteaucitron",
        "cookiefirst-consent",
        "_ketch_consent_v1_",
        "FCCDCF",
        "__gpp",
        "__gpp_sid",
        "OTGPPConsent",
        "us_privacy",
        "usprivacy",
    ])
}

fn ctx(now: i64, regime: Regime) -> ReadContext {
    ReadContext {
        now_ms: now,
        location: Location::new(Some("US"), Some("CA")),
        regime,
    }
}

/// Every reader over one header: verdicts must state something, malformed reads must give
/// a reason, and nothing panics.
fn read_everything(
    config: &ConsentConfig,
    header: &str,
    c: &ReadContext,
) -> Result<(), TestCaseError> {
    let jar = Jar::parse(header);
    for name in CmpName::DEFAULT_ORDER {
        let mut out = Vec::new();
        read::read(name, config, &jar, c, &mut out);
        for r in out {
            match r.outcome {
                Outcome::Verdict(v) => prop_assert!(v.is_informative()),
                Outcome::Malformed(reason) | Outcome::Ignored(reason) => {
                    prop_assert!(!reason.is_empty())
                }
                Outcome::Silent => {}
            }
        }
    }
    Ok(())
}

/// A GPP header (sections chosen among the known ids and a few unknown ones) as the
/// reference encoder writes it: ids as Fibonacci-coded deltas, single entries only.
fn gpp_header(ids: &[u16]) -> String {
    let mut bits = String::from("000011000001");
    bits.push_str(&format!("{:012b}", ids.len()));
    let mut prev = 0u16;
    for &id in ids {
        bits.push('0');
        bits.push_str(&fibonacci_bits(u64::from(id - prev)));
        prev = id;
    }
    base64url_from_bits(&bits)
}

/// 512 cases per property, or `PROPTEST_CASES` (mutation runs use fewer).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn every_reader_survives_arbitrary_headers(header in any::<String>(), now in any::<i64>()) {
        let config = config_with_maps();
        read_everything(&config, &header, &ctx(now, Regime::OptOut))?;
    }

    #[test]
    fn every_reader_survives_format_like_values(
        cookies in prop::collection::vec((names(), cookie_like()), 1..4),
        now in any::<i64>(),
        opt_in in any::<bool>(),
    ) {
        let config = config_with_maps();
        let header: Vec<String> = cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
        let regime = if opt_in { Regime::OptIn } else { Regime::OptOut };
        read_everything(&config, &header.join("; "), &ctx(now, regime))?;
    }

    #[test]
    fn tcf_decoder_survives_arbitrary_base64url(s in "[A-Za-z0-9_-]{0,400}(\\.[A-Za-z0-9_-]{0,60}){0,3}") {
        let _ = TcString::decode(&s);
    }

    #[test]
    fn tcf_decoder_survives_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let s = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
        let _ = TcString::decode(&s);
        // and with a valid version in front, so the decoder goes past the header
        let mut v2 = vec![0b0000_1000u8];
        v2.extend_from_slice(&bytes);
        let s = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&v2);
        let _ = TcString::decode(&s);
    }

    /// Truncated or garbage sections after a valid header, unknown ids, any section count.
    #[test]
    fn gpp_decoder_survives_garbage_sections(
        ids in prop::collection::btree_set(1u16..40, 0..6),
        sections in prop::collection::vec("[A-Za-z0-9_.-]{0,40}", 0..7),
    ) {
        let ids: Vec<u16> = ids.into_iter().collect();
        let s = format!("{}~{}", gpp_header(&ids), sections.join("~"));
        match GppString::decode(&s) {
            Ok(g) => {
                prop_assert_eq!(&g.section_ids, &ids);
                prop_assert_eq!(g.sections.len(), ids.len());
            }
            Err(e) => prop_assert!(!e.reason().is_empty()),
        }
    }

    /// Arbitrary bits as a header: huge section counts and ranges are refused, not expanded.
    #[test]
    fn gpp_headers_of_arbitrary_bits(bytes in prop::collection::vec(any::<u8>(), 0..200), tail in "[~A-Za-z0-9._-]{0,60}") {
        let mut b = vec![0b0000_1100u8, 0b0001_0000]; // type 3, version 1, then anything
        b.extend_from_slice(&bytes);
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&b);
        if let Ok(g) = GppString::decode(&format!("{header}{tail}")) {
            prop_assert!(g.section_ids.len() <= dni_consent::cmp::gpp_string::MAX_SECTIONS);
        }
    }

    #[test]
    fn sid_and_usp_parsers_never_panic(s in any::<String>()) {
        if let Ok(ids) = parse_sid(&s) {
            prop_assert!(!ids.is_empty() && ids.len() <= dni_consent::cmp::gpp_string::MAX_SECTIONS);
        }
        if let Ok(u) = UspString::parse(&s) {
            prop_assert_eq!(u.version, 1);
            prop_assert_eq!(s.trim().len(), 4);
        }
    }

    /// USP values of the wrong length or case: only `1` then three of Y/N/- (any case) parse.
    #[test]
    fn usp_accepts_exactly_the_grammar(s in "[0-9YNyn\\-?x]{0,6}") {
        let valid = s.len() == 4
            && s.starts_with('1')
            && s[1..].chars().all(|c| "YNyn-".contains(c));
        prop_assert_eq!(UspString::parse(&s).is_ok(), valid);
    }

    #[test]
    fn decision_invariants_hold(
        header in prop::option::of(any::<String>()),
        gpc in prop::option::of(any::<String>()),
        country in prop::option::of(any::<String>()),
        region in prop::option::of(any::<String>()),
        now in any::<i64>(),
    ) {
        let config = config_with_maps();
        let d = decide(&config, &ConsentRequest {
            cookie_header: header.as_deref(),
            sec_gpc: gpc.as_deref(),
            country: country.as_deref(),
            region: region.as_deref(),
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
        prop_assert_eq!(json["signals"].as_array().map(Vec::len), Some(d.signals.len()));
        prop_assert!(d.malformed().count() <= d.signals.len());
    }

    /// Duplicated cookies: a refusal among valid copies always wins.
    #[test]
    fn a_refusing_duplicate_always_wins(copies in prop::collection::vec(any::<bool>(), 1..4), garbage in cookie_like()) {
        let mut parts: Vec<String> = copies
            .iter()
            .map(|&accept| if accept {
                "OptanonConsent=groups=C0001%3A1%2CC0004%3A1".to_string()
            } else {
                "OptanonConsent=groups=C0001%3A1%2CC0004%3A0".to_string()
            })
            .collect();
        parts.push(format!("OptanonConsent={}", garbage.replace(';', "")));
        let header = parts.join("; ");
        let d = decide(&ConsentConfig::default(), &ConsentRequest {
            cookie_header: Some(&header),
            country: Some("US"),
            ..ConsentRequest::default()
        });
        if copies.contains(&false) {
            prop_assert!(!d.categories.marketing);
        }
    }
}
