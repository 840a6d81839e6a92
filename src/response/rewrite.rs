//! [`rewrite_plan`]: what the rewriter does to one response.

use dni_common::Category;
use dni_numbers::E164;
use dni_rewrite::{RewritePlan, ScriptPolicy};

use crate::runtime::Site;

/// The rewrite of a page on `site` showing `swaps` to a visitor who declined `declined`:
/// the numbers, the site's attributes and, when anything is declined, the script policy
/// (a `<script src>` of a declined vendor, or a script marked with a declined category, is
/// neutralised).
pub fn rewrite_plan(site: &Site, swaps: Vec<(E164, E164)>, declined: &[Category]) -> RewritePlan {
    let scripts = (!declined.is_empty()).then(|| {
        let catalog = site.catalog.clone();
        let blocked = declined.to_vec();
        ScriptPolicy {
            blocked_src: Box::new(move |src: &str| {
                let (_, category) = catalog.script_category(src)?;
                blocked.contains(&category).then_some(category)
            }),
            inline_attribute: site.config.vendors.inline_script_attribute.clone(),
            declined: declined.to_vec(),
        }
    });
    RewritePlan::new(&site.config.rewrite, swaps, scripts)
}
