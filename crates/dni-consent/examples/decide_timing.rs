//! Rough per-request cost of `decide` (not a test): `cargo run --release -p dni-consent --example decide_timing`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use std::hint::black_box;
use std::time::Instant;

use dni_consent::{decide, ConsentConfig, ConsentRequest};

fn main() {
    let config = ConsentConfig::default();
    let typical = "_ga=GA1.2.1.1; _gid=GA1.2.3.4; OptanonAlertBoxClosed=2021-10-19T03:31:41.236Z; OptanonConsent=isGpcEnabled=0&datestamp=Tue+Oct+19+2021&version=6.20.0&isIABGlobal=false&hosts=&consentId=0c737b02&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0003%3A1%2CC0002%3A1%2CC0004%3A1&geolocation=TW%3BTPE&AwaitingReconsent=false; euconsent-v2=CQbB_cAQbB_cAAHABBENCFFsAP_gAAAAAAAAHXwCAAIAAqABaAFsAUgBZgF5gOvAAAAKSgAwABBd8pABgACC75CADAAEF3x0AGAAILvhIAMAAQXf.f_wAAAAAAAAA";
    let tcf_only = "_ga=GA1.2.1.1; euconsent-v2=CQbB_cAQbB_cAAHABBENCFFsAP_gAAAAAAAAHXwCAAIAAqABaAFsAUgBZgF5gOvAAAAKSgAwABBd8pABgACC75CADAAEF3x0AGAAILvhIAMAAQXf.f_wAAAAAAAAA";
    let big: String = (0..400)
        .map(|i| format!("c{i}={}; ", "v".repeat(240)))
        .collect();
    for (label, header) in [
        ("onetrust + tcf", typical),
        ("tcf only", tcf_only),
        ("no CMP cookie, 100 KB header", big.as_str()),
    ] {
        let request = ConsentRequest {
            cookie_header: Some(header),
            sec_gpc: Some("1"),
            country: Some("DE"),
            region: None,
            now_ms: 1_764_547_200_000,
        };
        let n = if header.len() > 10_000 {
            2_000
        } else {
            200_000
        };
        let start = Instant::now();
        for _ in 0..n {
            black_box(decide(black_box(&config), black_box(&request)));
        }
        let per = start.elapsed().as_nanos() as f64 / n as f64;
        println!(
            "{label:32} {:>8.2} µs/decision ({} byte header)",
            per / 1000.0,
            header.len()
        );
    }
}
