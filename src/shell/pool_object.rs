//! `NumberPool`: one Durable Object per (site, target, traffic source), holding that pool's
//! tracking numbers, their leases and the lease history in SQLite (and, for the site's
//! stats object, daily counters). What the object does is `crate::pool::PoolObject`; this
//! file stores rows and speaks HTTP. Every SQL call's error is propagated: a failing
//! database answers 500, never an empty pool.

use std::cell::{Cell, RefCell};

use dni_numbers::E164;
use dni_sessions::{LeasePolicy, LeaseRecord, NumberSlot, PoolStore, SessionId, StoreError};
use serde::Deserialize;
use worker::{
    console_error, durable_object, DurableObject, Env, Request, Response, Result, SqlCursor,
    SqlStorage, SqlStorageValue, State,
};

use crate::observe::day_of;
use crate::pool::{daily_maintenance, CounterStore, DayCounters, PoolObject, PoolRequest};

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

const DAY_MS: u64 = 86_400_000;

#[durable_object]
pub struct NumberPool {
    state: State,
    object: RefCell<PoolObject>,
    alarm_checked: Cell<bool>,
    policy_written: RefCell<Option<LeasePolicy>>,
}

impl DurableObject for NumberPool {
    fn new(state: State, _env: Env) -> Self {
        if let Err(e) = state.storage().sql().exec(SCHEMA, None) {
            console_error!("NumberPool: schema: {e}");
        }
        NumberPool {
            state,
            object: RefCell::new(PoolObject::default()),
            alarm_checked: Cell::new(false),
            policy_written: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let request: PoolRequest = match req.json().await {
            Ok(r) => r,
            Err(e) => return Response::error(format!("bad pool request: {e}"), 400),
        };
        let mut store = SqlStore(self.state.storage().sql());
        let reply = self.object.borrow_mut().handle(&mut store, &request);
        let reply = match reply {
            Ok(reply) => reply,
            Err(e) => {
                console_error!("NumberPool: {e}");
                return Response::error(e.to_string(), 500);
            }
        };
        self.once_per_lifetime(request.policy).await;
        Response::from_json(&reply)
    }

    /// Daily: closes the history of leases that idled out and prunes history older than
    /// the retention period.
    async fn alarm(&self) -> Result<Response> {
        let policy = self
            .state
            .storage()
            .get::<LeasePolicy>("policy")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        let mut store = SqlStore(self.state.storage().sql());
        let now = worker::Date::now().as_millis() as i64;
        let outcome = daily_maintenance(&mut store, policy, now);
        let _ = self.state.storage().set_alarm(DAY_MS as i64).await;
        match outcome {
            Ok((released, pruned)) => Response::ok(format!("released {released}, pruned {pruned}")),
            Err(e) => Response::error(e.to_string(), 500),
        }
    }
}

impl NumberPool {
    /// The daily alarm is armed once per object lifetime, and the lease policy it uses is
    /// written when it changes.
    async fn once_per_lifetime(&self, policy: LeasePolicy) {
        let storage = self.state.storage();
        if !self.alarm_checked.replace(true) {
            if let Ok(None) = storage.get_alarm().await {
                let _ = storage.set_alarm(DAY_MS as i64).await;
            }
        }
        if *self.policy_written.borrow() != Some(policy)
            && storage.put("policy", policy).await.is_ok()
        {
            *self.policy_written.borrow_mut() = Some(policy);
        }
    }
}

/// `PoolStore` and `CounterStore` over the object's SQLite database.
struct SqlStore(SqlStorage);

fn int(v: i64) -> SqlStorageValue {
    SqlStorageValue::Integer(v)
}

fn text(v: &str) -> SqlStorageValue {
    SqlStorageValue::String(v.to_string())
}

fn opt_int(v: Option<i64>) -> SqlStorageValue {
    v.map_or(SqlStorageValue::Null, int)
}

/// A `slots` row (SQLite keeps booleans as integers).
#[derive(Deserialize)]
struct SlotRow {
    number: E164,
    holder: Option<SessionId>,
    leased_at: i64,
    last_active: i64,
    lease_until: i64,
    provisional: i64,
    released_at: Option<i64>,
}

impl From<SlotRow> for NumberSlot {
    fn from(r: SlotRow) -> NumberSlot {
        NumberSlot {
            number: r.number,
            holder: r.holder,
            leased_at_ms: r.leased_at,
            last_active_ms: r.last_active,
            lease_until_ms: r.lease_until,
            provisional: r.provisional != 0,
            released_at_ms: r.released_at,
        }
    }
}

const HISTORY_COLUMNS: &str = "number, session, from_ms, until_ms, attribution";

impl SqlStore {
    fn run(
        &self,
        query: &str,
        bindings: Vec<SqlStorageValue>,
    ) -> std::result::Result<SqlCursor, StoreError> {
        self.0
            .exec(query, Some(bindings))
            .map_err(|e| StoreError(format!("{e} ({query})")))
    }

    fn rows<T: for<'de> Deserialize<'de>>(
        &self,
        query: &str,
        bindings: Vec<SqlStorageValue>,
    ) -> std::result::Result<Vec<T>, StoreError> {
        self.run(query, bindings)?
            .to_array::<T>()
            .map_err(|e| StoreError(format!("row does not decode: {e} ({query})")))
    }

