//! The vendor catalog: built-in vendors plus the site's own, with every pattern parsed and
//! indexed once per configuration.

use std::collections::HashMap;

use aho_corasick::AhoCorasick;

use dni_common::Category;

use crate::builtin::BUILTIN_VENDORS;
use crate::config::{is_cookie_domain, VendorsConfig, OWN_VENDOR_ID};
use crate::cookie_pattern::CookiePattern;
use crate::script_pattern::{HostPattern, ScriptPattern};
use crate::script_url::parse_script_src;
use crate::signature::{normalise_script, parse_signature};

/// Who wins when several patterns match: the worker's own cookie, then the site's vendors,
/// then built-in ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Own,
    Site,
    Builtin,
}

/// One vendor of a [`Catalog`], with its effective category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    /// Vendor id (`calltrackingmetrics`, `consent-dni`, or a site-added id).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Category after `vendors.classify`.
    pub category: Category,
    /// Whether it comes from the built-in catalog.
    pub builtin: bool,
    /// A Google tag (reads Google Consent Mode).
    pub google_tag: bool,
}

/// A catalogued vendor a script, resource or snippet belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagMatch<'a> {
    /// The vendor's id.
    pub vendor: &'a str,
    /// Its effective category.
    pub category: Category,
    /// It reads Google Consent Mode.
    pub google_tag: bool,
}

#[derive(Debug, Clone)]
struct CookieRule {
    pattern: CookiePattern,
    tier: Tier,
    vendor: usize,
}

#[derive(Debug, Clone)]
struct ScriptRule {
    pattern: ScriptPattern,
    tier: Tier,
    vendor: usize,
}

/// The vendor catalog of one site, built once per configuration.
///
/// Matching precedence, for cookies and scripts alike: the worker's own session cookie, then
/// site-added vendors, then built-in vendors; within one of those, an exact cookie name beats a
/// pattern, a longer prefix beats a shorter one, and for scripts a longer path prefix beats a
/// shorter one, then an exact host beats a `*.` wildcard.
#[derive(Debug, Clone)]
pub struct Catalog {
    vendors: Vec<Vendor>,
    /// Exact cookie name → (tier, vendor), keeping the highest-precedence owner.
    exact_cookies: HashMap<String, (Tier, usize)>,
    /// Prefix and digit patterns, sorted by precedence (first match wins).
    cookie_rules: Vec<CookieRule>,
    /// Script patterns, sorted by precedence (first match wins).
    script_rules: Vec<ScriptRule>,
    /// Script and endpoint patterns (what a pixel, frame or preload may point at), sorted by
    /// precedence.
    resource_rules: Vec<ScriptRule>,
    /// Every inline snippet signature (normalised), one automaton.
    signatures: Option<AhoCorasick>,
    /// Vendor of each signature, by pattern index.
    signature_vendor: Vec<usize>,
    cookie_domain: Option<String>,
}

/// The pattern lists of one vendor, as configured or built in.
struct Patterns<'a> {
    cookies: &'a [&'a str],
    scripts: &'a [&'a str],
    endpoints: &'a [&'a str],
    signatures: &'a [&'a str],
}

