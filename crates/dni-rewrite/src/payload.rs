//! Framework payloads: the serialized data a server-rendered page hydrates from
//! (`__NEXT_DATA__`, React Server Component rows, `__NUXT_DATA__`, island props, ...), how a
//! page shows which framework built it, and [`DataPlan`]: how numbers in that data are
//! swapped (see [`dni_numbers::DataStream`]) and where the hydration guard goes.

use std::fmt;

use lol_html::html_content::Element;

use crate::config::RewriteConfig;

/// The framework whose payloads or assets a page carries (the most specific one seen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Framework {
    /// A `<script type="application/json">` (or `…+json`, `qwik/json`) data island of an app
    /// this crate does not know by name.
    DataIsland,
    /// An inline application state script (`window.__APOLLO_STATE__`, `__PRELOADED_STATE__`,
    /// `__INITIAL_STATE__`, a site's own `data_globals`).
    AppState,
    /// Next.js assets (`/_next/`), router not known yet.
    Next,
    /// Next.js pages router (`#__next`, `__NEXT_DATA__`).
    NextPages,
    /// Next.js app router (`self.__next_f.push(...)` React Server Component rows).
    NextApp,
    /// Nuxt (`#__nuxt`, `/_nuxt/`, `__NUXT_DATA__`, `window.__NUXT__`).
    Nuxt,
    /// Astro (`<astro-island props>`, `/_astro/`).
    Astro,
    /// Remix (`window.__remixContext`).
    Remix,
    /// React Router 7 framework mode (`window.__reactRouterContext`) or data routers'
    /// `__staticRouterHydrationData`.
    ReactRouter,
    /// Gatsby (`#___gatsby`, `/page-data/`).
    Gatsby,
    /// SvelteKit (`/_app/immutable/`, `__sveltekit_`).
    SvelteKit,
    /// Qwik (`<script type="qwik/json">`).
    Qwik,
}

impl Framework {
    /// The name used in logs and counters.
    pub fn as_str(self) -> &'static str {
        match self {
            Framework::DataIsland => "data-island",
            Framework::AppState => "app-state",
            Framework::Next => "next",
            Framework::NextPages => "next-pages",
            Framework::NextApp => "next-app",
            Framework::Nuxt => "nuxt",
            Framework::Astro => "astro",
            Framework::Remix => "remix",
            Framework::ReactRouter => "react-router",
            Framework::Gatsby => "gatsby",
            Framework::SvelteKit => "sveltekit",
            Framework::Qwik => "qwik",
        }
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the hydration guard goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardPlacement {
    /// Right before the first framework marker (a framework's script, preload or root
    /// element, an island, a payload script in which a number was swapped); nowhere on
    /// pages without one.
    Auto,
    /// As `Auto`, and at the start of `<body>` on pages where no marker came before it.
    Always,
}

/// The hydration guard of one response: a small inline script (built by the caller) that
/// keeps numbers swapped through the framework's hydration and later client renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HydrationGuard {
    /// The whole element, `<script …>…</script>`.
    pub html: String,
    pub placement: GuardPlacement,
}

/// How numbers in serialized data are swapped in one response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataPlan {
    /// Swap numbers in payloads (`false`: only framework detection and the guard).
    pub swap: bool,
    /// Keys whose values are never changed (e.g. `invoiceId`), at any nesting or escaping
    /// depth.
    pub exclude_keys: Vec<String>,
    /// Extra global names that mark an inline script as an application payload (e.g.
    /// `__APP_STATE__`), besides the built-in ones.
    pub globals: Vec<String>,
    pub guard: Option<HydrationGuard>,
}

impl DataPlan {
    /// The data settings of a site's `rewrite` configuration (no guard).
    pub fn from_config(config: &RewriteConfig) -> DataPlan {
        DataPlan {
            swap: config.data_swap,
            exclude_keys: config.data_exclude_keys.clone(),
            globals: config.data_globals.clone(),
            guard: None,
        }
    }

    pub(crate) fn excludes(&self, key: &str) -> bool {
        self.exclude_keys.iter().any(|k| k == key)
    }
}

/// Elements that may be framework markers (lol_html selector); [`framework_marker`] tells.
/// One `script`, one `link` and one `[id^="__"]` with the exact test in Rust, rather than a
/// selector per URL marker and id: lol_html tries every selector on every start tag,
/// `script` and `link` are there anyway for the script and firewall handlers, and scripts,
/// links and ids starting with `__` are few.
pub(crate) const FRAMEWORK_MARKER_SELECTOR: &str = "script, link, [id^=\"__\"], astro-island";

/// Framework assets by URL: in a `<script src>` ...
const SCRIPT_SRC_MARKERS: [&str; 4] = ["/_next/", "/_nuxt/", "/_astro/", "/_app/immutable/"];
/// ... and in a `<link href>`.
const LINK_HREF_MARKERS: [&str; 4] = ["/_next/", "/_nuxt/", "/page-data/", "/_app/immutable/"];
/// Root elements of framework pages, by `id`.
const MARKER_IDS: [&str; 3] = ["__next", "__nuxt", "___gatsby"];

