//! Configuration of targets, traffic sources and sessions (`targets` and `session` of a
//! site in `DNI_CONFIG`). Every struct rejects unknown keys; semantic checks are in the
//! [`Validate`](dni_common::Validate) impls and [`validate_site`].

mod pattern;
mod session;
mod site;
mod source_match;
mod target;

pub use pattern::{ConfigRegex, PathMatch, ValueMatch};
pub use session::{LeaseRequires, SessionConfig};
pub use site::validate_site;
pub use source_match::{HostRule, ReferrerMatch, SourceMatch};
pub use target::{SourceConfig, TargetConfig, MAX_SOURCE_NAME_LEN};
