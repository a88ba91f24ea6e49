//! The site in the shop's language (issue 15, items 1-3): the default
//! theme's words, dates, hours, plurals and share-card texts follow
//! `language:`, a site's `i18n/<lang>.yaml` overrides them, and the
//! machine-read parts (JSON-LD dates, `<time datetime>`) stay ISO.

use crate::harness::{copy_dir, fixtures, json_ld, tree, SiteTest};
use shopstory::assets::cards::CardKind;
use shopstory::i18n::{BUILT_IN, ENGLISH};
use std::collections::BTreeMap;

/// `fixture` with `language: <tag>` in its site.yaml.
fn in_language(fixture: &str, tag: &str) -> SiteTest {
    let site = SiteTest::fixture(fixture);
    let config = site.read("site.yaml");
    let config = config.replacen("\nbase_url:", &format!("\nlanguage: {tag}\nbase_url:"), 1);
    assert!(config.contains(&format!("language: {tag}")), "{config}");
    site.write("site.yaml", &config);
    site
}

/// The basic shop (posts, pages, staff, hours) with the reviews fixture's
/// reviews and the post that embeds them.
fn full_shop(tag: &str) -> SiteTest {
    let site = in_language("basic", tag);
    let reviews = fixtures().join("reviews");
    copy_dir(&reviews.join("content/posts"), &site.root.join("content/posts"));
    std::fs::copy(reviews.join("data/reviews.yaml"), site.root.join("data/reviews.yaml")).unwrap();
    site
}

fn page(site: &SiteTest, rel: &str) -> String {
    site.read(&format!("public/{rel}"))
}

#[test]
fn home_post_and_reviews_pages_in_de_fr_en_us_and_pl() {
    for tag in ["de", "fr", "en-US", "pl"] {
        let site = in_language("reviews", tag);
        site.build_ok();
        for (name, rel) in
            [("home", "index.html"), ("post", "blog/kind-words/index.html"), ("reviews", "reviews/index.html")]
        {
            insta::assert_snapshot!(format!("i18n_{tag}_{name}"), page(&site, rel));
        }
    }
}

/// The words people read on a page: text between tags (not inside
/// `<script>`/`<style>`), and the attributes that are read aloud or shown.
fn readable_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push('\n');
        let tag_end = rest[lt..].find('>').map_or(rest.len(), |i| lt + i + 1);
        let tag = &rest[lt..tag_end];
        for attr in ["aria-label=\"", "alt=\"", "title=\"", "content=\"", "label=\""] {
            let mut t = tag;
            while let Some(at) = t.find(attr) {
                let v = &t[at + attr.len()..];
                let end = v.find('"').unwrap_or(v.len());
                out.push_str(&v[..end]);
                out.push('\n');
                t = &v[end..];
            }
        }
        rest = &rest[tag_end..];
        for raw in ["<script", "<style"] {
            if tag.starts_with(raw) {
                let close = format!("</{}", &raw[1..]);
                rest = rest.find(&close).map_or("", |i| &rest[i..]);
            }
        }
    }
    out.push_str(rest);
    out.replace("&#x27;", "'").replace("&quot;", "\"").replace("&amp;", "&")
}

/// Every English interface phrase that German writes differently: the
/// fixed parts of each English string (between placeholders), with at
/// least one word of three letters.
fn english_phrases() -> Vec<String> {
    let table = |text: &str| -> BTreeMap<String, Vec<String>> {
        let value: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        value
            .as_mapping()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                let forms = match v {
                    serde_yaml::Value::String(s) => vec![s.clone()],
                    serde_yaml::Value::Mapping(m) => m.values().filter_map(|v| v.as_str().map(String::from)).collect(),
                    _ => Vec::new(),
                };
                (k.as_str().unwrap().to_string(), forms)
            })
            .collect()
    };
    let english = table(ENGLISH);
    let german = table(BUILT_IN.iter().find(|(l, _)| *l == "de").unwrap().1);
    let mut phrases = Vec::new();
    for (key, forms) in &english {
        for form in forms {
            for part in form.split(['{', '}']).step_by(2) {
                let part = part.trim_matches(|c: char| !c.is_alphanumeric());
                let has_word = part.split(|c: char| !c.is_alphabetic()).any(|w| w.chars().count() >= 3);
                if has_word && !german[key].iter().any(|g| g.contains(part)) && !phrases.contains(&part.to_string()) {
                    phrases.push(part.to_string());
                }
            }
        }
    }
    phrases
}

