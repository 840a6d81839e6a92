//! An in-memory [`PoolStore`], for tests, benchmarks and local tools.

use std::collections::HashMap;

use dni_numbers::E164;

use super::store::{LeaseRecord, NumberSlot, PoolStore, StoreError};
use crate::token::SessionId;

/// A [`PoolStore`] in memory. History is kept per number in start order.
///
/// [`fail`](Self::fail) makes every later operation fail, as a broken database would: the
/// tests of the callers use it to prove a storage fault is never read as an empty pool.
#[derive(Debug, Clone, Default)]
pub struct MemoryPoolStore {
    slots: Vec<NumberSlot>,
    history: HashMap<E164, Vec<LeaseRecord>>,
    overflows: u64,
    failing: bool,
}

impl MemoryPoolStore {
    /// A store holding `numbers`, never leased.
    pub fn with_numbers(numbers: &[E164]) -> MemoryPoolStore {
        MemoryPoolStore {
            slots: numbers.iter().copied().map(NumberSlot::new).collect(),
            ..MemoryPoolStore::default()
        }
    }

    /// From now on every operation fails (`true`) or works again (`false`).
    pub fn fail(&mut self, failing: bool) {
        self.failing = failing;
    }

    fn check(&self) -> Result<(), StoreError> {
        if self.failing {
            Err(StoreError("the in-memory store was told to fail".into()))
        } else {
            Ok(())
        }
    }

    /// How many overflows were counted.
    pub fn overflows(&self) -> u64 {
        self.overflows
    }

    /// Every history record of `number`, oldest first.
    pub fn history_of(&self, number: &E164) -> &[LeaseRecord] {
        self.history.get(number).map_or(&[], Vec::as_slice)
    }

    /// Total history records kept.
    pub fn history_len(&self) -> usize {
        self.history.values().map(Vec::len).sum()
    }

    /// The slots as stored.
    pub fn slots(&self) -> &[NumberSlot] {
        &self.slots
    }
}

impl PoolStore for MemoryPoolStore {
    fn numbers(&self) -> Result<Vec<NumberSlot>, StoreError> {
        self.check()?;
        Ok(self.slots.clone())
    }

    fn put(&mut self, slot: &NumberSlot) -> Result<(), StoreError> {
        self.check()?;
        if let Some(s) = self.slots.iter_mut().find(|s| s.number == slot.number) {
            s.clone_from(slot);
        }
        Ok(())
    }

    fn sync_numbers(&mut self, configured: &[E164]) -> Result<(), StoreError> {
        self.check()?;
        self.slots.retain(|s| configured.contains(&s.number));
        for n in configured {
            if !self.slots.iter().any(|s| s.number == *n) {
                self.slots.push(NumberSlot::new(*n));
            }
        }
        Ok(())
    }

    fn open_history(&mut self, rec: &LeaseRecord) -> Result<(), StoreError> {
        self.check()?;
        self.history
            .entry(rec.number)
            .or_default()
            .push(rec.clone());
        Ok(())
    }

    fn close_history(
        &mut self,
        number: &E164,
        session: &SessionId,
        until_ms: i64,
    ) -> Result<(), StoreError> {
        self.check()?;
        if let Some(rec) = self.history.get_mut(number).and_then(|h| {
            h.iter_mut()
                .rev()
                .find(|r| r.session == *session && r.until_ms.is_none())
        }) {
            rec.until_ms = Some(until_ms);
        }
        Ok(())
    }

    fn history_at(&self, number: &E164, at_ms: i64) -> Result<Option<LeaseRecord>, StoreError> {
        self.check()?;
        Ok(self.history.get(number).and_then(|h| {
            h.iter()
                .filter(|r| r.from_ms <= at_ms)
                .max_by_key(|r| r.from_ms)
                .cloned()
        }))
    }

    fn last_record_of(&self, session: &SessionId) -> Result<Option<LeaseRecord>, StoreError> {
        self.check()?;
        Ok(self
            .history
            .values()
            .flatten()
            .filter(|r| r.session == *session)
            .max_by_key(|r| r.from_ms)
            .cloned())
    }

    fn prune_history(&mut self, older_than_ms: i64) -> Result<u32, StoreError> {
        self.check()?;
        let mut pruned = 0u32;
        for records in self.history.values_mut() {
            let before = records.len();
            records.retain(|r| r.until_ms.is_none_or(|u| u >= older_than_ms));
            pruned = pruned.saturating_add((before - records.len()) as u32);
        }
        self.history.retain(|_, v| !v.is_empty());
        Ok(pruned)
    }

    fn count_overflow(&mut self, _at_ms: i64) -> Result<(), StoreError> {
        self.check()?;
        self.overflows += 1;
        Ok(())
    }
}
