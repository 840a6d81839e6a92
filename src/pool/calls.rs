//! Calls kept by a site's stats object: call records keyed by (provider, call id), the
//! outbox of signed webhooks (one delivery per call, retried by the object's alarm), and
//! the retention the daily alarm prunes by. Pure logic over a [`CallStore`]; the SQLite
//! store is [`SqlStore`](super::SqlStore), the memory one
//! [`MemoryObjectStore`](super::MemoryObjectStore).

use dni_calls::webhook::{next_step, AttemptResult, Next};
use dni_calls::{webhook_body, CallRecord, CallsConfig, Provider, StatusUpdate, WebhookConfig};
use dni_common::Category;
use dni_sessions::StoreError;
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 86_400_000;

/// Deliveries attempted by one alarm run (the rest wait for the next run, at once).
pub const DELIVERIES_PER_ALARM: u32 = 20;

/// Retention used by the alarm before any call told the object its site's setting.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

/// The webhook a status update may queue: the site's `calls.webhook` and the consent
/// category calls going out need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookOrder {
    pub url: String,
    pub min_duration_s: u32,
    pub max_attempts: u32,
    pub consent_category: Category,
}

impl WebhookOrder {
    /// The order of a site's `calls` section; `None` without a webhook.
    pub fn of(calls: &CallsConfig) -> Option<WebhookOrder> {
        calls.webhook.as_ref().map(|w| WebhookOrder {
            url: w.url.trim().to_string(),
            min_duration_s: w.min_duration_seconds,
            max_attempts: w.max_attempts,
            consent_category: calls.consent_category,
        })
    }

    fn config(&self) -> WebhookConfig {
        WebhookConfig {
            url: self.url.clone(),
            min_duration_seconds: self.min_duration_s,
            max_attempts: self.max_attempts,
        }
    }
}

/// One webhook delivery: what to send where, and how far it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub provider: Provider,
    pub call_id: String,
    pub url: String,
    /// The JSON body ([`webhook_body`]), fixed when the call became eligible.
    pub body: String,
    /// Attempts made so far.
    pub attempts: u32,
    pub max_attempts: u32,
    /// When the next attempt is due (ms).
    pub next_at_ms: i64,
}

/// Where a delivery stands. A finished one is kept (until its call is pruned), so a
/// replayed status callback never sends the call twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Delivered,
    GaveUp,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::GaveUp => "gave_up",
        }
    }
}

/// Storage of call records and webhook deliveries. Every operation's failure is an error
/// value: a failing store is never read as "no call".
pub trait CallStore {
    /// The record of (provider, call id).
    fn call(&self, provider: Provider, call_id: &str) -> Result<Option<CallRecord>, StoreError>;
    /// Inserts `record` unless (provider, call id) is already recorded; whether it was.
    fn insert_call(&mut self, record: &CallRecord) -> Result<bool, StoreError>;
    /// Replaces the stored record of (provider, call id).
    fn update_call(&mut self, record: &CallRecord) -> Result<(), StoreError>;
    /// Records that started in `[from_ms, to_ms)`, newest first, at most `limit`.
    fn calls_between(
        &self,
        from_ms: i64,
        to_ms: i64,
        limit: u32,
    ) -> Result<Vec<CallRecord>, StoreError>;
    /// Deletes the records (and their deliveries) that started before `before_ms`; how many.
    fn delete_calls_before(&mut self, before_ms: i64) -> Result<u32, StoreError>;
    /// Queues `delivery` unless one exists for its call (in any state); whether it did.
    fn queue_delivery(&mut self, delivery: &Delivery) -> Result<bool, StoreError>;
    /// Pending deliveries due at `now_ms`, earliest first, at most `limit`.
    fn due_deliveries(&self, now_ms: i64, limit: u32) -> Result<Vec<Delivery>, StoreError>;
    /// When the earliest pending delivery is due.
    fn next_delivery_ms(&self) -> Result<Option<i64>, StoreError>;
    /// Stores `delivery` (attempts, next time) in `state`.
    fn update_delivery(
        &mut self,
        delivery: &Delivery,
        state: DeliveryState,
    ) -> Result<(), StoreError>;
    /// The retention the site last asked for.
    fn retention_days(&self) -> Result<Option<u32>, StoreError>;
    fn set_retention_days(&mut self, days: u32) -> Result<(), StoreError>;
}

