//! The `vendors` section of a site's configuration.

use std::collections::{BTreeMap, BTreeSet};

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use crate::builtin::BUILTIN_VENDORS;
use crate::cookie_pattern::CookiePattern;
use crate::script_pattern::ScriptPattern;
use crate::signature::parse_signature;

/// Vendor id under which the worker's own session cookie is matched.
pub const OWN_VENDOR_ID: &str = "consent-dni";

/// Default of [`VendorsConfig::inline_script_attribute`].
pub const DEFAULT_INLINE_SCRIPT_ATTRIBUTE: &str = "data-dni-category";

/// `vendors`: extends and re-classifies the built-in vendor catalog.
///
/// ```json
/// "vendors": {
///   "add": [{ "id": "ctm-demo", "category": "marketing",
///             "cookies": ["demo_ctm_*"], "scripts": ["/vendor/ctm-tracker.js"] }],
///   "extend": { "meta": { "signatures": ["fbq('init','"] } },
///   "classify": { "invoca": "analytics", "hotjar": "marketing" },
///   "cookie_domain": ".example.com",
///   "inline_script_attribute": "data-dni-category",
///   "consent_mode": { "insert": "auto", "wait_for_update_ms": 500 }
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VendorsConfig {
    /// `add` (default `[]`): the site's own vendors. They take precedence over built-in
    /// vendors when both match the same cookie or script.
    pub add: Vec<VendorSpec>,
    /// `extend` (default `{}`): built-in vendor id → more cookies, scripts, endpoints and
    /// snippet signatures for it (kept with the built-in ones).
    pub extend: BTreeMap<String, VendorPatterns>,
    /// `classify` (default `{}`): vendor id → category, overriding the default category of a
    /// built-in (or added) vendor. An unknown id is a configuration error.
    pub classify: BTreeMap<String, Category>,
    /// `cookie_domain` (default none): e.g. `.example.com`. Tracking cookies are usually set
    /// on the registrable domain (Google Analytics does by default), which a host-only expiry
    /// cannot remove: when set, each expiry cookie is also sent with `Domain=<cookie_domain>`.
    pub cookie_domain: Option<String>,
    /// `inline_script_attribute` (default `"data-dni-category"`): the attribute a site puts on
    /// an inline `<script>` to name its category (`<script data-dni-category="marketing">`);
    /// such scripts are neutralised like vendor scripts when the category is declined.
    pub inline_script_attribute: String,
    /// `consent_mode`: the Google Consent Mode default the worker inserts.
    pub consent_mode: ConsentModeConfig,
}

impl Default for VendorsConfig {
    fn default() -> Self {
        VendorsConfig {
            add: Vec::new(),
            extend: BTreeMap::new(),
            classify: BTreeMap::new(),
            cookie_domain: None,
            inline_script_attribute: DEFAULT_INLINE_SCRIPT_ATTRIBUTE.to_owned(),
            consent_mode: ConsentModeConfig::default(),
        }
    }
}

/// When the Google Consent Mode v2 default is inserted (`consent_mode.insert`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentModeInsert {
    /// On pages that carry a Google tag (a catalogued Google tag's `<script src>` or inline
    /// snippet): at the top of `<head>` when the tag is in the head, else right before it.
    #[default]
    Auto,
    /// On every HTML page, at the top of `<head>`.
    Always,
    /// Never.
    Off,
}

/// `consent_mode`: the `gtag('consent', 'default', ...)` block inserted from the edge
/// decision. Every key is optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsentModeConfig {
    /// `insert` (default `auto`): `auto`, `always` or `off`.
    pub insert: ConsentModeInsert,
    /// `wait_for_update_ms` (default 500): how long Google tags wait for a CMP's
    /// `gtag('consent', 'update', ...)` before using the default. 0 to 10000.
    pub wait_for_update_ms: u32,
}

impl Default for ConsentModeConfig {
    fn default() -> Self {
        ConsentModeConfig {
            insert: ConsentModeInsert::Auto,
            wait_for_update_ms: 500,
        }
    }
}

