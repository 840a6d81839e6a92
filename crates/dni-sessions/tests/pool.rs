#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dni_numbers::E164;
use dni_sessions::{
    Attribution, LeaseOutcome, LeasePolicy, MemoryPoolStore, Pool, PoolStore, SessionId,
};

const MIN: i64 = 60_000;
const T0: i64 = 1_795_341_600_000;

fn policy() -> LeasePolicy {
    LeasePolicy {
        idle_ms: 30 * MIN,
        provisional_hold_ms: 3 * MIN,
        history_retention_ms: 90 * 1440 * MIN,
    }
}

fn numbers(n: usize) -> Vec<E164> {
    (0..n).map(|i| num(&format!("+1555000{i:04}"))).collect()
}

fn num(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

/// A session id derived from a readable label (tests name sessions "a", "bot3", ...).
fn sid(label: &str) -> SessionId {
    let mut id = [0u8; 16];
    for (i, b) in label.bytes().enumerate() {
        id[i % 16] ^= b.wrapping_add(i as u8);
    }
    id[15] ^= label.len() as u8;
    SessionId(id)
}

fn attr(json: &str) -> Attribution {
    serde_json::from_str(json).unwrap()
}

fn leased(o: &LeaseOutcome) -> E164 {
    match o {
        LeaseOutcome::Leased { number, .. } => *number,
        LeaseOutcome::Overflow => panic!("overflow"),
    }
}

#[test]
fn the_token_carries_the_leased_number_and_nothing_on_overflow() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(1));
    let mut pool = Pool::new(&mut store, policy());
    let first = pool.lease(&sid("s1"), T0, &attr("{}"), true).unwrap();
    assert_eq!(
        first.token_lease(),
        Some(dni_sessions::TokenLease {
            number: num("+15550000000"),
            until_ms: T0 + 30 * MIN,
            provisional: true,
        })
    );
    let second = pool.lease(&sid("s2"), T0 + MIN, &attr("{}"), true).unwrap();
    assert_eq!(second, LeaseOutcome::Overflow);
    assert_eq!(second.token_lease(), None);
}

#[test]
fn a_session_keeps_its_number_and_renews_it() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(3));
    let mut pool = Pool::new(&mut store, policy());
    let first = pool.lease(&sid("s1"), T0, &attr("{}"), true).unwrap();
    assert_eq!(
        first,
        LeaseOutcome::Leased {
            number: num("+15550000000"),
            until_ms: T0 + 30 * MIN,
            provisional: true
        }
    );
    let again = pool
        .lease(&sid("s1"), T0 + 10 * MIN, &attr("{}"), true)
        .unwrap();
    assert_eq!(
        again,
        LeaseOutcome::Leased {
            number: num("+15550000000"),
            until_ms: T0 + 40 * MIN,
            provisional: true
        }
    );
    assert_eq!(
        store.history_of(&num("+15550000000")).len(),
        1,
        "renewal is not a new lease"
    );
}

#[test]
fn confirm_makes_a_full_lease_and_provisional_requests_never_downgrade_it() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(&pool.lease(&sid("s1"), T0, &attr("{}"), true).unwrap());
    let c = pool.confirm(&sid("s1"), &n, T0 + MIN).unwrap();
    assert_eq!(
        c,
        LeaseOutcome::Leased {
            number: n,
            until_ms: T0 + 31 * MIN,
            provisional: false
        }
    );
    let again = pool
        .lease(&sid("s1"), T0 + 2 * MIN, &attr("{}"), true)
        .unwrap();
    assert!(matches!(
        again,
        LeaseOutcome::Leased {
            provisional: false,
            ..
        }
    ));
}