/// What a status update did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusOutcome {
    /// The record after the update; `None`: an unknown call (nothing stored).
    pub record: Option<CallRecord>,
    /// The record changed.
    pub changed: bool,
    /// A webhook delivery was queued (the object must wake its alarm).
    pub queued: bool,
}

/// Applies `update` to its call (monotonic and idempotent, see [`CallRecord::apply`]) and,
/// when the call has just become eligible for `order` (completed, long enough, consented at
/// lease time), queues its webhook, due at once. At most one delivery per call, ever.
pub fn apply_status<S: CallStore>(
    store: &mut S,
    update: &StatusUpdate,
    order: Option<&WebhookOrder>,
    now_ms: i64,
) -> Result<StatusOutcome, StoreError> {
    let Some(mut record) = store.call(update.provider, &update.call_id)? else {
        return Ok(StatusOutcome {
            record: None,
            changed: false,
            queued: false,
        });
    };
    let changed = record.apply(update, now_ms);
    if changed {
        store.update_call(&record)?;
    }
    let mut queued = false;
    if let Some(order) = order.filter(|_| changed) {
        if let Some(body) = webhook_body(&record, &order.config(), order.consent_category) {
            queued = store.queue_delivery(&Delivery {
                provider: record.provider,
                call_id: record.call_id.clone(),
                url: order.url.clone(),
                body,
                attempts: 0,
                max_attempts: order.max_attempts,
                next_at_ms: now_ms,
            })?;
        }
    }
    Ok(StatusOutcome {
        record: Some(record),
        changed,
        queued,
    })
}

/// Records a call that just arrived (a replay of its webhook changes nothing) and keeps the
/// site's retention for the alarm. Whether the call is new.
pub fn record_call<S: CallStore>(
    store: &mut S,
    record: &CallRecord,
    retention_days: u32,
) -> Result<bool, StoreError> {
    if store.retention_days()? != Some(retention_days) {
        store.set_retention_days(retention_days)?;
    }
    store.insert_call(record)
}

/// Deletes the calls older than the site's retention at `now_ms`; how many.
pub fn prune_calls<S: CallStore>(
    store: &mut S,
    now_ms: i64,
    retention_days: u32,
) -> Result<u32, StoreError> {
    store.delete_calls_before(dni_calls::retention_cutoff_ms(now_ms, retention_days))
}

/// Records attempt number `delivery.attempts + 1`, which ended with `result` at `now_ms`:
/// delivered, retried later ([`dni_calls::backoff_ms`]) or given up after `max_attempts`
/// (or at once when the receiver refused it with a status that is not retried).
pub fn after_attempt<S: CallStore>(
    store: &mut S,
    delivery: &Delivery,
    result: AttemptResult,
    now_ms: i64,
) -> Result<Next, StoreError> {
    let mut d = delivery.clone();
    d.attempts = d.attempts.saturating_add(1);
    let cfg = WebhookConfig {
        url: d.url.clone(),
        min_duration_seconds: 0,
        max_attempts: d.max_attempts,
    };
    let next = next_step(d.attempts, result, now_ms, &cfg);
    let state = match next {
        Next::Delivered => DeliveryState::Delivered,
        Next::RetryAt(at) => {
            d.next_at_ms = at;
            DeliveryState::Pending
        }
        Next::GiveUp => DeliveryState::GaveUp,
    };
    store.update_delivery(&d, state)?;
    Ok(next)
}

/// When the object's alarm must fire next: the next due delivery, and at least daily (the
/// maintenance: lease history, call retention).
pub fn next_alarm_ms(now_ms: i64, next_delivery_ms: Option<i64>) -> i64 {
    let daily = now_ms.saturating_add(DAY_MS);
    next_delivery_ms.map_or(daily, |d| d.clamp(now_ms, daily))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alarm_wakes_for_the_next_delivery_and_at_least_daily() {
        assert_eq!(next_alarm_ms(1_000, None), 1_000 + DAY_MS);
        assert_eq!(next_alarm_ms(1_000, Some(5_000)), 5_000);
        assert_eq!(next_alarm_ms(1_000, Some(10)), 1_000, "an overdue one: now");
        assert_eq!(next_alarm_ms(0, Some(3 * DAY_MS)), DAY_MS);
    }
}
