//! The request pipeline, natively: request facts → consent → the session flow against
//! in-memory pool objects (the same `PoolObject` logic the Durable Objects run) → the
//! upstream and response plans → the API answers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use consent_dni::api;
use consent_dni::observe::SwapOutcome;
use consent_dni::pool::{MemoryPools, PoolOp, PoolReply};
use consent_dni::request::{EdgeFacts, RequestFacts};
use consent_dni::response::{plan_response, HeaderEdit, OriginHead};
use consent_dni::runtime::{Runtime, Site};
use consent_dni::session::{numbers_for, Numbers, SessionInputs};
use consent_dni::upstream::plan_upstream;
use dni_numbers::E164;
use dni_sessions::{LeaseOutcome, SessionToken};

/// Runs a future that completes at once (the memory pools never wait).
fn ready<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("memory pools answer at once"),
    }
}

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-test";
const T0: i64 = 1_795_341_600_000;
const MIN: i64 = 60_000;
const ACCEPT: &str = "OptanonConsent=groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1";
const DECLINE: &str = "OptanonConsent=groups=C0001%3A1%2CC0002%3A0%2CC0003%3A0%2CC0004%3A0";

fn n(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

fn runtime(ads_numbers: &[&str]) -> Runtime {
    let ads: Vec<String> = ads_numbers.iter().map(|s| format!("\"{s}\"")).collect();
    let json = format!(
        r#"{{"sites": [{{"name": "t", "hosts": ["*"],
          "session": {{"account_id": "1001"}},
          "targets": [{{"number": "+15035550142", "fallback": "+15035550199", "sources": [
            {{"name": "google_ads", "when": {{"click_ids": ["gclid"]}}, "numbers": [{}]}},
            {{"name": "default", "numbers": ["+15035550170", "+15035550171"]}}]}}]}}]}}"#,
        ads.join(",")
    );
    Runtime::from_json(&json).unwrap()
}

fn site(rt: &Runtime) -> &Site {
    rt.site(0).unwrap()
}

struct View<'a> {
    url: &'a str,
    referer: Option<&'a str>,
    cookie: Option<String>,
    dest: &'a str,
    ua: &'a str,
    now: i64,
}

