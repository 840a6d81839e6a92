//! AMP CORS for `amp-call-tracking` ("CORS in AMP", amp.dev, and the AMP project's
//! `spec/amp-cors-requests.md`).
//!
//! AMP pages fetch `/__dni/number` with credentials, from the publisher's own origin or
//! from the publisher's own subdomain of an AMP cache: `https://<curls>.cdn.ampproject.org`
//! (Google) or `https://<curls>.www.bing-amp.com` (Bing), the caches listed in the AMP
//! project's `caches.json`. `<curls>` is derived from the publisher's host by the AMP cache
//! URL rules ([`amp_cache_subdomain`]), so another publisher's cache origin is refused. The
//! response names the requesting origin in `Access-Control-Allow-Origin` (never `*` with
//! credentials) and, when the request carries `__amp_source_origin`, echoes it in
//! `AMP-Access-Control-Allow-Source-Origin` after checking it is the site's own origin.

use sha2::{Digest, Sha256};

/// The AMP caches (`cacheDomain` of the AMP project's `build-system/global-configs/caches.json`).
pub const AMP_CACHE_DOMAINS: &[&str] = &["cdn.ampproject.org", "www.bing-amp.com"];

/// Longest `__amp_source_origin` considered (an origin is far shorter).
pub const MAX_SOURCE_ORIGIN_LEN: usize = 512;

const MAX_LABEL: usize = 63;

/// The origin of a URL (`scheme://host[:port]`), if it has one.
pub fn origin_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty() {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    url.get(..scheme.len() + 3 + end)
}

/// The host of an origin or URL, lowercase, without port.
fn host_of(origin: &str) -> Option<String> {
    let rest = origin_of(origin)?.split_once("://")?.1;
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split_once(']').map(|(h, _)| format!("{h}]"))?
    } else {
        host.split_once(':').map_or(host, |(h, _)| h).to_string()
    };
    Some(host.to_ascii_lowercase())
}

/// The publisher's subdomain on an AMP cache (the "curls" domain prefix), by the AMP cache
/// URL format: the host is converted from IDN to Unicode, every `-` becomes `--` and every
/// `.` a `-`, and the result is converted back to IDN; a result with `--` in positions 3
/// and 4 (not `xn--`) is wrapped as `0-…-0`. A host that is longer than 63 characters,
/// has no dot, has `--` in positions 3 and 4, mixes left-to-right and right-to-left
/// characters, or whose result is longer than 63 characters gets the fallback: the
/// base32 (RFC 4648, lowercase, unpadded) of the SHA-256 of the host.
///
/// The IDN conversions are punycode (RFC 3492) on `xn--` labels, like the AMP project's
/// reference (`punycode.toUnicode` / `toASCII` in amp-toolbox's cache-url): the build has no
/// Unicode tables (Cargo.toml, `idna_adapter`). A host that is not ASCII (a real `Host` or
/// `Origin` header never is) or has an undecodable `xn--` label gets the fallback.
pub fn amp_cache_subdomain(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let curls = host_to_unicode(&host).and_then(|unicode| {
        let eligible = !has_invalid_hyphen34(&host)
            && host.len() <= MAX_LABEL
            && host.contains('.')
            && !(unicode.chars().any(is_ltr) && unicode.chars().any(is_rtl));
        if !eligible {
            return None;
        }
        let readable = unicode.replace('-', "--").replace('.', "-");
        let ascii = if readable.is_ascii() {
            readable
        } else {
            format!("xn--{}", idna::punycode::encode_str(&readable)?)
        };
        (ascii.len() <= MAX_LABEL && !ascii.is_empty()).then(|| {
            if has_invalid_hyphen34(&ascii) {
                format!("0-{ascii}-0")
            } else {
                ascii
            }
        })
    });
    curls.unwrap_or_else(|| base32_lower(&Sha256::digest(host.as_bytes())))
}

/// An ASCII host with its `xn--` labels decoded from punycode (lowercased); `None` when the
/// host is not ASCII or a `xn--` label does not decode to a non-ASCII label.
fn host_to_unicode(host: &str) -> Option<String> {
    if !host.is_ascii() {
        return None;
    }
    let mut out = String::with_capacity(host.len());
    for (i, label) in host.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        match label.strip_prefix("xn--") {
            Some(code) => {
                let decoded = idna::punycode::decode_to_string(code)?;
                if decoded.is_ascii() {
                    return None;
                }
                out.push_str(&decoded.to_lowercase());
            }
            None => out.push_str(label),
        }
    }
    Some(out)
}

fn has_invalid_hyphen34(s: &str) -> bool {
    s.get(2..4) == Some("--") && s.get(0..2) != Some("xn")
}

