//! Messages that say what to do (issue 17, items 7 and 8): each test makes
//! one mistake a new owner makes in a copy of the `basic` fixture, runs the
//! real binary and compares its whole output: the error line, `-->`
//! file:line:col, the line shown and `= help:`.

use crate::harness::{shopstory, SiteTest};
use std::fs;

const TAB_HELP: &str = "YAML lines are indented with spaces only: replace the tab with spaces (two per level)";

/// `shopstory <args>` run in `dir` (a folder of the site), with the site's
/// absolute path shown as `[ROOT]`.
fn run_in(site: &SiteTest, dir: &str, args: &[&str]) -> crate::harness::Run {
    let mut run = shopstory(&site.root.join(dir), args);
    let root = fs::canonicalize(&site.root).unwrap().display().to_string();
    run.stderr = run.stderr.replace(&root, "[ROOT]");
    run.stdout = run.stdout.replace(&root, "[ROOT]");
    run
}

#[test]
fn a_tab_in_yaml_says_use_spaces_at_the_tab() {
    let site = SiteTest::fixture("basic");
    site.write("content/posts/2026-11-03-tabs.md", "---\ntitle: Tabs\ntags:\n\t- news\n---\nHi\n");
    site.write("site.yaml", &site.read("site.yaml").replace("  name: Tea & Thread\n", "\tname: Tea & Thread\n"));
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "error: this line has a tab: use spaces, not tabs\n --> content/posts/2026-11-03-tabs.md:4:1\n  |\n4 | \t- news\n  | ^\n  = help: {TAB_HELP}\n\n\
             error: this line has a tab: use spaces, not tabs\n --> site.yaml:5:1\n  |\n5 | \tname: Tea & Thread\n  | ^\n  = help: {TAB_HELP}\n\n\
             2 errors, 0 warnings\n"
        )
    );
}

#[test]
fn a_broken_staff_file_is_reported_alone_without_its_follow_on_author_errors() {
    let site = SiteTest::fixture("basic");
    // Two posts name `ada` as their author; the tab breaks the whole file.
    site.write("data/staff.yaml", "- id: ada\n\tname: Ada Lyons\n  role: Owner\n");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "error: this line has a tab: use spaces, not tabs\n --> data/staff.yaml:2:1\n  |\n2 | \tname: Ada Lyons\n  | ^\n  = help: {TAB_HELP}\n\n\
             1 error, 0 warnings\n"
        )
    );
    // Any other syntax error is the one message too.
    site.write("data/staff.yaml", "- id: ada\n  name: Ada Lyons\n  role: [Owner\n");
    let run = site.run(&["check"]);
    assert_eq!(
        run.stderr,
        "error: did not find expected ',' or ']'\n --> data/staff.yaml:3:1\n  |\n3 |   role: [Owner\n  | ^\n  = help: check the indentation and quotes here; each entry starts with `- `\n\n\
         1 error, 0 warnings\n"
    );
    // Once the file parses, an author it lacks is an error again.
    site.write("data/staff.yaml", "- id: maren\n  name: Maren\n");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.matches("error: author `ada` is not a staff id").count(), 2, "{}", run.stderr);
}

