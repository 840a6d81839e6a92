//! Calls a `NumberPool` Durable Object.

use dni_sessions::{LeaseOutcome, LeaseRecord, SessionConfig};
use worker::{Env, Headers, Method, Request, RequestInit, Result};

use crate::pool_protocol::{PolicyWire, PoolOp, PoolReply, PoolRequest};
use crate::runtime::Site;

/// One pool object: its Durable Object name, its configured numbers and lease timing
/// (every request carries them, so config changes reach the object).
#[derive(Debug, Clone)]
pub struct PoolRef {
    pub name: String,
    numbers: Vec<String>,
    policy: PolicyWire,
}

fn policy(session: &SessionConfig) -> PolicyWire {
    PolicyWire {
        idle_ms: session.idle_timeout_ms(),
        provisional_hold_ms: session.provisional_hold_ms(),
        history_retention_ms: session.history_retention_ms(),
    }
}

impl PoolRef {
    /// The pool of source `source` of target `target` of `site`.
    pub fn for_source(site: &Site, target: usize, source: usize) -> Option<PoolRef> {
        let t = site.config.targets.get(target)?;
        let s = t.sources.get(source)?;
        Some(PoolRef {
            name: site.pool_name(&t.number, &s.name),
            numbers: s.numbers.clone(),
            policy: policy(&site.config.session),
        })
    }

    /// The site's stats object (a pool object without numbers that keeps daily counters).
    pub fn stats(site: &Site) -> PoolRef {
        PoolRef {
            name: format!("{}/__stats", site.name),
            numbers: Vec::new(),
            policy: policy(&site.config.session),
        }
    }

    /// Sends `op` to the pool.
    pub async fn call(&self, env: &Env, op: PoolOp, now_ms: i64) -> Result<PoolReply> {
        let body = serde_json::to_string(&PoolRequest {
            op,
            now_ms,
            numbers: self.numbers.clone(),
            policy: self.policy.clone(),
        })?;
        let stub = env
            .durable_object("POOLS")?
            .id_from_name(&self.name)?
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
            return Err(format!("pool {} answered {}", self.name, resp.status_code()).into());
        }
        resp.json::<PoolReply>().await
    }

    /// A lease, confirm or renew operation.
    pub async fn lease(&self, env: &Env, op: PoolOp, now_ms: i64) -> Result<LeaseOutcome> {
        self.call(env, op, now_ms)
            .await?
            .into_outcome()
            .ok_or_else(|| "pool answered a lookup to a lease".into())
    }

    /// Who held `number` at `at_ms`.
    pub async fn lookup(
        &self,
        env: &Env,
        number: &str,
        at_ms: i64,
        now_ms: i64,
    ) -> Result<Option<LeaseRecord>> {
        let op = PoolOp::Lookup {
            number: number.to_string(),
            at_ms,
        };
        match self.call(env, op, now_ms).await? {
            PoolReply::Record { record } => Ok(record),
            _ => Err("pool answered a lease to a lookup".into()),
        }
    }
}
