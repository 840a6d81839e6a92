//! The `vendors` section of a site's configuration.

use std::collections::{BTreeMap, BTreeSet};

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use crate::builtin::BUILTIN_VENDORS;
use crate::cookie_pattern::CookiePattern;
use crate::script_pattern::ScriptPattern;

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
///   "classify": { "invoca": "analytics", "hotjar": "marketing" },
///   "cookie_domain": ".example.com",
///   "inline_script_attribute": "data-dni-category"
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VendorsConfig {
    /// `add` (default `[]`): the site's own vendors. They take precedence over built-in
    /// vendors when both match the same cookie or script.
    pub add: Vec<VendorSpec>,
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
}

impl Default for VendorsConfig {
    fn default() -> Self {
        VendorsConfig {
            add: Vec::new(),
            classify: BTreeMap::new(),
            cookie_domain: None,
            inline_script_attribute: DEFAULT_INLINE_SCRIPT_ATTRIBUTE.to_owned(),
        }
    }
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
    /// `scripts` (default `[]`): script patterns: `host`, `*.host`, `host/path/prefix`, or a
    /// first-party path prefix `/path/prefix` (matches relative `src` values and absolute ones
    /// on any host).
    #[serde(default)]
    pub scripts: Vec<String>,
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
        if self.cookies.is_empty() && self.scripts.is_empty() {
            issues.push(
                ConfigIssue::new(
                    path.to_owned(),
                    "vendor has neither `cookies` nor `scripts`",
                )
                .with_hint("list its cookie names (e.g. \"acme_*\") and/or script hosts"),
            );
        }
        for (i, c) in self.cookies.iter().enumerate() {
            if let Err(e) = CookiePattern::parse(c) {
                issues.push(
                    ConfigIssue::new(format!("{path}.cookies[{i}]"), format!("`{c}`: {e}"))
                        .with_hint("write `name`, `prefix*` or `prefix{digits}`"),
                );
            }
        }
        for (i, s) in self.scripts.iter().enumerate() {
            if let Err(e) = ScriptPattern::parse(s) {
                issues.push(
                    ConfigIssue::new(format!("{path}.scripts[{i}]"), format!("`{s}`: {e}"))
                        .with_hint(
                            "write `cdn.vendor.com`, `*.vendor.com`, `cdn.vendor.com/path` \
                             or a first-party path `/vendor/tracker.js`",
                        ),
                );
            }
        }
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
