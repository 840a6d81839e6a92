//! Cookie and tag suppression for visitors who declined a consent category (SPEC §3).
//!
//! * [`Catalog`]: the vendor catalog (built-in vendors, the site's own `vendors.add`,
//!   re-classification, the worker's own session cookie), built once per configuration;
//!   answers "which vendor and category is this cookie / `<script src>`?".
//! * [`filter_set_cookies`]: drops the origin's `Set-Cookie` headers of declined vendors.
//! * [`filter_cookie_header`]: removes declined vendors' cookies from the request to the
//!   origin.
//! * [`expiry_set_cookies`]: expires, in the browser, declined cookies the request carries.
//! * [`private_cache_control`], [`vary_with_cookie`]: headers of a personalised response.
//! * [`filter_link_header`]: drops declined vendors' preload and preconnect hints from `Link`.
//!
//! Pure functions over strings: no HTML (the rewriter asks [`Catalog::script_category`]), no
//! runtime types. Nothing here panics on any input.

pub mod builtin;
mod cache_control;
pub mod catalog;
mod config;
mod cookie_pattern;
mod expiry;
mod link_header;
mod request_cookie;
mod script_pattern;
mod script_url;
mod set_cookie;
mod signature;
mod vary;

pub use builtin::{BuiltinVendor, BUILTIN_VENDORS};
pub use cache_control::private_cache_control;
pub use catalog::{Catalog, TagMatch, Vendor};
pub use config::{
    ConsentModeConfig, ConsentModeInsert, VendorPatterns, VendorSpec, VendorsConfig,
    DEFAULT_INLINE_SCRIPT_ATTRIBUTE, OWN_VENDOR_ID,
};
pub use cookie_pattern::{CookiePattern, CookiePatternError};
pub use expiry::{expiry_set_cookies, EXPIRY_ATTRIBUTES, MAX_EXPIRED_COOKIES};
pub use link_header::{filter_link_header, LinkFilter};
pub use request_cookie::{filter_cookie_header, CookieHeaderFilter};
pub use script_pattern::{HostPattern, ScriptPattern, ScriptPatternError};
pub use set_cookie::{filter_set_cookies, set_cookie_name, SetCookieFilter};
pub use signature::{normalise_script, parse_signature, SignatureError, MIN_SIGNATURE_LEN};
pub use vary::{vary_with, vary_with_cookie};
