//! Part of stage 5 (render): the event pages. `/events/` (upcoming events
//! grouped by month, soonest first, then past ones), each event's page with
//! its dates, place, price, hosts, "Add to calendar" link and schema.org
//! `Event` JSON-LD (one per date to come), the views the home page, staff
//! pages and the `event` shortcode share, and the `.ics` files
//! (`render::ics`). Dates and times are written in the site's language.
//! Pure: reads no file and no clock.

use super::{author_view, image_view, inline_markdown, meta, seo, ser, share_image, Extra, Job, COVER_SIZES};
use crate::date::Date;
use crate::model::events::{Event, Location, Occurrence, Price, Status};
use crate::model::Site;
use crate::paths::absolute_url;
use crate::render::views::{AuthorView, ImageView};
use serde::Serialize;
use serde_json::{json, Value};

pub const URL: &str = "/events/";
/// The most dates of one event its JSON-LD lists.
const MAX_JSON_LD_DATES: usize = 20;

/// One date of an event, as templates show it.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// `2026-12-12T10:00:00+01:00` (or `2026-12-12` for a whole day).
    pub start: String,
    pub end: String,
    /// "Saturday 12 December 2026, 10:00–12:30" in the site's language.
    pub display: String,
    pub upcoming: bool,
}

/// Where, as templates show it.
#[derive(Debug, Clone, Serialize)]
pub struct PlaceView {
    /// `shop`, `place` or `online`.
    pub kind: &'static str,
    pub name: String,
    /// The address on one line (none online).
    pub address: Option<String>,
    /// The online address.
    pub url: Option<String>,
}

/// An event as templates show it.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub id: String,
    pub url: String,
    pub title: String,
    pub description: Option<String>,
    /// The body as HTML.
    pub content: String,
    pub cover: Option<ImageView>,
    pub tags: Vec<String>,
    /// `scheduled`, `cancelled`, `postponed` or `sold_out`.
    pub status: &'static str,
    /// "Cancelled", in the site's language; empty when scheduled.
    pub status_label: String,
    /// The next date to come (else the last).
    pub next: DateView,
    pub dates: Vec<DateView>,
    /// The next few upcoming dates of a long series (more than `NEXT_DATES`
    /// dates), shown before the whole list; empty otherwise.
    pub next_dates: Vec<DateView>,
    pub upcoming: bool,
    pub all_day: bool,
    pub place: PlaceView,
    /// "Free", "25 EUR", or empty.
    pub price: String,
    pub free: bool,
    pub booking: Option<String>,
    pub capacity: Option<u32>,
    pub hosts: Vec<AuthorView>,
    /// This event's calendar file (`/events/fitting.ics`).
    pub ics_url: String,
}

/// Upcoming events of one month, for `/events/`.
#[derive(Debug, Clone, Serialize)]
pub struct MonthView {
    /// "December 2026".
    pub month: String,
    pub events: Vec<EventView>,
}

/// The folder of this site's language (`/en`), or "" for the default one:
/// calendar files are not pages, so a language's links to them carry it.
fn folder(site: &Site) -> &str {
    let c = &site.config;
    c.base_url.strip_prefix(c.files_url()).unwrap_or("")
}

fn date_of(z: &jiff::ZonedDateTime) -> Date {
    let d = z.datetime().date();
    Date { year: i32::from(d.year()), month: d.month() as u32, day: d.day() as u32 }
}

