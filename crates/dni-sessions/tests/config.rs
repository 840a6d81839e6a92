#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dni_common::{ConfigIssue, Validate};
use dni_sessions::{
    find_number, validate_site, NumberRole, PathMatch, ReferrerMatch, SessionConfig, TargetConfig,
    ValueMatch,
};

fn target(json: &str) -> TargetConfig {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn issues_of(t: &TargetConfig) -> Vec<ConfigIssue> {
    let mut issues = Vec::new();
    t.validate("sites[0].targets[0]", &mut issues);
    issues
}

fn paths(issues: &[ConfigIssue]) -> Vec<&str> {
    issues.iter().map(|i| i.path.as_str()).collect()
}

const DOC_EXAMPLE: &str = r#"{
  "number": "+15551234567",
  "fallback": "+15559990000",
  "sources": [
    {"name": "google_ads", "when": {"click_ids": ["gclid", "gbraid", "wbraid"]},
     "numbers": ["+15550000001", "+15550000002"]},
    {"name": "search", "when": {"referrer": "search"}, "numbers": ["+15550000101"]},
    {"name": "default", "numbers": ["+15550000201", "+15550000202"]}
  ]
}"#;

#[test]
fn documented_target_example_is_valid() {
    let t = target(DOC_EXAMPLE);
    assert_eq!(t.sources.len(), 3);
    assert!(t.sources[2].when.is_empty());
    assert!(issues_of(&t).is_empty(), "{:?}", issues_of(&t));
}

#[test]
fn all_match_kinds_deserialize() {
    let t = target(
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [{
        "name": "x", "numbers": ["+15550000001"],
        "when": {"click_ids": ["msclkid"], "utm_source": "bing", "utm_medium": {"matches": "^cpc$"},
                 "utm_campaign": "spring", "referrer": ["*.partner.com", "news.*"], "path": "/promo/*"}}]}"#,
    );
    let w = &t.sources[0].when;
    assert!(matches!(w.utm_source, Some(ValueMatch::Equals(_))));
    assert!(matches!(w.utm_medium, Some(ValueMatch::Matches(_))));
    assert!(matches!(&w.referrer, Some(ReferrerMatch::Hosts(h)) if h.len() == 2));
    assert!(matches!(w.path, Some(PathMatch::Glob(_))));
    assert!(issues_of(&t).is_empty());
}

