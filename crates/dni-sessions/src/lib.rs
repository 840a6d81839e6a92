//! # dni-sessions
//!
//! Sessions, traffic sources and number pool leases of consent-dni (calls: `dni-calls`).
//! Plain Rust with no Workers types: the worker shell owns the RNG, the clock, HTTP and the
//! pool Durable Object's SQLite storage, and calls the functions here.
//!
//! * [`config`]: `targets` ([`TargetConfig`], [`SourceConfig`], [`SourceMatch`]) and
//!   `session` ([`SessionConfig`]) of a site, with [`validate_site`].
//! * [`Landing`], [`classify`], [`Attribution`]: the traffic source, classified once at
//!   landing and stored server-side with each lease.
//! * [`SessionToken`]: the HMAC-signed session cookie value, carrying per target the
//!   leased number, when the lease idles out and whether it is still provisional, so an
//!   ordinary page view needs no pool round trip; [`session_set_cookie`].
//! * [`Pool`] over a [`PoolStore`]: the lease state machine and history; [`MemoryPoolStore`].
//! * [`find_number`] (which target or pool a dialled number belongs to), [`bearer_matches`]
//!   (the API token check). [`amp_number_json`]: `GET /__dni/number`.
//!
//! ## Session lifecycle (what the shell does)
//!
//! 1. Only with consent (`Decision::swap`) and only for HTML navigations: read the session
//!    cookie ([`SessionConfig::cookie_name`]) and [`SessionToken::decode_with_max_age`] it.
//!    Any error means "no session".
//! 2. No session: new [`SessionToken::new`] from 16 random bytes; for each target,
//!    [`Landing::parse`] + [`classify`]; if a source matches, ask that source's pool
//!    ([`PoolName`]) for a **provisional** [`Pool::lease`] with the
//!    [`Attribution`]; put the outcome in the token
//!    ([`SessionToken::set_lease_for`]); `Set-Cookie` it. Overflow or no source: fallback.
//! 3. Session with a live lease for the target ([`SessionToken::lease_for`],
//!    [`TokenLease::is_live`]): use its number with no pool call. If it is provisional,
//!    the cookie has now come back: [`Pool::confirm`] (best synchronously, once per
//!    session) and re-issue the token. If [`TokenLease::needs_renewal`], [`Pool::renew`] in
//!    `ctx.wait_until` and re-issue the token with the new `until_ms`.
//! 4. Session without a live lease (idled out, or the target is new): [`Pool::lease`] with
//!    `provisional = false` (the cookie came back) and the session's attribution as found
//!    by the pool (the first lease of a session stores it).
//! 5. Consent withdrawn while the cookie is present: [`session_expire_cookie`].
//!
//! ## Anti-draining policy
//!
//! A pool has few numbers; clients that never keep cookies (bots, scrapers, privacy
//! browsers) must not be able to hold them all. The rules:
//!
//! * **Who can lease.** The shell leases only for browsers' top-level navigations (Fetch
//!   Metadata, browser headers, Bot Management where the zone has it: the worker's
//!   `session.lease_requires`, [`LeaseRequires`]) of visitors whose consent allows the
//!   tracking category. Other requests never reach a pool; a refused or overflowing visitor
//!   keeps its landing in the token ([`TokenLanding`]) and leases on a later view.
//! * **First page = provisional.** A visitor without a valid session cookie gets a
//!   *provisional* lease. While the pool has free numbers it lasts like any lease (idle
//!   timeout, default 30 minutes), so a real visitor who reads one page and then calls is
//!   attributed. For `provisional_hold_seconds` (default 180 s) it is theirs alone.
//! * **Provisional leases are recyclable, after their hold.** When the pool is full, a
//!   visitor takes over the oldest provisional lease that has outlived its hold. Within
//!   its hold a provisional lease is protected from everyone, returning sessions included,
//!   so a call made from the first page is attributed to that visitor. A flood of
//!   cookie-less views therefore only churns provisional leases among themselves: it can
//!   never take a confirmed lease, nor a provisional one within its hold.
//! * **Full lease only when the signed cookie comes back.** A second request carrying the
//!   HMAC-signed cookie ([`Pool::confirm`]) turns the lease into a full one, recycled only
//!   after its idle timeout.
//! * **Who may take which lease, and when** (see [`Pool::lease`]): a free number, anyone;
//!   a provisional lease within its hold, only its own session; a provisional lease past
//!   its hold, anyone once no number is free (oldest first); a live full lease, only its
//!   own session.
//! * **Unforgeable sessions.** Session ids are random and the cookie is HMAC-SHA256 signed;
//!   a client cannot claim someone else's lease or mint confirmed sessions without the
//!   cookie round trip.
//! * **Overflow is graceful.** With every number under a full lease, visitors get the
//!   target's fallback number, and the store counts the overflow
//!   ([`PoolStore::count_overflow`]).

mod amp;
mod attribution;
mod bearer;
mod bounded;
pub mod config;
mod landing;
mod number_role;
pub mod pool;
pub mod referrer;
mod set_cookie;
mod token;
mod url;

pub use amp::amp_number_json;
pub use attribution::{
    classify, is_kept_landing_param, Attribution, LeaseConsent, KNOWN_CLICK_IDS, MAX_CLICK_IDS,
};
pub use bearer::bearer_matches;
pub use bounded::{MAX_NAME_LEN, MAX_PARAMS, MAX_URL_LEN, MAX_VALUE_LEN};
pub use config::{
    validate_site, LeaseRequires, PathMatch, ReferrerMatch, SessionConfig, SourceConfig,
    SourceMatch, TargetConfig, ValueMatch,
};
pub use landing::{Landing, TokenLanding, MAX_TOKEN_LANDING_REFERRER, MAX_TOKEN_LANDING_URL};
pub use number_role::{find_number, NumberRole, PoolName};
pub use pool::{
    LeaseOutcome, LeasePolicy, LeaseRecord, MemoryPoolStore, NumberSlot, Pool, PoolStore,
    StoreError,
};
pub use set_cookie::{session_expire_cookie, session_set_cookie};
pub use token::{
    ParseSessionIdError, SessionId, SessionToken, TokenError, TokenLease, DEFAULT_MAX_AGE_MS,
    MAX_TOKEN_LEASES, MIN_SECRET_LEN, TOKEN_VERSION, TOKEN_VERSION_1,
};
