//! [`SlotCache`]: a pool store whose slots are read once for a whole batch of operations
//! (every lease reads all slots; in a batch each later operation sees the slots as the
//! earlier ones left them, without reading storage again).

use std::cell::RefCell;

use dni_numbers::E164;
use dni_sessions::{LeaseRecord, NumberSlot, PoolStore, SessionId, StoreError};

use super::object::CounterStore;
use super::protocol::DayCounters;

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
