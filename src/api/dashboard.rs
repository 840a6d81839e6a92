//! `/__dni/dashboard`: a small self-contained HTML page (inline SVG charts, no scripts, no
//! external resources) over a [`StatsReport`]: consent rates and swap outcomes per day,
//! consent signals, each pool's use, calls per source per day and calls per campaign.

use std::fmt::Write;

use super::ApiResponse;
use crate::observe::{CallsReport, DayCounters, StatsReport};

use dni_common::markup::escape as esc;

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d2a33}\
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse}td,th{padding:.2rem .8rem;text-align:left;border-bottom:1px solid #dde}\
.legend span{display:inline-block;margin-right:1rem}.sw{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}\
form{margin-top:2rem}input{font:inherit;padding:.3rem}button{font:inherit;padding:.3rem .8rem}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        esc(title)
    )
}

/// The sign-in page again, 401: the token was not valid.
pub fn refused() -> ApiResponse {
    ApiResponse::html(login_page(Some("That token is not valid.")), 401)
}

/// The sign-in form (the token is posted, never put in the URL).
pub fn login_page(message: Option<&str>) -> String {
    let msg = message
        .map(|m| format!("<p role=\"alert\">{}</p>", esc(m)))
        .unwrap_or_default();
    page(
        "consent-dni dashboard",
        &format!(
            "<h1>consent-dni dashboard</h1>{msg}<form method=\"post\" action=\"/__dni/dashboard\">\
<label>API token <input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"off\" required></label> \
<button type=\"submit\" id=\"show\">Show</button></form>"
        ),
    )
}

/// One stacked bar per day: `series` are (counter name, label, colour).
fn stacked_days(days: &[DayCounters], series: &[(&str, &str, &str)], id: &str) -> String {
    let width = 640.0;
    let height = 160.0;
    let n = days.len().max(1) as f64;
    let bar = (width / n * 0.7).min(48.0);
    let max = days
        .iter()
        .map(|d| {
            series
                .iter()
                .map(|(k, _, _)| d.counters.get(*k).copied().unwrap_or(0))
                .sum::<u64>()
        })
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let mut svg = format!(
        "<svg id=\"{id}\" role=\"img\" width=\"{width}\" height=\"{}\" viewBox=\"0 0 {width} {}\">",
        height + 20.0,
        height + 20.0
    );
    for (i, d) in days.iter().enumerate() {
        let x = i as f64 * (width / n) + (width / n - bar) / 2.0;
        let mut y = height;
        for (key, label, colour) in series {
            let v = d.counters.get(*key).copied().unwrap_or(0);
            if v == 0 {
                continue;
            }
            let h = v as f64 / max * height;
            y -= h;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{colour}\" data-series=\"{key}\" data-value=\"{v}\"><title>{} {}: {v}</title></rect>",
                esc(&d.day),
                esc(label)
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            x + bar / 2.0,
            height + 14.0,
            esc(d.day.get(5..).unwrap_or(&d.day))
        );
    }
    svg.push_str("</svg><p class=\"legend\">");
    for (_, label, colour) in series {
        let _ = write!(
            svg,
            "<span><i class=\"sw\" style=\"background:{colour}\"></i>{}</span>",
            esc(label)
        );
    }
    svg.push_str("</p>");
    svg
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "–".to_string()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

/// The dashboard for `report`.
pub fn dashboard_page(report: &StatsReport) -> String {
    let views = report.total("views");
    let granted = report.total("consent.granted");
    let mut body = format!(
        "<h1>consent-dni — {}</h1><p id=\"summary\">{views} page views in the last {} days; consent for swapping: \
<strong id=\"consent-rate\">{}</strong>; tracking numbers shown: <strong id=\"tracking-rate\">{}</strong>; overflows: <strong id=\"overflows\">{}</strong>.</p>",
        esc(&report.site),
        report.days.len(),
        percent(granted, views),
        percent(report.total("swap.tracking"), views),
        report.total("swap.overflow"),
    );
    body.push_str("<h2>Consent per day</h2>");
    body.push_str(&stacked_days(
        &report.days,
        &[
            ("consent.granted", "granted", "#2f8f5b"),
            ("consent.denied", "denied", "#c0504d"),
        ],
        "chart-consent",
    ));
    body.push_str("<h2>Numbers shown per day</h2>");
    body.push_str(&stacked_days(
        &report.days,
        &[
            ("swap.tracking", "tracking", "#2f6f9f"),
            ("swap.fallback", "fallback", "#d9a23b"),
            ("swap.overflow", "overflow", "#c0504d"),
            ("swap.untouched", "untouched", "#999"),
        ],
        "chart-swap",
    ));
    body.push_str(
        "<h2>Consent signals</h2><table id=\"signals\"><tr><th>signal</th><th>views</th></tr>",
    );
    let mut signals: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for d in &report.days {
        for (k, v) in &d.counters {
            if let Some(sig) = k.strip_prefix("signal.") {
                *signals.entry(sig).or_default() += v;
            }
        }
    }
    for (sig, v) in signals {
        let _ = write!(body, "<tr><td>{}</td><td>{v}</td></tr>", esc(sig));
    }
    body.push_str("</table><h2>Pools</h2><table id=\"pools\"><tr><th>target</th><th>source</th><th>in use</th><th>use</th><th>overflows</th></tr>");
    for p in &report.pools {
        let overflow: u64 = p
            .days
            .iter()
            .filter_map(|d| d.counters.get("overflow"))
            .sum();
        let used = if p.usage.numbers == 0 {
            0.0
        } else {
            p.usage.leased as f64 / p.usage.numbers as f64
        };
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{} / {}{}</td><td><svg width=\"120\" height=\"12\"><rect width=\"120\" height=\"12\" fill=\"#e6e9ee\"/>\
<rect class=\"pool-bar\" width=\"{:.1}\" height=\"12\" fill=\"#2f6f9f\"/></svg></td><td>{overflow}</td></tr>",
            esc(p.target.as_str()),
            esc(&p.source),
            p.usage.leased,
            p.usage.numbers,
            p.error.as_ref().map(|e| format!(" <em>({})</em>", esc(e))).unwrap_or_default(),
            used * 120.0
        );
    }
    body.push_str("</table>");
    calls_section(&report.calls, &mut body);
    page("consent-dni dashboard", &body)
}

