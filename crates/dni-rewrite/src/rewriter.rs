//! [`StreamRewriter`]: the lol_html rewriter with our handlers, fed chunk by chunk.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use dni_common::Category;
use dni_numbers::NumberSwapper;
use lol_html::errors::RewritingError;
use lol_html::html_content::{Element, TextChunk, TextType};
use lol_html::{
    ElementContentHandlers, HandlerResult, HtmlRewriter, MemorySettings, OutputSink, Selector,
    Settings,
};

use crate::config::is_valid_attribute_name;
use crate::encoding::{encoding_for_content_type, UnsupportedEncoding};
use crate::plan::{RewritePlan, RewriteStats, ScriptPolicy};

/// lol_html's own memory limit (its parsing buffers: a huge tag or attribute). Past it the
/// rewriter bails out gracefully: the rest of the page streams through unchanged.
pub const LOL_HTML_MEMORY_LIMIT: usize = 4 * 1024 * 1024;

/// Elements whose text is never rewritten: raw-text and form elements, and `[data-dni-skip]`
/// with everything inside it. (`<script>` text is recognised by its text type.)
const SKIP_TEXT_SELECTOR: &str =
    "[data-dni-skip], textarea, style, xmp, iframe, noembed, noframes, plaintext";
/// Elements whose attributes are never rewritten.
const SKIP_ELEMENT_SELECTOR: &str = "[data-dni-skip], [data-dni-skip] *";

/// Rewriting failed; the output so far is incomplete. The caller ends the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RewriteError {
    /// lol_html reported an error (the message); the rewriter is unusable from now on.
    Rewriting(String),
    /// The rewriter was used again after an error.
    Poisoned,
}

impl fmt::Display for RewriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rewriting(m) => write!(f, "HTML rewriting failed: {m}"),
            Self::Poisoned => write!(f, "HTML rewriter used after an earlier error"),
        }
    }
}

impl std::error::Error for RewriteError {}

/// State shared by the handlers of one rewrite.
struct Shared {
    swapper: NumberSwapper,
    attributes: Vec<String>,
    max_text_node_bytes: usize,
    /// Set by the skip-text handler for the chunk being dispatched, read by the text handler.
    skip_this_text: Cell<bool>,
    /// Start offset of the element being dispatched when it is inside `[data-dni-skip]`.
    skip_element_at: Cell<Option<usize>>,
    /// The current text node so far (chunks already suppressed from the output).
    text: RefCell<String>,
    /// The current text node outgrew the buffer and is passing through.
    passing_over: Cell<bool>,
    stats: Cell<RewriteStats>,
}

impl Shared {
    fn count(&self, f: impl FnOnce(&mut RewriteStats)) {
        let mut s = self.stats.get();
        f(&mut s);
        self.stats.set(s);
    }

    fn on_text(&self, chunk: &mut TextChunk<'_>) {
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
        let mut buf = self.text.borrow_mut();
        if buf.is_empty() && last {
            // The whole node in one chunk: the common case, no copy unless a number changes.
            if let Some(s) = self.swapper.swap_in_text(chunk.as_str()) {
                chunk.set_str(s.text);
                self.count(|st| st.numbers_swapped += s.count);
            }
            return;
        }
        if buf.len() + chunk.as_str().len() > self.max_text_node_bytes {
            let mut raw = std::mem::take(&mut *buf);
            raw.push_str(chunk.as_str());
            chunk.set_str(raw);
            self.passing_over.set(!last);
            self.count(|st| st.text_nodes_passed_over += 1);
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
                self.count(|st| st.numbers_swapped += s.count);
                chunk.set_str(s.text);
            }
            None => chunk.set_str(whole),
        }
    }

    fn on_attributes(&self, el: &mut Element<'_, '_>) -> HandlerResult {
        let here = el.source_location().bytes().start;
        if self.skip_element_at.get() == Some(here) {
            return Ok(());
        }
        if let Some(href) = el.get_attribute("href") {
            if let Some(new) = self.swapper.replace_in_tel(&href) {
                el.set_attribute("href", &new)?;
                self.count(|st| st.numbers_swapped += 1);
            }
        }
        for name in &self.attributes {
            if let Some(value) = el.get_attribute(name) {
                if let Some(new) = self.swapper.swap_in_text(&value) {
                    el.set_attribute(name, &new.text)?;
                    self.count(|st| st.numbers_swapped += new.count);
                }
            }
        }
        Ok(())
    }

    fn on_script(&self, policy: &ScriptPolicy, el: &mut Element<'_, '_>) -> HandlerResult {
        let original_type = el.get_attribute("type");
        if original_type
            .as_deref()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/plain"))
        {
            return Ok(());
        }
        let from_src = el
            .get_attribute("src")
            .and_then(|src| (policy.blocked_src)(&src));
        let category = from_src.or_else(|| {
            let marked: Category = el
                .get_attribute(&policy.inline_attribute)?
                .trim()
                .parse()
                .ok()?;
            policy.declined.contains(&marked).then_some(marked)
        });
        let Some(category) = category else {
            return Ok(());
        };
        if let Some(t) = original_type {
            el.set_attribute("data-dni-original-type", &t)?;
        }
        el.set_attribute("type", "text/plain")?;
        el.set_attribute("data-consent-category", category.as_str())?;
        self.count(|st| st.scripts_neutralised += 1);
        Ok(())
    }
}

