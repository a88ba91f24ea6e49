//! Part of stage 2 (parse): an event's times as the owner writes them, in
//! the shop's own time (`2026-12-12`, `2026-12-12 10:00`,
//! `2026-12-12T10:00`; an end may be a time alone, `12:30`, on the start's
//! day), and its dates: one, a rule (`repeat: { every: week, until:
//! 2027-03-31 }`) or a list (`dates: [...]`). Returns civil (wall-clock)
//! date-times; the time zone is applied by `resolve`. No clock, no I/O.

use jiff::civil::{Date as CDate, DateTime as CDateTime, Time};
use jiff::ToSpan;

/// The most dates one event may have (a rule that makes more is refused).
pub const MAX_OCCURRENCES: usize = 200;

/// A time as written: with a time of day or a date alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub date: Option<CDate>,
    pub time: Option<Time>,
}

/// How often a `repeat:` rule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    Day,
    Week,
    Month,
}

impl Every {
    pub fn parse(s: &str) -> Option<Every> {
        match s.trim() {
            "day" | "daily" => Some(Every::Day),
            "week" | "weekly" => Some(Every::Week),
            "month" | "monthly" => Some(Every::Month),
            _ => None,
        }
    }
}

fn date_of(s: &str) -> Result<CDate, String> {
    let d = crate::date::Date::parse(s)?;
    CDate::new(d.year as i16, d.month as i8, d.day as i8).map_err(|e| format!("`{s}`: {e}"))
}

fn time_of(s: &str) -> Result<Time, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let num = |p: &str| (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<i8>().ok()).flatten();
    let bad = || format!("`{s}` is not a time of day: write it as 24-hour HH:MM, such as 09:30 or 18:00");
    let (h, m, sec) = match parts.as_slice() {
        [h, m] => (num(h).ok_or_else(bad)?, num(m).ok_or_else(bad)?, 0),
        [h, m, sec] => (num(h).ok_or_else(bad)?, num(m).ok_or_else(bad)?, num(sec).ok_or_else(bad)?),
        _ => return Err(bad()),
    };
    Time::new(h, m, sec, 0).map_err(|_| bad())
}

/// Parses `2026-12-12`, `2026-12-12 10:00`, `2026-12-12T10:00(:00)`, or
/// (when `time_alone`) `10:00`. An offset or `Z` is refused: an event's
/// times are the shop's wall-clock times.
pub fn parse_written(s: &str, time_alone: bool) -> Result<Written, String> {
    let s = s.trim();
    let offset = s.chars().skip(11).any(|c| c == '+' || c == '-');
    if s.ends_with('Z') || (s.len() > 10 && offset) {
        return Err(format!(
            "`{s}` has a time zone: an event's times are the shop's own (shop.timezone in site.yaml); write them without one, such as 2026-12-12 10:00"
        ));
    }
    if time_alone && s.len() <= 8 && s.contains(':') && !s.contains('-') {
        return Ok(Written { date: None, time: Some(time_of(s)?) });
    }
    let (date, time) = match s.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    let date = date_of(date)?;
    let time = time.map(time_of).transpose()?;
    Ok(Written { date: Some(date), time })
}

/// The start and end of one date of an event, wall-clock; an all-day
/// event's end is its last day (at midnight).
pub type Occurrence = (CDateTime, CDateTime);

/// The first occurrence from `start` and `end` as written. `Err` says why
/// the end does not fit (before the start).
pub fn first(start: Written, end: Option<Written>) -> Result<(Occurrence, bool), String> {
    let start_date = start.date.expect("a start has a date");
    let all_day = start.time.is_none();
    let s = start_date.to_datetime(start.time.unwrap_or(Time::midnight()));
    let e = match end {
        None if all_day => s,
        // Without an end, a timed event lasts an hour (for calendars).
        None => s.checked_add(1.hour()).map_err(|e| e.to_string())?,
        Some(w) => {
            let date = w.date.unwrap_or(start_date);
            match (all_day, w.time) {
                (true, Some(_)) => {
                    return Err("the start is a day without a time, and the end has a time: give both a time, or neither (an all-day event)".into())
                }
                (false, None) if w.date.is_some() => date.to_datetime(Time::midnight()),
                (_, t) => date.to_datetime(t.unwrap_or(Time::midnight())),
            }
        }
    };
    if e < s || (!all_day && e == s) {
        return Err(format!("the event ends ({e}) before it starts ({s})").replace('T', " "));
    }
    Ok(((s, e), all_day))
}

