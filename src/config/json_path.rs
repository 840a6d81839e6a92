//! [`path_at`]: the key path (`calls.webhook.url`, `numbers[2]`) at a byte offset of a JSON
//! text, for naming where a serde_json error happened.
//!
//! The configuration check deserialises each section with plain serde_json (one set of
//! `Deserialize` code for every config type) and turns the error's line and column back
//! into the path by walking the text up to that point: the tables and arrays it is inside,
//! the key last read in each table and the element index in each array. serde_json places
//! an error right after the value (or key) that caused it, and a "missing field" right
//! after the table's closing brace, so the walk names the value, the unknown key or the
//! table respectively: the paths `serde_path_to_error` gave (tests/config_paths.rs compares
//! the two).

enum Frame {
    /// A table: the key last read (if any), and whether a key comes next.
    Table {
        key: Option<String>,
        expect_key: bool,
    },
    /// An array: the index of the current element.
    Array(usize),
}

/// The path at `offset` bytes into `text` (`""`: the top level). `text` is JSON as
/// serde_json writes it; anything else gives a best-effort path, never a panic.
pub(crate) fn path_at(text: &str, offset: usize) -> String {
    let prefix = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = 0;
    while let Some(&b) = prefix.get(i) {
        i += 1;
        match b {
            b'{' => frames.push(Frame::Table {
                key: None,
                expect_key: true,
            }),
            b'[' => frames.push(Frame::Array(0)),
            b'}' | b']' => {
                frames.pop();
            }
            b',' => match frames.last_mut() {
                Some(Frame::Table { key, expect_key }) => {
                    *key = None;
                    *expect_key = true;
                }
                Some(Frame::Array(n)) => *n += 1,
                None => {}
            },
            b':' => {
                if let Some(Frame::Table { expect_key, .. }) = frames.last_mut() {
                    *expect_key = false;
                }
            }
            b'"' => {
                let start = i - 1;
                while let Some(&c) = prefix.get(i) {
                    i += 1;
                    match c {
                        b'\\' => i += 1,
                        b'"' => break,
                        _ => {}
                    }
                }
                if let Some(Frame::Table { key, expect_key }) = frames.last_mut() {
                    if *expect_key {
                        let raw = prefix.get(start..i.min(prefix.len())).unwrap_or_default();
                        let raw = String::from_utf8_lossy(raw);
                        *key = Some(
                            serde_json::from_str::<String>(&raw)
                                .unwrap_or_else(|_| raw.trim_matches('"').to_string()),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    let mut path = String::new();
    for frame in &frames {
        match frame {
            Frame::Table { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Table { key: None, .. } => {}
            Frame::Array(n) => {
                path.push('[');
                path.push_str(&n.to_string());
                path.push(']');
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_tables_arrays_and_keys() {
        let text = r#"{"a":{"b":[1,{"c":"x","d":[true,null]}]},"e":"f"}"#;
        let at = |needle: &str| path_at(text, text.find(needle).unwrap() + needle.len());
        assert_eq!(at(r#""c":"x""#), "a.b[1].c");
        assert_eq!(at("[true"), "a.b[1].d[0]");
        assert_eq!(at("[true,null"), "a.b[1].d[1]");
        // After a closing bracket: the key or index holding that array or table.
        assert_eq!(at("null]"), "a.b[1].d");
        assert_eq!(at("null]}"), "a.b[1]");
        assert_eq!(at("null]}]"), "a.b");
        assert_eq!(at(r#""e""#), "e");
        assert_eq!(path_at(text, text.len()), "");
        assert_eq!(path_at(text, 0), "");
        assert_eq!(path_at(text, 10_000), "");
    }

    #[test]
    fn keys_are_unescaped_and_may_hold_punctuation() {
        let text = r#"{"a\"b":{"x,y":{"z]":1}}}"#;
        assert_eq!(path_at(text, text.find('1').unwrap()), r#"a"b.x,y.z]"#);
    }

    proptest! {
        #[test]
        fn never_panics(text in ".{0,64}", offset in 0usize..80) {
            let _ = path_at(&text, offset);
        }

        #[test]
        fn never_panics_on_json_like_text(text in r#"[\[\]{}",:\\a1 ]{0,48}"#, offset in 0usize..60) {
            let _ = path_at(&text, offset);
        }
    }
}
