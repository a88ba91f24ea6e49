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

/// Writes `n` photos big enough that processing them takes a while.
fn many_photos(site: &crate::harness::SiteTest, n: usize) {
    let mut body = String::from("---\ntitle: Photos\n---\n");
    for i in 0..n {
        let img = image::RgbImage::from_fn(1000, 700, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, (i * 40 % 256) as u8])
        });
        img.save(site.root.join(format!("content/posts/p{i}.jpg"))).unwrap();
        body.push_str(&format!("![Photo {i}](p{i}.jpg)\n\n"));
    }
    site.write("content/posts/2026-11-03-photos.md", &body);
}

#[test]
fn a_build_killed_midway_leaves_output_and_cache_usable() {
    let site = SiteTest::fixture("basic");
    assert_eq!(site.build().code, 0);
    let before = tree(&site.public());
    many_photos(&site, 8);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_shopstory"))
        .arg("build")
        .current_dir(&site.root)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the image cache has started filling with the new photos
    // (it already holds the first build's share cards), then kill -9.
    let cache = site.root.join(".shopstory-cache/images");
    let cached = || fs::read_dir(&cache).map(|d| d.count()).unwrap_or(0);
    let before_photos = cached();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if cached() > before_photos {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let finished_already = child.try_wait().unwrap().is_some();
    child.kill().unwrap();
    child.wait().unwrap();
    if !finished_already {
        assert_eq!(before, tree(&site.public()), "a killed build changed public/");
    }
    // The next build succeeds from what the cache holds, every image decodes,
    // and nothing of the killed build is left beside the output.
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (path, bytes) in tree(&site.public()) {
        if path.ends_with(".jpg") || path.ends_with(".webp") {
            image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{path} does not decode: {e}"));
        }
    }
    let leftovers: Vec<String> = fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
