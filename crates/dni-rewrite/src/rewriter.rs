//! [`StreamRewriter`]: the lol_html rewriter with our handlers, fed chunk by chunk.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use dni_numbers::NumberSwapper;
use lol_html::errors::RewritingError;
use lol_html::html_content::{ContentType, Element, EndTag, TextChunk};
use lol_html::{
    AsciiCompatibleEncoding, DocumentContentHandlers, ElementContentHandlers, HtmlRewriter,
    MemorySettings, OutputSink, Selector, Settings,
};

use crate::config::is_valid_attribute_name;
use crate::consent_mode::ConsentMode;
use crate::encoding::{
    encoding_for_content_type, encoding_for_undeclared, UnsupportedEncoding, UNDECLARED_SNIFF_BYTES,
};
use crate::firewall::{Firewall, NestedPlan};
use crate::numbers::{Numbers, SKIP_ELEMENT_SELECTOR, SKIP_TEXT_SELECTOR};
use crate::payload::{framework_of_element, DataPlan, GuardPlacement, FRAMEWORK_MARKER_SELECTOR};
use crate::plan::{RewritePlan, RewriteStats};
use crate::script::Scripts;
use crate::sink::Output;

/// lol_html's own memory limit (its parsing buffers: a huge tag or attribute). Past it the
/// rewriter bails out gracefully: the rest of the page streams through unchanged (counted
/// in [`RewriteStats::bailed_out`] for the operator).
pub const LOL_HTML_MEMORY_LIMIT: usize = 4 * 1024 * 1024;

/// Elements whose URL attributes the firewall checks.
const RESOURCE_SELECTOR: &str = "img, source, iframe, frame, embed, object, video, audio, \
     input[type=image i], link[rel], a[ping], area[ping], image, [background]";

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
pub(crate) struct Shared {
    pub numbers: Option<Numbers>,
    pub firewall: Option<Firewall>,
    pub consent: Option<RefCell<ConsentMode>>,
    pub data: Option<DataPlan>,
    pub scripts: Scripts,
    pub guard_inserted: Cell<bool>,
    /// A data island just had a number swapped: the guard goes after its end tag.
    pub guard_after_script: Cell<bool>,
    pub out: Rc<RefCell<Output>>,
    pub stats: Cell<RewriteStats>,
}

/// Output sink collecting lol_html's output for coalescing.
struct SharedSink(Rc<RefCell<Output>>);

impl OutputSink for SharedSink {
    fn handle_chunk(&mut self, chunk: &[u8]) {
        self.0.borrow_mut().push(chunk);
    }

    /// Held number text is written in the encoding lol_html writes in.
    fn set_encoding(&mut self, encoding: AsciiCompatibleEncoding) {
        self.0.borrow_mut().set_encoding(encoding.into());
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
/// first bytes leave early). Output held for the Consent Mode block (the top of `<head>`)
/// is returned once its place is decided.
pub struct StreamRewriter {
    inner: Option<HtmlRewriter<'static, SharedSink>>,
    /// The response named no charset: lol_html is built once the first
    /// [`UNDECLARED_SNIFF_BYTES`] (or the whole body) have arrived, which choose the encoding
    /// ([`encoding_for_undeclared`]); until then the input waits here.
    undeclared: Option<(Settings<'static, 'static>, Vec<u8>)>,
    out: Rc<RefCell<Output>>,
    shared: Rc<Shared>,
    output_chunk_bytes: usize,
    /// After a graceful bail-out: input goes straight to the output.
    passthrough: bool,
    poisoned: bool,
    /// XHTML: self-closed `<script/>`, `<iframe/>`, ... get end tags before the HTML
    /// tokenizer (see [`crate::xhtml`]).
    xhtml: Option<crate::xhtml::SelfClosing>,
}

fn number_handlers(
    shared: &Rc<Shared>,
    numbers: &Numbers,
    out: &mut Vec<Handlers>,
) -> Option<DocumentContentHandlers<'static>> {
    if numbers.swapper.is_empty() {
        return None;
    }
    let s = shared.clone();
    out.extend(handlers(
        SKIP_ELEMENT_SELECTOR,
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
            if let Some(n) = &s.numbers {
                n.skip_element_at
                    .set(Some(el.source_location().bytes().start));
            }
            Ok(())
        }),
    ));
    let s = shared.clone();
    out.extend(handlers(
        SKIP_TEXT_SELECTOR,
        ElementContentHandlers::default().text(move |_: &mut TextChunk<'_>| {
            if let Some(n) = &s.numbers {
                n.skip_this_text.set(true);
            }
            Ok(())
        }),
    ));
    let selector = numbers.attribute_selector();
    let s = shared.clone();
    out.extend(handlers(
        &selector,
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
            match &s.numbers {
                Some(n) => n.on_attributes(el, &s.stats),
                None => Ok(()),
            }
        }),
    ));
    let s = shared.clone();
    let e = shared.clone();
    Some(
        DocumentContentHandlers::default()
            .text(move |t: &mut TextChunk<'_>| {
                if let Some(n) = &s.numbers {
                    n.on_text(t, &s.stats, &s.out);
                }
                Ok(())
            })
            .end(move |_: &mut lol_html::html_content::DocumentEnd<'_>| {
                if let Some(n) = &e.numbers {
                    n.on_end(&e.stats, &e.out);
                }
                Ok(())
            }),
    )
}