impl<'a> View<'a> {
    fn nav(url: &'a str, cookie: Option<String>, now: i64) -> View<'a> {
        View {
            url,
            referer: None,
            cookie,
            dest: "document",
            ua: "Mozilla/5.0 Firefox/140.0",
            now,
        }
    }

    /// The same view, following a link from `referer`.
    fn after_page(mut self, referer: &'a str) -> View<'a> {
        self.referer = Some(referer);
        self
    }

    fn facts(&self) -> RequestFacts {
        // A browser's top-level navigation (Firefox 140's Accept and Fetch Metadata).
        let mode = if self.dest == "document" {
            "navigate"
        } else {
            "no-cors"
        };
        let mut headers: Vec<(&str, &str)> = vec![
            ("sec-fetch-dest", self.dest),
            ("sec-fetch-mode", mode),
            ("user-agent", self.ua),
            (
                "accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            ),
            ("accept-language", "de,en-US;q=0.7,en;q=0.3"),
        ];
        if let Some(c) = &self.cookie {
            headers.push(("cookie", c));
        }
        if let Some(r) = self.referer {
            headers.push(("referer", r));
        }
        let edge = EdgeFacts {
            country: Some("DE".into()),
            ..EdgeFacts::default()
        };
        RequestFacts::read("GET", self.url, headers.as_slice(), edge, self.now)
    }
}

fn numbers(site: &Site, view: &View<'_>, pools: &MemoryPools) -> Numbers {
    numbers_with(site, view, pools, Some(SECRET), || Some(next_id()))
}

fn numbers_with(
    site: &Site,
    view: &View<'_>,
    pools: &MemoryPools,
    secret: Option<&[u8]>,
    new_id: impl FnOnce() -> Option<[u8; 16]>,
) -> Numbers {
    numbers_of(site, &view.facts(), pools, secret, new_id)
}

/// The numbers for a request with these facts, as the page handler computes them.
fn numbers_of(
    site: &Site,
    facts: &RequestFacts,
    pools: &MemoryPools,
    secret: Option<&[u8]>,
    new_id: impl FnOnce() -> Option<[u8; 16]>,
) -> Numbers {
    let decision = facts.decide(site);
    let inputs = SessionInputs::page(site, facts, &decision, secret);
    ready(numbers_for(inputs, new_id, pools))
}

fn next_id() -> [u8; 16] {
    use std::sync::atomic::{AtomicU8, Ordering};
    static NEXT: AtomicU8 = AtomicU8::new(1);
    [NEXT.fetch_add(1, Ordering::Relaxed); 16]
}

/// `ACCEPT` plus the session cookie value of a `Set-Cookie`.
fn with_session(set_cookie: &str) -> String {
    let pair = set_cookie.split(';').next().unwrap();
    format!("{ACCEPT}; {pair}")
}

fn token_of(set_cookie: &str) -> SessionToken {
    let value = set_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1;
    SessionToken::decode(value, SECRET, T0).unwrap()
}

fn shown(numbers: &Numbers) -> E164 {
    numbers.swaps[0].1
}

fn ops(pools: &MemoryPools) -> Vec<&'static str> {
    pools
        .calls()
        .iter()
        .map(|(_, r)| match r.op {
            PoolOp::Lease {
                provisional: true, ..
            } => "lease(provisional)",
            PoolOp::Lease { .. } => "lease",
            PoolOp::Confirm { .. } => "confirm",
            PoolOp::Renew { .. } => "renew",
            PoolOp::Lookup { .. } => "lookup",
            PoolOp::Count { .. } => "count",
            PoolOp::Stats { .. } => "stats",
            PoolOp::RecordCall { .. } => "record_call",
            PoolOp::ApplyStatus { .. } => "apply_status",
            PoolOp::CallHistory { .. } => "call_history",
            PoolOp::PruneCalls { .. } => "prune_calls",
            PoolOp::Batch { .. } => "batch",
        })
        .collect()
}

#[test]
fn a_session_lands_confirms_and_then_views_pages_without_pool_calls() {
    let rt = runtime(&["+15035550150", "+15035550151"]);
    let site = site(&rt);
    let pools = MemoryPools::new();

    // Landing from an ad: a provisional lease from the ads pool, with its attribution.
    let first = numbers(
        site,
        &View::nav(
            "https://x.test/?gclid=G1&utm_source=google",
            Some(ACCEPT.into()),
            T0,
        ),
        &pools,
    );
    assert_eq!(first.outcome, SwapOutcome::Tracking);
    assert!(first.personal);
    assert_eq!(shown(&first), n("+15035550150"));
    assert_eq!(ops(&pools), ["lease(provisional)"]);
    let (pool, request) = &pools.calls()[0];
    assert_eq!(pool.as_str(), "t/+15035550142/google_ads");
    match &request.op {
        PoolOp::Lease { attribution, .. } => {
            assert_eq!(attribution.source.as_deref(), Some("google_ads"));
            assert_eq!(
                attribution.click_ids,
                [("gclid".to_string(), "G1".to_string())]
            );
            assert_eq!(attribution.utm_source.as_deref(), Some("google"));
        }
        other => panic!("{other:?}"),
    }
    let cookie = first.set_cookie.clone().unwrap();
    assert!(
        cookie.starts_with("ct1001=") && cookie.contains("HttpOnly; Secure; SameSite=Lax"),
        "{cookie}"
    );
    assert!(token_of(&cookie).leases[0].provisional);

    // The cookie comes back: one confirm call, the lease becomes a full one.
    pools.clear_calls();
    let second = numbers(
        site,
        &View::nav(
            "https://x.test/about",
            Some(with_session(&cookie)),
            T0 + MIN,
        ),
        &pools,
    );
    assert_eq!(ops(&pools), ["confirm"]);
    assert_eq!(shown(&second), n("+15035550150"));
    let cookie = second.set_cookie.clone().unwrap();
    assert!(!token_of(&cookie).leases[0].provisional);

    // An ordinary view: no pool call at all, no new cookie (the regression c5cba6b fixed:
    // every view confirmed with the pool).
    pools.clear_calls();
    let third = numbers(
        site,
        &View::nav(
            "https://x.test/contact",
            Some(with_session(&cookie)),
            T0 + 2 * MIN,
        ),
        &pools,
    );
    assert!(pools.calls().is_empty(), "{:?}", ops(&pools));
    assert_eq!(third.set_cookie, None);
    assert_eq!(shown(&third), n("+15035550150"));
}

#[test]
fn a_lease_close_to_idling_out_is_renewed_and_the_cookie_carries_what_the_pool_granted() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let pools = MemoryPools::new();
    let first = numbers(
        site,
        &View::nav("https://x.test/?gclid=G", Some(ACCEPT.into()), T0),
        &pools,
    );
    let second = numbers(
        site,
        &View::nav(
            "https://x.test/",
            Some(with_session(first.set_cookie.as_ref().unwrap())),
            T0 + MIN,
        ),
        &pools,
    );
    let cookie = second.set_cookie.unwrap();
    let until = token_of(&cookie).leases[0].until_ms;
    let ads = site.pool(0, 0).unwrap().name.clone();

    // 20 minutes later (less than half the 30-minute idle timeout left): the view renews
    // (one call, bounded by the pool timeout). A failing pool: the number is still shown
    // (the pool holds it until `until`), the cookie is not extended beyond what the pool
    // granted, and the failure is a fault.
    let later = T0 + 21 * MIN;
    pools.clear_calls();
    pools.break_storage(&ads, true);
    let failed = numbers(
        site,
        &View::nav("https://x.test/", Some(with_session(&cookie)), later),
        &pools,
    );
    assert_eq!(ops(&pools), ["renew"]);
    assert_eq!(shown(&failed), n("+15035550150"));
    assert_eq!(failed.set_cookie, None, "nothing granted, nothing written");
    assert_eq!(failed.faults.len(), 1);
    pools.break_storage(&ads, false);
    // The same with a pool that does not answer in time.
    pools.time_out(&ads, true);
    let late = numbers(
        site,
        &View::nav("https://x.test/", Some(with_session(&cookie)), later),
        &pools,
    );
    assert_eq!(late.set_cookie, None);
    assert!(
        late.faults[0].to_string().contains("did not answer"),
        "{:?}",
        late.faults
    );
    pools.time_out(&ads, false);

    // A working pool: the cookie carries exactly the pool's new expiry.
    pools.clear_calls();
    let view = numbers(
        site,
        &View::nav("https://x.test/", Some(with_session(&cookie)), later),
        &pools,
    );
    assert_eq!(ops(&pools), ["renew"]);
    let renewed = token_of(view.set_cookie.as_ref().unwrap()).leases[0].until_ms;
    let slot = pools.with_store(&ads, |s| s.pool.slots()[0].clone());
    assert_eq!(renewed, slot.lease_until_ms);
    assert_eq!(renewed, later + 30 * MIN);
    assert!(renewed > until);
    // The pool agrees with the cookie: a newcomer after the old expiry does not get the number.
    let newcomer = numbers(
        site,
        &View::nav("https://x.test/?gclid=H", Some(ACCEPT.into()), until + 1),
        &pools,
    );
    assert_eq!(newcomer.outcome, SwapOutcome::Overflow);
}

#[test]
fn without_consent_every_target_shows_its_fallback_and_no_pool_is_called() {
    let rt = runtime(&["+15035550150"]);
    let pools = MemoryPools::new();
    for cookie in [Some(DECLINE.to_string()), None] {
        let view = numbers(
            site(&rt),
            &View::nav("https://x.test/?gclid=G", cookie, T0),
            &pools,
        );
        assert_eq!(view.outcome, SwapOutcome::Fallback);
        assert_eq!(view.swaps, [(n("+15035550142"), n("+15035550199"))]);
        assert_eq!(view.set_cookie, None);
        assert!(!view.personal);
    }
    assert!(pools.calls().is_empty());
}

#[test]
fn sub_requests_never_start_sessions_and_crawlers_see_the_printed_number() {
    let rt = runtime(&["+15035550150"]);
    let pools = MemoryPools::new();
    let mut img = View::nav("https://x.test/logo.png", Some(ACCEPT.into()), T0);
    img.dest = "image";
    let view = numbers(site(&rt), &img, &pools);
    assert_eq!(view.outcome, SwapOutcome::Fallback);
    assert_eq!(view.set_cookie, None);
    let mut bot = View::nav("https://x.test/", Some(ACCEPT.into()), T0);
    bot.ua = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    let view = numbers(site(&rt), &bot, &pools);
    assert_eq!(view.outcome, SwapOutcome::Untouched);
    assert!(view.swaps.is_empty());
    assert!(pools.calls().is_empty());
}

#[test]
fn overflow_shows_the_fallback_and_still_sets_the_cookie() {
    let rt = runtime(&["+15035550150"]);
    let pools = MemoryPools::new();
    let _holder = numbers(
        site(&rt),
        &View::nav("https://x.test/?gclid=A", Some(ACCEPT.into()), T0),
        &pools,
    );
    let view = numbers(
        site(&rt),
        &View::nav("https://x.test/?gclid=B", Some(ACCEPT.into()), T0 + 1),
        &pools,
    );
    assert_eq!(view.outcome, SwapOutcome::Overflow);
    assert_eq!(shown(&view), n("+15035550199"));
    assert!(
        view.set_cookie.is_some(),
        "the returning cookie may claim a provisional lease later"
    );
    assert!(!view.personal);
}

#[test]
fn a_failing_or_unreachable_pool_is_a_fault_with_the_fallback_never_an_overflow() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let ads = site.pool(0, 0).unwrap().name.clone();
    let pools = MemoryPools::new();
    pools.break_storage(&ads, true);
    let view = numbers(
        site,
        &View::nav("https://x.test/?gclid=A", Some(ACCEPT.into()), T0),
        &pools,
    );
    assert_eq!(view.outcome, SwapOutcome::Fault);
    assert_eq!(shown(&view), n("+15035550199"));
    assert_eq!(view.faults.len(), 1);
    assert!(
        view.faults[0].to_string().contains("failed"),
        "{}",
        view.faults[0]
    );
    pools.break_storage(&ads, false);
    assert_eq!(pools.with_store(&ads, |s| s.pool.overflows()), 0);

