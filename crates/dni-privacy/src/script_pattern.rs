//! Script patterns: which `<script src>` URLs belong to a vendor.
//!
//! * `host` — exactly this host (`connect.facebook.net`), any path.
//! * `*.host` — any subdomain of `host`, not `host` itself (`*.tctm.co` matches
//!   `123.tctm.co`); list both when both are used.
//! * either of the above followed by a path prefix (`www.googletagmanager.com/gtag/js`,
//!   `s.pinimg.com/ct/`): the URL's path and query must start with it (string prefix, so
//!   `/gtag/js?id=AW-` is a valid, more specific pattern).
//! * `/path/prefix` — a **first-party** path prefix (site-added vendors only): matches a
//!   relative `src` resolved against the page, and an absolute one on any host.
//! * `*/file` — a file in **any directory on any host** (`*/matomo.php`: the endpoint of
//!   self-hosted Matomo, `/matomo.php`, `/analytics/matomo.php?idsite=1&rec=1`): the URL's
//!   path (without query) ends with `/file`. No query in the pattern.
//!
//! Hosts are compared lowercase, without port, userinfo or trailing dot. No scheme:
//! `http://` and `https://` (and protocol-relative `//`) URLs all match.

use std::fmt;

/// The host part of a [`ScriptPattern`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// Exactly this (lowercase) host.
    Exact(String),
    /// A strict subdomain of this (lowercase) host.
    Subdomains(String),
}

impl HostPattern {
    /// Whether a lowercase host matches.
    pub fn matches(&self, host: &str) -> bool {
        match self {
            HostPattern::Exact(h) => host == h,
            HostPattern::Subdomains(parent) => host
                .strip_suffix(parent.as_str())
                .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
        }
    }
}

/// A parsed script pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptPattern {
    /// `None` for a first-party path pattern (matches any host and relative URLs).
    pub host: Option<HostPattern>,
    /// Prefix of the path-and-query (starts with `/`), empty for "any path"; with
    /// `any_directory`, the end of the path.
    pub path_prefix: String,
    /// `*/file`: `path_prefix` ends the URL's path, in any directory, on any host.
    pub any_directory: bool,
}

/// Why a script pattern was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptPatternError {
    /// The pattern is empty.
    Empty,
    /// A URL with a scheme (`https://...`) instead of a host pattern.
    HasScheme,
    /// `/` alone would match every first-party script.
    MatchesEverything,
    /// The host part is not a host name (`*.` only at the start, labels of letters, digits,
    /// `-` and `_`).
    InvalidHost(String),
    /// A space, control character or `#` in the path.
    InvalidPath,
}

impl fmt::Display for ScriptPatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScriptPatternError::Empty => f.write_str("empty script pattern"),
            ScriptPatternError::HasScheme => {
                f.write_str("script patterns are written without a scheme")
            }
            ScriptPatternError::MatchesEverything => {
                f.write_str("`/` would match every first-party script")
            }
            ScriptPatternError::InvalidHost(h) => write!(f, "`{h}` is not a host name pattern"),
            ScriptPatternError::InvalidPath => {
                f.write_str("path prefix contains a space, a control character or `#`")
            }
        }
    }
}

impl std::error::Error for ScriptPatternError {}

impl ScriptPattern {
    /// Parses a script pattern (see the module documentation).
    pub fn parse(pattern: &str) -> Result<Self, ScriptPatternError> {
        if pattern.is_empty() {
            return Err(ScriptPatternError::Empty);
        }
        if pattern.contains("://") {
            return Err(ScriptPatternError::HasScheme);
        }
        if let Some(file) = pattern.strip_prefix('*').filter(|p| p.starts_with('/')) {
            if file
                .bytes()
                .any(|b| b <= b' ' || b == b'#' || b == b'?' || b == 0x7f)
            {
                return Err(ScriptPatternError::InvalidPath);
            }
            if file.len() <= 1 || file.ends_with('/') {
                return Err(ScriptPatternError::MatchesEverything);
            }
            return Ok(ScriptPattern {
                host: None,
                path_prefix: file.to_owned(),
                any_directory: true,
            });
        }
        let (host_part, path) = match pattern.find('/') {
            Some(i) => pattern.split_at(i),
            None => (pattern, ""),
        };
        if path.bytes().any(|b| b <= b' ' || b == b'#' || b == 0x7f) {
            return Err(ScriptPatternError::InvalidPath);
        }
        if host_part.is_empty() {
            if path.len() <= 1 {
                return Err(ScriptPatternError::MatchesEverything);
            }
            return Ok(ScriptPattern {
                host: None,
                path_prefix: path.to_owned(),
                any_directory: false,
            });
        }
        let lower = host_part.to_ascii_lowercase();
        let (host, sub) = match lower.strip_prefix("*.") {
            Some(rest) => (rest, true),
            None => (lower.as_str(), false),
        };
        if !is_host_name(host) {
            return Err(ScriptPatternError::InvalidHost(host_part.to_owned()));
        }
        let host = host.to_owned();
        Ok(ScriptPattern {
            host: Some(if sub {
                HostPattern::Subdomains(host)
            } else {
                HostPattern::Exact(host)
            }),
            path_prefix: path.to_owned(),
            any_directory: false,
        })
    }

