//! What a pool keeps, and the storage interface shared by the Durable Object's SQLite
//! store and the in-memory store.

use serde::{Deserialize, Serialize};

/// One tracking number of a pool and its current (or last) lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberSlot {
    /// The tracking number (E.164).
    pub number: String,
    /// The session holding it, or that held it last; `None` if never leased. The lease is
    /// live only while `now < lease_until_ms`.
    pub holder: Option<String>,
    /// When the current (or last) lease began.
    pub leased_at_ms: i64,
    /// The last time the holder was seen (lease, confirmation or renewal).
    pub last_active_ms: i64,
    /// When the lease ends unless renewed (`last_active + idle timeout`); earlier if it was
    /// recycled. `0` for a number never leased.
    pub lease_until_ms: i64,
    /// First-page lease whose cookie has not come back yet.
    pub provisional: bool,
    /// When the last lease's history record was closed; `None` while it is open.
    pub released_at_ms: Option<i64>,
}

impl NumberSlot {
    /// A number never leased.
    pub fn new(number: &str) -> NumberSlot {
        NumberSlot {
            number: number.to_string(),
            holder: None,
            leased_at_ms: 0,
            last_active_ms: 0,
            lease_until_ms: 0,
            provisional: false,
            released_at_ms: None,
        }
    }

    /// Is the number leased at `now_ms`?
    pub fn is_live(&self, now_ms: i64) -> bool {
        self.holder.is_some() && now_ms < self.lease_until_ms
    }

    /// Is it held, live, by `session` at `now_ms`?
    pub fn is_held_by(&self, session: &str, now_ms: i64) -> bool {
        self.is_live(now_ms) && self.holder.as_deref() == Some(session)
    }
}

/// One lease in the history: which session held which number when, and where that session
/// came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseRecord {
    pub number: String,
    pub session: String,
    pub from_ms: i64,
    /// `None` while the lease is open.
    pub until_ms: Option<i64>,
    /// The session's [`Attribution`](crate::Attribution) as JSON.
    pub attribution: String,
}

/// Storage of one pool. Synchronous, like the Durable Object SQLite API. Implementations
/// store; all decisions are in [`Pool`](super::Pool).
pub trait PoolStore {
    /// Every configured number with its lease state.
    fn numbers(&self) -> Vec<NumberSlot>;
    /// Writes a slot back (by `number`); a number not in the pool is ignored.
    fn put(&mut self, slot: &NumberSlot);
    /// Makes the pool hold exactly `configured`: new numbers are added never-leased,
    /// removed ones are dropped (their history stays).
    fn sync_numbers(&mut self, configured: &[String]);
    /// Appends a history record (`until_ms` is `None`).
    fn open_history(&mut self, rec: &LeaseRecord);
    /// Sets `until_ms` on the open record of (`number`, `session`), if any.
    fn close_history(&mut self, number: &str, session: &str, until_ms: i64);
    /// The record of `number` with the greatest `from_ms <= at_ms`: the lease covering
    /// `at_ms`, or the last one before it (nobody else has held the number since).
    fn history_at(&self, number: &str, at_ms: i64) -> Option<LeaseRecord>;
    /// The most recent record of `session` (any number), for its attribution.
    fn last_record_of(&self, session: &str) -> Option<LeaseRecord>;
    /// Deletes records that ended before `older_than_ms`; returns how many.
    fn prune_history(&mut self, older_than_ms: i64) -> u32;
    /// Counts one overflow (no number could be leased) at `at_ms`.
    fn count_overflow(&mut self, at_ms: i64);
}
