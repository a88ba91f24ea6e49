//! Part of stage 2 (parse): `content/events/<slug>.md` → `ParsedEvent`. The
//! front matter is checked like a post's, each problem an error at its line
//! with what to do: an end before the start, a bad `status`, a `repeat:`
//! rule that is not one or makes more than `when::MAX_OCCURRENCES` dates,
//! a booking link that is not http(s). Hosts (`staff:`) are checked against
//! the team by `resolve`, which also applies the time zone and decides what
//! is upcoming. No I/O, no clock.

mod place;
pub mod when;

use super::config::SiteConfig;
use super::frontmatter;
use super::yaml::{self, scalar, Mapping, Region, Seg, Value};
use crate::diag::{Diagnostics, Span};
use crate::load::TextFile;
use crate::paths::slugify;
use place::{amount, location};
use std::sync::Arc;
use when::{Every, Occurrence, Written};

pub const EVENTS_DIR: &str = "content/events/";

/// Every front-matter key of an event (the README's "Events" names each).
pub const EVENT_KEYS: &[&str] = &[
    "title",
    "start",
    "end",
    "all_day",
    "repeat",
    "dates",
    "location",
    "online",
    "price",
    "free",
    "currency",
    "booking",
    "on_sale",
    "capacity",
    "cover",
    "cover_alt",
    "tags",
    "staff",
    "status",
    "description",
    "draft",
    "slug",
];

/// `status:` of an event (schema.org's `eventStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Scheduled,
    Cancelled,
    Postponed,
    SoldOut,
}

impl Status {
    pub const NAMES: &[&str] = &["scheduled", "cancelled", "postponed", "sold_out"];

    fn parse(s: &str) -> Option<Status> {
        match s.trim().to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
            "scheduled" => Some(Status::Scheduled),
            "cancelled" | "canceled" => Some(Status::Cancelled),
            "postponed" => Some(Status::Postponed),
            "sold_out" | "soldout" => Some(Status::SoldOut),
            _ => None,
        }
    }

    /// The name as written (`sold_out`), for templates.
    pub fn name(self) -> &'static str {
        match self {
            Status::Scheduled => "scheduled",
            Status::Cancelled => "cancelled",
            Status::Postponed => "postponed",
            Status::SoldOut => "sold_out",
        }
    }
}

/// Where an event happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// At the shop (its address from site.yaml).
    Shop,
    /// Somewhere else: a name and, when given, an address.
    Place { name: String, address: Option<super::config::Address> },
    /// Online, at this address.
    Online(String),
}

/// What it costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Price {
    /// Not said.
    Unknown,
    Free,
    /// A decimal amount as text (`25`, `12.50`) in `currency`.
    Amount(String),
}

/// An event whose front matter is each valid.
#[derive(Debug, Clone)]
pub struct ParsedEvent {
    pub source: String,
    pub text: Arc<str>,
    pub front_offset: usize,
    pub front_len: usize,
    pub body_offset: usize,
    pub title: String,
    pub slug: String,
    pub description: Option<String>,
    /// Its dates, wall-clock in the shop's time zone, in order.
    pub occurrences: Vec<Occurrence>,
    pub all_day: bool,
    pub location: Location,
    pub price: Price,
    pub currency: Option<String>,
    pub booking: Option<String>,
    /// `on_sale:` when places or tickets go on sale (wall-clock).
    pub on_sale: Option<jiff::civil::DateTime>,
    pub capacity: Option<u32>,
    pub cover: Option<String>,
    pub cover_alt: Option<String>,
    pub tags: Vec<String>,
    /// Staff ids of the hosts, as written.
    pub staff: Vec<String>,
    pub status: Status,
    pub draft: bool,
    /// The language of a translation (`x.en.md`), `None` for the default.
    pub lang: Option<String>,
    /// The path without the language: what links an event to its translations.
    pub translation_key: String,
}

impl ParsedEvent {
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// The span of a front-matter key's value, in file coordinates.
    pub fn span_of(&self, key: &str) -> Option<Span> {
        frontmatter::key_span(&self.source, &self.text, self.front_offset, self.front_len, key)
    }
}

/// Parses every event file, in order; a file with errors is left out.
pub fn parse_events(files: &[TextFile], config: &SiteConfig, diags: &mut Diagnostics) -> Vec<ParsedEvent> {
    let mut out: Vec<ParsedEvent> = files.iter().filter_map(|f| parse_event(f, config, diags)).collect();
    out.sort_by(|a, b| a.source.cmp(&b.source));
    out
}