fn script_handlers(shared: &Rc<Shared>, out: &mut Vec<Handlers>) {
    let s = shared.clone();
    let t = shared.clone();
    out.extend(handlers(
        "script",
        ElementContentHandlers::default()
            .element(move |el: &mut Element<'_, '_>| s.on_script(el))
            .text(move |c: &mut TextChunk<'_>| {
                t.on_script_text(c);
                Ok(())
            }),
    ));
    let s = shared.clone();
    out.extend(handlers(
        "meta",
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
            s.on_meta(el);
            Ok(())
        }),
    ));
}

/// Framework markers (the hydration guard goes before the first), island props, and the
/// guard at the top of `<body>` when it goes on every page.
fn framework_handlers(shared: &Rc<Shared>, out: &mut Vec<Handlers>) {
    let s = shared.clone();
    out.extend(handlers(
        FRAMEWORK_MARKER_SELECTOR,
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
            if let Some(f) = framework_of_element(el) {
                s.saw_framework(f);
                if let Some(g) = s.take_guard() {
                    el.before(g, ContentType::Html);
                }
            }
            Ok(())
        }),
    ));
    let s = shared.clone();
    out.extend(handlers(
        "astro-island[props]",
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| s.on_island(el)),
    ));
    let always = shared
        .data
        .as_ref()
        .and_then(|d| d.guard.as_ref())
        .is_some_and(|g| g.placement == GuardPlacement::Always);
    if always {
        let s = shared.clone();
        out.extend(handlers(
            "body",
            ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
                if let Some(g) = s.take_guard() {
                    el.prepend(g, ContentType::Html);
                }
                Ok(())
            }),
        ));
    }
}

fn firewall_handlers(shared: &Rc<Shared>, out: &mut Vec<Handlers>) {
    let Some(fw) = &shared.firewall else { return };
    if !fw.disarms() {
        return;
    }
    let s = shared.clone();
    out.extend(handlers(
        RESOURCE_SELECTOR,
        ElementContentHandlers::default()
            .element(move |el: &mut Element<'_, '_>| s.on_resource(el)),
    ));
    let s = shared.clone();
    out.extend(handlers(
        "noscript",
        ElementContentHandlers::default().text(move |c: &mut TextChunk<'_>| {
            s.on_noscript_text(c);
            Ok(())
        }),
    ));
}

fn consent_mode_handlers(shared: &Rc<Shared>, out: &mut Vec<Handlers>) {
    let s = shared.clone();
    out.extend(handlers(
        "head",
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
            let Some(cm) = &s.consent else { return Ok(()) };
            let mut output = s.out.borrow_mut();
            if let Some(html) = cm.borrow_mut().at_head_start(&mut output) {
                el.prepend(html, ContentType::Html);
            }
            if cm.borrow().inserted() {
                let mut st = s.stats.get();
                st.consent_mode_inserted = true;
                s.stats.set(st);
            }
            drop(output);
            let e = s.clone();
            el.on_end_tag(lol_html::end_tag!(move |_: &mut EndTag<'_>| {
                if let Some(cm) = &e.consent {
                    cm.borrow_mut().at_head_end(&mut e.out.borrow_mut());
                }
                Ok(())
            }))?;
            Ok(())
        }),
    ));
    let s = shared.clone();
    out.extend(handlers(
        "body",
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
            let Some(cm) = &s.consent else { return Ok(()) };
            let mut output = s.out.borrow_mut();
            cm.borrow_mut().at_head_end(&mut output);
            if let Some(html) = cm.borrow_mut().at_first_script_or_body(&mut output) {
                el.before(html, ContentType::Html);
                let mut st = s.stats.get();
                st.consent_mode_inserted = true;
                s.stats.set(st);
            }
            Ok(())
        }),
    ));
}

