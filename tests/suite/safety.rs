//! A failed build leaves the previous output as it was; folders shopstory
//! did not make are never emptied.

use crate::harness::{tree, SiteTest};
use std::fs;

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = SiteTest::fixture("basic");
    assert_eq!(site.build().code, 0);
    let before = tree(&site.public());
    site.write("content/posts/2026-11-02-dye-with-onion-skins.md", "---\ntitle: [broken\n---\n");
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content/posts/2026-11-02-dye-with-onion-skins.md:2:"), "{}", run.stderr);
    assert_eq!(before, tree(&site.public()), "output changed after a failed build");
}

#[test]
fn foreign_non_empty_output_is_refused_and_survives() {
    let site = SiteTest::fixture("basic");
    let foreign = site.root.join("my-photos");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("holiday.jpg"), b"precious").unwrap();
    let run = site.run(&["build", "--output", "my-photos"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is not empty and was not made by shopstory"), "{}", run.stderr);
    assert_eq!(fs::read(foreign.join("holiday.jpg")).unwrap(), b"precious");
    assert_eq!(fs::read_dir(&foreign).unwrap().count(), 1);
}

#[test]
fn output_at_the_site_root_or_a_source_folder_is_refused() {
    let site = SiteTest::fixture("basic");
    for out in [".", "content", "content/posts", "..", "/"] {
        let run = site.run(&["build", "--output", out]);
        assert_eq!(run.code, 1, "--output {out} was accepted");
        assert!(run.stderr.contains("would contain or replace the site itself"), "{out}: {}", run.stderr);
    }
    assert!(site.root.join("content/posts/2026-10-01-open-day.md").is_file());
}

#[test]
fn an_empty_folder_may_be_used_and_is_marked() {
    let site = SiteTest::fixture("basic");
    fs::create_dir_all(site.root.join("out")).unwrap();
    let run = site.run(&["build", "--output", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.root.join("out/.shopstory-output").is_file());
    // Our own folder is replaced on the next build, stale files removed.
    fs::write(site.root.join("out/stale.html"), "old").unwrap();
    let run = site.run(&["build", "--output", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.root.join("out/stale.html").exists());
}
