//! The `<script>` handlers: a script is classified by its URLs and marker, an inline one held
//! back while its fate depends on its text (see [`crate::script`]), then given back, byte for
//! byte or neutralised; numbers in payloads are swapped as the text streams. Also
//! `<meta charset>`, which changes how held start tags are decoded.

use std::rc::Rc;

use dni_common::Category;
use dni_numbers::DataStream;
use encoding_rs::Encoding;
use lol_html::html_content::{ContentType, Element, EndTag, TextChunk};
use lol_html::HandlerResult;

use crate::firewall::{decode_url_entities, Firewall};
use crate::payload::{js_payload, script_kind, Framework, ScriptKind, JS_MARKER_WINDOW};
use crate::script::{Payload, PendingScript, ScriptState};
use crate::script_tag::{
    data_url_text, neutralise, script_start_tag, script_type, ScriptType, SCRIPT_URL_ATTRIBUTES,
};
use crate::shared::Shared;

impl Shared {
    /// The Consent Mode block to insert before a Google tag, if it goes there now.
    fn consent_before_google_tag(&self) -> Option<String> {
        let cm = self.consent.as_ref()?;
        let mut out = self.out.borrow_mut();
        let html = cm.borrow_mut().at_google_tag(&mut out).map(str::to_owned);
        if cm.borrow().inserted() {
            self.count(|s| s.consent_mode_inserted = true);
        }
        html
    }

    /// Whether inline scripts must be held and classified by the firewall.
    fn classify_inline(&self, fw: &Firewall) -> bool {
        fw.disarms()
            || self
                .consent
                .as_ref()
                .is_some_and(|c| c.borrow().searching())
    }

