//! Data requests: the JSON and React Server Component responses a framework fetches on
//! client-side navigation (and Gatsby on every load). Their numbers are swapped for the
//! same visitor with the same numbers as the pages ([`dni_rewrite::DataRewriter`]); they never
//! create a session or a lease (they are not navigations).

use dni_rewrite::Framework;
use regex_lite::Regex;

#[cfg(test)]
use crate::config::compile_data_paths;

/// The essence of a `Content-Type`, lowercased.
fn essence(content_type: Option<&str>) -> String {
    content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn is_json(essence: &str) -> bool {
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

/// The framework whose data a response is, from the request's path and query and the
/// response's `Content-Type`; `site_paths` is the site's `rewrite.data_paths`. `None`: not
/// a data response this worker rewrites.
///
/// | framework | request | response |
/// |---|---|---|
/// | Next.js app router (RSC) | any, `.txt` with `_rsc=` | `text/x-component`, or `text/plain` for a `.txt` |
/// | Next.js pages router | `/_next/data/…/*.json` | JSON |
/// | Nuxt | `…/_payload.json` | JSON (devalue) |
/// | Gatsby | `/page-data/…/page-data.json`, `app-data.json` | JSON |
/// | SvelteKit | `…/__data.json` | JSON (devalue) |
/// | React Router 7 | `….data` | `text/x-script` (turbo-stream) |
/// | Remix 2 | `?_data=…` | JSON |
/// | the site's own | `data_paths` | JSON |
pub fn data_kind(
    path: &str,
    query: &str,
    content_type: Option<&str>,
    site_paths: Option<&Regex>,
) -> Option<Framework> {
    let essence = essence(content_type);
    let rsc_text = path.ends_with(".txt")
        && query.split('&').any(|p| p.starts_with("_rsc="))
        && essence == "text/plain";
    if essence == "text/x-component" || rsc_text {
        return Some(Framework::NextApp);
    }
    if essence == "text/x-script" && path.ends_with(".data") {
        return Some(Framework::ReactRouter);
    }
    if !is_json(&essence) {
        return None;
    }
    if path.starts_with("/_next/data/") && path.ends_with(".json") {
        Some(Framework::NextPages)
    } else if path.ends_with("/_payload.json") {
        Some(Framework::Nuxt)
    } else if path.starts_with("/page-data/")
        && (path.ends_with("/page-data.json") || path.ends_with("/app-data.json"))
    {
        Some(Framework::Gatsby)
    } else if path.ends_with("/__data.json") {
        Some(Framework::SvelteKit)
    } else if query.split('&').any(|p| p.starts_with("_data=")) {
        Some(Framework::Remix)
    } else if site_paths.is_some_and(|r| r.is_match(path)) {
        Some(Framework::DataIsland)
    } else {
        None
    }
}

/// The path and query of an absolute URL (`https://host/path?query#fragment`).
pub fn path_and_query(url: &str) -> (&str, &str) {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let from_path = after_scheme
        .find('/')
        .map_or("/", |i| after_scheme.get(i..).unwrap_or("/"));
    let without_fragment = from_path.split('#').next().unwrap_or("");
    match without_fragment.split_once('?') {
        Some((p, q)) => (p, q),
        None => (without_fragment, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: Option<&str> = Some("application/json; charset=utf-8");

    #[test]
    fn framework_data_requests_are_recognised() {
        let k = |p, q, ct| data_kind(p, q, ct, None);
        assert_eq!(
            k("/_next/data/build-1/contact.json", "", JSON),
            Some(Framework::NextPages)
        );
        assert_eq!(
            k("/contact/", "_rsc=1x2y", Some("text/x-component")),
            Some(Framework::NextApp)
        );
        assert_eq!(
            k(
                "/contact/index.txt",
                "_rsc=abc",
                Some("text/plain; charset=utf-8")
            ),
            Some(Framework::NextApp)
        );
        assert_eq!(k("/notes.txt", "", Some("text/plain")), None);
        assert_eq!(
            k("/contact/_payload.json", "consent-dni-nuxt", JSON),
            Some(Framework::Nuxt)
        );
        assert_eq!(
            k("/page-data/contact/page-data.json", "", JSON),
            Some(Framework::Gatsby)
        );
        assert_eq!(
            k("/contact/__data.json", "x-sveltekit-invalidated=01", JSON),
            Some(Framework::SvelteKit)
        );
        assert_eq!(
            k("/contact.data", "", Some("text/x-script")),
            Some(Framework::ReactRouter)
        );
        assert_eq!(
            k("/contact", "_data=routes%2Fcontact", JSON),
            Some(Framework::Remix)
        );
        assert_eq!(k("/api/orders.json", "", JSON), None);
        // A data path answering HTML (an error page) is not data.
        assert_eq!(k("/_next/data/b/contact.json", "", Some("text/html")), None);
    }

    #[test]
    fn urls_split_into_path_and_query() {
        assert_eq!(
            path_and_query("https://a.example/x/y.json?_rsc=1#f"),
            ("/x/y.json", "_rsc=1")
        );
        assert_eq!(path_and_query("https://a.example"), ("/", ""));
        assert_eq!(path_and_query("https://a.example/?q"), ("/", "q"));
    }

    #[test]
    fn site_paths_are_data_requests() {
        let re = compile_data_paths(&["/data/*.json".into()]).unwrap();
        assert_eq!(
            data_kind("/data/index.json", "", JSON, Some(&re)),
            Some(Framework::DataIsland)
        );
        assert_eq!(data_kind("/data/a/index.json", "", JSON, Some(&re)), None);
    }
}
