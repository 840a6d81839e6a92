//! Consent engine: a request's cookies, `Sec-GPC` header, country and state in, a
//! [`Decision`] out. Plain Rust (no worker types), so it is tested natively.
//!
//! ```
//! use dni_consent::{decide, CmpName, ConsentConfig, ConsentRequest, Signal};
//!
//! let config = ConsentConfig::default();
//! let request = ConsentRequest {
//!     cookie_header: Some("OptanonConsent=groups=C0001%3A1%2CC0004%3A1"),
//!     sec_gpc: None,
//!     country: Some("DE"),
//!     region: None,
//!     now_ms: 1_760_000_000_000,
//! };
//! let decision = decide(&config, &request);
//! assert_eq!(decision.signal, Signal::Cmp(CmpName::Onetrust));
//! assert!(decision.swap); // marketing granted
//! ```
//!
//! Modules: [`config`] (the `consent` section), [`regime`] (country and state -> opt-in
//! or opt-out), [`gpc`], [`decision`] (conflicts, defaults, GPC, the report), [`read`]
//! (runs each reader with its configuration), [`cmp`] (one reader per signal, each
//! telling absent, silent, verdict, ignored and malformed apart), [`cmp::gpp_string`] (the IAB GPP
//! string decoder), [`cmp::tcf`] (the TC string decoder), [`bits`] (the bit reader both
//! use), [`verdict`] (the per-category tri-state every reader returns),
//! [`cookie_value`] (the split `Cookie` header and shared decodings).
//!
//! Testing: `cargo test -p dni-consent` (the TCF and GPP cross-checks need `node` and the
//! repository's `npm install`: they fail, never skip, without them). Mutation testing, from
//! the repository root: `PROPTEST_CASES=64 cargo mutants -p dni-consent -- --tests` (the
//! whole crate), or `git diff main > /tmp/d && PROPTEST_CASES=64 cargo mutants -p
//! dni-consent --in-diff /tmp/d -- --tests` (the lines a change touches).

pub mod bits;
pub mod category_map;
pub mod cmp;
pub mod config;
pub mod cookie_value;
pub mod decision;
pub mod gpc;
pub mod outcome;
pub mod read;
mod reenable;
pub mod regime;
pub mod verdict;

pub use category_map::CategoryMap;
pub use cmp::CmpName;
pub use config::ConsentConfig;
pub use decision::{
    config_from_json, decide, Categories, ConsentRequest, Decision, MalformedSignal, Signal,
    SignalReport, SignalStatus,
};
pub use gpc::GpcMode;
pub use regime::{Location, Regime};
pub use verdict::{CmpVerdict, Consent};