#[test]
fn free_numbers_are_leased_least_recently_used_first() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(3));
    let mut pool = Pool::new(&mut store, policy());
    // a, b, c take the three numbers; they end at different times.
    let a = leased(&pool.lease(&sid("a"), T0, &attr("{}"), false).unwrap());
    let b = leased(&pool.lease(&sid("b"), T0 + MIN, &attr("{}"), false).unwrap());
    let c = leased(
        &pool
            .lease(&sid("c"), T0 + 2 * MIN, &attr("{}"), false)
            .unwrap(),
    );
    assert_eq!(
        [a.as_str(), b.as_str(), c.as_str()],
        ["+15550000000", "+15550000001", "+15550000002"]
    );
    pool.renew(&sid("a"), &a, T0 + 20 * MIN).unwrap(); // a now ends at T0+50, b at T0+31, c at T0+32
    let t = T0 + 60 * MIN; // all idle
    assert_eq!(
        leased(&pool.lease(&sid("d"), t, &attr("{}"), false).unwrap()),
        b,
        "b ended first"
    );
    assert_eq!(
        leased(&pool.lease(&sid("e"), t, &attr("{}"), false).unwrap()),
        c
    );
    assert_eq!(
        leased(&pool.lease(&sid("f"), t, &attr("{}"), false).unwrap()),
        a
    );
}

#[test]
fn never_used_numbers_come_before_recently_released_ones() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(1));
    store.sync_numbers(&numbers(1)).unwrap();
    let mut pool = Pool::new(&mut store, policy());
    let n0 = leased(&pool.lease(&sid("a"), T0, &attr("{}"), false).unwrap());
    pool.sync_numbers(&numbers(2)).unwrap();
    let t = T0 + 40 * MIN;
    assert_ne!(
        leased(&pool.lease(&sid("b"), t, &attr("{}"), false).unwrap()),
        n0
    );
}

#[test]
fn a_returning_session_gets_its_previous_number_back_if_free() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(3));
    let mut pool = Pool::new(&mut store, policy());
    let _ = pool.lease(&sid("x"), T0, &attr("{}"), false).unwrap();
    let mine = leased(&pool.lease(&sid("me"), T0, &attr("{}"), false).unwrap());
    let later = T0 + 2 * 30 * MIN;
    pool.release_idle(later).unwrap();
    // Another session leases first: gets the LRU number, not mine.
    assert_ne!(
        leased(
            &pool
                .lease(&sid("other"), later, &attr("{}"), false)
                .unwrap()
        ),
        mine
    );
    assert_eq!(
        leased(&pool.lease(&sid("me"), later, &attr("{}"), false).unwrap()),
        mine
    );
}

#[test]
fn idle_leases_end_and_are_released() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(1));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(
        &pool
            .lease(&sid("s1"), T0, &attr(r#"{"source":"a"}"#), false)
            .unwrap(),
    );
    assert_eq!(
        pool.lease(&sid("s2"), T0 + 29 * MIN, &attr("{}"), false)
            .unwrap(),
        LeaseOutcome::Overflow
    );
    assert_eq!(pool.release_idle(T0 + 29 * MIN).unwrap(), 0);
    assert_eq!(pool.release_idle(T0 + 30 * MIN).unwrap(), 1);
    assert_eq!(
        pool.release_idle(T0 + 31 * MIN).unwrap(),
        0,
        "released once"
    );
    assert_eq!(
        leased(
            &pool
                .lease(&sid("s2"), T0 + 31 * MIN, &attr("{}"), false)
                .unwrap()
        ),
        n
    );
    let h = store.history_of(&n);
    assert_eq!(h.len(), 2);
    assert_eq!(
        (h[0].session, h[0].until_ms),
        (sid("s1"), Some(T0 + 30 * MIN))
    );
    assert_eq!((h[1].session, h[1].until_ms), (sid("s2"), None));
}

#[test]
fn expired_leases_are_reusable_even_without_release_and_history_is_closed_at_their_end() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(1));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(&pool.lease(&sid("s1"), T0, &attr("{}"), false).unwrap());
    assert_eq!(
        leased(
            &pool
                .lease(&sid("s2"), T0 + 45 * MIN, &attr("{}"), false)
                .unwrap()
        ),
        n
    );
    assert_eq!(store.history_of(&n)[0].until_ms, Some(T0 + 30 * MIN));
}

