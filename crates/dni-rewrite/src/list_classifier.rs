//! [`ListClassifier`]: a [`TagClassifier`] from plain lists, for tests and tools (the worker
//! classifies with the site's vendor catalog).

use crate::plan::{TagClassifier, TagInfo};

/// Classifies by case-insensitive substring: a script `src` or resource URL containing a
/// listed host/path, an inline script containing a listed signature.
#[derive(Debug, Clone, Default)]
pub struct ListClassifier {
    /// (substring of a `<script src>`, what it is).
    pub scripts: Vec<(String, TagInfo)>,
    /// (substring of an inline script's text, what it is).
    pub signatures: Vec<(String, TagInfo)>,
    /// (substring of a pixel, frame or preload URL, what it is); script entries count too.
    pub resources: Vec<(String, TagInfo)>,
}

fn contains(haystack: &str, needle: &str) -> bool {
    haystack
        .to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}

impl TagClassifier for ListClassifier {
    fn script_src(&self, src: &str) -> Option<TagInfo> {
        self.scripts
            .iter()
            .find(|(s, _)| contains(src, s))
            .map(|(_, i)| *i)
    }

    fn inline_script(&self, text: &str) -> Vec<TagInfo> {
        self.signatures
            .iter()
            .filter(|(s, _)| contains(text, s))
            .map(|(_, i)| *i)
            .collect()
    }

    fn resource(&self, url: &str) -> Option<TagInfo> {
        self.resources
            .iter()
            .chain(&self.scripts)
            .find(|(s, _)| contains(url, s))
            .map(|(_, i)| *i)
    }
}
