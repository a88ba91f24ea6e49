//! Calendar dates and timestamps as content writes them (`2026-11-02`,
//! `2026-11-02T09:30:00Z`, `2026-11-02 09:30:00+01:00`), validated without a
//! clock or a time-zone database. Dates in the output come from content only.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// A date with an optional time of day and UTC offset (in minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    pub date: Date,
    pub time: Option<(u32, u32, u32)>,
    pub offset_minutes: i32,
}

/// English month names (messages; the site's own dates come from `i18n`).
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(s: &str) -> Result<Date, String> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(format!("`{s}` is not a date in the form YYYY-MM-DD"));
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
        let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
            return Err(format!("`{s}` is not a date in the form YYYY-MM-DD"));
        };
        let year = year as i32;
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}` has no month {month}: months run from 01 to 12"));
        }
        let max = days_in_month(year, month);
        if day == 0 || day > max {
            return Err(format!("`{s}` is not a real date: {} {year} has {max} days", MONTHS[month as usize - 1]));
        }
        Ok(Date { year, month, day })
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    pub fn days_since_epoch(self) -> i64 {
        let (y, m, d) = (i64::from(self.year), i64::from(self.month), i64::from(self.day));
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date of a Unix timestamp (UTC).
    pub fn from_unix(secs: i64) -> Date {
        let z = secs.div_euclid(86_400) + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// "2 November 2026".
    pub fn display(self) -> String {
        format!("{} {} {}", self.day, MONTHS[self.month as usize - 1], self.year)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A date written out in words, `3 November 2026`, `Nov 3, 2026` or
/// `3rd of November 2026` (English month names, full or three letters), so
/// that an error can say how to write it.
pub fn from_words(s: &str) -> Option<Date> {
    let words: Vec<String> = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == '/')
        .filter(|w| !w.is_empty() && !w.eq_ignore_ascii_case("of"))
        .map(str::to_lowercase)
        .collect();
    if words.len() != 3 {
        return None;
    }
    let month = |w: &str| {
        MONTHS.iter().position(|m| {
            let m = m.to_lowercase();
            w == m || (w.len() == 3 && m.starts_with(w)) || (w == "sept" && m == "september")
        })
    };
    let day = |w: &str| {
        let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &w[digits.len()..];
        (["", "st", "nd", "rd", "th"].contains(&suffix)).then(|| digits.parse::<u32>().ok()).flatten()
    };
    let year = words[2].parse::<i32>().ok().filter(|y| (1000..=9999).contains(y))?;
    let (m, d) = match (month(&words[1]), month(&words[0])) {
        (Some(m), _) => (m, day(&words[0])?),
        (None, Some(m)) => (m, day(&words[1])?),
        (None, None) => return None,
    };
    Date::parse(&format!("{year:04}-{:02}-{d:02}", m + 1)).ok()
}

impl DateTime {
    pub fn from_date(date: Date) -> Self {
        DateTime { date, time: None, offset_minutes: 0 }
    }

    /// Parses a date, or a date and time with `T` or a space, optional
    /// seconds, and an optional `Z` or `±HH:MM` offset.
    pub fn parse(s: &str) -> Result<DateTime, String> {
        let s = s.trim();
        if s.len() <= 10 {
            return Date::parse(s).map(DateTime::from_date);
        }
        // Only a `YYYY-MM-DD` start is read as a date; anything else
        // (`3 November 2026`) is quoted whole.
        let head = s.get(..10).filter(|h| {
            let b = h.as_bytes();
            b[4] == b'-' && b[7] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        });
        let Some(head) = head else {
            return Err(format!("`{s}` is not a date in the form YYYY-MM-DD"));
        };
        let date = Date::parse(head)?;
        let bad = || format!("`{s}` is not a date and time: write 2026-11-02 or 2026-11-02T09:30:00Z");
        let rest = s[10..].strip_prefix(['T', 't', ' ']).ok_or_else(bad)?;
        let (clock, offset) = match rest.find(['Z', 'z', '+', '-']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let parts: Vec<&str> = clock.split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(bad());
        }
        let num = |p: &str| p.split('.').next().and_then(|p| p.parse::<u32>().ok());
        let h = num(parts[0]).filter(|h| *h < 24).ok_or_else(bad)?;
        let m = num(parts[1]).filter(|m| *m < 60).ok_or_else(bad)?;
        let sec = match parts.get(2) {
            Some(p) => num(p).filter(|s| *s < 61).ok_or_else(bad)?,
            None => 0,
        };
        let offset_minutes = match offset {
            "" | "Z" | "z" => 0,
            o => {
                let sign = if o.starts_with('-') { -1 } else { 1 };
                let (oh, om) = o[1..].split_once(':').unwrap_or((&o[1..], "0"));
                let oh: i32 = oh.parse().map_err(|_| bad())?;
                let om: i32 = om.parse().map_err(|_| bad())?;
                if oh > 14 || om > 59 {
                    return Err(bad());
                }
                sign * (oh * 60 + om)
            }
        };
        Ok(DateTime { date, time: Some((h, m, sec)), offset_minutes })
    }

    /// RFC 3339, as feeds and JSON-LD want it.
    pub fn rfc3339(&self) -> String {
        let (h, m, s) = self.time.unwrap_or((0, 0, 0));
        let offset = if self.offset_minutes == 0 {
            "Z".to_string()
        } else {
            let sign = if self.offset_minutes < 0 { '-' } else { '+' };
            let o = self.offset_minutes.abs();
            format!("{sign}{:02}:{:02}", o / 60, o % 60)
        };
        format!("{}T{h:02}:{m:02}:{s:02}{offset}", self.date)
    }

    /// Seconds since the epoch, for ordering.
    pub fn timestamp(&self) -> i64 {
        let (h, m, s) = self.time.unwrap_or((0, 0, 0));
        self.date.days_since_epoch() * 86_400 + i64::from(h * 3600 + m * 60 + s) - i64::from(self.offset_minutes) * 60
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_in_words_is_quoted_whole_and_read_for_the_help() {
        assert_eq!(
            DateTime::parse("3 November 2026").unwrap_err(),
            "`3 November 2026` is not a date in the form YYYY-MM-DD"
        );
        // Never cut inside a character.
        assert_eq!(DateTime::parse("aééééé 2026").unwrap_err(), "`aééééé 2026` is not a date in the form YYYY-MM-DD");
        assert!(DateTime::parse("2026-02-30T10:00").unwrap_err().contains("February 2026 has 28 days"));
        let d = |s: &str| from_words(s).map(|d| d.to_string());
        assert_eq!(d("3 November 2026").as_deref(), Some("2026-11-03"));
        assert_eq!(d("Nov 3, 2026").as_deref(), Some("2026-11-03"));
        assert_eq!(d("3rd of November 2026").as_deref(), Some("2026-11-03"));
        assert_eq!(d("31 November 2026"), None);
        assert_eq!(d("next tuesday"), None);
    }

    #[test]
    fn parses_dates_and_rejects_impossible_ones() {
        assert_eq!(Date::parse("2026-11-02").unwrap(), Date { year: 2026, month: 11, day: 2 });
        assert!(Date::parse("2026-02-30").unwrap_err().contains("February 2026 has 28 days"));
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2026-13-01").is_err());
        assert!(Date::parse("2026-1-01").is_err());
        assert!(Date::parse("yesterday").is_err());
    }

    #[test]
    fn parses_times() {
        let t = DateTime::parse("2026-11-02T09:30:00Z").unwrap();
        assert_eq!(t.rfc3339(), "2026-11-02T09:30:00Z");
        let t = DateTime::parse("2026-11-02 09:30+01:00").unwrap();
        assert_eq!(t.rfc3339(), "2026-11-02T09:30:00+01:00");
        assert!(DateTime::parse("2026-11-02T25:00:00Z").is_err());
        assert_eq!(DateTime::parse("2026-11-02").unwrap().rfc3339(), "2026-11-02T00:00:00Z");
    }

    #[test]
    fn epoch_round_trip() {
        for days in [-1000i64, 0, 1, 20_000, 20_759] {
            let d = Date::from_unix(days * 86_400);
            assert_eq!(d.days_since_epoch(), days);
        }
        assert_eq!(Date::from_unix(0).to_string(), "1970-01-01");
        assert_eq!(Date::parse("2026-11-22").unwrap().display(), "22 November 2026");
    }
}
