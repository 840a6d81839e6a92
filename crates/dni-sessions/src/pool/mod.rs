//! Number pools: leases of tracking numbers to sessions, and their history.

mod lease;
mod memory;
mod policy;
mod store;

pub use lease::{LeaseOutcome, Pool};
pub use memory::MemoryPoolStore;
pub use policy::LeasePolicy;
pub use store::{LeaseRecord, NumberSlot, PoolStore, StoreError};
