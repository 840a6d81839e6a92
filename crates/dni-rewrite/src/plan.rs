//! What one response's rewrite does: [`RewritePlan`] (numbers, the [`TagFirewall`], the
//! [`ConsentModeBlock`]), and what it did: [`RewriteStats`].

use std::rc::Rc;

use dni_common::{Category, ReenableAttribute};
use dni_numbers::E164;

use crate::config::RewriteConfig;
use crate::payload::{DataPlan, Framework};

/// What the firewall knows about a script, resource or inline snippet: the category of the
/// catalogued vendor it belongs to, and whether that vendor is a Google tag (reads Google
/// Consent Mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagInfo {
    pub category: Category,
    pub google_tag: bool,
}

/// Classifies what a page loads against the site's vendor catalog. The worker implements it
/// over `dni_privacy::Catalog`; [`ListClassifier`](crate::ListClassifier) is a small one
/// for tests and tools.
pub trait TagClassifier {
    /// The vendor serving a `<script src>` value, if catalogued.
    fn script_src(&self, src: &str) -> Option<TagInfo>;
    /// Every catalogued vendor whose snippet the inline script `text` contains.
    fn inline_script(&self, text: &str) -> Vec<TagInfo>;
    /// The vendor of a URL an `<img>`, `<iframe>`, `<source>`, `<embed>`, `<object>`,
    /// `<video poster>`, `<input type=image>` or `<link rel=preload|prefetch|preconnect|...>`
    /// points at, if catalogued.
    fn resource(&self, url: &str) -> Option<TagInfo>;
}

/// The tag firewall of one response: what is disarmed for a visitor who declined
/// `declined`.
///
/// * `<script src>` of a declined vendor, an inline `<script>` whose text contains a declined
///   vendor's snippet signature (decided from its whole text, however it was chunked), or a
///   script marked `<marker_attribute>="<category>"` with a declined category, becomes
///   `type="text/plain" data-consent-category="<category>"` (the CMP convention that lets a
///   CMP re-enable it), an original `type` kept in `data-dni-original-type`, plus the site's
///   own platform's markup ([`TagFirewall::reenable`]: OneTrust's `optanon-category-*` class,
///   Cookiebot's `data-cookieconsent`), so accepting its banner runs the script.
/// * Pixels, frames and preloads of a declined vendor (also inside `<noscript>`) lose their
///   URL (kept in `data-dni-<attr>`), so no request leaves the browser; images keep their
///   size with a 1×1 transparent image.
/// * Delayed scripts of page-speed plugins (`type="rocketlazyloadscript"`,
///   `litespeed/javascript`, `text/partytown`, `pmdelayedscript`, ...) are classified like
///   JavaScript, by their text and by the URL their loader reads (`data-src`,
///   `data-rocket-src`, ...; a `data:` URL by its code); a neutralised one has that attribute
///   renamed `data-dni-<name>`.
/// * Anything marked `data-dni-allow` is left alone; data scripts (JSON, JSON-LD, templates,
///   import maps) are never touched.
/// * An inline script longer than `max_inline_script_bytes` is decided from its first
///   `max_inline_script_bytes` bytes; if nothing matched there, it is neutralised when
///   anything is declined (fail closed) and counted.
/// * A framework payload script (its first bytes name `self.__next_f`, `__NUXT__`, ... or
///   a site's `data_globals`) is never neutralised, neither for a signature in its data nor
///   by the size rule; a declined vendor found in it is counted in
///   [`RewriteStats::payload_trackers_left`].
#[derive(Clone)]
pub struct TagFirewall {
    pub classifier: Rc<dyn TagClassifier>,
    /// The declined categories (empty: nothing is disarmed; scripts are still classified to
    /// find Google tags for the Consent Mode default).
    pub declined: Vec<Category>,
    /// The attribute marking a script's category, e.g. `data-dni-category`.
    pub marker_attribute: String,
    /// Most bytes of one inline script (or `<noscript>`) buffered to classify it.
    pub max_inline_script_bytes: usize,
    /// What the site's consent platform reads to run a neutralised script once its
    /// category is granted (per category; empty: only `data-consent-category`).
    pub reenable: Vec<(Category, ReenableAttribute)>,
}

/// Default [`TagFirewall::max_inline_script_bytes`]: 1 MiB.
pub const DEFAULT_MAX_INLINE_SCRIPT_BYTES: usize = 1 << 20;

impl TagFirewall {
    /// The consent platform's markup for a script neutralised under `category`.
    pub fn reenable(&self, category: Category) -> Option<&ReenableAttribute> {
        self.reenable
            .iter()
            .find(|(c, _)| *c == category)
            .map(|(_, a)| a)
    }

    /// Whether `category` is declined (`necessary` never is).
    pub fn declines(&self, category: Category) -> bool {
        category != Category::Necessary && self.declined.contains(&category)
    }

    /// The category a script is neutralised under when it is too long to classify: the
    /// most restrictive declined one.
    pub fn fail_closed_category(&self) -> Option<Category> {
        [
            Category::Marketing,
            Category::Analytics,
            Category::Functional,
        ]
        .into_iter()
        .find(|c| self.declines(*c))
    }
}

