//! `GET /__dni/calls?from=&to=&format=`: the call history as JSON or CSV, and the Google Ads
//! export ([`crate::conversions`]).

use dni_common::Category;
use serde_json::json;

use crate::answer::Answer;
use crate::config::CallsConfig;
use crate::conversions::google_ads_csv;
use crate::csv::cell;
use crate::form;
use crate::record::CallRecord;
use crate::request::{bounded, Refusal, MAX_FIELD};
use crate::time::{format_rfc3339_ms, parse_rfc3339_ms};

const DAY_MS: i64 = 86_400_000;
/// Range when `from` is not given: the last 30 days.
pub const DEFAULT_RANGE_DAYS: i64 = 30;
/// Longest range one request may ask for.
pub const MAX_RANGE_DAYS: i64 = 400;
/// Most records returned by one request (newest first); `truncated` says when more matched.
pub const MAX_ROWS: usize = 10_000;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryFormat {
    /// `{"from", "to", "count", "truncated", "calls": [CallRecord…]}`.
    Json,
    /// One row per call, spreadsheet-safe ([`neutralize`]).
    Csv,
    /// Google Ads offline click-conversion import file (consent-gated).
    GoogleAds,
}

/// A parsed history request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryQuery {
    /// Calls that started at or after this (ms).
    pub from_ms: i64,
    /// … and before this (ms, exclusive).
    pub to_ms: i64,
    pub format: HistoryFormat,
}

impl HistoryQuery {
    /// Does `record` fall in the range?
    pub fn contains(&self, record: &CallRecord) -> bool {
        (self.from_ms..self.to_ms).contains(&record.started_at_ms)
    }
}

/// A time parameter: RFC 3339 (`2026-11-22T10:00:00Z`), a date (`2026-11-22`: its start,
/// or for `to` the end of that day), or epoch milliseconds.
fn parse_bound(name: &str, v: &str, end_of_day: bool) -> Result<i64, Refusal> {
    let v = v.trim();
    if !v.is_empty() && v.len() <= 15 && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse().map_err(|_| bad(name, v));
    }
    if v.len() == 10 {
        let day = parse_rfc3339_ms(&format!("{v}T00:00:00Z")).ok_or_else(|| bad(name, v))?;
        return Ok(if end_of_day { day + DAY_MS } else { day });
    }
    parse_rfc3339_ms(v).ok_or_else(|| bad(name, v))
}

fn bad(name: &str, v: &str) -> Refusal {
    Refusal::BadRequest(format!(
        "`{name}` must be a date (2026-11-22), an RFC 3339 time (2026-11-22T10:00:00Z) or epoch milliseconds, not `{}`",
        bounded(v, MAX_FIELD)
    ))
}

/// Parses the query string of `GET /__dni/calls`: `from`, `to` (default: the last 30 days
/// up to now), `format` = `json` (default), `csv` or `google_ads`. The range must be
/// positive and at most [`MAX_RANGE_DAYS`] days.
pub fn parse_history_query(query: &str, now_ms: i64) -> Result<HistoryQuery, Refusal> {
    let pairs = form::pairs(query);
    let to_ms = match form::get(&pairs, "to") {
        Some(v) => parse_bound("to", v, true)?,
        None => now_ms,
    };
    let from_ms = match form::get(&pairs, "from") {
        Some(v) => parse_bound("from", v, false)?,
        None => to_ms.saturating_sub(DEFAULT_RANGE_DAYS * DAY_MS),
    };
    if from_ms >= to_ms {
        return Err(Refusal::BadRequest("`from` must be before `to`".into()));
    }
    if to_ms - from_ms > MAX_RANGE_DAYS * DAY_MS {
        return Err(Refusal::BadRequest(format!(
            "at most {MAX_RANGE_DAYS} days per request"
        )));
    }
    let format = match form::get(&pairs, "format").unwrap_or("json") {
        "json" => HistoryFormat::Json,
        "csv" => HistoryFormat::Csv,
        "google_ads" => HistoryFormat::GoogleAds,
        other => {
            return Err(Refusal::BadRequest(format!(
                "`format` is `json`, `csv` or `google_ads`, not `{}`",
                bounded(other, MAX_FIELD)
            )))
        }
    };
    Ok(HistoryQuery {
        from_ms,
        to_ms,
        format,
    })
}