#[test]
fn staff_photo_errors_point_at_their_line() {
    let site = SiteTest::fixture("basic");
    site.write(
        "data/staff.yaml",
        "- id: ada\n  name: Ada Lyons\n  photo: static/staff/ada.jpg\n- id: bo\n  name: Bo\n  photo: ../bo.jpg\n- id: cy\n  name: Cy\n  photo: static/prices.txt\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: photo `static/staff/ada.jpg` of ada: there is no such photo\n --> data/staff.yaml:3:10\n  |\n3 |   photo: static/staff/ada.jpg\n  |          ^^^^^^^^^^^^^^^^^^^^\n  = help: write the photo's path from the site folder, such as static/staff/maya.jpg\n\n\
         error: photo `../bo.jpg` of bo: it points outside the site folder\n --> data/staff.yaml:6:10\n  |\n6 |   photo: ../bo.jpg\n  |          ^^^^^^^^^\n  = help: put the photo inside the site folder and write its path from there, such as static/staff/maya.jpg\n\n\
         error: photo `static/prices.txt` of cy: this is not a photo (use a .jpg, .png, .webp or .gif file)\n --> data/staff.yaml:9:10\n  |\n9 |   photo: static/prices.txt\n  |          ^^^^^^^^^^^^^^^^^\n  = help: write the photo's path from the site folder, such as static/staff/maya.jpg\n\n\
         3 errors, 0 warnings\n"
    );
    // A photo that passes every check but does not decode is found by the
    // build, after the staff file is read: still shown at its line.
    site.write("data/staff.yaml", "- id: ada\n  name: Ada Lyons\n  photo: static/staff/ada.png\n");
    fs::create_dir_all(site.root.join("static/staff")).unwrap();
    fs::write(site.root.join("static/staff/ada.png"), crate::catalogue::png_header(40, 40)).unwrap();
    let run = site.build();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: photo `static/staff/ada.png` of ada: this photo is damaged and cannot be decoded (Format error decoding Png: IDAT or fDAT chunk does not have enough data for image.): copy it again from the original\n --> data/staff.yaml:3:10\n  |\n3 |   photo: static/staff/ada.png\n  |          ^^^^^^^^^^^^^^^^^^^^\n  = help: open the photo on a computer to check it, then export or copy it again as JPEG\n\n\
         1 error, 0 warnings\nbuild failed; [ROOT]/public left as it was\n"
    );
}

#[test]
fn a_date_in_words_is_quoted_whole_with_the_form_to_write() {
    let site = SiteTest::fixture("basic");
    site.write("content/posts/nappies.md", "---\ntitle: Nappies\ndate: 3 November 2026\n---\nHi\n");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: invalid date: `3 November 2026` is not a date in the form YYYY-MM-DD\n --> content/posts/nappies.md:3:7\n  |\n3 | date: 3 November 2026\n  |       ^^^^^^^^^^^^^^^\n  = help: write it as 2026-11-03 (year-month-day), or 2026-11-03T09:30:00Z with a time\n\n\
         1 error, 0 warnings\n"
    );
}

#[test]
fn a_top_level_logo_points_to_shop_logo() {
    let site = SiteTest::fixture("basic");
    site.write("site.yaml", &format!("{}logo: static/logo.png\n", site.read("site.yaml")));
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: unknown key `logo` in site.yaml\n  --> site.yaml:13:1\n   |\n13 | logo: static/logo.png\n   | ^^^^\n   = help: did you mean `shop.logo`? `logo:` goes inside `shop:`, on its own line indented under it\n\n\
         1 error, 0 warnings\n"
    );
}