/// Where the Consent Mode block goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentModePlacement {
    /// At the top of `<head>` when the page carries a Google tag in its head (the head's
    /// output is held until its end or the first Google tag), else right before the first
    /// Google tag in the body; nowhere on pages without one.
    Auto,
    /// At the top of `<head>` (or before the first script or `<body>` when the page has no
    /// `<head>` tag) on every page.
    Always,
}

/// The Google Consent Mode default block: `<script>` + `script` + `</script>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentModeBlock {
    /// The script's text (the `gtag('consent','default',...)` call).
    pub script: String,
    /// A CSP nonce to carry, if the page's policy uses one.
    pub nonce: Option<String>,
    pub placement: ConsentModePlacement,
}

impl ConsentModeBlock {
    /// The element inserted into the page.
    pub fn html(&self) -> String {
        let mut out = String::from("<script data-dni-consent-mode");
        if let Some(nonce) = &self.nonce {
            out.push_str(" nonce=\"");
            dni_common::markup::push_escaped(&mut out, nonce);
            out.push('"');
        }
        out.push('>');
        out.push_str(&self.script);
        out.push_str("</script>");
        out
    }
}

/// Everything the rewriter needs for one response.
pub struct RewritePlan {
    /// Target -> replacement; empty = numbers untouched.
    pub swaps: Vec<(E164, E164)>,
    /// Attributes rewritten like text (see [`RewriteConfig::attributes`]); invalid names are
    /// ignored.
    pub attributes: Vec<String>,
    /// The tag firewall, if anything is declined or Google tags must be found.
    pub firewall: Option<TagFirewall>,
    /// The Consent Mode default to insert, if any.
    pub consent_mode: Option<ConsentModeBlock>,
    /// Rewrite WhatsApp click-to-chat links (see [`RewriteConfig::whatsapp_links`]).
    pub whatsapp_links: bool,
    /// Numbers in framework payloads, framework detection and the hydration guard (`None`:
    /// none of them).
    pub data: Option<DataPlan>,
}

impl RewritePlan {
    /// A plan from the site's `rewrite` configuration and this request's swaps and firewall.
    pub fn new(
        config: &RewriteConfig,
        swaps: Vec<(E164, E164)>,
        firewall: Option<TagFirewall>,
    ) -> Self {
        RewritePlan {
            swaps,
            attributes: config.attributes.clone(),
            firewall,
            consent_mode: None,
            whatsapp_links: config.whatsapp_links,
            data: Some(DataPlan::from_config(config)),
        }
    }

    /// True when the plan cannot change a byte (no swap changes a number, no firewall, no
    /// Consent Mode block): the caller may stream the body through without rewriting it.
    pub fn is_noop(&self) -> bool {
        self.firewall.is_none()
            && self.consent_mode.is_none()
            && self.swaps.iter().all(|(t, r)| t == r)
    }
}

/// What a rewrite did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RewriteStats {
    /// Numbers replaced in text, attributes and `tel:` links (the markup).
    pub numbers_swapped: u32,
    /// Numbers replaced in framework payloads (inline data, island props).
    pub data_numbers_swapped: u32,
    /// Numbers found in payloads but left: in an excluded key, or a replacement that does
    /// not fit digit for digit.
    pub data_numbers_skipped: u32,
    /// Inline scripts not recognised as a payload that contain a target number (the page's
    /// client may render the original number from them: add their global to
    /// `data_globals`, or rely on the hydration guard).
    pub payloads_unrecognised: u32,
    /// The framework whose payloads or assets the page carries (the most specific seen).
    pub framework: Option<Framework>,
    /// The hydration guard was inserted.
    pub hydration_guard_inserted: bool,
    /// `<script src>` and marked scripts neutralised.
    pub scripts_neutralised: u32,
    /// Inline scripts neutralised for their content.
    pub inline_scripts_neutralised: u32,
    /// Inline scripts too long to classify, neutralised (fail closed).
    pub inline_scripts_over_limit: u32,
    /// Framework payload scripts (`self.__next_f.push`, `window.__NUXT__`, ... see
    /// [`Framework`]) holding a declined vendor's snippet signature, left intact: the
    /// framework needs its data to hydrate, and runs what `next/script` or `useHead` put
    /// there itself (the site must gate those tags with its CMP).
    pub payload_trackers_left: u32,
    /// Pixels, preloads and images disarmed (`<img>`, `<source>`, `<link>`, ...).
    pub pixels_disarmed: u32,
    /// Frames disarmed (`<iframe>`, `<embed>`, `<object>`).
    pub frames_disarmed: u32,
    /// The Consent Mode default was inserted.
    pub consent_mode_inserted: bool,
    /// XHTML pages: self-closed raw-text elements (`<script …/>`, `<iframe …/>`, ...) given
    /// an end tag so the HTML tokenizer reads the rest of the page as markup, as the
    /// browser's XML parser does.
    pub xhtml_self_closed_fixed: u32,
    /// lol_html hit its memory limit: the rest of the page after that point was passed
    /// through unchanged (graceful bail-out).
    pub bailed_out: bool,
}
