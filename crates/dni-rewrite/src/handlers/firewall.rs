//! The tag firewall's handlers: pixels, frames and preloads (their URL attributes), `<a ping>`,
//! `<iframe srcdoc>`, and `<noscript>` content (raw text to the parser, so it is rewritten as
//! markup by a nested rewriter). Scripts are in [`super::script`].

use lol_html::html_content::{ContentType, Element, TextChunk};
use lol_html::HandlerResult;

use crate::firewall::{
    decode_attribute_entities, decode_url_entities, disarm_css_urls, resource_attributes,
    resource_urls, Firewall, BLANK_IMAGE, MAX_NOSCRIPT_BYTES, MAX_STYLE_BYTES,
};
use crate::plan::RewritePlan;
use crate::script_tag::data_url_text;
use crate::shared::Shared;

impl Shared {
    pub(crate) fn on_resource(&self, el: &mut Element<'_, '_>) -> HandlerResult {
        let Some(fw) = &self.firewall else {
            return Ok(());
        };
        if el.has_attribute("data-dni-allow") {
            return Ok(());
        }
        self.on_style_attribute(fw, el)?;
        self.on_event_handlers(fw, el)?;
        let tag = el.tag_name();
        if matches!(tag.as_str(), "a" | "area") {
            return self.on_ping(fw, el);
        }
        if tag == "iframe" {
            self.on_srcdoc(fw, el)?;
        }
        if tag == "base" {
            return self.on_base(fw, el);
        }
        // Selected by `[ping]` too: an `<input>` is an image button only with `type=image`
        // (what `input[type=image i]` selects).
        if tag == "input"
            && !el
                .get_attribute("type")
                .is_some_and(|t| t.eq_ignore_ascii_case("image"))
        {
            return Ok(());
        }
        let rel = (tag == "link").then(|| el.get_attribute("rel")).flatten();
        let Some((attrs, frame)) = resource_attributes(&tag, rel.as_deref()) else {
            return Ok(());
        };
        let mut blocked = None;
        for attr in attrs {
            let Some(value) = el.get_attribute(attr) else {
                continue;
            };
            let value = decode_url_entities(&value);
            // A frame's `data:` document (`<iframe src="data:text/html,<img src=…>">`) is
            // read like an `<iframe srcdoc>`.
            if let Some(doc) = frame.then(|| data_url_text(&value)).flatten() {
                if self.nested_disarms(fw, &doc) {
                    blocked = fw.plan.fail_closed_category();
                    break;
                }
                continue;
            }
            if let Some(c) = resource_urls(attr, &value)
                .into_iter()
                .find_map(|u| fw.blocks(fw.plan.classifier.resource(&fw.resolved(u))))
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

    /// `<a ping>` / `<area ping>`: the beacon sent on click. Dropped (kept in
    /// `data-dni-ping`) when one of its URLs is a declined vendor's.
    fn on_ping(&self, fw: &Firewall, el: &mut Element<'_, '_>) -> HandlerResult {
        let Some(ping) = el.get_attribute("ping") else {
            return Ok(());
        };
        let Some(category) = decode_url_entities(&ping)
            .split_ascii_whitespace()
            .find_map(|u| fw.blocks(fw.plan.classifier.resource(&fw.resolved(u))))
        else {
            return Ok(());
        };
        el.set_attribute("data-dni-ping", &ping)?;
        el.remove_attribute("ping");
        el.set_attribute("data-consent-category", category.as_str())?;
        self.count(|s| s.pixels_disarmed += 1);
        Ok(())
    }

    /// `<base href>`: the document's base URL, which relative URLs after it are resolved
    /// against before they are classified (`<base href="https://www.facebook.com/">` then
    /// `<img src="tr?id=1">` is Meta's pixel). A base on a declined vendor's host loses its
    /// `href` (kept in `data-dni-href`): relative URLs then stay on the page's origin.
    fn on_base(&self, fw: &Firewall, el: &mut Element<'_, '_>) -> HandlerResult {
        let Some(href) = el.get_attribute("href") else {
            return Ok(());
        };
        let decoded = decode_url_entities(&href);
        if let Some(category) = fw.blocks(fw.plan.classifier.resource(&decoded)) {
            el.set_attribute("data-dni-href", &href)?;
            el.remove_attribute("href");
            el.set_attribute("data-consent-category", category.as_str())?;
            self.count(|s| s.pixels_disarmed += 1);
            return Ok(());
        }
        fw.set_base(&decoded);
        Ok(())
    }

    /// A `style` attribute whose `url()` points at a declined vendor (a CSS background
    /// pixel): those URLs become a blank image (the attribute as written kept in
    /// `data-dni-style`).
    fn on_style_attribute(&self, fw: &Firewall, el: &mut Element<'_, '_>) -> HandlerResult {
        let Some(style) = el.get_attribute("style") else {
            return Ok(());
        };
        if find_url_call(&style).is_none() {
            return Ok(());
        }
        // The value as written (entities not decoded): a quoted URL may read `&quot;…&quot;`.
        let Some((disarmed, category)) = disarm_css_urls(&style, |u| {
            let url = decode_url_entities(u);
            let url = url.trim_matches(|c: char| c == '"' || c == '\'' || c.is_ascii_whitespace());
            fw.blocks(fw.plan.classifier.resource(&fw.resolved(url)))
        }) else {
            return Ok(());
        };
        el.set_attribute("data-dni-style", &style)?;
        el.set_attribute("style", &disarmed)?;
        el.set_attribute("data-consent-category", category.as_str())?;
        self.count(|s| s.pixels_disarmed += 1);
        Ok(())
    }

    /// Event handler attributes (`onload`, `onerror`, `onclick`, see [`EVENT_HANDLERS`]) are
    /// inline scripts: one whose code is a declined vendor's (a snippet signature, or a URL
    /// on its hosts: `onload="new Image().src='https://www.facebook.com/tr?…'"`) is dropped
    /// (kept, inert, in `data-dni-<name>`).
    fn on_event_handlers(&self, fw: &Firewall, el: &mut Element<'_, '_>) -> HandlerResult {
        for name in EVENT_HANDLERS {
            let Some(code) = el.get_attribute(name) else {
                continue;
            };
            let Some(category) = fw
                .plan
                .classifier
                .inline_script(&decode_attribute_entities(&code))
                .into_iter()
                .find_map(|i| fw.blocks(Some(i)))
            else {
                continue;
            };
            el.set_attribute(&format!("data-dni-{name}"), &code)?;
            el.remove_attribute(name);
            el.set_attribute("data-consent-category", category.as_str())?;
            self.count(|s| s.inline_scripts_neutralised += 1);
        }
        Ok(())
    }

    /// `<style>` content: collected (up to [`MAX_STYLE_BYTES`], a longer one goes out as
    /// written) and sent out at its end with the `url()`s of declined vendors blanked.
    pub(crate) fn on_style_text(&self, fw: &Firewall, chunk: &mut TextChunk<'_>) {
        let mut buf = fw.style.borrow_mut();
        let last = chunk.last_in_text_node();
        let Some(text) = buf.as_mut() else {
            // Over the bound: this element goes out as written.
            if last {
                *buf = Some(String::new());
            }
            return;
        };
        if text.len() + chunk.as_str().len() > MAX_STYLE_BYTES {
            // What was held goes out first, then the rest as it comes.
            let held = std::mem::take(text);
            let here = chunk.as_str().to_owned();
            chunk.replace(&(held + &here), ContentType::Html);
            *buf = (last).then(String::new);
            return;
        }
        text.push_str(chunk.as_str());
        if !last {
            chunk.remove();
            return;
        }
        let css = std::mem::take(text);
        drop(buf);
        let out = match disarm_css_urls(&css, |u| {
            fw.blocks(fw.plan.classifier.resource(&fw.resolved(u)))
        }) {
            Some((disarmed, _)) => {
                self.count(|s| s.pixels_disarmed += 1);
                disarmed
            }
            None => css,
        };
        chunk.replace(&out, ContentType::Html);
    }

    /// `<iframe srcdoc>`: a document of its own. When the firewall would disarm anything in
    /// it (rewritten as markup by a nested rewriter), the frame loses its `srcdoc` (kept,
    /// inert, in `data-dni-srcdoc`).
    fn on_srcdoc(&self, fw: &Firewall, el: &mut Element<'_, '_>) -> HandlerResult {
        let Some(doc) = el.get_attribute("srcdoc") else {
            return Ok(());
        };
        if !self.nested_disarms(fw, &decode_attribute_entities(&doc)) {
            return Ok(());
        }
        el.set_attribute("data-dni-srcdoc", &doc)?;
        el.remove_attribute("srcdoc");
        if let Some(c) = fw.plan.fail_closed_category() {
            el.set_attribute("data-consent-category", c.as_str())?;
        }
        self.count(|s| s.frames_disarmed += 1);
        Ok(())
    }

    /// Whether the firewall disarms anything in `html` (an unreadable document counts as
    /// disarming: fail closed).
    fn nested_disarms(&self, fw: &Firewall, html: &str) -> bool {
        let plan = RewritePlan {
            swaps: Vec::new(),
            attributes: Vec::new(),
            firewall: Some(fw.plan.clone()),
            consent_mode: None,
            data: None,
            whatsapp_links: false,
        };
        match (fw.nested.rewrite)(plan, html) {
            Some((_, s)) => {
                s.scripts_neutralised
                    + s.inline_scripts_neutralised
                    + s.pixels_disarmed
                    + s.frames_disarmed
                    > 0
                    || s.bailed_out
            }
            None => true,
        }
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
            firewall: Some(fw.plan.clone()),
            consent_mode: None,
            data: None,
            whatsapp_links: fw.nested.whatsapp_links,
        };
        match (fw.nested.rewrite)(plan, content) {
            Some((out, stats)) => {
                self.count(|s| {
                    s.numbers_swapped += stats.numbers_swapped;
                    s.pixels_disarmed += stats.pixels_disarmed;
                    s.frames_disarmed += stats.frames_disarmed;
                    s.scripts_neutralised += stats.scripts_neutralised;
                });
                String::from_utf8(out).unwrap_or_default()
            }
            // Could not be rewritten: dropped (fail closed).
            None => String::new(),
        }
    }
}

/// Where `url(` (any case) is in CSS text, if anywhere.
fn find_url_call(css: &str) -> Option<usize> {
    css.as_bytes()
        .windows(4)
        .position(|w| w.eq_ignore_ascii_case(b"url("))
}

/// The event handler attributes the firewall reads, on the elements it selects anyway
/// (`RESOURCE_SELECTOR` in `handlers/mod.rs`: images, frames, `[src]`, `[ping]`): those that
/// run without the visitor doing anything (`onload`, `onerror`: an image that fires a pixel
/// when it loads or fails) and the click that a conversion pixel waits for.
pub(crate) const EVENT_HANDLERS: [&str; 3] = ["onload", "onerror", "onclick"];
