//! What one consent signal says about each category: granted, denied or silent.

use dni_common::Category;

/// One category's state in a CMP's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// The signal says nothing about this category (the regime decides).
    Unset,
    /// The visitor refused.
    Denied,
    /// The visitor allowed.
    Granted,
}

impl Consent {
    /// The more restrictive of two states: `Denied` over `Unset` over `Granted`.
    pub fn most_restrictive(self, other: Consent) -> Consent {
        use Consent::*;
        match (self, other) {
            (Denied, _) | (_, Denied) => Denied,
            (Unset, _) | (_, Unset) => Unset,
            (Granted, Granted) => Granted,
        }
    }

    /// `Granted`/`Denied` from a boolean.
    pub fn from_bool(granted: bool) -> Consent {
        if granted {
            Consent::Granted
        } else {
            Consent::Denied
        }
    }

    /// Several states that together stand for one category (e.g. OneTrust C0004 and C0005
    /// both map to marketing): denied if any is denied, granted if every stated one is
    /// granted, unset if none is stated.
    pub fn all_of(states: impl IntoIterator<Item = Consent>) -> Consent {
        let mut out = Consent::Unset;
        let mut seen = false;
        for s in states {
            match s {
                Consent::Unset => {}
                Consent::Denied => return Consent::Denied,
                Consent::Granted => {
                    if !seen {
                        out = Consent::Granted;
                        seen = true;
                    }
                }
            }
        }
        out
    }
}

/// A CMP parser's result: one [`Consent`] per category.
///
/// `necessary` is carried for completeness; the decision always grants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CmpVerdict {
    states: [Consent; 4],
}

impl Default for CmpVerdict {
    fn default() -> Self {
        CmpVerdict {
            states: [Consent::Unset; 4],
        }
    }
}

fn index(c: Category) -> usize {
    match c {
        Category::Necessary => 0,
        Category::Functional => 1,
        Category::Analytics => 2,
        Category::Marketing => 3,
    }
}

impl CmpVerdict {
    /// A verdict that states nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A verdict that grants (or refuses) every category but necessary.
    pub fn uniform(granted: bool) -> Self {
        let mut v = CmpVerdict::new();
        for c in [
            Category::Functional,
            Category::Analytics,
            Category::Marketing,
        ] {
            v.set(c, Consent::from_bool(granted));
        }
        v
    }

    /// The state of one category.
    pub fn get(&self, c: Category) -> Consent {
        self.states.get(index(c)).copied().unwrap_or(Consent::Unset)
    }

    /// Sets the state of one category.
    pub fn set(&mut self, c: Category, state: Consent) {
        if let Some(slot) = self.states.get_mut(index(c)) {
            *slot = state;
        }
    }

    /// Builder form of [`CmpVerdict::set`].
    pub fn with(mut self, c: Category, state: Consent) -> Self {
        self.set(c, state);
        self
    }

    /// Whether the verdict states anything about a non-necessary category. A parser whose
    /// verdict states nothing is treated as absent (the next CMP in the order is consulted).
    pub fn is_informative(&self) -> bool {
        [
            Category::Functional,
            Category::Analytics,
            Category::Marketing,
        ]
        .iter()
        .any(|&c| self.get(c) != Consent::Unset)
    }

    /// Category-wise [`Consent::most_restrictive`] of two verdicts (duplicate cookies).
    pub fn most_restrictive(self, other: CmpVerdict) -> CmpVerdict {
        let mut out = self;
        for c in Category::ALL {
            out.set(c, self.get(c).most_restrictive(other.get(c)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_restrictive_orders_denied_unset_granted() {
        use Consent::*;
        assert_eq!(Granted.most_restrictive(Denied), Denied);
        assert_eq!(Granted.most_restrictive(Unset), Unset);
        assert_eq!(Unset.most_restrictive(Denied), Denied);
        assert_eq!(Granted.most_restrictive(Granted), Granted);
    }

    #[test]
    fn all_of_ignores_unstated_members() {
        use Consent::*;
        assert_eq!(Consent::all_of([Unset, Granted]), Granted);
        assert_eq!(Consent::all_of([Granted, Denied, Unset]), Denied);
        assert_eq!(Consent::all_of([Unset, Unset]), Unset);
        assert_eq!(Consent::all_of([]), Unset);
    }

    #[test]
    fn verdict_without_non_necessary_states_is_not_informative() {
        let v = CmpVerdict::new().with(Category::Necessary, Consent::Granted);
        assert!(!v.is_informative());
        assert!(v
            .with(Category::Analytics, Consent::Denied)
            .is_informative());
    }
}
