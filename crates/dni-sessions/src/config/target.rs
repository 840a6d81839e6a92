//! Targets (numbers the origin prints) and their traffic sources (pools).

use std::collections::HashSet;

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use super::source_match::SourceMatch;
use dni_numbers::E164;

/// Longest source name (it becomes part of the pool's Durable Object name).
pub const MAX_SOURCE_NAME_LEN: usize = 64;

/// One phone number the origin prints, what replaces it, and where tracking numbers come
/// from.
///
/// ```json
/// {
///   "number": "+15551234567",
///   "fallback": "+15559990000",
///   "sources": [
///     {"name": "google_ads", "when": {"click_ids": ["gclid", "gbraid", "wbraid"]},
///      "numbers": ["+15550000001", "+15550000002"]},
///     {"name": "search", "when": {"referrer": "search"}, "numbers": ["+15550000101"]},
///     {"name": "default", "numbers": ["+15550000201", "+15550000202"]}
///   ]
/// }
/// ```
///
/// Sources are tried in order and the first whose `when` holds wins. When none matches
/// (or `sources` is empty) the visitor sees the `fallback`, exactly as on pool overflow
/// and as when consent is missing: a target without sources is a plain static swap.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    /// The number as the origin prints it, canonical E.164 (`+15551234567`). Required.
    pub number: E164,
    /// The static promo number shown without consent, on overflow and when no source
    /// matches; E.164, different from `number`. Required.
    pub fallback: E164,
    /// Traffic sources, each with its pool of tracking numbers. Default: none.
    #[serde(default)]
    pub sources: Vec<SourceConfig>,
}

/// One traffic source of a target, with its pool of tracking numbers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Name, unique within the target: letters, digits, `_` and `-` (e.g. `google_ads`).
    /// Reported as the call's `source`. Required.
    pub name: String,
    /// Conditions on the landing request. Default: none (matches everything).
    #[serde(default)]
    pub when: SourceMatch,
    /// The pool: E.164 tracking numbers, at least one, each used once in the whole site
    /// and never equal to a target or fallback number. Required.
    pub numbers: Vec<E164>,
}

fn is_source_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SOURCE_NAME_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl Validate for TargetConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        if self.fallback == self.number {
            // Legitimate (visitors without consent keep the printed number) but usually a
            // slip: their calls cannot be told from organic ones.
            issues.push(
                ConfigIssue::warning(
                    format!("{path}.fallback"),
                    "the fallback is the target number itself: visitors without consent, on overflow or matching no source see the printed number",
                )
                .with_hint("use a static promo number, distinct from the number the page prints, to count those calls apart"),
            );
        }
        let mut names = HashSet::new();
        let mut default_seen: Option<&str> = None;
        for (i, source) in self.sources.iter().enumerate() {
            let spath = format!("{path}.sources[{i}]");
            if !is_source_name(&source.name) {
                issues.push(
                    ConfigIssue::new(
                        format!("{spath}.name"),
                        format!("invalid source name `{}`", source.name),
                    )
                    .with_hint("1 to 64 letters, digits, `_` or `-`, e.g. \"google_ads\""),
                );
            } else if !names.insert(source.name.as_str()) {
                issues.push(
                    ConfigIssue::new(
                        format!("{spath}.name"),
                        format!("duplicate source name `{}`", source.name),
                    )
                    .with_hint("source names must be unique within a target"),
                );
            }
            if let Some(default) = default_seen {
                issues.push(
                    ConfigIssue::new(spath.clone(), format!("source `{}` can never match", source.name))
                        .with_hint(format!(
                            "the earlier source `{default}` has no `when` and matches every visitor; move it last"
                        )),
                );
            }
            if source.when.is_empty() && default_seen.is_none() {
                default_seen = Some(&source.name);
            }
            source.when.validate(&format!("{spath}.when"), issues);
            if source.numbers.is_empty() {
                issues.push(
                    ConfigIssue::new(format!("{spath}.numbers"), "the pool has no numbers")
                        .with_hint("list at least one tracking number, or remove the source"),
                );
            }
        }
        let mut seen = HashSet::new();
        for (i, source) in self.sources.iter().enumerate() {
            for (j, n) in source.numbers.iter().enumerate() {
                let npath = format!("{path}.sources[{i}].numbers[{j}]");
                if *n == self.number || *n == self.fallback {
                    issues.push(
                        ConfigIssue::new(
                            npath,
                            format!("`{n}` is this target's own number or fallback"),
                        )
                        .with_hint(
                            "tracking numbers must differ from the printed number and the fallback",
                        ),
                    );
                } else if !seen.insert(*n) {
                    issues.push(
                        ConfigIssue::new(npath, format!("`{n}` is listed twice in this target"))
                            .with_hint("each tracking number belongs to exactly one pool"),
                    );
                }
            }
        }
    }
}

impl TargetConfig {
    /// Every tracking number of every source.
    pub fn tracking_numbers(&self) -> impl Iterator<Item = &E164> {
        self.sources.iter().flat_map(|s| s.numbers.iter())
    }

    /// Whether `number` is one of this target's tracking numbers.
    pub fn tracks(&self, number: &E164) -> bool {
        self.tracking_numbers().any(|n| n == number)
    }

    /// Index of the source whose pool holds `number`.
    pub fn source_of(&self, number: &E164) -> Option<usize> {
        self.sources.iter().position(|s| s.numbers.contains(number))
    }
}
