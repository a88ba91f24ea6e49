//! Issue 12, items 5 and 6 and part of 9: hostile or odd input gets a clear
//! diagnostic (file, line, help) and exit 1, never an abort, a memory blow-up
//! or a build that runs for minutes. Every input is a real file in a temp
//! site, run through the real binary. Linear growth is shown without timing
//! in the unit tests that count work (`parse::yaml::locate`,
//! `assets::cards::tests`) and measured by `bench/linear.sh`.

use crate::harness::{tree, SiteTest};
use std::fmt::Write as _;

/// A PNG that declares `width` x `height` RGB pixels: signature, IHDR (with
/// its CRC), one tiny IDAT and IEND. Not decodable, but a decoder would
/// first allocate for the declared size.
fn declared_png(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn issue_12_a_png_declaring_100_000_000x1_is_an_error_naming_it_not_an_abort() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let before = tree(&site.public());
    std::fs::write(site.root.join("content/posts/line.png"), declared_png(100_000_000, 1)).unwrap();
    site.write("content/posts/2026-11-01-line.md", "---\ntitle: A line\n---\nLook:\n\n![a line](line.png)\n");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: image `content/posts/line.png`: this photo declares 100000000x1 pixels, more than the 16384 pixels a side shopstory decodes: resize the photo to at most 16384 px on its longest side (4000 is plenty for the web), or raise `images.max_side` in site.yaml
 --> content/posts/2026-11-01-line.md:6:1
  |
6 | ![a line](line.png)
  | ^^^^^^^^^^^^^^^^^^^
  = help: fix or replace the photo as said above, then build again

1 error, 0 warnings
build failed; [ROOT]/public left as it was
"
    );
    assert_eq!(before, tree(&site.public()));
}

#[test]
fn issue_12_the_image_limits_are_set_in_site_yaml() {
    let site = SiteTest::fixture("basic");
    std::fs::write(site.root.join("content/posts/wide.png"), declared_png(3000, 2000)).unwrap();
    site.write("content/posts/2026-11-01-wide.md", "---\ntitle: Wide\n---\n![a wide one](wide.png)\n");
    let config = site.read("site.yaml");
    site.write("site.yaml", &format!("{config}images: {{ max_side: 2500, max_pixels: 5000000 }}\n"));
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    let first = run.stderr.lines().next().unwrap();
    assert_eq!(first, "error: image `content/posts/wide.png`: this photo declares 3000x2000 pixels, more than the 2500 pixels a side shopstory decodes: resize the photo to at most 2500 px on its longest side (4000 is plenty for the web), or raise `images.max_side` in site.yaml");
    site.write("site.yaml", &format!("{config}images: {{ max_side: 4000, max_pixels: 5000000 }}\n"));
    let first = site.run(&["check"]).stderr.lines().next().unwrap().to_string();
    assert_eq!(first, "error: image `content/posts/wide.png`: this photo declares 3000x2000 pixels (6 megapixels), more than the 5-megapixel limit shopstory decodes: resize the photo (4000 pixels on its longest side is plenty for the web), or raise `images.max_pixels` in site.yaml");
    site.write("site.yaml", &format!("{config}images: {{ max_side: 0 }}\n"));
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.lines().next().unwrap(), "error: images.max_side must be from 1 to 65535 pixels");
}

#[test]
fn issue_12_5000_reviews_check_cleanly() {
    let site = SiteTest::fixture("basic");
    let mut text = String::new();
    for i in 1..=5000 {
        let _ =
            write!(text, "- id: r-{i}\n  author: Customer {i}\n  rating: 4.5\n  date: 2026-01-02\n  text: Good tea.\n");
    }
    site.write("data/reviews.yaml", &text);
    let run = site.run(&["check"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, "no errors: 264 pages and 2 posts would be built\n"));
}

#[test]
fn issue_12_10000_video_embeds_in_one_post_check_cleanly() {
    let site = SiteTest::fixture("basic");
    let mut text = String::from("---\ntitle: Many videos\n---\n");
    for i in 0..10_000 {
        let _ = write!(text, "https://www.youtube.com/watch?v=v{i:010}\n\n");
    }
    site.write("content/posts/2026-11-01-videos.md", &text);
    let run = site.run(&["check"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, "no errors: 16 pages and 3 posts would be built\n"));
}

