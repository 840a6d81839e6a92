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

/// What a `<script>`'s `type` makes it, for the firewall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScriptType {
    /// JavaScript the browser runs (classic or module).
    JavaScript,
    /// JavaScript a page-speed plugin's loader runs later (see [`DELAYED_TYPES`]): classified
    /// like JavaScript.
    Delayed,
    /// Data (JSON, JSON-LD, templates, import maps, speculation rules, `text/plain`): never
    /// touched by the firewall.
    Data,
}

/// `type`s under which page-speed plugins park JavaScript until their loader runs it (on the
/// first interaction, after a timeout, or in a web worker):
/// * `rocketlazyloadscript`: WP Rocket "Delay JavaScript execution" (`data-rocket-src`,
///   `data-rocket-type`);
/// * `litespeed/javascript`: LiteSpeed Cache "Delay JS" (`data-src`; `lscache_wp`
///   `src/optimize.cls.php` `_build_js_tag`);
/// * `text/partytown`: Partytown (builder.io docs: "Add the type="text/partytown" attribute
///   for each script"), run in a web worker;
/// * `pmdelayedscript`: Perfmatters "Delay all JavaScript" (`data-perfmatters-type`);
/// * `javascript/blocked`: the blocking type of WP Meteor and of script blockers (yett,
///   Pandectes), re-enabled by their loader.
///
/// Any other type whose essence names JavaScript or ECMAScript (`<hash>-text/javascript`
/// of Cloudflare Rocket Loader, `text/javascript-delayed`, ...) is delayed JavaScript too.
pub(crate) const DELAYED_TYPES: &[&str] = &[
    "rocketlazyloadscript",
    "litespeed/javascript",
    "text/partytown",
    "pmdelayedscript",
    "javascript/blocked",
];

/// Attributes that hold a script's URL, for the browser (`src`) or for a delay loader that
/// copies it to `src` later: `data-src` (LiteSpeed Cache, Flying Scripts' `data-type="lazy"`
/// form), `data-rocket-src` (WP Rocket 3.10+), `data-rocketlazyloadscript` (WP Rocket
/// 3.7-3.9), `data-pmdelayedscript` (Perfmatters' include-list mode), `data-lazy-src`
/// (lazy-load scripts), `data-litespeed-src`. A `data:` URL in any of them is the script's
/// code (Flying Scripts, Perfmatters and WP Rocket move inline code into
/// `data:text/javascript;base64,…`).
pub(crate) const SCRIPT_URL_ATTRIBUTES: &[&str] = &[
    "src",
    // SVG `<script href>` / `<script xlink:href>`.
    "href",
    "xlink:href",
    "data-src",
    "data-rocket-src",
    "data-rocketlazyloadscript",
    "data-pmdelayedscript",
    "data-lazy-src",
    "data-litespeed-src",
];

