//! The review pages and everything that shows a review: `/reviews/` (and
//! `/reviews/page/N/`), one listing per product (`/reviews/<slug>/`), the
//! home page's highlights, the views the `review` and `reviews` shortcodes
//! get, and the schema.org data for all of them. Every number a page shows
//! and its JSON-LD carry comes from the same `RatingSummary`, formatted here
//! once. Pure: no I/O, no clock.

use super::seo;
use super::views::{PageMeta, PaginationView};
use crate::i18n::I18n;
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
    /// The review (safe HTML: no raw HTML, links or images; print with
    /// `| safe`); `None` for a rating without words.
    pub text_html: Option<String>,
    /// A rating without words, shown compactly.
    pub rating_only: bool,
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

/// Stars for a value in tenths (46 = 4.6): a half star from .3 to .7.
pub fn stars(i18n: &I18n, tenths: u32, value: String) -> StarsView {
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
    StarsView { label: i18n.tf("stars_label", &[("value", &value)]), value, icons }
}

/// "google" → "Google", "in-store" → "In store".
pub fn source_label(i18n: &I18n, source: &str) -> String {
    match source.to_ascii_lowercase().as_str() {
        "google" => "Google".into(),
        "facebook" => "Facebook".into(),
        "yelp" => "Yelp".into(),
        "tripadvisor" => "Tripadvisor".into(),
        "trustpilot" => "Trustpilot".into(),
        "etsy" => "Etsy".into(),
        "in-store" | "instore" | "in store" | "shop" => i18n.t("source_in_store").into(),
        "email" | "e-mail" => i18n.t("source_email").into(),
        _ => {
            let spaced = source.replace(['-', '_'], " ");
            let mut c = spaced.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        }
    }
}

pub fn rating_view(i18n: &I18n, s: &RatingSummary) -> RatingView {
    let distribution = (1..=5usize)
        .rev()
        .map(|level| {
            let count = s.distribution[level - 1];
            DistributionView {
                stars: level,
                label: i18n.plural("stars_count", level, &[]),
                count,
                percent: (count * 100 + s.count / 2) / s.count.max(1),
                description: i18n.tf(
                    "count_of",
                    &[("count", &count.to_string()), ("total", &i18n.plural("reviews_count", s.count, &[]))],
                ),
            }
        })
        .collect();
    RatingView {
        average: i18n.decimal(&s.average_text()),
        count: s.count,
        count_label: i18n.plural("reviews_count", s.count, &[]),
        stars: stars(i18n, s.average_tenths, i18n.decimal(&s.average_text())),
        distribution,
    }
}

/// A customer's markdown as HTML that cannot carry markup of its own.
pub fn safe_markdown(text: &str) -> String {
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, crate::markdown::customer_events(text));
    out
}

/// One review as templates and shortcodes show it. `shop` names who replies.
pub fn review_view(i18n: &I18n, reviews: &Reviews, r: &Review, shop: &str) -> ReviewView {
    let rating = i18n.decimal(&r.rating_text());
    ReviewView {
        id: r.id.clone(),
        author: r.author.clone(),
        stars: stars(i18n, u32::from(r.halves) * 5, rating.clone()),
        rating,
        date: r.date.to_string(),
        date_display: i18n.date_long(r.date),
        text_html: r.text.as_deref().map(safe_markdown),
        rating_only: r.text.is_none(),
        source: r.source.clone(),
        source_label: r.source.as_deref().map(|s| source_label(i18n, s)),
        product: r.product.map(|p| {
            let p = &reviews.products[p];
            ProductLinkView { name: p.name.clone(), url: p.url.clone() }
        }),
        reply: r.response.as_deref().map(|text| ReplyView {
            html: safe_markdown(text),
            by: shop.to_string(),
            date: r.response_date.map(|d| d.to_string()),
            date_display: r.response_date.map(|d| i18n.date_long(d)),
        }),
        url: r.url.clone(),
    }
}

