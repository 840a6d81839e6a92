//! Step 4 of the pipeline: the request sent upstream. Declined vendors' cookies never reach
//! the origin, and a navigation is made unconditional (its page may be rewritten for this
//! visitor, so the origin's 304 would let the browser show a copy rewritten for another
//! consent state).

use dni_common::Category;

use crate::request::RequestFacts;
use crate::runtime::Site;

/// What to change in the request before it goes upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamPlan {
    /// `Some(None)`: drop the `Cookie` header; `Some(Some(v))`: replace it; `None`: as sent.
    pub cookie: Option<Option<String>>,
    /// Drop `If-None-Match`, `If-Modified-Since`, `If-Match` and `If-Range`.
    pub unconditional: bool,
    /// Drop `Range`: a page load asks for the whole page (a fragment would be rewritten into
    /// a body that no longer matches its `Content-Range`, and would escape the firewall if
    /// it were not).
    pub whole: bool,
    /// How many cookies were withheld (for the log line).
    pub cookies_withheld: u32,
    /// Ask for the body without content coding (`Accept-Encoding: identity`): the second
    /// request after an answer in a coding the worker cannot decode
    /// ([`crate::response::refetch_uncoded`]).
    pub identity_encoding: bool,
}

/// Headers dropped from an unconditional request.
pub const CONDITIONAL_HEADERS: [&str; 4] =
    ["if-none-match", "if-modified-since", "if-match", "if-range"];

impl UpstreamPlan {
    /// The request as sent (no site, no config).
    pub fn untouched() -> UpstreamPlan {
        UpstreamPlan {
            cookie: None,
            unconditional: false,
            whole: false,
            cookies_withheld: 0,
            identity_encoding: false,
        }
    }

    /// Whether the request header `name` is left out upstream (the shell then sets the
    /// `Cookie` of [`UpstreamPlan::cookie`]).
    pub fn drops(&self, name: &str) -> bool {
        (name.eq_ignore_ascii_case("cookie") && self.cookie.is_some())
            || (self.unconditional
                && CONDITIONAL_HEADERS
                    .iter()
                    .any(|h| name.eq_ignore_ascii_case(h)))
            || (self.whole && name.eq_ignore_ascii_case("range"))
            || (self.identity_encoding && name.eq_ignore_ascii_case("accept-encoding"))
    }
}

/// The upstream request of a page request on `site` whose visitor declined `declined`.
pub fn plan_upstream(site: &Site, facts: &RequestFacts, declined: &[Category]) -> UpstreamPlan {
    let mut plan = UpstreamPlan {
        unconditional: facts.navigation,
        whole: facts.navigation && facts.accepts_html(),
        ..UpstreamPlan::untouched()
    };
    if let Some(cookie) = &facts.cookie {
        let filtered = dni_privacy::filter_cookie_header(cookie, &site.catalog, declined);
        if !filtered.removed.is_empty() {
            plan.cookies_withheld = u32::try_from(filtered.removed.len()).unwrap_or(u32::MAX);
            plan.cookie = Some(filtered.header);
        }
    }
    plan
}
