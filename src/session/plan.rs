//! The session plan: from the request, the consent decision and the session cookie, which
//! pool calls a view needs; from their answers, the numbers shown and the cookie to set.
//!
//! * No consent for swapping: every target shows its fallback; no session, no cookie.
//! * Crawler, or a site without targets: numbers are left as printed.
//! * Consent, returning session with a live lease in its signed cookie: the cookie's
//!   numbers, no pool call. A provisional lease is confirmed (one call, on the second page
//!   view); a lease close to idling out is renewed in the background.
//! * Consent, first HTML navigation: a provisional lease per target from the pool of the
//!   landing request's traffic source (one call per target, made in parallel).
//! * Pool unreachable, failing or exhausted: the fallback number; the page still streams.

use std::cell::OnceCell;

use dni_numbers::E164;
use dni_sessions::{
    classify, session_set_cookie, Attribution, Landing, LeaseOutcome, SessionToken, TokenLease,
};

use super::step::{lease_step, LeaseStep};
use crate::observe::SwapOutcome;
use crate::pool::{PoolError, PoolOp, PoolRef};
use crate::request::RequestFacts;
use crate::runtime::Site;

/// What the session flow needs to know about one request.
#[derive(Clone, Copy)]
pub struct SessionInputs<'a> {
    pub site: &'a Site,
    pub facts: &'a RequestFacts,
    /// The consent decision allows swapping (`Decision::swap`).
    pub swap_allowed: bool,
    /// A search-engine crawler: numbers stay as printed.
    pub crawler: bool,
    /// `DNI_SECRET`, when configured and long enough.
    pub secret: Option<&'a [u8]>,
    /// Where a session may start: a top-level HTML navigation, or an AMP number request.
    pub navigation: bool,
    /// An AMP request (`/__dni/number`): its session cookie lives `amp_cookie_days`.
    pub amp: bool,
}

/// A pool call the view waits for (in parallel with the others).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    pub target: usize,
    pub pool: PoolRef,
    pub op: PoolOp,
}

/// A pool call made after the response (`ctx.wait_until`): renewals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolCall {
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
    /// Calls to make after the response.
    pub background: Vec<PoolCall>,
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
            background: Vec::new(),
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
    background: Vec<PoolCall>,
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
    if !inputs.swap_allowed {
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
        background: Vec::new(),
    };
    plan.plan_targets(returning);
    Start::Session(plan)
}

impl<'a> SessionPlan<'a> {
    fn plan_targets(&mut self, returning: bool) {
        let inputs = self.inputs;
        let facts = inputs.facts;
        let site = inputs.site;
        let session_cfg = &site.config.session;
        let now = facts.now_ms;
        // Parsed only when a target needs a source or an attribution (not on ordinary views).
        let landing = OnceCell::new();
        let landing =
            || landing.get_or_init(|| Landing::parse(&facts.url, facts.referer.as_deref(), now));
        for (ti, target) in site.config.targets.iter().enumerate() {
            let lease = self.token.lease_for(target).cloned();
            let source = match &lease {
                Some(l) => target.source_of(&l.number),
                None => classify(target, landing()),
            };
            let Some(pool) = source.and_then(|s| site.pool(ti, s)) else {
                continue;
            };
            let step = lease_step(
                lease.as_ref(),
                now,
                returning,
                inputs.navigation,
                session_cfg.renew_before_ms(),
            );
            let session = self.token.id;
            match (step, lease) {
                (LeaseStep::Renew, Some(l)) => {
                    self.background.push(PoolCall {
                        pool: pool.clone(),
                        op: PoolOp::Renew {
                            session,
                            number: l.number,
                        },
                    });
                    self.token.set_lease_for(
                        target,
                        TokenLease {
                            until_ms: now.saturating_add(session_cfg.idle_timeout_ms()),
                            ..l
                        },
                    );
                    self.changed = true;
                }
                (LeaseStep::Confirm, Some(l)) => self.asks.push(Ask {
                    target: ti,
                    pool: pool.clone(),
                    op: PoolOp::Confirm {
                        session,
                        number: l.number,
                    },
                }),
                (LeaseStep::Lease { provisional }, _) => self.asks.push(Ask {
                    target: ti,
                    pool: pool.clone(),
                    op: PoolOp::Lease {
                        session,
                        attribution: Attribution::new(landing(), target, source),
                        provisional,
                    },
                }),
                _ => {}
            }
        }
    }

    /// The numbers, given the answers to [`asks`](Self::asks) (in the same order).
    pub fn finish(mut self, answers: Vec<Result<LeaseOutcome, PoolError>>) -> Numbers {
        let inputs = self.inputs;
        let site = inputs.site;
        let targets = &site.config.targets;
        let now = inputs.facts.now_ms;
        let mut overflow = false;
        let mut faults = Vec::new();
        for (ask, answer) in self.asks.iter().zip(answers) {
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
                Err(e) => faults.push(e),
            }
        }
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
        // Set even when the pool overflowed: the cookie coming back is what lets this
        // visitor's next view claim a provisional lease (see dni_sessions' anti-draining policy).
        let set_cookie = (self.changed && inputs.navigation).then(|| {
            session_set_cookie(
                site.session_cookie.as_str(),
                &self.token.encode(self.secret),
                inputs.amp,
                site.config.session.amp_cookie_days,
            )
        });
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
            background: self.background,
            faults,
            note: None,
        }
    }
}
