//! Conversions out, consent-aware: which calls may leave, and the Google Ads offline
//! click-conversion import file.
//!
//! Only a call that completed, lasted at least the configured time, and whose session had
//! granted the configured category (`marketing` by default) when the number was leased is
//! ever sent. A call without stored consent is never sent.
//!
//! The Google Ads file follows the "Conversions from clicks" template (Google Ads Help,
//! "Import conversions from ad clicks into Google Ads",
//! <https://support.google.com/google-ads/answer/7014069>): a `Parameters:TimeZone=` row,
//! then `Google Click ID, Conversion Name, Conversion Time, Conversion Value, Conversion
//! Currency, Ad User Data, Ad Personalization`. Times are written in UTC
//! (`yyyy-MM-dd HH:mm:ss` with `TimeZone=+0000`). `Ad User Data` is the consent field Google
//! requires for users in the EEA (Google Ads API `ClickConversion.consent.ad_user_data`);
//! every exported row says `Granted`, because only consented calls are exported.

use dni_common::Category;

use crate::config::GoogleAdsConfig;
use crate::csv::cell;
use crate::record::CallRecord;
use crate::status::CallStatus;

/// Why a call is not sent out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Not completed (busy, no answer, still ringing…).
    NotCompleted,
    /// Shorter than the configured minimum.
    TooShort,
    /// The session had not granted the category (or no consent is stored).
    NoConsent,
    /// No `gclid` on the landing (Google Ads only).
    NoClickId,
    /// A `gclid` with characters a click id never has (Google Ads only; kept out rather
    /// than altered).
    UnsafeClickId,
}

/// Whether `record` may be sent out at all (both the export and the webhook).
pub fn eligible(record: &CallRecord, min_duration_s: u32, category: Category) -> Result<(), Skip> {
    if record.status != CallStatus::Completed {
        return Err(Skip::NotCompleted);
    }
    if record.duration_s.unwrap_or(0) < min_duration_s {
        return Err(Skip::TooShort);
    }
    if !record.consented(category) {
        return Err(Skip::NoConsent);
    }
    Ok(())
}

/// The export and what was left out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoogleAdsExport {
    pub csv: String,
    pub included: usize,
    pub skipped_no_consent: usize,
    pub skipped_no_click_id: usize,
    pub skipped_other: usize,
}

/// The header rows of the import file.
pub const GOOGLE_ADS_HEADER: &str = "Parameters:TimeZone=+0000\r\nGoogle Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Ad User Data,Ad Personalization\r\n";

fn safe_click_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 512
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !id.starts_with('-')
}

/// The Google Ads import file for `records` (only eligible calls with a `gclid`).
pub fn google_ads_csv(
    records: &[&CallRecord],
    cfg: &GoogleAdsConfig,
    category: Category,
) -> GoogleAdsExport {
    let mut out = GoogleAdsExport {
        csv: GOOGLE_ADS_HEADER.to_string(),
        ..GoogleAdsExport::default()
    };
    for r in records {
        match eligible(r, cfg.min_duration_seconds, category) {
            Ok(()) => {}
            Err(Skip::NoConsent) => {
                out.skipped_no_consent += 1;
                continue;
            }
            Err(_) => {
                out.skipped_other += 1;
                continue;
            }
        }
        let Some(gclid) = r.click_id("gclid") else {
            out.skipped_no_click_id += 1;
            continue;
        };
        if !safe_click_id(gclid) {
            out.skipped_other += 1;
            continue;
        }
        // 2026-11-22T10:00:00.000Z -> 2026-11-22 10:00:00
        let t = crate::time::format_rfc3339_ms(r.started_at_ms);
        let time = format!(
            "{} {}",
            t.get(..10).unwrap_or(""),
            t.get(11..19).unwrap_or("")
        );
        let row = [
            gclid.to_string(),
            cfg.conversion_name.trim().to_string(),
            time,
            cfg.value.map(|v| format!("{v:.2}")).unwrap_or_default(),
            cfg.currency.clone().unwrap_or_default(),
            "Granted".to_string(),
            "Granted".to_string(),
        ];
        out.csv
            .push_str(&row.iter().map(|v| cell(v)).collect::<Vec<_>>().join(","));
        out.csv.push_str("\r\n");
        out.included += 1;
    }
    out
}
