#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Routing, answers, records, history, conversions and the webhook, end to end through the
//! public API (the shell's steps in the crate docs).

use dni_calls::webhook::{AttemptResult, Next};
use dni_calls::{
    backoff_ms, eligible, google_ads_csv, history_csv, neutralize, next_step, parse_history_query,
    plan_call, render_history, respond, retention_cutoff_ms, sign, validate_calls,
    verify_signature, webhook_body, CallEvent, CallRecord, CallStatus, CallsConfig,
    GoogleAdsConfig, HistoryFormat, IncomingCall, Lookup, Provider, Skip, StatusUpdate,
    WebhookConfig, GOOGLE_ADS_HEADER,
};
use dni_common::{Category, ConfigIssue};
use dni_numbers::E164;
use dni_sessions::{LeaseRecord, NumberRole, TargetConfig};

fn e(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

fn targets() -> Vec<TargetConfig> {
    serde_json::from_str(
        r#"[{"number": "+15035550142", "fallback": "+15035550199", "sources": [
              {"name": "google_ads", "when": {"click_ids": ["gclid"]}, "numbers": ["+15035550150", "+15035550151"]},
              {"name": "default", "numbers": ["+15035550170"]}]},
            {"number": "+442079460018", "fallback": "+442079460999", "sources": [
              {"name": "default", "numbers": ["+442079460100"]}]}]"#,
    )
    .unwrap()
}

fn calls(extra: &str) -> CallsConfig {
    serde_json::from_str(&format!("{{{extra}}}")).unwrap()
}

const ATTRIBUTION: &str = r#"{"source":"google_ads","landing_url":"https://www.example.com/?gclid=Cj0KCQiA-abc_123&utm_source=google","referrer":"https://www.google.com/","utm_source":"google","utm_medium":"cpc","utm_campaign":"spring","utm_term":null,"utm_content":null,"click_ids":{"gclid":"Cj0KCQiA-abc_123"},"landed_at_ms":1795340000000,"consent":{"granted":["necessary","analytics","marketing"],"signal":"onetrust","regime":"opt_in","gpc":false}}"#;

/// A lease record as the pool's storage returns it (attribution as stored JSON text).
fn lease(attribution: &str) -> LeaseRecord {
    serde_json::from_value(serde_json::json!({
        "number": "+15035550150",
        "session": "0123456789abcdef0123456789abcdef",
        "from_ms": 1_795_340_000_000_i64,
        "until_ms": null,
        "attribution": attribution,
    }))
    .unwrap()
}

fn incoming(provider: Provider, called: &str, caller: Option<&str>) -> IncomingCall {
    IncomingCall {
        provider,
        call_id: "CA1".into(),
        called: e(called),
        caller: caller.map(e),
    }
}

