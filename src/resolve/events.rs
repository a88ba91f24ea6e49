//! Part of stage 3 (resolve): parsed events → `Events`. Applies the shop's
//! time zone (`shop.timezone`) to each date, decides what is upcoming by the
//! build's day (the clock rule of future posts: `ResolveOptions::today`),
//! leaves drafts out (unless drafts are built), checks hosts against the
//! team and each cover photo, and refuses two events at one address. Pure:
//! no I/O, no clock.

use super::ResolveOptions;
use crate::diag::Diagnostics;
use crate::load::images::ImageTable;
use crate::model::events::{Event, Events, Occurrence};
use crate::model::{ImageUse, StaffMember};
use crate::parse::config::SiteConfig;
use crate::parse::event::ParsedEvent;
use jiff::tz::TimeZone;
use std::collections::BTreeMap;

pub(super) struct EventInput<'a> {
    pub(super) images: &'a ImageTable,
    pub(super) staff: &'a [StaffMember],
    pub(super) staff_ok: bool,
}

pub(super) fn resolve_events(
    parsed: Vec<ParsedEvent>,
    config: &SiteConfig,
    input: &EventInput<'_>,
    opts: &ResolveOptions,
    left_out: &mut super::LeftOut,
    diags: &mut Diagnostics,
) -> Events {
    let tz_name = config.timezone().to_string();
    let tz = TimeZone::get(&tz_name).unwrap_or(TimeZone::UTC);
    if !parsed.is_empty() && config.shop.timezone.is_none() {
        diags
            .warning(
                crate::parse::config::CONFIG_FILE,
                None,
                "the site has events but no `shop.timezone`: their times are taken as UTC",
            )
            .help("add the shop's time zone under `shop:`, such as `timezone: Europe/Paris`");
    }
    let today = jiff::civil::Date::new(opts.today.year as i16, opts.today.month as i8, opts.today.day as i8)
        .unwrap_or(jiff::civil::date(1970, 1, 1));
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut list = Vec::new();
    for e in parsed {
        let occurrences: Vec<Occurrence> = e
            .occurrences
            .iter()
            .map(|(s, en)| Occurrence { start: zoned(&tz, *s), end: zoned(&tz, *en), upcoming: en.date() >= today })
            .collect();
        if e.draft && !opts.drafts {
            left_out.add(&e.source, true, None);
            continue;
        }
        if let Some(first) = seen.get(&e.slug) {
            diags
                .error(
                    &e.source,
                    e.span_of("slug").or_else(|| e.span_of("title")),
                    format!("this event and {first} would both be at /events/{}/", e.slug),
                )
                .help("rename one of the files, or give it another `slug:`");
            continue;
        }
        seen.insert(e.slug.clone(), e.source.clone());
        let hosts = hosts(&e, input, diags);
        let cover = e.cover.as_ref().and_then(|c| match super::checked_image(input.images, &e.source, c) {
            Ok(path) => Some(ImageUse { path, alt: e.cover_alt.clone().unwrap_or_else(|| e.title.clone()) }),
            Err(why) => {
                diags.error(&e.source, e.span_of("cover"), format!("the cover `{c}` cannot be used: {why}")).help(
                    "write the path of a photo next to the event file, or from the site folder starting with `/`",
                );
                None
            }
        });
        list.push(Event {
            url: format!("/events/{}/", e.slug),
            id: e.slug.clone(),
            body: e.body().to_string(),
            source: e.source.clone(),
            title: e.title.clone(),
            description: e.description.clone(),
            occurrences,
            all_day: e.all_day,
            location: e.location.clone(),
            price: e.price.clone(),
            currency: e.currency.clone().unwrap_or_else(|| config.events.currency.clone()),
            booking: e.booking.clone(),
            on_sale: e.on_sale.map(|dt| zoned(&tz, dt)),
            capacity: e.capacity,
            cover,
            tags: e.tags.clone(),
            hosts,
            status: e.status,
            translation_key: e.translation_key.clone(),
        });
    }
    sort(&mut list);
    let t = opts.today;
    let stamp = format!("{:04}{:02}{:02}T000000Z", t.year, t.month, t.day);
    Events { list, tz_name, stamp }
}

/// A wall-clock time in the shop's zone; a time skipped by a change to
/// summer time moves forward (RFC 5545's rule, 3.3.5), a repeated one is
/// the first.
fn zoned(tz: &TimeZone, dt: jiff::civil::DateTime) -> jiff::ZonedDateTime {
    tz.to_ambiguous_zoned_datetime(dt)
        .compatible()
        .or_else(|_| dt.to_zoned_datetime(TimeZone::UTC))
        .expect("a date of the years 1 to 9999 in UTC")
}

/// Upcoming first, soonest first; then past, latest first.
fn sort(list: &mut [Event]) {
    list.sort_by(|a, b| {
        let (au, bu) = (a.is_upcoming(), b.is_upcoming());
        let (an, bn) = (a.next().start.timestamp(), b.next().start.timestamp());
        bu.cmp(&au).then_with(|| if au { an.cmp(&bn) } else { bn.cmp(&an) }).then_with(|| a.id.cmp(&b.id))
    });
}

/// The indices of the hosts (`staff:`), each an id of data/staff.yaml.
fn hosts(e: &ParsedEvent, input: &EventInput<'_>, diags: &mut Diagnostics) -> Vec<usize> {
    let mut out = Vec::new();
    for id in &e.staff {
        match input.staff.iter().position(|s| &s.id == id) {
            Some(i) => out.push(i),
            None if !input.staff_ok => {}
            None => {
                let ids: Vec<&str> = input.staff.iter().map(|s| s.id.as_str()).collect();
                let help = match crate::diag::suggest::nearest(id, &ids) {
                    Some(n) => format!("did you mean `{n}`? Hosts are ids of data/staff.yaml"),
                    None if ids.is_empty() => {
                        "add the host to data/staff.yaml (`- id: ana`, `name: Ana`), or remove `staff:`".to_string()
                    }
                    None => format!("hosts are ids of data/staff.yaml: {}", ids.join(", ")),
                };
                diags
                    .error(&e.source, e.span_of("staff"), format!("the host `{id}` is not in data/staff.yaml"))
                    .help(help);
            }
        }
    }
    out
}
