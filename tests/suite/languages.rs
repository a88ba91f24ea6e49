//! Issue 15 item 4: a site in several languages. The `montreal` fixture is a
//! Montreal shop with `languages: [fr, en]`: a post and a page translated
//! (`name.en.md` beside `name.md`), a French post without translation, an
//! English post without original, shared staff and reviews. Built for real;
//! the files on disk are read back: every page's `hreflang` alternates are
//! symmetric and exist, the sitemap lists them, each language's listing,
//! tags and feed hold only its posts, the switcher is links with their
//! language, and a one-language site is the same as before.

use crate::harness::{tree, SiteTest};
use crate::serve::Serve;
use std::collections::{BTreeMap, BTreeSet};

const BASE: &str = "https://atelier-erable.example";

fn montreal() -> SiteTest {
    let site = SiteTest::fixture("montreal");
    let run = site.build_ok();
    assert!(run.stderr.ends_with("built 27 pages, 4 posts and 0 images into [ROOT]/public\n"), "{}", run.stderr);
    site
}

/// Every value of attribute `name` in the start tags of `html`.
fn attr_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest[..rest.find('"').unwrap()].replace("&amp;", "&")
        })
        .collect()
}

/// `<link rel="alternate" hreflang>` of a page, as (hreflang, href).
fn alternates(html: &str) -> Vec<(String, String)> {
    html.split("<link rel=\"alternate\" hreflang=\"")
        .skip(1)
        .map(|rest| {
            let lang = &rest[..rest.find('"').unwrap()];
            let href = &rest[rest.find("href=\"").unwrap() + 6..];
            (lang.to_string(), href[..href.find('"').unwrap()].to_string())
        })
        .collect()
}

/// The output file an absolute or root-relative URL of the site names.
fn file_of(url: &str, base: &str) -> Option<String> {
    let path = url.strip_prefix(base).or_else(|| url.strip_prefix(path_of(base)))?;
    let path = path.split(['#', '?']).next().unwrap().trim_start_matches('/');
    Some(if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() })
}

fn path_of(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    rest.find('/').map_or("", |i| &rest[i..])
}

