use super::*;
use crate::diag::render::all_to_text;
use crate::diag::Diagnostics;
use std::sync::Arc;

fn parse(text: &str) -> (SiteConfig, String) {
    let mut diags = Diagnostics::new();
    diags.add_source(CONFIG_FILE, Arc::from(text));
    let c = parse_config(Some(text), &mut diags);
    (c, all_to_text(&diags))
}

#[test]
fn defaults_apply() {
    let (c, errs) = parse("title: Shop\nbase_url: https://shop.example/\n");
    assert_eq!(errs, "");
    assert_eq!(c.base_url, "https://shop.example");
    assert_eq!(c.posts.per_page, 10);
    assert_eq!(c.images.widths, vec![480, 960, 1600]);
    assert_eq!(c.shop.name, "Shop");
    assert!(c.moments.require_consent);
}

#[test]
fn unknown_keys_suggest_the_nearest() {
    let (_, errs) = parse("title: Shop\nbaseurl: https://shop.example\nbrand:\n  colour: \"#fff\"\n");
    assert!(errs.contains("unknown key `baseurl` in site.yaml"), "{errs}");
    assert!(errs.contains("site.yaml:2:1"), "{errs}");
    assert!(errs.contains("did you mean `base_url`?"), "{errs}");
    assert!(errs.contains("unknown key `colour` in brand"), "{errs}");
    assert!(errs.contains("site.yaml:4:3"), "{errs}");
    assert!(errs.contains("did you mean `color`?"), "{errs}");
    assert!(errs.contains("site.yaml has no `base_url`"), "{errs}");
}

#[test]
fn bad_values_are_reported_at_their_line() {
    let (c, errs) = parse(
        "title: Shop\nbase_url: shop.example\nbrand:\n  color: green\nposts:\n  per_page: 0\nimages:\n  formats: [gif]\n",
    );
    assert!(errs.contains("base_url `shop.example` is not a web address\n --> site.yaml:2:11"), "{errs}");
    assert!(errs.contains("brand.color `green` is not a colour\n --> site.yaml:4:10"), "{errs}");
    assert!(errs.contains("posts.per_page must be at least 1"), "{errs}");
    assert!(errs.contains("`gif` is not a format"), "{errs}");
    assert_eq!(c.posts.per_page, 10);
}

#[test]
fn paths_are_checked_at_their_line() {
    let (c, errs) = parse(
        "title: Shop\nbase_url: https://shop.example\nposts: { per_page: 2, permalink: \"/../../victim/{slug}.html\" }\nshop:\n  logo: ../logo.png\n",
    );
    assert_eq!(
        errs,
        "error: posts.permalink `/../../victim/{slug}.html`: it has a `..` folder, which would lead out of the output folder\n --> site.yaml:3:8\n  |\n3 | posts: { per_page: 2, permalink: \"/../../victim/{slug}.html\" }\n  |        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  = help: write a path inside the site, of letters, digits, `-` and `/`, such as `/blog/{slug}/` or `/{year}/{month}/{slug}/`\n\n\
         error: shop.logo `../logo.png`: it points outside the site folder\n --> site.yaml:5:9\n  |\n5 |   logo: ../logo.png\n  |         ^^^^^^^^^^^\n  = help: put the logo inside the site folder and write its path from there, such as static/logo.png\n\n"
    );
    assert_eq!((c.posts.permalink.as_str(), c.shop.logo), ("/blog/{slug}/", None));
}

#[test]
fn missing_file_says_what_to_do() {
    let mut diags = Diagnostics::new();
    parse_config(None, &mut diags);
    let text = all_to_text(&diags);
    assert!(text.contains("shopstory init"), "{text}");
}

