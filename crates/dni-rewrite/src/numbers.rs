//! Phone numbers in text nodes, `tel:` links and the configured attributes.

use std::cell::{Cell, RefCell};

use dni_numbers::NumberSwapper;
use lol_html::html_content::{Element, TextChunk, TextType};
use lol_html::HandlerResult;

use crate::plan::RewriteStats;

/// Elements whose text is never rewritten: raw-text and form elements, and `[data-dni-skip]`
/// with everything inside it. (`<script>` text is recognised by its text type.)
pub(crate) const SKIP_TEXT_SELECTOR: &str =
    "[data-dni-skip], textarea, style, xmp, iframe, noembed, noframes, plaintext";
/// Elements whose attributes are never rewritten.
pub(crate) const SKIP_ELEMENT_SELECTOR: &str = "[data-dni-skip], [data-dni-skip] *";

/// The number-swapping state of one rewrite.
pub(crate) struct Numbers {
    pub swapper: NumberSwapper,
    pub attributes: Vec<String>,
    pub max_text_node_bytes: usize,
    /// Set by a skip handler for the chunk being dispatched, read by the text handler.
    pub skip_this_text: Cell<bool>,
    /// Start offset of the element being dispatched when it is inside `[data-dni-skip]`.
    pub skip_element_at: Cell<Option<usize>>,
    /// The current text node so far (chunks already suppressed from the output).
    text: RefCell<String>,
    /// The current text node outgrew the buffer and is passing through.
    passing_over: Cell<bool>,
}

impl Numbers {
    pub(crate) fn new(
        swapper: NumberSwapper,
        attributes: Vec<String>,
        max_text_node_bytes: usize,
    ) -> Numbers {
        Numbers {
            swapper,
            attributes,
            max_text_node_bytes,
            skip_this_text: Cell::new(false),
            skip_element_at: Cell::new(None),
            text: RefCell::new(String::new()),
            passing_over: Cell::new(false),
        }
    }

    pub(crate) fn on_text(&self, chunk: &mut TextChunk<'_>, stats: &Cell<RewriteStats>) {
        let skipped = self.skip_this_text.replace(false);
        let last = chunk.last_in_text_node();
        if skipped
            || !matches!(
                chunk.text_type(),
                TextType::Data | TextType::RCData | TextType::RawText
            )
        {
            return;
        }
        if self.passing_over.get() {
            self.passing_over.set(!last);
            return;
        }
        let count = |n: u32| {
            let mut s = stats.get();
            s.numbers_swapped += n;
            stats.set(s);
        };
        let mut buf = self.text.borrow_mut();
        if buf.is_empty() && last {
            // The whole node in one chunk: the common case, no copy unless a number changes.
            if let Some(s) = self.swapper.swap_in_text(chunk.as_str()) {
                chunk.set_str(s.text);
                count(s.count);
            }
            return;
        }
        if buf.len() + chunk.as_str().len() > self.max_text_node_bytes {
            let mut raw = std::mem::take(&mut *buf);
            raw.push_str(chunk.as_str());
            chunk.set_str(raw);
            self.passing_over.set(!last);
            let mut s = stats.get();
            s.text_nodes_passed_over += 1;
            stats.set(s);
            return;
        }
        buf.push_str(chunk.as_str());
        if !last {
            chunk.set_str(String::new());
            return;
        }
        let whole = std::mem::take(&mut *buf);
        match self.swapper.swap_in_text(&whole) {
            Some(s) => {
                count(s.count);
                chunk.set_str(s.text);
            }
            None => chunk.set_str(whole),
        }
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
            if let Some(new) = self.swapper.replace_in_tel(&href) {
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
        if swapped > 0 {
            let mut s = stats.get();
            s.numbers_swapped += swapped;
            stats.set(s);
        }
        Ok(())
    }
}
