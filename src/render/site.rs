//! The site-wide view every template gets (`site`): shop facts made
//! readable, brand colours with readable text colours, the navigation.

use super::image_view;
use super::views::*;
use crate::model::{ImageUse, Site};

pub(super) fn site_view(site: &Site) -> SiteView {
    let c = &site.config;
    let shop = &c.shop;
    let address = shop.address.as_ref();
    let locality = address.map(crate::parse::config::Address::locality);
    let map_url = address.map(|a| {
        let q = format!("{}, {}, {} {}, {}", a.street, a.city, a.region, a.postal_code, a.country);
        format!("https://www.openstreetmap.org/search?query={}", crate::paths::percent_encode(&q))
    });
    let i18n = &c.i18n;
    let nav = super::menu::nav(site);
    let year = site.posts.iter().filter_map(|p| p.updated.or(p.date)).map(|d| d.date.year).max().unwrap_or(1970);
    let white = (255, 255, 255);
    SiteView {
        title: c.title.clone(),
        description: c.description.clone(),
        base_url: c.base_url.clone(),
        base_path: crate::paths::base_path(c.files_url()).to_string(),
        language: c.language.clone(),
        og_locale: i18n.og_locale(),
        dir: i18n.dir().to_string(),
        brand: BrandView {
            color: c.brand.color.clone(),
            accent: c.brand.accent.clone(),
            color_text: crate::colour::text_on(&c.brand.color),
            accent_text: crate::colour::text_on(&c.brand.accent),
            link: crate::colour::readable_on(&c.brand.color, white, 4.6),
            link_dark: crate::colour::readable_on(&c.brand.color, (23, 26, 28), 4.6),
        },
        shop: ShopView {
            name: shop.name.clone(),
            street: address.map(|a| a.street.clone()).filter(|s| !s.is_empty()),
            locality: locality.filter(|s| !s.is_empty()),
            country: address.map(|a| a.country.clone()).filter(|s| !s.is_empty()),
            phone: shop.phone.clone(),
            phone_href: shop
                .phone
                .as_ref()
                .map(|p| format!("tel:{}", p.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>())),
            email: shop.email.clone(),
            hours: shop.hours.clone(),
            hours_display: shop.hours.iter().map(|h| i18n.hours(h)).collect(),
            social: shop
                .social
                .iter()
                .map(|(k, v)| SocialView { network: k.clone(), label: social_label(k), url: v.clone() })
                .collect(),
            map_url,
        },
        // The logo sits beside the shop's name in the header link: no alt
        // text, or screen readers would say the name twice.
        logo: site
            .logo
            .as_ref()
            .and_then(|l| image_view(site, &ImageUse { path: l.path.clone(), alt: String::new() }, true, "10rem")),
        favicon: if site.static_files.iter().any(|f| f.output == "favicon.ico") {
            Some("/favicon.ico".to_string())
        } else {
            site.logo.as_ref().and_then(|l| site.images.get(&l.path)).map(|p| p.fallback_url())
        },
        nav,
        feed_url: "/feed.xml".into(),
        year,
        search: c.search.then(|| super::search::PAGE_URL.to_string()),
        analytics: c.analytics.clone(),
    }
}

pub(super) fn social_label(network: &str) -> String {
    match network {
        "facebook" => "Facebook".into(),
        "instagram" => "Instagram".into(),
        "youtube" => "YouTube".into(),
        "x" | "twitter" => "X".into(),
        "tiktok" => "TikTok".into(),
        "linkedin" => "LinkedIn".into(),
        "pinterest" => "Pinterest".into(),
        other => {
            let mut c = other.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        }
    }
}

/// Which links of the navigation are current on the page at `url`.
pub(super) fn nav_current(site: &SiteView, url: &str) -> Vec<bool> {
    site.nav.iter().map(|link| url == link.url || (link.url != "/" && url.starts_with(&link.url))).collect()
}

/// The `site` of a page whose current navigation links are `current`.
pub(super) fn nav_for(site: &SiteView, current: &[bool]) -> SiteView {
    let mut s = site.clone();
    for (link, &current) in s.nav.iter_mut().zip(current) {
        link.current = current;
    }
    s
}
