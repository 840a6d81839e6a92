//! What one request did, as one structured JSON log line (readable in `wrangler tail`).
//!
//! Never a cookie value, a session id or an IP address: counts, names of outcomes and the
//! consent decision only.

use dni_consent::Decision;
use serde::Serialize;

/// Which numbers the page was served with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SwapOutcome {
    /// Tracking numbers from the visitor's session.
    Tracking,
    /// Static fallback numbers (no consent for swapping, or the pool was unreachable).
    Fallback,
    /// The pool had no free number: fallback numbers, counted apart.
    Overflow,
    /// A pool failed or could not be reached (or the random source failed): fallback
    /// numbers, counted apart from overflows.
    Fault,
    /// Original numbers left as printed (crawler, no targets, not a page).
    Untouched,
}

/// One log line: [`LogLine::new`] when the decision is made, filled in as the request
/// goes, serialised with [`LogLine::to_json`].
#[derive(Debug, Clone, Serialize)]
pub struct LogLine {
    pub site: String,
    pub path: String,
    pub consent_signal: &'static str,
    pub regime: &'static str,
    pub gpc: bool,
    pub marketing: bool,
    pub analytics: bool,
    pub functional: bool,
    pub swap: SwapOutcome,
    pub status: u16,
    pub rewritten: bool,
    /// The origin sent no usable `Content-Type` and the body sniffed as HTML (served as
    /// `text/html` and judged as a page).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub content_type_sniffed: bool,
    /// Numbers swapped in the markup (text, `tel:` links, attributes).
    pub numbers_swapped: u32,
    /// The framework whose payloads or assets the page carries (`next-app`, `nuxt`, ...), if
    /// any; also set on data requests (`/_next/data/…`, RSC, `_payload.json`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<&'static str>,
    /// Numbers swapped in serialized data (payloads the client hydrates from, data
    /// requests).
    pub data_numbers_swapped: u32,
    /// Numbers found in data but left (an excluded key, or no digit-for-digit replacement).
    pub data_numbers_skipped: u32,
    /// Inline scripts with a target number that are not a known payload: the client may
    /// render the original number from them (see `rewrite.data_globals`).
    pub payloads_unrecognised: u32,
    /// The hydration guard: `inserted`, `not_needed` (not a framework page), `skipped` (the
    /// page's CSP could not be read; see `note`), or `off`.
    pub hydration_guard: &'static str,
    /// `<script src>` and marked scripts neutralised.
    pub scripts_neutralised: u32,
    /// Inline scripts neutralised for their content (those over the buffer bound included).
    pub inline_scripts_neutralised: u32,
    /// Framework payload scripts left intact with a declined vendor's tag in them (the
    /// framework runs it from its data; the site must gate it with its CMP).
    pub payload_trackers_left: u32,
    /// Pixels, images and preloads disarmed.
    pub pixels_disarmed: u32,
    /// Frames disarmed.
    pub frames_disarmed: u32,
    /// The Consent Mode default: `inserted`, `not_needed` (no Google tag), `skipped` (the
    /// page's CSP could not be read; see `note`), or `off`.
    pub consent_mode: &'static str,
    /// XHTML self-closed `<script/>`, `<iframe/>`, ... given end tags before filtering.
    #[serde(skip_serializing_if = "is_zero")]
    pub xhtml_self_closed_fixed: u32,
    /// The rewriter hit its memory limit: the rest of the page went out unrewritten (the
    /// firewall gave up there).
    pub rewriter_bailed_out: bool,
    pub set_cookies_removed: u32,
    /// `Link` header entries removed (declined vendors' preload and preconnect hints).
    pub link_hints_removed: u32,
    pub cookies_expired: u32,
    pub cookies_withheld: u32,
    pub ms_to_headers: u32,
    pub ms_total: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl LogLine {
    /// The line of a request to `url` on `site` under `decision`, before anything else is
    /// known (outcome `untouched`, counts at zero).
    pub fn new(site: &str, url: &str, decision: &Decision) -> LogLine {
        use dni_common::Category::{Analytics, Functional, Marketing};
        LogLine {
            site: site.to_string(),
            path: path_only(url),
            consent_signal: decision.signal.as_str(),
            regime: decision.regime.as_str(),
            gpc: decision.gpc,
            marketing: decision.granted(Marketing),
            analytics: decision.granted(Analytics),
            functional: decision.granted(Functional),
            swap: SwapOutcome::Untouched,
            status: 0,
            rewritten: false,
            content_type_sniffed: false,
            numbers_swapped: 0,
            framework: None,
            data_numbers_swapped: 0,
            data_numbers_skipped: 0,
            payloads_unrecognised: 0,
            hydration_guard: "off",
            scripts_neutralised: 0,
            inline_scripts_neutralised: 0,
            payload_trackers_left: 0,
            pixels_disarmed: 0,
            frames_disarmed: 0,
            consent_mode: "off",
            xhtml_self_closed_fixed: 0,
            rewriter_bailed_out: false,
            set_cookies_removed: 0,
            link_hints_removed: 0,
            cookies_expired: 0,
            cookies_withheld: 0,
            ms_to_headers: 0,
            ms_total: 0,
            note: None,
        }
    }

    /// Adds what the rewriter did (or why it stopped) once the body has streamed.
    pub fn rewrite_finished(&mut self, outcome: Result<dni_rewrite::RewriteStats, String>) {
        match outcome {
            Ok(stats) => {
                self.numbers_swapped = stats.numbers_swapped;
                self.framework = stats.framework.map(|f| f.as_str());
                self.data_numbers_swapped = stats.data_numbers_swapped;
                self.data_numbers_skipped = stats.data_numbers_skipped;
                self.payloads_unrecognised = stats.payloads_unrecognised;
                if self.hydration_guard == "planned" {
                    self.hydration_guard = if stats.hydration_guard_inserted {
                        "inserted"
                    } else {
                        "not_needed"
                    };
                }
                self.scripts_neutralised = stats.scripts_neutralised;
                self.inline_scripts_neutralised = stats.inline_scripts_neutralised;
                self.payload_trackers_left = stats.payload_trackers_left;
                self.pixels_disarmed = stats.pixels_disarmed;
                self.frames_disarmed = stats.frames_disarmed;
                if self.consent_mode == "planned" {
                    self.consent_mode = if stats.consent_mode_inserted {
                        "inserted"
                    } else {
                        "not_needed"
                    };
                }
                self.xhtml_self_closed_fixed = stats.xhtml_self_closed_fixed;
                self.rewriter_bailed_out = stats.bailed_out;
                if stats.bailed_out {
                    self.note = Some(
                        "rewriter memory limit: the rest of the page went out unrewritten"
                            .to_string(),
                    );
                }
            }
            Err(e) => self.note = Some(e),
        }
    }

    pub fn to_json(&self) -> String {
        // Serialising plain fields cannot fail; keep a readable fallback anyway.
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"log_error\":\"{e}\"}}"))
    }
}

/// The path of a URL without its query (query strings may carry click ids and e-mails).
pub fn path_only(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path_start = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    let end = path_start.find(['?', '#']).unwrap_or(path_start.len());
    let path = &path_start[..end];
    let mut out: String = path.chars().take(200).collect();
    if out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_only_drops_query_and_fragment() {
        assert_eq!(path_only("https://x.test/a/b?gclid=secret#f"), "/a/b");
        assert_eq!(path_only("https://x.test"), "/");
        assert_eq!(path_only("https://x.test/?email=a@b"), "/");
    }
}
