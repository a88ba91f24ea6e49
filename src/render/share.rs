//! Which picture each page shows when it is shared (`og:image`,
//! `twitter:image`, Pinterest's `media`). With `share_cards: true` (the
//! default) every page gets a card drawn by shopstory: this module decides
//! its layout and texts from the page (a post's title, date and cover, a
//! staff member's role and portrait, the average rating of a reviews page)
//! and names the card file; `assets::cards::execute` draws it later, in
//! `build`. A page's `share_image:` replaces its card with that photo
//! cropped to 1200x630. With `share_cards: false` a page keeps the cover or
//! logo that `meta` gave it. Pure: plans names, draws nothing.
//!
//! A character the card fonts lack is a warning naming the page, never a
//! silent empty box on the card.

use super::seo;
use super::views::{PageMeta, ShareImageView};
use crate::assets::cards::{CardPhoto, CardSpec, Fonts, Layout, PlannedCard, HEIGHT, WIDTH};
use crate::assets::PlannedImage;
use crate::diag::Diagnostics;
use crate::model::moments::Moment;
use crate::model::{Doc, ImageUse, Site};
use crate::parse::config::CONFIG_FILE;
use crate::paths::absolute_url;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What a page's card shows, before colours and fonts.
struct Look<'a> {
    layout: Layout,
    title: String,
    subtitle: String,
    photo: Option<&'a ImageUse>,
    rating: Option<f32>,
    /// The page's `share_image:`.
    share_image: Option<&'a PlannedImage>,
    /// Where a character the fonts lack is reported.
    file: String,
}

/// The site's lookups by URL.
struct Index<'a> {
    posts: HashMap<&'a str, &'a Doc>,
    pages: HashMap<&'a str, &'a Doc>,
    staff: HashMap<&'a str, usize>,
    moments: HashMap<&'a str, &'a Moment>,
}

/// `https://shop.example/` → `shop.example`.
fn domain(base_url: &str) -> String {
    let s = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    s.trim_end_matches('/').trim_start_matches("www.").to_string()
}

/// "Blog, page 2 of 5" → "Blog": every page of a listing shares its first
/// page's card. `pattern` is the language's `heading_page_of`.
fn without_page_number<'h>(heading: &'h str, url: &str, pattern: &str) -> &'h str {
    // What follows the title in "{title}, page {n} of {total}": ", page ".
    let after = pattern.strip_prefix("{title}").and_then(|rest| rest.split('{').next()).unwrap_or("");
    match heading.rsplit_once(after) {
        Some((title, _)) if url.contains("/page/") && !after.is_empty() => title,
        _ => heading,
    }
}

/// "12 May 2026 · by Ana".
fn byline(site: &Site, doc: &Doc) -> String {
    let i18n = &site.config.i18n;
    let mut parts = Vec::new();
    if let Some(d) = doc.date {
        parts.push(i18n.date_long(d.date));
    }
    if let Some(a) = doc.author {
        parts.push(i18n.tf("card_by", &[("name", &site.staff[a].name)]));
    }
    parts.join(" · ")
}

fn post_look<'a>(site: &'a Site, doc: &'a Doc) -> Look<'a> {
    let byline = byline(site, doc);
    let (layout, photo, subtitle) = match &doc.video {
        Some(v) => {
            let poster = match &v.poster {
                crate::model::video::Poster::Photo(p) => Some(p),
                crate::model::video::Poster::Drawn { .. } => None,
            };
            let mut sub = site.config.i18n.t("card_video").to_string();
            if let Some(s) = v.duration_seconds {
                sub.push_str(&format!(" ({})", crate::embeds::clock_duration(s)));
            }
            if !byline.is_empty() {
                sub.push_str(" · ");
                sub.push_str(&byline);
            }
            (Layout::Video, poster.or(doc.cover.as_ref()), sub)
        }
        None => (Layout::Post, doc.cover.as_ref(), byline),
    };
    Look {
        layout,
        title: doc.title.clone(),
        subtitle,
        photo,
        rating: None,
        share_image: doc.share_image.as_ref().and_then(|p| site.share_images.get(p)),
        file: doc.source.clone(),
    }
}

/// The reviews layout of `/reviews/` and each product's page.
fn reviews_look<'a>(site: &'a Site, meta: &PageMeta) -> Look<'a> {
    let reviews = &site.reviews;
    let summary =
        reviews.products.iter().find(|p| meta.url.starts_with(&p.url)).map(|p| &p.summary).or(reviews.summary.as_ref());
    Look {
        layout: Layout::Reviews,
        title: without_page_number(&meta.heading, &meta.url, site.config.i18n.t("heading_page_of")).to_string(),
        subtitle: summary.map(|s| site.config.i18n.plural("card_from_reviews", s.count, &[])).unwrap_or_default(),
        photo: None,
        rating: summary.map(|s| s.average_tenths as f32 / 10.0),
        share_image: None,
        file: crate::parse::reviews::REVIEWS_FILE.into(),
    }
}

