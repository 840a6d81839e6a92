//! The reserved `/__dni/*` routes: read the request (bodies bounded), call `crate::api`,
//! answer. Never forwarded to the origin.

use std::rc::Rc;

use futures_util::StreamExt;
use worker::{Context, Env, Method, Request, Response};

use super::pool_client::DoPools;
use super::{headers, now_ms, page, respond, OrHttp};
use crate::api::{self, ApiResponse, DRAIN_LIMIT, MAX_DASHBOARD_FORM};
use crate::error::HttpError;
use crate::request::ApiRoute;
use crate::runtime::{Runtime, Site};

pub async fn handle(
    runtime: Rc<Runtime>,
    site_index: usize,
    route: ApiRoute,
    mut req: Request,
    env: &Env,
    ctx: &Context,
) -> Result<Response, HttpError> {
    let site = runtime
        .site(site_index)
        .ok_or_else(|| HttpError::Internal("site index out of range".into()))?;
    let pools = DoPools { env: env.clone() };
    let method = req.method();
    let answer = match (method, route) {
        (Method::Get, ApiRoute::Consent) => {
            let facts = headers::facts(&req);
            ApiResponse::json(facts.decide(site).to_json(), 200)
        }
        (Method::Get, ApiRoute::Number) => number(site, &req, &pools, ctx).await?,
        (Method::Post, ApiRoute::Calls) => calls(site, &mut req, env, &pools).await?,
        (Method::Get, ApiRoute::Stats) => {
            api::authorize(
                token(env).as_deref(),
                headers::get(&req, "authorization").as_deref(),
            )?;
            let report = api::stats::report(site, 30, now_ms(), &pools).await;
            let body =
                serde_json::to_string(&report).map_err(|e| HttpError::Internal(e.to_string()))?;
            ApiResponse::json(body, 200)
        }
        (Method::Get, ApiRoute::Dashboard) => {
            ApiResponse::html(api::dashboard::login_page(None), 200)
        }
        (Method::Post, ApiRoute::Dashboard) => dashboard(site, &mut req, env, &pools).await?,
        (_, ApiRoute::Unknown | ApiRoute::Health) => {
            read_bounded(&mut req, 0).await?;
            return Err(HttpError::NotFound("not found".into()));
        }
        _ => {
            read_bounded(&mut req, 0).await?;
            return Err(HttpError::MethodNotAllowed);
        }
    };
    respond(answer)
}

/// `DNI_API_TOKEN`, if set.
fn token(env: &Env) -> Option<String> {
    env.secret("DNI_API_TOKEN").ok().map(|s| s.to_string())
}

async fn number(
    site: &Site,
    req: &Request,
    pools: &DoPools,
    ctx: &Context,
) -> Result<ApiResponse, HttpError> {
    let url = req.url().or_internal()?;
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let query =
        api::number::NumberQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let facts = headers::facts(req);
    let secret = page::secret(&pools.env);
    let (response, background) = api::number::answer(
        site,
        &facts,
        &query,
        headers::get(req, "origin").as_deref(),
        secret.as_deref(),
        page::random_id,
        pools,
    )
    .await?;
    page::spawn_background(ctx, pools, background, facts.now_ms);
    Ok(response)
}

async fn calls(
    site: &Site,
    req: &mut Request,
    env: &Env,
    pools: &DoPools,
) -> Result<ApiResponse, HttpError> {
    let limit = dni_sessions::calls::MAX_CALL_BODY;
    // The body is read before anything is answered: a reply sent while the client is still
    // sending makes the runtime drop the connection.
    let body = read_bounded(req, limit)
        .await?
        .ok_or_else(|| HttpError::TooLarge(format!("body larger than {limit} bytes")))?;
    api::authorize(
        token(env).as_deref(),
        headers::get(req, "authorization").as_deref(),
    )?;
    let content_type = headers::get(req, "content-type").unwrap_or_default();
    api::calls::answer(site, &content_type, &body, now_ms(), pools).await
}

async fn dashboard(
    site: &Site,
    req: &mut Request,
    env: &Env,
    pools: &DoPools,
) -> Result<ApiResponse, HttpError> {
    let body = read_bounded(req, MAX_DASHBOARD_FORM)
        .await?
        .ok_or_else(|| {
            HttpError::TooLarge(format!("form larger than {MAX_DASHBOARD_FORM} bytes"))
        })?;
    let bearer = format!("Bearer {}", api::form_token(&body));
    if api::authorize(token(env).as_deref(), Some(&bearer)).is_err() {
        return Ok(ApiResponse::html(
            api::dashboard::login_page(Some("That token is not valid.")),
            401,
        ));
    }
    let report = api::stats::report(site, 30, now_ms(), pools).await;
    Ok(ApiResponse::html(
        api::dashboard::dashboard_page(&report),
        200,
    ))
}

/// The request body, or `None` when it is longer than `limit`. A longer body is still
/// drained (not kept) up to [`DRAIN_LIMIT`]; a larger declared one is refused unread.
async fn read_bounded(req: &mut Request, limit: usize) -> Result<Option<Vec<u8>>, HttpError> {
    let declared = headers::get(req, "content-length").and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > DRAIN_LIMIT) {
        return Ok(None);
    }
    let mut body = Vec::new();
    let mut seen = 0usize;
    let Ok(mut stream) = req.stream() else {
        return Ok(Some(body)); // no body
    };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.or_internal()?;
        seen = seen.saturating_add(chunk.len());
        if seen > DRAIN_LIMIT {
            return Ok(None);
        }
        if seen <= limit {
            body.extend_from_slice(&chunk);
        }
    }
    Ok((seen <= limit).then_some(body))
}