/// More patterns for a built-in vendor (an entry of `vendors.extend`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VendorPatterns {
    /// Cookie-name patterns (see [`VendorSpec::cookies`]).
    pub cookies: Vec<String>,
    /// Script patterns (see [`VendorSpec::scripts`]).
    pub scripts: Vec<String>,
    /// Pixel, beacon and frame endpoints (see [`VendorSpec::endpoints`]).
    pub endpoints: Vec<String>,
    /// Inline snippet signatures (see [`VendorSpec::signatures`]).
    pub signatures: Vec<String>,
}

/// One site-added vendor (an entry of `vendors.add`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorSpec {
    /// `id` (required): lowercase letters, digits, `-`, `_`; unique, and different from every
    /// built-in id and from `consent-dni`.
    pub id: String,
    /// `name` (default: the id): display name.
    #[serde(default)]
    pub name: Option<String>,
    /// `category` (required): `necessary`, `functional`, `analytics` or `marketing`.
    pub category: Category,
    /// `cookies` (default `[]`): cookie-name patterns, `name`, `prefix*` or `prefix{digits}`.
    #[serde(default)]
    pub cookies: Vec<String>,
    /// `scripts` (default `[]`): script patterns: `host`, `*.host`, `host/path/prefix`, a
    /// first-party path prefix `/path/prefix` (matches relative `src` values and absolute ones
    /// on any host), or `*/file` (that file in any directory on any host).
    #[serde(default)]
    pub scripts: Vec<String>,
    /// `endpoints` (default `[]`): pixel, beacon and frame URL patterns (same syntax as
    /// `scripts`): `<img>`, `<iframe>` and `<link rel=preload|prefetch|preconnect>` pointing
    /// at them (or at a script pattern) are disarmed when the category is declined.
    #[serde(default)]
    pub endpoints: Vec<String>,
    /// `signatures` (default `[]`): text that identifies the vendor's inline snippet, e.g.
    /// `"acmetrack('init'"`. Compared normalised (case, whitespace, quotes and `\/` do not
    /// matter); at least 8 characters.
    #[serde(default)]
    pub signatures: Vec<String>,
}

/// Validates the four pattern lists of a vendor under `path`.
fn validate_patterns(
    path: &str,
    cookies: &[String],
    scripts: &[String],
    endpoints: &[String],
    signatures: &[String],
    issues: &mut Vec<ConfigIssue>,
) {
    for (i, c) in cookies.iter().enumerate() {
        if let Err(e) = CookiePattern::parse(c) {
            issues.push(
                ConfigIssue::new(format!("{path}.cookies[{i}]"), format!("`{c}`: {e}"))
                    .with_hint("write `name`, `prefix*` or `prefix{digits}`"),
            );
        }
    }
    for (key, list) in [("scripts", scripts), ("endpoints", endpoints)] {
        for (i, s) in list.iter().enumerate() {
            if let Err(e) = ScriptPattern::parse(s) {
                issues.push(
                    ConfigIssue::new(format!("{path}.{key}[{i}]"), format!("`{s}`: {e}"))
                        .with_hint(
                            "write `cdn.vendor.com`, `*.vendor.com`, `cdn.vendor.com/path` \
                             or a first-party path `/vendor/tracker.js`",
                        ),
                );
            }
        }
    }
    for (i, s) in signatures.iter().enumerate() {
        if let Err(e) = parse_signature(s) {
            issues.push(
                ConfigIssue::new(format!("{path}.signatures[{i}]"), format!("`{s}`: {e}"))
                    .with_hint("use a distinctive part of the snippet, such as its loader URL"),
            );
        }
    }
}

fn is_vendor_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Whether `domain` can be echoed as a `Domain=` attribute: an optional leading dot, then
/// dot-separated labels of ASCII letters, digits and `-`.
pub(crate) fn is_cookie_domain(domain: &str) -> bool {
    let d = domain.strip_prefix('.').unwrap_or(domain);
    !d.is_empty()
        && d.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn is_attribute_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'>' | b'/' | b'=' | b'<'))
}

