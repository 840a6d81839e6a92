//! [`Shared`]: the state the lol_html handlers of one rewrite share (each handler closure
//! holds an `Rc` of it), built by the rewriter from the plan. The handlers are in
//! `handlers/`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::consent_mode::ConsentMode;
use crate::firewall::Firewall;
use crate::numbers::Numbers;
use crate::payload::{DataPlan, Framework};
use crate::plan::RewriteStats;
use crate::script::Scripts;
use crate::sink::Output;

/// State shared by the handlers of one rewrite.
pub(crate) struct Shared {
    pub numbers: Option<Numbers>,
    pub firewall: Option<Firewall>,
    pub consent: Option<RefCell<ConsentMode>>,
    pub data: Option<DataPlan>,
    pub scripts: Scripts,
    pub guard_inserted: Cell<bool>,
    /// A data island just had a number swapped: the guard goes after its end tag.
    pub guard_after_script: Cell<bool>,
    pub out: Rc<RefCell<Output>>,
    pub stats: Cell<RewriteStats>,
}

impl Shared {
    /// Updates the statistics.
    pub(crate) fn count(&self, f: impl FnOnce(&mut RewriteStats)) {
        let mut s = self.stats.get();
        f(&mut s);
        self.stats.set(s);
    }

    /// Records the framework a page shows (the most specific one seen).
    pub(crate) fn saw_framework(&self, f: Framework) {
        self.count(|s| s.framework = s.framework.max(Some(f)));
    }

    /// The hydration guard, if it goes in now (once per page, with swaps to apply).
    pub(crate) fn take_guard(&self) -> Option<&str> {
        let guard = self.data.as_ref()?.guard.as_ref()?;
        if self.guard_inserted.replace(true) {
            return None;
        }
        self.count(|s| s.hydration_guard_inserted = true);
        Some(guard.html.as_str())
    }

    /// Whether numbers are swapped in payloads on this page.
    pub(crate) fn swaps_data(&self) -> bool {
        self.data.as_ref().is_some_and(|d| d.swap) && self.has_swaps()
    }

    /// Whether any number changes on this page.
    pub(crate) fn has_swaps(&self) -> bool {
        self.numbers.as_ref().is_some_and(|n| !n.swapper.is_empty())
    }

    /// Whether `<script>` elements need handlers (firewall, Consent Mode, payloads).
    pub(crate) fn holds_scripts(&self) -> bool {
        self.firewall.is_some() || self.consent.is_some() || self.swaps_data()
    }
}
