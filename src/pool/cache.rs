//! [`SlotCache`]: a pool store whose slots are read once for a whole batch of operations
//! (every lease reads all slots; in a batch each later operation sees the slots as the
//! earlier ones left them, without reading storage again).

use std::cell::RefCell;

use dni_numbers::E164;
use dni_sessions::{LeaseRecord, NumberSlot, PoolStore, SessionId, StoreError};

use super::calls::{CallStore, Delivery, DeliveryState};
use super::object::CounterStore;
use super::protocol::DayCounters;
use dni_calls::{CallRecord, Provider};

/// Wraps a store for the length of one batch: `numbers()` is read from storage once and
/// kept up to date with every `put`; everything else goes to the store.
pub struct SlotCache<'s, S> {
    inner: &'s mut S,
    slots: RefCell<Option<Vec<NumberSlot>>>,
}

impl<'s, S: PoolStore> SlotCache<'s, S> {
    pub fn new(inner: &'s mut S) -> Self {
        SlotCache {
            inner,
            slots: RefCell::new(None),
        }
    }
}

impl<S: PoolStore> PoolStore for SlotCache<'_, S> {
    fn numbers(&self) -> Result<Vec<NumberSlot>, StoreError> {
        if let Some(slots) = self.slots.borrow().as_ref() {
            return Ok(slots.clone());
        }
        let slots = self.inner.numbers()?;
        *self.slots.borrow_mut() = Some(slots.clone());
        Ok(slots)
    }
    fn put(&mut self, slot: &NumberSlot) -> Result<(), StoreError> {
        self.inner.put(slot)?;
        if let Some(slots) = self.slots.get_mut().as_mut() {
            if let Some(s) = slots.iter_mut().find(|s| s.number == slot.number) {
                s.clone_from(slot);
            }
        }
        Ok(())
    }
    fn sync_numbers(&mut self, configured: &[E164]) -> Result<(), StoreError> {
        *self.slots.get_mut() = None;
        self.inner.sync_numbers(configured)
    }
    fn open_history(&mut self, rec: &LeaseRecord) -> Result<(), StoreError> {
        self.inner.open_history(rec)
    }
    fn close_history(&mut self, n: &E164, s: &SessionId, until: i64) -> Result<(), StoreError> {
        self.inner.close_history(n, s, until)
    }
    fn history_at(&self, n: &E164, at_ms: i64) -> Result<Option<LeaseRecord>, StoreError> {
        self.inner.history_at(n, at_ms)
    }
    fn last_record_of(&self, s: &SessionId) -> Result<Option<LeaseRecord>, StoreError> {
        self.inner.last_record_of(s)
    }
    fn prune_history(&mut self, older_than_ms: i64) -> Result<u32, StoreError> {
        self.inner.prune_history(older_than_ms)
    }
    fn count_overflow(&mut self, at_ms: i64) -> Result<(), StoreError> {
        self.inner.count_overflow(at_ms)
    }
}

impl<S: PoolStore + CounterStore> CounterStore for SlotCache<'_, S> {
    fn add_counters(&mut self, day: &str, counters: &[(String, u64)]) -> Result<(), StoreError> {
        self.inner.add_counters(day, counters)
    }
    fn counters_since(&self, first_day: &str) -> Result<Vec<DayCounters>, StoreError> {
        self.inner.counters_since(first_day)
    }
}
/// Calls go straight to the store (a batch holds leases; the stats object's calls are
/// never batched, but the object's logic is the same for every operation).
impl<S: CallStore> CallStore for SlotCache<'_, S> {
    fn call(&self, provider: Provider, call_id: &str) -> Result<Option<CallRecord>, StoreError> {
        self.inner.call(provider, call_id)
    }
    fn insert_call(&mut self, record: &CallRecord) -> Result<bool, StoreError> {
        self.inner.insert_call(record)
    }
    fn update_call(&mut self, record: &CallRecord) -> Result<(), StoreError> {
        self.inner.update_call(record)
    }
    fn calls_between(
        &self,
        from_ms: i64,
        to_ms: i64,
        limit: u32,
    ) -> Result<Vec<CallRecord>, StoreError> {
        self.inner.calls_between(from_ms, to_ms, limit)
    }
    fn delete_calls_before(&mut self, before_ms: i64) -> Result<u32, StoreError> {
        self.inner.delete_calls_before(before_ms)
    }
    fn queue_delivery(&mut self, delivery: &Delivery) -> Result<bool, StoreError> {
        self.inner.queue_delivery(delivery)
    }
    fn due_deliveries(&self, now_ms: i64, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        self.inner.due_deliveries(now_ms, limit)
    }
    fn next_delivery_ms(&self) -> Result<Option<i64>, StoreError> {
        self.inner.next_delivery_ms()
    }
    fn update_delivery(
        &mut self,
        delivery: &Delivery,
        state: DeliveryState,
    ) -> Result<(), StoreError> {
        self.inner.update_delivery(delivery, state)
    }
    fn retention_days(&self) -> Result<Option<u32>, StoreError> {
        self.inner.retention_days()
    }
    fn set_retention_days(&mut self, days: u32) -> Result<(), StoreError> {
        self.inner.set_retention_days(days)
    }
}
