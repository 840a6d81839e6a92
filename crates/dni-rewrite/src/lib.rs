//! The streaming HTML rewriter of consent-dni (lol_html): phone numbers in text, `tel:`
//! links and configured attributes are swapped to the visitor's numbers, tracking vendors'
//! `<script>` tags of declined categories are neutralised, everything else passes through
//! byte for byte. Pure: bytes in, bytes out; no Workers types.
//!
//! # What is rewritten
//! * Text nodes (each buffered to its end, up to `max_text_node_bytes`, so a number split
//!   across input chunks is found), including `<title>` and `<noscript>` content.
//! * `href="tel:..."` on any element, and the configured attributes (`aria-label`, `title`,
//!   `data-phone` by default).
//!
//! # What is left alone
//! `<script>` of any type (JSON-LD keeps the real number), `<style>`, `<textarea>`, `<xmp>`,
//! `<iframe>`, `<noembed>`, `<noframes>`, `<plaintext>`, comments, CDATA, and every element
//! inside an element with a `data-dni-skip` attribute (nesting is tracked by lol_html's
//! selector engine, including void elements and implicitly closed ones).
//!
//! # Known limits
//! * A number split across inline elements (`<span>(555)</span> 123-4567`) is not found:
//!   matching works within one text node.
//! * A text node interrupted by a comment is two text nodes.
//! * lol_html runs non-strict: markup it cannot parse unambiguously without a DOM
//!   (`<select><xmp><script>`) is rewritten by its best guess instead of failing.
//! * Text handlers make lol_html re-encode text nodes from UTF-8 to the page's encoding;
//!   for ASCII-compatible encodings this is lossless except for byte sequences that are
//!   invalid in the page's encoding (they come out as the encoding of U+FFFD).

mod config;
mod consent_mode;
mod crawler;
mod encoding;
mod firewall;
mod list_classifier;
mod numbers;
mod plan;
mod rewriter;
mod sink;
mod window;

pub use config::{
    RewriteConfig, DEFAULT_MAX_TEXT_NODE_BYTES, MAX_MAX_TEXT_NODE_BYTES, MIN_MAX_TEXT_NODE_BYTES,
};
pub use consent_mode::MAX_HELD_HEAD_BYTES;
pub use crawler::{is_crawler, BUILT_IN_CRAWLERS};
pub use encoding::{encoding_for_content_type, UnsupportedEncoding};
pub use firewall::MAX_NOSCRIPT_BYTES;
pub use list_classifier::ListClassifier;
pub use plan::{
    ConsentModeBlock, ConsentModePlacement, RewritePlan, RewriteStats, TagClassifier, TagFirewall,
    TagInfo, DEFAULT_MAX_INLINE_SCRIPT_BYTES,
};
pub use rewriter::{RewriteError, StreamRewriter, LOL_HTML_MEMORY_LIMIT};
