//! `GET /__dni/stats` and the dashboard's data: the site's daily counters and each pool's
//! use, read from the pool objects.

use crate::observe::{PoolReport, StatsReport};
use crate::pool::{PoolOp, PoolPort, PoolReply};
use crate::runtime::Site;

/// Counters of the last `days` days and every pool's use. A pool that cannot be read is
/// listed with its error; the report is never refused for it.
pub async fn report<P: PoolPort>(site: &Site, days: u32, now_ms: i64, port: &P) -> StatsReport {
    let mut report = StatsReport {
        site: site.name.clone(),
        days: Vec::new(),
        pools: Vec::new(),
    };
    let stats = &site.stats_pool;
    if let Ok(PoolReply::Stats { days: d, .. }) = port
        .send(stats, stats.request(PoolOp::Stats { days }, now_ms))
        .await
    {
        report.days = d;
    }
    for (ti, si, pool) in site.pools() {
        let (Some(target), Some(source)) = (
            site.config.targets.get(ti),
            site.config.targets.get(ti).and_then(|t| t.sources.get(si)),
        ) else {
            continue;
        };
        let mut entry = PoolReport {
            target: target.number,
            source: source.name.clone(),
            usage: Default::default(),
            days: Vec::new(),
            error: None,
        };
        match port
            .send(pool, pool.request(PoolOp::Stats { days }, now_ms))
            .await
        {
            Ok(PoolReply::Stats { days, pool: usage }) => {
                entry.usage = usage;
                entry.days = days;
            }
            Ok(_) => entry.error = Some("unexpected reply".into()),
            Err(e) => entry.error = Some(e.to_string()),
        }
        report.pools.push(entry);
    }
    report
}
