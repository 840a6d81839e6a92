//! The tag firewall's state during one rewrite ([`Firewall`], see [`TagFirewall`]) and the
//! values its handlers (`handlers/firewall.rs`) work with: resource URL attributes, disarmed
//! image URLs, `srcdoc` entities. What a `<script>` start tag is, is in
//! [`crate::script_tag`]. `<noscript>` content and `<iframe srcdoc>` documents are rewritten
//! by a nested rewriter, passed in as a [`NestedRewrite`] (the rewriter sits above the
//! firewall).

use std::cell::RefCell;

use dni_common::Category;
use dni_numbers::E164;

use crate::plan::{RewritePlan, RewriteStats, TagFirewall, TagInfo};

/// Most bytes of one `<noscript>` rewritten; a longer one is dropped (fail closed).
pub const MAX_NOSCRIPT_BYTES: usize = 64 * 1024;
/// A transparent 1×1 GIF: a disarmed image keeps its box and makes no request.
pub(crate) const BLANK_IMAGE: &str =
    "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

/// Rewrites a whole nested document (`<noscript>` content, an `<iframe srcdoc>`) with a plan
/// of its own, as a UTF-8 page: its output and statistics, `None` if it could not be
/// rewritten.
pub(crate) type NestedRewrite = fn(RewritePlan, &str) -> Option<(Vec<u8>, RewriteStats)>;

/// What a nested (noscript) rewrite needs to be built.
pub(crate) struct NestedPlan {
    pub swaps: Vec<(E164, E164)>,
    pub attributes: Vec<String>,
    pub whatsapp_links: bool,
    /// The rewriter that rewrites it.
    pub rewrite: NestedRewrite,
}

/// The firewall's state during one rewrite.
pub(crate) struct Firewall {
    pub plan: TagFirewall,
    /// The `<noscript>` content collected so far.
    pub noscript: RefCell<Option<String>>,
    pub nested: NestedPlan,
}

impl Firewall {
    pub(crate) fn new(plan: TagFirewall, nested: NestedPlan) -> Firewall {
        Firewall {
            plan,
            noscript: RefCell::new(None),
            nested,
        }
    }

    pub(crate) fn blocks(&self, info: Option<TagInfo>) -> Option<Category> {
        info.map(|i| i.category).filter(|c| self.plan.declines(*c))
    }

    /// Whether `<noscript>` content must be rewritten (something can be disarmed).
    pub(crate) fn disarms(&self) -> bool {
        !self.plan.declined.is_empty()
    }
}

/// Image attributes holding a URL the browser or a lazy-loader fetches.
const LAZY_IMAGE_ATTRIBUTES: [&str; 6] = [
    "src",
    "srcset",
    "data-src",
    "data-lazy-src",
    "data-srcset",
    "data-lazy-srcset",
];

/// The attributes of a `tag` element (a `<link>` with its `rel`) that hold URLs the browser
/// or a lazy-loader fetches, and whether the element is a frame (else a pixel, preload or
/// image); `None` for an element the firewall leaves alone.
pub(crate) fn resource_attributes(
    tag: &str,
    rel: Option<&str>,
) -> Option<(&'static [&'static str], bool)> {
    Some(match tag {
        // `data-src`, `data-lazy-src`, `data-srcset`: lazy-loaders copy them to `src`
        // (WP Rocket LazyLoad, lazysizes, lozad).
        "img" => (&LAZY_IMAGE_ATTRIBUTES, false),
        "source" => (&["src", "srcset", "data-src", "data-srcset"], false),
        "iframe" | "frame" => (&["src", "data-src", "data-lazy-src"], true),
        "embed" => (&["src"], true),
        // SVG `<image>`.
        "image" => (&["href", "xlink:href"], false),
        "body" | "table" | "td" | "th" => (&["background"], false),
        "object" => (&["data"], true),
        "video" => (&["poster", "src"], false),
        "audio" => (&["src"], false),
        "input" => (&["src"], false),
        "link" => {
            let rel = rel.unwrap_or_default().to_ascii_lowercase();
            let fetches = rel.split_ascii_whitespace().any(|r| {
                matches!(
                    r,
                    "preload"
                        | "prefetch"
                        | "preconnect"
                        | "dns-prefetch"
                        | "modulepreload"
                        | "prerender"
                )
            });
            if !fetches {
                return None;
            }
            (&["href"], false)
        }
        _ => return None,
    })
}

/// The URLs in the value of a resource attribute `attr` (every candidate of a `srcset`).
pub(crate) fn resource_urls<'v>(attr: &str, value: &'v str) -> Vec<&'v str> {
    if attr.ends_with("srcset") {
        value
            .split(',')
            .filter_map(|c| c.split_ascii_whitespace().next())
            .collect()
    } else {
        vec![value.trim()]
    }
}

/// An attribute value as written (lol_html does not decode entities) with the entities an
/// HTML document in an attribute uses decoded: `&quot;`, `&#34;`, `&#39;`, `&apos;`,
/// `&lt;`, `&gt;`, `&amp;` (last).
pub(crate) fn decode_attribute_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#x22;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srcdoc_entities_are_decoded() {
        assert_eq!(
            decode_attribute_entities("&lt;img src=&quot;a?b=1&amp;amp;c&quot;&gt;&#39;"),
            "<img src=\"a?b=1&amp;c\">'"
        );
        assert_eq!(decode_attribute_entities("<p>plain</p>"), "<p>plain</p>");
    }
}
