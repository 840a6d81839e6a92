//! Referrer host patterns and the built-in lists of search engines and social networks.
//!
//! Matching is by whole labels from the right, case-insensitive, never by substring:
//! `notgoogle.com` is not `google.*`, and `google.com.evil.net` is not `google.com`.

use std::fmt;
use std::sync::OnceLock;

/// One host pattern, as written in configuration or in the built-in lists.
///
/// * `example.com`: that host and all its subdomains (`www.example.com`, `l.example.com`).
/// * `*.example.com`: subdomains only, not `example.com` itself.
/// * `google.*`: the label `google` under any public suffix, with any subdomains:
///   `google.com`, `www.google.co.uk`, `google.de`; but not `google.evil.com`. A public
///   suffix here is one label (`com`, `de`), or a common second level (`co`, `com`, `net`,
///   `org`, `ac`, `gov`, `edu`, `ne`, `or`, `gob`, `go`) under a two-letter country code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// `example.com`: the host or any subdomain.
    Domain(String),
    /// `*.example.com`: strict subdomains.
    Subdomains(String),
    /// `google.*`: a label under any public suffix.
    AnySuffix(String),
}

/// Why a host pattern was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPatternError {
    pub pattern: String,
    pub reason: &'static str,
}

impl fmt::Display for HostPatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid host pattern `{}`: {}",
            self.pattern, self.reason
        )
    }
}

impl HostPattern {
    /// Parses `example.com`, `*.example.com` or `name.*` (case-insensitive).
    pub fn parse(pattern: &str) -> Result<HostPattern, HostPatternError> {
        let err = |reason| HostPatternError {
            pattern: pattern.to_string(),
            reason,
        };
        let lower = pattern.trim().to_ascii_lowercase();
        let (kind, body): (fn(String) -> HostPattern, &str) =
            if let Some(rest) = lower.strip_prefix("*.") {
                (HostPattern::Subdomains, rest)
            } else if let Some(rest) = lower.strip_suffix(".*") {
                (HostPattern::AnySuffix, rest)
            } else {
                (HostPattern::Domain, lower.as_str())
            };
        if body.is_empty() {
            return Err(err("empty host"));
        }
        if body.contains('*') {
            return Err(err("`*` is allowed only as `*.domain` or `name.*`"));
        }
        if !body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        {
            return Err(err("a host pattern holds only letters, digits, `-`, `_` and `.` (no scheme, path or port)"));
        }
        if body.split('.').any(str::is_empty) {
            return Err(err("empty label (leading, trailing or doubled `.`)"));
        }
        let any_suffix = lower.ends_with(".*");
        if !any_suffix && !body.contains('.') {
            return Err(err(
                "a single label is not a host; write `name.*` for any suffix, or a full domain",
            ));
        }
        Ok(kind(body.to_string()))
    }

    /// Does `host` (already lowercased, without trailing dot) match?
    pub fn matches(&self, host: &str) -> bool {
        match self {
            HostPattern::Domain(d) => host == d || is_subdomain_of(host, d),
            HostPattern::Subdomains(d) => is_subdomain_of(host, d),
            HostPattern::AnySuffix(name) => matches_any_suffix(host, name),
        }
    }
}

fn is_subdomain_of(host: &str, domain: &str) -> bool {
    host.len() > domain.len()
        && host.ends_with(domain)
        && host.as_bytes().get(host.len() - domain.len() - 1) == Some(&b'.')
}

const SECOND_LEVELS: [&str; 11] = [
    "co", "com", "net", "org", "ac", "gov", "edu", "ne", "or", "gob", "go",
];

fn is_tld(label: &str) -> bool {
    label.len() >= 2 && (label.bytes().all(|b| b.is_ascii_lowercase()) || label.starts_with("xn--"))
}

fn is_public_suffix(suffix: &str) -> bool {
    match suffix.split_once('.') {
        None => is_tld(suffix),
        Some((second, cc)) => SECOND_LEVELS.contains(&second) && cc.len() == 2 && is_tld(cc),
    }
}

/// `name` (one or more labels) followed by a public suffix, with anything before it.
fn matches_any_suffix(host: &str, name: &str) -> bool {
    // Try each of the (at most two) public-suffix splits from the right.
    let mut ends = host.rmatch_indices('.').map(|(i, _)| i);
    for _ in 0..2 {
        let Some(dot) = ends.next() else {
            return false;
        };
        let (head, suffix) = (&host[..dot], &host[dot + 1..]);
        if is_public_suffix(suffix) && (head == name || is_subdomain_of(head, name)) {
            return true;
        }
    }
    false
}

/// Built-in search engines (web hosts and Android app referrers).
pub const SEARCH_ENGINES: &[&str] = &[
    "google.*",
    "bing.com",
    "duckduckgo.com",
    "yahoo.*",
    "yandex.*",
    "ya.ru",
    "baidu.com",
    "ecosia.org",
    "search.brave.com",
    "qwant.com",
    "startpage.com",
    "kagi.com",
    "mojeek.com",
    "ask.com",
    "search.aol.com",
    "naver.com",
    "seznam.cz",
    "sogou.com",
    "so.com",
    "com.google.android.googlequicksearchbox",
];