#[test]
fn overflow_when_every_number_is_fully_leased_and_it_is_counted() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    leased(&pool.lease(&sid("a"), T0, &attr("{}"), false).unwrap());
    leased(&pool.lease(&sid("b"), T0, &attr("{}"), false).unwrap());
    assert_eq!(
        pool.lease(&sid("c"), T0 + 20 * MIN, &attr("{}"), true)
            .unwrap(),
        LeaseOutcome::Overflow
    );
    assert_eq!(
        pool.lease(&sid("d"), T0 + 20 * MIN, &attr("{}"), false)
            .unwrap(),
        LeaseOutcome::Overflow
    );
    assert_eq!(store.overflows(), 2);
}

#[test]
fn empty_pool_overflows() {
    let mut store = MemoryPoolStore::with_numbers(&[]);
    let mut pool = Pool::new(&mut store, policy());
    assert_eq!(
        pool.lease(&sid("a"), T0, &attr("{}"), true).unwrap(),
        LeaseOutcome::Overflow
    );
}

#[test]
fn provisional_leases_are_held_then_recycled_oldest_first() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    let a = leased(&pool.lease(&sid("a"), T0, &attr("{}"), true).unwrap());
    let b = leased(&pool.lease(&sid("b"), T0 + MIN, &attr("{}"), true).unwrap());
    // Within a's hold: a new first view overflows.
    assert_eq!(
        pool.lease(&sid("c"), T0 + 2 * MIN, &attr("{}"), true)
            .unwrap(),
        LeaseOutcome::Overflow
    );
    // a outlived its hold: recycled for c; b still held.
    assert_eq!(
        leased(
            &pool
                .lease(&sid("c"), T0 + 3 * MIN, &attr("{}"), true)
                .unwrap()
        ),
        a
    );
    assert_eq!(
        pool.lease(&sid("d"), T0 + 3 * MIN + 1, &attr("{}"), true)
            .unwrap(),
        LeaseOutcome::Overflow
    );
    assert_eq!(
        leased(
            &pool
                .lease(&sid("d"), T0 + 4 * MIN, &attr("{}"), true)
                .unwrap()
        ),
        b
    );
    let h = store.history_of(&a);
    assert_eq!(
        h[0].until_ms,
        Some(T0 + 3 * MIN),
        "a's lease ended when recycled"
    );
}

#[test]
fn a_provisional_lease_within_its_hold_is_protected_from_returning_sessions_too() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    let a = leased(&pool.lease(&sid("a"), T0, &attr("{}"), true).unwrap());
    let b = leased(&pool.lease(&sid("b"), T0 + MIN, &attr("{}"), true).unwrap());
    // Issue 15: a returning session took over another visitor's lease inside its hold.
    for (at, op) in [
        (T0 + MIN + 1, "lease"),
        (T0 + 2 * MIN, "confirm"),
        (T0 + 2 * MIN, "renew"),
    ] {
        let outcome = match op {
            "lease" => pool.lease(&sid("returning"), at, &attr("{}"), false),
            "confirm" => pool.confirm(&sid("returning"), &a, at),
            _ => pool.renew(&sid("returning"), &b, at),
        }
        .unwrap();
        assert_eq!(outcome, LeaseOutcome::Overflow, "{op} at {at}");
    }
    // a's hold is over (3 minutes): the returning session takes it, b's is still protected.
    assert_eq!(
        leased(
            &pool
                .lease(&sid("returning"), T0 + 3 * MIN, &attr("{}"), false)
                .unwrap()
        ),
        a
    );
    assert_eq!(
        pool.lease(&sid("late"), T0 + 3 * MIN + 1, &attr("{}"), false)
            .unwrap(),
        LeaseOutcome::Overflow
    );
}

#[test]
fn full_leases_are_never_recycled() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(1));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(&pool.lease(&sid("a"), T0, &attr("{}"), true).unwrap());
    pool.confirm(&sid("a"), &n, T0 + MIN).unwrap();
    for i in 0..100 {
        assert_eq!(
            pool.lease(
                &sid(&format!("bot{i}")),
                T0 + 5 * MIN + i,
                &attr("{}"),
                true
            )
            .unwrap(),
            LeaseOutcome::Overflow
        );
    }
    assert_eq!(
        pool.lease(&sid("returning"), T0 + 6 * MIN, &attr("{}"), false)
            .unwrap(),
        LeaseOutcome::Overflow
    );
}

