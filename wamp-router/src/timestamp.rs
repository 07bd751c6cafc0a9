//! ISO 8601 UTC timestamps (`2026-11-21T10:00:00.123Z`) for meta API `created` fields, event
//! history and WAMP-CRA challenges, and RFC 3339 parsing for the event history's time filters,
//! without a calendar dependency.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current time as ISO 8601 UTC with milliseconds.
pub(crate) fn now() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format_millis(since.as_millis())
}

/// Milliseconds since the Unix epoch as ISO 8601 UTC with milliseconds.
pub(crate) fn format_millis(millis: u128) -> String {
    let secs = millis / 1000;
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        millis % 1000
    )
}

/// Milliseconds since the Unix epoch of an RFC 3339 timestamp
/// (`2026-11-21T10:00:00Z`, `2026-11-21t10:00:00.5+01:00`...); `None` when it is not one or is
/// before 1970. Fractions finer than a millisecond are cut.
pub(crate) fn parse_millis(text: &str) -> Option<u128> {
    let b = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().all(u8::is_ascii_digit).then_some(())?;
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let sep = |at: usize, c: &[u8]| b.get(at).is_some_and(|x| c.contains(x));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    let (hour, minute, second) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=12).contains(&month) || !(1..=days_in_month).contains(&day) || hour > 23 || minute > 59
    {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut at = 19;
    let mut millis = 0i64;
    if sep(at, b".") {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        let fraction = text.get(start..at)?;
        if fraction.is_empty() {
            return None;
        }
        let first3: String = fraction.chars().chain("00".chars()).take(3).collect();
        millis = first3.parse().ok()?;
    }
    let offset_minutes = match b.get(at) {
        Some(b'Z' | b'z') if at + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if at + 6 == b.len() && sep(at + 3, b":") => {
            let (h, m) = (digits(at + 1, 2)?, digits(at + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'+' {
                minutes
            } else {
                -minutes
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let total = ((days * 24 + hour) * 60 + minute - offset_minutes) * 60 + second;
    u128::try_from(total * 1000 + millis).ok()
}

/// Howard Hinnant's civil-to-days algorithm.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_known_instants() {
        assert_eq!(super::format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            super::format_millis(1_795_262_400_123),
            "2026-11-21T12:00:00.123Z"
        );
        assert_eq!(
            super::format_millis(951_782_400_000),
            "2000-02-29T00:00:00.000Z"
        );
    }

    #[test]
    fn parses_what_it_formats_and_rfc3339_offsets() {
        use super::{format_millis, parse_millis};
        for millis in [0, 951_782_400_000, 1_795_262_400_123] {
            assert_eq!(parse_millis(&format_millis(millis)), Some(millis));
        }
        assert_eq!(
            parse_millis("2026-11-21T13:00:00.1234+01:00"),
            Some(1_795_262_400_123)
        );
        assert_eq!(
            parse_millis("2026-11-21t12:00:00z"),
            Some(1_795_262_400_000)
        );
        for bad in [
            "",
            "2026-11-21",
            "2026-13-01T00:00:00Z",
            "2026-11-21T12:00:00",
            "2026-11-21T12:00:00.Z",
            "1969-12-31T23:59:59Z",
            "2026-11-21T12:00:00+0100",
            "2026-02-30T00:00:00Z",
            "2026-11-21T12:00:00+99:99",
        ] {
            assert_eq!(parse_millis(bad), None, "{bad}");
        }
    }
}
