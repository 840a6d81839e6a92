//! Vendor sections: bit field or range encoding, and publisher restrictions.

use super::error::TcfError;
use crate::bits::BitReader;

/// A set of vendor ids, kept as sorted, non-overlapping inclusive ranges.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VendorSet {
    /// The section's MaxVendorId (0 for a range-only section such as a restriction).
    pub max_vendor_id: u16,
    /// Whether the section used range encoding.
    pub range_encoded: bool,
    ranges: Vec<(u16, u16)>,
}

impl VendorSet {
    /// Whether vendor `id` is in the set.
    pub fn contains(&self, id: u16) -> bool {
        self.ranges
            .binary_search_by(|&(s, e)| {
                if e < id {
                    std::cmp::Ordering::Less
                } else if s > id {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    /// Every id in the set, ascending.
    pub fn ids(&self) -> impl Iterator<Item = u16> + '_ {
        self.ranges.iter().flat_map(|&(s, e)| s..=e)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    fn from_ranges(max_vendor_id: u16, range_encoded: bool, mut ranges: Vec<(u16, u16)>) -> Self {
        ranges.sort_unstable();
        let mut merged: Vec<(u16, u16)> = Vec::with_capacity(ranges.len());
        for (s, e) in ranges {
            match merged.last_mut() {
                Some(last) if u32::from(s) <= u32::from(last.1) + 1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        VendorSet {
            max_vendor_id,
            range_encoded,
            ranges: merged,
        }
    }

    /// Reads `MaxVendorId(16) IsRangeEncoding(1)` then a bit field or range entries.
    pub fn read(r: &mut BitReader) -> Result<VendorSet, TcfError> {
        let max = r.u16(16, "MaxVendorId")?;
        let is_range = r.bool("IsRangeEncoding")?;
        if is_range {
            let ranges = read_range_entries(r)?;
            Ok(VendorSet::from_ranges(max, true, ranges))
        } else {
            if usize::from(max) > r.remaining() {
                return Err(TcfError::Truncated("BitField"));
            }
            let mut ranges = Vec::new();
            let mut run: Option<u16> = None;
            for id in 1..=max {
                let set = r.bool("BitField")?;
                match (set, run) {
                    (true, None) => run = Some(id),
                    (false, Some(start)) => {
                        ranges.push((start, id - 1));
                        run = None;
                    }
                    _ => {}
                }
            }
            if let Some(start) = run {
                ranges.push((start, max));
            }
            Ok(VendorSet::from_ranges(max, false, ranges))
        }
    }

    /// Reads `NumEntries(12)` range entries only (publisher restrictions).
    pub fn read_ranges_only(r: &mut BitReader) -> Result<VendorSet, TcfError> {
        let ranges = read_range_entries(r)?;
        Ok(VendorSet::from_ranges(0, true, ranges))
    }
}

fn read_range_entries(r: &mut BitReader) -> Result<Vec<(u16, u16)>, TcfError> {
    let n = r.read(12, "NumEntries")? as usize;
    // each entry takes at least 17 bits: refuse counts the remaining bits cannot hold
    if n * 17 > r.remaining() {
        return Err(TcfError::Truncated("range entries"));
    }
    let mut ranges = Vec::with_capacity(n);
    for _ in 0..n {
        let is_range = r.bool("IsARange")?;
        let start = r.u16(16, "StartOrOnlyVendorId")?;
        let end = if is_range {
            r.u16(16, "EndVendorId")?
        } else {
            start
        };
        if end < start {
            return Err(TcfError::InvertedRange { start, end });
        }
        ranges.push((start, end));
    }
    Ok(ranges)
}

/// One publisher restriction: for `purpose_id`, `restriction_type` applies to `vendors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublisherRestriction {
    /// The purpose restricted.
    pub purpose_id: u8,
    /// 0 not allowed, 1 require consent, 2 require legitimate interest, 3 undefined.
    pub restriction_type: u8,
    /// The vendors it applies to.
    pub vendors: VendorSet,
}

/// Reads `NumPubRestrictions(12)` and the entries.
pub fn read_publisher_restrictions(
    r: &mut BitReader,
) -> Result<Vec<PublisherRestriction>, TcfError> {
    let n = r.read(12, "NumPubRestrictions")? as usize;
    // each restriction takes at least 20 bits
    if n * 20 > r.remaining() {
        return Err(TcfError::Truncated("publisher restrictions"));
    }
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let purpose_id = r.read(6, "PurposeId")? as u8;
        let restriction_type = r.read(2, "RestrictionType")? as u8;
        let vendors = VendorSet::read_ranges_only(r)?;
        out.push(PublisherRestriction {
            purpose_id,
            restriction_type,
            vendors,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bits::base64url_from_bits;

    #[test]
    fn counts_the_remaining_bits_cannot_hold_are_refused_up_front() {
        // range encoding claiming 100 entries (each at least 17 bits) with 200 bits left
        let bits = format!("{:016b}1{:012b}{}", 500, 100, "0".repeat(200));
        let mut r = BitReader::new(&base64url_from_bits(&bits)).unwrap();
        assert_eq!(
            VendorSet::read(&mut r),
            Err(TcfError::Truncated("range entries"))
        );
        // 11 entries of 17 bits fit in 200: read one by one
        let bits = format!("{:016b}1{:012b}{}", 500, 11, "0".repeat(200));
        let mut r = BitReader::new(&base64url_from_bits(&bits)).unwrap();
        assert_eq!(VendorSet::read(&mut r).map(|v| v.ids().count()), Ok(1));
        // 100 publisher restrictions (each at least 20 bits) with 300 bits left
        let bits = format!("{:012b}{}", 100, "0".repeat(300));
        let mut r = BitReader::new(&base64url_from_bits(&bits)).unwrap();
        assert_eq!(
            read_publisher_restrictions(&mut r),
            Err(TcfError::Truncated("publisher restrictions"))
        );
        // a bit field longer than the bits left
        let bits = format!("{:016b}0{}", 500, "1".repeat(100));
        let mut r = BitReader::new(&base64url_from_bits(&bits)).unwrap();
        assert_eq!(
            VendorSet::read(&mut r),
            Err(TcfError::Truncated("BitField"))
        );
    }

    #[test]
    fn merged_ranges_answer_membership() {
        let s = VendorSet::from_ranges(0, true, vec![(10, 12), (1, 1), (13, 13), (20, 30)]);
        assert_eq!(s.ids().collect::<Vec<_>>().len(), 1 + 4 + 11);
        assert!(s.contains(1) && s.contains(13) && s.contains(25));
        assert!(!s.contains(2) && !s.contains(14) && !s.contains(31));
        assert!(!s.is_empty());
        assert!(VendorSet::from_ranges(0, true, vec![]).is_empty());
        // adjacent and overlapping ranges merge: no id twice, the fewest ranges
        assert_eq!(s.ranges, [(1, 1), (10, 13), (20, 30)]);
        let o = VendorSet::from_ranges(0, true, vec![(1, 5), (5, 9), (3, 4), (11, 12)]);
        assert_eq!(o.ranges, [(1, 9), (11, 12)]);
        assert_eq!(
            o.ids().collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12]
        );
    }
}
