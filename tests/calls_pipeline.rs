//! Calls through the whole pipeline, natively: visitors land and lease numbers (with the
//! consent in force), providers' webhooks are authenticated, answered and recorded in the
//! site's stats object, status callbacks complete the records and queue the signed webhook
//! for consented calls only, and the history, CSV, Google Ads export and dashboard report
//! read them back. The pool objects are `MemoryPools`: the same object logic as in workerd.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use consent_dni::api::calls::{answer, CallsAnswer, CallsRequest};
use consent_dni::error::HttpError;
use consent_dni::pool::{CallStore, DeliveryState, MemoryPools, PoolOp};
use consent_dni::request::{EdgeFacts, RequestFacts};
use consent_dni::runtime::{Runtime, Site};
use consent_dni::session::{numbers_for, SessionInputs};
use dni_calls::{twilio_signature, CallStatus, Endpoint, Provider, Secrets, WebhookRequest};
use dni_common::Category;
use dni_numbers::E164;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

fn ready<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("memory pools answer at once"),
    }
}

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-test";
const T0: i64 = 1_795_341_600_000;
const MIN: i64 = 60_000;
/// OneTrust: every group granted.
const ACCEPT: &str = "OptanonConsent=groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1";
/// OneTrust: performance (analytics) and functional granted, targeting (marketing) refused.
const NO_ADS: &str = "OptanonConsent=groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A0";
const API_TOKEN: &str = "api-token-0123456789";
const TWILIO_TOKEN: &str = "twilio-auth-token-abcdef";
const URL: &str = "https://www.example.com/__dni/calls/twilio";
const STATUS_URL: &str = "https://www.example.com/__dni/calls/twilio/status";
const MAIN: &str = "+15035550142";

/// Swapping needs analytics (so a visitor may lease without granting marketing); calls go
/// out (Google Ads, webhook) only with marketing, the default `consent_category`.
fn runtime() -> Runtime {
    Runtime::from_json(
        r#"{"sites": [{"name": "t", "hosts": ["*"],
          "session": {"account_id": "1001"},
          "consent": {"required_category": "analytics"},
          "calls": {"google_ads": {"conversion_name": "Phone call"},
                    "webhook": {"url": "https://crm.example.com/hooks/calls", "min_duration_seconds": 30}},
          "targets": [{"number": "+15035550142", "fallback": "+15035550199", "sources": [
            {"name": "google_ads", "when": {"click_ids": ["gclid"]}, "numbers": ["+15035550150", "+15035550151"]},
            {"name": "default", "numbers": ["+15035550170"]}]}]}]}"#,
    )
    .unwrap()
}

fn secrets() -> Secrets {
    Secrets {
        api_token: Some(API_TOKEN.into()),
        twilio_auth_token: Some(TWILIO_TOKEN.into()),
        ..Secrets::default()
    }
}

