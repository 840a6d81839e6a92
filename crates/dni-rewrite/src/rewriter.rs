//! [`StreamRewriter`]: the lol_html rewriter with our handlers (see [`crate::handlers`]), fed
//! chunk by chunk.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use dni_numbers::NumberSwapper;
use lol_html::errors::RewritingError;
use lol_html::{AsciiCompatibleEncoding, HtmlRewriter, MemorySettings, OutputSink, Settings};

use crate::config::is_valid_attribute_name;
use crate::consent_mode::ConsentMode;
use crate::encoding::{
    encoding_for_undeclared, page_encoding, PageEncoding, UnsupportedEncoding,
    UNDECLARED_SNIFF_BYTES,
};
use crate::firewall::{Firewall, NestedPlan};
use crate::handlers;
use crate::numbers::Numbers;
use crate::plan::{RewritePlan, RewriteStats};
use crate::script::Scripts;
use crate::shared::Shared;
use crate::sink::Output;

/// lol_html's own memory limit (its parsing buffers: a huge tag or attribute). Past it the
/// rewriter bails out gracefully: the rest of the page streams through unchanged (counted
/// in [`RewriteStats::bailed_out`] for the operator).
pub const LOL_HTML_MEMORY_LIMIT: usize = 4 * 1024 * 1024;

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
    /// lol_html is built once the first bytes have arrived: a UTF-16 byte-order mark wins
    /// over any charset, as in browsers; a page that names no charset waits for
    /// [`UNDECLARED_SNIFF_BYTES`] (or the whole body), which choose its encoding.
    waiting: Option<Waiting>,
    out: Rc<RefCell<Output>>,
    shared: Rc<Shared>,
    output_chunk_bytes: usize,
    /// After a graceful bail-out: input goes straight to the output.
    passthrough: bool,
    poisoned: bool,
    /// XHTML: self-closed `<script/>`, `<iframe/>`, ... get end tags before the HTML
    /// tokenizer (see [`crate::xhtml`]).
    xhtml: Option<crate::xhtml::SelfClosing>,
    /// A page in UTF-16 or ISO-2022-JP: decoded to UTF-8 before everything else (it goes
    /// out in UTF-8; see [`PageEncoding::Transcoded`]).
    transcoder: Option<encoding_rs::Decoder>,
}

/// The input waiting for lol_html to be built (see [`StreamRewriter`]).
struct Waiting {
    settings: Settings<'static, 'static>,
    first: Vec<u8>,
    /// The charset the response names, if any.
    declared: Option<AsciiCompatibleEncoding>,
}

impl Waiting {
    /// Whether the waiting input may start now (on an idle flush): something waits, and it
    /// is not the first byte of what may be a UTF-16 byte-order mark.
    fn may_start_early(&self) -> bool {
        !matches!(
            self.first.as_slice(),
            [] | [0xFF] | [0xFE] | [0xEF] | [0xEF, 0xBB]
        )
    }

    /// Bytes needed to decide the encoding: a UTF-8 byte-order mark's three, or the
    /// undeclared prescan.
    fn needs(&self) -> usize {
        if self.declared.is_some() {
            3
        } else {
            UNDECLARED_SNIFF_BYTES
        }
    }
}

