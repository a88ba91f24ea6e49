//! Unit tests of `parse::moments`.

use super::*;
use crate::diag::render::all_to_text;
use std::sync::Arc;

fn parse(files: &[(&str, &str)], photos: &[&str], require_consent: bool) -> (Vec<ParsedMoment>, String) {
    let mut diags = Diagnostics::new();
    let files: Vec<TextFile> = files
        .iter()
        .map(|(p, t)| {
            diags.add_source(p, Arc::from(*t));
            TextFile { path: p.to_string(), text: Arc::from(*t) }
        })
        .collect();
    let content: BTreeSet<&str> = photos.iter().copied().collect();
    let m = parse_moments(&files, &content, &MomentSettings { require_consent }, &mut diags);
    (m, all_to_text(&diags))
}

const ANA: &str =
    "caption: Ana's wheel\ncustomer: Ana\ndate: 2026-11-02\nproduct: wheel rebuild\ntags: [wheels]\nconsent: true\n";

#[test]
fn sidecar_moments() {
    let (m, errs) = parse(&[("content/moments/Ana Wheel.yaml", ANA)], &["content/moments/Ana Wheel.JPG"], true);
    assert_eq!(errs, "");
    assert_eq!(m.len(), 1);
    let m = &m[0];
    assert_eq!(m.id, "ana-wheel");
    assert_eq!(m.photo, "content/moments/Ana Wheel.JPG");
    assert_eq!(m.customer.as_deref(), Some("Ana"));
    assert_eq!(m.tags, vec!["wheels"]);
    assert_eq!(m.date.date.to_string(), "2026-11-02");
}

#[test]
fn list_moments() {
    let list = "- photo: a.jpg\n  date: 2026-01-02\n  consent: true\n- photo: /content/moments/b.png\n  date: 2026-01-03\n  consent: true\n";
    let (m, errs) =
        parse(&[("content/moments/moments.yaml", list)], &["content/moments/a.jpg", "content/moments/b.png"], true);
    assert_eq!(errs, "");
    let ids: Vec<&str> = m.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn consent_is_required_at_its_line() {
    let text = "caption: Hi\ndate: 2026-11-02\nconsent: false\n";
    let (m, errs) = parse(&[("content/moments/a.yaml", text)], &["content/moments/a.jpg"], true);
    assert!(m.is_empty());
    assert!(errs.contains("error: the moment of a.jpg is `consent: false`: the build refuses to publish it until the customer's consent is recorded\n --> content/moments/a.yaml:3:10"), "{errs}");
    let list = "- photo: a.jpg\n  date: 2026-01-02\n- photo: b.jpg\n  date: 2026-01-03\n  consent: yes\n";
    let (m, errs) =
        parse(&[("content/moments/moments.yaml", list)], &["content/moments/a.jpg", "content/moments/b.jpg"], true);
    assert!(m.is_empty());
    assert!(errs.contains("the moment of a.jpg has no `consent: true`: the build refuses to publish it until the customer's consent is recorded\n --> content/moments/moments.yaml:1:1"), "{errs}");
    assert!(errs.contains("the moment of b.jpg does not say `consent: true`"), "{errs}");
    assert!(errs.contains("moments.yaml:5:12"), "{errs}");
    // Without the requirement, the same moments are published.
    let (m, errs) =
        parse(&[("content/moments/moments.yaml", list)], &["content/moments/a.jpg", "content/moments/b.jpg"], false);
    assert_eq!((m.len(), errs.as_str()), (2, ""));
}

#[test]
fn sidecars_and_photos_must_pair_up() {
    let (m, errs) = parse(
        &[("content/moments/gone.yaml", ANA), ("content/moments/ana.yaml", ANA)],
        &["content/moments/ana.jpg", "content/moments/lonely.jpg"],
        true,
    );
    assert_eq!(m.len(), 1);
    assert!(errs.contains("error: this moment has no photo: there is no `gone.jpg` (or .jpeg, .png, .webp) next to it\n  --> content/moments/gone.yaml\n"), "{errs}");
    assert!(errs.contains("error: this customer photo has no moment data (caption, customer, date, consent)\n  --> content/moments/lonely.jpg\n"), "{errs}");
    assert!(errs.contains("add `lonely.yaml` next to it"), "{errs}");
}

#[test]
fn unknown_keys_and_bad_values() {
    let text = "caption: Hi\ncustomer: Ana Pérez\ndate: 2026-02-30\nconsnet: true\nconsent: true\n";
    let (m, errs) = parse(&[("content/moments/a.yaml", text)], &["content/moments/a.jpg"], true);
    assert!(m.is_empty());
    assert!(errs.contains("unknown key `consnet` in a moment\n --> content/moments/a.yaml:4:1"), "{errs}");
    assert!(errs.contains("did you mean `consent`?"), "{errs}");
    assert!(errs.contains("warning: the moment of a.jpg: only the customer's first name is shown, `Ana`"), "{errs}");
    assert!(errs.contains("February 2026 has 28 days\n --> content/moments/a.yaml:3:7"), "{errs}");
}

#[test]
fn list_photos_must_exist_once_and_stay_in_content() {
    let list = "- photo: missing.jpg\n  date: 2026-01-02\n  consent: true\n- photo: /static/x.jpg\n  date: 2026-01-02\n  consent: true\n- photo: a.jpg\n  date: 2026-01-02\n  consent: true\n";
    let (m, errs) = parse(
        &[("content/moments/moments.yaml", list), ("content/moments/a.yaml", ANA)],
        &["content/moments/a.jpg"],
        true,
    );
    assert_eq!(m.len(), 1);
    assert!(
        errs.contains(
            "there is no photo `missing.jpg` (content/moments/missing.jpg)\n --> content/moments/moments.yaml:1:10"
        ),
        "{errs}"
    );
    assert!(errs.contains("photo `/static/x.jpg` is not under content/"), "{errs}");
    assert!(errs.contains("`content/moments/a.jpg` is already described by content/moments/a.yaml\n --> content/moments/moments.yaml:7:10"), "{errs}");
}

#[test]
fn duplicate_ids_are_reported() {
    let (m, errs) = parse(
        &[("content/moments/a.yaml", ANA), ("content/moments/2025/a.yaml", ANA)],
        &["content/moments/a.jpg", "content/moments/2025/a.jpg"],
        true,
    );
    assert_eq!(m.len(), 1);
    assert!(errs.contains("would both be the moment `a`"), "{errs}");
}

#[test]
fn a_draft_carries_its_missing_consent_and_draft_must_be_true_or_false() {
    let (m, errs) =
        parse(&[("content/moments/a.yaml", "date: 2026-11-02\ndraft: true\n")], &["content/moments/a.jpg"], true);
    assert_eq!(errs, "");
    assert!(m[0].draft);
    let u = m[0].unconsented.as_ref().expect("carried");
    assert_eq!(
        u.message,
        "the moment of a.jpg has no `consent: true`: the build refuses to publish it until the customer's consent is recorded"
    );
    let (m, errs) = parse(
        &[("content/moments/a.yaml", "date: 2026-11-02\ndraft: soon\nconsent: true\n")],
        &["content/moments/a.jpg"],
        true,
    );
    assert!(m.is_empty());
    assert!(
        errs.contains("error: the moment of a.jpg: `draft` must be true or false\n --> content/moments/a.yaml:2:8"),
        "{errs}"
    );
}
