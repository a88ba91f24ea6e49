//! The customer-moment parts of rendering: the `/moments/` gallery (newest
//! first), each moment's page with its `ImageObject` JSON-LD, the latest
//! moments of the home page, and `MomentView`, which the `moment` shortcode
//! shares. Pure.

use super::{meta, seo, ser, share_image, Extra, Job};
use crate::i18n::I18n;
use crate::model::image::PlannedImage;
use crate::model::moments::Moment;
use crate::model::reviews::Reviews;
use crate::model::{truncate_words, Site};
use crate::paths::{absolute_url, slugify};
use crate::render::picture as picture_html;
use crate::render::views::{ImageView, LinkView, MomentView};
use serde_json::{json, Value};

/// How many moments the home page shows.
pub const HOME_MOMENTS: usize = 4;
/// The gallery grid: two columns on a phone, up to four on a wide screen.
const GRID_SIZES: &str = "(min-width: 72rem) 17rem, (min-width: 48rem) 30vw, 48vw";
/// A moment's own page: the photo as wide as the page allows.
const PAGE_SIZES: &str = "(min-width: 64rem) 60rem, 100vw";

/// A moment ready for templates. `eager` for the first image of a page.
pub(crate) fn moment_view(
    i18n: &I18n,
    m: &Moment,
    planned: &PlannedImage,
    reviews: &Reviews,
    eager: bool,
    sizes: &str,
) -> MomentView {
    let slug = m.product.as_deref().map(slugify);
    MomentView {
        id: m.id.clone(),
        url: m.url.clone(),
        title: title(i18n, m),
        caption: m.caption.clone(),
        customer: m.customer.clone(),
        product: m.product.clone(),
        product_url: slug.and_then(|s| reviews.products.iter().find(|p| p.slug == s)).map(|p| p.url.clone()),
        tags: m.tags.clone(),
        date: m.date.date.to_string(),
        date_display: i18n.date_long(m.date.date),
        date_short: i18n.date_short(m.date.date),
        photo: ImageView {
            html: picture_html::picture(planned, &m.photo.alt, eager, sizes, "moment-photo"),
            url: planned.fallback_url(),
            width: planned.width,
            height: planned.height,
            alt: m.photo.alt.clone(),
        },
    }
}

fn title(i18n: &I18n, m: &Moment) -> String {
    match (&m.caption, &m.customer) {
        (Some(c), _) => truncate_words(c, 70),
        (None, Some(name)) => i18n.tf("moment_of", &[("name", name)]),
        (None, None) => i18n.tf("moment_on", &[("date", &i18n.date_long(m.date.date))]),
    }
}

/// The meta description of a moment's page.
fn description(i18n: &I18n, m: &Moment, shop: &str) -> String {
    let who = m.customer.as_deref().unwrap_or(i18n.t("happy_customer"));
    let date = i18n.date_long(m.date.date);
    let facts = match m.product.as_deref() {
        Some(p) => i18n.tf("moment_facts_product", &[("who", who), ("product", p), ("shop", shop), ("date", &date)]),
        None => i18n.tf("moment_facts", &[("who", who), ("shop", shop), ("date", &date)]),
    };
    match &m.caption {
        Some(c) => truncate_words(&format!("{c} {facts}"), 160),
        None => facts,
    }
}

/// Views of moments in a grid; on the gallery the first photo is above the
/// fold and so not lazy.
fn views(site: &Site, moments: &[Moment], eager_first: bool) -> Vec<MomentView> {
    moments
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            Some(moment_view(
                &site.config.i18n,
                m,
                site.images.get(&m.photo.path)?,
                &site.reviews,
                eager_first && i == 0,
                GRID_SIZES,
            ))
        })
        .collect()
}

/// The home page's `moments`: the latest few.
pub(super) fn home_context(site: &Site) -> Vec<(&'static str, tera::Value)> {
    let latest = &site.moments[..site.moments.len().min(HOME_MOMENTS)];
    vec![("moments", ser(&views(site, latest, false)))]
}