impl StreamRewriter {
    /// `content_type` is the response's Content-Type, read by [`page_encoding`]: a declared
    /// ASCII-compatible charset is used as is; without one (or with a label browsers do not
    /// know) the first bytes and `<meta charset>` decide; UTF-16 and ISO-2022-JP are decoded
    /// to UTF-8 and the page goes out in UTF-8. `Err(UnsupportedEncoding)` only for the
    /// `replacement` encoding: the caller passes the body through untouched.
    pub fn new(
        plan: RewritePlan,
        content_type: &str,
        output_chunk_bytes: usize,
    ) -> Result<Self, UnsupportedEncoding> {
        let (encoding, explicit, transcoder) = match page_encoding(content_type)? {
            PageEncoding::Declared(e) => (e, true, None),
            PageEncoding::Undeclared => (AsciiCompatibleEncoding::utf_8(), false, None),
            PageEncoding::Transcoded(e) => (
                AsciiCompatibleEncoding::utf_8(),
                true,
                Some(e.new_decoder()),
            ),
        };
        let out = Rc::new(RefCell::new(Output::with_capacity(
            output_chunk_bytes.min(1 << 20),
        )));
        let shared = Rc::new(shared_state(plan, encoding, out.clone()));
        let settings = handlers::install(&shared, settings(encoding, explicit));
        let (inner, waiting) = if transcoder.is_some() {
            let inner = HtmlRewriter::new(settings, SharedSink(out.clone()));
            (Some(inner), None)
        } else {
            let declared = explicit.then_some(encoding);
            let waiting = Waiting {
                settings,
                first: Vec::new(),
                declared,
            };
            (None, Some(waiting))
        };
        Ok(StreamRewriter {
            inner,
            waiting,
            out,
            shared,
            output_chunk_bytes,
            passthrough: false,
            poisoned: false,
            xhtml: crate::xhtml::is_xhtml(content_type).then(crate::xhtml::SelfClosing::new),
            transcoder,
        })
    }

    /// Feeds input; returns a coalesced output chunk once at least `output_chunk_bytes` are
    /// ready.
    pub fn write(&mut self, chunk: &[u8]) -> Result<Option<Vec<u8>>, RewriteError> {
        if self.poisoned {
            return Err(RewriteError::Poisoned);
        }
        match self.transcode(chunk, false) {
            Some(utf8) => self.accept(&utf8)?,
            None => self.accept(chunk)?,
        }
        Ok(self.out.borrow_mut().take(self.output_chunk_bytes.max(1)))
    }

    /// `chunk` decoded to UTF-8 when the page is transcoded (`last`: the end of the body,
    /// flushing what the decoder holds); `None` when it is not.
    fn transcode(&mut self, chunk: &[u8], last: bool) -> Option<Vec<u8>> {
        let decoder = self.transcoder.as_mut()?;
        let mut utf8 = String::new();
        let mut input = chunk;
        loop {
            let room = decoder
                .max_utf8_buffer_length(input.len())
                .unwrap_or(input.len());
            utf8.reserve(room.max(16));
            let (result, read, _) = decoder.decode_to_string(input, &mut utf8, last);
            input = input.get(read..).unwrap_or_default();
            if result == encoding_rs::CoderResult::InputEmpty {
                return Some(utf8.into_bytes());
            }
        }
    }

    /// Takes input (in the encoding lol_html reads) through the XHTML pre-pass and the
    /// undeclared-charset wait into lol_html.
    fn accept(&mut self, chunk: &[u8]) -> Result<(), RewriteError> {
        let fixed;
        let chunk = match self.xhtml.as_mut() {
            Some(x) => {
                fixed = x.push(chunk);
                fixed.as_slice()
            }
            None => chunk,
        };
        let waited;
        let chunk = match self.waiting.as_mut() {
            Some(w) if w.first.len() + chunk.len() < w.needs() => {
                w.first.extend_from_slice(chunk);
                return Ok(());
            }
            Some(_) => {
                waited = self.start(chunk, false);
                waited.as_slice()
            }
            None => chunk,
        };
        self.feed(chunk)
    }

