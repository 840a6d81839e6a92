//! The pool object's storage contract, run against the SQLite store (`SqlStore`, the very
//! statements the Durable Object runs, here over `rusqlite`) and the memory store
//! (`MemoryObjectStore`, behind `MemoryPools`): leases and history, counters, call records
//! keyed by (provider, call id), the webhook outbox, retention. Errors are values.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consent_dni::pool::{
    after_attempt, apply_status, daily_maintenance, record_call, CallStore, CounterStore,
    MemoryObjectStore, PoolObject, PoolOp, PoolReply, PoolRequest, Sql, SqlArg, SqlStore,
    WebhookOrder, SCHEMA,
};
use dni_calls::webhook::{AttemptResult, Next};
use dni_calls::{backoff_ms, CallRecord, CallStatus, Provider, StatusUpdate};
use dni_common::Category;
use dni_numbers::E164;
use dni_sessions::{
    Attribution, LeaseConsent, LeaseOutcome, LeasePolicy, PoolStore, SessionId, StoreError,
};
use rusqlite::types::{Value as Lv, ValueRef};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

const T0: i64 = 1_795_341_600_000;
const DAY: i64 = 86_400_000;

/// `Sql` over rusqlite: rows become objects of their columns (as the Durable Object's
/// `SqlStorage` cursor gives them), decoded by serde.
struct Lite(rusqlite::Connection);

fn store_err(e: impl std::fmt::Display) -> StoreError {
    StoreError(e.to_string())
}

fn bind(args: Vec<SqlArg>) -> Vec<Lv> {
    args.into_iter()
        .map(|a| match a {
            SqlArg::Int(v) => Lv::Integer(v),
            SqlArg::Text(v) => Lv::Text(v),
            SqlArg::Null => Lv::Null,
        })
        .collect()
}