/// Output sink collecting lol_html's output for coalescing.
struct SharedSink(Rc<RefCell<Vec<u8>>>);

impl OutputSink for SharedSink {
    fn handle_chunk(&mut self, chunk: &[u8]) {
        self.0.borrow_mut().extend_from_slice(chunk);
    }
}

type Handlers = (Cow<'static, Selector>, ElementContentHandlers<'static>);

fn handlers(selector: &str, h: ElementContentHandlers<'static>) -> Option<Handlers> {
    Some((Cow::Owned(selector.parse::<Selector>().ok()?), h))
}

/// Streams one HTML response through lol_html with the plan's handlers: bytes in, bytes out,
/// in the page's own encoding.
///
/// Output is coalesced: [`write`](Self::write) returns a chunk only once at least
/// `output_chunk_bytes` are ready (each chunk handed to the runtime costs a JS↔wasm hop);
/// [`flush`](Self::flush) returns whatever is ready (call it when the input is idle so the
/// first bytes leave early).
pub struct StreamRewriter {
    inner: Option<HtmlRewriter<'static, SharedSink>>,
    out: Rc<RefCell<Vec<u8>>>,
    shared: Rc<Shared>,
    output_chunk_bytes: usize,
    /// After a graceful bail-out: input goes straight to the output.
    passthrough: bool,
    poisoned: bool,
}

