//! What the worker tells its operator: one JSON log line per request ([`LogLine`]), the
//! daily counters behind `/__dni/stats` and the dashboard ([`stats`]), batched per isolate
//! ([`batch`]), and the calls summary ([`calls`]).

pub mod analytics;
pub mod batch;
pub mod calls;
mod log;
pub mod stats;

pub use batch::{CounterBatch, Flush};
pub use calls::{CallsReport, CampaignRow};
pub use log::{path_only, LogLine, SwapOutcome};
pub use stats::{counters_for, day_of, group_days, DayCounters, PoolReport, PoolUse, StatsReport};
