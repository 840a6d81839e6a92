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

    /// Two signals' answers on one category: a refusal wins, then a grant; a signal that
    /// says nothing about the category does not vote (`Denied` over `Granted` over
    /// `Unset`). Used between different cookies and platforms; duplicates of one cookie
    /// use [`Consent::most_restrictive`].
    pub fn stated_merge(self, other: Consent) -> Consent {
        use Consent::*;
        match (self, other) {
            (Denied, _) | (_, Denied) => Denied,
            (Granted, _) | (_, Granted) => Granted,
            (Unset, Unset) => Unset,
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
        states
            .into_iter()
            .fold(Consent::Unset, Consent::stated_merge)
    }
}

/// A reader's result: one [`Consent`] per category.
///
/// `necessary` is carried for completeness; the decision always grants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CmpVerdict {
    necessary: Consent,
    functional: Consent,
    analytics: Consent,
    marketing: Consent,
}

impl Default for CmpVerdict {
    fn default() -> Self {
        CmpVerdict {
            necessary: Consent::Unset,
            functional: Consent::Unset,
            analytics: Consent::Unset,
            marketing: Consent::Unset,
        }
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
        match c {
            Category::Necessary => self.necessary,
            Category::Functional => self.functional,
            Category::Analytics => self.analytics,
            Category::Marketing => self.marketing,
        }
    }

    /// Sets the state of one category.
    pub fn set(&mut self, c: Category, state: Consent) {
        match c {
            Category::Necessary => self.necessary = state,
            Category::Functional => self.functional = state,
            Category::Analytics => self.analytics = state,
            Category::Marketing => self.marketing = state,
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
        self.zip(other, Consent::most_restrictive)
    }

    /// Category-wise [`Consent::stated_merge`] of two verdicts (different cookies or
    /// platforms).
    pub fn stated_merge(self, other: CmpVerdict) -> CmpVerdict {
        self.zip(other, Consent::stated_merge)
    }

    /// `self`, with the categories it leaves unset taken from `fallback` (a primary
    /// platform's verdict over the others').
    pub fn or_else(self, fallback: CmpVerdict) -> CmpVerdict {
        self.zip(fallback, |mine, theirs| match mine {
            Consent::Unset => theirs,
            stated => stated,
        })
    }

    fn zip(self, other: CmpVerdict, f: impl Fn(Consent, Consent) -> Consent) -> CmpVerdict {
        let mut out = self;
        for c in Category::ALL {
            out.set(c, f(self.get(c), other.get(c)));
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
    fn stated_merge_lets_silence_abstain() {
        use Consent::*;
        assert_eq!(Granted.stated_merge(Denied), Denied);
        assert_eq!(Denied.stated_merge(Unset), Denied);
        assert_eq!(Granted.stated_merge(Unset), Granted);
        assert_eq!(Unset.stated_merge(Granted), Granted);
        assert_eq!(Unset.stated_merge(Unset), Unset);
        assert_eq!(Granted.stated_merge(Granted), Granted);
    }

    #[test]
    fn verdict_merges_work_category_by_category() {
        use Consent::*;
        let a = CmpVerdict::new()
            .with(Category::Functional, Granted)
            .with(Category::Marketing, Granted);
        let b = CmpVerdict::new()
            .with(Category::Analytics, Granted)
            .with(Category::Marketing, Denied);
        let m = a.stated_merge(b);
        assert_eq!(
            [
                m.get(Category::Functional),
                m.get(Category::Analytics),
                m.get(Category::Marketing)
            ],
            [Granted, Granted, Denied]
        );
        let r = a.most_restrictive(b);
        assert_eq!(
            [
                r.get(Category::Functional),
                r.get(Category::Analytics),
                r.get(Category::Marketing)
            ],
            [Unset, Unset, Denied]
        );
        let p = a.or_else(b);
        assert_eq!(
            [
                p.get(Category::Functional),
                p.get(Category::Analytics),
                p.get(Category::Marketing)
            ],
            [Granted, Granted, Granted]
        );
    }

    #[test]
    fn uniform_and_from_bool() {
        let v = CmpVerdict::uniform(false);
        assert_eq!(v.get(Category::Necessary), Consent::Unset);
        assert_eq!(v.get(Category::Marketing), Consent::Denied);
        assert_eq!(
            CmpVerdict::uniform(true).get(Category::Functional),
            Consent::Granted
        );
        assert_eq!(Consent::from_bool(true), Consent::Granted);
        assert_eq!(Consent::from_bool(false), Consent::Denied);
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
