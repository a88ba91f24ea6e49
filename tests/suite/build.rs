//! Building fixture sites and checking what comes out.

use crate::harness::{tree, SiteTest};

#[test]
fn basic_site_has_exactly_the_expected_files() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    // Share cards (one per page, named by a hash) are checked in cards.rs.
    let files: Vec<String> = tree(&site.public()).into_keys().filter(|p| !p.starts_with("media/card-")).collect();
    let expected = [
        ".shopstory-output",
        "404.html",
        "about/index.html",
        "blog/dye-with-onion-skins/index.html",
        "blog/index.html",
        "blog/open-day/index.html",
        "feed.xml",
        "index.html",
        "prices.txt",
        "robots.txt",
        "search/index.html",
        "search/index.json",
        "sitemap.xml",
        "staff/ada/index.html",
        "staff/index.html",
        "tags/community/index.html",
        "tags/how-to/index.html",
        "tags/index.html",
        "tags/news/index.html",
        "theme/search.js",
        "theme/style.css",
        "theme/video.js",
        "visit/index.html",
    ];
    assert_eq!(files, expected);
}

#[test]
fn drafts_and_future_posts_appear_with_the_drafts_flag() {
    let site = SiteTest::fixture("basic");
    let run = site.run(&["build", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.public().join("blog/winter-blend/index.html").is_file());
    assert!(site.public().join("blog/next-year/index.html").is_file());
    // Four posts at two per page.
    assert!(site.public().join("blog/page/2/index.html").is_file());
    assert!(!site.public().join("blog/page/3/index.html").exists());
}

#[test]
fn post_page_carries_meta_links_and_markdown_features() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let html = site.read("public/blog/dye-with-onion-skins/index.html");
    for needle in [
        "<html lang=\"en\"",
        "<title>Dye with onion skins · Tea &amp; Thread</title>",
        "<link rel=\"canonical\" href=\"https://tea-and-thread.example/blog/dye-with-onion-skins/\">",
        "content=\"A two-hour how-to for a golden yarn.\"",
        "property=\"og:type\" content=\"article\"",
        "name=\"twitter:card\" content=\"summary_large_image\"",
        "href=\"/blog/open-day/#what-we-served\"",
        "<h2 id=\"you-will-need\">",
        "It’s easy – really.",
        "<table>",
        "type=\"checkbox\"",
        "class=\"footnote-definition\"",
        "\"@type\":\"BlogPosting\"",
        "\"datePublished\":\"2026-11-02T00:00:00Z\"",
        "\"dateModified\":\"2026-11-05T00:00:00Z\"",
        "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Ftea-and-thread.example%2Fblog%2Fdye-with-onion-skins%2F",
    ] {
        assert!(html.contains(needle), "post page lacks {needle:?}");
    }
    // Nothing is loaded from another host before the visitor asks for it.
    for attr in ["src=\"http", "src=\"//", "href=\"//"] {
        assert!(!html.contains(attr), "third-party resource: {attr}");
    }
    assert!(!html.contains("<link rel=\"stylesheet\" href=\"http"));
}

#[test]
fn titles_with_markup_stay_text_everywhere() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let html = site.read("public/blog/open-day/index.html");
    assert!(!html.contains("<cake>"), "raw title markup in HTML");
    assert!(html.contains("&lt;cake&gt;"));
    let ld_start = html.find("application/ld+json").unwrap();
    let ld = &html[ld_start..];
    let ld = &ld[ld.find('>').unwrap() + 1..ld.find("</script>").unwrap()];
    let value: serde_json::Value = serde_json::from_str(ld).expect("JSON-LD parses");
    assert_eq!(value["headline"], "Open day: tea, yarn & <cake>");
    let feed = site.read("public/feed.xml");
    assert!(feed.contains("<title>Open day: tea, yarn &amp; &lt;cake&gt;</title>"), "{feed}");
}

#[test]
fn home_has_local_business_json_ld_and_listings() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let html = site.read("public/index.html");
    assert!(html.contains("\"@type\":\"LocalBusiness\""));
    assert!(html.contains("\"openingHours\":[\"Tu-Sa 10:00-17:00\"]"));
    assert!(html.contains("href=\"/blog/dye-with-onion-skins/\""));
    assert!(!html.contains("winter-blend"), "draft listed on home");
    let staff = site.read("public/staff/ada/index.html");
    assert!(staff.contains("\"@type\":\"Person\""));
    assert!(staff.contains("href=\"/blog/open-day/\""));
    assert!(staff.contains("<em>strong</em>"));
}

#[test]
fn blog_is_paginated_and_tags_list_their_posts() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let blog = site.read("public/blog/index.html");
    assert!(blog.contains("/blog/dye-with-onion-skins/") && blog.contains("/blog/open-day/"));
    assert!(!site.public().join("blog/page/2/index.html").exists(), "2 posts fit one page of 2");
    let news = site.read("public/tags/news/index.html");
    assert!(news.contains("/blog/dye-with-onion-skins/") && news.contains("/blog/open-day/"));
    let howto = site.read("public/tags/how-to/index.html");
    assert!(!howto.contains("/blog/open-day/"));
}

