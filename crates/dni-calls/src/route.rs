//! Which number a call rings: the target, or its source's route.

use dni_numbers::E164;
use dni_sessions::{find_number, NumberRole, TargetConfig};

use crate::config::CallsConfig;

/// How a call to one of the site's numbers is handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallPlan {
    /// The number that was dialled.
    pub called: E164,
    /// What it is in the configuration.
    pub role: NumberRole,
    /// The target it stands for.
    pub target: E164,
    /// Where to connect: the source's route, else the target.
    pub dial: E164,
    /// The source whose pool holds `called` (tracking numbers only).
    pub source: Option<String>,
}

impl CallPlan {
    /// `(target index, source index)` of the pool to ask who held the number
    /// (`PoolStore::history_at`), for a tracking number.
    pub fn pool(&self) -> Option<(usize, usize)> {
        match self.role {
            NumberRole::Tracking { target, source } => Some((target, source)),
            _ => None,
        }
    }
}

/// The plan for a call to `called`; `None` when it is none of the site's numbers.
pub fn plan_call(targets: &[TargetConfig], calls: &CallsConfig, called: &E164) -> Option<CallPlan> {
    let role = find_number(targets, called)?;
    let t = targets.get(role.target())?;
    let target = t.number;
    let source = match role {
        NumberRole::Tracking { source, .. } => t.sources.get(source).map(|s| s.name.clone()),
        _ => None,
    };
    let dial = source
        .as_deref()
        .and_then(|name| {
            calls
                .routes
                .iter()
                .find(|r| r.source == name && r.target.is_none_or(|n| n == target))
        })
        .map_or(target, |r| r.to);
    Some(CallPlan {
        called: *called,
        role,
        target,
        dial,
        source,
    })
}
