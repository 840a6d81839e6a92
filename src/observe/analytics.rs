//! Workers Analytics Engine, for sites whose traffic outgrows the per-site stats Durable
//! Object: one data point per page view ([`data_point`]), and the dashboard's daily
//! counters read back through the Analytics Engine SQL API ([`sql_query`],
//! [`parse_sql_result`]). Configured by an `analytics_engine_datasets` binding named
//! `DNI_ANALYTICS` (writes) and, for reading, the vars `DNI_ANALYTICS_ACCOUNT_ID`,
//! `DNI_ANALYTICS_DATASET` and the secret `DNI_ANALYTICS_API_TOKEN` (an account API token
//! with "Account Analytics: Read"). Limits (Cloudflare, "Workers Analytics Engine: Limits"):
//! 20 blobs, 20 doubles and one index of at most 96 bytes per data point, 250 data points
//! per invocation, data kept three months.

use std::collections::BTreeMap;

use super::stats::DayCounters;
use super::{LogLine, SwapOutcome};

/// Longest index Analytics Engine accepts, in bytes.
pub const MAX_INDEX_BYTES: usize = 96;

/// One Analytics Engine data point (`writeDataPoint({indexes, blobs, doubles})`).
#[derive(Debug, Clone, PartialEq)]
pub struct DataPoint {
    /// `index1`: the site's name (the sampling key), at most 96 bytes.
    pub index: String,
    /// `blob1` consent signal, `blob2` `granted`/`denied`, `blob3` swap outcome,
    /// `blob4` regime.
    pub blobs: Vec<String>,
    /// `double1` = 1 (the view), `double2` = milliseconds to headers.
    pub doubles: Vec<f64>,
}

fn swap_name(swap: SwapOutcome) -> &'static str {
    match swap {
        SwapOutcome::Tracking => "tracking",
        SwapOutcome::Fallback => "fallback",
        SwapOutcome::Overflow => "overflow",
        SwapOutcome::Fault => "fault",
        SwapOutcome::Untouched => "untouched",
    }
}

/// The data point of one page view (the same facts as its daily counters: never a cookie,
/// a session id, a URL or an address).
pub fn data_point(line: &LogLine, swap_allowed: bool) -> DataPoint {
    let mut index = line.site.clone();
    while index.len() > MAX_INDEX_BYTES {
        index.pop();
    }
    DataPoint {
        index,
        blobs: vec![
            line.consent_signal.to_string(),
            if swap_allowed { "granted" } else { "denied" }.to_string(),
            swap_name(line.swap).to_string(),
            line.regime.to_string(),
        ],
        doubles: vec![1.0, f64::from(line.ms_to_headers)],
    }
}

/// The SQL API query for the daily counters of `site` over the last `days` days. `None`
/// when the dataset name is not a plain identifier (it is written into the query).
pub fn sql_query(dataset: &str, site: &str, days: u32) -> Option<String> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.len() <= 128
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    if !plain(dataset) || dataset.contains(['-', '.']) || !plain(site) {
        return None;
    }
    Some(format!(
        "SELECT toStartOfInterval(timestamp, INTERVAL '1' DAY) AS day, blob1 AS signal, \
         blob2 AS consent, blob3 AS swap, SUM(_sample_interval) AS views FROM {dataset} \
         WHERE index1 = '{site}' AND timestamp > NOW() - INTERVAL '{days}' DAY \
         GROUP BY day, signal, consent, swap ORDER BY day FORMAT JSON"
    ))
}

/// The SQL API request for `site`'s last `days` days: (URL, `Authorization` value, body).
pub fn sql_request(
    account_id: &str,
    dataset: &str,
    api_token: &str,
    site: &str,
    days: u32,
) -> Option<(String, String, String)> {
    if account_id.is_empty() || !account_id.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let url =
        format!("https://api.cloudflare.com/client/v4/accounts/{account_id}/analytics_engine/sql");
    Some((
        url,
        format!("Bearer {api_token}"),
        sql_query(dataset, site, days)?,
    ))
}

