//! The Cloudflare Workers shell (wasm32 only): HTTP in, the pipeline's steps, HTTP out.
//!
//! Kept thin: every decision is made by the plain-Rust pipeline (`crate::request`,
//! `crate::session`, `crate::upstream`, `crate::response`, `crate::api`); this module reads
//! requests, calls Durable Objects and the origin, streams bodies and logs one line per
//! request. Every failure is an [`HttpError`], answered in one place ([`fetch`]).

mod api;
mod body;
mod headers;
mod page;
mod pool_client;
mod pool_object;
mod runtime_cache;
mod stats_client;
mod upstream;

use worker::{console_error, event, Context, Env, Request, Response};

use crate::api::ApiResponse;
use crate::config::Upstream;
use crate::error::HttpError;
use crate::request::{ApiRoute, Route};

/// Maps the runtime's errors to the pipeline's: a failed call of the worker's own is a 500,
/// a failed fetch of the site a 502.
pub(crate) trait OrHttp<T> {
    fn or_internal(self) -> Result<T, HttpError>;
    fn or_upstream(self) -> Result<T, HttpError>;
}

impl<T> OrHttp<T> for worker::Result<T> {
    fn or_internal(self) -> Result<T, HttpError> {
        self.map_err(|e| HttpError::Internal(e.to_string()))
    }
    fn or_upstream(self) -> Result<T, HttpError> {
        self.map_err(|e| HttpError::Upstream(e.to_string()))
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}

/// An [`ApiResponse`] as a runtime response.
pub(crate) fn respond(r: ApiResponse) -> Result<Response, HttpError> {
    let headers = worker::Headers::new();
    for (name, value) in &r.headers {
        headers.append(name, value).or_internal()?;
    }
    // No body at all for an empty one (a 204 may not have one).
    let response = if r.body.is_empty() {
        Response::empty()
    } else {
        Response::ok(r.body)
    };
    Ok(response
        .or_internal()?
        .with_headers(headers)
        .with_status(r.status))
}

#[event(fetch)]
pub async fn fetch(req: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    match route(req, &env, &ctx).await {
        Ok(resp) => Ok(resp),
        Err(e) => {
            console_error!("consent-dni: {}", e.log_detail());
            match respond(e.response()) {
                Ok(resp) => Ok(resp),
                Err(_) => Response::error(e.to_string(), e.status()),
            }
        }
    }
}

/// What `/__dni/health` reports: the configuration's problems and the secrets' strength.
fn problems(env: &Env, loaded: &runtime_cache::Loaded) -> Vec<String> {
    let config = loaded
        .config_issues
        .as_deref()
        .map_or(Ok(()), |i| Err(i.as_slice()));
    crate::api::startup_problems(&loaded.runtime, config, |name| {
        env.secret(name).ok().map(|s| s.to_string())
    })
}

async fn route(req: Request, env: &Env, ctx: &Context) -> Result<Response, HttpError> {
    if req.headers().has(upstream::HOP_HEADER).or_internal()? {
        return Err(HttpError::Loop);
    }
    let route = Route::of(&req.path());
    let Some(loaded) = runtime_cache::load(env) else {
        return Err(HttpError::Unavailable("consent-dni cannot start".into()));
    };
    if route == Route::Api(ApiRoute::Health) {
        return respond(crate::api::health(&problems(env, &loaded)));
    }
    let runtime = loaded.runtime;
    let host = headers::request_host(&req);
    let Some(site) = runtime.site_for_host(&host).map(|s| s.index) else {
        if let Route::Api(_) = route {
            return Err(HttpError::NotFound(
                "no consent-dni site is configured for this host".into(),
            ));
        }
        let untouched = crate::upstream::UpstreamPlan::untouched();
        let to = match env.var("DNI_PASSTHROUGH_UPSTREAM").map(|v| v.to_string()) {
            Ok(v) if v == "assets" => Upstream::Assets,
            _ => Upstream::Origin,
        };
        return upstream::fetch(env, &to, req, &untouched).await;
    };
    match route {
        Route::Api(api_route) => api::handle(runtime, site, api_route, req, env, ctx).await,
        Route::Page => page::handle(runtime, site, req, env, ctx).await,
    }
}
