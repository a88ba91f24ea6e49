//! Fuzzing that runs in `cargo test`: property-based, bounded, with inputs
//! shaped like what owners write (front matter, markdown with shortcodes,
//! site.yaml) plus arbitrary bytes. Each target asserts that nothing panics
//! and that every reported span lies inside its file. The case count is
//! `SHOPSTORY_FUZZ_CASES` (default 200); `fuzz/run.sh` runs them for minutes.

use proptest::prelude::*;
use shopstory::diag::{Diagnostics, Span};
use shopstory::load::TextFile;
use shopstory::markdown::shortcodes::Call;
use shopstory::markdown::{self, BodyInput, Targets};
use shopstory::parse::doc::{parse_doc, DocKind};
use std::sync::Arc;

fn cases() -> u32 {
    std::env::var("SHOPSTORY_FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(200)
}

/// Pieces owners type, glued at random: the generator reaches the parsers'
/// interesting states far more often than uniform random text would.
fn owner_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("---\n".to_string()),
        Just("title: ".to_string()),
        Just("date: 2026-02-30\n".to_string()),
        Just("tags: [a, b\n".to_string()),
        Just("{{ youtube(id=\"abc\", start=3) }}".to_string()),
        Just("{{ note(text=\"x".to_string()),
        Just("}}".to_string()),
        Just("[link](other.md#x)".to_string()),
        Just("![alt](photo.jpg)".to_string()),
        Just("https://youtu.be/dQw4w9WgXcQ?t=42\n".to_string()),
        Just("```\ncode {{ x() }}\n```\n".to_string()),
        Just("`{{ y() }}`".to_string()),
        Just("<!-- more -->\n".to_string()),
        Just("## Heading {#id}\n".to_string()),
        Just("[^1]: note\n".to_string()),
        Just("| a | b |\n|---|---|\n".to_string()),
        Just("\u{feff}\r\n".to_string()),
        "\\PC{0,12}",
        "[ -~\n]{0,12}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

struct AnyTargets;

impl Targets for AnyTargets {
    fn doc_url(&self, p: &str) -> Option<(&str, bool)> {
        p.ends_with("other.md").then_some(("/blog/other/", false))
    }
    fn file_url(&self, _: &str) -> Option<String> {
        None
    }
    fn image_html(&self, p: &str, alt: &str, _: bool) -> Result<String, String> {
        if p.ends_with("photo.jpg") {
            Ok(format!("<img alt=\"{}\">", alt.len()))
        } else {
            Err("no such photo".into())
        }
    }
    fn shortcode(&self, file: &str, call: &Call, diags: &mut Diagnostics) -> Option<String> {
        if call.name == "youtube" {
            return Some("<div></div>".into());
        }
        diags.error(file, Some(call.span), "unknown");
        None
    }
    fn embed_url(&self, _: &str, url: &str, _: Span, _: &mut Diagnostics) -> Option<String> {
        url.contains("youtu").then(|| "<div></div>".into())
    }
}

/// Every diagnostic's span lies within its file, on a char boundary, and
/// renders without panicking.
fn check_spans(diags: &Diagnostics, text: &str) {
    for d in diags.sorted() {
        if let Some(s) = d.span {
            assert!(
                s.start <= s.end && s.end <= text.len() + 1,
                "span {s:?} outside a {}-byte file: {}",
                text.len(),
                d.message
            );
        }
    }
    let _ = shopstory::diag::render::all_to_text(diags);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn front_matter_and_body_never_panic(text in owner_text()) {
        let file = TextFile { path: "content/posts/2026-11-02-x.md".into(), text: Arc::from(text.as_str()) };
        let mut diags = Diagnostics::new();
        diags.add_source(&file.path, file.text.clone());
        if let Some(doc) = parse_doc(&file, DocKind::Post, &mut diags) {
            let input = BodyInput { file: &file.path, body: doc.body(), body_offset: doc.body_offset, first_image_eager: true };
            let out = markdown::render(&input, &AnyTargets, &mut diags);
            prop_assert!(!out.html.contains("shopstoryembed"), "a placeholder leaked: {}", out.html);
        }
        check_spans(&diags, &text);
    }

    #[test]
    fn markdown_bodies_never_panic(body in owner_text()) {
        let mut diags = Diagnostics::new();
        diags.add_source("content/pages/a.md", Arc::from(body.as_str()));
        let input = BodyInput { file: "content/pages/a.md", body: &body, body_offset: 0, first_image_eager: false };
        let out = markdown::render(&input, &AnyTargets, &mut diags);
        prop_assert!(!out.html.contains("shopstoryembed"));
        check_spans(&diags, &body);
    }

    #[test]
    fn arbitrary_bytes_as_a_post_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let Ok(text) = shopstory::load::decode_text(bytes) else { return Ok(()) };
        let file = TextFile { path: "content/posts/x.md".into(), text: Arc::from(text.as_str()) };
        let mut diags = Diagnostics::new();
        diags.add_source(&file.path, file.text.clone());
        let _ = parse_doc(&file, DocKind::Page, &mut diags);
        check_spans(&diags, &text);
    }

    #[test]
    fn site_yaml_never_panics(text in "(title|base_url|shop|brand|posts|images|  name|  color|  widths|- |: |\"#fff\"|\\[1, 2\\]|\n|[a-z ]{0,6}){0,30}") {
        let mut diags = Diagnostics::new();
        diags.add_source("site.yaml", Arc::from(text.as_str()));
        let _ = shopstory::parse::config::parse_config(Some(&text), &mut diags);
        check_spans(&diags, &text);
    }

    #[test]
    fn locating_yaml_paths_never_panics(text in "(- |  |key: |a: 1|\n|#c|\"q\": |'x': ){0,30}", key in "(key|a|q|x)", i in 0usize..4) {
        use shopstory::parse::yaml::{locate, Seg};
        if let Some(s) = locate(&text, &[Seg::Index(i), Seg::Key(&key)]) {
            prop_assert!(s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        }
        if let Some(s) = locate(&text, &[Seg::Key(&key), Seg::Index(i)]) {
            prop_assert!(s.end <= text.len());
        }
    }

    #[test]
    fn video_urls_never_panic_and_ids_are_valid(url in "(https?://)?(www\\.|m\\.)?(youtube\\.com/(watch\\?v=|shorts/|embed/)|youtu\\.be/|vimeo\\.com/|player\\.vimeo\\.com/video/)?[A-Za-z0-9_\\-?&=#%./:]{0,30}") {
        if let Some(v) = shopstory::embeds::parse_video_url(&url) {
            let watch = v.watch_url();
            prop_assert!(watch.starts_with("https://"));
            // What we recognise once we recognise again, the same.
            prop_assert_eq!(shopstory::embeds::parse_video_url(&watch).map(|w| w.watch_url()), Some(watch));
        }
    }

    #[test]
    fn reviews_yaml_never_panics(text in "(- |  |id: r1\n|author: A\n|rating: (7|4.5|x)\n|date: 2026-0[0-9]-3[0-9]\n|text: hi\n|response: ok\n|\n|: |#c){0,30}") {
        let file = TextFile { path: "data/reviews.yaml".into(), text: Arc::from(text.as_str()) };
        let mut diags = Diagnostics::new();
        diags.add_source(&file.path, file.text.clone());
        let _ = shopstory::parse::reviews::parse_reviews(Some(&file), &mut diags);
        check_spans(&diags, &text);
    }

    #[test]
    fn request_paths_never_escape(path in "(/|\\.\\.|%2e|%2E|%2f|%5c|\\\\|%00|[a-z]{1,4}|\\.|%|~|:){0,12}") {
        use shopstory::serve::guard::request_path;
        if let Ok(req) = request_path(&path) {
            for seg in &req.segments {
                prop_assert!(!seg.is_empty() && seg != "." && seg != "..", "{path:?} gave segment {seg:?}");
                prop_assert!(!seg.contains(['/', '\\', '\0']), "{path:?} gave segment {seg:?}");
            }
            // `....` is a plain file name; only whole `.`/`..` segments climb.
            prop_assert!(req.key().split('/').all(|seg| seg != ".." && seg != "." && !seg.is_empty()), "{path:?} -> {}", req.key());
        }
    }
}

/// Pieces of configured paths: climbs, empty names, NUL, backslashes,
/// percent-encodings, long names, non-ASCII letters and the placeholders.
fn path_piece() -> impl Strategy<Value = String> {
    // Harmless pieces weigh more, so that many paths pass every check but
    // one and the last checks are reached too.
    let piece = |p: &str| Just(p.to_string());
    prop_oneof![
        8 => piece("/"),
        1 => piece(".."),
        1 => piece("."),
        1 => piece("//"),
        1 => piece("\0"),
        1 => piece("\\"),
        1 => piece("%2e%2e"),
        4 => piece("{slug}"),
        2 => piece("{year}"),
        2 => piece("{month}"),
        2 => piece(".html"),
        4 => piece("blog"),
        2 => piece("é"),
        1 => Just("ж".repeat(100)),
        1 => Just("a".repeat(200)),
        1 => piece("~"),
        1 => piece("content"),
        1 => piece("public"),
        2 => "\\PC{0,6}",
    ]
}

fn configured_path() -> impl Strategy<Value = String> {
    prop::collection::vec(path_piece(), 0..12).prop_map(|v| v.concat())
}

/// A permalink pattern: pieces at random, or shaped like one (a leading
/// `/`, `{slug}` and an ending) so that many pass the first checks.
fn permalink_pattern() -> impl Strategy<Value = String> {
    let shaped = (configured_path(), configured_path(), prop_oneof![Just("/"), Just(".html")])
        .prop_map(|(a, b, end)| format!("/{a}{{slug}}{b}{end}"));
    prop_oneof![configured_path(), shaped]
}

/// The properties of a path the build may write to: inside the output
/// folder (`/out`) once joined, no `.`, `..` or empty name, no NUL, no name
/// longer than a file system allows.
fn assert_inside_output(rel: &str) -> Result<(), TestCaseError> {
    use std::path::{Component, Path};
    let joined = Path::new("/out").join(rel);
    prop_assert!(shopstory::paths::normalise(Path::new("/"), &joined).starts_with("/out/"), "{rel:?} leaves /out");
    for c in Path::new(rel).components() {
        prop_assert!(matches!(c, Component::Normal(_)), "{rel:?} has {c:?}");
    }
    for name in rel.split('/') {
        prop_assert!(!name.is_empty() && name != "." && name != "..", "{rel:?}");
        prop_assert!(!name.contains('\0') && name.len() <= 255, "{rel:?}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary permalink patterns, slugs, tags and `cache_dir` values:
    /// whatever is accepted stays inside the output (or, for the cache, out
    /// of the site's own folders), and nothing panics.
    #[test]
    fn configured_paths_never_leave_the_output(
        pattern in permalink_pattern(),
        title in prop_oneof!["\\PC{0,20}", "\\PC{0,300}"],
        tag in configured_path(),
        cache in configured_path(),
        year in 0i32..10000,
    ) {
        use shopstory::paths::{check_cache_dir, check_permalink, expand_permalink, slugify, OutputPath, UrlPath};
        use std::path::Path;
        let slug = slugify(&title);
        if check_permalink(&pattern).is_ok() {
            // An accepted pattern gives a valid URL for a short slug.
            let short = expand_permalink(&pattern, "x", 2026, 1, 1);
            prop_assert!(UrlPath::parse(&short).is_ok(), "{pattern:?} accepted, but {short:?} is not a URL path");
            if let Ok(url) = UrlPath::parse(&expand_permalink(&pattern, &slug, year, 12, 31)) {
                assert_inside_output(url.output().as_str())?;
                prop_assert!(url.as_str().split('/').all(|name| !name.starts_with('.')), "{url} has a hidden name");
            }
        }
        for candidate in [&pattern, &tag, &format!("/tags/{}/", slugify(&tag)), &format!("/blog/{slug}/")] {
            if let Ok(url) = UrlPath::parse(candidate) {
                assert_inside_output(url.output().as_str())?;
            }
            if let Ok(out) = OutputPath::parse(candidate) {
                assert_inside_output(out.as_str())?;
            }
        }
        let (root, output) = (Path::new("/srv/site"), Path::new("/srv/site/public"));
        if let Ok(dir) = check_cache_dir(root, output, &cache) {
            prop_assert!(dir.parent().is_some() && !root.starts_with(&dir), "{cache:?} -> {dir:?}");
            prop_assert!(!dir.starts_with(output) && !output.starts_with(&dir), "{cache:?} -> {dir:?}");
            for source in shopstory::paths::SOURCE_FOLDERS {
                prop_assert!(!dir.starts_with(root.join(source)), "{cache:?} -> {dir:?}");
            }
        }
    }
}

/// Found by `markdown_bodies_never_panic`: a bare video URL underlined as a
/// setext heading put the shortcode placeholder into the heading's id.
#[test]
fn regression_placeholder_in_a_setext_heading() {
    let body = "https://youtu.be/dQw4w9WgXcQ?t=42\n---\n";
    let mut diags = Diagnostics::new();
    let input = BodyInput { file: "content/pages/a.md", body, body_offset: 0, first_image_eager: false };
    let out = markdown::render(&input, &AnyTargets, &mut diags);
    assert!(!out.html.contains("shopstoryembed"), "{}", out.html);
}

/// Found by `request_paths_never_escape`: `....` is a plain file name, not a
/// climb, and the guard keeps it as one segment.
#[test]
fn regression_four_dots_is_a_file_name() {
    let req = shopstory::serve::guard::request_path("/....").expect("a plain name");
    assert_eq!(req.segments, ["...."]);
    assert!(shopstory::serve::guard::request_path("/..").is_err());
    assert!(shopstory::serve::guard::request_path("/%2e%2e/site.yaml").is_err());
}
