//! `Set-Cookie` values that expire, in the browser, tracking cookies the visitor no longer
//! consents to (withdrawal).

use std::collections::BTreeSet;

use dni_common::cookie_header::cookie_pairs;
use dni_common::Category;

use crate::catalog::{is_declined, Catalog};
use crate::config::is_cookie_domain;
use dni_common::is_cookie_name;

/// At most this many distinct cookie names are expired per response (a browser sends far
/// fewer; this bounds the work and the response headers for a forged `Cookie` header).
pub const MAX_EXPIRED_COOKIES: usize = 64;

/// The attributes every expiry cookie carries.
pub const EXPIRY_ATTRIBUTES: &str = "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/";

/// `Set-Cookie` values expiring every declined tracking cookie the request still carries.
///
/// For each such cookie name (once, even when the request carries it twice):
/// `name=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/` (host-only), plus the same
/// with `; Domain=<cookie_domain>` when `cookie_domain` is given and valid. A `__Secure-` name
/// gets `; Secure` (browsers ignore it otherwise); a `__Host-` name gets `; Secure` and never a
/// `Domain`. Names that are not RFC 6265 tokens are skipped (never echoed). At most
/// [`MAX_EXPIRED_COOKIES`] names are expired, in header order.
///
/// A cookie set with a `Path` other than `/` or on a domain other than the host and
/// `cookie_domain` cannot be reached this way (the request does not say where a cookie was
/// set).
pub fn expiry_set_cookies(
    cookie_header: &str,
    catalog: &Catalog,
    declined: &[Category],
    cookie_domain: Option<&str>,
) -> Vec<String> {
    let domain = cookie_domain.filter(|d| is_cookie_domain(d));
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    for pair in cookie_pairs(cookie_header) {
        let name = pair.name;
        if seen.len() >= MAX_EXPIRED_COOKIES {
            break;
        }
        if !is_cookie_name(name) || seen.contains(name) {
            continue;
        }
        let declined_cookie = catalog
            .cookie_category(name)
            .is_some_and(|(_, c)| is_declined(declined, c));
        if !declined_cookie {
            continue;
        }
        seen.insert(name);
        let host_prefixed = name.starts_with("__Host-");
        let secure = host_prefixed || name.starts_with("__Secure-");
        let secure_attr = if secure { "; Secure" } else { "" };
        out.push(format!("{name}=; {EXPIRY_ATTRIBUTES}{secure_attr}"));
        if let (Some(d), false) = (domain, host_prefixed) {
            out.push(format!(
                "{name}=; {EXPIRY_ATTRIBUTES}; Domain={d}{secure_attr}"
            ));
        }
    }
    out
}