/// The reader of one event's front matter: its region and the errors.
struct Fields<'a, 'd> {
    region: Region<'a>,
    map: &'a Mapping,
    diags: &'d mut Diagnostics,
    ok: bool,
}

impl Fields<'_, '_> {
    fn span(&self, key: &str) -> Option<Span> {
        self.region.span(&[Seg::Key(key)])
    }

    fn error(&mut self, key: &str, message: impl Into<String>, help: impl Into<String>) {
        self.ok = false;
        let span = self.span(key);
        self.diags.error(self.region.file, span, message).help(help);
    }

    /// A one-line text, or an error when the key holds a list or a group.
    fn text(&mut self, key: &str) -> Option<String> {
        let v = self.map.get(key)?;
        match scalar(v) {
            Ok(s) => s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
            Err(()) => {
                self.error(key, format!("`{key}` must be text on one line"), format!("write `{key}: ...`"));
                None
            }
        }
    }

    fn flag(&mut self, key: &str) -> Option<bool> {
        match self.map.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.error(
                    key,
                    format!("`{key}` must be true or false"),
                    format!("write `{key}: true` or leave it out"),
                );
                None
            }
        }
    }

    fn list(&mut self, key: &str) -> Vec<String> {
        match self.map.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(items)) => items.iter().filter_map(|v| scalar(v).ok().flatten()).collect(),
            Some(v) => match scalar(v) {
                Ok(Some(one)) => vec![one],
                _ => {
                    self.error(key, format!("`{key}` must be a list"), format!("write `{key}: [first, second]`"));
                    Vec::new()
                }
            },
        }
    }

    fn web_address(&mut self, key: &str) -> Option<String> {
        let url = self.text(key)?;
        if url.starts_with("https://") || url.starts_with("http://") {
            return Some(url);
        }
        self.error(
            key,
            format!("`{key}: {url}` is not a web address"),
            "write the full address, starting with https://, such as https://tickets.example/fitting-workshop",
        );
        None
    }
}

