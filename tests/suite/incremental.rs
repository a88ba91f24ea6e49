//! Rebuilds: with the record of the last build, `build` writes only what
//! changed, and does nothing when nothing it reads changed. Whatever the
//! path, the output must be the same as a fresh build's.

use crate::harness::{tree, SiteTest};
use std::fs;
use std::path::Path;
use std::time::SystemTime;

fn mtime(path: &Path) -> SystemTime {
    fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).modified().unwrap()
}

/// Builds into `fresh/` with no record of an earlier build, and checks that
/// `public/` (built incrementally) holds exactly the same files. The fresh
/// build renders every body (the memo of bodies is moved aside for it and
/// put back after, for the next incremental build).
pub(crate) fn assert_same_as_fresh(site: &SiteTest, step: &str) {
    let fresh = site.root.join("fresh");
    // With fresh/ gone, the record of the last step's build into it is
    // not used: this build writes the whole output.
    let _ = fs::remove_dir_all(&fresh);
    let memo = site.root.join(".shopstory-cache/bodies.bin");
    let aside = site.root.join("bodies.bin.aside");
    let had_memo = fs::rename(&memo, &aside).is_ok();
    let run = site.run_ok(&["build", "--output", "fresh"]);
    if had_memo {
        fs::rename(&aside, &memo).unwrap();
    }
    assert!(!run.stderr.contains("written"), "{step}: fresh/ was built whole: {}", run.stderr);
    let (a, b) = (tree(&site.public()), tree(&fresh));
    let names = |t: &std::collections::BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "{step}: the files differ");
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{step}: {path} differs from a fresh build");
    }
    fs::remove_dir_all(&fresh).unwrap();
}

/// Sets every folder's time under `dir` (and its own) ten seconds back.
fn age_folders(dir: &Path) {
    let past = SystemTime::now() - std::time::Duration::from_secs(10);
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_dir() {
            fs::File::open(entry.path()).unwrap().set_modified(past).unwrap();
        }
    }
}

/// The check that nothing changed looks at each output file and folder
/// without listing the folders once their times are recorded (by the
/// first such check after a build, when they are old enough); a file
/// added to the output still makes the next build put the output back.
#[cfg(unix)]
#[test]
fn a_name_added_to_the_output_is_seen_without_walking_it() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    age_folders(&site.public());
    let record = || {
        let dir = site.root.join(".shopstory-cache/outputs");
        let json =
            fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|x| x == "json"));
        let m: serde_json::Value = serde_json::from_slice(&fs::read(json.unwrap()).unwrap()).unwrap();
        m["folders"].as_object().map_or(0, |f| f.len())
    };
    assert_eq!(record(), 0, "the build that wrote the output records no folder");
    let run = site.build_ok();
    assert!(run.stderr.contains("nothing changed since the last build"), "{}", run.stderr);
    assert!(record() > 3, "the check recorded the settled folders");
    let run = site.build_ok();
    assert!(run.stderr.contains("nothing changed since the last build"), "{}", run.stderr);
    let extra = site.public().join("blog/dye-with-onion-skins/extra.html");
    fs::write(&extra, "not ours").unwrap();
    let run = site.build_ok();
    assert!(!run.stderr.contains("nothing changed"), "{}", run.stderr);
    assert!(!extra.exists(), "the added file is still in the output");
    assert_same_as_fresh(&site, "after a file was added to the output");
}

#[test]
fn a_rebuild_with_nothing_changed_does_nothing() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let page = site.public().join("blog/dye-with-onion-skins/index.html");
    let before = mtime(&page);
    let run = site.build_ok();
    assert!(run.stderr.contains("nothing changed since the last build"), "{}", run.stderr);
    assert!(run.stderr.contains("are up to date"), "{}", run.stderr);
    assert_eq!(mtime(&page), before, "an unchanged page was written again");

    // Saving a post without changing it renders again but writes nothing.
    let post = "content/posts/2026-10-01-open-day.md";
    site.write(post, &site.read(post));
    let run = site.build_ok();
    assert!(run.stderr.contains("(0 written, "), "{}", run.stderr);
    assert!(run.stderr.contains(" 0 removed)"), "{}", run.stderr);
    assert_eq!(mtime(&page), before);

    // Other flags are another build.
    let run = site.run_ok(&["build", "--drafts"]);
    assert!(!run.stderr.contains("nothing changed"), "{}", run.stderr);
}

