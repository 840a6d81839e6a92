//! [`plan_response`]: the headers and body treatment of a page response.

use std::collections::BTreeSet;

use dni_common::Category;
use dni_consent::Decision;
use dni_privacy::ConsentModeInsert;
use dni_rewrite::{ConsentModeBlock, ConsentModePlacement};

use super::consent_mode::consent_mode_script;
use super::csp::{pass_csp, CspPass};
use crate::observe::LogLine;
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
    /// Every `Content-Security-Policy(-Report-Only)` header: `(name, value)`.
    pub csp: &'a [(String, String)],
}

/// What became of the Consent Mode default on this response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentModeOutcome {
    /// Not configured, or the response is not rewritten.
    None,
    /// Handed to the rewriter (inserted if its placement finds a place).
    Planned,
    /// Not inserted: why (a CSP that could not be read).
    Skipped(&'static str),
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
    /// The Consent Mode block for the rewriter.
    pub consent_mode: Option<ConsentModeBlock>,
    pub consent_mode_outcome: ConsentModeOutcome,
    /// `Some`: replace the CSP headers with these (the block's hash added).
    pub csp_headers: Option<Vec<(String, String)>>,
}

impl ResponsePlan {
    /// Writes what the plan decided into the request's log line: status, cookies removed and
    /// expired, what became of the Consent Mode default.
    pub fn log_into(&self, status: u16, line: &mut LogLine) {
        line.status = status;
        line.set_cookies_removed = self.set_cookies_removed;
        line.cookies_expired = self.cookies_expired;
        line.consent_mode = match self.consent_mode_outcome {
            ConsentModeOutcome::None => "off",
            ConsentModeOutcome::Planned => "planned",
            ConsentModeOutcome::Skipped(why) => {
                line.note = Some(format!("consent mode skipped: {why}"));
                "skipped"
            }
        };
    }
}

/// Whether a `Content-Type` is HTML (`text/html` or `application/xhtml+xml`).
pub fn is_html(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        let essence = ct.split(';').next().unwrap_or("").trim();
        essence.eq_ignore_ascii_case("text/html")
            || essence.eq_ignore_ascii_case("application/xhtml+xml")
    })
}

/// Whether a response to `method` with `status` carries a body (not `HEAD`, 1xx, 204, 205
/// or 304).
pub fn has_body(method: Method, status: u16) -> bool {
    method != Method::Head && !matches!(status, 100..=199 | 204 | 205 | 304)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The Consent Mode block of a response, what became of it, and the CSP headers it needs.
type ConsentModePlan = (
    Option<ConsentModeBlock>,
    ConsentModeOutcome,
    Option<Vec<(String, String)>>,
);

/// The Consent Mode block for this response, and how it passes the page's CSP.
fn consent_mode(site: &Site, decision: &Decision, csp: &[(String, String)]) -> ConsentModePlan {
    let config = site.config.vendors.consent_mode;
    let placement = match config.insert {
        ConsentModeInsert::Off => return (None, ConsentModeOutcome::None, None),
        ConsentModeInsert::Auto => ConsentModePlacement::Auto,
        ConsentModeInsert::Always => ConsentModePlacement::Always,
    };
    let script = consent_mode_script(decision, config.wait_for_update_ms);
    let (nonce, headers) = match pass_csp(csp, &script) {
        CspPass::Open => (None, None),
        CspPass::Nonce(n) => (Some(n), None),
        CspPass::Hash { headers } => (None, Some(headers)),
        CspPass::Skip(why) => return (None, ConsentModeOutcome::Skipped(why), None),
    };
    let block = ConsentModeBlock {
        script,
        nonce,
        placement,
    };
    (Some(block), ConsentModeOutcome::Planned, headers)
}

/// The plan of a page response on `site` to a visitor under `decision`, shown `numbers`,
/// to which the origin answered `origin`. Every HTML response with a body is rewritten
/// (error pages share the site's template), whatever its status; only 200 navigations count
/// as page views.
pub fn plan_response(
    site: &Site,
    facts: &RequestFacts,
    decision: &Decision,
    numbers: &Numbers,
    origin: &OriginHead<'_>,
) -> ResponsePlan {
    let declined = decision.declined();
    let filtered = dni_privacy::filter_set_cookies(origin.set_cookies, &site.catalog, &declined);
    let mut set_cookies = filtered.kept;
    let mut added = 0usize;
    let mut cookies_expired = 0;
    if let Some(cookie) = &facts.cookie {
        let expiry = dni_privacy::expiry_set_cookies(
            cookie,
            &site.catalog,
            &declined,
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
    let html = has_body(facts.method, origin.status) && is_html(origin.content_type);
    let (block, mut consent_mode_outcome, csp_headers) = if html {
        consent_mode(site, decision, origin.csp)
    } else {
        (None, ConsentModeOutcome::None, None)
    };
    let rewrite = html
        && (!numbers.swaps.is_empty()
            || declined.iter().any(|c| *c != Category::Necessary)
            || block.is_some());
    if !rewrite {
        consent_mode_outcome = ConsentModeOutcome::None;
    }
    // The page depends on the visitor's cookies; with a tracking number or a cookie of its
    // own it is personal and must not be stored by a shared cache.
    let personal = numbers.personal || added > 0;
    ResponsePlan {
        set_cookies,
        vary: (rewrite || personal).then(|| dni_privacy::vary_with_cookie(origin.vary)),
        cache_control: personal.then(|| dni_privacy::private_cache_control(origin.cache_control)),
        rewrite,
        counts_view: facts.navigation && origin.status == 200 && html,
        set_cookies_removed: count(filtered.removed.len()),
        cookies_expired,
        consent_mode: block.filter(|_| rewrite),
        consent_mode_outcome,
        csp_headers: csp_headers.filter(|_| rewrite),
    }
}
