//! The preview after random edit sequences against fresh builds: the same
//! edits as `incremental_edits` (a post's body, title, summary, tags or
//! date; posts added and removed; templates, reviews, staff, site.yaml, a
//! static file over a page; what kept bodies read), made while `serve`
//! runs. The preview keeps texts, parsed files, bodies and post pages from
//! one rebuild to the next (a post page by a digest of what it reads; the
//! debug build this runs checks each such page against its full dependency
//! set and stops on a miss), and after each edit every file of a fresh
//! `build` of a copy of the site must be served, byte for byte (HTML pages
//! with the preview's reload script, which is all they add). Bounded:
//! `SHOPSTORY_PREVIEW_EDIT_CASES` sequences (default 6) of up to 4 edits.

use crate::harness::{copy_dir, shopstory, tree, SiteTest};
use crate::incremental_edits::{apply, edit, managed_site};
use crate::serve::Serve;
use proptest::prelude::*;
use std::time::{Duration, Instant};

fn cases() -> u32 {
    std::env::var("SHOPSTORY_PREVIEW_EDIT_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(6)
}

/// Whether `served` is `built` with a script before its last `</body>` (or
/// `built` itself, for anything but a page).
fn same_as_built(path: &str, built: &[u8], served: &[u8]) -> bool {
    if !path.ends_with(".html") {
        return served == built;
    }
    let text = String::from_utf8_lossy(built);
    let at = text.to_ascii_lowercase().rfind("</body").unwrap_or(built.len());
    served.len() >= built.len() && served.starts_with(&built[..at]) && served.ends_with(&built[at..])
}

/// The files of a fresh build of a copy of `site` (not in the site folder,
/// which the preview watches).
fn fresh_build(site: &SiteTest) -> std::collections::BTreeMap<String, Vec<u8>> {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("site");
    copy_dir(&site.root, &copy);
    let _ = std::fs::remove_dir_all(copy.join(".shopstory-cache"));
    let run = shopstory(&copy, &["build", "-q"]);
    assert!(run.stderr.is_empty() || !run.stderr.contains("error"), "the fresh build failed: {}", run.stderr);
    let mut files = tree(&copy.join("public"));
    // The mark `build` leaves on its output folder is not part of the site.
    files.retain(|path, _| !path.starts_with('.'));
    files
}

/// Waits until the preview serves every file of `fresh` as built, and
/// nothing at `gone`; says what still differs when it does not in time.
fn assert_preview_is(s: &Serve, fresh: &std::collections::BTreeMap<String, Vec<u8>>, gone: &[String], step: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        // A preview that stopped (a debug build's check of a kept page
        // failing, say) says why on its terminal.
        if std::net::TcpStream::connect(("127.0.0.1", s.port)).is_err() {
            std::thread::sleep(Duration::from_millis(300));
            panic!("{step}: the preview stopped:\n{}", s.stderr());
        }
        let mut differ = Vec::new();
        for (path, bytes) in fresh {
            let r = s.get(&format!("/{path}"));
            if r.status != 200 || !same_as_built(path, bytes, &r.body) {
                differ.push(format!("{path} ({})", r.status));
            }
        }
        differ.extend(gone.iter().filter(|url| s.get(url).status != 404).map(|url| format!("{url} is still served")));
        if differ.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{step}: the preview still differs from a fresh build: {differ:?}\n{}",
            s.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_preview_after_random_edits_serves_what_a_fresh_build_makes(edits in prop::collection::vec(edit(), 1..=4)) {
        let (site, mut posts) = managed_site();
        let s = Serve::start(&site.root, &[]);
        assert_preview_is(&s, &fresh_build(&site), &[], "before any edit");
        let mut gone = Vec::new();
        for (n, e) in edits.iter().enumerate() {
            let before: Vec<String> = posts.iter().map(|p| p.slug.clone()).collect();
            apply(&site, &mut posts, e);
            gone.extend(before.into_iter().filter(|slug| !posts.iter().any(|p| &p.slug == slug)).map(|slug| format!("/blog/{slug}/")));
            let fresh = fresh_build(&site);
            gone.retain(|url| !fresh.contains_key(&format!("{}index.html", &url[1..])));
            assert_preview_is(&s, &fresh, &gone, &format!("edit {n}: {e:?} (of {edits:?})"));
        }
        assert!(!s.stderr().contains("panicked"), "{}", s.stderr());
    }
}
