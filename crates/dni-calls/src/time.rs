//! RFC 3339 timestamps <-> milliseconds since the Unix epoch, without a date library
//! (moved from `dni-sessions`' calls module).

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (`T`/`Z` case-insensitive, a space
/// accepted for `T`), years 1970 to 9999. Fractions beyond milliseconds are truncated.
/// Leap seconds (`:60`) are refused.
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0i64, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let sep = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if year < 1970 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut i = 19;
    let mut millis = 0i64;
    if sep(i, b'.') {
        i += 1;
        let start = i;
        while let Some(&d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            if i - start < 3 {
                millis = millis * 10 + i64::from(d - b'0');
            }
            i += 1;
        }
        let n = i - start;
        if n == 0 {
            return None;
        }
        for _ in n..3 {
            millis *= 10;
        }
    }
    let offset_min = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && sep(i + 3, b':') => {
            let (oh, om) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let m = oh * 60 + om;
            if sign == b'+' {
                m
            } else {
                -m
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_min * 60;
    Some(secs * 1000 + millis)
}

/// Formats milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC). Times before
/// 1970 or after 9999 are clamped.
pub fn format_rfc3339_ms(ms: i64) -> String {
    const MAX_MS: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
    let ms = ms.clamp(0, MAX_MS);
    let (days, rem) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let (h, rem) = (rem / 3_600_000, rem % 3_600_000);
    let (min, rem) = (rem / 60_000, rem % 60_000);
    let (s, milli) = (rem / 1000, rem % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's algorithms (days since 1970-01-01 in the proleptic Gregorian calendar).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_utc_and_offsets() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339_ms("2026-11-22T10:00:00Z"),
            Some(1_795_341_600_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-11-22T12:00:00+02:00"),
            Some(1_795_341_600_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-11-22T05:30:00-04:30"),
            Some(1_795_341_600_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-11-22t10:00:00.5z"),
            Some(1_795_341_600_500)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-11-22 10:00:00.123456Z"),
            Some(1_795_341_600_123)
        );
        assert_eq!(
            parse_rfc3339_ms("2024-02-29T00:00:00Z"),
            Some(1_709_164_800_000)
        );
    }

    #[test]
    fn refuses_malformed_times() {
        for bad in [
            "",
            "2026-11-22",
            "2026-11-22T10:00:00",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-11-22T24:00:00Z",
            "2026-11-22T10:60:00Z",
            "2026-11-22T10:00:60Z",
            "1969-12-31T23:59:59Z",
            "2026-11-22T10:00:00.Z",
            "2026-11-22T10:00:00+0200",
            "2026-11-22T10:00:00Zjunk",
            "2026-1l-22T10:00:00Z",
            "２０２６-11-22T10:00:00Z",
            "+026-11-22T10:00:00Z",
            // Offsets are exactly `±HH:MM`, hours 00-23 and minutes 00-59 (RFC 3339 5.6).
            "2026-11-22T12:00:00+02:00junk",
            "2026-11-22T12:00:00+02-00",
            "2026-11-22T12:00:00+24:00",
            "2026-11-22T12:00:00+02:60",
            // Thirty days hath September, April, June and November; 2100 is not a leap year
            // (divisible by 100, not by 400).
            "2026-04-31T00:00:00Z",
            "2026-06-31T00:00:00Z",
            "2026-09-31T00:00:00Z",
            "2026-11-31T00:00:00Z",
            "2100-02-29T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339_ms(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn accepts_the_extreme_valid_offsets_and_dates() {
        // 2026-11-22T10:00:00Z written with the widest offsets RFC 3339 allows.
        assert_eq!(
            parse_rfc3339_ms("2026-11-23T09:59:00+23:59"),
            Some(1_795_341_600_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-11-21T10:01:00-23:59"),
            Some(1_795_341_600_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-11-22T10:00:00+00:00"),
            Some(1_795_341_600_000)
        );
        // 2000 is a leap year (divisible by 400): 2000-02-29 is 951,782,400 s after 1970.
        assert_eq!(
            parse_rfc3339_ms("2000-02-29T00:00:00Z"),
            Some(951_782_400_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-04-30T00:00:00Z"),
            Some(1_777_507_200_000)
        );
    }

    #[test]
    fn formats_and_round_trips() {
        assert_eq!(format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_rfc3339_ms(1_795_341_600_123),
            "2026-11-22T10:00:00.123Z"
        );
        for ms in [
            0,
            951_782_400_000,
            1_709_164_800_000,
            4_102_444_799_999,
            1_795_341_600_123,
        ] {
            assert_eq!(parse_rfc3339_ms(&format_rfc3339_ms(ms)), Some(ms));
        }
    }
}