    pub(crate) fn on_script(self: &Rc<Self>, el: &mut Element<'_, '_>) -> HandlerResult {
        if let Some(cm) = &self.consent {
            let mut out = self.out.borrow_mut();
            if let Some(html) = cm.borrow_mut().at_first_script_or_body(&mut out) {
                el.before(html, ContentType::Html);
                self.count(|s| s.consent_mode_inserted = true);
            }
        }
        let type_attr = el.get_attribute("type");
        let stype = script_type(type_attr.as_deref());
        let javascript = stype == ScriptType::JavaScript;
        let allowed = el.has_attribute("data-dni-allow");
        // Delayed JavaScript (WP Rocket, LiteSpeed, Partytown, ...) is classified like
        // JavaScript: its loader runs it later.
        let firewall = self.firewall.as_ref().filter(|_| stype != ScriptType::Data);
        if let Some(fw) = firewall {
            if self.on_script_urls(fw, el, allowed)? || el.has_attribute("src") {
                return Ok(());
            }
            let marked: Option<Category> = el
                .get_attribute(&fw.plan.marker_attribute)
                .and_then(|v| v.trim().parse().ok());
            if let Some(cat) = marked.filter(|c| fw.plan.declines(*c) && !allowed) {
                neutralise(el, cat, fw.plan.reenable(cat))?;
                self.count(|s| s.scripts_neutralised += 1);
                return Ok(());
            }
        }
        let classify = !allowed && firewall.is_some_and(|fw| self.classify_inline(fw));
        let kind = self.payload_kind(el, type_attr.as_deref(), javascript);
        match (classify, kind) {
            (false, ScriptKind::Other) => return Ok(()),
            (false, ScriptKind::Data(f)) => {
                *self.scripts.state.borrow_mut() =
                    ScriptState::Streaming(Some(Box::new(Payload {
                        stream: self.new_stream(f),
                        framework: f,
                        swap: true,
                    })));
                if f != Framework::DataIsland {
                    if let Some(g) = self.take_guard() {
                        el.before(g, ContentType::Html);
                    }
                }
            }
            _ => self.hold(el, classify, kind),
        }
        let shared = self.clone();
        el.on_end_tag(lol_html::end_tag!(move |end: &mut EndTag<'_>| {
            shared.on_script_end(end);
            Ok(())
        }))?;
        Ok(())
    }

    /// What a script holds for the payload swap ([`ScriptKind::Other`] when payloads are not
    /// swapped on this page).
    fn payload_kind(
        &self,
        el: &Element<'_, '_>,
        type_attr: Option<&str>,
        javascript: bool,
    ) -> ScriptKind {
        if !self.swaps_data() {
            return ScriptKind::Other;
        }
        let here = el.source_location().bytes().start;
        let skipped = el.has_attribute("data-dni-skip")
            || self
                .numbers
                .as_ref()
                .is_some_and(|n| n.skip_element_at.get() == Some(here));
        script_kind(
            type_attr,
            el.get_attribute("id").as_deref(),
            el.has_attribute("src"),
            skipped,
            javascript,
        )
    }

    /// A script's URLs (`src` and the delay loaders' attributes, see
    /// [`SCRIPT_URL_ATTRIBUTES`]; a `data:` URL is classified by its code): `true` when the
    /// script was neutralised.
    fn on_script_urls(
        &self,
        fw: &Firewall,
        el: &mut Element<'_, '_>,
        allowed: bool,
    ) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
        let mut blocked = None;
        let mut google_tag = false;
        for attr in SCRIPT_URL_ATTRIBUTES {
            let Some(url) = el.get_attribute(attr) else {
                continue;
            };
            let url = decode_url_entities(&url);
            let infos = match data_url_text(&url) {
                Some(code) => fw.plan.classifier.inline_script(&code),
                None => fw
                    .plan
                    .classifier
                    .script_src(&fw.resolved(&url))
                    .into_iter()
                    .collect(),
            };
            google_tag |= infos.iter().any(|i| i.google_tag);
            blocked = blocked.or_else(|| infos.into_iter().find_map(|i| fw.blocks(Some(i))));
        }
        if google_tag {
            if let Some(html) = self.consent_before_google_tag() {
                el.before(&html, ContentType::Html);
            }
        }
        match (blocked, allowed) {
            (Some(cat), false) => {
                neutralise(el, cat, fw.plan.reenable(cat))?;
                self.count(|s| s.scripts_neutralised += 1);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Holds the start tag back until the text is known.
    fn hold(&self, el: &mut Element<'_, '_>, classify: bool, kind: ScriptKind) {
        let attrs: Vec<(String, String)> = el
            .attributes()
            .iter()
            .map(|a| (a.name(), a.value()))
            .collect();
        let range = el.source_location().bytes();
        let raw = self
            .scripts
            .window
            .borrow()
            .get(range)
            .map(|b| {
                self.scripts
                    .encoding
                    .get()
                    .decode_without_bom_handling(b)
                    .0
                    .into_owned()
            })
            .unwrap_or_else(|| script_start_tag(&attrs, None, None));
        *self.scripts.state.borrow_mut() = ScriptState::Held(Box::new(PendingScript {
            raw,
            attrs,
            text: String::new(),
            classify,
            kind,
        }));
        el.start_tag().remove();
    }

    pub(crate) fn on_script_text(&self, chunk: &mut TextChunk<'_>) {
        let last = chunk.last_in_text_node();
        let mut state = self.scripts.state.borrow_mut();
        match &mut *state {
            ScriptState::Idle => {}
            ScriptState::Held(p) => {
                p.text.push_str(chunk.as_str());
                let limit = if p.classify {
                    self.firewall
                        .as_ref()
                        .map_or(0, |fw| fw.plan.max_inline_script_bytes)
                } else {
                    JS_MARKER_WINDOW
                };
                if !last && p.text.len() <= limit {
                    chunk.remove();
                    return;
                }
                let ScriptState::Held(p) = std::mem::replace(&mut *state, ScriptState::Idle) else {
                    return;
                };
                drop(state);
                let html = self.render(*p, last);
                chunk.replace(&html, ContentType::Html);
            }
            ScriptState::Streaming(payload) => {
                if let Some(pl) = payload {
                    let mut out = self.push_payload(pl, chunk.as_str());
                    if last {
                        out.push_str(&self.finish_payload(pl));
                    }
                    if pl.swap {
                        chunk.replace(&out, ContentType::Html);
                    }
                }
                if last {
                    *state = ScriptState::Streaming(None);
                }
            }
        }
    }

    fn on_script_end(&self, end: &mut EndTag<'_>) {
        let state = std::mem::replace(&mut *self.scripts.state.borrow_mut(), ScriptState::Idle);
        match state {
            ScriptState::Held(p) => {
                let html = self.render(*p, true);
                end.before(&html, ContentType::Html);
                *self.scripts.state.borrow_mut() = ScriptState::Idle;
            }
            ScriptState::Streaming(Some(mut pl)) => {
                let out = self.finish_payload(&mut pl);
                if pl.swap {
                    end.before(&out, ContentType::Html);
                }
            }
            _ => {}
        }
        if self.guard_after_script.replace(false) {
            if let Some(g) = self.take_guard() {
                end.after(g, ContentType::Html);
            }
        }
    }

    /// Nuxt's data is a `devalue` array: excluded keys point at values by index.
    fn new_stream(&self, f: Framework) -> DataStream {
        let excludes_keys = self
            .data
            .as_ref()
            .is_some_and(|d| !d.exclude_keys.is_empty());
        if f == Framework::Nuxt && excludes_keys {
            DataStream::devalue()
        } else {
            DataStream::new()
        }
    }

    fn excludes(&self) -> impl Fn(&str) -> bool + '_ {
        move |k: &str| self.data.as_ref().is_some_and(|d| d.excludes(k))
    }

    fn push_payload(&self, pl: &mut Payload, text: &str) -> String {
        match &self.numbers {
            Some(n) => pl.stream.push(&n.swapper, text, &self.excludes()),
            None => text.to_owned(),
        }
    }

    /// The end of a payload's text; its numbers are counted.
    fn finish_payload(&self, pl: &mut Payload) -> String {
        let Some(n) = &self.numbers else {
            return String::new();
        };
        let out = pl.stream.finish(&n.swapper, &self.excludes());
        let (count, skipped) = (pl.stream.count(), pl.stream.skipped());
        if pl.swap {
            self.saw_framework(pl.framework);
            self.count(|s| {
                s.data_numbers_swapped += count;
                s.data_numbers_skipped += skipped;
            });
            if count > 0 && pl.framework == Framework::DataIsland {
                // A generic data island a number was swapped in: the guard follows it.
                self.guard_after_script.set(true);
            }
        } else if count + skipped > 0 {
            self.count(|s| s.payloads_unrecognised += 1);
        }
        out
    }

    /// A held script with (the first part of) its text, `complete` or not: classified by the
    /// firewall, then given back, as it was or neutralised (after the Consent Mode block if
    /// it is a Google tag's), with numbers swapped if it is a payload. What follows streams.
    fn render(&self, p: PendingScript, complete: bool) -> String {
        let mut out = String::new();
        let globals = self.data.as_ref().map_or(&[][..], |d| d.globals.as_slice());
        let category = match (&self.firewall, p.classify) {
            // A framework payload is data the framework hydrates from: never neutralised
            // (a tracker in it is counted, see `payload_trackers_left`).
            (Some(fw), true) if js_payload(&p.text, globals).is_some() => {
                self.payload_trackers(fw, &p.text, &mut out);
                None
            }
            (Some(fw), true) => self.classify(fw, &p.text, complete, &mut out),
            _ => None,
        };
        if let Some(c) = category {
            let reenable = self.firewall.as_ref().and_then(|fw| fw.plan.reenable(c));
            out.push_str(&script_start_tag(&p.attrs, Some(c), reenable));
            out.push_str(&p.text);
            *self.scripts.state.borrow_mut() = ScriptState::Streaming(None);
            return out;
        }
        let payload = match p.kind {
            ScriptKind::Data(f) => Some((f, true)),
            ScriptKind::InlineJs => match js_payload(&p.text, globals) {
                Some(f) => Some((f, true)),
                None => Some((Framework::AppState, false)),
            },
            ScriptKind::Other => None,
        };
        let Some((framework, swap)) = payload else {
            out.push_str(&p.raw);
            out.push_str(&p.text);
            *self.scripts.state.borrow_mut() = ScriptState::Streaming(None);
            return out;
        };
        if swap && framework != Framework::DataIsland {
            if let Some(g) = self.take_guard() {
                out.push_str(g);
            }
        }
        out.push_str(&p.raw);
        let mut pl = Box::new(Payload {
            stream: self.new_stream(framework),
            framework,
            swap,
        });
        let swapped = self.push_payload(&mut pl, &p.text);
        let tail = if complete {
            self.finish_payload(&mut pl)
        } else {
            String::new()
        };
        if swap {
            out.push_str(&swapped);
            out.push_str(&tail);
        } else {
            out.push_str(&p.text);
        }
        *self.scripts.state.borrow_mut() = ScriptState::Streaming((!complete).then_some(pl));
        out
    }

    /// A framework payload's text (see [`js_payload`]): kept whatever it holds; a declined
    /// vendor's signature in it is counted, and a Google tag in it gets the Consent Mode
    /// block (the framework runs it from its data).
    fn payload_trackers(&self, fw: &Firewall, text: &str, out: &mut String) {
        let matches = fw.plan.classifier.inline_script(text);
        if matches.iter().any(|m| m.google_tag) {
            if let Some(html) = self.consent_before_google_tag() {
                out.push_str(&html);
            }
        }
        if matches.iter().any(|m| fw.plan.declines(m.category)) {
            self.count(|s| s.payload_trackers_left += 1);
        }
    }

    /// The firewall's verdict on a held script's text (`complete` or its first
    /// `max_inline_script_bytes`); a Consent Mode block it needs goes into `out`.
    fn classify(
        &self,
        fw: &Firewall,
        text: &str,
        complete: bool,
        out: &mut String,
    ) -> Option<Category> {
        let matches = fw.plan.classifier.inline_script(text);
        if matches.iter().any(|m| m.google_tag) {
            if let Some(html) = self.consent_before_google_tag() {
                out.push_str(&html);
            }
        }
        let blocked = matches
            .iter()
            .map(|m| m.category)
            .find(|c| fw.plan.declines(*c));
        match (blocked, complete) {
            (Some(c), _) => {
                self.count(|s| s.inline_scripts_neutralised += 1);
                Some(c)
            }
            (None, false) => {
                let c = fw.plan.fail_closed_category();
                if c.is_some() {
                    self.count(|s| {
                        s.inline_scripts_neutralised += 1;
                        s.inline_scripts_over_limit += 1;
                    });
                }
                c
            }
            (None, true) => None,
        }
    }

    /// The script left open at the end of the document: what is held, and the end of a
    /// payload.
    pub(crate) fn unfinished_script(&self) -> Option<String> {
        let state = std::mem::replace(&mut *self.scripts.state.borrow_mut(), ScriptState::Idle);
        match state {
            ScriptState::Held(p) => Some(self.render(*p, true)),
            ScriptState::Streaming(Some(mut pl)) => {
                let out = self.finish_payload(&mut pl);
                pl.swap.then_some(out)
            }
            _ => None,
        }
    }

    /// `<meta charset>` / `<meta http-equiv=content-type>`: the encoding lol_html switches to
    /// (start tags held back are decoded with it).
    pub(crate) fn on_meta(&self, el: &mut Element<'_, '_>) {
        let label = el.get_attribute("charset").or_else(|| {
            let equiv = el.get_attribute("http-equiv")?;
            if !equiv.trim().eq_ignore_ascii_case("content-type") {
                return None;
            }
            let content = el.get_attribute("content")?;
            crate::encoding::charset_param(&content).map(str::to_owned)
        });
        if let Some(enc) = label.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
            if enc.is_ascii_compatible() {
                self.scripts.encoding.set(enc);
            }
        }
    }
}
