//! Daily counters: page views add to an in-isolate batch that is flushed to the site's
//! stats object (a `NumberPool` instance named `{site}/__stats`) in the background, at most
//! every `DNI_STATS_FLUSH_SECONDS` (default 10; 0 = every request, used by tests).

use std::cell::RefCell;
use std::collections::BTreeMap;

use worker::{console_error, Context, Date, Env};

use super::pool_client::PoolRef;
use crate::pool_protocol::{PoolOp, PoolReply};
use crate::runtime::Site;
use crate::stats::{PoolReport, StatsReport};

struct Batch {
    /// Per site (by name): its stats object and the counters not yet flushed.
    counters: BTreeMap<String, (PoolRef, BTreeMap<String, u64>)>,
    last_flush_ms: f64,
}

thread_local! {
    static BATCH: RefCell<Batch> = const { RefCell::new(Batch { counters: BTreeMap::new(), last_flush_ms: 0.0 }) };
}

fn flush_interval_ms(env: &Env) -> f64 {
    env.var("DNI_STATS_FLUSH_SECONDS")
        .ok()
        .and_then(|v| v.to_string().parse::<f64>().ok())
        .unwrap_or(10.0)
        * 1000.0
}

/// Adds `counters` for `site`; flushes the batch in the background when it is due.
pub fn record(env: &Env, ctx: &Context, site: &Site, counters: Vec<(String, u64)>) {
    let now = Date::now().as_millis() as f64;
    let due = BATCH.with(|b| {
        let mut b = b.borrow_mut();
        let (_, site_counters) = b
            .counters
            .entry(site.name.clone())
            .or_insert_with(|| (PoolRef::stats(site), BTreeMap::new()));
        for (k, v) in counters {
            *site_counters.entry(k).or_default() += v;
        }
        if now - b.last_flush_ms >= flush_interval_ms(env) {
            b.last_flush_ms = now;
            Some(std::mem::take(&mut b.counters))
        } else {
            None
        }
    });
    let Some(batch) = due else { return };
    let env = env.clone();
    ctx.wait_until(async move {
        for (stats, counters) in batch.into_values() {
            let op = PoolOp::Count {
                counters: counters.into_iter().collect(),
            };
            if let Err(e) = stats.call(&env, op, Date::now().as_millis() as i64).await {
                console_error!("consent-dni: stats flush to {} failed: {e}", stats.name);
            }
        }
    });
}

/// Counters of the last `days` days and every pool's use, for `/__dni/stats`.
pub async fn report(env: &Env, site: &Site, days: u32) -> StatsReport {
    let now = Date::now().as_millis() as i64;
    let mut report = StatsReport {
        site: site.name.clone(),
        days: Vec::new(),
        pools: Vec::new(),
    };
    if let Ok(PoolReply::Stats { days: d, .. }) = PoolRef::stats(site)
        .call(env, PoolOp::Stats { days }, now)
        .await
    {
        report.days = d;
    }
    for (ti, target) in site.config.targets.iter().enumerate() {
        for (si, source) in target.sources.iter().enumerate() {
            let Some(pool_ref) = PoolRef::for_source(site, ti, si) else {
                continue;
            };
            let mut pool = PoolReport {
                target: target.number.clone(),
                source: source.name.clone(),
                usage: Default::default(),
                days: Vec::new(),
                error: None,
            };
            match pool_ref.call(env, PoolOp::Stats { days }, now).await {
                Ok(PoolReply::Stats { days, pool: usage }) => {
                    pool.usage = usage;
                    pool.days = days;
                }
                Ok(_) => pool.error = Some("unexpected reply".into()),
                Err(e) => pool.error = Some(e.to_string()),
            }
            report.pools.push(pool);
        }
    }
    report
}
