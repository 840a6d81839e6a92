//! One reader per consent signal: each consent-management platform's cookie(s), the IAB
//! GPP string and the IAB US Privacy string. A reader takes its own configuration section
//! (never the crate's whole configuration: the `read` module dispatches) and
//! appends one [`CookieRead`] per cookie value it looked at, telling apart a cookie that
//! says nothing, a verdict, a value not acceptable (expired, stale) and a malformed one.

pub mod axeptio;
pub mod borlabs;
pub mod complianz;
pub mod cookiebot;
pub mod cookiefirst;
pub mod cookiescript;
pub mod cookieyes;
pub mod didomi;
pub mod funding_choices;
pub mod gpp;
pub mod gpp_string;
pub mod iubenda;
pub mod ketch;
pub mod klaro;
pub mod onetrust;
pub mod osano;
pub mod tarteaucitron;
pub mod tc_privacy;
pub mod tcf;
pub mod tealium;
pub mod termly;
pub mod trustarc;
pub mod usp;
pub mod zaraz;

use dni_common::{ConfigIssue, CookieName};
use serde::{Deserialize, Serialize};

pub use crate::outcome::{CookieRead, Outcome};
use crate::regime::{Location, Regime};

/// A consent signal the engine can read (config keys `order` and `primary`; the `signal`
/// of a decision).
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
    /// IAB TCF `euconsent-v2` (and other configured cookie names).
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
    /// TrustArc `notice_gdpr_prefs`, `cmapi_cookie_privacy`.
    Trustarc,
    /// iubenda `_iub_cs-*`.
    Iubenda,
    /// Osano (its own cookie is encrypted; read through a bridge cookie).
    Osano,
    /// Borlabs Cookie `borlabs-cookie`.
    Borlabs,
    /// CookieScript `CookieScriptConsent`.
    Cookiescript,
    /// Termly (local storage only; read through a bridge cookie).
    Termly,
    /// Tealium iQ Consent Manager `CONSENTMGR`.
    Tealium,
    /// tarteaucitron.js `tarteaucitron`.
    Tarteaucitron,
    /// CookieFirst `cookiefirst-consent`.
    Cookiefirst,
    /// Ketch `_ketch_consent_v1_`.
    Ketch,
    /// Google Funding Choices `FCCDCF` (a TC string inside).
    FundingChoices,
    /// IAB Global Privacy Platform string (`__gpp` + `__gpp_sid`, `OTGPPConsent`).
    Gpp,
    /// IAB US Privacy string (`us_privacy`, `usprivacy`).
    Usp,
}

impl CmpName {
    /// Every signal, in the default order: the platforms whose cookie carries a
    /// category-level answer first, the TCF string (purpose-level, often written beside a
    /// CMP's own cookie) after the CMP cookies that embed or accompany it, the site-mapped
    /// vendor/purpose cookies after them, the US privacy strings last. The order only
    /// breaks ties in which signal is reported as deciding: every listed signal is read,
    /// and on conflicts the most restrictive answer wins (see [`crate::decide`]).
    pub const DEFAULT_ORDER: [CmpName; 23] = [
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
        CmpName::Trustarc,
        CmpName::Iubenda,
        CmpName::Osano,
        CmpName::Borlabs,
        CmpName::Cookiescript,
        CmpName::Termly,
        CmpName::Tealium,
        CmpName::Tarteaucitron,
        CmpName::Cookiefirst,
        CmpName::Ketch,
        CmpName::FundingChoices,
        CmpName::Gpp,
        CmpName::Usp,
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
            CmpName::Trustarc => "trustarc",
            CmpName::Iubenda => "iubenda",
            CmpName::Osano => "osano",
            CmpName::Borlabs => "borlabs",
            CmpName::Cookiescript => "cookiescript",
            CmpName::Termly => "termly",
            CmpName::Tealium => "tealium",
            CmpName::Tarteaucitron => "tarteaucitron",
            CmpName::Cookiefirst => "cookiefirst",
            CmpName::Ketch => "ketch",
            CmpName::FundingChoices => "funding_choices",
            CmpName::Gpp => "gpp",
            CmpName::Usp => "usp",
        }
    }
}

/// What a reader knows about the request besides the cookies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadContext {
    /// Unix epoch milliseconds (expiry checks).
    pub now_ms: i64,
    /// The visitor's country and state (picks the GPP state section).
    pub location: Location,
    /// The request's regime: in an opt-in regime the absence of an opt-out (US privacy
    /// strings) is not consent.
    pub regime: Regime,
}

/// Reports at `{path}.{key}` a name that is not a cookie name (empty, too long, or with a
/// character an RFC 6265 cookie name cannot hold: see [`CookieName`]).
pub(crate) fn check_cookie_name(
    path: &str,
    key: &str,
    name: &str,
    hint: &str,
    issues: &mut Vec<ConfigIssue>,
) {
    if let Err(e) = CookieName::new(name) {
        issues.push(ConfigIssue::new(format!("{path}.{key}"), e.to_string()).with_hint(hint));
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the readers' unit tests.

    use dni_common::Category;

    use super::{CookieRead, Outcome};
    use crate::cookie_value::{combined, Jar};
    use crate::verdict::{CmpVerdict, Consent};

    /// Functional, analytics and marketing states of a verdict.
    pub fn states(v: CmpVerdict) -> [Consent; 3] {
        [
            v.get(Category::Functional),
            v.get(Category::Analytics),
            v.get(Category::Marketing),
        ]
    }

    /// Runs `read` over `header` and returns the reads.
    pub fn reads(header: &str, read: impl FnOnce(&Jar, &mut Vec<CookieRead>)) -> Vec<CookieRead> {
        let jar = Jar::parse(header);
        let mut out = Vec::new();
        read(&jar, &mut out);
        out
    }

    /// Runs `read` over `header` and returns the combined verdict's states.
    pub fn verdict(
        header: &str,
        read: impl FnOnce(&Jar, &mut Vec<CookieRead>),
    ) -> Option<[Consent; 3]> {
        combined(&reads(header, read)).map(states)
    }

    /// The single outcome of reading `header` (panics if there is not exactly one read).
    pub fn outcome(header: &str, read: impl FnOnce(&Jar, &mut Vec<CookieRead>)) -> Outcome {
        let mut r = reads(header, read);
        assert_eq!(r.len(), 1, "{header}: {r:?}");
        r.remove(0).outcome
    }
}
