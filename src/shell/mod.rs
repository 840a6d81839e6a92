//! The Cloudflare Workers shell (wasm32 only): HTTP in, core decisions, HTTP out.
//!
//! Kept thin: every decision is made by the plain-Rust crates; this module moves bytes and
//! headers, calls the number-pool Durable Object, and logs one line per request.

mod api;
mod body;
mod headers;
mod page;
mod pool_client;
mod pool_object;
mod request_log;
mod runtime_cache;
mod stats_client;
mod upstream;
mod visit;

use worker::{console_error, event, Context, Env, Request, Response, Result};

use crate::config::Upstream;
use runtime_cache::Loaded;

/// Where traffic goes when there is no usable config: `DNI_PASSTHROUGH_UPSTREAM`
/// (`"assets"` in the local dev config), else the zone's origin.
fn passthrough_upstream(env: &Env) -> Upstream {
    match env.var("DNI_PASSTHROUGH_UPSTREAM").map(|v| v.to_string()) {
        Ok(v) if v == "assets" => Upstream::Assets,
        _ => Upstream::Origin,
    }
}

/// The request fetched untouched (no usable config, or no site for this host).
async fn pass_through(env: &Env, req: Request) -> Result<Response> {
    let untouched = upstream::UpstreamRequest {
        cookie: None,
        unconditional: false,
    };
    upstream::fetch(env, &passthrough_upstream(env), req, untouched).await
}

#[event(fetch)]
pub async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    match route(req, &env, &ctx).await {
        Ok(resp) => Ok(resp),
        Err(e) => {
            console_error!("consent-dni: request failed: {e}");
            Response::error("Bad gateway: the site could not be reached.", 502)
        }
    }
}

async fn route(req: Request, env: &Env, ctx: &Context) -> Result<Response> {
    if req.headers().has(upstream::HOP_HEADER)? {
        return Response::error(
            "Loop detected: the upstream is this worker itself. Set the site's `upstream` to \"assets\" or an https:// URL for local runs.",
            508,
        );
    }
    let path = req.path();
    if path == "/__dni/health" {
        return api::health();
    }
    let runtime = match runtime_cache::load(env) {
        Loaded::Ready(r) => r,
        Loaded::PassThrough => {
            if path.starts_with("/__dni/") {
                return Response::error("consent-dni is not configured", 503);
            }
            return pass_through(env, req).await;
        }
    };
    let host = headers::request_host(&req);
    let Some(site_index) = runtime.site_for_host(&host).map(|s| s.index) else {
        if path.starts_with("/__dni/") {
            return Response::error("no consent-dni site is configured for this host", 404);
        }
        return pass_through(env, req).await;
    };
    if path.starts_with("/__dni/") {
        return api::handle(runtime, site_index, req, env, ctx).await;
    }
    page::handle(runtime, site_index, req, env, ctx).await
}