    let unreachable = MemoryPools::new();
    unreachable.cut_off(&ads);
    let view = numbers(
        site,
        &View::nav("https://x.test/?gclid=A", Some(ACCEPT.into()), T0),
        &unreachable,
    );
    assert_eq!(view.outcome, SwapOutcome::Fault);
    assert!(view.faults[0].to_string().contains("unreachable"));
}

#[test]
fn a_failed_random_source_or_a_missing_secret_gives_fallbacks_never_a_shared_session() {
    let rt = runtime(&["+15035550150"]);
    let pools = MemoryPools::new();
    let view = numbers_with(
        site(&rt),
        &View::nav("https://x.test/", Some(ACCEPT.into()), T0),
        &pools,
        Some(SECRET),
        || None,
    );
    assert_eq!(view.outcome, SwapOutcome::Fault);
    assert_eq!(view.set_cookie, None);
    assert!(view.note.unwrap().contains("random"));
    let view = numbers_with(
        site(&rt),
        &View::nav("https://x.test/", Some(ACCEPT.into()), T0),
        &pools,
        None,
        || Some([1; 16]),
    );
    assert_eq!(view.outcome, SwapOutcome::Fallback);
    assert!(view.note.unwrap().contains("DNI_SECRET"));
    assert!(pools.calls().is_empty());
}

#[test]
fn a_forged_session_cookie_is_ignored_and_replaced() {
    let rt = runtime(&["+15035550150", "+15035550151"]);
    let pools = MemoryPools::new();
    let forged = format!("{ACCEPT}; ct1001=AAAA{}", "B".repeat(80));
    let view = numbers(
        site(&rt),
        &View::nav("https://x.test/?gclid=A", Some(forged), T0),
        &pools,
    );
    assert_eq!(
        ops(&pools),
        ["lease(provisional)"],
        "treated as a first view"
    );
    assert!(view.set_cookie.is_some());
}

#[test]
fn the_upstream_request_withholds_declined_cookies_and_is_unconditional_for_navigations() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let facts = View::nav(
        "https://x.test/",
        Some(format!("{DECLINE}; _ga=GA1.1.1.1; cart=42; _fbp=fb.1")),
        T0,
    )
    .facts();
    let decision = facts.decide(site);
    let plan = plan_upstream(site, &facts, &decision.declined());
    assert_eq!(plan.cookies_withheld, 2);
    let sent = plan.cookie.clone().unwrap().unwrap();
    assert!(
        sent.contains("cart=42")
            && sent.contains("OptanonConsent=")
            && !sent.contains("_ga")
            && !sent.contains("_fbp"),
        "{sent}"
    );
    assert!(plan.unconditional && plan.whole);
    for (header, dropped) in [
        ("If-None-Match", true),
        ("if-range", true),
        ("Range", true),
        ("Cookie", true),
        ("Accept", false),
        ("Referer", false),
    ] {
        assert_eq!(plan.drops(header), dropped, "{header}");
    }
    let mut sub = View::nav("https://x.test/a.css", Some(ACCEPT.into()), T0);
    sub.dest = "style";
    let facts = sub.facts();
    let plan = plan_upstream(site, &facts, &facts.decide(site).declined());
    assert_eq!(
        (&plan.cookie, plan.unconditional, plan.cookies_withheld),
        (&None, false, 0)
    );
    // A video's range requests stay ranged.
    assert!(!plan.whole && !plan.drops("range") && !plan.drops("if-none-match"));
}

fn origin<'a>(status: u16, content_type: &'a str, set_cookies: &'a [String]) -> OriginHead<'a> {
    OriginHead {
        status,
        content_type: Some(content_type),
        set_cookies,
        vary: Some("Accept-Encoding"),
        cache_control: Some("public, max-age=600, s-maxage=3600"),
        csp: &[],
        link: None,
    }
}

#[test]
fn the_response_plan_filters_cookies_expires_withdrawn_ones_and_keeps_personal_pages_private() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let pools = MemoryPools::new();
    // Declined, with tracking cookies left from an earlier consent.
    let view = View::nav(
        "https://x.test/",
        Some(format!("{DECLINE}; _ga=1; ct1001=old")),
        T0,
    );
    let facts = view.facts();
    let decision = facts.decide(site);
    let numbers = numbers(site, &view, &pools);
    let origin_cookies = vec![
        "_fbp=fb.1; Path=/".to_string(),
        "cart=42; Path=/; HttpOnly".to_string(),
    ];
    let plan = plan_response(
        site,
        &facts,
        &decision,
        &numbers,
        &origin(200, "text/html; charset=utf-8", &origin_cookies),
    );
    assert_eq!(plan.set_cookies_removed, 1);
    assert!(plan.set_cookies.iter().any(|c| c.starts_with("cart=42")));
    assert!(!plan.set_cookies.iter().any(|c| c.starts_with("_fbp=fb")));
    assert_eq!(plan.cookies_expired, 2, "{:?}", plan.set_cookies);
    assert!(plan
        .set_cookies
        .iter()
        .any(|c| c.starts_with("_ga=;") && c.contains("Max-Age=0")));
    assert!(plan
        .set_cookies
        .iter()
        .any(|c| c.starts_with("ct1001=;") && c.contains("Max-Age=0")));
    assert!(plan.rewrite && plan.counts_view);
    assert_eq!(
        plan.vary.as_deref(),
        Some("Accept-Encoding, Cookie, Sec-GPC")
    );
    let cc = plan.cache_control.unwrap();
    assert!(
        cc.contains("private") && !cc.contains("public") && !cc.contains("s-maxage"),
        "{cc}"
    );
}

#[test]
fn every_html_response_is_rewritten_but_only_200_html_navigations_count_as_views() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let view = View::nav("https://x.test/", Some(DECLINE.into()), T0);
    let facts = view.facts();
    let decision = facts.decide(site);
    let none = Numbers::untouched();
    for (status, ct, rewrite, counts) in [
        (200, "text/html", true, true),
        (200, "TEXT/HTML; charset=windows-1252", true, true),
        (200, "application/xhtml+xml", true, true),
        (404, "text/html; charset=utf-8", true, false),
        (410, "text/html", true, false),
        (451, "text/html", true, false),
        (500, "text/html", true, false),
        (503, "text/html", true, false),
        (302, "text/html", true, false),
        (304, "text/html", false, false),
        (204, "text/html", false, false),
        (200, "application/json", false, false),
        (200, "image/png", false, false),
        (200, "text/htmlx", false, false),
    ] {
        let plan = plan_response(site, &facts, &decision, &none, &origin(status, ct, &[]));
        assert_eq!(
            (plan.rewrite, plan.counts_view),
            (rewrite, counts),
            "{status} {ct}"
        );
    }
    let mut head = facts.clone();
    head.method = consent_dni::request::Method::Head;
    let plan = plan_response(
        site,
        &head,
        &decision,
        &Numbers::fallbacks(site, SwapOutcome::Fallback),
        &origin(200, "text/html", &[]),
    );
    assert!(!plan.rewrite);
}

