//! Number pools as the worker sees them: the protocol spoken with the `NumberPool`
//! Durable Objects, the object's own logic over its storage (leases, counters, and in the
//! site's stats object calls and their webhook outbox, `calls.rs`), that storage over SQLite
//! ([`SqlStore`]) and in memory, and the [`PoolPort`] through which the session flow, the
//! calls API and the stats report reach them.

mod cache;
mod calls;
mod memory;
mod object;
mod port;
mod protocol;
mod sql;

pub use calls::{
    after_attempt, apply_status, next_alarm_ms, prune_calls, record_call, CallStore, Delivery,
    DeliveryState, StatusOutcome, WebhookOrder, DEFAULT_RETENTION_DAYS, DELIVERIES_PER_ALARM,
};
pub use memory::{MemoryObjectStore, MemoryPools};
pub use object::{daily_maintenance, pool_use, CounterStore, Maintenance, PoolObject};
pub use port::{PoolError, PoolPort, PoolRef};
pub use protocol::{DayCounters, PoolOp, PoolReply, PoolRequest, PoolUse};
pub use sql::{Sql, SqlArg, SqlStore, SCHEMA};