    /// Builds lol_html in the encoding the first bytes (those waiting, then `chunk`; `last`:
    /// the body ends there) choose, and returns them, to be fed: after a UTF-16 byte-order
    /// mark the page is decoded to UTF-8 (browsers let the mark win over any charset); after
    /// a UTF-8 mark, UTF-8 whatever the charset header or a later `<meta charset>` says
    /// (as in browsers); else the declared charset, or [`encoding_for_undeclared`].
    fn start(&mut self, chunk: &[u8], last: bool) -> Vec<u8> {
        let Some(Waiting {
            settings,
            mut first,
            declared,
        }) = self.waiting.take()
        else {
            return chunk.to_vec();
        };
        first.extend_from_slice(chunk);
        let utf16_bom = first.starts_with(b"\xFF\xFE") || first.starts_with(b"\xFE\xFF");
        let utf8_bom = first.starts_with(b"\xEF\xBB\xBF");
        let (encoding, first) = if utf16_bom {
            // The decoder takes the mark's byte order and drops the mark; the page goes out
            // in UTF-8 behind a UTF-8 mark, which browsers also let win over any charset.
            self.transcoder = Some(encoding_rs::UTF_16LE.new_decoder());
            let utf8 = self.transcode(&first, last).unwrap_or_default();
            self.out.borrow_mut().push("\u{FEFF}".as_bytes());
            (AsciiCompatibleEncoding::utf_8(), utf8)
        } else if utf8_bom {
            (AsciiCompatibleEncoding::utf_8(), first)
        } else {
            let encoding = declared.unwrap_or_else(|| encoding_for_undeclared(&first));
            (encoding, first)
        };
        let settings = settings
            .with_encoding(encoding)
            .with_adjust_charset_on_meta_tag(declared.is_none() && !utf16_bom && !utf8_bom);
        self.shared.scripts.encoding.set(encoding.into());
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
        self.out.borrow().ready() > 0 || self.waiting.as_ref().is_some_and(|w| !w.first.is_empty())
    }

    /// Flushes everything that is ready now (even if small), e.g. when input is idle: keeps
    /// TTFB low. `None` when nothing is ready. Input waiting to choose the page's encoding is
    /// rewritten now, in the encoding it chooses (an origin that flushes its `<head>` early
    /// is not held up).
    pub fn flush(&mut self) -> Option<Vec<u8>> {
        if self.waiting.as_ref().is_some_and(Waiting::may_start_early) {
            let first = self.start(&[], false);
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
        if let Some(utf8) = self.transcode(&[], true) {
            self.accept(&utf8)?;
        }
        let rest = self.xhtml.as_mut().map(|x| x.finish()).unwrap_or_default();
        let rest = if self.waiting.is_some() {
            self.start(&rest, true)
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

/// The handlers' shared state for `plan`, reading in `encoding`, writing to `out`.
fn shared_state(
    plan: RewritePlan,
    encoding: AsciiCompatibleEncoding,
    out: Rc<RefCell<Output>>,
) -> Shared {
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
        rewrite: rewrite_nested,
    };
    Shared {
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
        out,
        stats: Cell::new(RewriteStats::default()),
    }
}

/// lol_html's settings for a page in `encoding`; its `<meta charset>` may change it unless
/// the charset is `explicit` (from the Content-Type).
fn settings(encoding: AsciiCompatibleEncoding, explicit: bool) -> Settings<'static, 'static> {
    Settings::new()
        .with_encoding(encoding)
        .with_adjust_charset_on_meta_tag(!explicit)
        .with_strict(false)
        .with_memory_settings(
            MemorySettings::new()
                .with_max_allowed_memory_usage(LOL_HTML_MEMORY_LIMIT)
                .with_graceful_bail_out_on_memory_limit_exceeded(true),
        )
}

/// A nested document (`<noscript>` content, an `<iframe srcdoc>`) rewritten whole as a UTF-8
/// page (see [`NestedRewrite`](crate::firewall::NestedRewrite)). Its output buffer is sized
/// by the nested document (not the page's 1 MiB cap: most are a few hundred bytes).
fn rewrite_nested(plan: RewritePlan, html: &str) -> Option<(Vec<u8>, RewriteStats)> {
    let mut rw = StreamRewriter::new(plan, "text/html; charset=utf-8", html.len().max(1)).ok()?;
    let mut out = rw.write(html.as_bytes()).ok()?.unwrap_or_default();
    let (rest, stats) = rw.end().ok()?;
    out.extend(rest);
    Some((out, stats))
}
