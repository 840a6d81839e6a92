//! Which numbers this visitor sees, and the session cookie that keeps them.
//!
//! * No consent for swapping: every target shows its fallback; no session, no cookie.
//! * Crawler, or a site without targets: numbers are left as printed.
//! * Consent, returning session with a live lease in its signed cookie: the cookie's
//!   numbers, no Durable Object call. A provisional lease is confirmed (one call, on the
//!   second page view); a lease close to idling out is renewed in the background.
//! * Consent, first HTML navigation: a provisional lease per target from the pool of the
//!   landing request's traffic source (one call per target, in parallel).
//! * Pool unreachable or exhausted: the fallback number; the page still streams.

use dni_consent::Decision;
use dni_numbers::E164;
use dni_sessions::{
    classify, Attribution, Landing, LeaseOutcome, SessionToken, TargetConfig, TokenLease,
};
use futures_util::future::join_all;
use worker::{console_error, Context, Env};

use super::page::Facts;
use super::pool_client::PoolRef;
use crate::lease_step::{lease_step, LeaseStep};
use crate::observe::SwapOutcome;
use crate::pool_protocol::PoolOp;
use crate::runtime::{Runtime, Site};

pub struct Numbers {
    pub swaps: Vec<(E164, E164)>,
    pub set_cookie: Option<String>,
    /// A visitor-specific (tracking) number is in the page.
    pub personal: bool,
    pub outcome: SwapOutcome,
}

impl Numbers {
    fn untouched() -> Numbers {
        Numbers {
            swaps: Vec::new(),
            set_cookie: None,
            personal: false,
            outcome: SwapOutcome::Untouched,
        }
    }
}

fn pair(from: &str, to: &str) -> Option<(E164, E164)> {
    Some((E164::parse(from).ok()?, E164::parse(to).ok()?))
}

fn fallbacks(site: &Site, outcome: SwapOutcome) -> Numbers {
    Numbers {
        swaps: site
            .config
            .targets
            .iter()
            .filter_map(|t| pair(&t.number, &t.fallback))
            .collect(),
        set_cookie: None,
        personal: false,
        outcome,
    }
}

/// The site's signing secret, if configured and long enough.
pub fn secret(env: &Env) -> Option<Vec<u8>> {
    let s = env.secret("DNI_SECRET").ok()?.to_string();
    (s.len() >= dni_sessions::MIN_SECRET_LEN).then(|| s.into_bytes())
}

/// The session token from the request's cookie, if one verifies.
pub fn read_token(
    site: &Site,
    cookie: Option<&str>,
    secret: &[u8],
    now_ms: i64,
) -> Option<SessionToken> {
    let header = cookie?;
    dni_common::cookie_header::cookie_values(header, &site.session_cookie)
        .find_map(|v| SessionToken::decode(v, secret, now_ms).ok())
}

/// Index of the source whose pool holds `number`.
fn source_of(target: &TargetConfig, number: &str) -> Option<usize> {
    target
        .sources
        .iter()
        .position(|s| s.numbers.iter().any(|n| n == number))
}

