//! Checks that span a site's targets and session settings.

use std::collections::HashMap;

use dni_common::{ConfigIssue, Validate};
use dni_numbers::E164;

use super::{SessionConfig, TargetConfig};
use crate::bounded::MAX_TOKEN_LEASES;

/// Validates a site's `targets` and `session` sections together, with paths under
/// `site_path` (e.g. `sites[0]` gives `sites[0].targets[1].sources[0].numbers[2]`):
/// each target and the session on their own, then every number used once in the whole
/// site (a tracking number in two pools, or equal to another target's number or fallback,
/// would make calls unattributable), at most [`MAX_TOKEN_LEASES`] targets with sources, and
/// a cookie name when any target has sources.
pub fn validate_site(
    targets: &[TargetConfig],
    session: &SessionConfig,
    site_path: &str,
    issues: &mut Vec<ConfigIssue>,
) {
    for (i, t) in targets.iter().enumerate() {
        t.validate(&format!("{site_path}.targets[{i}]"), issues);
    }
    session.validate(&format!("{site_path}.session"), issues);

    // Where each number is first used. Repeats inside one target are reported by
    // `TargetConfig::validate`; here only repeats across targets.
    let mut first_use: HashMap<&E164, (usize, String)> = HashMap::new();
    let mut uses: Vec<(&E164, usize, String)> = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        uses.push((&t.number, i, format!("{site_path}.targets[{i}].number")));
        uses.push((&t.fallback, i, format!("{site_path}.targets[{i}].fallback")));
        for (s, source) in t.sources.iter().enumerate() {
            for (n, number) in source.numbers.iter().enumerate() {
                uses.push((
                    number,
                    i,
                    format!("{site_path}.targets[{i}].sources[{s}].numbers[{n}]"),
                ));
            }
        }
    }
    for (number, target, at) in uses {
        match first_use.get(number) {
            Some((prev_target, prev)) if *prev_target != target => issues.push(
                ConfigIssue::new(at, format!("`{number}` is already used at {prev}"))
                    .with_hint("every target, fallback and tracking number appears once per site"),
            ),
            Some(_) => {}
            None => {
                first_use.insert(number, (target, at));
            }
        }
    }

    let with_pools = targets.iter().filter(|t| !t.sources.is_empty()).count();
    if with_pools > MAX_TOKEN_LEASES {
        issues.push(
            ConfigIssue::new(
                format!("{site_path}.targets"),
                format!(
                    "{with_pools} targets have sources; at most {MAX_TOKEN_LEASES} are supported"
                ),
            )
            .with_hint(
                "the session cookie carries one lease per target; merge targets or drop sources",
            ),
        );
    }
    if with_pools > 0 && session.cookie_name.is_none() && session.account_id.is_empty() {
        issues.push(
            ConfigIssue::new(
                format!("{site_path}.session.account_id"),
                "required when a target has sources",
            )
            .with_hint("the session cookie is named ct{account_id}; or set session.cookie_name"),
        );
    }
}