const PALETTE: [&str; 8] = [
    "#2f6f9f", "#2f8f5b", "#d9a23b", "#8e5ea2", "#c0504d", "#3e9fa8", "#7f7f7f", "#b5651d",
];

/// Calls per source per day (stacked bars) and the campaign table.
fn calls_section(calls: &CallsReport, body: &mut String) {
    let _ = write!(
        body,
        "<h2>Calls per source per day</h2><p id=\"calls-summary\">{} calls{}.</p>",
        calls.total(),
        if calls.truncated {
            " (the newest 10,000)"
        } else {
            ""
        }
    );
    if let Some(e) = &calls.error {
        let _ = write!(body, "<p><em>({})</em></p>", esc(e));
    }
    let sources = calls.sources();
    let series: Vec<(&str, &str, &str)> = sources
        .iter()
        .zip(PALETTE.iter().cycle())
        .map(|(s, c)| (*s, *s, *c))
        .collect();
    body.push_str(&stacked_days(&calls.days, &series, "chart-calls"));
    body.push_str(
        "<h2>Calls per campaign</h2><table id=\"campaigns\"><tr><th>campaign (utm_campaign)</th><th>calls</th>\
<th>completed</th><th>talk time</th><th>consented</th></tr>",
    );
    for c in &calls.campaigns {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}:{:02}</td><td>{}</td></tr>",
            esc(&c.campaign),
            c.calls,
            c.completed,
            c.talk_seconds / 60,
            c.talk_seconds % 60,
            c.consented
        );
    }
    body.push_str("</table>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::PoolReport;
    use crate::pool::{DayCounters, PoolUse};

    fn report() -> StatsReport {
        let mut d = DayCounters {
            day: "2026-11-22".into(),
            ..Default::default()
        };
        for (k, v) in [
            ("views", 10),
            ("consent.granted", 6),
            ("consent.denied", 4),
            ("swap.tracking", 5),
            ("swap.overflow", 1),
            ("signal.<b>", 3),
        ] {
            d.counters.insert(k.into(), v);
        }
        StatsReport {
            calls: Default::default(),
            site: "demo<script>".into(),
            days: vec![d],
            pools: vec![PoolReport {
                target: dni_numbers::E164::parse("+15035550142").unwrap(),
                source: "default".into(),
                usage: PoolUse {
                    numbers: 4,
                    leased: 2,
                    provisional: 1,
                },
                days: vec![],
                error: None,
            }],
        }
    }

    #[test]
    fn shows_rates_and_charts() {
        let html = dashboard_page(&report());
        assert!(html.contains("id=\"consent-rate\">60%"));
        assert!(html.contains("id=\"tracking-rate\">50%"));
        assert!(html.contains("data-series=\"consent.granted\" data-value=\"6\""));
        assert!(html.contains("2 / 4"));
        assert!(html.contains("class=\"pool-bar\" width=\"60.0\""));
    }

    #[test]
    fn escapes_everything_it_prints() {
        let html = dashboard_page(&report());
        assert!(!html.contains("<script>"));
        assert!(html.contains("demo&lt;script&gt;"));
        assert!(html.contains("&lt;b&gt;"));
    }

    #[test]
    fn calls_per_source_and_campaign_are_charted_and_escaped() {
        let mut r = report();
        let mut day = DayCounters {
            day: "2026-11-22".into(),
            ..Default::default()
        };
        day.counters.insert("google_ads".into(), 3);
        day.counters.insert("untracked".into(), 1);
        r.calls = CallsReport {
            days: vec![day],
            campaigns: vec![crate::observe::CampaignRow {
                campaign: "<img src=x onerror=alert(1)>".into(),
                calls: 4,
                completed: 2,
                talk_seconds: 185,
                consented: 1,
            }],
            truncated: true,
            error: None,
        };
        let html = dashboard_page(&r);
        assert!(html.contains("id=\"calls-summary\">4 calls (the newest 10,000)."));
        assert!(html.contains("data-series=\"google_ads\" data-value=\"3\""));
        assert!(html.contains("data-series=\"untracked\" data-value=\"1\""));
        assert!(html.contains(
            "<td>&lt;img src=x onerror=alert(1)&gt;</td><td>4</td><td>2</td><td>3:05</td><td>1</td>"
        ));
        assert!(!html.contains("<img"));
    }

    #[test]
    fn empty_report_renders() {
        let html = dashboard_page(&StatsReport {
            site: "s".into(),
            days: vec![],
            pools: vec![],
            calls: Default::default(),
        });
        assert!(html.contains("0 page views"));
        assert!(html.contains("–"));
    }
}
