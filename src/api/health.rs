//! `GET /__dni/health`: 200 when the worker runs with its configuration and secrets, 503
//! naming every problem otherwise. Problems name keys and secrets, never their values
//! (a configuration message may quote a value: only its key path is shown here;
//! `scripts/check-config` prints the details).

use dni_common::ConfigIssue;

use super::ApiResponse;
use crate::config::secrets::{api_token_problem, session_secret_problem};
use crate::runtime::Runtime;

/// The problems of a worker at start: its configuration's errors (by key path) or its
/// absence, and its secrets' strength. `DNI_SECRET` counts only when a site leases
/// numbers.
pub fn startup_problems(
    runtime: &Runtime,
    config: Result<(), &[ConfigIssue]>,
    secret: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    let dni_secret = secret("DNI_SECRET");
    let api_token = secret("DNI_API_TOKEN");
    let (dni_secret, api_token) = (dni_secret.as_deref(), api_token.as_deref());
    let mut problems = Vec::new();
    match config {
        Ok(()) => {}
        Err([]) => problems.push(
            "DNI_CONFIG: not set (privacy is enforced with the built-in defaults; numbers are left as printed)".to_string(),
        ),
        Err(issues) => {
            for issue in issues.iter().filter(|i| i.is_error()) {
                problems.push(format!("DNI_CONFIG {}: invalid", issue.path));
            }
            problems.push("DNI_CONFIG: invalid (privacy is enforced with the built-in defaults; numbers are left as printed; run scripts/check-config for details)".to_string());
        }
    }
    let leases = runtime.sites.iter().any(|s| s.pools().next().is_some());
    if leases {
        if let Some(p) = session_secret_problem(dni_secret) {
            problems.push(format!("DNI_SECRET: {p} (visitors see fallback numbers)"));
        }
    }
    if let Some(p) = api_token_problem(api_token) {
        problems.push(format!(
            "DNI_API_TOKEN: {p} (the calls API, stats and dashboard refuse every request)"
        ));
    }
    problems
}

/// The health answer for these problems.
pub fn health(problems: &[String]) -> ApiResponse {
    let (body, status) = if problems.is_empty() {
        (
            r#"{"status":"ok","service":"consent-dni"}"#.to_string(),
            200,
        )
    } else {
        let body = serde_json::json!({
            "status": "misconfigured",
            "service": "consent-dni",
            "problems": problems,
        });
        (body.to_string(), 503)
    };
    let mut r = ApiResponse::json(body, status);
    r.headers.retain(|(n, _)| *n != "cache-control");
    r.headers.push(("cache-control", "no-store".to_string()));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const TOKEN: &str = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0";
    const LEASING: &str = r#"{"sites": [{"name": "t", "hosts": ["*"], "session": {"account_id": "1"},
        "targets": [{"number": "+15035550142", "fallback": "+15035550199",
          "sources": [{"name": "default", "numbers": ["+15035550170"]}]}]}]}"#;

    fn secrets(
        secret: Option<&'static str>,
        token: Option<&'static str>,
    ) -> impl Fn(&str) -> Option<String> {
        move |name| match name {
            "DNI_SECRET" => secret.map(str::to_string),
            "DNI_API_TOKEN" => token.map(str::to_string),
            _ => None,
        }
    }

    #[test]
    fn a_healthy_worker_answers_200() {
        let rt = Runtime::from_json(LEASING).unwrap();
        let p = startup_problems(&rt, Ok(()), secrets(Some(SECRET), Some(TOKEN)));
        assert_eq!(p, Vec::<String>::new());
        let r = health(&p);
        assert_eq!(
            (r.status, r.body.as_str()),
            (200, r#"{"status":"ok","service":"consent-dni"}"#)
        );
    }

    #[test]
    fn an_invalid_config_is_503_with_key_paths_never_values() {
        let bad = LEASING.replace("+15035550199", "+1503555019");
        let issues = Runtime::from_json(&bad).err().unwrap();
        let safe = Runtime::safe_defaults(false).unwrap();
        let p = startup_problems(&safe, Err(&issues), secrets(Some(SECRET), Some(TOKEN)));
        let r = health(&p);
        assert_eq!(r.status, 503);
        assert!(
            r.body.contains("sites[0].targets[0].fallback"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("1503555019"), "a value leaked: {}", r.body);
        assert!(r
            .headers
            .iter()
            .any(|(n, v)| *n == "cache-control" && v == "no-store"));
        let unset = startup_problems(&safe, Err(&[]), secrets(Some(SECRET), Some(TOKEN)));
        assert!(unset[0].starts_with("DNI_CONFIG: not set"));
    }

    #[test]
    fn weak_or_missing_secrets_are_503_without_their_values() {
        let rt = Runtime::from_json(LEASING).unwrap();
        let p = startup_problems(&rt, Ok(()), secrets(Some("hunter2hunter2"), None));
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("DNI_SECRET: too short"));
        assert!(p[1].starts_with("DNI_API_TOKEN: not set"));
        assert!(!health(&p).body.contains("hunter2"));
        // Without pools the session secret is not needed.
        let safe = Runtime::safe_defaults(false).unwrap();
        assert!(startup_problems(&safe, Ok(()), secrets(None, Some(TOKEN))).is_empty());
    }
}
