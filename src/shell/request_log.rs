//! Builds and emits the one JSON log line per request (`crate::observe::LogLine`).

use dni_consent::Decision;
use dni_rewrite::RewriteStats;
use worker::{console_log, Date};

use super::page::Facts;
use crate::observe::{path_only, LogLine, SwapOutcome};

pub struct RequestLog {
    line: LogLine,
    started_ms: f64,
    pub swap: SwapOutcome,
    pub set_cookies_removed: u32,
    pub cookies_expired: u32,
    pub cookies_withheld: u32,
    pub note: Option<String>,
}

impl RequestLog {
    pub fn new(site: &str, facts: &Facts, decision: &Decision) -> RequestLog {
        let line = LogLine {
            site: site.to_string(),
            path: path_only(&facts.url),
            consent_signal: decision.signal.as_str(),
            regime: decision.regime.as_str(),
            gpc: decision.gpc,
            marketing: decision.granted(dni_common::Category::Marketing),
            analytics: decision.granted(dni_common::Category::Analytics),
            functional: decision.granted(dni_common::Category::Functional),
            swap: SwapOutcome::Untouched,
            status: 0,
            rewritten: false,
            numbers_swapped: 0,
            scripts_neutralised: 0,
            set_cookies_removed: 0,
            cookies_expired: 0,
            cookies_withheld: 0,
            ms_to_headers: 0,
            ms_total: 0,
            note: None,
        };
        RequestLog {
            line,
            started_ms: Date::now().as_millis() as f64,
            swap: SwapOutcome::Untouched,
            set_cookies_removed: 0,
            cookies_expired: 0,
            cookies_withheld: 0,
            note: None,
        }
    }

    fn elapsed(&self) -> u32 {
        (Date::now().as_millis() as f64 - self.started_ms).max(0.0) as u32
    }

    /// Headers are ready (called before the body streams).
    pub fn headers_sent(&mut self, status: u16, rewritten: bool) {
        self.line.status = status;
        self.line.rewritten = rewritten;
        self.line.ms_to_headers = self.elapsed();
    }

    fn fill(&mut self) {
        self.line.swap = self.swap;
        self.line.set_cookies_removed = self.set_cookies_removed;
        self.line.cookies_expired = self.cookies_expired;
        self.line.cookies_withheld = self.cookies_withheld;
        self.line.note = self.note.take();
        self.line.ms_total = self.elapsed();
    }

    /// The daily counters this view adds (see `crate::stats::counters_for`).
    pub fn counters(&self, swap_allowed: bool) -> Vec<(String, u64)> {
        let mut line = self.line.clone();
        line.swap = self.swap;
        crate::stats::counters_for(&line, swap_allowed)
    }

    /// Emits the line now (responses that are not rewritten).
    pub fn emit(mut self) {
        self.fill();
        console_log!("{}", self.line.to_json());
    }

    /// Emits the line when a rewritten body has finished streaming.
    pub fn finish(mut self, outcome: Result<RewriteStats, String>) {
        match outcome {
            Ok(stats) => {
                self.line.numbers_swapped = stats.numbers_swapped;
                self.line.scripts_neutralised = stats.scripts_neutralised;
            }
            Err(e) => self.note = Some(e),
        }
        self.emit();
    }
}