#[test]
fn only_what_changed_is_written_and_the_output_matches_a_fresh_build() {
    let site = SiteTest::fixture("basic");
    site.write("content/posts/2026-11-15-spring-tea.md", "---\ntitle: Spring tea\ntags: [tea]\n---\nGreen.\n");
    site.build_ok();
    assert_same_as_fresh(&site, "first build");
    let unrelated = site.public().join("about/index.html");
    let untouched = mtime(&unrelated);

    // Edit a post's text: its page changes, the about page is not written.
    let post = "content/posts/2026-11-02-dye-with-onion-skins.md";
    site.write(post, &site.read(post).replace("Save the skins", "Keep the dry skins"));
    let run = site.build_ok();
    assert!(run.stderr.contains(" written, "), "{}", run.stderr);
    assert!(site.read("public/blog/dye-with-onion-skins/index.html").contains("Keep the dry skins"));
    assert_eq!(mtime(&unrelated), untouched, "a page that did not change was written");
    assert_same_as_fresh(&site, "edited a post");

    // Remove a post: its page goes, and so does its folder.
    assert!(site.public().join("blog/spring-tea/index.html").is_file());
    assert!(site.public().join("tags/tea/index.html").is_file());
    fs::remove_file(site.root.join("content/posts/2026-11-15-spring-tea.md")).unwrap();
    let run = site.build_ok();
    assert!(!run.stderr.contains(" 0 removed)"), "{}", run.stderr);
    assert!(!site.public().join("blog/spring-tea").exists());
    assert!(!site.public().join("tags/tea").exists());
    assert_same_as_fresh(&site, "removed a post");

    // A new post, a new static file, a changed template, a changed site.yaml.
    site.write("content/posts/2026-11-20-new-blend.md", "---\ntitle: A new blend\n---\nSmoky.\n");
    site.write("static/hours.txt", "Tu-Sa 10-17\n");
    assert!(site.public().join("about/index.html").is_file());
    let run = site.build_ok();
    assert!(site.read("public/blog/new-blend/index.html").contains("Smoky."), "{}", run.stderr);
    assert_eq!(site.read("public/hours.txt"), "Tu-Sa 10-17\n");
    assert_same_as_fresh(&site, "added a post and a file");

    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p>Page: {{ page.title }}</p>{% endblock content %}",
    );
    let config = site.read("site.yaml").replace("Tea & Thread\nbase_url", "Tea and Thread\nbase_url");
    site.write("site.yaml", &config);
    site.build_ok();
    assert!(site.read("public/about/index.html").contains("<p>Page: "));
    assert_same_as_fresh(&site, "changed a template and site.yaml");
}

#[test]
fn the_output_is_put_back_when_someone_changed_it() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let home = site.read("public/index.html");
    fs::write(site.public().join("index.html"), "edited by hand").unwrap();
    fs::remove_file(site.public().join("feed.xml")).unwrap();
    fs::write(site.public().join("stray.html"), "not part of the site").unwrap();
    #[cfg(unix)]
    let odd_name = {
        use std::os::unix::ffi::OsStrExt;
        let p = site.public().join(std::ffi::OsStr::from_bytes(b"not-utf8-\xff.html"));
        fs::write(&p, "x").unwrap();
        p
    };
    let run = site.build_ok();
    #[cfg(unix)]
    assert!(!odd_name.exists(), "a file whose name is not UTF-8 was left in the output");
    assert!(!run.stderr.contains("nothing changed"), "{}", run.stderr);
    assert_eq!(site.read("public/index.html"), home);
    assert!(site.public().join("feed.xml").is_file());
    assert!(!site.public().join("stray.html").exists());
    assert_same_as_fresh(&site, "output edited by hand");
}

