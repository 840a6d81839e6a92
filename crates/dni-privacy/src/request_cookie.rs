//! Filtering the request `Cookie` header before it reaches the origin.

use dni_common::cookie_header::cookie_pairs;
use dni_common::Category;

use crate::catalog::{is_declined, Catalog};

/// The outcome of [`filter_cookie_header`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CookieHeaderFilter {
    /// The `Cookie` header to send to the origin; `None` when every pair was removed (drop
    /// the header). Identical to the input when nothing was removed.
    pub header: Option<String>,
    /// Names of the removed pairs, in header order (a duplicated name appears twice).
    pub removed: Vec<String>,
}

/// Removes the pairs of declined vendors' cookies from a request `Cookie` header.
///
/// Every other pair is kept exactly as sent, in order; between two pairs that were adjacent
/// the original separator text is kept, and where pairs were removed `"; "` joins the
/// survivors. Parsing follows browsers (split at every `;`, no quote handling: a browser never
/// sends `;` inside a value).
pub fn filter_cookie_header(
    header: &str,
    catalog: &Catalog,
    declined: &[Category],
) -> CookieHeaderFilter {
    let base = header.as_ptr() as usize;
    let mut removed = Vec::new();
    let mut out = String::new();
    // End offset of the last kept pair, when it directly precedes the next pair.
    let mut last_kept_end: Option<usize> = None;
    let mut any_kept = false;
    for pair in cookie_pairs(header) {
        // `raw` is a sub-slice of `header`; its offset locates the original separators.
        let start = (pair.raw.as_ptr() as usize).checked_sub(base);
        let end = start.map(|s| s + pair.raw.len());
        let drop = catalog
            .cookie_category(pair.name)
            .is_some_and(|(_, c)| is_declined(declined, c));
        if drop {
            removed.push(pair.name.to_owned());
            last_kept_end = None;
            continue;
        }
        if any_kept {
            match last_kept_end
                .zip(start)
                .and_then(|(prev, start)| header.get(prev..start))
            {
                Some(sep) => out.push_str(sep),
                None => out.push_str("; "),
            }
        }
        out.push_str(pair.raw);
        any_kept = true;
        last_kept_end = end;
    }
    let header = if removed.is_empty() {
        Some(header.to_owned())
    } else if any_kept {
        Some(out)
    } else {
        None
    };
    CookieHeaderFilter { header, removed }
}
