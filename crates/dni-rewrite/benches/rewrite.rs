//! Throughput of the full swap plan vs lol_html with no handlers on the same page.
//!
//! Two deterministic, realistic pages (~100 KB and ~700 KB): head with meta tags, JSON-LD
//! with the real number, inline and vendor scripts, a nav, article paragraphs with the
//! site's numbers sprinkled in various printed forms, tel: links, a footer. Input is fed in
//! 4 KiB chunks (what the Workers runtime delivers), output coalesced to 64 KiB.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use criterion::{black_box, criterion_group, Criterion, Throughput};
use dni_common::Category;
use dni_numbers::E164;
use dni_rewrite::{
    ListClassifier, RewriteConfig, RewritePlan, StreamRewriter, TagFirewall, TagInfo,
    DEFAULT_MAX_INLINE_SCRIPT_BYTES,
};
use lol_html::{HtmlRewriter, Settings};

const INPUT_CHUNK: usize = 4096;
const OUTPUT_CHUNK: usize = 64 * 1024;

const WORDS: &[&str] = &[
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "service",
    "repair",
    "estimate",
    "schedule",
    "today",
    "warranty",
    "2024",
    "24/7",
    "$99",
];

const PRINTED: &[&str] = &[
    "(555) 123-4567",
    "555-123-4567",
    "+1 555 123 4567",
    "1-555-222-3333",
    "555.444.5555",
    "555&nbsp;123&nbsp;4567",
];

/// Deterministic pseudo-random generator (xorshift), so pages are identical on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 16) as usize
    }
}

