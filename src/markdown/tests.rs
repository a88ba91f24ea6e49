use super::*;
use crate::diag::render::all_to_text;
use std::sync::Arc;

struct Fixture;

impl Targets for Fixture {
    fn doc_url(&self, p: &str) -> Option<(&str, bool)> {
        match p {
            "content/posts/2026-10-01-open-day.md" => Some(("/blog/open-day/", false)),
            "content/posts/draft.md" => Some(("/blog/draft/", true)),
            "content/pages/about.md" => Some(("/about/", false)),
            _ => None,
        }
    }
    fn file_url(&self, p: &str) -> Option<String> {
        (p == "static/price-list.pdf").then(|| "/price-list.pdf".to_string())
    }
    fn image_html(&self, p: &str, alt: &str, eager: bool) -> Result<String, String> {
        if p == "content/posts/wheel.jpg" {
            Ok(format!("<img src=\"/x.jpg\" alt=\"{alt}\" data-eager=\"{eager}\">"))
        } else {
            Err("there is no such photo".into())
        }
    }
    fn shortcode(&self, file: &str, call: &shortcodes::Call, diags: &mut Diagnostics) -> Option<String> {
        if call.name == "shout" {
            let text = call.args.get("text").map(|a| a.as_text()).unwrap_or_default();
            return Some(format!("<strong class=\"shout\">{}</strong>", text.to_uppercase()));
        }
        diags.error(file, Some(call.span), format!("unknown shortcode `{}`", call.name));
        None
    }
    fn embed_url(&self, _file: &str, url: &str, _span: Span, _diags: &mut Diagnostics) -> Option<String> {
        url.starts_with("https://video.example/").then(|| format!("<div class=\"embed\">{url}</div>"))
    }
}

fn render_md(body: &str) -> (RenderedBody, String) {
    let file = "content/posts/2026-11-02-x.md";
    let text = format!("---\ntitle: x\n---\n{body}");
    let mut diags = Diagnostics::new();
    diags.add_source(file, Arc::from(text.as_str()));
    let input = BodyInput { file, body: &text[16..], body_offset: 16, first_image_eager: true };
    let out = render(&input, &Fixture, &mut diags);
    (out, all_to_text(&diags))
}

#[test]
fn features_render() {
    let (out, errs) = render_md(
        "# Title\n\nIt's \"smart\" -- yes.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ note[^1]\n\n[^1]: The note.\n",
    );
    assert_eq!(errs, "");
    insta::assert_snapshot!(out.html);
}

#[test]
fn headings_get_unique_ids_and_a_toc() {
    let (out, _) = render_md("## Tools\n\n### Spoke key\n\n## Tools\n\n## Custom {#mine}\n");
    assert!(out.html.contains("<h2 id=\"tools\">Tools</h2>"), "{}", out.html);
    assert!(out.html.contains("<h2 id=\"tools-1\">Tools</h2>"), "{}", out.html);
    assert!(out.html.contains("<h2 id=\"mine\">Custom</h2>"), "{}", out.html);
    let ids: Vec<&str> = out.toc.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["tools", "tools-1", "mine"]);
    assert_eq!(out.toc[0].children[0].id, "spoke-key");
}

#[test]
fn links_to_markdown_files_become_urls() {
    let (out, errs) = render_md(
        "See [open day](2026-10-01-open-day.md#photos), [about](../pages/about.md), [prices](/static/price-list.pdf) and [web](https://example.com/a.md).\n",
    );
    assert_eq!(errs, "");
    assert!(out.html.contains("href=\"/blog/open-day/#photos\""), "{}", out.html);
    assert!(out.html.contains("href=\"/about/\""));
    assert!(out.html.contains("href=\"/price-list.pdf\""));
    assert!(out.html.contains("href=\"https://example.com/a.md\""));
}

#[test]
fn broken_links_and_images_are_errors_with_lines() {
    let (_, errs) = render_md("Intro\n\nSee [gone](2026-01-01-gone.md).\n\n![a](missing.jpg)\n");
    assert!(errs.contains("error: link to `2026-01-01-gone.md`, but there is no such post or page"), "{errs}");
    assert!(errs.contains("--> content/posts/2026-11-02-x.md:6:5"), "{errs}");
    assert!(errs.contains("image `content/posts/missing.jpg`: there is no such photo"), "{errs}");
    assert!(errs.contains("--> content/posts/2026-11-02-x.md:8:1"), "{errs}");
}

#[test]
fn images_go_through_the_targets_and_only_the_first_is_eager() {
    let (out, errs) = render_md("![Truing](wheel.jpg)\n\n![](wheel.jpg)\n");
    assert!(out.html.contains("alt=\"Truing\" data-eager=\"true\""), "{}", out.html);
    assert!(out.html.contains("data-eager=\"false\""), "{}", out.html);
    assert!(errs.contains("warning: this image has no alt text"), "{errs}");
    assert_eq!(out.images.len(), 2);
}

