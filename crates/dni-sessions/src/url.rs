//! Just enough URL handling for landing pages and referrers: split into host, path and
//! query, and decode `application/x-www-form-urlencoded` components. Never fails: a
//! malformed URL yields empty parts.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

/// The parts of a URL this crate looks at, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlParts<'a> {
    /// Host as written (no userinfo, no port); empty for a path-only URL.
    pub host: &'a str,
    /// Path, `/` when the URL has none; not decoded.
    pub path: &'a str,
    /// Query without `?`; not decoded; empty when absent.
    pub query: &'a str,
}

/// Splits `url` (`https://user@host:port/path?query#fragment`, `//host/path`, `/path?q`, or
/// an app referrer like `android-app://com.example.app/`).
pub fn split_url(url: &str) -> UrlParts<'_> {
    let url = url.trim();
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    let (before_query, query) = url.split_once('?').unwrap_or((url, ""));
    let after_scheme = match before_query.find("://") {
        Some(i) if before_query[..i].bytes().all(is_scheme_byte) => Some(&before_query[i + 3..]),
        _ => before_query.strip_prefix("//"),
    };
    let (host, path) = match after_scheme {
        Some(rest) => {
            let (authority, path) = match rest.find('/') {
                Some(i) => rest.split_at(i),
                None => (rest, ""),
            };
            (host_of_authority(authority), path)
        }
        None => ("", before_query),
    };
    UrlParts {
        host,
        path: if path.is_empty() { "/" } else { path },
        query,
    }
}

fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
}

fn host_of_authority(authority: &str) -> &str {
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = host_port.strip_prefix('[') {
        return v6.split_once(']').map_or(v6, |(h, _)| h);
    }
    host_port.split_once(':').map_or(host_port, |(h, _)| h)
}

/// A host normalised for comparison: ASCII-lowercased, one trailing `.` removed.
pub fn normalize_host(host: &str) -> String {
    host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase()
}

/// Raw `name=value` pairs of a query string, in order; empty segments skipped, a segment
/// without `=` yields an empty value. Neither part is decoded.
pub fn query_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|s| s.split_once('=').unwrap_or((s, "")))
}

/// Decodes one form-urlencoded component: `+` is a space, `%XX` a byte, a malformed `%` is
/// kept literally, invalid UTF-8 becomes U+FFFD. Borrows when nothing needs decoding.
pub fn decode_component(raw: &str) -> Cow<'_, str> {
    if !raw.bytes().any(|b| b == b'+' || b == b'%') {
        return Cow::Borrowed(raw);
    }
    let spaced: Cow<'_, str> = if raw.contains('+') {
        Cow::Owned(raw.replace('+', " "))
    } else {
        Cow::Borrowed(raw)
    };
    let decoded = percent_decode_str(&spaced).decode_utf8_lossy().into_owned();
    Cow::Owned(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_full_urls() {
        let p = split_url("https://user:pw@Shop.Example.com:8443/promo/a?utm_source=x&b#frag");
        assert_eq!(p.host, "Shop.Example.com");
        assert_eq!(p.path, "/promo/a");
        assert_eq!(p.query, "utm_source=x&b");
    }

    #[test]
    fn splits_path_only_and_scheme_relative_urls() {
        assert_eq!(
            split_url("/a/b?x=1"),
            UrlParts {
                host: "",
                path: "/a/b",
                query: "x=1"
            }
        );
        assert_eq!(split_url("//cdn.example/x").host, "cdn.example");
        assert_eq!(split_url("https://example.com").path, "/");
        assert_eq!(split_url("https://example.com?q=1").query, "q=1");
        // `://` after a `/` is inside the path (a redirect target), not after a scheme.
        assert_eq!(
            split_url("/out/https://other.example/x?y=1"),
            UrlParts {
                host: "",
                path: "/out/https://other.example/x",
                query: "y=1"
            }
        );
        assert_eq!(split_url("a b://other.example/x").host, "");
    }

    #[test]
    fn handles_ipv6_and_app_referrers() {
        assert_eq!(split_url("http://[::1]:8080/x").host, "::1");
        assert_eq!(
            split_url("android-app://com.google.android.googlequicksearchbox/").host,
            "com.google.android.googlequicksearchbox"
        );
    }

    #[test]
    fn query_in_fragment_is_ignored() {
        assert_eq!(split_url("https://e.com/#/route?gclid=1").query, "");
    }

    #[test]
    fn normalizes_hosts() {
        assert_eq!(normalize_host("WWW.Google.COM."), "www.google.com");
    }

    #[test]
    fn decodes_plus_percent_and_tolerates_malformed_escapes() {
        assert_eq!(decode_component("spring+sale%21"), "spring sale!");
        assert_eq!(decode_component("100%"), "100%");
        assert_eq!(decode_component("%zz%4"), "%zz%4");
        assert_eq!(decode_component("%C3%A9t%C3%A9"), "été");
        assert_eq!(decode_component("%FF"), "\u{FFFD}");
        assert!(matches!(decode_component("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn query_pairs_skip_empty_segments() {
        let v: Vec<_> = query_pairs("a=1&&b&c=x=y").collect();
        assert_eq!(v, [("a", "1"), ("b", ""), ("c", "x=y")]);
    }
}
