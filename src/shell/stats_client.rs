//! Daily counters: page views add to an in-isolate batch that is flushed to the site's
//! stats object (a `NumberPool` instance named `{site}/__stats`) in the background, at most
//! every `DNI_STATS_FLUSH_SECONDS` (default 10; 0 = every request, used by tests).

use std::cell::RefCell;
use std::collections::BTreeMap;

use worker::{console_error, Context, Date, Env};

use super::pool_client;
use crate::pool_protocol::{PoolOp, PoolReply};
use crate::runtime::Site;
use crate::stats::{PoolReport, StatsReport};

struct Batch {
    counters: BTreeMap<String, BTreeMap<String, u64>>,
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

pub fn stats_object(site: &Site) -> String {
    format!("{}/__stats", site.name)
}

/// Adds `counters` for `site`; flushes the batch in the background when it is due.
pub fn record(env: &Env, ctx: &Context, site: &Site, counters: Vec<(String, u64)>) {
    let now = Date::now().as_millis() as f64;
    let due = BATCH.with(|b| {
        let mut b = b.borrow_mut();
        let site_counters = b.counters.entry(site.name.clone()).or_default();
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
    let session = site.config.session.clone();
    ctx.wait_until(async move {
        for (site_name, counters) in batch {
            let op = PoolOp::Count {
                counters: counters.into_iter().collect(),
            };
            let name = format!("{site_name}/__stats");
            if let Err(e) = pool_client::call(
                &env,
                &name,
                Vec::new(),
                &session,
                op,
                Date::now().as_millis() as i64,
            )
            .await
            {
                console_error!("consent-dni: stats flush to {name} failed: {e}");
            }
        }
    });
}

/// Counters of the last `days` days and every pool's use, for `/__dni/stats`.
pub async fn report(env: &Env, site: &Site, days: u32) -> StatsReport {
    let now = Date::now().as_millis() as i64;
    let session = &site.config.session;
    let mut report = StatsReport {
        site: site.name.clone(),
        days: Vec::new(),
        pools: Vec::new(),
    };
    if let Ok(PoolReply::Stats { days: d, .. }) = pool_client::call(
        env,
        &stats_object(site),
        Vec::new(),
        session,
        PoolOp::Stats { days },
        now,
    )
    .await
    {
        report.days = d;
    }
    for target in &site.config.targets {
        for (si, source) in target.sources.iter().enumerate() {
            let name = site.pool_name(&target.number, &source.name);
            let numbers = pool_client::pool_numbers(target, si);
            let mut pool = PoolReport {
                target: target.number.clone(),
                source: source.name.clone(),
                usage: Default::default(),
                days: Vec::new(),
                error: None,
            };
            match pool_client::call(env, &name, numbers, session, PoolOp::Stats { days }, now).await
            {
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
