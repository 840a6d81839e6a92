//! [`RewriteConfig`]: the `rewrite` section of a site's configuration.

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

/// Default for [`RewriteConfig::max_text_node_bytes`]: 64 KiB.
pub const DEFAULT_MAX_TEXT_NODE_BYTES: usize = 64 * 1024;
/// Smallest accepted `max_text_node_bytes`.
pub const MIN_MAX_TEXT_NODE_BYTES: usize = 1024;
/// Largest accepted `max_text_node_bytes` (16 MiB).
pub const MAX_MAX_TEXT_NODE_BYTES: usize = 16 * 1024 * 1024;

/// How pages are rewritten (`sites[i].rewrite`). Every key is optional.
///
/// ```json
/// { "attributes": ["aria-label", "title", "data-phone", "data-tel"],
///   "crawler_user_agents": ["MyInternalCrawler"],
///   "max_text_node_bytes": 65536 }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RewriteConfig {
    /// Attributes whose values are searched for numbers like text (besides `href="tel:..."`,
    /// which is always rewritten). Default `["aria-label", "title", "data-phone"]`. Setting
    /// the key replaces the default list: repeat the defaults to extend it.
    pub attributes: Vec<String>,
    /// Case-insensitive `User-Agent` substrings of extra crawlers that must see the original
    /// numbers, on top of the built-in list (see [`crate::is_crawler`]). Default `[]`.
    pub crawler_user_agents: Vec<String>,
    /// Largest text node (bytes, as decoded UTF-8) buffered to find numbers split across
    /// chunks. A longer text node (megabytes of text without a tag) passes through unchanged
    /// and is counted in [`crate::RewriteStats::text_nodes_passed_over`]. Default 65536
    /// (64 KiB); accepted 1024 to 16 MiB.
    pub max_text_node_bytes: usize,
}

impl Default for RewriteConfig {
    fn default() -> Self {
        RewriteConfig {
            attributes: ["aria-label", "title", "data-phone"]
                .map(String::from)
                .to_vec(),
            crawler_user_agents: Vec::new(),
            max_text_node_bytes: DEFAULT_MAX_TEXT_NODE_BYTES,
        }
    }
}

/// An HTML attribute name this crate can select on: ASCII letters, digits, `-`, `_`, `:`,
/// `.`, starting with a letter or `_`.
pub(crate) fn is_valid_attribute_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
}

impl Validate for RewriteConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        for (i, name) in self.attributes.iter().enumerate() {
            let key = format!("{path}.attributes[{i}]");
            let lower = name.to_ascii_lowercase();
            if !is_valid_attribute_name(name) {
                issues.push(
                    ConfigIssue::new(key, format!("`{name}` is not an attribute name"))
                        .with_hint("use a plain HTML attribute name such as `data-phone`"),
                );
            } else if lower.starts_with("on") || matches!(lower.as_str(), "href" | "src" | "style")
            {
                issues.push(
                    ConfigIssue::new(key, format!("`{name}` cannot be rewritten as text"))
                        .with_hint(
                            "`href=\"tel:...\"` is always rewritten; script, URL and style attributes are never touched",
                        ),
                );
            } else if self
                .attributes
                .iter()
                .take(i)
                .any(|a| a.eq_ignore_ascii_case(name))
            {
                issues.push(
                    ConfigIssue::new(key, format!("`{name}` is listed twice"))
                        .with_hint("remove the duplicate"),
                );
            }
        }
        for (i, ua) in self.crawler_user_agents.iter().enumerate() {
            if ua.trim().len() < 3 {
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.crawler_user_agents[{i}]"),
                        format!("`{ua}` is too short: it would match ordinary browsers"),
                    )
                    .with_hint(
                        "use a distinctive part of the crawler's User-Agent, e.g. `MyCrawler`",
                    ),
                );
            }
        }
        if !(MIN_MAX_TEXT_NODE_BYTES..=MAX_MAX_TEXT_NODE_BYTES).contains(&self.max_text_node_bytes)
        {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.max_text_node_bytes"),
                    format!(
                        "{} is out of range {MIN_MAX_TEXT_NODE_BYTES}..={MAX_MAX_TEXT_NODE_BYTES}",
                        self.max_text_node_bytes
                    ),
                )
                .with_hint("the default, 65536, suits almost every site"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues(json: &str) -> Vec<ConfigIssue> {
        let c: RewriteConfig = serde_json::from_str(json).unwrap();
        let mut v = Vec::new();
        c.validate("sites[0].rewrite", &mut v);
        v
    }

    #[test]
    fn defaults_are_documented_values_and_valid() {
        let c: RewriteConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(c.attributes, ["aria-label", "title", "data-phone"]);
        assert!(c.crawler_user_agents.is_empty());
        assert_eq!(c.max_text_node_bytes, 65536);
        assert!(issues("{}").is_empty());
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = serde_json::from_str::<RewriteConfig>(r#"{"atributes":[]}"#).unwrap_err();
        assert!(err.to_string().contains("atributes"), "{err}");
    }

    #[test]
    fn bad_attributes_are_reported_with_paths() {
        let v = issues(r#"{"attributes":["data-phone","1x","onclick","href","DATA-PHONE",""]}"#);
        let paths: Vec<_> = v.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sites[0].rewrite.attributes[1]",
                "sites[0].rewrite.attributes[2]",
                "sites[0].rewrite.attributes[3]",
                "sites[0].rewrite.attributes[4]",
                "sites[0].rewrite.attributes[5]",
            ]
        );
        assert!(v.iter().all(|i| i.hint.is_some()));
    }

    #[test]
    fn short_crawler_substrings_and_bad_limits_are_reported() {
        let v = issues(r#"{"crawler_user_agents":["ok-bot"," a "],"max_text_node_bytes":10}"#);
        let paths: Vec<_> = v.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sites[0].rewrite.crawler_user_agents[1]",
                "sites[0].rewrite.max_text_node_bytes"
            ]
        );
    }
}
