//! The tag firewall's handlers: pixels/frames/preloads and `<noscript>` content (raw text
//! to the parser, so it is rewritten by a nested rewriter); scripts are in [`crate::script`]. See [`TagFirewall`](crate::TagFirewall).

use std::cell::RefCell;

use dni_common::Category;
use dni_numbers::E164;
use lol_html::html_content::{ContentType, Element, TextChunk};
use lol_html::HandlerResult;

use crate::plan::{RewritePlan, TagFirewall, TagInfo};
use crate::rewriter::{Shared, StreamRewriter};

/// Most bytes of one `<noscript>` rewritten; a longer one is dropped (fail closed).
pub const MAX_NOSCRIPT_BYTES: usize = 64 * 1024;
/// A transparent 1×1 GIF: a disarmed image keeps its box and makes no request.
const BLANK_IMAGE: &str =
    "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

/// What a nested (noscript) rewrite needs to be built.
pub(crate) struct NestedPlan {
    pub swaps: Vec<(E164, E164)>,
    pub attributes: Vec<String>,
    pub whatsapp_links: bool,
}

/// The firewall's state during one rewrite.
pub(crate) struct Firewall {
    pub plan: TagFirewall,
    noscript: RefCell<Option<String>>,
    nested: NestedPlan,
}

impl Firewall {
    pub(crate) fn new(plan: TagFirewall, nested: NestedPlan) -> Firewall {
        Firewall {
            plan,
            noscript: RefCell::new(None),
            nested,
        }
    }

    pub(crate) fn blocks(&self, info: Option<TagInfo>) -> Option<Category> {
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
pub(crate) fn script_start_tag(attrs: &[(String, String)], category: Option<Category>) -> String {
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
pub(crate) fn neutralise(el: &mut Element<'_, '_>, category: Category) -> HandlerResult {
    if let Some(t) = el.get_attribute("type") {
        el.set_attribute("data-dni-original-type", &t)?;
    }
    el.set_attribute("type", "text/plain")?;
    el.set_attribute("data-consent-category", category.as_str())?;
    Ok(())
}

impl Shared {
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
            data: None,
            whatsapp_links: fw.nested.whatsapp_links,
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
