//! Just enough of the WHATWG URL parser to find the host and path of a `<script src>`.
//!
//! It follows what browsers do with the cases an origin's HTML can contain: surrounding
//! whitespace and embedded tabs/newlines are ignored, scheme and host are case-insensitive,
//! `\` counts as `/`, any number of slashes may follow `http:`/`https:`, userinfo and port are
//! not part of the host, percent-encoded host bytes are decoded, `.`/`..` path segments are
//! resolved. Non-fetchable schemes (`data:`, `blob:`, `javascript:`) yield `None`.
//! Not handled: IDNA (Unicode hosts are compared as written) and `<base href>`.

use std::borrow::Cow;

/// Host (lowercase, `None` for a same-origin relative URL) and path-and-query (starts with
/// `/`, fragment removed, dot segments resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScriptUrl<'a> {
    pub host: Option<Cow<'a, str>>,
    pub path_and_query: Cow<'a, str>,
}

/// Parses `src` as found in the attribute; `base_path` is the page's path, used to resolve
/// relative paths such as `js/app.js`.
pub(crate) fn parse_script_src<'a>(src: &'a str, base_path: &str) -> Option<ScriptUrl<'a>> {
    let trimmed = src.trim_matches(|c: char| c <= ' ');
    if trimmed.contains(['\t', '\n', '\r']) {
        let cleaned: String = trimmed
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        return parse_clean(&cleaned, base_path).map(into_owned);
    }
    parse_clean(trimmed, base_path)
}

fn into_owned(u: ScriptUrl<'_>) -> ScriptUrl<'static> {
    ScriptUrl {
        host: u.host.map(|h| Cow::Owned(h.into_owned())),
        path_and_query: Cow::Owned(u.path_and_query.into_owned()),
    }
}

fn is_slash(c: char) -> bool {
    c == '/' || c == '\\'
}

fn parse_clean<'a>(s: &'a str, base_path: &str) -> Option<ScriptUrl<'a>> {
    if s.is_empty() {
        return None;
    }
    if let Some((scheme, rest)) = split_scheme(s) {
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return None;
        }
        if !rest.starts_with(is_slash) {
            // `https:foo.js`: relative to a page of the same scheme.
            return Some(relative(rest, base_path));
        }
        return authority_and_path(rest.trim_start_matches(is_slash));
    }
    let mut chars = s.chars();
    if chars.next().is_some_and(is_slash) && chars.next().is_some_and(is_slash) {
        return authority_and_path(s.trim_start_matches(is_slash));
    }
    Some(relative(s, base_path))
}

/// `scheme:rest` when `s` starts with a URL scheme (`ALPHA *( ALPHA / DIGIT / + / - / . )`).
fn split_scheme(s: &str) -> Option<(&str, &str)> {
    let colon = s.find(':')?;
    let scheme = &s[..colon];
    let mut bytes = scheme.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
    if first_ok && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
        Some((scheme, &s[colon + 1..]))
    } else {
        None
    }
}

fn authority_and_path(s: &str) -> Option<ScriptUrl<'_>> {
    let end = s.find(['/', '\\', '?', '#']).unwrap_or(s.len());
    let (authority, rest) = s.split_at(end);
    let host_port = match authority.rfind('@') {
        Some(i) => &authority[i + 1..],
        None => authority,
    };
    let host = if host_port.starts_with('[') {
        match host_port.find(']') {
            Some(i) => &host_port[..=i],
            None => host_port,
        }
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let host = normalize_host(host)?;
    let path = if rest.starts_with(['?', '#']) || rest.is_empty() {
        let mut p = String::with_capacity(rest.len() + 1);
        p.push('/');
        p.push_str(rest);
        Cow::Owned(p)
    } else {
        Cow::Borrowed(rest)
    };
    Some(ScriptUrl {
        host: Some(host),
        path_and_query: clean_path(path),
    })
}

