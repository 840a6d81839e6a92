//! The `Link` response header (RFC 8288): `rel=preload`, `preconnect`, `modulepreload`...
//! make the browser fetch, and on Cloudflare the header also becomes a `103 Early Hints`
//! response. A declined vendor's entry goes, like the same hint written as a `<link>` in
//! the page.

use dni_common::Category;

use crate::Catalog;

/// What [`filter_link_header`] kept of a `Link` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkFilter {
    /// The header to send: `None` when every entry was removed.
    pub kept: Option<String>,
    /// Entries removed (declined vendors' URLs).
    pub removed: u32,
}

/// Removes from `value` the entries whose target URL belongs to a vendor whose category
/// is in `declined` (its scripts, pixels and frames: [`Catalog::script_src`] and
/// [`Catalog::resource`]; relative targets resolved against `page_path`). Every other entry
/// is kept byte for byte. An entry that cannot be read (no `<…>` target) is kept.
pub fn filter_link_header(
    value: &str,
    catalog: &Catalog,
    declined: &[Category],
    page_path: &str,
) -> LinkFilter {
    let mut kept: Vec<&str> = Vec::new();
    let mut removed = 0u32;
    for entry in split_entries(value) {
        let blocked = target(entry).is_some_and(|url| {
            catalog
                .script_src(url, page_path)
                .or_else(|| catalog.resource(url, page_path))
                .is_some_and(|m| declined.contains(&m.category))
        });
        if blocked {
            removed = removed.saturating_add(1);
        } else {
            kept.push(entry);
        }
    }
    LinkFilter {
        kept: (!kept.is_empty()).then(|| kept.join(", ")),
        removed,
    }
}

/// The entries of a `Link` value: split at commas outside `<…>` and quoted strings,
/// trimmed, empty ones dropped.
fn split_entries(value: &str) -> Vec<&str> {
    let mut entries = Vec::new();
    let (mut in_uri, mut in_quote, mut escaped) = (false, false, false);
    let mut start = 0;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quote => escaped = true,
            '"' if !in_uri => in_quote = !in_quote,
            '<' if !in_quote => in_uri = true,
            '>' if !in_quote => in_uri = false,
            ',' if !in_uri && !in_quote => {
                entries.push(value.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            _ => {}
        }
    }
    entries.push(value.get(start..).unwrap_or(""));
    entries
        .into_iter()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect()
}

/// The `<…>` target of one entry.
fn target(entry: &str) -> Option<&str> {
    let rest = entry.trim_start().strip_prefix('<')?;
    let end = rest.find('>')?;
    rest.get(..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_split_outside_targets_and_quotes() {
        assert_eq!(
            split_entries(
                r#"<https://a.test/x,y.js>; rel=preload; title="a, b", </s.css>; rel=preload,,"#
            ),
            [
                r#"<https://a.test/x,y.js>; rel=preload; title="a, b""#,
                "</s.css>; rel=preload"
            ]
        );
        assert_eq!(
            target(" <https://a.test/>; rel=preconnect"),
            Some("https://a.test/")
        );
        assert_eq!(target("rel=preconnect"), None);
    }
}