/// A consented landing at `now`: the tracking number shown.
fn land(site: &Site, pools: &MemoryPools, url: &str, cookie: &str, id: u8, now: i64) -> E164 {
    // A browser's top-level navigation (Firefox 140's headers): only browsers lease.
    let headers = [
        ("sec-fetch-dest", "document"),
        ("sec-fetch-mode", "navigate"),
        (
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
        ),
        (
            "accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        ),
        ("accept-language", "de,en-US;q=0.7,en;q=0.3"),
        ("cookie", cookie),
    ];
    let edge = EdgeFacts {
        country: Some("DE".into()),
        ..EdgeFacts::default()
    };
    let facts = RequestFacts::read("GET", url, headers.as_slice(), edge, now);
    let decision = facts.decide(site);
    let inputs = SessionInputs::page(site, &facts, &decision, Some(SECRET));
    let numbers = ready(numbers_for(inputs, || Some([id; 16]), pools));
    assert!(numbers.personal, "{numbers:?}");
    numbers.swaps[0].1
}

struct Hook {
    endpoint: Endpoint,
    method: &'static str,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn form(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, NON_ALPHANUMERIC)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A Twilio form webhook to `url`, signed with `token` over `signed` (the parameters Twilio
/// sent; `params` is what arrives).
fn twilio(url: &str, params: &[(&str, &str)], signed: &[(&str, &str)], token: &str) -> Hook {
    let owned: Vec<(String, String)> = signed
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let path = url.splitn(4, '/').nth(3).unwrap();
    let endpoint = Endpoint::from_path(&format!("/{path}")).unwrap();
    Hook {
        endpoint,
        method: "POST",
        url: url.into(),
        headers: vec![
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            (
                "X-Twilio-Signature".into(),
                twilio_signature(token, url, &owned),
            ),
        ],
        body: form(params).into_bytes(),
    }
}

fn api(method: &'static str, query: &str, token: Option<&str>, body: &str) -> Hook {
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    if let Some(t) = token {
        headers.push(("authorization".into(), format!("Bearer {t}")));
    }
    Hook {
        endpoint: Endpoint::Api,
        method,
        url: format!("https://www.example.com/__dni/calls{query}"),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

fn send(site: &Site, pools: &MemoryPools, hook: &Hook, now: i64) -> Result<CallsAnswer, HttpError> {
    let secrets = secrets();
    let req = CallsRequest {
        endpoint: hook.endpoint,
        http: WebhookRequest {
            method: hook.method,
            url: &hook.url,
            headers: &hook.headers,
            body: &hook.body,
        },
        secrets: &secrets,
        now_ms: now,
    };
    ready(answer(site, &req, pools))
}

fn status(e: Result<CallsAnswer, HttpError>) -> u16 {
    match e {
        Ok(a) => a.response.status,
        Err(e) => e.status(),
    }
}

#[test]
fn provider_webhooks_record_calls_with_their_attribution_and_the_consent_at_lease_time() {
    let rt = runtime();
    let site = rt.site(0).unwrap();
    let pools = MemoryPools::new();
    let ads = land(
        site,
        &pools,
        "https://www.example.com/?gclid=GA-1&utm_campaign=spring",
        ACCEPT,
        1,
        T0,
    );
    let no_ads = land(
        site,
        &pools,
        "https://www.example.com/?gclid=GB-2&utm_campaign=summer",
        NO_ADS,
        2,
        T0,
    );
    assert_ne!(ads, no_ads);

    // The lease carried the consent decision in force.
    let lease_ops: Vec<_> = pools
        .calls()
        .into_iter()
        .filter_map(|(_, r)| match r.op {
            PoolOp::Lease { attribution, .. } => attribution.consent,
            _ => None,
        })
        .collect();
    assert_eq!(lease_ops.len(), 2);
    assert!(lease_ops[0].granted(Category::Marketing));
    assert!(
        !lease_ops[1].granted(Category::Marketing) && lease_ops[1].granted(Category::Analytics)
    );
    assert_eq!(
        (lease_ops[0].signal.as_str(), lease_ops[0].regime.as_str()),
        ("onetrust", "opt_in")
    );

    // Twilio's voice webhook, signed as Twilio signs: TwiML dialling the target.
    let params = [
        ("CallSid", "CA-A"),
        ("To", ads.as_str()),
        ("From", "+14155550100"),
        ("CallStatus", "ringing"),
    ];
    let hook = twilio(URL, &params, &params, TWILIO_TOKEN);
    let a = send(site, &pools, &hook, T0 + 5 * MIN).unwrap();
    assert!(a.faults.is_empty(), "{:?}", a.faults);
    assert_eq!(a.response.status, 200);
    assert!(a
        .response
        .headers
        .contains(&("content-type", "text/xml; charset=utf-8".into())));
    assert_eq!(
        a.response.body,
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="+14155550100">+15035550142</Dial></Response>"#
    );
    // A replay answers the same and records nothing new.
    assert_eq!(
        send(site, &pools, &hook, T0 + 6 * MIN).unwrap().response,
        a.response
    );

    let stats = site.stats_pool.name.clone();
    let rec = pools
        .with_store(&stats, |s| s.call(Provider::Twilio, "CA-A"))
        .unwrap()
        .unwrap();
    assert_eq!((rec.tracking_number, rec.target.as_str()), (ads, MAIN));
    assert_eq!(
        (rec.status, rec.started_at_ms),
        (CallStatus::Ringing, T0 + 5 * MIN)
    );
    assert_eq!(rec.source.as_deref(), Some("google_ads"));
    assert_eq!(rec.click_id("gclid"), Some("GA-1"));
    assert_eq!(
        rec.attribution.as_ref().unwrap().utm_campaign.as_deref(),
        Some("spring")
    );
    assert!(rec.consented(Category::Marketing));

    // Forged, altered, other-URL and unsigned requests are refused; nothing is recorded.
    let altered = [
        ("CallSid", "CA-X"),
        ("To", ads.as_str()),
        ("From", "+14155550100"),
        ("CallStatus", "ringing"),
    ];
    assert_eq!(
        status(send(
            site,
            &pools,
            &twilio(URL, &altered, &params, TWILIO_TOKEN),
            T0
        )),
        403
    );
    assert_eq!(
        status(send(
            site,
            &pools,
            &twilio(URL, &params, &params, "wrong-token"),
            T0
        )),
        403
    );
    let mut elsewhere = twilio(
        "https://evil.example/__dni/calls/twilio",
        &params,
        &params,
        TWILIO_TOKEN,
    );
    elsewhere.url = URL.into();
    assert_eq!(status(send(site, &pools, &elsewhere, T0)), 403);
    let mut unsigned = twilio(URL, &altered, &altered, TWILIO_TOKEN);
    unsigned.headers.retain(|(k, _)| k != "X-Twilio-Signature");
    let e = send(site, &pools, &unsigned, T0).unwrap_err();
    assert_eq!(e, HttpError::UnauthorizedBasic);
    assert!(e
        .response()
        .headers
        .iter()
        .any(|(k, v)| *k == "www-authenticate" && v.starts_with("Basic")));
    assert_eq!(
        pools
            .with_store(&stats, |s| s.call(Provider::Twilio, "CA-X"))
            .unwrap(),
        None
    );
    // Basic credentials in the webhook URL (the password is the API token) work too.
    unsigned.headers.push((
        "Authorization".into(),
        format!("Basic {}", base64_encode(&format!("calls:{API_TOKEN}"))),
    ));
    assert_eq!(status(send(site, &pools, &unsigned, T0 + 7 * MIN)), 200);

    // The other visitor calls too.
    let params_b = [
        ("CallSid", "CA-B"),
        ("To", no_ads.as_str()),
        ("From", "anonymous"),
    ];
    let b = send(
        site,
        &pools,
        &twilio(URL, &params_b, &params_b, TWILIO_TOKEN),
        T0 + 8 * MIN,
    )
    .unwrap();
    assert!(
        b.response
            .body
            .contains(&format!(r#"<Dial callerId="{no_ads}">+15035550142</Dial>"#)),
        "withheld caller: the tracking number"
    );

    // Status callbacks: durations recorded; the consented call's webhook is queued, the
    // other's never; an unknown call is acknowledged and ignored.
    for (sid, secs) in [("CA-A", "95"), ("CA-B", "120"), ("CA-unknown", "5")] {
        let p = [
            ("CallSid", sid),
            ("CallStatus", "completed"),
            ("CallDuration", secs),
        ];
        let r = send(
            site,
            &pools,
            &twilio(STATUS_URL, &p, &p, TWILIO_TOKEN),
            T0 + 12 * MIN,
        )
        .unwrap();
        assert_eq!((r.response.status, r.response.body.as_str()), (204, ""));
    }
    let (a_rec, queued) = pools.with_store(&stats, |s| {
        (
            s.call(Provider::Twilio, "CA-A").unwrap().unwrap(),
            s.deliveries(),
        )
    });
    assert_eq!(
        (a_rec.status, a_rec.duration_s),
        (CallStatus::Completed, Some(95))
    );
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(
        (queued[0].0, queued[0].1.call_id.as_str()),
        (DeliveryState::Pending, "CA-A")
    );
    assert_eq!(queued[0].1.url, "https://crm.example.com/hooks/calls");
    assert_eq!(
        pools
            .with_store(&stats, |s| s.call(Provider::Twilio, "CA-unknown"))
            .unwrap(),
        None
    );

    // History: JSON (bearer), CSV (neutralised), the Google Ads file (consented only).
    let now = T0 + 20 * MIN;
    let j = send(
        site,
        &pools,
        &api("GET", "?from=2026-11-22", Some(API_TOKEN), ""),
        now,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&j.response.body).unwrap();
    assert_eq!(
        (v["count"].as_u64(), v["truncated"].as_bool()),
        (Some(3), Some(false))
    );
    let ids: Vec<&str> = v["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["call_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["CA-B", "CA-X", "CA-A"], "newest first");
    assert_eq!(
        v["calls"][0]["consent"]["granted"],
        serde_json::json!(["necessary", "functional", "analytics"])
    );
    assert_eq!(v["calls"][2]["attribution"]["click_ids"]["gclid"], "GA-1");
    let csv = send(
        site,
        &pools,
        &api("GET", "?from=2026-11-22&format=csv", Some(API_TOKEN), ""),
        now,
    )
    .unwrap();
    assert!(csv
        .response
        .body
        .starts_with("started_at,provider,call_id,"));
    assert!(
        csv.response
            .body
            .contains(&format!(",'{ads},'+15035550142,")),
        "{}",
        csv.response.body
    );
    let gads = send(
        site,
        &pools,
        &api(
            "GET",
            "?from=2026-11-22&format=google_ads",
            Some(API_TOKEN),
            "",
        ),
        now,
    )
    .unwrap();
    assert!(
        gads.response
            .body
            .contains("GA-1,Phone call,2026-11-22 10:05:00,,,Granted,Granted"),
        "{}",
        gads.response.body
    );
    assert!(
        !gads.response.body.contains("GB-2"),
        "no marketing consent: not exported"
    );
    assert_eq!(
        status(send(site, &pools, &api("GET", "", None, ""), now)),
        401
    );
    assert_eq!(
        status(send(site, &pools, &api("GET", "", Some("nope"), ""), now)),
        403
    );
    assert_eq!(
        status(send(
            site,
            &pools,
            &api("GET", "?from=yesterday", Some(API_TOKEN), ""),
            now
        )),
        400
    );
    assert_eq!(
        status(send(
            site,
            &pools,
            &api("DELETE", "", Some(API_TOKEN), ""),
            now
        )),
        405
    );

    // The dashboard's data: calls per source per day and per campaign.
    let report = ready(consent_dni::api::stats::report(site, 30, now, &pools));
    assert_eq!(report.calls.total(), 3);
    assert_eq!(report.calls.days[0].counters.get("google_ads"), Some(&3));
    let spring = report
        .calls
        .campaigns
        .iter()
        .find(|c| c.campaign == "spring")
        .unwrap();
    assert_eq!(
        (
            spring.calls,
            spring.completed,
            spring.talk_seconds,
            spring.consented
        ),
        (2, 1, 95, 2)
    );
    let summer = report
        .calls
        .campaigns
        .iter()
        .find(|c| c.campaign == "summer")
        .unwrap();
    assert_eq!((summer.calls, summer.consented), (1, 0));
    let html = consent_dni::api::dashboard::dashboard_page(&report);
    assert!(html.contains("id=\"chart-calls\""));
    assert!(html.contains("data-series=\"google_ads\" data-value=\"3\""));
    assert!(
        html.contains("<td>spring</td><td>2</td><td>1</td><td>1:35</td><td>2</td>"),
        "{html}"
    );
}

fn base64_encode(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn the_json_lookup_api_answers_with_the_landing_attribution() {
    let rt = runtime();
    let site = rt.site(0).unwrap();
    let pools = MemoryPools::new();
    let tracking = land(
        site,
        &pools,
        "https://x.test/landing?gclid=G7&utm_campaign=spring",
        ACCEPT,
        7,
        T0,
    );
    let body = format!(r#"{{"called": "{tracking}", "at": {}}}"#, T0 + 5 * MIN);
    let r = send(
        site,
        &pools,
        &api("POST", "", Some(API_TOKEN), &body),
        T0 + 6 * MIN,
    )
    .unwrap();
    assert_eq!(r.response.status, 200);
    let v: serde_json::Value = serde_json::from_str(&r.response.body).unwrap();
    assert_eq!(
        (v["target"].as_str(), v["route"].as_str()),
        (Some(MAIN), Some(MAIN))
    );
    assert_eq!(v["attribution"]["source"], "google_ads");
    assert_eq!(v["attribution"]["click_ids"]["gclid"], "G7");
    assert_eq!(v["attribution"]["utm_campaign"], "spring");
    assert!(
        v["attribution"].get("consent").is_none(),
        "the lookup does not echo consent"
    );
    // A lookup records nothing.
    let stats = site.stats_pool.name.clone();
    assert!(pools
        .with_store(&stats, |s| s.calls_between(0, i64::MAX, 10))
        .unwrap()
        .is_empty());

    let unknown = send(
        site,
        &pools,
        &api("POST", "", Some(API_TOKEN), r#"{"called": "+15035559998"}"#),
        T0,
    )
    .unwrap();
    assert_eq!(unknown.response.status, 404);
    assert_eq!(
        status(send(
            site,
            &pools,
            &api("POST", "", Some(API_TOKEN), r#"{"called": 5}"#),
            T0
        )),
        400
    );
    let mut csv = api("POST", "", Some(API_TOKEN), "x");
    csv.headers[0].1 = "text/csv".into();
    assert_eq!(status(send(site, &pools, &csv, T0)), 415);
    assert_eq!(
        status(send(site, &pools, &api("POST", "", None, &body), T0)),
        401
    );
    let ads = site.pool(0, 0).unwrap().name.clone();
    pools.break_storage(&ads, true);
    assert_eq!(
        status(send(
            site,
            &pools,
            &api("POST", "", Some(API_TOKEN), &body),
            T0
        )),
        502,
        "a storage fault is not 'no attribution'"
    );
}

#[test]
fn a_caller_is_connected_even_when_the_pools_are_down_and_a_lost_status_is_retried() {
    let rt = runtime();
    let site = rt.site(0).unwrap();
    let pools = MemoryPools::new();
    let tracking = land(site, &pools, "https://x.test/?gclid=G9", ACCEPT, 9, T0);
    pools.cut_off(&site.pool(0, 0).unwrap().name);
    pools.cut_off(&site.stats_pool.name);
    let params = [
        ("CallSid", "CA-9"),
        ("To", tracking.as_str()),
        ("From", "+14155550100"),
    ];
    let a = send(
        site,
        &pools,
        &twilio(URL, &params, &params, TWILIO_TOKEN),
        T0 + MIN,
    )
    .unwrap();
    assert_eq!(a.response.status, 200);
    assert!(a.response.body.contains(">+15035550142</Dial>"));
    assert_eq!(
        a.faults.len(),
        2,
        "the lookup and the record failed: {:?}",
        a.faults
    );
    // A status update that cannot be stored is answered 502, so the provider may retry it.
    let p = [
        ("CallSid", "CA-9"),
        ("CallStatus", "completed"),
        ("CallDuration", "60"),
    ];
    assert_eq!(
        status(send(
            site,
            &pools,
            &twilio(STATUS_URL, &p, &p, TWILIO_TOKEN),
            T0 + 2 * MIN
        )),
        502
    );
    // Calls to a number that is none of the site's are rejected, unrecorded.
    let p = [
        ("CallSid", "CA-10"),
        ("To", "+15035550100"),
        ("From", "+14155550100"),
    ];
    let r = send(site, &pools, &twilio(URL, &p, &p, TWILIO_TOKEN), T0).unwrap();
    assert!(r.response.body.contains("<Reject/>"));
}