#[test]
fn commands_run_in_a_sub_folder_find_the_site_above() {
    let site = SiteTest::fixture("basic");
    let run = run_in(&site, "content/posts", &["check"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            0,
            "using the site in [ROOT] (the nearest folder above with a site.yaml)\nno errors: 14 pages and 2 posts would be built\n"
        )
    );
    let run = run_in(&site, "content/posts", &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.starts_with("using the site in [ROOT] (the nearest folder above with a site.yaml)\n"));
    assert!(run.stderr.ends_with("built 14 pages, 2 posts and 0 images into [ROOT]/public\n"), "{}", run.stderr);
    assert!(site.public().join("index.html").is_file());
    assert!(!site.root.join("content/posts/public").exists());
    // In the site folder itself nothing extra is said.
    let run = site.run(&["check"]);
    assert_eq!(run.stderr, "no errors: 14 pages and 2 posts would be built\n");
    // `--root` is taken as given: no search above it.
    let run = run_in(&site, "content", &["check", "--root", "posts"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: this folder has no site.yaml, so it is not a shopstory site\n  --> site.yaml\n   = help: run `shopstory init [ROOT]/content/posts` to start a site there, or pass `--root <folder>` to point at a site\n\n\
         1 error, 0 warnings\n"
    );
}

#[test]
fn build_of_a_folder_without_a_site_says_so_and_touches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = fs::canonicalize(tmp.path()).unwrap();
    let shown = dir.display().to_string();
    let run = shopstory(&dir, &["build", "--root", &shown]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "error: this folder has no site.yaml, so it is not a shopstory site\n  --> site.yaml\n   = help: run `shopstory init {shown}` to start a site there, or pass `--root <folder>` to point at a site\n\n\
             1 error, 0 warnings\n"
        )
    );
    assert!(!run.stderr.contains("left as it was"));
    // No public/, no cache folder, no lock: the folder is as it was.
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
    // Without --root, and no site above either.
    let run = shopstory(&dir, &["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "error: this folder has no site.yaml, so it is not a shopstory site\n  --> site.yaml\n   = help: looked in {shown} and every folder above it: run this inside a site folder, pass `--root <folder>`, or run `shopstory init <folder>` to start a site\n\n\
             1 error, 0 warnings\n"
        )
    );
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn new_help_describes_new_post_and_new_moment() {
    let site = SiteTest::fixture("basic");
    let run = site.run_ok(&["new", "--help"]);
    let about = run.stdout.split("\n\nUsage:").next().unwrap();
    assert_eq!(
        about,
        "Create a new post or customer moment.\n\n\
         `shopstory new post \"Title\"` writes a draft post in content/posts/ (add `--video` with a YouTube or Vimeo address or a local .mp4 clip for a how-to video post). `shopstory new moment photo.jpg` copies a customer's photo into content/moments/ with a sidecar for its caption, date and consent."
    );
    let top = site.run_ok(&["--help"]);
    assert!(top.stdout.contains("\n  new     Create a new post or customer moment\n"), "{}", top.stdout);
}