#[test]
fn long_listings_link_the_ends_and_the_pages_near_the_current_one() {
    let site = SiteTest::fixture("basic");
    site.write("site.yaml", &site.read("site.yaml").replace("posts: { per_page: 2 }", "posts: { per_page: 1 }"));
    for day in 1..=10 {
        site.write(
            &format!("content/posts/2026-09-{day:02}-note-{day}.md"),
            &format!("---\ntitle: Note {day}\n---\nHi.\n"),
        );
    }
    site.build_ok();
    // 12 posts, one per page; page 6 links 1, 4-8 and 12, with a gap on each side.
    let page = site.read("public/blog/page/6/index.html");
    let nav = &page[page.find("class=\"pagination\"").expect("pagination")..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    let numbered: Vec<&str> =
        crate::harness::attributes(nav, "aria-label").into_iter().filter(|l| l.starts_with("Page ")).collect();
    assert_eq!(numbered, ["Page 1", "Page 4", "Page 5", "Page 6", "Page 7", "Page 8", "Page 12"], "{nav}");
    assert_eq!(nav.matches("class=\"page-gap\"").count(), 2, "{nav}");
    assert!(nav.contains("href=\"/blog/page/6/\" aria-current=\"page\""), "{nav}");
    assert!(nav.contains("href=\"/blog/page/5/\" rel=\"prev\"") && nav.contains("href=\"/blog/page/7/\" rel=\"next\""));
    // Every page linked exists.
    for href in crate::harness::attributes(nav, "href") {
        let file = site.public().join(href.trim_start_matches('/')).join("index.html");
        assert!(file.is_file() || href == "/blog/", "{href} is linked but not built");
    }
}

#[test]
fn feed_sitemap_and_robots() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let feed = site.read("public/feed.xml");
    assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert_eq!(feed.matches("<entry>").count(), 2);
    assert!(feed.contains("<updated>2026-11-05T00:00:00Z</updated>"));
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap
        .contains("<loc>https://tea-and-thread.example/blog/dye-with-onion-skins/</loc><lastmod>2026-11-05</lastmod>"));
    assert!(!sitemap.contains("404"));
    assert_eq!(
        site.read("public/robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://tea-and-thread.example/sitemap.xml\n"
    );
}

#[test]
fn post_html_snapshot() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let html = site.read("public/blog/dye-with-onion-skins/index.html");
    insta::assert_snapshot!("basic_post", html);
}

#[test]
fn builds_are_byte_identical_and_independent_of_the_root_path() {
    let a = SiteTest::fixture("basic");
    a.build_ok();
    let first = tree(&a.public());
    a.build_ok();
    assert_eq!(first, tree(&a.public()), "second build differs");
    let b = SiteTest::fixture("basic");
    b.build_ok();
    assert_eq!(first, tree(&b.public()), "build at another path differs");
}

#[test]
fn site_templates_override_the_theme_by_name() {
    let site = SiteTest::fixture("basic");
    site.write("templates/page.html", "<!doctype html><title>{{ doc.title }}</title><p>custom {{ page.url }}</p>\n");
    site.build_ok();
    assert_eq!(site.read("public/about/index.html"), "<!doctype html><title>About us</title><p>custom /about/</p>\n");
    // Other templates still come from the theme.
    assert!(site.read("public/blog/index.html").contains("<main"));
}

#[test]
fn a_theme_on_disk_is_used_when_named() {
    let site = SiteTest::fixture("basic");
    let yaml = site.read("site.yaml") + "theme: plain\n";
    site.write("site.yaml", &yaml);
    site.write("themes/plain/templates/404.html", "plain 404 for {{ site.title }}\n");
    site.write("themes/plain/static/theme/style.css", "body{}\n");
    site.build_ok();
    assert_eq!(site.read("public/404.html"), "plain 404 for Tea &amp; Thread\n");
    assert_eq!(site.read("public/theme/style.css"), "body{}\n");
}

#[test]
fn a_site_adds_its_own_shortcodes_as_templates() {
    let site = SiteTest::fixture("basic");
    site.write("templates/shortcodes/note.html", "<aside class=\"note\">{{ text }} ({{ args.level }})</aside>\n");
    site.write(
        "content/pages/notes.md",
        "---\ntitle: Notes\n---\n{{ note(text=\"Closed <Monday>\", level=2) }}\n\n`{{ note(text=\"in code\") }}`\n",
    );
    site.build_ok();
    let html = site.read("public/notes/index.html");
    assert!(html.contains("<aside class=\"note\">Closed &lt;Monday&gt; (2)</aside>"), "{html}");
    assert!(html.contains("<code>{{ note(text=\"in code\") }}</code>"), "{html}");
    site.write("content/pages/notes.md", "---\ntitle: Notes\n---\nText.\n\n{{ nots(text=\"x\") }}\n");
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error: unknown shortcode `nots`\n --> content/pages/notes.md:6:1"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `note`?"), "{}", run.stderr);
}
