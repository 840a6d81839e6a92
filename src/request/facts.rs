//! [`RequestFacts`]: everything the pipeline decides from, read once from the request.

use dni_consent::{ConsentRequest, Decision};

use crate::runtime::Site;

/// The request methods the pipeline tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    /// Any other method (`PUT`, `OPTIONS`, ...).
    Other,
}

impl Method {
    /// From the method name (case-sensitive, as HTTP methods are).
    pub fn parse(name: &str) -> Method {
        match name {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            _ => Method::Other,
        }
    }
}

/// Request headers by name (case-insensitive); duplicates joined with `, ` as the Fetch
/// API does. The shell implements it over the runtime's request; tests over a list.
pub trait HeaderSource {
    fn header(&self, name: &str) -> Option<String>;
}

impl HeaderSource for [(&str, &str)] {
    fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
}

/// What the edge knows about the visitor (`request.cf`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EdgeFacts {
    /// `request.cf.country`: ISO 3166 alpha-2 (`XX`/`T1` unknown or Tor).
    pub country: Option<String>,
    /// `request.cf.regionCode`: the ISO 3166-2 subdivision code, e.g. `CA`.
    pub region: Option<String>,
    /// `request.cf.botManagement.score` (1 = automated … 99 = human), where the zone has
    /// Bot Management.
    pub bot_score: Option<u8>,
    /// `request.cf.botManagement.verifiedBot`.
    pub verified_bot: bool,
    /// `request.cf.verifiedBotCategory` (`Search Engine Crawler`, `Monitoring & Analytics`…).
    pub verified_bot_category: Option<String>,
}

impl EdgeFacts {
    /// From `request.cf` as JSON (`JSON.stringify(request.cf)`): `country`, `regionCode`,
    /// and, where the zone has Bot Management, `botManagement.score` (1–99),
    /// `botManagement.verifiedBot` and `verifiedBotCategory`. Anything missing, of another
    /// type or out of range counts as absent; text that is not JSON gives no facts.
    pub fn from_cf_json(json: Option<&str>) -> EdgeFacts {
        let Some(cf) = json.and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok()) else {
            return EdgeFacts::default();
        };
        fn text(v: Option<&serde_json::Value>) -> Option<&str> {
            v.and_then(serde_json::Value::as_str)
        }
        let bot = cf.get("botManagement");
        EdgeFacts::from_fields(&CfFields {
            country: text(cf.get("country")),
            region_code: text(cf.get("regionCode")),
            bot_score: bot.and_then(|b| b.get("score")?.as_f64()),
            verified_bot: bot.and_then(|b| b.get("verifiedBot")?.as_bool()),
            verified_bot_category: text(cf.get("verifiedBotCategory")),
        })
    }

    /// The facts from the fields of `request.cf` read one by one (the shell reads only
    /// these, rather than serialising the whole object): texts trimmed, empty or over 64
    /// bytes absent; a bot score outside 1..=99 absent.
    pub fn from_fields(cf: &CfFields<'_>) -> EdgeFacts {
        let text = |v: Option<&str>| {
            v.map(str::trim)
                .filter(|s| !s.is_empty() && s.len() <= 64)
                .map(str::to_string)
        };
        EdgeFacts {
            country: text(cf.country),
            region: text(cf.region_code),
            bot_score: cf
                .bot_score
                .filter(|s| (1.0..=99.0).contains(s))
                .map(|s| s as u8),
            verified_bot: cf.verified_bot.unwrap_or(false),
            verified_bot_category: text(cf.verified_bot_category),
        }
    }
}

/// The fields of `request.cf` the pipeline reads, as found.
#[derive(Debug, Clone, Copy, Default)]
pub struct CfFields<'a> {
    pub country: Option<&'a str>,
    pub region_code: Option<&'a str>,
    /// `botManagement.score`.
    pub bot_score: Option<f64>,
    /// `botManagement.verifiedBot`.
    pub verified_bot: Option<bool>,
    pub verified_bot_category: Option<&'a str>,
}