fn page(target_bytes: usize) -> Vec<u8> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut h = String::with_capacity(target_bytes + 8192);
    h.push_str("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.push_str("<title>Acme Plumbing | Call (555) 123-4567</title>");
    h.push_str(r#"<link rel="stylesheet" href="/css/site.css"><style>body{font:16px/1.5 sans-serif}.hero{padding:2em}</style>"#);
    h.push_str(r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"LocalBusiness","name":"Acme","telephone":"+1-555-123-4567"}</script>"#);
    h.push_str(
        r#"<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXX"></script>"#,
    );
    h.push_str("<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());gtag('config','G-XXXX');</script>");
    h.push_str(
        r#"<script src="https://tracker.example/ctm.js" data-dni-category="marketing"></script>"#,
    );
    h.push_str("</head><body><header><nav><ul>");
    for i in 0..30 {
        h.push_str(&format!(
            "<li class=\"nav-item\"><a class=\"nav-link\" href=\"/services/{i}\" title=\"Service {i}\">Service {i}</a></li>"
        ));
    }
    h.push_str(r#"</ul><a class="cta" href="tel:+15551234567" aria-label="Call 555 123 4567">(555) 123-4567</a></nav></header><main>"#);
    let mut section = 0;
    while h.len() < target_bytes - 2000 {
        section += 1;
        h.push_str(&format!(
            "<section id=\"s{section}\"><h2>Section {section}</h2>"
        ));
        for _ in 0..6 {
            h.push_str("<p>");
            let words = 60 + rng.next() % 80;
            for w in 0..words {
                if w > 0 {
                    h.push(' ');
                }
                if rng.next().is_multiple_of(90) {
                    h.push_str(PRINTED[rng.next() % PRINTED.len()]);
                } else if rng.next().is_multiple_of(40) {
                    h.push_str(&format!(
                        "<a href=\"/p/{}\">{}</a>",
                        rng.next() % 1000,
                        WORDS[rng.next() % WORDS.len()]
                    ));
                } else {
                    h.push_str(WORDS[rng.next() % WORDS.len()]);
                }
            }
            h.push_str(".</p>");
        }
        if section % 3 == 0 {
            h.push_str(
                r#"<p class="call">Questions? <a href="tel:555-222-3333">555-222-3333</a></p>"#,
            );
        }
        h.push_str("</section>");
    }
    h.push_str(r#"</main><footer><p>© 2024 Acme Plumbing · <a href="tel:+1-555-444-5555">+1 (555) 444-5555</a> · 123 Main St.</p>"#);
    h.push_str("<script>document.querySelectorAll('a').forEach(function(a){a.addEventListener('click',function(){})});</script></footer></body></html>");
    h.into_bytes()
}

fn n(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

fn full_plan() -> RewritePlan {
    RewritePlan::new(
        &RewriteConfig::default(),
        vec![
            (n("+15551234567"), n("+15559876543")),
            (n("+15552223333"), n("+15558887777")),
            (n("+15554445555"), n("+15556667777")),
        ],
        Some(TagFirewall {
            classifier: std::rc::Rc::new(ListClassifier {
                scripts: vec![(
                    "tracker.example".into(),
                    TagInfo {
                        category: Category::Marketing,
                        google_tag: false,
                    },
                )],
                ..ListClassifier::default()
            }),
            declined: vec![Category::Marketing],
            marker_attribute: "data-dni-category".into(),
            max_inline_script_bytes: DEFAULT_MAX_INLINE_SCRIPT_BYTES,
            reenable: Vec::new(),
        }),
    )
}

fn run_full(page: &[u8]) -> usize {
    let mut rw =
        StreamRewriter::new(full_plan(), "text/html; charset=utf-8", OUTPUT_CHUNK).unwrap();
    let mut total = 0;
    for c in page.chunks(INPUT_CHUNK) {
        if let Some(o) = rw.write(c).unwrap() {
            total += o.len();
        }
    }
    let (rest, stats) = rw.end().unwrap();
    black_box(stats);
    total + rest.len()
}

fn run_no_handlers(page: &[u8]) -> usize {
    let mut total = 0;
    let mut rw = HtmlRewriter::new(Settings::new(), |c: &[u8]| total += c.len());
    for c in page.chunks(INPUT_CHUNK) {
        rw.write(c).unwrap();
    }
    rw.end().unwrap();
    total
}

/// lol_html with one empty document text handler: the floor for anything that reads text.
fn run_empty_text_handler(page: &[u8]) -> usize {
    let mut total = 0;
    let settings = Settings::new().append_document_content_handler(
        lol_html::DocumentContentHandlers::default()
            .text(|_: &mut lol_html::html_content::TextChunk<'_>| Ok(())),
    );
    let mut rw = HtmlRewriter::new(settings, |c: &[u8]| total += c.len());
    for c in page.chunks(INPUT_CHUNK) {
        rw.write(c).unwrap();
    }
    rw.end().unwrap();
    total
}

fn bench(c: &mut Criterion) {
    for (name, size) in [("page_100k", 100_000), ("page_700k", 700_000)] {
        let p = page(size);
        let out = {
            let mut rw = StreamRewriter::new(full_plan(), "text/html", OUTPUT_CHUNK).unwrap();
            rw.write(&p).unwrap();
            let (_, stats) = rw.end().unwrap();
            stats
        };
        eprintln!(
            "{name}: {} bytes, {} numbers swapped, {} scripts neutralised",
            p.len(),
            out.numbers_swapped,
            out.scripts_neutralised
        );
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Bytes(p.len() as u64));
        g.bench_function("lol_html_no_handlers", |b| {
            b.iter(|| run_no_handlers(black_box(&p)))
        });
        g.bench_function("lol_html_empty_text_handler", |b| {
            b.iter(|| run_empty_text_handler(black_box(&p)))
        });
        g.bench_function("full_plan", |b| b.iter(|| run_full(black_box(&p))));
        g.finish();
    }
}

/// Per-request fixed cost: building the plan's handlers and selectors, then an empty body.
fn bench_setup(c: &mut Criterion) {
    c.bench_function("setup_new_and_end_empty", |b| {
        b.iter(|| {
            let rw = StreamRewriter::new(full_plan(), "text/html", OUTPUT_CHUNK).unwrap();
            black_box(rw.end().unwrap())
        })
    });
}

criterion_group!(benches, bench, bench_setup);

/// `DNI_BENCH_PAGES=<count>:<bytes>` runs the full plan over `count` pages of `bytes` and
/// exits: a fixed amount of work for an instruction count (valgrind `cachegrind`), which a
/// busy machine does not blur. Instructions per page = (run of 6 − run of 1) / 5 (see
/// BENCHMARKS.md). With `DNI_BENCH_FILE=<path>` the page is that file (e.g. the workerd
/// bench's `bench/pages/page-700k.html`) and `<bytes>` is ignored. Otherwise: criterion.
fn main() {
    if let Ok(spec) = std::env::var("DNI_BENCH_PAGES") {
        let (count, bytes) = spec.split_once(':').unwrap();
        let p = match std::env::var("DNI_BENCH_FILE") {
            Ok(path) => std::fs::read(path).unwrap(),
            Err(_) => page(bytes.parse().unwrap()),
        };
        let total: usize = (0..count.parse::<usize>().unwrap())
            .map(|_| run_full(black_box(&p)))
            .sum();
        println!("{total} bytes out");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
