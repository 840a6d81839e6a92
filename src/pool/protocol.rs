//! The JSON spoken between the worker and its `NumberPool` Durable Objects.
//!
//! Every request carries the pool's configured numbers and lease policy, so a configuration
//! change reaches the object with the next request (no separate provisioning step). The
//! types are the core's own (`E164`, `SessionId`, `Attribution`, `LeasePolicy`,
//! `LeaseOutcome`, `LeaseRecord`) with serde derives: there is no separate wire copy.
//!
//! Enums are externally tagged (`{"op": {"confirm": {...}}, "now_ms": ...}`,
//! `{"lease": {"outcome": {"leased": {...}}}}`): an internally tagged or flattened enum makes
//! serde buffer the whole object and instantiate every payload type's `Deserialize` a second
//! time for its buffer, ~26 KB of the gzipped wasm (issue 16, BENCHMARKS.md). A worker and a
//! pool object of different versions (during a deploy) do not understand each other's
//! requests across this change: the worker's usual pool-error path (fallback number) applies.

use dni_calls::{CallRecord, StatusUpdate};
use dni_numbers::E164;
use dni_sessions::{Attribution, LeaseOutcome, LeasePolicy, LeaseRecord, SessionId};
use serde::{Deserialize, Serialize};

use super::calls::{StatusOutcome, WebhookOrder};
pub use crate::observe::{DayCounters, PoolUse};

/// One operation on a pool object. (Variants differ in size; values are short-lived and
/// one per call, so they are not boxed.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolOp {
    /// A number for a session (first view, or its lease is gone).
    Lease {
        session: SessionId,
        attribution: Attribution,
        provisional: bool,
    },
    /// The session's cookie came back: the provisional lease becomes a full one.
    Confirm { session: SessionId, number: E164 },
    /// The session is active: extend its lease.
    Renew { session: SessionId, number: E164 },
    /// Who held `number` at `at_ms`.
    Lookup { number: E164, at_ms: i64 },
    /// Adds to the daily counters (the site's stats object: consent and swap outcomes).
    Count { counters: Vec<(String, u64)> },
    /// Counters of the last `days` days, and the pool's current use.
    Stats { days: u32 },
    /// (Stats object.) A call arrived: keep its record, once per (provider, call id); the
    /// site's retention comes along for the daily prune.
    RecordCall {
        record: CallRecord,
        retention_days: u32,
    },
    /// (Stats object.) A provider's status callback; `webhook`: the delivery to queue when
    /// the call becomes eligible.
    ApplyStatus {
        update: StatusUpdate,
        webhook: Option<WebhookOrder>,
    },
    /// (Stats object.) Calls that started in `[from_ms, to_ms)`, newest first, at most `limit`.
    CallHistory {
        from_ms: i64,
        to_ms: i64,
        limit: u32,
    },
    /// (Stats object.) Deletes calls older than `retention_days` (the daily alarm does it).
    PruneCalls { retention_days: u32 },
    /// Several operations in one request, answered in order and committed together (one
    /// storage transaction: what bounds a single object's throughput).
    Batch { ops: Vec<PoolOp> },
}

/// A request to a pool object: the operation, the time, and the pool's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolRequest {
    pub op: PoolOp,
    pub now_ms: i64,
    pub numbers: Vec<E164>,
    pub policy: LeasePolicy,
}

/// A pool object's answer.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolReply {
    /// To `Lease`, `Confirm` and `Renew`.
    Lease { outcome: LeaseOutcome },
    /// To `Lookup`.
    Record { record: Option<LeaseRecord> },
    /// To `Stats`.
    Stats {
        days: Vec<DayCounters>,
        pool: PoolUse,
    },
    /// To `Count`.
    Counted,
    /// To `Batch`: one reply per operation, in order.
    Batch { replies: Vec<PoolReply> },
    /// To `RecordCall`: `false` when the call was already recorded (a replayed webhook).
    CallRecorded { new: bool },
    /// To `ApplyStatus`.
    CallUpdated { outcome: StatusOutcome },
    /// To `CallHistory`.
    Calls { records: Vec<CallRecord> },
    /// To `PruneCalls`: how many calls were deleted.
    Pruned { calls: u32 },
}

impl PoolReply {
    /// The answer queued a webhook delivery: the object arms its alarm now.
    pub fn queued_delivery(&self) -> bool {
        matches!(self, PoolReply::CallUpdated { outcome } if outcome.queued)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> E164 {
        E164::parse(s).unwrap()
    }

    #[test]
    fn requests_round_trip_through_json() {
        let req = PoolRequest {
            op: PoolOp::Confirm {
                session: SessionId([0xab; 16]),
                number: n("+15035550150"),
            },
            now_ms: 5,
            numbers: vec![n("+15035550150")],
            policy: LeasePolicy {
                idle_ms: 1,
                provisional_hold_ms: 2,
                history_retention_ms: 3,
            },
        };
        let json = serde_json::to_string(&req).unwrap();
        assert!(json.contains("\"op\":{\"confirm\":{"), "{json}");
        assert!(json.contains(&"ab".repeat(16)), "{json}");
        let back: PoolRequest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, req);
    }

    #[test]
    fn replies_round_trip_through_json() {
        for reply in [
            PoolReply::Lease {
                outcome: LeaseOutcome::Overflow,
            },
            PoolReply::Lease {
                outcome: LeaseOutcome::Leased {
                    number: n("+15035550150"),
                    until_ms: 9,
                    provisional: true,
                },
            },
            PoolReply::Record { record: None },
            PoolReply::Counted,
        ] {
            let json = serde_json::to_string(&reply).unwrap();
            assert_eq!(serde_json::from_str::<PoolReply>(&json).unwrap(), reply);
        }
    }

    #[test]
    fn enums_are_externally_tagged_on_the_wire() {
        // The shape bench/traffic.mjs, bench/pool-leases.mjs and tests/support speak.
        let reply = PoolReply::Lease {
            outcome: LeaseOutcome::Overflow,
        };
        assert_eq!(
            serde_json::to_string(&reply).unwrap(),
            r#"{"lease":{"outcome":"overflow"}}"#
        );
        let op = PoolOp::Stats { days: 2 };
        assert_eq!(
            serde_json::to_string(&op).unwrap(),
            r#"{"stats":{"days":2}}"#
        );
    }

    #[test]
    fn a_bad_number_or_session_in_a_request_is_refused() {
        let bad = r#"{"op":{"confirm":{"session":"xyz","number":"+15035550150"}},"now_ms":0,"numbers":[],"policy":{"idle_ms":1,"provisional_hold_ms":1,"history_retention_ms":1}}"#;
        assert!(serde_json::from_str::<PoolRequest>(bad).is_err());
        let bad = bad
            .replace("xyz", &"ab".repeat(16))
            .replace("+15035550150", "555");
        assert!(serde_json::from_str::<PoolRequest>(&bad).is_err());
    }
}