#[test]
fn warnings_are_reported_on_every_rebuild() {
    let site = SiteTest::fixture("basic");
    site.write("content/notes.md", "# not a post\n");
    let first = site.build_ok();
    assert!(first.stderr.contains("is not published"), "{}", first.stderr);
    let again = site.build_ok();
    assert!(again.stderr.contains("is not published"), "a rebuild hid the warning: {}", again.stderr);
    let strict = site.run(&["build", "--strict"]);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
}

#[test]
fn a_failed_rebuild_leaves_the_output_and_the_next_one_recovers() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let before = tree(&site.public());
    let post = "content/posts/2026-10-01-open-day.md";
    let good = site.read(post);
    site.write(post, &good.replacen("---\n", "---\ndate: 2026-02-30\n", 1));
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(tree(&site.public()), before, "a failed build changed the output");
    site.write(post, &good.replacen("\n---\n", "\n---\nAnd cake.\n\n", 1));
    site.build_ok();
    assert!(site.read("public/blog/open-day/index.html").contains("And cake."));
    assert_same_as_fresh(&site, "after a failed build");
}

#[test]
fn without_the_record_the_output_is_built_whole() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    fs::remove_dir_all(site.root.join(".shopstory-cache")).unwrap();
    let run = site.build_ok();
    assert!(!run.stderr.contains("nothing changed") && !run.stderr.contains("written"), "{}", run.stderr);
    let run = site.build_ok();
    assert!(run.stderr.contains("nothing changed"), "the record was not written again: {}", run.stderr);
}

/// The pages a verbose rebuild says it rendered again, of how many.
fn rendered(stderr: &str) -> (usize, usize) {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("rendered ") && l.contains(" pages (the others' inputs had not changed)"))
        .unwrap_or_else(|| panic!("no `rendered N of M pages` line: {stderr}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    (words[1].parse().unwrap(), words[3].parse().unwrap())
}

/// Each page's dependency set is kept with the build record: after an
/// edit only the pages whose inputs changed are rendered again, and the
/// output is still a fresh build's, byte for byte.
#[test]
fn only_the_pages_whose_inputs_changed_are_rendered_again() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let rebuild = |step: &str| {
        let run = site.run_ok(&["build", "-v"]);
        assert_same_as_fresh(&site, step);
        rendered(&run.stderr)
    };
    let post = "content/posts/2026-11-02-dye-with-onion-skins.md";
    let text = site.read(post);

    // A body edit that leaves the summary (the front matter's description)
    // as it was: that post's page only.
    site.write(post, &text.replace("Save the skins", "Keep the dry skins"));
    assert_eq!(rebuild("a body edit"), (1, 14));

    // Nothing changed (but a file saved again): nothing rendered.
    site.write(post, &site.read(post));
    assert_eq!(rebuild("saved as it was"), (0, 14));

    // A summary edit: the post, and every listing that shows its card
    // (home, blog, its two tags, its author's page), and the post beside it
    // (its `older` link is unchanged, so not that one).
    site.write(post, &site.read(post).replace("A two-hour how-to", "A three-hour how-to"));
    assert_eq!(rebuild("a summary edit"), (6, 14));

    // A title edit: the same, and the post linking to it as `newer`.
    site.write(post, &site.read(post).replace("title: Dye with onion skins", "title: Dyeing with onion skins"));
    assert_eq!(rebuild("a title edit"), (7, 14));

    // A template that only post.html and page.html include: their pages.
    site.write("templates/_toc.html", "<nav class=\"toc\">{{ toc | length }}</nav>\n");
    assert_eq!(rebuild("a template edit"), (3, 14));

    // site.yaml: everything.
    site.write("site.yaml", &site.read("site.yaml").replace("Tea & Thread\nbase_url", "Tea and Thread\nbase_url"));
    assert_eq!(rebuild("a site.yaml edit"), (14, 14));
}

