//! Filtering the origin's `Set-Cookie` headers.

use dni_common::Category;

use crate::catalog::{is_declined, Catalog};

/// The outcome of [`filter_set_cookies`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetCookieFilter {
    /// The headers to forward, exactly as the origin sent them, in order.
    pub kept: Vec<String>,
    /// Names of the cookies removed, in order.
    pub removed: Vec<String>,
}

/// The cookie name of a `Set-Cookie` value, as a browser reads it (RFC 6265 §5.2): the text
/// before the first `=` of the part before the first `;`, trimmed of spaces and tabs.
/// `None` for a value without `=` in that part or with an empty name (browsers store those
/// under an empty name, so they never belong to a vendor).
pub fn set_cookie_name(set_cookie: &str) -> Option<&str> {
    let pair = set_cookie.split(';').next().unwrap_or("");
    let (name, _) = pair.split_once('=')?;
    let name = name.trim_matches(|c| c == ' ' || c == '\t');
    (!name.is_empty()).then_some(name)
}

/// Judges each origin `Set-Cookie` header on its own: removed when its cookie belongs to a
/// vendor of a declined category, kept unchanged otherwise (including malformed values).
pub fn filter_set_cookies(
    set_cookies: &[String],
    catalog: &Catalog,
    declined: &[Category],
) -> SetCookieFilter {
    let mut out = SetCookieFilter {
        kept: Vec::with_capacity(set_cookies.len()),
        removed: Vec::new(),
    };
    for header in set_cookies {
        let declined_name = set_cookie_name(header).filter(|name| {
            catalog
                .cookie_category(name)
                .is_some_and(|(_, c)| is_declined(declined, c))
        });
        match declined_name {
            Some(name) => out.removed.push(name.to_owned()),
            None => out.kept.push(header.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_is_before_the_first_equals_of_the_first_segment() {
        assert_eq!(
            set_cookie_name("_ga=GA1.2.3; Path=/; Domain=.x.com"),
            Some("_ga")
        );
        assert_eq!(set_cookie_name("  _fbp = fb.1 ;Path=/"), Some("_fbp"));
        assert_eq!(set_cookie_name("a=b=c"), Some("a"));
        assert_eq!(set_cookie_name("\t_gid\t=1"), Some("_gid"));
    }

    #[test]
    fn nameless_values_have_no_name() {
        assert_eq!(set_cookie_name("_ga"), None);
        assert_eq!(set_cookie_name("_ga; Path=/; x=y"), None);
        assert_eq!(set_cookie_name("=value"), None);
        assert_eq!(set_cookie_name("  =value"), None);
        assert_eq!(set_cookie_name(""), None);
        assert_eq!(set_cookie_name(";_ga=1"), None);
    }
}
