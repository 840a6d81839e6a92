//! The reserved `/__dni/*` routes as functions from request to [`ApiResponse`]; the shell
//! only reads the request (bodies bounded) and writes the answer.
//!
//! * `health`, `consent`: [`health`], the decision's JSON.
//! * `number` ([`number`]): AMP `amp-call-tracking`, with AMP CORS ([`amp`]).
//! * `calls` ([`calls`]): attribution and call routing for the telephony side.
//! * `stats` ([`stats`]) and `dashboard` ([`dashboard`]).

pub mod amp;
pub mod calls;
pub mod dashboard;
pub mod number;
pub mod stats;

use crate::error::HttpError;

/// Request bodies up to this size are read to the end even when refused, so the client's
/// keep-alive connection stays usable (answering before the body is consumed resets it).
pub const DRAIN_LIMIT: usize = 1 << 20;

/// Largest dashboard sign-in form accepted.
pub const MAX_DASHBOARD_FORM: usize = 4096;

/// An answer of the worker's own: status, headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResponse {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl ApiResponse {
    fn with(status: u16, content_type: &str, cache: &str, body: String) -> ApiResponse {
        ApiResponse {
            status,
            headers: vec![
                ("content-type", content_type.to_string()),
                ("cache-control", cache.to_string()),
            ],
            body,
        }
    }

    /// A JSON answer, private and never stored.
    pub fn json(body: String, status: u16) -> ApiResponse {
        ApiResponse::with(status, "application/json", "private, no-store", body)
    }

    /// A plain-text answer (errors).
    pub fn text(body: String, status: u16) -> ApiResponse {
        ApiResponse::with(status, "text/plain; charset=utf-8", "no-store", body)
    }

    /// An HTML page of the worker's own (the dashboard): framed nowhere, no script, no
    /// remote resource.
    pub fn html(body: String, status: u16) -> ApiResponse {
        let mut r = ApiResponse::with(
            status,
            "text/html; charset=utf-8",
            "private, no-store",
            body,
        );
        r.headers.push(("x-frame-options", "DENY".to_string()));
        r.headers.push((
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'".to_string(),
        ));
        r
    }
}

impl HttpError {
    /// The response: a short plain-text body, never cached.
    pub fn response(&self) -> ApiResponse {
        let mut r = ApiResponse::text(self.to_string(), self.status());
        if matches!(self, HttpError::Unauthorized) {
            r.headers.push(("www-authenticate", "Bearer".to_string()));
        }
        r
    }
}

/// `GET /__dni/health`.
pub fn health() -> ApiResponse {
    let mut r = ApiResponse::json(
        r#"{"status":"ok","service":"consent-dni"}"#.to_string(),
        200,
    );
    r.headers.retain(|(n, _)| *n != "cache-control");
    r.headers.push(("cache-control", "no-store".to_string()));
    r
}

/// The API token check (constant time). No token configured: nothing is authorized.
pub fn authorize(
    expected_token: Option<&str>,
    authorization: Option<&str>,
) -> Result<(), HttpError> {
    match expected_token {
        Some(expected)
            if !expected.is_empty() && dni_sessions::bearer_matches(authorization, expected) =>
        {
            Ok(())
        }
        _ => Err(HttpError::Unauthorized),
    }
}

/// The `token` field of the dashboard's sign-in form (`application/x-www-form-urlencoded`).
pub fn form_token(body: &[u8]) -> String {
    url_form_value(body, "token").unwrap_or_default()
}

fn url_form_value(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| {
            percent_encoding::percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_and_an_unset_token_authorizes_nothing() {
        assert!(authorize(Some("sekrit"), Some("Bearer sekrit")).is_ok());
        assert_eq!(
            authorize(Some("sekrit"), Some("Bearer nope")),
            Err(HttpError::Unauthorized)
        );
        assert_eq!(
            authorize(Some("sekrit"), None),
            Err(HttpError::Unauthorized)
        );
        assert_eq!(
            authorize(None, Some("Bearer ")),
            Err(HttpError::Unauthorized)
        );
        assert_eq!(
            authorize(Some(""), Some("Bearer ")),
            Err(HttpError::Unauthorized)
        );
    }

    #[test]
    fn the_form_token_is_decoded() {
        assert_eq!(form_token(b"a=1&token=ab%2Bc+d&b=2"), "ab+c d");
        assert_eq!(form_token(b"token="), "");
        assert_eq!(form_token(b"nothing"), "");
        assert_eq!(form_token(&[0xff, 0xfe]), "");
    }

    #[test]
    fn responses_are_never_stored() {
        for r in [
            ApiResponse::json("{}".into(), 200),
            ApiResponse::html(String::new(), 200),
            health(),
        ] {
            assert!(
                r.headers
                    .iter()
                    .any(|(n, v)| *n == "cache-control" && v.contains("no-store")),
                "{r:?}"
            );
        }
        let h = ApiResponse::html(String::new(), 200);
        assert!(h
            .headers
            .iter()
            .any(|(n, v)| *n == "content-security-policy" && v.starts_with("default-src 'none'")));
    }
}

#[cfg(test)]
mod error_tests {
    use super::*;

    #[test]
    fn statuses_and_bodies() {
        let cases = [
            (HttpError::BadRequest("x".into()), 400, "bad request: x"),
            (HttpError::Unauthorized, 401, "unauthorized"),
            (HttpError::Forbidden("o".into()), 403, "forbidden: o"),
            (HttpError::NotFound("not found".into()), 404, "not found"),
            (HttpError::MethodNotAllowed, 405, "method not allowed"),
            (HttpError::TooLarge("big".into()), 413, "bad request: big"),
            (
                HttpError::UnsupportedMediaType("t".into()),
                415,
                "bad request: t",
            ),
            (HttpError::Unavailable("u".into()), 503, "u"),
            (
                HttpError::Upstream("dns".into()),
                502,
                "Bad gateway: the site could not be reached.",
            ),
            (HttpError::Internal("boom".into()), 500, "internal error"),
        ];
        for (e, status, body) in cases {
            let r = e.response();
            assert_eq!((r.status, r.body.as_str()), (status, body), "{e:?}");
        }
        assert_eq!(HttpError::Loop.status(), 508);
        assert!(HttpError::Loop.to_string().contains("Loop detected"));
    }

    #[test]
    fn hidden_reasons_reach_the_log_only() {
        let e = HttpError::Upstream("connection refused".into());
        assert!(!e.response().body.contains("refused"));
        assert!(e.log_detail().contains("connection refused"));
    }

    #[test]
    fn unauthorized_asks_for_a_bearer_token() {
        let r = HttpError::Unauthorized.response();
        assert!(r
            .headers
            .contains(&("www-authenticate", "Bearer".to_string())));
    }
}
