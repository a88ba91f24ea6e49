//! The command line: exit codes, messages, init and new.

use crate::harness::{shopstory, SiteTest};

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let run = shopstory(tmp.path(), &["build", "--no-such-flag"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = shopstory(tmp.path(), &["frobnicate"]);
    assert_eq!(run.code, 2);
}

#[test]
fn every_content_error_is_reported_at_once() {
    let site = SiteTest::fixture("invalid");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("invalid_diagnostics", run.stderr);
}

#[test]
fn build_with_errors_exits_1_and_writes_nothing() {
    let site = SiteTest::fixture("invalid");
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("build failed"), "{}", run.stderr);
    assert!(!site.public().exists());
    let leftovers: Vec<_> = std::fs::read_dir(&site.root).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!leftovers.iter().any(|n| n.to_string_lossy().contains("tmp")), "{leftovers:?}");
}

#[test]
fn missing_site_yaml_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let run = shopstory(tmp.path(), &["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("this folder has no site.yaml"), "{}", run.stderr);
    assert!(run.stderr.contains("shopstory init"), "{}", run.stderr);
}

#[test]
fn quiet_build_prints_nothing_and_check_writes_nothing() {
    let site = SiteTest::fixture("basic");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.public().exists(), "check wrote output");
    let run = site.run(&["--quiet", "build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout, "");
}

#[test]
fn strict_turns_warnings_into_errors() {
    let site = SiteTest::fixture("basic");
    site.write(
        "content/posts/2026-11-03-link-to-draft.md",
        "---\ntitle: Soon\n---\nSee [the blend](2026-11-10-winter-blend.md).\n",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: this links to `content/posts/2026-11-10-winter-blend.md`, a draft"),
        "{}",
        run.stderr
    );
    let run = site.run(&["build", "--strict"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn init_then_build_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let run = shopstory(tmp.path(), &["init", "my-shop"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let root = tmp.path().join("my-shop");
    assert!(root.join("site.yaml").is_file());
    assert!(root.join("themes/default/templates/post.html").is_file());
    let ignored = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert!(
        ignored.lines().any(|l| l == "/public/") && ignored.lines().any(|l| l == "/.shopstory-cache/"),
        "{ignored}"
    );
    let run = shopstory(&root, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(root.join("public/index.html").is_file());
    // init refuses a folder that has something in it.
    let run = shopstory(tmp.path(), &["init", "my-shop"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
}

#[test]
fn new_post_writes_a_dated_draft_and_prints_its_path() {
    let site = SiteTest::fixture("basic");
    let run = site.run(&["new", "post", "Spring: dyes & teas", "--author", "ada"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "content/posts/2026-11-22-spring-dyes-and-teas.md\n");
    let text = site.read("content/posts/2026-11-22-spring-dyes-and-teas.md");
    assert!(text.starts_with("---\ntitle: 'Spring: dyes & teas'\n"), "{text}");
    assert!(text.contains("author: ada\n") && text.contains("draft: true\n"));
    let run = site.run(&["build", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.public().join("blog/spring-dyes-and-teas/index.html").is_file());
    // An unknown author is refused, and a second post with the same title too.
    let run = site.run(&["new", "post", "Other", "--author", "zed"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("`zed` is not a staff id in data/staff.yaml; the ids are: ada"), "{}", run.stderr);
    let run = site.run(&["new", "post", "Spring: dyes & teas"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("already exists"));
}

#[test]
fn verify_cli() {
    use clap::CommandFactory;
    shopstory::cli::Cli::command().debug_assert();
}

#[test]
fn new_post_checks_the_video_link() {
    let site = SiteTest::fixture("basic");
    let run = site.run(&["new", "post", "Fold a cover", "--video", "https://www.youtube.com/watch?v=short"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("without a video id"), "{}", run.stderr);
    let run = site.run(&["new", "post", "Fold a cover", "--video", "https://youtu.be/dQw4w9WgXcQ?t=42"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = site.read("content/posts/2026-11-22-fold-a-cover.md");
    assert!(text.contains("video: https://youtu.be/dQw4w9WgXcQ?t=42\n"), "{text}");
}

/// An output under a file is refused before any work, naming the file (it
/// was "could not write [ROOT]/afile: File exists (os error 17)", twice).
#[test]
fn an_output_under_a_file_is_refused_naming_the_file() {
    let site = SiteTest::fixture("basic");
    site.write("afile", "not a folder\n");
    let run = site.run(&["build", "--output", "afile/public"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: the output folder [ROOT]/afile/public cannot be made: [ROOT]/afile is a file, not a folder.\n  \
         help: choose an --output folder whose parent folders are folders, or move that file away\n"
    );
    assert!(!site.root.join("afile").is_dir());
}