impl Catalog {
    /// Builds the catalog from the built-in vendors and `config`.
    ///
    /// `own_session_cookie`: the worker's own session cookie name and the category it needs
    /// (e.g. `("ct12345", Marketing)`); it is matched like a vendor cookie (vendor id
    /// `consent-dni`), before any other pattern.
    ///
    /// Never fails: invalid patterns, ids or domains (which [`dni_common::Validate`] reports)
    /// are skipped.
    pub fn new(config: &VendorsConfig, own_session_cookie: Option<(&str, Category)>) -> Self {
        let mut catalog = Catalog {
            vendors: Vec::new(),
            exact_cookies: HashMap::new(),
            cookie_rules: Vec::new(),
            script_rules: Vec::new(),
            resource_rules: Vec::new(),
            signatures: None,
            signature_vendor: Vec::new(),
            cookie_domain: config
                .cookie_domain
                .as_deref()
                .filter(|d| is_cookie_domain(d))
                .map(str::to_owned),
        };
        let classify = |id: &str, default: Category| -> Category {
            config.classify.get(id).copied().unwrap_or(default)
        };
        let mut signatures: Vec<String> = Vec::new();

        if let Some((name, category)) = own_session_cookie {
            let idx =
                catalog.push_vendor(OWN_VENDOR_ID, "consent-dni session", category, false, false);
            if let Ok(CookiePattern::Exact(n)) = CookiePattern::parse(name) {
                catalog.add_cookie(CookiePattern::Exact(n), Tier::Own, idx);
            }
        }
        for spec in &config.add {
            let taken = spec.id == OWN_VENDOR_ID
                || BUILTIN_VENDORS.iter().any(|b| b.id == spec.id)
                || catalog.vendors.iter().any(|v| v.id == spec.id);
            if taken {
                continue;
            }
            let name = spec.name.as_deref().unwrap_or(&spec.id);
            let category = classify(&spec.id, spec.category);
            let idx = catalog.push_vendor(&spec.id, name, category, false, false);
            let lists = [
                &spec.cookies,
                &spec.scripts,
                &spec.endpoints,
                &spec.signatures,
            ]
            .map(|l| l.iter().map(String::as_str).collect::<Vec<_>>());
            let [cookies, scripts, endpoints, sigs] = &lists;
            let patterns = Patterns {
                cookies,
                scripts,
                endpoints,
                signatures: sigs,
            };
            catalog.add_patterns(&patterns, Tier::Site, idx, &mut signatures);
        }
        for b in BUILTIN_VENDORS {
            let category = classify(b.id, b.category);
            let idx = catalog.push_vendor(b.id, b.name, category, true, b.google_tag);
            let builtin = Patterns {
                cookies: b.cookies,
                scripts: b.scripts,
                endpoints: b.endpoints,
                signatures: b.signatures,
            };
            catalog.add_patterns(&builtin, Tier::Builtin, idx, &mut signatures);
            if let Some(extra) = config.extend.get(b.id) {
                let lists = [
                    &extra.cookies,
                    &extra.scripts,
                    &extra.endpoints,
                    &extra.signatures,
                ]
                .map(|l| l.iter().map(String::as_str).collect::<Vec<_>>());
                let [cookies, scripts, endpoints, sigs] = &lists;
                let patterns = Patterns {
                    cookies,
                    scripts,
                    endpoints,
                    signatures: sigs,
                };
                catalog.add_patterns(&patterns, Tier::Site, idx, &mut signatures);
            }
        }
        catalog
            .cookie_rules
            .sort_by_key(|r| (r.tier, std::cmp::Reverse(r.pattern.literal().len())));
        catalog.script_rules.sort_by_key(script_rank);
        catalog.resource_rules.sort_by_key(script_rank);
        catalog.signatures = AhoCorasick::new(&signatures).ok();
        catalog
    }

    fn push_vendor(
        &mut self,
        id: &str,
        name: &str,
        category: Category,
        builtin: bool,
        google_tag: bool,
    ) -> usize {
        self.vendors.push(Vendor {
            id: id.to_owned(),
            name: name.to_owned(),
            category,
            builtin,
            google_tag,
        });
        self.vendors.len() - 1
    }

