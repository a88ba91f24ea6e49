use super::place::amount;
use super::*;
use crate::diag::render::all_to_text;

fn parse(path: &str, text: &str) -> (Option<ParsedEvent>, String) {
    let mut diags = Diagnostics::new();
    let file = TextFile { path: path.into(), text: Arc::from(text) };
    diags.add_source(path, file.text.clone());
    let config = SiteConfig::placeholder();
    let event = parse_event(&file, &config, &mut diags);
    (event, all_to_text(&diags))
}

#[test]
fn a_workshop_with_its_facts() {
    let (e, errs) = parse(
        "content/events/fitting.md",
        "---\ntitle: Fitting workshop\nstart: 2026-12-12 10:00\nend: \"12:30\"\nprice: 25\nbooking: https://t.example/f\ncapacity: 8\nstaff: [ana]\nstatus: sold out\nlocation: { name: Town hall, street: 1 Main St, city: Lyon }\n---\nBring your bike.\n",
    );
    let e = e.expect(&errs);
    assert_eq!(errs, "");
    assert_eq!(e.slug, "fitting");
    assert_eq!(e.occurrences.len(), 1);
    assert_eq!(e.occurrences[0].0.to_string(), "2026-12-12T10:00:00");
    assert_eq!(e.occurrences[0].1.to_string(), "2026-12-12T12:30:00");
    assert!(!e.all_day);
    assert_eq!(e.price, Price::Amount("25".into()));
    assert_eq!(e.status, Status::SoldOut);
    assert_eq!(e.capacity, Some(8));
    assert_eq!(e.staff, vec!["ana".to_string()]);
    assert!(
        matches!(&e.location, Location::Place { name, address: Some(a) } if name == "Town hall" && a.city == "Lyon")
    );
    assert_eq!(e.body(), "Bring your bike.\n");
}

#[test]
fn recurring_events_by_rule_and_by_list() {
    let (e, errs) = parse(
        "content/events/repair.md",
        "---\ntitle: Repair café\nstart: 2026-12-05 14:00\nend: 2026-12-05 16:00\nrepeat: { every: week, until: 2026-12-26 }\nfree: true\n---\n",
    );
    let e = e.expect(&errs);
    let days: Vec<String> = e.occurrences.iter().map(|o| o.0.to_string()).collect();
    assert_eq!(days, ["2026-12-05T14:00:00", "2026-12-12T14:00:00", "2026-12-19T14:00:00", "2026-12-26T14:00:00"]);
    assert_eq!(e.price, Price::Free);
    let (e, errs) = parse(
        "content/events/market.md",
        "---\ntitle: Market\nstart: 2026-12-20\ndates: [2026-12-06, 2027-01-03]\nonline: https://live.example\n---\n",
    );
    let e = e.expect(&errs);
    let days: Vec<String> = e.occurrences.iter().map(|o| o.0.date().to_string()).collect();
    assert_eq!(days, ["2026-12-06", "2026-12-20", "2027-01-03"]);
    assert!(e.all_day);
    assert_eq!(e.location, Location::Online("https://live.example".into()));
}

#[test]
fn errors_name_the_line_and_what_to_do() {
    let (e, errs) =
        parse("content/events/x.md", "---\ntitle: X\nstart: 2026-12-12 10:00\nend: 2026-12-12 09:00\n---\n");
    assert!(e.is_none());
    assert_eq!(
        errs,
        "error: the event ends (2026-12-12 09:00:00) before it starts (2026-12-12 10:00:00)\n --> content/events/x.md:4:6\n  |\n4 | end: 2026-12-12 09:00\n  |      ^^^^^^^^^^^^^^^^\n  = help: check the end: it must come after the start (a time alone is on the start's day)\n\n"
    );
    let (_, errs) = parse("content/events/x.md", "---\ntitle: X\nstart: 2026-12-12\nstatus: canceld\n---\n");
    assert!(errs.contains("`status: canceld` is not an event status\n --> content/events/x.md:4:9"), "{errs}");
    assert!(errs.contains("did you mean `cancelled`?"), "{errs}");
    let (_, errs) = parse(
        "content/events/x.md",
        "---\ntitle: X\nstart: 2026-12-12\nrepeat: { every: year, until: 2027-01-01 }\n---\n",
    );
    assert!(errs.contains("`every: year` is not a rule") && errs.contains("content/events/x.md:4:"), "{errs}");
    let (_, errs) = parse(
        "content/events/x.md",
        "---\ntitle: X\nstart: 2026-01-01\nrepeat: { every: day, until: 2027-12-31 }\n---\n",
    );
    assert!(errs.contains("this rule makes 730 dates; an event may have at most 200"), "{errs}");
    let (_, errs) = parse("content/events/x.md", "---\ntitle: X\nstart: 2026-12-12\nbooking: tickets.example/x\n---\n");
    assert!(
        errs.contains("`booking: tickets.example/x` is not a web address\n --> content/events/x.md:4:10"),
        "{errs}"
    );
    let (_, errs) = parse("content/events/x.md", "---\ntitle: X\nstart: 2026-12-12T10:00Z\n---\n");
    assert!(errs.contains("has a time zone") && errs.contains("x.md:3:8"), "{errs}");
    let (_, errs) = parse("content/events/x.md", "---\ntitle: X\n---\n");
    assert!(errs.contains("this event has no `start`"), "{errs}");
}

#[test]
fn prices_are_plain_decimals() {
    assert_eq!(amount("25"), Some("25".into()));
    assert_eq!(amount("12.5"), Some("12.50".into()));
    assert_eq!(amount("12.00"), Some("12".into()));
    assert_eq!(amount("007"), Some("7".into()));
    assert_eq!(amount("0"), Some("0".into()));
    assert_eq!(amount("€12"), None);
    assert_eq!(amount("1.234"), None);
}
