//! Step 5 of the pipeline: the response. [`plan_response`] decides its headers (the
//! `Set-Cookie` list, `Vary`, `Cache-Control`, validators), whether the body is rewritten
//! and whether the view counts; [`rewrite_plan`] says what the rewriter does.

mod plan;
mod rewrite;

pub use plan::{is_html, plan_response, OriginHead, ResponsePlan, REWRITTEN_BODY_DROPS};
pub use rewrite::rewrite_plan;