/// Whether an element (lower-case tag name, attributes as written) is a framework marker:
/// `script[src*="/_next/"]`, `link[href*="/_next/"]`, `#__next`, `astro-island`, ...
/// (substrings compared case-sensitively, ids exactly, as lol_html's selectors do).
pub(crate) fn is_framework_marker(
    tag: &str,
    id: Option<&str>,
    src: Option<&str>,
    href: Option<&str>,
) -> bool {
    let url_has = |url: Option<&str>, markers: &[&str]| {
        url.is_some_and(|u| markers.iter().any(|m| u.contains(m)))
    };
    tag == "astro-island"
        || id.is_some_and(|id| MARKER_IDS.contains(&id))
        || match tag {
            "script" => url_has(src, &SCRIPT_SRC_MARKERS),
            "link" => url_has(href, &LINK_HREF_MARKERS),
            _ => false,
        }
}

/// The framework of an element matched by [`FRAMEWORK_MARKER_SELECTOR`], if it is a marker.
pub(crate) fn framework_marker(el: &Element<'_, '_>) -> Option<Framework> {
    let tag = el.tag_name();
    let url = |name: &str| match tag.as_str() {
        "script" | "link" => el.get_attribute(name),
        _ => None,
    };
    let marker = is_framework_marker(
        &tag,
        el.get_attribute("id").as_deref(),
        url("src").as_deref(),
        url("href").as_deref(),
    );
    if marker {
        framework_of_element(el)
    } else {
        None
    }
}

/// The framework a framework marker belongs to.
fn framework_of_element(el: &Element<'_, '_>) -> Option<Framework> {
    let id = el.get_attribute("id").unwrap_or_default();
    let url = el
        .get_attribute("src")
        .or_else(|| el.get_attribute("href"))
        .unwrap_or_default();
    match id.as_str() {
        "__next" => return Some(Framework::NextPages),
        "__nuxt" => return Some(Framework::Nuxt),
        "___gatsby" => return Some(Framework::Gatsby),
        _ => {}
    }
    if el.tag_name().eq_ignore_ascii_case("astro-island") || url.contains("/_astro/") {
        Some(Framework::Astro)
    } else if url.contains("/_next/") {
        Some(Framework::Next)
    } else if url.contains("/_nuxt/") {
        Some(Framework::Nuxt)
    } else if url.contains("/page-data/") {
        Some(Framework::Gatsby)
    } else if url.contains("/_app/immutable/") {
        Some(Framework::SvelteKit)
    } else {
        None
    }
}

/// What a `<script>` element holds, from its start tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScriptKind {
    /// Data to swap numbers in (`application/json`, `…+json` but JSON-LD, `qwik/json`).
    Data(Framework),
    /// Inline JavaScript: a payload if its first bytes say so (see [`js_payload`]).
    InlineJs,
    /// Anything else (JSON-LD, templates, a `src` script, `data-dni-skip`): left alone.
    Other,
}

/// Classifies a script from its start tag. `javascript` = its `type` makes it JavaScript.
pub(crate) fn script_kind(
    type_attr: Option<&str>,
    id: Option<&str>,
    has_src: bool,
    skipped: bool,
    javascript: bool,
) -> ScriptKind {
    if skipped || has_src {
        return ScriptKind::Other;
    }
    if javascript {
        return ScriptKind::InlineJs;
    }
    let essence = type_attr
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let json = essence == "application/json"
        || essence == "text/json"
        || (essence.ends_with("+json") && essence != "application/ld+json")
        || essence == "qwik/json";
    if !json {
        return ScriptKind::Other;
    }
    let framework = match (id.unwrap_or(""), essence.as_str()) {
        ("__NEXT_DATA__", _) => Framework::NextPages,
        ("__NUXT_DATA__", _) => Framework::Nuxt,
        (_, "qwik/json") => Framework::Qwik,
        _ => Framework::DataIsland,
    };
    ScriptKind::Data(framework)
}

/// Bytes of an inline script's start searched for a payload marker.
pub(crate) const JS_MARKER_WINDOW: usize = 512;

/// Built-in markers of inline payload scripts, searched in their first
/// [`JS_MARKER_WINDOW`] bytes.
const JS_MARKERS: &[(&str, Framework)] = &[
    ("self.__next_f", Framework::NextApp),
    ("__NEXT_DATA__", Framework::NextPages),
    ("__remixContext", Framework::Remix),
    ("__reactRouterContext", Framework::ReactRouter),
    ("__staticRouterHydrationData", Framework::ReactRouter),
    ("__NUXT__", Framework::Nuxt),
    ("__sveltekit_", Framework::SvelteKit),
    ("__APOLLO_STATE__", Framework::AppState),
    ("__PRELOADED_STATE__", Framework::AppState),
    ("__INITIAL_STATE__", Framework::AppState),
];

