//! Calls for the stats report and the dashboard: calls per source per day, and per campaign
//! (`utm_campaign`), from the site's call records.

use std::collections::BTreeMap;

use dni_calls::{CallRecord, CallStatus};
use dni_common::Category;
use serde::{Deserialize, Serialize};

use super::stats::{day_of, DayCounters};

/// The source name of a call to a target or fallback number (no pool, no attribution).
pub const UNTRACKED: &str = "untracked";
/// The campaign of a call whose landing had no `utm_campaign`.
pub const NO_CAMPAIGN: &str = "(none)";

/// One campaign's calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignRow {
    /// `utm_campaign` of the landing, or [`NO_CAMPAIGN`].
    pub campaign: String,
    pub calls: u64,
    /// Calls that were answered and completed.
    pub completed: u64,
    /// Talk time of those, in seconds.
    pub talk_seconds: u64,
    /// Calls whose session had granted the conversion category when the number was leased
    /// (the calls that may go out to Google Ads and the webhook, once completed).
    pub consented: u64,
}

/// The calls part of the stats report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallsReport {
    /// Calls per day (UTC), counted per source (the tracking number's pool, or
    /// [`UNTRACKED`]), oldest first.
    pub days: Vec<DayCounters>,
    /// Campaigns, most calls first.
    pub campaigns: Vec<CampaignRow>,
    /// More calls matched than were read (the counts are of the newest).
    pub truncated: bool,
    /// Set when the calls could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl CallsReport {
    /// The report of `records`; `category`: the site's `calls.consent_category`.
    pub fn of(records: &[CallRecord], category: Category) -> CallsReport {
        let mut days: BTreeMap<(String, String), u64> = BTreeMap::new();
        let mut campaigns: BTreeMap<String, CampaignRow> = BTreeMap::new();
        for r in records {
            let source = r.source.clone().unwrap_or_else(|| UNTRACKED.to_string());
            *days.entry((day_of(r.started_at_ms), source)).or_default() += 1;
            let name = r
                .attribution
                .as_ref()
                .and_then(|a| a.utm_campaign.clone())
                .unwrap_or_else(|| NO_CAMPAIGN.to_string());
            let row = campaigns
                .entry(name.clone())
                .or_insert_with(|| CampaignRow {
                    campaign: name,
                    ..CampaignRow::default()
                });
            row.calls += 1;
            if r.status == CallStatus::Completed {
                row.completed += 1;
                row.talk_seconds += u64::from(r.duration_s.unwrap_or(0));
            }
            if r.consented(category) {
                row.consented += 1;
            }
        }
        let mut campaigns: Vec<CampaignRow> = campaigns.into_values().collect();
        campaigns.sort_by(|a, b| b.calls.cmp(&a.calls).then(a.campaign.cmp(&b.campaign)));
        CallsReport {
            days: DayCounters::group(days.into_iter().map(|((d, s), n)| (d, s, n))),
            campaigns,
            truncated: false,
            error: None,
        }
    }

    /// Calls in the report.
    pub fn total(&self) -> u64 {
        self.campaigns.iter().map(|c| c.calls).sum()
    }

    /// The sources that appear, sorted.
    pub fn sources(&self) -> Vec<&str> {
        let mut s: Vec<&str> = self
            .days
            .iter()
            .flat_map(|d| d.counters.keys().map(String::as_str))
            .collect();
        s.sort_unstable();
        s.dedup();
        s
    }
}
