//! Part of stage 5 (render): the contact page, `/visit/`, made from
//! site.yaml's `shop:` (address, opening hours, phone, email, a link to the
//! map, social links). Takes the resolved `Site`, returns the page's job
//! (and its words for the search). Pure. It never replaces the owner's own
//! page: a page at `/visit/` (content/pages/visit.md) wins, and a shop with
//! nothing to say (no address, hours, phone or email) gets no page. The map
//! is a link to OpenStreetMap, never an embedded third-party frame.

use super::pages::{Extra, Job};
use super::{meta, seo};
use crate::model::Site;

pub const URL: &str = "/visit/";

/// Whether the build makes `/visit/` itself.
pub(super) fn is_generated(site: &Site) -> bool {
    let shop = &site.config.shop;
    let has_facts = shop.address.is_some() || !shop.hours.is_empty() || shop.phone.is_some() || shop.email.is_some();
    has_facts && !site.pages.iter().any(|p| p.url == URL)
}

/// The page's job and `(title, url, text)` for the search, when generated.
pub(super) fn add(site: &Site) -> Option<(Job, (String, String, String))> {
    if !is_generated(site) {
        return None;
    }
    let c = &site.config;
    let i18n = &c.i18n;
    let heading = i18n.t("visit_heading");
    let description = i18n.tf("visit_description", &[("shop", &c.shop.name)]);
    let mut m = meta(site, "visit", heading, URL, &description);
    let mut ld = seo::web_page(site, "ContactPage", heading, URL, &description);
    ld["about"] = seo::local_business(site, None);
    m.json_ld = seo::json_ld_text(&ld);
    let shop = &c.shop;
    let address = shop
        .address
        .as_ref()
        .map(|a| [&a.street, &a.city, &a.region, &a.postal_code, &a.country].map(|s| s.as_str()).join(" "));
    let hours: Vec<String> = shop.hours.iter().map(|h| i18n.hours(h)).collect();
    let text = [
        address.unwrap_or_default(),
        hours.join(" "),
        shop.phone.clone().unwrap_or_default(),
        shop.email.clone().unwrap_or_default(),
    ]
    .join(" ");
    let job = Job {
        template: "visit.html".into(),
        meta: m,
        rendering: "the visit page".into(),
        extra: Extra::Ready(vec![]),
        lastmod: None,
    };
    Some((job, (heading.to_string(), URL.to_string(), format!("{description} {text}"))))
}
