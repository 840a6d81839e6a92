//! The tag firewall's handlers: `<script>` (by `src`, marker attribute or inline text),
//! pixels/frames/preloads, and `<noscript>` content (raw text to the parser, so it is
//! rewritten by a nested rewriter). See [`TagFirewall`](crate::TagFirewall).

use std::cell::{Cell, RefCell};

use dni_common::Category;
use dni_numbers::E164;
use encoding_rs::Encoding;
use lol_html::html_content::{ContentType, Element, EndTag, TextChunk};
use lol_html::HandlerResult;

use crate::plan::{RewritePlan, TagFirewall, TagInfo};
use crate::rewriter::{Shared, StreamRewriter};
use crate::window::InputWindow;

/// Input kept to give held-back start tags back byte for byte (longer ones are rebuilt).
const WINDOW_BYTES: usize = 64 * 1024;
/// Most bytes of one `<noscript>` rewritten; a longer one is dropped (fail closed).
pub const MAX_NOSCRIPT_BYTES: usize = 64 * 1024;
/// A transparent 1×1 GIF: a disarmed image keeps its box and makes no request.
const BLANK_IMAGE: &str =
    "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

/// An inline script held back until its text is known.
struct PendingScript {
    /// The original start tag, as sent (decoded to text).
    raw: String,
    /// Its attributes (for the neutralised form).
    attrs: Vec<(String, String)>,
    text: String,
    /// Too long to classify: already decided and emitted; the rest passes through.
    streaming: bool,
}

/// What a nested (noscript) rewrite needs to be built.
pub(crate) struct NestedPlan {
    pub swaps: Vec<(E164, E164)>,
    pub attributes: Vec<String>,
    pub max_text_node_bytes: usize,
}

/// The firewall's state during one rewrite.
pub(crate) struct Firewall {
    pub plan: TagFirewall,
    pending: RefCell<Option<PendingScript>>,
    noscript: RefCell<Option<String>>,
    pub window: RefCell<InputWindow>,
    pub encoding: Cell<&'static Encoding>,
    nested: NestedPlan,
}

impl Firewall {
    pub(crate) fn new(
        plan: TagFirewall,
        encoding: &'static Encoding,
        nested: NestedPlan,
    ) -> Firewall {
        Firewall {
            plan,
            pending: RefCell::new(None),
            noscript: RefCell::new(None),
            window: RefCell::new(InputWindow::new(WINDOW_BYTES)),
            encoding: Cell::new(encoding),
            nested,
        }
    }

    fn blocks(&self, info: Option<TagInfo>) -> Option<Category> {
        info.map(|i| i.category).filter(|c| self.plan.declines(*c))
    }

    /// Whether `<noscript>` content must be rewritten (something can be disarmed).
    pub(crate) fn disarms(&self) -> bool {
        !self.plan.declined.is_empty()
    }
}

/// A `type` attribute that makes a script JavaScript (classic or module); anything else is
/// data (JSON, JSON-LD, templates, import maps, speculation rules, `text/plain`).
pub(crate) fn is_javascript_type(type_attr: Option<&str>) -> bool {
    let Some(t) = type_attr else { return true };
    let t = t.trim();
    let essence = t
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "" | "module"
            | "text/javascript"
            | "application/javascript"
            | "application/ecmascript"
            | "application/x-ecmascript"
            | "application/x-javascript"
            | "text/ecmascript"
            | "text/javascript1.0"
            | "text/javascript1.1"
            | "text/javascript1.2"
            | "text/javascript1.3"
            | "text/javascript1.4"
            | "text/javascript1.5"
            | "text/jscript"
            | "text/livescript"
            | "text/x-ecmascript"
            | "text/x-javascript"
    )
}

fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    dni_common::markup::push_escaped(out, value);
    out.push('"');
}

/// The start tag of a neutralised script (the same attributes, `type="text/plain"`, the
/// original type in `data-dni-original-type`, the category in `data-consent-category`), or
/// of the script unchanged when `category` is `None` and the original was not kept.
fn script_start_tag(attrs: &[(String, String)], category: Option<Category>) -> String {
    let mut out = String::from("<script");
    let mut original_type = None;
    for (name, value) in attrs {
        if category.is_some() && name.eq_ignore_ascii_case("type") {
            original_type = Some(value.clone());
            push_attr(&mut out, name, "text/plain");
        } else {
            push_attr(&mut out, name, value);
        }
    }
    if let Some(cat) = category {
        match original_type {
            Some(t) => push_attr(&mut out, "data-dni-original-type", &t),
            None => push_attr(&mut out, "type", "text/plain"),
        }
        push_attr(&mut out, "data-consent-category", cat.as_str());
    }
    out.push('>');
    out
}

