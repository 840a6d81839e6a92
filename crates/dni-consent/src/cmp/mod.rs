//! One parser per consent-management platform. Each reads its cookie(s) out of the raw
//! `Cookie` header and returns a [`CmpVerdict`], or `None` when its cookie is absent,
//! malformed, expired or says nothing about the non-necessary categories.

pub mod axeptio;
pub mod complianz;
pub mod cookiebot;
pub mod cookieyes;
pub mod didomi;
pub mod klaro;
pub mod onetrust;
pub mod tc_privacy;
pub mod tcf;
pub mod zaraz;

use serde::{Deserialize, Serialize};

use crate::config::ConsentConfig;
use crate::verdict::CmpVerdict;

/// A consent-management platform the engine can read (config key `order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CmpName {
    /// Commanders Act `TC_PRIVACY`.
    TcPrivacy,
    /// OneTrust `OptanonConsent`.
    Onetrust,
    /// Cookiebot `CookieConsent`.
    Cookiebot,
    /// Didomi `didomi_token` (custom purposes).
    Didomi,
    /// IAB TCF `euconsent-v2`.
    Tcf,
    /// CookieYes `cookieyes-consent`.
    Cookieyes,
    /// Complianz `cmplz_*`.
    Complianz,
    /// Axeptio `axeptio_cookies`.
    Axeptio,
    /// Klaro `klaro`.
    Klaro,
    /// Cloudflare Zaraz `cf_consent`.
    Zaraz,
}

impl CmpName {
    /// Every platform, in the default order: the platforms whose cookie carries the most
    /// specific (category-level) answer first, the TCF string (purpose-level, often
    /// written beside a CMP's own cookie) after the CMP cookies that embed or accompany
    /// it, and the site-mapped vendor/purpose cookies last.
    pub const DEFAULT_ORDER: [CmpName; 10] = [
        CmpName::TcPrivacy,
        CmpName::Onetrust,
        CmpName::Cookiebot,
        CmpName::Didomi,
        CmpName::Tcf,
        CmpName::Cookieyes,
        CmpName::Complianz,
        CmpName::Axeptio,
        CmpName::Klaro,
        CmpName::Zaraz,
    ];

    /// The name as written in configuration and in `Decision.signal`.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpName::TcPrivacy => "tc_privacy",
            CmpName::Onetrust => "onetrust",
            CmpName::Cookiebot => "cookiebot",
            CmpName::Didomi => "didomi",
            CmpName::Tcf => "tcf",
            CmpName::Cookieyes => "cookieyes",
            CmpName::Complianz => "complianz",
            CmpName::Axeptio => "axeptio",
            CmpName::Klaro => "klaro",
            CmpName::Zaraz => "zaraz",
        }
    }
}

/// Runs the parser of `name` with its section of `config`.
pub fn parse(
    name: CmpName,
    config: &ConsentConfig,
    cookie_header: &str,
    now_ms: i64,
) -> Option<CmpVerdict> {
    match name {
        CmpName::TcPrivacy => tc_privacy::parse(&config.tc_privacy, cookie_header, now_ms),
        CmpName::Onetrust => onetrust::parse(&config.onetrust, cookie_header),
        CmpName::Cookiebot => cookiebot::parse(&config.cookiebot, cookie_header),
        CmpName::Didomi => didomi::parse(&config.didomi, cookie_header),
        CmpName::Tcf => tcf::parse(&config.tcf, cookie_header, now_ms),
        CmpName::Cookieyes => cookieyes::parse(&config.cookieyes, cookie_header),
        CmpName::Complianz => complianz::parse(&config.complianz, cookie_header),
        CmpName::Axeptio => axeptio::parse(&config.axeptio, cookie_header),
        CmpName::Klaro => klaro::parse(&config.klaro, cookie_header),
        CmpName::Zaraz => zaraz::parse(&config.zaraz, cookie_header),
    }
}
