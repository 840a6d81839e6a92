//! Framework payload handlers: `<astro-island props>`.

use lol_html::html_content::Element;
use lol_html::HandlerResult;

use crate::payload::Framework;
use crate::shared::Shared;

impl Shared {
    /// `<astro-island props="…">`: the island's props (JSON in an attribute).
    pub(crate) fn on_island(&self, el: &mut Element<'_, '_>) -> HandlerResult {
        let (Some(n), Some(data)) = (&self.numbers, self.data.as_ref().filter(|d| d.swap)) else {
            return Ok(());
        };
        let here = el.source_location().bytes().start;
        if n.skip_element_at.get() == Some(here) {
            return Ok(());
        }
        let Some(raw) = el.get_attribute("props") else {
            return Ok(());
        };
        // lol_html gives the value as written (entities not decoded) and escapes `"` when
        // setting it: the quotes are decoded so the JSON's keys are found.
        let props = raw.replace("&quot;", "\"").replace("&#34;", "\"");
        let swapped = n.swapper.swap_in_data(&props, &|k: &str| data.excludes(k));
        self.saw_framework(Framework::Astro);
        self.count(|s| {
            s.data_numbers_swapped += swapped.count;
            s.data_numbers_skipped += swapped.skipped;
        });
        if let Some(text) = swapped.text {
            el.set_attribute("props", &text)?;
        }
        Ok(())
    }
}