/// Neutralises a script element in place (its start tag has not been emitted yet).
fn neutralise(el: &mut Element<'_, '_>, category: Category) -> HandlerResult {
    if let Some(t) = el.get_attribute("type") {
        el.set_attribute("data-dni-original-type", &t)?;
    }
    el.set_attribute("type", "text/plain")?;
    el.set_attribute("data-consent-category", category.as_str())?;
    Ok(())
}

impl Shared {
    fn count(&self, f: impl FnOnce(&mut crate::RewriteStats)) {
        let mut s = self.stats.get();
        f(&mut s);
        self.stats.set(s);
    }

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

    /// Whether inline scripts must be held and classified.
    fn classify_inline(&self, fw: &Firewall) -> bool {
        fw.disarms()
            || self
                .consent
                .as_ref()
                .is_some_and(|c| c.borrow().searching())
    }

    pub(crate) fn on_script(self: &std::rc::Rc<Self>, el: &mut Element<'_, '_>) -> HandlerResult {
        if let Some(cm) = &self.consent {
            let mut out = self.out.borrow_mut();
            if let Some(html) = cm.borrow_mut().at_first_script_or_body(&mut out) {
                el.before(html, ContentType::Html);
                self.count(|s| s.consent_mode_inserted = true);
            }
        }
        let Some(fw) = &self.firewall else {
            return Ok(());
        };
        let type_attr = el.get_attribute("type");
        if !is_javascript_type(type_attr.as_deref()) {
            return Ok(());
        }
        let allowed = el.has_attribute("data-dni-allow");
        if let Some(src) = el.get_attribute("src") {
            let info = fw.plan.classifier.script_src(&src);
            if info.is_some_and(|i| i.google_tag) {
                if let Some(html) = self.consent_before_google_tag() {
                    el.before(&html, ContentType::Html);
                }
            }
            if let (Some(cat), false) = (fw.blocks(info), allowed) {
                neutralise(el, cat)?;
                self.count(|s| s.scripts_neutralised += 1);
            }
            return Ok(());
        }
        if allowed {
            return Ok(());
        }
        let marked: Option<Category> = el
            .get_attribute(&fw.plan.marker_attribute)
            .and_then(|v| v.trim().parse().ok());
        if let Some(cat) = marked.filter(|c| fw.plan.declines(*c)) {
            neutralise(el, cat)?;
            self.count(|s| s.scripts_neutralised += 1);
            return Ok(());
        }
        if !self.classify_inline(fw) {
            return Ok(());
        }
        // Hold the start tag back until the text is known.
        let attrs: Vec<(String, String)> = el
            .attributes()
            .iter()
            .map(|a| (a.name(), a.value()))
            .collect();
        let range = el.source_location().bytes();
        let raw = fw
            .window
            .borrow()
            .get(range)
            .map(|b| {
                fw.encoding
                    .get()
                    .decode_without_bom_handling(b)
                    .0
                    .into_owned()
            })
            .unwrap_or_else(|| script_start_tag(&attrs, None));
        *fw.pending.borrow_mut() = Some(PendingScript {
            raw,
            attrs,
            text: String::new(),
            streaming: false,
        });
        el.start_tag().remove();
        let shared = self.clone();
        el.on_end_tag(lol_html::end_tag!(move |end: &mut EndTag<'_>| {
            shared.on_script_end(end);
            Ok(())
        }))?;
        Ok(())
    }

    pub(crate) fn on_script_text(&self, chunk: &mut TextChunk<'_>) {
        let Some(fw) = &self.firewall else { return };
        let mut pending = fw.pending.borrow_mut();
        let Some(p) = pending.as_mut() else { return };
        if p.streaming {
            if chunk.last_in_text_node() {
                *pending = None;
            }
            return;
        }
        p.text.push_str(chunk.as_str());
        if chunk.last_in_text_node() {
            if let Some(p) = pending.take() {
                drop(pending);
                let html = self.render_script(fw, p, false);
                chunk.replace(&html, ContentType::Html);
            }
        } else if p.text.len() > fw.plan.max_inline_script_bytes {
            let taken = PendingScript {
                raw: std::mem::take(&mut p.raw),
                attrs: std::mem::take(&mut p.attrs),
                text: std::mem::take(&mut p.text),
                streaming: false,
            };
            p.streaming = true;
            drop(pending);
            let html = self.render_script(fw, taken, true);
            chunk.replace(&html, ContentType::Html);
        } else {
            chunk.remove();
        }
    }

    fn on_script_end(&self, end: &mut EndTag<'_>) {
        let Some(fw) = &self.firewall else { return };
        let pending = fw.pending.borrow_mut().take();
        if let Some(p) = pending.filter(|p| !p.streaming) {
            let html = self.render_script(fw, p, false);
            end.before(&html, ContentType::Html);
        }
    }

    /// A held script with (the first part of) its text: classified, then given back, as
    /// it was or neutralised, after the Consent Mode block if it is a Google tag's.
    fn render_script(&self, fw: &Firewall, p: PendingScript, over_limit: bool) -> String {
        let matches = fw.plan.classifier.inline_script(&p.text);
        let mut out = String::new();
        if matches.iter().any(|m| m.google_tag) {
            if let Some(html) = self.consent_before_google_tag() {
                out.push_str(&html);
            }
        }
        let blocked = matches
            .iter()
            .map(|m| m.category)
            .find(|c| fw.plan.declines(*c));
        let category = match (blocked, over_limit) {
            (Some(c), _) => {
                self.count(|s| s.inline_scripts_neutralised += 1);
                Some(c)
            }
            (None, true) => {
                let c = fw.plan.fail_closed_category();
                if c.is_some() {
                    self.count(|s| {
                        s.inline_scripts_neutralised += 1;
                        s.inline_scripts_over_limit += 1;
                    });
                }
                c
            }
            (None, false) => None,
        };
        match category {
            Some(c) => out.push_str(&script_start_tag(&p.attrs, Some(c))),
            None => out.push_str(&p.raw),
        }
        out.push_str(&p.text);
        out
    }

    /// The script left open at the end of the document without any text.
    pub(crate) fn unfinished_script(&self) -> Option<String> {
        let fw = self.firewall.as_ref()?;
        let p = fw.pending.borrow_mut().take()?;
        (!p.streaming).then(|| self.render_script(fw, p, false))
    }

    pub(crate) fn on_resource(&self, el: &mut Element<'_, '_>) -> HandlerResult {
        let Some(fw) = &self.firewall else {
            return Ok(());
        };
        if el.has_attribute("data-dni-allow") {
            return Ok(());
        }
        let tag = el.tag_name();
        let (attrs, frame): (&[&str], bool) = match tag.as_str() {
            "img" | "source" => (&["src", "srcset"], false),
            "iframe" | "frame" | "embed" => (&["src"], true),
            "object" => (&["data"], true),
            "video" => (&["poster", "src"], false),
            "audio" => (&["src"], false),
            "input" => (&["src"], false),
            "link" => {
                let rel = el
                    .get_attribute("rel")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
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
                    return Ok(());
                }
                (&["href"], false)
            }
            _ => return Ok(()),
        };
        let mut blocked = None;
        for attr in attrs {
            let Some(value) = el.get_attribute(attr) else {
                continue;
            };
            let urls: Vec<&str> = if *attr == "srcset" {
                value
                    .split(',')
                    .filter_map(|c| c.split_ascii_whitespace().next())
                    .collect()
            } else {
                vec![value.trim()]
            };
            if let Some(c) = urls
                .into_iter()
                .find_map(|u| fw.blocks(fw.plan.classifier.resource(u)))
            {
                blocked = Some(c);
                break;
            }
        }
        let Some(category) = blocked else {
            return Ok(());
        };
        for attr in attrs {
            let Some(value) = el.get_attribute(attr) else {
                continue;
            };
            el.set_attribute(&format!("data-dni-{attr}"), &value)?;
            match (tag.as_str(), *attr) {
                ("img" | "input", "src") => el.set_attribute("src", BLANK_IMAGE)?,
                ("iframe" | "frame", "src") => el.set_attribute("src", "about:blank")?,
                _ => el.remove_attribute(attr),
            }
        }
        el.set_attribute("data-consent-category", category.as_str())?;
        if frame {
            self.count(|s| s.frames_disarmed += 1);
        } else {
            self.count(|s| s.pixels_disarmed += 1);
        }
        Ok(())
    }

    /// `<noscript>` content is raw text to the parser: it is collected and rewritten as
    /// markup by a nested rewriter (numbers and firewall, no Consent Mode).
    pub(crate) fn on_noscript_text(&self, chunk: &mut TextChunk<'_>) {
        let Some(fw) = &self.firewall else { return };
        if let Some(n) = &self.numbers {
            // The document text handler must not rewrite it as plain text.
            n.skip_this_text.set(true);
        }
        let mut buf = fw.noscript.borrow_mut();
        let text = buf.get_or_insert_with(String::new);
        if text.len() <= MAX_NOSCRIPT_BYTES {
            text.push_str(chunk.as_str());
        }
        if !chunk.last_in_text_node() {
            chunk.remove();
            return;
        }
        let content = buf.take().unwrap_or_default();
        drop(buf);
        if content.len() > MAX_NOSCRIPT_BYTES {
            // Too long to rewrite: dropped, so nothing in it can load (fail closed).
            self.count(|s| s.pixels_disarmed += 1);
            chunk.replace("", ContentType::Html);
            return;
        }
        let rewritten = self.nested_rewrite(fw, &content);
        chunk.replace(&rewritten, ContentType::Html);
    }

    fn nested_rewrite(&self, fw: &Firewall, content: &str) -> String {
        let plan = RewritePlan {
            swaps: fw.nested.swaps.clone(),
            attributes: fw.nested.attributes.clone(),
            firewall: Some(crate::TagFirewall {
                classifier: fw.plan.classifier.clone(),
                declined: fw.plan.declined.clone(),
                marker_attribute: fw.plan.marker_attribute.clone(),
                max_inline_script_bytes: fw.plan.max_inline_script_bytes,
            }),
            consent_mode: None,
            max_text_node_bytes: fw.nested.max_text_node_bytes,
        };
        let Ok(mut rw) = StreamRewriter::new(plan, "text/html; charset=utf-8", usize::MAX) else {
            return String::new();
        };
        let mut out = Vec::new();
        let done = rw
            .write(content.as_bytes())
            .map(|o| out.extend(o.unwrap_or_default()));
        let end = done.and_then(|()| rw.end());
        match end {
            Ok((rest, stats)) => {
                out.extend(rest);
                self.count(|s| {
                    s.numbers_swapped += stats.numbers_swapped;
                    s.pixels_disarmed += stats.pixels_disarmed;
                    s.frames_disarmed += stats.frames_disarmed;
                    s.scripts_neutralised += stats.scripts_neutralised;
                });
                String::from_utf8(out).unwrap_or_default()
            }
            // Could not be rewritten: dropped (fail closed).
            Err(_) => String::new(),
        }
    }

    /// `<meta charset>` / `<meta http-equiv=content-type>`: the encoding lol_html switches to
    /// (start tags held back are decoded with it).
    pub(crate) fn on_meta(&self, el: &mut Element<'_, '_>) {
        let Some(fw) = &self.firewall else { return };
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
                fw.encoding.set(enc);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_types_are_recognised_and_data_types_are_not() {
        for js in [
            None,
            Some(""),
            Some("module"),
            Some("text/javascript"),
            Some(" Text/JavaScript "),
            Some("application/javascript; charset=utf-8"),
            Some("text/ecmascript"),
        ] {
            assert!(is_javascript_type(js), "{js:?}");
        }
        for data in [
            "application/json",
            "application/ld+json",
            "text/template",
            "importmap",
            "speculationrules",
            "text/plain",
            "text/x-template",
            "text/html",
        ] {
            assert!(!is_javascript_type(Some(data)), "{data}");
        }
    }

    #[test]
    fn neutralised_start_tags_keep_every_attribute() {
        let attrs = vec![
            ("id".to_string(), "a\"b".to_string()),
            ("async".to_string(), String::new()),
        ];
        assert_eq!(
            script_start_tag(&attrs, Some(Category::Marketing)),
            r#"<script id="a&quot;b" async="" type="text/plain" data-consent-category="marketing">"#
        );
        let typed = vec![("type".to_string(), "module".to_string())];
        assert_eq!(
            script_start_tag(&typed, Some(Category::Analytics)),
            r#"<script type="text/plain" data-dni-original-type="module" data-consent-category="analytics">"#
        );
        assert_eq!(script_start_tag(&typed, None), r#"<script type="module">"#);
    }
}
