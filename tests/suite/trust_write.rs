//! Issue 12, the write side: the owner's `.git` (and every other name
//! starting with `.` at the top of the output) survives every build; a
//! linked `public` is built into the folder it points to; two builds at once
//! wait for each other; a build that fails or is killed with `kill -9` at any
//! moment leaves the whole old site or the whole new one; a `static/` file
//! edited with its old modification time is copied again.
//!
//! The two loops (10 rounds of concurrent builds, 30 kills) run in CI with
//! the rest; together they take about 20 s on two cores.

use crate::harness::{tree, SiteTest, TODAY_EPOCH};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};

type Tree = BTreeMap<String, Vec<u8>>;

fn spawn_build(site: &SiteTest, stderr: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_shopstory"))
        .arg("build")
        .current_dir(&site.root)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env_remove("SHOPSTORY_LOG")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("run shopstory")
}

/// The output without the owner's entries (`.git`, `.nojekyll`, ...).
fn site_tree(dir: &Path) -> Tree {
    tree(dir).into_iter().filter(|(p, _)| !p.starts_with('.') || p == ".shopstory-output").collect()
}

/// The paths in which two trees differ (a readable failure).
fn differences(a: &Tree, b: &Tree) -> Vec<String> {
    let paths: std::collections::BTreeSet<&String> =
        a.keys().chain(b.keys()).filter(|p| a.get(*p) != b.get(*p)).collect();
    paths.into_iter().cloned().collect()
}

fn assert_same(a: &Tree, b: &Tree, what: &str) {
    let d = differences(a, b);
    assert!(d.is_empty(), "{what}: {} paths differ, such as {:?}", d.len(), &d[..d.len().min(8)]);
}

/// What builds leave beside the output (staging and old folders).
fn leftovers(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
        .collect();
    v.sort();
    v
}

/// The output of a fresh build of the site as it is now, into `fresh/`.
fn fresh_tree(site: &SiteTest) -> Tree {
    let fresh = site.root.join("fresh");
    let _ = fs::remove_dir_all(&fresh);
    site.run_ok(&["build", "--output", "fresh"]);
    let t = site_tree(&fresh);
    fs::remove_dir_all(&fresh).unwrap();
    t
}

fn owners_git(public: &Path) {
    fs::create_dir_all(public.join(".git/objects/ab")).unwrap();
    fs::write(public.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    fs::write(public.join(".git/objects/ab/cdef"), "blob").unwrap();
}

fn git_of(public: &Path) -> Tree {
    tree(public).into_iter().filter(|(p, _)| p.starts_with(".git/")).collect()
}

#[test]
fn the_owners_dot_entries_survive_whole_and_incremental_builds() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    owners_git(&site.public());
    fs::write(site.public().join(".nojekyll"), "").unwrap();
    fs::create_dir_all(site.public().join(".well-known")).unwrap();
    fs::write(site.public().join(".well-known/security.txt"), "Contact: mailto:a@b.example\n").unwrap();
    fs::write(site.public().join("stray.html"), "not the owner's: not a dot-entry").unwrap();
    let git = git_of(&site.public());
    let owners = |site: &SiteTest| {
        (git_of(&site.public()), site.read("public/.nojekyll"), site.read("public/.well-known/security.txt"))
    };
    let expected = (git.clone(), String::new(), "Contact: mailto:a@b.example\n".to_string());

    // Incremental: one post edited.
    let post = "content/posts/2026-10-01-open-day.md";
    site.write(post, &site.read(post).replace("Three teas", "Four teas"));
    let run = site.build_ok();
    assert!(run.stderr.ends_with(" into [ROOT]/public (3 written, 33 unchanged, 0 removed)\n"), "{}", run.stderr);
    assert_eq!(owners(&site), expected);
    assert!(!site.public().join("stray.html").exists());
    assert_same(&site_tree(&site.public()), &fresh_tree(&site), "public/ and a fresh build");
    // The owner's entries do not make the output look changed.
    let run = site.build_ok();
    assert!(run.stderr.starts_with("nothing changed since the last build"), "{}", run.stderr);

    // Whole: without the record of the last build.
    fs::remove_dir_all(site.root.join(".shopstory-cache/outputs")).unwrap();
    site.write(post, &site.read(post).replace("Four teas", "Five teas"));
    let run = site.build_ok();
    assert!(run.stderr.ends_with(" into [ROOT]/public\n"), "{}", run.stderr);
    assert_eq!(owners(&site), expected);
    assert_same(&site_tree(&site.public()), &fresh_tree(&site), "public/ and a fresh build");
    assert_eq!(leftovers(&site.root), Vec::<String>::new());

    // A new output folder that holds only a `.git` may be used.
    let out = site.root.join("pages-checkout");
    owners_git(&out);
    site.run_ok(&["build", "--output", "pages-checkout"]);
    assert_eq!(git_of(&out), git);
    assert!(out.join(".shopstory-output").is_file() && out.join("index.html").is_file());
}