/// "Saturday 12 December 2026, 10:00–12:30", "12 – 13 December 2026"...
fn display(site: &Site, e: &Event, o: &Occurrence) -> String {
    let i18n = &site.config.i18n;
    let (sd, ed) = (date_of(&o.start), date_of(&o.end));
    let day = |d: Date, z: &jiff::ZonedDateTime| {
        let weekday = z.datetime().date().weekday().to_monday_one_offset() as u32;
        i18n.tf("event_day", &[("weekday", &i18n.weekday(weekday)), ("date", &i18n.date_long(d))])
    };
    let time = |z: &jiff::ZonedDateTime| {
        let t = z.datetime().time();
        i18n.time(t.hour() as u32, t.minute() as u32).unwrap_or_default()
    };
    match (e.all_day, sd == ed) {
        (true, true) => day(sd, &o.start),
        (true, false) => i18n.tf("event_days", &[("start", &day(sd, &o.start)), ("end", &day(ed, &o.end))]),
        (false, true) => {
            i18n.tf("event_time", &[("date", &day(sd, &o.start)), ("start", &time(&o.start)), ("end", &time(&o.end))])
        }
        (false, false) => i18n.tf(
            "event_days",
            &[
                ("start", &format!("{}, {}", day(sd, &o.start), time(&o.start))),
                ("end", &format!("{}, {}", day(ed, &o.end), time(&o.end))),
            ],
        ),
    }
}

