//! [`plan_response`]: the headers and body treatment of a page response.

use std::collections::BTreeSet;

use dni_common::Category;

use crate::request::{Method, RequestFacts};
use crate::runtime::Site;
use crate::session::Numbers;

/// Headers removed when the body is rewritten: the length changes, and the origin's
/// validators no longer describe a body that depends on this visitor's consent and session
/// (a 304 would show another visitor's copy).
pub const REWRITTEN_BODY_DROPS: [&str; 3] = ["content-length", "etag", "last-modified"];

/// What the origin answered, as far as the plan needs it.
#[derive(Debug, Clone, Copy)]
pub struct OriginHead<'a> {
    pub status: u16,
    pub content_type: Option<&'a str>,
    /// Every `Set-Cookie` header, one value each.
    pub set_cookies: &'a [String],
    pub vary: Option<&'a str>,
    pub cache_control: Option<&'a str>,
}

/// The response's headers and body treatment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponsePlan {
    /// The `Set-Cookie` headers to send, replacing the origin's: its own, filtered one by
    /// one; expiry cookies for withdrawn consent; the worker's session cookie.
    pub set_cookies: Vec<String>,
    /// `Some`: set `Vary` to this.
    pub vary: Option<String>,
    /// `Some`: set `Cache-Control` to this.
    pub cache_control: Option<String>,
    /// Stream the body through the rewriter (and drop [`REWRITTEN_BODY_DROPS`]).
    pub rewrite: bool,
    /// A page view for the daily counters: a 200 HTML navigation (not a redirect, an
    /// error or a 304).
    pub counts_view: bool,
    pub set_cookies_removed: u32,
    /// Distinct cookie names expired.
    pub cookies_expired: u32,
}

/// Whether a `Content-Type` is HTML.
pub fn is_html(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        ct.trim_start()
            .get(..9)
            .is_some_and(|p| p.eq_ignore_ascii_case("text/html"))
    })
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The plan of a page response on `site` to a visitor who declined `declined`, shown
/// `numbers`, to which the origin answered `origin`.
pub fn plan_response(
    site: &Site,
    facts: &RequestFacts,
    declined: &[Category],
    numbers: &Numbers,
    origin: &OriginHead<'_>,
) -> ResponsePlan {
    let filtered = dni_privacy::filter_set_cookies(origin.set_cookies, &site.catalog, declined);
    let mut set_cookies = filtered.kept;
    let mut added = 0usize;
    let mut cookies_expired = 0;
    if let Some(cookie) = &facts.cookie {
        let expiry = dni_privacy::expiry_set_cookies(
            cookie,
            &site.catalog,
            declined,
            site.config.vendors.cookie_domain.as_deref(),
        );
        let names: BTreeSet<&str> = expiry
            .iter()
            .filter_map(|c| dni_privacy::set_cookie_name(c))
            .collect();
        cookies_expired = count(names.len());
        added += expiry.len();
        set_cookies.extend(expiry);
    }
    if let Some(own) = &numbers.set_cookie {
        added += 1;
        set_cookies.push(own.clone());
    }
    let html = origin.status == 200 && facts.method != Method::Head && is_html(origin.content_type);
    let rewrite = html && (!numbers.swaps.is_empty() || !declined.is_empty());
    // The page depends on the visitor's cookies; with a tracking number or a cookie of its
    // own it is personal and must not be stored by a shared cache.
    let personal = numbers.personal || added > 0;
    ResponsePlan {
        set_cookies,
        vary: (rewrite || personal).then(|| dni_privacy::vary_with_cookie(origin.vary)),
        cache_control: personal.then(|| dni_privacy::private_cache_control(origin.cache_control)),
        rewrite,
        counts_view: facts.navigation && html,
        set_cookies_removed: count(filtered.removed.len()),
        cookies_expired,
    }
}
