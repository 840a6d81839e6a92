//! What a reader found in one cookie value: a verdict, silence, a value not acceptable or
//! a malformed one (named by a reason, never by the value).

use crate::verdict::CmpVerdict;

/// What one cookie value said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Present and well-formed, but says nothing about the non-necessary categories (a
    /// banner not answered yet, a map that names none of the configured ids).
    Silent,
    /// A verdict on at least one non-necessary category.
    Verdict(CmpVerdict),
    /// Well-formed but not acceptable: expired, too old, superseded. The reason is a
    /// short static description.
    Ignored(&'static str),
    /// Not in the platform's format. The reason is a short static description, never the
    /// value.
    Malformed(&'static str),
}

impl Outcome {
    /// A verdict that states nothing counts as silent.
    pub fn from_verdict(v: CmpVerdict) -> Outcome {
        if v.is_informative() {
            Outcome::Verdict(v)
        } else {
            Outcome::Silent
        }
    }

    /// The verdict, if any.
    pub fn verdict(&self) -> Option<&CmpVerdict> {
        match self {
            Outcome::Verdict(v) => Some(v),
            _ => None,
        }
    }
}

/// One cookie value a reader looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieRead {
    /// The cookie's name (as configured, or as found for prefix-matched cookies).
    pub cookie: String,
    /// What it said.
    pub outcome: Outcome,
    /// Which part of the value decided, for formats with several (the GPP section name:
    /// `usnat`, `usca`, `tcfeuv2`...).
    pub detail: Option<&'static str>,
}

impl CookieRead {
    /// A read without detail.
    pub fn new(cookie: impl Into<String>, outcome: Outcome) -> CookieRead {
        CookieRead {
            cookie: cookie.into(),
            outcome,
            detail: None,
        }
    }
}