#[test]
fn issue_12_a_40_kb_title_is_a_warning_and_the_card_is_drawn() {
    let site = SiteTest::fixture("basic");
    let title = "Tea cup ".repeat(5 * 1024);
    site.write("content/posts/2026-11-01-long.md", &format!("---\ntitle: \"{}\"\n---\nLong.\n", title.trim_end()));
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first: Vec<&str> = run.stderr.lines().take(2).collect();
    assert_eq!(
        first,
        [
            "warning: this title is 40959 characters long: the share card shows its first 300 characters, cut with \"…\"",
            " --> content/posts/2026-11-01-long.md:2:8",
        ]
    );
    assert!(run.stderr.ends_with("  = help: keep the title short (a search result shows about 60 characters); put the rest in `description:` or in the text\n\n0 errors, 1 warning\nleft out: 1 draft, 1 dated in the future (2027-01-01: content/posts/2027-01-01-next-year.md); build with --drafts to include them\nbuilt 16 pages, 3 posts and 0 images into [ROOT]/public\n"), "{}", run.stderr);
    // The post's share card was drawn and written.
    let html = site.read("public/blog/long/index.html");
    let at = html.find("/media/card-").expect("a card URL");
    let card = &html[at + 1..at + html[at..].find(".png").unwrap() + 4];
    assert!(site.public().join(card).is_file(), "{card}");
}

#[test]
fn issue_12_front_matter_nested_100_000_deep_is_refused_at_its_line() {
    let site = SiteTest::fixture("basic");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    site.write("content/posts/2026-11-01-deep.md", &format!("---\ntitle: Deep\ntags: {deep}\n---\nDeep.\n"));
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines[0],
        "error: this is nested 51 levels deep, more than the 50 shopstory reads (look for stray `[`, `{` or `- `)"
    );
    assert_eq!(lines[1], " --> content/posts/2026-11-01-deep.md:3:56");
    assert_eq!(lines[lines.len() - 1], "1 error, 0 warnings");
}

#[test]
fn issue_12_an_alias_bomb_is_an_error_at_its_first_alias() {
    let site = SiteTest::fixture("basic");
    let mut text = String::from("---\ntitle: Laughs\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        let _ = writeln!(text, "a{i}: &a{i} [{refs}]");
    }
    site.write("content/posts/2026-11-01-laughs.md", &format!("{text}---\nHa.\n"));
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: the aliases here (`*a0` and those it repeats) expand to far more than the file holds (a \"billion laughs\" file), so shopstory does not read it
 --> content/posts/2026-11-01-laughs.md:4:10
  |
4 | a1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
  |          ^
  = help: front matter is YAML: one `key: value` per line; put quotes around a value that contains `: ` or starts with a special character

1 error, 0 warnings
"
    );
}

#[test]
fn issue_12_ratings_are_quoted_as_written() {
    let site = SiteTest::fixture("basic");
    site.write(
        "data/reviews.yaml",
        "- id: a\n  author: A\n  rating: 7.50\n  date: 2026-01-02\n  text: Hi.\n- id: b\n  author: B\n  rating: 1e3\n  date: 2026-01-02\n  text: Hi.\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: review `a`: rating 7.50 is out of range
 --> data/reviews.yaml:3:11
  |
3 |   rating: 7.50
  |           ^^^^
  = help: use a number from 1 to 5; halves like 4.5 are allowed

error: review `b`: rating 1e3 is out of range
 --> data/reviews.yaml:8:11
  |
8 |   rating: 1e3
  |           ^^^
  = help: use a number from 1 to 5; halves like 4.5 are allowed

2 errors, 0 warnings
"
    );
}

#[test]
fn issue_12_an_unreadable_youtube_start_time_is_a_warning_at_its_line() {
    let site = SiteTest::fixture("basic");
    site.write(
        "content/posts/2026-11-01-v.md",
        "---\ntitle: V\n---\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ&t=abc\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stderr,
        "warning: `abc` is not a start time, so this video starts at the beginning
 --> content/posts/2026-11-01-v.md:4:1
  |
4 | https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=abc
  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: write the time as seconds (t=90), as 1m30s, or as 1:30

0 errors, 1 warning
no errors: 16 pages and 3 posts would be built
"
    );
}

#[test]
fn issue_12_a_numeric_review_id_is_quoted_as_written() {
    let site = SiteTest::fixture("basic");
    let review =
        |author: &str| format!("- id: 1.50\n  author: {author}\n  rating: 4\n  date: 2026-01-02\n  text: Hi.\n");
    site.write("data/reviews.yaml", &format!("{}{}", review("A"), review("B")));
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: review id `1.50` is used twice (entries 1 and 2)
 --> data/reviews.yaml:6:7
  |
6 | - id: 1.50
  |       ^^^^
  = help: give each review its own id, for example by adding the author's initial

1 error, 0 warnings
"
    );
}
