//! `NumberPool`: one Durable Object per (site, target, traffic source), holding that pool's
//! tracking numbers, their leases and the lease history in SQLite. All leasing decisions
//! are `dni_sessions::Pool`; this file only stores rows and speaks JSON.

use dni_sessions::{LeasePolicy, LeaseRecord, NumberSlot, Pool, PoolStore};
use serde::{Deserialize, Serialize};
use worker::{
    console_error, durable_object, DurableObject, Env, Request, Response, Result, SqlStorage,
    SqlStorageValue, State,
};

use std::cell::{Cell, RefCell};

use crate::pool_protocol::{DayCounters, PolicyWire, PoolOp, PoolReply, PoolRequest, PoolUse};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS slots (
  number TEXT PRIMARY KEY, holder TEXT, leased_at INTEGER NOT NULL, last_active INTEGER NOT NULL,
  lease_until INTEGER NOT NULL, provisional INTEGER NOT NULL, released_at INTEGER);
CREATE TABLE IF NOT EXISTS history (
  id INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT NOT NULL, session TEXT NOT NULL,
  from_ms INTEGER NOT NULL, until_ms INTEGER, attribution TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS history_number_from ON history(number, from_ms);
CREATE INDEX IF NOT EXISTS history_session_from ON history(session, from_ms);
CREATE TABLE IF NOT EXISTS counters (day TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL,
  PRIMARY KEY (day, name));
";

const DAY_MS: i64 = 86_400_000;

#[durable_object]
pub struct NumberPool {
    state: State,
    alarm_checked: Cell<bool>,
    policy_written: RefCell<Option<String>>,
    /// The configured numbers last synced into `slots` (re-synced only when they change).
    synced: RefCell<Option<Vec<String>>>,
}

impl DurableObject for NumberPool {
    fn new(state: State, _env: Env) -> Self {
        if let Err(e) = state.storage().sql().exec(SCHEMA, None) {
            console_error!("NumberPool: schema: {e}");
        }
        NumberPool {
            state,
            alarm_checked: Cell::new(false),
            policy_written: RefCell::new(None),
            synced: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let request: PoolRequest = match req.json().await {
            Ok(r) => r,
            Err(e) => return Response::error(format!("bad pool request: {e}"), 400),
        };
        let mut store = SqlStore {
            sql: self.state.storage().sql(),
        };
        let policy = LeasePolicy {
            idle_ms: request.policy.idle_ms,
            provisional_hold_ms: request.policy.provisional_hold_ms,
            history_retention_ms: request.policy.history_retention_ms,
        };
        let now = request.now_ms;
        let reply = match &request.op {
            PoolOp::Count { counters } => {
                store.add_counters(&crate::stats::day_of(now), counters);
                PoolReply::Counted
            }
            PoolOp::Stats { days } => {
                self.sync(&mut store, policy, &request.numbers);
                PoolReply::Stats {
                    days: store
                        .counters_since(&crate::stats::day_of(now - i64::from(*days) * DAY_MS)),
                    pool: store.pool_use(now),
                }
            }
            op => {
                self.sync(&mut store, policy, &request.numbers);
                let mut pool = Pool::new(&mut store, policy);
                match op {
                    PoolOp::Lease {
                        session,
                        attribution,
                        provisional,
                    } => {
                        PoolReply::from_outcome(pool.lease(session, now, attribution, *provisional))
                    }
                    PoolOp::Confirm { session, number } => {
                        PoolReply::from_outcome(pool.confirm(session, number, now))
                    }
                    PoolOp::Renew { session, number } => {
                        PoolReply::from_outcome(pool.renew(session, number, now))
                    }
                    PoolOp::Lookup { number, at_ms } => PoolReply::Record {
                        record: pool.lookup(number, *at_ms),
                    },
                    PoolOp::Count { .. } | PoolOp::Stats { .. } => PoolReply::Counted,
                }
            }
        };
        // Once per object lifetime: the daily alarm (idle release, history pruning) and the
        // lease policy it uses, rewritten only when it changes.
        if !self.alarm_checked.replace(true) {
            if let Ok(None) = self.state.storage().get_alarm().await {
                let _ = self.state.storage().set_alarm(DAY_MS).await;
            }
        }
        if let Ok(p) = serde_json::to_string(&request.policy) {
            if self.policy_written.borrow().as_deref() != Some(p.as_str()) {
                let _ = self.state.storage().put("policy", p.clone()).await;
                *self.policy_written.borrow_mut() = Some(p);
            }
        }
        Response::from_json(&reply)
    }

    /// Daily: closes the history of leases that idled out and prunes history older than
    /// the retention period.
    async fn alarm(&self) -> Result<Response> {
        let wire: Option<PolicyWire> = self
            .state
            .storage()
            .get::<String>("policy")
            .await
            .ok()
            .flatten()
            .and_then(|s| serde_json::from_str(&s).ok());
        let policy = wire.map_or_else(LeasePolicy::default, |w| LeasePolicy {
            idle_ms: w.idle_ms,
            provisional_hold_ms: w.provisional_hold_ms,
            history_retention_ms: w.history_retention_ms,
        });
        let mut store = SqlStore {
            sql: self.state.storage().sql(),
        };
        let now = worker::Date::now().as_millis() as i64;
        let mut pool = Pool::new(&mut store, policy);
        let released = pool.release_idle(now);
        let pruned = pool.prune_history(now);
        let _ = self.state.storage().set_alarm(DAY_MS).await;
        Response::ok(format!("released {released}, pruned {pruned}"))
    }
}

impl NumberPool {
    /// Makes the pool hold exactly the configured numbers, once per configuration change.
    fn sync(&self, store: &mut SqlStore, policy: LeasePolicy, numbers: &[String]) {
        if self.synced.borrow().as_deref() != Some(numbers) {
            Pool::new(store, policy).sync_numbers(numbers);
            *self.synced.borrow_mut() = Some(numbers.to_vec());
        }
    }
}

/// `PoolStore` over the object's SQLite database.
struct SqlStore {
    sql: SqlStorage,
}

#[derive(Deserialize)]
struct SlotRow {
    number: String,
    holder: Option<String>,
    leased_at: i64,
    last_active: i64,
    lease_until: i64,
    provisional: i64,
    released_at: Option<i64>,
}

#[derive(Deserialize, Serialize)]
struct HistoryRow {
    number: String,
    session: String,
    from_ms: i64,
    until_ms: Option<i64>,
    attribution: String,
}

impl From<HistoryRow> for LeaseRecord {
    fn from(r: HistoryRow) -> Self {
        LeaseRecord {
            number: r.number,
            session: r.session,
            from_ms: r.from_ms,
            until_ms: r.until_ms,
            attribution: r.attribution,
        }
    }
}

fn int(v: i64) -> SqlStorageValue {
    SqlStorageValue::Integer(v)
}

fn text(v: &str) -> SqlStorageValue {
    SqlStorageValue::String(v.to_string())
}

impl SqlStore {
    fn run(&self, query: &str, bindings: Vec<SqlStorageValue>) -> Option<worker::SqlCursor> {
        match self.sql.exec(query, Some(bindings)) {
            Ok(c) => Some(c),
            Err(e) => {
                console_error!("NumberPool SQL failed ({query}): {e}");
                None
            }
        }
    }

    fn add_counters(&mut self, day: &str, counters: &[(String, u64)]) {
        for (name, n) in counters {
            self.run(
                "INSERT INTO counters (day, name, value) VALUES (?, ?, ?) ON CONFLICT(day, name) DO UPDATE SET value = value + excluded.value",
                vec![text(day), text(name), int(i64::try_from(*n).unwrap_or(i64::MAX))],
            );
        }
    }

    fn counters_since(&self, first_day: &str) -> Vec<DayCounters> {
        #[derive(Deserialize)]
        struct Row {
            day: String,
            name: String,
            value: i64,
        }
        let rows = self
            .run(
                "SELECT day, name, value FROM counters WHERE day >= ? ORDER BY day, name",
                vec![text(first_day)],
            )
            .and_then(|c| c.to_array::<Row>().ok())
            .unwrap_or_default();
        let mut days: Vec<DayCounters> = Vec::new();
        for r in rows {
            if days.last().map(|d| d.day != r.day).unwrap_or(true) {
                days.push(DayCounters {
                    day: r.day.clone(),
                    ..Default::default()
                });
            }
            if let Some(d) = days.last_mut() {
                d.counters
                    .insert(r.name, u64::try_from(r.value).unwrap_or(0));
            }
        }
        days
    }

    fn pool_use(&self, now: i64) -> PoolUse {
        let slots = self.numbers();
        PoolUse {
            numbers: slots.len() as u32,
            leased: slots.iter().filter(|s| s.is_live(now)).count() as u32,
            provisional: slots
                .iter()
                .filter(|s| s.is_live(now) && s.provisional)
                .count() as u32,
        }
    }

    fn history_query(&self, query: &str, bindings: Vec<SqlStorageValue>) -> Option<LeaseRecord> {
        let cursor = self.run(query, bindings)?;
        cursor
            .to_array::<HistoryRow>()
            .ok()?
            .into_iter()
            .next()
            .map(Into::into)
    }
}

impl PoolStore for SqlStore {
    fn numbers(&self) -> Vec<NumberSlot> {
        let Some(cursor) = self.run("SELECT * FROM slots ORDER BY number", vec![]) else {
            return Vec::new();
        };
        cursor
            .to_array::<SlotRow>()
            .unwrap_or_default()
            .into_iter()
            .map(|r| NumberSlot {
                number: r.number,
                holder: r.holder,
                leased_at_ms: r.leased_at,
                last_active_ms: r.last_active,
                lease_until_ms: r.lease_until,
                provisional: r.provisional != 0,
                released_at_ms: r.released_at,
            })
            .collect()
    }

    fn put(&mut self, slot: &NumberSlot) {
        self.run(
            "UPDATE slots SET holder = ?, leased_at = ?, last_active = ?, lease_until = ?, provisional = ?, released_at = ? WHERE number = ?",
            vec![
                slot.holder.as_deref().map(text).unwrap_or(SqlStorageValue::Null),
                int(slot.leased_at_ms),
                int(slot.last_active_ms),
                int(slot.lease_until_ms),
                int(slot.provisional as i64),
                slot.released_at_ms.map(int).unwrap_or(SqlStorageValue::Null),
                text(&slot.number),
            ],
        );
    }

    fn sync_numbers(&mut self, configured: &[String]) {
        let existing: Vec<String> = self.numbers().into_iter().map(|s| s.number).collect();
        for n in configured {
            if !existing.contains(n) {
                self.run(
                    "INSERT OR IGNORE INTO slots (number, holder, leased_at, last_active, lease_until, provisional, released_at) VALUES (?, NULL, 0, 0, 0, 0, NULL)",
                    vec![text(n)],
                );
            }
        }
        for n in existing.iter().filter(|n| !configured.contains(n)) {
            self.run("DELETE FROM slots WHERE number = ?", vec![text(n)]);
        }
    }

    fn open_history(&mut self, rec: &LeaseRecord) {
        self.run(
            "INSERT INTO history (number, session, from_ms, until_ms, attribution) VALUES (?, ?, ?, NULL, ?)",
            vec![text(&rec.number), text(&rec.session), int(rec.from_ms), text(&rec.attribution)],
        );
    }

    fn close_history(&mut self, number: &str, session: &str, until_ms: i64) {
        self.run(
            "UPDATE history SET until_ms = ? WHERE number = ? AND session = ? AND until_ms IS NULL",
            vec![int(until_ms), text(number), text(session)],
        );
    }

    fn history_at(&self, number: &str, at_ms: i64) -> Option<LeaseRecord> {
        self.history_query(
            "SELECT number, session, from_ms, until_ms, attribution FROM history WHERE number = ? AND from_ms <= ? ORDER BY from_ms DESC, id DESC LIMIT 1",
            vec![text(number), int(at_ms)],
        )
    }

    fn last_record_of(&self, session: &str) -> Option<LeaseRecord> {
        self.history_query(
            "SELECT number, session, from_ms, until_ms, attribution FROM history WHERE session = ? ORDER BY from_ms DESC, id DESC LIMIT 1",
            vec![text(session)],
        )
    }

    fn prune_history(&mut self, older_than_ms: i64) -> u32 {
        self.run(
            "DELETE FROM history WHERE until_ms IS NOT NULL AND until_ms < ?",
            vec![int(older_than_ms)],
        )
        .map(|c| c.rows_written() as u32)
        .unwrap_or(0)
    }

    fn count_overflow(&mut self, at_ms: i64) {
        let day = crate::stats::day_of(at_ms);
        self.run(
            "INSERT INTO counters (day, name, value) VALUES (?, 'overflow', 1) ON CONFLICT(day, name) DO UPDATE SET value = value + 1",
            vec![text(&day)],
        );
    }
}