/// The character ranges the AMP cache URL generator treats as left-to-right.
fn is_ltr(c: char) -> bool {
    matches!(c, 'A'..='Z' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2B8}'
        | '\u{300}'..='\u{590}' | '\u{800}'..='\u{1FFF}' | '\u{200E}' | '\u{2C00}'..='\u{FB1C}'
        | '\u{FE00}'..='\u{FE6F}' | '\u{FEFD}'..='\u{FFFF}')
}

/// ... and as right-to-left.
fn is_rtl(c: char) -> bool {
    matches!(c, '\u{591}'..='\u{6EF}' | '\u{6FA}'..='\u{7FF}' | '\u{200F}' | '\u{FB1D}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFC}')
}

/// RFC 4648 base32, lowercase alphabet, no padding.
fn base32_lower(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            let index = ((buffer >> bits) & 31) as usize;
            out.extend(ALPHABET.get(index).map(|&c| char::from(c)));
        }
    }
    if bits > 0 {
        let index = ((buffer << (5 - bits)) & 31) as usize;
        out.extend(ALPHABET.get(index).map(|&c| char::from(c)));
    }
    out
}

/// Is `origin` one AMP may read this site's numbers from: the site's own origin, or the
/// site's own subdomain of an AMP cache?
pub fn is_allowed_origin(origin: &str, own: &str) -> bool {
    if origin.eq_ignore_ascii_case(own) {
        return true;
    }
    let Some(host) = host_of(own) else {
        return false;
    };
    let Some(rest) = origin.strip_prefix("https://") else {
        return false;
    };
    let prefix = amp_cache_subdomain(&host);
    AMP_CACHE_DOMAINS
        .iter()
        .any(|cache| rest.eq_ignore_ascii_case(&format!("{prefix}.{cache}")))
}

/// What AMP CORS allows for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmpCors {
    /// Response headers to add.
    pub headers: Vec<(&'static str, String)>,
    /// The request is AMP's own: an allowed `Origin`, or none with `AMP-Same-Origin: true`
    /// (the AMP runtime on the publisher's own page). Only such requests may lease.
    pub from_amp: bool,
}

