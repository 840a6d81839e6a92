//! `GET /__dni/stats` and the dashboard's data: the site's daily counters and each pool's
//! use, read from the pool objects.

use crate::observe::{CallsReport, PoolReport, StatsReport};
use crate::pool::{PoolOp, PoolPort, PoolReply};
use crate::runtime::Site;

const DAY_MS: i64 = 86_400_000;

/// Counters of the last `days` days, every pool's use, and the calls of those days. A pool
/// (or the calls) that cannot be read is listed with its error; the report is never refused
/// for it.
pub async fn report<P: PoolPort>(site: &Site, days: u32, now_ms: i64, port: &P) -> StatsReport {
    let mut report = StatsReport {
        site: site.name.clone(),
        days: Vec::new(),
        pools: Vec::new(),
        calls: CallsReport::default(),
    };
    let stats = &site.stats_pool;
    if let Ok(PoolReply::Stats { days: d, .. }) = port
        .send(stats, stats.request(PoolOp::Stats { days }, now_ms))
        .await
    {
        report.days = d;
    }
    let from = now_ms.saturating_sub(i64::from(days).saturating_mul(DAY_MS));
    let limit = u32::try_from(dni_calls::MAX_ROWS).unwrap_or(u32::MAX);
    report.calls = match port
        .call_history(stats, from, now_ms.saturating_add(1), limit, now_ms)
        .await
    {
        Ok(records) => CallsReport {
            truncated: records.len() >= dni_calls::MAX_ROWS,
            ..CallsReport::of(&records, site.config.calls.consent_category)
        },
        Err(e) => CallsReport {
            error: Some(e.to_string()),
            ..CallsReport::default()
        },
    };
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