/// `post` is the page's post with its body rendered, when the caller has it.
fn look<'a>(site: &'a Site, index: &Index<'a>, meta: &PageMeta, rendering: &str, post: Option<&'a Doc>) -> Look<'a> {
    let c = &site.config;
    let i18n = &c.i18n;
    let pattern = i18n.t("heading_page_of");
    let plain = |layout: Layout, title: &str, subtitle: &str, file: &str| Look {
        layout,
        title: title.to_string(),
        subtitle: subtitle.to_string(),
        photo: None,
        rating: None,
        share_image: None,
        file: file.to_string(),
    };
    match meta.kind.as_str() {
        "home" => plain(Layout::Home, &c.title, &c.description, CONFIG_FILE),
        "post" => match post.or_else(|| index.posts.get(meta.url.as_str()).copied()) {
            Some(doc) => post_look(site, doc),
            None => plain(Layout::Post, &meta.heading, "", rendering),
        },
        "page" => match index.pages.get(meta.url.as_str()) {
            Some(doc) => Look {
                photo: doc.cover.as_ref(),
                share_image: doc.share_image.as_ref().and_then(|p| site.share_images.get(p)),
                ..plain(Layout::Page, &doc.title, &meta.description, &doc.source)
            },
            None => plain(Layout::Page, &meta.heading, &meta.description, rendering),
        },
        "staff" => match index.staff.get(meta.url.as_str()) {
            Some(&i) => {
                let s = &site.staff[i];
                let role = s.role.clone().unwrap_or_else(|| i18n.tf("card_at_shop", &[("shop", &c.shop.name)]));
                Look {
                    photo: s.photo.as_ref(),
                    ..plain(Layout::Staff, &s.name, &role, crate::parse::staff::STAFF_FILE)
                }
            }
            None => plain(Layout::Staff, &meta.heading, "", rendering),
        },
        "reviews" | "product_reviews" => reviews_look(site, meta),
        // A customer moment: the photo large, "Customer moment · 3 May 2026".
        "moment" => match index.moments.get(meta.url.as_str()) {
            Some(mo) => {
                let subtitle = i18n.tf("card_moment", &[("date", &i18n.date_long(mo.date.date))]);
                Look { photo: Some(&mo.photo), ..plain(Layout::Moment, &meta.heading, &subtitle, &mo.source) }
            }
            None => plain(Layout::Moment, &meta.heading, "", rendering),
        },
        // An event: its title; when, where and the price below; its cover.
        "event" => match site.events.list.iter().find(|e| e.url == meta.url) {
            Some(e) => Look {
                photo: e.cover.as_ref(),
                ..plain(Layout::Page, &e.title, &super::events::card_subtitle(site, e), &e.source)
            },
            None => plain(Layout::Page, &meta.heading, "", rendering),
        },
        // The gallery shows its newest photo.
        "moments" => Look {
            photo: site.moments.first().map(|mo| &mo.photo),
            ..plain(
                Layout::Moment,
                without_page_number(&meta.heading, &meta.url, pattern),
                &meta.description,
                rendering,
            )
        },
        _ => plain(Layout::Page, without_page_number(&meta.heading, &meta.url, pattern), &meta.description, rendering),
    }
}

fn card_photo(site: &Site, use_: Option<&ImageUse>, layout: Layout) -> Option<CardPhoto> {
    let img = site.images.get(&use_?.path)?;
    Some(CardPhoto::new(img, layout.photo_area()))
}

/// The font warnings given so far: file and the characters it lacks.
pub(super) type Warned = HashSet<(String, Vec<char>)>;

/// What every page's card shares: the site's lookups, colours, logo and footers.
pub(super) struct Planner<'a> {
    site: &'a Site,
    index: Index<'a>,
    fonts: &'static Fonts,
    brand: (u8, u8, u8),
    accent: (u8, u8, u8),
    logo: Option<CardPhoto>,
    footer: String,
    home_footer: String,
    /// The warning about the site's own name, if given.
    warned: Warned,
}

impl<'a> Planner<'a> {
    /// Gets ready to plan the cards of `site`'s pages; warns once when the
    /// site's own name cannot be drawn.
    pub(super) fn new(site: &'a Site, diags: &mut Diagnostics) -> Self {
        let c = &site.config;
        let fonts = Fonts::embedded();
        let index = Index {
            posts: site.posts.iter().map(|d| (d.url.as_str(), d)).collect(),
            pages: site.pages.iter().map(|d| (d.url.as_str(), d)).collect(),
            staff: site.staff.iter().enumerate().map(|(i, s)| (s.url.as_str(), i)).collect(),
            moments: site.moments.iter().map(|m| (m.url.as_str(), m)).collect(),
        };
        let logo = site.logo.as_ref().and_then(|l| site.images.get(&l.path)).map(|img| CardPhoto::new(img, (360, 96)));
        let footer = domain(c.files_url());
        // The home card says where the shop is.
        let home_footer = match c.shop.address.as_ref().filter(|a| !a.city.is_empty()) {
            Some(a) if a.region.is_empty() => format!("{} · {footer}", a.city),
            Some(a) => format!("{}, {} · {footer}", a.city, a.region),
            None => footer.clone(),
        };
        let mut planner = Planner {
            site,
            index,
            fonts,
            brand: crate::colour::parse_hex(&c.brand.color),
            accent: crate::colour::parse_hex(&c.brand.accent),
            logo,
            footer,
            home_footer,
            warned: Warned::new(),
        };
        if c.share_cards {
            let mut warned = Warned::new();
            let text = format!("{} {}", c.title, planner.home_footer);
            planner.warn(&mut warned, diags, CONFIG_FILE, "every page", &text);
            planner.warned = warned;
        }
        planner
    }

