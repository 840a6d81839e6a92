#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Leases per second on the in-memory store: a 50-number pool under churn, plus the
//! per-request costs of the session token and landing classification.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dni_numbers::E164;
use dni_sessions::{
    classify, Attribution, Landing, LeaseOutcome, LeasePolicy, MemoryPoolStore, Pool, SessionId,
    SessionToken, TargetConfig, TokenLease,
};

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

fn churn(c: &mut Criterion) {
    let numbers: Vec<E164> = (0..50)
        .filter_map(|i| E164::parse(&format!("+1555000{i:04}")).ok())
        .collect();
    let attribution = Attribution {
        source: Some("google_ads".into()),
        ..Attribution::default()
    };
    let policy = LeasePolicy::default();
    let mut group = c.benchmark_group("pool_50_numbers");
    group.throughput(Throughput::Elements(1));
    group.bench_function("lease_under_churn", |b| {
        let mut store = MemoryPoolStore::with_numbers(&numbers);
        let mut now = 1_795_341_600_000i64;
        let mut i = 0u64;
        b.iter(|| {
            // A new visitor every 2 s; every third returns and confirms; leases idle out
            // after 30 minutes, so the pool stays full and recycles continuously.
            now += 2_000;
            i += 1;
            let mut id = [0u8; 16];
            id[..8].copy_from_slice(&i.to_be_bytes());
            let session = SessionId(id);
            let mut pool = Pool::new(&mut store, policy);
            let out = pool.lease(&session, now, &attribution, true);
            if let (Ok(LeaseOutcome::Leased { number, .. }), 0) = (&out, i % 3) {
                let _ = black_box(pool.confirm(&session, number, now + 1));
            }
            if i.is_multiple_of(500) {
                let _ = pool.release_idle(now);
                let _ = pool.prune_history(now);
            }
            black_box(out)
        })
    });
    group.finish();
}

fn per_request(c: &mut Criterion) {
    let target: TargetConfig = serde_json::from_str(
        r#"{"number": "+15551234567", "fallback": "+15559990000", "sources": [
        {"name": "google_ads", "when": {"click_ids": ["gclid", "gbraid", "wbraid"]}, "numbers": ["+15550000001"]},
        {"name": "newsletter", "when": {"utm_medium": {"matches": "^e-?mail$"}}, "numbers": ["+15550000002"]},
        {"name": "search", "when": {"referrer": "search"}, "numbers": ["+15550000003"]},
        {"name": "default", "numbers": ["+15550000004"]}]}"#,
    )
    .unwrap();
    let mut token = SessionToken::new([7; 16], 1_795_341_600_000);
    token.leases.push(TokenLease {
        number: E164::parse("+15550000003").unwrap(),
        until_ms: 1_795_343_400_000,
        provisional: false,
    });
    let value = token.encode(SECRET);
    c.bench_function("token_decode", |b| {
        b.iter(|| SessionToken::decode(black_box(&value), SECRET, 1_795_341_700_000))
    });
    c.bench_function("token_encode", |b| {
        b.iter(|| black_box(&token).encode(SECRET))
    });
    c.bench_function("landing_classify_attribute", |b| {
        b.iter(|| {
            let landing = Landing::parse(
                black_box("https://www.example.com/services/plumbing?utm_source=google&utm_medium=organic&utm_campaign=spring+sale"),
                Some("https://www.google.co.uk/"),
                1_795_341_600_000,
            );
            let s = classify(&target, &landing);
            Attribution::new(&landing, &target, s)
        })
    });
}

criterion_group!(benches, churn, per_request);
criterion_main!(benches);
