//! What a pool keeps, and the storage interface shared by the Durable Object's SQLite
//! store and the in-memory store.

use dni_numbers::E164;
use serde::{Deserialize, Deserializer, Serialize};

use crate::attribution::Attribution;
use crate::token::SessionId;

/// One tracking number of a pool and its current (or last) lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberSlot {
    /// The tracking number.
    pub number: E164,
    /// The session holding it, or that held it last; `None` if never leased. The lease is
    /// live only while `now < lease_until_ms`.
    pub holder: Option<SessionId>,
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
    pub fn new(number: E164) -> NumberSlot {
        NumberSlot {
            number,
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
    pub fn is_held_by(&self, session: &SessionId, now_ms: i64) -> bool {
        self.is_live(now_ms) && self.holder.as_ref() == Some(session)
    }
}

/// One lease in the history: which session held which number when, and where that session
/// came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseRecord {
    pub number: E164,
    pub session: SessionId,
    pub from_ms: i64,
    /// `None` while the lease is open.
    pub until_ms: Option<i64>,
    /// Where the session came from. Storage may keep it as JSON text (a SQL column): both
    /// an object and a string holding one are read.
    #[serde(deserialize_with = "attribution_object_or_text")]
    pub attribution: Attribution,
}

/// An [`Attribution`] given as a JSON object, or as a string holding one (how the SQLite
/// store keeps it). A stored string that no longer parses reads as an empty attribution:
/// the lease itself (number, session, times) still answers the call.
fn attribution_object_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<Attribution, D::Error> {
    // A visitor, not `#[serde(untagged)]`: the value is read once, without buffering it.
    struct ObjectOrText;
    impl<'de> serde::de::Visitor<'de> for ObjectOrText {
        type Value = Attribution;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an attribution object or JSON text holding one")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Attribution, E> {
            Ok(serde_json::from_str(s).unwrap_or_default())
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Attribution, A::Error> {
            Attribution::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(ObjectOrText)
}

/// A storage operation failed (the database refused a statement, a row did not decode).
/// Never read as "no data": a pool whose storage fails answers with an error, and the
/// visitor gets the fallback counted as a fault, not as an overflow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("pool storage failed: {0}")]
pub struct StoreError(pub String);

/// Storage of one pool. Synchronous, like the Durable Object SQLite API. Implementations
/// store; all decisions are in [`Pool`](super::Pool). Every operation reports a storage
/// failure as an error.
pub trait PoolStore {
    /// Every configured number with its lease state.
    fn numbers(&self) -> Result<Vec<NumberSlot>, StoreError>;
    /// Writes a slot back (by `number`); a number not in the pool is ignored.
    fn put(&mut self, slot: &NumberSlot) -> Result<(), StoreError>;
    /// Makes the pool hold exactly `configured`: new numbers are added never-leased,
    /// removed ones are dropped (their history stays).
    fn sync_numbers(&mut self, configured: &[E164]) -> Result<(), StoreError>;
    /// Appends a history record (`until_ms` is `None`).
    fn open_history(&mut self, rec: &LeaseRecord) -> Result<(), StoreError>;
    /// Sets `until_ms` on the open record of (`number`, `session`), if any.
    fn close_history(
        &mut self,
        number: &E164,
        session: &SessionId,
        until_ms: i64,
    ) -> Result<(), StoreError>;
    /// The record of `number` with the greatest `from_ms <= at_ms`: the lease covering
    /// `at_ms`, or the last one before it (nobody else has held the number since).
    fn history_at(&self, number: &E164, at_ms: i64) -> Result<Option<LeaseRecord>, StoreError>;
    /// The most recent record of `session` (any number), for its attribution.
    fn last_record_of(&self, session: &SessionId) -> Result<Option<LeaseRecord>, StoreError>;
    /// Deletes records that ended before `older_than_ms`; returns how many.
    fn prune_history(&mut self, older_than_ms: i64) -> Result<u32, StoreError>;
    /// Counts one overflow (no number could be leased) at `at_ms`.
    fn count_overflow(&mut self, at_ms: i64) -> Result<(), StoreError>;
}