/// The HTML pages of a build, by output path.
fn html_pages(site: &SiteTest) -> BTreeMap<String, String> {
    tree(&site.public())
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

/// The `href`s of a page's post cards (`<h2 class="card-title">`, `h3` on the home page).
fn card_links(html: &str) -> Vec<String> {
    html.split(" class=\"card-title\">").skip(1).map(|c| attr_values(c, "href").into_iter().next().unwrap()).collect()
}

#[test]
fn a_montreal_site_publishes_french_at_the_root_and_english_under_en() {
    let site = montreal();
    let pages: Vec<String> = html_pages(&site).into_keys().collect();
    assert_eq!(
        pages,
        [
            "404.html",
            "about/index.html",
            "blog/guide-laine/index.html",
            "blog/index.html",
            "blog/portes-ouvertes/index.html",
            "en/404.html",
            "en/about/index.html",
            "en/blog/holiday-hours/index.html",
            "en/blog/index.html",
            "en/blog/open-day/index.html",
            "en/index.html",
            "en/reviews/index.html",
            "en/search/index.html",
            "en/staff/camille/index.html",
            "en/staff/index.html",
            "en/tags/index.html",
            "en/tags/news/index.html",
            "en/visit/index.html",
            "index.html",
            "reviews/index.html",
            "search/index.html",
            "staff/camille/index.html",
            "staff/index.html",
            "tags/index.html",
            "tags/laine/index.html",
            "tags/nouvelles/index.html",
            "visit/index.html",
        ]
    );
    // Each language searches its own pages: its index sits in its folder and links there.
    let en_index = site.read("public/en/search/index.json");
    assert!(en_index.contains("\"/en/blog/open-day/\""), "{en_index}");
    assert!(!en_index.contains("\"/blog/portes-ouvertes/\""), "{en_index}");
    let fr_index = site.read("public/search/index.json");
    assert!(fr_index.contains("\"/blog/portes-ouvertes/\""), "{fr_index}");
    assert!(!fr_index.contains("/en/"), "{fr_index}");
    // Each language speaks its own words, the 404 page included.
    let en_404 = site.read("public/en/404.html");
    assert!(en_404.starts_with("<!doctype html>\n<html lang=\"en\">"), "{en_404}");
    assert!(en_404.contains("<h1>Page not found</h1>"), "{en_404}");
    let fr_404 = site.read("public/404.html");
    assert!(fr_404.starts_with("<!doctype html>\n<html lang=\"fr\">"), "{fr_404}");
    assert!(fr_404.contains("<h1>Page introuvable</h1>"), "{fr_404}");
    // One shop for search engines, whichever language's home describes it.
    let en_home = crate::harness::json_ld(&site.read("public/en/index.html"));
    assert_eq!(
        (en_home["@id"].as_str(), en_home["url"].as_str()),
        (Some(&*format!("{BASE}/#shop")), Some(&*format!("{BASE}/en/")))
    );
    assert_eq!(crate::harness::json_ld(&site.read("public/index.html"))["@id"], en_home["@id"]);
    // Shared reviews, in each language's words.
    assert!(site.read("public/en/reviews/index.html").contains("Lovely covers, quick delivery."));
    assert!(site.read("public/reviews/index.html").contains("Lovely covers, quick delivery."));
}

#[test]
fn hreflang_pairs_are_symmetric_and_every_alternate_exists() {
    let site = montreal();
    let pages = html_pages(&site);
    let mut with_alternates = 0;
    for (file, html) in &pages {
        let alts = alternates(html);
        if alts.is_empty() {
            continue;
        }
        with_alternates += 1;
        let me = format!("{BASE}/{}", file.trim_end_matches("index.html"));
        let langs: Vec<&str> = alts.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(langs, ["fr", "en", "x-default"], "{file}");
        assert!(alts.iter().any(|(_, h)| *h == me), "{file} is not among its own alternates: {alts:?}");
        assert_eq!(alts[2].1, alts[0].1, "{file}: x-default is the French page");
        for (_, href) in &alts {
            let target = file_of(href, BASE).unwrap_or_else(|| panic!("{file}: {href} is not on the site"));
            let other = pages.get(&target).unwrap_or_else(|| panic!("{file}: alternate {href} is not on disk"));
            assert_eq!(alternates(other), alts, "{file} and {target} do not name the same alternates");
        }
    }
    assert_eq!(with_alternates, 22, "every page but the untranslated posts and tags");
    // A page without translation has no alternates, and no alternate points to one.
    for file in ["blog/guide-laine/index.html", "en/blog/holiday-hours/index.html", "tags/laine/index.html"] {
        assert_eq!(alternates(&pages[file]), vec![], "{file}");
    }
}

#[test]
fn the_sitemap_lists_the_alternates_of_each_page() {
    let site = montreal();
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n"), "{sitemap}");
    let entry = |loc: &str| {
        let start = sitemap.find(&format!("<url><loc>{loc}</loc>")).unwrap_or_else(|| panic!("{loc} missing"));
        sitemap[start..start + sitemap[start..].find("</url>").unwrap() + 6].to_string()
    };
    assert_eq!(
        entry(&format!("{BASE}/en/blog/open-day/")),
        format!(
            "<url><loc>{BASE}/en/blog/open-day/</loc><lastmod>2026-10-01</lastmod>\n    \
             <xhtml:link rel=\"alternate\" hreflang=\"fr\" href=\"{BASE}/blog/portes-ouvertes/\"/>\n    \
             <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"{BASE}/en/blog/open-day/\"/>\n    \
             <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{BASE}/blog/portes-ouvertes/\"/>\n  </url>"
        )
    );
    assert_eq!(
        entry(&format!("{BASE}/blog/guide-laine/")),
        format!("<url><loc>{BASE}/blog/guide-laine/</loc><lastmod>2026-11-02</lastmod></url>")
    );
    // Every address it names is a page on disk; every indexable page is in it.
    let files = tree(&site.public());
    let named: BTreeSet<String> = attr_values(&sitemap, "href")
        .into_iter()
        .chain(sitemap.split("<loc>").skip(1).map(|s| s[..s.find('<').unwrap()].to_string()))
        .collect();
    for url in &named {
        let file = file_of(url, BASE).unwrap();
        assert!(files.contains_key(&file), "the sitemap names {url}, which is not on disk");
    }
    let locs = sitemap.matches("<loc>").count();
    assert_eq!(locs, 27 - 2 - 2, "every page but the two 404 pages and the two search pages (noindex)");
}

#[test]
fn each_language_lists_feeds_and_tags_only_its_own_posts() {
    let site = montreal();
    assert_eq!(card_links(&site.read("public/blog/index.html")), ["/blog/guide-laine/", "/blog/portes-ouvertes/"]);
    assert_eq!(card_links(&site.read("public/en/blog/index.html")), ["/en/blog/holiday-hours/", "/en/blog/open-day/"]);
    assert_eq!(card_links(&site.read("public/index.html")), ["/blog/guide-laine/", "/blog/portes-ouvertes/"]);
    assert_eq!(card_links(&site.read("public/en/index.html")), ["/en/blog/holiday-hours/", "/en/blog/open-day/"]);
    assert_eq!(
        card_links(&site.read("public/en/tags/news/index.html")),
        ["/en/blog/holiday-hours/", "/en/blog/open-day/"]
    );
    assert_eq!(
        card_links(&site.read("public/tags/nouvelles/index.html")),
        ["/blog/guide-laine/", "/blog/portes-ouvertes/"]
    );

    let feed = site.read("public/en/feed.xml");
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">"), "{feed}");
    let entries: Vec<String> =
        feed.split("<entry>").skip(1).map(|e| attr_values(e, "href").into_iter().next().unwrap()).collect();
    assert_eq!(entries, [format!("{BASE}/en/blog/holiday-hours/"), format!("{BASE}/en/blog/open-day/")]);
    let fr_feed = site.read("public/feed.xml");
    assert!(fr_feed.contains("xml:lang=\"fr\""), "{fr_feed}");
    assert_eq!(fr_feed.matches("<entry>").count(), 2);
    assert!(!fr_feed.contains("/en/"), "{fr_feed}");
    // Each page names its own language's feed.
    assert!(site.read("public/en/about/index.html").contains("href=\"/en/feed.xml\""));
}

