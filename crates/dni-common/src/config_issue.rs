use std::fmt;

/// One problem found in configuration: where (`path`, e.g. `sites[0].targets[1].fallback`),
/// what is wrong, and optionally how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
}

impl ConfigIssue {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigIssue {
            path: path.into(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Semantic validation of a deserialised configuration section.
///
/// `path` is the key path of `self` (e.g. `sites[0].consent`); implementations push one
/// [`ConfigIssue`] per problem, with the full path of the offending key.
pub trait Validate {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>);
}
