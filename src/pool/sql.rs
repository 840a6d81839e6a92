//! The pool object's storage over SQLite: [`SqlStore`] implements [`PoolStore`],
//! [`CounterStore`] and [`CallStore`] with the statements below over anything that runs SQL
//! ([`Sql`]): the Durable Object's `SqlStorage` in the shell, `rusqlite` in the native tests
//! (`tests/sql_store.rs`). Every statement's error is propagated: a failing database is an
//! error, never an empty pool or "no call".

use dni_calls::{CallRecord, Provider};
use dni_numbers::E164;
use dni_sessions::{LeaseRecord, NumberSlot, PoolStore, SessionId, StoreError};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::calls::{CallStore, Delivery, DeliveryState};
use super::object::CounterStore;
use super::protocol::DayCounters;
use crate::observe::day_of;

/// The schema, created when an object starts (`IF NOT EXISTS`: idempotent).
pub const SCHEMA: &str = "
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
CREATE TABLE IF NOT EXISTS calls (provider TEXT NOT NULL, call_id TEXT NOT NULL,
  started_at INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (provider, call_id));
CREATE INDEX IF NOT EXISTS calls_started ON calls(started_at);
CREATE TABLE IF NOT EXISTS deliveries (provider TEXT NOT NULL, call_id TEXT NOT NULL,
  state TEXT NOT NULL, next_at INTEGER NOT NULL, delivery TEXT NOT NULL,
  PRIMARY KEY (provider, call_id));
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(state, next_at);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
";

/// A bound value.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlArg {
    Int(i64),
    Text(String),
    Null,
}

/// Runs one statement with `?` bindings.
pub trait Sql {
    /// The result rows, each decoded from an object of its columns.
    fn rows<T: DeserializeOwned>(
        &self,
        query: &str,
        args: Vec<SqlArg>,
    ) -> Result<Vec<T>, StoreError>;
    /// Runs a statement; the rows it wrote (as the database counts them).
    fn exec(&self, query: &str, args: Vec<SqlArg>) -> Result<u64, StoreError>;
}

/// The pool object's storage over `Q`.
pub struct SqlStore<Q>(pub Q);

type Res<T> = Result<T, StoreError>;

fn int(v: i64) -> SqlArg {
    SqlArg::Int(v)
}

fn text(v: &str) -> SqlArg {
    SqlArg::Text(v.to_string())
}

fn opt_int(v: Option<i64>) -> SqlArg {
    v.map_or(SqlArg::Null, int)
}

fn json<T: serde::Serialize>(v: &T) -> Res<SqlArg> {
    serde_json::to_string(v)
        .map(SqlArg::Text)
        .map_err(|e| StoreError(format!("not serialisable: {e}")))
}

fn from_json<T: DeserializeOwned>(s: &str) -> Res<T> {
    serde_json::from_str(s).map_err(|e| StoreError(format!("stored value does not decode: {e}")))
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

/// One JSON text column.
#[derive(Deserialize)]
struct Json {
    v: String,
}

const HISTORY_COLUMNS: &str = "number, session, from_ms, until_ms, attribution";

impl<Q: Sql> SqlStore<Q> {
    fn run(&self, query: &str, args: Vec<SqlArg>) -> Res<u64> {
        self.0.exec(query, args)
    }

    fn one_record(&self, query: &str, args: Vec<SqlArg>) -> Res<Option<LeaseRecord>> {
        Ok(self.0.rows::<LeaseRecord>(query, args)?.into_iter().next())
    }

    fn json_rows<T: DeserializeOwned>(&self, query: &str, args: Vec<SqlArg>) -> Res<Vec<T>> {
        self.0
            .rows::<Json>(query, args)?
            .iter()
            .map(|r| from_json(&r.v))
            .collect()
    }
}

impl<Q: Sql> CounterStore for SqlStore<Q> {
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
        let rows: Vec<Row> = self.0.rows(
            "SELECT day, name, value FROM counters WHERE day >= ? ORDER BY day, name",
            vec![text(first_day)],
        )?;
        Ok(DayCounters::group(rows.into_iter().map(|r| {
            (r.day, r.name, u64::try_from(r.value).unwrap_or(0))
        })))
    }
}

impl<Q: Sql> PoolStore for SqlStore<Q> {
    fn numbers(&self) -> Res<Vec<NumberSlot>> {
        let rows: Vec<SlotRow> = self.0.rows("SELECT * FROM slots ORDER BY number", vec![])?;
        Ok(rows.into_iter().map(NumberSlot::from).collect())
    }

