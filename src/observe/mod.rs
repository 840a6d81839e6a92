//! What the worker tells its operator: one JSON log line per request ([`LogLine`]) and the
//! daily counters behind `/__dni/stats` and the dashboard ([`stats`]).

mod log;
pub mod stats;

pub use log::{path_only, LogLine, SwapOutcome};
pub use stats::{counters_for, day_of, DayCounters, PoolReport, PoolUse, StatsReport};