#[test]
fn the_language_switcher_is_links_that_name_their_language() {
    let site = montreal();
    let switcher = |html: &str| {
        let start = html.find("<nav class=\"lang-switch\"").expect("a language switcher");
        html[start..start + html[start..].find("</nav>").unwrap() + 6].to_string()
    };
    assert_eq!(
        switcher(&site.read("public/en/blog/open-day/index.html")),
        "<nav class=\"lang-switch\" aria-label=\"Language\">\n      <ul>\n        \
         <li><a href=\"/blog/portes-ouvertes/\" hreflang=\"fr\" lang=\"fr\">Français</a></li>\n        \
         <li><a href=\"/en/blog/open-day/\" hreflang=\"en\" lang=\"en\" aria-current=\"page\">English</a></li>\n      </ul>\n    </nav>"
    );
    // Without a translation, the switcher leads to the other language's home.
    assert_eq!(
        switcher(&site.read("public/blog/guide-laine/index.html")),
        "<nav class=\"lang-switch\" aria-label=\"Langue\">\n      <ul>\n        \
         <li><a href=\"/blog/guide-laine/\" hreflang=\"fr\" lang=\"fr\" aria-current=\"page\">Français</a></li>\n        \
         <li><a href=\"/en/\" hreflang=\"en\" lang=\"en\">English</a></li>\n      </ul>\n    </nav>"
    );
}

