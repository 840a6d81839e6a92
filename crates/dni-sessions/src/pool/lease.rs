//! The lease state machine.

use dni_numbers::E164;
use serde::{Deserialize, Serialize};

use super::policy::LeasePolicy;
use super::store::{LeaseRecord, NumberSlot, PoolStore, StoreError};
use crate::attribution::Attribution;
use crate::token::{SessionId, TokenLease};

/// The result of asking a pool for a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaseOutcome {
    /// The session holds `number` until `until_ms` (unless renewed).
    Leased {
        number: E164,
        until_ms: i64,
        provisional: bool,
    },
    /// No number could be leased: show the target's fallback (the overflow was counted).
    Overflow,
}

impl LeaseOutcome {
    /// The lease to put in the session token, if any.
    pub fn token_lease(&self) -> Option<TokenLease> {
        match self {
            LeaseOutcome::Leased {
                number,
                until_ms,
                provisional,
            } => Some(TokenLease {
                number: *number,
                until_ms: *until_ms,
                provisional: *provisional,
            }),
            LeaseOutcome::Overflow => None,
        }
    }
}

/// One pool's leasing logic over a [`PoolStore`]. Each operation reads the slots once
/// and writes back only what changed. A storage failure ends the operation with its error
/// (nothing is read as an empty pool).
pub struct Pool<'a, S: PoolStore> {
    store: &'a mut S,
    policy: LeasePolicy,
}

impl<'a, S: PoolStore> Pool<'a, S> {
    pub fn new(store: &'a mut S, policy: LeasePolicy) -> Self {
        Pool { store, policy }
    }

    /// A number for `session` at `now_ms` (first page view, or a view whose token has no
    /// live lease for this pool).
    ///
    /// 1. A session already holding a live number keeps it, renewed (a provisional request
    ///    never downgrades a confirmed lease).
    /// 2. Otherwise a free number: the one this session held last if nobody took it since,
    ///    else the one free for longest (least recently used).
    /// 3. Otherwise the oldest provisional lease that has outlived its `provisional_hold`
    ///    is recycled. A provisional lease within its hold is protected from everyone:
    ///    first views and returning sessions alike (a call from its visitor during the
    ///    hold is always attributed to them).
    /// 4. Otherwise [`LeaseOutcome::Overflow`], counted in the store.
    ///
    /// Who may take which lease, and when:
    ///
    /// | lease held | by its own session | by another session |
    /// |---|---|---|
    /// | free (never leased, idled out) | yes (its last holder first) | yes, least recently used first |
    /// | provisional, within its hold | yes (renewed, confirmed) | never |
    /// | provisional, past its hold | yes | only when no number is free, oldest first |
    /// | full (confirmed) and live | yes | never, until it idles out |
    ///
    /// `attribution` is stored in the history record of a new lease.
    pub fn lease(
        &mut self,
        session: &SessionId,
        now_ms: i64,
        attribution: &Attribution,
        provisional: bool,
    ) -> Result<LeaseOutcome, StoreError> {
        let slots = self.store.numbers()?;
        if let Some(slot) = slots.iter().find(|s| s.is_held_by(session, now_ms)) {
            let keep_provisional = provisional && slot.provisional;
            return self.extend(slot.clone(), now_ms, keep_provisional);
        }
        match self.pick(&slots, session, now_ms) {
            Some(slot) => self.take(slot.clone(), session, now_ms, attribution, provisional),
            None => {
                self.store.count_overflow(now_ms)?;
                Ok(LeaseOutcome::Overflow)
            }
        }
    }

    /// The session's cookie came back carrying `number`: the lease becomes a full one and
    /// is renewed. If the session no longer holds `number` (recycled, idled out and taken,
    /// or removed from the pool) it keeps whichever live number it holds, or gets a new
    /// full lease with the attribution of its last lease.
    pub fn confirm(
        &mut self,
        session: &SessionId,
        number: &E164,
        now_ms: i64,
    ) -> Result<LeaseOutcome, StoreError> {
        self.touch(session, number, now_ms)
    }

    /// Background renewal of `number` for `session` (its token's lease is close to idling
    /// out). A renewal request proves the cookie came back, so it also confirms a
    /// provisional lease; otherwise the same as [`confirm`](Self::confirm).
    pub fn renew(
        &mut self,
        session: &SessionId,
        number: &E164,
        now_ms: i64,
    ) -> Result<LeaseOutcome, StoreError> {
        self.touch(session, number, now_ms)
    }

    /// Closes the history of leases that idled out by `now_ms`; returns how many. Run it
    /// periodically (e.g. from the Durable Object's alarm); leasing does not depend on it.
    pub fn release_idle(&mut self, now_ms: i64) -> Result<u32, StoreError> {
        let mut released = 0u32;
        for mut slot in self.store.numbers()? {
            if let (Some(holder), None) = (slot.holder, slot.released_at_ms) {
                if slot.lease_until_ms <= now_ms {
                    self.store
                        .close_history(&slot.number, &holder, slot.lease_until_ms)?;
                    slot.released_at_ms = Some(slot.lease_until_ms);
                    self.store.put(&slot)?;
                    released = released.saturating_add(1);
                }
            }
        }
        Ok(released)
    }

