//! What the worker tells its operator: one JSON log line per request ([`LogLine`]) and the
//! daily counters behind `/__dni/stats` and the dashboard ([`stats`]).

pub mod analytics;
mod log;
pub mod stats;

pub use log::{path_only, LogLine, SwapOutcome};
pub use stats::{counters_for, day_of, group_days, DayCounters, PoolReport, PoolUse, StatsReport};