#[cfg(unix)]
#[test]
fn a_linked_output_is_built_into_the_folder_it_points_to() {
    use std::os::unix::fs::symlink;
    let site = SiteTest::fixture("basic");
    let www = site._tmp.path().join("srv/www");
    fs::create_dir_all(&www).unwrap();
    fs::write(site._tmp.path().join("srv/neighbour.txt"), "beside the target").unwrap();
    symlink(&www, site.public()).unwrap();
    site.build_ok();
    owners_git(&www);
    let post = "content/posts/2026-10-01-open-day.md";
    site.write(post, &site.read(post).replace("Three teas", "Four teas"));
    let run = site.build_ok();
    assert!(run.stderr.contains(" written, "), "the record was not used: {}", run.stderr);
    for _ in 0..2 {
        assert!(fs::symlink_metadata(site.public()).unwrap().file_type().is_symlink(), "the link was replaced");
        assert_eq!(fs::read_link(site.public()).unwrap(), www);
        assert_same(&site_tree(&www), &fresh_tree(&site), "the link's target and a fresh build");
        assert_eq!(git_of(&www).len(), 2);
        assert_eq!(leftovers(&site.root), Vec::<String>::new());
        let beside: Vec<_> = fs::read_dir(www.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(beside.len(), 2, "{beside:?}");
        // A whole build goes the same way.
        fs::remove_dir_all(site.root.join(".shopstory-cache/outputs")).unwrap();
        site.build_ok();
    }

    // A link to someone else's folder is refused and followed by nothing.
    let photos = site._tmp.path().join("photos");
    fs::create_dir_all(&photos).unwrap();
    fs::write(photos.join("holiday.jpg"), "precious").unwrap();
    fs::remove_file(site.public()).unwrap();
    symlink(&photos, site.public()).unwrap();
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: [ROOT]/public is not empty and was not made by shopstory, so it will not be replaced.\n  help: choose another --output folder, or empty this one yourself if you are sure\n"
    );
    assert_eq!(tree(&photos).len(), 1);

    // A link to nothing.
    fs::remove_file(site.public()).unwrap();
    symlink("/nonexistent/www", site.public()).unwrap();
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: [ROOT]/public is a symbolic link to /nonexistent/www, which does not exist.\n  help: create that folder, or remove the link to build into a folder of its own\n"
    );
}

#[test]
fn a_failed_incremental_build_changes_no_output_file() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    // A second build, so that the third stages into the spare the second
    // one kept (the first replaced nothing).
    site.write("static/hours.txt", "Tu-Sa\n");
    site.build_ok();
    owners_git(&site.public());
    let before = tree(&site.public());
    // Pages change, and a static file clashes with the blog's folder, so
    // the build fails while writing (after `about/` and before `blog/` in
    // the order the output is changed in).
    site.write("content/pages/about.md", &format!("{}\nAnd a new paragraph.\n", site.read("content/pages/about.md")));
    let post = "content/posts/2026-10-01-open-day.md";
    site.write(post, &site.read(post).replace("Three teas", "Four teas"));
    site.write("static/blog", "a file where the blog's folder goes");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_same(&tree(&site.public()), &before, "a failed build changed the output");
    assert_eq!(leftovers(&site.root), Vec::<String>::new());
    fs::remove_file(site.root.join("static/blog")).unwrap();
    site.build_ok();
    assert!(site.read("public/about/index.html").contains("And a new paragraph."));
    assert_same(&site_tree(&site.public()), &fresh_tree(&site), "public/ and a fresh build");
    assert_eq!(git_of(&site.public()).len(), 2);
    // The builds after the first staged into the spare the one before kept.
    let cache: Vec<String> = fs::read_dir(site.root.join(".shopstory-cache/outputs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".spare"))
        .collect();
    assert_eq!(cache.len(), 1, "{cache:?}");
}

#[test]
fn a_static_file_edited_with_its_old_modification_time_is_copied_again() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let src = site.root.join("static/prices.txt");
    let old = fs::read_to_string(&src).unwrap();
    let mtime = fs::metadata(&src).unwrap().modified().unwrap();
    // Same size, and the modification time put back (as `cp -p`, rsync or
    // `touch -d` leave it).
    let new = old.to_uppercase();
    assert_ne!(new, old);
    assert_eq!(new.len(), old.len());
    fs::write(&src, &new).unwrap();
    fs::File::options().write(true).open(&src).unwrap().set_modified(mtime).unwrap();
    let run = site.build_ok();
    assert!(run.stderr.ends_with("(1 written, 35 unchanged, 0 removed)\n"), "{}", run.stderr);
    assert_eq!(site.read("public/prices.txt"), new);
}