#[test]
fn flood_of_cookieless_first_views_cannot_drain_the_pool() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(50));
    let mut pool = Pool::new(&mut store, policy());
    // A real visitor lands, then 10,000 bots (one new session each, never returning a
    // cookie) hit at 20 per second.
    let real = leased(
        &pool
            .lease(&sid("real"), T0, &attr(r#"{"source":"google_ads"}"#), true)
            .unwrap(),
    );
    let mut t = T0;
    let mut served = 0;
    for i in 0..10_000 {
        t += 50;
        if matches!(
            pool.lease(&sid(&format!("bot{i}")), t, &attr("{}"), true)
                .unwrap(),
            LeaseOutcome::Leased { .. }
        ) {
            served += 1;
        }
    }
    assert!(
        served >= 50,
        "bots churn provisional leases among themselves ({served})"
    );
    // The real visitor returns (its signed cookie comes back) long after its hold, while
    // every number is under a bot's protected hold: the fallback; once the bots' holds are
    // over (the flood stopped at t), its next view gets a full lease.
    assert_eq!(
        pool.confirm(&sid("real"), &real, t + 1).unwrap(),
        LeaseOutcome::Overflow
    );
    let back = pool.confirm(&sid("real"), &real, t + 3 * MIN).unwrap();
    assert!(
        matches!(
            back,
            LeaseOutcome::Leased {
                provisional: false,
                ..
            }
        ),
        "{back:?}"
    );
    // A brand-new visitor during the flood: every provisional lease is within its hold at
    // this rate, and holds are protected from everyone, so both its first and its second
    // view see the fallback (issue 15 item 3; the worker keeps such bots away from the
    // pools in the first place: only browser navigations lease). Once the oldest bot's
    // hold is over, the newcomer's next view takes it.
    assert_eq!(
        pool.lease(&sid("newcomer"), t + 2, &attr("{}"), true)
            .unwrap(),
        LeaseOutcome::Overflow
    );
    assert_eq!(
        pool.lease(&sid("newcomer"), t + 3, &attr("{}"), false)
            .unwrap(),
        LeaseOutcome::Overflow
    );
    let second_view = pool
        .lease(&sid("newcomer"), t + 3 * MIN + 1, &attr("{}"), false)
        .unwrap();
    assert!(
        matches!(
            second_view,
            LeaseOutcome::Leased {
                provisional: false,
                ..
            }
        ),
        "{second_view:?}"
    );
    // The real visitor's attribution survived the recycling of its first number.
    let number = leased(&back);
    let rec = pool.lookup(&number, t + 3 * MIN).unwrap().unwrap();
    assert_eq!(rec.session, sid("real"));
    assert_eq!(rec.attribution.source.as_deref(), Some("google_ads"));
}

#[test]
fn confirm_after_losing_the_number_gets_another_with_the_same_attribution() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    let a = leased(
        &pool
            .lease(&sid("a"), T0, &attr(r#"{"source":"s"}"#), true)
            .unwrap(),
    );
    leased(&pool.lease(&sid("x"), T0, &attr("{}"), false).unwrap());
    // a's provisional number is recycled to b after the hold.
    assert_eq!(
        leased(
            &pool
                .lease(&sid("b"), T0 + 4 * MIN, &attr("{}"), true)
                .unwrap()
        ),
        a
    );
    // a's cookie comes back: no free number, and b's provisional lease is within its hold
    // (protected from everyone): overflow.
    assert_eq!(
        pool.confirm(&sid("a"), &a, T0 + 5 * MIN).unwrap(),
        LeaseOutcome::Overflow
    );
    // After b's hold, a takes over b's provisional lease, keeping its own attribution.
    let back = pool.confirm(&sid("a"), &a, T0 + 7 * MIN).unwrap();
    let got = leased(&back);
    assert_eq!(got, a);
    assert!(matches!(
        back,
        LeaseOutcome::Leased {
            provisional: false,
            ..
        }
    ));
    assert_eq!(
        pool.lookup(&got, T0 + 7 * MIN)
            .unwrap()
            .unwrap()
            .attribution
            .source
            .as_deref(),
        Some("s")
    );
}

#[test]
fn confirm_with_a_stale_number_keeps_the_live_one() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(3));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(&pool.lease(&sid("a"), T0, &attr("{}"), false).unwrap());
    let other = numbers(3)[2];
    assert_ne!(n, other);
    assert_eq!(
        leased(&pool.confirm(&sid("a"), &other, T0 + MIN).unwrap()),
        n
    );
}

