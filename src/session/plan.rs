//! The session plan: from the request, the consent decision and the session cookie, which
//! pool calls a view needs; from their answers, the numbers shown and the cookie to set.
//!
//! * No consent for swapping: every target shows its fallback; no session, no cookie.
//! * Crawler, or a site without targets: numbers are left as printed.
//! * Consent, returning session with a live lease in its signed cookie: the cookie's
//!   numbers, no pool call. A provisional lease is confirmed (one call, on the second page
//!   view); a lease close to idling out is renewed (one call, bounded by the pool timeout):
//!   the cookie carries what the pool granted, never more.
//! * Consent, first HTML navigation of a browser (`session.lease_requires`): a provisional
//!   lease per target from the pool of the landing request's traffic source (one call per
//!   target, made in parallel). A client refused a lease sees the fallback.
//! * Pool unreachable, failing, slow or exhausted: the fallback number; the page still
//!   streams. A new session that got no lease for some target keeps its landing in the
//!   token, so a later view leases from the landing's source with its attribution.

use std::cell::OnceCell;

use dni_common::Category;
use dni_consent::Decision;
use dni_numbers::E164;
use dni_sessions::{
    classify, is_kept_landing_param, session_set_cookie, Attribution, Landing, LeaseConsent,
    LeaseOutcome, SessionToken,
};

use super::step::{lease_step, LeaseStep};
use crate::observe::SwapOutcome;
use crate::pool::{PoolError, PoolOp, PoolRef};
use crate::request::{LeaseRefusal, RequestFacts};
use crate::runtime::Site;

/// What the session flow needs to know about one request.
#[derive(Clone, Copy)]
pub struct SessionInputs<'a> {
    pub site: &'a Site,
    pub facts: &'a RequestFacts,
    /// The request's consent decision: whether numbers swap (`Decision::swap`), and what a
    /// new lease records as the consent in force (conversions out are gated on it).
    pub decision: &'a Decision,
    /// A search-engine crawler: numbers stay as printed.
    pub crawler: bool,
    /// `DNI_SECRET`, when configured and long enough.
    pub secret: Option<&'a [u8]>,
    /// Where a session may start: a top-level HTML navigation, or an AMP number request.
    pub navigation: bool,
    /// An AMP request (`/__dni/number`): its session cookie lives `amp_cookie_days`.
    pub amp: bool,
    /// Why this client may not lease a new number (`None`: it may); see
    /// [`RequestFacts::lease_refusal`].
    pub refused: Option<LeaseRefusal>,
}

impl<'a> SessionInputs<'a> {
    /// The inputs of a page request: crawlers see the printed numbers, a session may start
    /// on a top-level navigation, and only clients `session.lease_requires` accepts lease.
    pub fn page(
        site: &'a Site,
        facts: &'a RequestFacts,
        decision: &'a Decision,
        secret: Option<&'a [u8]>,
    ) -> SessionInputs<'a> {
        let crawler =
            dni_rewrite::is_crawler(&facts.user_agent, &site.config.rewrite.crawler_user_agents);
        SessionInputs {
            site,
            facts,
            decision,
            crawler,
            secret,
            navigation: facts.navigation,
            amp: false,
            refused: facts.lease_refusal(&site.config.session.lease_requires),
        }
    }
}

/// A pool call the view waits for (in parallel with the others, each bounded by the
/// pool timeout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    pub target: usize,
    pub pool: PoolRef,
    pub op: PoolOp,
}

/// Which numbers this visitor sees, and what the shell must do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbers {
    /// Target → number shown, for the rewriter.
    pub swaps: Vec<(E164, E164)>,
    /// The session cookie to set, if it changed.
    pub set_cookie: Option<String>,
    /// A visitor-specific (tracking) number is in the page.
    pub personal: bool,
    pub outcome: SwapOutcome,
    /// Pool calls that failed (the visitor got the fallback for those targets).
    pub faults: Vec<PoolError>,
    /// Why no session could be used, for the operator (never visitor data).
    pub note: Option<&'static str>,
}

