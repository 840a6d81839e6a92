//! Which handler a request goes to. The reserved prefix `/__dni/` is sealed: it is matched
//! after percent-decoding, case-insensitively and with repeated slashes collapsed, so
//! `/__DNI/calls`, `/%5F%5Fdni/calls` and `//__dni//calls` are ours too and never reach the
//! origin (with their `Authorization` header).

use dni_calls::Endpoint;
use percent_encoding::percent_decode_str;

/// The reserved path prefix (without its trailing slash).
pub const RESERVED_PREFIX: &str = "/__dni";

/// The worker's own routes under the reserved prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiRoute {
    Health,
    Consent,
    Number,
    /// `/__dni/calls` (the API), `/__dni/calls/{provider}` and `/__dni/calls/{provider}/status`
    /// (the provider webhooks: `twilio`, `signalwire`, `plivo`, `vonage`).
    Calls(Endpoint),
    Stats,
    Dashboard,
    /// Under the prefix, but no such route (404, never forwarded).
    Unknown,
}

/// Where a request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// A page or asset of the site: through the pipeline to the upstream.
    Page,
    /// Under the reserved prefix.
    Api(ApiRoute),
}

impl Route {
    /// The route of a request path (as in the URL: percent-encoded, any case).
    pub fn of(path: &str) -> Route {
        let decoded = percent_decode_str(path).decode_utf8_lossy();
        let mut canonical = String::with_capacity(decoded.len());
        for c in decoded.chars() {
            // Repeated slashes (and backslashes, which URL parsers treat as slashes) count once.
            let c = if c == '\\' { '/' } else { c };
            if c == '/' && canonical.ends_with('/') {
                continue;
            }
            canonical.push(c.to_ascii_lowercase());
        }
        let Some(rest) = canonical.strip_prefix(RESERVED_PREFIX) else {
            return Route::Page;
        };
        let name = match rest.strip_prefix('/') {
            Some(name) => name.trim_end_matches('/'),
            None if rest.is_empty() => "",
            // `/__dnix`: another path that merely starts with the same letters.
            None => return Route::Page,
        };
        Route::Api(match name {
            "health" => ApiRoute::Health,
            "consent" => ApiRoute::Consent,
            "number" => ApiRoute::Number,
            "stats" => ApiRoute::Stats,
            "dashboard" => ApiRoute::Dashboard,
            _ => Endpoint::from_path(&format!("{RESERVED_PREFIX}/{name}"))
                .map_or(ApiRoute::Unknown, ApiRoute::Calls),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_routes() {
        assert_eq!(Route::of("/__dni/health"), Route::Api(ApiRoute::Health));
        assert_eq!(Route::of("/__dni/consent"), Route::Api(ApiRoute::Consent));
        assert_eq!(Route::of("/__dni/number"), Route::Api(ApiRoute::Number));
        assert_eq!(
            Route::of("/__dni/calls"),
            Route::Api(ApiRoute::Calls(Endpoint::Api))
        );
        assert_eq!(Route::of("/__dni/stats"), Route::Api(ApiRoute::Stats));
        assert_eq!(
            Route::of("/__dni/dashboard"),
            Route::Api(ApiRoute::Dashboard)
        );
        assert_eq!(Route::of("/__dni/nope"), Route::Api(ApiRoute::Unknown));
        assert_eq!(Route::of("/__dni"), Route::Api(ApiRoute::Unknown));
        assert_eq!(Route::of("/__dni/"), Route::Api(ApiRoute::Unknown));
    }

    #[test]
    fn the_prefix_is_sealed_against_case_encoding_and_slashes() {
        for p in [
            "/__DNI/calls",
            "/%5F%5Fdni/calls",
            "/%5f%5fDnI/calls",
            "//__dni/calls",
            "/__dni//calls",
            "/__dni/calls/",
            "/__dni%2Fcalls",
            "\\__dni\\calls",
            "/%2F__dni/calls",
        ] {
            assert_eq!(
                Route::of(p),
                Route::Api(ApiRoute::Calls(Endpoint::Api)),
                "{p}"
            );
        }
        for p in ["/__dni/CALLS/x", "/__dni/%00", "/__dni/calls/../x"] {
            assert!(matches!(Route::of(p), Route::Api(_)), "{p}");
        }
    }

    #[test]
    fn provider_webhooks_are_sealed_too() {
        use dni_calls::Provider;
        let answer = Route::Api(ApiRoute::Calls(Endpoint::Answer(Provider::Twilio)));
        for p in [
            "/__dni/calls/twilio",
            "/__DNI/Calls/Twilio/",
            "//__dni//calls//twilio",
            "/%5F%5Fdni/calls%2Ftwilio",
        ] {
            assert_eq!(Route::of(p), answer, "{p}");
        }
        assert_eq!(
            Route::of("/__dni/calls/vonage/status"),
            Route::Api(ApiRoute::Calls(Endpoint::Status(Provider::Vonage)))
        );
        assert_eq!(
            Route::of("/__dni/calls/plivo"),
            Route::Api(ApiRoute::Calls(Endpoint::Answer(Provider::Plivo)))
        );
        for p in [
            "/__dni/calls/telnyx",
            "/__dni/calls/api",
            "/__dni/calls/twilio/x",
            "/__dni/callsx",
        ] {
            assert_eq!(Route::of(p), Route::Api(ApiRoute::Unknown), "{p}");
        }
    }

    #[test]
    fn pages_are_pages() {
        for p in [
            "/",
            "/index.html",
            "/__dnix/calls",
            "/a/__dni/calls",
            "/_dni/calls",
            "/%ZZ",
        ] {
            assert_eq!(Route::of(p), Route::Page, "{p}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// `/__dni/<name>` written any way a URL parser or a server might accept it.
        fn disguised(name: &'static str) -> impl Strategy<Value = String> {
            let prefix = prop_oneof![
                Just("/__dni/".to_string()),
                Just("/__DNI/".to_string()),
                Just("/%5F%5Fdni/".to_string()),
                Just("/%5f%5fDnI/".to_string()),
                Just("//__dni/".to_string()),
                Just("///__dni//".to_string()),
                Just("\\__dni\\".to_string()),
                Just("/_%5Fd%6Ei/".to_string()),
                Just("/__dni%2F".to_string()),
            ];
            (prefix, any::<bool>()).prop_map(move |(p, upper)| {
                let n = if upper {
                    name.to_ascii_uppercase()
                } else {
                    name.to_string()
                };
                format!("{p}{n}")
            })
        }

        proptest! {
            #[test]
            fn any_path_has_a_route(path in "\\PC{0,60}") {
                let _ = Route::of(&path);
            }

            #[test]
            fn the_prefix_is_sealed_however_it_is_written(calls in disguised("calls"), stats in disguised("stats")) {
                prop_assert_eq!(Route::of(&calls), Route::Api(ApiRoute::Calls(Endpoint::Api)));
                prop_assert_eq!(Route::of(&stats), Route::Api(ApiRoute::Stats));
            }

            #[test]
            fn anything_under_the_prefix_stays_ours(rest in "[a-zA-Z0-9/%._~-]{0,30}") {
                let route = Route::of(&format!("/__dni/{rest}"));
                prop_assert!(matches!(route, Route::Api(_)), "{route:?}");
            }
        }
    }
}
