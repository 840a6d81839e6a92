#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Provider signatures against the vectors published by each provider, then forged,
//! altered, replayed and other-URL requests refused.

use dni_calls::{
    authenticate_and_parse, plivo_v3_signature, twilio_signature, verify_vonage_jwt, CallEvent,
    CallStatus, Endpoint, Provider, Refusal, Secrets, WebhookRequest,
};
use dni_numbers::E164;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn headers(list: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs(list)
}

fn form(list: &[(&str, &str)]) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    list.iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn e(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

// ---------------------------------------------------------------------------------------
// Twilio. Vectors: twilio/twilio-python, tests/unit/test_request_validator.py (auth token
// "12345"), the example of Twilio's "Secure webhooks" page
// (https://www.twilio.com/docs/usage/webhooks/webhooks-security).

const TWILIO_TOKEN: &str = "12345";
const TWILIO_URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
const TWILIO_PARAMS: &[(&str, &str)] = &[
    ("CallSid", "CA1234567890ABCDE"),
    ("Digits", "1234"),
    ("From", "+14158675309"),
    ("To", "+18005551212"),
    ("Caller", "+14158675309"),
];
const TWILIO_SIG: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

fn twilio_secrets() -> Secrets {
    Secrets {
        twilio_auth_token: Some(TWILIO_TOKEN.into()),
        api_token: Some("api-token-123".into()),
        ..Secrets::default()
    }
}

fn twilio_post(url: &str, body: &str, hs: &[(&str, &str)]) -> Result<CallEvent, Refusal> {
    let mut h = headers(&[("Content-Type", "application/x-www-form-urlencoded")]);
    h.extend(headers(hs));
    let req = WebhookRequest {
        method: "POST",
        url,
        headers: &h,
        body: body.as_bytes(),
    };
    authenticate_and_parse(
        Endpoint::Answer(Provider::Twilio),
        &req,
        &twilio_secrets(),
        0,
    )
}

#[test]
fn twilio_documented_vectors() {
    assert_eq!(
        twilio_signature(TWILIO_TOKEN, TWILIO_URL, &pairs(TWILIO_PARAMS)),
        TWILIO_SIG
    );
    // Repeated parameter names: values sorted too.
    let dup = pairs(&[
        ("Sid", "CA123"),
        ("SidAccount", "AC123"),
        ("Digits", "5678"),
        ("Digits", "1234"),
    ]);
    assert_eq!(
        twilio_signature(TWILIO_TOKEN, TWILIO_URL, &dup),
        "IK+Dwps556ElfBT0I3Rgjkr1wJU="
    );
}

#[test]
fn twilio_voice_webhook_is_accepted_and_parsed() {
    let ev = twilio_post(
        TWILIO_URL,
        &form(TWILIO_PARAMS),
        &[("X-Twilio-Signature", TWILIO_SIG)],
    )
    .unwrap();
    let CallEvent::Incoming(call) = ev else {
        panic!("{ev:?}")
    };
    assert_eq!(call.provider, Provider::Twilio);
    assert_eq!(call.call_id, "CA1234567890ABCDE");
    assert_eq!(call.called, e("+18005551212"));
    assert_eq!(call.caller, Some(e("+14158675309")));
}

#[test]
fn twilio_url_port_variants_like_twilios_validators() {
    let body = form(TWILIO_PARAMS);
    let sig = [("X-Twilio-Signature", TWILIO_SIG)];
    // Signed without the port, received with one.
    assert!(twilio_post(
        "https://mycompany.com:1234/myapp.php?foo=1&bar=2",
        &body,
        &sig
    )
    .is_ok());
    // Signed with :443 ("kvajT1Ptam85bY51eRf/AJRuM3w=", hash of the URI with port 443).
    assert!(twilio_post(
        TWILIO_URL,
        &body,
        &[("X-Twilio-Signature", "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    )
    .is_ok());
    // http with port 1234 ("Zmvh+3yNM1Phv2jhDCwEM3q5ebU="), and http with :80
    // ("0ZXoZLH/DfblKGATFgpif+LLRf4=").
    assert!(twilio_post(
        "http://mycompany.com:1234/myapp.php?foo=1&bar=2",
        &body,
        &[("X-Twilio-Signature", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=")]
    )
    .is_ok());
    assert!(twilio_post(
        "http://mycompany.com/myapp.php?foo=1&bar=2",
        &body,
        &[("X-Twilio-Signature", "0ZXoZLH/DfblKGATFgpif+LLRf4=")]
    )
    .is_ok());
}

#[test]
fn twilio_json_body_is_covered_by_body_sha256() {
    // twilio-python: body '{"property": "value", "boolean": true}', hash 0a1ff763…,
    // signature a9nBmqA0ju/hNViExpshrM61xv4= over the URI with &bodySHA256=.
    let body = "{\"property\": \"value\", \"boolean\": true}";
    let url = format!(
        "{TWILIO_URL}&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
    );
    let h = headers(&[
        ("content-type", "application/json"),
        ("x-twilio-signature", "a9nBmqA0ju/hNViExpshrM61xv4="),
    ]);
    let req = WebhookRequest {
        method: "POST",
        url: &url,
        headers: &h,
        body: body.as_bytes(),
    };
    // Authenticated; then refused as a voice webhook body (form expected).
    assert_eq!(
        authenticate_and_parse(
            Endpoint::Answer(Provider::Twilio),
            &req,
            &twilio_secrets(),
            0
        ),
        Err(Refusal::UnsupportedMediaType("application/json".into()))
    );
    let altered = b"{\"property\": \"value\", \"boolean\": false}";
    let req = WebhookRequest {
        body: altered,
        ..req
    };
    assert_eq!(
        authenticate_and_parse(
            Endpoint::Answer(Provider::Twilio),
            &req,
            &twilio_secrets(),
            0
        ),
        Err(Refusal::Forbidden("body does not match bodySHA256"))
    );
}

#[test]
fn twilio_forgeries_are_refused() {
    let body = form(TWILIO_PARAMS);
    let sig = [("X-Twilio-Signature", TWILIO_SIG)];
    // Altered parameter: the call rerouted to another number.
    let altered = body.replace("%2B18005551212", "%2B18005551213");
    assert_eq!(
        twilio_post(TWILIO_URL, &altered, &sig),
        Err(Refusal::Forbidden("signature does not match"))
    );
    // An added parameter.
    assert!(twilio_post(TWILIO_URL, &format!("{body}&Extra=1"), &sig).is_err());
    // Another URL (path, query, host).
    for url in [
        "https://mycompany.com/other.php?foo=1&bar=2",
        "https://mycompany.com/myapp.php?foo=1&bar=3",
        "https://evil.example/myapp.php?foo=1&bar=2",
    ] {
        assert!(twilio_post(url, &body, &sig).is_err(), "{url}");
    }
    // Signed with another token.
    let forged = twilio_signature("54321", TWILIO_URL, &pairs(TWILIO_PARAMS));
    assert!(twilio_post(TWILIO_URL, &body, &[("X-Twilio-Signature", &forged)]).is_err());
    // No signature, no credentials: a Basic challenge (Twilio retries with the URL's).
    let r = twilio_post(TWILIO_URL, &body, &[]);
    assert_eq!(r, Err(Refusal::Unauthenticated));
    assert!(r.unwrap_err().www_authenticate().is_some());
}

#[test]
fn twilio_basic_auth_in_the_url() {
    let body = form(TWILIO_PARAMS);
    // "calls:api-token-123"
    let ok = twilio_post(
        TWILIO_URL,
        &body,
        &[("Authorization", "Basic Y2FsbHM6YXBpLXRva2VuLTEyMw==")],
    );
    assert!(matches!(ok, Ok(CallEvent::Incoming(_))), "{ok:?}");
    // "calls:wrong"
    assert_eq!(
        twilio_post(
            TWILIO_URL,
            &body,
            &[("Authorization", "Basic Y2FsbHM6d3Jvbmc=")]
        ),
        Err(Refusal::Forbidden("wrong Basic credentials"))
    );
}

#[test]
fn nothing_configured_is_a_503_not_an_open_door() {
    let h = headers(&[("Content-Type", "application/x-www-form-urlencoded")]);
    let body = form(TWILIO_PARAMS);
    let req = WebhookRequest {
        method: "POST",
        url: TWILIO_URL,
        headers: &h,
        body: body.as_bytes(),
    };
    let r = authenticate_and_parse(
        Endpoint::Answer(Provider::Twilio),
        &req,
        &Secrets::default(),
        0,
    );
    assert_eq!(r.unwrap_err().status(), 503);
}

#[test]
fn signalwire_uses_its_header_and_signing_key() {
    let key = "PSK_signalwire_signing_key";
    let sig = twilio_signature(key, TWILIO_URL, &pairs(TWILIO_PARAMS));
    let h = headers(&[
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("X-SignalWire-Signature", &sig),
    ]);
    let body = form(TWILIO_PARAMS);
    let req = WebhookRequest {
        method: "POST",
        url: TWILIO_URL,
        headers: &h,
        body: body.as_bytes(),
    };
    let secrets = Secrets {
        signalwire_signing_key: Some(key.into()),
        ..Secrets::default()
    };
    let ev =
        authenticate_and_parse(Endpoint::Answer(Provider::SignalWire), &req, &secrets, 0).unwrap();
    assert!(matches!(ev, CallEvent::Incoming(c) if c.provider == Provider::SignalWire));
    // The Twilio token does not open SignalWire's endpoint.
    assert!(authenticate_and_parse(
        Endpoint::Answer(Provider::SignalWire),
        &req,
        &twilio_secrets(),
        0
    )
    .is_err());
}

#[test]
fn twilio_status_callback() {
    let params = [
        ("CallSid", "CA1234567890ABCDE"),
        ("CallStatus", "completed"),
        ("CallDuration", "73"),
        ("To", "+18005551212"),
        ("From", "+14158675309"),
    ];
    let url = "https://www.example.com/__dni/calls/twilio/status";
    let sig = twilio_signature(TWILIO_TOKEN, url, &pairs(&params));
    let h = headers(&[
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("X-Twilio-Signature", &sig),
    ]);
    let body = form(&params);
    let req = WebhookRequest {
        method: "POST",
        url,
        headers: &h,
        body: body.as_bytes(),
    };
    let ev = authenticate_and_parse(
        Endpoint::Status(Provider::Twilio),
        &req,
        &twilio_secrets(),
        0,
    )
    .unwrap();
    let CallEvent::Status(s) = ev else {
        panic!("{ev:?}")
    };
    assert_eq!(s.status, CallStatus::Completed);
    assert_eq!(s.duration_s, Some(73));
    assert_eq!(s.called, Some(e("+18005551212")));
}

// ---------------------------------------------------------------------------------------
// Plivo. Vectors: plivo/plivo-go, utils_test.go, TestValidateSignatureV3Pass1..4 (auth
// token, nonce and signatures as published there); the algorithm of Plivo's
// "Validation" page (https://www.plivo.com/docs/voice/xml/request/validation).

const PLIVO_TOKEN: &str = "Y2Q2ZDgxZmY5YWRiOTI5YmQ1Njg0MTAxZWIyOTc4";
const PLIVO_NONCE: &str = "31627761595286130198";
const PLIVO_URL_Q: &str =
    "https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml/?a=b&c=d";
const PLIVO_URL: &str = "https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml";
const PLIVO_PARAMS: &[(&str, &str)] = &[
    ("Direction", "outbound"),
    ("From", "19792014278"),
    ("ALegUUID", "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"),
    ("CallStatus", "in-progress"),
    ("BillRate", "0.002"),
    ("ParentAuthID", "MANWVLYTK4ZWU1YTY4QA"),
    (
        "To",
        "sip:PlivoSignature382029104058171078704104@phone-qa.voice.plivodev.com",
    ),
    ("ALegRequestUUID", "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"),
    ("CallUUID", "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"),
    ("RequestUUID", "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"),
    (
        "SIP-H-To",
        "<sip:PlivoSignature382029104058171078704104@52.9.11.55;transport=udp>;tag=1",
    ),
    ("SessionStart", "2020-04-08 11:34:33.238707"),
    ("Event", "StartApp"),
];

#[test]
fn plivo_documented_vectors() {
    let p = pairs(PLIVO_PARAMS);
    // Pass1: POST, URL with a query.
    assert_eq!(
        plivo_v3_signature(PLIVO_TOKEN, "POST", PLIVO_URL_Q, PLIVO_NONCE, &p),
        "k7Pusd4OxCIjR5IfA9iedDNu/h/gbdYqdzG/MiYtd1c="
    );
    // Pass3: POST, no query.
    assert_eq!(
        plivo_v3_signature(PLIVO_TOKEN, "POST", PLIVO_URL, PLIVO_NONCE, &p),
        "iAjE5QqI37mbkYe4w3jTMudqEzbDufdqi7sYwTu64e0="
    );
    // Pass2 and Pass4: GET, the parameters travel in the query.
    let get_q = format!("{PLIVO_URL_Q}&{}", form(PLIVO_PARAMS));
    assert_eq!(
        plivo_v3_signature(PLIVO_TOKEN, "GET", &get_q, PLIVO_NONCE, &[]),
        "UBq8jAtd32wR8EK9VgxbBn4n5rpI/l1H9iN4WfSEHFQ="
    );
    let get = format!("{PLIVO_URL}?{}", form(PLIVO_PARAMS));
    assert_eq!(
        plivo_v3_signature(PLIVO_TOKEN, "GET", &get, PLIVO_NONCE, &[]),
        "i/MQsaQSAd6fiKhOh2qeeeLHZ9faldADSb3/7+Akfbc="
    );
}

fn plivo_request(
    url: &str,
    body: &str,
    sig: &str,
    nonce: &str,
    endpoint: Endpoint,
) -> Result<CallEvent, Refusal> {
    let h = headers(&[
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("X-Plivo-Signature-V3", sig),
        ("X-Plivo-Signature-V3-Nonce", nonce),
    ]);
    let req = WebhookRequest {
        method: "POST",
        url,
        headers: &h,
        body: body.as_bytes(),
    };
    let secrets = Secrets {
        plivo_auth_token: Some(PLIVO_TOKEN.into()),
        ..Secrets::default()
    };
    authenticate_and_parse(endpoint, &req, &secrets, 0)
}

#[test]
fn plivo_answer_webhook_and_forgeries() {
    let params = [
        ("CallUUID", "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"),
        ("From", "14155550100"),
        ("To", "15035550150"),
        ("CallStatus", "ringing"),
        ("Direction", "inbound"),
        ("Event", "StartApp"),
    ];
    let url = "https://www.example.com/__dni/calls/plivo";
    let nonce = "05429567804466091622";
    let sig = plivo_v3_signature(PLIVO_TOKEN, "POST", url, nonce, &pairs(&params));
    let body = form(&params);
    let ev = plivo_request(url, &body, &sig, nonce, Endpoint::Answer(Provider::Plivo)).unwrap();
    let CallEvent::Incoming(c) = ev else {
        panic!("{ev:?}")
    };
    assert_eq!(c.called, e("+15035550150"));
    assert_eq!(c.caller, Some(e("+14155550100")));
    // Several signatures (token rotation): one match suffices.
    assert!(plivo_request(
        url,
        &body,
        &format!("bm9wZQ==,{sig}"),
        nonce,
        Endpoint::Answer(Provider::Plivo)
    )
    .is_ok());
    // Another nonce (a replay with a fresh nonce), an altered parameter, another URL.
    let forb = Err(Refusal::Forbidden("signature does not match"));
    assert_eq!(
        plivo_request(url, &body, &sig, "1", Endpoint::Answer(Provider::Plivo)),
        forb
    );
    assert_eq!(
        plivo_request(
            url,
            &body.replace("15035550150", "15035550151"),
            &sig,
            nonce,
            Endpoint::Answer(Provider::Plivo)
        ),
        forb
    );
    assert_eq!(
        plivo_request(
            "https://www.example.com/__dni/calls/plivo?x=1",
            &body,
            &sig,
            nonce,
            Endpoint::Answer(Provider::Plivo)
        ),
        forb
    );
}

#[test]
fn plivo_hangup_webhook() {
    let params = [
        ("CallUUID", "u-1"),
        ("To", "15035550150"),
        ("CallStatus", "completed"),
        ("Duration", "125"),
        ("BillDuration", "180"),
        ("HangupCause", "NORMAL_CLEARING"),
    ];
    let url = "https://www.example.com/__dni/calls/plivo/status";
    let sig = plivo_v3_signature(PLIVO_TOKEN, "POST", url, "n1", &pairs(&params));
    let ev = plivo_request(
        url,
        &form(&params),
        &sig,
        "n1",
        Endpoint::Status(Provider::Plivo),
    )
    .unwrap();
    let CallEvent::Status(s) = ev else {
        panic!("{ev:?}")
    };
    assert_eq!((s.status, s.duration_s), (CallStatus::Completed, Some(125)));
}

// ---------------------------------------------------------------------------------------
// Vonage. Vector: Vonage/vonage-python-sdk, jwt/tests/test_verify_jwt.py (token signed
// HS256 with the signature secret "qwertyuiopasdfghjklzxcvbnm123456"; iat 1697634680).
// Claims and payload_hash: "Voice API Webhooks Reference", "Signed webhooks"
// (https://developer.vonage.com/en/voice/voice-api/webhook-reference).

const VONAGE_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJPbmxpbmUgSldUIEJ1aWxkZXIiLCJpYXQiOjE2OTc2MzQ2ODAsImV4cCI6MzMyNTQ1NDA4MjgsImF1ZCI6IiIsInN1YiI6IiJ9.88vJc3I2HhuqEDixHXVhc9R30tA6U_HQHZTC29y6CGM";
const VONAGE_SECRET: &str = "qwertyuiopasdfghjklzxcvbnm123456";
const VONAGE_IAT_MS: i64 = 1_697_634_680_000;

fn vonage_secrets() -> Secrets {
    Secrets {
        vonage_signature_secret: Some(VONAGE_SECRET.into()),
        ..Secrets::default()
    }
}

#[test]
fn vonage_documented_vector() {
    let claims = verify_vonage_jwt(VONAGE_TOKEN, VONAGE_SECRET).unwrap();
    assert_eq!(claims.iat, Some(1_697_634_680));
    assert_eq!(claims.exp, Some(33_254_540_828));
    assert!(verify_vonage_jwt(VONAGE_TOKEN, "asdf").is_err());
    assert!(verify_vonage_jwt("asdf", VONAGE_SECRET).is_err());
}

fn vonage_get(url: &str, token: &str, now_ms: i64) -> Result<CallEvent, Refusal> {
    let h = headers(&[("Authorization", &format!("Bearer {token}"))]);
    let req = WebhookRequest {
        method: "GET",
        url,
        headers: &h,
        body: b"",
    };
    authenticate_and_parse(
        Endpoint::Answer(Provider::Vonage),
        &req,
        &vonage_secrets(),
        now_ms,
    )
}

#[test]
fn vonage_answer_webhook_fresh_and_replayed() {
    let url = "https://www.example.com/__dni/calls/vonage?to=15035550150&from=14155550100&uuid=aaaaaaaa-bbbb-cccc-dddd-0123456789ab&conversation_uuid=CON-aaaaaaaa";
    let ev = vonage_get(url, VONAGE_TOKEN, VONAGE_IAT_MS + 1_000).unwrap();
    let CallEvent::Incoming(c) = ev else {
        panic!("{ev:?}")
    };
    assert_eq!(c.called, e("+15035550150"));
    assert_eq!(c.call_id, "aaaaaaaa-bbbb-cccc-dddd-0123456789ab");
    // The same token six minutes later: a replay.
    assert!(vonage_get(url, VONAGE_TOKEN, VONAGE_IAT_MS + 6 * 60_000).is_err());
    // A token from the future.
    assert!(vonage_get(url, VONAGE_TOKEN, VONAGE_IAT_MS - 5 * 60_000).is_err());
}

fn hs256(claims: &str, secret: &str, alg: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let h = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
    let p = URL_SAFE_NO_PAD.encode(claims);
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{h}.{p}").as_bytes());
    format!(
        "{h}.{p}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

#[test]
fn vonage_event_with_payload_hash_and_forgeries() {
    use sha2::{Digest, Sha256};
    let body = r#"{"from":"14155550100","to":"15035550150","uuid":"aaaaaaaa-bbbb-cccc-dddd-0123456789ab","conversation_uuid":"CON-aaaaaaaa","status":"completed","direction":"inbound","timestamp":"2026-11-22T10:02:05.000Z","duration":"125","start_time":"2026-11-22T10:00:00.000Z","end_time":"2026-11-22T10:02:05.000Z"}"#;
    let hash: String = Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let now_s = 1_795_341_725;
    let claims = format!(
        r#"{{"iat":{now_s},"jti":"c5ba8f24-1a14-4c10-bfdf-3fbe8ce511b5","iss":"Vonage","payload_hash":"{hash}","api_key":"a1b2c3d4","application_id":"aaaaaaaa-bbbb-cccc-dddd-0123456789ab"}}"#
    );
    let token = hs256(&claims, VONAGE_SECRET, "HS256");
    let post = |body: &str, token: &str| {
        let h = headers(&[
            ("Content-Type", "application/json"),
            ("Authorization", &format!("Bearer {token}")),
        ]);
        let req = WebhookRequest {
            method: "POST",
            url: "https://www.example.com/__dni/calls/vonage/status",
            headers: &h,
            body: body.as_bytes(),
        };
        authenticate_and_parse(
            Endpoint::Status(Provider::Vonage),
            &req,
            &vonage_secrets(),
            now_s * 1000,
        )
    };
    let ev = post(body, &token).unwrap();
    let CallEvent::Status(s) = ev else {
        panic!("{ev:?}")
    };
    assert_eq!((s.status, s.duration_s), (CallStatus::Completed, Some(125)));
    // Altered body (longer call), same token: the payload hash no longer matches.
    assert_eq!(
        post(&body.replace("\"125\"", "\"999\""), &token),
        Err(Refusal::Forbidden("payload does not match `payload_hash`"))
    );
    // Signed with another secret; "alg": "none"; not a JWT.
    assert!(post(body, &hs256(&claims, "another secret", "HS256")).is_err());
    assert!(post(body, &hs256(&claims, VONAGE_SECRET, "none")).is_err());
    assert!(post(body, "not-a-jwt").is_err());
}
