//! AMP CORS for `amp-call-tracking` (the AMP "CORS security in AMP" protocol).
//!
//! AMP pages fetch `/__dni/number` with credentials, from the publisher's own origin or
//! from an AMP cache (`https://<domain>.cdn.ampproject.org`, `*.amp.cloudflare.com`). The
//! response must name the requesting origin in `Access-Control-Allow-Origin` (never `*`
//! with credentials) and, when the request carries `__amp_source_origin`, echo it in
//! `AMP-Access-Control-Allow-Source-Origin` after checking it is the site's own origin.

/// Origins AMP caches serve from.
fn is_amp_cache_origin(origin: &str) -> bool {
    let Some(host) = origin.strip_prefix("https://") else {
        return false;
    };
    host.ends_with(".cdn.ampproject.org")
        || host.ends_with(".amp.cloudflare.com")
        || host.ends_with(".bing-amp.com")
}

/// The origin of a URL (`scheme://host[:port]`), if it has one.
pub fn origin_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty() {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&url[..scheme.len() + 3 + end])
}

/// CORS response headers for an AMP request, or why it is refused.
///
/// * `request_url`: the URL of this request (its origin is the publisher's origin).
/// * `origin`: the `Origin` header, if any (same-origin GETs may have none).
/// * `source_origin`: the `__amp_source_origin` query parameter, if any.
pub fn amp_cors_headers(
    request_url: &str,
    origin: Option<&str>,
    source_origin: Option<&str>,
) -> Result<Vec<(&'static str, String)>, &'static str> {
    let own = origin_of(request_url).ok_or("request URL has no origin")?;
    let mut headers = Vec::new();
    if let Some(source) = source_origin {
        if !source.eq_ignore_ascii_case(own) {
            return Err("__amp_source_origin is not this site's origin");
        }
        headers.push(("AMP-Access-Control-Allow-Source-Origin", source.to_string()));
        headers.push((
            "Access-Control-Expose-Headers",
            "AMP-Access-Control-Allow-Source-Origin".to_string(),
        ));
    }
    if let Some(o) = origin {
        if o.eq_ignore_ascii_case(own) || is_amp_cache_origin(o) {
            headers.push(("Access-Control-Allow-Origin", o.to_string()));
            headers.push(("Access-Control-Allow-Credentials", "true".to_string()));
            headers.push(("Vary", "Origin".to_string()));
        } else {
            return Err("origin not allowed");
        }
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://www.example.com/__dni/number?target=%2B15035550142";

    #[test]
    fn same_origin_with_source_origin() {
        let h = amp_cors_headers(
            URL,
            Some("https://www.example.com"),
            Some("https://www.example.com"),
        )
        .unwrap();
        assert!(h.contains(&(
            "AMP-Access-Control-Allow-Source-Origin",
            "https://www.example.com".into()
        )));
        assert!(h.contains(&(
            "Access-Control-Allow-Origin",
            "https://www.example.com".into()
        )));
        assert!(h.contains(&("Access-Control-Allow-Credentials", "true".into())));
    }

    #[test]
    fn amp_cache_origin_allowed() {
        let h = amp_cors_headers(
            URL,
            Some("https://www-example-com.cdn.ampproject.org"),
            Some("https://www.example.com"),
        )
        .unwrap();
        assert!(h.contains(&(
            "Access-Control-Allow-Origin",
            "https://www-example-com.cdn.ampproject.org".into()
        )));
    }

    #[test]
    fn foreign_origins_and_source_origins_refused() {
        assert!(amp_cors_headers(URL, Some("https://evil.test"), None).is_err());
        assert!(amp_cors_headers(
            URL,
            Some("https://www.example.com"),
            Some("https://evil.test")
        )
        .is_err());
        assert!(amp_cors_headers(URL, Some("http://x.cdn.ampproject.org"), None).is_err());
    }

    #[test]
    fn no_origin_no_cors() {
        assert_eq!(amp_cors_headers(URL, None, None).unwrap(), vec![]);
    }

    #[test]
    fn origin_of_urls() {
        assert_eq!(
            origin_of("http://127.0.0.1:8787/a?b"),
            Some("http://127.0.0.1:8787")
        );
        assert_eq!(origin_of("nope"), None);
    }
}
