use std::fmt;

/// How serious a [`ConfigIssue`] is.
///
/// An **error** makes the configuration unusable: the worker passes traffic through untouched
/// and `dni-check` exits 1. A **warning** is a likely mistake that still works (a template
/// placeholder left in, a fallback equal to its target): the configuration is used, and
/// `dni-check` reports it (exit 1 only with `--deny-warnings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in configuration: where (`path`, e.g. `sites[0].targets[1].fallback`),
/// what is wrong, optionally how to fix it, and how serious it is ([`Severity::Error`] unless
/// made a [`warning`](ConfigIssue::warning)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
    pub severity: Severity,
}

impl ConfigIssue {
    /// An error at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigIssue {
            path: path.into(),
            message: message.into(),
            hint: None,
            severity: Severity::Error,
        }
    }

    /// A warning at `path`: reported, but the configuration is still used.
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigIssue {
            severity: Severity::Warning,
            ..ConfigIssue::new(path, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Is this an error (not a warning)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_by_default_warnings_on_request() {
        let e = ConfigIssue::new("sites[0].hosts", "empty");
        assert!(e.is_error());
        assert_eq!(e.to_string(), "sites[0].hosts: empty");
        let w = ConfigIssue::warning("sites[0].session.account_id", "placeholder")
            .with_hint("use yours");
        assert!(!w.is_error());
        assert_eq!(w.severity, Severity::Warning);
        assert_eq!(
            w.to_string(),
            "warning: sites[0].session.account_id: placeholder (hint: use yours)"
        );
        assert_eq!(Severity::Error.to_string(), "error");
    }
}
