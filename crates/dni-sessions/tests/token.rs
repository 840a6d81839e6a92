#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use dni_numbers::E164;
use dni_sessions::{
    Landing, SessionToken, TargetConfig, TokenError, TokenLanding, TokenLease, DEFAULT_MAX_AGE_MS,
    MAX_TOKEN_LANDING_REFERRER, MAX_TOKEN_LANDING_URL, MAX_TOKEN_LEASES,
};
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use sha2::Sha256;

fn num(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
const NOW: i64 = 1_795_341_600_000;

fn token() -> SessionToken {
    let mut t = SessionToken::new([7u8; 16], NOW);
    t.leases.push(TokenLease {
        number: num("+15550000001"),
        until_ms: NOW + 1_800_000,
        provisional: true,
    });
    t.leases.push(TokenLease {
        number: num("+442071234567"),
        until_ms: NOW + 900_000,
        provisional: false,
    });
    t
}

#[test]
fn round_trips_and_is_cookie_safe() {
    let t = token();
    let value = t.encode(SECRET);
    assert!(
        value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{value}"
    );
    assert_eq!(SessionToken::decode(&value, SECRET, NOW + 1000), Ok(t));
}

#[test]
fn is_compact() {
    let mut t = SessionToken::new([1u8; 16], NOW);
    t.leases.push(TokenLease {
        number: num("+15550000001"),
        until_ms: NOW,
        provisional: false,
    });
    assert_eq!(t.encode(SECRET).len(), 86);
    assert!(SessionToken::new([1u8; 16], NOW).encode(SECRET).len() < 60);
}

#[test]
fn quoted_cookie_value_is_accepted() {
    let value = token().encode(SECRET);
    assert!(SessionToken::decode(&format!("\"{value}\""), SECRET, NOW).is_ok());
}

#[test]
fn wrong_secret_is_a_bad_signature() {
    let value = token().encode(SECRET);
    assert_eq!(
        SessionToken::decode(&value, b"another secret, 32 bytes long!!!", NOW),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn every_flipped_bit_is_detected() {
    let raw = URL_SAFE_NO_PAD.decode(token().encode(SECRET)).unwrap();
    for i in 1..raw.len() {
        for bit in 0..8 {
            let mut tampered = raw.clone();
            tampered[i] ^= 1 << bit;
            let value = URL_SAFE_NO_PAD.encode(&tampered);
            assert_eq!(
                SessionToken::decode(&value, SECRET, NOW),
                Err(TokenError::BadSignature),
                "byte {i} bit {bit}"
            );
        }
    }
}

#[test]
fn forged_token_without_secret_is_refused() {
    // Same layout, tag computed with an empty key.
    let forged = token().encode(b"");
    assert_eq!(
        SessionToken::decode(&forged, SECRET, NOW),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn other_versions_are_refused() {
    let mut raw = URL_SAFE_NO_PAD.decode(token().encode(SECRET)).unwrap();
    raw[0] = 3;
    assert_eq!(
        SessionToken::decode(&URL_SAFE_NO_PAD.encode(&raw), SECRET, NOW),
        Err(TokenError::UnsupportedVersion(3))
    );
}

#[test]
fn malformed_values_are_refused_with_a_reason() {
    let value = token().encode(SECRET);
    for bad in [
        "",
        "!!!",
        "abc",
        &value[..20],
        &"A".repeat(5000),
        "v1.abc.def",
    ] {
        assert!(
            matches!(
                SessionToken::decode(bad, SECRET, NOW),
                Err(TokenError::Malformed(_))
            ),
            "{bad:?}"
        );
    }
    // Appending bytes breaks the tag position: refused (as tampering or malformed).
    assert!(SessionToken::decode(&format!("{value}AAAA"), SECRET, NOW).is_err());
}

#[test]
fn expired_and_future_tokens_are_refused() {
    let value = token().encode(SECRET);
    assert!(SessionToken::decode(&value, SECRET, NOW + DEFAULT_MAX_AGE_MS).is_ok());
    assert_eq!(
        SessionToken::decode(&value, SECRET, NOW + DEFAULT_MAX_AGE_MS + 1),
        Err(TokenError::Expired {
            age_ms: DEFAULT_MAX_AGE_MS + 1
        })
    );
    assert_eq!(
        SessionToken::decode_with_max_age(&value, SECRET, NOW + 61_000, 60_000),
        Err(TokenError::Expired { age_ms: 61_000 })
    );
    assert!(matches!(
        SessionToken::decode(&value, SECRET, NOW - 3_600_000),
        Err(TokenError::IssuedInFuture { .. })
    ));
    assert!(SessionToken::decode(&value, SECRET, NOW - 60_000).is_ok());
}

#[test]
fn tokens_live_30_days_and_tolerate_5_minutes_of_clock_skew() {
    // The documented limits (SPEC: the session cookie lives 30 days, like the AMP cookie),
    // written as numbers so that the constants themselves are checked.
    const DAY_MS: i64 = 86_400_000;
    let value = token().encode(SECRET);
    assert_eq!(DEFAULT_MAX_AGE_MS, 30 * DAY_MS);
    assert!(SessionToken::decode(&value, SECRET, NOW + 29 * DAY_MS).is_ok());
    assert!(SessionToken::decode(&value, SECRET, NOW + 30 * DAY_MS).is_ok());
    assert_eq!(
        SessionToken::decode(&value, SECRET, NOW + 30 * DAY_MS + 1),
        Err(TokenError::Expired {
            age_ms: 30 * DAY_MS + 1
        })
    );
    // An hour-old token is fine (its age is not mistaken for skew).
    assert!(SessionToken::decode(&value, SECRET, NOW + 3_600_000).is_ok());
    assert!(SessionToken::decode(&value, SECRET, NOW - 299_999).is_ok());
    assert!(SessionToken::decode(&value, SECRET, NOW - 300_000).is_ok());
    assert_eq!(
        SessionToken::decode(&value, SECRET, NOW - 300_001),
        Err(TokenError::IssuedInFuture { ahead_ms: 300_001 })
    );
    // The same boundary with an explicit maximum age.
    assert!(SessionToken::decode_with_max_age(&value, SECRET, NOW + 60_000, 60_000).is_ok());
}

#[test]
fn the_largest_token_reads_and_longer_values_are_refused_unread() {
    // 16 leases of 15-digit numbers (the E.164 maximum), no landing: 443 bytes (header 26,
    // leases 16 x 25, the landing flag 1, tag 16), 591 characters.
    let mut t = SessionToken::new([3u8; 16], NOW);
    for i in 0..MAX_TOKEN_LEASES {
        t.leases.push(TokenLease {
            number: num(&format!("+4420794600{i:05}")),
            until_ms: NOW + 1_800_000,
            provisional: i % 2 == 0,
        });
    }
    let value = t.encode(SECRET);
    assert_eq!(value.len(), 591);
    assert_eq!(SessionToken::decode(&value, SECRET, NOW), Ok(t));
    // The longest token also keeps a landing (1 + 8 + 2 + 1024 URL bytes + 2 + 512 referrer
    // bytes): 1,991 bytes. Up to 2,656 characters (whole base64 quanta) are decoded and
    // judged on their content; one more is refused before decoding.
    assert_eq!(
        SessionToken::decode(&"A".repeat(2656), SECRET, NOW),
        Err(TokenError::UnsupportedVersion(0))
    );
    assert_eq!(
        SessionToken::decode(&"A".repeat(2657), SECRET, NOW),
        Err(TokenError::Malformed("too long"))
    );
    // The shortest body read is the header (26 bytes) and the tag (16 bytes).
    let short = |len: usize| {
        let mut raw = vec![0u8; len];
        raw[0] = 1;
        SessionToken::decode(&URL_SAFE_NO_PAD.encode(raw), SECRET, NOW)
    };
    assert_eq!(short(41), Err(TokenError::Malformed("too short")));
    assert_eq!(short(42), Err(TokenError::BadSignature));
}

#[test]
fn errors_display_a_reason() {
    for e in [
        TokenError::Malformed("too short"),
        TokenError::UnsupportedVersion(9),
        TokenError::BadSignature,
        TokenError::Expired { age_ms: 5 },
        TokenError::IssuedInFuture { ahead_ms: 5 },
    ] {
        assert!(e.to_string().contains("session token"), "{e}");
    }
}

#[test]
fn encode_caps_leases() {
    let mut t = SessionToken::new([2u8; 16], NOW);
    for i in 0..20 {
        t.leases.push(TokenLease {
            number: num(&format!("+1555000{i:04}")),
            until_ms: NOW,
            provisional: false,
        });
    }
    let back = SessionToken::decode(&t.encode(SECRET), SECRET, NOW).unwrap();
    assert_eq!(back.leases.len(), MAX_TOKEN_LEASES);
    assert_eq!(back.leases[0].number, "+15550000000");
}

#[test]
fn leases_are_found_by_target_and_replaced() {
    let target: TargetConfig = serde_json::from_str(
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [
        {"name": "a", "numbers": ["+15550000001", "+15550000002"]}]}"#,
    )
    .unwrap();
    let mut t = token();
    assert_eq!(
        t.lease_for(&target).map(|l| l.number.as_str()),
        Some("+15550000001")
    );
    t.set_lease_for(
        &target,
        TokenLease {
            number: num("+15550000002"),
            until_ms: NOW + 5,
            provisional: false,
        },
    );
    assert_eq!(t.leases.len(), 2);
    assert_eq!(t.lease_for(&target).map(|l| l.until_ms), Some(NOW + 5));
    t.drop_expired(NOW + 5);
    assert!(t.lease_for(&target).is_none());
    assert_eq!(t.leases.len(), 1);

    // Clearing drops the target's lease and keeps the others.
    let mut t = token();
    t.clear_lease_for(&target);
    assert!(t.lease_for(&target).is_none());
    assert_eq!(t.leases.len(), 1);
    assert_eq!(t.leases[0].number, "+442071234567");
    t.clear_lease_for(&target);
    assert_eq!(t.leases.len(), 1);
}

#[test]
fn renewal_window() {
    let l = TokenLease {
        number: num("+15550000001"),
        until_ms: NOW + 1_000_000,
        provisional: false,
    };
    assert!(l.is_live(NOW));
    assert!(!l.needs_renewal(NOW, 900_000));
    assert!(l.needs_renewal(NOW + 200_000, 900_000));
    assert!(!l.is_live(NOW + 1_000_000));
    assert!(!l.needs_renewal(NOW + 1_000_000, 900_000));
    // Exactly `renew_before` left: not yet.
    assert!(!l.needs_renewal(NOW + 100_000, 900_000));
    assert!(l.needs_renewal(NOW + 100_001, 900_000));
}

#[test]
fn session_id_is_hex() {
    let t = SessionToken::new([0xab; 16], NOW);
    assert_eq!(t.id.to_hex(), "ab".repeat(16));
    let err = "ab".parse::<dni_sessions::SessionId>().unwrap_err();
    assert_eq!(err.to_string(), "a session id is 32 hexadecimal digits");
}

/// `body` signed as the worker signs tokens (HMAC-SHA256, first 16 bytes), base64url.
fn signed(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).unwrap();
    mac.update(body);
    let tag = mac.finalize().into_bytes();
    let mut raw = body.to_vec();
    raw.extend_from_slice(&tag[..16]);
    URL_SAFE_NO_PAD.encode(raw)
}

/// A version 1 body (the format before landings were kept): one lease.
fn v1_body() -> Vec<u8> {
    let mut raw = vec![1u8];
    raw.extend_from_slice(&[9u8; 16]);
    raw.extend_from_slice(&NOW.to_be_bytes());
    raw.push(1);
    raw.push(1);
    raw.extend_from_slice(&(NOW + 60_000).to_be_bytes());
    raw.push(11);
    raw.extend_from_slice(b"15550000001");
    raw
}

#[test]
fn version_1_tokens_still_decode_without_a_landing() {
    let t = SessionToken::decode(&signed(&v1_body()), SECRET, NOW).unwrap();
    assert_eq!(t.id.0, [9u8; 16]);
    assert_eq!(t.leases.len(), 1);
    assert!(t.leases[0].provisional);
    assert_eq!(t.landing, None);
    // Re-issued, it is a version 2 token with the same content.
    let again = SessionToken::decode(&t.encode(SECRET), SECRET, NOW).unwrap();
    assert_eq!(again, t);
    assert_eq!(URL_SAFE_NO_PAD.decode(t.encode(SECRET)).unwrap()[0], 2);
}

#[test]
fn the_landing_round_trips_and_is_bounded() {
    let mut t = token();
    t.landing = Some(TokenLanding {
        url: "https://www.example.com/promo?gclid=Cj0KCQ&utm_source=google".into(),
        referrer: Some("https://www.google.com/".into()),
        landed_at_ms: NOW - 5,
    });
    assert_eq!(
        SessionToken::decode(&t.encode(SECRET), SECRET, NOW),
        Ok(t.clone())
    );
    // Over-long values are cut on encode (on a character boundary), never refused.
    t.landing = Some(TokenLanding {
        url: format!("https://e.com/?q={}", "é".repeat(2000)),
        referrer: Some("r".repeat(5000)),
        landed_at_ms: NOW,
    });
    let back = SessionToken::decode(&t.encode(SECRET), SECRET, NOW).unwrap();
    let landing = back.landing.unwrap();
    assert!(
        landing.url.len() <= MAX_TOKEN_LANDING_URL && landing.url.starts_with("https://e.com/?q=é")
    );
    assert_eq!(landing.referrer.unwrap().len(), MAX_TOKEN_LANDING_REFERRER);
    // The largest token still fits in one cookie (browsers keep at least 4096 bytes per cookie, RFC 6265 section 6.1).
    let mut big = SessionToken::new([1; 16], NOW);
    for i in 0..MAX_TOKEN_LEASES {
        big.leases.push(TokenLease {
            number: num(&format!("+4420712345{i:02}")),
            until_ms: NOW,
            provisional: false,
        });
    }
    big.landing = Some(TokenLanding {
        url: "u".repeat(5000),
        referrer: Some("r".repeat(5000)),
        landed_at_ms: NOW,
    });
    let value = big.encode(SECRET);
    assert!(value.len() + "ct12345=".len() < 4096, "{}", value.len());
    assert!(SessionToken::decode(&value, SECRET, NOW).is_ok());
}

#[test]
fn a_malformed_landing_block_is_refused_even_when_signed() {
    let mut base = v1_body();
    base[0] = 2;
    for tail in [
        vec![2u8],       // unknown landing flag
        vec![1u8, 0, 0], // truncated time
        {
            let mut v = vec![1u8];
            v.extend_from_slice(&NOW.to_be_bytes());
            v.extend_from_slice(&(MAX_TOKEN_LANDING_URL as u16 + 1).to_be_bytes());
            v.extend(std::iter::repeat_n(b'u', MAX_TOKEN_LANDING_URL + 1));
            v.extend_from_slice(&[0, 0]);
            v
        },
        {
            let mut v = vec![1u8];
            v.extend_from_slice(&NOW.to_be_bytes());
            v.extend_from_slice(&[0, 2, 0xff, 0xfe, 0, 0]); // not UTF-8
            v
        },
        vec![], // version 2 without the landing byte
    ] {
        let mut body = base.clone();
        body.extend_from_slice(&tail);
        assert!(
            matches!(
                SessionToken::decode(&signed(&body), SECRET, NOW),
                Err(TokenError::Malformed(_))
            ),
            "{tail:?}"
        );
    }
}

#[test]
fn a_kept_landing_classifies_and_attributes_like_the_original() {
    let target: TargetConfig = serde_json::from_str(
        r#"{"number": "+15550000000", "fallback": "+15550000009", "sources": [
            {"name": "ads", "when": {"click_ids": ["gclid", "my_click"]}, "numbers": ["+15550000001"]},
            {"name": "promo", "when": {"path": "/promo/*"}, "numbers": ["+15550000002"]},
            {"name": "default", "numbers": ["+15550000003"]}]}"#,
    )
    .unwrap();
    let targets = [target];
    let padding: String = (0..40)
        .map(|i| format!("pad{i}=xxxxxxxxxxxxxxxx&"))
        .collect();
    let url = format!("https://www.example.com/promo/spring?{padding}utm_source=google&utm_campaign=Spring%20Sale&my_click=M1&gclid=G1#top");
    let original = Landing::parse(&url, Some("https://www.google.com/"), NOW);
    let kept = original.for_token(|n| dni_sessions::is_kept_landing_param(&targets, n));
    assert!(
        kept.url.len() <= MAX_TOKEN_LANDING_URL,
        "{}",
        kept.url.len()
    );
    assert!(
        !kept.url.contains("pad") && !kept.url.contains('#'),
        "{}",
        kept.url
    );
    let again = Landing::from_token(&kept);
    let t = &targets[0];
    assert_eq!(
        dni_sessions::classify(t, &again),
        dni_sessions::classify(t, &original)
    );
    let a = dni_sessions::Attribution::new(&again, t, dni_sessions::classify(t, &again));
    let b = dni_sessions::Attribution::new(&original, t, dni_sessions::classify(t, &original));
    assert_eq!(a.source.as_deref(), Some("ads"));
    assert_eq!(
        (
            &a.click_ids,
            &a.utm_source,
            &a.utm_campaign,
            &a.referrer,
            a.landed_at_ms
        ),
        (
            &b.click_ids,
            &b.utm_source,
            &b.utm_campaign,
            &b.referrer,
            b.landed_at_ms
        )
    );
    assert_eq!(
        a.click_ids,
        [
            ("my_click".to_string(), "M1".to_string()),
            ("gclid".to_string(), "G1".to_string())
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any signed body decodes to a token or an error value: never a panic.
    #[test]
    fn any_signed_body_is_an_answer(body in proptest::collection::vec(any::<u8>(), 0..300), v2 in any::<bool>()) {
        let mut raw = body;
        if let Some(b) = raw.first_mut() { *b = if v2 { 2 } else { 1 }; }
        let _ = SessionToken::decode(&signed(&raw), SECRET, NOW);
    }

    #[test]
    fn any_landing_round_trips_within_bounds(url in ".{0,1500}", referrer in proptest::option::of(".{0,700}"), at in any::<i64>()) {
        let mut t = SessionToken::new([3; 16], NOW);
        t.landing = Some(TokenLanding { url, referrer, landed_at_ms: at });
        let back = SessionToken::decode(&t.encode(SECRET), SECRET, NOW).unwrap();
        let l = back.landing.unwrap();
        prop_assert!(l.url.len() <= MAX_TOKEN_LANDING_URL);
        prop_assert!(l.referrer.as_ref().is_none_or(|r| r.len() <= MAX_TOKEN_LANDING_REFERRER && !r.is_empty()));
        prop_assert_eq!(l.landed_at_ms, at);
    }
}
