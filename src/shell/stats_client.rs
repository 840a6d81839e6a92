//! Daily counters: page views add to an in-isolate batch (`observe::CounterBatch`, which
//! decides when to flush) sent to each site's stats object in the background, so every
//! counter arrives within `DNI_STATS_FLUSH_SECONDS` (default 10, at most 25; 0 = every
//! request, used by tests) without a stats-object call per view. With a Workers Analytics
//! Engine binding (`DNI_ANALYTICS`) each view is one data point there instead, and reports
//! read the days back through the SQL API (`crate::observe::analytics`).

use std::cell::RefCell;
use std::time::Duration;

use worker::{console_error, AnalyticsEngineDataPointBuilder as Point, Context, Delay, Env};

use super::pool_client::DoPools;
use super::{now_ms, OrHttp};
use crate::observe::analytics::{data_point, parse_sql_result, sql_request};
use crate::observe::{counters_for, CounterBatch, DayCounters, Flush, LogLine};
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

/// Counts a page view of `site`: one Analytics Engine data point when the binding is
/// there, else the daily counters (flushed now or when due).
pub fn record(env: &Env, ctx: &Context, site: &Site, line: &LogLine, swap_allowed: bool) {
    if let Ok(dataset) = env.analytics_engine("DNI_ANALYTICS") {
        let p = data_point(line, swap_allowed);
        let point = p.doubles.iter().fold(Point::new(), |b, d| b.add_double(*d));
        let point = point.indexes([p.index.as_str()]).blobs(p.blobs).build();
        if let Err(e) = dataset.write_data_point(&point) {
            console_error!("consent-dni: analytics data point: {e}");
        }
        return;
    }
    add(
        &site.name,
        &site.stats_pool,
        counters_for(line, swap_allowed),
    );
    let plan = BATCH.with(|b| b.borrow_mut().plan(now_ms(), flush_interval_ms(env)));
    let delay_ms = match plan {
        Flush::Now => 0,
        Flush::After(ms) => ms,
        Flush::Scheduled => return,
    };
    let pools = DoPools::new(env, 5000);
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

/// The last `days` days of `site` from Analytics Engine's SQL API, when configured
/// (`DNI_ANALYTICS_ACCOUNT_ID`, `DNI_ANALYTICS_DATASET`, secret `DNI_ANALYTICS_API_TOKEN`).
pub async fn analytics_days(env: &Env, site: &Site, days: u32) -> Option<Vec<DayCounters>> {
    let var = |n: &str| env.var(n).ok().map(|v| v.to_string());
    let token = env.secret("DNI_ANALYTICS_API_TOKEN").ok()?.to_string();
    let (account, dataset) = (
        var("DNI_ANALYTICS_ACCOUNT_ID")?,
        var("DNI_ANALYTICS_DATASET")?,
    );
    let (url, authorization, sql) = sql_request(&account, &dataset, &token, &site.name, days)?;
    let fetched = async {
        let headers = worker::Headers::new();
        headers.set("authorization", &authorization).or_internal()?;
        let mut init = worker::RequestInit::new();
        init.with_method(worker::Method::Post)
            .with_headers(headers)
            .with_body(Some(sql.into()));
        let req = worker::Request::new_with_init(&url, &init).or_internal()?;
        worker::Fetch::Request(req)
            .send()
            .await
            .or_upstream()?
            .text()
            .await
            .or_upstream()
    };
    let parsed = fetched
        .await
        .map_err(|e| e.log_detail())
        .and_then(|t| parse_sql_result(&t));
    parsed
        .map_err(|e| console_error!("consent-dni: analytics SQL API: {e}"))
        .ok()
}
