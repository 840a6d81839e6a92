//! The reserved `/__dni/*` routes: read the request (bodies bounded), call `crate::api`,
//! answer. Never forwarded to the origin.

use std::cell::RefCell;
use std::rc::Rc;

use dni_calls::{Endpoint, Secrets, WebhookRequest, MAX_BODY};
use futures_util::StreamExt;
use worker::{console_error, Context, Env, Method, Request, Response};

use super::pool_client::DoPools;
use super::{headers, now_ms, page, respond, OrHttp};
use crate::api::calls::CallsRequest;
use crate::api::throttle::{authorize_limited, AuthThrottle, FailureLimiter};
use crate::api::{self, ApiResponse, BoundedBody, MAX_DASHBOARD_FORM};
use crate::error::HttpError;
use crate::request::ApiRoute;
use crate::runtime::{Runtime, Site};

pub async fn handle(
    runtime: Rc<Runtime>,
    site_index: usize,
    route: ApiRoute,
    mut req: Request,
    env: &Env,
    _ctx: &Context,
) -> Result<Response, HttpError> {
    let site = runtime
        .site(site_index)
        .ok_or_else(|| HttpError::Internal("site index out of range".into()))?;
    let pools = DoPools::new(env, site.config.session.pool_timeout_ms);
    let method = req.method();
    let answer = match (method, route) {
        (Method::Get, ApiRoute::Consent) => {
            let facts = headers::facts(&req);
            ApiResponse::json(facts.decide(site).to_json(), 200)
        }
        (Method::Get, ApiRoute::Number) => number(site, &req, &pools).await?,
        (_, ApiRoute::Calls(endpoint)) => calls(site, endpoint, &mut req, env, &pools).await?,
        (Method::Get, ApiRoute::Stats) => {
            let authorization = headers::get(&req, "authorization");
            authorized(env, &req, authorization.as_deref()).await?;
            let report = report(env, site, &pools).await;
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

thread_local! {
    static THROTTLE: Rc<RefCell<AuthThrottle>> = Rc::default();
}

/// Cloudflare's rate-limiting binding `DNI_AUTH_LIMITER`, if configured.
struct Limiter(Option<worker::RateLimiter>);

impl FailureLimiter for Limiter {
    async fn over_limit(&self, key: &str) -> Option<bool> {
        let outcome = self.0.as_ref()?.limit(key.to_string()).await.ok()?;
        Some(!outcome.success)
    }
}

/// The API token check (`DNI_API_TOKEN`), failed attempts limited per client
/// (`CF-Connecting-IP`; `crate::api::throttle`).
async fn authorized(
    env: &Env,
    req: &Request,
    authorization: Option<&str>,
) -> Result<(), HttpError> {
    let client = headers::get(req, "cf-connecting-ip").unwrap_or_default();
    let token = env.secret("DNI_API_TOKEN").ok().map(|s| s.to_string());
    let limiter = Limiter(env.rate_limiter("DNI_AUTH_LIMITER").ok());
    let throttle = THROTTLE.with(Rc::clone);
    let now = now_ms();
    authorize_limited(
        &throttle,
        &limiter,
        &client,
        now,
        token.as_deref(),
        authorization,
    )
    .await
}

/// The stats report; its days from Analytics Engine when that is configured.
async fn report(env: &Env, site: &Site, pools: &DoPools) -> crate::observe::StatsReport {
    let mut report = api::stats::report(site, 30, now_ms(), pools).await;
    if let Some(days) = super::stats_client::analytics_days(env, site, 30).await {
        report.days = days;
    }
    report
}

async fn number(site: &Site, req: &Request, pools: &DoPools) -> Result<ApiResponse, HttpError> {
    let url = req.url().or_internal()?;
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let query =
        api::number::NumberQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let facts = headers::facts(req);
    let secret = page::secret(&pools.env);
    api::number::answer(
        site,
        &facts,
        &query,
        secret.as_deref(),
        page::random_id,
        pools,
    )
    .await
}

/// The telephony secrets set on the worker.
fn secrets(env: &Env) -> Secrets {
    let get = |name: &str| env.secret(name).ok().map(|s| s.to_string());
    Secrets {
        // A weak token is never used (`/__dni/health` names it).
        api_token: get("DNI_API_TOKEN")
            .filter(|t| crate::config::secrets::api_token_problem(Some(t)).is_none()),
        twilio_auth_token: get("TWILIO_AUTH_TOKEN"),
        signalwire_signing_key: get("SIGNALWIRE_SIGNING_KEY"),
        plivo_auth_token: get("PLIVO_AUTH_TOKEN"),
        vonage_signature_secret: get("VONAGE_SIGNATURE_SECRET"),
    }
}

/// `/__dni/calls` and the provider webhooks: the request as received, to `api::calls`.
async fn calls(
    site: &Site,
    endpoint: Endpoint,
    req: &mut Request,
    env: &Env,
    pools: &DoPools,
) -> Result<ApiResponse, HttpError> {
    // The body is read before anything is answered: a reply sent while the client is still
    // sending makes the runtime drop the connection.
    let body = read_bounded(req, MAX_BODY)
        .await?
        .ok_or_else(|| HttpError::TooLarge(format!("body larger than {MAX_BODY} bytes")))?;
    if endpoint == Endpoint::Api {
        // The bearer API: failed attempts are limited per client, like the other APIs.
        let authorization = headers::get(req, "authorization");
        authorized(env, req, authorization.as_deref()).await?;
    }
    let url = req.inner().url(); // exactly as received: signatures cover it
    let headers: Vec<(String, String)> = req.headers().entries().collect();
    let (method, secrets) = (req.method().to_string(), secrets(env));
    let request = CallsRequest {
        endpoint,
        http: WebhookRequest {
            method: &method,
            url: &url,
            headers: &headers,
            body: &body,
        },
        secrets: &secrets,
        now_ms: now_ms(),
    };
    let answer = api::calls::answer(site, &request, pools).await?;
    for fault in &answer.faults {
        console_error!("consent-dni: call answered without it: {fault}");
    }
    Ok(answer.response)
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
    match authorized(env, req, Some(&bearer)).await {
        Err(HttpError::TooManyRequests) => return Err(HttpError::TooManyRequests),
        Err(_) => return Ok(api::dashboard::refused()),
        Ok(()) => {}
    }
    let report = report(env, site, pools).await;
    Ok(ApiResponse::html(
        api::dashboard::dashboard_page(&report),
        200,
    ))
}

/// The request body, or `None` when it is longer than `limit` (`crate::api::BoundedBody`).
async fn read_bounded(req: &mut Request, limit: usize) -> Result<Option<Vec<u8>>, HttpError> {
    let declared = headers::get(req, "content-length");
    let Some(mut body) = BoundedBody::start(limit, declared.as_deref()) else {
        return Ok(None);
    };
    if let Ok(mut stream) = req.stream() {
        while let Some(chunk) = stream.next().await {
            if !body.push(&chunk.or_internal()?) {
                return Ok(None);
            }
        }
    }
    Ok(body.finish())
}