/// ISO 8601 as schema.org reads it: a date for a whole day, else with the offset.
fn iso(e: &Event, z: &jiff::ZonedDateTime) -> String {
    if e.all_day {
        z.strftime("%Y-%m-%d").to_string()
    } else {
        z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

fn date_view(site: &Site, e: &Event, o: &Occurrence) -> DateView {
    DateView { start: iso(e, &o.start), end: iso(e, &o.end), display: display(site, e, o), upcoming: o.upcoming }
}

fn place_view(site: &Site, e: &Event) -> PlaceView {
    let c = &site.config;
    match &e.location {
        Location::Shop => PlaceView {
            kind: "shop",
            name: c.shop.name.clone(),
            address: c.shop.address.as_ref().map(crate::parse::config::Address::one_line),
            url: None,
        },
        Location::Place { name, address } => PlaceView {
            kind: "place",
            name: name.clone(),
            address: address.as_ref().map(crate::parse::config::Address::one_line),
            url: None,
        },
        Location::Online(url) => {
            PlaceView { kind: "online", name: c.i18n.t("event_online").into(), address: None, url: Some(url.clone()) }
        }
    }
}

/// "Free", "25 EUR", "12,50 EUR", or empty when not said.
pub fn price_text(site: &Site, e: &Event) -> String {
    let i18n = &site.config.i18n;
    match &e.price {
        Price::Unknown => String::new(),
        Price::Free => i18n.t("event_free").into(),
        Price::Amount(a) => format!("{} {}", i18n.decimal(a), e.currency),
    }
}

fn status_label(site: &Site, s: Status) -> String {
    match s {
        Status::Scheduled => String::new(),
        other => site.config.i18n.t(&format!("event_status_{}", other.name())).to_string(),
    }
}

/// How many of a long series' next dates an event's page lists before the whole list.
const NEXT_DATES: usize = 6;

pub(crate) fn event_view(site: &Site, e: &Event) -> EventView {
    let dates: Vec<DateView> = e.occurrences.iter().map(|o| date_view(site, e, o)).collect();
    EventView {
        id: e.id.clone(),
        url: e.url.clone(),
        title: e.title.clone(),
        description: e.description.clone(),
        content: inline_markdown(&e.body),
        cover: e.cover.as_ref().and_then(|c| image_view(site, c, false, COVER_SIZES)),
        tags: e.tags.clone(),
        status: e.status.name(),
        status_label: status_label(site, e.status),
        next: date_view(site, e, e.next()),
        next_dates: if dates.len() > NEXT_DATES {
            dates.iter().filter(|d| d.upcoming).take(NEXT_DATES).cloned().collect()
        } else {
            Vec::new()
        },
        dates,
        upcoming: e.is_upcoming(),
        all_day: e.all_day,
        place: place_view(site, e),
        price: price_text(site, e),
        free: e.price == Price::Free,
        booking: e.booking.clone(),
        capacity: e.capacity,
        hosts: e.hosts.iter().map(|&h| author_view(site, &site.staff[h])).collect(),
        ics_url: format!("{}/{}", folder(site), super::ics::event_path(e)),
    }
}

/// Upcoming events by the month of their next date.
fn months(site: &Site) -> Vec<MonthView> {
    let mut out: Vec<MonthView> = Vec::new();
    for e in site.events.upcoming() {
        let d = date_of(&e.next().start);
        let month = site.config.i18n.month_year(Date { day: 1, ..d });
        match out.last_mut() {
            Some(m) if m.month == month => m.events.push(event_view(site, e)),
            _ => out.push(MonthView { month, events: vec![event_view(site, e)] }),
        }
    }
    out
}

/// The home page's `events`: the next few (`events.home`).
pub(super) fn home_context(site: &Site) -> Vec<(&'static str, tera::Value)> {
    let next: Vec<EventView> =
        site.events.upcoming().take(site.config.events.home).map(|e| event_view(site, e)).collect();
    vec![("events", ser(&next))]
}

/// A staff page's `events`: those the member hosts, upcoming first.
pub(super) fn staff_context(site: &Site, staff_index: usize) -> (&'static str, tera::Value) {
    let hosted: Vec<EventView> =
        site.events.list.iter().filter(|e| e.hosts.contains(&staff_index)).map(|e| event_view(site, e)).collect();
    ("events", ser(&hosted))
}

/// schema.org `Event`s of an event: one per date to come (at most
/// `MAX_JSON_LD_DATES`), else its last.
pub fn json_ld(site: &Site, e: &Event, description: &str, image: Option<&str>) -> Value {
    let mut dates: Vec<&Occurrence> = e.occurrences.iter().filter(|o| o.upcoming).take(MAX_JSON_LD_DATES).collect();
    if dates.is_empty() {
        dates.extend(e.occurrences.last());
    }
    let items: Vec<Value> = dates.iter().map(|o| one_json_ld(site, e, o, description, image)).collect();
    match items.len() {
        1 => items.into_iter().next().unwrap_or(Value::Null),
        _ => Value::Array(items),
    }
}

fn one_json_ld(site: &Site, e: &Event, o: &Occurrence, description: &str, image: Option<&str>) -> Value {
    let c = &site.config;
    let permalink = absolute_url(&c.base_url, &e.url);
    let shop_url = absolute_url(&c.base_url, "/");
    let postal = |a: &crate::parse::config::Address| {
        json!({"@type": "PostalAddress", "streetAddress": a.street, "addressLocality": a.city,
               "addressRegion": a.region, "postalCode": a.postal_code, "addressCountry": a.country})
    };
    let (mode, location) = match &e.location {
        Location::Online(url) => ("OnlineEventAttendanceMode", json!({"@type": "VirtualLocation", "url": url})),
        Location::Place { name, address } => {
            let mut p = json!({"@type": "Place", "name": name});
            p["address"] = address.as_ref().map_or_else(|| json!(name), postal);
            ("OfflineEventAttendanceMode", p)
        }
        Location::Shop => {
            let mut p = json!({"@type": "Place", "name": c.shop.name, "url": shop_url});
            p["address"] = c.shop.address.as_ref().map_or_else(|| json!(c.shop.name), postal);
            ("OfflineEventAttendanceMode", p)
        }
    };
    let status = match e.status {
        Status::Cancelled => "EventCancelled",
        Status::Postponed => "EventPostponed",
        Status::Scheduled | Status::SoldOut => "EventScheduled",
    };
    let organizer = json!({"@type": "Organization", "name": c.shop.name, "url": shop_url});
    let performer: Vec<Value> = e
        .hosts
        .iter()
        .map(|&h| {
            let s = &site.staff[h];
            json!({"@type": "Person", "name": s.name, "url": absolute_url(&c.base_url, &s.url)})
        })
        .collect();
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": format!("{permalink}#{}", o.start.strftime("%Y%m%dT%H%M")),
        "name": e.title,
        "description": description,
        "url": permalink,
        "startDate": iso(e, &o.start),
        "endDate": iso(e, &o.end),
        "eventStatus": format!("https://schema.org/{status}"),
        "eventAttendanceMode": format!("https://schema.org/{mode}"),
        "location": location,
        "organizer": organizer,
        "performer": if performer.is_empty() { organizer.clone() } else { Value::Array(performer) },
        "inLanguage": c.language,
    });
    if let Some(img) = image {
        v["image"] = json!([img]);
    }
    let availability = if e.status == Status::SoldOut { "SoldOut" } else { "InStock" };
    let price = match &e.price {
        Price::Free => Some("0".to_string()),
        Price::Amount(a) => Some(a.clone()),
        Price::Unknown => None,
    };
    if let Some(price) = price {
        v["offers"] = json!({
            "@type": "Offer",
            "price": price,
            "priceCurrency": e.currency,
            "availability": format!("https://schema.org/{availability}"),
            "url": e.booking.clone().unwrap_or_else(|| permalink.clone()),
        });
        if let Some(z) = &e.on_sale {
            v["offers"]["validFrom"] = json!(z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string());
        }
    }
    if let Some(n) = e.capacity {
        v["maximumAttendeeCapacity"] = json!(n);
    }
    v
}