/// Built-in social networks (web hosts, link shorteners and Android app referrers).
pub const SOCIAL_NETWORKS: &[&str] = &[
    "facebook.com",
    "fb.com",
    "fb.me",
    "messenger.com",
    "instagram.com",
    "threads.net",
    "threads.com",
    "t.co",
    "x.com",
    "twitter.com",
    "linkedin.com",
    "lnkd.in",
    "pinterest.*",
    "pin.it",
    "reddit.com",
    "redd.it",
    "tiktok.com",
    "youtube.com",
    "youtu.be",
    "snapchat.com",
    "tumblr.com",
    "vk.com",
    "ok.ru",
    "weibo.com",
    "bsky.app",
    "mastodon.social",
    "quora.com",
    "xing.com",
    "nextdoor.com",
    "whatsapp.com",
    "wa.me",
    "t.me",
    "discord.com",
    "com.facebook.katana",
    "com.instagram.android",
    "com.twitter.android",
    "com.linkedin.android",
    "com.pinterest",
    "com.reddit.frontpage",
    "com.zhiliaoapp.musically",
];

fn compile(list: &[&str]) -> Vec<HostPattern> {
    list.iter()
        .filter_map(|p| HostPattern::parse(p).ok())
        .collect()
}

/// Is `host` (lowercase) a known search engine?
pub fn is_search_engine(host: &str) -> bool {
    static LIST: OnceLock<Vec<HostPattern>> = OnceLock::new();
    LIST.get_or_init(|| compile(SEARCH_ENGINES))
        .iter()
        .any(|p| p.matches(host))
}

/// Is `host` (lowercase) a known social network?
pub fn is_social_network(host: &str) -> bool {
    static LIST: OnceLock<Vec<HostPattern>> = OnceLock::new();
    LIST.get_or_init(|| compile(SOCIAL_NETWORKS))
        .iter()
        .any(|p| p.matches(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> HostPattern {
        HostPattern::parse(s).unwrap()
    }

    #[test]
    fn domain_pattern_matches_host_and_subdomains_only() {
        let fb = p("facebook.com");
        assert!(fb.matches("facebook.com"));
        assert!(fb.matches("l.facebook.com"));
        assert!(!fb.matches("notfacebook.com"));
        assert!(!fb.matches("facebook.com.evil.net"));
    }

    #[test]
    fn subdomain_pattern_excludes_the_apex() {
        let s = p("*.Example.com");
        assert!(s.matches("www.example.com"));
        assert!(!s.matches("example.com"));
        assert!(!s.matches("badexample.com"));
    }

    #[test]
    fn any_suffix_pattern_needs_a_public_suffix() {
        let g = p("google.*");
        for ok in [
            "google.com",
            "www.google.co.uk",
            "google.de",
            "news.google.com.au",
        ] {
            assert!(g.matches(ok), "{ok}");
        }
        for bad in [
            "notgoogle.com",
            "google.evil.com",
            "google.com.evil.net",
            "google",
            "mygoogle.de",
            // A top-level label has two or more letters (or is an IDN `xn--` label), and a
            // second-level suffix sits under a two-letter country code.
            "google.c",
            "google.c0m",
            "google.co-uk",
            "www.google.com.evil",
            "www.google.co.evil",
        ] {
            assert!(!g.matches(bad), "{bad}");
        }
        // Google's Russian-script domain google.рф, as browsers send it (punycode).
        assert!(g.matches("google.xn--p1ai"));
    }

    #[test]
    fn errors_name_the_pattern_and_the_reason() {
        assert_eq!(
            HostPattern::parse("google").unwrap_err().to_string(),
            "invalid host pattern `google`: a single label is not a host; write `name.*` for any suffix, or a full domain"
        );
        assert_eq!(
            HostPattern::parse("x.com:80").unwrap_err().to_string(),
            "invalid host pattern `x.com:80`: a host pattern holds only letters, digits, `-`, `_` and `.` (no scheme, path or port)"
        );
    }

    #[test]
    fn rejects_malformed_patterns() {
        for bad in [
            "",
            "*.",
            ".*",
            "a..b",
            "https://x.com",
            "x.com/path",
            "*x.com",
            "a.*.com",
            "x.com:80",
            ".x.com",
        ] {
            assert!(HostPattern::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn builtin_lists_classify_common_referrers() {
        assert!(is_search_engine("www.google.com"));
        assert!(is_search_engine("www.bing.com"));
        assert!(is_search_engine("duckduckgo.com"));
        assert!(is_search_engine("search.yahoo.co.jp"));
        assert!(is_search_engine("yandex.ru"));
        assert!(!is_search_engine("notgoogle.com"));
        assert!(is_social_network("l.facebook.com"));
        assert!(is_social_network("t.co"));
        assert!(is_social_network("www.linkedin.com"));
        assert!(is_social_network("pinterest.co.uk"));
        assert!(!is_social_network("at.co"));
        assert!(!is_social_network("google.com"));
    }

    #[test]
    fn every_builtin_pattern_parses() {
        for s in SEARCH_ENGINES.iter().chain(SOCIAL_NETWORKS) {
            assert!(HostPattern::parse(s).is_ok(), "{s}");
        }
    }
}
