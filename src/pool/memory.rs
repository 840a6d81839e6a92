//! Pools in memory: the storage of one object ([`MemoryObjectStore`]) and a whole set of
//! objects behind the [`PoolPort`] ([`MemoryPools`]), so the session flow, the calls API
//! and the stats report run under `cargo test` exactly as they do against Durable Objects.

use std::cell::RefCell;
use std::collections::BTreeMap;

use dni_numbers::E164;
use dni_sessions::{
    LeaseRecord, MemoryPoolStore, NumberSlot, PoolName, PoolStore, SessionId, StoreError,
};

use super::object::{CounterStore, PoolObject};
use super::port::{PoolError, PoolPort, PoolRef};
use super::protocol::{DayCounters, PoolReply, PoolRequest};
use crate::observe::day_of;

/// One object's storage in memory: the pool's slots and history, and daily counters
/// (overflows are counted there, as the SQLite store does).
#[derive(Debug, Default)]
pub struct MemoryObjectStore {
    pub pool: MemoryPoolStore,
    counters: BTreeMap<(String, String), u64>,
}

impl CounterStore for MemoryObjectStore {
    fn add_counters(&mut self, day: &str, counters: &[(String, u64)]) -> Result<(), StoreError> {
        self.pool.numbers()?; // fails like the rest of the store when told to
        for (name, n) in counters {
            let c = self
                .counters
                .entry((day.to_string(), name.clone()))
                .or_default();
            *c = c.saturating_add(*n);
        }
        Ok(())
    }

    fn counters_since(&self, first_day: &str) -> Result<Vec<DayCounters>, StoreError> {
        self.pool.numbers()?;
        let mut days: Vec<DayCounters> = Vec::new();
        for ((day, name), value) in self
            .counters
            .range((first_day.to_string(), String::new())..)
        {
            if days.last().is_none_or(|d| d.day != *day) {
                days.push(DayCounters {
                    day: day.clone(),
                    ..DayCounters::default()
                });
            }
            if let Some(d) = days.last_mut() {
                d.counters.insert(name.clone(), *value);
            }
        }
        Ok(days)
    }
}

impl PoolStore for MemoryObjectStore {
    fn numbers(&self) -> Result<Vec<NumberSlot>, StoreError> {
        self.pool.numbers()
    }
    fn put(&mut self, slot: &NumberSlot) -> Result<(), StoreError> {
        self.pool.put(slot)
    }
    fn sync_numbers(&mut self, configured: &[E164]) -> Result<(), StoreError> {
        self.pool.sync_numbers(configured)
    }
    fn open_history(&mut self, rec: &LeaseRecord) -> Result<(), StoreError> {
        self.pool.open_history(rec)
    }
    fn close_history(
        &mut self,
        number: &E164,
        session: &SessionId,
        until_ms: i64,
    ) -> Result<(), StoreError> {
        self.pool.close_history(number, session, until_ms)
    }
    fn history_at(&self, number: &E164, at_ms: i64) -> Result<Option<LeaseRecord>, StoreError> {
        self.pool.history_at(number, at_ms)
    }
    fn last_record_of(&self, session: &SessionId) -> Result<Option<LeaseRecord>, StoreError> {
        self.pool.last_record_of(session)
    }
    fn prune_history(&mut self, older_than_ms: i64) -> Result<u32, StoreError> {
        self.pool.prune_history(older_than_ms)
    }
    fn count_overflow(&mut self, at_ms: i64) -> Result<(), StoreError> {
        self.pool.count_overflow(at_ms)?;
        self.add_counters(&day_of(at_ms), &[("overflow".to_string(), 1)])
    }
}

/// Every pool object of a deployment, in memory, behind the [`PoolPort`]. Records each call
/// (pool name and request) so tests can assert which calls a flow made.
#[derive(Debug, Default)]
pub struct MemoryPools {
    objects: RefCell<BTreeMap<PoolName, (MemoryObjectStore, PoolObject)>>,
    calls: RefCell<Vec<(PoolName, PoolRequest)>>,
    unreachable: RefCell<Vec<PoolName>>,
}

impl MemoryPools {
    pub fn new() -> MemoryPools {
        MemoryPools::default()
    }

    /// Every call made so far, in order.
    pub fn calls(&self) -> Vec<(PoolName, PoolRequest)> {
        self.calls.borrow().clone()
    }

    /// Forgets the recorded calls.
    pub fn clear_calls(&self) {
        self.calls.borrow_mut().clear();
    }

    /// Makes `pool` unreachable (every call fails as a network error would).
    pub fn cut_off(&self, pool: &PoolName) {
        self.unreachable.borrow_mut().push(pool.clone());
    }

    /// Makes the storage of `pool` fail (`true`) or work again (`false`).
    pub fn break_storage(&self, pool: &PoolName, broken: bool) {
        let mut objects = self.objects.borrow_mut();
        let (store, _) = objects.entry(pool.clone()).or_default();
        store.pool.fail(broken);
    }

    /// Runs `f` on the storage of `pool` (created empty if it has never been called).
    pub fn with_store<R>(&self, pool: &PoolName, f: impl FnOnce(&mut MemoryObjectStore) -> R) -> R {
        let mut objects = self.objects.borrow_mut();
        let (store, _) = objects.entry(pool.clone()).or_default();
        f(store)
    }
}

impl PoolPort for MemoryPools {
    async fn send(&self, pool: &PoolRef, request: PoolRequest) -> Result<PoolReply, PoolError> {
        self.calls
            .borrow_mut()
            .push((pool.name.clone(), request.clone()));
        if self.unreachable.borrow().contains(&pool.name) {
            return Err(PoolError::Unreachable {
                pool: pool.name.to_string(),
                reason: "cut off in the test".into(),
            });
        }
        let mut objects = self.objects.borrow_mut();
        let (store, object) = objects.entry(pool.name.clone()).or_default();
        object
            .handle(store, &request)
            .map_err(|e| PoolError::Failed {
                pool: pool.name.to_string(),
                reason: e.to_string(),
            })
    }
}
