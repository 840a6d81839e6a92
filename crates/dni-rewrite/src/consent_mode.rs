//! Where the Google Consent Mode default block goes (see [`ConsentModePlacement`]).
//!
//! `Always`: prepended to `<head>` (or, on a page without a `<head>` tag, before its first
//! script or `<body>`). `Auto`: the head's output is held from its start tag with a marker
//! right after it; the first Google tag in the head replaces the marker with the block and
//! releases the output; `</head>` without one removes the marker; a Google tag later in the
//! body gets the block right before it. The head is held at most [`MAX_HELD_HEAD_BYTES`]:
//! past that the block is inserted (the safe side for a visitor's consent).

use crate::plan::{ConsentModeBlock, ConsentModePlacement};
use crate::sink::Output;

/// Most output bytes held back while waiting for a Google tag in `<head>`.
pub const MAX_HELD_HEAD_BYTES: usize = 256 * 1024;

/// Marks the top of `<head>` in the held output (replaced or removed before it goes out).
pub(crate) const MARKER: &str = "<!--consent-dni:consent-mode-->";

pub(crate) struct ConsentMode {
    html: String,
    placement: ConsentModePlacement,
    inserted: bool,
    holding: bool,
}

impl ConsentMode {
    pub(crate) fn new(block: &ConsentModeBlock) -> ConsentMode {
        ConsentMode {
            html: block.html(),
            placement: block.placement,
            inserted: false,
            holding: false,
        }
    }

    pub(crate) fn inserted(&self) -> bool {
        self.inserted
    }

    /// Still looking for a Google tag (inline scripts must be classified).
    pub(crate) fn searching(&self) -> bool {
        !self.inserted && self.placement == ConsentModePlacement::Auto
    }

    /// At `<head>`: what to prepend to it (the block, or the marker while holding).
    pub(crate) fn at_head_start(&mut self, out: &mut Output) -> Option<&str> {
        if self.inserted {
            return None;
        }
        match self.placement {
            ConsentModePlacement::Always => {
                self.inserted = true;
                Some(&self.html)
            }
            ConsentModePlacement::Auto => {
                out.hold();
                self.holding = true;
                Some(MARKER)
            }
        }
    }

    /// At `</head>`: a held head without a Google tag goes out without the block.
    pub(crate) fn at_head_end(&mut self, out: &mut Output) {
        if self.holding {
            out.replace_held(MARKER.as_bytes(), b"");
            out.release();
            self.holding = false;
        }
    }

    /// A Google tag (or, for `Always` on a page without `<head>`, the first script or the
    /// body): the block to insert right before it, if it must go there.
    pub(crate) fn at_google_tag(&mut self, out: &mut Output) -> Option<&str> {
        if self.inserted {
            return None;
        }
        self.inserted = true;
        if self.holding {
            self.holding = false;
            if out.replace_held(MARKER.as_bytes(), self.html.as_bytes()) {
                out.release();
                return None;
            }
            out.release();
        }
        Some(&self.html)
    }

    /// Before the first script or `<body>`: `Always` on a page without a `<head>` tag.
    pub(crate) fn at_first_script_or_body(&mut self, out: &mut Output) -> Option<&str> {
        if self.placement == ConsentModePlacement::Always {
            self.at_google_tag(out)
        } else {
            None
        }
    }

    /// After each input chunk: a head held too long gets the block and goes out.
    pub(crate) fn check_hold(&mut self, out: &mut Output) {
        if self.holding && out.held() > MAX_HELD_HEAD_BYTES {
            self.holding = false;
            self.inserted = out.replace_held(MARKER.as_bytes(), self.html.as_bytes());
            out.release();
        }
    }

    /// At the end of the document: nothing stays held.
    pub(crate) fn at_end(&mut self, out: &mut Output) {
        self.at_head_end(out);
    }
}