impl StreamRewriter {
    /// `content_type` is the response's Content-Type; `Err(UnsupportedEncoding)` for a
    /// charset lol_html cannot handle (UTF-16, ISO-2022-JP, unknown labels): the caller then
    /// passes the body through untouched.
    pub fn new(
        plan: RewritePlan,
        content_type: &str,
        output_chunk_bytes: usize,
    ) -> Result<Self, UnsupportedEncoding> {
        let encoding = encoding_for_content_type(content_type)?;
        let attributes: Vec<String> = plan
            .attributes
            .into_iter()
            .filter(|a| is_valid_attribute_name(a) && !a.eq_ignore_ascii_case("href"))
            .map(|a| a.to_ascii_lowercase())
            .collect();
        let shared = Rc::new(Shared {
            swapper: NumberSwapper::new(&plan.swaps),
            attributes,
            max_text_node_bytes: plan.max_text_node_bytes,
            skip_this_text: Cell::new(false),
            skip_element_at: Cell::new(None),
            text: RefCell::new(String::new()),
            passing_over: Cell::new(false),
            stats: Cell::new(RewriteStats::default()),
        });
        let mut element_handlers: Vec<Handlers> = Vec::new();
        let mut settings = Settings::new()
            .with_encoding(encoding)
            .with_strict(false)
            .with_memory_settings(
                MemorySettings::new()
                    .with_max_allowed_memory_usage(LOL_HTML_MEMORY_LIMIT)
                    .with_graceful_bail_out_on_memory_limit_exceeded(true),
            );
        if !shared.swapper.is_empty() {
            let s = shared.clone();
            element_handlers.extend(handlers(
                SKIP_ELEMENT_SELECTOR,
                ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
                    s.skip_element_at
                        .set(Some(el.source_location().bytes().start));
                    Ok(())
                }),
            ));
            let s = shared.clone();
            element_handlers.extend(handlers(
                SKIP_TEXT_SELECTOR,
                ElementContentHandlers::default().text(move |_: &mut TextChunk<'_>| {
                    s.skip_this_text.set(true);
                    Ok(())
                }),
            ));
            let mut selector = String::from("[href^=\"tel:\" i]");
            for a in &shared.attributes {
                selector.push_str(", [");
                selector.push_str(a);
                selector.push(']');
            }
            let s = shared.clone();
            element_handlers.extend(handlers(
                &selector,
                ElementContentHandlers::default()
                    .element(move |el: &mut Element<'_, '_>| s.on_attributes(el)),
            ));
            let s = shared.clone();
            settings = settings.append_document_content_handler(
                lol_html::DocumentContentHandlers::default().text(move |t: &mut TextChunk<'_>| {
                    s.on_text(t);
                    Ok(())
                }),
            );
        }
        if let Some(policy) = plan.scripts {
            let s = shared.clone();
            element_handlers.extend(handlers(
                "script",
                ElementContentHandlers::default()
                    .element(move |el: &mut Element<'_, '_>| s.on_script(&policy, el)),
            ));
        }
        for (selector, h) in element_handlers {
            settings = settings.append_element_content_handler((selector, h));
        }
        let out = Rc::new(RefCell::new(Vec::with_capacity(output_chunk_bytes)));
        let inner = HtmlRewriter::new(settings, SharedSink(out.clone()));
        Ok(StreamRewriter {
            inner: Some(inner),
            out,
            shared,
            output_chunk_bytes,
            passthrough: false,
            poisoned: false,
        })
    }

    /// Feeds input; returns a coalesced output chunk once at least `output_chunk_bytes` are
    /// ready.
    pub fn write(&mut self, chunk: &[u8]) -> Result<Option<Vec<u8>>, RewriteError> {
        if self.poisoned {
            return Err(RewriteError::Poisoned);
        }
        if self.passthrough {
            self.out.borrow_mut().extend_from_slice(chunk);
        } else if let Some(inner) = self.inner.as_mut() {
            if let Err(e) = inner.write(chunk) {
                self.on_error(e)?;
            }
        }
        let ready = self.out.borrow().len() >= self.output_chunk_bytes.max(1);
        Ok(if ready { self.take_output() } else { None })
    }

    /// Whether some output is ready but not yet returned (the caller may flush it when the
    /// input goes idle).
    pub fn has_pending_output(&self) -> bool {
        !self.out.borrow().is_empty()
    }

    /// Flushes everything that is ready now (even if small), e.g. when input is idle: keeps
    /// TTFB low. `None` when nothing is ready.
    pub fn flush(&mut self) -> Option<Vec<u8>> {
        self.take_output()
    }

    /// Ends the input; returns the rest of the output and the statistics.
    pub fn end(mut self) -> Result<(Vec<u8>, RewriteStats), RewriteError> {
        if self.poisoned {
            return Err(RewriteError::Poisoned);
        }
        if let Some(inner) = self.inner.take() {
            if let Err(e) = inner.end() {
                self.on_error(e)?;
            }
        }
        let rest = std::mem::take(&mut *self.out.borrow_mut());
        Ok((rest, self.shared.stats.get()))
    }

    /// Statistics so far.
    pub fn stats(&self) -> RewriteStats {
        self.shared.stats.get()
    }

    fn take_output(&mut self) -> Option<Vec<u8>> {
        let mut out = self.out.borrow_mut();
        if out.is_empty() {
            return None;
        }
        Some(std::mem::replace(
            &mut *out,
            Vec::with_capacity(self.output_chunk_bytes),
        ))
    }

    /// After any lol_html error the rewriter must not be called again: drop it. A memory
    /// limit bail-out has flushed the unprocessed input raw, so the stream goes on unchanged.
    fn on_error(&mut self, e: RewritingError) -> Result<(), RewriteError> {
        self.inner = None;
        if matches!(e, RewritingError::MemoryLimitExceeded(_)) {
            self.passthrough = true;
            self.shared.count(|st| st.bailed_out = true);
            Ok(())
        } else {
            self.poisoned = true;
            Err(RewriteError::Rewriting(e.to_string()))
        }
    }
}
