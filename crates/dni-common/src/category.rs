use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A cookie category, as consent-management platforms group cookies.
///
/// `Necessary` is always granted. Vendors, tracking numbers and scripts are each
/// classified into exactly one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Necessary,
    Functional,
    Analytics,
    Marketing,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Necessary,
        Category::Functional,
        Category::Analytics,
        Category::Marketing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Necessary => "necessary",
            Category::Functional => "functional",
            Category::Analytics => "analytics",
            Category::Marketing => "marketing",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseCategoryError(pub String);

impl fmt::Display for ParseCategoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown category `{}` (expected necessary, functional, analytics or marketing)",
            self.0
        )
    }
}

impl FromStr for Category {
    type Err = ParseCategoryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "necessary" => Ok(Category::Necessary),
            "functional" => Ok(Category::Functional),
            "analytics" => Ok(Category::Analytics),
            "marketing" => Ok(Category::Marketing),
            other => Err(ParseCategoryError(other.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_str_and_serde() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(c));
        }
        assert!("Marketing".parse::<Category>().is_err());
    }

    #[test]
    fn displays_as_the_configuration_spelling() {
        // The spelling users write in `DNI_CONFIG` and read in `/__dni/consent` (SPEC.md).
        let shown: Vec<String> = Category::ALL.iter().map(|c| c.to_string()).collect();
        assert_eq!(shown, ["necessary", "functional", "analytics", "marketing"]);
        let err = "Marketing".parse::<Category>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown category `Marketing` (expected necessary, functional, analytics or marketing)"
        );
    }
}
