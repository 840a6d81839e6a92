//! An in-memory [`PoolStore`], for tests, benchmarks and local tools.

use std::collections::HashMap;

use super::store::{LeaseRecord, NumberSlot, PoolStore};

/// A [`PoolStore`] in memory. History is kept per number in start order.
#[derive(Debug, Clone, Default)]
pub struct MemoryPoolStore {
    slots: Vec<NumberSlot>,
    history: HashMap<String, Vec<LeaseRecord>>,
    overflows: u64,
}

impl MemoryPoolStore {
    /// A store holding `numbers`, never leased.
    pub fn with_numbers<S: AsRef<str>>(numbers: &[S]) -> MemoryPoolStore {
        MemoryPoolStore {
            slots: numbers
                .iter()
                .map(|n| NumberSlot::new(n.as_ref()))
                .collect(),
            ..MemoryPoolStore::default()
        }
    }

    /// How many overflows were counted.
    pub fn overflows(&self) -> u64 {
        self.overflows
    }

    /// Every history record of `number`, oldest first.
    pub fn history_of(&self, number: &str) -> &[LeaseRecord] {
        self.history.get(number).map_or(&[], Vec::as_slice)
    }

    /// Total history records kept.
    pub fn history_len(&self) -> usize {
        self.history.values().map(Vec::len).sum()
    }
}

impl PoolStore for MemoryPoolStore {
    fn numbers(&self) -> Vec<NumberSlot> {
        self.slots.clone()
    }

    fn put(&mut self, slot: &NumberSlot) {
        if let Some(s) = self.slots.iter_mut().find(|s| s.number == slot.number) {
            s.clone_from(slot);
        }
    }

    fn sync_numbers(&mut self, configured: &[String]) {
        self.slots.retain(|s| configured.contains(&s.number));
        for n in configured {
            if !self.slots.iter().any(|s| s.number == *n) {
                self.slots.push(NumberSlot::new(n));
            }
        }
    }

    fn open_history(&mut self, rec: &LeaseRecord) {
        self.history
            .entry(rec.number.clone())
            .or_default()
            .push(rec.clone());
    }

    fn close_history(&mut self, number: &str, session: &str, until_ms: i64) {
        if let Some(rec) = self.history.get_mut(number).and_then(|h| {
            h.iter_mut()
                .rev()
                .find(|r| r.session == session && r.until_ms.is_none())
        }) {
            rec.until_ms = Some(until_ms);
        }
    }

    fn history_at(&self, number: &str, at_ms: i64) -> Option<LeaseRecord> {
        self.history
            .get(number)?
            .iter()
            .filter(|r| r.from_ms <= at_ms)
            .max_by_key(|r| r.from_ms)
            .cloned()
    }

    fn last_record_of(&self, session: &str) -> Option<LeaseRecord> {
        self.history
            .values()
            .flatten()
            .filter(|r| r.session == session)
            .max_by_key(|r| r.from_ms)
            .cloned()
    }

    fn prune_history(&mut self, older_than_ms: i64) -> u32 {
        let mut pruned = 0u32;
        for records in self.history.values_mut() {
            let before = records.len();
            records.retain(|r| r.until_ms.is_none_or(|u| u >= older_than_ms));
            pruned = pruned.saturating_add((before - records.len()) as u32);
        }
        self.history.retain(|_, v| !v.is_empty());
        pruned
    }

    fn count_overflow(&mut self, _at_ms: i64) {
        self.overflows += 1;
    }
}
