//! [`rewrite_plan`]: what the rewriter does to one response; [`CatalogClassifier`]: the
//! site's vendor catalog as the rewriter's tag classifier.

use std::rc::Rc;

use dni_common::Category;
use dni_numbers::E164;
use dni_privacy::Catalog;
use dni_rewrite::{
    ConsentModeBlock, ConsentModePlacement, HydrationGuard, RewritePlan, TagClassifier,
    TagFirewall, TagInfo, DEFAULT_MAX_INLINE_SCRIPT_BYTES,
};

use crate::runtime::Site;

/// The catalog of a site, resolving relative URLs against the page's path.
pub struct CatalogClassifier {
    pub catalog: Rc<Catalog>,
    pub page_path: String,
}

fn info(m: dni_privacy::TagMatch<'_>) -> TagInfo {
    TagInfo {
        category: m.category,
        google_tag: m.google_tag,
    }
}

impl TagClassifier for CatalogClassifier {
    fn script_src(&self, src: &str) -> Option<TagInfo> {
        self.catalog.script_src(src, &self.page_path).map(info)
    }

    fn inline_script(&self, text: &str) -> Vec<TagInfo> {
        self.catalog
            .inline_script(text)
            .into_iter()
            .map(info)
            .collect()
    }

    fn resource(&self, url: &str) -> Option<TagInfo> {
        self.catalog.resource(url, &self.page_path).map(info)
    }
}

/// The rewrite of a page at `page_path` on `site` showing `swaps` to a visitor who declined
/// `declined`, with the Consent Mode block `consent_mode` and the hydration `guard`: the
/// numbers, the site's attributes and data settings, and the tag firewall when anything is
/// declined (or Google tags must be found to place the block).
pub fn rewrite_plan(
    site: &Site,
    swaps: Vec<(E164, E164)>,
    declined: &[Category],
    inserted: (Option<ConsentModeBlock>, Option<HydrationGuard>),
    page_path: &str,
) -> RewritePlan {
    let (consent_mode, guard) = inserted;
    let disarms = declined.iter().any(|c| *c != Category::Necessary);
    let searches = consent_mode
        .as_ref()
        .is_some_and(|b| b.placement == ConsentModePlacement::Auto);
    let firewall = (disarms || searches).then(|| TagFirewall {
        classifier: Rc::new(CatalogClassifier {
            catalog: site.catalog.clone(),
            page_path: page_path.to_string(),
        }),
        declined: declined.to_vec(),
        marker_attribute: site.config.vendors.inline_script_attribute.clone(),
        max_inline_script_bytes: DEFAULT_MAX_INLINE_SCRIPT_BYTES,
        reenable: declined
            .iter()
            .filter_map(|&c| Some((c, site.config.consent.reenable_attribute(c)?)))
            .collect(),
    });
    let mut plan = RewritePlan::new(&site.config.rewrite, swaps, firewall);
    plan.consent_mode = consent_mode;
    if let Some(data) = plan.data.as_mut() {
        data.guard = guard;
    }
    plan
}