#[test]
fn new_post_takes_a_local_clip_as_video_front_matter_does() {
    let site = SiteTest::fixture("basic");
    let outside = tempfile::tempdir().unwrap();
    let clip = outside.path().join("fold.mp4");
    fs::write(&clip, b"not really a video, but bytes to copy").unwrap();
    let run = site.run_ok(&["new", "post", "Fold a nappy", "--video", clip.to_str().unwrap()]);
    assert_eq!(run.stdout, "content/posts/fold.mp4\ncontent/posts/2026-11-22-fold-a-nappy.md\n");
    assert_eq!(fs::read(site.root.join("content/posts/fold.mp4")).unwrap(), fs::read(&clip).unwrap());
    assert_eq!(
        site.read("content/posts/2026-11-22-fold-a-nappy.md"),
        "---\ntitle: Fold a nappy\ndescription: \"\"\ntags: []\nvideo: fold.mp4\ndraft: true\n---\n\nWrite the first paragraph here: it is what listings show.\n\n<!-- more -->\n\nThe rest of the post.\n"
    );
    // The post builds with the clip as its video.
    site.run_ok(&["build", "--drafts"]);
    let html = site.read("public/blog/fold-a-nappy/index.html");
    assert!(html.contains("<source src=\"/media/posts/fold.mp4\" type=\"video/mp4\">"), "{html}");
    assert_eq!(fs::read(site.public().join("media/posts/fold.mp4")).unwrap(), fs::read(&clip).unwrap());
    // A clip already next to the post is named, not copied again; one in
    // static/ is named from the site folder.
    site.run_ok(&["new", "post", "Fold again", "--video", "content/posts/fold.mp4"]);
    assert!(site.read("content/posts/2026-11-22-fold-again.md").contains("\nvideo: fold.mp4\n"));
    site.write("static/clips/wash.webm", "webm bytes");
    site.run_ok(&["new", "post", "Wash", "--video", "static/clips/wash.webm"]);
    assert!(site.read("content/posts/2026-11-22-wash.md").contains("\nvideo: /static/clips/wash.webm\n"));
    // What is neither an address nor a video file says what to give.
    let run = site.run(&["new", "post", "Mov", "--video", "clip.mov"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (1, "error: --video `clip.mov` is neither a web address nor a video file; paste the video's full YouTube or Vimeo link, or give an .mp4, .m4v, .webm or .ogv file\n")
    );
    let run = site.run(&["new", "post", "Gone", "--video", "gone.mp4"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (1, "error: there is no video file at gone.mp4 (looked in this folder and in content/posts/)\n")
    );
    assert!(!site.root.join("content/posts/2026-11-22-gone.md").exists());
}

const LEFT_OUT: &str = "left out: 1 draft, 1 dated in the future (2027-01-01: content/posts/2027-01-01-next-year.md); build with --drafts to include them\n";

#[test]
fn a_build_says_what_it_left_out() {
    let site = SiteTest::fixture("basic");
    let run = site.build_ok();
    assert_eq!(run.stderr, format!("{LEFT_OUT}built 14 pages, 2 posts and 0 images into [ROOT]/public\n"));
    // A build that finds nothing changed says it again.
    let run = site.build_ok();
    assert_eq!(
        run.stderr,
        format!("nothing changed since the last build: 14 pages, 2 posts and 0 images in [ROOT]/public are up to date\n{LEFT_OUT}")
    );
    // --quiet silences it.
    let quiet = SiteTest::fixture("basic");
    assert_eq!(quiet.run_ok(&["--quiet", "build"]).stderr, "");
    // --drafts builds them: nothing is left out.
    let drafts = SiteTest::fixture("basic");
    let run = drafts.run_ok(&["build", "--drafts"]);
    assert_eq!(run.stderr, "built 17 pages, 4 posts and 0 images into [ROOT]/public\n");
    assert!(drafts.public().join("blog/next-year/index.html").is_file());
}

#[test]
fn a_build_that_leaves_nothing_out_says_nothing_of_it() {
    let site = SiteTest::fixture("basic");
    fs::remove_file(site.root.join("content/posts/2026-11-10-winter-blend.md")).unwrap();
    fs::remove_file(site.root.join("content/posts/2027-01-01-next-year.md")).unwrap();
    let run = site.build_ok();
    assert_eq!(run.stderr, "built 14 pages, 2 posts and 0 images into [ROOT]/public\n");
    let run = site.build_ok();
    assert_eq!(
        run.stderr,
        "nothing changed since the last build: 14 pages, 2 posts and 0 images in [ROOT]/public are up to date\n"
    );
}

#[test]
fn many_future_posts_are_listed_soonest_first_up_to_ten() {
    let site = SiteTest::fixture("basic");
    fs::remove_file(site.root.join("content/posts/2026-11-10-winter-blend.md")).unwrap();
    for month in 2..=12 {
        site.write(&format!("content/posts/2027-{month:02}-01-later.md"), "---\ntitle: Later\n---\nSoon.\n");
    }
    // A moment dated in the future waits too, and is told.
    site.write("content/moments/tea.yaml", "caption: Tea\ndate: 2027-01-15\nconsent: true\n");
    fs::write(site.root.join("content/moments/tea.png"), crate::catalogue::png_header(4, 4)).unwrap();
    let run = site.build_ok();
    let listed: Vec<String> = [
        "2027-01-01: content/posts/2027-01-01-next-year.md".to_string(),
        "2027-01-15: content/moments/tea.yaml".into(),
    ]
    .into_iter()
    .chain((2..=9).map(|m| format!("2027-{m:02}-01: content/posts/2027-{m:02}-01-later.md")))
    .collect();
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        format!(
            "left out: 13 dated in the future ({}, and 3 more); build with --drafts to include them",
            listed.join(", ")
        )
    );
}

#[test]
fn serve_run_in_a_sub_folder_previews_the_site_above() {
    let site = SiteTest::fixture("basic");
    let s = crate::serve::Serve::start(&site.root.join("content/posts"), &[]);
    let err = s.wait_stderr("watching for changes");
    let root = fs::canonicalize(&site.root).unwrap().display().to_string();
    assert!(
        err.starts_with(&format!("using the site in {root} (the nearest folder above with a site.yaml)\n")),
        "{err}"
    );
    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("Tea &amp; Thread"), "{}", home.text());
}
