//! What a `<script>` start tag is to the tag firewall: JavaScript, delayed JavaScript or data
//! (from its `type`), the attributes that hold its URL (a `data:` URL holds its code), and
//! its neutralised form.

use dni_common::Category;
use lol_html::html_content::Element;
use lol_html::HandlerResult;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firewall::decode_attribute_entities;

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