#[test]
fn a_utf16_or_iso_2022_jp_page_is_rewritten_and_goes_out_as_utf8() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let view = View::nav("https://x.test/", Some(DECLINE.into()), T0);
    let facts = view.facts();
    let decision = facts.decide(site);
    let none = Numbers::untouched();
    for (ct, expected) in [
        (
            "text/html; charset=utf-16le",
            Some("text/html; charset=utf-8"),
        ),
        (
            "text/html; charset=UTF-16",
            Some("text/html; charset=utf-8"),
        ),
        (
            "application/xhtml+xml; charset=iso-2022-jp",
            Some("application/xhtml+xml; charset=utf-8"),
        ),
        ("text/html; charset=utf-8", None),
        ("text/html; charset=shift_jis", None),
        ("text/html", None),
        ("text/plain; charset=utf-16le", None),
    ] {
        let plan = plan_response(site, &facts, &decision, &none, &origin(200, ct, &[]));
        assert_eq!(plan.content_type.as_deref(), expected, "{ct}");
        let set = plan.header_edits().into_iter().find_map(|e| match e {
            HeaderEdit::Set("content-type", v) => Some(v),
            _ => None,
        });
        assert_eq!(set.as_deref(), expected, "{ct}");
    }
}

#[test]
fn with_nothing_to_change_caching_headers_stay_the_origins() {
    let json = r#"{"sites": [{"name": "t", "hosts": ["*"], "vendors": {"consent_mode": {"insert": "off"}}}]}"#;
    let rt = Runtime::from_json(json).unwrap();
    let site = rt.site(0).unwrap();
    let facts = View::nav("https://x.test/", Some(ACCEPT.into()), T0).facts();
    let decision = facts.decide(site);
    let plan = plan_response(
        site,
        &facts,
        &decision,
        &Numbers::untouched(),
        &origin(200, "text/html", &[]),
    );
    assert_eq!(
        (plan.rewrite, plan.vary, plan.cache_control),
        (false, None, None)
    );
}

#[test]
fn the_consent_mode_block_follows_the_decision_and_passes_the_pages_csp() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let facts = View::nav("https://x.test/", Some(DECLINE.into()), T0).facts();
    let decision = facts.decide(site);
    let plain = plan_response(
        site,
        &facts,
        &decision,
        &Numbers::untouched(),
        &origin(200, "text/html", &[]),
    );
    let block = plain.consent_mode.clone().unwrap();
    assert!(
        block.script.contains("'ad_storage':'denied'")
            && block.script.contains("'analytics_storage':'denied'")
    );
    assert_eq!(block.nonce, None);
    assert_eq!(plain.csp_headers, None);
    // A nonce-based policy: the block carries the nonce.
    let csp = vec![(
        "content-security-policy".to_string(),
        "script-src 'nonce-abc123' 'strict-dynamic'".to_string(),
    )];
    let mut head = origin(200, "text/html", &[]);
    head.csp = &csp;
    let with_nonce = plan_response(site, &facts, &decision, &Numbers::untouched(), &head);
    assert_eq!(
        with_nonce.consent_mode.unwrap().nonce.as_deref(),
        Some("abc123")
    );
    // A host allow-list: the block's hash is added.
    let csp = vec![(
        "content-security-policy".to_string(),
        "script-src 'self' https://www.googletagmanager.com".to_string(),
    )];
    head.csp = &csp;
    let hashed = plan_response(site, &facts, &decision, &Numbers::untouched(), &head);
    let headers = hashed.csp_headers.clone().unwrap();
    let script = hashed.consent_mode.clone().unwrap().script;
    assert_eq!(
        headers[0].1,
        format!(
            "script-src 'self' https://www.googletagmanager.com {}",
            consent_dni::response::hash_source(&script)
        )
    );
    // An unreadable one: no block, and the log says why.
    let csp = vec![(
        "content-security-policy".to_string(),
        "script-src 'self' \u{7f}".to_string(),
    )];
    head.csp = &csp;
    let skipped = plan_response(site, &facts, &decision, &Numbers::untouched(), &head);
    assert!(skipped.consent_mode.is_none());
    assert!(matches!(
        skipped.consent_mode_outcome,
        consent_dni::response::ConsentModeOutcome::Skipped(_)
    ));
    let mut line = consent_dni::observe::LogLine::new("t", &facts.url, &decision);
    skipped.log_into(200, &mut line);
    assert_eq!((line.status, line.consent_mode), (200, "skipped"));
    assert!(line
        .note
        .as_deref()
        .unwrap_or("")
        .starts_with("consent mode skipped"));
    hashed.log_into(404, &mut line);
    assert_eq!((line.status, line.consent_mode), (404, "planned"));
}

#[test]
fn the_stats_report_reads_counters_and_pool_use() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let pools = MemoryPools::new();
    let _ = numbers(
        site,
        &View::nav("https://x.test/?gclid=A", Some(ACCEPT.into()), T0),
        &pools,
    );
    let _ = numbers(
        site,
        &View::nav("https://x.test/?gclid=B", Some(ACCEPT.into()), T0),
        &pools,
    );
    let stats = &site.stats_pool;
    let reply = ready(async {
        use consent_dni::pool::PoolPort;
        pools
            .send(
                stats,
                stats.request(
                    PoolOp::Count {
                        counters: vec![("views".into(), 2)],
                    },
                    T0,
                ),
            )
            .await
    });
    assert_eq!(reply, Ok(PoolReply::Counted));
    let report = ready(api::stats::report(site, 30, T0 + MIN, &pools));
    assert_eq!(report.total("views"), 2);
    let ads = &report.pools[0];
    assert_eq!(
        (
            ads.source.as_str(),
            ads.usage.numbers,
            ads.usage.leased,
            ads.usage.provisional
        ),
        ("google_ads", 1, 1, 1)
    );
    assert_eq!(ads.days[0].counters.get("overflow"), Some(&1));
    assert!(report.pools[1].error.is_none());
}

/// The facts of an AMP number request: Chrome's CORS fetch from `origin` (none: same
/// origin, with the AMP runtime's `AMP-Same-Origin: true`), in Fetch Metadata `mode`.
fn amp_facts(origin: Option<&str>, mode: &str, cookie: Option<&str>) -> RequestFacts {
    let mut headers: Vec<(&str, &str)> = vec![
        ("sec-fetch-mode", mode),
        ("sec-fetch-dest", "empty"),
        ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36"),
        ("accept", "application/json"),
        ("accept-language", "en-US,en;q=0.9"),
        ("cookie", cookie.unwrap_or(ACCEPT)),
    ];
    match origin {
        Some(o) => headers.push(("origin", o)),
        None => headers.push(("amp-same-origin", "true")),
    }
    let url = "https://x.test/__dni/number?target=%2B15035550142&__amp_source_origin=https%3A%2F%2Fx.test";
    RequestFacts::read("GET", url, headers.as_slice(), EdgeFacts::default(), T0)
}