/// The meta description of an event's page: its own, else when and where.
fn description(site: &Site, e: &Event) -> String {
    if let Some(d) = &e.description {
        return d.clone();
    }
    let v = date_view(site, e, e.next());
    site.config.i18n.tf("event_description", &[("when", &v.display), ("where", &place_view(site, e).name)])
}

/// `/events/` and each event's page (none without events).
pub(super) fn jobs(site: &Site) -> Vec<Job> {
    if site.events.is_empty() {
        return Vec::new();
    }
    let c = &site.config;
    let i18n = &c.i18n;
    let heading = i18n.t("events_heading");
    let list_description = i18n.tf("events_description", &[("shop", &c.shop.name)]);
    let mut m = meta(site, "events", heading, URL, &list_description);
    m.json_ld = seo::json_ld_text(&seo::web_page(site, "CollectionPage", heading, URL, &list_description));
    let past: Vec<EventView> = site.events.past().map(|e| event_view(site, e)).collect();
    let mut jobs = vec![Job {
        template: "events.html".into(),
        meta: m,
        rendering: "the events page".into(),
        extra: Extra::Ready(vec![
            ("months", ser(&months(site))),
            ("past", ser(&past)),
            ("calendar_url", ser(&format!("{}/{}", folder(site), super::ics::CALENDAR_PATH))),
        ]),
        lastmod: None,
    }];
    for e in &site.events.list {
        let description = description(site, e);
        let mut m = meta(site, "event", &e.title, &e.url, &description);
        if let Some(cover) =
            e.cover.as_ref().and_then(|cv| site.images.get(&cv.path).map(|p| share_image(site, p, &cv.alt)))
        {
            m.image = Some(cover);
        }
        let image = m.image.as_ref().map(|i| i.url.clone());
        m.json_ld = seo::json_ld_text(&json_ld(site, e, &description, image.as_deref()));
        jobs.push(Job {
            template: "event.html".into(),
            meta: m,
            rendering: e.source.clone(),
            extra: Extra::Ready(vec![("event", ser(&event_view(site, e)))]),
            lastmod: None,
        });
    }
    jobs
}

/// The `.ics` files of a language's events (`folder`: its folder, or "").
pub(super) fn ics_files(site: &Site, folder: &str) -> Vec<crate::output::OutputFile> {
    if site.events.is_empty() {
        return Vec::new();
    }
    super::ics::files(site)
        .into_iter()
        .map(|(path, text)| crate::output::OutputFile {
            path: super::alternates::output_path(folder, &format!("/{path}")),
            contents: crate::output::Contents::Bytes(text.into_bytes()),
        })
        .collect()
}

