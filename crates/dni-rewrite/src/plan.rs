//! What one response's rewrite does: [`RewritePlan`], [`ScriptPolicy`], and what it did:
//! [`RewriteStats`].

use dni_common::Category;
use dni_numbers::E164;

use crate::RewriteConfig;

/// Classifies a `<script src>` URL: the declined category of the vendor serving it, if any.
pub type BlockedSrc = Box<dyn Fn(&str) -> Option<Category>>;

/// How `<script>` tags of declined categories are neutralised.
///
/// A neutralised script gets `type="text/plain"` and `data-consent-category="<category>"`
/// (the CMP convention that lets a CMP re-enable it after consent); an original `type` is
/// kept in `data-dni-original-type`. Scripts already `type="text/plain"` are left alone.
pub struct ScriptPolicy {
    /// For a `<script src>`, the category of the tracking vendor serving it, if that category
    /// is declined.
    pub blocked_src: BlockedSrc,
    /// Scripts carrying this attribute (value = a category name such as `marketing`) are
    /// neutralised when that category is declined, e.g. `data-dni-category`.
    pub inline_attribute: String,
    /// The declined categories.
    pub declined: Vec<Category>,
}

/// Everything the rewriter needs for one response.
pub struct RewritePlan {
    /// Target -> replacement; empty = numbers untouched.
    pub swaps: Vec<(E164, E164)>,
    /// Attributes rewritten like text (see [`RewriteConfig::attributes`]); invalid names are
    /// ignored.
    pub attributes: Vec<String>,
    /// Script neutralising, if any category is declined.
    pub scripts: Option<ScriptPolicy>,
    /// See [`RewriteConfig::max_text_node_bytes`].
    pub max_text_node_bytes: usize,
}

impl RewritePlan {
    /// A plan from the site's `rewrite` configuration and this request's swaps and scripts.
    pub fn new(
        config: &RewriteConfig,
        swaps: Vec<(E164, E164)>,
        scripts: Option<ScriptPolicy>,
    ) -> Self {
        RewritePlan {
            swaps,
            attributes: config.attributes.clone(),
            scripts,
            max_text_node_bytes: config.max_text_node_bytes,
        }
    }

    /// True when the plan cannot change a byte (no swap changes a number, no script
    /// policy): the caller may stream the body through without rewriting it.
    pub fn is_noop(&self) -> bool {
        self.scripts.is_none() && self.swaps.iter().all(|(t, r)| t == r)
    }
}

/// What a rewrite did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RewriteStats {
    /// Numbers replaced in text, attributes and `tel:` links.
    pub numbers_swapped: u32,
    /// `<script>` tags neutralised.
    pub scripts_neutralised: u32,
    /// Text nodes longer than `max_text_node_bytes`, passed through unchanged.
    pub text_nodes_passed_over: u32,
    /// lol_html hit its memory limit: the rest of the page after that point was passed
    /// through unchanged (graceful bail-out).
    pub bailed_out: bool,
}