#[test]
fn referrer_keywords_and_single_host() {
    let r = |s: &str| serde_json::from_str::<ReferrerMatch>(s).unwrap();
    assert!(matches!(r(r#""search""#), ReferrerMatch::Search));
    assert!(matches!(r(r#""social""#), ReferrerMatch::Social));
    assert!(matches!(r(r#""direct""#), ReferrerMatch::Direct));
    assert!(matches!(r(r#""partner.com""#), ReferrerMatch::Hosts(h) if h.len() == 1));
}

#[test]
fn unknown_keys_are_errors_at_every_level() {
    for bad in [
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sourcse": []}"#,
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [{"name": "a", "numbers": [], "whne": {}}]}"#,
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [{"name": "a", "numbers": [], "when": {"clickids": []}}]}"#,
    ] {
        assert!(serde_json::from_str::<TargetConfig>(bad).is_err(), "{bad}");
    }
    assert!(serde_json::from_str::<SessionConfig>(r#"{"idle_timeout": 30}"#).is_err());
}

#[test]
fn missing_required_keys_are_errors() {
    assert!(serde_json::from_str::<TargetConfig>(r#"{"number": "+15551234567"}"#).is_err());
    assert!(serde_json::from_str::<TargetConfig>(
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [{"name": "a"}]}"#
    )
    .is_err());
}

#[test]
fn bad_numbers_are_refused_with_their_value_and_reuse_is_reported_with_full_paths() {
    for (json, shown) in [
        (
            r#"{"number": "555-1234", "fallback": "+15559990000"}"#,
            "`555-1234`",
        ),
        (
            r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [{"name": "a", "numbers": ["+1 555 000 0002"]}]}"#,
            "`+1 555 000 0002`",
        ),
    ] {
        let err = serde_json::from_str::<TargetConfig>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains(shown), "{err}");
    }
    let t = target(
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [
        {"name": "a", "numbers": ["+15550000001", "+15559990000", "+15550000001", "+15551234567"]}]}"#,
    );
    let issues = issues_of(&t);
    assert_eq!(
        paths(&issues),
        [
            "sites[0].targets[0].sources[0].numbers[1]",
            "sites[0].targets[0].sources[0].numbers[2]",
            "sites[0].targets[0].sources[0].numbers[3]",
        ]
    );
    assert!(issues.iter().all(|i| i.hint.is_some()));
}

#[test]
fn fallback_equal_to_number_is_reported() {
    let t = target(r#"{"number": "+15551234567", "fallback": "+15551234567"}"#);
    assert_eq!(paths(&issues_of(&t)), ["sites[0].targets[0].fallback"]);
}

#[test]
fn source_names_empty_pools_and_unreachable_sources() {
    let t = target(
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [
        {"name": "all", "numbers": ["+15550000001"]},
        {"name": "all", "when": {"referrer": "search"}, "numbers": ["+15550000002"]},
        {"name": "bad name", "when": {"path": "/x"}, "numbers": []}]}"#,
    );
    let issues = issues_of(&t);
    let p = paths(&issues);
    assert!(p.contains(&"sites[0].targets[0].sources[1].name"), "{p:?}");
    assert!(p.contains(&"sites[0].targets[0].sources[1]"), "{p:?}");
    assert!(p.contains(&"sites[0].targets[0].sources[2].name"), "{p:?}");
    assert!(
        p.contains(&"sites[0].targets[0].sources[2].numbers"),
        "{p:?}"
    );
    assert!(issues.iter().any(|i| i.message.contains("can never match")));
}

#[test]
fn bad_patterns_are_reported_with_paths() {
    let t = target(
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [{"name": "a", "numbers": ["+15550000001"],
        "when": {"click_ids": ["gclid", "bad id"], "utm_medium": {"matches": "(cpc"}, "referrer": ["ok.com", "http://x.com/"],
                 "path": "promo/*"}}]}"#,
    );
    let issues = issues_of(&t);
    assert_eq!(
        paths(&issues),
        [
            "sites[0].targets[0].sources[0].when.click_ids[1]",
            "sites[0].targets[0].sources[0].when.utm_medium",
            "sites[0].targets[0].sources[0].when.referrer[1]",
            "sites[0].targets[0].sources[0].when.path",
        ]
    );
    let t = target(
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [{"name": "a", "numbers": ["+15550000001"],
        "when": {"referrer": "searhc engines", "path": {"matches": "["}}}]}"#,
    );
    let issues = issues_of(&t);
    assert_eq!(
        paths(&issues),
        [
            "sites[0].targets[0].sources[0].when.referrer",
            "sites[0].targets[0].sources[0].when.path"
        ]
    );
}

#[test]
fn session_defaults() {
    let s: SessionConfig = serde_json::from_str(r#"{"account_id": "12345"}"#).unwrap();
    assert_eq!(s.cookie_name().unwrap(), "ct12345");
    assert_eq!(s.idle_timeout_ms(), 30 * 60_000);
    assert_eq!(s.provisional_hold_ms(), 180_000);
    assert_eq!(s.renew_before_ms(), 15 * 60_000);
    assert_eq!(s.history_retention_ms(), 90 * 86_400_000);
    assert_eq!(s.token_max_age_ms(), 30 * 86_400_000);
    let mut issues = Vec::new();
    s.validate("sites[0].session", &mut issues);
    assert!(issues.is_empty());
    let named: SessionConfig =
        serde_json::from_str(r#"{"cookie_name": "dni_s", "renew_before_seconds": 60}"#).unwrap();
    assert_eq!(named.cookie_name().unwrap(), "dni_s");
    assert_eq!(named.renew_before_ms(), 60_000);
}

#[test]
fn session_out_of_range_values_are_reported() {
    let err = serde_json::from_str::<SessionConfig>(r#"{"cookie_name": "bad name;"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot appear in a cookie name"), "{err}");
    let s: SessionConfig = serde_json::from_str(
        r#"{"account_id": "a b", "idle_timeout_minutes": 0, "provisional_hold_seconds": 0,
            "renew_before_seconds": 0, "history_retention_days": 0, "amp_cookie_days": 401}"#,
    )
    .unwrap();
    let mut issues = Vec::new();
    s.validate("s", &mut issues);
    assert_eq!(
        paths(&issues),
        [
            "s.account_id",
            "s.idle_timeout_minutes",
            "s.provisional_hold_seconds",
            "s.renew_before_seconds",
            "s.history_retention_days",
            "s.amp_cookie_days",
        ]
    );
    let s: SessionConfig =
        serde_json::from_str(r#"{"account_id": "1", "idle_timeout_minutes": 2, "provisional_hold_seconds": 121, "renew_before_seconds": 120}"#)
            .unwrap();
    let mut issues = Vec::new();
    s.validate("s", &mut issues);
    assert_eq!(
        paths(&issues),
        ["s.provisional_hold_seconds", "s.renew_before_seconds"]
    );
    // The idle timeout may be up to a day (1440 minutes), not more.
    let idle = |minutes: u32| {
        let s: SessionConfig = serde_json::from_str(&format!(
            r#"{{"account_id": "1", "idle_timeout_minutes": {minutes}}}"#
        ))
        .unwrap();
        let mut issues = Vec::new();
        s.validate("s", &mut issues);
        issues.into_iter().map(|i| i.path).collect::<Vec<_>>()
    };
    assert!(idle(1440).is_empty(), "{:?}", idle(1440));
    assert_eq!(idle(1441), ["s.idle_timeout_minutes"]);
    // A provisional hold as long as the idle timeout is allowed.
    let s: SessionConfig = serde_json::from_str(
        r#"{"account_id": "1", "idle_timeout_minutes": 2, "provisional_hold_seconds": 120, "renew_before_seconds": 60}"#,
    )
    .unwrap();
    let mut issues = Vec::new();
    s.validate("s", &mut issues);
    assert_eq!(paths(&issues), Vec::<&str>::new());
}

#[test]
fn site_checks_numbers_across_targets_and_needs_a_cookie_name() {
    let a = target(DOC_EXAMPLE);
    let b = target(
        r#"{"number": "+15557654321", "fallback": "+15550000001", "sources": [
        {"name": "default", "numbers": ["+15551234567", "+15550000999"]}]}"#,
    );
    let mut issues = Vec::new();
    validate_site(&[a, b], &SessionConfig::default(), "sites[0]", &mut issues);
    assert_eq!(
        paths(&issues),
        [
            "sites[0].targets[1].fallback",
            "sites[0].targets[1].sources[0].numbers[0]",
            "sites[0].session.account_id",
        ]
    );
    assert!(issues[0]
        .message
        .contains("sites[0].targets[0].sources[0].numbers[0]"));
}

#[test]
fn a_number_repeated_inside_one_target_is_reported_once() {
    let t = target(
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [
        {"name": "a", "numbers": ["+15550000001", "+15550000001"]}]}"#,
    );
    let own = issues_of(&t);
    assert_eq!(paths(&own), ["sites[0].targets[0].sources[0].numbers[1]"]);
    let mut issues = Vec::new();
    validate_site(
        &[t],
        &serde_json::from_str(r#"{"account_id": "1"}"#).unwrap(),
        "sites[0]",
        &mut issues,
    );
    // Reported once, by the target's own check, not again as a repeat across targets.
    assert_eq!(
        paths(&issues),
        ["sites[0].targets[0].sources[0].numbers[1]"]
    );
}

#[test]
fn at_most_16_targets_with_sources() {
    // One lease per target travels in the session cookie (MAX_TOKEN_LEASES = 16).
    let targets = |n: usize| -> Vec<TargetConfig> {
        (0..n)
            .map(|i| {
                target(&format!(
                    r#"{{"number": "+1555100{i:04}", "fallback": "+1555200{i:04}", "sources": [
                    {{"name": "s", "numbers": ["+1555300{i:04}"]}}]}}"#
                ))
            })
            .collect()
    };
    let session: SessionConfig = serde_json::from_str(r#"{"account_id": "1"}"#).unwrap();
    let mut issues = Vec::new();
    validate_site(&targets(16), &session, "sites[0]", &mut issues);
    assert!(issues.is_empty(), "{issues:?}");
    validate_site(&targets(17), &session, "sites[0]", &mut issues);
    assert_eq!(paths(&issues), ["sites[0].targets"]);
    assert_eq!(
        issues[0].message,
        "17 targets have sources; at most 16 are supported"
    );
}

#[test]
fn site_without_pools_needs_no_account() {
    let t = target(r#"{"number": "+15551234567", "fallback": "+15559990000"}"#);
    let mut issues = Vec::new();
    validate_site(&[t], &SessionConfig::default(), "sites[0]", &mut issues);
    assert!(issues.is_empty(), "{issues:?}");
}

// Which role a dialled number plays (the calls API routes by it).

fn num(s: &str) -> dni_numbers::E164 {
    dni_numbers::E164::parse(s).unwrap()
}

fn role_targets() -> Vec<TargetConfig> {
    serde_json::from_str(
        r#"[{"number": "+15551234567", "fallback": "+15559990000", "sources": [
            {"name": "a", "numbers": ["+15550000001"]}, {"name": "b", "numbers": ["+15550000002", "+15550000003"]}]},
           {"number": "+15557654321", "fallback": "+15559990001", "sources": [{"name": "c", "numbers": ["+15550000004"]}]}]"#,
    )
    .unwrap()
}

#[test]
fn find_number_names_each_role() {
    let t = role_targets();
    assert_eq!(
        find_number(&t, &num("+15550000003")),
        Some(NumberRole::Tracking {
            target: 0,
            source: 1
        })
    );
    assert_eq!(
        find_number(&t, &num("+15550000004")),
        Some(NumberRole::Tracking {
            target: 1,
            source: 0
        })
    );
    assert_eq!(
        find_number(&t, &num("+15557654321")),
        Some(NumberRole::Target { target: 1 })
    );
    assert_eq!(
        find_number(&t, &num("+15559990000")),
        Some(NumberRole::Fallback { target: 0 })
    );
    assert_eq!(find_number(&t, &num("+15550000009")), None);
    assert_eq!(
        find_number(&t, &num("+15550000004")).map(|r| r.target()),
        Some(1)
    );
    for (number, target) in [
        ("+15550000003", 0),
        ("+15551234567", 0),
        ("+15559990000", 0),
        ("+15557654321", 1),
        ("+15559990001", 1),
    ] {
        assert_eq!(
            find_number(&t, &num(number)).map(|r| r.target()),
            Some(target),
            "{number}"
        );
    }
}
