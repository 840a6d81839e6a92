//! Configuration maps from a category to the CMP-specific ids that stand for it.

use dni_common::{Category, ConfigIssue};
use serde::Deserialize;

use crate::verdict::{CmpVerdict, Consent};

/// For each category, the CMP's ids (group ids, purpose ids, vendor or service names) that
/// stand for it. A category whose list is empty is never decided by that CMP (the regime
/// decides it). When a category lists several ids, it is granted only when every id the
/// cookie mentions is granted, denied when any is denied, and unset when the cookie mentions
/// none of them.
///
/// A map given in the configuration replaces the CMP's default map as a whole: categories
/// left out of it are empty.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct CategoryMap<T> {
    /// Ids for `necessary` (read but always granted by the decision).
    pub necessary: Vec<T>,
    /// Ids for `functional` (preferences).
    pub functional: Vec<T>,
    /// Ids for `analytics` (statistics, performance).
    pub analytics: Vec<T>,
    /// Ids for `marketing` (advertising, targeting).
    pub marketing: Vec<T>,
}

impl<T> CategoryMap<T> {
    /// The ids listed for `c`.
    pub fn ids(&self, c: Category) -> &[T] {
        match c {
            Category::Necessary => &self.necessary,
            Category::Functional => &self.functional,
            Category::Analytics => &self.analytics,
            Category::Marketing => &self.marketing,
        }
    }

    /// Whether no category lists any id.
    pub fn is_empty(&self) -> bool {
        Category::ALL.iter().all(|&c| self.ids(c).is_empty())
    }

    /// A verdict built by looking up each listed id (`None` = the cookie does not mention it).
    pub fn verdict(&self, mut lookup: impl FnMut(&T) -> Option<bool>) -> CmpVerdict {
        let mut verdict = CmpVerdict::new();
        for c in Category::ALL {
            let state = Consent::all_of(self.ids(c).iter().map(|id| match lookup(id) {
                Some(b) => Consent::from_bool(b),
                None => Consent::Unset,
            }));
            verdict.set(c, state);
        }
        verdict
    }
}

impl CategoryMap<String> {
    /// Reports empty ids and ids listed under two categories.
    pub fn validate_ids(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        let mut seen: Vec<(&str, Category)> = Vec::new();
        for c in Category::ALL {
            for (i, id) in self.ids(c).iter().enumerate() {
                let key = format!("{path}.{c}[{i}]");
                if id.trim().is_empty() {
                    issues.push(
                        ConfigIssue::new(key, "empty id")
                            .with_hint("remove the empty string or write the CMP's id"),
                    );
                } else if let Some((_, other)) = seen.iter().find(|(s, _)| *s == id.as_str()) {
                    issues.push(
                        ConfigIssue::new(key, format!("`{id}` is already listed under `{other}`"))
                            .with_hint("an id can stand for one category only"),
                    );
                } else {
                    seen.push((id.as_str(), c));
                }
            }
        }
    }
}

/// Builds a map from string literals (used for defaults).
pub(crate) fn string_map(
    necessary: &[&str],
    functional: &[&str],
    analytics: &[&str],
    marketing: &[&str],
) -> CategoryMap<String> {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    CategoryMap {
        necessary: own(necessary),
        functional: own(functional),
        analytics: own(analytics),
        marketing: own(marketing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_combines_every_mentioned_id() {
        let map = string_map(&[], &["f"], &["a1", "a2"], &["m"]);
        let v = map.verdict(|id| match id.as_str() {
            "a1" => Some(true),
            "a2" => Some(false),
            "f" => Some(true),
            _ => None,
        });
        assert_eq!(v.get(Category::Functional), Consent::Granted);
        assert_eq!(v.get(Category::Analytics), Consent::Denied);
        assert_eq!(v.get(Category::Marketing), Consent::Unset);
    }

    #[test]
    fn validation_reports_duplicates_and_empty_ids_with_paths() {
        let map = string_map(&[], &["x"], &[""], &["x"]);
        let mut issues = Vec::new();
        map.validate_ids("c.groups", &mut issues);
        let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["c.groups.analytics[0]", "c.groups.marketing[0]"]);
    }
}
