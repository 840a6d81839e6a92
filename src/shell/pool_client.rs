//! The [`PoolPort`] over `NumberPool` Durable Object stubs, each call bounded by the site's
//! `session.pool_timeout_ms` (a hanging object gives [`PoolError::Timeout`]: the visitor
//! sees the fallback and the page streams on).

use std::time::Duration;

use futures_util::future::{select, Either};
use worker::{Delay, Env, Headers, Method, Request, RequestInit};

use crate::pool::{PoolError, PoolPort, PoolRef, PoolReply, PoolRequest};

/// Pool objects reached through the `POOLS` binding.
#[derive(Clone)]
pub struct DoPools {
    pub env: Env,
    /// The longest a call may take, in milliseconds.
    pub timeout_ms: u32,
}

impl DoPools {
    pub fn new(env: &Env, timeout_ms: u32) -> DoPools {
        DoPools {
            env: env.clone(),
            timeout_ms,
        }
    }

    /// The object's status and answer text.
    async fn fetch(&self, pool: &PoolRef, body: String) -> worker::Result<(u16, String)> {
        let ns = self.env.durable_object("POOLS")?;
        let stub = ns.id_from_name(pool.name.as_str())?.get_stub()?;
        let headers = Headers::new();
        headers.set("content-type", "application/json")?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(body.into()));
        let req = Request::new_with_init("https://pool.internal/op", &init)?;
        let mut resp = stub.fetch_with_request(req).await?;
        Ok((resp.status_code(), resp.text().await?))
    }

    async fn call(&self, pool: &PoolRef, body: String) -> Result<PoolReply, PoolError> {
        let name = || pool.name.to_string();
        let (status, text) = self
            .fetch(pool, body)
            .await
            .map_err(|e| PoolError::Unreachable {
                pool: name(),
                reason: e.to_string(),
            })?;
        if status != 200 {
            return Err(PoolError::Failed {
                pool: name(),
                reason: format!(
                    "status {status}: {}",
                    text.chars().take(200).collect::<String>()
                ),
            });
        }
        serde_json::from_str::<PoolReply>(&text).map_err(|e| PoolError::BadReply {
            pool: name(),
            reason: e.to_string(),
        })
    }
}

impl PoolPort for DoPools {
    async fn send(&self, pool: &PoolRef, request: PoolRequest) -> Result<PoolReply, PoolError> {
        let body = serde_json::to_string(&request).map_err(|e| PoolError::BadReply {
            pool: pool.name.to_string(),
            reason: format!("request not serialisable: {e}"),
        })?;
        let call = std::pin::pin!(self.call(pool, body));
        let timer = Delay::from(Duration::from_millis(u64::from(self.timeout_ms)));
        match select(call, timer).await {
            Either::Left((reply, _)) => reply,
            Either::Right(((), _)) => Err(PoolError::Timeout {
                pool: pool.name.to_string(),
                ms: self.timeout_ms,
            }),
        }
    }
}
