//! Item 1 without a browser: the index names every post, page, moment and
//! review with its words folded; the page works as a form without
//! JavaScript; `search: false` leaves both out.

use super::{between, cafe};
use serde_json::{json, Value};

fn index(site: &crate::harness::SiteTest) -> Value {
    serde_json::from_str(&site.read("public/search/index.json")).unwrap()
}

/// The documents of the words starting with `prefix`, as the browser reads them.
fn find(index: &Value, prefix: &str) -> Vec<u64> {
    let words = index["words"].as_array().unwrap();
    let mut found = std::collections::BTreeSet::new();
    for (i, w) in words.iter().enumerate() {
        if !w.as_str().unwrap().starts_with(prefix) {
            continue;
        }
        let list = index["docs_of"][i].as_str().unwrap();
        if let Some(bitmap) = list.strip_prefix('~') {
            // Six documents to a character, the lowest first.
            const DIGITS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
            for (c, ch) in bitmap.chars().enumerate() {
                let bits = DIGITS.find(ch).unwrap();
                found.extend((0..6).filter(|b| bits & (1 << b) != 0).map(|b| (c * 6 + b) as u64));
            }
            continue;
        }
        let mut n = 0;
        for gap in list.split(',') {
            n += u64::from_str_radix(gap, 36).unwrap();
            found.insert(n);
        }
    }
    found.into_iter().collect()
}

