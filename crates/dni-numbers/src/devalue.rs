//! Excluded keys in `devalue` payloads (Nuxt's `__NUXT_DATA__` and `_payload.json`,
//! SvelteKit's `__data.json`): the data is one flat JSON array whose objects hold the
//! *indices* of their values, e.g. `[{"invoiceId":2,"phone":3},…,"5035550142","(503) 555-0142"]`.
//! A key is excluded by finding `"invoiceId":2` and then leaving the string at index 2 of
//! the root array. The scanner runs ahead of the swap over the same chunks and records the
//! byte ranges (stream offsets) of excluded strings.

use std::collections::BTreeSet;

#[derive(Debug, Default)]
pub(crate) struct DevalueScanner {
    /// Stream offset of the next byte fed.
    offset: usize,
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// Index of the current element of the root array.
    index: u64,
    /// Whether the string being read is an element of the root array.
    string_is_root_element: bool,
    /// The last string read (bounded) and whether a `:` followed it: a key.
    last_string: Vec<u8>,
    key: Option<Vec<u8>>,
    /// Digits of an integer value after an excluded key.
    number: Option<u64>,
    excluded_indices: BTreeSet<u64>,
    /// Byte ranges (stream offsets) of excluded root strings, oldest first.
    pub(crate) ranges: Vec<(usize, usize)>,
}

/// Longest key remembered (longer keys cannot be excluded).
const MAX_KEY: usize = 128;

impl DevalueScanner {
    /// Feeds the next bytes; `excluded` says which keys are excluded.
    pub(crate) fn feed(&mut self, bytes: &[u8], excluded: &dyn Fn(&str) -> bool) {
        for &c in bytes {
            self.step(c, excluded);
            self.offset += 1;
        }
    }

    fn step(&mut self, c: u8, excluded: &dyn Fn(&str) -> bool) {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if c == b'\\' {
                self.escaped = true;
            } else if c == b'"' {
                self.in_string = false;
                if self.string_is_root_element && self.excluded_indices.contains(&self.index) {
                    // Close the range opened at the string's start.
                    if let Some(r) = self.ranges.last_mut() {
                        r.1 = self.offset + 1;
                    }
                }
            } else if self.last_string.len() < MAX_KEY {
                self.last_string.push(c);
            }
            return;
        }
        if let Some(n) = self.number {
            if c.is_ascii_digit() {
                self.number = Some(n.saturating_mul(10).saturating_add(u64::from(c - b'0')));
                return;
            }
            self.excluded_indices.insert(n);
            self.number = None;
        }
        match c {
            b'"' => {
                self.in_string = true;
                self.string_is_root_element = self.depth == 1;
                if self.string_is_root_element && self.excluded_indices.contains(&self.index) {
                    // Open until the closing quote is seen (it may be in a later chunk).
                    self.ranges.push((self.offset, usize::MAX));
                }
                self.last_string.clear();
                self.key = None;
            }
            b':' => self.key = Some(std::mem::take(&mut self.last_string)),
            b'[' | b'{' => {
                self.depth += 1;
                self.key = None;
            }
            b']' | b'}' => {
                self.depth = self.depth.saturating_sub(1);
                self.key = None;
            }
            b',' => {
                if self.depth == 1 {
                    self.index += 1;
                }
                self.key = None;
            }
            b'0'..=b'9' => {
                let is_excluded = self
                    .key
                    .take()
                    .is_some_and(|k| std::str::from_utf8(&k).is_ok_and(excluded));
                if is_excluded {
                    self.number = Some(u64::from(c - b'0'));
                }
            }
            _ => {}
        }
    }

    /// Whether the byte at stream offset `at` is inside an excluded string.
    pub(crate) fn excludes(&self, at: usize) -> bool {
        self.ranges.iter().any(|&(s, e)| s <= at && at < e)
    }

    /// Forgets ranges that end before stream offset `before`.
    pub(crate) fn forget_before(&mut self, before: usize) {
        self.ranges.retain(|&(_, e)| e > before);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excluded_keys_point_at_root_strings() {
        let data = r#"[{"state":1},{"name":2,"invoiceId":3,"phone":4,"sku":10},"Acme","5035550142","(503) 555-0142"]"#;
        let mut s = DevalueScanner::default();
        s.feed(data.as_bytes(), &|k| k == "invoiceId" || k == "sku");
        let at = data.find("5035550142").unwrap();
        assert!(s.excludes(at));
        assert!(!s.excludes(data.find("(503)").unwrap()));
        assert_eq!(s.ranges.len(), 1);
    }

    #[test]
    fn byte_at_a_time_is_the_same() {
        let data = r#"[{"a":"x,\"y\"","invoiceId":1},"5035550142"]"#;
        let mut s = DevalueScanner::default();
        for b in data.as_bytes() {
            s.feed(&[*b], &|k| k == "invoiceId");
        }
        assert!(s.excludes(data.find("5035550142").unwrap()));
    }

    #[test]
    fn a_range_is_the_string_with_its_quotes_half_open() {
        let data = r#"[{"invoiceId":1},"5035550142"]"#;
        let mut s = DevalueScanner::default();
        s.feed(data.as_bytes(), &|k| k == "invoiceId");
        let open = data.find("\"5035550142").unwrap();
        let close = open + "\"5035550142".len();
        assert_eq!(s.ranges, vec![(open, close + 1)]);
        assert!(s.excludes(open) && s.excludes(close));
        assert!(!s.excludes(open - 1) && !s.excludes(close + 1));
        // Ranges that end at or before an offset are forgotten, later ones kept.
        s.forget_before(close);
        assert_eq!(s.ranges.len(), 1);
        s.forget_before(close + 1);
        assert!(s.ranges.is_empty());
    }

    #[test]
    fn indices_of_several_digits() {
        // Nuxt payloads easily have hundreds of root values: `"invoiceId":12` is index 12.
        let values: Vec<String> = (1..=12).map(|i| format!("\"v{i}\"")).collect();
        let data = format!(r#"[{{"invoiceId":12,"phone":10}},{}]"#, values.join(","));
        let mut s = DevalueScanner::default();
        s.feed(data.as_bytes(), &|k| k == "invoiceId");
        assert!(s.excludes(data.find("v12").unwrap()));
        assert!(!s.excludes(data.find("v11").unwrap()));
        assert!(!s.excludes(data.find("v10").unwrap()));
        assert!(!s.excludes(data.find("v1\"").unwrap()));
        assert_eq!(s.ranges.len(), 1);
    }

    #[test]
    fn keys_longer_than_the_limit_are_never_excluded() {
        let at_limit = "k".repeat(MAX_KEY);
        let over = "k".repeat(MAX_KEY + 1);
        for (key, excluded) in [(&at_limit, true), (&over, false)] {
            let data = format!(r#"[{{"{key}":1}},"5035550142"]"#);
            let mut s = DevalueScanner::default();
            s.feed(data.as_bytes(), &|k| k == key.as_str());
            assert_eq!(
                s.excludes(data.find("5035").unwrap()),
                excluded,
                "{}",
                key.len()
            );
        }
    }
}
