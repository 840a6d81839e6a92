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
    SessionToken, TargetConfig, TokenError, TokenLease, DEFAULT_MAX_AGE_MS, MAX_TOKEN_LEASES,
};

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
    assert_eq!(t.encode(SECRET).len(), 84);
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
    raw[0] = 2;
    assert_eq!(
        SessionToken::decode(&URL_SAFE_NO_PAD.encode(&raw), SECRET, NOW),
        Err(TokenError::UnsupportedVersion(2))
    );
}

#[test]
fn malformed_values_are_refused_with_a_reason() {
    let value = token().encode(SECRET);
    for bad in [
        "",
        "!!!",
        "abc",
        &value[..value.len() - 4],
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
}

#[test]
fn session_id_is_hex() {
    let t = SessionToken::new([0xab; 16], NOW);
    assert_eq!(t.id.to_hex(), "ab".repeat(16));
}
