//! [`HttpError`]: every way a request can fail, mapped to its HTTP status in one place.

/// A request the worker answers with an error status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// 400: the request is malformed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 401: no or a wrong API token (answered with `WWW-Authenticate: Bearer`).
    #[error("unauthorized")]
    Unauthorized,
    /// 401 for a provider webhook without credentials: answered with a `Basic` challenge,
    /// so a provider holding Basic credentials in its webhook URL retries with them.
    #[error("unauthorized")]
    UnauthorizedBasic,
    /// 403: refused (e.g. an AMP origin that may not read numbers).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 405.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 413: a body over its bound.
    #[error("bad request: {0}")]
    TooLarge(String),
    /// 415.
    #[error("bad request: {0}")]
    UnsupportedMediaType(String),
    /// 429: too many failed authentications from this client (answered with `Retry-After`).
    #[error("too many failed attempts: try again later")]
    TooManyRequests,
    /// 503: the worker cannot serve this (no or an invalid configuration).
    #[error("{0}")]
    Unavailable(String),
    /// 502: the upstream could not be reached. The reason is logged, not shown.
    #[error("Bad gateway: the site could not be reached.")]
    Upstream(String),
    /// 508: the upstream is this worker itself.
    #[error(
        "Loop detected: the upstream is this worker itself. Set the site's `upstream` to \"assets\" or an https:// URL for local runs."
    )]
    Loop,
    /// 500: a fault of the worker's own (a runtime call failed). The reason is logged, not
    /// shown.
    #[error("internal error")]
    Internal(String),
}

impl HttpError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            HttpError::BadRequest(_) => 400,
            HttpError::Unauthorized | HttpError::UnauthorizedBasic => 401,
            HttpError::Forbidden(_) => 403,
            HttpError::NotFound(_) => 404,
            HttpError::MethodNotAllowed => 405,
            HttpError::TooLarge(_) => 413,
            HttpError::UnsupportedMediaType(_) => 415,
            HttpError::TooManyRequests => 429,
            HttpError::Unavailable(_) => 503,
            HttpError::Upstream(_) => 502,
            HttpError::Loop => 508,
            HttpError::Internal(_) => 500,
        }
    }

    /// What the operator's log should say (the reasons not shown to the client included).
    pub fn log_detail(&self) -> String {
        match self {
            HttpError::Upstream(why) | HttpError::Internal(why) => format!("{self} ({why})"),
            other => other.to_string(),
        }
    }
}