pub async fn numbers_for(
    runtime: &Runtime,
    site_index: usize,
    facts: &Facts,
    decision: &Decision,
    crawler: bool,
    env: &Env,
    ctx: &Context,
) -> Numbers {
    let site = &runtime.sites[site_index];
    let targets = &site.config.targets;
    if targets.is_empty() || crawler {
        return Numbers::untouched();
    }
    if !decision.swap {
        return fallbacks(site, SwapOutcome::Fallback);
    }
    let Some(secret) = secret(env) else {
        console_error!(
            "consent-dni: DNI_SECRET is missing or shorter than {} bytes: showing fallback numbers",
            dni_sessions::MIN_SECRET_LEN
        );
        return fallbacks(site, SwapOutcome::Fallback);
    };
    let now = facts.now_ms;
    let existing = read_token(site, facts.cookie.as_deref(), &secret, now);
    let returning = existing.is_some();
    if !facts.navigation && !returning {
        // Sub-requests never create sessions (nor leases).
        return fallbacks(site, SwapOutcome::Fallback);
    }
    let mut token = existing.unwrap_or_else(|| SessionToken::new(random_id(), now));
    let session = token.id.to_hex();
    let session_cfg = &site.config.session;
    // Parsed only when a target needs a source or an attribution (not on ordinary views).
    let landing = std::cell::OnceCell::new();
    let landing =
        || landing.get_or_init(|| Landing::parse(&facts.url, facts.referer.as_deref(), now));

    // What to ask each target's pool (None: the cookie's lease serves as is).
    struct Ask {
        target: usize,
        pool: PoolRef,
        op: PoolOp,
    }
    let mut asks = Vec::new();
    let mut renewals = Vec::new();
    let mut changed = !returning;
    for (ti, target) in targets.iter().enumerate() {
        let lease = token.lease_for(target).cloned();
        let source = match &lease {
            Some(l) => source_of(target, &l.number),
            None => classify(target, landing()),
        };
        let Some(source) = source else { continue };
        let Some(pool) = PoolRef::for_source(site, ti, source) else {
            continue;
        };
        let step = lease_step(
            lease.as_ref(),
            now,
            returning,
            facts.navigation,
            session_cfg.renew_before_ms(),
        );
        match (step, lease) {
            (LeaseStep::Renew, Some(l)) => {
                renewals.push((pool, l.number.clone()));
                token.set_lease_for(
                    target,
                    TokenLease {
                        until_ms: now + session_cfg.idle_timeout_ms(),
                        ..l
                    },
                );
                changed = true;
            }
            (LeaseStep::Confirm, Some(l)) => asks.push(Ask {
                target: ti,
                pool,
                op: PoolOp::Confirm {
                    session: session.clone(),
                    number: l.number,
                },
            }),
            (LeaseStep::Lease { provisional }, _) => asks.push(Ask {
                target: ti,
                pool,
                op: PoolOp::Lease {
                    session: session.clone(),
                    attribution: Attribution::new(landing(), target, Some(source)).to_json(),
                    provisional,
                },
            }),
            _ => {}
        }
    }

    let mut overflow = false;
    let results = join_all(asks.iter().map(|a| a.pool.lease(env, a.op.clone(), now))).await;
    for (ask, result) in asks.iter().zip(results) {
        let target = &targets[ask.target];
        match result {
            Ok(outcome @ LeaseOutcome::Leased { .. }) => {
                if let Some(lease) = outcome.token_lease() {
                    token.set_lease_for(target, lease);
                    changed = true;
                }
            }
            Ok(LeaseOutcome::Overflow) => {
                overflow = true;
                token
                    .leases
                    .retain(|l| !target.tracking_numbers().any(|n| n == l.number));
                changed = true;
            }
            Err(e) => console_error!("consent-dni: pool {} unreachable: {e}", ask.pool.name),
        }
    }

    // Background renewals: the page does not wait for them.
    for (pool, number) in renewals {
        let env = env.clone();
        let session = session.clone();
        ctx.wait_until(async move {
            let op = PoolOp::Renew { session, number };
            if let Err(e) = pool.lease(&env, op, now).await {
                console_error!("consent-dni: renewing a lease in {} failed: {e}", pool.name);
            }
        });
    }

    let mut swaps = Vec::new();
    let mut personal = false;
    for target in targets {
        let shown = match token.lease_for(target) {
            Some(l) if l.is_live(now) => {
                personal = true;
                l.number.as_str()
            }
            _ => target.fallback.as_str(),
        };
        if let Some(p) = pair(&target.number, shown) {
            swaps.push(p);
        }
    }
    // Set even when the pool overflowed: the cookie coming back is what lets this visitor's
    // next view claim a bot's provisional lease (see dni_sessions' anti-draining policy).
    let set_cookie = (changed && facts.navigation).then(|| {
        dni_sessions::session_set_cookie(
            &site.session_cookie,
            &token.encode(&secret),
            facts.amp,
            session_cfg.amp_cookie_days,
        )
    });
    let outcome = if personal {
        SwapOutcome::Tracking
    } else if overflow {
        SwapOutcome::Overflow
    } else {
        SwapOutcome::Fallback
    };
    Numbers {
        swaps,
        set_cookie,
        personal,
        outcome,
    }
}

/// 16 random bytes from the runtime's CSPRNG (`crypto.getRandomValues`).
pub fn random_id() -> [u8; 16] {
    let mut id = [0u8; 16];
    if getrandom::getrandom(&mut id).is_err() {
        console_error!("consent-dni: crypto.getRandomValues failed");
    }
    id
}
