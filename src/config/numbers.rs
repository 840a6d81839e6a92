//! Checks on the numbers and placeholders of every site, run by
//! [`check_config`](super::check_config) on the document as written (JSON values), so
//! they run whatever else failed to parse:
//!
//! * numbering plan ([`dni_numbers::plan`]): a number that cannot exist (`+1503555019`, one
//!   digit short; an unassigned country code; a NANP area code such as 911; a French number
//!   of 8 digits) is an error at its key;
//! * template placeholders left in a real site (one whose upstream is not the bundled demo):
//!   `example.com` hosts and cookie domain, account id `12345`, numbers reserved for
//!   fiction (555-01xx, Ofcom drama ranges) are warnings;
//! * a tracking number in the pools of two sites is a warning: each site's pool may lease
//!   it to a visitor at the same time, and a call is then attributed to only one of them.

use std::collections::{HashMap, HashSet};

use dni_common::ConfigIssue;
use dni_numbers::{plan, E164};
use serde_json::Value;

const TEMPLATE_HINT: &str = "left from the wrangler.toml template: replace it with yours";
const DIGITS_HINT: &str = "check the number digit by digit against your provider's console";

fn is_example_domain(host: &str) -> bool {
    let h = host
        .trim_start_matches("*.")
        .trim_start_matches('.')
        .to_ascii_lowercase();
    ["example.com", "example.org", "example.net"]
        .iter()
        .any(|d| h == *d || h.ends_with(&format!(".{d}")))
}

fn strs(v: Option<&Value>) -> Vec<(usize, &str)> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .enumerate()
                .filter_map(|(i, x)| x.as_str().map(|s| (i, s)))
                .collect()
        })
        .unwrap_or_default()
}

/// Every number string of a site's targets: (path, value, is a tracking number, target index).
fn numbers<'a>(site: &'a Value, sp: &str) -> Vec<(String, &'a str, bool, usize)> {
    let mut out = Vec::new();
    let targets = site.get("targets").and_then(Value::as_array);
    for (t, target) in targets.into_iter().flatten().enumerate() {
        let p = format!("{sp}.targets[{t}]");
        for key in ["number", "fallback"] {
            if let Some(s) = target.get(key).and_then(Value::as_str) {
                out.push((format!("{p}.{key}"), s, false, t));
            }
        }
        let sources = target.get("sources").and_then(Value::as_array);
        for (s, source) in sources.into_iter().flatten().enumerate() {
            for (n, number) in strs(source.get("numbers")) {
                out.push((format!("{p}.sources[{s}].numbers[{n}]"), number, true, t));
            }
        }
    }
    out
}

/// `sites` as written; `parsed` holds `(site, target)` for targets that were read (their
/// own validation reports numbers that are not E.164 at all).
pub(crate) fn check_numbers(
    sites: &[Value],
    parsed: &HashSet<(usize, usize)>,
    issues: &mut Vec<ConfigIssue>,
) {
    let mut tracking_use: HashMap<&str, (usize, String)> = HashMap::new();
    for (i, site) in sites.iter().enumerate() {
        let sp = format!("sites[{i}]");
        let real = site.get("upstream").and_then(Value::as_str) != Some("assets");
        for (path, raw, is_tracking, t) in numbers(site, &sp) {
            if !number_plan_checked(raw, &path, real, !parsed.contains(&(i, t)), issues) {
                continue;
            }
            if is_tracking {
                pooled_once(&mut tracking_use, raw, (i, path), issues);
            }
        }
        if real {
            template_placeholders(site, &sp, issues);
            calls_placeholders(site.get("calls"), &sp, issues);
        }
    }
}

