//! `NumberPool`: one Durable Object per (site, target, traffic source), holding that pool's
//! tracking numbers, their leases and the lease history in SQLite; the site's stats object
//! (`{site}/__stats`) also keeps daily counters, the call records and the webhook outbox.
//! What the object does is `crate::pool` (`PoolObject`, `SqlStore`, the outbox logic); this
//! file runs SQL, speaks HTTP, and sends due webhooks from the alarm.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use dni_calls::webhook::{sign, AttemptResult, Next, SECRET_NAME, SIGNATURE_HEADER};
use dni_sessions::{LeasePolicy, StoreError};
use futures_util::future::{select, Either};
use serde::de::DeserializeOwned;
use worker::{
    console_error, console_log, durable_object, DurableObject, Env, Fetch, Headers, Method,
    Request, RequestInit, Response, Result, SqlStorage, SqlStorageValue, State,
};

use super::now_ms;
use crate::pool::{
    after_attempt, daily_maintenance, next_alarm_ms, CallStore, Delivery, PoolObject, PoolRequest,
    Sql, SqlArg, SqlStore, DELIVERIES_PER_ALARM, SCHEMA,
};

const DAY_MS: i64 = 86_400_000;
/// Longest wait for a webhook receiver's answer.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

#[durable_object]
pub struct NumberPool {
    state: State,
    env: Env,
    object: RefCell<PoolObject>,
    alarm_checked: Cell<bool>,
    policy_written: RefCell<Option<LeasePolicy>>,
}

impl DurableObject for NumberPool {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = state.storage().sql().exec(SCHEMA, None) {
            console_error!("NumberPool: schema: {e}");
        }
        NumberPool {
            state,
            env,
            object: RefCell::new(PoolObject::default()),
            alarm_checked: Cell::new(false),
            policy_written: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        // Text then serde_json, not `req.json()` (JSON.parse then serde_wasm_bindgen): the
        // protocol types are already instantiated for serde_json (SQL rows, the client's
        // replies), so no second copy of their `Deserialize` (issue 16, BENCHMARKS.md).
        let request: PoolRequest = match req.text().await.map(|t| serde_json::from_str(&t)) {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => return Response::error(format!("bad pool request: {e}"), 400),
            Err(e) => return Response::error(format!("bad pool request: {e}"), 400),
        };
        let mut store = self.store();
        let reply = match self.object.borrow_mut().handle(&mut store, &request) {
            Ok(reply) => reply,
            Err(e) => {
                console_error!("NumberPool: {e}");
                return Response::error(e.to_string(), 500);
            }
        };
        self.once_per_lifetime(request.policy).await;
        if reply.queued_delivery() {
            // A webhook is due now: the alarm sends it (else the daily alarm will).
            if let Err(e) = self.state.storage().set_alarm(0).await {
                console_error!("NumberPool: webhook alarm not set: {e}");
            }
        }
        Response::from_json(&reply)
    }

    /// Maintenance (lease history, call retention), then the webhooks that are due; armed
    /// again for the next due webhook, and at least daily.
    async fn alarm(&self) -> Result<Response> {
        let storage = self.state.storage();
        let policy = storage
            .get::<LeasePolicy>("policy")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        let mut store = self.store();
        let now = now_ms();
        match daily_maintenance(&mut store, policy, now) {
            Ok(m) if m != Default::default() => console_log!("NumberPool maintenance: {m:?}"),
            Ok(_) => {}
            Err(e) => console_error!("NumberPool maintenance: {e}"),
        }
        let sent = self.deliver_due(&mut store).await;
        let next = next_alarm_ms(now_ms(), store.next_delivery_ms().ok().flatten());
        storage.set_alarm(next.saturating_sub(now_ms())).await?;
        Response::ok(format!("webhooks attempted: {sent}"))
    }
}

impl NumberPool {
    fn store(&self) -> SqlStore<DoSql> {
        SqlStore(DoSql(self.state.storage().sql()))
    }

    /// The daily alarm is armed once per object lifetime, and the lease policy it uses is
    /// written when it changes.
    async fn once_per_lifetime(&self, policy: LeasePolicy) {
        let storage = self.state.storage();
        if !self.alarm_checked.replace(true) {
            if let Ok(None) = storage.get_alarm().await {
                let _ = storage.set_alarm(DAY_MS).await;
            }
        }
        if *self.policy_written.borrow() != Some(policy)
            && storage.put("policy", policy).await.is_ok()
        {
            *self.policy_written.borrow_mut() = Some(policy);
        }
    }

