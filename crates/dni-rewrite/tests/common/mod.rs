#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![allow(dead_code)]
//! Helpers shared by the integration tests.

use dni_common::Category;
use dni_numbers::E164;
use dni_rewrite::{RewriteConfig, RewritePlan, RewriteStats, ScriptPolicy, StreamRewriter};

pub fn n(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

/// +1 555 123 4567 -> +1 555 987 6543.
pub fn swap_plan() -> RewritePlan {
    RewritePlan::new(
        &RewriteConfig::default(),
        vec![(n("+15551234567"), n("+15559876543"))],
        None,
    )
}

pub fn script_policy(declined: Vec<Category>) -> ScriptPolicy {
    ScriptPolicy {
        blocked_src: Box::new(|src: &str| {
            src.contains("tracker.example")
                .then_some(Category::Marketing)
        }),
        inline_attribute: "data-dni-category".into(),
        declined,
    }
}

/// Rewrites `input` fed in the given chunks; output chunk size 1 KiB with a flush after every
/// write, to exercise coalescing and flushing too.
pub fn rewrite_chunks(
    plan: RewritePlan,
    content_type: &str,
    chunks: &[&[u8]],
) -> (Vec<u8>, RewriteStats) {
    let mut rw = StreamRewriter::new(plan, content_type, 1024).unwrap();
    let mut out = Vec::new();
    for (i, c) in chunks.iter().enumerate() {
        if let Some(o) = rw.write(c).unwrap() {
            assert!(o.len() >= 1024);
            out.extend(o);
        }
        if i % 3 == 0 {
            if let Some(o) = rw.flush() {
                out.extend(o);
            }
        }
    }
    let (rest, stats) = rw.end().unwrap();
    out.extend(rest);
    (out, stats)
}

pub fn rewrite(plan: RewritePlan, html: &str) -> (String, RewriteStats) {
    let (out, stats) = rewrite_chunks(plan, "text/html; charset=utf-8", &[html.as_bytes()]);
    (String::from_utf8(out).unwrap(), stats)
}

pub fn swapped(html: &str) -> String {
    rewrite(swap_plan(), html).0
}
