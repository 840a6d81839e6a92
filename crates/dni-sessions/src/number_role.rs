//! Which configured role a phone number plays, and the names of pool objects.

use std::fmt;

use dni_numbers::E164;

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

/// Finds `number` among the targets, fallbacks and pools; the first match in
/// configuration order (a validated configuration uses each number once).
pub fn find_number(targets: &[TargetConfig], number: &E164) -> Option<NumberRole> {
    for (t, target) in targets.iter().enumerate() {
        if target.number == *number {
            return Some(NumberRole::Target { target: t });
        }
        if target.fallback == *number {
            return Some(NumberRole::Fallback { target: t });
        }
        if let Some(s) = target.source_of(number) {
            return Some(NumberRole::Tracking {
                target: t,
                source: s,
            });
        }
    }
    None
}

/// The Durable Object name of a pool: `{site}/{target number}/{source name}`, or the
/// site's stats object, `{site}/__stats`. Keyed by names, not positions, so reordering the
/// configuration keeps each pool's state. The one place pool names are written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PoolName(String);

impl PoolName {
    /// The pool of source `source` (its name) of target `target` on site `site`.
    pub fn pool(site: &str, target: &E164, source: &str) -> PoolName {
        PoolName(format!("{site}/{target}/{source}"))
    }

    /// The stats object of site `site` (a pool object without numbers).
    pub fn stats(site: &str) -> PoolName {
        PoolName(format!("{site}/__stats"))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PoolName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_and_stats_names() {
        let t = E164::parse("+15035550142").unwrap();
        assert_eq!(
            PoolName::pool("demo", &t, "google_ads").as_str(),
            "demo/+15035550142/google_ads"
        );
        assert_eq!(PoolName::stats("demo").to_string(), "demo/__stats");
    }
}
