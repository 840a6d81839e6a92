#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dni_numbers::E164;
use dni_sessions::calls::MAX_CALL_BODY;
use dni_sessions::{
    call_response_json, find_number, parse_call_request, twiml_dial, Attribution, BadRequest,
    CallFormat, LeaseRecord, NumberRole, TargetConfig,
};
use serde_json::Value;

fn n(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

#[test]
fn json_with_rfc3339_time() {
    let r = parse_call_request(
        JSON,
        br#"{"called": "+15550000001", "at": "2026-11-22T10:00:00Z", "from": "+15557654321"}"#,
    )
    .unwrap();
    assert_eq!(r.called, "+15550000001");
    assert_eq!(r.at_ms, Some(1_795_341_600_000));
    assert_eq!(r.from.as_deref(), Some("+15557654321"));
    assert_eq!(r.caller_e164().unwrap(), "+15557654321");
    assert_eq!(r.format, CallFormat::Json);
}

#[test]
fn json_with_epoch_ms_or_no_time() {
    let r = parse_call_request(
        "application/json; charset=utf-8",
        br#"{"called": "+15550000001", "at": 1795341600000}"#,
    )
    .unwrap();
    assert_eq!(r.at_ms, Some(1_795_341_600_000));
    let r = parse_call_request(
        JSON,
        br#"{"called": "+15550000001", "at": "1795341600000"}"#,
    )
    .unwrap();
    assert_eq!(r.at_ms, Some(1_795_341_600_000));
    let r = parse_call_request(JSON, br#"{"called": "+15550000001"}"#).unwrap();
    assert_eq!(r.at_ms, None);
    assert_eq!(r.at_or(42), 42);
    assert_eq!(r.from, None);
}

#[test]
fn json_errors_have_reasons() {
    let err = |body: &str| parse_call_request(JSON, body.as_bytes()).unwrap_err();
    assert_eq!(err(r#"{"at": 1}"#), BadRequest::MissingField("called"));
    assert!(matches!(
        err(r#"{"called": "555-0001"}"#),
        BadRequest::NotE164 {
            field: "called",
            ..
        }
    ));
    assert!(matches!(
        err(r#"{"called": "+15550000001", "at": "yesterday"}"#),
        BadRequest::BadTime(_)
    ));
    assert!(matches!(
        err(r#"{"called": "+15550000001", "at": -5}"#),
        BadRequest::BadTime(_)
    ));
    assert!(matches!(
        err(r#"{"called": "+15550000001", "at": 1.5}"#),
        BadRequest::BadTime(_)
    ));
    assert!(matches!(
        err(r#"{"called": "+15550000001", "at": true}"#),
        BadRequest::BadTime(_)
    ));
    assert!(matches!(
        err(r#"{"called": "+15550000001", "extra": 1}"#),
        BadRequest::InvalidJson(_)
    ));
    assert!(matches!(
        err(r#"{"called": 15550000001}"#),
        BadRequest::InvalidJson(_)
    ));
    assert!(matches!(err("not json"), BadRequest::InvalidJson(_)));
    assert!(matches!(err(""), BadRequest::InvalidJson(_)));
    for e in [err(r#"{}"#), err("x")] {
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn twilio_form_post() {
    let body = b"CallSid=CA123&AccountSid=AC1&From=%2B15557654321&To=%2B15550000001&CallStatus=ringing&Direction=inbound";
    let r = parse_call_request("application/x-www-form-urlencoded; charset=UTF-8", body).unwrap();
    assert_eq!(r.called, "+15550000001");
    assert_eq!(r.from.as_deref(), Some("+15557654321"));
    assert_eq!(r.call_sid.as_deref(), Some("CA123"));
    assert_eq!(r.at_ms, None);
    assert_eq!(r.format, CallFormat::TwilioForm);
}

#[test]
fn form_with_unencoded_plus_and_called_field() {
    let r = parse_call_request(FORM, b"Called=+15550000001&From=anonymous").unwrap();
    assert_eq!(r.called, "+15550000001");
    assert_eq!(r.from.as_deref(), Some("anonymous"));
    assert_eq!(r.caller_e164(), None);
}

#[test]
fn form_errors() {
    assert_eq!(
        parse_call_request(FORM, b"From=%2B15557654321").unwrap_err(),
        BadRequest::MissingField("To")
    );
    assert!(matches!(
        parse_call_request(FORM, b"To=client%3Aalice").unwrap_err(),
        BadRequest::NotE164 { field: "To", .. }
    ));
}

#[test]
fn content_type_sniffing_and_refusal() {
    assert_eq!(
        parse_call_request("", br#" {"called": "+15550000001"}"#)
            .unwrap()
            .format,
        CallFormat::Json
    );
    assert_eq!(
        parse_call_request("", b"To=%2B15550000001").unwrap().format,
        CallFormat::TwilioForm
    );
    assert_eq!(
        parse_call_request("application/vnd.api+json", br#"{"called": "+15550000001"}"#)
            .unwrap()
            .format,
        CallFormat::Json
    );
    assert!(matches!(
        parse_call_request("text/plain", b"To=%2B15550000001").unwrap_err(),
        BadRequest::UnsupportedContentType(_)
    ));
}

#[test]
fn oversized_and_non_utf8_bodies() {
    let big = vec![b' '; MAX_CALL_BODY + 1];
    assert_eq!(
        parse_call_request(JSON, &big).unwrap_err(),
        BadRequest::TooLarge {
            limit: MAX_CALL_BODY
        }
    );
    assert_eq!(
        parse_call_request(FORM, b"To=\xff").unwrap_err(),
        BadRequest::NotUtf8
    );
}

#[test]
fn long_fields_are_bounded() {
    let body = format!(
        r#"{{"called": "+15550000001", "from": "{}"}}"#,
        "x".repeat(5000)
    );
    let r = parse_call_request(JSON, body.as_bytes()).unwrap();
    assert!(r.from.unwrap().len() <= 64);
}

#[test]
fn response_json_with_attribution() {
    let a = Attribution {
        source: Some("google_ads".into()),
        landing_url: "https://shop.example/?gclid=G".into(),
        referrer: Some("https://www.google.com/".into()),
        utm_source: Some("google".into()),
        click_ids: vec![("gclid".into(), "G".into())],
        landed_at_ms: 1_795_341_600_000,
        ..Attribution::default()
    };
    let rec = LeaseRecord {
        number: E164::parse("+15550000001").unwrap(),
        session: "ab".repeat(16).parse().unwrap(),
        from_ms: 1_795_341_600_000,
        until_ms: Some(1_795_343_400_000),
        attribution: a,
    };
    let v: Value = serde_json::from_str(&call_response_json(
        &n("+15551234567"),
        &n("+15550000001"),
        Some(&rec),
    ))
    .unwrap();
    assert_eq!(v["tracking_number"], "+15550000001");
    assert_eq!(v["target"], "+15551234567");
    let at = &v["attribution"];
    assert_eq!(at["source"], "google_ads");
    assert_eq!(at["landing_url"], "https://shop.example/?gclid=G");
    assert_eq!(at["referrer"], "https://www.google.com/");
    assert_eq!(at["utm_source"], "google");
    assert_eq!(at["utm_medium"], Value::Null);
    assert_eq!(at["click_ids"]["gclid"], "G");
    assert_eq!(at["session"], "ab".repeat(16));
    assert_eq!(at["session_started"], "2026-11-22T10:00:00.000Z");
    assert_eq!(at["lease_from"], "2026-11-22T10:00:00.000Z");
    assert_eq!(at["lease_until"], "2026-11-22T10:30:00.000Z");
}

#[test]
fn response_json_without_attribution_or_with_a_broken_stored_record() {
    let v: Value = serde_json::from_str(&call_response_json(
        &n("+15551234567"),
        &n("+15550000001"),
        None,
    ))
    .unwrap();
    assert_eq!(v["attribution"], Value::Null);
    // A stored row whose attribution text no longer parses still answers with the lease.
    let rec: LeaseRecord = serde_json::from_value(serde_json::json!({
        "number": "+15550000001",
        "session": "cd".repeat(16),
        "from_ms": 0,
        "until_ms": null,
        "attribution": "not json",
    }))
    .unwrap();
    let v: Value = serde_json::from_str(&call_response_json(
        &n("+15551234567"),
        &n("+15550000001"),
        Some(&rec),
    ))
    .unwrap();
    assert_eq!(v["attribution"]["session"], "cd".repeat(16));
    assert_eq!(v["attribution"]["lease_until"], Value::Null);
    assert_eq!(v["attribution"]["source"], Value::Null);
}

#[test]
fn twiml_dials_the_target() {
    assert_eq!(
        twiml_dial(&n("+15551234567"), Some(&n("+15557654321"))),
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="+15557654321">+15551234567</Dial></Response>"#
    );
    assert_eq!(
        twiml_dial(&n("+15551234567"), None),
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Dial>+15551234567</Dial></Response>"#
    );
}

fn targets() -> Vec<TargetConfig> {
    serde_json::from_str(
        r#"[{"number": "+15551234567", "fallback": "+15559990000", "sources": [
            {"name": "a", "numbers": ["+15550000001"]}, {"name": "b", "numbers": ["+15550000002", "+15550000003"]}]},
           {"number": "+15557654321", "fallback": "+15559990001", "sources": [{"name": "c", "numbers": ["+15550000004"]}]}]"#,
    )
    .unwrap()
}

#[test]
fn find_number_names_each_role() {
    let t = targets();
    assert_eq!(
        find_number(&t, &n("+15550000003")),
        Some(NumberRole::Tracking {
            target: 0,
            source: 1
        })
    );
    assert_eq!(
        find_number(&t, &n("+15550000004")),
        Some(NumberRole::Tracking {
            target: 1,
            source: 0
        })
    );
    assert_eq!(
        find_number(&t, &n("+15557654321")),
        Some(NumberRole::Target { target: 1 })
    );
    assert_eq!(
        find_number(&t, &n("+15559990000")),
        Some(NumberRole::Fallback { target: 0 })
    );
    assert_eq!(find_number(&t, &n("+15550000009")), None);
    assert_eq!(
        find_number(&t, &n("+15550000004")).map(|r| r.target()),
        Some(1)
    );
}
