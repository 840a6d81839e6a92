//! Calls a `NumberPool` Durable Object.

use dni_sessions::{LeaseOutcome, LeaseRecord, SessionConfig, TargetConfig};
use worker::{Env, Headers, Method, Request, RequestInit, Result};

use crate::pool_protocol::{PolicyWire, PoolOp, PoolReply, PoolRequest};

fn policy(session: &SessionConfig) -> PolicyWire {
    PolicyWire {
        idle_ms: session.idle_timeout_ms(),
        provisional_hold_ms: session.provisional_hold_ms(),
        history_retention_ms: session.history_retention_ms(),
    }
}

/// Sends `op` to the pool named `pool_name` holding `numbers`.
pub async fn call(
    env: &Env,
    pool_name: &str,
    numbers: Vec<String>,
    session: &SessionConfig,
    op: PoolOp,
    now_ms: i64,
) -> Result<PoolReply> {
    let body = serde_json::to_string(&PoolRequest {
        op,
        now_ms,
        numbers,
        policy: policy(session),
    })?;
    let stub = env
        .durable_object("POOLS")?
        .id_from_name(pool_name)?
        .get_stub()?;
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let req = Request::new_with_init("https://pool.internal/op", &init)?;
    let mut resp = stub.fetch_with_request(req).await?;
    if resp.status_code() != 200 {
        return Err(format!("pool {pool_name} answered {}", resp.status_code()).into());
    }
    resp.json::<PoolReply>().await
}

/// The numbers of source `source` of `target`.
pub fn pool_numbers(target: &TargetConfig, source: usize) -> Vec<String> {
    target
        .sources
        .get(source)
        .map(|s| s.numbers.clone())
        .unwrap_or_default()
}

pub async fn lease_op(
    env: &Env,
    pool_name: &str,
    numbers: Vec<String>,
    session: &SessionConfig,
    op: PoolOp,
    now_ms: i64,
) -> Result<LeaseOutcome> {
    call(env, pool_name, numbers, session, op, now_ms)
        .await?
        .into_outcome()
        .ok_or_else(|| "pool answered a lookup to a lease".into())
}

pub async fn lookup(
    env: &Env,
    pool_name: &str,
    numbers: Vec<String>,
    session: &SessionConfig,
    number: &str,
    at_ms: i64,
    now_ms: i64,
) -> Result<Option<LeaseRecord>> {
    match call(
        env,
        pool_name,
        numbers,
        session,
        PoolOp::Lookup {
            number: number.to_string(),
            at_ms,
        },
        now_ms,
    )
    .await?
    {
        PoolReply::Record { record } => Ok(record),
        _ => Err("pool answered a lease to a lookup".into()),
    }
}
