//! The config check names the key path of a deserialisation error from serde_json's error
//! position (src/config/json_path.rs). Here every kind of mistake, in every section, is
//! compared with the path `serde_path_to_error` gives for the same value (the crate the
//! check used before; a dev-dependency only): same path, same message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consent_dni::config::check_config;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `serde_path_to_error`'s path and message for `value` read as a `T` (`None`: it reads).
fn reference<T: DeserializeOwned>(value: &Value) -> Option<(String, String)> {
    let e = serde_path_to_error::deserialize::<_, T>(value).err()?;
    Some((e.path().to_string(), e.inner().to_string()))
}

fn join(base: &str, inner: &str) -> String {
    match inner {
        "." | "" => base.to_string(),
        i if i.starts_with('[') => format!("{base}{i}"),
        i => format!("{base}.{i}"),
    }
}

/// Puts `section` at `key` of a site (or of its first target when `key` starts with
/// `targets[0].`) and checks that the config check reports the error where and as
/// `serde_path_to_error` does.
fn same_path<T: DeserializeOwned>(key: &str, section: &str) -> Result<(), String> {
    let value: Value = serde_json::from_str(section).unwrap();
    let Some((inner, message)) = reference::<T>(&value) else {
        return Err(format!("{key}: {section} reads fine"));
    };
    let mut site: Value = serde_json::from_str(
        r#"{"hosts": ["shop.acme-plumbing.com"], "session": {"account_id": "7"},
            "targets": [{"number": "+15034420142", "fallback": "+15034420199",
                         "sources": [{"name": "default", "numbers": ["+15034420150"]}]}]}"#,
    )
    .unwrap();
    let base = match key.strip_prefix("targets[0].sources[0]") {
        Some("") => {
            site["targets"][0]["sources"][0] = value;
            "sites[0].targets[0].sources[0]".to_string()
        }
        Some(_) => unreachable!("{key}"),
        None => match key.strip_prefix("targets[0]") {
            Some("") => {
                site["targets"][0] = value;
                "sites[0].targets[0]".to_string()
            }
            Some(_) => unreachable!("{key}"),
            None => {
                site[key] = value;
                format!("sites[0].{key}")
            }
        },
    };
    let want = join(&base, &inner);
    let json = serde_json::json!({ "sites": [site] }).to_string();
    let checked = check_config(&json);
    if checked
        .issues
        .iter()
        .any(|i| i.path == want && i.message == message)
    {
        Ok(())
    } else {
        Err(format!(
            "{key} = {section}: want `{want}`: {message}\ngot {:#?}",
            checked.issues
        ))
    }
}

#[test]
fn every_section_names_the_same_path_as_serde_path_to_error() {
    use dni_calls::CallsConfig;
    use dni_consent::ConsentConfig;
    use dni_privacy::VendorsConfig;
    use dni_rewrite::RewriteConfig;
    use dni_sessions::{SessionConfig, SourceConfig};
    let failures: Vec<String> = [
    // Wrong type at the top of a section.
    same_path::<ConsentConfig>("consent", "5"),
    same_path::<SessionConfig>("session", r#""7""#),
    // Unknown keys, at each depth.
    same_path::<SessionConfig>("session", r#"{"acount_id": "7"}"#),
    same_path::<RewriteConfig>("rewrite", r#"{"attributez": []}"#),
    same_path::<ConsentConfig>("consent", r#"{"tc_privacy": {"categoriez": {}}}"#),
    same_path::<CallsConfig>(
        "calls",
        r#"{"retention_days": 30, "webhook": {"url": "https://crm.example.com/h", "retries": 3}}"#,
    ),
    // Missing fields: the table that lacks them.
    same_path::<VendorsConfig>(
        "vendors",
        r#"{"add": [{"id": "a", "name": "A", "category": "marketing"}, {"id": "b"}]}"#,
    ),
    same_path::<CallsConfig>("calls", r#"{"routes": [{"source": "default"}]}"#),
    // Wrong types and values of leaves.
    same_path::<SessionConfig>("session", r#"{"account_id": 7}"#),
    same_path::<SessionConfig>(
        "session",
        r#"{"account_id": "7", "idle_timeout_minutes": -1}"#,
    ),
    same_path::<SessionConfig>(
        "session",
        r#"{"account_id": "7", "idle_timeout_minutes": 1.5}"#,
    ),
    same_path::<ConsentConfig>("consent", r#"{"opt_in_countries": ["FR", 7]}"#),
    same_path::<ConsentConfig>("consent", r#"{"required_category": "marketting"}"#),
    same_path::<ConsentConfig>(
        "consent",
        r#"{"tc_privacy": {"categories": {"necessary": [1], "marketing": ["4"]}}}"#,
    ),
    same_path::<RewriteConfig>("rewrite", r#"{"max_text_node_bytes": "64k"}"#),
    same_path::<CallsConfig>(
        "calls",
        r#"{"webhook": {"url": "https://crm.example.com/h", "max_attempts": "8"}}"#,
    ),
    // Values parsed by their own type (errors of the string itself).
    same_path::<CallsConfig>(
        "calls",
        r#"{"routes": [{"source": "default", "to": "+15034420142"}, {"source": "default", "to": "+1503"}]}"#,
    ),
    same_path::<SessionConfig>(
        "session",
        r#"{"account_id": "7", "cookie_name": "dni session"}"#,
    ),
    same_path::<SourceConfig>(
        "targets[0].sources[0]",
        r#"{"name": "default", "numbers": ["+15034420150", "+1503442015x"]}"#,
    ),
    same_path::<dni_sessions::TargetConfig>(
        "targets[0]",
        r#"{"number": "15034420142", "fallback": "+15034420199"}"#,
    ),
    same_path::<consent_dni::config::Upstream>("upstream", r#""ftp://files.example.com""#),
    same_path::<Vec<consent_dni::config::HostPattern>>(
        "hosts",
        r#"["shop.acme-plumbing.com", "shop acme"]"#,
    ),
    // Untagged enums.
    same_path::<SourceConfig>(
        "targets[0].sources[0]",
        r#"{"name": "default", "when": {"referrer": 5}, "numbers": ["+15034420150"]}"#,
    ),
    same_path::<SourceConfig>(
        "targets[0].sources[0]",
        r#"{"name": "default", "when": {"utm_source": {"matchez": "x"}}, "numbers": ["+15034420150"]}"#,
    ),
    same_path::<ConsentConfig>("consent", r#"{"tcf": {"cookie_names": 5}}"#),
    same_path::<ConsentConfig>("consent", r#"{"usp": {"cookie_names": ["usprivacy", 5]}}"#),
    same_path::<SourceConfig>(
        "targets[0].sources[0]",
        r#"{"name": "default", "when": {"referrer": ["google.com", {}]}, "numbers": ["+15034420150"]}"#,
    ),
    same_path::<SourceConfig>(
        "targets[0].sources[0]",
        r#"{"name": "default", "when": {"path": {}}, "numbers": ["+15034420150"]}"#,
    ),
    // Keys with characters JSON escapes.
    same_path::<VendorsConfig>(
        "vendors",
        r#"{"classify": {"a\"b": "marketting"}}"#,
    ),
]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