/// The second line of an event's share card: "13 Mar 2027, 09:00 ·
/// Cathedral Tree trailhead · 20 USD" ("Free" when free; the
/// status first when not scheduled).
pub(super) fn card_subtitle(site: &Site, e: &Event) -> String {
    let i18n = &site.config.i18n;
    let o = e.next();
    let day = i18n.date_short(date_of(&o.start));
    let t = o.start.datetime().time();
    let when = match i18n.time(t.hour() as u32, t.minute() as u32) {
        Some(time) if !e.all_day => format!("{day}, {time}"),
        _ => day,
    };
    let mut parts = vec![when, place_view(site, e).name];
    parts.extend(Some(price_text(site, e)).filter(|p| !p.is_empty()));
    if e.status != Status::Scheduled {
        parts.insert(0, status_label(site, e.status));
    }
    parts.join(" · ")
}

/// The Atom entries of the upcoming events (`events.in_feed`), soonest
/// first: when, where and the price, then the body. An entry's id is the
/// event's address and its `updated` the build's day, so a reader shows
/// each event once, as new on the day it is first published.
pub(super) fn feed_entries(site: &Site, body: &(dyn Fn(&str) -> String + Sync)) -> String {
    use super::feed::xml_escape;
    let c = &site.config;
    let stamp = &site.events.stamp;
    let updated = format!("{}-{}-{}T00:00:00Z", &stamp[0..4], &stamp[4..6], &stamp[6..8]);
    let mut out = String::new();
    for e in site.events.upcoming().take(super::feed::FEED_ENTRIES) {
        let url = absolute_url(&c.base_url, &e.url);
        let v = event_view(site, e);
        let facts = [v.next.display.clone(), v.place.name.clone(), v.price.clone(), v.status_label.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        let summary = match &e.description {
            Some(d) => format!("{facts}. {d}"),
            None => facts.clone(),
        };
        let html = format!("<p>{}</p>\n{}", xml_escape(&facts), v.content);
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <id>{}</id>\n    <published>{updated}</published>\n    <updated>{updated}</updated>\n    <category term=\"event\" label=\"{}\"/>\n    <summary>{}</summary>\n    <content type=\"html\" xml:base=\"{}\">{}</content>\n  </entry>\n",
            xml_escape(&e.title),
            xml_escape(&url),
            xml_escape(&url),
            xml_escape(c.i18n.t("search_kind_event")),
            xml_escape(&summary),
            xml_escape(&url),
            xml_escape(&body(&html)),
        ));
    }
    out
}

/// The variables of `shortcodes/event.html` (`{{ event(id="...") }}` in a
/// post): `event`, an `EventView`; `None` after reporting an unknown id.
pub(crate) fn shortcode_vars(
    site: &Site,
    file: &str,
    call: &crate::markdown::shortcodes::Call,
    diags: &mut crate::diag::Diagnostics,
) -> Option<(&'static str, Value)> {
    let ids: Vec<&str> = site.events.list.iter().map(|e| e.id.as_str()).collect();
    let Some(id) = call.args.get("id").map(|v| v.as_text()) else {
        diags
            .error(file, Some(call.span), "`event` needs the id of an event")
            .help("write {{ event(id=\"fitting-workshop\") }}: the id is the event's file name in content/events/, without .md");
        return None;
    };
    let Some(e) = site.events.by_id(&id) else {
        let help = match crate::diag::suggest::nearest(&id, &ids) {
            Some(n) => format!("did you mean `{n}`? The events are: {}", ids.join(", ")),
            None if ids.is_empty() => "the site has no published events: add one to content/events/".to_string(),
            None => format!("the events are: {}", ids.join(", ")),
        };
        diags.error(file, Some(call.span), format!("there is no event with id `{id}`")).help(help);
        return None;
    };
    Some(("event", serde_json::to_value(event_view(site, e)).ok()?))
}