#[test]
fn the_index_lists_every_kind_of_page_with_folded_words() {
    let site = cafe();
    site.build_ok();
    let index = index(&site);
    assert_eq!(index["kinds"], json!(["Post", "Video", "Page", "Customer moment", "Review", "Event"]));
    assert_eq!(
        index["docs"],
        json!([
            [0, "Crème brûlée for the holidays", "/blog/creme-brulee/", "2026-11-03", "3 November 2026", "Our crème brûlée latte is back, with a caramel crust."],
            [0, "Espresso basics", "/blog/espresso/", "2026-10-01", "1 October 2026", "How we pull a shot: eighteen grams, thirty seconds, and a naïve question answered."],
            [2, "About the café", "/about/", "", "", "A small café on a steep street."],
            [2, "Visit us", "/visit/", "", "", "Where to find Café Mañana, when we are open and how to reach us. 3 Rue de l'Épée Québec QC G1R 4P5 CA Tuesday to Friday, 08:00–17:00 Saturday, 09:00–15:00 +1…"],
            [3, "Léa's first flat white.", "/moments/lea-flat-white/", "2026-10-20", "20 October 2026", "Léa Léa holding a cup by the window"],
            [4, "Review by Ana", "/reviews/#r-ana", "2026-11-10", "10 November 2026", "The brûlée latte is perfect."],
            [4, "Review by Bo", "/reviews/#r-bo", "2026-10-02", "2 October 2026", "Good espresso, friendly people."],
        ])
    );
    // Accents and case folded; a prefix finds the whole word; words from the body count.
    assert_eq!(find(&index, "brulee"), [0, 5]);
    assert_eq!(find(&index, "bru"), [0, 5]);
    assert_eq!(find(&index, "naive"), [1]);
    assert_eq!(find(&index, "crackling"), [0], "a word deep in the body");
    assert_eq!(find(&index, "quebec"), [3]);
    assert_eq!(find(&index, "lea"), [4]);
    assert_eq!(find(&index, "espresso"), [1, 6]);
    // A word most documents hold is written as a bitmap, and reads the same.
    let a = index["words"].as_array().unwrap().iter().position(|w| w == "a").unwrap();
    assert_eq!(index["docs_of"][a], "~N0", "{index}");
    assert_eq!(find(&index, "cafe"), [2, 3]);
    let words: Vec<&str> = index["words"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(words.windows(2).all(|w| w[0] < w[1]), "sorted, each once");
    assert!(words.iter().all(|w| w.chars().all(|c| !c.is_uppercase() && !"éèêëàâäïîôöûüçñ".contains(c))), "{words:?}");
}

#[test]
fn the_page_is_a_form_that_says_what_to_do_without_javascript() {
    let site = cafe();
    site.build_ok();
    let page = site.read("public/search/index.html");
    assert!(page.contains("<script src=\"/theme/search.js\" defer></script>"));
    assert!(page.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert_eq!(
        between(&page, "<noscript>", "</noscript>").split_whitespace().collect::<Vec<_>>().join(" "),
        "<noscript> <p>Search needs JavaScript, which is off in this browser. Browse instead:</p> <ul class=\"plain-list\"> \
         <li><a href=\"/blog/\">Blog</a></li> <li><a href=\"/moments/\">Moments</a></li> <li><a href=\"/about/\">About the café</a></li> \
         <li><a href=\"/reviews/\">Reviews</a></li> <li><a href=\"/visit/\">Visit</a></li> <li><a href=\"/tags/\">Tags</a></li> </ul> </noscript>"
    );
    assert_eq!(
        between(&page, "<p id=\"search-status\"", "</ol>"),
        "<p id=\"search-status\" class=\"search-status\" role=\"status\" aria-live=\"polite\"></p>\n  <ol id=\"search-results\" class=\"search-results\"></ol>"
    );
    // Every page has the box in its header, a GET form to /search/ with a labelled field.
    let home = site.read("public/index.html");
    assert_eq!(
        between(&home, "<form class=\"site-search\"", "</form>"),
        "<form class=\"site-search\" role=\"search\" action=\"/search/\" method=\"get\">\n      \
         <label class=\"visually-hidden\" for=\"site-search-q\">Search the site</label>\n      \
         <input id=\"site-search-q\" type=\"search\" name=\"q\" autocomplete=\"off\" enterkeyhint=\"search\">\n      \
         <button type=\"submit\">Search</button>\n    </form>"
    );
    // The script is first-party and small.
    let js = site.read("public/theme/search.js");
    assert!(js.len() < 8 * 1024, "{} bytes", js.len());
    assert!(!js.contains("http://") && !js.contains("https://"), "search.js names no other site");
    // Not in the sitemap.
    assert!(!site.read("public/sitemap.xml").contains("/search/"));
}

#[test]
fn search_false_leaves_out_the_page_the_index_and_the_box() {
    let site = cafe();
    site.write("site.yaml", &format!("{}search: false\n", super::SITE_YAML));
    site.build_ok();
    assert!(!site.public().join("search").exists());
    assert!(!site.read("public/index.html").contains("site-search"));
    site.write("site.yaml", &format!("{}search: maybe\n", super::SITE_YAML));
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error: `search` must be true or false\n  --> site.yaml:12:9"), "{}", run.stderr);
}

#[test]
fn under_a_sub_path_the_index_links_there() {
    let site = cafe();
    site.run_ok(&["build", "--base-url", "https://example.github.io/cafe/"]);
    let index = index(&site);
    let urls: Vec<&str> = index["docs"].as_array().unwrap().iter().map(|d| d[2].as_str().unwrap()).collect();
    assert_eq!(
        urls,
        [
            "/cafe/blog/creme-brulee/",
            "/cafe/blog/espresso/",
            "/cafe/about/",
            "/cafe/visit/",
            "/cafe/moments/lea-flat-white/",
            "/cafe/reviews/#r-ana",
            "/cafe/reviews/#r-bo"
        ]
    );
    let page = site.read("public/search/index.html");
    assert!(
        page.contains("<form id=\"search-form\" class=\"search-form\" role=\"search\" action=\"/cafe/search/\""),
        "{page}"
    );
}

#[test]
fn an_owners_own_search_page_is_kept() {
    let site = cafe();
    site.write("content/pages/search.md", "---\ntitle: Find things\n---\n\nOur own search page.\n");
    site.build_ok();
    let page = site.read("public/search/index.html");
    assert!(page.contains("<h1>Find things</h1>") && !page.contains("search.js"), "{page}");
    assert!(index(&site)["docs"].as_array().unwrap().iter().any(|d| d[1] == "Find things"));
}

/// Posts stream (issue 16): each post's page is written right after its
/// body, and all but the feed's newest posts drop their HTML. The index
/// still holds the words of every post's body, the oldest's too, and each
/// word finds its post only.
#[test]
fn the_body_words_of_every_post_are_found_however_many_posts() {
    let site = cafe();
    const NOTES: usize = 24; // more than the feed's 20 newest posts
    for n in 1..=NOTES {
        site.write(
            &format!("content/posts/2026-01-{n:02}-note-{n}.md"),
            &format!("---\ntitle: Note {n}\n---\n\nA short note about the Zanzibar{n}x blend.\n"),
        );
    }
    site.build_ok();
    let index = index(&site);
    let urls: Vec<String> =
        index["docs"].as_array().unwrap().iter().map(|d| d[2].as_str().unwrap().to_string()).collect();
    for n in 1..=NOTES {
        let doc = urls.iter().position(|u| u.starts_with("/blog/") && u.ends_with(&format!("-{n}/"))).unwrap();
        assert_eq!(find(&index, &format!("zanzibar{n}x")), [doc as u64], "note {n} in {urls:?}");
    }
    assert_eq!(find(&index, "zanzibar").len(), NOTES);
}