#[cfg(unix)]
#[test]
fn a_second_build_waits_for_the_first_and_says_so() {
    use std::fs::File;
    use std::io::{BufRead, BufReader};
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let before = tree(&site.public());
    // This test holds the site's build lock, as a running build would.
    let lock = File::create(site.root.join(".shopstory-cache/build.lock")).unwrap();
    lock.lock().unwrap();
    fs::write(site.root.join(".shopstory-cache/build.lock"), format!("{}\npublic/\n", std::process::id())).unwrap();
    let post = "content/posts/2026-10-01-open-day.md";
    site.write(post, &site.read(post).replace("Three teas", "Four teas"));
    let mut child = spawn_build(&site, Stdio::piped());
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert_eq!(
        line,
        format!("another shopstory build is writing public/ (pid {}); waiting for it to finish\n", std::process::id())
    );
    // It cannot go on while the lock is held.
    assert!(child.try_wait().unwrap().is_none());
    assert_same(&tree(&site.public()), &before, "public/ while waiting");
    drop(lock);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "{rest}");
    assert!(rest.ends_with("(3 written, 33 unchanged, 0 removed)\n"), "{rest}");
    assert!(site.read("public/blog/open-day/index.html").contains("Four teas"));
}

#[test]
fn two_builds_at_once_never_break_the_output() {
    const ROUNDS: usize = 10;
    let site = SiteTest::fixture("basic");
    site.build_ok();
    owners_git(&site.public());
    let post = "content/posts/2026-10-01-open-day.md";
    let text = site.read(post);
    for round in 0..ROUNDS {
        site.write(post, &text.replace("Three teas", &format!("{round} teas")));
        if round % 3 == 2 {
            // Now and then without the record: two whole builds.
            let _ = fs::remove_dir_all(site.root.join(".shopstory-cache/outputs"));
        }
        let a = spawn_build(&site, Stdio::piped());
        let b = spawn_build(&site, Stdio::piped());
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
        }
        assert!(site.public().join(".shopstory-output").is_file(), "round {round}: the marker is gone");
        assert_same(&site_tree(&site.public()), &fresh_tree(&site), &format!("round {round}"));
        assert_eq!(git_of(&site.public()).len(), 2, "round {round}");
        assert_eq!(leftovers(&site.root), Vec::<String>::new(), "round {round}");
    }
}

