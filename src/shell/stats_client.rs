//! Daily counters: page views add to an in-isolate batch that is flushed to the site's
//! stats object in the background, at most every `DNI_STATS_FLUSH_SECONDS` (default 10;
//! 0 = every request, used by tests).

use std::cell::RefCell;
use std::collections::BTreeMap;

use worker::{console_error, Context, Env};

use super::now_ms;
use super::pool_client::DoPools;
use crate::pool::{PoolOp, PoolPort, PoolRef};
use crate::runtime::Site;

struct Batch {
    /// Per site (by name): its stats object and the counters not yet flushed.
    counters: BTreeMap<String, (PoolRef, BTreeMap<String, u64>)>,
    last_flush_ms: i64,
}

thread_local! {
    static BATCH: RefCell<Batch> = const { RefCell::new(Batch { counters: BTreeMap::new(), last_flush_ms: 0 }) };
}

fn flush_interval_ms(env: &Env) -> i64 {
    let seconds = env
        .var("DNI_STATS_FLUSH_SECONDS")
        .ok()
        .and_then(|v| v.to_string().parse::<f64>().ok())
        .unwrap_or(10.0);
    (seconds * 1000.0) as i64
}

/// Adds `counters` to the batch of the site named `site` (flushed with a later view).
pub fn add(site: &str, stats_pool: &PoolRef, counters: Vec<(String, u64)>) {
    BATCH.with(|b| {
        let mut b = b.borrow_mut();
        let (_, site_counters) = b
            .counters
            .entry(site.to_string())
            .or_insert_with(|| (stats_pool.clone(), BTreeMap::new()));
        for (k, v) in counters {
            let c = site_counters.entry(k).or_default();
            *c = c.saturating_add(v);
        }
    });
}

/// Adds `counters` for `site`; flushes the batch in the background when it is due.
pub fn record(env: &Env, ctx: &Context, site: &Site, counters: Vec<(String, u64)>) {
    let now = now_ms();
    add(&site.name, &site.stats_pool, counters);
    let due = BATCH.with(|b| {
        let mut b = b.borrow_mut();
        if now - b.last_flush_ms >= flush_interval_ms(env) {
            b.last_flush_ms = now;
            Some(std::mem::take(&mut b.counters))
        } else {
            None
        }
    });
    let Some(batch) = due else { return };
    let pools = DoPools { env: env.clone() };
    ctx.wait_until(async move {
        for (stats, counters) in batch.into_values() {
            let op = PoolOp::Count {
                counters: counters.into_iter().collect(),
            };
            if let Err(e) = pools.send(&stats, stats.request(op, now_ms())).await {
                console_error!("consent-dni: stats flush failed: {e}");
            }
        }
    });
}
