//! Part of stage 5 (render): events → iCalendar files (RFC 5545), one per
//! event and one of every upcoming event. Each date of an event is a
//! `VEVENT` of its own with a stable `UID` (the event's id and the date,
//! at the site's host), so a calendar that imported it updates rather than
//! duplicates; times are the shop's wall-clock times with `TZID`, and the
//! file carries a `VTIMEZONE` built from the time-zone data for the years
//! its events span (every change to and from summer time as its own
//! `STANDARD`/`DAYLIGHT` part), which every calendar understands without
//! knowing the zone's name. Text is escaped (`\`, `;`, `,`, newlines) and
//! lines folded at 75 octets, never inside a character. Pure; `DTSTAMP` is
//! the build's day, not the clock.

use crate::model::events::{Event, Location, Occurrence, Status};
use crate::model::Site;
use crate::paths::absolute_url;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// The calendar of every upcoming event.
pub const CALENDAR_PATH: &str = "events/calendar.ics";

/// The output path of an event's own calendar file.
pub fn event_path(e: &Event) -> String {
    format!("events/{}.ics", e.id)
}

/// Escapes a TEXT value (RFC 5545 3.3.11).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line at 75 octets (3.1), on character boundaries,
/// and ends it with CRLF.
pub fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// `+0100`, `-0430`, `+053328` (seconds only when there are some).
fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

