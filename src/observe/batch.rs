//! The per-isolate batch of daily counters, and when it goes to the site's stats object.
//!
//! A page view neither waits for nor makes a stats-object call of its own, yet every counter
//! arrives within the flush interval:
//!
//! * the first view after a quiet period (the last flush is at least an interval ago):
//!   flush now (in the background);
//! * a later view, with no flush scheduled: schedule one at `last flush + interval` (the
//!   shell sleeps until then in `ctx.wait_until`, well inside the 30 s the runtime grants
//!   background work after a response);
//! * a flush is already scheduled: nothing (it takes this view's counters too).
//!
//! So each isolate calls the stats object at most once per interval, and a counter waits at
//! most one interval, however quiet the site. A scheduled flush that never ran (its
//! background task was cancelled) is forgotten after one more interval.

use std::collections::BTreeMap;

/// What the shell does after adding a view's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    /// Flush now.
    Now,
    /// Flush after this many milliseconds.
    After(i64),
    /// A flush is already scheduled.
    Scheduled,
}

/// Counters not yet flushed, per site (by name) with their destination `D` (the site's
/// stats object).
#[derive(Debug)]
pub struct CounterBatch<D> {
    sites: BTreeMap<String, (D, BTreeMap<String, u64>)>,
    last_flush_ms: Option<i64>,
    scheduled_at_ms: Option<i64>,
}

impl<D> Default for CounterBatch<D> {
    fn default() -> Self {
        CounterBatch::new()
    }
}

/// One site's counters on their way out.
pub type Outgoing<D> = (String, D, Vec<(String, u64)>);

impl<D> CounterBatch<D> {
    pub const fn new() -> Self {
        CounterBatch {
            sites: BTreeMap::new(),
            last_flush_ms: None,
            scheduled_at_ms: None,
        }
    }

    /// Adds `counters` to `site`'s (whose stats object is `dest`).
    pub fn add(&mut self, site: &str, dest: impl FnOnce() -> D, counters: Vec<(String, u64)>) {
        let (_, batch) = self
            .sites
            .entry(site.to_string())
            .or_insert_with(|| (dest(), BTreeMap::new()));
        for (name, n) in counters {
            let c = batch.entry(name).or_default();
            *c = c.saturating_add(n);
        }
    }

    /// Nothing to flush.
    pub fn is_empty(&self) -> bool {
        self.sites.values().all(|(_, c)| c.is_empty())
    }

    /// After counters were added at `now_ms`: when to flush (see the module docs).
    /// `interval_ms` 0 flushes every time.
    pub fn plan(&mut self, now_ms: i64, interval_ms: i64) -> Flush {
        let interval = interval_ms.max(0);
        if let Some(at) = self.scheduled_at_ms {
            if now_ms < at.saturating_add(interval) {
                return Flush::Scheduled;
            }
        }
        match self.last_flush_ms {
            Some(last) if now_ms.saturating_sub(last) < interval => {
                let at = last.saturating_add(interval);
                self.scheduled_at_ms = Some(at);
                Flush::After(at.saturating_sub(now_ms))
            }
            _ => {
                self.last_flush_ms = Some(now_ms);
                Flush::Now
            }
        }
    }