fn amp(
    site: &Site,
    facts: &RequestFacts,
    q: &api::number::NumberQuery,
    pools: &MemoryPools,
) -> Result<api::ApiResponse, consent_dni::error::HttpError> {
    ready(api::number::answer(
        site,
        facts,
        q,
        Some(SECRET),
        || Some(next_id()),
        pools,
    ))
}

fn header(r: &api::ApiResponse, name: &str) -> Option<String> {
    r.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

#[test]
fn amp_numbers_are_leased_with_a_30_day_cookie_and_amp_cors() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let pools = MemoryPools::new();
    let q = api::number::NumberQuery {
        target: Some("+15035550142".into()),
        source_origin: Some("https://x.test".into()),
    };
    // The site's own Google AMP cache subdomain (x.test -> x-test.cdn.ampproject.org).
    let facts = amp_facts(Some("https://x-test.cdn.ampproject.org"), "cors", None);
    let r = amp(site, &facts, &q, &pools).unwrap();
    assert_eq!(
        r.body,
        r#"{"phoneNumber":"+15035550170","formattedPhoneNumber":"(503) 555-0170"}"#
    );
    assert_eq!(
        header(&r, "Access-Control-Allow-Origin").as_deref(),
        Some("https://x-test.cdn.ampproject.org")
    );
    assert_eq!(
        header(&r, "AMP-Access-Control-Allow-Source-Origin").as_deref(),
        Some("https://x.test")
    );
    assert!(header(&r, "set-cookie")
        .unwrap()
        .ends_with("Max-Age=2592000"));
    // Same origin, AMP-Same-Origin: true: leases too.
    let r = amp(site, &amp_facts(None, "cors", None), &q, &pools).unwrap();
    assert!(r.body.contains("+15035550171"), "{}", r.body);
    // Another publisher's cache, a foreign origin, a wrong or huge source origin: 403.
    for origin in ["https://evil.test", "https://evil-test.cdn.ampproject.org"] {
        let e = amp(site, &amp_facts(Some(origin), "cors", None), &q, &pools).unwrap_err();
        assert_eq!(e.status(), 403, "{origin}");
    }
    for source in [
        "https://evil.test".to_string(),
        format!("https://x.test{}", "%2F".repeat(10_000)),
        "\u{0}".into(),
    ] {
        let bad = api::number::NumberQuery {
            source_origin: Some(source),
            ..q.clone()
        };
        assert_eq!(amp(site, &facts, &bad, &pools).unwrap_err().status(), 403);
    }
    for target in ["555", "+1503555014299999999999999999999999999"] {
        let bad = api::number::NumberQuery {
            target: Some(target.into()),
            source_origin: None,
        };
        assert_eq!(
            amp(site, &facts, &bad, &pools).unwrap_err().status(),
            400,
            "{target}"
        );
    }
    let other = api::number::NumberQuery {
        target: Some("+15035550100".into()),
        source_origin: None,
    };
    assert_eq!(amp(site, &facts, &other, &pools).unwrap_err().status(), 404);
}

#[test]
fn cross_site_image_hits_and_scripted_clients_never_lease_from_the_amp_endpoint() {
    // Issue 15: six cross-site `<img src=…/__dni/number?target=…>` hits each leased a number.
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let pools = MemoryPools::new();
    let q = api::number::NumberQuery {
        target: Some("+15035550142".into()),
        source_origin: None,
    };
    for _ in 0..6 {
        // An <img> on any page: no-cors, no Origin header, no AMP-Same-Origin.
        let headers: &[(&str, &str)] = &[
            ("sec-fetch-mode", "no-cors"),
            ("sec-fetch-dest", "image"),
            ("sec-fetch-site", "cross-site"),
            ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36"),
            ("accept", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"),
            ("accept-language", "en-US,en;q=0.9"),
            ("cookie", ACCEPT),
        ];
        let facts = RequestFacts::read(
            "GET",
            "https://x.test/__dni/number?target=%2B15035550142",
            headers,
            EdgeFacts::default(),
            T0,
        );
        let r = amp(site, &facts, &q, &pools).unwrap();
        assert!(r.body.contains("+15035550199"), "the fallback: {}", r.body);
        assert_eq!(header(&r, "set-cookie"), None);
        // The same with a spoofed AMP-Same-Origin but no-cors mode.
        let r = amp(site, &amp_facts(None, "no-cors", None), &q, &pools).unwrap();
        assert!(r.body.contains("+15035550199"));
    }
    // curl with an allowed Origin header but no browser headers.
    let facts = RequestFacts::read(
        "GET",
        "https://x.test/__dni/number?target=%2B15035550142",
        &[
            ("origin", "https://x.test"),
            ("cookie", ACCEPT),
            ("user-agent", "curl/8.5.0"),
        ][..],
        EdgeFacts::default(),
        T0,
    );
    assert!(amp(site, &facts, &q, &pools)
        .unwrap()
        .body
        .contains("+15035550199"));
    assert!(pools.calls().is_empty(), "{:?}", ops(&pools));
}

#[test]
fn scripted_clients_get_the_fallback_and_no_lease_but_keep_their_landing() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let pools = MemoryPools::new();
    // Issue 15: twelve requests from a scripted client took every number.
    for i in 0..12 {
        let headers: &[(&str, &str)] = &[
            ("user-agent", "python-requests/2.32.3"),
            ("accept", "*/*"),
            ("cookie", ACCEPT),
        ];
        let url = format!("https://x.test/?gclid=BOT{i}");
        let facts = RequestFacts::read("GET", &url, headers, EdgeFacts::default(), T0 + i);
        let view = numbers_of(site, &facts, &pools, Some(SECRET), || Some(next_id()));
        assert_eq!(view.outcome, SwapOutcome::Fallback);
        assert_eq!(
            view.note,
            Some("no lease: not a browser navigation (Fetch Metadata)")
        );
    }
    // A browser claiming to be a crawler by Bot Management, and a low bot score.
    for edge in [
        EdgeFacts {
            verified_bot: true,
            verified_bot_category: Some("Search Engine Crawler".into()),
            ..EdgeFacts::default()
        },
        EdgeFacts {
            bot_score: Some(2),
            ..EdgeFacts::default()
        },
    ] {
        let mut facts = View::nav("https://x.test/?gclid=X", Some(ACCEPT.into()), T0).facts();
        facts.edge = edge;
        let view = numbers_of(site, &facts, &pools, Some(SECRET), || Some(next_id()));
        assert_eq!(view.outcome, SwapOutcome::Fallback);
        assert!(view.note.unwrap().starts_with("no lease"));
    }
    assert!(pools.calls().is_empty(), "{:?}", ops(&pools));
    // A real browser still gets the ads number after all that.
    let real = numbers(
        site,
        &View::nav("https://x.test/?gclid=REAL", Some(ACCEPT.into()), T0 + 100),
        &pools,
    );
    assert_eq!(shown(&real), n("+15035550150"));
}

