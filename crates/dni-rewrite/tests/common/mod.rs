#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![allow(dead_code)]
//! Helpers shared by the Rust integration tests (`rewrite.rs`, `chunking.rs`); the fixture
//! runner (`fixtures.rs`) builds its plans from `plan.json`.

use dni_common::Category;
use dni_numbers::E164;
use std::rc::Rc;

use dni_rewrite::{
    ListClassifier, RewriteConfig, RewritePlan, RewriteStats, StreamRewriter, TagFirewall, TagInfo,
    DEFAULT_MAX_INLINE_SCRIPT_BYTES,
};

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

/// A firewall where `tracker.example` (scripts, pixels, and inline snippets calling
/// `trackerSnippet(`) is marketing and `analytics.example` / `gtag('config'` is a Google
/// analytics tag.
pub fn script_policy(declined: Vec<Category>) -> TagFirewall {
    let marketing = TagInfo {
        category: Category::Marketing,
        google_tag: false,
    };
    let google = TagInfo {
        category: Category::Analytics,
        google_tag: true,
    };
    TagFirewall {
        classifier: Rc::new(ListClassifier {
            scripts: vec![
                ("tracker.example".into(), marketing),
                ("analytics.example".into(), google),
            ],
            signatures: vec![
                ("trackerSnippet(".into(), marketing),
                ("gtag('config'".into(), google),
            ],
            resources: vec![("pixel.example/collect".into(), marketing)],
        }),
        declined,
        marker_attribute: "data-dni-category".into(),
        max_inline_script_bytes: DEFAULT_MAX_INLINE_SCRIPT_BYTES,
        reenable: Vec::new(),
    }
}

/// Rewrites `input` fed in the given chunks; output chunk size 1 KiB with a flush after every
/// third write, to exercise coalescing and flushing too.
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