/// The preview keeps the same dependency sets in memory: after a body
/// edit it renders that post's page only, and serves the other pages'
/// bytes as they were.
#[test]
fn the_preview_renders_again_only_the_pages_whose_inputs_changed() {
    use crate::serve::Serve;
    let site = SiteTest::fixture("basic");
    let serve = Serve::start(&site.root, &["-v"]);
    let about = serve.get("/about/");
    assert_eq!(about.status, 200);
    let post = "content/posts/2026-11-02-dye-with-onion-skins.md";
    site.write(post, &site.read(post).replace("Save the skins", "Keep the dry skins"));
    serve.wait_for("/blog/dye-with-onion-skins/", "the edited body", |t| t.contains("Keep the dry skins"));
    let deadline = std::time::Instant::now() + crate::serve::WAIT;
    while !serve.stderr().contains("rendered 1 of 14 pages") {
        assert!(std::time::Instant::now() < deadline, "no `rendered 1 of 14 pages`: {}", serve.stderr());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // The preview's reload snippet (which carries the generation) aside.
    let page = |t: String| t.split("<!-- shopstory serve").next().unwrap_or_default().to_string();
    assert!(page(serve.get("/about/").text()) == page(about.text()), "a page whose inputs did not change changed");
    // The listings' pages were not rendered, and still show the post.
    assert!(serve.get("/").text().contains("Dye with onion skins"));
}

/// The preview keeps bodies in memory between rebuilds; one that links to
/// a post whose URL changed is rendered again (its question gets another
/// answer), and the post's new URL is in it.
#[test]
fn the_preview_renders_a_kept_body_again_when_a_page_it_links_to_moves() {
    use crate::serve::Serve;
    let site = SiteTest::fixture("basic");
    let serve = Serve::start(&site.root, &[]);
    assert!(serve.get("/about/").text().contains("href=\"/blog/dye-with-onion-skins/\""));
    let post = "content/posts/2026-11-02-dye-with-onion-skins.md";
    site.write(post, &site.read(post).replacen("---\n", "---\nslug: onion-dye\n", 1));
    serve.wait_for("/about/", "the link to the moved post", |t| t.contains("href=\"/blog/onion-dye/\""));
    assert!(!serve.get("/about/").text().contains("/blog/dye-with-onion-skins/"));
}

/// A static file at a page's path wins over the page; once it is taken
/// away, the page is rendered again (its dependency set went with it).
#[test]
fn a_page_under_a_static_file_comes_back_when_the_file_goes() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    site.write("static/about/index.html", "<p>The owner's own about page.</p>\n");
    site.build_ok();
    assert_eq!(site.read("public/about/index.html"), "<p>The owner's own about page.</p>\n");
    assert_same_as_fresh(&site, "a static file over a page");
    fs::remove_file(site.root.join("static/about/index.html")).unwrap();
    let run = site.run_ok(&["build", "-v"]);
    assert_eq!(rendered(&run.stderr), (1, 14));
    assert!(site.read("public/about/index.html").starts_with("<!doctype html>"));
    assert_same_as_fresh(&site, "the static file taken away");
}

/// The bodies kept across builds (`render::body::memo`): in the cache
/// folder, and a damaged or foreign file there is only a slower build.
#[test]
fn a_damaged_memo_of_bodies_is_rendered_again_never_used() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let memo = site.root.join(".shopstory-cache/bodies.bin");
    let bytes = fs::read(&memo).expect("build keeps the bodies in the cache folder");
    assert!(bytes.len() > 100, "{} bytes", bytes.len());
    let post = "content/posts/2026-10-01-open-day.md";
    for (n, damaged) in [
        bytes[..bytes.len() / 2].to_vec(),
        bytes.iter().map(|b| b ^ 0x01).collect(),
        b"shopstory bodies\n\xff\xff\xff\xff".to_vec(),
        Vec::new(),
    ]
    .into_iter()
    .enumerate()
    {
        fs::write(&memo, damaged).unwrap();
        site.write(post, &format!("{}\nEdit {n}.\n", site.read(post)));
        site.build_ok();
        assert_same_as_fresh(&site, &format!("damage {n}"));
        let names: Vec<_> = fs::read_dir(site.root.join(".shopstory-cache"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("bodies") && n != "bodies.live")
            .collect();
        assert_eq!(names, ["bodies.bin"], "damage {n}: no temporary file left");
    }
}
