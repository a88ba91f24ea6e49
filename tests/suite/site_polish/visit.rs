//! Item 5: `/visit/` made from `shop:` (unless the owner wrote one), in the
//! site's language, with a map link and no embedded map; social links with
//! first-party icons in the footer; opening hours only in the form JSON-LD
//! can express, free text an error at its line.

use super::{between, cafe, text, SITE_YAML};
use crate::harness::json_ld;

#[test]
fn the_contact_page_comes_from_the_shop_settings() {
    let site = cafe();
    site.build_ok();
    let page = site.read("public/visit/index.html");
    assert_eq!(
        text(between(&page, "<main id=\"main\">", "</main>")),
        "Visit us Address Café Mañana 3 Rue de l'Épée Québec, QC G1R 4P5 CA Find us on the map \
         Opening hours Tuesday to Friday, 08:00–17:00 Saturday, 09:00–15:00 \
         Phone +1 418 555 0199 Email bonjour@cafe.example \
         Follow along Facebook Instagram Mastodon"
    );
    assert!(page.contains(
        "<a class=\"button button-quiet\" href=\"https://www.openstreetmap.org/search?query=3%20Rue%20de%20l%27%C3%89p%C3%A9e%2C%20Qu%C3%A9bec%2C%20QC%20G1R%204P5%2C%20CA\" rel=\"noopener\">Find us on the map</a>"
    ), "{page}");
    assert!(page.contains("<a href=\"tel:+14185550199\">+1 418 555 0199</a>"));
    assert!(!page.contains("<iframe"), "no embedded map");
    let ld = json_ld(&page);
    assert_eq!(ld["@type"], "ContactPage");
    assert_eq!(ld["about"]["openingHours"], serde_json::json!(["Tu-Fr 08:00-17:00", "Sa 09:00-15:00"]));
    // In the main navigation, and in the sitemap.
    let home = site.read("public/index.html");
    assert!(home.contains("<li><a href=\"/visit/\">Visit</a></li>"), "{home}");
    assert!(site.read("public/sitemap.xml").contains("<loc>https://cafe.example/visit/</loc>"));
    // The footer's social links carry their icons, drawn in the page (no request).
    let footer = between(&home, "<footer class=\"site-footer\">", "</footer>");
    let links: Vec<&str> = footer.match_indices("<a class=\"social-link\"").map(|(i, _)| &footer[i..]).collect();
    assert_eq!(links.len(), 3);
    for (link, label) in links.iter().zip(["Facebook", "Instagram", "Mastodon"]) {
        let link = &link[..link.find("</a>").unwrap()];
        assert!(link.contains("<svg class=\"social-icon\" viewBox=\"0 0 24 24\""), "{link}");
        assert!(link.ends_with(&format!("</svg><span>{label}</span>")), "{link}");
    }
}

#[test]
fn the_owners_own_visit_page_wins_and_an_empty_shop_has_none() {
    let site = cafe();
    site.write("content/pages/visit.md", "---\ntitle: Come and see us\n---\n\nUp the steep street.\n");
    site.build_ok();
    let page = site.read("public/visit/index.html");
    assert!(page.contains("<h1>Come and see us</h1>") && page.contains("Up the steep street."), "{page}");
    // The menu's link and the home's "Visit the shop" button (issue 17 item 2).
    assert_eq!(site.read("public/index.html").matches("href=\"/visit/\"").count(), 2);

    let bare = cafe();
    bare.write("site.yaml", "title: Café Mañana\nbase_url: https://cafe.example/\n");
    bare.build_ok();
    assert!(!bare.public().join("visit").exists());
}

#[test]
fn the_contact_page_speaks_the_sites_language() {
    let site = cafe();
    site.write("site.yaml", &SITE_YAML.replace("base_url:", "language: de\nbase_url:"));
    site.build_ok();
    let page = site.read("public/visit/index.html");
    assert_eq!(
        text(between(&page, "<h1>", "</dl>")),
        "Besuchen Sie uns Adresse Café Mañana 3 Rue de l'Épée Québec, QC G1R 4P5 CA Auf der Karte finden \
         Öffnungszeiten Dienstag bis Freitag, 08:00–17:00 Samstag, 09:00–15:00 Telefon +1 418 555 0199 E-Mail bonjour@cafe.example"
    );
    assert!(site.read("public/index.html").contains("<li><a href=\"/visit/\">Besuch</a></li>"));
}

#[test]
fn free_text_hours_are_an_error_with_the_expected_form() {
    let site = cafe();
    site.write("site.yaml", &SITE_YAML.replace("\"Sa 09:00-15:00\"", "Tue-Fri 10am-6pm"));
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: shop.hours `Tue-Fri 10am-6pm` is not in the form `Mo-Fr 10:00-18:00`\n  --> site.yaml:10:5\n   |\n10 |     - Tue-Fri 10am-6pm\n   |     ^^^^^^^^^^^^^^^^^^\n   = help: write the days as Mo Tu We Th Fr Sa Su (a range with `-`, a list with `,`), a space, then 24-hour times: \"Tu-Fr 10:00-18:00\", \"Sa 09:00-12:00,13:00-16:00\"; one line per group of days\n"
        ),
        "{}",
        run.stderr
    );
}