/// The essence of a MIME type: before `;`, trimmed, lowercase.
fn essence(t: &str) -> String {
    t.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// What a script's `type` attribute makes it.
pub(crate) fn script_type(type_attr: Option<&str>) -> ScriptType {
    if is_javascript_type(type_attr) {
        return ScriptType::JavaScript;
    }
    let e = essence(type_attr.unwrap_or(""));
    if DELAYED_TYPES.contains(&e.as_str()) || e.contains("javascript") || e.contains("ecmascript") {
        ScriptType::Delayed
    } else {
        ScriptType::Data
    }
}

/// A `type` attribute that makes a script JavaScript (classic or module); anything else is
/// delayed JavaScript or data (JSON, JSON-LD, templates, import maps, speculation rules,
/// `text/plain`).
pub(crate) fn is_javascript_type(type_attr: Option<&str>) -> bool {
    let Some(t) = type_attr else { return true };
    matches!(
        essence(t).as_str(),
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

/// The code of a `data:` URL (`data:text/javascript;base64,…` or percent-encoded), if
/// `url` is one; undecodable content counts as absent.
pub(crate) fn data_url_text(url: &str) -> Option<String> {
    let url = url.trim();
    let scheme = url.get(..5)?;
    if !scheme.eq_ignore_ascii_case("data:") {
        return None;
    }
    let (meta, body) = url.get(5..)?.split_once(',')?;
    let bytes = if meta
        .rsplit(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("base64"))
    {
        use base64::Engine;
        let clean: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let decoded = percent_encoding::percent_decode_str(&clean).collect::<Vec<u8>>();
        base64::engine::general_purpose::STANDARD
            .decode(decoded.as_slice())
            .or_else(|_| {
                base64::engine::general_purpose::STANDARD_NO_PAD.decode(decoded.as_slice())
            })
            .ok()?
    } else {
        percent_encoding::percent_decode_str(body).collect()
    };
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Image attributes holding a URL the browser or a lazy-loader fetches.
const LAZY_IMAGE_ATTRIBUTES: [&str; 6] = [
    "src",
    "srcset",
    "data-src",
    "data-lazy-src",
    "data-srcset",
    "data-lazy-srcset",
];

/// An attribute value as written (lol_html does not decode entities) with the entities an
/// HTML document in an attribute uses decoded: `&quot;`, `&#34;`, `&#39;`, `&apos;`,
/// `&lt;`, `&gt;`, `&amp;` (last).
pub(crate) fn decode_attribute_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#x22;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
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
        } else if category.is_some() && is_loader_url_attribute(name) {
            push_attr(
                &mut out,
                &format!("data-dni-{}", name.to_ascii_lowercase()),
                value,
            );
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

/// A delay loader's URL attribute (every [`SCRIPT_URL_ATTRIBUTES`] but `src`): on a
/// neutralised script it is renamed `data-dni-<name>`, so no loader that copies it to
/// `src` (or clones the element) can load it.
fn is_loader_url_attribute(name: &str) -> bool {
    !name.eq_ignore_ascii_case("src")
        && SCRIPT_URL_ATTRIBUTES
            .iter()
            .any(|a| a.eq_ignore_ascii_case(name))
}

/// Neutralises a script element in place (its start tag has not been emitted yet).
pub(crate) fn neutralise(el: &mut Element<'_, '_>, category: Category) -> HandlerResult {
    if let Some(t) = el.get_attribute("type") {
        el.set_attribute("data-dni-original-type", &t)?;
    }
    for attr in SCRIPT_URL_ATTRIBUTES {
        if !is_loader_url_attribute(attr) {
            continue;
        }
        if let Some(v) = el.get_attribute(attr) {
            el.set_attribute(&format!("data-dni-{attr}"), &v)?;
            el.remove_attribute(attr);
        }
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
        if matches!(tag.as_str(), "a" | "area") {
            return self.on_ping(fw, el);
        }
        if tag == "iframe" {
            self.on_srcdoc(fw, el)?;
        }
        let (attrs, frame): (&[&str], bool) = match tag.as_str() {
            // `data-src`, `data-lazy-src`, `data-srcset`: lazy-loaders copy them to `src`
            // (WP Rocket LazyLoad, lazysizes, lozad).
            "img" => (&LAZY_IMAGE_ATTRIBUTES, false),
            "source" => (&["src", "srcset", "data-src", "data-srcset"], false),
            "iframe" | "frame" => (&["src", "data-src", "data-lazy-src"], true),
            "embed" => (&["src"], true),
            // SVG `<image>`.
            "image" => (&["href", "xlink:href"], false),
            "body" | "table" | "td" | "th" => (&["background"], false),
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
            let urls: Vec<&str> = if attr.ends_with("srcset") {
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

    /// `<a ping>` / `<area ping>`: the beacon sent on click. Dropped (kept in
    /// `data-dni-ping`) when one of its URLs is a declined vendor's.
    fn on_ping(&self, fw: &Firewall, el: &mut Element<'_, '_>) -> HandlerResult {
        let Some(ping) = el.get_attribute("ping") else {
            return Ok(());
        };
        let Some(category) = ping
            .split_ascii_whitespace()
            .find_map(|u| fw.blocks(fw.plan.classifier.resource(u)))
        else {
            return Ok(());
        };
        el.set_attribute("data-dni-ping", &ping)?;
        el.remove_attribute("ping");
        el.set_attribute("data-consent-category", category.as_str())?;
        self.count(|s| s.pixels_disarmed += 1);
        Ok(())
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
            firewall: Some(crate::TagFirewall {
                classifier: fw.plan.classifier.clone(),
                declined: fw.plan.declined.clone(),
                marker_attribute: fw.plan.marker_attribute.clone(),
                max_inline_script_bytes: fw.plan.max_inline_script_bytes,
            }),
            consent_mode: None,
            data: None,
            whatsapp_links: false,
        };
        let Ok(mut rw) = StreamRewriter::new(plan, "text/html; charset=utf-8", usize::MAX) else {
            return true;
        };
        if rw.write(html.as_bytes()).is_err() {
            return true;
        }
        match rw.end() {
            Ok((_, s)) => {
                s.scripts_neutralised
                    + s.inline_scripts_neutralised
                    + s.pixels_disarmed
                    + s.frames_disarmed
                    > 0
                    || s.bailed_out
            }
            Err(_) => true,
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
    fn delay_plugins_types_are_javascript_to_the_firewall() {
        for delayed in [
            "rocketlazyloadscript",
            "litespeed/javascript",
            "text/partytown",
            "pmdelayedscript",
            "javascript/blocked",
            " LiteSpeed/JavaScript ",
            // Cloudflare Rocket Loader's rewritten type.
            "8a3f7f4b1b5f0c9d2a5e6c2b-text/javascript",
        ] {
            assert_eq!(script_type(Some(delayed)), ScriptType::Delayed, "{delayed}");
        }
        assert_eq!(script_type(None), ScriptType::JavaScript);
        assert_eq!(script_type(Some("module")), ScriptType::JavaScript);
        for data in [
            "application/json",
            "application/ld+json",
            "text/plain",
            "text/template",
            "text/x-magento-init",
            "importmap",
            "speculationrules",
        ] {
            assert_eq!(script_type(Some(data)), ScriptType::Data, "{data}");
        }
    }

    #[test]
    fn srcdoc_entities_are_decoded() {
        assert_eq!(
            decode_attribute_entities("&lt;img src=&quot;a?b=1&amp;amp;c&quot;&gt;&#39;"),
            "<img src=\"a?b=1&amp;c\">'"
        );
        assert_eq!(decode_attribute_entities("<p>plain</p>"), "<p>plain</p>");
    }

    #[test]
    fn data_urls_give_their_code() {
        // Flying Scripts / Perfmatters / WP Rocket: base64_encode of the inline code.
        assert_eq!(
            data_url_text("data:text/javascript;base64,ZmJxKCdpbml0JywgJzEnKTs=").as_deref(),
            Some("fbq('init', '1');")
        );
        assert_eq!(
            data_url_text(" DATA:text/javascript,fbq(%27init%27)").as_deref(),
            Some("fbq('init')")
        );
        assert_eq!(
            data_url_text("data:text/javascript;base64,ZmJxKCdpbml0Jyk").as_deref(),
            Some("fbq('init')"),
            "unpadded"
        );
        assert_eq!(data_url_text("data:text/javascript;base64,@@@"), None);
        assert_eq!(data_url_text("https://connect.facebook.net/x.js"), None);
        assert_eq!(data_url_text("data:"), None);
        assert_eq!(data_url_text("dat"), None);
        assert_eq!(data_url_text("dataé:x,y"), None);
    }

    proptest::proptest! {
        #[test]
        fn data_url_parsing_never_panics(s in ".{0,200}") {
            let _ = data_url_text(&s);
            let _ = data_url_text(&format!("data:{s}"));
            let _ = data_url_text(&format!("data:text/javascript;base64,{s}"));
            let _ = script_type(Some(&s));
            let _ = decode_attribute_entities(&s);
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
