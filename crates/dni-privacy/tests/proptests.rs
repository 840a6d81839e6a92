//! Arbitrary input never panics; filters without declined cookies change nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use dni_common::is_cookie_name;
use dni_common::Category::{self, Analytics, Functional, Marketing, Necessary};
use dni_privacy::{
    expiry_set_cookies, filter_cookie_header, filter_set_cookies, private_cache_control,
    set_cookie_name, vary_with_cookie, Catalog, CookiePattern, ScriptPattern, VendorsConfig,
};
use proptest::prelude::*;

const ALL: &[Category] = &[Necessary, Functional, Analytics, Marketing];

fn catalog() -> Catalog {
    Catalog::new(&VendorsConfig::default(), Some(("ct12345", Marketing)))
}

/// Cookie-header-ish text: names from a pool that mixes vendor and site cookies.
fn cookie_header() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("_ga".to_owned()),
        Just("_fbp".to_owned()),
        Just("ct12345".to_owned()),
        Just("calltrk_landing".to_owned()),
        "[a-z]{1,6}",
        "[ -~]{0,8}",
    ];
    let pair =
        (name, "[ -:<-~]{0,10}", prop::bool::ANY)
            .prop_map(|(n, v, eq)| if eq { format!("{n}={v}") } else { n });
    (
        prop::collection::vec(pair, 0..8),
        prop::collection::vec("[ ;\t]{0,3}", 8),
    )
        .prop_map(|(pairs, seps)| {
            let mut out = String::new();
            for (i, p) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push(';');
                    out.push_str(seps.get(i).map(String::as_str).unwrap_or(""));
                }
                out.push_str(p);
            }
            out
        })
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>(), base in any::<String>()) {
        let c = catalog();
        let _ = c.cookie_category(&s);
        let _ = c.script_category(&s);
        let _ = c.script_category_at(&s, &base);
        let _ = set_cookie_name(&s);
        let _ = filter_set_cookies(std::slice::from_ref(&s), &c, ALL);
        let _ = filter_cookie_header(&s, &c, ALL);
        let _ = expiry_set_cookies(&s, &c, ALL, Some(&base));
        let _ = private_cache_control(Some(&s));
        let _ = vary_with_cookie(Some(&s));
        let _ = CookiePattern::parse(&s);
        let _ = ScriptPattern::parse(&s);
        let _ = c.inline_script(&s);
    }

    #[test]
    fn url_like_strings_never_panic(s in "(https?:|//|\\\\|/)?[a-zA-Z0-9%@:.\\[\\]/\\\\?#\t\n-]{0,40}",
                                    base in "/?[a-z./%2eE]{0,20}") {
        let c = catalog();
        let _ = c.script_category_at(&s, &base);
        let _ = c.resource(&s, &base);
        let _ = c.inline_script(&s);
    }

    #[test]
    fn script_text_with_urls_never_panics(s in "([a-z'\"(;+ ]{0,4}(https?:)?//[a-zA-Z0-9.é/?&=%'\\-]{0,30}){0,4}") {
        let _ = catalog().inline_script(&s);
    }

    #[test]
    fn header_without_declined_vendor_cookies_is_unchanged(h in cookie_header()) {
        let c = catalog();
        let out = filter_cookie_header(&h, &c, &[]);
        prop_assert_eq!(out.header.as_deref(), Some(h.as_str()));
        prop_assert!(out.removed.is_empty());
        prop_assert!(expiry_set_cookies(&h, &c, &[], Some(".a.com")).is_empty());
    }

    #[test]
    fn filtered_header_keeps_exactly_the_undeclined_pairs(h in cookie_header()) {
        let c = catalog();
        let out = filter_cookie_header(&h, &c, &[Marketing]);
        let expected: Vec<&str> = dni_common::cookie_header::cookie_pairs(&h)
            .filter(|p| c.cookie_category(p.name).is_none_or(|(_, cat)| cat != Marketing))
            .map(|p| p.name)
            .collect();
        let filtered = out.header.clone().unwrap_or_default();
        let got: Vec<&str> = dni_common::cookie_header::cookie_pairs(&filtered)
            .map(|p| p.name)
            .collect();
        // Re-parsing may split differently only if a kept pair itself changed: it must not.
        prop_assert_eq!(got, expected.clone());
        prop_assert_eq!(out.header.is_none(), expected.is_empty() && !out.removed.is_empty());
        for name in &out.removed {
            prop_assert_eq!(c.cookie_category(name).map(|r| r.1), Some(Marketing));
        }
    }

    #[test]
    fn set_cookies_without_declined_vendors_are_kept_verbatim(v in prop::collection::vec(any::<String>(), 0..6)) {
        let out = filter_set_cookies(&v, &catalog(), &[]);
        prop_assert_eq!(out.kept, v);
        prop_assert!(out.removed.is_empty());
    }

    #[test]
    fn set_cookie_filter_partitions_the_input(v in prop::collection::vec(cookie_header(), 0..6)) {
        let out = filter_set_cookies(&v, &catalog(), ALL);
        prop_assert_eq!(out.kept.len() + out.removed.len(), v.len());
    }

    #[test]
    fn expiry_cookies_only_echo_token_names(h in any::<String>()) {
        for sc in expiry_set_cookies(&h, &catalog(), ALL, Some(".example.com")) {
            let name = set_cookie_name(&sc).unwrap_or("");
            prop_assert!(is_cookie_name(name), "{:?}", sc);
            prop_assert!(!sc.contains(['\r', '\n']));
        }
    }

    #[test]
    fn cache_control_is_always_private_and_never_public(s in any::<String>()) {
        let cc = private_cache_control(Some(&s));
        prop_assert!(cc.starts_with("private"));
        let lower = cc.to_ascii_lowercase();
        prop_assert!(!lower.split(", ").any(|d| d == "public" || d.starts_with("s-maxage")));
    }

    #[test]
    fn vary_always_covers_cookie(s in any::<String>()) {
        let v = vary_with_cookie(Some(&s));
        prop_assert!(v == "*" || v.split(", ").any(|x| x.eq_ignore_ascii_case("cookie")));
    }
}
