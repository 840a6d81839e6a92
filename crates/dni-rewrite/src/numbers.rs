//! Phone numbers in text, `tel:` links, WhatsApp links and the configured attributes.
//!
//! Text streams through a [`dni_numbers::TextStream`] (kept in the [`Output`], with the
//! text it holds): lol_html hands over text in chunks (a text node
//! cut by the network, or by lol_html's own buffers) and pieces (the text nodes between
//! inline elements, see [`crate::inline`]). Text goes out as it arrives; only a tail that
//! could still be (the start of) a number is held, in slots of the [`Output`] with the
//! markup after it, until the number is decided. There is no limit on the length of a text
//! node, and a number split across inline elements (`<span>(555)</span> 123-4567`) is
//! swapped digit for digit with its tags untouched. Text ends, for a number, at any other
//! markup (a block element, `<br>`, a script), at text that is not rewritten (scripts,
//! styles, `[data-dni-skip]`), and at the end of the document.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use dni_numbers::{NumberSwapper, TextStep};
use lol_html::html_content::{Element, TextChunk, TextType};
use lol_html::HandlerResult;

use crate::inline::{inline_only, opens_superscript};
use crate::plan::RewriteStats;
use crate::sink::Output;

/// Elements whose text is never rewritten: raw-text and form elements, and `[data-dni-skip]`
/// with everything inside it. Most are recognised by their text type in [`Numbers::on_text`]
/// (HTML's `style`, `xmp`, `noembed`, `noframes` hold raw text, `plaintext` plain text,
/// `script` script data): a tag test per start tag each fewer. Inside `<svg>` and `<math>`
/// (foreign content) they hold ordinary text, so they are selected there; `textarea`
/// (RCDATA like `title`, which is rewritten) and `iframe` (shared with the firewall's
/// selector) everywhere. `noscript` raw text is rewritten: [`NOSCRIPT_SELECTOR`] marks it.
pub(crate) const SKIP_TEXT_SELECTOR: &str = "[data-dni-skip], textarea, iframe, \
     svg style, svg xmp, svg noembed, svg noframes, svg plaintext, \
     math style, math xmp, math noembed, math noframes, math plaintext";
/// The one element whose raw text is rewritten (the firewall's selector for its content too).
pub(crate) const NOSCRIPT_SELECTOR: &str = "noscript";
/// Elements whose attributes are never rewritten.
pub(crate) const SKIP_ELEMENT_SELECTOR: &str = "[data-dni-skip], [data-dni-skip] *";
/// Links whose `href` may hold a number: `tel:` URIs (anywhere in the value: a leading
/// space is allowed), and with WhatsApp links on, click-to-chat URLs.
const TEL_SELECTOR: &str = "[href*=\"tel:\" i]";
const WHATSAPP_SELECTOR: &str =
    "[href*=\"wa.me/\" i], [href*=\"whatsapp.com/send\" i], [href^=\"whatsapp:\" i]";

/// The number-swapping state of one rewrite.
pub(crate) struct Numbers {
    pub swapper: Rc<NumberSwapper>,
    pub attributes: Vec<String>,
    /// Rewrite WhatsApp click-to-chat links (`rewrite.whatsapp_links`).
    pub whatsapp: bool,
    /// Set by a skip handler for the chunk being dispatched, read by the text handler.
    pub skip_this_text: Cell<bool>,
    /// Set by the `noscript` handler for the chunk being dispatched (raw text that is
    /// rewritten), read by the text handler.
    pub noscript_text: Cell<bool>,
    /// Start offset of the element being dispatched when it is inside `[data-dni-skip]`.
    pub skip_element_at: Cell<Option<usize>>,
    /// The last chunk ended its text node: markup comes before the next chunk.
    after_node: Cell<bool>,
}

fn count(stats: &Cell<RewriteStats>, n: u32) {
    if n > 0 {
        let mut s = stats.get();
        s.numbers_swapped += n;
        stats.set(s);
    }
}

impl Numbers {
    pub(crate) fn new(swapper: NumberSwapper, attributes: Vec<String>, whatsapp: bool) -> Numbers {
        Numbers {
            swapper: Rc::new(swapper),
            attributes,
            whatsapp,
            skip_this_text: Cell::new(false),
            noscript_text: Cell::new(false),
            skip_element_at: Cell::new(None),
            after_node: Cell::new(true),
        }
    }

    /// The selector of the elements whose attributes are looked at.
    pub(crate) fn attribute_selector(&self) -> String {
        let mut selector = String::from(TEL_SELECTOR);
        if self.whatsapp {
            selector.push_str(", ");
            selector.push_str(WHATSAPP_SELECTOR);
        }
        for a in &self.attributes {
            selector.push_str(", [");
            selector.push_str(a);
            selector.push(']');
        }
        selector
    }

