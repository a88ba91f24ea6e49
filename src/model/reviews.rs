//! Customer reviews, resolved: plain data built by `resolve::reviews` and
//! read by `render::reviews` (pages, views, JSON-LD) and the `review`
//! shortcodes. Ratings are kept in half stars (integers), so that sums and
//! averages are exact and the average is rounded once, here, for every
//! place that shows it.

use crate::date::Date;

/// One review, checked and ready to show.
#[derive(Debug, Clone)]
pub struct Review {
    pub id: String,
    pub author: String,
    /// The rating in half stars: 2 (one star) to 10 (five stars).
    pub halves: u8,
    pub date: Date,
    /// The text as the customer wrote it (markdown; `render` shows it
    /// without raw HTML, links or images); `None` for a rating without words.
    pub text: Option<String>,
    /// The text without markup (JSON-LD, meta descriptions).
    pub text_plain: Option<String>,
    /// Index into `Reviews::products`.
    pub product: Option<usize>,
    /// As written (`google`, `in-store`, ...).
    pub source: Option<String>,
    /// The owner's reply as written (markdown, shown like the text).
    pub response: Option<String>,
    pub response_date: Option<Date>,
    /// Where the review is listed: `/reviews/page/2/#r-2026-11-03-ana`
    /// (`/reviews/` for a rating-only review the site does not list).
    pub url: String,
    /// Whether the review pages list it (`reviews.show_rating_only`).
    pub listed: bool,
}

impl Review {
    /// "4.5", "5".
    pub fn rating_text(&self) -> String {
        halves_text(self.halves)
    }
}

pub use crate::parse::reviews::halves_text;

/// The average and distribution of a set of ratings, computed once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatingSummary {
    /// Every rating, with text or without (JSON-LD's `ratingCount`).
    pub count: usize,
    /// The ratings that come with words (JSON-LD's `reviewCount`).
    pub with_text: usize,
    /// The average in tenths of a star, rounded half up: 46 means 4.6.
    pub average_tenths: u32,
    /// How many ratings sit at each star level: `[0]` is one star, `[4]`
    /// five. A half star counts with the level below (4.5 is a four).
    pub distribution: [usize; 5],
}

impl RatingSummary {
    /// Summarises ratings given in half stars (2..=10), each with text.
    /// `None` when empty.
    pub fn of(halves: impl IntoIterator<Item = u8>) -> Option<RatingSummary> {
        RatingSummary::of_ratings(halves.into_iter().map(|h| (h, true)))
    }

    /// Summarises ratings given in half stars (2..=10) with whether each
    /// has text. `None` when empty.
    pub fn of_ratings(ratings: impl IntoIterator<Item = (u8, bool)>) -> Option<RatingSummary> {
        let mut count = 0usize;
        let mut with_text = 0usize;
        let mut sum = 0u64;
        let mut distribution = [0usize; 5];
        for (h, text) in ratings {
            count += 1;
            with_text += usize::from(text);
            sum += u64::from(h);
            let level = usize::from(h / 2).clamp(1, 5);
            distribution[level - 1] += 1;
        }
        if count == 0 {
            return None;
        }
        // average = sum / 2 / count stars; in tenths, rounded half up:
        // floor(sum * 5 / count + 1/2) = (10 * sum + count) / (2 * count).
        let n = count as u64;
        let average_tenths = ((10 * sum + n) / (2 * n)) as u32;
        Some(RatingSummary { count, with_text, average_tenths, distribution })
    }

    /// "4.6": the one text every page and JSON-LD block shows.
    pub fn average_text(&self) -> String {
        format!("{}.{}", self.average_tenths / 10, self.average_tenths % 10)
    }

    /// The same value as a number (4.6), for JSON-LD.
    pub fn average_number(&self) -> f64 {
        f64::from(self.average_tenths) / 10.0
    }
}

/// A product (or service) that reviews name, with its own summary.
#[derive(Debug, Clone)]
pub struct Product {
    /// As first written in data/reviews.yaml.
    pub name: String,
    pub slug: String,
    /// `/reviews/<slug>/`
    pub url: String,
    /// Indices into `Reviews::all`, newest first.
    pub reviews: Vec<usize>,
    pub summary: RatingSummary,
}

/// Every review of the site.
#[derive(Debug, Clone, Default)]
pub struct Reviews {
    /// Newest first.
    pub all: Vec<Review>,
    /// Of all reviews; `None` when there are none.
    pub summary: Option<RatingSummary>,
    /// By slug.
    pub products: Vec<Product>,
}

impl Reviews {
    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stars(list: &[f64]) -> Option<RatingSummary> {
        RatingSummary::of(list.iter().map(|s| (s * 2.0) as u8))
    }

    #[test]
    fn a_single_review_is_its_own_average() {
        let s = stars(&[4.5]).unwrap();
        assert_eq!((s.count, s.average_text(), s.average_number()), (1, "4.5".to_string(), 4.5));
        assert_eq!(s.distribution, [0, 0, 0, 1, 0]);
        let s = stars(&[5.0]).unwrap();
        assert_eq!(s.average_text(), "5.0");
        assert_eq!(s.average_number(), 5.0);
    }

    #[test]
    fn halves_average_and_round_half_up() {
        // 4.5 + 4 = 8.5 / 2 = 4.25 -> 4.3
        assert_eq!(stars(&[4.5, 4.0]).unwrap().average_text(), "4.3");
        // 5 + 4.5 + 4.5 = 14 / 3 = 4.666... -> 4.7
        assert_eq!(stars(&[5.0, 4.5, 4.5]).unwrap().average_text(), "4.7");
        // 1 + 2 = 1.5 exactly
        assert_eq!(stars(&[1.0, 2.0]).unwrap().average_text(), "1.5");
        // 3 + 4 + 4 = 11 / 3 = 3.666... -> 3.7
        assert_eq!(stars(&[3.0, 4.0, 4.0]).unwrap().average_text(), "3.7");
        // 4.5 * 3 + 4 = 17.5 / 4 = 4.375 -> 4.4
        assert_eq!(stars(&[4.5, 4.5, 4.5, 4.0]).unwrap().average_text(), "4.4");
        assert_eq!(stars(&[4.5, 4.5, 4.5, 4.0]).unwrap().average_number(), 4.4);
    }

    #[test]
    fn distribution_counts_halves_with_the_level_below() {
        let s = stars(&[5.0, 4.5, 4.5, 4.0, 3.0, 1.5, 1.0]).unwrap();
        assert_eq!(s.distribution, [2, 0, 1, 3, 1]);
        assert_eq!(s.distribution.iter().sum::<usize>(), s.count);
    }

    #[test]
    fn ratings_without_text_count_in_everything_but_with_text() {
        let s = RatingSummary::of_ratings([(10, true), (8, false), (2, false)]).unwrap();
        assert_eq!(
            (s.count, s.with_text, s.average_text(), s.distribution),
            (3, 1, "3.3".to_string(), [1, 0, 0, 1, 1])
        );
    }

    #[test]
    fn no_reviews_no_summary() {
        assert!(stars(&[]).is_none());
    }

    #[test]
    fn rating_text() {
        assert_eq!(halves_text(9), "4.5");
        assert_eq!(halves_text(10), "5");
        assert_eq!(halves_text(2), "1");
    }
}
