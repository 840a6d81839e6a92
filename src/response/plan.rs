//! [`plan_response`]: the headers and body treatment of a page response.

use std::collections::BTreeSet;

use dni_common::Category;
use dni_consent::Decision;
use dni_privacy::ConsentModeInsert;
use dni_rewrite::{
    ConsentModeBlock, ConsentModePlacement, Framework, GuardMode, GuardPlacement, HydrationGuard,
};

use super::consent_mode::consent_mode_script;
use super::csp::{pass_csp_all, CspPass};
use super::data::{data_kind, path_and_query};
use super::hydration_guard::{guard_element, guard_script};
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
    /// `Link` (preload and preconnect hints; Early Hints on Cloudflare).
    pub link: Option<&'a str>,
}

/// The origin's headers the plan reads, owned (the shell collects them from the runtime's
/// header list with [`OriginHeaders::from_entries`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginHeaders {
    pub content_type: Option<String>,
    pub vary: Option<String>,
    pub cache_control: Option<String>,
    pub csp: Vec<(String, String)>,
    pub link: Option<String>,
    /// `X-Content-Type-Options: nosniff`: a body without a type is not sniffed as HTML.
    pub nosniff: bool,
    /// `Content-Encoding`, as the runtime hands it over.
    pub content_encoding: Option<String>,
}

/// How the body the runtime hands over is encoded, for the rewriter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyCoding {
    /// Readable as is: no coding, or one the runtime decodes itself (`gzip`, `br`; it keeps
    /// the header and encodes the response again for the client).
    Readable,
    /// `deflate` (zlib, RFC 9110 8.4.1.2), which the runtime's `fetch` hands over still
    /// encoded: the shell decodes it (`DecompressionStream("deflate")`) before the rewriter
    /// and drops the header. An origin sends it unasked (the runtime asks for `br, gzip`).
    Deflate,
    /// Another coding, or several (`zstd`, `compress`, `gzip, deflate`): not read.
    Unreadable,
}

/// Whether to ask the origin again, for the body without content coding
/// (`Accept-Encoding: identity`), after an answer whose body is in a coding nothing here
/// decodes (`zstd`, stacked codings: [`BodyCoding::Unreadable`]) but must be rewritten: sent
/// as is it would reach a visitor who declined with its tags live. Only a GET or HEAD is
/// asked again (repeating them changes nothing at the origin).
pub fn refetch_uncoded(method: Method, rewrite: bool, coding: BodyCoding) -> bool {
    rewrite && coding == BodyCoding::Unreadable && matches!(method, Method::Get | Method::Head)
}

impl OriginHeaders {
    /// How the body is encoded (see [`BodyCoding`]).
    pub fn body_coding(&self) -> BodyCoding {
        let Some(value) = self.content_encoding.as_deref() else {
            return BodyCoding::Readable;
        };
        let mut codings = value
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty() && !c.eq_ignore_ascii_case("identity"));
        match (codings.next(), codings.next()) {
            (None, _) => BodyCoding::Readable,
            (Some(c), None) if c.eq_ignore_ascii_case("gzip") || c.eq_ignore_ascii_case("br") => {
                BodyCoding::Readable
            }
            (Some(c), None) if c.eq_ignore_ascii_case("deflate") => BodyCoding::Deflate,
            _ => BodyCoding::Unreadable,
        }
    }
}

