//! consent-dni: consent-aware dynamic number insertion at the edge.
//!
//! The crates under `crates/` are the functional core; this crate composes their
//! configuration and, compiled for wasm32, is the Cloudflare Workers shell (`shell`).

pub mod amp;
pub mod config;
pub mod dashboard;
#[cfg(not(target_arch = "wasm32"))]
pub mod deploy_check;
pub mod lease_step;
pub mod observe;
pub mod pool_protocol;
pub mod runtime;
pub mod stats;

#[cfg(target_arch = "wasm32")]
mod shell;