/// The framework whose payload an inline script is, from its first bytes (`head`: at most
/// [`JS_MARKER_WINDOW`] bytes are looked at) and the site's extra `globals`.
pub(crate) fn js_payload(head: &str, globals: &[String]) -> Option<Framework> {
    let mut end = head.len().min(JS_MARKER_WINDOW);
    while !head.is_char_boundary(end) {
        end -= 1;
    }
    let head = head.get(..end)?;
    JS_MARKERS
        .iter()
        .find(|(m, _)| head.contains(m))
        .map(|(_, f)| *f)
        .or_else(|| {
            globals
                .iter()
                .any(|g| !g.is_empty() && head.contains(g.as_str()))
                .then_some(Framework::AppState)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_scripts_are_recognised_by_type_and_id() {
        let k = |t: Option<&str>, id| script_kind(t, id, false, false, false);
        assert_eq!(
            k(Some("application/json"), Some("__NEXT_DATA__")),
            ScriptKind::Data(Framework::NextPages)
        );
        assert_eq!(
            k(Some("application/json"), Some("__NUXT_DATA__")),
            ScriptKind::Data(Framework::Nuxt)
        );
        assert_eq!(
            k(Some(" Application/JSON ; charset=utf-8"), None),
            ScriptKind::Data(Framework::DataIsland)
        );
        assert_eq!(
            k(Some("application/vnd.app+json"), None),
            ScriptKind::Data(Framework::DataIsland)
        );
        assert_eq!(
            k(Some("qwik/json"), None),
            ScriptKind::Data(Framework::Qwik)
        );
        for other in [
            "application/ld+json",
            "text/template",
            "importmap",
            "speculationrules",
        ] {
            assert_eq!(k(Some(other), None), ScriptKind::Other, "{other}");
        }
        assert_eq!(
            script_kind(Some("application/json"), None, false, true, false),
            ScriptKind::Other
        );
        assert_eq!(
            script_kind(None, None, true, false, true),
            ScriptKind::Other
        );
        assert_eq!(
            script_kind(None, None, false, false, true),
            ScriptKind::InlineJs
        );
    }

    /// What the selectors `script[src*="/_next/"]`, `link[href*="/page-data/"]`, `#__next`,
    /// `astro-island`, ... matched, and nothing else.
    #[test]
    fn framework_markers_are_the_elements_the_url_and_id_selectors_matched() {
        let m = is_framework_marker;
        assert!(m(
            "script",
            None,
            Some("/_next/static/chunks/main.js"),
            None
        ));
        assert!(m(
            "script",
            None,
            Some("https://cdn.example/_nuxt/entry.js"),
            None
        ));
        assert!(m("script", None, Some("/_astro/hoisted.js"), None));
        assert!(m("script", None, Some("/_app/immutable/start.js"), None));
        assert!(m("link", None, None, Some("/_next/static/css/app.css")));
        assert!(m("link", None, None, Some("/page-data/app-data.json")));
        assert!(m("link", None, None, Some("/_app/immutable/assets/0.css")));
        assert!(m("div", Some("__next"), None, None));
        assert!(m("div", Some("__nuxt"), None, None));
        assert!(m("div", Some("___gatsby"), None, None));
        assert!(m("script", Some("__next"), None, None));
        assert!(m("astro-island", None, None, None));
        // The URL in the other attribute, or another element's.
        assert!(!m(
            "script",
            None,
            None,
            Some("/_next/static/chunks/main.js")
        ));
        assert!(!m("link", None, Some("/_next/static/css/app.css"), None));
        assert!(!m("img", None, Some("/_next/image?url=a.png"), None));
        assert!(!m("a", None, None, Some("/_next/data.json")));
        // Markers a link or a script does not have: Gatsby's page data, Astro's scripts.
        assert!(!m("script", None, Some("/page-data/app-data.json"), None));
        assert!(!m("link", None, None, Some("/_astro/index.css")));
        // Case-sensitive, as the selectors.
        assert!(!m(
            "script",
            None,
            Some("/_NEXT/static/chunks/main.js"),
            None
        ));
        assert!(!m("div", Some("__NEXT"), None, None));
        assert!(!m("div", Some(" __next"), None, None));
        assert!(!m("p", None, None, None));
        assert!(!m("script", None, Some("/js/app.js"), None));
    }

    #[test]
    fn inline_payloads_are_recognised_by_their_first_bytes() {
        assert_eq!(
            js_payload(r#"self.__next_f.push([1,"0:..."])"#, &[]),
            Some(Framework::NextApp)
        );
        assert_eq!(
            js_payload("(self.__next_f=self.__next_f||[]).push([0])", &[]),
            Some(Framework::NextApp)
        );
        assert_eq!(
            js_payload("window.__remixContext = {\"state\":{}};", &[]),
            Some(Framework::Remix)
        );
        assert_eq!(
            js_payload("window.__NUXT__=(function(a){return {}}(1))", &[]),
            Some(Framework::Nuxt)
        );
        assert_eq!(js_payload("gtag('config','G-1')", &[]), None);
        let globals = vec!["__SHOP__".to_string()];
        assert_eq!(
            js_payload("window.__SHOP__ = {}", &globals),
            Some(Framework::AppState)
        );
        let late = format!(
            "{}self.__next_f.push([1,\"\"])",
            " ".repeat(JS_MARKER_WINDOW)
        );
        assert_eq!(js_payload(&late, &[]), None);
        assert_eq!(js_payload("é", &[]), None);
    }
}