    fn add_patterns(
        &mut self,
        patterns: &Patterns<'_>,
        tier: Tier,
        vendor: usize,
        signatures: &mut Vec<String>,
    ) {
        for c in patterns.cookies {
            if let Ok(p) = CookiePattern::parse(c) {
                self.add_cookie(p, tier, vendor);
            }
        }
        for s in patterns.scripts {
            if let Ok(pattern) = ScriptPattern::parse(s) {
                self.resource_rules.push(ScriptRule {
                    pattern: pattern.clone(),
                    tier,
                    vendor,
                });
                self.script_rules.push(ScriptRule {
                    pattern,
                    tier,
                    vendor,
                });
            }
        }
        for e in patterns.endpoints {
            if let Ok(pattern) = ScriptPattern::parse(e) {
                self.resource_rules.push(ScriptRule {
                    pattern,
                    tier,
                    vendor,
                });
            }
        }
        for s in patterns.signatures {
            if let Ok(sig) = parse_signature(s) {
                signatures.push(sig);
                self.signature_vendor.push(vendor);
            }
        }
    }

    fn add_cookie(&mut self, pattern: CookiePattern, tier: Tier, vendor: usize) {
        match pattern {
            CookiePattern::Exact(name) => {
                self.exact_cookies.entry(name).or_insert((tier, vendor));
            }
            pattern => self.cookie_rules.push(CookieRule {
                pattern,
                tier,
                vendor,
            }),
        }
    }

    fn answer(&self, vendor: usize) -> Option<(&str, Category)> {
        self.vendors
            .get(vendor)
            .map(|v| (v.id.as_str(), v.category))
    }

    fn tag_match(&self, vendor: usize) -> Option<TagMatch<'_>> {
        self.vendors.get(vendor).map(|v| TagMatch {
            vendor: v.id.as_str(),
            category: v.category,
            google_tag: v.google_tag,
        })
    }

    /// The vendor id and category of a cookie name (exactly as sent, case-sensitive), or
    /// `None` when no vendor claims it.
    pub fn cookie_category(&self, cookie_name: &str) -> Option<(&str, Category)> {
        let exact = self.exact_cookies.get(cookie_name).copied();
        let rule = self
            .cookie_rules
            .iter()
            .find(|r| r.pattern.matches(cookie_name))
            .map(|r| (r.tier, r.vendor));
        let best = match (exact, rule) {
            (Some(e), Some(r)) => Some(if r.0 < e.0 { r } else { e }),
            (e, r) => e.or(r),
        };
        best.and_then(|(_, v)| self.answer(v))
    }

    /// The vendor id and category of a `<script src>` value: absolute (`https://host/..`),
    /// protocol-relative (`//host/..`) or relative (first party: only first-party path
    /// patterns can match, resolved as if the page were at the site root). `None` when no
    /// vendor claims it, and for `data:`/`blob:`/`javascript:` sources.
    pub fn script_category(&self, src: &str) -> Option<(&str, Category)> {
        self.script_category_at(src, "/")
    }

    /// Like [`Catalog::script_category`], resolving a relative `src` (`js/a.js`,
    /// `../vendor/a.js`) against `page_path`, the path of the page it appears in.
    pub fn script_category_at(&self, src: &str, page_path: &str) -> Option<(&str, Category)> {
        self.script_src(src, page_path)
            .map(|m| (m.vendor, m.category))
    }

    /// The vendor of a `<script src>` value (see [`Catalog::script_category_at`]).
    pub fn script_src(&self, src: &str, page_path: &str) -> Option<TagMatch<'_>> {
        let url = parse_script_src(src, page_path)?;
        let host = url.host.as_deref();
        self.script_rules
            .iter()
            .find(|r| r.pattern.matches(host, &url.path_and_query))
            .and_then(|r| self.tag_match(r.vendor))
    }

    /// The vendor of a resource URL an `<img>`, `<iframe>`, `<source>` or `<link>` points at:
    /// its endpoints and its script hosts.
    pub fn resource(&self, url: &str, page_path: &str) -> Option<TagMatch<'_>> {
        let url = parse_script_src(url, page_path)?;
        let host = url.host.as_deref();
        self.resource_rules
            .iter()
            .find(|r| r.pattern.matches(host, &url.path_and_query))
            .and_then(|r| self.tag_match(r.vendor))
    }

    /// Every vendor whose snippet signature the inline script `text` contains, or whose
    /// script host or endpoint one of its absolute URLs (`https://…`, `//…`) points at: a
    /// pixel fired from code (`new Image().src=`, `document.write('<img src=…>')`,
    /// `navigator.sendBeacon(…)`). Each vendor once, signatures first, then URLs, each in
    /// order of first appearance.
    pub fn inline_script(&self, text: &str) -> Vec<TagMatch<'_>> {
        let normalised = normalise_script(text);
        let mut seen: Vec<usize> = Vec::new();
        if let Some(ac) = &self.signatures {
            for m in ac.find_overlapping_iter(&normalised) {
                if let Some(&v) = self.signature_vendor.get(m.pattern().as_usize()) {
                    if !seen.contains(&v) {
                        seen.push(v);
                    }
                }
            }
        }
        for url in script_urls(&normalised) {
            if let Some(v) = self.resource_vendor(url) {
                if !seen.contains(&v) {
                    seen.push(v);
                }
            }
        }
        seen.into_iter().filter_map(|v| self.tag_match(v)).collect()
    }

    /// The vendor index of an absolute (or protocol-relative) URL found in script text, by
    /// the resource rules; first-party path patterns are not used (any URL with the file
    /// name would match them).
    fn resource_vendor(&self, url: &str) -> Option<usize> {
        let parsed = parse_script_src(url, "/")?;
        let host = parsed.host.as_deref()?;
        self.resource_rules
            .iter()
            .filter(|r| r.pattern.host.is_some())
            .find(|r| r.pattern.matches(Some(host), &parsed.path_and_query))
            .map(|r| r.vendor)
    }

    /// Every vendor, with its effective category (the own session cookie first when
    /// configured, then site-added vendors, then built-in ones).
    pub fn vendors(&self) -> &[Vendor] {
        &self.vendors
    }

    /// The vendor with this id.
    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.id == id)
    }

    /// `vendors.cookie_domain`, when configured and valid.
    pub fn cookie_domain(&self) -> Option<&str> {
        self.cookie_domain.as_deref()
    }
}

