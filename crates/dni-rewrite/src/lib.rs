//! The streaming HTML rewriter of consent-dni (lol_html): phone numbers in text, `tel:`
//! links and configured attributes are swapped to the visitor's numbers, tracking vendors'
//! `<script>` tags of declined categories are neutralised, everything else passes through
//! byte for byte. Pure: bytes in, bytes out; no Workers types.
//!
//! # What is rewritten
//! * Text, as it streams, holding back only what could still be a number (see
//!   [`dni_numbers::TextStream`]): a number split across input chunks or across inline
//!   elements (`<span>(555)</span> 123-4567`, see [`INLINE_ELEMENTS`]) is found and
//!   swapped digit for digit, the tags untouched; including `<title>` and `<noscript>`
//!   content. No limit on the length of a text node.
//! * `href="tel:..."` on any element, WhatsApp click-to-chat links when
//!   `whatsapp_links` is on, and the configured attributes (`aria-label`, `title`,
//!   `data-phone` by default).
//!
//! # What is left alone
//! `<script>` of any type (JSON-LD keeps the real number), `<style>`, `<textarea>`, `<xmp>`,
//! `<iframe>`, `<noembed>`, `<noframes>`, `<plaintext>`, comments, CDATA, and every element
//! inside an element with a `data-dni-skip` attribute (nesting is tracked by lol_html's
//! selector engine, including void elements and implicitly closed ones).
//!
//! # Known limits
//! * A number split across elements other than the inline formatting ones (a `<td>`, a
//!   `<div>`, a `<br>` between its digits), or with more than [`MAX_HELD_MARKUP`] bytes of
//!   markup between its digits, is not found.
//! * A number split across elements whose replacement has another number of digits (a
//!   tracking number of another country or length) is left as it is: only digit-for-digit
//!   replacement keeps the tags where they are.
//! * Around a number, element boundaries are neutral: `<b>ID</b>5551234567` matches, as
//!   the text `ID 5551234567` would (within one text node `ID5551234567` does not).
//! * Digits join across inline elements, and an element boundary between two digits also
//!   counts as a space: a number may end or start there (`<span>OR 97214</span><span>(503)
//!   555-0142</span>`, `<span>Unit 12</span><span>503-555-0142</span>`, a flex or grid layout
//!   with no whitespace in the markup), and a `<sup>` start tag between a digit and a digit
//!   ends the number (`503-555-0142<sup>1</sup>`).
//! * lol_html runs non-strict: markup it cannot parse unambiguously without a DOM
//!   (`<select><xmp><script>`) is rewritten by its best guess instead of failing.
//! * Text handlers make lol_html re-encode text nodes from UTF-8 to the page's encoding;
//!   for ASCII-compatible encodings this is lossless except for byte sequences that are
//!   invalid in the page's encoding (they come out as the encoding of U+FFFD). A page that
//!   declares no charset is read in UTF-8 only when its first bytes hold UTF-8 beyond ASCII,
//!   else in windows-1252, where no byte is invalid ([`encoding_for_undeclared`]).

mod config;
mod consent_mode;
mod crawler;
mod data_response;
mod encoding;
mod firewall;
mod handlers;
mod held_text;
mod inline;
mod list_classifier;
mod numbers;
mod payload;
mod plan;
mod rewriter;
mod script;
mod script_tag;
mod shared;
mod sink;
mod window;
mod xhtml;

pub use config::{GuardMode, RewriteConfig};
pub use consent_mode::MAX_HELD_HEAD_BYTES;
pub use crawler::{is_crawler, BUILT_IN_CRAWLERS};
pub use data_response::{BodyRewriter, DataRewriter};
pub use encoding::{
    encoding_for_content_type, encoding_for_undeclared, page_encoding, utf8_content_type,
    PageEncoding, UnsupportedEncoding, UNDECLARED_SNIFF_BYTES,
};
pub use firewall::MAX_NOSCRIPT_BYTES;
pub use held_text::MAX_HELD_MARKUP;
pub use inline::INLINE_ELEMENTS;
pub use list_classifier::ListClassifier;
pub use payload::{DataPlan, Framework, GuardPlacement, HydrationGuard};
pub use plan::{
    ConsentModeBlock, ConsentModePlacement, RewritePlan, RewriteStats, TagClassifier, TagFirewall,
    TagInfo, DEFAULT_MAX_INLINE_SCRIPT_BYTES,
};
pub use rewriter::{RewriteError, StreamRewriter, LOL_HTML_MEMORY_LIMIT};