impl Numbers {
    /// Numbers left as printed.
    pub fn untouched() -> Numbers {
        Numbers {
            swaps: Vec::new(),
            set_cookie: None,
            personal: false,
            outcome: SwapOutcome::Untouched,
            faults: Vec::new(),
            note: None,
        }
    }

    /// Every target's fallback.
    pub fn fallbacks(site: &Site, outcome: SwapOutcome) -> Numbers {
        Numbers {
            swaps: site
                .config
                .targets
                .iter()
                .map(|t| (t.number, t.fallback))
                .collect(),
            outcome,
            ..Numbers::untouched()
        }
    }

    fn noted(mut self, note: &'static str) -> Numbers {
        self.note = Some(note);
        self
    }
}

/// How a view starts.
pub enum Start<'a> {
    /// The numbers are known without a session (untouched or fallbacks).
    Done(Numbers),
    /// A session: make the plan's [`asks`](SessionPlan::asks), then
    /// [`finish`](SessionPlan::finish) with their answers.
    Session(SessionPlan<'a>),
}

/// A view's session: its token, the calls to make, and what changed.
pub struct SessionPlan<'a> {
    inputs: SessionInputs<'a>,
    secret: &'a [u8],
    token: SessionToken,
    changed: bool,
    /// Calls the view waits for.
    pub asks: Vec<Ask>,
    /// A target with a source had no live lease and none was asked for (refused client).
    unleased: bool,
    /// The session is new (no valid cookie came with the request).
    new_session: bool,
}

/// The consent decision as kept with a lease: granted categories, signal, regime, GPC.
pub fn lease_consent(decision: &Decision) -> LeaseConsent {
    LeaseConsent {
        granted: Category::ALL
            .into_iter()
            .filter(|&c| decision.granted(c))
            .collect(),
        signal: decision.signal.as_str().to_string(),
        regime: decision.regime.as_str().to_string(),
        gpc: decision.gpc,
    }
}

/// The verified session token of the request's cookie, if one verifies.
fn read_token(inputs: &SessionInputs<'_>, secret: &[u8]) -> Option<SessionToken> {
    let header = inputs.facts.cookie.as_deref()?;
    let max_age = inputs.site.config.session.token_max_age_ms();
    dni_common::cookie_header::cookie_values(header, inputs.site.session_cookie.as_str()).find_map(
        |v| SessionToken::decode_with_max_age(v, secret, inputs.facts.now_ms, max_age).ok(),
    )
}

/// Plans a view. `new_id` gives 16 random bytes for a new session (`None` when the random
/// source failed: the visitor gets fallbacks, never a predictable or shared id).
pub fn plan_session<'a>(
    inputs: SessionInputs<'a>,
    new_id: impl FnOnce() -> Option<[u8; 16]>,
) -> Start<'a> {
    let site = inputs.site;
    let targets = &site.config.targets;
    if targets.is_empty() || inputs.crawler {
        return Start::Done(Numbers::untouched());
    }
    if !inputs.decision.swap {
        return Start::Done(Numbers::fallbacks(site, SwapOutcome::Fallback));
    }
    let Some(secret) = inputs.secret else {
        return Start::Done(
            Numbers::fallbacks(site, SwapOutcome::Fallback)
                .noted("DNI_SECRET is missing or too short: fallback numbers"),
        );
    };
    let now = inputs.facts.now_ms;
    let existing = read_token(&inputs, secret);
    let returning = existing.is_some();
    if !inputs.navigation && !returning {
        // Sub-requests never create sessions (nor leases).
        return Start::Done(Numbers::fallbacks(site, SwapOutcome::Fallback));
    }
    let token = match existing {
        Some(t) => t,
        None => match new_id() {
            Some(id) => SessionToken::new(id, now),
            None => {
                return Start::Done(
                    Numbers::fallbacks(site, SwapOutcome::Fault)
                        .noted("the random source failed: fallback numbers"),
                )
            }
        },
    };
    let mut plan = SessionPlan {
        inputs,
        secret,
        token,
        changed: !returning,
        asks: Vec::new(),
        unleased: false,
        new_session: !returning,
    };
    plan.plan_targets(returning);
    Start::Session(plan)
}