/// The SQL API's answer (ClickHouse `FORMAT JSON`: `{"meta": […], "data": [rows], "rows": n}`;
/// 64-bit counts may come as strings) as daily counters named as the stats object names
/// them (`views`, `signal.*`, `consent.*`, `swap.*`), oldest day first.
pub fn parse_sql_result(json: &str) -> Result<Vec<DayCounters>, String> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    let rows = v
        .get("data")
        .and_then(|d| d.as_array())
        .ok_or("no `data` array")?;
    let mut days: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for row in rows {
        let text = |k: &str| row.get(k).and_then(|x| x.as_str());
        let day = text("day")
            .and_then(|d| d.get(..10))
            .ok_or("a row without `day`")?;
        let views = match row.get("views") {
            Some(serde_json::Value::String(s)) => s.parse::<f64>().ok(),
            Some(n) => n.as_f64(),
            None => None,
        }
        .filter(|n| n.is_finite() && *n >= 0.0)
        .ok_or("a row without a count")?
        .round() as u64;
        let counters = days.entry(day.to_string()).or_default();
        let mut add = |name: String| {
            let c = counters.entry(name).or_default();
            *c = c.saturating_add(views);
        };
        add("views".to_string());
        if let Some(s) = text("signal") {
            add(format!("signal.{s}"));
        }
        if let Some(c) = text("consent") {
            add(format!("consent.{c}"));
        }
        if let Some(s) = text("swap") {
            add(format!("swap.{s}"));
        }
    }
    Ok(days
        .into_iter()
        .map(|(day, counters)| DayCounters { day, counters })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> LogLine {
        let decision = dni_consent::decide(
            &dni_consent::ConsentConfig::default(),
            &dni_consent::ConsentRequest {
                cookie_header: Some("OptanonConsent=groups=C0004%3A1"),
                country: Some("DE"),
                now_ms: 1_795_341_600_000,
                ..Default::default()
            },
        );
        let mut l = LogLine::new(
            "www.example.com",
            "https://www.example.com/a?gclid=x",
            &decision,
        );
        l.swap = SwapOutcome::Tracking;
        l.ms_to_headers = 7;
        l
    }

    #[test]
    fn a_view_is_one_data_point_within_the_limits() {
        let p = data_point(&line(), true);
        assert_eq!(p.index, "www.example.com");
        assert_eq!(p.blobs, ["onetrust", "granted", "tracking", "opt_in"]);
        assert_eq!(p.doubles, [1.0, 7.0]);
        assert!(p.blobs.len() <= 20 && p.doubles.len() <= 20);
        assert!(p.blobs.iter().map(String::len).sum::<usize>() <= 16 * 1024);
        let mut long = line();
        long.site = "s".repeat(200);
        assert_eq!(data_point(&long, false).index.len(), MAX_INDEX_BYTES);
        assert_eq!(data_point(&long, false).blobs[1], "denied");
    }

    #[test]
    fn the_query_names_the_dataset_and_site_and_refuses_anything_else() {
        let q = sql_query("dni_views", "www.example.com", 30).unwrap();
        assert!(
            q.contains("FROM dni_views WHERE index1 = 'www.example.com'"),
            "{q}"
        );
        assert!(q.contains("INTERVAL '30' DAY") && q.ends_with("FORMAT JSON"));
        assert_eq!(sql_query("x; DROP", "s", 1), None);
        assert_eq!(sql_query("dni", "a' OR '1'='1", 1), None);
        assert_eq!(sql_query("", "s", 1), None);
        let (url, auth, body) = sql_request("0123abcd", "dni_views", "tok", "s", 7).unwrap();
        assert_eq!(
            url,
            "https://api.cloudflare.com/client/v4/accounts/0123abcd/analytics_engine/sql"
        );
        assert_eq!(
            (auth.as_str(), body.contains("INTERVAL '7' DAY")),
            ("Bearer tok", true)
        );
        assert_eq!(sql_request("../x", "dni_views", "tok", "s", 7), None);
    }

    #[test]
    fn the_sql_answer_becomes_daily_counters() {
        // The shape of the SQL API's JSON format (Cloudflare, "Analytics Engine SQL API":
        // meta, data, rows, rows_before_limit_at_least), counts as strings and numbers.
        let json = r#"{"meta":[{"name":"day","type":"DateTime"},{"name":"signal","type":"String"},{"name":"consent","type":"String"},{"name":"swap","type":"String"},{"name":"views","type":"UInt64"}],
          "data":[
            {"day":"2026-11-21 00:00:00","signal":"onetrust","consent":"granted","swap":"tracking","views":"12"},
            {"day":"2026-11-21 00:00:00","signal":"none","consent":"denied","swap":"fallback","views":3},
            {"day":"2026-11-22 00:00:00","signal":"onetrust","consent":"granted","swap":"overflow","views":"1"}],
          "rows":3,"rows_before_limit_at_least":3}"#;
        let days = parse_sql_result(json).unwrap();
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].day, "2026-11-21");
        assert_eq!(days[0].counters["views"], 15);
        assert_eq!(days[0].counters["consent.granted"], 12);
        assert_eq!(days[0].counters["swap.fallback"], 3);
        assert_eq!(days[1].counters["swap.overflow"], 1);
        for bad in [
            "",
            "{}",
            r#"{"data":[{"views":1}]}"#,
            r#"{"data":[{"day":"2026-11-21","views":"x"}]}"#,
        ] {
            assert!(parse_sql_result(bad).is_err(), "{bad}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_answer_is_counters_or_an_error(s in ".{0,200}") {
                let _ = parse_sql_result(&s);
            }
        }
    }
}