    /// Everything to flush at `now_ms`, per site; the batch is empty afterwards.
    pub fn take(&mut self, now_ms: i64) -> Vec<Outgoing<D>> {
        self.scheduled_at_ms = None;
        self.last_flush_ms = Some(now_ms);
        std::mem::take(&mut self.sites)
            .into_iter()
            .filter(|(_, (_, c))| !c.is_empty())
            .map(|(site, (dest, c))| (site, dest, c.into_iter().collect()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn views(n: u64) -> Vec<(String, u64)> {
        vec![("views".to_string(), n)]
    }

    #[test]
    fn the_first_view_of_a_quiet_period_flushes_at_once() {
        let mut b: CounterBatch<&str> = CounterBatch::new();
        b.add("s", || "stats", views(1));
        assert_eq!(b.plan(1_000_000, 10_000), Flush::Now);
        assert_eq!(
            b.take(1_000_000),
            vec![("s".to_string(), "stats", views(1))]
        );
        assert!(b.is_empty());
        // An hour later: at once again.
        b.add("s", || "stats", views(1));
        assert_eq!(b.plan(4_600_000, 10_000), Flush::Now);
    }

    #[test]
    fn views_within_the_interval_wait_for_one_scheduled_flush() {
        let mut b: CounterBatch<&str> = CounterBatch::new();
        b.add("s", || "stats", views(1));
        assert_eq!(b.plan(0, 10_000), Flush::Now);
        let _ = b.take(0);
        b.add("s", || "stats", views(1));
        assert_eq!(b.plan(3_000, 10_000), Flush::After(7_000));
        b.add("s", || "stats", views(1));
        b.add("t", || "stats-t", views(1));
        assert_eq!(b.plan(9_000, 10_000), Flush::Scheduled);
        // The scheduled flush runs at 10 s and takes both views and the other site.
        let out = b.take(10_000);
        assert_eq!(
            out,
            vec![
                ("s".to_string(), "stats", views(2)),
                ("t".to_string(), "stats-t", views(1))
            ]
        );
        // The next view within the interval of that flush is scheduled again.
        b.add("s", || "stats", views(1));
        assert_eq!(b.plan(12_000, 10_000), Flush::After(8_000));
    }

    /// Replays views at `times` (sorted), running each scheduled flush when it is due;
    /// returns, per view, how long it waited, and how many flushes ran.
    fn replay(times: &[i64], interval: i64) -> (Vec<i64>, Vec<i64>) {
        let mut b: CounterBatch<()> = CounterBatch::new();
        let mut due: Option<i64> = None;
        let mut pending: Vec<i64> = Vec::new();
        let mut waits = Vec::new();
        let mut flushes = Vec::new();
        let mut flush = |b: &mut CounterBatch<()>, at: i64, pending: &mut Vec<i64>| {
            let out = b.take(at);
            let sent: u64 = out
                .iter()
                .flat_map(|(_, _, c)| c.iter().map(|(_, n)| n))
                .sum();
            assert_eq!(
                sent,
                pending.len() as u64,
                "every pending view is sent once"
            );
            waits.extend(pending.drain(..).map(|v| at - v));
            flushes.push(at);
        };
        for &t in times {
            if let Some(at) = due.filter(|&at| at <= t) {
                flush(&mut b, at, &mut pending);
                due = None;
            }
            b.add("s", || (), views(1));
            pending.push(t);
            match b.plan(t, interval) {
                Flush::Now => flush(&mut b, t, &mut pending),
                Flush::After(ms) => due = Some(t + ms),
                Flush::Scheduled => assert!(due.is_some()),
            }
        }
        if let Some(at) = due {
            flush(&mut b, at, &mut pending);
        }
        assert!(pending.is_empty());
        (waits, flushes)
    }

    #[test]
    fn a_counter_waits_at_most_one_interval() {
        let (waits, flushes) = replay(
            &[
                0, 1, 500, 9_999, 10_000, 10_001, 25_000, 25_100, 60_000, 61_000,
            ],
            10_000,
        );
        assert_eq!(flushes, [0, 10_000, 20_000, 30_000, 60_000, 70_000]);
        assert!(
            waits.iter().all(|&w| (0..=10_000).contains(&w)),
            "{waits:?}"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_views_wait_at_most_one_interval_with_at_most_one_flush_per_interval(
            mut times in proptest::collection::vec(0i64..200_000, 1..60),
            interval in 0i64..30_000,
        ) {
            times.sort_unstable();
            let (waits, flushes) = replay(&times, interval);
            proptest::prop_assert_eq!(waits.len(), times.len());
            proptest::prop_assert!(waits.iter().all(|&w| (0..=interval).contains(&w)), "{:?}", waits);
            for pair in flushes.windows(2) {
                proptest::prop_assert!(pair[1] - pair[0] >= interval, "{:?}", flushes);
            }
        }
    }

    #[test]
    fn a_lost_scheduled_flush_is_forgotten() {
        let mut b: CounterBatch<()> = CounterBatch::new();
        b.add("s", || (), views(1));
        assert_eq!(b.plan(0, 10_000), Flush::Now);
        let _ = b.take(0);
        assert_eq!(b.plan(1_000, 10_000), Flush::After(9_000));
        // The task never ran; at 20 s the batch flushes again.
        assert_eq!(b.plan(15_000, 10_000), Flush::Scheduled);
        assert_eq!(b.plan(20_000, 10_000), Flush::Now);
    }

    #[test]
    fn interval_zero_flushes_every_view() {
        let mut b: CounterBatch<()> = CounterBatch::new();
        for t in [0, 0, 1] {
            b.add("s", || (), views(1));
            assert_eq!(b.plan(t, 0), Flush::Now);
            let _ = b.take(t);
        }
    }
}
