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
use consent_dni::response::{plan_response, OriginHead};
use consent_dni::runtime::{Runtime, Site};
use consent_dni::session::{numbers_for, run_background, Numbers, SessionInputs};
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
    cookie: Option<String>,
    dest: &'a str,
    ua: &'a str,
    now: i64,
}

impl<'a> View<'a> {
    fn nav(url: &'a str, cookie: Option<String>, now: i64) -> View<'a> {
        View {
            url,
            cookie,
            dest: "document",
            ua: "Mozilla/5.0 Firefox/140.0",
            now,
        }
    }

    fn facts(&self) -> RequestFacts {
        let mut headers: Vec<(&str, &str)> =
            vec![("sec-fetch-dest", self.dest), ("user-agent", self.ua)];
        if let Some(c) = &self.cookie {
            headers.push(("cookie", c));
        }
        let edge = EdgeFacts {
            country: Some("DE".into()),
            region: None,
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
    let facts = view.facts();
    let decision = facts.decide(site);
    let crawler =
        dni_rewrite::is_crawler(&facts.user_agent, &site.config.rewrite.crawler_user_agents);
    let inputs = SessionInputs {
        site,
        facts: &facts,
        swap_allowed: decision.swap,
        crawler,
        secret,
        navigation: facts.navigation,
        amp: false,
    };
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
    assert!(third.background.is_empty());
    assert_eq!(shown(&third), n("+15035550150"));
}

#[test]
fn a_lease_close_to_idling_out_is_renewed_in_the_background_without_a_lost_update() {
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
    pools.clear_calls();

    // 20 minutes later (less than half the 30-minute idle timeout left): the view does not
    // wait for the pool, the cookie carries the extended lease, the renewal runs afterwards.
    let later = T0 + 21 * MIN;
    let view = numbers(
        site,
        &View::nav("https://x.test/", Some(with_session(&cookie)), later),
        &pools,
    );
    assert!(
        pools.calls().is_empty(),
        "the view waited for {:?}",
        ops(&pools)
    );
    assert_eq!(view.background.len(), 1);
    let renewed = token_of(view.set_cookie.as_ref().unwrap()).leases[0].until_ms;
    assert_eq!(renewed, later + 30 * MIN);
    assert!(renewed > until);
    let errors = ready(run_background(view.background, later, &pools));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ops(&pools), ["renew"]);
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
    let sent = plan.cookie.unwrap().unwrap();
    assert!(
        sent.contains("cart=42")
            && sent.contains("OptanonConsent=")
            && !sent.contains("_ga")
            && !sent.contains("_fbp"),
        "{sent}"
    );
    assert!(plan.unconditional);
    let mut sub = View::nav("https://x.test/a.css", Some(ACCEPT.into()), T0);
    sub.dest = "style";
    let facts = sub.facts();
    let plan = plan_upstream(site, &facts, &facts.decide(site).declined());
    assert_eq!(
        (plan.cookie, plan.unconditional, plan.cookies_withheld),
        (None, false, 0)
    );
}

fn origin<'a>(status: u16, content_type: &'a str, set_cookies: &'a [String]) -> OriginHead<'a> {
    OriginHead {
        status,
        content_type: Some(content_type),
        set_cookies,
        vary: Some("Accept-Encoding"),
        cache_control: Some("public, max-age=600, s-maxage=3600"),
        csp: &[],
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
    assert_eq!(plan.vary.as_deref(), Some("Accept-Encoding, Cookie"));
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
fn the_calls_api_answers_with_the_landing_attribution_and_twiml() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let pools = MemoryPools::new();
    let view = numbers(
        site,
        &View::nav(
            "https://x.test/landing?gclid=G7&utm_campaign=spring",
            Some(ACCEPT.into()),
            T0,
        ),
        &pools,
    );
    let tracking = shown(&view);
    let body = format!(r#"{{"called": "{tracking}", "at": {}}}"#, T0 + 5 * MIN);
    let r = ready(api::calls::answer(
        site,
        "application/json",
        body.as_bytes(),
        T0 + 6 * MIN,
        &pools,
    ))
    .unwrap();
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["target"], "+15035550142");
    assert_eq!(v["attribution"]["source"], "google_ads");
    assert_eq!(v["attribution"]["click_ids"]["gclid"], "G7");
    assert_eq!(v["attribution"]["utm_campaign"], "spring");

    let form = format!(
        "To=%2B{}&From=%2B15035559999&CallSid=CA1",
        &tracking.as_str()[1..]
    );
    let r = ready(api::calls::answer(
        site,
        "application/x-www-form-urlencoded",
        form.as_bytes(),
        T0,
        &pools,
    ))
    .unwrap();
    assert!(
        r.body
            .contains("<Dial callerId=\"+15035559999\">+15035550142</Dial>"),
        "{}",
        r.body
    );

    let r = ready(api::calls::answer(
        site,
        "application/json",
        br#"{"called": "+15035559998"}"#,
        T0,
        &pools,
    ))
    .unwrap();
    assert_eq!(r.status, 404);
    let e = ready(api::calls::answer(
        site,
        "application/json",
        br#"{"called": 5}"#,
        T0,
        &pools,
    ))
    .unwrap_err();
    assert_eq!(e.status(), 400);
    let e = ready(api::calls::answer(site, "text/csv", b"x", T0, &pools)).unwrap_err();
    assert_eq!(e.status(), 415);
    let ads = site.pool(0, 0).unwrap().name.clone();
    pools.break_storage(&ads, true);
    let e = ready(api::calls::answer(
        site,
        "application/json",
        body.as_bytes(),
        T0,
        &pools,
    ))
    .unwrap_err();
    assert_eq!(e.status(), 502, "a storage fault is not 'no attribution'");
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

#[test]
fn amp_numbers_are_leased_with_a_30_day_cookie_and_amp_cors() {
    let rt = runtime(&["+15035550150"]);
    let site = site(&rt);
    let pools = MemoryPools::new();
    let mut view = View::nav(
        "https://x.test/__dni/number?target=%2B15035550142",
        Some(ACCEPT.into()),
        T0,
    );
    view.dest = "empty";
    let facts = view.facts();
    let q = api::number::NumberQuery {
        target: Some("+15035550142".into()),
        source_origin: Some("https://x.test".into()),
    };
    let (r, background) = ready(api::number::answer(
        site,
        &facts,
        &q,
        Some("https://x-test.cdn.ampproject.org"),
        Some(SECRET),
        || Some([9; 16]),
        &pools,
    ))
    .unwrap();
    assert!(background.is_empty());
    assert_eq!(
        r.body,
        r#"{"phoneNumber":"+15035550170","formattedPhoneNumber":"(503) 555-0170"}"#
    );
    let header = |name: &str| {
        r.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        header("Access-Control-Allow-Origin").as_deref(),
        Some("https://x-test.cdn.ampproject.org")
    );
    assert!(header("set-cookie").unwrap().ends_with("Max-Age=2592000"));
    let e = ready(api::number::answer(
        site,
        &facts,
        &q,
        Some("https://evil.test"),
        Some(SECRET),
        || Some([9; 16]),
        &pools,
    ))
    .unwrap_err();
    assert_eq!(e.status(), 403);
    let bad = api::number::NumberQuery {
        target: Some("555".into()),
        source_origin: None,
    };
    assert_eq!(
        ready(api::number::answer(
            site,
            &facts,
            &bad,
            None,
            Some(SECRET),
            || None,
            &pools
        ))
        .unwrap_err()
        .status(),
        400
    );
    let other = api::number::NumberQuery {
        target: Some("+15035550100".into()),
        source_origin: None,
    };
    assert_eq!(
        ready(api::number::answer(
            site,
            &facts,
            &other,
            None,
            Some(SECRET),
            || None,
            &pools
        ))
        .unwrap_err()
        .status(),
        404
    );
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
