//! consent-dni: consent-aware dynamic number insertion at the edge.
//!
//! The crates under `crates/` are the functional core; this crate composes their
//! configuration and runs the request pipeline as plain, natively tested Rust. Compiled for
//! wasm32, [`shell`] is the Cloudflare Workers glue: it reads the request, calls the
//! pipeline's steps, performs the pool and origin calls and writes the response.
//!
//! The pipeline, in the order a page request goes through it (one folder or file each):
//!
//! 1. [`request`]: the route (the sealed `/__dni/` prefix) and the request facts.
//! 2. consent: `dni_consent::decide` (crate `dni-consent`).
//! 3. [`session`]: the numbers this visitor sees, through the [`pool`] port.
//! 4. [`upstream`]: the request sent to the origin.
//! 5. [`response`]: headers, cookies and the rewrite plan (crate `dni-rewrite` rewrites).
//! 6. [`observe`]: the log line and the daily counters.
//!
//! [`api`] answers the reserved routes; [`config`] and [`runtime`] turn `DNI_CONFIG` into
//! sites; [`error`] maps every failure to its status.

pub mod api;
pub mod config;
#[cfg(not(target_arch = "wasm32"))]
pub mod deploy_check;
pub mod error;
pub mod observe;
pub mod pool;
pub mod request;
pub mod response;
pub mod runtime;
pub mod session;
pub mod upstream;

#[cfg(target_arch = "wasm32")]
mod shell;
