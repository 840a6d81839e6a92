//! The landing request, parsed once: what source rules and attribution look at.

use crate::bounded::{truncate, MAX_NAME_LEN, MAX_PARAMS, MAX_URL_LEN, MAX_VALUE_LEN};
use crate::url::{decode_component, normalize_host, query_pairs, split_url};

/// A session's first page view: landing URL, `Referer` and time, parsed with bounds (at
/// most [`MAX_PARAMS`] query parameters, values cut to [`MAX_VALUE_LEN`] bytes, URLs to
/// [`MAX_URL_LEN`]). Never fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Landing {
    url: String,
    path: String,
    params: Vec<(String, String)>,
    referrer: Option<String>,
    referrer_host: Option<String>,
    landed_at_ms: i64,
}

impl Landing {
    /// Parses the full request URL (`https://host/path?query`), the `Referer` header (if
    /// any) and the time of the view.
    ///
    /// Query names and values are percent-decoded (`+` is a space; a malformed `%` stays
    /// as is). A referrer from the landing host itself (or its parent/subdomains) counts
    /// as no external referrer.
    pub fn parse(url: &str, referrer: Option<&str>, now_ms: i64) -> Landing {
        let url = truncate(url.trim(), MAX_URL_LEN);
        let parts = split_url(url);
        let mut params = Vec::new();
        for (name, value) in query_pairs(parts.query) {
            if params.len() == MAX_PARAMS {
                break;
            }
            if name.len() > MAX_NAME_LEN * 3 {
                continue;
            }
            let name = decode_component(name);
            if name.is_empty() || name.len() > MAX_NAME_LEN {
                continue;
            }
            let value = decode_component(truncate(value, MAX_VALUE_LEN * 3));
            params.push((
                name.into_owned(),
                truncate(&value, MAX_VALUE_LEN).to_string(),
            ));
        }
        let landing_host = normalize_host(parts.host);
        let referrer = referrer
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| truncate(r, MAX_URL_LEN).to_string());
        let referrer_host = referrer
            .as_deref()
            .map(|r| normalize_host(split_url(r).host))
            .filter(|h| !h.is_empty() && !same_site(h, &landing_host));
        Landing {
            url: url.to_string(),
            path: parts.path.to_string(),
            params,
            referrer,
            referrer_host,
            landed_at_ms: now_ms,
        }
    }

    /// The landing URL as received (bounded).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The raw (not decoded) landing path, `/` when empty.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The first value of query parameter `name` (ASCII case-insensitive), decoded.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Decoded query parameters in order (bounded).
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// The `Referer` header as received (bounded), if any.
    pub fn referrer(&self) -> Option<&str> {
        self.referrer.as_deref()
    }

    /// The external referrer's host, lowercase; `None` for direct traffic or internal
    /// navigation.
    pub fn referrer_host(&self) -> Option<&str> {
        self.referrer_host.as_deref()
    }

    /// When the visitor landed (ms since the Unix epoch).
    pub fn landed_at_ms(&self) -> i64 {
        self.landed_at_ms
    }

    /// The landing as a session token keeps it (bounded): the URL up to its query (at most
    /// 512 bytes) followed by only the query parameters `keep` accepts (by decoded name:
    /// UTM values and click ids, see [`is_kept_landing_param`](crate::is_kept_landing_param)),
    /// as sent, while they fit in [`MAX_TOKEN_LANDING_URL`]; the referrer cut to
    /// [`MAX_TOKEN_LANDING_REFERRER`]. [`Landing::from_token`] of it classifies and
    /// attributes as this landing does (up to those bounds).
    pub fn for_token(&self, keep: impl Fn(&str) -> bool) -> TokenLanding {
        let without_fragment = self
            .url
            .split_once('#')
            .map_or(self.url.as_str(), |(u, _)| u);
        let (base, query) = without_fragment
            .split_once('?')
            .unwrap_or((without_fragment, ""));
        let mut url = truncate(base, MAX_TOKEN_LANDING_URL / 2).to_string();
        let mut first = true;
        for (name, value) in crate::url::query_pairs(query) {
            if !keep(&decode_component(name)) {
                continue;
            }
            let added = name.len() + value.len() + 2;
            if url.len() + added > MAX_TOKEN_LANDING_URL {
                continue;
            }
            url.push(if first { '?' } else { '&' });
            first = false;
            url.push_str(name);
            url.push('=');
            url.push_str(value);
        }
        TokenLanding {
            url,
            referrer: self
                .referrer
                .as_deref()
                .map(|r| truncate(r, MAX_TOKEN_LANDING_REFERRER).to_string()),
            landed_at_ms: self.landed_at_ms,
        }
    }

    /// The landing a session token kept.
    pub fn from_token(kept: &TokenLanding) -> Landing {
        Landing::parse(&kept.url, kept.referrer.as_deref(), kept.landed_at_ms)
    }
}