impl StreamRewriter {
    /// `content_type` is the response's Content-Type; `Err(UnsupportedEncoding)` for a
    /// charset lol_html cannot handle (UTF-16, ISO-2022-JP, unknown labels): the caller then
    /// passes the body through untouched. Without a charset parameter the page's
    /// `<meta charset>` decides (UTF-8 until one is seen).
    pub fn new(
        plan: RewritePlan,
        content_type: &str,
        output_chunk_bytes: usize,
    ) -> Result<Self, UnsupportedEncoding> {
        let (encoding, explicit) = encoding_for_content_type(content_type)?;
        let attributes: Vec<String> = plan
            .attributes
            .into_iter()
            .filter(|a| is_valid_attribute_name(a) && !a.eq_ignore_ascii_case("href"))
            .map(|a| a.to_ascii_lowercase())
            .collect();
        let nested = NestedPlan {
            swaps: plan.swaps.clone(),
            attributes: attributes.clone(),
            whatsapp_links: plan.whatsapp_links,
        };
        let out = Rc::new(RefCell::new(Output::with_capacity(
            output_chunk_bytes.min(1 << 20),
        )));
        let shared = Rc::new(Shared {
            numbers: Some(Numbers::new(
                NumberSwapper::new(&plan.swaps),
                attributes,
                plan.whatsapp_links,
            )),
            firewall: plan.firewall.map(|f| Firewall::new(f, nested)),
            consent: plan
                .consent_mode
                .as_ref()
                .map(|b| RefCell::new(ConsentMode::new(b))),
            data: plan.data,
            scripts: Scripts::new(encoding.into()),
            guard_inserted: Cell::new(false),
            guard_after_script: Cell::new(false),
            out: out.clone(),
            stats: Cell::new(RewriteStats::default()),
        });
        let mut element_handlers: Vec<Handlers> = Vec::new();
        let mut settings = Settings::new()
            .with_encoding(encoding)
            .with_adjust_charset_on_meta_tag(!explicit)
            .with_strict(false)
            .with_memory_settings(
                MemorySettings::new()
                    .with_max_allowed_memory_usage(LOL_HTML_MEMORY_LIMIT)
                    .with_graceful_bail_out_on_memory_limit_exceeded(true),
            );
        // Number handlers first: the skip markers they set are read by the others.
        if let Some(numbers) = &shared.numbers {
            if let Some(doc) = number_handlers(&shared, numbers, &mut element_handlers) {
                settings = settings.append_document_content_handler(doc);
                // A bail-out flushes the rest of the input raw: held text goes out first.
                let s = shared.clone();
                settings = settings.append_bail_out_handler(
                    move |_: &RewritingError, _: &mut lol_html::html_content::BailOut<'_>| {
                        if let Some(n) = &s.numbers {
                            n.on_end(&s.stats, &s.out);
                        }
                    },
                );
            }
        }
        if shared.consent.is_some() {
            consent_mode_handlers(&shared, &mut element_handlers);
        }
        if shared.data.is_some() && shared.has_swaps() {
            framework_handlers(&shared, &mut element_handlers);
        }
        if shared.holds_scripts() {
            script_handlers(&shared, &mut element_handlers);
        }
        firewall_handlers(&shared, &mut element_handlers);
        for (selector, h) in element_handlers {
            settings = settings.append_element_content_handler((selector, h));
        }
        let (inner, undeclared) = if explicit {
            let inner = HtmlRewriter::new(settings, SharedSink(out.clone()));
            (Some(inner), None)
        } else {
            (None, Some((settings, Vec::new())))
        };
        Ok(StreamRewriter {
            inner,
            undeclared,
            out,
            shared,
            output_chunk_bytes,
            passthrough: false,
            poisoned: false,
            xhtml: crate::xhtml::is_xhtml(content_type).then(crate::xhtml::SelfClosing::new),
        })
    }

    /// Feeds input; returns a coalesced output chunk once at least `output_chunk_bytes` are
    /// ready.
    pub fn write(&mut self, chunk: &[u8]) -> Result<Option<Vec<u8>>, RewriteError> {
        if self.poisoned {
            return Err(RewriteError::Poisoned);
        }
        let fixed;
        let chunk = match self.xhtml.as_mut() {
            Some(x) => {
                fixed = x.push(chunk);
                fixed.as_slice()
            }
            None => chunk,
        };
        let waited;
        let chunk = match self.undeclared.as_mut() {
            Some((_, first)) if first.len() + chunk.len() < UNDECLARED_SNIFF_BYTES => {
                first.extend_from_slice(chunk);
                return Ok(None);
            }
            Some(_) => {
                waited = self.start_undeclared(chunk);
                waited.as_slice()
            }
            None => chunk,
        };
        self.feed(chunk)?;
        Ok(self.out.borrow_mut().take(self.output_chunk_bytes.max(1)))
    }

    /// Builds lol_html for a page that named no charset, in the encoding its first bytes
    /// (those waiting, then `chunk`) choose; returns all of them, to be fed.
    fn start_undeclared(&mut self, chunk: &[u8]) -> Vec<u8> {
        let Some((settings, mut first)) = self.undeclared.take() else {
            return chunk.to_vec();
        };
        first.extend_from_slice(chunk);
        let encoding = encoding_for_undeclared(&first);
        self.shared.scripts.encoding.set(encoding.into());
        let settings = settings.with_encoding(encoding);
        self.inner = Some(HtmlRewriter::new(settings, SharedSink(self.out.clone())));
        first
    }

    /// Feeds (XHTML-fixed) input to lol_html, or to the output after a bail-out.
    fn feed(&mut self, chunk: &[u8]) -> Result<(), RewriteError> {
        if self.passthrough {
            self.out.borrow_mut().push(chunk);
        } else if let Some(inner) = self.inner.as_mut() {
            if self.shared.holds_scripts() {
                self.shared.scripts.window.borrow_mut().push(chunk);
            }
            if let Err(e) = inner.write(chunk) {
                self.on_error(e)?;
            }
            if let Some(cm) = &self.shared.consent {
                cm.borrow_mut().check_hold(&mut self.out.borrow_mut());
            }
        }
        Ok(())
    }

    /// Whether some output is ready but not yet returned (the caller may flush it when the
    /// input goes idle).
    pub fn has_pending_output(&self) -> bool {
        self.out.borrow().ready() > 0
            || self
                .undeclared
                .as_ref()
                .is_some_and(|(_, first)| !first.is_empty())
    }

    /// Flushes everything that is ready now (even if small), e.g. when input is idle: keeps
    /// TTFB low. `None` when nothing is ready. Input waiting to choose the encoding of a page
    /// without a declared charset is rewritten now, in the encoding it chooses (an origin
    /// that flushes its `<head>` early is not held up).
    pub fn flush(&mut self) -> Option<Vec<u8>> {
        if self.undeclared.is_some() {
            let first = self.start_undeclared(&[]);
            // An error poisons the rewriter: the next `write` or `end` reports it.
            if self.feed(&first).is_err() {
                return None;
            }
        }
        self.out.borrow_mut().take(1)
    }

    /// Ends the input; returns the rest of the output and the statistics.
    pub fn end(mut self) -> Result<(Vec<u8>, RewriteStats), RewriteError> {
        if self.poisoned {
            return Err(RewriteError::Poisoned);
        }
        let rest = self.xhtml.as_mut().map(|x| x.finish()).unwrap_or_default();
        let rest = if self.undeclared.is_some() {
            self.start_undeclared(&rest)
        } else {
            rest
        };
        if !rest.is_empty() {
            self.feed(&rest)?;
        }
        if let Some(fixed) = self.xhtml.as_ref().map(|x| x.fixed) {
            self.shared.count(|s| s.xhtml_self_closed_fixed = fixed);
        }
        if let Some(inner) = self.inner.take() {
            if let Err(e) = inner.end() {
                self.on_error(e)?;
            }
        }
        if let Some(html) = self.shared.unfinished_script() {
            self.out.borrow_mut().push(html.as_bytes());
        }
        if let Some(cm) = &self.shared.consent {
            cm.borrow_mut().at_end(&mut self.out.borrow_mut());
        }
        let rest = self.out.borrow_mut().take_all();
        Ok((rest, self.shared.stats.get()))
    }

    /// Statistics so far.
    pub fn stats(&self) -> RewriteStats {
        self.shared.stats.get()
    }

    /// After any lol_html error the rewriter must not be called again: drop it. A memory
    /// limit bail-out has flushed the unprocessed input raw, so the stream goes on unchanged.
    fn on_error(&mut self, e: RewritingError) -> Result<(), RewriteError> {
        self.inner = None;
        if matches!(e, RewritingError::MemoryLimitExceeded(_)) {
            self.passthrough = true;
            if let Some(cm) = &self.shared.consent {
                cm.borrow_mut().at_end(&mut self.out.borrow_mut());
            }
            let mut s = self.shared.stats.get();
            s.bailed_out = true;
            self.shared.stats.set(s);
            Ok(())
        } else {
            self.poisoned = true;
            Err(RewriteError::Rewriting(e.to_string()))
        }
    }
}
