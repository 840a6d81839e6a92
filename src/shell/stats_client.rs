//! Daily counters: page views add to an in-isolate batch (`observe::CounterBatch`, which
//! decides when to flush) sent to each site's stats object in the background, so every
//! counter arrives within `DNI_STATS_FLUSH_SECONDS` (default 10, at most 25; 0 = every
//! request, used by tests) without a stats-object call per view.

use std::cell::RefCell;
use std::time::Duration;

use worker::{console_error, Context, Delay, Env};

use super::now_ms;
use super::pool_client::DoPools;
use crate::observe::{CounterBatch, Flush};
use crate::pool::{PoolOp, PoolPort, PoolRef};
use crate::runtime::Site;

thread_local! {
    static BATCH: RefCell<CounterBatch<PoolRef>> = const { RefCell::new(CounterBatch::new()) };
}

/// The flush interval: within the 30 s the runtime grants background work after a response.
fn flush_interval_ms(env: &Env) -> i64 {
    let seconds = env
        .var("DNI_STATS_FLUSH_SECONDS")
        .ok()
        .and_then(|v| v.to_string().parse::<f64>().ok())
        .filter(|s| s.is_finite())
        .unwrap_or(10.0)
        .clamp(0.0, 25.0);
    (seconds * 1000.0) as i64
}

/// Adds `counters` to the batch of the site named `site` (flushed with the batch).
pub fn add(site: &str, stats_pool: &PoolRef, counters: Vec<(String, u64)>) {
    BATCH.with(|b| b.borrow_mut().add(site, || stats_pool.clone(), counters));
}

/// Adds `counters` for `site`, and flushes the batch now or schedules its flush.
pub fn record(env: &Env, ctx: &Context, site: &Site, counters: Vec<(String, u64)>) {
    add(&site.name, &site.stats_pool, counters);
    let plan = BATCH.with(|b| b.borrow_mut().plan(now_ms(), flush_interval_ms(env)));
    let delay_ms = match plan {
        Flush::Now => 0,
        Flush::After(ms) => ms,
        Flush::Scheduled => return,
    };
    let pools = DoPools { env: env.clone() };
    ctx.wait_until(async move {
        if delay_ms > 0 {
            Delay::from(Duration::from_millis(delay_ms.unsigned_abs())).await;
        }
        let batch = BATCH.with(|b| b.borrow_mut().take(now_ms()));
        for (site, stats, counters) in batch {
            let op = PoolOp::Count {
                counters: counters.clone(),
            };
            if let Err(e) = pools.send(&stats, stats.request(op, now_ms())).await {
                console_error!("consent-dni: stats flush failed: {e}");
                // Kept for the next flush rather than lost.
                add(&site, &stats, counters);
            }
        }
    });
}