pub fn product_view(i18n: &I18n, p: &Product, current: bool) -> ProductView {
    ProductView {
        name: p.name.clone(),
        slug: p.slug.clone(),
        url: p.url.clone(),
        rating: rating_view(i18n, &p.summary),
        current,
    }
}

/// The reviews the home page highlights: the newest of four stars or more
/// that have words.
pub fn highlights(reviews: &Reviews, how_many: usize) -> Vec<&Review> {
    reviews.all.iter().filter(|r| r.halves >= 8 && r.text.is_some()).take(how_many).collect()
}

/// `rating` and `reviews` for the home page (both empty without reviews).
pub(super) fn home_context(site: &Site) -> Vec<(&'static str, Value)> {
    let reviews = &site.reviews;
    let list: Vec<ReviewView> = highlights(reviews, site.config.reviews.home)
        .into_iter()
        .map(|r| review_view(&site.config.i18n, reviews, r, &site.config.shop.name))
        .collect();
    let rating = reviews.summary.as_ref().map(|s| rating_view(&site.config.i18n, s));
    vec![("rating", Value::from_serializable(&rating)), ("reviews", Value::from_serializable(&list))]
}

// ---- schema.org ----

/// `AggregateRating` with the value the page shows: `ratingCount` counts
/// every rating, `reviewCount` only those with words (no `reviewCount` when
/// none has).
pub fn aggregate_rating(s: &RatingSummary) -> Json {
    let mut v = json!({
        "@type": "AggregateRating",
        "ratingValue": s.average_number(),
        "ratingCount": s.count,
        "bestRating": 5,
        "worstRating": 1,
    });
    if s.with_text > 0 {
        v["reviewCount"] = json!(s.with_text);
    }
    v
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
    let mut v = json!({
        "@type": "Review",
        "@id": absolute_url(&site.config.base_url, &r.url),
        "author": {"@type": "Person", "name": r.author},
        "datePublished": r.date.to_string(),
        "reviewRating": {"@type": "Rating", "ratingValue": rating_number(r.halves), "bestRating": 5, "worstRating": 1},
    });
    if let Some(t) = &r.text_plain {
        v["reviewBody"] = json!(t);
    }
    v
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
    // Rating-only reviews the site does not list still count in every summary.
    let listed = |i: &usize| reviews.all[*i].listed;
    let mut listings =
        vec![Listing { base: "/reviews/", ix: (0..reviews.all.len()).filter(listed).collect(), product: None }];
    for p in &reviews.products {
        listings.push(Listing {
            base: &p.url,
            ix: p.reviews.iter().copied().filter(listed).collect(),
            product: Some(p),
        });
    }
    let i18n = &site.config.i18n;
    let mut out = Vec::new();
    for listing in &listings {
        let current = listing.product.map(|p| p.slug.as_str());
        let products: Vec<ProductView> =
            reviews.products.iter().map(|p| product_view(i18n, p, Some(p.slug.as_str()) == current)).collect();
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
    let i18n = &c.i18n;
    let rating = rating_view(i18n, summary);
    let mut out = Vec::new();
    for n in 1..=total {
        let url = page_url(listing.base, n);
        let start = (n - 1) * per_page;
        let shown: Vec<&Review> =
            listing.ix[start..(start + per_page).min(listing.ix.len())].iter().map(|&i| &reviews.all[i]).collect();
        let (kind, title, description) = match listing.product {
            None => (
                "reviews",
                i18n.t("reviews_heading").to_string(),
                i18n.tf(
                    "reviews_description",
                    &[
                        ("shop", &c.shop.name),
                        ("average", &rating.average),
                        ("count", &i18n.plural("customer_reviews", summary.count, &[])),
                    ],
                ),
            ),
            Some(p) => (
                "product_reviews",
                i18n.tf("product_reviews_heading", &[("product", &p.name)]),
                i18n.tf(
                    "product_reviews_description",
                    &[
                        ("product", &p.name),
                        ("average", &rating.average),
                        ("count", &i18n.plural("reviews_count", summary.count, &[])),
                        ("shop", &c.shop.name),
                    ],
                ),
            ),
        };
        let heading = if n == 1 {
            title.clone()
        } else {
            i18n.tf("heading_page_of", &[("title", &title), ("n", &n.to_string()), ("total", &total.to_string())])
        };
        let mut meta = super::meta(site, kind, &heading, &url, &description);
        let image = meta.image.as_ref().map(|i| i.url.clone());
        let ld = match listing.product {
            None => business_ld(site, image.as_deref(), &shown),
            Some(p) => product_ld(site, p, &url, image.as_deref(), &shown),
        };
        meta.json_ld = seo::json_ld_text(&ld);
        let pagination = PaginationView::new(n, total, |k| page_url(listing.base, k));
        let views: Vec<ReviewView> = shown.iter().map(|r| review_view(i18n, reviews, r, &c.shop.name)).collect();
        let product = listing.product.map(|p| product_view(i18n, p, true));
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
    fn customer_markdown_cannot_carry_markup() {
        let html = safe_markdown("I *love* <script>alert(1)</script> [this](javascript:alert(1)) ![x](https://tracker.example/p.gif)\n\n# Big");
        assert_eq!(html, "<p>I <em>love</em> &lt;script&gt;alert(1)&lt;/script&gt; this x</p>\n<p>Big</p>\n");
    }

    fn en() -> I18n {
        I18n::default()
    }

    #[test]
    fn stars_show_halves() {
        let stars = |t, v: &str| stars(&en(), t, v.to_string());
        assert_eq!(stars(45, "4.5").icons, ["full", "full", "full", "full", "half"]);
        assert_eq!(stars(46, "4.6").icons, ["full", "full", "full", "full", "half"]);
        assert_eq!(stars(48, "4.8").icons, ["full", "full", "full", "full", "full"]);
        assert_eq!(stars(42, "4.2").icons, ["full", "full", "full", "full", "empty"]);
        assert_eq!(stars(10, "1").icons, ["full", "empty", "empty", "empty", "empty"]);
        assert_eq!(stars(45, "4.5").label, "4.5 out of 5 stars");
    }

    #[test]
    fn distribution_rows_and_json_ld_agree_with_the_summary() {
        let s = RatingSummary::of([10, 10, 9, 8, 6, 2, 10]).unwrap();
        let v = rating_view(&en(), &s);
        assert_eq!(v.average, "3.9");
        assert_eq!(v.count_label, "7 reviews");
        let rows: Vec<(usize, usize, usize)> = v.distribution.iter().map(|d| (d.stars, d.count, d.percent)).collect();
        assert_eq!(rows, [(5, 3, 43), (4, 2, 29), (3, 1, 14), (2, 0, 0), (1, 1, 14)]);
        let ld = aggregate_rating(&s);
        assert_eq!(ld["ratingValue"].to_string(), v.average);
        assert_eq!((&ld["ratingCount"], &ld["reviewCount"]), (&json!(7), &json!(7)));
        let quiet = aggregate_rating(&RatingSummary::of_ratings([(10, true), (8, false)]).unwrap());
        assert_eq!((&quiet["ratingCount"], &quiet["reviewCount"]), (&json!(2), &json!(1)));
        let none = aggregate_rating(&RatingSummary::of_ratings([(8, false)]).unwrap());
        assert_eq!((&none["ratingCount"], none.get("reviewCount")), (&json!(1), None));
        assert_eq!(rating_number(9), json!(4.5));
        assert_eq!(rating_number(10).to_string(), "5");
    }

    #[test]
    fn sources_read_naturally() {
        let source_label = |s| source_label(&en(), s);
        assert_eq!(source_label("google"), "Google");
        assert_eq!(source_label("in-store"), "In the shop");
        assert_eq!(source_label("farmers-market"), "Farmers market");
    }
}