impl Validate for VendorSpec {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        if !is_vendor_id(&self.id) {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.id"),
                    format!("`{}` is not a valid vendor id", self.id),
                )
                .with_hint("use lowercase letters, digits, `-` and `_`, e.g. \"acme-tracker\""),
            );
        }
        if self.cookies.is_empty()
            && self.scripts.is_empty()
            && self.endpoints.is_empty()
            && self.signatures.is_empty()
        {
            issues.push(
                ConfigIssue::new(
                    path.to_owned(),
                    "vendor has no `cookies`, `scripts`, `endpoints` or `signatures`",
                )
                .with_hint("list its cookie names (e.g. \"acme_*\") and/or script hosts"),
            );
        }
        validate_patterns(
            path,
            &self.cookies,
            &self.scripts,
            &self.endpoints,
            &self.signatures,
            issues,
        );
    }
}

impl Validate for VendorsConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        let builtin: BTreeSet<&str> = BUILTIN_VENDORS.iter().map(|v| v.id).collect();
        let mut added: BTreeSet<&str> = BTreeSet::new();
        for (i, spec) in self.add.iter().enumerate() {
            let p = format!("{path}.add[{i}]");
            spec.validate(&p, issues);
            let id = spec.id.as_str();
            if builtin.contains(id) || id == OWN_VENDOR_ID {
                issues.push(
                    ConfigIssue::new(
                        format!("{p}.id"),
                        format!("`{id}` is already a built-in vendor"),
                    )
                    .with_hint(format!(
                        "to change its category use `{path}.classify`; otherwise pick another id"
                    )),
                );
            } else if !added.insert(id) {
                issues.push(
                    ConfigIssue::new(format!("{p}.id"), format!("duplicate vendor id `{id}`"))
                        .with_hint("merge the two entries or rename one"),
                );
            }
        }
        for (id, patterns) in &self.extend {
            let p = format!("{path}.extend.{id}");
            if !builtin.contains(id.as_str()) {
                issues.push(
                    ConfigIssue::new(p.clone(), format!("`{id}` is not a built-in vendor"))
                        .with_hint(format!(
                            "`extend` adds patterns to built-in vendors ({}); put your own vendors in `{path}.add`",
                            builtin.iter().copied().collect::<Vec<_>>().join(", ")
                        )),
                );
            }
            validate_patterns(
                &p,
                &patterns.cookies,
                &patterns.scripts,
                &patterns.endpoints,
                &patterns.signatures,
                issues,
            );
        }
        if self.consent_mode.wait_for_update_ms > 10_000 {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.consent_mode.wait_for_update_ms"),
                    "must be at most 10000",
                )
                .with_hint("Google's examples use 500"),
            );
        }
        for id in self.classify.keys() {
            if id == OWN_VENDOR_ID {
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.classify.{id}"),
                        "the session cookie's category is not set here",
                    )
                    .with_hint("set `consent.required_category`"),
                );
            } else if !builtin.contains(id.as_str()) && !added.contains(id.as_str()) {
                let known: Vec<&str> = builtin.iter().chain(added.iter()).copied().collect();
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.classify.{id}"),
                        format!("unknown vendor id `{id}`"),
                    )
                    .with_hint(format!("known vendors: {}", known.join(", "))),
                );
            }
        }
        if let Some(d) = &self.cookie_domain {
            if !is_cookie_domain(d) {
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.cookie_domain"),
                        format!("`{d}` is not a cookie domain"),
                    )
                    .with_hint("write the site's registrable domain, e.g. \".example.com\""),
                );
            }
        }
        if !is_attribute_name(&self.inline_script_attribute) {
            issues.push(
                ConfigIssue::new(
                    format!("{path}.inline_script_attribute"),
                    format!(
                        "`{}` is not an HTML attribute name",
                        self.inline_script_attribute
                    ),
                )
                .with_hint(format!("e.g. \"{DEFAULT_INLINE_SCRIPT_ATTRIBUTE}\"")),
            );
        }
    }
}