fn local(dt: jiff::civil::DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

/// The `VTIMEZONE` of `tz` from a year before `from` to a year after `to`.
fn vtimezone(name: &str, tz: &TimeZone, from: Timestamp, to: Timestamp, lines: &mut Vec<String>) {
    let year = jiff::SignedDuration::from_hours(24 * 366);
    let (from, to) = (from.checked_sub(year).unwrap_or(from), to.checked_add(year).unwrap_or(to));
    lines.push("BEGIN:VTIMEZONE".into());
    lines.push(format!("TZID:{name}"));
    let first = tz.to_offset_info(from);
    let mut before = first.offset().seconds();
    let kind = if first.dst().is_dst() { "DAYLIGHT" } else { "STANDARD" };
    lines.push(format!("BEGIN:{kind}"));
    lines.push(format!("DTSTART:{}", local(tz.to_datetime(from))));
    lines.push(format!("TZOFFSETFROM:{}", offset_text(before)));
    lines.push(format!("TZOFFSETTO:{}", offset_text(before)));
    lines.push(format!("TZNAME:{}", escape(first.abbreviation())));
    lines.push(format!("END:{kind}"));
    for t in tz.following(from).take_while(|t| t.timestamp() <= to) {
        let after = t.offset().seconds();
        let kind = if t.dst().is_dst() { "DAYLIGHT" } else { "STANDARD" };
        // DTSTART is the onset in the local time before it (3.6.5).
        let onset = jiff::tz::Offset::from_seconds(before).map(|o| o.to_datetime(t.timestamp()));
        let Ok(onset) = onset else { continue };
        lines.push(format!("BEGIN:{kind}"));
        lines.push(format!("DTSTART:{}", local(onset)));
        lines.push(format!("TZOFFSETFROM:{}", offset_text(before)));
        lines.push(format!("TZOFFSETTO:{}", offset_text(after)));
        lines.push(format!("TZNAME:{}", escape(t.abbreviation())));
        lines.push(format!("END:{kind}"));
        before = after;
    }
    lines.push("END:VTIMEZONE".into());
}

/// The site's host, for UIDs (`harborstreetcycles.example`).
fn host(base_url: &str) -> &str {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// The text of `LOCATION`.
pub fn location_text(site: &Site, e: &Event) -> String {
    let c = &site.config;
    let address = crate::parse::config::Address::one_line;
    match &e.location {
        Location::Online(url) => url.clone(),
        Location::Place { name, address: Some(a) } => format!("{name}, {}", address(a)).trim_start_matches(", ").into(),
        Location::Place { name, address: None } => name.clone(),
        Location::Shop => match &c.shop.address {
            Some(a) => format!("{}, {}", c.shop.name, address(a)),
            None => c.shop.name.clone(),
        },
    }
}

fn vevent(site: &Site, e: &Event, o: &Occurrence, stamp: &str, lines: &mut Vec<String>) {
    let c = &site.config;
    let tz = &site.events.tz_name;
    let permalink = absolute_url(&c.base_url, &e.url);
    lines.push("BEGIN:VEVENT".into());
    lines.push(format!("UID:{}-{}@{}", e.id, o.start.strftime("%Y%m%dT%H%M"), host(&c.base_url)));
    lines.push(format!("DTSTAMP:{stamp}"));
    if e.all_day {
        let last = o.end.datetime().date();
        let after = last.tomorrow().unwrap_or(last);
        lines.push(format!("DTSTART;VALUE=DATE:{}", o.start.strftime("%Y%m%d")));
        lines.push(format!("DTEND;VALUE=DATE:{}", after.strftime("%Y%m%d")));
    } else {
        lines.push(format!("DTSTART;TZID={tz}:{}", local(o.start.datetime())));
        lines.push(format!("DTEND;TZID={tz}:{}", local(o.end.datetime())));
    }
    lines.push(format!("SUMMARY:{}", escape(&e.title)));
    let mut description = e.description.clone().unwrap_or_default();
    if let Some(b) = &e.booking {
        description = format!("{description}\n{}: {b}", c.i18n.t("event_book")).trim_start().to_string();
    }
    description = format!("{description}\n{permalink}").trim_start().to_string();
    lines.push(format!("DESCRIPTION:{}", escape(&description)));
    lines.push(format!("LOCATION:{}", escape(&location_text(site, e))));
    lines.push(format!("URL:{permalink}"));
    let status = match e.status {
        Status::Cancelled => "CANCELLED",
        Status::Postponed => "TENTATIVE",
        Status::Scheduled | Status::SoldOut => "CONFIRMED",
    };
    lines.push(format!("STATUS:{status}"));
    lines.push("END:VEVENT".into());
}

/// A calendar of `dates` (event, occurrence), named `name`.
fn calendar(site: &Site, name: &str, dates: &[(&Event, &Occurrence)]) -> String {
    let tz_name = &site.events.tz_name;
    let tz = TimeZone::get(tz_name).unwrap_or(TimeZone::UTC);
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//shopstory//events//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape(name)),
        format!("X-WR-TIMEZONE:{tz_name}"),
    ];
    let starts = dates.iter().map(|(_, o)| o.start.timestamp());
    let ends = dates.iter().map(|(_, o)| o.end.timestamp());
    if let (Some(from), Some(to)) = (starts.min(), ends.max()) {
        vtimezone(tz_name, &tz, from, to, &mut lines);
    }
    for (e, o) in dates {
        vevent(site, e, o, &site.events.stamp, &mut lines);
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for l in &lines {
        fold(l, &mut out);
    }
    out
}

/// Each event's calendar (every date of it) and the calendar of every
/// upcoming date, by output path.
pub fn files(site: &Site) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in &site.events.list {
        let dates: Vec<(&Event, &Occurrence)> = e.occurrences.iter().map(|o| (e, o)).collect();
        out.push((event_path(e), calendar(site, &e.title, &dates)));
    }
    let mut upcoming: Vec<(&Event, &Occurrence)> =
        site.events.upcoming().flat_map(|e| e.occurrences.iter().filter(|o| o.upcoming).map(move |o| (e, o))).collect();
    upcoming.sort_by_key(|(e, o)| (o.start.timestamp(), e.id.clone()));
    let name = site.config.i18n.tf("events_calendar_name", &[("shop", &site.config.shop.name)]);
    out.push((CALENDAR_PATH.to_string(), calendar(site, &name, &upcoming)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_lines_folded_at_75_octets() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "é".repeat(40)), &mut out);
        let lines: Vec<&str> = out.split("\r\n").collect();
        assert_eq!(lines.len(), 3, "{out:?}");
        assert!(lines.iter().all(|l| l.len() <= 75), "{lines:?}");
        assert_eq!(lines[0].len(), 74);
        assert!(lines[1].starts_with(' '));
        assert_eq!(out.replace("\r\n ", ""), format!("SUMMARY:{}\r\n", "é".repeat(40)));
    }

    #[test]
    fn offsets_and_hosts() {
        assert_eq!(offset_text(3600), "+0100");
        assert_eq!(offset_text(-16200), "-0430");
        assert_eq!(offset_text(561), "+000921");
        assert_eq!(host("https://shop.example/sub"), "shop.example");
    }

    #[test]
    fn a_time_zone_lists_its_changes_in_the_local_time_before_each() {
        let tz = TimeZone::get("Europe/Paris").unwrap();
        let from: Timestamp = "2027-01-15T00:00:00Z".parse().unwrap();
        let mut lines = Vec::new();
        vtimezone("Europe/Paris", &tz, from, from, &mut lines);
        let text = lines.join("\n");
        assert!(text.contains("BEGIN:DAYLIGHT\nDTSTART:20270328T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nTZNAME:CEST\nEND:DAYLIGHT"), "{text}");
        assert!(text.contains("BEGIN:STANDARD\nDTSTART:20271031T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nTZNAME:CET\nEND:STANDARD"), "{text}");
    }
}