impl OriginHeaders {
    /// From `(name, value)` entries (names any case; a repeated header's values joined
    /// with `, `, as the Fetch API's `Headers` gives them).
    pub fn from_entries(entries: impl IntoIterator<Item = (String, String)>) -> OriginHeaders {
        let mut h = OriginHeaders::default();
        for (name, value) in entries {
            let name = name.to_ascii_lowercase();
            match name.as_str() {
                "content-type" => h.content_type = Some(value),
                "vary" => h.vary = Some(value),
                "cache-control" => h.cache_control = Some(value),
                "link" => h.link = Some(value),
                "content-encoding" => h.content_encoding = Some(value),
                "x-content-type-options" => {
                    h.nosniff = value
                        .split(',')
                        .next()
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case("nosniff"));
                }
                n if n.starts_with("content-security-policy") => h.csp.push((name, value)),
                _ => {}
            }
        }
        h
    }

    /// The head the plan reads, with the origin's `status` and `Set-Cookie` values.
    pub fn head<'a>(&'a self, status: u16, set_cookies: &'a [String]) -> OriginHead<'a> {
        OriginHead {
            status,
            content_type: self.content_type.as_deref(),
            set_cookies,
            vary: self.vary.as_deref(),
            cache_control: self.cache_control.as_deref(),
            csp: &self.csp,
            link: self.link.as_deref(),
        }
    }
}

/// What became of an inserted script (the Consent Mode default, the hydration guard) on
/// this response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentModeOutcome {
    /// Not configured, or the response is not rewritten.
    None,
    /// Handed to the rewriter (inserted if its placement finds a place).
    Planned,
    /// Not inserted: why (a CSP that could not be read).
    Skipped(&'static str),
}

/// [`ConsentModeOutcome`] for the hydration guard.
pub type GuardOutcome = ConsentModeOutcome;

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
    /// `Some`: the body is a framework's data response, rewritten as data (numbers only,
    /// digit for digit) rather than as HTML.
    pub data: Option<Framework>,
    /// A page view for the daily counters: a 200 HTML navigation (not a redirect, an
    /// error or a 304).
    pub counts_view: bool,
    pub set_cookies_removed: u32,
    /// Distinct cookie names expired.
    pub cookies_expired: u32,
    /// The Consent Mode block for the rewriter.
    pub consent_mode: Option<ConsentModeBlock>,
    pub consent_mode_outcome: ConsentModeOutcome,
    /// The hydration guard for the rewriter.
    pub hydration_guard: Option<HydrationGuard>,
    pub hydration_guard_outcome: GuardOutcome,
    /// `Some`: replace the CSP headers with these (the inserted scripts' hashes added).
    pub csp_headers: Option<Vec<(String, String)>>,
    /// `Some`: the origin's `Link` without declined vendors' hints (`Some(None)`: remove it).
    pub link: Option<Option<String>>,
    /// `Link` entries removed.
    pub link_hints_removed: u32,
    /// `Some`: set `Content-Type` to this (a UTF-16 or ISO-2022-JP page is rewritten in
    /// UTF-8).
    pub content_type: Option<String>,
}