impl Sql for Lite {
    fn rows<T: DeserializeOwned>(
        &self,
        query: &str,
        args: Vec<SqlArg>,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.0.prepare(query).map_err(store_err)?;
        let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
        let mut rows = stmt
            .query(rusqlite::params_from_iter(bind(args)))
            .map_err(store_err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(store_err)? {
            let mut obj = Map::new();
            for (i, name) in names.iter().enumerate() {
                let v = match row.get_ref(i).map_err(store_err)? {
                    ValueRef::Null | ValueRef::Blob(_) => Value::Null,
                    ValueRef::Integer(n) => Value::from(n),
                    ValueRef::Real(f) => Value::from(f),
                    ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
                };
                obj.insert(name.clone(), v);
            }
            out.push(serde_json::from_value(Value::Object(obj)).map_err(store_err)?);
        }
        Ok(out)
    }

    fn exec(&self, query: &str, args: Vec<SqlArg>) -> Result<u64, StoreError> {
        self.0
            .execute(query, rusqlite::params_from_iter(bind(args)))
            .map(|n| n as u64)
            .map_err(store_err)
    }
}

fn sqlite() -> SqlStore<Lite> {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(SCHEMA).unwrap();
    // The schema is idempotent (every object start runs it).
    conn.execute_batch(SCHEMA).unwrap();
    SqlStore(Lite(conn))
}

fn n(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

fn consent(granted: &[Category]) -> LeaseConsent {
    LeaseConsent {
        granted: granted.to_vec(),
        signal: "onetrust".into(),
        regime: "opt_in".into(),
        gpc: false,
    }
}

fn call(provider: Provider, id: &str, at: i64, consent: Option<LeaseConsent>) -> CallRecord {
    CallRecord {
        provider,
        call_id: id.into(),
        tracking_number: n("+15035550150"),
        target: n("+15035550142"),
        routed_to: n("+15035550142"),
        started_at_ms: at,
        status: CallStatus::Ringing,
        duration_s: None,
        updated_at_ms: at,
        source: Some("google_ads".into()),
        attribution: Some(Attribution {
            source: Some("google_ads".into()),
            landing_url: "https://www.example.com/?gclid=G1".into(),
            utm_campaign: Some("spring".into()),
            click_ids: vec![("gclid".into(), "G1".into())],
            landed_at_ms: at - 60_000,
            consent: consent.clone(),
            ..Attribution::default()
        }),
        consent,
    }
}

fn completed(provider: Provider, id: &str, seconds: u32) -> StatusUpdate {
    StatusUpdate {
        provider,
        call_id: id.into(),
        called: None,
        status: CallStatus::Completed,
        duration_s: Some(seconds),
    }
}

fn order(max_attempts: u32) -> WebhookOrder {
    WebhookOrder {
        url: "https://crm.example.com/hooks/calls".into(),
        min_duration_s: 30,
        max_attempts,
        consent_category: Category::Marketing,
    }
}

/// Calls, the outbox and retention: the same answers from both stores.
fn calls_contract<S: CallStore>(store: &mut S) {
    let yes = Some(consent(&[Category::Necessary, Category::Marketing]));
    let no = Some(consent(&[Category::Necessary, Category::Analytics]));
    let r1 = call(Provider::Twilio, "CA1", T0, yes.clone());
    let r2 = call(Provider::Plivo, "CA1", T0 + 1_000, no);
    let old = call(Provider::Twilio, "CA-old", T0 - 100 * DAY, yes.clone());

    assert_eq!(store.retention_days().unwrap(), None);
    assert!(record_call(store, &r1, 30).unwrap());
    assert!(
        !record_call(store, &r1, 30).unwrap(),
        "a replay is not a new call"
    );
    assert!(
        record_call(store, &r2, 30).unwrap(),
        "same id, other provider: another call"
    );
    assert!(record_call(store, &old, 30).unwrap());
    assert_eq!(store.retention_days().unwrap(), Some(30));
    assert_eq!(
        store.call(Provider::Twilio, "CA1").unwrap(),
        Some(r1.clone())
    );
    assert_eq!(store.call(Provider::Vonage, "CA1").unwrap(), None);

    // Range: [from, to), newest first, limited.
    let got = store.calls_between(T0, T0 + 1_001, 10).unwrap();
    assert_eq!(got, vec![r2.clone(), r1.clone()]);
    assert_eq!(
        store.calls_between(T0, T0 + 1_000, 10).unwrap(),
        vec![r1.clone()]
    );
    assert_eq!(
        store.calls_between(0, i64::MAX, 1).unwrap(),
        vec![r2.clone()]
    );

    // Status: an unknown call stores nothing; a short call is not sent; a consented
    // completed one is queued once; one without marketing consent never.
    let unknown = apply_status(
        store,
        &completed(Provider::Twilio, "CA9", 99),
        Some(&order(3)),
        T0,
    )
    .unwrap();
    assert_eq!((unknown.record, unknown.queued), (None, false));
    let short = apply_status(
        store,
        &completed(Provider::Twilio, "CA1", 10),
        Some(&order(3)),
        T0 + 5_000,
    )
    .unwrap();
    assert!(short.changed && !short.queued, "{short:?}");
    let done = apply_status(
        store,
        &completed(Provider::Twilio, "CA1", 95),
        Some(&order(3)),
        T0 + 6_000,
    )
    .unwrap();
    assert!(done.changed && done.queued, "{done:?}");
    let stored = store.call(Provider::Twilio, "CA1").unwrap().unwrap();
    assert_eq!(
        (stored.status, stored.duration_s),
        (CallStatus::Completed, Some(95))
    );
    let replay = apply_status(
        store,
        &completed(Provider::Twilio, "CA1", 95),
        Some(&order(3)),
        T0 + 7_000,
    )
    .unwrap();
    assert!(!replay.changed && !replay.queued);
    let declined = apply_status(
        store,
        &completed(Provider::Plivo, "CA1", 300),
        Some(&order(3)),
        T0 + 6_000,
    )
    .unwrap();
    assert!(
        declined.changed && !declined.queued,
        "no marketing consent: {declined:?}"
    );

    // The outbox: due now; a 500 is retried after the backoff, a 200 ends it.
    let due = store.due_deliveries(T0 + 6_000, 20).unwrap();
    assert_eq!(due.len(), 1);
    let d = &due[0];
    assert_eq!(
        (d.provider, d.call_id.as_str(), d.attempts),
        (Provider::Twilio, "CA1", 0)
    );
    let body: Value = serde_json::from_str(&d.body).unwrap();
    assert_eq!(body["event"], "call.completed");
    assert_eq!(body["call"]["duration_s"], 95);
    assert_eq!(store.next_delivery_ms().unwrap(), Some(T0 + 6_000));
    let t1 = T0 + 7_000;
    assert_eq!(
        after_attempt(store, d, AttemptResult::Status(500), t1).unwrap(),
        Next::RetryAt(t1 + backoff_ms(1))
    );
    assert!(store.due_deliveries(t1, 20).unwrap().is_empty());
    assert_eq!(store.next_delivery_ms().unwrap(), Some(t1 + 30_000));
    let retry = store.due_deliveries(t1 + 30_000, 20).unwrap();
    assert_eq!(retry[0].attempts, 1);
    assert_eq!(
        after_attempt(store, &retry[0], AttemptResult::Status(204), t1 + 30_000).unwrap(),
        Next::Delivered
    );
    assert_eq!(store.next_delivery_ms().unwrap(), None);
    // Delivered means never again, even if the provider re-sends a longer duration.
    let again = apply_status(
        store,
        &completed(Provider::Twilio, "CA1", 96),
        Some(&order(3)),
        T0 + 60_000,
    )
    .unwrap();
    assert!(again.changed && !again.queued);

    // Bounded: a receiver that is down gets `max_attempts` tries, then the delivery is
    // kept as given up (nothing sent twice, nothing retried forever).
    let r3 = call(Provider::Vonage, "u-3", T0 + 2_000, yes);
    assert!(record_call(store, &r3, 30).unwrap());
    assert!(
        apply_status(
            store,
            &completed(Provider::Vonage, "u-3", 61),
            Some(&order(2)),
            T0 + 9_000
        )
        .unwrap()
        .queued
    );
    let d = store.due_deliveries(T0 + 9_000, 20).unwrap().remove(0);
    assert!(matches!(
        after_attempt(store, &d, AttemptResult::NetworkError, T0 + 9_000).unwrap(),
        Next::RetryAt(_)
    ));
    let d = store.due_deliveries(T0 + DAY, 20).unwrap().remove(0);
    assert_eq!(
        after_attempt(store, &d, AttemptResult::Status(503), T0 + DAY).unwrap(),
        Next::GiveUp
    );
    assert!(store.due_deliveries(i64::MAX, 20).unwrap().is_empty());
    assert_eq!(store.next_delivery_ms().unwrap(), None);

    // Retention: only the old call goes (and its delivery, if any).
    assert_eq!(store.delete_calls_before(T0 - 30 * DAY).unwrap(), 1);
    assert_eq!(store.call(Provider::Twilio, "CA-old").unwrap(), None);
    assert_eq!(store.calls_between(0, i64::MAX, 100).unwrap().len(), 3);
    store.set_retention_days(7).unwrap();
    assert_eq!(store.retention_days().unwrap(), Some(7));
}

#[test]
fn sqlite_store_keeps_calls_and_their_webhooks() {
    calls_contract(&mut sqlite());
}

#[test]
fn memory_store_keeps_calls_and_their_webhooks() {
    calls_contract(&mut MemoryObjectStore::default());
}

const POLICY: LeasePolicy = LeasePolicy {
    idle_ms: 30 * 60_000,
    provisional_hold_ms: 180_000,
    history_retention_ms: 7 * DAY,
};

fn request(op: PoolOp, now_ms: i64) -> PoolRequest {
    PoolRequest {
        op,
        now_ms,
        numbers: vec![n("+15035550150"), n("+15035550151")],
        policy: POLICY,
    }
}

/// The object's whole protocol over `store`: leases, lookups, counters, calls.
fn object_contract<S: PoolStore + CounterStore + CallStore>(store: &mut S) {
    let mut object = PoolObject::default();
    let session = SessionId([7; 16]);
    let attribution = Attribution {
        source: Some("google_ads".into()),
        consent: Some(consent(&[Category::Necessary, Category::Marketing])),
        ..Attribution::default()
    };
    let op = PoolOp::Lease {
        session,
        attribution: attribution.clone(),
        provisional: true,
    };
    let PoolReply::Lease {
        outcome: LeaseOutcome::Leased { number, .. },
    } = object.handle(store, &request(op, T0)).unwrap()
    else {
        panic!("a free pool leases");
    };
    let lookup = PoolOp::Lookup {
        number,
        at_ms: T0 + 60_000,
    };
    let PoolReply::Record { record: Some(rec) } =
        object.handle(store, &request(lookup, T0)).unwrap()
    else {
        panic!("the lease is in the history");
    };
    assert_eq!(
        (rec.session, rec.attribution),
        (session, attribution),
        "consent kept with the lease"
    );
    let count = PoolOp::Count {
        counters: vec![("views".into(), 2), ("swap.tracking".into(), 1)],
    };
    assert_eq!(
        object.handle(store, &request(count.clone(), T0)).unwrap(),
        PoolReply::Counted
    );
    assert_eq!(
        object.handle(store, &request(count, T0 + 1)).unwrap(),
        PoolReply::Counted
    );
    let PoolReply::Stats { days, pool } = object
        .handle(store, &request(PoolOp::Stats { days: 30 }, T0 + 2))
        .unwrap()
    else {
        panic!("stats");
    };
    assert_eq!(days.len(), 1);
    assert_eq!(days[0].day, "2026-11-22");
    assert_eq!(days[0].counters.get("views"), Some(&4));
    assert_eq!((pool.numbers, pool.leased, pool.provisional), (2, 1, 1));

    let record = call(Provider::Twilio, "CA7", T0, None);
    let rec = PoolOp::RecordCall {
        record: record.clone(),
        retention_days: 2,
    };
    assert_eq!(
        object.handle(store, &request(rec.clone(), T0)).unwrap(),
        PoolReply::CallRecorded { new: true }
    );
    assert_eq!(
        object.handle(store, &request(rec, T0)).unwrap(),
        PoolReply::CallRecorded { new: false }
    );
    let history = PoolOp::CallHistory {
        from_ms: T0,
        to_ms: T0 + 1,
        limit: 10,
    };
    assert_eq!(
        object.handle(store, &request(history, T0)).unwrap(),
        PoolReply::Calls {
            records: vec![record]
        }
    );

    // Maintenance three days later: the lease idled out and its history is closed; the
    // call is past its 2-day retention.
    let m = daily_maintenance(store, POLICY, T0 + 3 * DAY).unwrap();
    assert_eq!((m.released, m.pruned_calls), (1, 1), "{m:?}");
    let m = daily_maintenance(store, POLICY, T0 + 9 * DAY).unwrap();
    assert_eq!(
        (m.released, m.pruned_history, m.pruned_calls),
        (0, 1, 0),
        "{m:?}"
    );
    let prune = PoolOp::PruneCalls { retention_days: 1 };
    assert_eq!(
        object.handle(store, &request(prune, T0)).unwrap(),
        PoolReply::Pruned { calls: 0 }
    );
}

#[test]
fn the_object_over_sqlite() {
    object_contract(&mut sqlite());
}

#[test]
fn the_object_over_memory() {
    object_contract(&mut MemoryObjectStore::default());
}

#[test]
fn a_failing_database_is_an_error_never_an_empty_answer() {
    let store = sqlite();
    store
        .0
         .0
        .execute_batch("DROP TABLE calls; DROP TABLE deliveries;")
        .unwrap();
    let mut store = store;
    assert!(store.call(Provider::Twilio, "CA1").is_err());
    assert!(store.calls_between(0, 1, 1).is_err());
    assert!(record_call(&mut store, &call(Provider::Twilio, "CA1", T0, None), 30).is_err());
    assert!(apply_status(&mut store, &completed(Provider::Twilio, "CA1", 1), None, T0).is_err());
    assert!(store.next_delivery_ms().is_err());
    let mut object = PoolObject::default();
    let history = PoolOp::CallHistory {
        from_ms: 0,
        to_ms: 1,
        limit: 1,
    };
    assert!(object.handle(&mut store, &request(history, T0)).is_err());
}

#[test]
fn a_stored_row_that_no_longer_decodes_is_an_error() {
    let mut store = sqlite();
    assert!(record_call(&mut store, &call(Provider::Twilio, "CA1", T0, None), 30).unwrap());
    store
        .0
         .0
        .execute_batch("UPDATE calls SET record = '{not json'")
        .unwrap();
    assert!(store.call(Provider::Twilio, "CA1").is_err());
    assert!(store.calls_between(0, i64::MAX, 10).is_err());
}
