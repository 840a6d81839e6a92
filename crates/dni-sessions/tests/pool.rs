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
fn confirmed_requests_outrank_provisional_leases_even_within_their_hold() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    let a = leased(&pool.lease(&sid("a"), T0, &attr("{}"), true).unwrap());
    leased(&pool.lease(&sid("b"), T0 + MIN, &attr("{}"), true).unwrap());
    assert_eq!(
        leased(
            &pool
                .lease(&sid("returning"), T0 + MIN + 1, &attr("{}"), false)
                .unwrap()
        ),
        a
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
    // The real visitor returns (its signed cookie comes back) long after its hold.
    let back = pool.confirm(&sid("real"), &real, t + 1).unwrap();
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
    // A brand-new visitor during the flood: the first view competes with the bots (every
    // provisional lease is within its hold at this rate, so it sees the fallback), but its
    // second view carries the signed cookie and gets a full lease.
    assert_eq!(
        pool.lease(&sid("newcomer"), t + 2, &attr("{}"), true)
            .unwrap(),
        LeaseOutcome::Overflow
    );
    let second_view = pool
        .lease(&sid("newcomer"), t + 3, &attr("{}"), false)
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
    let rec = pool.lookup(&number, t + 1).unwrap().unwrap();
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
    // a's cookie comes back: no free number, so a takes over b's provisional lease
    // (returning visitors outrank first views), keeping its own attribution.
    let back = pool.confirm(&sid("a"), &a, T0 + 5 * MIN).unwrap();
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
        pool.lookup(&got, T0 + 5 * MIN)
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