/// CORS response headers for an AMP request, or why it is refused.
///
/// * `request_url`: the URL of this request (its origin is the publisher's origin).
/// * `origin`: the `Origin` header, if any (same-origin GETs may have none).
/// * `amp_same_origin`: the request carries `AMP-Same-Origin: true`.
/// * `source_origin`: the `__amp_source_origin` query parameter, if any.
pub fn amp_cors(
    request_url: &str,
    origin: Option<&str>,
    amp_same_origin: bool,
    source_origin: Option<&str>,
) -> Result<AmpCors, &'static str> {
    let own = origin_of(request_url).ok_or("request URL has no origin")?;
    let mut headers = Vec::new();
    if let Some(source) = source_origin {
        if source.len() > MAX_SOURCE_ORIGIN_LEN {
            return Err("__amp_source_origin is too long");
        }
        if !source.eq_ignore_ascii_case(own) {
            return Err("__amp_source_origin is not this site's origin");
        }
        headers.push(("AMP-Access-Control-Allow-Source-Origin", source.to_string()));
        headers.push((
            "Access-Control-Expose-Headers",
            "AMP-Access-Control-Allow-Source-Origin".to_string(),
        ));
    }
    let from_amp = match origin {
        Some(o) if is_allowed_origin(o, own) => {
            headers.push(("Access-Control-Allow-Origin", o.to_string()));
            headers.push(("Access-Control-Allow-Credentials", "true".to_string()));
            true
        }
        Some(_) => return Err("origin not allowed"),
        None => amp_same_origin,
    };
    headers.push(("Vary", "Origin".to_string()));
    Ok(AmpCors { headers, from_amp })
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://www.example.com/__dni/number?target=%2B15035550142";

    #[test]
    fn cache_subdomains_follow_the_amp_cache_url_format() {
        // The AMP project's own test vectors (amp-toolbox, packages/cache-url/spec/AmpUrlSpec.js).
        for (host, curls) in [
            ("www.example.com", "www-example-com"),
            ("something.com", "something-com"),
            ("SOMETHING.COM", "something-com"),
            ("hello-world.com", "hello--world-com"),
            ("hello--world.com", "hello----world-com"),
            ("toplevelnohyphens", "qsgpfjzulvuaxb66z77vlhb5gu2irvcnyp6t67cz6tqo5ae6fysa"),
            ("no-dot-domain", "4lxc7wqq7b25walg4rdiil62veijrmqui5z3ept2lyfqqwpowryq"),
            ("itwasadarkandstormynight.therainfellintorrents.exceptatoccasionalintervalswhenitwascheckedby.aviolentgustofwindwhichsweptupthestreets.com", "dgz4cnrxufaulnwku4ow5biptyqnenjievjht56hd7wqinbdbteq"),
            ("xn--bcher-kva.ch", "xn--bcher-ch-65a"),
            ("xn--4gbrim.xn----rmckbbajlc6dj7bxne2c.xn--wgbh1c", "xn-------i5fvcbaopc6fkc0de0d9jybegt6cd"),
            ("hello.xn--4gbrim.xn----rmckbbajlc6dj7bxne2c.xn--wgbh1c", "a6h5moukddengbsjm77rvbosevwuduec2blkjva4223o4bgafgla"),
            ("en-us.example.com", "0-en--us-example-com-0"),
        ] {
            assert_eq!(amp_cache_subdomain(host), curls, "{host}");
        }
    }

    #[test]
    fn punycode_hosts_without_unicode_tables() {
        // The build has no IDNA tables (Cargo.toml, idna_adapter): `xn--` labels are decoded
        // and encoded as punycode (RFC 3492), in any case.
        // Expected values: Python's `punycode` codec on `www-bücher-ch` and `bücher-ch`.
        assert_eq!(
            amp_cache_subdomain("WWW.XN--BCHER-KVA.CH"),
            "xn--www-bcher-ch-hlb"
        );
        assert_eq!(amp_cache_subdomain("XN--BCHER-KVA.CH"), "xn--bcher-ch-65a");
        // An `xn--` label that is not punycode of a Unicode label, and a host that is not
        // ASCII (never a real Host or Origin header), get the hash form.
        let hashed = |h: &str| base32_lower(&Sha256::digest(h.as_bytes()));
        for host in ["xn--abc-.example", "bücher.ch"] {
            assert_eq!(amp_cache_subdomain(host), hashed(host), "{host}");
        }
    }

    #[test]
    fn own_origin_and_own_cache_subdomains_are_allowed() {
        for origin in [
            "https://www.example.com",
            "https://WWW.example.com",
            "https://www-example-com.cdn.ampproject.org",
            "https://www-example-com.www.bing-amp.com",
        ] {
            let c = amp_cors(URL, Some(origin), false, Some("https://www.example.com")).unwrap();
            assert!(c.from_amp, "{origin}");
            assert!(c
                .headers
                .contains(&("Access-Control-Allow-Origin", origin.into())));
            assert!(c
                .headers
                .contains(&("Access-Control-Allow-Credentials", "true".into())));
            assert!(c.headers.contains(&(
                "AMP-Access-Control-Allow-Source-Origin",
                "https://www.example.com".into()
            )));
        }
    }

    #[test]
    fn other_publishers_cache_origins_and_foreign_origins_are_refused() {
        // Issue 15: any publisher's AMP cache origin could read a visitor's number.
        for origin in [
            "https://evil-com.cdn.ampproject.org",
            "https://www-example-com.evil.cdn.ampproject.org",
            "http://www-example-com.cdn.ampproject.org",
            "https://x.amp.cloudflare.com",
            "https://evil.test",
            "null",
            "",
        ] {
            assert!(amp_cors(URL, Some(origin), true, None).is_err(), "{origin}");
        }
    }

    #[test]
    fn source_origin_is_checked_and_bounded() {
        let o = Some("https://www.example.com");
        assert!(amp_cors(URL, o, false, Some("https://evil.test")).is_err());
        assert!(amp_cors(URL, o, false, Some("https://www.example.com.evil.test")).is_err());
        assert!(amp_cors(URL, o, false, Some("")).is_err());
        let huge = format!("https://www.example.com{}", "/".repeat(100_000));
        assert_eq!(
            amp_cors(URL, o, false, Some(&huge)),
            Err("__amp_source_origin is too long")
        );
    }

    #[test]
    fn without_an_origin_only_amp_same_origin_is_amp() {
        let plain = amp_cors(URL, None, false, None).unwrap();
        assert!(!plain.from_amp);
        assert_eq!(plain.headers, vec![("Vary", "Origin".to_string())]);
        assert!(amp_cors(URL, None, true, None).unwrap().from_amp);
    }

    #[test]
    fn origin_of_urls() {
        assert_eq!(
            origin_of("http://127.0.0.1:8787/a?b"),
            Some("http://127.0.0.1:8787")
        );
        assert_eq!(origin_of("nope"), None);
        assert_eq!(
            host_of("http://127.0.0.1:8787/a").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(host_of("https://u@[::1]:8/").as_deref(), Some("[::1]"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_origin_or_source_origin_is_an_answer(origin in ".{0,80}", source in ".{0,80}", host in "[a-zA-Z0-9.\\-]{0,80}") {
                let url = format!("https://{host}/__dni/number");
                let _ = amp_cors(&url, Some(&origin), false, Some(&source));
                let _ = amp_cors(&url, None, true, None);
                let sub = amp_cache_subdomain(&host);
                prop_assert!(sub.len() <= 63 + 4 && !sub.contains('.'));
            }

            #[test]
            fn any_unicode_host_gives_a_subdomain(host in "\\PC{0,40}") {
                let sub = amp_cache_subdomain(&host);
                prop_assert!(!sub.is_empty() && !sub.contains('.'));
            }
        }
    }
}