impl<'a> SessionPlan<'a> {
    /// The landing the session classifies and attributes from: the one its token kept
    /// (an earlier view got no lease), else this request's, else the page of this site it
    /// came from (see [`landing_in_referer`]).
    fn landing(&self) -> Landing {
        let facts = self.inputs.facts;
        if let Some(kept) = &self.token.landing {
            return Landing::from_token(kept);
        }
        let here = Landing::parse(&facts.url, facts.referer.as_deref(), facts.now_ms);
        let targets = &self.inputs.site.config.targets;
        landing_in_referer(&here, facts, |name| is_kept_landing_param(targets, name))
            .unwrap_or(here)
    }

    fn plan_targets(&mut self, returning: bool) {
        let inputs = self.inputs;
        let facts = inputs.facts;
        let site = inputs.site;
        let now = facts.now_ms;
        // Parsed only when a target needs a source or an attribution (not on ordinary views).
        let landing = OnceCell::new();
        for (ti, target) in site.config.targets.iter().enumerate() {
            let lease = self.token.lease_for(target).cloned();
            let source = match &lease {
                Some(l) => target.source_of(&l.number),
                None => classify(target, landing.get_or_init(|| self.landing())),
            };
            let Some(pool) = source.and_then(|s| site.pool(ti, s)) else {
                continue;
            };
            let step = lease_step(
                lease.as_ref(),
                now,
                returning,
                inputs.navigation,
                site.config.session.renew_before_ms(),
            );
            let session = self.token.id;
            let op = match (step, lease) {
                (LeaseStep::Renew, Some(l)) => PoolOp::Renew {
                    session,
                    number: l.number,
                },
                (LeaseStep::Confirm, Some(l)) => PoolOp::Confirm {
                    session,
                    number: l.number,
                },
                (LeaseStep::Lease { .. }, _) if inputs.refused.is_some() => {
                    self.unleased = true;
                    continue;
                }
                (LeaseStep::Lease { provisional }, _) => PoolOp::Lease {
                    session,
                    attribution: Attribution {
                        consent: Some(lease_consent(inputs.decision)),
                        ..Attribution::new(landing.get_or_init(|| self.landing()), target, source)
                    },
                    provisional,
                },
                _ => continue,
            };
            self.asks.push(Ask {
                target: ti,
                pool: pool.clone(),
                op,
            });
        }
    }

    /// Keeps the landing in the token while a target with a source has no live lease (a
    /// new session only: a returning one keeps what it had), and drops it once every such
    /// target has one.
    fn keep_landing(&mut self, now: i64) {
        if !self.new_session && self.token.landing.is_none() {
            return;
        }
        let site = self.inputs.site;
        let targets = &site.config.targets;
        let unleased: Vec<_> = targets
            .iter()
            .filter(|t| !self.token.lease_for(t).is_some_and(|l| l.is_live(now)))
            .collect();
        let waiting = !unleased.is_empty() && {
            let landing = self.landing();
            unleased.iter().any(|t| classify(t, &landing).is_some())
        };
        if waiting && self.token.landing.is_none() && self.new_session {
            let facts = self.inputs.facts;
            let landing = Landing::parse(&facts.url, facts.referer.as_deref(), now);
            self.token.landing =
                Some(landing.for_token(|name| is_kept_landing_param(targets, name)));
            self.changed = true;
        } else if !waiting && self.token.landing.is_some() {
            self.token.landing = None;
            self.changed = true;
        }
    }