#[test]
fn title_and_description_may_be_written_per_language() {
    let (c, errs) = parse(
        "title: {en: Maple Workshop, fr: Atelier Érable}\ndescription: {fr: Couvre-couches, en: Wool covers, de: Wollhosen}\nbase_url: https://a.example\nlanguages: [fr, en]\n",
    );
    // The default language's text is the site's own, wherever it is written.
    assert_eq!(c.title, "Atelier Érable");
    assert_eq!(c.description, "Couvre-couches");
    assert_eq!(c.shop.name, "Atelier Érable");
    assert_eq!(
        crate::parse::translatable::text_in(&c.texts, "title", "en").map(String::as_str),
        Some("Maple Workshop")
    );
    assert_eq!(
        errs,
        "warning: `description` has a text in `de`, which is not one of the site's languages (fr, en)\n --> site.yaml:2:14\n  |\n2 | description: {fr: Couvre-couches, en: Wool covers, de: Wollhosen}\n  |              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  = help: add `de` to `languages`, or remove its text; it is not published\n\n"
    );
}

#[test]
fn home_and_menu_are_read_in_both_forms() {
    let (c, errs) = parse(
        "title: Shop\nbase_url: https://shop.example\nhome:\n  hero: static/front.jpg\n  sections: [visit, posts]\nmenu:\n  items:\n    - blog\n    - { page: about, label: Our story }\n    - { label: Shop, url: \"https://shop.example/buy\" }\n  hide: [team]\n",
    );
    assert_eq!(errs, "");
    assert_eq!(c.home.hero, Some(Hero { photo: "static/front.jpg".into(), alt: String::new() }));
    assert_eq!(c.home.sections, ["visit", "posts"]);
    let names: Vec<String> = c
        .menu
        .items
        .iter()
        .map(|i| match i {
            MenuItem::Page { page, label } => format!("{}={}", page.name, label.clone().unwrap_or_default()),
            MenuItem::Link { label, url } => format!("{label}->{url}"),
        })
        .collect();
    assert_eq!(names, ["blog=", "about=Our story", "Shop->https://shop.example/buy"]);
    assert_eq!(c.menu.hide.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(), ["team"]);
    let (c, errs) =
        parse("title: Shop\nbase_url: https://shop.example\nhome:\n  hero: { photo: a.jpg, alt: The door }\n");
    assert_eq!(errs, "");
    assert_eq!(c.home.hero, Some(Hero { photo: "a.jpg".into(), alt: "The door".into() }));
    assert_eq!(c.home.sections, HOME_SECTIONS);
}

#[test]
fn a_bad_home_or_menu_is_an_error_at_its_line() {
    let (c, errs) = parse(
        "title: Shop\nbase_url: https://shop.example\nhome:\n  hero: ../../etc/passwd.jpg\n  sections:\n    - posts\n    - evnts\nmenu:\n  items:\n    - { label: Shop, url: \"javascript:alert(1)\" }\n    - Blog\n",
    );
    assert_eq!(
        errs,
        "error: home.hero `../../etc/passwd.jpg`: it points outside the site folder\n --> site.yaml:4:9\n  |\n4 |   hero: ../../etc/passwd.jpg\n  |         ^^^^^^^^^^^^^^^^^^^^\n  = help: write the photo's path from the site folder: `hero: static/shop-front.jpg`, or with a description for visitors who cannot see it: `hero: { photo: static/shop-front.jpg, alt: \"The shop window on Harbor Street\" }`\n\n\
         error: home.sections: `evnts` is not a section of the home page\n --> site.yaml:7:5\n  |\n7 |     - evnts\n  |     ^^^^^^^\n  = help: did you mean `events`? the sections are: posts, events, moments, team, reviews, visit\n\n\
         error: menu link `javascript:alert(1)`: it is not a web address, an email or a path of this site\n  --> site.yaml:10:5\n   |\n10 |     - { label: Shop, url: \"javascript:alert(1)\" }\n   |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n   = help: write a full address (https://shop.example/book), an email (mailto:hello@myshop.example) or a path of this site (/gift-cards/)\n\n\
         error: `Blog` is not a menu name\n  --> site.yaml:11:5\n   |\n11 |     - Blog\n   |     ^^^^^^\n   = help: an item is a page's name (`blog`, `about`), a page with its own label (`{ page: blog, label: Journal }`) or a link (`{ label: Shop, url: \"https://shop.example\" }`)\n\n"
    );
    assert_eq!((c.home.hero, c.home.sections.len(), c.menu.items.len()), (None, HOME_SECTIONS.len(), 0));
}