/// What the request looks like, read once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFacts {
    pub method: Method,
    pub url: String,
    pub cookie: Option<String>,
    pub user_agent: String,
    pub referer: Option<String>,
    /// Raw `Sec-GPC`.
    pub sec_gpc: Option<String>,
    pub edge: EdgeFacts,
    pub now_ms: i64,
    /// A top-level HTML navigation (where a session may be created).
    pub navigation: bool,
    /// `Sec-Fetch-Mode`, `Sec-Fetch-Dest`, `Sec-Fetch-Site` (lowercase, trimmed).
    pub fetch: FetchMetadata,
    /// `Accept`, `Accept-Language`.
    pub accept: Option<String>,
    pub accept_language: Option<String>,
    /// `Origin` (CORS requests; AMP).
    pub origin: Option<String>,
    /// `AMP-Same-Origin: true` (the AMP runtime on the publisher's own page).
    pub amp_same_origin: bool,
}

/// The request's Fetch Metadata (W3C "Fetch Metadata Request Headers"), lowercased.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchMetadata {
    pub mode: Option<String>,
    pub dest: Option<String>,
    pub site: Option<String>,
}

impl FetchMetadata {
    fn read(headers: &(impl HeaderSource + ?Sized)) -> FetchMetadata {
        let get = |name: &str| {
            headers
                .header(name)
                .map(|v| v.trim().to_ascii_lowercase())
                .filter(|v| !v.is_empty())
        };
        FetchMetadata {
            mode: get("sec-fetch-mode"),
            dest: get("sec-fetch-dest"),
            site: get("sec-fetch-site"),
        }
    }

    /// `Sec-Fetch-Mode: navigate` with `Sec-Fetch-Dest: document`: a top-level navigation.
    pub fn is_top_level_navigation(&self) -> bool {
        self.mode.as_deref() == Some("navigate") && self.dest.as_deref() == Some("document")
    }
}

/// A top-level HTML navigation: `GET` with `Sec-Fetch-Dest: document`, or, from clients
/// without Fetch Metadata (curl, older browsers), an `Accept` that asks for HTML or any
/// type, or none at all.
pub fn is_navigation(method: Method, sec_fetch_dest: Option<&str>, accept: Option<&str>) -> bool {
    if method != Method::Get {
        return false;
    }
    match sec_fetch_dest {
        Some(dest) => dest.trim().eq_ignore_ascii_case("document"),
        None => {
            let accept = accept.unwrap_or("").to_ascii_lowercase();
            accept.trim().is_empty() || accept.contains("text/html") || accept.contains("*/*")
        }
    }
}

impl RequestFacts {
    /// Reads the facts of a request.
    pub fn read(
        method: &str,
        url: &str,
        headers: &(impl HeaderSource + ?Sized),
        edge: EdgeFacts,
        now_ms: i64,
    ) -> RequestFacts {
        let method = Method::parse(method);
        let navigation = is_navigation(
            method,
            headers.header("sec-fetch-dest").as_deref(),
            headers.header("accept").as_deref(),
        );
        RequestFacts {
            method,
            url: url.to_string(),
            cookie: headers.header("cookie"),
            user_agent: headers.header("user-agent").unwrap_or_default(),
            referer: headers.header("referer"),
            sec_gpc: headers.header("sec-gpc"),
            edge,
            now_ms,
            navigation,
            fetch: FetchMetadata::read(headers),
            accept: headers.header("accept"),
            accept_language: headers.header("accept-language"),
            origin: headers.header("origin"),
            amp_same_origin: headers
                .header("amp-same-origin")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
        }
    }

