//! `Vary` for a response that depends on the visitor's cookies and privacy signals.

/// The origin's `Vary` with `Cookie` added once (case-insensitive), keeping the origin's
/// values in order (trimmed, empty items dropped, joined with `", "`). `*` stays `*`.
pub fn vary_with_cookie(origin: Option<&str>) -> String {
    vary_with(origin, &["Cookie"])
}

/// The origin's `Vary` with each of `names` added once (case-insensitive), keeping the
/// origin's values in order (trimmed, empty items dropped, joined with `", "`). `*` stays
/// `*`.
pub fn vary_with(origin: Option<&str>, names: &[&str]) -> String {
    let items: Vec<&str> = origin
        .unwrap_or("")
        .split(',')
        .map(|s| s.trim_matches(|c: char| c == ' ' || c == '\t'))
        .filter(|s| !s.is_empty())
        .collect();
    if items.contains(&"*") {
        return "*".to_owned();
    }
    let mut out = items.join(", ");
    for name in names {
        if !items.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(name);
        }
    }
    out
}
