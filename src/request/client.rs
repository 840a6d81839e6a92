//! Who may lease a tracking number: browsers, told apart from scripted clients by what a
//! browser sends with a navigation (Fetch Metadata, the usual headers) and, where the zone
//! has it, Cloudflare's bot signals. Configured per site by `session.lease_requires`.

use dni_sessions::LeaseRequires;

use super::facts::RequestFacts;

/// Why a request may not lease (it sees the fallback numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseRefusal {
    /// No `Sec-Fetch-Mode: navigate` + `Sec-Fetch-Dest: document` (or, for AMP, not a
    /// `cors` request).
    FetchMetadata,
    /// Not the headers a browser sends (User-Agent, Accept, Accept-Language).
    BrowserHeaders,
    /// Bot Management scored it below `min_bot_score`.
    BotScore,
    /// A verified bot (crawler, monitor), with `verified_bots = false`.
    VerifiedBot,
}

impl LeaseRefusal {
    /// For the log line's note.
    pub fn as_str(self) -> &'static str {
        match self {
            LeaseRefusal::FetchMetadata => "no lease: not a browser navigation (Fetch Metadata)",
            LeaseRefusal::BrowserHeaders => "no lease: not a browser's headers",
            LeaseRefusal::BotScore => {
                "no lease: bot score below session.lease_requires.min_bot_score"
            }
            LeaseRefusal::VerifiedBot => "no lease: verified bot",
        }
    }
}

impl RequestFacts {
    /// Why this page request may not lease under `requires`, or `None` when it may.
    pub fn lease_refusal(&self, requires: &LeaseRequires) -> Option<LeaseRefusal> {
        if requires.fetch_metadata && !self.fetch.is_top_level_navigation() {
            return Some(LeaseRefusal::FetchMetadata);
        }
        if requires.browser_headers && !(self.browser_user_agent() && self.accepts_html()) {
            return Some(LeaseRefusal::BrowserHeaders);
        }
        self.bot_refusal(requires)
    }

    /// Why this AMP number request (`/__dni/number`, fetched by the AMP runtime with CORS)
    /// may not lease: with Fetch Metadata it must be a `cors` request (a cross-site
    /// `<img src>` is `no-cors` and never leases); the browser headers are the User-Agent
    /// and Accept-Language (the AMP runtime asks for JSON, not HTML).
    pub fn amp_lease_refusal(&self, requires: &LeaseRequires) -> Option<LeaseRefusal> {
        if self.fetch.mode.is_some() && self.fetch.mode.as_deref() != Some("cors") {
            return Some(LeaseRefusal::FetchMetadata);
        }
        if requires.fetch_metadata && self.fetch.mode.is_none() {
            return Some(LeaseRefusal::FetchMetadata);
        }
        if requires.browser_headers && !self.browser_user_agent() {
            return Some(LeaseRefusal::BrowserHeaders);
        }
        self.bot_refusal(requires)
    }

    fn bot_refusal(&self, requires: &LeaseRequires) -> Option<LeaseRefusal> {
        let verified = self.edge.verified_bot || self.edge.verified_bot_category.is_some();
        if verified && !requires.verified_bots {
            return Some(LeaseRefusal::VerifiedBot);
        }
        match self.edge.bot_score {
            Some(score) if requires.min_bot_score > 0 && score < requires.min_bot_score => {
                Some(LeaseRefusal::BotScore)
            }
            _ => None,
        }
    }

    /// A browser's User-Agent (`Mozilla/5.0 …`, what every current browser sends) and an
    /// `Accept-Language`.
    fn browser_user_agent(&self) -> bool {
        self.user_agent.trim_start().starts_with("Mozilla/")
            && self
                .accept_language
                .as_deref()
                .is_some_and(|l| !l.trim().is_empty())
    }