    /// The consent engine's input.
    pub fn consent_request(&self) -> ConsentRequest<'_> {
        ConsentRequest {
            cookie_header: self.cookie.as_deref(),
            sec_gpc: self.sec_gpc.as_deref(),
            country: self.edge.country.as_deref(),
            region: self.edge.region.as_deref(),
            now_ms: self.now_ms,
        }
    }

    /// The consent decision for this request on `site`.
    pub fn decide(&self, site: &Site) -> Decision {
        dni_consent::decide(&site.config.consent, &self.consent_request())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_metadata_decides_navigation_when_present() {
        assert!(is_navigation(Method::Get, Some("document"), Some("*/*")));
        assert!(is_navigation(Method::Get, Some(" Document "), None));
        for dest in ["image", "script", "empty", "iframe", ""] {
            assert!(
                !is_navigation(Method::Get, Some(dest), Some("text/html")),
                "{dest}"
            );
        }
    }

    #[test]
    fn without_fetch_metadata_accept_decides() {
        assert!(is_navigation(Method::Get, None, None));
        assert!(is_navigation(Method::Get, None, Some("")));
        assert!(is_navigation(
            Method::Get,
            None,
            Some("TEXT/HTML,application/xhtml+xml")
        ));
        assert!(is_navigation(Method::Get, None, Some("*/*")));
        assert!(!is_navigation(Method::Get, None, Some("application/json")));
        assert!(!is_navigation(
            Method::Get,
            None,
            Some("image/avif,image/webp")
        ));
    }

    #[test]
    fn only_get_navigates() {
        for m in [Method::Head, Method::Post, Method::Other] {
            assert!(!is_navigation(m, Some("document"), Some("text/html")));
        }
        assert_eq!(Method::parse("GET"), Method::Get);
        assert_eq!(Method::parse("get"), Method::Other);
        assert_eq!(Method::parse("HEAD"), Method::Head);
        assert_eq!(Method::parse("POST"), Method::Post);
        assert_eq!(Method::parse("PUT"), Method::Other);
    }

    #[test]
    fn edge_facts_are_read_from_request_cf() {
        // Fields as Cloudflare documents them ("IncomingRequestCfProperties", Workers
        // runtime APIs; "Bot Management variables": score 1-99, verifiedBot,
        // verifiedBotCategory such as "Search Engine Crawler").
        let cf = r#"{"asn":13335,"colo":"FRA","country":"DE","regionCode":"BE","city":"Berlin",
            "botManagement":{"score":87,"verifiedBot":false,"staticResource":false,"ja3Hash":"25b4882c2bcb50cd6b469ff28c596742","detectionIds":[]},
            "verifiedBotCategory":""}"#;
        let e = EdgeFacts::from_cf_json(Some(cf));
        assert_eq!(
            e,
            EdgeFacts {
                country: Some("DE".into()),
                region: Some("BE".into()),
                bot_score: Some(87),
                verified_bot: false,
                verified_bot_category: None,
            }
        );
        let crawler = r#"{"country":"US","botManagement":{"score":1,"verifiedBot":true},"verifiedBotCategory":"Search Engine Crawler"}"#;
        let e = EdgeFacts::from_cf_json(Some(crawler));
        assert_eq!((e.bot_score, e.verified_bot), (Some(1), true));
        assert_eq!(
            e.verified_bot_category.as_deref(),
            Some("Search Engine Crawler")
        );
        // Without Bot Management (most zones; local workerd): no bot facts.
        let plain = EdgeFacts::from_cf_json(Some(r#"{"country":"FR"}"#));
        assert_eq!((plain.bot_score, plain.verified_bot), (None, false));
        for bad in [
            None,
            Some(""),
            Some("not json"),
            Some(r#"{"country":5,"botManagement":{"score":"high"}}"#),
            Some(r#"{"botManagement":{"score":0}}"#),
            Some(r#"{"botManagement":{"score":150}}"#),
        ] {
            let e = EdgeFacts::from_cf_json(bad);
            assert_eq!((e.country, e.bot_score), (None, None), "{bad:?}");
        }
    }

    #[test]
    fn facts_are_read_from_headers() {
        let headers: &[(&str, &str)] = &[
            ("Cookie", "a=1"),
            ("cookie", "b=2"),
            ("User-Agent", "UA"),
            ("Referer", "https://r.test/"),
            ("Sec-GPC", "1"),
            ("Sec-Fetch-Dest", "document"),
        ];
        let edge = EdgeFacts {
            country: Some("DE".into()),
            region: Some("BE".into()),
            ..EdgeFacts::default()
        };
        let f = RequestFacts::read("GET", "https://x.test/p?q", headers, edge.clone(), 7);
        assert_eq!(f.cookie.as_deref(), Some("a=1, b=2"));
        assert_eq!(f.user_agent, "UA");
        assert_eq!(f.referer.as_deref(), Some("https://r.test/"));
        assert_eq!(f.sec_gpc.as_deref(), Some("1"));
        assert!(f.navigation);
        assert_eq!(f.edge, edge);
        let c = f.consent_request();
        assert_eq!(
            (c.cookie_header, c.sec_gpc, c.country, c.region, c.now_ms),
            (Some("a=1, b=2"), Some("1"), Some("DE"), Some("BE"), 7)
        );
        let none: &[(&str, &str)] = &[("accept", "image/png")];
        let f = RequestFacts::read("GET", "https://x.test/", none, EdgeFacts::default(), 0);
        assert!(!f.navigation && f.cookie.is_none() && f.user_agent.is_empty());
    }
}