#[test]
fn links_between_languages_lead_to_the_translation_or_the_original() {
    let site = montreal();
    let post = site.read("public/en/blog/open-day/index.html");
    let body = &post[post.find("<p>We opened our doors").unwrap() + 3..];
    let body = &body[..body.find("</p>").unwrap()];
    assert_eq!(
        body,
        "We opened our doors on Saturday. Read <a href=\"/en/about/\">about us</a>, or our <a href=\"/blog/guide-laine/\">wool guide</a> (in French)."
    );
    // An owner's root-relative link in a translation stays in its language.
    assert!(site.read("public/en/about/index.html").contains("See <a href=\"/en/blog/\">the blog</a>."));
    assert!(site.read("public/about/index.html").contains("Voir <a href=\"/blog/\">le blogue</a>."));
}

#[test]
fn a_post_without_translation_is_absent_from_the_other_language() {
    let site = montreal();
    let public = site.public();
    assert!(!public.join("en/blog/guide-laine").exists());
    assert!(!public.join("blog/holiday-hours").exists());
    assert!(!public.join("en/tags/laine").exists());
    for (file, html) in html_pages(&site).iter().filter(|(f, _)| f.starts_with("en/")) {
        assert!(!html.contains("Le guide de la laine"), "{file} shows the French-only post");
    }
}

#[test]
fn every_url_of_a_sub_path_build_in_two_languages_is_under_the_path() {
    let site = SiteTest::fixture("montreal");
    let base = "https://example.github.io/atelier";
    site.run_ok(&["build", "--base-url", &format!("{base}/")]);
    let files = tree(&site.public());
    let mut checked = 0;
    for (file, bytes) in files.iter().filter(|(f, _)| f.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        let urls: Vec<String> = ["href", "src"].iter().flat_map(|a| attr_values(&html, a)).collect();
        for url in urls.iter().filter(|u| u.starts_with('/') || u.starts_with(base)) {
            checked += 1;
            let target = file_of(url, base).unwrap_or_else(|| panic!("{file}: {url} is outside /atelier/"));
            assert!(files.contains_key(&target), "{file}: {url} leads to no file ({target})");
        }
    }
    assert!(checked > 300, "only {checked} URLs were checked");
    let post = site.read("public/en/blog/open-day/index.html");
    assert_eq!(
        alternates(&post),
        [
            ("fr".to_string(), format!("{base}/blog/portes-ouvertes/")),
            ("en".to_string(), format!("{base}/en/blog/open-day/")),
            ("x-default".to_string(), format!("{base}/blog/portes-ouvertes/")),
        ]
    );
    assert!(post.contains("<a href=\"/atelier/blog/portes-ouvertes/\" hreflang=\"fr\" lang=\"fr\">Français</a>"));
    assert!(post.contains("<link rel=\"stylesheet\" href=\"/atelier/theme/style.css\">"));
    assert!(site
        .read("public/en/feed.xml")
        .contains(&format!("<link rel=\"self\" type=\"application/atom+xml\" href=\"{base}/en/feed.xml\"/>")));
}

#[test]
fn a_page_inside_another_languages_folder_is_an_error_at_its_line() {
    let site = SiteTest::fixture("montreal");
    site.write("content/pages/en.md", "---\ntitle: English\nslug: en\n---\nHello.\n");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "error: this page's URL /en/ is inside /en/, where the `en` version of the site is published\n --> content/pages/en.md:3:7\n"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help: give it another `slug:` or rename the file; to translate a page into `en`, write it beside the original as name.en.md"), "{}", run.stderr);
}

#[test]
fn a_translation_into_a_language_the_site_does_not_list_is_a_warning() {
    let site = SiteTest::fixture("montreal");
    site.write("content/pages/about.de.md", "---\ntitle: Über uns\n---\nHallo.\n");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "warning: this file is named as a `de` translation, but `de` is not one of `languages` (fr, en)\n  --> content/pages/about.de.md\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: add `de` to `languages` in site.yaml, or rename the file; it is published in fr as it is"),
        "{}",
        run.stderr
    );
    assert_eq!(site.run(&["build", "--strict"]).code, 1);
}

