//! What a `NumberPool` Durable Object does with a request, as a pure function over its
//! storage: the object in `src/shell/pool_object.rs` only implements the storage traits
//! over SQLite and speaks HTTP.

use dni_numbers::E164;
use dni_sessions::{LeasePolicy, Pool, PoolStore, StoreError};

use super::calls::{apply_status, prune_calls, record_call, CallStore, DEFAULT_RETENTION_DAYS};
use super::protocol::{DayCounters, PoolOp, PoolReply, PoolRequest, PoolUse};
use crate::observe::day_of;

const DAY_MS: i64 = 86_400_000;

/// Daily counters kept beside a pool's slots (used by the site's stats object, and for a
/// pool's overflows).
pub trait CounterStore {
    /// Adds each `(name, n)` to the counters of `day` (`YYYY-MM-DD`).
    fn add_counters(&mut self, day: &str, counters: &[(String, u64)]) -> Result<(), StoreError>;
    /// Counters of every day from `first_day` on, oldest first.
    fn counters_since(&self, first_day: &str) -> Result<Vec<DayCounters>, StoreError>;
}

/// What an object keeps in memory between requests: which configured numbers its slots
/// were last synced to (re-synced only when the configuration changes).
#[derive(Debug, Default)]
pub struct PoolObject {
    synced: Option<Vec<E164>>,
}

impl PoolObject {
    /// Answers `request` over `store`. A storage failure is an error (the object answers it
    /// with a 5xx), never an empty pool or an overflow.
    pub fn handle<S: PoolStore + CounterStore + CallStore>(
        &mut self,
        store: &mut S,
        request: &PoolRequest,
    ) -> Result<PoolReply, StoreError> {
        let now = request.now_ms;
        match &request.op {
            PoolOp::Batch { ops } => {
                // The slots are read once for the whole batch.
                let mut cached = super::cache::SlotCache::new(store);
                let mut replies = Vec::with_capacity(ops.len());
                for op in ops {
                    let one = PoolRequest {
                        op: op.clone(),
                        now_ms: now,
                        numbers: request.numbers.clone(),
                        policy: request.policy,
                    };
                    replies.push(self.handle_one(&mut cached, &one)?);
                }
                Ok(PoolReply::Batch { replies })
            }
            _ => self.handle_one(store, request),
        }
    }

    /// One operation (not a batch).
    fn handle_one<S: PoolStore + CounterStore + CallStore>(
        &mut self,
        store: &mut S,
        request: &PoolRequest,
    ) -> Result<PoolReply, StoreError> {
        let now = request.now_ms;
        match &request.op {
            PoolOp::Batch { .. } => Err(StoreError(
                "a batch inside a batch is not supported".to_string(),
            )),
            PoolOp::Count { counters } => {
                store.add_counters(&day_of(now), counters)?;
                Ok(PoolReply::Counted)
            }
            PoolOp::RecordCall {
                record,
                retention_days,
            } => Ok(PoolReply::CallRecorded {
                new: record_call(store, record, *retention_days)?,
            }),
            PoolOp::ApplyStatus { update, webhook } => Ok(PoolReply::CallUpdated {
                outcome: apply_status(store, update, webhook.as_ref(), now)?,
            }),
            PoolOp::CallHistory {
                from_ms,
                to_ms,
                limit,
            } => Ok(PoolReply::Calls {
                records: store.calls_between(*from_ms, *to_ms, *limit)?,
            }),
            PoolOp::PruneCalls { retention_days } => Ok(PoolReply::Pruned {
                calls: prune_calls(store, now, *retention_days)?,
            }),
            PoolOp::Stats { days } => {
                self.sync(store, request)?;
                let first = day_of(now.saturating_sub(i64::from(*days).saturating_mul(DAY_MS)));
                Ok(PoolReply::Stats {
                    days: store.counters_since(&first)?,
                    pool: pool_use(&store.numbers()?, now),
                })
            }
            op => {
                self.sync(store, request)?;
                let mut pool = Pool::new(store, request.policy);
                Ok(match op {
                    PoolOp::Lease {
                        session,
                        attribution,
                        provisional,
                    } => PoolReply::Lease {
                        outcome: pool.lease(session, now, attribution, *provisional)?,
                    },
                    PoolOp::Confirm { session, number } => PoolReply::Lease {
                        outcome: pool.confirm(session, number, now)?,
                    },
                    PoolOp::Renew { session, number } => PoolReply::Lease {
                        outcome: pool.renew(session, number, now)?,
                    },
                    PoolOp::Lookup { number, at_ms } => PoolReply::Record {
                        record: pool.lookup(number, *at_ms)?,
                    },
                    _ => PoolReply::Counted,
                })
            }
        }
    }

    /// Makes the slots hold exactly the request's numbers, once per configuration change.
    fn sync<S: PoolStore>(
        &mut self,
        store: &mut S,
        request: &PoolRequest,
    ) -> Result<(), StoreError> {
        if self.synced.as_deref() != Some(request.numbers.as_slice()) {
            Pool::new(store, request.policy).sync_numbers(&request.numbers)?;
            self.synced = Some(request.numbers.clone());
        }
        Ok(())
    }
}

/// What one maintenance run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Maintenance {
    /// Leases that idled out and had their history closed.
    pub released: u32,
    /// Lease history records past the lease retention.
    pub pruned_history: u32,
    /// Call records past the site's `calls.retention_days`.
    pub pruned_calls: u32,
}

/// The alarm's maintenance (at least daily): closes the history of leases that idled out,
/// prunes lease history older than its retention and calls older than the site's
/// `calls.retention_days` (as last sent with a call; 90 days before any).
pub fn daily_maintenance<S: PoolStore + CallStore>(
    store: &mut S,
    policy: LeasePolicy,
    now_ms: i64,
) -> Result<Maintenance, StoreError> {
    let mut pool = Pool::new(store, policy);
    let released = pool.release_idle(now_ms)?;
    let pruned_history = pool.prune_history(now_ms)?;
    let retention = store.retention_days()?.unwrap_or(DEFAULT_RETENTION_DAYS);
    let pruned_calls = prune_calls(store, now_ms, retention)?;
    Ok(Maintenance {
        released,
        pruned_history,
        pruned_calls,
    })
}

/// How many numbers a pool has, and how many are leased (provisionally) at `now_ms`.
pub fn pool_use(slots: &[dni_sessions::NumberSlot], now_ms: i64) -> PoolUse {
    let count = |f: &dyn Fn(&dni_sessions::NumberSlot) -> bool| {
        u32::try_from(slots.iter().filter(|s| f(s)).count()).unwrap_or(u32::MAX)
    };
    PoolUse {
        numbers: count(&|_| true),
        leased: count(&|s| s.is_live(now_ms)),
        provisional: count(&|s| s.is_live(now_ms) && s.provisional),
    }
}
