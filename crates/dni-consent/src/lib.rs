//! Consent engine: a request's cookies, `Sec-GPC` header and country in, a [`Decision`]
//! out. Plain Rust (no worker types), so it is tested natively.
//!
//! ```
//! use dni_consent::{decide, ConsentConfig, ConsentRequest, Signal};
//!
//! let config = ConsentConfig::default();
//! let request = ConsentRequest {
//!     cookie_header: Some("OptanonConsent=groups=C0001%3A1%2CC0004%3A1"),
//!     sec_gpc: None,
//!     country: Some("DE"),
//!     now_ms: 1_760_000_000_000,
//! };
//! let decision = decide(&config, &request);
//! assert_eq!(decision.signal, Signal::Onetrust);
//! assert!(decision.swap); // marketing granted
//! ```
//!
//! Modules: [`config`] (the `consent` section), [`regime`] (country -> opt-in/opt-out),
//! [`gpc`], [`decision`] (the walk over the configured platforms), [`cmp`] (one parser
//! per platform, the TCF decoder in [`cmp::tcf`]), [`verdict`] (the common per-category
//! tri-state every parser returns).

pub mod category_map;
pub mod cmp;
pub mod config;
pub mod cookie_value;
pub mod decision;
pub mod gpc;
pub mod regime;
pub mod verdict;

pub use category_map::CategoryMap;
pub use cmp::CmpName;
pub use config::ConsentConfig;
pub use decision::{config_from_json, decide, Categories, ConsentRequest, Decision, Signal};
pub use gpc::GpcMode;
pub use regime::Regime;
pub use verdict::{CmpVerdict, Consent};