/// Parses one event file.
pub fn parse_event(file: &TextFile, config: &SiteConfig, diags: &mut Diagnostics) -> Option<ParsedEvent> {
    let path = file.path.as_str();
    let text = &file.text;
    let wording = frontmatter::Wording {
        missing: "this event has no front matter",
        missing_help:
            "start the file with a `---` line, then `title: ...` and `start: 2026-12-12 10:00`, then another `---` line",
        not_closed_help: "add a line with just `---` after the last front matter line",
    };
    let split = frontmatter::split_or_report(path, text, &wording, diags)?;
    let region = Region { file: path, text: split.yaml, offset: split.yaml_offset };
    let map = match yaml::parse_value(split.yaml) {
        Ok(Value::Mapping(m)) => m,
        Ok(Value::Null) => Mapping::new(),
        Ok(_) => {
            diags
                .error(
                    path,
                    Some(Span::new(split.yaml_offset, split.yaml_offset + 1)),
                    "the front matter must be `key: value` lines",
                )
                .help("for example `title: Bike fitting workshop`");
            return None;
        }
        Err(e) => {
            region.report(
                diags,
                &e,
                "front matter is YAML: one `key: value` per line; put quotes around a value that contains `: `",
            );
            return None;
        }
    };
    let keys_ok = region.check_keys(diags, &map, &[], EVENT_KEYS, "an event");
    let mut f = Fields { region, map: &map, diags, ok: keys_ok };

    let title = f.text("title").unwrap_or_default();
    if title.is_empty() {
        f.ok = false;
        f.diags
            .error(path, Some(Span::new(0, 3)), "this event has no title")
            .help("add `title: ...` to the front matter");
    }
    let (occurrences, all_day) = dates(&mut f);
    let status = match f.text("status") {
        None => Status::Scheduled,
        Some(s) => Status::parse(&s).unwrap_or_else(|| {
            let near = crate::diag::suggest::nearest(&s, Status::NAMES);
            f.error(
                "status",
                format!("`status: {s}` is not an event status"),
                match near {
                    Some(n) => format!("did you mean `{n}`? The statuses are {}", Status::NAMES.join(", ")),
                    None => format!("write one of {}", Status::NAMES.join(", ")),
                },
            );
            Status::Scheduled
        }),
    };
    let location = location(&mut f);
    let free = f.flag("free").unwrap_or(false);
    let price = match (f.text("price"), free) {
        (Some(_), true) => {
            f.error("free", "this event has both a `price` and `free: true`", "keep one: `free: true`, or `price: 25`");
            Price::Free
        }
        (Some(p), false) => match amount(&p) {
            Some(a) if a == "0" => Price::Free,
            Some(a) => Price::Amount(a),
            None => {
                f.error(
                    "price",
                    format!("`price: {p}` is not an amount"),
                    "write the number alone, such as `price: 25` or `price: 12.50` (the currency is `currency:`)",
                );
                Price::Unknown
            }
        },
        (None, true) => Price::Free,
        (None, false) => Price::Unknown,
    };
    let currency = f.text("currency");
    if let Some(c) = &currency {
        if !super::config::is_currency(c) {
            f.error(
                "currency",
                format!("`currency: {c}` is not a currency code"),
                "write the three-letter ISO 4217 code in capitals, such as EUR, USD or GBP",
            );
        }
    }
    let booking = f.web_address("booking");
    let on_sale = match f.text("on_sale").map(|t| when::parse_written(&t, false)) {
        None => None,
        Some(Ok(w)) => w.date.map(|d| d.to_datetime(w.time.unwrap_or(jiff::civil::Time::midnight()))),
        Some(Err(why)) => {
            f.error(
                "on_sale",
                format!("invalid on_sale: {why}"),
                "write when places go on sale as 2026-11-01, or 2026-11-01 09:00",
            );
            None
        }
    };
    let capacity = match f.map.get("capacity") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n > 0 && n <= u64::from(u32::MAX)) => {
            n.as_u64().map(|n| n as u32)
        }
        Some(_) => {
            f.error(
                "capacity",
                "`capacity` must be a number of places",
                "write it as a whole number, such as `capacity: 12`",
            );
            None
        }
    };
    let tags: Vec<String> =
        f.list("tags").into_iter().map(|t| t.trim().to_string()).filter(|t| !slugify(t).is_empty()).collect();
    let staff = f.list("staff");
    let draft = f.flag("draft").unwrap_or(false);
    let description = f.text("description");
    let cover = f.text("cover");
    let cover_alt = f.text("cover_alt");
    let slug_written = f.text("slug");
    if !f.ok || title.is_empty() || occurrences.is_empty() {
        return None;
    }

    let file_name = path.rsplit('/').next().unwrap_or(path);
    let (lang, name) = match super::languages::language_of_file(file_name, &config.languages) {
        Some((i, name)) => ((i > 0).then(|| config.languages[i].clone()), name),
        None => (None, file_name.to_string()),
    };
    let translation_key = match path.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{name}"),
        None => name.clone(),
    };
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    let slug = slugify(slug_written.as_deref().unwrap_or(stem));
    if slug.is_empty() {
        diags
            .error(path, region.span(&[Seg::Key("slug")]), "this event's web address would be empty")
            .help("give it a `slug:` of letters and digits, such as `slug: fitting-workshop`");
        return None;
    }
    Some(ParsedEvent {
        source: path.to_string(),
        text: text.clone(),
        front_offset: split.yaml_offset,
        front_len: split.yaml.len(),
        body_offset: split.body_offset,
        title,
        slug,
        description,
        occurrences,
        all_day,
        location,
        price,
        currency,
        booking,
        on_sale,
        capacity,
        cover,
        cover_alt,
        tags,
        staff,
        status,
        draft,
        lang,
        translation_key,
    })
}

