//! Daily counters: page views add to an in-isolate batch (`crate::pool::batch`) flushed to
//! the site's stats object in the background. With a Workers Analytics Engine binding
//! (`DNI_ANALYTICS`) each view is one data point there instead, and reports read the days
//! back through the SQL API (`crate::observe::analytics`).

use std::cell::RefCell;

use worker::{console_error, AnalyticsEngineDataPointBuilder as Point, Context, Env};

use super::pool_client::DoPools;
use super::{now_ms, OrHttp};
use crate::observe::analytics::{data_point, parse_sql_result, sql_request};
use crate::observe::{counters_for, DayCounters, LogLine};
use crate::pool::batch::{flush_interval_ms, CounterBatch};
use crate::pool::{PoolPort, PoolRef};
use crate::runtime::Site;

thread_local! {
    static BATCH: RefCell<CounterBatch> = RefCell::default();
}

/// Adds `counters` to the batch of the site named `site` (flushed with a later view).
pub fn add(site: &str, stats_pool: &PoolRef, counters: Vec<(String, u64)>) {
    BATCH.with(|b| b.borrow_mut().add(site, stats_pool, counters));
}

/// Counts a page view of `site`: one Analytics Engine data point when the binding is
/// there, else the daily counters (flushed in the background when due).
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
    let interval = flush_interval_ms(
        env.var("DNI_STATS_FLUSH_SECONDS")
            .ok()
            .map(|v| v.to_string())
            .as_deref(),
    );
    let due = BATCH.with(|b| b.borrow_mut().due(now_ms(), interval));
    if due.is_empty() {
        return;
    }
    let pools = DoPools::new(env, 5000);
    ctx.wait_until(async move {
        for (stats, op) in due {
            if let Err(e) = pools.send(&stats, stats.request(op, now_ms())).await {
                console_error!("consent-dni: stats flush failed: {e}");
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
