//! dni_rewrite's `StreamRewriter` with the bench's kind of plan, for bench/rewriter-v8.mjs.
//!
//! JS copies a page into [`input`]'s buffer, then calls [`rewrite`] with a chunk size and a
//! plan; it returns the output's length (0 if rewriting failed). The plan is the worker's for
//! the bench pages (checked natively against `consent_dni::response::rewrite_plan` with the
//! bench's config: same time per page): three swaps, the tag firewall (the pages' vendor hosts
//! in a `ListClassifier`) and the Consent Mode block placed automatically.

use std::cell::RefCell;

use dni_common::Category;
use dni_numbers::E164;
use dni_rewrite::{
    ConsentModeBlock, ConsentModePlacement, ListClassifier, RewriteConfig, RewritePlan,
    StreamRewriter, TagFirewall, TagInfo, DEFAULT_MAX_INLINE_SCRIPT_BYTES,
};

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The plan: 0 no handlers' work (no swaps, no firewall), 1 granted, 2 declined.
pub fn plan(mode: u32) -> Option<RewritePlan> {
    let e = |s: &str| E164::parse(s).ok();
    if mode == 0 {
        return Some(RewritePlan::new(
            &RewriteConfig::default(),
            Vec::new(),
            None,
        ));
    }
    let (to_main, to_emergency, to_london) = if mode == 2 {
        ("+15035550199", "+15035550198", "+442079460999")
    } else {
        ("+15035550170", "+15035550180", "+442079460100")
    };
    let swaps = vec![
        (e("+15035550142")?, e(to_main)?),
        (e("+15035550187")?, e(to_emergency)?),
        (e("+442079460018")?, e(to_london)?),
    ];
    let tag = |category, google_tag| TagInfo {
        category,
        google_tag,
    };
    let firewall = TagFirewall {
        classifier: std::rc::Rc::new(ListClassifier {
            scripts: vec![
                (
                    "googletagmanager.com".into(),
                    tag(Category::Analytics, true),
                ),
                (
                    "connect.facebook.net".into(),
                    tag(Category::Marketing, false),
                ),
                ("hotjar.com".into(), tag(Category::Analytics, false)),
                ("bat.bing.com".into(), tag(Category::Marketing, false)),
            ],
            ..ListClassifier::default()
        }),
        declined: if mode == 2 {
            vec![
                Category::Functional,
                Category::Analytics,
                Category::Marketing,
            ]
        } else {
            Vec::new()
        },
        marker_attribute: "data-dni-category".into(),
        max_inline_script_bytes: DEFAULT_MAX_INLINE_SCRIPT_BYTES,
        reenable: Vec::new(),
    };
    let mut plan = RewritePlan::new(&RewriteConfig::default(), swaps, Some(firewall));
    plan.consent_mode = Some(ConsentModeBlock {
        script: "window.dataLayer=window.dataLayer||[];window.gtag=window.gtag||function(){dataLayer.push(arguments)};gtag('consent','default',{'ad_storage':'granted'});".into(),
        nonce: None,
        placement: ConsentModePlacement::Auto,
    });
    Some(plan)
}

/// Rewrites `page` fed in `chunk`-byte writes (output coalesced to 64 KiB, as the worker).
pub fn run(page: &[u8], chunk: usize, mode: u32) -> Option<usize> {
    let mut rw = StreamRewriter::new(plan(mode)?, "text/html; charset=utf-8", 64 * 1024).ok()?;
    let mut total = 0;
    for piece in page.chunks(chunk.max(1)) {
        total += rw.write(piece).ok()?.map_or(0, |out| out.len());
    }
    Some(total + rw.end().ok()?.0.len())
}

/// A buffer of `len` bytes for the page; its address in the wasm memory.
#[no_mangle]
pub extern "C" fn input(len: usize) -> *mut u8 {
    INPUT.with(|b| {
        let mut b = b.borrow_mut();
        b.resize(len, 0);
        b.as_mut_ptr()
    })
}

/// Rewrites the page in the buffer; the output's length, 0 on failure.
#[no_mangle]
pub extern "C" fn rewrite(chunk: usize, mode: u32) -> usize {
    INPUT.with(|b| run(&b.borrow(), chunk, mode).unwrap_or(0))
}