/// `start`, `end`, `all_day`, and `repeat:` or `dates:`: the occurrences,
/// in order, and whether they are whole days.
fn dates(f: &mut Fields<'_, '_>) -> (Vec<Occurrence>, bool) {
    let Some(start_text) = f.text("start") else {
        f.ok = false;
        f.diags
            .error(f.region.file, Some(Span::new(0, 3)), "this event has no `start`")
            .help("add when it starts, in the shop's time: `start: 2026-12-12 10:00` (or `start: 2026-12-12` for a whole day)");
        return (Vec::new(), false);
    };
    let help = "write the shop's local time as 2026-12-12 10:00, or the date alone (2026-12-12) for a whole day";
    let start = match when::parse_written(&start_text, false) {
        Ok(w) => w,
        Err(why) => {
            f.error("start", format!("invalid start: {why}"), help);
            return (Vec::new(), false);
        }
    };
    let end = match f.text("end").map(|e| when::parse_written(&e, true)) {
        None => None,
        Some(Ok(w)) => Some(w),
        Some(Err(why)) => {
            f.error(
                "end",
                format!("invalid end: {why}"),
                "write the end as 2026-12-12 12:00, or a time alone (12:00) on the start's day",
            );
            return (Vec::new(), false);
        }
    };
    let all_day_written = f.flag("all_day");
    let start = if all_day_written == Some(true) { Written { time: None, ..start } } else { start };
    let end = if all_day_written == Some(true) { end.map(|e| Written { time: None, ..e }) } else { end };
    let (first, all_day) = match when::first(start, end) {
        Ok(x) => x,
        Err(why) => {
            f.error("end", why, "check the end: it must come after the start (a time alone is on the start's day)");
            return (Vec::new(), false);
        }
    };
    let repeat = f.map.get("repeat").cloned();
    let listed = f.map.get("dates").cloned();
    match (repeat, listed) {
        (Some(_), Some(_)) => {
            f.error(
                "dates",
                "this event has both `repeat:` and `dates:`",
                "keep one: a rule (`repeat: { every: week, until: 2027-03-31 }`) or a list of dates",
            );
            (Vec::new(), all_day)
        }
        (Some(rule), None) => (repeat_rule(f, first, &rule).unwrap_or_default(), all_day),
        (None, Some(list)) => (listed_dates(f, first, &list).unwrap_or_default(), all_day),
        (None, None) => (vec![first], all_day),
    }
}

const REPEAT_HELP: &str =
    "write `repeat: { every: week, until: 2027-03-31 }` (every day, week or month, until a last date)";

fn repeat_rule(f: &mut Fields<'_, '_>, first: Occurrence, rule: &Value) -> Option<Vec<Occurrence>> {
    let Value::Mapping(m) = rule else {
        f.error("repeat", "`repeat` must say how often and until when", REPEAT_HELP);
        return None;
    };
    f.region.check_keys(f.diags, m, &[Seg::Key("repeat")], &["every", "until"], "`repeat`");
    let every_text = m.get("every").and_then(|v| scalar(v).ok().flatten());
    let Some(every) = every_text.as_deref().and_then(Every::parse) else {
        let written = every_text.unwrap_or_default();
        f.error(
            "repeat",
            format!("`every: {written}` is not a rule: an event repeats every day, week or month"),
            REPEAT_HELP,
        );
        return None;
    };
    let until = m.get("until").and_then(|v| scalar(v).ok().flatten()).map(|u| (when::parse_written(&u, false), u));
    let until = match until {
        Some((Ok(Written { date: Some(d), .. }), _)) => d,
        Some((_, u)) => {
            f.error("repeat", format!("`until: {u}` is not a date"), REPEAT_HELP);
            return None;
        }
        None => {
            f.error("repeat", "`repeat` has no `until`: a rule must end", REPEAT_HELP);
            return None;
        }
    };
    if until < first.0.date() {
        f.error(
            "repeat",
            format!("`until: {until}` is before the start ({})", first.0.date()),
            "the last date comes after the first",
        );
        return None;
    }
    match when::repeat(first, every, until) {
        Ok(all) => Some(all),
        Err(n) => {
            f.error(
                "repeat",
                format!("this rule makes {n} dates; an event may have at most {}", when::MAX_OCCURRENCES),
                "end the rule sooner (`until:`), or write it as several events",
            );
            None
        }
    }
}

fn listed_dates(f: &mut Fields<'_, '_>, first: Occurrence, list: &Value) -> Option<Vec<Occurrence>> {
    let Value::Sequence(items) = list else {
        f.error("dates", "`dates` must be a list", "write the other dates as `dates: [2026-12-19, 2027-01-09 14:00]`");
        return None;
    };
    let mut out = vec![first];
    for (i, item) in items.iter().enumerate() {
        let text = scalar(item).ok().flatten().unwrap_or_default();
        let span = f.region.span(&[Seg::Key("dates"), Seg::Index(i)]).or_else(|| f.span("dates"));
        match when::parse_written(&text, false) {
            Ok(w) => out.push(when::on(first, w)),
            Err(why) => {
                f.ok = false;
                f.diags
                    .error(f.region.file, span, format!("date {} of `dates`: {why}", i + 1))
                    .help("write each date as 2026-12-19, or 2026-12-19 14:00 with its own time");
            }
        }
    }
    if out.len() > when::MAX_OCCURRENCES {
        f.error(
            "dates",
            format!("this event lists {} dates; an event may have at most {}", out.len(), when::MAX_OCCURRENCES),
            "write it as several events",
        );
        return None;
    }
    out.sort();
    out.dedup();
    Some(out)
}

#[cfg(test)]
mod tests;
