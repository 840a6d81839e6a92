//! Pools in memory: the storage of one object ([`MemoryObjectStore`]) and a whole set of
//! objects behind the [`PoolPort`] ([`MemoryPools`]), so the session flow, the calls API
//! and the stats report run under `cargo test` exactly as they do against Durable Objects.

use std::cell::RefCell;
use std::collections::BTreeMap;

use dni_calls::{CallRecord, Provider};
use dni_numbers::E164;
use dni_sessions::{
    LeaseRecord, MemoryPoolStore, NumberSlot, PoolName, PoolStore, SessionId, StoreError,
};

use super::calls::{CallStore, Delivery, DeliveryState};
use super::object::{CounterStore, PoolObject};
use super::port::{PoolError, PoolPort, PoolRef};
use super::protocol::{DayCounters, PoolReply, PoolRequest};
use crate::observe::day_of;

/// One object's storage in memory: the pool's slots and history, daily counters
/// (overflows are counted there, as the SQLite store does), calls and webhook deliveries.
#[derive(Debug, Default)]
pub struct MemoryObjectStore {
    pub pool: MemoryPoolStore,
    counters: BTreeMap<(String, String), u64>,
    calls: BTreeMap<(&'static str, String), CallRecord>,
    deliveries: BTreeMap<(&'static str, String), (DeliveryState, Delivery)>,
    retention_days: Option<u32>,
}

impl MemoryObjectStore {
    /// Every delivery with its state (for tests).
    pub fn deliveries(&self) -> Vec<(DeliveryState, Delivery)> {
        self.deliveries.values().cloned().collect()
    }

    /// Fails like the rest of the store when told to.
    fn check(&self) -> Result<(), StoreError> {
        self.pool.numbers().map(drop)
    }
}

impl CallStore for MemoryObjectStore {
    fn call(&self, provider: Provider, call_id: &str) -> Result<Option<CallRecord>, StoreError> {
        self.check()?;
        Ok(self
            .calls
            .get(&(provider.as_str(), call_id.to_string()))
            .cloned())
    }

    fn insert_call(&mut self, record: &CallRecord) -> Result<bool, StoreError> {
        self.check()?;
        let key = (record.provider.as_str(), record.call_id.clone());
        if self.calls.contains_key(&key) {
            return Ok(false);
        }
        self.calls.insert(key, record.clone());
        Ok(true)
    }

    fn update_call(&mut self, record: &CallRecord) -> Result<(), StoreError> {
        self.check()?;
        let key = (record.provider.as_str(), record.call_id.clone());
        if let Some(r) = self.calls.get_mut(&key) {
            *r = record.clone();
        }
        Ok(())
    }

    fn calls_between(
        &self,
        from_ms: i64,
        to_ms: i64,
        limit: u32,
    ) -> Result<Vec<CallRecord>, StoreError> {
        self.check()?;
        let mut out: Vec<CallRecord> = self
            .calls
            .values()
            .filter(|r| (from_ms..to_ms).contains(&r.started_at_ms))
            .cloned()
            .collect();
        out.sort_by(|a, b| {
            b.started_at_ms
                .cmp(&a.started_at_ms)
                .then_with(|| a.call_id.cmp(&b.call_id))
        });
        out.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(out)
    }

    fn delete_calls_before(&mut self, before_ms: i64) -> Result<u32, StoreError> {
        self.check()?;
        let old: Vec<(&'static str, String)> = self
            .calls
            .iter()
            .filter(|(_, r)| r.started_at_ms < before_ms)
            .map(|(k, _)| k.clone())
            .collect();
        for k in &old {
            self.calls.remove(k);
            self.deliveries.remove(k);
        }
        Ok(u32::try_from(old.len()).unwrap_or(u32::MAX))
    }

    fn queue_delivery(&mut self, d: &Delivery) -> Result<bool, StoreError> {
        self.check()?;
        let key = (d.provider.as_str(), d.call_id.clone());
        if self.deliveries.contains_key(&key) {
            return Ok(false);
        }
        self.deliveries
            .insert(key, (DeliveryState::Pending, d.clone()));
        Ok(true)
    }

    fn due_deliveries(&self, now_ms: i64, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        self.check()?;
        let mut due: Vec<Delivery> = self
            .deliveries
            .values()
            .filter(|(s, d)| *s == DeliveryState::Pending && d.next_at_ms <= now_ms)
            .map(|(_, d)| d.clone())
            .collect();
        due.sort_by_key(|d| d.next_at_ms);
        due.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(due)
    }

    fn next_delivery_ms(&self) -> Result<Option<i64>, StoreError> {
        self.check()?;
        Ok(self
            .deliveries
            .values()
            .filter(|(s, _)| *s == DeliveryState::Pending)
            .map(|(_, d)| d.next_at_ms)
            .min())
    }

    fn update_delivery(&mut self, d: &Delivery, state: DeliveryState) -> Result<(), StoreError> {
        self.check()?;
        if let Some(e) = self
            .deliveries
            .get_mut(&(d.provider.as_str(), d.call_id.clone()))
        {
            *e = (state, d.clone());
        }
        Ok(())
    }

    fn retention_days(&self) -> Result<Option<u32>, StoreError> {
        self.check()?;
        Ok(self.retention_days)
    }

    fn set_retention_days(&mut self, days: u32) -> Result<(), StoreError> {
        self.check()?;
        self.retention_days = Some(days);
        Ok(())
    }
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
        Ok(DayCounters::group(
            self.counters
                .range((first_day.to_string(), String::new())..)
                .map(|((day, name), value)| (day.clone(), name.clone(), *value)),
        ))
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
    late: RefCell<Vec<PoolName>>,
    garbled: RefCell<Vec<PoolName>>,
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

    /// Makes `pool` slow (`true`): every call ends in [`PoolError::Timeout`], as the shell's
    /// pool timeout ends a call to an object that hangs. The object does not see the call.
    pub fn time_out(&self, pool: &PoolName, late: bool) {
        let mut list = self.late.borrow_mut();
        list.retain(|p| p != pool);
        if late {
            list.push(pool.clone());
        }
    }

    /// Makes `pool` answer every call with the wrong kind of reply (a count), as an object
    /// speaking garbage would: the port reports [`PoolError::BadReply`].
    pub fn garble(&self, pool: &PoolName) {
        self.garbled.borrow_mut().push(pool.clone());
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
        if self.late.borrow().contains(&pool.name) {
            return Err(PoolError::Timeout {
                pool: pool.name.to_string(),
                ms: 300,
            });
        }
        if self.garbled.borrow().contains(&pool.name) {
            return Ok(PoolReply::Counted);
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
