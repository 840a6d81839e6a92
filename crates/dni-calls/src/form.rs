//! `application/x-www-form-urlencoded` bodies and query strings, decoded exactly as the
//! providers sign them (`+` is a space, `%XX` a byte), with bounds.

use percent_encoding::percent_decode_str;

/// Most pairs read from one form or query; the rest are ignored (a provider webhook has
/// about 20).
pub const MAX_PAIRS: usize = 200;

/// Decodes one component (`+` = space, `%XX`), lossily for invalid UTF-8.
pub fn decode(raw: &str) -> String {
    let spaced = raw.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

/// The decoded `(name, value)` pairs of `text` in order (empty names skipped), at most
/// [`MAX_PAIRS`].
pub fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let k = decode(k);
            (!k.is_empty()).then(|| (k, decode(v)))
        })
        .take(MAX_PAIRS)
        .collect()
}

/// The first value of `name` in `pairs`.
pub fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A URL split at its query: `(without query, query)`; a fragment is dropped.
pub fn split_query(url: &str) -> (&str, &str) {
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    url.split_once('?').unwrap_or((url, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_a_form() {
        let p = pairs("To=%2B15550000001&From=+15557654321&a=1+2&=x&b&c=%E2%82%AC");
        assert_eq!(
            p,
            vec![
                ("To".into(), "+15550000001".into()),
                ("From".into(), " 15557654321".into()),
                ("a".into(), "1 2".into()),
                ("b".into(), "".into()),
                ("c".into(), "€".into()),
            ]
        );
        assert_eq!(get(&p, "a"), Some("1 2"));
        assert_eq!(get(&p, "zz"), None);
        assert_eq!(split_query("https://h/p?x=1#f"), ("https://h/p", "x=1"));
        assert_eq!(split_query("https://h/p"), ("https://h/p", ""));
    }

    #[test]
    fn bounded() {
        let many = "a=1&".repeat(MAX_PAIRS + 50);
        assert_eq!(pairs(&many).len(), MAX_PAIRS);
    }
}