    /// Warns when the card fonts lack a character of `text` (once per file
    /// and characters: `warned` remembers).
    fn warn(&self, warned: &mut Warned, diags: &mut Diagnostics, file: &str, what: &str, text: &str) {
        let missing = self.fonts.missing(text);
        if missing.is_empty() || !warned.insert((file.to_string(), missing.clone())) {
            return;
        }
        let chars: String =
            missing.iter().map(|ch| format!("`{ch}` (U+{:04X})", u32::from(*ch))).collect::<Vec<_>>().join(", ");
        diags
            .warning(file, None, format!("the share card of {what} leaves out {chars}: the card font cannot draw it"))
            .help("the card font (DejaVu Sans) draws Latin, Greek and Cyrillic, left to right; give the page its own picture with `share_image:`, or reword the title");
    }

    /// Plans one page's share image and sets its `image` (and the Pinterest
    /// link's picture) to it; the card file to make, if any. `post` is the
    /// page's post with its body rendered, when the caller has it.
    pub(super) fn plan_page(
        &self,
        meta: &mut PageMeta,
        rendering: &str,
        post: Option<&'a Doc>,
        warned: &mut Warned,
        diags: &mut Diagnostics,
    ) -> Option<PlannedCard> {
        let (site, c) = (self.site, &self.site.config);
        let site_name = &c.title;
        let look = look(site, &self.index, meta, rendering, post);
        let (card, alt) = if let Some(img) = look.share_image {
            // Its variants are made only when a page also shows it.
            (PlannedCard::photo(img, site.images.contains_key(&img.source)), look.title.clone())
        } else if c.share_cards {
            let what = if rendering.starts_with("content/") {
                format!("`{}`", meta.url)
            } else {
                format!("{rendering} ({})", meta.url)
            };
            self.warn(warned, diags, &look.file, &what, &format!("{} {}", look.title, look.subtitle));
            let spec = CardSpec {
                layout: look.layout,
                photo: card_photo(site, look.photo, look.layout),
                title: look.title.clone(),
                subtitle: look.subtitle.clone(),
                site_name: site_name.clone(),
                footer: if look.layout == Layout::Home { self.home_footer.clone() } else { self.footer.clone() },
                brand: self.brand,
                accent: self.accent,
                logo: self.logo.clone(),
                rating: look.rating,
            };
            let alt = if &look.title == site_name { site_name.clone() } else { format!("{}, {site_name}", look.title) };
            (PlannedCard::drawn(spec, self.fonts), alt)
        } else {
            return None;
        };
        let image = ShareImageView {
            url: absolute_url(c.files_url(), &format!("/{}", card.output)),
            width: WIDTH,
            height: HEIGHT,
            alt,
            mime: card.mime().to_string(),
        };
        if !meta.share.is_empty() {
            // Pinterest pins a photo best; the card when there is none.
            let pin = look
                .photo
                .and_then(|p| site.images.get(&p.path))
                .map(|p| absolute_url(c.files_url(), &p.fallback_url()));
            meta.share =
                seo::share_links(&c.i18n, &meta.permalink, &meta.heading, Some(pin.as_deref().unwrap_or(&image.url)));
        }
        meta.image = Some(image);
        Some(card)
    }
}

/// Plans the share image of every page of `pages` (see `Planner::plan_page`)
/// and adds the card files to make to `cards`, by output path. A warning
/// repeated for the same file is given once.
pub(super) fn plan<'m>(
    planner: &Planner<'_>,
    pages: impl Iterator<Item = (&'m mut PageMeta, &'m str)>,
    cards: &mut BTreeMap<String, PlannedCard>,
    diags: &mut Diagnostics,
) {
    let mut warned = planner.warned.clone();
    for (meta, rendering) in pages {
        if let Some(card) = planner.plan_page(meta, rendering, None, &mut warned, diags) {
            cards.entry(card.output.clone()).or_insert(card);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_and_listing_titles() {
        assert_eq!(domain("https://www.shop.example/"), "shop.example");
        assert_eq!(domain("http://shop.example/sub"), "shop.example/sub");
        let p = "{title}, page {n} of {total}";
        assert_eq!(without_page_number("Blog, page 2 of 5", "/blog/page/2/", p), "Blog");
        assert_eq!(without_page_number("Bread, page of the day", "/bread/", p), "Bread, page of the day");
        assert_eq!(
            without_page_number("Blog, Seite 2 von 5", "/blog/page/2/", "{title}, Seite {n} von {total}"),
            "Blog"
        );
    }
}
