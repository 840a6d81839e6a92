//! Number pools as the worker sees them: the protocol spoken with the `NumberPool`
//! Durable Objects, the object's own logic over its storage, and the [`PoolPort`] through
//! which the session flow, the calls API and the stats report reach them.

mod memory;
mod object;
mod port;
mod protocol;

pub use memory::{MemoryObjectStore, MemoryPools};
pub use object::{daily_maintenance, pool_use, CounterStore, PoolObject};
pub use port::{PoolError, PoolPort, PoolRef};
pub use protocol::{DayCounters, PoolOp, PoolReply, PoolRequest, PoolUse};