#[test]
fn an_overflowing_visitor_keeps_the_landing_and_leases_from_its_source_later() {
    // Issue 15: a browser landing with a gclid while the pool is full saw the fallback, and
    // its next view was classified from an internal page.
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let ads = site.pool(0, 0).unwrap().name.clone();
    let pools = MemoryPools::new();
    let holder = numbers(
        site,
        &View::nav("https://x.test/?gclid=FIRST", Some(ACCEPT.into()), T0),
        &pools,
    );
    assert_eq!(shown(&holder), n("+15035550150"));
    let landing = "https://x.test/spring?utm_source=google&utm_campaign=spring&gclid=LATE";
    let mut view = View::nav(landing, Some(ACCEPT.into()), T0 + MIN);
    let referer = "https://www.google.com/";
    let mut facts = view.facts();
    facts.referer = Some(referer.into());
    let overflow = numbers_of(site, &facts, &pools, Some(SECRET), || Some(next_id()));
    assert_eq!(overflow.outcome, SwapOutcome::Overflow);
    let cookie = overflow.set_cookie.unwrap();
    let kept = token_of(&cookie)
        .landing
        .expect("the landing is kept in the token");
    assert!(
        kept.url.contains("gclid=LATE") && kept.url.contains("utm_campaign=spring"),
        "{}",
        kept.url
    );
    assert_eq!(kept.referrer.as_deref(), Some(referer));
    // Next view, on an internal page, after the first holder's provisional lease outlived
    // its hold: the ads pool again, with the original attribution.
    pools.clear_calls();
    view = View::nav(
        "https://x.test/contact",
        Some(with_session(&cookie)),
        T0 + 4 * MIN,
    );
    let later = numbers(site, &view, &pools);
    assert_eq!(shown(&later), n("+15035550150"));
    let (pool, request) = &pools.calls()[0];
    assert_eq!(pool, &ads);
    let PoolOp::Lease {
        attribution,
        provisional,
        ..
    } = &request.op
    else {
        panic!("{:?}", request.op)
    };
    assert!(!provisional, "the cookie came back");
    assert_eq!(attribution.source.as_deref(), Some("google_ads"));
    assert_eq!(
        attribution.click_ids,
        [("gclid".to_string(), "LATE".to_string())]
    );
    assert_eq!(attribution.utm_campaign.as_deref(), Some("spring"));
    assert_eq!(attribution.referrer.as_deref(), Some(referer));
    assert_eq!(attribution.landed_at_ms, T0 + MIN);
    assert!(attribution
        .landing_url
        .starts_with("https://x.test/spring?"));
    // Every target leased: the landing leaves the token (the cookie shrinks back).
    assert_eq!(token_of(later.set_cookie.as_ref().unwrap()).landing, None);
    // The calls API attributes a call to this session with the landing's facts.
    let body = format!(r#"{{"called": "+15035550150", "at": {}}}"#, T0 + 5 * MIN);
    let token = "pipeline-api-token-0123456789";
    let secrets = dni_calls::Secrets {
        api_token: Some(token.into()),
        ..dni_calls::Secrets::default()
    };
    let headers = vec![
        ("content-type".to_string(), "application/json".to_string()),
        ("authorization".to_string(), format!("Bearer {token}")),
    ];
    let request = api::calls::CallsRequest {
        endpoint: dni_calls::Endpoint::Api,
        http: dni_calls::WebhookRequest {
            method: "POST",
            url: "https://x.test/__dni/calls",
            headers: &headers,
            body: body.as_bytes(),
        },
        secrets: &secrets,
        now_ms: T0 + 5 * MIN,
    };
    let r = ready(api::calls::answer(site, &request, &pools)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&r.response.body).unwrap();
    assert_eq!(v["attribution"]["click_ids"]["gclid"], "LATE");
}

#[test]
fn a_slow_or_garbled_pool_gives_the_fallback_and_the_landing_survives() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let ads = site.pool(0, 0).unwrap().name.clone();
    let pools = MemoryPools::new();
    pools.time_out(&ads, true);
    let slow = numbers(
        site,
        &View::nav("https://x.test/?gclid=G", Some(ACCEPT.into()), T0),
        &pools,
    );
    assert_eq!(slow.outcome, SwapOutcome::Fault);
    assert_eq!(shown(&slow), n("+15035550199"));
    assert!(token_of(slow.set_cookie.as_ref().unwrap())
        .landing
        .is_some());
    pools.time_out(&ads, false);
    pools.garble(&ads);
    let garbled = numbers(
        site,
        &View::nav("https://x.test/?gclid=G", Some(ACCEPT.into()), T0),
        &pools,
    );
    assert_eq!(garbled.outcome, SwapOutcome::Fault);
    assert!(
        garbled.faults[0]
            .to_string()
            .contains("answered unexpectedly"),
        "{:?}",
        garbled.faults
    );
    assert_eq!(shown(&garbled), n("+15035550199"));
}

#[test]
fn concurrent_first_views_racing_for_the_last_number_never_share_it() {
    use consent_dni::pool::PoolPort;
    use consent_dni::session::{plan_session, Start};
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let pools = MemoryPools::new();
    // Both views are planned before either pool call is answered, as in two isolates.
    let facts: Vec<RequestFacts> = (0..2)
        .map(|i| View::nav("https://x.test/?gclid=RACE", Some(ACCEPT.into()), T0 + i).facts())
        .collect();
    let decisions: Vec<_> = facts.iter().map(|f| f.decide(site)).collect();
    assert!(decisions.iter().all(|d| d.swap));
    let plans: Vec<_> = facts
        .iter()
        .zip(&decisions)
        .map(|(f, decision)| {
            let inputs = SessionInputs {
                site,
                facts: f,
                decision,
                crawler: false,
                secret: Some(SECRET),
                navigation: true,
                amp: false,
                refused: None,
            };
            match plan_session(inputs, || Some(next_id())) {
                Start::Session(plan) => plan,
                Start::Done(_) => panic!("a session"),
            }
        })
        .collect();
    let mut shown_numbers = Vec::new();
    for plan in plans {
        let answers = plan
            .asks
            .iter()
            .map(|a| ready(pools.lease(&a.pool, a.op.clone(), T0)))
            .collect();
        shown_numbers.push(shown(&plan.finish(answers)));
    }
    assert_eq!(shown_numbers, [n("+15035550150"), n("+15035550199")]);
}

