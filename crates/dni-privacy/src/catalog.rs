//! The vendor catalog: built-in vendors plus the site's own, with every pattern parsed and
//! indexed once per configuration.

use std::collections::HashMap;

use dni_common::Category;

use crate::builtin::BUILTIN_VENDORS;
use crate::config::{is_cookie_domain, VendorsConfig, OWN_VENDOR_ID};
use crate::cookie_pattern::CookiePattern;
use crate::script_pattern::{HostPattern, ScriptPattern};
use crate::script_url::parse_script_src;

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
    cookie_domain: Option<String>,
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
            cookie_domain: config
                .cookie_domain
                .as_deref()
                .filter(|d| is_cookie_domain(d))
                .map(str::to_owned),
        };
        let classify = |id: &str, default: Category| -> Category {
            config.classify.get(id).copied().unwrap_or(default)
        };

        if let Some((name, category)) = own_session_cookie {
            let idx = catalog.push_vendor(OWN_VENDOR_ID, "consent-dni session", category, false);
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
            let idx = catalog.push_vendor(&spec.id, name, category, false);
            for c in &spec.cookies {
                if let Ok(p) = CookiePattern::parse(c) {
                    catalog.add_cookie(p, Tier::Site, idx);
                }
            }
            for s in &spec.scripts {
                if let Ok(p) = ScriptPattern::parse(s) {
                    catalog.add_script(p, Tier::Site, idx);
                }
            }
        }
        for b in BUILTIN_VENDORS {
            let idx = catalog.push_vendor(b.id, b.name, classify(b.id, b.category), true);
            for c in b.cookies {
                if let Ok(p) = CookiePattern::parse(c) {
                    catalog.add_cookie(p, Tier::Builtin, idx);
                }
            }
            for s in b.scripts {
                if let Ok(p) = ScriptPattern::parse(s) {
                    catalog.add_script(p, Tier::Builtin, idx);
                }
            }
        }
        catalog
            .cookie_rules
            .sort_by_key(|r| (r.tier, std::cmp::Reverse(r.pattern.literal().len())));
        catalog.script_rules.sort_by_key(script_rank);
        catalog
    }

    fn push_vendor(&mut self, id: &str, name: &str, category: Category, builtin: bool) -> usize {
        self.vendors.push(Vendor {
            id: id.to_owned(),
            name: name.to_owned(),
            category,
            builtin,
        });
        self.vendors.len() - 1
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

    fn add_script(&mut self, pattern: ScriptPattern, tier: Tier, vendor: usize) {
        self.script_rules.push(ScriptRule {
            pattern,
            tier,
            vendor,
        });
    }

    fn answer(&self, vendor: usize) -> Option<(&str, Category)> {
        self.vendors
            .get(vendor)
            .map(|v| (v.id.as_str(), v.category))
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
        let url = parse_script_src(src, page_path)?;
        let host = url.host.as_deref();
        self.script_rules
            .iter()
            .find(|r| r.pattern.matches(host, &url.path_and_query))
            .and_then(|r| self.answer(r.vendor))
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

fn script_rank(r: &ScriptRule) -> (Tier, std::cmp::Reverse<usize>, u8) {
    let host_rank = match r.pattern.host {
        Some(HostPattern::Exact(_)) => 0,
        Some(HostPattern::Subdomains(_)) => 1,
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