fn normalize_host(host: &str) -> Option<Cow<'_, str>> {
    let mut host: Cow<'_, str> = Cow::Borrowed(host);
    if host.contains('%') {
        host = Cow::Owned(percent_decode_ascii(&host));
    }
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        host = Cow::Owned(host.to_ascii_lowercase());
    }
    if host.ends_with('.') {
        host = match host {
            Cow::Borrowed(h) => Cow::Borrowed(h.trim_end_matches('.')),
            Cow::Owned(h) => Cow::Owned(h.trim_end_matches('.').to_owned()),
        };
    }
    if host.is_empty() {
        None
    } else {
        Some(host)
    }
}

/// Decodes `%XX` escapes that produce ASCII; anything else is kept as written.
fn percent_decode_ascii(s: &str) -> String {
    let hex = |b: Option<&u8>| b.and_then(|b| char::from(*b).to_digit(16));
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '%' {
            let bytes = s.as_bytes();
            if let (Some(h), Some(l)) = (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                let v = h * 16 + l;
                if v < 0x80 {
                    out.push(char::from(v as u8));
                    chars.next();
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// A relative reference (no scheme, no authority), resolved against the page's directory.
fn relative<'a>(s: &'a str, base_path: &str) -> ScriptUrl<'a> {
    let path: Cow<'a, str> = if s.starts_with(is_slash) {
        Cow::Borrowed(s)
    } else {
        let dir = match base_path.rfind('/') {
            Some(i) => &base_path[..=i],
            None => "/",
        };
        let mut p = String::with_capacity(dir.len() + s.len() + 1);
        if !dir.starts_with('/') {
            p.push('/');
        }
        p.push_str(dir);
        p.push_str(s);
        Cow::Owned(p)
    };
    ScriptUrl {
        host: None,
        path_and_query: clean_path(path),
    }
}

/// Drops the fragment, turns `\` into `/` in the path and resolves dot segments; borrows
/// when nothing changes.
fn clean_path(path: Cow<'_, str>) -> Cow<'_, str> {
    let path = match path.find('#') {
        Some(i) => match path {
            Cow::Borrowed(p) => Cow::Borrowed(&p[..i]),
            Cow::Owned(mut p) => {
                p.truncate(i);
                Cow::Owned(p)
            }
        },
        None => path,
    };
    let q = path.find('?').unwrap_or(path.len());
    let (p, query) = path.split_at(q);
    let needs_work = p.contains('\\') || has_dot_segment(p) || !p.starts_with('/');
    if !needs_work {
        return path;
    }
    let p = p.replace('\\', "/");
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = p.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        let is_last = i == last;
        if is_single_dot(seg) {
            if is_last {
                out.push("");
            }
        } else if is_double_dot(seg) {
            out.pop();
            if is_last {
                out.push("");
            }
        } else {
            out.push(seg);
        }
    }
    let mut result = String::with_capacity(p.len() + query.len() + 1);
    for seg in &out {
        result.push('/');
        result.push_str(seg);
    }
    if result.is_empty() {
        result.push('/');
    }
    result.push_str(query);
    Cow::Owned(result)
}

fn has_dot_segment(p: &str) -> bool {
    p.split('/').any(|s| is_single_dot(s) || is_double_dot(s))
}

fn is_single_dot(s: &str) -> bool {
    s == "." || s.eq_ignore_ascii_case("%2e")
}

fn is_double_dot(s: &str) -> bool {
    matches!(s.len(), 2 | 4 | 6)
        && matches!(
            s.to_ascii_lowercase().as_str(),
            ".." | ".%2e" | "%2e." | "%2e%2e"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Option<(Option<String>, String)> {
        parse_script_src(src, "/").map(|u| {
            (
                u.host.map(|h| h.into_owned()),
                u.path_and_query.into_owned(),
            )
        })
    }

    fn abs(host: &str, path: &str) -> Option<(Option<String>, String)> {
        Some((Some(host.to_owned()), path.to_owned()))
    }

    #[test]
    fn absolute_and_protocol_relative_urls() {
        assert_eq!(
            parse("https://123.tctm.co/t.js"),
            abs("123.tctm.co", "/t.js")
        );
        assert_eq!(
            parse("http://123.tctm.co/t.js"),
            abs("123.tctm.co", "/t.js")
        );
        assert_eq!(parse("//123.tctm.co/t.js"), abs("123.tctm.co", "/t.js"));
        assert_eq!(
            parse("HTTPS://CDN.CallRail.COM/x.js"),
            abs("cdn.callrail.com", "/x.js")
        );
    }

    #[test]
    fn browser_leniencies_are_followed() {
        assert_eq!(parse("  https://a.com/x.js \n"), abs("a.com", "/x.js"));
        assert_eq!(
            parse("https://conn\nect.facebook.net/a.js"),
            abs("connect.facebook.net", "/a.js")
        );
        assert_eq!(parse("https:\\\\a.com\\x\\y.js"), abs("a.com", "/x/y.js"));
        assert_eq!(parse("https:///a.com/x.js"), abs("a.com", "/x.js"));
        assert_eq!(
            parse("https://user:pw@a.com:8443/x.js"),
            abs("a.com", "/x.js")
        );
        assert_eq!(parse("https://a.com./x.js"), abs("a.com", "/x.js"));
        assert_eq!(parse("https://a%2Ecom/x.js"), abs("a.com", "/x.js"));
        assert_eq!(parse("https://a.com?x=1#f"), abs("a.com", "/?x=1"));
        assert_eq!(
            parse("https://a.com/b/../gtag/./js?id=1#x"),
            abs("a.com", "/gtag/js?id=1")
        );
        assert_eq!(parse("https://[::1]:80/x.js"), abs("[::1]", "/x.js"));
    }

    #[test]
    fn relative_urls_have_no_host_and_resolve_against_the_page() {
        assert_eq!(parse("/vendor/a.js"), Some((None, "/vendor/a.js".into())));
        assert_eq!(parse("vendor/a.js"), Some((None, "/vendor/a.js".into())));
        assert_eq!(
            parse("./vendor/../vendor/a.js?v=1"),
            Some((None, "/vendor/a.js?v=1".into()))
        );
        let u = parse_script_src("../vendor/a.js", "/shop/cart/index.html").unwrap();
        assert_eq!(u.path_and_query, "/shop/vendor/a.js");
        assert_eq!(u.host, None);
        let u = parse_script_src("a.js", "/blog/post").unwrap();
        assert_eq!(u.path_and_query, "/blog/a.js");
    }

    #[test]
    fn a_colon_after_a_non_scheme_character_is_part_of_a_relative_path() {
        assert_eq!(parse("js/app:v2.js"), Some((None, "/js/app:v2.js".into())));
        assert_eq!(parse("a.b+c-d:x.js"), None);
        assert_eq!(parse("1a:x.js"), Some((None, "/1a:x.js".into())));
        assert_eq!(parse("https:x.js"), Some((None, "/x.js".into())));
    }

    #[test]
    fn only_ascii_percent_escapes_are_decoded_in_hosts() {
        assert_eq!(parse("https://a%2db.com/x.js"), abs("a-b.com", "/x.js"));
        assert_eq!(
            parse("https://a%7fb.com/x.js"),
            abs("a\u{7f}b.com", "/x.js")
        );
        assert_eq!(parse("https://a%80b.com/x.js"), abs("a%80b.com", "/x.js"));
        assert_eq!(parse("https://a%zzb.com/x.js"), abs("a%zzb.com", "/x.js"));
    }

    #[test]
    fn non_fetchable_and_empty_sources_are_none() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("   "), None);
        assert_eq!(parse("data:text/javascript,alert(1)"), None);
        assert_eq!(parse("javascript:void(0)"), None);
        assert_eq!(parse("blob:https://a.com/uuid"), None);
        assert_eq!(parse("https://"), None);
        assert_eq!(parse("//"), None);
    }
}
