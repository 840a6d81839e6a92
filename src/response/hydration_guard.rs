//! The hydration guard: a small inline script (`assets/hydration-guard.js`, minified into
//! `assets/hydration-guard.min.js` by `npm run build:guard`) that keeps the swapped numbers
//! through a framework's hydration and later client renders. It carries only the visitor's
//! target → number map and the site's attributes: no session id, no identifier.

use dni_numbers::E164;
use serde::Serialize;

/// The minified guard; `__DNI_GUARD_CONFIG__` is replaced by [`GuardConfig`] as JSON.
pub const GUARD_SCRIPT: &str = include_str!("../../assets/hydration-guard.min.js");
const PLACEHOLDER: &str = "__DNI_GUARD_CONFIG__";

/// What the guard is told.
#[derive(Debug, Serialize)]
struct GuardConfig<'a> {
    /// Target → the visitor's number, E.164.
    pairs: Vec<[&'a str; 2]>,
    /// Attributes rewritten like text.
    attributes: &'a [String],
}

/// The guard's script text for these swaps, or `None` when no number changes.
pub fn guard_script(swaps: &[(E164, E164)], attributes: &[String]) -> Option<String> {
    let pairs: Vec<[&str; 2]> = swaps
        .iter()
        .filter(|(t, r)| t != r)
        .map(|(t, r)| [t.as_str(), r.as_str()])
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let json = serde_json::to_string(&GuardConfig { pairs, attributes }).ok()?;
    // Inside <script>: `<` must not start `</script>` or `<!--`.
    let json = json.replace('<', "\\u003c");
    Some(GUARD_SCRIPT.trim_end().replacen(PLACEHOLDER, &json, 1))
}

/// The element inserted into the page: the script, with the page's CSP nonce if it uses one.
pub fn guard_element(script: &str, nonce: Option<&str>) -> String {
    let mut out = String::from("<script data-dni-hydration-guard");
    if let Some(nonce) = nonce {
        out.push_str(" nonce=\"");
        dni_common::markup::push_escaped(&mut out, nonce);
        out.push('"');
    }
    out.push('>');
    out.push_str(script);
    out.push_str("</script>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> E164 {
        E164::parse(s).unwrap()
    }

    #[test]
    fn the_script_carries_only_the_changed_pairs_and_attributes() {
        assert_eq!(GUARD_SCRIPT.matches(PLACEHOLDER).count(), 1);
        let swaps = [
            (n("+15035550142"), n("+15035550170")),
            (n("+15035550187"), n("+15035550187")),
        ];
        let js = guard_script(&swaps, &["aria-label".into(), "data-x<y".into()]).unwrap();
        assert!(!js.contains(PLACEHOLDER));
        assert!(js.contains(r#"{"pairs":[["+15035550142","+15035550170"]],"attributes":["aria-label","data-x\u003cy"]}"#), "{js}");
        assert!(!js.contains("15035550187"));
        assert!(!js.contains("</script"));
        assert_eq!(guard_script(&swaps[1..], &[]), None);
        assert_eq!(
            guard_element("g()", Some("a\"b")),
            "<script data-dni-hydration-guard nonce=\"a&quot;b\">g()</script>"
        );
    }
}
