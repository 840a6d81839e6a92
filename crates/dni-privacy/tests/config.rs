//! `vendors` configuration: deserialisation, defaults and validation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use dni_common::{Category, ConfigIssue, Validate};
use dni_privacy::{VendorsConfig, DEFAULT_INLINE_SCRIPT_ATTRIBUTE};

fn parse(json: &str) -> Result<VendorsConfig, serde_json::Error> {
    serde_json::from_str(json)
}

fn issues(json: &str) -> Vec<ConfigIssue> {
    let mut out = Vec::new();
    parse(json).unwrap().validate("sites[0].vendors", &mut out);
    out
}

fn paths(json: &str) -> Vec<String> {
    issues(json).into_iter().map(|i| i.path).collect()
}

#[test]
fn empty_object_gives_documented_defaults_and_is_valid() {
    let c = parse("{}").unwrap();
    assert!(c.add.is_empty());
    assert!(c.classify.is_empty());
    assert_eq!(c.cookie_domain, None);
    assert_eq!(c.inline_script_attribute, DEFAULT_INLINE_SCRIPT_ATTRIBUTE);
    assert_eq!(c.inline_script_attribute, "data-dni-category");
    assert_eq!(c, VendorsConfig::default());
    assert!(issues("{}").is_empty());
}

#[test]
fn documented_example_is_valid() {
    let json = r#"{
        "add": [{ "id": "ctm-demo", "category": "marketing",
                  "cookies": ["demo_ctm_*"], "scripts": ["/vendor/ctm-tracker.js"] }],
        "classify": { "invoca": "analytics", "hotjar": "marketing" },
        "cookie_domain": ".example.com",
        "inline_script_attribute": "data-dni-category"
    }"#;
    let c = parse(json).unwrap();
    assert_eq!(c.classify.get("invoca"), Some(&Category::Analytics));
    assert_eq!(c.add[0].scripts, ["/vendor/ctm-tracker.js"]);
    assert_eq!(issues(json), Vec::<ConfigIssue>::new());
}

#[test]
fn unknown_keys_and_bad_categories_are_errors() {
    assert!(parse(r#"{"clasify": {}}"#).is_err());
    assert!(parse(r#"{"add": [{"id": "a", "category": "marketing", "cookie": ["x"]}]}"#).is_err());
    assert!(parse(r#"{"classify": {"invoca": "performance"}}"#).is_err());
    assert!(parse(r#"{"add": [{"id": "a", "cookies": ["x"]}]}"#).is_err());
}

#[test]
fn unknown_classify_id_is_reported_with_known_ids() {
    let found = issues(r#"{"classify": {"invocaa": "analytics"}}"#);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "sites[0].vendors.classify.invocaa");
    assert!(found[0].hint.as_deref().unwrap_or("").contains("invoca"));
}

#[test]
fn classify_may_name_an_added_vendor_but_not_the_session_cookie() {
    assert!(paths(
        r#"{"add": [{"id": "acme", "category": "analytics", "cookies": ["acme"]}],
                      "classify": {"acme": "marketing"}}"#
    )
    .is_empty());
    assert_eq!(
        paths(r#"{"classify": {"consent-dni": "necessary"}}"#),
        ["sites[0].vendors.classify.consent-dni"]
    );
}

#[test]
fn added_vendor_problems_have_full_paths() {
    let found = paths(
        r#"{"add": [
            {"id": "ok", "category": "marketing", "cookies": ["ok_*"]},
            {"id": "Bad Id", "category": "marketing", "cookies": ["*", "a*b"], "scripts": ["https://x.com/a.js", "/"]},
            {"id": "empty", "category": "analytics"},
            {"id": "meta", "category": "marketing", "cookies": ["m"]},
            {"id": "ok", "category": "marketing", "cookies": ["ok2"]}
        ]}"#,
    );
    assert_eq!(
        found,
        [
            "sites[0].vendors.add[1].id",
            "sites[0].vendors.add[1].cookies[0]",
            "sites[0].vendors.add[1].cookies[1]",
            "sites[0].vendors.add[1].scripts[0]",
            "sites[0].vendors.add[1].scripts[1]",
            "sites[0].vendors.add[2]",
            "sites[0].vendors.add[3].id",
            "sites[0].vendors.add[4].id",
        ]
    );
}

#[test]
fn pattern_problems_say_what_is_wrong() {
    let found: Vec<(String, String)> = issues(
        r#"{"add": [{"id": "bad", "category": "marketing",
            "cookies": ["", "*", "a*b", "a;b"],
            "scripts": ["", "https://x.com/a.js", "/", "x..com", "/a b.js"]}]}"#,
    )
    .into_iter()
    .map(|i| (i.path, i.message))
    .collect();
    let p = "sites[0].vendors.add[0]";
    let expected = [
        ("cookies[0]", "``: empty cookie pattern"),
        (
            "cookies[1]",
            "`*`: pattern would match every cookie (session, CSRF, cart...)",
        ),
        (
            "cookies[2]",
            "`a*b`: `*` is only allowed at the end of a cookie pattern",
        ),
        (
            "cookies[3]",
            "`a;b`: character ';' cannot appear in a cookie name",
        ),
        ("scripts[0]", "``: empty script pattern"),
        (
            "scripts[1]",
            "`https://x.com/a.js`: script patterns are written without a scheme",
        ),
        (
            "scripts[2]",
            "`/`: `/` would match every first-party script",
        ),
        (
            "scripts[3]",
            "`x..com`: `x..com` is not a host name pattern",
        ),
        (
            "scripts[4]",
            "`/a b.js`: path prefix contains a space, a control character or `#`",
        ),
    ]
    .map(|(k, m)| (format!("{p}.{k}"), m.to_string()));
    assert_eq!(found, expected);
}

#[test]
fn cookie_domain_and_attribute_are_validated() {
    assert_eq!(
        paths(r#"{"cookie_domain": "example.com; Secure"}"#),
        ["sites[0].vendors.cookie_domain"]
    );
    assert_eq!(
        paths(r#"{"cookie_domain": "."}"#),
        ["sites[0].vendors.cookie_domain"]
    );
    assert_eq!(
        paths(r#"{"cookie_domain": "a..com"}"#),
        ["sites[0].vendors.cookie_domain"]
    );
    assert!(paths(r#"{"cookie_domain": "example.com"}"#).is_empty());
    assert!(paths(r#"{"cookie_domain": ".shop.example.co.uk"}"#).is_empty());
    assert_eq!(
        paths(r#"{"inline_script_attribute": "data dni"}"#),
        ["sites[0].vendors.inline_script_attribute"]
    );
    assert_eq!(
        paths(r#"{"inline_script_attribute": ""}"#),
        ["sites[0].vendors.inline_script_attribute"]
    );
}
