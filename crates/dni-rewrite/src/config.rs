//! [`RewriteConfig`]: the `rewrite` section of a site's configuration.

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

/// How pages are rewritten (`sites[i].rewrite`). Every key is optional.
///
/// ```json
/// { "attributes": ["aria-label", "title", "data-phone", "data-tel"],
///   "crawler_user_agents": ["MyInternalCrawler"],
///   "whatsapp_links": true,
///   "data_exclude_keys": ["invoiceId"],
///   "data_paths": ["/data/*.json"],
///   "hydration_guard": "auto" }
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
    /// Obsolete, accepted and ignored: text used to be buffered per text node up to this
    /// many bytes. Text now streams with only a possible number held back, whatever the
    /// length of a text node, so there is nothing to configure. (Kept so that existing
    /// configurations still load.)
    pub max_text_node_bytes: Option<usize>,
    /// Also swap WhatsApp click-to-chat links to a target number (`https://wa.me/<number>`,
    /// `https://api.whatsapp.com/send?phone=<number>`, `whatsapp://send?phone=`). Off by
    /// default: a tracking number must be able to receive WhatsApp messages for this to
    /// make sense. Default `false`.
    pub whatsapp_links: bool,
    /// Swap numbers in the serialized data frameworks hydrate from (`__NEXT_DATA__`,
    /// `self.__next_f` rows, `__NUXT_DATA__`, `<astro-island props>`, `application/json`
    /// islands, `window.__remixContext`, ...) and in their data requests, digit for digit.
    /// Default `true`.
    pub data_swap: bool,
    /// Keys whose values are never changed in data, at any depth (e.g. `"invoiceId"`, `"sku"`:
    /// an identifier that happens to have the digits of a number). Default `[]`.
    pub data_exclude_keys: Vec<String>,
    /// Extra global names marking an inline script as application state to swap numbers in
    /// (e.g. `"__APP_STATE__"` for `window.__APP_STATE__ = {...}`), besides the built-in
    /// ones. Default `[]`.
    pub data_globals: Vec<String>,
    /// Paths of the site's own JSON data requests to swap numbers in, with `*` matching
    /// within one path segment and `**` across segments (e.g. `"/api/page/**.json"`), besides
    /// the frameworks' own (`/_next/data/`, RSC requests, `page-data.json`, `_payload.json`,
    /// `__data.json`, `.data`). Default `[]`.
    pub data_paths: Vec<String>,
    /// The hydration guard: `"auto"` (framework pages), `"always"` (every rewritten page, e.g.
    /// a React app without a recognisable framework), `"off"`. Default `"auto"`.
    pub hydration_guard: GuardMode,
}

/// [`RewriteConfig::hydration_guard`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum GuardMode {
    #[default]
    Auto,
    Always,
    Off,
}

impl Default for RewriteConfig {
    fn default() -> Self {
        RewriteConfig {
            attributes: ["aria-label", "title", "data-phone"]
                .map(String::from)
                .to_vec(),
            crawler_user_agents: Vec::new(),
            max_text_node_bytes: None,
            whatsapp_links: false,
            data_swap: true,
            data_exclude_keys: Vec::new(),
            data_globals: Vec::new(),
            data_paths: Vec::new(),
            hydration_guard: GuardMode::Auto,
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
        for (i, key) in self.data_exclude_keys.iter().enumerate() {
            if key.is_empty() || key.contains(['"', '\\']) {
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.data_exclude_keys[{i}]"),
                        format!("`{key}` is not a key name"),
                    )
                    .with_hint(
                        "write the key as it appears in the data, without quotes, e.g. `invoiceId`",
                    ),
                );
            }
        }
        for (i, g) in self.data_globals.iter().enumerate() {
            let ident = g.len() >= 3
                && g.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
            if !ident {
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.data_globals[{i}]"),
                        format!("`{g}` is not a JavaScript global name of 3 or more characters"),
                    )
                    .with_hint("e.g. `__APP_STATE__` for `window.__APP_STATE__ = {...}`"),
                );
            }
        }
        for (i, p) in self.data_paths.iter().enumerate() {
            if !p.starts_with('/') || p.contains(['?', '#', ' ']) {
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.data_paths[{i}]"),
                        format!("`{p}` is not a path pattern"),
                    )
                    .with_hint("a path starting with `/`, `*` within a segment, `**` across segments, e.g. `/data/*.json`"),
                );
            }
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
        assert_eq!(c.max_text_node_bytes, None);
        assert!(!c.whatsapp_links);
        assert!(c.data_swap);
        assert_eq!(c.hydration_guard, GuardMode::Auto);
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
    fn bad_data_settings_are_reported_with_paths() {
        let v = issues(
            r#"{"data_exclude_keys":["invoiceId","","a\"b"],"data_globals":["__APP__","x","a.b"],"data_paths":["/data/*.json","data.json"],"hydration_guard":"always"}"#,
        );
        let paths: Vec<_> = v.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sites[0].rewrite.data_exclude_keys[1]",
                "sites[0].rewrite.data_exclude_keys[2]",
                "sites[0].rewrite.data_globals[1]",
                "sites[0].rewrite.data_globals[2]",
                "sites[0].rewrite.data_paths[1]",
            ]
        );
        assert!(
            serde_json::from_str::<RewriteConfig>(r#"{"hydration_guard":"sometimes"}"#).is_err()
        );
    }

    #[test]
    fn short_crawler_substrings_are_reported_and_the_obsolete_limit_is_ignored() {
        let v = issues(r#"{"crawler_user_agents":["ok-bot"," a "],"max_text_node_bytes":10}"#);
        let paths: Vec<_> = v.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["sites[0].rewrite.crawler_user_agents[1]"]);
        let c: RewriteConfig =
            serde_json::from_str(r#"{"max_text_node_bytes":65536,"whatsapp_links":true}"#).unwrap();
        assert_eq!(c.max_text_node_bytes, Some(65536));
        assert!(c.whatsapp_links);
    }
}
