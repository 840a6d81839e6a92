//! Which configured role a phone number plays.

use crate::config::TargetConfig;

/// What a number is in a site's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberRole {
    /// A tracking number of `targets[target].sources[source]`.
    Tracking { target: usize, source: usize },
    /// The number `targets[target]` prints.
    Target { target: usize },
    /// The fallback of `targets[target]`.
    Fallback { target: usize },
}

impl NumberRole {
    /// Index of the target the number belongs to.
    pub fn target(&self) -> usize {
        match *self {
            NumberRole::Tracking { target, .. }
            | NumberRole::Target { target }
            | NumberRole::Fallback { target } => target,
        }
    }
}

/// Finds `number` (E.164, exact) among the targets, fallbacks and pools; the first match in
/// configuration order (a validated configuration uses each number once).
pub fn find_number(targets: &[TargetConfig], number: &str) -> Option<NumberRole> {
    for (t, target) in targets.iter().enumerate() {
        if target.number == number {
            return Some(NumberRole::Target { target: t });
        }
        if target.fallback == number {
            return Some(NumberRole::Fallback { target: t });
        }
        for (s, source) in target.sources.iter().enumerate() {
            if source.numbers.iter().any(|n| n == number) {
                return Some(NumberRole::Tracking {
                    target: t,
                    source: s,
                });
            }
        }
    }
    None
}

/// A stable name for the pool of `targets[target].sources[source]`, for the Durable
/// Object id: `"{target number}/{source name}"`. Keyed by names, not positions, so
/// reordering the configuration keeps each pool's state.
pub fn pool_name(target: &TargetConfig, source: usize) -> Option<String> {
    target
        .sources
        .get(source)
        .map(|s| format!("{}/{}", target.number, s.name))
}
