//! The built-in vendor catalog, as data.
//!
//! Each entry lists a vendor's **first-party** cookie names (the only ones a visitor's browser
//! sends to the site and the only ones the site can expire: third-party cookies such as
//! Microsoft's `MUID` on `bing.com` or LinkedIn's `bcookie` never reach the origin) and the hosts
//! its `<script src>` tags load from. Patterns use the syntax of [`CookiePattern`] and
//! [`ScriptPattern`]; a unit test parses every one of them.
//!
//! Choices worth knowing:
//! * Call tracking (CallTrackingMetrics, CallRail, Invoca) defaults to **marketing**, the
//!   seeds' Option A. Invoca itself suggests performance (analytics) or functional, and CallPage
//!   recommends analytics (its default here): re-classify with `vendors.classify`.
//! * `www.googletagmanager.com/gtag/js` is Google Analytics (analytics) unless its id is a
//!   Google Ads one (`?id=AW-`, `?id=DC-`: marketing). The Google Tag Manager container
//!   (`/gtm.js`) is **not** catalogued: it loads tags of every category, including the CMP and
//!   necessary ones; sites that want it suppressed add it as their own vendor.
//! * HubSpot's loader `js.hs-scripts.com` is not catalogued (it also loads HubSpot's cookie
//!   banner); its tracking code `js.hs-analytics.net` is. The HubSpot consent cookies
//!   (`__hs_opt_out`, `__hs_cookie_cat_pref`, ...) are never matched.
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
    /// Script host patterns (`host`, `*.host`, optionally followed by a path prefix).
    pub scripts: &'static [&'static str],
}

use Category::{Analytics, Marketing};

/// The built-in catalog.
pub static BUILTIN_VENDORS: &[BuiltinVendor] = &[
    BuiltinVendor {
        id: "calltrackingmetrics",
        name: "CallTrackingMetrics",
        category: Marketing,
        // `ct{digits}` is the per-account session cookie (`ct264810`), exactly `ct` + digits.
        cookies: &["__ctmid", "__ctmdd", "_ctmdd", "ct{digits}"],
        scripts: &["*.tctm.co"],
    },
    BuiltinVendor {
        id: "callrail",
        name: "CallRail",
        category: Marketing,
        cookies: &["calltrk_*"],
        scripts: &["cdn.callrail.com", "js.callrail.com"],
    },
    BuiltinVendor {
        id: "invoca",
        name: "Invoca",
        category: Marketing,
        // `invoca_session` holds the InvocaID; `invoca_id`/`InvocaID` are the id's own names.
        cookies: &["invoca_session", "invoca_id", "InvocaID"],
        scripts: &["*.invocacdn.com", "*.invoca.net"],
    },
    BuiltinVendor {
        id: "callpage",
        name: "CallPage",
        category: Analytics,
        cookies: &["callpage*"],
        scripts: &["callpage.io", "*.callpage.io"],
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
        ],
    },
    BuiltinVendor {
        id: "google-ads",
        name: "Google Ads",
        category: Marketing,
        cookies: &["_gcl_*", "_gac_*", "FPAU", "FPGCL*"],
        scripts: &[
            "www.googletagmanager.com/gtag/js?id=AW-",
            "www.googletagmanager.com/gtag/js?id=DC-",
            "www.googleadservices.com",
            "*.doubleclick.net",
            "www.googletagservices.com",
        ],
    },
    BuiltinVendor {
        id: "meta",
        name: "Meta Pixel",
        category: Marketing,
        cookies: &["_fbp", "_fbc"],
        scripts: &["connect.facebook.net"],
    },
    BuiltinVendor {
        id: "microsoft-ads",
        name: "Microsoft Advertising (UET)",
        category: Marketing,
        cookies: &["_uetsid", "_uetvid", "_uetmsclkid"],
        scripts: &["bat.bing.com"],
    },
    BuiltinVendor {
        id: "microsoft-clarity",
        name: "Microsoft Clarity",
        category: Analytics,
        cookies: &["_clck", "_clsk"],
        scripts: &["clarity.ms", "*.clarity.ms"],
    },
    BuiltinVendor {
        id: "linkedin",
        name: "LinkedIn Insight Tag",
        category: Marketing,
        cookies: &["li_fat_id", "li_giant", "ln_or"],
        scripts: &["snap.licdn.com", "px.ads.linkedin.com"],
    },
    BuiltinVendor {
        id: "tiktok",
        name: "TikTok Pixel",
        category: Marketing,
        cookies: &["_ttp", "_tt_enable_cookie", "ttcsid", "ttcsid_*", "ttclid"],
        scripts: &["analytics.tiktok.com"],
    },
    BuiltinVendor {
        id: "hotjar",
        name: "Hotjar",
        category: Analytics,
        cookies: &["_hj*"],
        scripts: &["*.hotjar.com"],
    },
    BuiltinVendor {
        id: "hubspot",
        name: "HubSpot Analytics",
        category: Analytics,
        cookies: &["__hstc", "__hssc", "__hssrc", "hubspotutk"],
        scripts: &["js.hs-analytics.net", "js.hsadspixel.net"],
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
    },
    BuiltinVendor {
        id: "snapchat",
        name: "Snap Pixel",
        category: Marketing,
        cookies: &["_scid", "_scid_r", "_sctr"],
        scripts: &["sc-static.net", "tr.snapchat.com"],
    },
    BuiltinVendor {
        id: "x-ads",
        name: "X (Twitter) Pixel",
        category: Marketing,
        cookies: &["_twclid"],
        scripts: &["static.ads-twitter.com"],
    },
    BuiltinVendor {
        id: "reddit",
        name: "Reddit Pixel",
        category: Marketing,
        cookies: &["_rdt_uuid", "_rdt_cid"],
        scripts: &["www.redditstatic.com/ads/"],
    },
    BuiltinVendor {
        id: "matomo",
        name: "Matomo",
        category: Analytics,
        // Not `mtm_consent*`: those record the visitor's choice.
        cookies: &[
            "_pk_id.*",
            "_pk_ses.*",
            "_pk_ref.*",
            "_pk_cvar.*",
            "_pk_hsr.*",
        ],
        scripts: &["*.matomo.cloud"],
    },
    BuiltinVendor {
        id: "segment",
        name: "Segment",
        category: Analytics,
        cookies: &["ajs_anonymous_id", "ajs_user_id", "ajs_group_id"],
        scripts: &["cdn.segment.com"],
    },
];