    fn one_record(
        &self,
        query: &str,
        bindings: Vec<SqlStorageValue>,
    ) -> std::result::Result<Option<LeaseRecord>, StoreError> {
        Ok(self
            .rows::<LeaseRecord>(query, bindings)?
            .into_iter()
            .next())
    }
}

type Res<T> = std::result::Result<T, StoreError>;

impl CounterStore for SqlStore {
    fn add_counters(&mut self, day: &str, counters: &[(String, u64)]) -> Res<()> {
        for (name, n) in counters {
            self.run(
                "INSERT INTO counters (day, name, value) VALUES (?, ?, ?) ON CONFLICT(day, name) DO UPDATE SET value = value + excluded.value",
                vec![text(day), text(name), int(i64::try_from(*n).unwrap_or(i64::MAX))],
            )?;
        }
        Ok(())
    }

    fn counters_since(&self, first_day: &str) -> Res<Vec<DayCounters>> {
        #[derive(Deserialize)]
        struct Row {
            day: String,
            name: String,
            value: i64,
        }
        let rows: Vec<Row> = self.rows(
            "SELECT day, name, value FROM counters WHERE day >= ? ORDER BY day, name",
            vec![text(first_day)],
        )?;
        let mut days: Vec<DayCounters> = Vec::new();
        for r in rows {
            if days.last().is_none_or(|d| d.day != r.day) {
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
        Ok(days)
    }
}

impl PoolStore for SqlStore {
    fn numbers(&self) -> Res<Vec<NumberSlot>> {
        let rows: Vec<SlotRow> = self.rows("SELECT * FROM slots ORDER BY number", vec![])?;
        Ok(rows.into_iter().map(NumberSlot::from).collect())
    }

    fn put(&mut self, slot: &NumberSlot) -> Res<()> {
        self.run(
            "UPDATE slots SET holder = ?, leased_at = ?, last_active = ?, lease_until = ?, provisional = ?, released_at = ? WHERE number = ?",
            vec![
                slot.holder.map_or(SqlStorageValue::Null, |h| text(&h.to_hex())),
                int(slot.leased_at_ms),
                int(slot.last_active_ms),
                int(slot.lease_until_ms),
                int(i64::from(slot.provisional)),
                opt_int(slot.released_at_ms),
                text(slot.number.as_str()),
            ],
        )
        .map(drop)
    }

    fn sync_numbers(&mut self, configured: &[E164]) -> Res<()> {
        let existing: Vec<E164> = self.numbers()?.into_iter().map(|s| s.number).collect();
        for n in configured.iter().filter(|n| !existing.contains(n)) {
            self.run(
                "INSERT OR IGNORE INTO slots (number, holder, leased_at, last_active, lease_until, provisional, released_at) VALUES (?, NULL, 0, 0, 0, 0, NULL)",
                vec![text(n.as_str())],
            )?;
        }
        for n in existing.iter().filter(|n| !configured.contains(n)) {
            self.run("DELETE FROM slots WHERE number = ?", vec![text(n.as_str())])?;
        }
        Ok(())
    }

    fn open_history(&mut self, rec: &LeaseRecord) -> Res<()> {
        let attribution =
            serde_json::to_string(&rec.attribution).map_err(|e| StoreError(e.to_string()))?;
        self.run(
            "INSERT INTO history (number, session, from_ms, until_ms, attribution) VALUES (?, ?, ?, NULL, ?)",
            vec![text(rec.number.as_str()), text(&rec.session.to_hex()), int(rec.from_ms), text(&attribution)],
        )
        .map(drop)
    }

    fn close_history(&mut self, number: &E164, session: &SessionId, until_ms: i64) -> Res<()> {
        self.run(
            "UPDATE history SET until_ms = ? WHERE number = ? AND session = ? AND until_ms IS NULL",
            vec![
                int(until_ms),
                text(number.as_str()),
                text(&session.to_hex()),
            ],
        )
        .map(drop)
    }

    fn history_at(&self, number: &E164, at_ms: i64) -> Res<Option<LeaseRecord>> {
        self.one_record(
            &format!("SELECT {HISTORY_COLUMNS} FROM history WHERE number = ? AND from_ms <= ? ORDER BY from_ms DESC, id DESC LIMIT 1"),
            vec![text(number.as_str()), int(at_ms)],
        )
    }

    fn last_record_of(&self, session: &SessionId) -> Res<Option<LeaseRecord>> {
        self.one_record(
            &format!("SELECT {HISTORY_COLUMNS} FROM history WHERE session = ? ORDER BY from_ms DESC, id DESC LIMIT 1"),
            vec![text(&session.to_hex())],
        )
    }

    fn prune_history(&mut self, older_than_ms: i64) -> Res<u32> {
        let cursor = self.run(
            "DELETE FROM history WHERE until_ms IS NOT NULL AND until_ms < ?",
            vec![int(older_than_ms)],
        )?;
        Ok(u32::try_from(cursor.rows_written()).unwrap_or(u32::MAX))
    }

    fn count_overflow(&mut self, at_ms: i64) -> Res<()> {
        self.add_counters(&day_of(at_ms), &[("overflow".to_string(), 1)])
    }
}