    /// The numbers, given the answers to [`asks`](Self::asks) (in the same order).
    pub fn finish(mut self, answers: Vec<Result<LeaseOutcome, PoolError>>) -> Numbers {
        let (overflow, faults) = self.take_answers(answers);
        let inputs = self.inputs;
        let site = inputs.site;
        self.keep_landing(inputs.facts.now_ms);
        let (swaps, personal) = self.shown(inputs.facts.now_ms);
        // Set even when the pool overflowed or the client was refused a lease: the cookie
        // keeps the landing, so the visitor's next view leases from its source.
        let set_cookie = (self.changed && inputs.navigation).then(|| {
            session_set_cookie(
                site.session_cookie.as_str(),
                &self.token.encode(self.secret),
                inputs.amp,
                site.config.session.amp_cookie_days,
            )
        });
        let refused = self.unleased.then_some(inputs.refused).flatten();
        let outcome = if personal {
            SwapOutcome::Tracking
        } else if overflow {
            SwapOutcome::Overflow
        } else if !faults.is_empty() {
            SwapOutcome::Fault
        } else {
            SwapOutcome::Fallback
        };
        Numbers {
            swaps,
            set_cookie,
            personal,
            outcome,
            faults,
            note: refused.map(LeaseRefusal::as_str),
        }
    }

    /// Writes the pool's answers into the token: (whether a pool overflowed, the faults).
    fn take_answers(
        &mut self,
        answers: Vec<Result<LeaseOutcome, PoolError>>,
    ) -> (bool, Vec<PoolError>) {
        let targets = &self.inputs.site.config.targets;
        let mut overflow = false;
        let mut faults = Vec::new();
        let asks = std::mem::take(&mut self.asks);
        for (ask, answer) in asks.iter().zip(answers) {
            let Some(target) = targets.get(ask.target) else {
                continue;
            };
            match answer {
                Ok(outcome @ LeaseOutcome::Leased { .. }) => {
                    if let Some(lease) = outcome.token_lease() {
                        self.token.set_lease_for(target, lease);
                        self.changed = true;
                    }
                }
                Ok(LeaseOutcome::Overflow) => {
                    overflow = true;
                    self.token.clear_lease_for(target);
                    self.changed = true;
                }
                // A failed confirmation or renewal leaves the token's lease as it was: the
                // cookie never claims more than the pool granted.
                Err(e) => faults.push(e),
            }
        }
        (overflow, faults)
    }

    /// Each target's number and what this visitor is shown at `now` (a live lease, else
    /// the fallback), and whether any of them is the visitor's own.
    fn shown(&self, now: i64) -> (Vec<(E164, E164)>, bool) {
        let targets = &self.inputs.site.config.targets;
        let mut swaps = Vec::with_capacity(targets.len());
        let mut personal = false;
        for target in targets {
            let shown = match self.token.lease_for(target) {
                Some(l) if l.is_live(now) => {
                    personal = true;
                    l.number
                }
                _ => target.fallback,
            };
            swaps.push((target.number, shown));
        }
        (swaps, personal)
    }
}

/// Where consent comes after the landing (an opt-in banner: the ad click lands without
/// consent, gets no session, and the visitor accepts on that page), the first view with
/// consent is the next page, whose URL has lost the click ids and UTM values. When this
/// request's URL carries none, and its `Referer` is a page of the same origin that carries
/// some, that page is the landing (its own referrer is unknown). Nothing is stored before
/// consent: the browser's `Referer` carries it.
fn landing_in_referer(
    here: &Landing,
    facts: &RequestFacts,
    kept: impl Fn(&str) -> bool,
) -> Option<Landing> {
    let attributes = |l: &Landing| l.params().iter().any(|(name, _)| kept(name));
    if attributes(here) {
        return None;
    }
    let referer = facts.referer.as_deref()?;
    if origin_of(referer)? != origin_of(&facts.url)? {
        return None;
    }
    let earlier = Landing::parse(referer, None, facts.now_ms);
    attributes(&earlier).then_some(earlier)
}

/// `scheme://host[:port]` of an absolute URL, lowercased; `None` when it has none.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    (!scheme.is_empty() && !host.is_empty())
        .then(|| format!("{scheme}://{host}").to_ascii_lowercase())
}
