//! Events (issue 18), end to end with the real binary: the example site's
//! five events (three to come, one of them recurring, two past, one of
//! those cancelled) on /events/, their pages' schema.org `Event` data with
//! every field Google reads, their `.ics` files read back by Python's
//! `icalendar` with times right across a change to summer time (computed
//! from the file's own VTIMEZONE), the home page, staff pages, the menu
//! and the sitemap; content errors at file:line; a site in two languages.
//! "Today" is pinned (harness::TODAY_EPOCH, 2026-11-22).

use crate::harness::{copy_dir, json_ld, SiteTest};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn example() -> SiteTest {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site"), &root);
    let _ = std::fs::remove_dir_all(root.join(".shopstory-cache"));
    SiteTest { _tmp: tmp, root }
}

/// The text between each `open` and the next `close` in `html`.
fn between<'a>(html: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    html.split(open).skip(1).map(|rest| &rest[..rest.find(close).unwrap()]).collect()
}

/// Event titles of a list, in order.
fn card_titles(html: &str) -> Vec<String> {
    between(html, "class=\"event-card-title\"><a href=\"", "</a>")
        .into_iter()
        .map(|s| s.split_once("\">").unwrap().1.replace("&amp;", "&"))
        .collect()
}

/// The .ics files as Python's icalendar reads them (tests/read_ics.py).
fn read_ics(files: &[&Path]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/read_ics.py");
    let python = ["/usr/bin/python3", "python3"]
        .into_iter()
        .find(|p| Command::new(p).args(["-c", "import icalendar"]).output().is_ok_and(|o| o.status.success()))
        .expect("Python with icalendar (apt-get install python3-icalendar; .ci/run installs it)");
    let out = Command::new(python).arg(script).args(files).output().expect("run python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_example_sites_events_pages_and_calendars() {
    let site = example();
    site.build_ok();
    let public = site.public();
    let read = |p: &str| std::fs::read_to_string(public.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));

    // /events/: upcoming by month, soonest first; then past, latest first.
    let list = read("events/index.html");
    let (upcoming, past) = list.split_once("id=\"past-h\"").unwrap();
    assert_eq!(
        between(upcoming, "<h2 id=\"month-", "</h2>"),
        ["1\">November 2026", "2\">December 2026", "3\">March 2027"]
    );
    assert_eq!(
        card_titles(upcoming),
        ["Saturday repair clinic", "Wheel-building workshop", "Spring-forward gravel ride"]
    );
    assert_eq!(card_titles(past), ["Live Q&A: winter tires", "Harbor Street market stall"]);
    assert!(past.contains("<strong class=\"event-status\">Cancelled</strong>"), "{past}");
    assert!(
        upcoming.contains("<time datetime=\"2026-11-28T10:00:00-08:00\">Saturday 28 November 2026, 10:00–12:00</time>")
    );

    // A long series lists its next six dates, and folds every date (past ones greyed) away below.
    let clinic = read("events/saturday-repair-clinic/index.html");
    let (next, all) = clinic.split_once("<details class=\"event-all-dates\">").expect("the clinic's dates fold away");
    let next = &next[next.rfind("<ul class=\"event-dates\">").unwrap()..];
    assert_eq!(next.matches("<li>").count(), 6, "{next}");
    assert!(next.contains("<li><time datetime=\"2026-11-28T10:00:00-08:00\">"), "{next}");
    let all = &all[..all.find("</details>").unwrap()];
    let dates = all.matches("<li").count();
    assert!(dates > 50 && all.contains(&format!("<summary>Dates ({dates})</summary>")), "{all}");
    assert!(all.contains("<li class=\"event-date-past\"><time datetime=\"2026-11-21T10:00:00-08:00\">"), "{all}");
    // A single event has no list of dates.
    assert!(!read("events/spring-gravel-ride/index.html").contains("class=\"event-dates\""));

    // Each event's page: Google's Event fields, the calendar link.
    let page = read("events/spring-gravel-ride/index.html");
    assert!(page.contains("<a href=\"/events/spring-gravel-ride.ics\" download>Add to calendar</a>"), "{page}");
    assert!(page
        .contains("<a class=\"button\" href=\"https://harborstreetcycles.example/book/gravel-ride\">Book a place</a>"));
    let ld = json_ld(&page);
    assert_eq!(ld["@type"], "Event");
    assert_eq!(ld["startDate"], "2027-03-13T09:00:00-08:00");
    // The ride ends after the clocks go forward: Pacific Daylight Time.
    assert_eq!(ld["endDate"], "2027-03-14T15:00:00-07:00");
    assert_eq!(ld["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(ld["eventAttendanceMode"], "https://schema.org/OfflineEventAttendanceMode");
    assert_eq!(ld["location"]["@type"], "Place");
    assert_eq!(ld["location"]["address"]["@type"], "PostalAddress");
    assert_eq!(ld["location"]["address"]["addressLocality"], "Astoria");
    assert_eq!(
        ld["offers"],
        serde_json::json!({"@type": "Offer", "price": "20", "priceCurrency": "USD",
            "availability": "https://schema.org/InStock", "url": "https://harborstreetcycles.example/book/gravel-ride",
            "validFrom": "2026-11-01T09:00:00-08:00"})
    );
    assert_eq!(ld["organizer"]["name"], "Harbor Street Cycles");
    let performers: Vec<&str> =
        ld["performer"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(performers, ["Rosa Delgado", "Dev Malhotra"]);
    assert!(ld["image"][0].as_str().unwrap().starts_with("https://harborstreetcycles.example/media/spring-check-"));
    assert_eq!(
        ld["description"],
        "An overnight gravel ride into the hills behind Astoria, the weekend the clocks change."
    );

    // Every event page has the fields; a recurring one lists each date to come.
    for slug in ["saturday-repair-clinic", "wheel-building-workshop", "harbor-street-market", "winter-tires-live"] {
        let ld = json_ld(&read(&format!("events/{slug}/index.html")));
        let items: Vec<Value> = match ld {
            Value::Array(a) => a,
            one => vec![one],
        };
        for item in &items {
            for key in [
                "name",
                "startDate",
                "endDate",
                "eventStatus",
                "eventAttendanceMode",
                "location",
                "description",
                "organizer",
                "performer",
                "offers",
                "url",
            ] {
                assert!(item.get(key).is_some(), "{slug}: no {key} in {item}");
            }
        }
        let expected = match slug {
            "saturday-repair-clinic" => 20,
            "wheel-building-workshop" => 13,
            _ => 1,
        };
        assert_eq!(items.len(), expected, "{slug}");
    }
    let online = json_ld(&read("events/winter-tires-live/index.html"));
    assert_eq!(online["eventStatus"], "https://schema.org/EventCancelled");
    assert_eq!(online["eventAttendanceMode"], "https://schema.org/OnlineEventAttendanceMode");
    assert_eq!(
        online["location"],
        serde_json::json!({"@type": "VirtualLocation", "url": "https://www.youtube.com/@harborstreetcycles/live"})
    );
    assert_eq!(online["offers"]["price"], "0");

    // The calendars, read by icalendar: times from the file's VTIMEZONE.
    let events = public.join("events");
    let ics = read_ics(&[
        &events.join("spring-gravel-ride.ics"),
        &events.join("harbor-street-market.ics"),
        &events.join("winter-tires-live.ics"),
    ]);
    assert_eq!(
        ics,
        "# spring-gravel-ride.ics zones: America/Los_Angeles\n\
         spring-gravel-ride-20270313T0900@harborstreetcycles.example | 2027-03-13T17:00:00Z | 2027-03-14T22:00:00Z | CONFIRMED | Spring-forward gravel ride\n\
         # harbor-street-market.ics zones: America/Los_Angeles\n\
         harbor-street-market-20261003T0000@harborstreetcycles.example | 2026-10-03 | 2026-10-04 | CONFIRMED | Harbor Street market stall\n\
         # winter-tires-live.ics zones: America/Los_Angeles\n\
         winter-tires-live-20261021T1900@harborstreetcycles.example | 2026-10-22T02:00:00Z | 2026-10-22T03:00:00Z | CANCELLED | Live Q&A: winter tires\n"
    );
    let all = read_ics(&[&events.join("calendar.ics")]);
    let lines: Vec<&str> = all.lines().collect();
    // 57 Saturdays from 28 November 2026 to 25 December 2027, 13 workshops, the ride.
    assert_eq!(lines.len(), 1 + 57 + 13 + 1, "{all}");
    assert_eq!(lines[1], "saturday-repair-clinic-20261128T1000@harborstreetcycles.example | 2026-11-28T18:00:00Z | 2026-11-28T20:00:00Z | CONFIRMED | Saturday repair clinic");
    // The clinic keeps 10:00 local after the change: 17:00 UTC in summer.
    assert!(all.contains("saturday-repair-clinic-20270320T1000@harborstreetcycles.example | 2027-03-20T17:00:00Z | 2027-03-20T19:00:00Z |"), "{all}");
    let text = read("events/calendar.ics");
    assert!(text.lines().all(|l| l.len() <= 76), "a line longer than 75 octets");
    assert!(text.ends_with("END:VCALENDAR\r\n"));

    // The home page's next events, the hosts' pages, the menu, the sitemap.
    let home = read("index.html");
    let section = &home[home.find("id=\"events-h\"").unwrap()..];
    assert_eq!(
        card_titles(&section[..section.find("</section>").unwrap()]),
        ["Saturday repair clinic", "Wheel-building workshop", "Spring-forward gravel ride"]
    );
    assert!(home.contains("<a href=\"/events/\""), "menu");
    let dev = read("staff/dev/index.html");
    assert_eq!(card_titles(&dev), ["Wheel-building workshop", "Spring-forward gravel ride", "Live Q&A: winter tires"]);
    let sitemap = read("sitemap.xml");
    for url in ["/events/", "/events/spring-gravel-ride/", "/events/harbor-street-market/"] {
        assert!(sitemap.contains(&format!("<loc>https://harborstreetcycles.example{url}</loc>")), "{url}");
    }
}

const BAD_EVENT: &str = "---
title: Dye day
start: 2026-12-12 10:00
end: 2026-12-12 09:00
---
";

#[test]
fn event_errors_name_the_file_the_line_and_what_to_do() {
    let site = SiteTest::fixture("basic");
    site.write("content/events/dye-day.md", BAD_EVENT);
    site.write("content/events/market.md", "---\ntitle: Market\nstart: 2026-12-05\nstatus: postponned\nbooking: www.market.example\nrepeat: { every: day, until: 2027-12-31 }\nstaff: [nobody]\n---\n");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let e = &run.stderr;
    assert!(e.contains("error: the event ends (2026-12-12 09:00:00) before it starts (2026-12-12 10:00:00)\n --> content/events/dye-day.md:4:6"), "{e}");
    assert!(e.contains("error: `status: postponned` is not an event status\n --> content/events/market.md:4:9"), "{e}");
    assert!(e.contains("= help: did you mean `postponed`?"), "{e}");
    assert!(
        e.contains("error: `booking: www.market.example` is not a web address\n --> content/events/market.md:5:10"),
        "{e}"
    );
    assert!(
        e.contains("error: this rule makes 392 dates; an event may have at most 200\n --> content/events/market.md:6:"),
        "{e}"
    );
    assert!(!site.public().join("events").exists());

    // A host not in data/staff.yaml, once the event is otherwise right.
    site.write("content/events/market.md", "---\ntitle: Market\nstart: 2026-12-05\nstaff: [mina]\n---\n");
    std::fs::remove_file(site.root.join("content/events/dye-day.md")).unwrap();
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error: the host `mina` is not in data/staff.yaml\n --> content/events/market.md:4:8"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_misspelt_time_zone_is_an_error_with_the_nearest_name() {
    let site = SiteTest::fixture("basic");
    let config =
        site.read("site.yaml").replace("  name: Tea & Thread\n", "  name: Tea & Thread\n  timezone: Europe/Londn\n");
    site.write("site.yaml", &config);
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error: shop.timezone `Europe/Londn` is not a time zone\n --> site.yaml:6:13"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help: did you mean `Europe/London`?"), "{}", run.stderr);
}

#[test]
fn each_language_has_its_own_events() {
    let site = SiteTest::fixture("montreal");
    let config = site.read("site.yaml").replace("shop:\n", "shop:\n  timezone: America/Toronto\n");
    site.write("site.yaml", &config);
    site.write("content/events/atelier.md", "---\ntitle: Atelier de couture\nstart: 2026-12-12 10:00\nend: \"12:00\"\nprice: 30\ncurrency: CAD\n---\nApportez votre laine.\n");
    site.write("content/events/atelier.en.md", "---\ntitle: Sewing workshop\nstart: 2026-12-12 10:00\nend: \"12:00\"\nprice: 30\ncurrency: CAD\n---\nBring your wool.\n");
    site.build_ok();
    let fr = std::fs::read_to_string(site.public().join("events/atelier/index.html")).unwrap();
    let en = std::fs::read_to_string(site.public().join("en/events/atelier/index.html")).unwrap();
    assert_eq!(json_ld(&fr)["name"], "Atelier de couture");
    assert_eq!(json_ld(&en)["name"], "Sewing workshop");
    assert_eq!(json_ld(&fr)["startDate"], "2026-12-12T10:00:00-05:00");
    assert!(fr.contains("samedi 12 décembre 2026"), "dates in French");
    assert!(fr.contains("30 CAD") && fr.contains("Apportez votre laine."));
    assert!(en.contains("Saturday 12 December 2026, 10:00–12:00") && en.contains("Bring your wool."));
    let en_list = std::fs::read_to_string(site.public().join("en/events/index.html")).unwrap();
    assert_eq!(card_titles(&en_list), ["Sewing workshop"]);
    assert!(en.contains("<a href=\"/en/events/atelier.ics\" download>Add to calendar</a>"), "{en}");
    assert!(fr.contains("<a href=\"/events/atelier.ics\" download>"), "{fr}");
    let ics = std::fs::read_to_string(site.public().join("en/events/atelier.ics")).unwrap();
    assert!(
        ics.contains("SUMMARY:Sewing workshop\r\n")
            && ics.contains("URL:https://atelier-erable.example/en/events/atelier/\r\n"),
        "{ics}"
    );

    // A page of the owner's may not take /events/ once the site has events.
    site.write("content/pages/events.md", "---\ntitle: Nos événements\n---\n");
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error: this page's URL /events/ is one shopstory uses for its own pages"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_post_embeds_an_event_and_the_feed_and_search_carry_events() {
    let site = SiteTest::fixture("basic");
    let config =
        site.read("site.yaml").replace("  name: Tea & Thread\n", "  name: Tea & Thread\n  timezone: Europe/London\n");
    site.write("site.yaml", &format!("{config}events: {{ in_feed: true, currency: GBP }}\n"));
    site.write("content/events/dye-day.md", "---\ntitle: Onion-skin dye day\ndescription: Dye a skein with onion skins.\nstart: 2026-12-05 11:00\nend: \"15:30\"\nprice: 12.5\nstaff: [ada]\ncover: skeins.png\ncover_alt: Skeins drying\n---\nAprons provided.\n");
    // A cover only the event shows is planned and published.
    image::RgbImage::from_fn(640, 400, |x, y| image::Rgb([x as u8, y as u8, 90]))
        .save(site.root.join("content/events/skeins.png"))
        .unwrap();
    site.write(
        "content/posts/2026-11-12-dates.md",
        "---\ntitle: Winter dates\n---\nCome and dye:\n\n{{ event(id=\"dye-day\") }}\n",
    );
    site.build_ok();
    let read = |p: &str| std::fs::read_to_string(site.public().join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let post = read("blog/dates/index.html");
    assert!(
        post.contains("<p class=\"event-embed-title\"><a href=\"/events/dye-day/\">Onion-skin dye day</a></p>"),
        "{post}"
    );
    assert!(post.contains("<time datetime=\"2026-12-05T11:00:00+00:00\">Saturday 5 December 2026, 11:00–15:30</time> · Tea &amp; Thread · 12.50 GBP"), "{post}");
    let feed = read("feed.xml");
    let entry = &feed[feed.find("<title>Onion-skin dye day</title>").expect("the event is in the feed")..];
    assert!(entry.contains("<id>https://tea-and-thread.example/events/dye-day/</id>"), "{entry}");
    assert!(entry.contains("<summary>Saturday 5 December 2026, 11:00–15:30 · Tea &amp; Thread · 12.50 GBP. Dye a skein with onion skins.</summary>"), "{entry}");
    let index: Value = serde_json::from_str(&read("search/index.json")).unwrap();
    let kinds = index["kinds"].as_array().unwrap();
    let event = index["docs"].as_array().unwrap().iter().find(|d| d[1] == "Onion-skin dye day").expect("in the search");
    assert_eq!(kinds[event[0].as_u64().unwrap() as usize], "Event");
    assert_eq!(event[2], "/events/dye-day/");
    let page = read("events/dye-day/index.html");
    let cover = json_ld(&page)["image"][0].as_str().unwrap().to_string();
    assert!(cover.starts_with("https://tea-and-thread.example/media/skeins-"), "{cover}");
    assert!(site.public().join(cover.trim_start_matches("https://tea-and-thread.example/")).is_file(), "{cover}");
    assert!(page.contains("alt=\"Skeins drying\""), "the cover is on the page");
    let ada = read("staff/ada/index.html");
    assert_eq!(card_titles(&ada), ["Onion-skin dye day"]);

    // An unknown id is an error at the post's line.
    site.write(
        "content/posts/2026-11-12-dates.md",
        "---\ntitle: Winter dates\n---\nCome and dye:\n\n{{ event(id=\"dye-days\") }}\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error: there is no event with id `dye-days`\n --> content/posts/2026-11-12-dates.md:6:1"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `dye-day`?"), "{}", run.stderr);

    // Without `events.in_feed`, the feed has posts only.
    site.write("site.yaml", &config);
    site.write("content/posts/2026-11-12-dates.md", "---\ntitle: Winter dates\n---\nSoon.\n");
    site.build_ok();
    assert!(!read("feed.xml").contains("dye-day"));
}
