//! The README's catalog table is the built-in catalog: rendered from `BUILTIN_VENDORS` and
//! compared with the README, so the documentation cannot drift from the data. On failure the
//! expected table is printed, to paste into README.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dni_privacy::BUILTIN_VENDORS;

fn code_list(items: &[&str]) -> String {
    if items.is_empty() {
        return "—".to_string();
    }
    items
        .iter()
        .map(|i| format!("`{}`", i.replace('|', "\\|")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn table() -> String {
    let mut out = String::from(
        "| vendor (id) | default category | first-party cookies | script hosts | pixel / frame endpoints | inline snippet signatures | Google tag |\n|---|---|---|---|---|---|---|\n",
    );
    for v in BUILTIN_VENDORS {
        out.push_str(&format!(
            "| {} (`{}`) | {} | {} | {} | {} | {} | {} |\n",
            v.name,
            v.id,
            v.category.as_str(),
            code_list(v.cookies),
            code_list(v.scripts),
            code_list(v.endpoints),
            code_list(v.signatures),
            if v.google_tag { "yes" } else { "no" },
        ));
    }
    out
}

#[test]
fn the_readme_lists_the_built_in_catalog_as_it_is() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let expected = table();
    assert!(
        readme.contains(&expected),
        "README.md's catalog table is out of date; replace it with:\n\n{expected}"
    );
}
