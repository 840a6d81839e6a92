use dni_sessions::{LeaseOutcome, LeasePolicy, MemoryPoolStore, Pool, PoolStore};

const MIN: i64 = 60_000;
const T0: i64 = 1_795_341_600_000;

fn policy() -> LeasePolicy {
    LeasePolicy {
        idle_ms: 30 * MIN,
        provisional_hold_ms: 3 * MIN,
        history_retention_ms: 90 * 1440 * MIN,
    }
}

fn numbers(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("+1555000{i:04}")).collect()
}

fn leased(o: &LeaseOutcome) -> &str {
    match o {
        LeaseOutcome::Leased { number, .. } => number,
        LeaseOutcome::Overflow => panic!("overflow"),
    }
}

#[test]
fn a_session_keeps_its_number_and_renews_it() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(3));
    let mut pool = Pool::new(&mut store, policy());
    let first = pool.lease("s1", T0, "{}", true);
    assert_eq!(
        first,
        LeaseOutcome::Leased {
            number: "+15550000000".into(),
            until_ms: T0 + 30 * MIN,
            provisional: true
        }
    );
    let again = pool.lease("s1", T0 + 10 * MIN, "{}", true);
    assert_eq!(
        again,
        LeaseOutcome::Leased {
            number: "+15550000000".into(),
            until_ms: T0 + 40 * MIN,
            provisional: true
        }
    );
    assert_eq!(
        store.history_of("+15550000000").len(),
        1,
        "renewal is not a new lease"
    );
}

#[test]
fn confirm_makes_a_full_lease_and_provisional_requests_never_downgrade_it() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(&pool.lease("s1", T0, "{}", true)).to_string();
    let c = pool.confirm("s1", &n, T0 + MIN);
    assert_eq!(
        c,
        LeaseOutcome::Leased {
            number: n.clone(),
            until_ms: T0 + 31 * MIN,
            provisional: false
        }
    );
    let again = pool.lease("s1", T0 + 2 * MIN, "{}", true);
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
    let a = leased(&pool.lease("a", T0, "{}", false)).to_string();
    let b = leased(&pool.lease("b", T0 + MIN, "{}", false)).to_string();
    let c = leased(&pool.lease("c", T0 + 2 * MIN, "{}", false)).to_string();
    assert_eq!(
        [a.as_str(), b.as_str(), c.as_str()],
        ["+15550000000", "+15550000001", "+15550000002"]
    );
    pool.renew("a", &a, T0 + 20 * MIN); // a now ends at T0+50, b at T0+31, c at T0+32
    let t = T0 + 60 * MIN; // all idle
    assert_eq!(leased(&pool.lease("d", t, "{}", false)), b, "b ended first");
    assert_eq!(leased(&pool.lease("e", t, "{}", false)), c);
    assert_eq!(leased(&pool.lease("f", t, "{}", false)), a);
}

#[test]
fn never_used_numbers_come_before_recently_released_ones() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(1));
    store.sync_numbers(&numbers(1));
    let mut pool = Pool::new(&mut store, policy());
    let n0 = leased(&pool.lease("a", T0, "{}", false)).to_string();
    pool.sync_numbers(&numbers(2));
    let t = T0 + 40 * MIN;
    assert_ne!(leased(&pool.lease("b", t, "{}", false)), n0);
}

#[test]
fn a_returning_session_gets_its_previous_number_back_if_free() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(3));
    let mut pool = Pool::new(&mut store, policy());
    let _ = pool.lease("x", T0, "{}", false);
    let mine = leased(&pool.lease("me", T0, "{}", false)).to_string();
    let later = T0 + 2 * 30 * MIN;
    pool.release_idle(later);
    // Another session leases first: gets the LRU number, not mine.
    assert_ne!(leased(&pool.lease("other", later, "{}", false)), mine);
    assert_eq!(leased(&pool.lease("me", later, "{}", false)), mine);
}

