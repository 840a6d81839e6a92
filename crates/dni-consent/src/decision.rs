//! The decision: what the visitor allowed, which signal said so, every signal read, and
//! whether numbers swap.

use dni_common::{Category, ConfigIssue};
use serde::{Serialize, Serializer};

use crate::cmp::{CmpName, CookieRead, Outcome, ReadContext};
use crate::config::ConsentConfig;
use crate::cookie_value::{combined, Jar};
use crate::gpc::{gpc_present, GpcMode};
use crate::read::read_all;
use crate::regime::{Location, Regime};
use crate::verdict::{CmpVerdict, Consent};

/// One request's consent inputs.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConsentRequest<'a> {
    /// Raw `Cookie` header.
    pub cookie_header: Option<&'a str>,
    /// Raw `Sec-GPC` header value (duplicates joined by `, `).
    pub sec_gpc: Option<&'a str>,
    /// `request.cf.country` (ISO 3166 alpha-2); `None`, `XX` or `T1` = unknown.
    pub country: Option<&'a str>,
    /// `request.cf.regionCode` (ISO 3166-2 subdivision without the country prefix, e.g.
    /// `CA`); `None` when unknown.
    pub region: Option<&'a str>,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// A consent signal (a CMP cookie, the GPP or US Privacy string).
    Cmp(CmpName),
    /// No consent signal decided; an honoured `Sec-GPC: 1` did.
    Gpc,
    /// No signal: the regime's default applied.
    None,
}

impl Signal {
    /// The serialised name: the platform's name, `gpc` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Cmp(name) => name.as_str(),
            Signal::Gpc => "gpc",
            Signal::None => "none",
        }
    }
}

impl From<CmpName> for Signal {
    fn from(n: CmpName) -> Signal {
        Signal::Cmp(n)
    }
}

impl Serialize for Signal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What one read cookie value turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalStatus {
    /// A verdict on at least one non-necessary category.
    Verdict,
    /// Well-formed, says nothing about the non-necessary categories.
    Silent,
    /// Well-formed but not acceptable (expired, stale, superseded).
    Ignored,
    /// Not in the platform's format.
    Malformed,
}

/// One cookie value read, for `/__dni/consent` (never the value itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignalReport {
    /// The signal.
    pub name: CmpName,
    /// The cookie's name.
    pub cookie: String,
    /// What the value turned out to be.
    pub status: SignalStatus,
    /// The part of the value that decided (GPP section), when it has parts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<&'static str>,
    /// Why it was ignored or malformed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// This value belongs to the signal that decided, and gave a verdict.
    pub decided: bool,
}

/// A malformed signal, for the request log line: which platform, which cookie, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedSignal<'a> {
    /// The platform.
    pub cmp: CmpName,
    /// The cookie's name.
    pub cookie: &'a str,
    /// A short static description (never the value).
    pub reason: &'static str,
}

/// The consent decision for one request (`GET /__dni/consent` returns [`Decision::to_json`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// What is granted.
    pub categories: Categories,
    /// Which signal decided.
    pub signal: Signal,
    /// `Sec-GPC: 1` was present (whether or not it was honoured).
    pub gpc: bool,
    /// The regime of the request's country and state.
    pub regime: Regime,
    /// Numbers may be swapped: the configured `required_category` is granted.
    pub swap: bool,
    /// The request's country (ISO 3166-1 alpha-2), when known.
    pub country: Option<String>,
    /// The request's state (ISO 3166-2 subdivision, without the country), when known.
    pub region: Option<String>,
    /// Every cookie value read, in the order of `consent.order`.
    pub signals: Vec<SignalReport>,
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

    /// `{"categories":{…},"signal":"…","gpc":b,"regime":"…","swap":b,"country":"US"|null,"region":"CA"|null,"signals":[{"name":"…","cookie":"…","status":"verdict|silent|ignored|malformed","section":"…","reason":"…","decided":b}]}`
    /// (`section` and `reason` only when set).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The malformed signals, for the log line.
    pub fn malformed(&self) -> impl Iterator<Item = MalformedSignal<'_>> {
        self.signals
            .iter()
            .filter_map(|s| match (s.status, s.reason) {
                (SignalStatus::Malformed, Some(reason)) => Some(MalformedSignal {
                    cmp: s.name,
                    cookie: &s.cookie,
                    reason,
                }),
                _ => None,
            })
    }
}

