//! Events, resolved: each published event with its dates in the shop's
//! time zone, its hosts (indices into `Site::staff`) and whether it is
//! still to come on the build's day. Built by `resolve::events`, read by
//! `render::events` (the pages, the JSON-LD), `render::ics` (calendars),
//! the home page, staff pages, the search and the feed. Plain data.

use super::ImageUse;
pub use crate::parse::event::{Location, Price, Status};

/// One date of an event, in the shop's time zone. An all-day event starts
/// at midnight of its first day and `end` is midnight of its last day.
#[derive(Debug, Clone)]
pub struct Occurrence {
    pub start: jiff::ZonedDateTime,
    pub end: jiff::ZonedDateTime,
    /// Whether it has not ended before the build's day (its last day is
    /// today or later).
    pub upcoming: bool,
}

#[derive(Debug, Clone)]
pub struct Event {
    /// The slug: `fitting-workshop`.
    pub id: String,
    pub source: String,
    pub title: String,
    pub description: Option<String>,
    /// The body, as markdown.
    pub body: String,
    /// `/events/fitting-workshop/`
    pub url: String,
    pub occurrences: Vec<Occurrence>,
    pub all_day: bool,
    pub location: Location,
    pub price: Price,
    /// ISO 4217 (`EUR`).
    pub currency: String,
    pub booking: Option<String>,
    /// When places go on sale (`on_sale:`), in the shop's time zone.
    pub on_sale: Option<jiff::ZonedDateTime>,
    pub capacity: Option<u32>,
    pub cover: Option<ImageUse>,
    pub tags: Vec<String>,
    /// Indices into `Site::staff`.
    pub hosts: Vec<usize>,
    pub status: Status,
    /// The file's path without its language (`content/events/x.md`).
    pub translation_key: String,
}

impl Event {
    /// Whether any of its dates is still to come.
    pub fn is_upcoming(&self) -> bool {
        self.occurrences.iter().any(|o| o.upcoming)
    }

    /// The next date to come, else the last one.
    pub fn next(&self) -> &Occurrence {
        self.occurrences.iter().find(|o| o.upcoming).or(self.occurrences.last()).expect("an event has a date")
    }
}

/// Every published event: upcoming first (soonest first), then past (latest first).
#[derive(Debug, Clone, Default)]
pub struct Events {
    pub list: Vec<Event>,
    /// The IANA name of the shop's time zone.
    pub tz_name: String,
    /// The build's day as an iCalendar `DTSTAMP` (`20261203T000000Z`).
    pub stamp: String,
}

impl Events {
    pub fn upcoming(&self) -> impl Iterator<Item = &Event> {
        self.list.iter().filter(|e| e.is_upcoming())
    }

    pub fn past(&self) -> impl Iterator<Item = &Event> {
        self.list.iter().filter(|e| !e.is_upcoming())
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn by_id(&self, id: &str) -> Option<&Event> {
        self.list.iter().find(|e| e.id == id)
    }
}