    fn put(&mut self, slot: &NumberSlot) -> Res<()> {
        self.run(
            "UPDATE slots SET holder = ?, leased_at = ?, last_active = ?, lease_until = ?, provisional = ?, released_at = ? WHERE number = ?",
            vec![
                slot.holder.map_or(SqlArg::Null, |h| text(&h.to_hex())),
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
        self.run(
            "INSERT INTO history (number, session, from_ms, until_ms, attribution) VALUES (?, ?, ?, NULL, ?)",
            vec![text(rec.number.as_str()), text(&rec.session.to_hex()), int(rec.from_ms), json(&rec.attribution)?],
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
        let deleted: Vec<Json> = self.0.rows(
            "DELETE FROM history WHERE until_ms IS NOT NULL AND until_ms < ? RETURNING '' AS v",
            vec![int(older_than_ms)],
        )?;
        Ok(u32::try_from(deleted.len()).unwrap_or(u32::MAX))
    }

    fn count_overflow(&mut self, at_ms: i64) -> Res<()> {
        self.add_counters(&day_of(at_ms), &[("overflow".to_string(), 1)])
    }
}

fn key(provider: Provider, call_id: &str) -> Vec<SqlArg> {
    vec![text(provider.as_str()), text(call_id)]
}

impl<Q: Sql> CallStore for SqlStore<Q> {
    fn call(&self, provider: Provider, call_id: &str) -> Res<Option<CallRecord>> {
        Ok(self
            .json_rows(
                "SELECT record AS v FROM calls WHERE provider = ? AND call_id = ?",
                key(provider, call_id),
            )?
            .into_iter()
            .next())
    }

    fn insert_call(&mut self, record: &CallRecord) -> Res<bool> {
        let mut args = key(record.provider, &record.call_id);
        args.extend([int(record.started_at_ms), json(record)?]);
        let inserted: Vec<Json> = self.0.rows(
            "INSERT INTO calls (provider, call_id, started_at, record) VALUES (?, ?, ?, ?) ON CONFLICT(provider, call_id) DO NOTHING RETURNING '' AS v",
            args,
        )?;
        Ok(!inserted.is_empty())
    }

    fn update_call(&mut self, record: &CallRecord) -> Res<()> {
        let mut args = vec![json(record)?];
        args.extend(key(record.provider, &record.call_id));
        self.run(
            "UPDATE calls SET record = ? WHERE provider = ? AND call_id = ?",
            args,
        )
        .map(drop)
    }

    fn calls_between(&self, from_ms: i64, to_ms: i64, limit: u32) -> Res<Vec<CallRecord>> {
        self.json_rows(
            "SELECT record AS v FROM calls WHERE started_at >= ? AND started_at < ? ORDER BY started_at DESC, call_id LIMIT ?",
            vec![int(from_ms), int(to_ms), int(i64::from(limit))],
        )
    }

    fn delete_calls_before(&mut self, before_ms: i64) -> Res<u32> {
        self.run(
            "DELETE FROM deliveries WHERE (provider, call_id) IN (SELECT provider, call_id FROM calls WHERE started_at < ?)",
            vec![int(before_ms)],
        )?;
        let deleted: Vec<Json> = self.0.rows(
            "DELETE FROM calls WHERE started_at < ? RETURNING '' AS v",
            vec![int(before_ms)],
        )?;
        Ok(u32::try_from(deleted.len()).unwrap_or(u32::MAX))
    }

    fn queue_delivery(&mut self, d: &Delivery) -> Res<bool> {
        let mut args = key(d.provider, &d.call_id);
        args.extend([
            text(DeliveryState::Pending.as_str()),
            int(d.next_at_ms),
            json(d)?,
        ]);
        let queued: Vec<Json> = self.0.rows(
            "INSERT INTO deliveries (provider, call_id, state, next_at, delivery) VALUES (?, ?, ?, ?, ?) ON CONFLICT(provider, call_id) DO NOTHING RETURNING '' AS v",
            args,
        )?;
        Ok(!queued.is_empty())
    }

    fn due_deliveries(&self, now_ms: i64, limit: u32) -> Res<Vec<Delivery>> {
        self.json_rows(
            "SELECT delivery AS v FROM deliveries WHERE state = ? AND next_at <= ? ORDER BY next_at LIMIT ?",
            vec![
                text(DeliveryState::Pending.as_str()),
                int(now_ms),
                int(i64::from(limit)),
            ],
        )
    }

    fn next_delivery_ms(&self) -> Res<Option<i64>> {
        #[derive(Deserialize)]
        struct Row {
            at: Option<i64>,
        }
        let rows: Vec<Row> = self.0.rows(
            "SELECT MIN(next_at) AS at FROM deliveries WHERE state = ?",
            vec![text(DeliveryState::Pending.as_str())],
        )?;
        Ok(rows.into_iter().next().and_then(|r| r.at))
    }

    fn update_delivery(&mut self, d: &Delivery, state: DeliveryState) -> Res<()> {
        let mut args = vec![text(state.as_str()), int(d.next_at_ms), json(d)?];
        args.extend(key(d.provider, &d.call_id));
        self.run(
            "UPDATE deliveries SET state = ?, next_at = ?, delivery = ? WHERE provider = ? AND call_id = ?",
            args,
        )
        .map(drop)
    }

    fn retention_days(&self) -> Res<Option<u32>> {
        let rows: Vec<Json> = self.0.rows(
            "SELECT value AS v FROM settings WHERE name = 'retention_days'",
            vec![],
        )?;
        Ok(rows.into_iter().next().and_then(|r| r.v.parse().ok()))
    }

    fn set_retention_days(&mut self, days: u32) -> Res<()> {
        self.run(
            "INSERT INTO settings (name, value) VALUES ('retention_days', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            vec![text(&days.to_string())],
        )
        .map(drop)
    }
}