/// The per-platform verdicts combined: with a `primary` platform that gave a verdict, its
/// stated categories win and the others fill the rest; otherwise the most restrictive
/// stated answer wins per category.
fn merge(verdicts: &[(CmpName, CmpVerdict)], primary: Option<CmpName>) -> CmpVerdict {
    let others = verdicts
        .iter()
        .filter(|(n, _)| Some(*n) != primary)
        .fold(CmpVerdict::new(), |acc, (_, v)| acc.stated_merge(*v));
    match verdicts.iter().find(|(n, _)| Some(*n) == primary) {
        Some((_, p)) => p.or_else(others),
        None => others,
    }
}

/// The platform reported as deciding: the primary when it states the required category;
/// otherwise the first (in `order`) whose answer on the required category is the final
/// one; otherwise the first that gave a verdict.
fn decider(
    verdicts: &[(CmpName, CmpVerdict)],
    primary: Option<CmpName>,
    required: Category,
    merged: Consent,
) -> Option<CmpName> {
    let primary_states = verdicts
        .iter()
        .find(|(n, v)| Some(*n) == primary && v.get(required) != Consent::Unset);
    primary_states
        .or_else(|| {
            verdicts
                .iter()
                .find(|(_, v)| merged != Consent::Unset && v.get(required) == merged)
        })
        .or_else(|| verdicts.first())
        .map(|(n, _)| *n)
}

fn report(name: CmpName, read: CookieRead, decided: Option<CmpName>) -> SignalReport {
    let (status, reason) = match read.outcome {
        Outcome::Verdict(_) => (SignalStatus::Verdict, None),
        Outcome::Silent => (SignalStatus::Silent, None),
        Outcome::Ignored(r) => (SignalStatus::Ignored, Some(r)),
        Outcome::Malformed(r) => (SignalStatus::Malformed, Some(r)),
    };
    SignalReport {
        name,
        cookie: read.cookie,
        status,
        section: read.detail,
        reason,
        decided: status == SignalStatus::Verdict && decided == Some(name),
    }
}

/// Decides consent for one request.
///
/// 1. The regime comes from the country and state (unknown country = opt-in).
/// 2. Every signal in `config.order` is read (see [`crate::read`]); each platform's
///    cookies give one verdict (duplicates: the most restrictive copy).
/// 3. Conflicts: the most restrictive stated answer wins per category (a platform silent
///    on a category does not vote); a configured `primary` platform that gave a verdict
///    wins instead for the categories it states.
/// 4. A category no signal states follows the regime: denied under opt-in, granted under
///    opt-out (the absence of a refusal is the opt-out default).
/// 5. `Sec-GPC: 1`, where `config.gpc` honours it for this regime, denies marketing. The
///    signal stays the platform's when one decided; otherwise it is `gpc`.
/// 6. `necessary` is always granted; `swap` = `required_category` granted.
pub fn decide(config: &ConsentConfig, request: &ConsentRequest) -> Decision {
    let location = Location::new(request.country, request.region);
    let regime = config.regime(&location);
    let ctx = ReadContext {
        now_ms: request.now_ms,
        location,
        regime,
    };
    let jar = request.cookie_header.map(Jar::parse).unwrap_or_default();
    let reads = read_all(config, &jar, &ctx);

    let verdicts: Vec<(CmpName, CmpVerdict)> = config
        .order
        .iter()
        .filter_map(|&name| {
            combined(reads.iter().filter(|(n, _)| *n == name).map(|(_, r)| r)).map(|v| (name, v))
        })
        .collect();
    let merged = merge(&verdicts, config.primary);
    let decided = decider(
        &verdicts,
        config.primary,
        config.required_category,
        merged.get(config.required_category),
    );

    let default_granted = regime == Regime::OptOut;
    let mut categories = Categories {
        necessary: true,
        functional: default_granted,
        analytics: default_granted,
        marketing: default_granted,
    };
    for c in [
        Category::Functional,
        Category::Analytics,
        Category::Marketing,
    ] {
        let granted = match merged.get(c) {
            Consent::Granted => true,
            Consent::Denied => false,
            Consent::Unset => default_granted,
        };
        categories.set(c, granted);
    }
    let mut signal = decided.map_or(Signal::None, Signal::Cmp);

    let gpc = gpc_present(request.sec_gpc);
    let gpc_honoured = gpc
        && match config.gpc {
            GpcMode::Everywhere => true,
            GpcMode::OptOutOnly => regime == Regime::OptOut,
            GpcMode::Off => false,
        };
    if gpc_honoured {
        categories.marketing = false;
        if decided.is_none() {
            signal = Signal::Gpc;
        }
    }

    Decision {
        categories,
        signal,
        gpc,
        regime,
        swap: categories.granted(config.required_category),
        country: location.country().map(str::to_string),
        region: location.region().map(str::to_string),
        signals: reads
            .into_iter()
            .map(|(name, read)| report(name, read, decided))
            .collect(),
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