fn same_site(a: &str, b: &str) -> bool {
    if b.is_empty() {
        return false;
    }
    let sub = |x: &str, y: &str| {
        x.len() > y.len()
            && x.ends_with(y)
            && x.as_bytes().get(x.len() - y.len() - 1) == Some(&b'.')
    };
    a == b || sub(a, b) || sub(b, a)
}

/// Longest landing URL kept in a token, in bytes.
pub const MAX_TOKEN_LANDING_URL: usize = 1024;
/// Longest landing referrer kept in a token, in bytes.
pub const MAX_TOKEN_LANDING_REFERRER: usize = 512;

/// The landing facts a session keeps in its token while a target has no lease yet: the
/// landing URL (reduced to what classification and attribution read, see
/// [`Landing::for_token`](crate::Landing::for_token)), its referrer and when it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenLanding {
    /// At most [`MAX_TOKEN_LANDING_URL`] bytes.
    pub url: String,
    /// At most [`MAX_TOKEN_LANDING_REFERRER`] bytes.
    pub referrer: Option<String>,
    pub landed_at_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_query_with_decoding() {
        let l = Landing::parse(
            "https://www.example.com/promo/spring?utm_source=Google&utm_campaign=spring+sale%21&gclid=abc&x",
            Some("https://www.google.com/"),
            42,
        );
        assert_eq!(l.path(), "/promo/spring");
        assert_eq!(l.param("utm_source"), Some("Google"));
        assert_eq!(l.param("UTM_CAMPAIGN"), Some("spring sale!"));
        assert_eq!(l.param("gclid"), Some("abc"));
        assert_eq!(l.param("x"), Some(""));
        assert_eq!(l.param("missing"), None);
        assert_eq!(l.referrer_host(), Some("www.google.com"));
        assert_eq!(l.landed_at_ms(), 42);
    }

    #[test]
    fn first_value_wins_for_repeated_params() {
        let l = Landing::parse("/?utm_source=a&utm_source=b", None, 0);
        assert_eq!(l.param("utm_source"), Some("a"));
    }

    #[test]
    fn internal_and_empty_referrers_are_direct() {
        for r in [
            Some("https://www.example.com/other"),
            Some("https://example.com/"),
            Some("https://shop.www.example.com/"),
            Some(""),
            Some("not a url"),
            None,
        ] {
            let l = Landing::parse("https://www.example.com/", r, 0);
            assert_eq!(l.referrer_host(), None, "{r:?}");
        }
    }

    #[test]
    fn bounds_everything_the_visitor_sends() {
        let long = "v".repeat(10_000);
        let many: String = (0..500).map(|i| format!("p{i}=1&")).collect();
        let url = format!("https://e.com/?utm_source={long}&{many}");
        let l = Landing::parse(&url, Some(&format!("https://r.com/{long}")), 0);
        assert!(l.url().len() <= MAX_URL_LEN);
        assert!(l.params().len() <= MAX_PARAMS);
        assert!(l.params().iter().all(|(_, v)| v.len() <= MAX_VALUE_LEN));
        assert!(l.referrer().is_some_and(|r| r.len() <= MAX_URL_LEN));
    }

    #[test]
    fn keeps_the_url_and_bounds_names_and_values_after_decoding() {
        let url = "https://www.example.com/landing?utm_source=google";
        assert_eq!(Landing::parse(url, None, 0).url(), url);
        // A name of exactly MAX_NAME_LEN characters is kept, also when every character is
        // percent-encoded (three times as long before decoding).
        let plain = "n".repeat(MAX_NAME_LEN);
        let encoded = "%6E".repeat(MAX_NAME_LEN);
        let l = Landing::parse(&format!("/?{plain}=1&{encoded}=2"), None, 0);
        assert_eq!(
            l.params(),
            &[(plain.clone(), "1".to_string()), (plain, "2".to_string())]
        );
        // A value is cut to MAX_VALUE_LEN bytes after decoding, however it was encoded.
        let value = "%76".repeat(MAX_VALUE_LEN + 10);
        let l = Landing::parse(&format!("/?utm_term={value}"), None, 0);
        assert_eq!(
            l.param("utm_term"),
            Some("v".repeat(MAX_VALUE_LEN).as_str())
        );
    }

    #[test]
    fn overlong_names_are_skipped() {
        let name = "n".repeat(MAX_NAME_LEN + 1);
        let l = Landing::parse(&format!("/?{name}=1&ok=2"), None, 0);
        assert_eq!(l.params(), &[("ok".to_string(), "2".to_string())]);
    }
}
