//! `/__dni/calls` and the provider webhooks under it, as one answer over the pool port
//! (the steps `dni_calls`' crate docs list):
//!
//! * `POST /__dni/calls` (bearer) and `GET|POST /__dni/calls/{provider}[/status]`:
//!   [`authenticate_and_parse`], then by event: a lookup asks the number's pool who held it;
//!   an incoming call asks the same at the current time, is kept as a [`CallRecord`] in the
//!   site's stats object (once per provider call id) and connected ([`respond`]); a status
//!   update is applied to the stored record, which may queue the call's signed webhook.
//! * `GET /__dni/calls?from=&to=&format=` (bearer): the history, CSV or Google Ads file.
//!
//! A caller on the line is never kept waiting on bookkeeping: when the pool or the stats
//! object cannot be reached for an incoming call, the call is still connected (unattributed,
//! or not recorded) and the failure is returned in [`CallsAnswer::faults`] for the log.

use dni_calls::{
    authenticate_and_parse, authenticate_api, parse_history_query, plan_call, render_history,
    respond, Answer, CallEvent, CallPlan, CallRecord, Endpoint, Refusal, Secrets, WebhookRequest,
    MAX_ROWS,
};
use dni_sessions::LeaseRecord;

use super::ApiResponse;
use crate::error::HttpError;
use crate::pool::{PoolError, PoolOp, PoolPort, WebhookOrder};
use crate::runtime::Site;

/// One request to a calls endpoint, as received. (No `Debug`: it holds the secrets.)
#[derive(Clone, Copy)]
pub struct CallsRequest<'a> {
    pub endpoint: Endpoint,
    /// Method, the URL exactly as received (signatures cover it), headers, body (bounded).
    pub http: WebhookRequest<'a>,
    pub secrets: &'a Secrets,
    pub now_ms: i64,
}

/// The answer, and the pool failures the call was answered despite (for the log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallsAnswer {
    pub response: ApiResponse,
    pub faults: Vec<PoolError>,
}

/// Answers a calls request. Errors are the request's own (refused, malformed) or a pool
/// failure that leaves nothing to answer (a lookup, a status update).
pub async fn answer<P: PoolPort>(
    site: &Site,
    req: &CallsRequest<'_>,
    port: &P,
) -> Result<CallsAnswer, HttpError> {
    let method = req.http.method;
    let (get, post) = (
        method.eq_ignore_ascii_case("GET"),
        method.eq_ignore_ascii_case("POST"),
    );
    match req.endpoint {
        Endpoint::Api if get => Ok(CallsAnswer {
            response: history(site, req, port).await?,
            faults: Vec::new(),
        }),
        Endpoint::Api if post => event(site, req, port).await,
        Endpoint::Answer(_) | Endpoint::Status(_) if get || post => event(site, req, port).await,
        _ => Err(HttpError::MethodNotAllowed),
    }
}

/// A refusal as the error answered: a provider webhook without credentials gets a Basic
/// challenge, the bearer API a Bearer one.
fn refused(endpoint: Endpoint, refusal: Refusal) -> HttpError {
    match refusal {
        Refusal::Unauthenticated if endpoint == Endpoint::Api => HttpError::Unauthorized,
        Refusal::Unauthenticated => HttpError::UnauthorizedBasic,
        Refusal::Forbidden(why) => HttpError::Forbidden(why.to_string()),
        Refusal::NotConfigured(what) => HttpError::Unavailable(format!("not configured: {what}")),
        r @ Refusal::TooLarge { .. } => HttpError::TooLarge(r.to_string()),
        r @ Refusal::UnsupportedMediaType(_) => HttpError::UnsupportedMediaType(r.to_string()),
        Refusal::BadRequest(why) => HttpError::BadRequest(why),
    }
}

fn upstream(e: PoolError) -> HttpError {
    HttpError::Upstream(e.to_string())
}

/// The `Answer` of `dni_calls` as an API response (never stored).
pub fn api_response(a: Answer) -> ApiResponse {
    ApiResponse::with(a.status, a.content_type, "no-store", a.body)
}

/// Who held the planned number at `at_ms` (`None`: not a tracking number, or nobody).
async fn lease_at<P: PoolPort>(
    site: &Site,
    plan: Option<&CallPlan>,
    at_ms: i64,
    now_ms: i64,
    port: &P,
) -> Result<Option<LeaseRecord>, PoolError> {
    let Some((plan, pool)) = plan.and_then(|p| {
        let (t, s) = p.pool()?;
        Some((p, site.pool(t, s)?))
    }) else {
        return Ok(None);
    };
    port.lookup(pool, plan.called, at_ms, now_ms).await
}

async fn event<P: PoolPort>(
    site: &Site,
    req: &CallsRequest<'_>,
    port: &P,
) -> Result<CallsAnswer, HttpError> {
    let now = req.now_ms;
    let event = authenticate_and_parse(req.endpoint, &req.http, req.secrets, now)
        .map_err(|r| refused(req.endpoint, r))?;
    let calls = &site.config.calls;
    let targets = &site.config.targets;
    let mut faults = Vec::new();
    let (plan, lease) = match &event {
        CallEvent::Lookup(l) => {
            let plan = plan_call(targets, calls, &l.called);
            let lease = lease_at(site, plan.as_ref(), l.at_or(now), now, port)
                .await
                .map_err(upstream)?;
            (plan, lease)
        }
        CallEvent::Incoming(call) => {
            let plan = plan_call(targets, calls, &call.called);
            let lease = lease_at(site, plan.as_ref(), now, now, port)
                .await
                .unwrap_or_else(|e| {
                    faults.push(e);
                    None
                });
            // A call without an id (the API's form without `CallSid`) cannot be keyed.
            if let Some(p) = plan.as_ref().filter(|_| !call.call_id.is_empty()) {
                let record = CallRecord::new(call, p, lease.as_ref(), now);
                let stats = &site.stats_pool;
                if let Err(e) = port
                    .record_call(stats, record, calls.retention_days, now)
                    .await
                {
                    faults.push(e);
                }
            }
            (plan, lease)
        }
        CallEvent::Status(update) => {
            let op = PoolOp::ApplyStatus {
                update: update.clone(),
                webhook: WebhookOrder::of(calls),
            };
            port.apply_status(&site.stats_pool, op, now)
                .await
                .map_err(upstream)?;
            (None, None)
        }
    };
    Ok(CallsAnswer {
        response: api_response(respond(&event, plan.as_ref(), lease.as_ref(), calls)),
        faults,
    })
}

/// `GET /__dni/calls?from=&to=&format=json|csv|google_ads`.
async fn history<P: PoolPort>(
    site: &Site,
    req: &CallsRequest<'_>,
    port: &P,
) -> Result<ApiResponse, HttpError> {
    authenticate_api(&req.http, req.secrets).map_err(|r| refused(Endpoint::Api, r))?;
    let url = req.http.url;
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let q = parse_history_query(query, req.now_ms).map_err(|r| refused(Endpoint::Api, r))?;
    let limit = u32::try_from(MAX_ROWS.saturating_add(1)).unwrap_or(u32::MAX);
    let records = port
        .call_history(&site.stats_pool, q.from_ms, q.to_ms, limit, req.now_ms)
        .await
        .map_err(upstream)?;
    Ok(api_response(render_history(
        &records,
        &q,
        &site.config.calls,
    )))
}