#[test]
fn a_german_site_shows_no_english_interface_word() {
    let phrases = english_phrases();
    // The list is the whole interface, not a sample.
    for p in ["Read our blog", "Share this post", "min read", "Newer post", "Opening hours", "out of 5", "reviews"] {
        assert!(phrases.iter().any(|x| x == p), "`{p}` is not in the list: {phrases:?}");
    }
    let shops = [full_shop("de"), in_language("videos", "de")];
    let moments = crate::moments::site();
    let config = moments.read("site.yaml").replacen("\nbase_url:", "\nlanguage: de\nbase_url:", 1);
    moments.write("site.yaml", &config);
    let mut found = Vec::new();
    let mut pages = 0;
    for site in shops.iter().chain([&moments]) {
        site.build_ok();
        for (path, bytes) in tree(&site.public()) {
            if !path.ends_with(".html") {
                continue;
            }
            pages += 1;
            let text = readable_text(&String::from_utf8(bytes).unwrap());
            let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
            for p in &phrases {
                // A phrase anywhere; a single interface word (`Reviews`,
                // `Updated`) as a whole word. Lower-case single words (`and`,
                // `from`) are the owner's English content, not interface.
                let hit = if p.contains(' ') {
                    text.contains(p.as_str())
                } else {
                    p.starts_with(char::is_uppercase) && words.contains(&p.as_str())
                };
                if hit {
                    found.push(format!("{path}: `{p}`"));
                }
            }
        }
    }
    assert!(pages > 30, "{pages}");
    assert_eq!(found, Vec::<String>::new());
    // The same scan finds the English words of an English site.
    let english = in_language("basic", "en");
    english.build_ok();
    let text = readable_text(&page(&english, "index.html"));
    let hits: Vec<&String> = phrases.iter().filter(|p| p.contains(' ') && text.contains(p.as_str())).collect();
    assert!(hits.len() > 5, "{hits:?}");
}

/// The text of every `<time>` element of a page, in order.
fn times(html: &str) -> Vec<String> {
    html.split("<time ").skip(1).map(|t| t[t.find('>').unwrap() + 1..t.find("</time>").unwrap()].to_string()).collect()
}

#[test]
fn dates_and_hours_read_the_way_the_locale_writes_them() {
    let cases = [
        ("de", "5. November 2026", "Dienstag bis Samstag, 10:00–17:00"),
        ("fr", "5 novembre 2026", "Mardi au samedi, 10:00–17:00"),
        ("es", "5 de noviembre de 2026", "Martes a sábado, 10:00–17:00"),
        ("en-US", "November 5, 2026", "Tuesday to Saturday, 10:00\u{202f}AM–5:00\u{202f}PM"),
        ("en-GB", "5 November 2026", "Tuesday to Saturday, 10:00–17:00"),
        ("pl", "5 listopada 2026", "Wtorek–sobota, 10:00–17:00"),
    ];
    for (tag, updated, hours) in cases {
        let site = in_language("basic", tag);
        site.build_ok();
        let post = page(&site, "blog/dye-with-onion-skins/index.html");
        assert_eq!(times(&post)[1], updated, "{tag}");
        assert!(post.contains("<time datetime=\"2026-11-05\">"), "{tag}: the machine-read date stays ISO");
        let ld = json_ld(&post);
        assert_eq!(ld["dateModified"], "2026-11-05T00:00:00Z", "{tag}");
        let home = page(&site, "index.html");
        assert!(home.contains(&format!("<li>{hours}</li>")), "{tag}: {hours}");
        let home_ld = json_ld(&home);
        assert_eq!(home_ld["openingHours"], serde_json::json!(["Tu-Sa 10:00-17:00"]), "{tag}: schema.org hours stay");
    }
}

