//! Page-view counters batched in an isolate and flushed to each site's stats object at most
//! every `DNI_STATS_FLUSH_SECONDS` (default 10; 0 = with every view). The shell keeps one
//! [`CounterBatch`] per isolate and sends what [`CounterBatch::due`] returns.

use std::collections::BTreeMap;

use super::port::PoolRef;
use super::protocol::PoolOp;

/// Counters not yet flushed, per site (by name) with its stats object.
#[derive(Debug, Default)]
pub struct CounterBatch {
    counters: BTreeMap<String, (PoolRef, BTreeMap<String, u64>)>,
    last_flush_ms: i64,
}

impl CounterBatch {
    /// Adds `counters` to the batch of the site named `site`.
    pub fn add(&mut self, site: &str, stats: &PoolRef, counters: Vec<(String, u64)>) {
        let (_, site_counters) = self
            .counters
            .entry(site.to_string())
            .or_insert_with(|| (stats.clone(), BTreeMap::new()));
        for (k, v) in counters {
            let c = site_counters.entry(k).or_default();
            *c = c.saturating_add(v);
        }
    }

    /// When `interval_ms` has passed since the last flush: the batch, as one `Count` per
    /// stats object, emptied; else nothing.
    pub fn due(&mut self, now_ms: i64, interval_ms: i64) -> Vec<(PoolRef, PoolOp)> {
        if now_ms.saturating_sub(self.last_flush_ms) < interval_ms {
            return Vec::new();
        }
        self.last_flush_ms = now_ms;
        std::mem::take(&mut self.counters)
            .into_values()
            .map(|(stats, counters)| {
                let counters = counters.into_iter().collect();
                (stats, PoolOp::Count { counters })
            })
            .collect()
    }
}

/// The flush interval of `DNI_STATS_FLUSH_SECONDS` (seconds, fractions allowed; default 10).
pub fn flush_interval_ms(var: Option<&str>) -> i64 {
    let seconds = var
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .unwrap_or(10.0);
    (seconds * 1000.0) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use dni_sessions::{LeasePolicy, PoolName};

    fn stats(site: &str) -> PoolRef {
        PoolRef {
            name: PoolName::stats(site),
            numbers: Vec::new(),
            policy: LeasePolicy::default(),
        }
    }

    #[test]
    fn counters_add_up_and_flush_once_per_interval() {
        let mut b = CounterBatch::default();
        b.add("a", &stats("a"), vec![("views".into(), 1)]);
        b.add(
            "a",
            &stats("a"),
            vec![("views".into(), 2), ("swap.tracking".into(), 1)],
        );
        b.add("b", &stats("b"), vec![("views".into(), 1)]);
        let due = b.due(20_000, 10_000);
        assert_eq!(due.len(), 2);
        assert_eq!(
            due[0].1,
            PoolOp::Count {
                counters: vec![("swap.tracking".into(), 1), ("views".into(), 3)]
            }
        );
        b.add("a", &stats("a"), vec![("views".into(), 1)]);
        assert!(b.due(25_000, 10_000).is_empty(), "within the interval");
        assert_eq!(b.due(30_000, 10_000).len(), 1);
    }

    #[test]
    fn the_interval_is_read_leniently() {
        assert_eq!(flush_interval_ms(None), 10_000);
        assert_eq!(flush_interval_ms(Some("0")), 0);
        assert_eq!(flush_interval_ms(Some(" 2.5 ")), 2_500);
        assert_eq!(flush_interval_ms(Some("-1")), 10_000);
        assert_eq!(flush_interval_ms(Some("NaN")), 10_000);
    }
}
