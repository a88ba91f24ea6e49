//! Reviews, resolved: dates checked against the build's "today", texts
//! read as plain text (their HTML is `render`'s), reviews sorted newest first, grouped by
//! product, placed on their listing page and summarised once. Pure: no I/O, no clock.

use crate::date::Date;
use crate::diag::Diagnostics;
use crate::model::reviews::{Product, RatingSummary, Review, Reviews};
use crate::parse::config::SiteConfig;
use crate::parse::reviews::{check_dates, ParsedReview};
use crate::paths::slugify;
use pulldown_cmark::{Event, TagEnd};
use std::collections::BTreeMap;

/// A customer's markdown as plain text: paragraphs separated by a blank
/// line, line breaks as spaces.
pub(super) fn plain_text(text: &str) -> String {
    let mut out = String::new();
    for e in crate::markdown::customer_events(text) {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::CodeBlock) => {
                out.truncate(out.trim_end().len());
                out.push_str("\n\n");
            }
            _ => {}
        }
    }
    out.trim().to_string()
}

/// `/reviews/` or `/reviews/page/N/`, for the review at `position` of the
/// newest-first list.
fn listing_url(position: usize, per_page: usize) -> String {
    match position / per_page.max(1) + 1 {
        1 => "/reviews/".to_string(),
        n => format!("/reviews/page/{n}/"),
    }
}

