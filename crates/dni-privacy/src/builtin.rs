//! The built-in vendor catalog, as data.
//!
//! Each entry lists a vendor's **first-party** cookie names (the only ones a visitor's browser
//! sends to the site and the only ones the site can expire: third-party cookies such as
//! Microsoft's `MUID` on `bing.com` or LinkedIn's `bcookie` never reach the origin), the hosts
//! its `<script src>` tags load from, its pixel/beacon/frame endpoints and the signatures of
//! its documented inline install snippets. Patterns use the syntax of [`CookiePattern`] and
//! [`ScriptPattern`]; a unit test parses every one of them, and another finds every vendor in
//! its documented snippets (`tests/fixtures/vendors/snippets/`).
//!
//! Choices worth knowing:
//! * Call tracking (CallTrackingMetrics, CallRail, Invoca) defaults to **marketing**, the
//!   seeds' Option A. Invoca itself suggests performance (analytics) or functional, and CallPage
//!   recommends analytics (its default here): re-classify with `vendors.classify`.
//! * `www.googletagmanager.com/gtag/js` is Google Analytics (analytics) unless its id is a
//!   Google Ads one (`?id=AW-`, `?id=DC-`: marketing). The Google Tag Manager container
//!   (`/gtm.js`) is catalogued as **necessary**, so it is never blocked: it loads tags of every
//!   category, including the CMP; the Google tags inside it obey the Consent Mode default the
//!   worker inserts. Sites that want it blocked re-classify `google-tag-manager`.
//! * HubSpot's loader `js.hs-scripts.com` is blocked with HubSpot's analytics: it creates the
//!   tracking script at run time. It also loads HubSpot's cookie banner; sites relying on that
//!   banner re-classify `hubspot` or exempt the loader with `data-dni-allow`. The HubSpot
//!   consent cookies (`__hs_opt_out`, `__hs_cookie_cat_pref`, ...) are never matched.
//! * An inline snippet that configures both an analytics and a marketing tag (one `gtag`
//!   block with a `G-` and an `AW-` id) is neutralised when either category is declined.
//! * Prefix patterns are kept long enough not to swallow unrelated names: `_ga_*` and `_gat_*`
//!   but not `_ga*` (which would take `_gaid`) or `_gat*` (which would take `_gateway`).
//!
//! [`CookiePattern`]: crate::CookiePattern
//! [`ScriptPattern`]: crate::ScriptPattern

use dni_common::Category;

/// One built-in vendor.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinVendor {
    /// Stable id used by `vendors.classify` (e.g. `calltrackingmetrics`).
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Default category.
    pub category: Category,
    /// First-party cookie name patterns.
    pub cookies: &'static [&'static str],
    /// Script host patterns (`host`, `*.host`, optionally followed by a path prefix): a
    /// `<script src>` from them is neutralised when the category is declined.
    pub scripts: &'static [&'static str],
    /// Pixel, beacon and frame endpoints (same syntax): an `<img>`, `<iframe>`, `<link
    /// rel=preload|prefetch|preconnect>` (also inside `<noscript>`) pointing at them, or at
    /// a script host, is disarmed when the category is declined.
    pub endpoints: &'static [&'static str],
    /// Inline snippet signatures, in normalised form (lowercase, no whitespace, `'` for
    /// `"`, `/` for `\/`; see [`normalise_script`](crate::normalise_script)): an inline
    /// `<script>` containing one loads or configures the vendor.
    pub signatures: &'static [&'static str],
    /// A Google tag (reads Google Consent Mode): its presence makes the worker insert the
    /// Consent Mode default.
    pub google_tag: bool,
}

use Category::{Analytics, Marketing, Necessary};

