//! Share cards (issue 6): every page's `og:image` is a 1200x630 card that
//! exists in the output, drawn once and then taken from the cache;
//! `share_image:` and `share_cards: false`; share links that decode back to
//! the page.

use crate::harness::{tree, SiteTest};
use std::path::Path;

const BASE: &str = "https://tea-and-thread.example/";

fn unescape(s: &str) -> String {
    s.replace("&#x2F;", "/")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The `content` of `<meta property|name="{key}" content="...">`, unescaped.
fn meta(html: &str, key: &str) -> Option<String> {
    ["property", "name"].iter().find_map(|attr| {
        let start = format!("<meta {attr}=\"{key}\" content=\"");
        let at = html.find(&start)? + start.len();
        Some(unescape(&html[at..at + html[at..].find('"')?]))
    })
}

fn html_pages(public: &Path) -> Vec<(String, String)> {
    tree(public)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, bytes)| (p, String::from_utf8(bytes).expect("utf-8")))
        .collect()
}

/// "drew 12 share cards in ..." from `build --verbose`, or 0.
fn drawn(stderr: &str) -> usize {
    stderr.lines().find_map(|l| l.strip_prefix("drew ")?.split(' ').next()?.parse().ok()).unwrap_or(0)
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 120])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).expect("encode jpeg");
    out
}

#[test]
fn every_page_has_an_absolute_og_image_that_exists() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let pages = html_pages(&site.public());
    assert!(pages.len() >= 10, "{}", pages.len());
    for (path, html) in &pages {
        let url = meta(html, "og:image").unwrap_or_else(|| panic!("{path} has no og:image"));
        let file = url
            .strip_prefix(BASE)
            .unwrap_or_else(|| panic!("{path}: og:image `{url}` is not an absolute URL of the site"));
        let bytes = std::fs::read(site.public().join(file)).unwrap_or_else(|e| panic!("{path}: og:image {file}: {e}"));
        let img = image::load_from_memory(&bytes).expect("the card decodes");
        assert_eq!((img.width(), img.height()), (1200, 630), "{path}");
        assert!(file.starts_with("media/card-") && file.ends_with(".png"), "{path}: {file}");
        assert_eq!(image::guess_format(&bytes).expect("format"), image::ImageFormat::Png, "{path}");
        for (key, want) in [
            ("og:image:width", "1200"),
            ("og:image:height", "630"),
            ("og:image:type", "image/png"),
            ("twitter:card", "summary_large_image"),
            ("twitter:image", url.as_str()),
        ] {
            assert_eq!(meta(html, key).as_deref(), Some(want), "{path}: {key}");
        }
        for key in ["og:image:alt", "twitter:image:alt"] {
            assert!(meta(html, key).is_some_and(|alt| alt.contains("Tea & Thread")), "{path}: {key}");
        }
    }
    // Each post has a card of its own; listing pages share their first page's.
    let card = |p: &str| meta(&pages.iter().find(|(path, _)| path == p).expect(p).1, "og:image").expect("og:image");
    assert_ne!(card("blog/open-day/index.html"), card("blog/dye-with-onion-skins/index.html"));
}

#[test]
fn cards_are_drawn_once_then_come_from_the_cache_byte_for_byte() {
    let site = SiteTest::fixture("basic");
    let first_run = site.run_ok(&["build", "--verbose"]).stderr;
    let cards = tree(&site.public()).keys().filter(|p| p.starts_with("media/card-")).count();
    assert!(cards >= 8, "{cards} cards");
    assert_eq!(drawn(&first_run), cards, "{first_run}");
    let first = tree(&site.public());
    let second_run = site.run_ok(&["build", "--verbose"]).stderr;
    assert_eq!(drawn(&second_run), 0, "a warm build draws no card:\n{second_run}");
    assert_eq!(first, tree(&site.public()), "the second build differs");
    // A cold build elsewhere draws the same bytes.
    let other = SiteTest::fixture("basic");
    other.build_ok();
    assert_eq!(first, tree(&other.public()), "a cold build at another path differs");
}

#[test]
fn a_changed_title_gets_a_new_card_and_the_others_stay_cached() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let before = meta(&site.read("public/blog/open-day/index.html"), "og:image").unwrap();
    let post = "content/posts/2026-10-01-open-day.md";
    site.write(post, &site.read(post).replacen("& <cake>", "& <scones>", 1));
    let run = site.run_ok(&["build", "--verbose"]).stderr;
    let after = meta(&site.read("public/blog/open-day/index.html"), "og:image").unwrap();
    assert_ne!(before, after);
    assert_eq!(drawn(&run), 1, "only the changed post's card is drawn:\n{run}");
}

#[test]
fn share_image_replaces_the_drawn_card() {
    let site = SiteTest::fixture("basic");
    std::fs::write(site.root.join("content/posts/shop-front.jpg"), jpeg(1600, 1000)).unwrap();
    let post = "content/posts/2026-10-01-open-day.md";
    site.write(post, &site.read(post).replacen("---\n", "---\nshare_image: shop-front.jpg\n", 1));
    site.build_ok();
    let html = site.read("public/blog/open-day/index.html");
    let url = meta(&html, "og:image").expect("og:image");
    let file = url.strip_prefix(BASE).expect("absolute");
    assert!(file.starts_with("media/share-shop-front-") && file.ends_with(".jpg"), "{file}");
    assert_eq!(meta(&html, "og:image:type").as_deref(), Some("image/jpeg"));
    let img = image::open(site.public().join(file)).expect("decodes");
    assert_eq!((img.width(), img.height()), (1200, 630));
    // Only the crop is published, not the photo's variants.
    let media: Vec<String> = tree(&site.public()).into_keys().filter(|p| p.contains("shop-front")).collect();
    assert_eq!(media, vec![file.to_string()]);
}

