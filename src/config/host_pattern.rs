//! Host name patterns that select a site: `www.example.com` (exact), `*.example.com`
//! (any subdomain, not the apex), or `*` (any host).

use std::fmt;

use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// `*`: every host.
    Any,
    /// `example.com`: exactly this host (compared case-insensitively, port ignored).
    Exact(String),
    /// `*.example.com`: any host ending in `.example.com` (the apex does not match).
    Subdomains(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPatternError(pub String);

impl fmt::Display for HostPatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.is_ascii() {
            let host = self.0.trim();
            return f.write_str(&super::idn::not_ascii_message(
                host.strip_prefix("*.").unwrap_or(host),
            ));
        }
        write!(
            f,
            "`{}` is not a host pattern (use `www.example.com`, `*.example.com` or `*`)",
            self.0
        )
    }
}

fn is_host_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn valid_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|label| {
            !label.is_empty() && label.len() <= 63 && label.chars().all(is_host_label_char)
        })
}

impl HostPattern {
    pub fn parse(s: &str) -> Result<Self, HostPatternError> {
        let lower = s.trim().to_ascii_lowercase();
        if lower == "*" {
            return Ok(HostPattern::Any);
        }
        if let Some(rest) = lower.strip_prefix("*.") {
            return if valid_host(rest) {
                Ok(HostPattern::Subdomains(rest.to_string()))
            } else {
                Err(HostPatternError(s.to_string()))
            };
        }
        if valid_host(&lower) {
            Ok(HostPattern::Exact(lower))
        } else {
            Err(HostPatternError(s.to_string()))
        }
    }

    /// Whether `host` (a request's host, possibly with a `:port`, any case) matches.
    pub fn matches(&self, host: &str) -> bool {
        let host = strip_port(host);
        match self {
            HostPattern::Any => true,
            HostPattern::Exact(h) => host.eq_ignore_ascii_case(h),
            HostPattern::Subdomains(apex) => {
                host.len() > apex.len() + 1
                    && host.is_char_boundary(host.len() - apex.len() - 1)
                    && {
                        let (sub, tail) = host.split_at(host.len() - apex.len() - 1);
                        !sub.is_empty()
                            && tail.len() == apex.len() + 1
                            && tail.as_bytes().first() == Some(&b'.')
                            && tail[1..].eq_ignore_ascii_case(apex)
                    }
            }
        }
    }
}

fn strip_port(host: &str) -> &str {
    // IPv6 literals are bracketed: [::1]:8787
    if let Some(end) = host.find(']') {
        return &host[..=end];
    }
    match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    }
}

impl<'de> Deserialize<'de> for HostPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        dni_common::de::parse_str(d, HostPattern::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_matches_case_insensitively_and_ignores_port() {
        let p = HostPattern::parse("WWW.Example.com").unwrap();
        assert!(p.matches("www.example.com"));
        assert!(p.matches("www.EXAMPLE.com:8443"));
        assert!(!p.matches("example.com"));
        assert!(!p.matches("www.example.com.evil.net"));
    }

    #[test]
    fn wildcard_matches_subdomains_not_apex_nor_lookalikes() {
        let p = HostPattern::parse("*.example.com").unwrap();
        assert!(p.matches("shop.example.com"));
        assert!(p.matches("a.b.example.com:80"));
        assert!(!p.matches("example.com"));
        assert!(!p.matches("badexample.com"));
        assert!(!p.matches("example.com.evil.net"));
    }

    #[test]
    fn star_matches_everything() {
        assert!(HostPattern::parse("*").unwrap().matches("anything.test"));
        assert!(HostPattern::parse("*").unwrap().matches("[::1]:8787"));
    }

    #[test]
    fn rejects_malformed_patterns() {
        for bad in [
            "",
            "*.",
            "exa mple.com",
            "*.*.example.com",
            "http://example.com",
            "a..b",
            "é.com",
        ] {
            assert!(
                HostPattern::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn localhost_and_ip_literals() {
        assert!(HostPattern::parse("localhost")
            .unwrap()
            .matches("localhost:8787"));
        assert!(HostPattern::parse("127.0.0.1")
            .unwrap()
            .matches("127.0.0.1:8787"));
    }
}
