//! The decision: what the visitor allowed, which signal said so, and whether numbers swap.

use dni_common::{Category, ConfigIssue};
use serde::Serialize;

use crate::cmp::{self, CmpName};
use crate::config::ConsentConfig;
use crate::gpc::{gpc_present, GpcMode};
use crate::regime::Regime;
use crate::verdict::Consent;

/// One request's consent inputs.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConsentRequest<'a> {
    /// Raw `Cookie` header.
    pub cookie_header: Option<&'a str>,
    /// Raw `Sec-GPC` header value (duplicates joined by `, `).
    pub sec_gpc: Option<&'a str>,
    /// `request.cf.country` (ISO 3166 alpha-2); `None`, `XX` or `T1` = unknown.
    pub country: Option<&'a str>,
    /// Unix epoch milliseconds (expiry checks).
    pub now_ms: i64,
}

/// Per-category result. Serialises as
/// `{"necessary":true,"functional":b,"analytics":b,"marketing":b}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Categories {
    /// Always true.
    pub necessary: bool,
    /// Preferences.
    pub functional: bool,
    /// Statistics, performance.
    pub analytics: bool,
    /// Advertising, targeting.
    pub marketing: bool,
}

impl Categories {
    /// Whether `c` is granted.
    pub fn granted(&self, c: Category) -> bool {
        match c {
            Category::Necessary => self.necessary,
            Category::Functional => self.functional,
            Category::Analytics => self.analytics,
            Category::Marketing => self.marketing,
        }
    }

    fn set(&mut self, c: Category, granted: bool) {
        match c {
            Category::Necessary => self.necessary = granted,
            Category::Functional => self.functional = granted,
            Category::Analytics => self.analytics = granted,
            Category::Marketing => self.marketing = granted,
        }
    }
}

/// Which signal made the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Commanders Act.
    TcPrivacy,
    /// OneTrust.
    Onetrust,
    /// Cookiebot.
    Cookiebot,
    /// IAB TCF.
    Tcf,
    /// CookieYes.
    Cookieyes,
    /// Complianz.
    Complianz,
    /// Cloudflare Zaraz.
    Zaraz,
    /// Didomi.
    Didomi,
    /// Axeptio.
    Axeptio,
    /// Klaro.
    Klaro,
    /// No CMP decided; an honoured `Sec-GPC: 1` did.
    Gpc,
    /// No signal: the regime's default applied.
    None,
}

impl Signal {
    /// The serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::TcPrivacy => "tc_privacy",
            Signal::Onetrust => "onetrust",
            Signal::Cookiebot => "cookiebot",
            Signal::Tcf => "tcf",
            Signal::Cookieyes => "cookieyes",
            Signal::Complianz => "complianz",
            Signal::Zaraz => "zaraz",
            Signal::Didomi => "didomi",
            Signal::Axeptio => "axeptio",
            Signal::Klaro => "klaro",
            Signal::Gpc => "gpc",
            Signal::None => "none",
        }
    }
}

impl From<CmpName> for Signal {
    fn from(n: CmpName) -> Signal {
        match n {
            CmpName::TcPrivacy => Signal::TcPrivacy,
            CmpName::Onetrust => Signal::Onetrust,
            CmpName::Cookiebot => Signal::Cookiebot,
            CmpName::Didomi => Signal::Didomi,
            CmpName::Tcf => Signal::Tcf,
            CmpName::Cookieyes => Signal::Cookieyes,
            CmpName::Complianz => Signal::Complianz,
            CmpName::Axeptio => Signal::Axeptio,
            CmpName::Klaro => Signal::Klaro,
            CmpName::Zaraz => Signal::Zaraz,
        }
    }
}

/// The consent decision for one request (`GET /__dni/consent` returns [`Decision::to_json`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// What is granted.
    pub categories: Categories,
    /// Which signal decided.
    pub signal: Signal,
    /// `Sec-GPC: 1` was present (whether or not it was honoured).
    pub gpc: bool,
    /// The regime of the request's country.
    pub regime: Regime,
    /// Numbers may be swapped: the configured `required_category` is granted.
    pub swap: bool,
}

