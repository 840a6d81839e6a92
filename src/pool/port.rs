//! The pool behind a small trait: [`PoolPort`] sends one request to one pool object. The
//! shell implements it over Durable Object stubs; [`MemoryPools`](super::MemoryPools)
//! implements it in memory for native tests.

use dni_calls::CallRecord;
use dni_numbers::E164;
use dni_sessions::{LeaseOutcome, LeasePolicy, LeaseRecord, PoolName};

use super::calls::StatusOutcome;
use super::protocol::{PoolOp, PoolReply, PoolRequest};

/// One pool object as the worker addresses it: its name, its configured numbers and the
/// lease policy (every request carries them, so configuration changes reach the object).
/// Built once per configuration (see `Site::pool`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolRef {
    pub name: PoolName,
    pub numbers: Vec<E164>,
    pub policy: LeasePolicy,
}

impl PoolRef {
    /// The request carrying `op` at `now_ms`.
    pub fn request(&self, op: PoolOp, now_ms: i64) -> PoolRequest {
        PoolRequest {
            op,
            now_ms,
            numbers: self.numbers.clone(),
            policy: self.policy,
        }
    }
}

/// A pool call that did not produce an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// The object could not be reached (network, binding, runtime error).
    #[error("pool {pool} unreachable: {reason}")]
    Unreachable { pool: String, reason: String },
    /// The object answered with an error (its storage failed).
    #[error("pool {pool} failed: {reason}")]
    Failed { pool: String, reason: String },
    /// The answer was not what the request asks for.
    #[error("pool {pool} answered unexpectedly: {reason}")]
    BadReply { pool: String, reason: String },
    /// No answer within the time budget.
    #[error("pool {pool} did not answer within {ms} ms")]
    Timeout { pool: String, ms: u32 },
}

/// Sends requests to pool objects.
// Futures are not `Send`: the Workers runtime is single-threaded and so are the tests.
#[allow(async_fn_in_trait)]
pub trait PoolPort {
    /// Sends `request` to `pool` and returns its answer.
    async fn send(&self, pool: &PoolRef, request: PoolRequest) -> Result<PoolReply, PoolError>;

    /// A lease, confirm or renew operation.
    async fn lease(
        &self,
        pool: &PoolRef,
        op: PoolOp,
        now_ms: i64,
    ) -> Result<LeaseOutcome, PoolError> {
        match self.send(pool, pool.request(op, now_ms)).await? {
            PoolReply::Lease { outcome } => Ok(outcome),
            other => Err(bad_reply(pool, &other)),
        }
    }

    /// Who held `number` at `at_ms`.
    async fn lookup(
        &self,
        pool: &PoolRef,
        number: E164,
        at_ms: i64,
        now_ms: i64,
    ) -> Result<Option<LeaseRecord>, PoolError> {
        let op = PoolOp::Lookup { number, at_ms };
        match self.send(pool, pool.request(op, now_ms)).await? {
            PoolReply::Record { record } => Ok(record),
            other => Err(bad_reply(pool, &other)),
        }
    }

    /// (Stats object.) Keeps a call's record; `false` when it was already kept.
    async fn record_call(
        &self,
        stats: &PoolRef,
        record: CallRecord,
        retention_days: u32,
        now_ms: i64,
    ) -> Result<bool, PoolError> {
        let op = PoolOp::RecordCall {
            record,
            retention_days,
        };
        match self.send(stats, stats.request(op, now_ms)).await? {
            PoolReply::CallRecorded { new } => Ok(new),
            other => Err(bad_reply(stats, &other)),
        }
    }

    /// (Stats object.) Applies a status update (see [`PoolOp::ApplyStatus`]).
    async fn apply_status(
        &self,
        stats: &PoolRef,
        op: PoolOp,
        now_ms: i64,
    ) -> Result<StatusOutcome, PoolError> {
        match self.send(stats, stats.request(op, now_ms)).await? {
            PoolReply::CallUpdated { outcome } => Ok(outcome),
            other => Err(bad_reply(stats, &other)),
        }
    }

    /// (Stats object.) Calls that started in `[from_ms, to_ms)`, newest first.
    async fn call_history(
        &self,
        stats: &PoolRef,
        from_ms: i64,
        to_ms: i64,
        limit: u32,
        now_ms: i64,
    ) -> Result<Vec<CallRecord>, PoolError> {
        let op = PoolOp::CallHistory {
            from_ms,
            to_ms,
            limit,
        };
        match self.send(stats, stats.request(op, now_ms)).await? {
            PoolReply::Calls { records } => Ok(records),
            other => Err(bad_reply(stats, &other)),
        }
    }
}

fn bad_reply(pool: &PoolRef, reply: &PoolReply) -> PoolError {
    let kind = match reply {
        PoolReply::Lease { .. } => "a lease",
        PoolReply::Record { .. } => "a record",
        PoolReply::Stats { .. } => "stats",
        PoolReply::Counted => "a count",
        PoolReply::CallRecorded { .. } => "a recorded call",
        PoolReply::CallUpdated { .. } => "a call update",
        PoolReply::Calls { .. } => "calls",
        PoolReply::Pruned { .. } => "a prune count",
        PoolReply::Batch { .. } => "a batch",
    };
    PoolError::BadReply {
        pool: pool.name.to_string(),
        reason: format!("got {kind}"),
    }
}