/// The number at `path` against the numbering plan (and, on a `real` site, the fictional
/// ranges); `false` when it is not E.164 (reported here only if `report_unparsed`: a target
/// that was read has had its numbers refused by its own parser).
fn number_plan_checked(
    raw: &str,
    path: &str,
    real: bool,
    report_unparsed: bool,
    issues: &mut Vec<ConfigIssue>,
) -> bool {
    let n = match E164::parse(raw) {
        Ok(n) => n,
        Err(e) => {
            if report_unparsed {
                issues.push(ConfigIssue::new(path, format!("`{raw}`: {e}")).with_hint(DIGITS_HINT));
            }
            return false;
        }
    };
    let before = issues.len();
    dni_calls::number_plan(&n, path, issues);
    if issues.len() == before && real {
        if let Some(p) = plan::placeholder(&n) {
            issues
                .push(ConfigIssue::warning(path, format!("`{n}` is {p}")).with_hint(TEMPLATE_HINT));
        }
    }
    true
}

/// A tracking number in the pools of two sites is a warning (at its second use).
fn pooled_once<'a>(
    tracking_use: &mut HashMap<&'a str, (usize, String)>,
    raw: &'a str,
    (site, path): (usize, String),
    issues: &mut Vec<ConfigIssue>,
) {
    match tracking_use.get(raw) {
        Some((other, at)) if *other != site => issues.push(
            ConfigIssue::warning(&path, format!("`{raw}` is also in a pool at {at}"))
                .with_hint("each site's pool leases it on its own: two visitors may hold it at once and a call is attributed to only one; give each site its own numbers"),
        ),
        Some(_) => {}
        None => {
            tracking_use.insert(raw, (site, path));
        }
    }
}

/// The template's example hosts, account id and cookie domain left in a real site.
fn template_placeholders(site: &Value, sp: &str, issues: &mut Vec<ConfigIssue>) {
    for (j, host) in strs(site.get("hosts")) {
        if is_example_domain(host) {
            issues.push(
                ConfigIssue::warning(
                    format!("{sp}.hosts[{j}]"),
                    format!("`{host}` is the template's example domain"),
                )
                .with_hint(TEMPLATE_HINT),
            );
        }
    }
    let session = site.get("session");
    if session.and_then(|s| s.get("cookie_name")).is_none()
        && session
            .and_then(|s| s.get("account_id"))
            .and_then(Value::as_str)
            == Some("12345")
    {
        issues.push(
            ConfigIssue::warning(
                format!("{sp}.session.account_id"),
                "`12345` is the template's example account id",
            )
            .with_hint("use your CallTrackingMetrics account id, or any id of yours: the session cookie is ct{account_id}"),
        );
    }
    if let Some(d) = site
        .get("vendors")
        .and_then(|v| v.get("cookie_domain"))
        .and_then(Value::as_str)
        .filter(|d| is_example_domain(d))
    {
        issues.push(
            ConfigIssue::warning(
                format!("{sp}.vendors.cookie_domain"),
                format!("`{d}` is the template's example domain"),
            )
            .with_hint(TEMPLATE_HINT),
        );
    }
}

/// Fictional route numbers and an example-domain webhook in a real site's `calls`.
fn calls_placeholders(calls: Option<&Value>, sp: &str, issues: &mut Vec<ConfigIssue>) {
    let routes = calls
        .and_then(|c| c.get("routes"))
        .and_then(Value::as_array);
    for (r, route) in routes.into_iter().flatten().enumerate() {
        let to = route.get("to").and_then(Value::as_str).map(E164::parse);
        if let Some(Ok(n)) = to {
            if let Some(p) = plan::placeholder(&n) {
                issues.push(
                    ConfigIssue::warning(
                        format!("{sp}.calls.routes[{r}].to"),
                        format!("`{n}` is {p}"),
                    )
                    .with_hint(TEMPLATE_HINT),
                );
            }
        }
    }
    if let Some(url) = calls
        .and_then(|c| c.get("webhook"))
        .and_then(|w| w.get("url"))
        .and_then(Value::as_str)
    {
        let host = url
            .trim_start_matches("https://")
            .split(['/', ':', '?'])
            .next()
            .unwrap_or("");
        if is_example_domain(host) {
            issues.push(
                ConfigIssue::warning(
                    format!("{sp}.calls.webhook.url"),
                    format!("`{url}` is on the template's example domain"),
                )
                .with_hint(TEMPLATE_HINT),
            );
        }
    }
}