#[test]
fn a_one_language_site_is_unchanged() {
    // `languages: [fr]` is `language: fr`, byte for byte, and a file named
    // `x.en.md` on a one-language site keeps the slug it always had.
    let a = SiteTest::fixture("basic");
    let b = SiteTest::fixture("basic");
    let yaml = a.read("site.yaml");
    a.write("site.yaml", &format!("language: fr\n{yaml}"));
    b.write("site.yaml", &format!("languages: [fr]\n{yaml}"));
    for s in [&a, &b] {
        s.write("content/pages/notes.en.md", "---\ntitle: Notes\n---\nSome notes.\n");
        s.build_ok();
    }
    let (ta, tb) = (tree(&a.public()), tree(&b.public()));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    assert!(ta == tb, "the two builds differ");
    assert!(ta.contains_key("notes-en/index.html"));
    let home = String::from_utf8(ta["index.html"].clone()).unwrap();
    assert!(!home.contains("hreflang") && !home.contains("lang-switch"), "{home}");
}

#[test]
fn serve_picks_up_a_new_translation() {
    let site = SiteTest::fixture("montreal");
    let s = Serve::start(&site.root, &[]);
    s.wait_status("/en/blog/guide-laine/", 404);
    site.write("content/posts/2026-11-02-guide-laine.en.md", "---\ntitle: The wool guide\n---\nAll about merino.\n");
    s.wait_for("/en/blog/guide-laine/", "the new translation", |t| t.contains("All about merino."));
    s.wait_for("/blog/guide-laine/", "the alternate on the original", |t| {
        t.contains("<link rel=\"alternate\" hreflang=\"en\" href=\"http")
    });
}

#[test]
fn shared_moments_and_staff_speak_each_language_where_the_owner_wrote_it() {
    let site = SiteTest::fixture("montreal");
    let photo = site.root.join("content/moments/mitaines.jpg");
    std::fs::create_dir_all(photo.parent().unwrap()).unwrap();
    image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 4, 90])).save(&photo).unwrap();
    site.write(
        "content/moments/mitaines.yaml",
        "caption: {fr: Léa et ses nouvelles mitaines, en: Léa and her new mittens}\ncustomer: Léa\ndate: 2026-11-04\nalt: Des mitaines rouges\nconsent: true\n",
    );
    site.build_ok();
    let caption = |rel: &str| {
        let html = site.read(rel);
        let start = html.find("<h1>").unwrap_or_else(|| panic!("{rel} has no heading")) + 4;
        html[start..start + html[start..].find('<').unwrap()].to_string()
    };
    assert_eq!(caption("public/moments/mitaines/index.html"), "Léa et ses nouvelles mitaines");
    assert_eq!(caption("public/en/moments/mitaines/index.html"), "Léa and her new mittens");
    // Written once, a text is the same in every language.
    assert!(site.read("public/en/moments/mitaines/index.html").contains("alt=\"Des mitaines rouges\""));
    let member = |rel: &str| site.read(rel);
    assert!(member("public/en/staff/camille/index.html").contains("<p>Sewing since 2009.</p>"));
    assert!(member("public/en/staff/camille/index.html").contains("Seamstress"));
    assert!(member("public/staff/camille/index.html").contains("<p>Coud depuis 2009.</p>"));
    assert!(!member("public/staff/camille/index.html").contains("Seamstress"));
}

fn js(b: &mut crate::cdp::Browser, expr: &str) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let params = serde_json::json!({"expression": expr, "returnByValue": true, "awaitPromise": true});
    b.call("Runtime.evaluate", params, deadline)["result"]["value"].clone()
}

fn wait_for_path(b: &mut crate::cdp::Browser, path: &str) {
    let ready = format!("location.pathname === {path:?} && document.readyState === 'complete'");
    b.eval_until(&ready, std::time::Instant::now() + std::time::Duration::from_secs(30));
}