    /// The lease of `number` covering `at_ms`, or the last one before it if nobody held the
    /// number since (a call often comes after the visit ended). An open record whose lease
    /// has idled out by `at_ms` is returned with its end filled in.
    pub fn lookup(&self, number: &E164, at_ms: i64) -> Result<Option<LeaseRecord>, StoreError> {
        let Some(mut rec) = self.store.history_at(number, at_ms)? else {
            return Ok(None);
        };
        if rec.until_ms.is_none() {
            let slot = self
                .store
                .numbers()?
                .into_iter()
                .find(|s| s.number == *number);
            if let Some(slot) = slot {
                if slot.holder == Some(rec.session) && slot.lease_until_ms <= at_ms {
                    rec.until_ms = Some(slot.lease_until_ms);
                }
            }
        }
        Ok(Some(rec))
    }

    /// Deletes history that ended more than the retention period before `now_ms`.
    pub fn prune_history(&mut self, now_ms: i64) -> Result<u32, StoreError> {
        self.store
            .prune_history(now_ms.saturating_sub(self.policy.history_retention_ms))
    }

    /// Makes the pool hold exactly `configured` (call when the configuration changed).
    pub fn sync_numbers(&mut self, configured: &[E164]) -> Result<(), StoreError> {
        self.store.sync_numbers(configured)
    }

    fn touch(
        &mut self,
        session: &SessionId,
        number: &E164,
        now_ms: i64,
    ) -> Result<LeaseOutcome, StoreError> {
        let slots = self.store.numbers()?;
        if let Some(slot) = slots.iter().find(|s| s.is_held_by(session, now_ms)) {
            // Live lease (`number` itself, or a newer one than the token knew about).
            return self.extend(slot.clone(), now_ms, false);
        }
        let attribution = self
            .store
            .last_record_of(session)?
            .map(|r| r.attribution)
            .unwrap_or_default();
        let own = slots
            .iter()
            .find(|s| s.number == *number && s.holder.as_ref() == Some(session));
        let slot = match own {
            Some(s) => Some(s),
            None => self.pick(&slots, session, now_ms),
        };
        match slot {
            Some(slot) => self.take(slot.clone(), session, now_ms, &attribution, false),
            None => {
                self.store.count_overflow(now_ms)?;
                Ok(LeaseOutcome::Overflow)
            }
        }
    }

    fn pick<'s>(
        &self,
        slots: &'s [NumberSlot],
        session: &SessionId,
        now_ms: i64,
    ) -> Option<&'s NumberSlot> {
        let free = || slots.iter().filter(|s| !s.is_live(now_ms));
        if let Some(own) = free().find(|s| s.holder.as_ref() == Some(session)) {
            return Some(own);
        }
        if let Some(lru) = free().min_by(|a, b| {
            a.lease_until_ms
                .cmp(&b.lease_until_ms)
                .then_with(|| a.number.cmp(&b.number))
        }) {
            return Some(lru);
        }
        let hold = self.policy.provisional_hold_ms;
        slots
            .iter()
            .filter(|s| s.provisional && s.is_live(now_ms))
            .filter(|s| now_ms.saturating_sub(s.leased_at_ms) >= hold)
            .min_by(|a, b| {
                a.leased_at_ms
                    .cmp(&b.leased_at_ms)
                    .then_with(|| a.number.cmp(&b.number))
            })
    }

    fn extend(
        &mut self,
        mut slot: NumberSlot,
        now_ms: i64,
        provisional: bool,
    ) -> Result<LeaseOutcome, StoreError> {
        slot.last_active_ms = now_ms;
        slot.lease_until_ms = slot
            .lease_until_ms
            .max(now_ms.saturating_add(self.policy.idle_ms));
        slot.provisional = provisional;
        self.store.put(&slot)?;
        Ok(LeaseOutcome::Leased {
            number: slot.number,
            until_ms: slot.lease_until_ms,
            provisional,
        })
    }

    /// Gives `slot` to `session`, closing the previous holder's history first.
    fn take(
        &mut self,
        mut slot: NumberSlot,
        session: &SessionId,
        now_ms: i64,
        attribution: &Attribution,
        provisional: bool,
    ) -> Result<LeaseOutcome, StoreError> {
        if let (Some(prev), None) = (slot.holder, slot.released_at_ms) {
            let ended = slot.lease_until_ms.min(now_ms);
            self.store.close_history(&slot.number, &prev, ended)?;
        }
        slot.holder = Some(*session);
        slot.leased_at_ms = now_ms;
        slot.last_active_ms = now_ms;
        slot.lease_until_ms = now_ms.saturating_add(self.policy.idle_ms);
        slot.provisional = provisional;
        slot.released_at_ms = None;
        self.store.put(&slot)?;
        self.store.open_history(&LeaseRecord {
            number: slot.number,
            session: *session,
            from_ms: now_ms,
            until_ms: None,
            attribution: attribution.clone(),
        })?;
        Ok(LeaseOutcome::Leased {
            number: slot.number,
            until_ms: slot.lease_until_ms,
            provisional,
        })
    }
}