#[test]
fn routing_follows_the_source_route() {
    let t = targets();
    let c = calls(r#""routes": [{"source": "google_ads", "to": "+15035550111"}]"#);
    let p = plan_call(&t, &c, &e("+15035550151")).unwrap();
    assert_eq!(p.dial, e("+15035550111"));
    assert_eq!(p.target, e("+15035550142"));
    assert_eq!(p.source.as_deref(), Some("google_ads"));
    assert_eq!(p.pool(), Some((0, 0)));
    // Other sources, targets and fallbacks ring the target.
    assert_eq!(
        plan_call(&t, &c, &e("+15035550170")).unwrap().dial,
        e("+15035550142")
    );
    let f = plan_call(&t, &c, &e("+15035550199")).unwrap();
    assert_eq!(
        (f.dial, f.role, f.pool()),
        (e("+15035550142"), NumberRole::Fallback { target: 0 }, None)
    );
    assert_eq!(
        plan_call(&t, &c, &e("+442079460100")).unwrap().dial,
        e("+442079460018")
    );
    assert_eq!(plan_call(&t, &c, &e("+15035550000")), None);
    // A route limited to another target does not apply.
    let other = calls(
        r#""routes": [{"source": "default", "target": "+442079460018", "to": "+442079460555"}]"#,
    );
    assert_eq!(
        plan_call(&t, &other, &e("+15035550170")).unwrap().dial,
        e("+15035550142")
    );
    assert_eq!(
        plan_call(&t, &other, &e("+442079460100")).unwrap().dial,
        e("+442079460555")
    );
}

#[test]
fn answers_per_provider_with_caller_id_rules() {
    let t = targets();
    let c = calls(r#""routes": [{"source": "google_ads", "to": "+15035550111"}]"#);
    let plan = plan_call(&t, &c, &e("+15035550150"));
    let ans = |call: IncomingCall, cfg: &CallsConfig| {
        respond(&CallEvent::Incoming(call), plan.as_ref(), None, cfg)
    };
    let tw = ans(
        incoming(Provider::Twilio, "+15035550150", Some("+14155550100")),
        &c,
    );
    assert_eq!(tw.status, 200);
    assert_eq!(tw.content_type, "text/xml; charset=utf-8");
    assert_eq!(
        tw.body,
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="+14155550100">+15035550111</Dial></Response>"#
    );
    // Withheld caller: the tracking number (Twilio refuses an invalid callerId, error 13214).
    let anon = ans(incoming(Provider::Twilio, "+15035550150", None), &c);
    assert!(
        anon.body.contains(r#"callerId="+15035550150""#),
        "{}",
        anon.body
    );
    let tracking = calls(
        r#""caller_id": "tracking", "routes": [{"source": "google_ads", "to": "+15035550111"}]"#,
    );
    let tr = ans(
        incoming(Provider::SignalWire, "+15035550150", Some("+14155550100")),
        &tracking,
    );
    assert!(
        tr.body.contains(r#"callerId="+15035550150""#),
        "{}",
        tr.body
    );
    let pl = ans(
        incoming(Provider::Plivo, "+15035550150", Some("+14155550100")),
        &c,
    );
    assert_eq!(
        pl.body,
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="14155550100"><Number>15035550111</Number></Dial></Response>"#
    );
    let vo = ans(
        incoming(Provider::Vonage, "+15035550150", Some("+14155550100")),
        &c,
    );
    assert_eq!(vo.content_type, "application/json");
    let ncco: serde_json::Value = serde_json::from_str(&vo.body).unwrap();
    assert_eq!(
        ncco,
        serde_json::json!([{"action": "connect", "from": "15035550150",
            "endpoint": [{"type": "phone", "number": "15035550111"}]}])
    );
    // Unknown numbers are rejected in each language.
    for (p, needle) in [
        (Provider::Twilio, "<Reject/>"),
        (Provider::Plivo, "<Hangup reason=\"rejected\"/>"),
        (Provider::Vonage, "[]"),
    ] {
        let a = respond(
            &CallEvent::Incoming(incoming(p, "+15035550000", None)),
            None,
            None,
            &c,
        );
        assert!(a.body.contains(needle), "{p:?}: {}", a.body);
    }
}

#[test]
fn lookup_json_answer() {
    let t = targets();
    let c = CallsConfig::default();
    let plan = plan_call(&t, &c, &e("+15035550150"));
    let ev = CallEvent::Lookup(Lookup {
        called: e("+15035550150"),
        at_ms: None,
        from: None,
    });
    let l = lease(ATTRIBUTION);
    let a = respond(&ev, plan.as_ref(), Some(&l), &c);
    let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    assert_eq!(v["tracking_number"], "+15035550150");
    assert_eq!(v["target"], "+15035550142");
    assert_eq!(v["route"], "+15035550142");
    assert_eq!(v["attribution"]["click_ids"]["gclid"], "Cj0KCQiA-abc_123");
    assert_eq!(
        v["attribution"]["session_started"],
        "2026-11-22T09:33:20.000Z"
    );
    assert_eq!(v["attribution"]["lease_until"], serde_json::Value::Null);
    assert_eq!(respond(&ev, None, None, &c).status, 404);
    let unattributed = respond(&ev, plan.as_ref(), None, &c);
    assert!(unattributed.body.contains("\"attribution\":null"));
}

fn record(status: CallStatus, duration: Option<u32>, attribution: &str) -> CallRecord {
    let t = targets();
    let c = CallsConfig::default();
    let plan = plan_call(&t, &c, &e("+15035550150")).unwrap();
    let l = lease(attribution);
    let mut r = CallRecord::new(
        &incoming(Provider::Twilio, "+15035550150", Some("+14155550100")),
        &plan,
        Some(&l),
        1_795_341_600_000,
    );
    r.apply(
        &StatusUpdate {
            provider: Provider::Twilio,
            call_id: "CA1".into(),
            called: None,
            status,
            duration_s: duration,
        },
        1_795_341_700_000,
    );
    r
}

#[test]
fn records_keep_attribution_consent_and_apply_status_monotonically() {
    let mut r = record(CallStatus::Completed, Some(125), ATTRIBUTION);
    assert_eq!(r.source.as_deref(), Some("google_ads"));
    assert_eq!(r.click_id("gclid"), Some("Cj0KCQiA-abc_123"));
    assert!(r.consented(Category::Marketing));
    assert_eq!(r.consent.as_ref().unwrap().signal, "onetrust");
    assert_eq!((r.status, r.duration_s), (CallStatus::Completed, Some(125)));
    let late = StatusUpdate {
        provider: Provider::Twilio,
        call_id: "CA1".into(),
        called: None,
        status: CallStatus::Ringing,
        duration_s: None,
    };
    assert!(!r.apply(&late, 1));
    // Replayed final callback: no change.
    let replay = StatusUpdate {
        status: CallStatus::Completed,
        duration_s: Some(125),
        ..late.clone()
    };
    assert!(!r.apply(&replay, 2));
    // Another call's callback never touches this record.
    let other = StatusUpdate {
        call_id: "CA2".into(),
        status: CallStatus::Failed,
        ..late
    };
    assert!(!r.apply(&other, 3));
    assert_eq!(r.status, CallStatus::Completed);
    // Retention.
    let day = 86_400_000;
    assert!(!r.expired(r.started_at_ms + 90 * day, 90));
    assert!(r.expired(r.started_at_ms + 90 * day + 1, 90));
    assert_eq!(retention_cutoff_ms(100 * day, 90), 10 * day);
    // A lease stored before consent was recorded: no consent, never sent out.
    let old = record(
        CallStatus::Completed,
        Some(125),
        r#"{"source":"google_ads","landing_url":"https://www.example.com/"}"#,
    );
    assert_eq!(old.consent, None);
    assert_eq!(eligible(&old, 0, Category::Marketing), Err(Skip::NoConsent));
    assert_eq!(lease("not json").attribution.consent, None);
}

#[test]
fn history_query_parsing() {
    let now = 1_795_341_600_000;
    let q = parse_history_query("", now).unwrap();
    assert_eq!(
        (q.to_ms, q.to_ms - q.from_ms, q.format),
        (now, 30 * 86_400_000, HistoryFormat::Json)
    );
    let q = parse_history_query("from=2026-11-01&to=2026-11-22&format=csv", now).unwrap();
    assert_eq!(q.from_ms, 1_793_491_200_000);
    assert_eq!(q.to_ms, 1_795_392_000_000); // end of 2026-11-22
    assert_eq!(q.format, HistoryFormat::Csv);
    let q = parse_history_query(
        "from=2026-11-22T10:00:00%2B02:00&to=1795341600000&format=google_ads",
        now,
    )
    .unwrap();
    assert_eq!(
        (q.from_ms, q.format),
        (1_795_334_400_000, HistoryFormat::GoogleAds)
    );
    for bad in [
        "from=yesterday",
        "to=2026-13-01",
        "from=2026-11-22&to=2026-11-01",
        "from=2024-01-01&to=2026-01-01",
        "format=xml",
    ] {
        let err = parse_history_query(bad, now).unwrap_err();
        assert_eq!(err.status(), 400, "{bad}");
    }
}

#[test]
fn csv_injection_is_neutralised() {
    for (v, want) in [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+15035550142", "'+15035550142"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("google", "google"),
        ("", ""),
    ] {
        assert_eq!(neutralize(v), want);
    }
    let evil = ATTRIBUTION.replace(
        "\"utm_campaign\":\"spring\"",
        "\"utm_campaign\":\"=cmd|' /C calc'!A0\"",
    );
    let r = record(CallStatus::Completed, Some(125), &evil);
    let csv = history_csv(&[&r]);
    let mut lines = csv.split("\r\n");
    assert!(lines
        .next()
        .unwrap()
        .starts_with("started_at,provider,call_id,tracking_number"));
    let row = lines.next().unwrap();
    assert!(row.contains(",'=cmd|' /C calc'!A0,"), "{row}");
    assert!(row.contains(",'+15035550150,"), "{row}");
    assert!(row.contains(",gclid=Cj0KCQiA-abc_123,"), "{row}");
    assert!(
        row.contains(",necessary;analytics;marketing,onetrust,opt_in"),
        "{row}"
    );
    // A comma or quote is quoted, not split.
    let quoted = ATTRIBUTION.replace(
        "\"utm_campaign\":\"spring\"",
        "\"utm_campaign\":\"a,\\\"b\"",
    );
    let r = record(CallStatus::Completed, Some(125), &quoted);
    assert!(history_csv(&[&r]).contains(",\"a,\"\"b\","));
}

#[test]
fn google_ads_export_is_consent_gated() {
    let cfg = GoogleAdsConfig {
        conversion_name: "Phone call".into(),
        min_duration_seconds: 60,
        value: Some(50.0),
        currency: Some("USD".into()),
    };
    let granted = record(CallStatus::Completed, Some(125), ATTRIBUTION);
    let declined = record(
        CallStatus::Completed,
        Some(125),
        &ATTRIBUTION.replace(
            r#""granted":["necessary","analytics","marketing"]"#,
            r#""granted":["necessary","analytics"]"#,
        ),
    );
    let short = record(CallStatus::Completed, Some(20), ATTRIBUTION);
    let busy = record(CallStatus::Busy, None, ATTRIBUTION);
    let no_gclid = record(
        CallStatus::Completed,
        Some(125),
        &ATTRIBUTION.replace(
            r#""click_ids":{"gclid":"Cj0KCQiA-abc_123"}"#,
            r#""click_ids":{"msclkid":"x"}"#,
        ),
    );
    let out = google_ads_csv(
        &[&granted, &declined, &short, &busy, &no_gclid],
        &cfg,
        Category::Marketing,
    );
    assert_eq!(
        out.csv,
        format!("{GOOGLE_ADS_HEADER}Cj0KCQiA-abc_123,Phone call,2026-11-22 10:00:00,50.00,USD,Granted,Granted\r\n")
    );
    assert_eq!(
        (
            out.included,
            out.skipped_no_consent,
            out.skipped_no_click_id,
            out.skipped_other
        ),
        (1, 1, 1, 2)
    );
    // A click id that would need neutralising is left out, not altered.
    let odd = record(
        CallStatus::Completed,
        Some(125),
        &ATTRIBUTION.replace("Cj0KCQiA-abc_123\"}", "-1+1\"}"),
    );
    assert_eq!(
        google_ads_csv(&[&odd], &cfg, Category::Marketing).included,
        0
    );
    // Through the history endpoint.
    let now = 1_795_341_600_000 + 1000;
    let q = parse_history_query("format=google_ads", now).unwrap();
    let with = calls(r#""google_ads": {"conversion_name": "Phone call"}"#);
    let a = render_history(&[granted.clone(), declined], &q, &with);
    assert_eq!(a.content_type, "text/csv; charset=utf-8");
    assert_eq!(a.body.lines().count(), 3);
    assert_eq!(
        render_history(&[granted], &q, &CallsConfig::default()).status,
        404
    );
}

#[test]
fn history_json_and_range() {
    let r = record(CallStatus::Completed, Some(125), ATTRIBUTION);
    let now = r.started_at_ms + 1000;
    let q = parse_history_query("", now).unwrap();
    let a = render_history(std::slice::from_ref(&r), &q, &CallsConfig::default());
    let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    assert_eq!(v["count"], 1);
    assert_eq!(v["truncated"], false);
    let call = &v["calls"][0];
    for field in [
        "provider",
        "call_id",
        "tracking_number",
        "target",
        "routed_to",
        "started_at_ms",
        "status",
        "duration_s",
        "updated_at_ms",
        "source",
        "attribution",
        "consent",
    ] {
        assert!(call.get(field).is_some(), "missing {field}: {call}");
    }
    assert_eq!(call["status"], "completed");
    assert_eq!(call["consent"]["granted"][2], "marketing");
    // Outside the range: not listed.
    let q = parse_history_query(&format!("from={}&to={}", now, now + 1000), now).unwrap();
    let a = render_history(&[r], &q, &CallsConfig::default());
    assert!(a.body.contains("\"count\":0"));
}

#[test]
fn webhook_signature_and_retries() {
    // Expected value from an independent implementation: Python's
    // hmac.new(b"whsec_test", b'1795341725.{"event":"call.completed"}', hashlib.sha256).
    assert_eq!(
        sign(
            b"whsec_test",
            1_795_341_725,
            r#"{"event":"call.completed"}"#
        ),
        "t=1795341725,v1=a4b20e72f8f93fd85a03cbd0e91b3945a66c989f3865a742e6c476180658b540"
    );
    let body = r#"{"event":"call.completed"}"#;
    let header = sign(b"whsec_test", 1_795_341_725, body);
    assert!(verify_signature(
        b"whsec_test",
        &header,
        body,
        1_795_341_800,
        300
    ));
    assert!(!verify_signature(
        b"whsec_test",
        &header,
        body,
        1_795_342_100,
        300
    )); // replayed late
    assert!(!verify_signature(
        b"other",
        &header,
        body,
        1_795_341_800,
        300
    ));
    assert!(!verify_signature(
        b"whsec_test",
        &header,
        "{}",
        1_795_341_800,
        300
    ));
    let cfg = WebhookConfig {
        url: "https://crm.example.com/hook".into(),
        min_duration_seconds: 0,
        max_attempts: 4,
    };
    let granted = record(CallStatus::Completed, Some(125), ATTRIBUTION);
    let payload = webhook_body(&granted, &cfg, Category::Marketing).unwrap();
    assert!(payload.starts_with(r#"{"call":"#) || payload.contains(r#""event":"call.completed""#));
    let no_consent = record(CallStatus::Completed, Some(125), r#"{"landing_url":"x"}"#);
    assert_eq!(webhook_body(&no_consent, &cfg, Category::Marketing), None);
    // Retries: bounded, backing off, permanent refusals not retried.
    assert_eq!(
        (backoff_ms(1), backoff_ms(2), backoff_ms(3), backoff_ms(30)),
        (30_000, 120_000, 480_000, 6 * 3_600_000)
    );
    assert_eq!(
        next_step(1, AttemptResult::Status(204), 0, &cfg),
        Next::Delivered
    );
    assert_eq!(
        next_step(1, AttemptResult::Status(503), 0, &cfg),
        Next::RetryAt(30_000)
    );
    assert_eq!(
        next_step(2, AttemptResult::NetworkError, 10, &cfg),
        Next::RetryAt(120_010)
    );
    assert_eq!(
        next_step(3, AttemptResult::Status(429), 0, &cfg),
        Next::RetryAt(480_000)
    );
    assert_eq!(
        next_step(4, AttemptResult::Status(500), 0, &cfg),
        Next::GiveUp
    );
    assert_eq!(
        next_step(1, AttemptResult::Status(410), 0, &cfg),
        Next::GiveUp
    );
}

fn issues_for(cfg: &str) -> Vec<ConfigIssue> {
    let mut issues = Vec::new();
    validate_calls(&calls(cfg), &targets(), "sites[0]", &mut issues);
    issues
}

#[test]
fn calls_config_validation() {
    assert_eq!(
        issues_for(r#""routes": [{"source": "google_ads", "to": "+15035550111"}]"#),
        vec![]
    );
    let i = issues_for(r#""routes": [{"source": "googleads", "to": "+15035550111"}]"#);
    assert_eq!(i[0].path, "sites[0].calls.routes[0].source");
    assert!(i[0].hint.as_deref().unwrap().contains("google_ads"));
    let i = issues_for(r#""routes": [{"source": "google_ads", "to": "+15035550151"}]"#);
    assert!(
        i.iter()
            .any(|x| x.path == "sites[0].calls.routes[0].to" && x.message.contains("ring itself")),
        "{i:?}"
    );
    let i = issues_for(
        r#""routes": [{"source": "default", "to": "+15035550111"}, {"source": "default", "target": "+15035550142", "to": "+15035550112"}]"#,
    );
    assert!(
        i.iter().any(|x| x.path == "sites[0].calls.routes[1]"),
        "{i:?}"
    );
    let i = issues_for(
        r#""routes": [{"source": "default", "target": "+15035550143", "to": "+15035550111"}]"#,
    );
    assert_eq!(i[0].path, "sites[0].calls.routes[0].target");
    let i = issues_for(r#""routes": [{"source": "google_ads", "to": "+15035550142"}]"#);
    assert!(i.iter().all(|x| !x.is_error()) && !i.is_empty(), "{i:?}");
    let i = issues_for(
        r#""retention_days": 0, "google_ads": {"conversion_name": "", "value": 5}, "webhook": {"url": "http://crm.example.com", "max_attempts": 0}"#,
    );
    let paths: Vec<&str> = i.iter().map(|x| x.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "sites[0].calls.retention_days",
            "sites[0].calls.google_ads.conversion_name",
            "sites[0].calls.google_ads.currency",
            "sites[0].calls.webhook.url",
            "sites[0].calls.webhook.max_attempts",
        ]
    );
    // Plain http:// only to this machine (tests), and then as a warning.
    for (url, error) in [
        ("http://127.0.0.1:8787/hook", false),
        ("http://localhost/hook", false),
        ("http://[::1]:9000/", false),
        ("http://127.0.0.1.evil.example/hook", true),
        ("http://localhost.evil.example/", true),
        ("http://10.0.0.1/hook", true),
        ("https://", true),
        ("https:///path", true),
        ("https://crm.example.com/hooks calls", true),
        ("https://crm.example.com/hooks/calls", false),
    ] {
        let i = issues_for(&format!(r#""webhook": {{"url": "{url}"}}"#));
        let url_issues: Vec<&ConfigIssue> = i
            .iter()
            .filter(|x| x.path == "sites[0].calls.webhook.url")
            .collect();
        assert_eq!(
            url_issues.iter().any(|x| x.is_error()),
            error,
            "{url}: {i:?}"
        );
        assert_eq!(
            url_issues.is_empty(),
            url.starts_with("https://") && !error,
            "{url}: {i:?}"
        );
    }
    // A route to a number that cannot exist.
    let i = issues_for(r#""routes": [{"source": "google_ads", "to": "+19115550111"}]"#);
    assert!(
        i.iter().any(|x| x.message.contains("area code 911")),
        "{i:?}"
    );
    // Unknown keys are refused at deserialisation.
    assert!(serde_json::from_str::<CallsConfig>(r#"{"retention": 3}"#).is_err());
}
