//! Step 1 of the pipeline: what the request is. [`Route`] says which handler takes it
//! (the reserved `/__dni/` prefix, sealed), [`RequestFacts`] reads everything the later
//! steps decide from, once.

mod facts;
mod route;

pub use facts::{is_navigation, EdgeFacts, HeaderSource, Method, RequestFacts};
pub use route::{ApiRoute, Route, RESERVED_PREFIX};
