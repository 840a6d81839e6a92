//! [`ReenableAttribute`]: how a consent platform recognises a blocked script it may run.

/// An attribute a consent platform reads on a blocked `<script type="text/plain">` to run it
/// once the visitor grants its category (the platform's "manual blocking" markup): written
/// by the tag firewall on the scripts it neutralises, so accepting the banner starts them
/// without a page load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReenableAttribute {
    /// The attribute's name (`class`, `data-cookieconsent`).
    pub name: &'static str,
    /// Its value for the script's category (`optanon-category-C0004`, `marketing`).
    pub value: String,
    /// Added to an existing value, space-separated (a class), instead of replacing it.
    pub append: bool,
}
