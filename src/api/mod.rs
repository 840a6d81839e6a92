//! The reserved `/__dni/*` routes as functions from request to [`ApiResponse`]; the shell
//! only reads the request (bodies bounded) and writes the answer.
//!
//! * `health`, `consent`: [`health`], the decision's JSON.
//! * `number` ([`number`]): AMP `amp-call-tracking`, with AMP CORS ([`amp`]).
//! * `calls` ([`calls`]): the provider webhooks and the calls API (routing, attribution,
//!   call records, history, Google Ads export).
//! * `stats` ([`stats`]) and `dashboard` ([`dashboard`]).

pub mod amp;
pub mod calls;
pub mod dashboard;
mod health;
pub mod number;
pub mod stats;
pub mod throttle;

pub use health::{health, startup_problems};

use crate::error::HttpError;

/// Request bodies up to this size are read to the end even when refused, so the client's
/// keep-alive connection stays usable (answering before the body is consumed resets it).
pub const DRAIN_LIMIT: usize = 1 << 20;

/// A request body read within bounds (every body the worker reads goes through one): kept
/// up to `limit` bytes; a longer one is drained, not kept, up to [`DRAIN_LIMIT`] (so the
/// client's connection stays usable) and refused (413); a larger declared or sent one is
/// refused without reading further.
#[derive(Debug)]
pub struct BoundedBody {
    limit: usize,
    seen: usize,
    body: Vec<u8>,
}

impl BoundedBody {
    /// `None` when the declared `Content-Length` is beyond [`DRAIN_LIMIT`] already.
    pub fn start(limit: usize, content_length: Option<&str>) -> Option<BoundedBody> {
        let declared = content_length.and_then(|v| v.trim().parse::<usize>().ok());
        if declared.is_some_and(|n| n > DRAIN_LIMIT) {
            return None;
        }
        Some(BoundedBody {
            limit,
            seen: 0,
            body: Vec::new(),
        })
    }

    /// Takes the next chunk; `false` when reading must stop (past [`DRAIN_LIMIT`]).
    pub fn push(&mut self, chunk: &[u8]) -> bool {
        self.seen = self.seen.saturating_add(chunk.len());
        if self.seen <= self.limit {
            self.body.extend_from_slice(chunk);
        }
        self.seen <= DRAIN_LIMIT
    }

    /// The body, or `None` when it was longer than the limit.
    pub fn finish(self) -> Option<Vec<u8>> {
        (self.seen <= self.limit).then_some(self.body)
    }
}

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
        match self {
            HttpError::Unauthorized => r.headers.push(("www-authenticate", "Bearer".to_string())),
            HttpError::UnauthorizedBasic => r.headers.push((
                "www-authenticate",
                r#"Basic realm="consent-dni", charset="UTF-8""#.to_string(),
            )),
            _ => {}
        }
        if matches!(self, HttpError::TooManyRequests) {
            r.headers
                .push(("retry-after", (throttle::WINDOW_MS / 1000).to_string()));
        }
        r
    }
}

/// The API token check (constant time). No token configured, or a weak one
/// ([`api_token_problem`](crate::config::secrets::api_token_problem)): nothing is authorized.
pub fn authorize(
    expected_token: Option<&str>,
    authorization: Option<&str>,
) -> Result<(), HttpError> {
    match expected_token {
        Some(expected)
            if crate::config::secrets::api_token_problem(Some(expected)).is_none()
                && dni_sessions::bearer_matches(authorization, expected) =>
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
        const T: &str = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0";
        assert!(authorize(Some(T), Some(&format!("Bearer {T}"))).is_ok());
        assert_eq!(
            authorize(Some(T), Some("Bearer nope")),
            Err(HttpError::Unauthorized)
        );
        assert_eq!(authorize(Some(T), None), Err(HttpError::Unauthorized));
        // A weak token authorizes nothing, even when it is sent.
        assert_eq!(
            authorize(Some("sekrit"), Some("Bearer sekrit")),
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
    fn bodies_are_bounded() {
        // Issue 15: a 2 MB POST to /__dni/dashboard was read whole.
        assert!(BoundedBody::start(MAX_DASHBOARD_FORM, Some("2097152")).is_none());
        let mut b = BoundedBody::start(MAX_DASHBOARD_FORM, None).unwrap();
        let chunk = vec![b'x'; 64 * 1024];
        let mut pushed = 0;
        while b.push(&chunk) {
            pushed += 1;
            assert!(pushed < 100, "reading never stops");
        }
        assert_eq!(
            pushed,
            DRAIN_LIMIT / chunk.len(),
            "stops right past the drain limit"
        );
        // Over the limit but within the drain limit: read to the end, refused.
        let mut b = BoundedBody::start(10, Some("11")).unwrap();
        assert!(b.push(b"hello ") && b.push(b"world"));
        assert_eq!(b.finish(), None);
        let mut b = BoundedBody::start(10, Some(" 5 ")).unwrap();
        assert!(b.push(b"token"));
        assert_eq!(b.finish().as_deref(), Some(&b"token"[..]));
        assert_eq!(
            BoundedBody::start(0, Some("junk")).unwrap().finish(),
            Some(vec![])
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
            health(&[]),
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
                HttpError::TooManyRequests,
                429,
                "too many failed attempts: try again later",
            ),
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