impl Decision {
    /// Whether `c` is granted.
    pub fn granted(&self, c: Category) -> bool {
        self.categories.granted(c)
    }

    /// The categories not granted, in [`Category::ALL`] order.
    pub fn declined(&self) -> Vec<Category> {
        Category::ALL
            .into_iter()
            .filter(|&c| !self.granted(c))
            .collect()
    }

    /// `{"categories":{"necessary":true,"functional":b,"analytics":b,"marketing":b},"signal":"...","gpc":b,"regime":"...","swap":b}`
    pub fn to_json(&self) -> String {
        let c = &self.categories;
        format!(
            r#"{{"categories":{{"necessary":{},"functional":{},"analytics":{},"marketing":{}}},"signal":"{}","gpc":{},"regime":"{}","swap":{}}}"#,
            c.necessary,
            c.functional,
            c.analytics,
            c.marketing,
            self.signal.as_str(),
            self.gpc,
            self.regime.as_str(),
            self.swap
        )
    }
}

/// Decides consent for one request.
///
/// 1. The regime comes from the country (unknown = opt-in).
/// 2. The platforms in `config.order` are consulted in turn; the first whose cookie is
///    present, valid and informative decides. A category its verdict leaves unset
///    follows the regime: denied under opt-in, granted under opt-out (the absence of a
///    refusal is the opt-out default).
/// 3. No platform decided: everything but necessary is denied under opt-in, granted
///    under opt-out.
/// 4. `Sec-GPC: 1`, where `config.gpc` honours it for this regime, denies marketing. The
///    signal stays the platform's when one decided; otherwise it is `gpc`.
/// 5. `necessary` is always granted; `swap` = `required_category` granted.
pub fn decide(config: &ConsentConfig, request: &ConsentRequest) -> Decision {
    let regime = config.regime(request.country);
    let default_granted = regime == Regime::OptOut;
    let gpc = gpc_present(request.sec_gpc);
    let gpc_honoured = gpc
        && match config.gpc {
            GpcMode::Everywhere => true,
            GpcMode::OptOutOnly => regime == Regime::OptOut,
            GpcMode::Off => false,
        };

    let found = request.cookie_header.and_then(|header| {
        config
            .order
            .iter()
            .find_map(|&name| cmp::parse(name, config, header, request.now_ms).map(|v| (name, v)))
    });

    let mut categories = Categories {
        necessary: true,
        functional: default_granted,
        analytics: default_granted,
        marketing: default_granted,
    };
    let mut signal = Signal::None;
    if let Some((name, verdict)) = &found {
        signal = Signal::from(*name);
        for c in [
            Category::Functional,
            Category::Analytics,
            Category::Marketing,
        ] {
            let granted = match verdict.get(c) {
                Consent::Granted => true,
                Consent::Denied => false,
                Consent::Unset => default_granted,
            };
            categories.set(c, granted);
        }
    }
    if gpc_honoured {
        categories.marketing = false;
        if found.is_none() {
            signal = Signal::Gpc;
        }
    }
    Decision {
        categories,
        signal,
        gpc,
        regime,
        swap: categories.granted(config.required_category),
    }
}

/// Parses and validates a `consent` section from JSON, for tools and tests: serde errors
/// (unknown keys, unknown platform names, wrong types) and validation issues both come
/// back as [`ConfigIssue`]s under `path`.
pub fn config_from_json(path: &str, json: &str) -> Result<ConsentConfig, Vec<ConfigIssue>> {
    use dni_common::Validate;
    let config: ConsentConfig = serde_json::from_str(json).map_err(|e| {
        vec![ConfigIssue::new(path, e.to_string())
            .with_hint("see the consent keys documented in dni_consent::ConsentConfig")]
    })?;
    let mut issues = Vec::new();
    config.validate(path, &mut issues);
    if issues.is_empty() {
        Ok(config)
    } else {
        Err(issues)
    }
}