#[test]
fn renew_after_idle_out_revives_the_same_number_if_nobody_took_it() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(
        &pool
            .lease(&sid("a"), T0, &attr(r#"{"source":"s"}"#), false)
            .unwrap(),
    );
    pool.release_idle(T0 + 31 * MIN).unwrap();
    let r = pool.renew(&sid("a"), &n, T0 + 40 * MIN).unwrap();
    assert_eq!(
        r,
        LeaseOutcome::Leased {
            number: n,
            until_ms: T0 + 70 * MIN,
            provisional: false
        }
    );
    let h = store.history_of(&n);
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].attribution.source.as_deref(), Some("s"));
}

#[test]
fn lookup_finds_the_lease_covering_a_time_or_the_last_before_it() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(1));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(
        &pool
            .lease(&sid("s1"), T0, &attr(r#"{"source":"one"}"#), false)
            .unwrap(),
    );
    leased(
        &pool
            .lease(
                &sid("s2"),
                T0 + 40 * MIN,
                &attr(r#"{"source":"two"}"#),
                false,
            )
            .unwrap(),
    );
    assert_eq!(pool.lookup(&n, T0 - 1).unwrap(), None);
    assert_eq!(pool.lookup(&n, T0).unwrap().unwrap().session, sid("s1"));
    assert_eq!(
        pool.lookup(&n, T0 + 29 * MIN).unwrap().unwrap().session,
        sid("s1")
    );
    // After s1's lease ended, before s2's began: s1 saw the number last.
    let gap = pool.lookup(&n, T0 + 35 * MIN).unwrap().unwrap();
    assert_eq!(
        (gap.session, gap.until_ms),
        (sid("s1"), Some(T0 + 30 * MIN))
    );
    assert_eq!(
        pool.lookup(&n, T0 + 40 * MIN).unwrap().unwrap().session,
        sid("s2")
    );
    // s2's open lease idled out: its end is filled in.
    let late = pool.lookup(&n, T0 + 80 * MIN).unwrap().unwrap();
    assert_eq!(
        (late.session, late.until_ms),
        (sid("s2"), Some(T0 + 70 * MIN))
    );
    assert_eq!(pool.lookup(&num("+19999999999"), T0).unwrap(), None);
}

#[test]
fn history_is_pruned_after_retention() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(1));
    let mut pool = Pool::new(&mut store, policy());
    leased(&pool.lease(&sid("s1"), T0, &attr("{}"), false).unwrap());
    leased(
        &pool
            .lease(&sid("s2"), T0 + 40 * MIN, &attr("{}"), false)
            .unwrap(),
    );
    let day = 1440 * MIN;
    assert_eq!(pool.prune_history(T0 + 90 * day).unwrap(), 0);
    assert_eq!(
        pool.prune_history(T0 + 91 * day).unwrap(),
        1,
        "s1's closed record"
    );
    assert_eq!(store.history_len(), 1, "s2's open record stays");
}

#[test]
fn closing_history_touches_only_that_sessions_open_record() {
    // The store contract every PoolStore keeps (the Durable Object's SQLite store too).
    let n = num("+15550000000");
    let mut store = MemoryPoolStore::with_numbers(&[n]);
    let record = |session: &str, from_ms: i64| dni_sessions::LeaseRecord {
        number: n,
        session: sid(session),
        from_ms,
        until_ms: None,
        attribution: Attribution::default(),
    };
    store.open_history(&record("s1", T0)).unwrap();
    store.close_history(&n, &sid("s1"), T0 + MIN).unwrap();
    store.open_history(&record("s2", T0 + 2 * MIN)).unwrap();
    // s1 has no open record left: nothing changes, s2's record stays open.
    store.close_history(&n, &sid("s1"), T0 + 9 * MIN).unwrap();
    let until: Vec<Option<i64>> = store.history_of(&n).iter().map(|r| r.until_ms).collect();
    assert_eq!(until, [Some(T0 + MIN), None]);
    assert_eq!(store.history_len(), 2);
    assert_eq!(store.slots().len(), 1);
    assert_eq!(store.slots()[0].number, n);
}