/// One change to the response's headers (applied in order by the shell).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)]
pub enum HeaderEdit {
    Append(&'static str, String),
    Set(&'static str, String),
    Delete(&'static str),
}

impl ResponsePlan {
    /// The header changes the plan makes: its `Set-Cookie`s, `Vary`, `Cache-Control`, and
    /// the CSP headers replaced (when the Consent Mode block's hash was added).
    pub fn header_edits(&self) -> Vec<HeaderEdit> {
        let mut edits: Vec<HeaderEdit> = self
            .set_cookies
            .iter()
            .map(|c| HeaderEdit::Append("set-cookie", c.clone()))
            .collect();
        if let Some(vary) = &self.vary {
            edits.push(HeaderEdit::Set("vary", vary.clone()));
        }
        if let Some(cc) = &self.cache_control {
            edits.push(HeaderEdit::Set("cache-control", cc.clone()));
        }
        if let Some(ct) = &self.content_type {
            edits.push(HeaderEdit::Set("content-type", ct.clone()));
        }
        match &self.link {
            Some(Some(kept)) => edits.push(HeaderEdit::Set("link", kept.clone())),
            Some(None) => edits.push(HeaderEdit::Delete("link")),
            None => {}
        }
        if let Some(csp) = &self.csp_headers {
            edits.push(HeaderEdit::Delete("content-security-policy"));
            edits.push(HeaderEdit::Delete("content-security-policy-report-only"));
            for (name, value) in csp {
                let name = if name.eq_ignore_ascii_case("content-security-policy-report-only") {
                    "content-security-policy-report-only"
                } else {
                    "content-security-policy"
                };
                edits.push(HeaderEdit::Append(name, value.clone()));
            }
        }
        edits
    }

    /// Writes what the plan decided into the request's log line: status, cookies removed and
    /// expired, what became of the Consent Mode default.
    pub fn log_into(&self, status: u16, line: &mut LogLine) {
        line.status = status;
        line.set_cookies_removed = self.set_cookies_removed;
        line.link_hints_removed = self.link_hints_removed;
        line.cookies_expired = self.cookies_expired;
        line.consent_mode = match self.consent_mode_outcome {
            ConsentModeOutcome::None => "off",
            ConsentModeOutcome::Planned => "planned",
            ConsentModeOutcome::Skipped(why) => {
                line.note = Some(format!("consent mode skipped: {why}"));
                "skipped"
            }
        };
        line.hydration_guard = match self.hydration_guard_outcome {
            ConsentModeOutcome::None => "off",
            ConsentModeOutcome::Planned => "planned",
            ConsentModeOutcome::Skipped(why) => {
                let note = format!("hydration guard skipped: {why}");
                line.note = Some(match line.note.take() {
                    Some(earlier) => format!("{earlier}; {note}"),
                    None => note,
                });
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

/// The scripts inserted into one page, what became of them, and the CSP headers they need.
struct InsertedScripts {
    consent_mode: Option<ConsentModeBlock>,
    consent_mode_outcome: ConsentModeOutcome,
    guard: Option<HydrationGuard>,
    guard_outcome: GuardOutcome,
    csp_headers: Option<Vec<(String, String)>>,
}

/// Where the Consent Mode block goes and its text, if configured.
fn consent_mode_text(
    site: &Site,
    decision: &Decision,
) -> (Option<ConsentModePlacement>, Option<String>) {
    let config = site.config.vendors.consent_mode;
    let placement = match config.insert {
        ConsentModeInsert::Off => None,
        ConsentModeInsert::Auto => Some(ConsentModePlacement::Auto),
        ConsentModeInsert::Always => Some(ConsentModePlacement::Always),
    };
    let script = placement.map(|_| consent_mode_script(decision, config.wait_for_update_ms));
    (placement, script)
}

/// Where the hydration guard goes and its text, if configured and a number changes.
fn guard_text(site: &Site, numbers: &Numbers) -> (Option<GuardPlacement>, Option<String>) {
    let placement = match site.config.rewrite.hydration_guard {
        GuardMode::Off => None,
        GuardMode::Auto => Some(GuardPlacement::Auto),
        GuardMode::Always => Some(GuardPlacement::Always),
    };
    let script =
        placement.and_then(|_| guard_script(&numbers.swaps, &site.config.rewrite.attributes));
    (placement, script)
}

/// The Consent Mode block and the hydration guard for this page (each if configured), and
/// how both pass the page's CSP: one nonce, or both hashes added.
fn inserted_scripts(
    site: &Site,
    decision: &Decision,
    numbers: &Numbers,
    csp: &[(String, String)],
) -> InsertedScripts {
    let (placement, cm_script) = consent_mode_text(site, decision);
    let (guard_placement, guard_js) = guard_text(site, numbers);
    let scripts: Vec<&str> = cm_script
        .iter()
        .chain(guard_js.iter())
        .map(String::as_str)
        .collect();
    let mut out = inserted_scripts_none();
    if scripts.is_empty() {
        return out;
    }
    let nonce = match pass_csp_all(csp, &scripts) {
        CspPass::Open => None,
        CspPass::Nonce(n) => Some(n),
        CspPass::Hash { headers } => {
            out.csp_headers = Some(headers);
            None
        }
        CspPass::Skip(why) => {
            if cm_script.is_some() {
                out.consent_mode_outcome = ConsentModeOutcome::Skipped(why);
            }
            if guard_js.is_some() {
                out.guard_outcome = ConsentModeOutcome::Skipped(why);
            }
            return out;
        }
    };
    if let (Some(script), Some(placement)) = (cm_script, placement) {
        out.consent_mode = Some(ConsentModeBlock {
            script,
            nonce: nonce.clone(),
            placement,
        });
        out.consent_mode_outcome = ConsentModeOutcome::Planned;
    }
    if let (Some(script), Some(placement)) = (guard_js, guard_placement) {
        out.guard = Some(HydrationGuard {
            html: guard_element(&script, nonce.as_deref()),
            placement,
        });
        out.guard_outcome = ConsentModeOutcome::Planned;
    }
    out
}

fn inserted_scripts_none() -> InsertedScripts {
    InsertedScripts {
        consent_mode: None,
        consent_mode_outcome: ConsentModeOutcome::None,
        guard: None,
        guard_outcome: ConsentModeOutcome::None,
        csp_headers: None,
    }
}

/// The framework whose data response this is, when its numbers are swapped (a 2xx body,
/// numbers that change, `data_swap` on).
fn data_response(
    site: &Site,
    facts: &RequestFacts,
    numbers: &Numbers,
    origin: &OriginHead<'_>,
) -> Option<Framework> {
    let changes_numbers = numbers.swaps.iter().any(|(t, r)| t != r);
    if !changes_numbers
        || !site.config.rewrite.data_swap
        || !has_body(facts.method, origin.status)
        || !(200..300).contains(&origin.status)
    {
        return None;
    }
    let (path, query) = path_and_query(&facts.url);
    data_kind(path, query, origin.content_type, site.data_paths.as_ref())
}

/// The `Set-Cookie` headers of a response and what became of the origin's.
struct CookiePlan {
    set_cookies: Vec<String>,
    /// Cookies this worker added (expiries, its own session cookie).
    added: usize,
    removed: u32,
    /// Distinct cookie names expired.
    expired: u32,
}

/// The origin's cookies filtered one by one, expiry cookies for withdrawn consent, and the
/// worker's session cookie.
fn plan_cookies(
    site: &Site,
    facts: &RequestFacts,
    numbers: &Numbers,
    origin: &OriginHead<'_>,
    declined: &[Category],
) -> CookiePlan {
    let filtered = dni_privacy::filter_set_cookies(origin.set_cookies, &site.catalog, declined);
    let mut set_cookies = filtered.kept;
    let mut added = 0usize;
    let mut expired = 0;
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
        expired = count(names.len());
        added += expiry.len();
        set_cookies.extend(expiry);
    }
    if let Some(own) = &numbers.set_cookie {
        added += 1;
        set_cookies.push(own.clone());
    }
    CookiePlan {
        set_cookies,
        added,
        removed: count(filtered.removed.len()),
        expired,
    }
}

/// What a rewritten or personal response depends on, added to the origin's `Vary`.
const VARY: &[&str] = &["Cookie", "Sec-GPC"];

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
    let cookies = plan_cookies(site, facts, numbers, origin, &declined);
    let html = has_body(facts.method, origin.status) && is_html(origin.content_type);
    let mut inserted = if html {
        inserted_scripts(site, decision, numbers, origin.csp)
    } else {
        inserted_scripts_none()
    };
    let data = (!html)
        .then(|| data_response(site, facts, numbers, origin))
        .flatten();
    let rewrite = data.is_some()
        || html
            && (!numbers.swaps.is_empty()
                || declined.iter().any(|c| *c != Category::Necessary)
                || inserted.consent_mode.is_some());
    if !rewrite || data.is_some() {
        inserted = inserted_scripts_none();
    }
    // The page depends on the visitor's cookies; with a tracking number or a cookie of its
    // own it is personal and must not be stored by a shared cache.
    let personal = numbers.personal || cookies.added > 0;
    let link = plan_link(site, facts, origin, &declined);
    ResponsePlan {
        set_cookies: cookies.set_cookies,
        // The decision reads the consent cookies and `Sec-GPC`.
        vary: (rewrite || personal).then(|| dni_privacy::vary_with(origin.vary, VARY)),
        cache_control: personal.then(|| dni_privacy::private_cache_control(origin.cache_control)),
        rewrite,
        data,
        counts_view: facts.navigation && origin.status == 200 && html,
        set_cookies_removed: cookies.removed,
        cookies_expired: cookies.expired,
        consent_mode: inserted.consent_mode,
        consent_mode_outcome: inserted.consent_mode_outcome,
        hydration_guard: inserted.guard,
        hydration_guard_outcome: inserted.guard_outcome,
        csp_headers: inserted.csp_headers,
        link_hints_removed: link.as_ref().map_or(0, |l| l.removed),
        link: link.map(|l| l.kept),
        content_type: (rewrite && html)
            .then(|| transcoded_content_type(origin.content_type))
            .flatten(),
    }
}

/// The `Content-Type` of a page the rewriter transcodes to UTF-8; `None` for any other.
fn transcoded_content_type(content_type: Option<&str>) -> Option<String> {
    let ct = content_type?;
    matches!(
        dni_rewrite::page_encoding(ct),
        Ok(dni_rewrite::PageEncoding::Transcoded(_))
    )
    .then(|| dni_rewrite::utf8_content_type(ct))
}

/// The origin's `Link` header without declined vendors' hints; `None` when nothing changes.
fn plan_link(
    site: &Site,
    facts: &RequestFacts,
    origin: &OriginHead<'_>,
    declined: &[Category],
) -> Option<dni_privacy::LinkFilter> {
    let value = origin.link?;
    if declined.iter().all(|c| *c == Category::Necessary) {
        return None;
    }
    let (path, _) = crate::response::path_and_query(&facts.url);
    let filtered = dni_privacy::filter_link_header(value, &site.catalog, declined, path);
    (filtered.removed > 0).then_some(filtered)
}

#[cfg(test)]
mod coding_tests {
    use super::*;

    fn coding(value: Option<&str>) -> BodyCoding {
        let entries = value.map(|v| ("Content-Encoding".to_string(), v.to_string()));
        OriginHeaders::from_entries(entries).body_coding()
    }

    #[test]
    fn an_unreadable_page_to_rewrite_is_asked_for_again_without_coding() {
        use BodyCoding::{Deflate, Readable, Unreadable};
        assert!(refetch_uncoded(Method::Get, true, Unreadable));
        assert!(refetch_uncoded(Method::Head, true, Unreadable));
        // Not repeated: a request with effects, a body with nothing to rewrite, a body read
        // as it is.
        assert!(!refetch_uncoded(Method::Post, true, Unreadable));
        assert!(!refetch_uncoded(Method::Other, true, Unreadable));
        assert!(!refetch_uncoded(Method::Get, false, Unreadable));
        assert!(!refetch_uncoded(Method::Get, true, Readable));
        assert!(!refetch_uncoded(Method::Get, true, Deflate));
        // The second request asks for no coding, whatever the visitor's browser accepts.
        let identity = crate::upstream::UpstreamPlan {
            identity_encoding: true,
            ..crate::upstream::UpstreamPlan::untouched()
        };
        assert!(identity.drops("Accept-Encoding"));
        assert!(!crate::upstream::UpstreamPlan::untouched().drops("accept-encoding"));
    }

    #[test]
    fn deflate_is_decoded_by_the_shell_and_unknown_codings_are_not_read() {
        assert_eq!(coding(None), BodyCoding::Readable);
        for v in ["gzip", "br", "BR", " identity ", "identity, gzip", ""] {
            assert_eq!(coding(Some(v)), BodyCoding::Readable, "{v}");
        }
        for v in ["deflate", "Deflate", "deflate, identity"] {
            assert_eq!(coding(Some(v)), BodyCoding::Deflate, "{v}");
        }
        for v in [
            "zstd",
            "compress",
            "gzip, deflate",
            "deflate, br",
            "x-unknown",
        ] {
            assert_eq!(coding(Some(v)), BodyCoding::Unreadable, "{v}");
        }
    }
}
