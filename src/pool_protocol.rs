//! The JSON spoken between the worker and its `NumberPool` Durable Objects.
//!
//! Every request carries the pool's configured numbers and lease timing, so a config
//! change reaches the object with the next request (no separate provisioning step).

use dni_sessions::{LeaseOutcome, LeaseRecord};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicyWire {
    pub idle_ms: i64,
    pub provisional_hold_ms: i64,
    pub history_retention_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum PoolOp {
    /// A number for a session (first view, or its lease is gone).
    Lease {
        session: String,
        /// `dni_sessions::Attribution` as JSON.
        attribution: String,
        provisional: bool,
    },
    /// The session's cookie came back: the provisional lease becomes a full one.
    Confirm { session: String, number: String },
    /// The session is active: extend its lease.
    Renew { session: String, number: String },
    /// Who held `number` at `at_ms`.
    Lookup { number: String, at_ms: i64 },
    /// Adds to the daily counters (the site's stats object: consent and swap outcomes).
    Count { counters: Vec<(String, u64)> },
    /// Counters of the last `days` days, and the pool's current use.
    Stats { days: u32 },
}

/// One day's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCounters {
    pub day: String,
    pub counters: std::collections::BTreeMap<String, u64>,
}

/// A pool's use right now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolUse {
    pub numbers: u32,
    pub leased: u32,
    pub provisional: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PoolRequest {
    #[serde(flatten)]
    pub op: PoolOp,
    pub now_ms: i64,
    pub numbers: Vec<String>,
    pub policy: PolicyWire,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum PoolReply {
    Leased {
        number: String,
        until_ms: i64,
        provisional: bool,
    },
    Overflow,
    Record {
        record: Option<LeaseRecord>,
    },
    Stats {
        days: Vec<DayCounters>,
        pool: PoolUse,
    },
    Counted,
}

impl PoolReply {
    pub fn from_outcome(outcome: LeaseOutcome) -> PoolReply {
        match outcome {
            LeaseOutcome::Leased {
                number,
                until_ms,
                provisional,
            } => PoolReply::Leased {
                number,
                until_ms,
                provisional,
            },
            LeaseOutcome::Overflow => PoolReply::Overflow,
        }
    }

    pub fn into_outcome(self) -> Option<LeaseOutcome> {
        match self {
            PoolReply::Leased {
                number,
                until_ms,
                provisional,
            } => Some(LeaseOutcome::Leased {
                number,
                until_ms,
                provisional,
            }),
            PoolReply::Overflow => Some(LeaseOutcome::Overflow),
            PoolReply::Record { .. } | PoolReply::Stats { .. } | PoolReply::Counted => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_through_json() {
        let req = PoolRequest {
            op: PoolOp::Confirm {
                session: "s".into(),
                number: "+15035550150".into(),
            },
            now_ms: 5,
            numbers: vec!["+15035550150".into()],
            policy: PolicyWire {
                idle_ms: 1,
                provisional_hold_ms: 2,
                history_retention_ms: 3,
            },
        };
        let json = serde_json::to_string(&req).unwrap();
        assert!(json.contains("\"op\":\"confirm\""), "{json}");
        let back: PoolRequest = serde_json::from_str(&json).unwrap();
        assert!(matches!(back.op, PoolOp::Confirm { .. }));
    }

    #[test]
    fn replies_map_back_to_outcomes() {
        let r = PoolReply::from_outcome(LeaseOutcome::Overflow);
        let json = serde_json::to_string(&r).unwrap();
        let back: PoolReply = serde_json::from_str(&json).unwrap();
        assert_eq!(back.into_outcome(), Some(LeaseOutcome::Overflow));
    }
}