#[test]
fn idle_leases_end_and_are_released() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(1));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(&pool.lease("s1", T0, r#"{"source":"a"}"#, false)).to_string();
    assert_eq!(
        pool.lease("s2", T0 + 29 * MIN, "{}", false),
        LeaseOutcome::Overflow
    );
    assert_eq!(pool.release_idle(T0 + 29 * MIN), 0);
    assert_eq!(pool.release_idle(T0 + 30 * MIN), 1);
    assert_eq!(pool.release_idle(T0 + 31 * MIN), 0, "released once");
    assert_eq!(leased(&pool.lease("s2", T0 + 31 * MIN, "{}", false)), n);
    let h = store.history_of(&n);
    assert_eq!(h.len(), 2);
    assert_eq!(
        (h[0].session.as_str(), h[0].until_ms),
        ("s1", Some(T0 + 30 * MIN))
    );
    assert_eq!((h[1].session.as_str(), h[1].until_ms), ("s2", None));
}

#[test]
fn expired_leases_are_reusable_even_without_release_and_history_is_closed_at_their_end() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(1));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(&pool.lease("s1", T0, "{}", false)).to_string();
    assert_eq!(leased(&pool.lease("s2", T0 + 45 * MIN, "{}", false)), n);
    assert_eq!(store.history_of(&n)[0].until_ms, Some(T0 + 30 * MIN));
}

#[test]
fn overflow_when_every_number_is_fully_leased_and_it_is_counted() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    leased(&pool.lease("a", T0, "{}", false));
    leased(&pool.lease("b", T0, "{}", false));
    assert_eq!(
        pool.lease("c", T0 + 20 * MIN, "{}", true),
        LeaseOutcome::Overflow
    );
    assert_eq!(
        pool.lease("d", T0 + 20 * MIN, "{}", false),
        LeaseOutcome::Overflow
    );
    assert_eq!(store.overflows(), 2);
}

#[test]
fn empty_pool_overflows() {
    let mut store = MemoryPoolStore::with_numbers::<String>(&[]);
    let mut pool = Pool::new(&mut store, policy());
    assert_eq!(pool.lease("a", T0, "{}", true), LeaseOutcome::Overflow);
}

#[test]
fn provisional_leases_are_held_then_recycled_oldest_first() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    let a = leased(&pool.lease("a", T0, "{}", true)).to_string();
    let b = leased(&pool.lease("b", T0 + MIN, "{}", true)).to_string();
    // Within a's hold: a new first view overflows.
    assert_eq!(
        pool.lease("c", T0 + 2 * MIN, "{}", true),
        LeaseOutcome::Overflow
    );
    // a outlived its hold: recycled for c; b still held.
    assert_eq!(leased(&pool.lease("c", T0 + 3 * MIN, "{}", true)), a);
    assert_eq!(
        pool.lease("d", T0 + 3 * MIN + 1, "{}", true),
        LeaseOutcome::Overflow
    );
    assert_eq!(leased(&pool.lease("d", T0 + 4 * MIN, "{}", true)), b);
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
    let a = leased(&pool.lease("a", T0, "{}", true)).to_string();
    leased(&pool.lease("b", T0 + MIN, "{}", true));
    assert_eq!(
        leased(&pool.lease("returning", T0 + MIN + 1, "{}", false)),
        a
    );
}

#[test]
fn full_leases_are_never_recycled() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(1));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(&pool.lease("a", T0, "{}", true)).to_string();
    pool.confirm("a", &n, T0 + MIN);
    for i in 0..100 {
        assert_eq!(
            pool.lease(&format!("bot{i}"), T0 + 5 * MIN + i, "{}", true),
            LeaseOutcome::Overflow
        );
    }
    assert_eq!(
        pool.lease("returning", T0 + 6 * MIN, "{}", false),
        LeaseOutcome::Overflow
    );
}

