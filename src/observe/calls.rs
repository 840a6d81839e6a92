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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> CallRecord {
        serde_json::from_str(json).unwrap()
    }

    fn call(
        id: &str,
        at: i64,
        source: Option<&str>,
        campaign: Option<&str>,
        status: &str,
        secs: Option<u32>,
        marketing: bool,
    ) -> CallRecord {
        let attribution = campaign.map_or("null".to_string(), |c| {
            format!(r#"{{"utm_campaign":"{c}","landing_url":"https://x.test/","click_ids":{{}}}}"#)
        });
        let granted = if marketing {
            r#"["necessary","marketing"]"#
        } else {
            r#"["necessary"]"#
        };
        record(&format!(
            r#"{{"provider":"twilio","call_id":"{id}","tracking_number":"+15035550150","target":"+15035550142",
               "routed_to":"+15035550142","started_at_ms":{at},"status":"{status}","duration_s":{},
               "updated_at_ms":{at},"source":{},"attribution":{attribution},
               "consent":{{"granted":{granted},"signal":"onetrust","regime":"opt_in","gpc":false}}}}"#,
            secs.map_or("null".to_string(), |s| s.to_string()),
            source.map_or("null".to_string(), |s| format!("\"{s}\"")),
        ))
    }

    #[test]
    fn calls_per_source_per_day_and_per_campaign() {
        const D1: i64 = 1_795_341_600_000; // 2026-11-22T10:00Z
        const D2: i64 = D1 + 86_400_000;
        let records = [
            call(
                "1",
                D1,
                Some("google_ads"),
                Some("spring"),
                "completed",
                Some(60),
                true,
            ),
            call(
                "2",
                D1 + 1,
                Some("google_ads"),
                Some("spring"),
                "no_answer",
                None,
                false,
            ),
            call("3", D1 + 2, None, None, "completed", Some(30), false),
            call(
                "4",
                D2,
                Some("default"),
                Some("summer"),
                "completed",
                Some(5),
                true,
            ),
            call(
                "5",
                D2 + 1,
                Some("google_ads"),
                Some("summer"),
                "busy",
                None,
                true,
            ),
        ];
        let r = CallsReport::of(&records, Category::Marketing);
        assert_eq!(r.total(), 5);
        assert_eq!(r.sources(), ["default", "google_ads", UNTRACKED]);
        assert_eq!(r.days.len(), 2);
        assert_eq!(r.days[0].day, "2026-11-22");
        assert_eq!(r.days[0].counters.get("google_ads"), Some(&2));
        assert_eq!(r.days[0].counters.get(UNTRACKED), Some(&1));
        assert_eq!(r.days[1].counters.get("default"), Some(&1));
        assert_eq!(r.days[1].counters.get("google_ads"), Some(&1));
        let rows: Vec<(&str, u64, u64, u64, u64)> = r
            .campaigns
            .iter()
            .map(|c| {
                (
                    c.campaign.as_str(),
                    c.calls,
                    c.completed,
                    c.talk_seconds,
                    c.consented,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("spring", 2, 1, 60, 1),
                ("summer", 2, 1, 5, 2),
                (NO_CAMPAIGN, 1, 1, 30, 0)
            ]
        );
        assert_eq!(
            CallsReport::of(&[], Category::Marketing),
            CallsReport::default()
        );
    }
}