pub(super) fn resolve_reviews(
    parsed: Vec<ParsedReview>,
    config: &SiteConfig,
    today: Date,
    diags: &mut Diagnostics,
) -> Reviews {
    let mut parsed = check_dates(parsed, today, diags);
    if parsed.is_empty() {
        return Reviews::default();
    }
    // Products by slug, named as first written in the file.
    let mut by_slug: BTreeMap<String, String> = BTreeMap::new();
    for r in &parsed {
        if let Some(p) = &r.product {
            by_slug.entry(slugify(p)).or_insert_with(|| p.clone());
        }
    }
    let slugs: Vec<String> = by_slug.keys().cloned().collect();
    // Newest first; the same day by id, so the order never depends on the file's.
    parsed.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    let per_page = config.reviews.per_page;
    let show_rating_only = config.reviews.show_rating_only;
    // Positions on /reviews/ count only the reviews it lists.
    let mut position = 0;
    let all: Vec<Review> = parsed
        .into_iter()
        .map(|r| {
            let listed = show_rating_only || r.text.is_some();
            let url = if listed {
                position += 1;
                format!("{}#{}", listing_url(position - 1, per_page), r.id)
            } else {
                "/reviews/".to_string()
            };
            (r, url, listed)
        })
        .map(|(r, url, listed)| Review {
            url,
            listed,
            text_plain: r.text.as_deref().map(plain_text),
            text: r.text,
            response: r.response,
            product: r.product.as_deref().and_then(|p| slugs.binary_search(&slugify(p)).ok()),
            id: r.id,
            author: r.author,
            halves: r.halves,
            date: r.date,
            source: r.source,
            response_date: r.response_date,
        })
        .collect();
    let products = by_slug
        .into_iter()
        .enumerate()
        .filter_map(|(pi, (slug, name))| {
            let reviews: Vec<usize> = (0..all.len()).filter(|&i| all[i].product == Some(pi)).collect();
            let summary =
                RatingSummary::of_ratings(reviews.iter().map(|&i| (all[i].halves, all[i].text_plain.is_some())))?;
            Some(Product { url: format!("/reviews/{slug}/"), name, slug, reviews, summary })
        })
        .collect();
    let summary = RatingSummary::of_ratings(all.iter().map(|r| (r.halves, r.text_plain.is_some())));
    Reviews { all, summary, products }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(id: &str, halves: u8, date: &str, product: Option<&str>) -> ParsedReview {
        ParsedReview {
            index: 0,
            id: id.into(),
            author: "Ana".into(),
            halves,
            date: Date::parse(date).unwrap(),
            text: Some("Lovely **shop**.".into()),
            product: product.map(str::to_string),
            source: None,
            response: None,
            response_date: None,
            date_span: None,
            response_date_span: None,
        }
    }

    #[test]
    fn customer_markdown_reads_as_plain_text() {
        assert_eq!(
            plain_text("Good *coffee*,\nkind people.\n\n- fast\n- fair"),
            "Good coffee, kind people.\n\nfast\n\nfair"
        );
    }

    #[test]
    fn reviews_are_sorted_grouped_and_placed_on_pages() {
        let mut config = SiteConfig::placeholder();
        config.reviews.per_page = 2;
        let parsed = vec![
            review("a", 10, "2026-01-01", Some("Wool cover")),
            review("b", 9, "2026-03-01", Some("wool  cover")),
            review("c", 6, "2026-02-01", Some("Tea")),
            review("d", 8, "2026-04-01", None),
            review("e", 10, "2026-12-01", None),
        ];
        let mut diags = Diagnostics::new();
        let today = Date::parse("2026-11-22").unwrap();
        let r = resolve_reviews(parsed, &config, today, &mut diags);
        assert_eq!(diags.error_count(), 1, "the review dated 2026-12-01 is in the future");
        let order: Vec<(&str, &str)> = r.all.iter().map(|x| (x.id.as_str(), x.url.as_str())).collect();
        assert_eq!(
            order,
            [("d", "/reviews/#d"), ("b", "/reviews/#b"), ("c", "/reviews/page/2/#c"), ("a", "/reviews/page/2/#a")]
        );
        let products: Vec<(&str, &str, &str, usize)> =
            r.products.iter().map(|p| (p.name.as_str(), p.slug.as_str(), p.url.as_str(), p.summary.count)).collect();
        assert_eq!(
            products,
            [("Tea", "tea", "/reviews/tea/", 1), ("Wool cover", "wool-cover", "/reviews/wool-cover/", 2)]
        );
        assert_eq!(r.products[1].reviews, [1, 3]);
        assert_eq!(r.products[1].summary.average_text(), "4.8");
        let s = r.summary.unwrap();
        assert_eq!((s.count, s.average_text()), (4, "4.1".to_string()));
        assert_eq!(r.all[0].text.as_deref(), Some("Lovely **shop**."));
        assert_eq!(r.all[0].text_plain.as_deref(), Some("Lovely shop."));
    }

    #[test]
    fn ratings_without_text_count_and_are_listed_or_not_by_the_setting() {
        let mut config = SiteConfig::placeholder();
        config.reviews.per_page = 1;
        let mut quiet = review("q", 6, "2026-03-01", None);
        quiet.text = None;
        let parsed = vec![review("a", 10, "2026-01-01", None), quiet, review("b", 8, "2026-02-01", None)];
        let today = Date::parse("2026-11-22").unwrap();
        let urls = |r: &Reviews| r.all.iter().map(|x| (x.id.clone(), x.url.clone(), x.listed)).collect::<Vec<_>>();
        let shown = resolve_reviews(parsed.clone(), &config, today, &mut Diagnostics::new());
        let s = shown.summary.unwrap();
        assert_eq!((s.count, s.with_text, s.average_text()), (3, 2, "4.0".to_string()));
        assert_eq!(
            urls(&shown),
            [
                ("q".into(), "/reviews/#q".into(), true),
                ("b".into(), "/reviews/page/2/#b".into(), true),
                ("a".into(), "/reviews/page/3/#a".into(), true)
            ]
        );
        config.reviews.show_rating_only = false;
        let hidden = resolve_reviews(parsed, &config, today, &mut Diagnostics::new());
        assert_eq!(hidden.summary, shown.summary, "counted all the same");
        assert_eq!(
            urls(&hidden),
            [
                ("q".into(), "/reviews/".into(), false),
                ("b".into(), "/reviews/#b".into(), true),
                ("a".into(), "/reviews/page/2/#a".into(), true)
            ]
        );
    }
}