    /// Whether a parsed URL (`host`: lowercase or `None` when relative; `path_and_query`:
    /// starting with `/`) matches.
    pub fn matches(&self, host: Option<&str>, path_and_query: &str) -> bool {
        let host_ok = match (&self.host, host) {
            (None, _) => true,
            (Some(p), Some(h)) => p.matches(h),
            (Some(_), None) => false,
        };
        if self.any_directory {
            let path = path_and_query
                .split(['?', '#'])
                .next()
                .unwrap_or(path_and_query);
            return path.ends_with(self.path_prefix.as_str());
        }
        host_ok && path_and_query.starts_with(self.path_prefix.as_str())
    }
}

/// Labels of ASCII letters, digits, `-`, `_`, separated by single dots.
fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> ScriptPattern {
        ScriptPattern::parse(s).unwrap()
    }

    #[test]
    fn exact_host_matches_any_path_but_not_subdomains() {
        let fb = p("connect.facebook.net");
        assert!(fb.matches(Some("connect.facebook.net"), "/en_US/fbevents.js"));
        assert!(!fb.matches(Some("x.connect.facebook.net"), "/"));
        assert!(!fb.matches(Some("connect.facebook.net.evil.com"), "/"));
        assert!(!fb.matches(None, "/en_US/fbevents.js"));
    }

    #[test]
    fn wildcard_host_matches_strict_subdomains_only() {
        let ctm = p("*.tctm.co");
        assert!(ctm.matches(Some("123.tctm.co"), "/t.js"));
        assert!(ctm.matches(Some("a.b.tctm.co"), "/t.js"));
        assert!(!ctm.matches(Some("tctm.co"), "/t.js"));
        assert!(!ctm.matches(Some("xtctm.co"), "/t.js"));
        assert!(!ctm.matches(Some(".tctm.co"), "/t.js"));
    }

    #[test]
    fn path_prefix_is_a_string_prefix_of_path_and_query() {
        let ads = p("www.googletagmanager.com/gtag/js?id=AW-");
        assert!(ads.matches(Some("www.googletagmanager.com"), "/gtag/js?id=AW-123"));
        assert!(!ads.matches(Some("www.googletagmanager.com"), "/gtag/js?id=G-123"));
        assert!(!ads.matches(Some("www.googletagmanager.com"), "/gtm.js?id=GTM-1"));
    }

    #[test]
    fn first_party_path_matches_relative_and_any_host() {
        let own = p("/vendor/ctm-tracker.js");
        assert_eq!(own.host, None);
        assert!(own.matches(None, "/vendor/ctm-tracker.js"));
        assert!(own.matches(Some("www.example.com"), "/vendor/ctm-tracker.js?v=2"));
        assert!(!own.matches(None, "/vendor/other.js"));
    }

    #[test]
    fn any_directory_file_matches_on_any_host() {
        // Matomo's tracking code (matomo.org/docs/tracking-api/ "image tracker"; the
        // noscript pixel of the JavaScript tracking code) and Piwik's older install path.
        let m = p("*/matomo.php");
        assert!(m.any_directory);
        assert!(m.matches(
            Some("matomo.harborpine.example"),
            "/matomo.php?idsite=1&rec=1"
        ));
        assert!(m.matches(
            Some("www.example.com"),
            "/analytics/matomo.php?idsite=3&rec=1"
        ));
        assert!(m.matches(None, "/matomo.php"));
        assert!(!m.matches(Some("x.com"), "/notmatomo.php?idsite=1"));
        assert!(!m.matches(Some("x.com"), "/matomo.php.html"));
        assert!(!m.matches(Some("x.com"), "/search?q=/matomo.php"));
        let piwik = p("*/piwik.php");
        assert!(piwik.matches(Some("example.com"), "/piwik/piwik.php?idsite=1&rec=1"));
        assert_eq!(
            ScriptPattern::parse("*/"),
            Err(ScriptPatternError::MatchesEverything)
        );
        assert_eq!(
            ScriptPattern::parse("*/a.php?x=1"),
            Err(ScriptPatternError::InvalidPath)
        );
    }

    #[test]
    fn host_patterns_are_lowercased() {
        assert_eq!(
            p("CDN.CallRail.com").host,
            Some(HostPattern::Exact("cdn.callrail.com".into()))
        );
    }

    #[test]
    fn malformed_script_patterns_are_rejected() {
        assert_eq!(ScriptPattern::parse(""), Err(ScriptPatternError::Empty));
        assert_eq!(
            ScriptPattern::parse("https://cdn.x.com/a.js"),
            Err(ScriptPatternError::HasScheme)
        );
        assert_eq!(
            ScriptPattern::parse("/"),
            Err(ScriptPatternError::MatchesEverything)
        );
        for bad in [
            "*",
            "*.",
            "a..b",
            "a.*.b",
            "**.x.com",
            "x.com:443",
            "ex ample.com",
        ] {
            assert!(
                matches!(
                    ScriptPattern::parse(bad),
                    Err(ScriptPatternError::InvalidHost(_))
                ),
                "{bad}"
            );
        }
        assert_eq!(
            ScriptPattern::parse("x.com/a b"),
            Err(ScriptPatternError::InvalidPath)
        );
        assert_eq!(
            ScriptPattern::parse("/a#b"),
            Err(ScriptPatternError::InvalidPath)
        );
    }
}