    pub(crate) fn on_text(
        &self,
        chunk: &mut TextChunk<'_>,
        stats: &Cell<RewriteStats>,
        out: &RefCell<Output>,
    ) {
        let skipped = self.skip_this_text.replace(false);
        let noscript = self.noscript_text.replace(false);
        let rewritten = !skipped
            && match chunk.text_type() {
                TextType::Data | TextType::RCData => true,
                // `style`, `xmp`, `iframe`, `noembed`, `noframes`: never; `noscript`: yes.
                TextType::RawText => noscript,
                _ => false,
            };
        // lol_html ends most text nodes with an empty chunk: nothing to read, and the next
        // text still comes after this node's markup if this chunk did.
        let empty = rewritten && chunk.as_str().is_empty();
        let new_node = self.after_node.get();
        self.after_node
            .set(chunk.last_in_text_node() || (empty && new_node));
        let Ok(mut out) = out.try_borrow_mut() else {
            return;
        };
        // The markup limit may have ended the held text (the stream was decided then).
        let mut swapped = out.take_text_broken().unwrap_or(0);
        let holding = out.text_stream(&self.swapper).holding();
        let ends_text = !rewritten
            || (new_node && holding && {
                let markup = out.markup_since_text();
                !inline_only(markup)
                    || (opens_superscript(markup)
                        && chunk.as_str().starts_with(|c: char| {
                            c.is_ascii_digit() || ('０'..='９').contains(&c)
                        })
                        && out.text_stream(&self.swapper).ends_with_digit())
            });
        if ends_text {
            swapped += end_text(&self.swapper, &mut out);
        }
        if rewritten && !empty {
            let step = out
                .text_stream(&self.swapper)
                .push(&self.swapper, new_node, chunk.as_str());
            match step {
                TextStep::Direct { text, count } => {
                    if let Some(t) = text {
                        chunk.set_str(t);
                    }
                    swapped += count;
                }
                TextStep::Held {
                    joins_last,
                    texts,
                    open,
                    count,
                } => {
                    if !joins_last || out.text_slots() == 0 {
                        out.open_text_slot();
                    }
                    out.fill_text_slots(&texts, open);
                    out.text_stream(&self.swapper).recycle(texts);
                    chunk.set_str(String::new());
                    swapped += count;
                }
                TextStep::HeldAfter { decided } => {
                    // The decided text goes out from the chunk (no copy of it made), the
                    // rest is held in a new slot after it.
                    out.push_text(chunk.as_str().get(..decided).unwrap_or(""));
                    out.open_text_slot();
                    chunk.set_str(String::new());
                }
            }
        }
        count(stats, swapped);
    }

    /// The end of the document (or a bail-out): held text is decided.
    pub(crate) fn on_end(&self, stats: &Cell<RewriteStats>, out: &RefCell<Output>) {
        let Ok(mut out) = out.try_borrow_mut() else {
            return;
        };
        let mut swapped = out.take_text_broken().unwrap_or(0);
        swapped += end_text(&self.swapper, &mut out);
        count(stats, swapped);
    }

    pub(crate) fn on_attributes(
        &self,
        el: &mut Element<'_, '_>,
        stats: &Cell<RewriteStats>,
    ) -> HandlerResult {
        let here = el.source_location().bytes().start;
        if self.skip_element_at.get() == Some(here) {
            return Ok(());
        }
        let mut swapped = 0;
        if let Some(href) = el.get_attribute("href") {
            let new = self.swapper.replace_in_tel(&href).or_else(|| {
                self.whatsapp
                    .then(|| self.swapper.replace_in_whatsapp(&href))
                    .flatten()
            });
            if let Some(new) = new {
                el.set_attribute("href", &new)?;
                swapped += 1;
            }
        }
        for name in &self.attributes {
            if let Some(value) = el.get_attribute(name) {
                if let Some(new) = self.swapper.swap_in_text(&value) {
                    el.set_attribute(name, &new.text)?;
                    swapped += new.count;
                }
            }
        }
        count(stats, swapped);
        Ok(())
    }
}

/// The text ends: every held piece is decided and goes out.
fn end_text(sw: &Rc<NumberSwapper>, out: &mut Output) -> u32 {
    let resolved = out.text_stream(sw).finish(sw);
    if out.text_slots() > 0 {
        out.fill_text_slots(&resolved.texts, false);
    }
    out.text_stream(sw).recycle(resolved.texts);
    resolved.count
}
