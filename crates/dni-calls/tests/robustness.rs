#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Nothing a caller, a provider or an attacker sends makes the crate panic: every parser
//! returns a value or a refusal.

use dni_calls::{
    authenticate_and_parse, format_rfc3339_ms, history_csv, neutralize, parse_history_query,
    parse_rfc3339_ms, verify_vonage_jwt, Endpoint, Provider, Refusal, Secrets, WebhookRequest,
    MAX_BODY,
};
use proptest::prelude::*;

fn secrets() -> Secrets {
    Secrets {
        api_token: Some("tok".into()),
        twilio_auth_token: Some("t".into()),
        signalwire_signing_key: Some("s".into()),
        plivo_auth_token: Some("p".into()),
        vonage_signature_secret: Some("v".into()),
    }
}

fn endpoints() -> Vec<Endpoint> {
    let mut v = vec![Endpoint::Api];
    for p in Provider::WEBHOOKS {
        v.push(Endpoint::Answer(p));
        v.push(Endpoint::Status(p));
    }
    v
}

// "x:tok"
const BASIC: &str = "Basic eDp0b2s=";

#[test]
fn huge_bodies_are_refused_before_parsing() {
    let body = vec![b'a'; MAX_BODY + 1];
    let h = vec![("Authorization".to_string(), BASIC.to_string())];
    for ep in endpoints() {
        let h = if ep == Endpoint::Api {
            vec![("Authorization".to_string(), "Bearer tok".to_string())]
        } else {
            h.clone()
        };
        let req = WebhookRequest {
            method: "POST",
            url: "https://h/__dni/calls",
            headers: &h,
            body: &body,
        };
        assert_eq!(
            authenticate_and_parse(ep, &req, &secrets(), 0),
            Err(Refusal::TooLarge { limit: MAX_BODY }),
            "{ep:?}"
        );
    }
}

proptest! {
    #[test]
    fn webhooks_never_panic(
        body in proptest::collection::vec(any::<u8>(), 0..600),
        text in "[A-Za-z=&%+0-9{}\":,. -]{0,300}",
        query in "[A-Za-z=&%+0-9]{0,80}",
        ct in prop_oneof![
            Just("application/x-www-form-urlencoded"), Just("application/json"),
            Just("text/plain"), Just("")
        ],
        get in any::<bool>(),
        auth in prop_oneof![
            Just(BASIC.to_string()), Just("Bearer tok".to_string()),
            "[ -~]{0,60}".prop_map(|s| s)
        ],
        sig in "[ -~]{0,60}",
    ) {
        let url = format!("https://www.example.com/__dni/calls/x?{query}");
        let headers = vec![
            ("Content-Type".to_string(), ct.to_string()),
            ("Authorization".to_string(), auth),
            ("X-Twilio-Signature".to_string(), sig.clone()),
            ("X-Plivo-Signature-V3".to_string(), sig.clone()),
            ("X-Plivo-Signature-V3-Nonce".to_string(), sig),
        ];
        for b in [&body[..], text.as_bytes()] {
            for ep in endpoints() {
                let req = WebhookRequest {
                    method: if get { "GET" } else { "POST" },
                    url: &url,
                    headers: &headers,
                    body: b,
                };
                if let Err(e) = authenticate_and_parse(ep, &req, &secrets(), 1_795_341_600_000) {
                    prop_assert!((400..=503).contains(&e.status()));
                    let _ = e.to_string();
                }
            }
        }
    }

    #[test]
    fn history_queries_never_panic(q in "[ -~]{0,120}", now in 0i64..4_000_000_000_000) {
        let _ = parse_history_query(&q, now);
    }

    #[test]
    fn jwts_never_panic(t in "[A-Za-z0-9._=-]{0,200}") {
        let _ = verify_vonage_jwt(&t, "secret");
    }

    #[test]
    fn neutralized_cells_never_start_a_formula(v in "\\PC{0,40}") {
        let n = neutralize(&v);
        let first = n.chars().next();
        prop_assert!(!matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')));
        let _ = history_csv(&[]);
    }

    #[test]
    fn rfc3339_parser_never_panics(s in any::<String>(), t in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,12})?([Zz]|[+-][0-9]{2}:[0-9]{2})?") {
        let _ = parse_rfc3339_ms(&s);
        let _ = parse_rfc3339_ms(&t);
    }

    #[test]
    fn rfc3339_round_trips(ms in 0i64..253_402_300_799_999) {
        prop_assert_eq!(parse_rfc3339_ms(&format_rfc3339_ms(ms)), Some(ms));
    }
}