    /// `Accept` asks for HTML (a page load).
    pub fn accepts_html(&self) -> bool {
        self.accept
            .as_deref()
            .is_some_and(|a| a.to_ascii_lowercase().contains("text/html"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{EdgeFacts, RequestFacts};

    // Request headers of a top-level navigation as Chrome 140 and Firefox 140 send them
    // (Fetch Metadata: https://www.w3.org/TR/fetch-metadata/ ; Accept values: MDN "List of
    // default Accept values").
    const CHROME: &[(&str, &str)] = &[
        ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36"),
        ("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"),
        ("accept-language", "en-US,en;q=0.9"),
        ("sec-fetch-mode", "navigate"),
        ("sec-fetch-dest", "document"),
        ("sec-fetch-site", "cross-site"),
    ];
    const FIREFOX: &[(&str, &str)] = &[
        (
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
        ),
        (
            "accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        ),
        ("accept-language", "de,en-US;q=0.7,en;q=0.3"),
        ("sec-fetch-mode", "navigate"),
        ("sec-fetch-dest", "document"),
        ("sec-fetch-site", "none"),
    ];

    fn facts(headers: &[(&str, &str)], edge: EdgeFacts) -> RequestFacts {
        RequestFacts::read("GET", "https://x.test/", headers, edge, 0)
    }

    fn without(
        headers: &[(&'static str, &'static str)],
        name: &str,
    ) -> Vec<(&'static str, &'static str)> {
        headers
            .iter()
            .copied()
            .filter(|(n, _)| *n != name)
            .collect()
    }

    #[test]
    fn browsers_navigating_may_lease() {
        let r = LeaseRequires::default();
        for h in [CHROME, FIREFOX] {
            assert_eq!(facts(h, EdgeFacts::default()).lease_refusal(&r), None);
        }
    }

    #[test]
    fn scripted_clients_and_sub_requests_may_not() {
        let r = LeaseRequires::default();
        // curl, Python requests, Node fetch: no Fetch Metadata.
        for ua in ["curl/8.5.0", "python-requests/2.32.3", "node"] {
            let h = [("user-agent", ua), ("accept", "*/*")];
            assert_eq!(
                facts(&h, EdgeFacts::default()).lease_refusal(&r),
                Some(LeaseRefusal::FetchMetadata)
            );
        }
        // A scripted client claiming Fetch Metadata but not a browser's headers.
        let h = [
            ("sec-fetch-mode", "navigate"),
            ("sec-fetch-dest", "document"),
            ("user-agent", "curl/8.5.0"),
            ("accept", "text/html"),
        ];
        assert_eq!(
            facts(&h, EdgeFacts::default()).lease_refusal(&r),
            Some(LeaseRefusal::BrowserHeaders)
        );
        for name in ["accept-language", "accept", "user-agent"] {
            let h = without(CHROME, name);
            assert_eq!(
                facts(&h, EdgeFacts::default()).lease_refusal(&r),
                Some(LeaseRefusal::BrowserHeaders),
                "{name}"
            );
        }
        // An iframe, an image, a fetch(): not a top-level navigation.
        for (mode, dest) in [
            ("navigate", "iframe"),
            ("no-cors", "image"),
            ("cors", "empty"),
        ] {
            let mut h = without(&without(CHROME, "sec-fetch-mode"), "sec-fetch-dest");
            h.push(("sec-fetch-mode", mode));
            h.push(("sec-fetch-dest", dest));
            assert_eq!(
                facts(&h, EdgeFacts::default()).lease_refusal(&r),
                Some(LeaseRefusal::FetchMetadata),
                "{mode} {dest}"
            );
        }
    }

    #[test]
    fn bot_management_signals_decide_where_present() {
        let r = LeaseRequires::default();
        let scored = |score| EdgeFacts {
            bot_score: Some(score),
            ..EdgeFacts::default()
        };
        assert_eq!(
            facts(CHROME, scored(1)).lease_refusal(&r),
            Some(LeaseRefusal::BotScore)
        );
        assert_eq!(
            facts(CHROME, scored(29)).lease_refusal(&r),
            Some(LeaseRefusal::BotScore)
        );
        assert_eq!(facts(CHROME, scored(30)).lease_refusal(&r), None);
        let verified = EdgeFacts {
            verified_bot: true,
            bot_score: Some(99),
            ..EdgeFacts::default()
        };
        assert_eq!(
            facts(CHROME, verified.clone()).lease_refusal(&r),
            Some(LeaseRefusal::VerifiedBot)
        );
        let category = EdgeFacts {
            verified_bot_category: Some("Search Engine Crawler".into()),
            ..EdgeFacts::default()
        };
        assert_eq!(
            facts(CHROME, category).lease_refusal(&r),
            Some(LeaseRefusal::VerifiedBot)
        );
        let open = LeaseRequires {
            min_bot_score: 0,
            verified_bots: true,
            ..r
        };
        assert_eq!(facts(CHROME, scored(1)).lease_refusal(&open), None);
        assert_eq!(facts(CHROME, verified).lease_refusal(&open), None);
    }

    #[test]
    fn every_check_can_be_turned_off() {
        let off = LeaseRequires {
            fetch_metadata: false,
            browser_headers: false,
            min_bot_score: 0,
            verified_bots: true,
        };
        let h = [("user-agent", "curl/8.5.0")];
        assert_eq!(facts(&h, EdgeFacts::default()).lease_refusal(&off), None);
        assert_eq!(
            facts(&h, EdgeFacts::default()).amp_lease_refusal(&off),
            None
        );
    }

    #[test]
    fn amp_requests_must_be_cors_from_a_browser() {
        let r = LeaseRequires::default();
        let amp = |mode: &'static str| {
            let mut h = without(&without(CHROME, "sec-fetch-mode"), "sec-fetch-dest");
            h.push(("sec-fetch-mode", mode));
            h.push(("sec-fetch-dest", "empty"));
            facts(&h, EdgeFacts::default())
        };
        assert_eq!(amp("cors").amp_lease_refusal(&r), None);
        // `<img src=/__dni/number>` on any page: no-cors.
        assert_eq!(
            amp("no-cors").amp_lease_refusal(&r),
            Some(LeaseRefusal::FetchMetadata)
        );
        assert_eq!(
            amp("navigate").amp_lease_refusal(&r),
            Some(LeaseRefusal::FetchMetadata)
        );
        // no-cors never leases, even with fetch_metadata off.
        let off = LeaseRequires {
            fetch_metadata: false,
            ..r
        };
        assert_eq!(
            amp("no-cors").amp_lease_refusal(&off),
            Some(LeaseRefusal::FetchMetadata)
        );
        let h = [("user-agent", "curl/8.5.0")];
        assert_eq!(
            facts(&h, EdgeFacts::default()).amp_lease_refusal(&r),
            Some(LeaseRefusal::FetchMetadata)
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_headers_give_an_answer(mode in ".{0,12}", dest in ".{0,12}", ua in ".{0,40}", lang in ".{0,12}", score in proptest::option::of(any::<u8>())) {
                let h = [("sec-fetch-mode", mode.as_str()), ("sec-fetch-dest", dest.as_str()), ("user-agent", ua.as_str()), ("accept-language", lang.as_str()), ("accept", "text/html")];
                let edge = EdgeFacts { bot_score: score, ..EdgeFacts::default() };
                let f = facts(&h, edge);
                let r = LeaseRequires::default();
                let _ = f.lease_refusal(&r);
                let _ = f.amp_lease_refusal(&r);
            }
        }
    }
}
