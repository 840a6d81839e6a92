//! [`CallRecord`]: one call with its attribution, as stored and exported.

use dni_common::Category;
use dni_numbers::E164;
use dni_sessions::{Attribution, LeaseRecord};
use serde::{Deserialize, Serialize};

use crate::provider::{IncomingCall, Provider, StatusUpdate};
use crate::route::CallPlan;
use crate::status::CallStatus;

pub use dni_sessions::LeaseConsent;

/// The consent stored with a lease (set by the worker when it leased the number).
fn lease_consent(rec: &LeaseRecord) -> Option<LeaseConsent> {
    rec.attribution.consent.clone()
}

/// One call, with its attribution. Serialised as the calls API and history return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRecord {
    /// `twilio`, `signalwire`, `plivo`, `vonage` or `api`.
    pub provider: Provider,
    /// The provider's call id (`CallSid`, `CallUUID`, `uuid`); empty for API lookups.
    pub call_id: String,
    /// The number that was dialled.
    pub tracking_number: E164,
    /// The target (the number the page printed) the tracking number stands for.
    pub target: E164,
    /// Where the call was connected: the target, or the source's route.
    pub routed_to: E164,
    /// When the call arrived (ms since the Unix epoch).
    pub started_at_ms: i64,
    pub status: CallStatus,
    /// Talk time in seconds, once the provider reports it.
    pub duration_s: Option<u32>,
    /// When the status last changed.
    pub updated_at_ms: i64,
    /// The traffic source whose pool the tracking number belongs to (`google_ads`); `None`
    /// for a call to a target or fallback number.
    pub source: Option<String>,
    /// The session's attribution (landing page, referrer, UTM, click ids) when a lease
    /// covered the call time; `None`: unattributed.
    pub attribution: Option<Attribution>,
    /// The consent decision in force when the number was leased; `None` when unknown.
    pub consent: Option<LeaseConsent>,
}

impl CallRecord {
    /// The record of a call that just arrived, routed by `plan`, attributed to the lease
    /// that covered it (if any).
    pub fn new(
        call: &IncomingCall,
        plan: &CallPlan,
        lease: Option<&LeaseRecord>,
        now_ms: i64,
    ) -> CallRecord {
        CallRecord {
            provider: call.provider,
            call_id: call.call_id.clone(),
            tracking_number: call.called,
            target: plan.target,
            routed_to: plan.dial,
            started_at_ms: now_ms,
            status: CallStatus::Ringing,
            duration_s: None,
            updated_at_ms: now_ms,
            source: plan.source.clone(),
            attribution: lease.map(|l| l.attribution.clone()),
            consent: lease.and_then(lease_consent),
        }
    }

    /// Applies a status callback. Idempotent (a replayed callback changes nothing) and
    /// monotonic: a final status is never replaced by an earlier one arriving late, an
    /// unknown status never replaces a known one. Returns whether the record changed.
    pub fn apply(&mut self, update: &StatusUpdate, now_ms: i64) -> bool {
        if update.call_id != self.call_id || update.status == CallStatus::Unknown {
            return false;
        }
        if self.status.is_final() && !update.status.is_final() {
            return false;
        }
        let duration = update.duration_s.or(self.duration_s);
        if self.status == update.status && self.duration_s == duration {
            return false;
        }
        self.status = update.status;
        self.duration_s = duration;
        self.updated_at_ms = now_ms;
        true
    }

    /// The session consented to `category` when the number was leased.
    pub fn consented(&self, category: Category) -> bool {
        self.consent.as_ref().is_some_and(|c| c.granted(category))
    }

    /// A click id of the landing (`gclid`, …).
    pub fn click_id(&self, name: &str) -> Option<&str> {
        self.attribution.as_ref().and_then(|a| {
            a.click_ids
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        })
    }

    /// Older than the retention window at `now_ms` (deleted by the daily prune).
    pub fn expired(&self, now_ms: i64, retention_days: u32) -> bool {
        self.started_at_ms < retention_cutoff_ms(now_ms, retention_days)
    }
}

/// Records that started before this are deleted: `now - retention_days`.
pub fn retention_cutoff_ms(now_ms: i64, retention_days: u32) -> i64 {
    now_ms.saturating_sub(i64::from(retention_days).saturating_mul(86_400_000))
}