/// The absolute and protocol-relative URLs in normalised script text (see
/// [`normalise_script`]: no whitespace, `'` for every quote): from each `//` to the next
/// character that ends a URL in code (a quote, a bracket, `;`, `,`, `+`, `<`, `>`, `\\`).
fn script_urls(normalised: &str) -> impl Iterator<Item = &str> {
    normalised.match_indices("//").filter_map(move |(i, _)| {
        let rest = normalised.get(i..)?;
        let end = rest
            .char_indices()
            .skip(2)
            .find(|&(_, c)| {
                matches!(
                    c,
                    '\'' | '(' | ')' | '[' | ']' | '{' | '}' | ';' | ',' | '+' | '<' | '>' | '\\'
                )
            })
            .map_or(rest.len(), |(j, _)| j);
        let url = rest.get(..end)?;
        // A host follows: `//` then a letter or digit (not `///`, not a `//` comment's
        // punctuation).
        url.as_bytes()
            .get(2)
            .is_some_and(u8::is_ascii_alphanumeric)
            .then_some(url)
    })
}

fn script_rank(r: &ScriptRule) -> (Tier, std::cmp::Reverse<usize>, u8) {
    let host_rank = match r.pattern.host {
        Some(HostPattern::Exact(_)) => 0,
        Some(HostPattern::Subdomains(_)) => 1,
        None if r.pattern.any_directory => 3,
        None => 2,
    };
    (
        r.tier,
        std::cmp::Reverse(r.pattern.path_prefix.len()),
        host_rank,
    )
}

/// Whether `category` is declined. `Necessary` never is, whatever `declined` says.
pub(crate) fn is_declined(declined: &[Category], category: Category) -> bool {
    category != Category::Necessary && declined.contains(&category)
}
