//! Property test: random interleavings of pool operations keep the lease invariants, which
//! say exactly who may take which lease, and when:
//!
//! * a live full (confirmed) lease is never taken from its holder nor downgraded;
//! * a live provisional lease within its hold is never taken from its holder, by a first
//!   view or by a returning session (issue 15);
//! * a session holds at most one live number, and a granted lease is the asker's;
//! * the history of a number never overlaps, and the lease covering now is the holder's.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use std::collections::HashMap;

use dni_numbers::E164;
use dni_sessions::{
    Attribution, LeaseOutcome, LeasePolicy, MemoryPoolStore, Pool, PoolStore, SessionId,
};
use proptest::prelude::*;

const MIN: i64 = 60_000;

#[derive(Debug, Clone)]
enum Op {
    Lease { session: u8, provisional: bool },
    Confirm { session: u8, number: u8 },
    Renew { session: u8, number: u8 },
    ReleaseIdle,
    Wait { ms: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..12, any::<bool>()).prop_map(|(session, provisional)| Op::Lease { session, provisional }),
        2 => (0u8..12, 0u8..6).prop_map(|(session, number)| Op::Confirm { session, number }),
        1 => (0u8..12, 0u8..6).prop_map(|(session, number)| Op::Renew { session, number }),
        1 => Just(Op::ReleaseIdle),
        3 => (0i64..20 * MIN).prop_map(|ms| Op::Wait { ms }),
    ]
}

fn number(i: u8) -> E164 {
    E164::parse(&format!("+1555000{i:04}")).unwrap()
}

fn session(i: u8) -> SessionId {
    SessionId([i; 16])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn leases_never_overlap(ops in proptest::collection::vec(op(), 1..120), pool_size in 0u8..5) {
        let numbers: Vec<E164> = (0..pool_size).map(number).collect();
        let mut store = MemoryPoolStore::with_numbers(&numbers);
        let policy = LeasePolicy { idle_ms: 30 * MIN, provisional_hold_ms: 3 * MIN, history_retention_ms: 1 << 40 };
        let mut now = 1_795_341_600_000i64;
        for op in ops {
            // Live full leases before the operation: none may be taken from its holder.
            let full_before: Vec<(E164, Option<SessionId>)> = store
                .numbers()
                .unwrap()
                .into_iter()
                .filter(|s| s.is_live(now) && !s.provisional)
                .map(|s| (s.number, s.holder))
                .collect();
            // Live provisional leases within their hold: protected from everyone.
            let held_before: Vec<(E164, Option<SessionId>)> = store
                .numbers()
                .unwrap()
                .into_iter()
                .filter(|s| s.is_live(now) && s.provisional && now - s.leased_at_ms < policy.provisional_hold_ms)
                .map(|s| (s.number, s.holder))
                .collect();
            let outcome = {
                let mut pool = Pool::new(&mut store, policy);
                match &op {
                    Op::Lease { session: s, provisional } => Some((session(*s), pool.lease(&session(*s), now, &Attribution::default(), *provisional).unwrap())),
                    Op::Confirm { session: s, number: n } => Some((session(*s), pool.confirm(&session(*s), &number(*n), now).unwrap())),
                    Op::Renew { session: s, number: n } => Some((session(*s), pool.renew(&session(*s), &number(*n), now).unwrap())),
                    Op::ReleaseIdle => { pool.release_idle(now).unwrap(); None }
                    Op::Wait { ms } => { now += ms; None }
                }
            };
            let slots = store.numbers().unwrap();
            // A granted lease is held, live, by the session that asked.
            if let Some((session, LeaseOutcome::Leased { number, until_ms, provisional })) = &outcome {
                let slot = slots.iter().find(|s| s.number == *number).unwrap();
                prop_assert_eq!(slot.holder, Some(*session));
                prop_assert!(*until_ms > now && slot.lease_until_ms == *until_ms);
                prop_assert_eq!(slot.provisional, *provisional);
            }
            // A session holds at most one live number.
            let mut held: HashMap<SessionId, u32> = HashMap::new();
            for s in slots.iter().filter(|s| s.is_live(now)) {
                *held.entry(s.holder.unwrap()).or_default() += 1;
            }
            prop_assert!(held.values().all(|&c| c == 1), "{held:?}");
            // A live full lease is never taken away from its holder (nor downgraded).
            if !matches!(op, Op::Wait { .. }) {
                for (number, holder) in &full_before {
                    let slot = slots.iter().find(|s| s.number == *number).unwrap();
                    prop_assert_eq!(&slot.holder, holder);
                    prop_assert!(slot.is_live(now) && !slot.provisional);
                }
                for (number, holder) in &held_before {
                    let slot = slots.iter().find(|s| s.number == *number).unwrap();
                    prop_assert_eq!(&slot.holder, holder, "a lease within its hold was taken by {:?}", op);
                    prop_assert!(slot.is_live(now));
                }
            }
            // History per number: ordered, non-overlapping, only the last may be open, and
            // the lease covering `now` is the live holder's.
            for s in &slots {
                let h = store.history_of(&s.number);
                for w in h.windows(2) {
                    prop_assert!(w[0].from_ms <= w[1].from_ms);
                    prop_assert!(w[0].until_ms.is_some_and(|u| u <= w[1].from_ms), "{:?}", w);
                }
                if s.is_live(now) {
                    let pool = Pool::new(&mut store, policy);
                    let rec = pool.lookup(&s.number, now).unwrap().unwrap();
                    prop_assert_eq!(Some(rec.session), s.holder);
                    prop_assert_eq!(rec.until_ms, None);
                }
            }
        }
    }
}