/// Every occurrence of a rule from the first, until `until` (inclusive),
/// or `Err` with the count when there would be more than `MAX_OCCURRENCES`.
pub fn repeat(first: Occurrence, every: Every, until: CDate) -> Result<Vec<Occurrence>, usize> {
    let length = first.0.duration_until(first.1);
    let mut out = Vec::new();
    for n in 0i64.. {
        let step = match every {
            Every::Day => n.days(),
            Every::Week => (n * 7).days(),
            Every::Month => n.months(),
        };
        let Ok(start) = first.0.checked_add(step) else { break };
        if start.date() > until {
            break;
        }
        if out.len() == MAX_OCCURRENCES {
            let rest = match every {
                Every::Day => until.since((jiff::Unit::Day, start.date())).map_or(0, |s| s.get_days() as usize),
                Every::Week => until.since((jiff::Unit::Day, start.date())).map_or(0, |s| s.get_days() as usize / 7),
                Every::Month => until.since((jiff::Unit::Month, start.date())).map_or(0, |s| s.get_months() as usize),
            };
            return Err(MAX_OCCURRENCES + 1 + rest);
        }
        let end = start.checked_add(length).unwrap_or(start);
        out.push((start, end));
    }
    Ok(out)
}

/// The occurrence on `date` (with its own time, or the first's) lasting as
/// long as the first.
pub fn on(first: Occurrence, w: Written) -> Occurrence {
    let length = first.0.duration_until(first.1);
    let date = w.date.unwrap_or(first.0.date());
    let start = date.to_datetime(w.time.unwrap_or(first.0.time()));
    (start, start.checked_add(length).unwrap_or(start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn written_times() {
        let w = parse_written("2026-12-12 10:30", false).unwrap();
        assert_eq!((w.date, w.time), (Some(date(2026, 12, 12)), Some(Time::new(10, 30, 0, 0).unwrap())));
        assert_eq!(parse_written("2026-12-12T10:30:15", false).unwrap().time, Some(Time::new(10, 30, 15, 0).unwrap()));
        assert_eq!(parse_written("2026-12-12", false).unwrap().time, None);
        assert_eq!(parse_written("12:30", true).unwrap().date, None);
        assert!(parse_written("12:30", false).is_err());
        assert!(parse_written("2026-12-12T10:00Z", false).unwrap_err().contains("has a time zone"));
        assert!(parse_written("2026-12-12T10:00+01:00", false).unwrap_err().contains("has a time zone"));
        assert!(parse_written("2026-02-30", false).unwrap_err().contains("February 2026 has 28 days"));
        assert!(parse_written("2026-12-12 25:00", false).unwrap_err().contains("not a time of day"));
    }

    #[test]
    fn ends_before_starts_are_refused() {
        let s = parse_written("2026-12-12 10:00", false).unwrap();
        let e = parse_written("09:00", true).unwrap();
        assert_eq!(
            first(s, Some(e)).unwrap_err(),
            "the event ends (2026-12-12 09:00:00) before it starts (2026-12-12 10:00:00)"
        );
        let ((a, b), all_day) = first(s, None).unwrap();
        assert_eq!(
            (a.to_string(), b.to_string(), all_day),
            ("2026-12-12T10:00:00".into(), "2026-12-12T11:00:00".into(), false)
        );
    }

    #[test]
    fn rules_repeat_until_their_last_day_and_are_bounded() {
        let one = (date(2027, 1, 31).at(10, 0, 0, 0), date(2027, 1, 31).at(12, 0, 0, 0));
        let monthly = repeat(one, Every::Month, date(2027, 4, 30)).unwrap();
        let days: Vec<String> = monthly.iter().map(|o| o.0.date().to_string()).collect();
        assert_eq!(days, ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]);
        assert_eq!(monthly[1].1, date(2027, 2, 28).at(12, 0, 0, 0));
        let weekly = repeat(one, Every::Week, date(2027, 2, 14)).unwrap();
        assert_eq!(weekly.len(), 3);
        assert_eq!(repeat(one, Every::Day, date(2027, 12, 31)).unwrap_err(), 335);
    }
}
