//! Lease timing.

use serde::{Deserialize, Serialize};

use crate::config::SessionConfig;

/// How long leases last; see the crate docs for the anti-draining policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeasePolicy {
    /// A lease ends this long after the holder was last seen.
    pub idle_ms: i64,
    /// A provisional lease cannot be recycled during this long after it began.
    pub provisional_hold_ms: i64,
    /// History records that ended longer ago than this are pruned.
    pub history_retention_ms: i64,
}

impl LeasePolicy {
    /// The policy of a site's `session` settings.
    pub fn from_config(config: &SessionConfig) -> LeasePolicy {
        LeasePolicy {
            idle_ms: config.idle_timeout_ms(),
            provisional_hold_ms: config.provisional_hold_ms(),
            history_retention_ms: config.history_retention_ms(),
        }
    }
}

impl Default for LeasePolicy {
    /// The defaults of [`SessionConfig`]: 30 minutes idle, 180 s hold, 90 days history.
    fn default() -> Self {
        LeasePolicy::from_config(&SessionConfig::default())
    }
}
