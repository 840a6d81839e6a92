//! Step 5 of the pipeline: the response. [`plan_response`] decides its headers (the
//! `Set-Cookie` list, `Vary`, `Cache-Control`, validators), whether the body is rewritten
//! and whether the view counts; [`rewrite_plan`] says what the rewriter does.

mod consent_mode;
mod csp;
mod data;
mod hydration_guard;
mod plan;
mod rewrite;
mod sniff;

pub use consent_mode::consent_mode_script;
pub use csp::{hash_source, pass_csp, pass_csp_all, CspPass};
pub use data::{data_kind, path_and_query};
pub use hydration_guard::{guard_script, GUARD_SCRIPT};
pub use plan::{
    has_body, is_html, plan_response, refetch_uncoded, BodyCoding, ConsentModeOutcome, HeaderEdit,
    OriginHead, OriginHeaders, ResponsePlan, REWRITTEN_BODY_DROPS,
};
pub use rewrite::{rewrite_plan, CatalogClassifier};
pub use sniff::{is_unknown_type, needs_sniffing, sniff, Sniffed, SNIFFED_HTML, SNIFF_BYTES};