#[test]
fn og_locale_feed_and_json_ld_say_the_language() {
    let site = in_language("basic", "de");
    site.build_ok();
    let home = page(&site, "index.html");
    assert!(home.starts_with("<!doctype html>\n<html lang=\"de\">"), "{}", &home[..60]);
    assert!(home.contains("<meta property=\"og:locale\" content=\"de_DE\">"));
    assert!(page(&site, "feed.xml").contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"de\">"));
    let post = json_ld(&page(&site, "blog/dye-with-onion-skins/index.html"));
    assert_eq!(post["inLanguage"], "de");
    let not_found = page(&site, "404.html");
    assert!(not_found.contains("<h1>Seite nicht gefunden</h1>"), "{not_found}");
    assert!(not_found.contains("<title>Seite nicht gefunden · Tea &amp; Thread</title>"), "{not_found}");
    let site = in_language("basic", "pt-BR");
    site.build_ok();
    assert!(page(&site, "index.html").contains("<meta property=\"og:locale\" content=\"pt_BR\">"));
}

#[test]
fn right_to_left_languages_get_dir_rtl_and_english_words_with_a_warning() {
    let site = in_language("basic", "ar");
    let run = site.build_ok();
    assert!(run.stderr.contains("shopstory has no built-in translation for `ar`"), "{}", run.stderr);
    let home = page(&site, "index.html");
    assert!(home.starts_with("<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">"), "{}", &home[..60]);
    let css = page(&site, "theme/style.css");
    assert!(!css.contains("border-left:") && !css.contains("text-align:left"), "the layout mirrors");
}

#[test]
fn a_sites_own_file_overrides_words_and_a_misspelt_key_is_an_error() {
    let site = in_language("basic", "de");
    site.write(
        "i18n/de.yaml",
        "read_our_blog: Zum Blog\nposts_count: { one: \"ein Beitrag\", other: \"{n} Beiträge\" }\n",
    );
    site.build_ok();
    let home = page(&site, "index.html");
    assert!(home.contains(">Zum Blog</a>"), "{home}");
    assert!(home.contains(">Öffnungszeiten<"), "built-in strings stay");
    assert!(page(&site, "tags/community/index.html").contains("<p class=\"page-sub\">ein Beitrag · "));
    site.write("i18n/de.yaml", "read_our_blog: Zum Blog\nread_our_blgo: Zum Blog\n");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("i18n/de.yaml:2:1"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `read_our_blog`?"), "{}", run.stderr);
}

#[test]
fn a_language_without_a_table_takes_the_site_file_and_strict_fails_on_gaps() {
    let site = in_language("basic", "ga");
    site.write("i18n/ga.yaml", "read_our_blog: Léigh ár mblag\n");
    let run = site.build_ok();
    assert!(run.stderr.contains("translation keys are missing, so English shows for them"), "{}", run.stderr);
    assert!(page(&site, "index.html").contains(">Léigh ár mblag</a>"));
    let strict = site.run(&["build", "--strict"]);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
}

#[test]
fn a_malformed_language_tag_is_an_error() {
    let site = in_language("basic", "de-12");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("`de-12` is not a language tag"), "{}", run.stderr);
}

#[test]
fn share_cards_carry_the_localised_texts() {
    let site = full_shop("de");
    let opts = shopstory::options::BuildOptions::new(&site.root, None, shopstory::report::Verbosity::Quiet);
    let outcome = shopstory::check(&opts);
    assert!(!outcome.diags.has_errors());
    let mut texts: Vec<(String, String)> = outcome
        .planned_cards
        .values()
        .filter_map(|c| match &c.kind {
            CardKind::Drawn(spec) => Some((spec.title.clone(), spec.subtitle.clone())),
            _ => None,
        })
        .filter(|(title, _)| {
            ["Dye with onion skins", "Bewertungen", "Ada Lyons", "Kind words"].contains(&title.as_str())
        })
        .collect();
    texts.sort();
    assert_eq!(
        texts,
        [
            ("Ada Lyons".to_string(), "Owner".to_string()),
            ("Bewertungen".to_string(), "aus 4 Bewertungen".to_string()),
            ("Dye with onion skins".to_string(), "2. November 2026 · von Ada Lyons".to_string()),
            ("Kind words".to_string(), "21. November 2026".to_string()),
        ]
    );
}
