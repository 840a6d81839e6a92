//! The [`PoolPort`] over `NumberPool` Durable Object stubs.

use worker::{Env, Headers, Method, Request, RequestInit};

use crate::pool::{PoolError, PoolPort, PoolRef, PoolReply, PoolRequest};

/// Pool objects reached through the `POOLS` binding.
#[derive(Clone)]
pub struct DoPools {
    pub env: Env,
}

impl DoPools {
    async fn call(&self, pool: &PoolRef, body: String) -> worker::Result<worker::Response> {
        let stub = self
            .env
            .durable_object("POOLS")?
            .id_from_name(pool.name.as_str())?
            .get_stub()?;
        let headers = Headers::new();
        headers.set("content-type", "application/json")?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(body.into()));
        let req = Request::new_with_init("https://pool.internal/op", &init)?;
        stub.fetch_with_request(req).await
    }
}

impl PoolPort for DoPools {
    async fn send(&self, pool: &PoolRef, request: PoolRequest) -> Result<PoolReply, PoolError> {
        let name = || pool.name.to_string();
        let body = serde_json::to_string(&request).map_err(|e| PoolError::BadReply {
            pool: name(),
            reason: format!("request not serialisable: {e}"),
        })?;
        let mut resp = self
            .call(pool, body)
            .await
            .map_err(|e| PoolError::Unreachable {
                pool: name(),
                reason: e.to_string(),
            })?;
        if resp.status_code() != 200 {
            let text = resp.text().await.unwrap_or_default();
            return Err(PoolError::Failed {
                pool: name(),
                reason: format!(
                    "status {}: {}",
                    resp.status_code(),
                    text.chars().take(200).collect::<String>()
                ),
            });
        }
        resp.json::<PoolReply>()
            .await
            .map_err(|e| PoolError::BadReply {
                pool: name(),
                reason: e.to_string(),
            })
    }
}
