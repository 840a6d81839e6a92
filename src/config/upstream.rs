//! Where a site's pages come from.

use std::fmt;

use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Upstream {
    /// `"origin"`: the request is fetched as it came (the zone's own origin behind a
    /// Workers route). The production default.
    #[default]
    Origin,
    /// `"assets"`: the bundled demo site, served by the Workers static assets binding `ASSETS`.
    Assets,
    /// `"https://www.example.com"`: fetch from this base URL, keeping path and query
    /// (to run in front of a real site from `wrangler dev`).
    Url(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamError(pub String);

impl fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(host) = url_host(&self.0).filter(|h| !h.is_ascii()) {
            return f.write_str(&super::idn::not_ascii_message(host));
        }
        write!(
            f,
            "`{}` is not an upstream (use \"origin\", \"assets\", or an http(s) URL with no query or fragment)",
            self.0
        )
    }
}

impl Upstream {
    pub fn parse(s: &str) -> Result<Self, UpstreamError> {
        match s {
            "origin" => return Ok(Upstream::Origin),
            "assets" => return Ok(Upstream::Assets),
            _ => {}
        }
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .ok_or_else(|| UpstreamError(s.to_string()))?;
        let host = rest.split('/').next().unwrap_or("");
        // A non-ASCII host could not be fetched: no IDNA tables (src/config/idn.rs).
        if host.is_empty() || !host.is_ascii() || s.contains(['?', '#', ' ']) {
            return Err(UpstreamError(s.to_string()));
        }
        Ok(Upstream::Url(s.trim_end_matches('/').to_string()))
    }

    /// The URL to fetch for a request path-and-query (`/a/b?x=1`), for `Url` upstreams.
    pub fn url_for(&self, path_and_query: &str) -> Option<String> {
        match self {
            Upstream::Url(base) => Some(format!("{base}{path_and_query}")),
            _ => None,
        }
    }
}

/// The host (with any port or user info) of an `http(s)://` URL.
fn url_host(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    rest.split(['/', '?', '#']).next()
}

impl<'de> Deserialize<'de> for Upstream {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        dni_common::de::parse_str(d, Upstream::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_kinds() {
        assert_eq!(Upstream::parse("origin"), Ok(Upstream::Origin));
        assert_eq!(Upstream::parse("assets"), Ok(Upstream::Assets));
        assert_eq!(
            Upstream::parse("http://127.0.0.1:9000/"),
            Ok(Upstream::Url("http://127.0.0.1:9000".into()))
        );
    }

    #[test]
    fn url_keeps_path_and_query() {
        let u = Upstream::parse("https://www.example.com/base").unwrap();
        assert_eq!(
            u.url_for("/a?b=1").as_deref(),
            Some("https://www.example.com/base/a?b=1")
        );
    }

    #[test]
    fn rejects_other_strings() {
        for bad in [
            "",
            "Origin",
            "ftp://x",
            "https://",
            "https://x/?q",
            "www.example.com",
            "https://bücher.example",
        ] {
            assert!(Upstream::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_unicode_host_is_refused_with_its_punycode_form() {
        // No IDNA tables in the build (Cargo.toml, idna_adapter): the operator writes the
        // ASCII form; `bücher` is `xn--bcher-kva` (RFC 3492 punycode).
        let e = Upstream::parse("https://bücher.example/shop").unwrap_err();
        let m = e.to_string();
        assert!(m.contains("not ASCII"), "{m}");
        assert!(m.contains("`xn--bcher-kva.example`"), "{m}");
        assert!(Upstream::parse("https://xn--bcher-kva.example/shop").is_ok());
    }
}