#[test]
fn leases_seen_by_the_pool_match_the_outcome_type() {
    // The wire reply the flow consumed is the pool's own LeaseOutcome.
    let rt = runtime(&["+15035550150"]);
    let pools = MemoryPools::new();
    let view = numbers(
        site(&rt),
        &View::nav("https://x.test/?gclid=A", Some(ACCEPT.into()), T0),
        &pools,
    );
    let ads = site(&rt).pool(0, 0).unwrap().name.clone();
    let slot = pools.with_store(&ads, |s| s.pool.slots()[0].clone());
    assert_eq!(slot.number, shown(&view));
    assert!(slot.provisional);
    assert!(matches!(
        LeaseOutcome::Leased { number: slot.number, until_ms: slot.lease_until_ms, provisional: true }.token_lease(),
        Some(l) if l.number == shown(&view)
    ));
}

#[test]
fn data_requests_are_rewritten_as_data_for_the_same_visitor_without_a_session() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let pools = MemoryPools::new();
    // A consenting visitor lands: a session with a tracking number.
    let landing = View::nav("https://x.test/", Some(ACCEPT.into()), T0);
    let first = numbers(site, &landing, &pools);
    let cookie = with_session(first.set_cookie.as_deref().unwrap());
    let calls_after_landing = pools.calls().len();
    // Client-side navigation fetches the next page's data: same numbers, no pool call.
    let mut fetch = View::nav(
        "https://x.test/_next/data/build-1/contact.json",
        Some(cookie.clone()),
        T0 + 5_000,
    );
    fetch.dest = "empty";
    let facts = fetch.facts();
    assert!(!facts.navigation);
    let decision = facts.decide(site);
    let data_numbers = numbers(site, &fetch, &pools);
    assert_eq!(shown(&data_numbers), shown(&first));
    assert!(data_numbers.set_cookie.is_none());
    assert_eq!(
        pools.calls().len(),
        calls_after_landing,
        "{:?}",
        ops(&pools)
    );
    let plan = plan_response(
        site,
        &facts,
        &decision,
        &data_numbers,
        &origin(200, "application/json", &[]),
    );
    assert_eq!(plan.data, Some(dni_rewrite::Framework::NextPages));
    assert!(plan.rewrite && !plan.counts_view);
    assert!(plan.consent_mode.is_none() && plan.hydration_guard.is_none());
    assert_eq!(
        plan.vary.as_deref(),
        Some("Accept-Encoding, Cookie, Sec-GPC")
    );
    assert!(plan.cache_control.unwrap().contains("private"));
    // A visitor without a session gets no session from a data request.
    let mut anonymous = View::nav("https://x.test/_next/data/build-1/contact.json", None, T0);
    anonymous.dest = "empty";
    let none = numbers(site, &anonymous, &pools);
    assert!(none.set_cookie.is_none());
    assert_eq!(
        pools.calls().len(),
        calls_after_landing,
        "{:?}",
        ops(&pools)
    );
    // Not data: other JSON, HEAD, errors, HTML from a data path.
    for (url, status, ct) in [
        ("https://x.test/api/orders.json", 200, "application/json"),
        (
            "https://x.test/_next/data/b/contact.json",
            404,
            "application/json",
        ),
        ("https://x.test/_next/data/b/contact.json", 200, "text/html"),
    ] {
        let mut v = View::nav(url, Some(cookie.clone()), T0 + 6_000);
        v.dest = "empty";
        let f = v.facts();
        let p = plan_response(
            site,
            &f,
            &f.decide(site),
            &data_numbers,
            &origin(status, ct, &[]),
        );
        assert_eq!(p.data, None, "{url} {status} {ct}");
    }
    let mut head = facts.clone();
    head.method = consent_dni::request::Method::Head;
    let p = plan_response(
        site,
        &head,
        &decision,
        &data_numbers,
        &origin(200, "application/json", &[]),
    );
    assert!(p.data.is_none() && !p.rewrite);
    // RSC payloads, by content type.
    let mut rsc = View::nav("https://x.test/contact/?_rsc=abc", Some(cookie), T0 + 7_000);
    rsc.dest = "empty";
    let f = rsc.facts();
    let p = plan_response(
        site,
        &f,
        &f.decide(site),
        &data_numbers,
        &origin(200, "text/x-component", &[]),
    );
    assert_eq!(p.data, Some(dni_rewrite::Framework::NextApp));
}