/// The built-in catalog. Sources for every snippet signature, host and endpoint are in
/// `docs/research/tag-firewall-vendors.md` and `tests/fixtures/vendors/vendors.json`; the
/// vendors' documented snippets are `tests/fixtures/vendors/snippets/`.
pub static BUILTIN_VENDORS: &[BuiltinVendor] = &[
    BuiltinVendor {
        id: "calltrackingmetrics",
        name: "CallTrackingMetrics",
        category: Marketing,
        // `ct{digits}` is the per-account session cookie (`ct264810`), exactly `ct` + digits.
        cookies: &["__ctmid", "__ctmdd", "_ctmdd", "ct{digits}"],
        scripts: &["*.tctm.co"],
        endpoints: &[],
        signatures: &[".tctm.co/t.js"],
        google_tag: false,
    },
    BuiltinVendor {
        id: "callrail",
        name: "CallRail",
        category: Marketing,
        cookies: &["calltrk_*"],
        scripts: &["cdn.callrail.com", "js.callrail.com"],
        endpoints: &["*.callrail.com"],
        signatures: &["cdn.callrail.com/companies/"],
        google_tag: false,
    },
    BuiltinVendor {
        id: "invoca",
        name: "Invoca",
        category: Marketing,
        // `invoca_session` holds the InvocaID; `invoca_id`/`InvocaID` are the id's own names.
        cookies: &["invoca_session", "invoca_id", "InvocaID"],
        scripts: &["*.invocacdn.com", "*.invoca.net"],
        endpoints: &[],
        signatures: &["invocacdn.com/js/invoca-latest.min.js", "invocatagid"],
        google_tag: false,
    },
    BuiltinVendor {
        id: "callpage",
        name: "CallPage",
        category: Analytics,
        cookies: &["callpage*"],
        scripts: &["callpage.io", "*.callpage.io"],
        endpoints: &[],
        // The loader spells its host with `+` for `/` and `.`: match what survives.
        signatures: &[
            "cdn-widget.callpage.io",
            "youcouldhaveonly1callpagecodeonyourwebsite!",
        ],
        google_tag: false,
    },
    BuiltinVendor {
        id: "google-tag-manager",
        name: "Google Tag Manager (container)",
        // The container is not blocked: it often loads the site's CMP, and the Google tags
        // inside it obey the Consent Mode default the worker inserts. Its `<noscript>` frame
        // is a Google Ads endpoint. Re-classify it (`vendors.classify`) to block it.
        category: Necessary,
        cookies: &[],
        scripts: &["www.googletagmanager.com/gtm.js"],
        endpoints: &[],
        signatures: &["googletagmanager.com/gtm.js", "'gtm.start'"],
        google_tag: true,
    },
    BuiltinVendor {
        id: "google-analytics",
        name: "Google Analytics",
        category: Analytics,
        cookies: &[
            "_ga",
            "_ga_*",
            "_gid",
            "_gat",
            "_gat_*",
            "_dc_gtm_*",
            "AMP_TOKEN",
            "FPID",
            "FPLC",
            "__utma",
            "__utmb",
            "__utmc",
            "__utmt",
            "__utmv",
            "__utmz",
        ],
        scripts: &[
            "google-analytics.com",
            "*.google-analytics.com",
            "www.googletagmanager.com/gtag/js",
            "ssl.google-analytics.com",
        ],
        endpoints: &["stats.g.doubleclick.net", "*.analytics.google.com"],
        signatures: &[
            "googletagmanager.com/gtag/js?id=g-",
            "googletagmanager.com/gtag/js?id=ua-",
            "gtag('config','g-",
            "gtag('config','ua-",
            "google-analytics.com/analytics.js",
            "googleanalyticsobject",
            ".google-analytics.com/ga.js",
            "_gaq.push(",
        ],
        google_tag: true,
    },
    BuiltinVendor {
        id: "google-ads",
        name: "Google Ads",
        category: Marketing,
        cookies: &["_gcl_*", "_gac_*", "FPAU", "FPGCL*"],
        scripts: &[
            "www.googletagmanager.com/gtag/js?id=AW-",
            "www.googletagmanager.com/gtag/js?id=DC-",
            "www.googletagmanager.com/gtag/destination?id=AW-",
            "www.googleadservices.com",
            "*.doubleclick.net",
            "www.googletagservices.com",
        ],
        endpoints: &[
            "www.google.com/pagead/",
            "www.google.com/ads/",
            "googleads.g.doubleclick.net",
            "www.googletagmanager.com/ns.html",
        ],
        signatures: &[
            "googletagmanager.com/gtag/js?id=aw-",
            "googletagmanager.com/gtag/js?id=dc-",
            "gtag('config','aw-",
            "gtag('config','dc-",
            "googleadservices.com/pagead/conversion",
            "google_conversion_id",
        ],
        google_tag: true,
    },
    BuiltinVendor {
        id: "meta",
        name: "Meta Pixel",
        category: Marketing,
        cookies: &["_fbp", "_fbc"],
        scripts: &["connect.facebook.net"],
        endpoints: &["www.facebook.com/tr", "www.facebook.com/offsite_event.php"],
        signatures: &["connect.facebook.net/", "fbq('init'"],
        google_tag: false,
    },
    BuiltinVendor {
        id: "microsoft-ads",
        name: "Microsoft Advertising (UET)",
        category: Marketing,
        cookies: &["_uetsid", "_uetvid", "_uetmsclkid"],
        scripts: &["bat.bing.com"],
        endpoints: &["bat.bing.net"],
        signatures: &["bat.bing.com/bat.js", "newuet("],
        google_tag: false,
    },
    BuiltinVendor {
        id: "microsoft-clarity",
        name: "Microsoft Clarity",
        category: Analytics,
        cookies: &["_clck", "_clsk"],
        scripts: &["clarity.ms", "*.clarity.ms"],
        endpoints: &[],
        signatures: &["clarity.ms/tag/", "'clarity','script'"],
        google_tag: false,
    },
    BuiltinVendor {
        id: "linkedin",
        name: "LinkedIn Insight Tag",
        category: Marketing,
        cookies: &["li_fat_id", "li_giant", "ln_or"],
        scripts: &["snap.licdn.com", "px.ads.linkedin.com"],
        endpoints: &["dc.ads.linkedin.com"],
        signatures: &[
            "snap.licdn.com/li.lms-analytics/",
            "_linkedin_partner_id",
            "_linkedin_data_partner_ids",
        ],
        google_tag: false,
    },
    BuiltinVendor {
        id: "tiktok",
        name: "TikTok Pixel",
        category: Marketing,
        cookies: &["_ttp", "_tt_enable_cookie", "ttcsid", "ttcsid_*", "ttclid"],
        scripts: &["analytics.tiktok.com"],
        endpoints: &[],
        signatures: &["analytics.tiktok.com/i18n/pixel/", "tiktokanalyticsobject"],
        google_tag: false,
    },
    BuiltinVendor {
        id: "hotjar",
        name: "Hotjar",
        category: Analytics,
        cookies: &["_hj*"],
        scripts: &["*.hotjar.com"],
        endpoints: &["*.hotjar.io"],
        // The loader builds its URL from parts (`t+h._hjSettings.hjid+j+h._hjSettings.hjsv`).
        signatures: &["static.hotjar.com/c/hotjar-", "_hjsettings"],
        google_tag: false,
    },
    BuiltinVendor {
        id: "hubspot",
        name: "HubSpot Analytics",
        category: Analytics,
        // The loader `js.hs-scripts.com` is blocked too: it creates the tracking script at run
        // time, where no HTML rewrite reaches it. It also loads HubSpot's own cookie banner;
        // a site that relies on that banner re-classifies `hubspot` or marks the loader
        // `data-dni-allow` (README, tag firewall).
        cookies: &["__hstc", "__hssc", "__hssrc", "hubspotutk"],
        scripts: &[
            "js.hs-analytics.net",
            "*.hs-analytics.net",
            "js.hsadspixel.net",
            "js.hs-scripts.com",
            "*.hs-scripts.com",
        ],
        endpoints: &[
            "track.hubspot.com",
            "*.track.hubspot.com",
            "track-eu1.hubspot.com",
        ],
        signatures: &[
            "js.hs-analytics.net/analytics/",
            "hs-scripts.com/",
            "'hs-analytics'",
        ],
        google_tag: false,
    },
    BuiltinVendor {
        id: "pinterest",
        name: "Pinterest Tag",
        category: Marketing,
        cookies: &[
            "_pin_unauth",
            "_pinterest_ct_ua",
            "_pinterest_ct_rt",
            "_epik",
            "_derived_epik",
        ],
        scripts: &["s.pinimg.com/ct/", "ct.pinterest.com"],
        endpoints: &[],
        signatures: &["s.pinimg.com/ct/core.js", "pintrk('load'"],
        google_tag: false,
    },
    BuiltinVendor {
        id: "snapchat",
        name: "Snap Pixel",
        category: Marketing,
        cookies: &["_scid", "_scid_r", "_sctr"],
        scripts: &["sc-static.net", "tr.snapchat.com"],
        endpoints: &["tr-shadow.snapchat.com"],
        signatures: &["sc-static.net/scevent.min.js", "snaptr('init'"],
        google_tag: false,
    },
    BuiltinVendor {
        id: "x-ads",
        name: "X (Twitter) Pixel",
        category: Marketing,
        cookies: &["_twclid"],
        scripts: &["static.ads-twitter.com", "platform.twitter.com/oct.js"],
        endpoints: &["analytics.twitter.com", "t.co/i/adsct"],
        signatures: &[
            "static.ads-twitter.com/uwt.js",
            "twq('config'",
            "platform.twitter.com/oct.js",
            "twttr.conversion.trackpid",
        ],
        google_tag: false,
    },
    BuiltinVendor {
        id: "reddit",
        name: "Reddit Pixel",
        category: Marketing,
        cookies: &["_rdt_uuid", "_rdt_cid"],
        scripts: &["www.redditstatic.com/ads/"],
        endpoints: &["alb.reddit.com", "pixel-config.reddit.com"],
        signatures: &["redditstatic.com/ads/pixel.js", "rdt('init'"],
        google_tag: false,
    },
    BuiltinVendor {
        id: "matomo",
        name: "Matomo",
        category: Analytics,
        // Not `mtm_consent*`: those record the visitor's choice. Self-hosted trackers live on
        // any host: the snippet signatures catch the JavaScript tracker, and the tracking
        // endpoint `matomo.php` (`piwik.php` before Matomo 4) in any directory catches the
        // `<noscript>` and image-tracker pixels (`matomo.php?idsite=1&rec=1`).
        cookies: &[
            "_pk_id.*",
            "_pk_ses.*",
            "_pk_ref.*",
            "_pk_cvar.*",
            "_pk_hsr.*",
        ],
        scripts: &["*.matomo.cloud"],
        endpoints: &["*/matomo.php", "*/piwik.php"],
        signatures: &[
            "_paq.push(['settrackerurl'",
            "cdn.matomo.cloud/",
            "_mtm.push({'mtm.starttime'",
        ],
        google_tag: false,
    },
    BuiltinVendor {
        id: "segment",
        name: "Segment",
        category: Analytics,
        cookies: &["ajs_anonymous_id", "ajs_user_id", "ajs_group_id"],
        scripts: &["cdn.segment.com"],
        endpoints: &["api.segment.io", "*.segmentapis.com"],
        signatures: &[
            "cdn.segment.com/analytics.js/v1/",
            "segmentsnippetincludedtwice.",
        ],
        google_tag: false,
    },
];