#[test]
fn a_lease_ends_at_its_until_time() {
    let mut slot = dni_sessions::NumberSlot::new(num("+15550000000"));
    assert!(!slot.is_live(T0));
    slot.holder = Some(sid("s1"));
    slot.lease_until_ms = T0 + 30 * MIN;
    assert!(slot.is_live(T0 + 30 * MIN - 1));
    assert!(!slot.is_live(T0 + 30 * MIN));
    assert!(slot.is_held_by(&sid("s1"), T0));
    assert!(!slot.is_held_by(&sid("s2"), T0));
}

#[test]
fn the_policy_comes_from_the_session_settings() {
    let config: dni_sessions::SessionConfig = serde_json::from_str(
        r#"{"idle_timeout_minutes": 10, "provisional_hold_seconds": 60, "history_retention_days": 7}"#,
    )
    .unwrap();
    assert_eq!(
        LeasePolicy::from_config(&config),
        LeasePolicy {
            idle_ms: 10 * MIN,
            provisional_hold_ms: MIN,
            history_retention_ms: 7 * 1440 * MIN,
        }
    );
    // The documented defaults: 30 minutes idle, 180 s hold, 90 days of history.
    assert_eq!(
        LeasePolicy::default(),
        LeasePolicy {
            idle_ms: 30 * MIN,
            provisional_hold_ms: 3 * MIN,
            history_retention_ms: 90 * 1440 * MIN,
        }
    );
}

#[test]
fn a_lease_record_reads_its_attribution_from_an_object_or_json_text() {
    // Stored as an object or as JSON text (the SQLite column), the attribution reads back;
    // text that no longer parses reads as an empty attribution (the lease still answers).
    for stored in [
        serde_json::json!({"source": "google_ads", "landed_at_ms": 1}),
        serde_json::json!(r#"{"source": "google_ads", "landed_at_ms": 1}"#),
        serde_json::json!("not json"),
    ] {
        let rec: dni_sessions::LeaseRecord = serde_json::from_value(serde_json::json!({
            "number": "+15550000001", "session": "cd".repeat(16), "from_ms": 0,
            "until_ms": null, "attribution": stored,
        }))
        .unwrap();
        let expected = if stored == "not json" {
            Attribution::default()
        } else {
            attr(r#"{"source": "google_ads", "landed_at_ms": 1}"#)
        };
        assert_eq!(rec.attribution, expected, "{stored}");
    }
}

#[test]
fn sync_adds_and_retires_numbers() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    leased(&pool.lease(&sid("a"), T0, &attr("{}"), false).unwrap());
    pool.sync_numbers(&[num("+15550000001"), num("+15550009999")])
        .unwrap();
    let listed: Vec<E164> = store
        .numbers()
        .unwrap()
        .into_iter()
        .map(|s| s.number)
        .collect();
    assert_eq!(listed, [num("+15550000001"), num("+15550009999")]);
    assert_eq!(
        store.history_of(&num("+15550000000")).len(),
        1,
        "history of retired numbers stays"
    );
}

#[test]
fn a_storage_fault_is_an_error_never_an_overflow_or_an_empty_pool() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let n = leased(
        &Pool::new(&mut store, policy())
            .lease(&sid("a"), T0, &attr("{}"), true)
            .unwrap(),
    );
    store.fail(true);
    let mut pool = Pool::new(&mut store, policy());
    assert!(pool.lease(&sid("b"), T0, &attr("{}"), true).is_err());
    assert!(pool.confirm(&sid("a"), &n, T0 + MIN).is_err());
    assert!(pool.renew(&sid("a"), &n, T0 + MIN).is_err());
    assert!(pool.lookup(&n, T0).is_err());
    assert!(pool.release_idle(T0 + 40 * MIN).is_err());
    assert!(pool.prune_history(T0).is_err());
    store.fail(false);
    assert_eq!(store.overflows(), 0, "a fault is not an overflow");
    assert_eq!(store.history_len(), 1, "nothing was lost");
}
