//! The review pages and everything that shows a review: `/reviews/` (and
//! `/reviews/page/N/`), one listing per product (`/reviews/<slug>/`), the
//! home page's highlights, the views the `review` and `reviews` shortcodes
//! get, and the schema.org data for all of them. Every number a page shows
//! and its JSON-LD carry comes from the same `RatingSummary`, formatted here
//! once. Pure: no I/O, no clock.

use super::seo;
use super::views::{PageMeta, PaginationView};
use crate::model::reviews::{Product, RatingSummary, Review, Reviews};
use crate::model::Site;
use crate::paths::absolute_url;
use serde::Serialize;
use serde_json::{json, Value as Json};
use tera::Value;

/// Stars as a template draws them.
#[derive(Debug, Clone, Serialize)]
pub struct StarsView {
    /// "4.5"
    pub value: String,
    /// "4.5 out of 5 stars": the text screen readers and text browsers get.
    pub label: String,
    /// Five of `full`, `half`, `empty`.
    pub icons: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplyView {
    /// The owner's reply (safe HTML; print with `| safe`).
    pub html: String,
    /// Who replied: the shop's name.
    pub by: String,
    pub date: Option<String>,
    pub date_display: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductLinkView {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    /// Also the review's anchor on the reviews page.
    pub id: String,
    pub author: String,
    /// "4.5"
    pub rating: String,
    pub stars: StarsView,
    /// `2026-11-03`
    pub date: String,
    /// `3 November 2026`
    pub date_display: String,
    /// The review (safe HTML: no raw HTML, links or images; print with `| safe`).
    pub text_html: String,
    /// As written (`google`).
    pub source: Option<String>,
    /// For people (`Google`).
    pub source_label: Option<String>,
    pub product: Option<ProductLinkView>,
    pub reply: Option<ReplyView>,
    /// Where the review is listed: `/reviews/page/2/#<id>`.
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DistributionView {
    /// 5, 4, 3, 2, 1.
    pub stars: usize,
    /// "5 stars"
    pub label: String,
    pub count: usize,
    /// Share of all reviews, 0..=100, for the bar's width.
    pub percent: usize,
    /// "8 of 14 reviews"
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RatingView {
    /// "4.6": the average, one decimal (JSON-LD carries the same value).
    pub average: String,
    pub count: usize,
    /// "14 reviews"
    pub count_label: String,
    pub stars: StarsView,
    /// Five stars first.
    pub distribution: Vec<DistributionView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductView {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub rating: RatingView,
    /// Whether this is the product of the current page.
    pub current: bool,
}

/// A page of reviews to render, for `render::jobs`.
pub(super) struct ReviewPage {
    pub template: &'static str,
    pub meta: PageMeta,
    pub rendering: String,
    pub extra: Vec<(&'static str, Value)>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Stars for a value in tenths (46 = 4.6): a half star from .3 to .7.
pub fn stars(tenths: u32, value: String) -> StarsView {
    let icons = (0..5u32)
        .map(|i| {
            let left = tenths.saturating_sub(i * 10);
            if left >= 8 {
                "full"
            } else if left >= 3 {
                "half"
            } else {
                "empty"
            }
        })
        .collect();
    StarsView { label: format!("{value} out of 5 stars"), value, icons }
}

/// "google" → "Google", "in-store" → "In store".
pub fn source_label(source: &str) -> String {
    match source.to_ascii_lowercase().as_str() {
        "google" => "Google".into(),
        "facebook" => "Facebook".into(),
        "yelp" => "Yelp".into(),
        "tripadvisor" => "Tripadvisor".into(),
        "trustpilot" => "Trustpilot".into(),
        "etsy" => "Etsy".into(),
        "in-store" | "instore" | "in store" | "shop" => "In the shop".into(),
        "email" | "e-mail" => "By email".into(),
        _ => {
            let spaced = source.replace(['-', '_'], " ");
            let mut c = spaced.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        }
    }
}

pub fn rating_view(s: &RatingSummary) -> RatingView {
    let distribution = (1..=5usize)
        .rev()
        .map(|level| {
            let count = s.distribution[level - 1];
            DistributionView {
                stars: level,
                label: plural(level, "star", "stars"),
                count,
                percent: (count * 100 + s.count / 2) / s.count.max(1),
                description: format!("{count} of {}", plural(s.count, "review", "reviews")),
            }
        })
        .collect();
    RatingView {
        average: s.average_text(),
        count: s.count,
        count_label: plural(s.count, "review", "reviews"),
        stars: stars(s.average_tenths, s.average_text()),
        distribution,
    }
}

/// One review as templates and shortcodes show it. `shop` names who replies.
pub fn review_view(reviews: &Reviews, r: &Review, shop: &str) -> ReviewView {
    let rating = r.rating_text();
    ReviewView {
        id: r.id.clone(),
        author: r.author.clone(),
        stars: stars(u32::from(r.halves) * 5, rating.clone()),
        rating,
        date: r.date.to_string(),
        date_display: r.date.display(),
        text_html: r.text_html.clone(),
        source: r.source.clone(),
        source_label: r.source.as_deref().map(source_label),
        product: r.product.map(|p| {
            let p = &reviews.products[p];
            ProductLinkView { name: p.name.clone(), url: p.url.clone() }
        }),
        reply: r.response_html.as_ref().map(|html| ReplyView {
            html: html.clone(),
            by: shop.to_string(),
            date: r.response_date.map(|d| d.to_string()),
            date_display: r.response_date.map(|d| d.display()),
        }),
        url: r.url.clone(),
    }
}

pub fn product_view(p: &Product, current: bool) -> ProductView {
    ProductView {
        name: p.name.clone(),
        slug: p.slug.clone(),
        url: p.url.clone(),
        rating: rating_view(&p.summary),
        current,
    }
}

/// The reviews the home page highlights: the newest of four stars or more.
pub fn highlights(reviews: &Reviews, how_many: usize) -> Vec<&Review> {
    reviews.all.iter().filter(|r| r.halves >= 8).take(how_many).collect()
}

/// `rating` and `reviews` for the home page (both empty without reviews).
pub(super) fn home_context(site: &Site) -> Vec<(&'static str, Value)> {
    let reviews = &site.reviews;
    let list: Vec<ReviewView> = highlights(reviews, site.config.reviews.home)
        .into_iter()
        .map(|r| review_view(reviews, r, &site.config.shop.name))
        .collect();
    let rating = reviews.summary.as_ref().map(rating_view);
    vec![("rating", Value::from_serializable(&rating)), ("reviews", Value::from_serializable(&list))]
}

// ---- schema.org ----

/// `AggregateRating` with the value the page shows.
pub fn aggregate_rating(s: &RatingSummary) -> Json {
    json!({
        "@type": "AggregateRating",
        "ratingValue": s.average_number(),
        "reviewCount": s.count,
        "bestRating": 5,
        "worstRating": 1,
    })
}

/// A rating in half stars as a JSON number: 5, 4.5.
fn rating_number(halves: u8) -> Json {
    if halves.is_multiple_of(2) {
        json!(halves / 2)
    } else {
        json!(f64::from(halves) / 2.0)
    }
}

fn review_ld(site: &Site, r: &Review) -> Json {
    json!({
        "@type": "Review",
        "@id": absolute_url(&site.config.base_url, &r.url),
        "author": {"@type": "Person", "name": r.author},
        "datePublished": r.date.to_string(),
        "reviewBody": r.text_plain,
        "reviewRating": {"@type": "Rating", "ratingValue": rating_number(r.halves), "bestRating": 5, "worstRating": 1},
    })
}

/// The shop's aggregate for the home page's `LocalBusiness`.
pub fn home_aggregate(site: &Site) -> Option<Json> {
    site.reviews.summary.as_ref().map(aggregate_rating)
}

/// The shop as `LocalBusiness`, with its aggregate and the given reviews.
fn business_ld(site: &Site, image: Option<&str>, shown: &[&Review]) -> Json {
    let mut v = seo::local_business(site, image);
    v["@context"] = json!("https://schema.org");
    if let Some(s) = &site.reviews.summary {
        v["aggregateRating"] = aggregate_rating(s);
    }
    v["review"] = shown.iter().map(|r| review_ld(site, r)).collect();
    v
}

/// A product with its aggregate and the given reviews: the markup search
/// engines do show as stars.
fn product_ld(site: &Site, p: &Product, url: &str, image: Option<&str>, shown: &[&Review]) -> Json {
    let c = &site.config;
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "@id": absolute_url(&c.base_url, &format!("{}#product", p.url)),
        "name": p.name,
        "url": absolute_url(&c.base_url, url),
        "description": format!("{} from {}", p.name, c.shop.name),
        "brand": {"@type": "Brand", "name": c.shop.name},
        "aggregateRating": aggregate_rating(&p.summary),
        "review": shown.iter().map(|r| review_ld(site, r)).collect::<Vec<_>>(),
    });
    if let Some(img) = image {
        v["image"] = json!(img);
    }
    v
}

// ---- pages ----

/// `/reviews/`, `/reviews/page/2/`, or the same under a product's URL.
fn page_url(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// What a paginated listing of reviews is about.
struct Listing<'a> {
    base: &'a str,
    /// Indices into `Reviews::all`, newest first.
    ix: Vec<usize>,
    product: Option<&'a Product>,
}

/// Every page of `/reviews/` and of each product (none without reviews).
pub(super) fn pages(site: &Site) -> Vec<ReviewPage> {
    let reviews = &site.reviews;
    let Some(summary) = &reviews.summary else { return Vec::new() };
    let mut listings = vec![Listing { base: "/reviews/", ix: (0..reviews.all.len()).collect(), product: None }];
    for p in &reviews.products {
        listings.push(Listing { base: &p.url, ix: p.reviews.clone(), product: Some(p) });
    }
    let mut out = Vec::new();
    for listing in &listings {
        let current = listing.product.map(|p| p.slug.as_str());
        let products: Vec<ProductView> =
            reviews.products.iter().map(|p| product_view(p, Some(p.slug.as_str()) == current)).collect();
        out.extend(listing_pages(site, listing, summary, &products));
    }
    out
}

fn listing_pages(
    site: &Site,
    listing: &Listing<'_>,
    overall: &RatingSummary,
    products: &[ProductView],
) -> Vec<ReviewPage> {
    let c = &site.config;
    let reviews = &site.reviews;
    let per_page = c.reviews.per_page.max(1);
    let total = listing.ix.len().div_ceil(per_page).max(1);
    let summary = listing.product.map_or(overall, |p| &p.summary);
    let rating = rating_view(summary);
    let mut out = Vec::new();
    for n in 1..=total {
        let url = page_url(listing.base, n);
        let start = (n - 1) * per_page;
        let shown: Vec<&Review> =
            listing.ix[start..(start + per_page).min(listing.ix.len())].iter().map(|&i| &reviews.all[i]).collect();
        let (kind, title, description) = match listing.product {
            None => (
                "reviews",
                "Reviews".to_string(),
                format!(
                    "{} is rated {} out of 5 by {}.",
                    c.shop.name,
                    rating.average,
                    plural(summary.count, "customer review", "customer reviews")
                ),
            ),
            Some(p) => (
                "product_reviews",
                format!("{} reviews", p.name),
                format!(
                    "{}: rated {} out of 5 in {} at {}.",
                    p.name,
                    rating.average,
                    plural(summary.count, "review", "reviews"),
                    c.shop.name
                ),
            ),
        };
        let heading = if n == 1 { title.clone() } else { format!("{title}, page {n} of {total}") };
        let mut meta = super::meta(site, kind, &heading, &url, &description);
        let image = meta.image.as_ref().map(|i| i.url.clone());
        let ld = match listing.product {
            None => business_ld(site, image.as_deref(), &shown),
            Some(p) => product_ld(site, p, &url, image.as_deref(), &shown),
        };
        meta.json_ld = seo::json_ld_text(&ld);
        let pagination = PaginationView::new(n, total, |k| page_url(listing.base, k));
        let views: Vec<ReviewView> = shown.iter().map(|r| review_view(reviews, r, &c.shop.name)).collect();
        let product = listing.product.map(|p| product_view(p, true));
        out.push(ReviewPage {
            template: "reviews.html",
            meta,
            rendering: match listing.product {
                None => format!("reviews page {n}"),
                Some(p) => format!("reviews page {n} of product `{}`", p.name),
            },
            extra: vec![
                ("reviews", Value::from_serializable(&views)),
                ("rating", Value::from_serializable(&rating)),
                ("products", Value::from_serializable(&products)),
                ("product", Value::from_serializable(&product)),
                ("pagination", Value::from_serializable(&pagination)),
            ],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_show_halves() {
        assert_eq!(stars(45, "4.5".into()).icons, ["full", "full", "full", "full", "half"]);
        assert_eq!(stars(46, "4.6".into()).icons, ["full", "full", "full", "full", "half"]);
        assert_eq!(stars(48, "4.8".into()).icons, ["full", "full", "full", "full", "full"]);
        assert_eq!(stars(42, "4.2".into()).icons, ["full", "full", "full", "full", "empty"]);
        assert_eq!(stars(10, "1".into()).icons, ["full", "empty", "empty", "empty", "empty"]);
        assert_eq!(stars(45, "4.5".into()).label, "4.5 out of 5 stars");
    }

    #[test]
    fn distribution_rows_and_json_ld_agree_with_the_summary() {
        let s = RatingSummary::of([10, 10, 9, 8, 6, 2, 10]).unwrap();
        let v = rating_view(&s);
        assert_eq!(v.average, "3.9");
        assert_eq!(v.count_label, "7 reviews");
        let rows: Vec<(usize, usize, usize)> = v.distribution.iter().map(|d| (d.stars, d.count, d.percent)).collect();
        assert_eq!(rows, [(5, 3, 43), (4, 2, 29), (3, 1, 14), (2, 0, 0), (1, 1, 14)]);
        let ld = aggregate_rating(&s);
        assert_eq!(ld["ratingValue"].to_string(), v.average);
        assert_eq!(ld["reviewCount"], json!(7));
        assert_eq!(rating_number(9), json!(4.5));
        assert_eq!(rating_number(10).to_string(), "5");
    }

    #[test]
    fn sources_read_naturally() {
        assert_eq!(source_label("google"), "Google");
        assert_eq!(source_label("in-store"), "In the shop");
        assert_eq!(source_label("farmers-market"), "Farmers market");
    }
}
