//! `Cache-Control` for a personalised response.

/// Directives addressed to shared caches only, dropped once the response is `private`.
const SHARED_ONLY: [&str; 4] = ["public", "s-maxage", "proxy-revalidate", "private"];

/// Directives with a delta-seconds value where the smaller value is the stricter one.
const SECONDS: [&str; 3] = ["max-age", "stale-while-revalidate", "stale-if-error"];

/// `Cache-Control` for a response carrying a visitor's tracking number: `private` merged with
/// the origin's directives, never loosening them.
///
/// `public`, `s-maxage`, `proxy-revalidate` and the origin's own `private` (possibly
/// qualified) are dropped; every other directive (`no-store`, `no-cache`, `max-age`,
/// `must-revalidate`, extensions...) is kept in order, its name lowercased and its value as
/// sent. Exact duplicates appear once; duplicated `max-age` / `stale-while-revalidate` /
/// `stale-if-error` keep the smallest value (a malformed value counts as 0). Commas inside
/// quoted strings (`no-cache="Set-Cookie, X"`) do not split directives.
pub fn private_cache_control(origin: Option<&str>) -> String {
    let mut kept: Vec<(String, Option<String>)> = Vec::new();
    for raw in split_directives(origin.unwrap_or("")) {
        let (name, value) = match raw.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (raw, None),
        };
        let name = name.to_ascii_lowercase();
        if name.is_empty() || SHARED_ONLY.contains(&name.as_str()) {
            continue;
        }
        if SECONDS.contains(&name.as_str()) {
            let secs = value
                .and_then(|v| v.trim_matches('"').parse::<u64>().ok())
                .unwrap_or(0);
            if let Some(existing) = kept.iter_mut().find(|(n, _)| *n == name) {
                let old = existing
                    .1
                    .as_deref()
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
                existing.1 = Some(old.min(secs).to_string());
            } else {
                kept.push((name, Some(secs.to_string())));
            }
            continue;
        }
        let value = value.map(str::to_owned);
        if !kept.iter().any(|(n, v)| *n == name && *v == value) {
            kept.push((name, value));
        }
    }
    let mut out = String::from("private");
    for (name, value) in kept {
        out.push_str(", ");
        out.push_str(&name);
        if let Some(v) = value {
            out.push('=');
            out.push_str(&v);
        }
    }
    out
}

/// Comma-separated items, trimmed, empty ones skipped, commas inside `"..."` ignored.
fn split_directives(header: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in header.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                items.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&header[start..]);
    items
        .into_iter()
        .map(|s| s.trim_matches(|c: char| c == ' ' || c == '\t'))
        .filter(|s| !s.is_empty())
        .collect()
}
