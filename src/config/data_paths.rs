//! `rewrite.data_paths`: the site's own data request paths, as globs compiled once per
//! isolate into one regular expression.

use regex_lite::Regex;

/// One regular expression for the site's `data_paths` globs (`*` within a segment, `**`
/// across segments); `None` when there are none.
pub fn compile_data_paths(globs: &[String]) -> Option<Regex> {
    if globs.is_empty() {
        return None;
    }
    let alternatives: Vec<String> = globs
        .iter()
        .map(|g| {
            let mut re = String::new();
            let mut rest = g.as_str();
            while !rest.is_empty() {
                if let Some(r) = rest.strip_prefix("**") {
                    re.push_str(".*");
                    rest = r;
                } else if let Some(r) = rest.strip_prefix('*') {
                    re.push_str("[^/]*");
                    rest = r;
                } else {
                    let c = rest.chars().next().unwrap_or('/');
                    re.push_str(&regex_lite::escape(&c.to_string()));
                    rest = rest.get(c.len_utf8()..).unwrap_or("");
                }
            }
            format!("(?:{re})")
        })
        .collect();
    Regex::new(&format!("^(?:{})$", alternatives.join("|"))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_within_a_segment_and_across() {
        let re = compile_data_paths(&["/data/*.json".into(), "/api/page/**".into()]).unwrap();
        assert!(re.is_match("/data/contact.json"));
        assert!(!re.is_match("/data/a/contact.json"));
        assert!(re.is_match("/api/page/a/b.json"));
        assert!(!re.is_match("/api/pages"));
        assert!(!re.is_match("/dataXcontact.json"));
        assert!(compile_data_paths(&[]).is_none());
        assert!(compile_data_paths(&["/a.(b)+[c]/*".into()])
            .unwrap()
            .is_match("/a.(b)+[c]/x"));
    }
}