#[test]
fn summary_excerpt_and_reading_time() {
    let body = "## Heading\n\nFirst *para* here.\n\n<!-- more -->\n\nSecond `<!-- more -->` para.\n";
    let (out, _) = render_md(body);
    assert_eq!(
        out.summary_html.as_deref(),
        Some("<h2 id=\"heading\">Heading</h2>\n<p>First <em>para</em> here.</p>\n")
    );
    assert_eq!(out.excerpt, "First para here.");
    assert_eq!(out.reading_minutes(), 1);
    let (long, _) = render_md(&"word ".repeat(500));
    assert_eq!(long.words, 500);
    assert_eq!(long.reading_minutes(), 3);
    assert!(long.summary_html.is_none());
}

#[test]
fn draft_links_warn() {
    let (_, errs) = render_md("[soon](draft.md)\n");
    assert!(errs.contains("warning: this links to `content/posts/draft.md`, a draft"), "{errs}");
}

#[test]
fn shortcodes_and_bare_urls_become_html_and_keep_error_lines() {
    let body = "Say {{ shout(text=\"it's \\\"loud\\\"\") }} now.\n\n{{ shout(text=\"block\") }}\n\nhttps://video.example/abc\n\nhttps://other.example/page\n\n`{{ shout(text=\"code\") }}`\n\n{{ nope(x=1) }} and [gone](gone.md)\n";
    let (out, errs) = render_md(body);
    assert!(out.html.contains("<p>Say <strong class=\"shout\">IT'S \"LOUD\"</strong> now.</p>"), "{}", out.html);
    assert!(
        out.html
            .contains("<strong class=\"shout\">BLOCK</strong>\n<div class=\"embed\">https://video.example/abc</div>\n"),
        "{}",
        out.html
    );
    assert!(out.html.contains("<p>https://other.example/page</p>"), "{}", out.html);
    assert!(out.html.contains("<code>{{ shout(text=\"code\") }}</code>"), "{}", out.html);
    assert!(errs.contains("error: unknown shortcode `nope`\n  --> content/posts/2026-11-02-x.md:14:1"), "{errs}");
    // The link after a replaced shortcode still has its own column.
    assert!(errs.contains("content/posts/2026-11-02-x.md:14:21"), "{errs}");
    assert!(!out.excerpt.contains("shopstoryembed"), "{}", out.excerpt);
}

#[test]
fn words_are_counted_as_split_whitespace_counts_them() {
    for text in [
        "",
        " ",
        "one",
        "  two  words ",
        "tab\tand\nnew\x0Bline\x0Cfeed\rreturn",
        "no\u{a0}break\u{2003}em\u{3000}ideographic\u{85}next",
        "café ŝoko 日本語 テキスト",
        "\u{200b}zero-width is not a space\u{feff}",
        "a\u{1680}b\u{2028}c\u{2029}d\u{202f}e\u{205f}f",
        "eight by eight: twelve  words\tacross\r\nseveral\x0Bchunks\x0Cof 8 bytes ",
        "\x08\x0E\x1F\x7F!~ are not spaces, nor \x00 or \u{85}",
    ] {
        assert_eq!(count_words(text), text.split_whitespace().count(), "{text:?}");
    }
}

proptest::proptest! {
    #[test]
    fn words_are_counted_as_split_whitespace_counts_any_text(
        text in "[ a-z\t\n\x0B\x0C\r\x00\x08\x0E\x1F\x20\x21\x7F]{0,40}|[ a\tz\u{a0}\u{3000}é]{0,40}|\\PC{0,40}"
    ) {
        proptest::prop_assert_eq!(count_words(&text), text.split_whitespace().count());
    }
}

#[test]
fn issue_12_embeds_are_put_back_in_one_pass() {
    // Work for N and 4N bare video URLs in one body: putting the embeds back
    // reads the page once, so it grows 4 times, not 16.
    let work = |n: usize| {
        let body: String = (0..n).map(|i| format!("https://video.example/{i}\n\n")).collect();
        let before = shortcodes::put_back_bytes();
        let (out, errs) = render_md(&body);
        assert_eq!(errs, "");
        assert_eq!(out.html.matches("<div class=\"embed\">").count(), n);
        assert!(out.html.ends_with(&format!("<div class=\"embed\">https://video.example/{}</div>\n", n - 1)));
        assert!(!out.html.contains("<p>"), "every embed is a block of its own");
        shortcodes::put_back_bytes() - before
    };
    let (one, four) = (work(2_500), work(10_000));
    assert!(four <= 5 * one, "2,500 embeds: {one} bytes read, 10,000: {four}");
}
