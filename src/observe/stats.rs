//! Daily counters: which UTC day a timestamp falls on, what a page view adds, and the
//! `/__dni/stats` report.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{LogLine, SwapOutcome};

/// `YYYY-MM-DD` (UTC) of a Unix time in milliseconds.
pub fn day_of(epoch_ms: i64) -> String {
    // The date part of the RFC 3339 form (the calls API's formatter).
    let mut day = dni_calls::format_rfc3339_ms(epoch_ms);
    day.truncate(10);
    day
}

/// The daily counters one page view adds: one view, its consent signal, whether marketing
/// (or the required category) was granted, and the swap outcome.
pub fn counters_for(line: &LogLine, swap_allowed: bool) -> Vec<(String, u64)> {
    let swap = match line.swap {
        SwapOutcome::Tracking => "tracking",
        SwapOutcome::Fallback => "fallback",
        SwapOutcome::Overflow => "overflow",
        SwapOutcome::Fault => "fault",
        SwapOutcome::Untouched => "untouched",
    };
    vec![
        ("views".to_string(), 1),
        (format!("signal.{}", line.consent_signal), 1),
        (
            if swap_allowed {
                "consent.granted"
            } else {
                "consent.denied"
            }
            .to_string(),
            1,
        ),
        (format!("swap.{swap}"), 1),
    ]
}

/// `(day, name, value)` rows ordered by day (as a counters table returns them) as days of
/// counters, oldest first; a negative value counts as 0.
pub fn group_days(rows: impl IntoIterator<Item = (String, String, i64)>) -> Vec<DayCounters> {
    let mut days: Vec<DayCounters> = Vec::new();
    for (day, name, value) in rows {
        if days.last().is_none_or(|d| d.day != day) {
            days.push(DayCounters {
                day,
                ..DayCounters::default()
            });
        }
        if let Some(d) = days.last_mut() {
            d.counters.insert(name, u64::try_from(value).unwrap_or(0));
        }
    }
    days
}

/// One day's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCounters {
    pub day: String,
    pub counters: BTreeMap<String, u64>,
}

impl DayCounters {
    /// `(day, name, value)` rows, ordered by day, grouped into one entry per day.
    pub fn group(rows: impl IntoIterator<Item = (String, String, u64)>) -> Vec<DayCounters> {
        let mut days: Vec<DayCounters> = Vec::new();
        for (day, name, value) in rows {
            match days.last_mut() {
                Some(d) if d.day == day => {
                    d.counters.insert(name, value);
                }
                _ => days.push(DayCounters {
                    day,
                    counters: BTreeMap::from([(name, value)]),
                }),
            }
        }
        days
    }
}

/// A pool's use right now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolUse {
    pub numbers: u32,
    pub leased: u32,
    pub provisional: u32,
}

/// One pool in a stats report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PoolReport {
    pub target: dni_numbers::E164,
    pub source: String,
    #[serde(flatten)]
    pub usage: PoolUse,
    /// Overflows (no free number) per day.
    pub days: Vec<DayCounters>,
    /// Set when the pool could not be reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What `GET /__dni/stats` returns.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StatsReport {
    pub site: String,
    /// Page-view counters per day (UTC), oldest first.
    pub days: Vec<DayCounters>,
    pub pools: Vec<PoolReport>,
    /// Calls per source per day and per campaign.
    #[serde(default)]
    pub calls: super::CallsReport,
}

impl StatsReport {
    /// Sum of counter `name` over all days.
    pub fn total(&self, name: &str) -> u64 {
        self.days.iter().filter_map(|d| d.counters.get(name)).sum()
    }
}

#[cfg(test)]
mod report_tests {
    use super::*;

    fn line(swap: SwapOutcome, cookie: Option<&str>) -> LogLine {
        let decision = dni_consent::decide(
            &dni_consent::ConsentConfig::default(),
            &dni_consent::ConsentRequest {
                cookie_header: cookie,
                country: Some("DE"),
                now_ms: 1_795_341_600_000,
                ..Default::default()
            },
        );
        let mut line = LogLine::new("s", "https://x.test/", &decision);
        line.swap = swap;
        line
    }

    #[test]
    fn counters_name_signal_consent_and_outcome() {
        let c = counters_for(
            &line(
                SwapOutcome::Tracking,
                Some("OptanonConsent=groups=C0004%3A1"),
            ),
            true,
        );
        let names: Vec<&str> = c.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "views",
                "signal.onetrust",
                "consent.granted",
                "swap.tracking"
            ]
        );
        let c = counters_for(&line(SwapOutcome::Overflow, None), false);
        assert!(c.contains(&("swap.overflow".to_string(), 1)));
        assert!(c.contains(&("consent.denied".to_string(), 1)));
    }

    #[test]
    fn rows_group_into_days() {
        let rows = [
            ("2026-11-21", "views", 3),
            ("2026-11-21", "swap.tracking", 2),
            ("2026-11-22", "views", -1),
        ]
        .map(|(d, n, v)| (d.to_string(), n.to_string(), v));
        let days = group_days(rows);
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].counters["views"], 3);
        assert_eq!(days[0].counters["swap.tracking"], 2);
        assert_eq!(days[1].counters["views"], 0);
    }

    #[test]
    fn totals_sum_over_days() {
        let mut d1 = DayCounters {
            day: "2026-11-21".into(),
            ..Default::default()
        };
        d1.counters.insert("views".into(), 3);
        let mut d2 = DayCounters {
            day: "2026-11-22".into(),
            ..Default::default()
        };
        d2.counters.insert("views".into(), 4);
        let r = StatsReport {
            site: "s".into(),
            days: vec![d1, d2],
            pools: vec![],
            calls: Default::default(),
        };
        assert_eq!(r.total("views"), 7);
        assert_eq!(r.total("missing"), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        assert_eq!(day_of(0), "1970-01-01");
        assert_eq!(day_of(1_592_900_933_049), "2020-06-23");
        assert_eq!(day_of(951_782_400_000), "2000-02-29");
        // Clock times are never before the epoch; the formatter clamps them to its first day.
        assert_eq!(day_of(-1), "1970-01-01");
    }
}