/// Headless Chromium on the built site: the switcher is visible, each link
/// a target of at least 24x24 CSS pixels that the keyboard reaches, and a
/// real click on "Français" opens the French version of the post.
#[test]
fn the_switcher_works_in_a_browser_with_the_mouse_and_the_keyboard() {
    use serde_json::json;
    use std::time::{Duration, Instant};
    if crate::cdp::missing("language switcher browser test") {
        return;
    }
    let site = montreal();
    let port = crate::harness::static_host(site.public(), "/", false);
    let origin = format!("http://127.0.0.1:{port}");
    let mut b = crate::cdp::Browser::launch(&site._tmp.path().join("chromium"), &["--window-size=400,800"]);
    let deadline = || Instant::now() + Duration::from_secs(30);
    b.attach_page(deadline());
    b.call("Page.enable", json!({}), deadline());
    b.call("Page.navigate", json!({"url": format!("{origin}/en/blog/open-day/")}), deadline());
    wait_for_path(&mut b, "/en/blog/open-day/");
    let links = js(
        &mut b,
        "[...document.querySelectorAll('nav.lang-switch a')].map(a => { a.focus(); const r = a.getBoundingClientRect(); \
         const s = getComputedStyle(a); return {text: a.textContent, lang: a.lang, focused: document.activeElement === a, \
         w: r.width >= 24, h: r.height >= 24, shown: s.visibility === 'visible' && s.display !== 'none' && r.width > 0}; })",
    );
    assert_eq!(
        links,
        json!([
            {"text": "Français", "lang": "fr", "focused": true, "w": true, "h": true, "shown": true},
            {"text": "English", "lang": "en", "focused": true, "w": true, "h": true, "shown": true},
        ])
    );
    assert_eq!(js(&mut b, "document.querySelector('nav.lang-switch').getAttribute('aria-label')"), json!("Language"));
    // A real click on "Français".
    let at = js(
        &mut b,
        "(() => { const a = document.querySelector('nav.lang-switch a[hreflang=fr]'); a.scrollIntoView({block: 'center'}); \
         const r = a.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()",
    );
    for kind in ["mousePressed", "mouseReleased"] {
        b.call(
            "Input.dispatchMouseEvent",
            json!({"type": kind, "x": at["x"], "y": at["y"], "button": "left", "clickCount": 1}),
            deadline(),
        );
    }
    wait_for_path(&mut b, "/blog/portes-ouvertes/");
    assert_eq!(
        js(&mut b, "[document.documentElement.lang, document.querySelector('h1').textContent]"),
        json!(["fr", "Portes ouvertes à l'atelier"])
    );
}

#[test]
fn the_site_title_and_description_may_be_written_per_language() {
    let site = SiteTest::fixture("montreal");
    let yaml = site.read("site.yaml");
    let yaml = yaml
        .replace("title: Atelier Érable\n", "title: {fr: Atelier Érable, en: Maple Workshop}\n")
        .replace(
            "description: Couvre-couches en laine, cousues à la main à Montréal.\n",
            "description:\n  fr: Couvre-couches en laine, cousues à la main à Montréal.\n  en: Wool diaper covers, sewn by hand in Montreal.\n",
        );
    site.write("site.yaml", &yaml);
    site.build_ok();
    let head = |rel: &str| {
        let html = site.read(rel);
        let title = html[html.find("<title>").unwrap() + 7..html.find("</title>").unwrap()].to_string();
        (
            title,
            html.contains("Wool diaper covers, sewn by hand in Montreal."),
            html.contains("Couvre-couches en laine"),
        )
    };
    assert_eq!(head("public/index.html"), ("Atelier Érable".to_string(), false, true));
    assert_eq!(head("public/en/index.html"), ("Maple Workshop".to_string(), true, false));
    let feed = site.read("public/en/feed.xml");
    assert!(feed.contains("<title>Maple Workshop</title>"), "{feed}");
    assert!(site.read("public/feed.xml").contains("<title>Atelier Érable</title>"));
}
