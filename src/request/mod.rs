//! Step 1 of the pipeline: what the request is. [`Route`] says which handler takes it
//! (the reserved `/__dni/` prefix, sealed), [`RequestFacts`] reads everything the later
//! steps decide from, once.

mod client;
mod facts;
mod route;

pub use client::LeaseRefusal;
pub use facts::{
    is_navigation, CfFields, EdgeFacts, FetchMetadata, HeaderSource, Method, RequestFacts,
};
pub use route::{ApiRoute, Route, RESERVED_PREFIX};