/// schema.org `ImageObject` of a moment's page: the photo is what the page
/// is about, credited to the shop that published it.
fn image_object(site: &Site, m: &Moment, planned: &PlannedImage, name: &str, description: &str) -> Value {
    let c = &site.config;
    let permalink = absolute_url(&c.base_url, &m.url);
    let mut o = json!({
        "@context": "https://schema.org",
        "@type": "ImageObject",
        "@id": format!("{permalink}#photo"),
        "url": permalink,
        "contentUrl": absolute_url(c.files_url(), &planned.fallback_url()),
        "name": name,
        "description": description,
        "width": planned.width,
        "height": planned.height,
        "datePublished": if m.date.time.is_some() { m.date.rfc3339() } else { m.date.date.to_string() },
        "inLanguage": c.language,
        "creditText": c.shop.name,
        "creator": {"@type": "Organization", "name": c.shop.name, "url": absolute_url(&c.base_url, "/")},
        "copyrightHolder": {"@type": "Organization", "name": c.shop.name, "url": absolute_url(&c.base_url, "/")},
        "isPartOf": {"@type": "ImageGallery", "url": absolute_url(&c.base_url, "/moments/")},
    });
    if let Some(caption) = &m.caption {
        o["caption"] = json!(caption);
    }
    if let Some(thumb) = planned.variants.iter().filter(|v| v.format != "webp").min_by_key(|v| v.width) {
        o["thumbnailUrl"] = json!(absolute_url(c.files_url(), &format!("/{}", thumb.output)));
    }
    if !m.tags.is_empty() {
        o["keywords"] = json!(m.tags);
    }
    o
}

/// `/moments/` and a page per moment.
pub(super) fn jobs(site: &Site) -> Vec<Job> {
    if site.moments.is_empty() {
        return Vec::new();
    }
    let c = &site.config;
    let mut jobs = Vec::with_capacity(site.moments.len() + 1);

    let i18n = &c.i18n;
    let heading = i18n.t("customer_moments");
    let gallery_description = i18n.tf("moments_description", &[("shop", &c.shop.name)]);
    let mut m = meta(site, "moments", heading, "/moments/", &gallery_description);
    let latest = &site.moments[0];
    if let Some(img) = site.images.get(&latest.photo.path).map(|p| share_image(site, p, &latest.photo.alt)) {
        m.share = seo::share_links(i18n, &m.permalink, heading, Some(&img.url));
        m.image = Some(img);
    }
    let mut ld = seo::web_page(site, "ImageGallery", heading, "/moments/", &gallery_description);
    let items: Vec<Value> = site
        .moments
        .iter()
        .enumerate()
        .map(|(n, mo)| json!({"@type": "ListItem", "position": n + 1, "url": absolute_url(&c.base_url, &mo.url)}))
        .collect();
    ld["mainEntity"] = json!({"@type": "ItemList", "itemListElement": items});
    m.json_ld = seo::json_ld_text(&ld);
    jobs.push(Job {
        template: "moments.html".into(),
        meta: m,
        rendering: "the moments gallery".into(),
        extra: Extra::Ready(vec![
            ("moments", ser(&views(site, &site.moments, true))),
            ("moments_intro", ser(&i18n.plural("moments_intro", site.moments.len(), &[("shop", &c.shop.name)]))),
        ]),
        lastmod: Some(latest.date.date.to_string()),
    });

    let link = |mo: &Moment| LinkView { title: title(i18n, mo), url: mo.url.clone(), current: false };
    for (i, mo) in site.moments.iter().enumerate() {
        let Some(planned) = site.images.get(&mo.photo.path) else { continue };
        let view = moment_view(i18n, mo, planned, &site.reviews, true, PAGE_SIZES);
        let description = description(i18n, mo, &c.shop.name);
        let mut m = meta(site, "moment", &view.title, &mo.url, &description);
        m.og_type = "article".into();
        let img = share_image(site, planned, &mo.photo.alt);
        m.share = seo::share_links(i18n, &m.permalink, &view.title, Some(&img.url));
        m.image = Some(img);
        m.json_ld = seo::json_ld_text(&image_object(site, mo, planned, &view.title, &description));
        let newer = i.checked_sub(1).map(|j| link(&site.moments[j]));
        let older = site.moments.get(i + 1).map(link);
        jobs.push(Job {
            template: "moment.html".into(),
            meta: m,
            rendering: format!("the page of moment `{}` ({})", mo.id, mo.source),
            extra: Extra::Ready(vec![("moment", ser(&view)), ("newer", ser(&newer)), ("older", ser(&older))]),
            lastmod: Some(mo.date.date.to_string()),
        });
    }
    jobs
}