    /// Attempts every due webhook (a bounded batch); returns how many.
    async fn deliver_due(&self, store: &mut SqlStore<DoSql>) -> usize {
        let due = match store.due_deliveries(now_ms(), DELIVERIES_PER_ALARM) {
            Ok(due) => due,
            Err(e) => {
                console_error!("NumberPool outbox: {e}");
                return 0;
            }
        };
        let secret = self.env.secret(SECRET_NAME).ok().map(|s| s.to_string());
        for d in &due {
            let result = match secret.as_deref().filter(|s| !s.is_empty()) {
                Some(secret) => attempt(d, secret).await,
                None => {
                    console_error!("consent-dni webhook: {SECRET_NAME} is not set; not sent");
                    AttemptResult::NetworkError
                }
            };
            match after_attempt(store, d, result, now_ms()) {
                Ok(Next::GiveUp) => console_error!(
                    "consent-dni webhook: gave up on call {} after {} attempts ({result:?})",
                    d.call_id,
                    d.attempts.saturating_add(1)
                ),
                Ok(next) => console_log!("consent-dni webhook: call {}: {next:?}", d.call_id),
                Err(e) => console_error!("consent-dni webhook: {e}"),
            }
        }
        due.len()
    }
}

/// One signed POST of `d` (see `dni_calls::webhook`), bounded by [`DELIVERY_TIMEOUT`].
async fn attempt(d: &Delivery, secret: &str) -> AttemptResult {
    let send = async {
        let headers = Headers::new();
        headers.set("content-type", "application/json")?;
        let signature = sign(secret.as_bytes(), now_ms() / 1000, &d.body);
        headers.set(SIGNATURE_HEADER, &signature)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(d.body.clone().into()));
        let req = Request::new_with_init(&d.url, &init)?;
        let mut resp = Fetch::Request(req).send().await?;
        let _ = resp.bytes().await;
        Ok::<u16, worker::Error>(resp.status_code())
    };
    let timeout = worker::Delay::from(DELIVERY_TIMEOUT);
    match select(Box::pin(send), timeout).await {
        Either::Left((Ok(status), _)) => AttemptResult::Status(status),
        Either::Left((Err(_), _)) | Either::Right(_) => AttemptResult::NetworkError,
    }
}

/// The object's SQLite database as the pool's [`Sql`].
pub struct DoSql(SqlStorage);

fn bind(args: Vec<SqlArg>) -> Vec<SqlStorageValue> {
    args.into_iter()
        .map(|a| match a {
            SqlArg::Int(v) => SqlStorageValue::Integer(v),
            SqlArg::Text(v) => SqlStorageValue::String(v),
            SqlArg::Null => SqlStorageValue::Null,
        })
        .collect()
}

impl Sql for DoSql {
    fn rows<T: DeserializeOwned>(
        &self,
        query: &str,
        args: Vec<SqlArg>,
    ) -> std::result::Result<Vec<T>, StoreError> {
        // Rows come out of JavaScript as `serde_json::Value`s (the one type
        // serde-wasm-bindgen decodes, also for `exec`) and are then read by serde_json:
        // each row type has serde_json's `Deserialize` code only (BENCHMARKS.md, issue 16).
        self.0
            .exec(query, Some(bind(args)))
            .map_err(|e| StoreError(format!("{e} ({query})")))?
            .to_array::<serde_json::Value>()
            .map_err(|e| StoreError(format!("row does not decode: {e} ({query})")))?
            .into_iter()
            .map(|row| {
                serde_json::from_value::<T>(row)
                    .map_err(|e| StoreError(format!("row does not decode: {e} ({query})")))
            })
            .collect()
    }

    fn exec(&self, query: &str, args: Vec<SqlArg>) -> std::result::Result<u64, StoreError> {
        let cursor = self
            .0
            .exec(query, Some(bind(args)))
            .map_err(|e| StoreError(format!("{e} ({query})")))?;
        // A statement runs as its cursor is read: read it to the end.
        let _ = cursor.to_array::<serde_json::Value>();
        Ok(u64::try_from(cursor.rows_written()).unwrap_or(u64::MAX))
    }
}