#[test]
fn flood_of_cookieless_first_views_cannot_drain_the_pool() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(50));
    let mut pool = Pool::new(&mut store, policy());
    // A real visitor lands, then 10,000 bots (one new session each, never returning a
    // cookie) hit at 20 per second.
    let real = leased(&pool.lease("real", T0, r#"{"source":"google_ads"}"#, true)).to_string();
    let mut t = T0;
    let mut served = 0;
    for i in 0..10_000 {
        t += 50;
        if matches!(
            pool.lease(&format!("bot{i}"), t, "{}", true),
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
    let back = pool.confirm("real", &real, t + 1);
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
        pool.lease("newcomer", t + 2, "{}", true),
        LeaseOutcome::Overflow
    );
    let second_view = pool.lease("newcomer", t + 3, "{}", false);
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
    let number = leased(&back).to_string();
    let rec = pool.lookup(&number, t + 1).unwrap();
    assert_eq!(rec.session, "real");
    assert_eq!(rec.attribution, r#"{"source":"google_ads"}"#);
}

#[test]
fn confirm_after_losing_the_number_gets_another_with_the_same_attribution() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    let a = leased(&pool.lease("a", T0, r#"{"source":"s"}"#, true)).to_string();
    leased(&pool.lease("x", T0, "{}", false));
    // a's provisional number is recycled to b after the hold.
    assert_eq!(leased(&pool.lease("b", T0 + 4 * MIN, "{}", true)), a);
    // a's cookie comes back: no free number, so a takes over b's provisional lease
    // (returning visitors outrank first views), keeping its own attribution.
    let back = pool.confirm("a", &a, T0 + 5 * MIN);
    let got = leased(&back).to_string();
    assert_eq!(got, a);
    assert!(matches!(
        back,
        LeaseOutcome::Leased {
            provisional: false,
            ..
        }
    ));
    assert_eq!(
        pool.lookup(&got, T0 + 5 * MIN).unwrap().attribution,
        r#"{"source":"s"}"#
    );
}

#[test]
fn confirm_with_a_stale_number_keeps_the_live_one() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(3));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(&pool.lease("a", T0, "{}", false)).to_string();
    let other = numbers(3)[2].clone();
    assert_ne!(n, other);
    assert_eq!(leased(&pool.confirm("a", &other, T0 + MIN)), n);
}

#[test]
fn renew_after_idle_out_revives_the_same_number_if_nobody_took_it() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(&pool.lease("a", T0, r#"{"source":"s"}"#, false)).to_string();
    pool.release_idle(T0 + 31 * MIN);
    let r = pool.renew("a", &n, T0 + 40 * MIN);
    assert_eq!(
        r,
        LeaseOutcome::Leased {
            number: n.clone(),
            until_ms: T0 + 70 * MIN,
            provisional: false
        }
    );
    let h = store.history_of(&n);
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].attribution, r#"{"source":"s"}"#);
}

#[test]
fn lookup_finds_the_lease_covering_a_time_or_the_last_before_it() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(1));
    let mut pool = Pool::new(&mut store, policy());
    let n = leased(&pool.lease("s1", T0, "1", false)).to_string();
    leased(&pool.lease("s2", T0 + 40 * MIN, "2", false));
    assert_eq!(pool.lookup(&n, T0 - 1), None);
    assert_eq!(pool.lookup(&n, T0).unwrap().session, "s1");
    assert_eq!(pool.lookup(&n, T0 + 29 * MIN).unwrap().session, "s1");
    // After s1's lease ended, before s2's began: s1 saw the number last.
    let gap = pool.lookup(&n, T0 + 35 * MIN).unwrap();
    assert_eq!(
        (gap.session.as_str(), gap.until_ms),
        ("s1", Some(T0 + 30 * MIN))
    );
    assert_eq!(pool.lookup(&n, T0 + 40 * MIN).unwrap().session, "s2");
    // s2's open lease idled out: its end is filled in.
    let late = pool.lookup(&n, T0 + 80 * MIN).unwrap();
    assert_eq!(
        (late.session.as_str(), late.until_ms),
        ("s2", Some(T0 + 70 * MIN))
    );
    assert_eq!(pool.lookup("+19999999999", T0), None);
}

#[test]
fn history_is_pruned_after_retention() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(1));
    let mut pool = Pool::new(&mut store, policy());
    leased(&pool.lease("s1", T0, "{}", false));
    leased(&pool.lease("s2", T0 + 40 * MIN, "{}", false));
    let day = 1440 * MIN;
    assert_eq!(pool.prune_history(T0 + 90 * day), 0);
    assert_eq!(pool.prune_history(T0 + 91 * day), 1, "s1's closed record");
    assert_eq!(store.history_len(), 1, "s2's open record stays");
}

#[test]
fn sync_adds_and_retires_numbers() {
    let mut store = MemoryPoolStore::with_numbers(&numbers(2));
    let mut pool = Pool::new(&mut store, policy());
    leased(&pool.lease("a", T0, "{}", false));
    pool.sync_numbers(&["+15550000001".to_string(), "+15550009999".to_string()]);
    let listed: Vec<String> = store.numbers().into_iter().map(|s| s.number).collect();
    assert_eq!(listed, ["+15550000001", "+15550009999"]);
    assert_eq!(
        store.history_of("+15550000000").len(),
        1,
        "history of retired numbers stays"
    );
}
