//! Issue 17 items 1, 3, 5 and 6: the site search (index, page, header box,
//! Chromium typing a word), captions and tall photos, the contact page
//! `/visit/` with its hours checked, social icons, and optional analytics.
//! One small café site, written here with real photos, is built by the real
//! binary; the browser tests run where `/usr/bin/chromium` exists.

mod analytics;
mod browser;
mod captions;
mod search;
mod visit;

use crate::harness::SiteTest;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

pub(crate) const SITE_YAML: &str = "title: Café Mañana
base_url: https://cafe.example/
shop:
  name: Café Mañana
  address: { street: 3 Rue de l'Épée, city: Québec, region: QC, postal_code: G1R 4P5, country: CA }
  phone: \"+1 418 555 0199\"
  email: bonjour@cafe.example
  hours:
    - \"Tu-Fr 08:00-17:00\"
    - \"Sa 09:00-15:00\"
  social: { instagram: https://www.instagram.com/cafemanana, facebook: https://www.facebook.com/cafemanana, mastodon: https://mastodon.example/@cafe }
";

/// A JPEG of `w` x `h` pixels, a soft gradient.
pub(crate) fn photo(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 140]));
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).unwrap();
    out
}

/// The café: two posts (one with accents in its title and a captioned
/// portrait photo), a page, a portrait moment and two reviews.
pub(crate) fn cafe() -> SiteTest {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    let site = SiteTest { _tmp: tmp, root };
    site.write("site.yaml", SITE_YAML);
    site.write(
        "content/posts/2026-11-03-creme-brulee.md",
        "---\ntitle: Crème brûlée for the holidays\ndescription: Our crème brûlée latte is back, with a caramel crust.\ntags: [drinks]\n---\n\nThe latte everyone asks for in December.\n\n![A tall glass of latte](tall.jpg \"Our first brûlée latte of the season\")\n\nServed warm, with a crackling top.\n",
    );
    std::fs::write(site.root.join("content/posts/tall.jpg"), photo(600, 1200)).unwrap();
    site.write(
        "content/posts/2026-10-01-espresso.md",
        "---\ntitle: Espresso basics\n---\n\nHow we pull a shot: eighteen grams, thirty seconds, and a naïve question answered.\n",
    );
    site.write("content/pages/about.md", "---\ntitle: About the café\n---\n\nA small café on a steep street.\n");
    site.write(
        "content/moments/lea-flat-white.yaml",
        "caption: Léa's first flat white.\ncustomer: Léa\ndate: 2026-10-20\nconsent: true\nalt: Léa holding a cup by the window\n",
    );
    std::fs::write(site.root.join("content/moments/lea-flat-white.jpg"), photo(600, 1200)).unwrap();
    site.write(
        "data/reviews.yaml",
        "- id: r-ana\n  author: Ana\n  rating: 5\n  date: 2026-11-10\n  text: The brûlée latte is perfect.\n- id: r-bo\n  author: Bo\n  rating: 4\n  date: 2026-10-02\n  text: Good espresso, friendly people.\n",
    );
    site
}

/// `html` between `start` and the next `end` (both included).
pub(crate) fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no `{start}` in {html}"));
    let to = html[from..].find(end).unwrap_or_else(|| panic!("no `{end}` after `{start}`")) + from + end.len();
    &html[from..to]
}

/// The text of an HTML fragment, tags dropped, spaces collapsed.
pub(crate) fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