#[test]
fn a_missing_share_image_is_an_error_on_its_line() {
    let site = SiteTest::fixture("basic");
    let post = "content/posts/2026-10-01-open-day.md";
    site.write(post, &site.read(post).replacen("---\n", "---\nshare_image: nowhere.jpg\n", 1));
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error: share_image `nowhere.jpg`: there is no such photo"), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("--> {post}:2:")), "{}", run.stderr);
}

#[test]
fn share_cards_false_uses_the_cover_or_nothing() {
    let site = SiteTest::fixture("basic");
    site.write("site.yaml", &(site.read("site.yaml") + "share_cards: false\n"));
    std::fs::write(site.root.join("content/posts/table.jpg"), jpeg(1200, 800)).unwrap();
    let post = "content/posts/2026-10-01-open-day.md";
    site.write(post, &site.read(post).replacen("---\n", "---\ncover: table.jpg\ncover_alt: The shop table\n", 1));
    site.build_ok();
    assert!(!tree(&site.public()).keys().any(|p| p.starts_with("media/card-")), "no card is drawn");
    let with_cover = site.read("public/blog/open-day/index.html");
    let url = meta(&with_cover, "og:image").expect("the cover");
    assert!(url.starts_with(&format!("{BASE}media/table-")), "{url}");
    assert_eq!(meta(&with_cover, "og:image:alt").as_deref(), Some("The shop table"));
    // No cover and no logo: no image, and the card type is still the large one.
    let without = site.read("public/blog/dye-with-onion-skins/index.html");
    assert_eq!(meta(&without, "og:image"), None);
    assert_eq!(meta(&without, "twitter:card").as_deref(), Some("summary_large_image"));
}

#[test]
fn a_character_the_card_font_lacks_is_a_warning_naming_the_page() {
    let site = SiteTest::fixture("basic");
    let post = "content/posts/2026-10-01-open-day.md";
    site.write(post, &site.read(post).replacen("& <cake>", "& <cake> 🚲", 1));
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: the share card of `/blog/open-day/` leaves out `🚲` (U+1F6B2): the card font cannot draw it"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&format!("--> {post}")), "{}", run.stderr);
}

#[test]
fn greek_and_cyrillic_titles_get_cards_without_warnings() {
    let site = SiteTest::fixture("basic");
    site.write("content/posts/2026-10-02-greek.md", "---\ntitle: Καλημέρα από το εργαστήριο\n---\nText.\n");
    site.write("content/posts/2026-10-03-russian.md", "---\ntitle: Привет из мастерской\n---\nText.\n");
    let run = site.build_ok().stderr;
    assert!(!run.contains("share card"), "{run}");
    let pages = html_pages(&site.public());
    for title in ["Καλημέρα από το εργαστήριο", "Привет из мастерской"] {
        let (path, html) = pages
            .iter()
            .find(|(_, h)| h.contains(&format!("<meta property=\"og:title\" content=\"{title}\">")))
            .expect(title);
        let url = meta(html, "og:image").expect("og:image");
        assert!(site.public().join(url.strip_prefix(BASE).unwrap()).is_file(), "{path}");
    }
}

#[test]
fn share_links_decode_back_to_the_page_url() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let html = site.read("public/blog/dye-with-onion-skins/index.html");
    let permalink = format!("{BASE}blog/dye-with-onion-skins/");
    let card = meta(&html, "og:image").unwrap();
    let mut networks = Vec::new();
    for part in html.split("class=\"share-link share-").skip(1) {
        let network = &part[..part.find('"').unwrap()];
        let Some(href) = part.split("href=\"").nth(1).map(|h| unescape(&h[..h.find('"').unwrap()])) else { continue };
        let query = href.split_once('?').map_or("", |(_, q)| q);
        let params: Vec<(String, String)> = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), shopstory::paths::percent_decode(v)))
            .collect();
        let get = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        let page = match network {
            "facebook" => get("u"),
            "x" | "pinterest" | "linkedin" => get("url"),
            "whatsapp" => get("text").map(|t| t.rsplit(' ').next().unwrap_or_default().to_string()),
            "email" => get("body"),
            "permalink" => Some(href.clone()),
            _ => continue,
        };
        assert_eq!(page.as_deref(), Some(permalink.as_str()), "{network}: {href}");
        if network == "pinterest" {
            assert_eq!(get("media").as_deref(), Some(card.as_str()), "Pinterest pins the card when there is no photo");
        }
        networks.push(network.to_string());
    }
    assert_eq!(networks, ["facebook", "x", "pinterest", "whatsapp", "linkedin", "email", "permalink"]);
    // The copy button uses the Clipboard API where present and is hidden until then.
    assert!(
        html.contains(&format!("class=\"share-link share-copy\" data-url=\"{permalink}\" hidden>Copy link</button>")),
        "{html}"
    );
    assert!(html.contains("navigator.clipboard"));
}