/// Writes version `v` of the site: 120 static files and one post, whose
/// title changes too (so its share card, linked from the cache), so that
/// every rebuild changes many files.
fn version(site: &SiteTest, v: usize) {
    let bulk = site.root.join("static/bulk");
    fs::create_dir_all(&bulk).unwrap();
    for i in 0..120 {
        fs::write(bulk.join(format!("f{i:04}.txt")), format!("version {v} of file {i:04}\n")).unwrap();
    }
    let post = "content/posts/2026-10-01-open-day.md";
    let text = site.read(post);
    let start = text.find("Three teas").or_else(|| text.find("Version ")).unwrap();
    let end = text[start..].find(" and one cake").unwrap() + start;
    let text = format!("{}Version {v} teas{}", &text[..start], &text[end..]);
    let title = text.find("title: ").unwrap();
    let title_end = text[title..].find('\n').unwrap() + title;
    site.write(post, &format!("{}title: \"Open day, version {v}\"{}", &text[..title], &text[title_end..]));
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one() {
    const KILLS: usize = 30;
    let site = SiteTest::fixture("basic");
    let mut trees = Vec::new();
    let mut longest = std::time::Duration::ZERO;
    for v in 0..2 {
        version(&site, v);
        let started = std::time::Instant::now();
        site.build_ok();
        // The second build is incremental, as are the killed ones.
        longest = started.elapsed();
        trees.push(site_tree(&site.public()));
    }
    owners_git(&site.public());
    let first_file = site.public().join("bulk/f0000.txt");
    let mut seen = [0; 2];
    for kill in 0..KILLS {
        // Version 1 is on disk; alternate between 0 and 1.
        let (old, new) = ((kill + 1) % 2, kill % 2);
        version(&site, new);
        let mut child = spawn_build(&site, Stdio::null());
        if kill % 2 == 0 {
            // Targeted: the moment the first changed file shows in public/.
            let wanted = format!("version {new} of file 0000\n");
            while child.try_wait().unwrap().is_none()
                && fs::read_to_string(&first_file).ok().as_deref() != Some(&wanted)
            {
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
        } else {
            // Anywhere in the build, spread over its length.
            std::thread::sleep(longest.mul_f64((kill * 7 % 31) as f64 / 25.0));
        }
        let _ = child.kill();
        child.wait().unwrap();
        let now = site_tree(&site.public());
        let which = [old, new].into_iter().find(|&v| now == trees[v]);
        let which = which.unwrap_or_else(|| {
            let (o, n) = (differences(&now, &trees[old]), differences(&now, &trees[new]));
            panic!(
                "kill {kill}: public/ is neither the old site ({} paths differ, such as {:?}) nor the new one ({} differ, such as {:?})",
                o.len(),
                &o[..o.len().min(4)],
                n.len(),
                &n[..n.len().min(4)]
            )
        });
        seen[usize::from(which == new)] += 1;
        // The next build repairs everything: the owner's `.git` is back.
        site.build_ok();
        assert_same(&site_tree(&site.public()), &trees[new], &format!("kill {kill}, after the next build"));
        assert_eq!(git_of(&site.public()).len(), 2, "kill {kill}: the owner's .git was lost");
        assert_eq!(leftovers(&site.root), Vec::<String>::new(), "kill {kill}");
    }
    // Both outcomes happened: the kills did land before and after the swap.
    assert!(seen[0] > 0 && seen[1] > 0, "old/new outcomes: {seen:?}");
}

#[test]
fn what_a_killed_build_left_is_repaired_even_when_nothing_changed() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    // As a build killed right after its swap leaves it: the old output, with
    // the owner's `.git`, under the staging name.
    let left = site.root.join(".public.tmp-999999");
    owners_git(&left);
    fs::write(left.join(".shopstory-output"), "").unwrap();
    fs::write(left.join("index.html"), "old").unwrap();
    let run = site.build_ok();
    assert!(run.stderr.starts_with("nothing changed since the last build"), "{}", run.stderr);
    assert_eq!(leftovers(&site.root), Vec::<String>::new());
    assert_eq!(git_of(&site.public()).len(), 2);
}

#[cfg(unix)]
fn inode(p: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let m = fs::symlink_metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    (m.dev(), m.ino())
}

/// Issue 19: the share cards and photo variants of the output are the
/// cache's own files (hard links: one file made per card, not two), the
/// owner's files are copies, and builds that change cards back and forth,
/// staging into the spare that holds links to cache files, never write
/// through one: every cache file keeps its bytes.
#[cfg(unix)]
#[test]
fn cards_and_photos_are_linked_from_the_cache_and_never_written_through() {
    let site = SiteTest::fixture("basic");
    let img = image::RgbImage::from_fn(1200, 800, |x, y| image::Rgb([(x / 5) as u8, (y / 4) as u8, 120]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&img).unwrap();
    fs::write(site.root.join("content/posts/table.jpg"), jpeg).unwrap();
    let post = "content/posts/2026-10-01-open-day.md";
    let text = site.read(post).replacen("---\n", "---\ncover: table.jpg\ncover_alt: The shop table\n", 1);
    site.write(post, &text);
    site.build_ok();
    let (public, cache) = (site.public(), site.root.join(".shopstory-cache/images"));
    let media: Vec<String> = tree(&public).into_keys().filter(|p| p.starts_with("media/")).collect();
    let cards = media.iter().filter(|p| p.starts_with("media/card-")).count();
    let photos = media.iter().filter(|p| p.starts_with("media/table-")).count();
    assert!(cards >= 8 && photos >= 2, "{media:?}");
    for p in &media {
        assert_eq!(inode(&public.join(p)), inode(&cache.join(&p["media/".len()..])), "{p}");
    }
    // No file of the output is one of the owner's.
    let mut owners = Vec::new();
    for d in ["content", "static"].map(|d| site.root.join(d)) {
        owners.extend(tree(&d).into_keys().map(|p| inode(&d.join(p))));
    }
    assert!(owners.len() >= 5, "{owners:?}");
    let shared: Vec<String> = tree(&public).into_keys().filter(|p| owners.contains(&inode(&public.join(p)))).collect();
    assert!(shared.is_empty(), "{shared:?}");
    assert_eq!(site.read("public/prices.txt"), site.read("static/prices.txt"));
    let cached = tree(&cache);
    for v in [1, 2, 0, 1, 0] {
        let title = if v == 0 { "Open day: tea, yarn & <cake>".to_string() } else { format!("Open day number {v}") };
        site.write(post, &text.replacen("Open day: tea, yarn & <cake>", &title, 1));
        site.build_ok();
        assert_same(&site_tree(&public), &fresh_tree(&site), &format!("title {v}: public/ and a fresh build"));
        let now = tree(&cache);
        let changed: Vec<&String> = cached.keys().filter(|p| now.get(*p) != cached.get(*p)).collect();
        assert!(changed.is_empty(), "title {v}: cache files changed: {changed:?}");
    }
}