/// The answer to a history request: `records` are those the store returned for the range
/// (any order, at most [`MAX_ROWS`] + 1 to detect truncation).
pub fn render_history(records: &[CallRecord], q: &HistoryQuery, calls: &CallsConfig) -> Answer {
    let mut rows: Vec<&CallRecord> = records.iter().filter(|r| q.contains(r)).collect();
    rows.sort_by(|a, b| {
        b.started_at_ms
            .cmp(&a.started_at_ms)
            .then_with(|| a.call_id.cmp(&b.call_id))
    });
    let truncated = rows.len() > MAX_ROWS;
    rows.truncate(MAX_ROWS);
    match q.format {
        HistoryFormat::Json => Answer {
            status: 200,
            content_type: "application/json",
            body: json!({
                "from": format_rfc3339_ms(q.from_ms),
                "to": format_rfc3339_ms(q.to_ms),
                "count": rows.len(),
                "truncated": truncated,
                "calls": rows,
            })
            .to_string(),
        },
        HistoryFormat::Csv => Answer {
            status: 200,
            content_type: "text/csv; charset=utf-8",
            body: history_csv(&rows),
        },
        HistoryFormat::GoogleAds => match &calls.google_ads {
            Some(cfg) => Answer {
                status: 200,
                content_type: "text/csv; charset=utf-8",
                body: google_ads_csv(&rows, cfg, calls.consent_category).csv,
            },
            None => Answer {
                status: 404,
                content_type: "application/json",
                body: r#"{"error":"no Google Ads export: set sites[].calls.google_ads.conversion_name"}"#
                    .to_string(),
            },
        },
    }
}

/// The CSV columns of [`history_csv`].
pub const CSV_COLUMNS: [&str; 20] = [
    "started_at",
    "provider",
    "call_id",
    "tracking_number",
    "target",
    "routed_to",
    "status",
    "duration_s",
    "source",
    "landing_url",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "click_ids",
    "consent_granted",
    "consent_signal",
    "consent_regime",
];

/// The history as CSV (`\r\n` line ends, header first). `click_ids` is `name=value`
/// joined by `;`, `consent_granted` the granted categories joined by `;`.
pub fn history_csv(records: &[&CallRecord]) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for r in records {
        let a = r.attribution.as_ref();
        let opt = |v: Option<&String>| v.cloned().unwrap_or_default();
        let click_ids = a
            .map(|a| {
                a.click_ids
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .unwrap_or_default();
        let consent = r.consent.as_ref();
        let granted = consent
            .map(|c| {
                c.granted
                    .iter()
                    .map(|g: &Category| g.as_str())
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .unwrap_or_default();
        let row = [
            format_rfc3339_ms(r.started_at_ms),
            r.provider.as_str().to_string(),
            r.call_id.clone(),
            r.tracking_number.to_string(),
            r.target.to_string(),
            r.routed_to.to_string(),
            r.status.as_str().to_string(),
            r.duration_s.map(|d| d.to_string()).unwrap_or_default(),
            r.source.clone().unwrap_or_default(),
            a.map(|a| a.landing_url.clone()).unwrap_or_default(),
            opt(a.and_then(|a| a.referrer.as_ref())),
            opt(a.and_then(|a| a.utm_source.as_ref())),
            opt(a.and_then(|a| a.utm_medium.as_ref())),
            opt(a.and_then(|a| a.utm_campaign.as_ref())),
            opt(a.and_then(|a| a.utm_term.as_ref())),
            opt(a.and_then(|a| a.utm_content.as_ref())),
            click_ids,
            granted,
            consent.map(|c| c.signal.clone()).unwrap_or_default(),
            consent.map(|c| c.regime.clone()).unwrap_or_default(),
        ];
        out.push_str(&row.iter().map(|v| cell(v)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}