#[test]
fn the_hydration_guard_carries_the_visitors_numbers_and_passes_the_csp_with_the_block() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let facts = View::nav("https://x.test/", Some(DECLINE.into()), T0).facts();
    let decision = facts.decide(site);
    let fallback = Numbers::fallbacks(site, SwapOutcome::Fallback);
    let plan = plan_response(
        site,
        &facts,
        &decision,
        &fallback,
        &origin(200, "text/html", &[]),
    );
    let guard = plan.hydration_guard.clone().unwrap();
    assert_eq!(guard.placement, dni_rewrite::GuardPlacement::Auto);
    assert!(guard.html.starts_with("<script data-dni-hydration-guard>"));
    assert!(guard.html.contains(r#"{"pairs":[["+15035550142","+15035550199"]],"attributes":["aria-label","title","data-phone"]}"#), "{}", guard.html);
    assert!(!guard.html.contains("ct1001"));
    // Nothing changes: no guard.
    let plan = plan_response(
        site,
        &facts,
        &decision,
        &Numbers::untouched(),
        &origin(200, "text/html", &[]),
    );
    assert!(plan.hydration_guard.is_none());
    // A hash-based CSP: both inserted scripts' hashes are added.
    let csp = vec![(
        "content-security-policy".to_string(),
        "script-src 'self'".to_string(),
    )];
    let mut head = origin(200, "text/html", &[]);
    head.csp = &csp;
    let plan = plan_response(site, &facts, &decision, &fallback, &head);
    let policy = &plan.csp_headers.clone().unwrap()[0].1;
    let guard_script = plan.hydration_guard.clone().unwrap().html;
    let guard_text = guard_script
        .trim_start_matches("<script data-dni-hydration-guard>")
        .trim_end_matches("</script>");
    assert!(
        policy.contains(&consent_dni::response::hash_source(guard_text)),
        "{policy}"
    );
    assert!(policy.contains(&consent_dni::response::hash_source(
        &plan.consent_mode.clone().unwrap().script
    )));
    // A nonce: both carry it.
    let csp = vec![(
        "content-security-policy".to_string(),
        "script-src 'nonce-n0nce'".to_string(),
    )];
    head.csp = &csp;
    let plan = plan_response(site, &facts, &decision, &fallback, &head);
    assert!(plan
        .hydration_guard
        .unwrap()
        .html
        .starts_with(r#"<script data-dni-hydration-guard nonce="n0nce">"#));
    let mut line = consent_dni::observe::LogLine::new("t", &facts.url, &decision);
    let off = Runtime::from_json(r#"{"sites": [{"name": "t", "hosts": ["*"], "session": {"account_id": "1001"}, "rewrite": {"hydration_guard": "off"}, "targets": [{"number": "+15035550142", "fallback": "+15035550199", "sources": [{"name": "default", "numbers": ["+15035550170"]}]}]}]}"#).unwrap();
    let plan = plan_response(
        off.site(0).unwrap(),
        &facts,
        &decision,
        &Numbers::fallbacks(off.site(0).unwrap(), SwapOutcome::Fallback),
        &origin(200, "text/html", &[]),
    );
    assert!(plan.hydration_guard.is_none());
    plan.log_into(200, &mut line);
    assert_eq!(line.hydration_guard, "off");
}

#[test]
fn a_batch_of_leases_is_answered_in_order_without_sharing_a_number() {
    use consent_dni::pool::PoolPort;
    let rt = runtime(&["+15035550150", "+15035550151"]);
    let site = site(&rt);
    let ads = site.pool(0, 0).unwrap();
    let pools = MemoryPools::new();
    let lease = |i: u8| PoolOp::Lease {
        session: dni_sessions::SessionId([i; 16]),
        attribution: dni_sessions::Attribution::default(),
        provisional: true,
    };
    let op = PoolOp::Batch {
        ops: (1..=3).map(lease).collect(),
    };
    let reply = ready(pools.send(ads, ads.request(op, T0))).unwrap();
    let PoolReply::Batch { replies } = reply else {
        panic!("{reply:?}")
    };
    let outcomes: Vec<_> = replies
        .into_iter()
        .map(|r| match r {
            PoolReply::Lease { outcome } => outcome,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(
        matches!(outcomes[0], LeaseOutcome::Leased { number, .. } if number == n("+15035550150"))
    );
    assert!(
        matches!(outcomes[1], LeaseOutcome::Leased { number, .. } if number == n("+15035550151"))
    );
    assert_eq!(outcomes[2], LeaseOutcome::Overflow);
}

#[test]
fn a_batch_answers_exactly_as_the_same_operations_one_by_one() {
    use consent_dni::pool::PoolPort;
    let rt = runtime(&["+15035550150", "+15035550151"]);
    let site = site(&rt);
    let ads = site.pool(0, 0).unwrap();
    let sid = |i: u8| dni_sessions::SessionId([i; 16]);
    let ops = vec![
        PoolOp::Lease {
            session: sid(1),
            attribution: Default::default(),
            provisional: true,
        },
        PoolOp::Confirm {
            session: sid(1),
            number: n("+15035550150"),
        },
        PoolOp::Lease {
            session: sid(2),
            attribution: Default::default(),
            provisional: false,
        },
        PoolOp::Lease {
            session: sid(3),
            attribution: Default::default(),
            provisional: true,
        },
        PoolOp::Renew {
            session: sid(2),
            number: n("+15035550151"),
        },
        PoolOp::Lookup {
            number: n("+15035550150"),
            at_ms: T0,
        },
    ];
    let one_by_one = MemoryPools::new();
    let singles: Vec<PoolReply> = ops
        .iter()
        .map(|op| ready(one_by_one.send(ads, ads.request(op.clone(), T0))).unwrap())
        .collect();
    let batched = MemoryPools::new();
    let reply =
        ready(batched.send(ads, ads.request(PoolOp::Batch { ops: ops.clone() }, T0))).unwrap();
    assert_eq!(reply, PoolReply::Batch { replies: singles });
    // The stores end the same.
    let slots = |p: &MemoryPools| p.with_store(&ads.name, |s| s.pool.slots().to_vec());
    assert_eq!(slots(&batched), slots(&one_by_one));
    // A batch inside a batch is refused (an error, never a partial answer).
    let nested = PoolOp::Batch {
        ops: vec![PoolOp::Batch { ops: vec![] }],
    };
    assert!(ready(batched.send(ads, ads.request(nested, T0))).is_err());
}

#[test]
fn consent_given_on_the_landing_page_keeps_the_ad_click_of_the_page_before() {
    // An opt-in banner: the ad click lands without consent (fallback, no session, nothing
    // stored), the visitor accepts there, and the next page is the first view with consent.
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let pools = MemoryPools::new();
    let landing = "https://x.test/offer?gclid=G7&utm_source=google&utm_campaign=spring";
    let first = numbers(site, &View::nav(landing, None, T0), &pools);
    assert_eq!(first.outcome, SwapOutcome::Fallback);
    assert!(pools.calls().is_empty() && first.set_cookie.is_none());

    let next = numbers(
        site,
        &View::nav("https://x.test/contact", Some(ACCEPT.into()), T0 + MIN).after_page(landing),
        &pools,
    );
    assert_eq!(shown(&next), n("+15035550150"));
    let (pool, request) = &pools.calls()[0];
    assert_eq!(pool.as_str(), "t/+15035550142/google_ads");
    match &request.op {
        PoolOp::Lease { attribution, .. } => {
            assert_eq!(attribution.source.as_deref(), Some("google_ads"));
            assert_eq!(
                attribution.click_ids,
                [("gclid".to_string(), "G7".to_string())]
            );
            assert_eq!(attribution.utm_campaign.as_deref(), Some("spring"));
            assert!(
                attribution.landing_url.contains("/offer?"),
                "{}",
                attribution.landing_url
            );
        }
        other => panic!("{other:?}"),
    }

    // Only the site's own pages count, and only when this URL carries nothing itself.
    for (url, referer, source) in [
        (
            "https://x.test/contact",
            "https://other.test/?gclid=X",
            "default",
        ),
        (
            "https://x.test/contact",
            "http://x.test/offer?gclid=X",
            "default",
        ),
        (
            "https://x.test/contact?utm_source=news",
            "https://x.test/?gclid=X",
            "default",
        ),
        (
            "https://x.test/contact",
            "https://X.TEST/offer?gclid=Y",
            "google_ads",
        ),
    ] {
        let pools = MemoryPools::new();
        numbers(
            site,
            &View::nav(url, Some(ACCEPT.into()), T0).after_page(referer),
            &pools,
        );
        let (pool, _) = &pools.calls()[0];
        assert_eq!(
            pool.as_str(),
            format!("t/+15035550142/{source}"),
            "{url} from {referer}"
        );
    }
}

#[test]
fn declined_vendors_preload_hints_leave_the_link_header() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let pools = MemoryPools::new();
    let link = "</app.css>; rel=preload; as=style, \
                <https://connect.facebook.net/en_US/fbevents.js>; rel=preload; as=script";
    let plan_for = |cookie: &str| {
        let view = View::nav("https://x.test/", Some(cookie.to_string()), T0);
        let facts = view.facts();
        let decision = facts.decide(site);
        let numbers = numbers(site, &view, &pools);
        let head = OriginHead {
            link: Some(link),
            ..origin(200, "text/html", &[])
        };
        plan_response(site, &facts, &decision, &numbers, &head)
    };
    let declined = plan_for(DECLINE);
    assert_eq!(
        declined.link,
        Some(Some("</app.css>; rel=preload; as=style".to_string()))
    );
    assert_eq!(declined.link_hints_removed, 1);
    assert!(declined.header_edits().contains(&HeaderEdit::Set(
        "link",
        "</app.css>; rel=preload; as=style".into()
    )));
    let accepted = plan_for(ACCEPT);
    assert_eq!((accepted.link, accepted.link_hints_removed), (None, 0));
}
