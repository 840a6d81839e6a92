//! Property tests: arbitrary input never panics and round trips hold.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use dni_sessions::referrer::HostPattern;
use dni_sessions::{
    bearer_matches, classify, Attribution, Landing, SessionConfig, SessionToken, TargetConfig,
    TokenLease, MAX_PARAMS, MAX_URL_LEN, MAX_VALUE_LEN,
};
use proptest::prelude::*;

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

fn target() -> TargetConfig {
    serde_json::from_str(
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [
        {"name": "g", "when": {"click_ids": ["gclid"], "utm_medium": {"matches": "^c.c$"}}, "numbers": ["+15550000001"]},
        {"name": "s", "when": {"referrer": "search", "path": "/p*/?"}, "numbers": ["+15550000002"]},
        {"name": "h", "when": {"referrer": ["*.x.com", "y.*"], "utm_source": "a"}, "numbers": ["+15550000003"]},
        {"name": "d", "when": {"referrer": "direct"}, "numbers": ["+15550000004"]}]}"#,
    )
    .unwrap()
}

fn url_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z]{0,5}://[a-zA-Z0-9.:@\\[\\]-]{0,20}(/[%a-zA-Z0-9+/._-]{0,20})?(\\?[%a-zA-Z0-9+=&;._-]{0,60})?(#.{0,5})?",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn landing_parse_and_classify_never_panic(url in url_like(), referrer in proptest::option::of(url_like()), now in any::<i64>()) {
        let t = target();
        let landing = Landing::parse(&url, referrer.as_deref(), now);
        prop_assert!(landing.url().len() <= MAX_URL_LEN);
        prop_assert!(landing.params().len() <= MAX_PARAMS);
        prop_assert!(landing.params().iter().all(|(_, v)| v.len() <= MAX_VALUE_LEN));
        let source = classify(&t, &landing);
        let a = Attribution::new(&landing, &t, source);
        let back: Attribution = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        prop_assert_eq!(back, a);
    }

    #[test]
    fn token_decode_never_panics_on_strings(s in any::<String>(), now in any::<i64>(), max_age in any::<i64>()) {
        let _ = SessionToken::decode_with_max_age(&s, SECRET, now, max_age);
    }

    #[test]
    fn token_decode_refuses_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        use base64::Engine;
        let s = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
        prop_assert!(SessionToken::decode(&s, SECRET, 0).is_err());
    }

    #[test]
    fn token_round_trips(id in any::<[u8; 16]>(), issued in -(1i64 << 50)..(1i64 << 50),
                         leases in proptest::collection::vec(("(1[2-9][0-9]{9}|44[1-9][0-9]{9}|33[1-9][0-9]{8}|353[1-9][0-9]{6,8})", any::<i64>(), any::<bool>()), 0..16)) {
        let mut t = SessionToken::new(id, issued);
        t.leases = leases.into_iter().map(|(d, until_ms, provisional)| TokenLease { number: dni_numbers::E164::parse(&format!("+{d}")).unwrap(), until_ms, provisional }).collect();
        let value = t.encode(SECRET);
        prop_assert!(value.len() <= 600);
        prop_assert_eq!(SessionToken::decode(&value, SECRET, issued), Ok(t));
    }

    #[test]
    fn host_patterns_never_panic_and_never_match_by_substring(p in any::<String>(), host in "[a-z0-9.-]{0,30}", label in "[a-z]{1,10}") {
        if let Ok(pattern) = HostPattern::parse(&p) {
            let _ = pattern.matches(&host);
        }
        // `x{label}.com` is never matched by `{label}.com` or `{label}.*`.
        let longer = format!("x{label}.com");
        let plain = HostPattern::parse(&format!("{}.com", label)).unwrap();
        let any_suffix = HostPattern::parse(&format!("{}.*", label)).unwrap();
        prop_assert!(!plain.matches(&longer));
        prop_assert!(!any_suffix.matches(&longer));
    }

    #[test]
    fn bearer_never_panics_and_only_matches_the_token(h in proptest::option::of(any::<String>()), expected in "[A-Za-z0-9]{1,40}") {
        let _ = bearer_matches(h.as_deref(), &expected);
        let header = format!("Bearer {expected}");
        prop_assert!(bearer_matches(Some(&header), &expected));
        let mut other = expected.clone();
        other.push('x');
        let wrong = format!("Bearer {}", other);
        prop_assert!(!bearer_matches(Some(&wrong), &expected));
    }

    #[test]
    fn config_deserialisation_never_panics(s in any::<String>()) {
        let _ = serde_json::from_str::<TargetConfig>(&s);
        let _ = serde_json::from_str::<SessionConfig>(&s);
    }
}
