//! `data/reviews.yaml` → reviews: id, author, rating, date and the
//! optional text (a review without one is a rating only, as Google has
//! many), product, source, response (the owner's reply) and response_date. Every bad field is its own error at its line, and a review
//! with one is left out, so that one run shows every problem. Whether a date
//! lies in the future needs "today", which parsing does not know: `resolve`
//! calls `check_dates` with the build's date. No I/O, no clock.

use super::records::{field_span, parse_records};
use super::yaml::{self, scalar, Seg, Value};
use crate::date::{Date, DateTime};
use crate::diag::{Diagnostics, Span};
use crate::load::TextFile;
use crate::paths::slugify;
use serde::Deserialize;

pub const REVIEWS_FILE: &str = "data/reviews.yaml";
pub const KEYS: &[&str] = &["id", "author", "rating", "date", "text", "product", "source", "response", "response_date"];
const EXAMPLE: &str =
    "- id: r-2026-11-03-ana\n  author: Ana P.\n  rating: 5\n  date: 2026-11-03\n  text: Friendly help choosing a size.";
/// Product slugs the review pages use themselves (`/reviews/page/2/`).
const RESERVED_PRODUCT_SLUGS: &[&str] = &["page"];

/// Fields as written; checked one by one below, so no field's type error
/// hides another's. Unknown keys are reported by `parse_records`.
#[derive(Debug, Clone, Deserialize)]
struct RawReview {
    id: Option<Value>,
    author: Option<Value>,
    rating: Option<Value>,
    date: Option<Value>,
    text: Option<Value>,
    product: Option<Value>,
    source: Option<Value>,
    response: Option<Value>,
    response_date: Option<Value>,
}

/// A review whose fields are each valid.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedReview {
    /// Position in the file (0-based).
    pub index: usize,
    pub id: String,
    pub author: String,
    /// The rating in half stars, 2..=10.
    pub halves: u8,
    pub date: Date,
    /// Markdown; `None` for a rating without words.
    pub text: Option<String>,
    pub product: Option<String>,
    pub source: Option<String>,
    /// Markdown.
    pub response: Option<String>,
    pub response_date: Option<Date>,
    pub date_span: Option<Span>,
    pub response_date_span: Option<Span>,
}

/// Whether an id can name a review (and be a link anchor): letters, digits,
/// `-`, `_` and `.`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A rating as written ("4.5") → half stars. The error is (message, help).
pub fn rating_halves(written: &str) -> Result<u8, (String, String)> {
    let help = "use a number from 1 to 5; halves like 4.5 are allowed".to_string();
    let Ok(r) = written.trim().parse::<f64>() else {
        return Err((format!("rating `{written}` is not a number"), help));
    };
    if !(1.0..=5.0).contains(&r) {
        return Err((format!("rating {written} is out of range"), help));
    }
    let halves = r * 2.0;
    if halves.fract() != 0.0 {
        let (down, up) = (halves.floor() / 2.0, halves.ceil() / 2.0);
        return Err((format!("rating {written} is not a whole or half star"), format!("round it to {down} or {up}")));
    }
    Ok(halves as u8)
}

/// A review date as written: `2026-11-03`, or a timestamp whose day is kept.
pub fn review_date(written: &str) -> Result<Date, String> {
    DateTime::parse(written).map(|d| d.date)
}

struct Checker<'a, 'd> {
    file: &'a TextFile,
    index: usize,
    /// How messages name this review: "review `r-1`" or "review 3".
    who: String,
    diags: &'d mut Diagnostics,
    ok: bool,
}

impl Checker<'_, '_> {
    fn span(&self, key: &str) -> Option<Span> {
        field_span(self.file, self.index, key)
    }

    /// A scalar as the file writes it (`7.50`, `1e3`), rather than as YAML
    /// read it (`7.5`, `1000`), so that messages quote the owner's text;
    /// `read` when the field cannot be found in the text (flow style).
    fn as_written(&self, key: &str, read: String) -> String {
        let Some(span) = yaml::locate_shared(&self.file.text, &[Seg::Index(self.index), Seg::Key(key)]) else {
            return read;
        };
        let raw = &self.file.text[span.start..span.end];
        let raw = raw.split(" #").next().unwrap_or(raw).trim();
        if raw.parse::<f64>().is_ok_and(|n| read.parse::<f64>().is_ok_and(|r| r == n)) {
            raw.to_string()
        } else {
            read
        }
    }

    fn error(&mut self, key: &str, message: String, help: impl Into<String>) {
        self.ok = false;
        let span = self.span(key);
        self.diags.error(&self.file.path, span, message).help(help);
    }

    /// An optional text field: `None` when absent or blank.
    fn text(&mut self, key: &str, v: &Option<Value>) -> Option<String> {
        match v.as_ref().map(scalar) {
            None | Some(Ok(None)) => None,
            Some(Ok(Some(s))) if s.trim().is_empty() => None,
            // `id: 1.50` is the text `1.50`, not the number YAML reads.
            Some(Ok(Some(s))) if matches!(v, Some(Value::Number(_))) => Some(self.as_written(key, s)),
            Some(Ok(Some(s))) => Some(s),
            Some(Err(())) => {
                let who = self.who.clone();
                self.error(
                    key,
                    format!("{who}: `{key}` must be text"),
                    format!("write it on one line after `{key}:`, in quotes if it holds a colon"),
                );
                None
            }
        }
    }

    /// A required text field.
    fn required(&mut self, key: &str, v: &Option<Value>, help: &str) -> Option<String> {
        let mistyped = v.as_ref().is_some_and(|v| scalar(v).is_err());
        let t = self.text(key, v);
        if t.is_none() && !mistyped {
            let who = self.who.clone();
            self.error(key, format!("{who} has no `{key}`"), help);
        }
        t
    }

    fn date(&mut self, key: &str, v: &Option<Value>, required: bool) -> Option<Date> {
        let help = "write the date as YYYY-MM-DD, such as 2026-11-03";
        let written = if required { self.required(key, v, help)? } else { self.text(key, v)? };
        match review_date(&written) {
            Ok(d) => Some(d),
            Err(why) => {
                let who = self.who.clone();
                self.error(key, format!("{who}: `{key}` {why}"), help);
                None
            }
        }
    }
}

/// Parses data/reviews.yaml. Reviews with a bad field are reported and left
/// out; the rest come back in file order.
pub fn parse_reviews(file: Option<&TextFile>, diags: &mut Diagnostics) -> Vec<ParsedReview> {
    let Some(file) = file else { return Vec::new() };
    let mut out: Vec<ParsedReview> = Vec::new();
    // Every id seen, bad reviews' included, with its entry number.
    let mut ids: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for rec in parse_records::<RawReview>(file, KEYS, "review", EXAMPLE, diags) {
        let raw = rec.value;
        let mut c = Checker { file, index: rec.index, who: format!("review {}", rec.index + 1), diags, ok: true };

        let id = c.required("id", &raw.id, "give each review a short unique id, such as `id: r-2026-11-03-ana`");
        let id = id.map(|s| s.trim().to_string()).filter(|id| {
            if valid_id(id) {
                return true;
            }
            let who = c.who.clone();
            c.error(
                "id",
                format!("{who}: id `{id}` has characters an id cannot have"),
                format!("use letters, digits and hyphens, such as `{}`", slugify(id)),
            );
            false
        });
        if let Some(id) = &id {
            c.who = format!("review `{id}`");
            match ids.get(id) {
                Some(first) => c.error(
                    "id",
                    format!("review id `{id}` is used twice (entries {first} and {})", rec.index + 1),
                    "give each review its own id, for example by adding the author's initial",
                ),
                None => {
                    ids.insert(id.clone(), rec.index + 1);
                }
            }
        }
        let author = c.required(
            "author",
            &raw.author,
            "add the customer's name as they want it shown, such as `author: Ana P.`",
        );
        let halves = match raw.rating.as_ref().map(scalar) {
            None | Some(Ok(None)) => {
                let who = c.who.clone();
                c.error(
                    "rating",
                    format!("{who} has no `rating`"),
                    "add `rating:` with a number from 1 to 5; halves like 4.5 are allowed",
                );
                None
            }
            Some(Ok(Some(read))) => match rating_halves(&c.as_written("rating", read)) {
                Ok(h) => Some(h),
                Err((message, help)) => {
                    let who = c.who.clone();
                    c.error("rating", format!("{who}: {message}"), help);
                    None
                }
            },
            Some(Err(())) => {
                let who = c.who.clone();
                c.error(
                    "rating",
                    format!("{who}: `rating` must be a number"),
                    "use a number from 1 to 5; halves like 4.5 are allowed",
                );
                None
            }
        };
        let date = c.date("date", &raw.date, true);
        let text = c.text("text", &raw.text);
        let product = c.text("product", &raw.product).map(|p| p.trim().to_string());
        if let Some(p) = &product {
            let slug = slugify(p);
            if slug.is_empty() || RESERVED_PRODUCT_SLUGS.contains(&slug.as_str()) {
                let who = c.who.clone();
                c.error(
                    "product",
                    format!("{who}: product `{p}` cannot have a page of its own under /reviews/"),
                    "give the product a name with letters, and not `page`",
                );
            } else if let Err(why) = crate::paths::UrlPath::parse(&format!("/reviews/{slug}/")) {
                let who = c.who.clone();
                c.error(
                    "product",
                    format!("{who}: product `{p}` cannot be a web address: {why}"),
                    "shorten the product's name",
                );
            }
        }
        let source = c.text("source", &raw.source).map(|s| s.trim().to_string());
        let response = c.text("response", &raw.response);
        let response_date = c.date("response_date", &raw.response_date, false);
        if let (Some(d), Some(rd)) = (date, response_date) {
            if rd < d {
                let who = c.who.clone();
                c.error(
                    "response_date",
                    format!("{who}: the reply is dated {rd}, before the review ({d})"),
                    "check both dates; a reply comes after the review",
                );
            }
        }
        if response_date.is_some() && response.is_none() {
            let span = c.span("response_date");
            let who = c.who.clone();
            c.diags
                .warning(&file.path, span, format!("{who} has a `response_date` but no `response`"))
                .help("add the reply after `response:`, or remove `response_date:`");
        }
        if !c.ok {
            continue;
        }
        let (Some(id), Some(author), Some(halves), Some(date)) = (id, author, halves, date) else {
            continue;
        };
        out.push(ParsedReview {
            index: rec.index,
            id,
            author: author.trim().to_string(),
            halves,
            date,
            text,
            product,
            source,
            response,
            response_date,
            date_span: field_span(file, rec.index, "date"),
            response_date_span: field_span(file, rec.index, "response_date"),
        });
    }
    out
}

/// Reports reviews (and replies) dated after `today` and leaves those
/// reviews out: a review cannot have been written tomorrow.
pub fn check_dates(reviews: Vec<ParsedReview>, today: Date, diags: &mut Diagnostics) -> Vec<ParsedReview> {
    let mut out = Vec::with_capacity(reviews.len());
    for r in reviews {
        let mut ok = true;
        if r.date > today {
            ok = false;
            diags
                .error(
                    REVIEWS_FILE,
                    r.date_span,
                    format!("review `{}`: `date` {} is in the future (today is {today})", r.id, r.date),
                )
                .help("check the year and month; a review cannot be dated after today");
        }
        if let Some(rd) = r.response_date.filter(|rd| *rd > today) {
            ok = false;
            diags
                .error(
                    REVIEWS_FILE,
                    r.response_date_span,
                    format!("review `{}`: `response_date` {rd} is in the future (today is {today})", r.id),
                )
                .help("check the year and month of the reply");
        }
        if ok {
            out.push(r);
        }
    }
    out
}

/// A rating given in half stars, as people write it: "4.5", "5".
pub fn halves_text(halves: u8) -> String {
    if halves.is_multiple_of(2) {
        format!("{}", halves / 2)
    } else {
        format!("{}.5", halves / 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::render::all_to_text;
    use std::sync::Arc;

    fn parse(text: &str) -> (Vec<ParsedReview>, String) {
        let mut diags = Diagnostics::new();
        diags.add_source(REVIEWS_FILE, Arc::from(text));
        let file = TextFile { path: REVIEWS_FILE.into(), text: Arc::from(text) };
        let reviews = parse_reviews(Some(&file), &mut diags);
        (reviews, all_to_text(&diags))
    }

    const GOOD: &str = "# a comment\n- id: r-1\n  author: Ana P.\n  rating: 4.5\n  date: 2026-11-03\n  text: Friendly *help*.\n  product: wool cover\n  source: google\n  response: Thank you!\n  response_date: 2026-11-04\n\n- id: r-2\n  author: Bo\n  rating: 5\n  date: 2026-11-05T10:00:00Z\n  text: \"Great: really.\"\n";

    #[test]
    fn good_reviews_parse() {
        let (reviews, errs) = parse(GOOD);
        assert_eq!(errs, "");
        assert_eq!(reviews.len(), 2);
        let r = &reviews[0];
        assert_eq!(
            (r.id.as_str(), r.author.as_str(), r.halves, r.date.to_string()),
            ("r-1", "Ana P.", 9, "2026-11-03".to_string())
        );
        assert_eq!(r.product.as_deref(), Some("wool cover"));
        assert_eq!(r.response_date.map(|d| d.to_string()).as_deref(), Some("2026-11-04"));
        assert_eq!(reviews[1].date.to_string(), "2026-11-05");
        assert_eq!(reviews[1].text.as_deref(), Some("Great: really."));
    }

    #[test]
    fn bad_fields_are_reported_at_their_lines_all_at_once() {
        let text = "- id: r-1\n  author: Ana\n  rating: 7\n  date: 2026-11-03\n  text: Hi\n\n- id: r-2\n  author: Bo\n  rating: 5\n  date: 2026-11-03\n\n- id: r-1\n  author: Cy\n  rating: 4.3\n  date: 2026-02-30\n  text: Hello\n  stars: 5\n";
        let (reviews, errs) = parse(text);
        // Only `r-2`, a rating without text, is kept.
        assert_eq!(reviews.iter().map(|r| (r.id.as_str(), r.text.as_deref())).collect::<Vec<_>>(), [("r-2", None)]);
        assert_eq!(
            errs,
            "error: review `r-1`: rating 7 is out of range
 --> data/reviews.yaml:3:11
  |
3 |   rating: 7
  |           ^
  = help: use a number from 1 to 5; halves like 4.5 are allowed

error: review id `r-1` is used twice (entries 1 and 3)
  --> data/reviews.yaml:12:7
   |
12 | - id: r-1
   |       ^^^
   = help: give each review its own id, for example by adding the author's initial

error: review `r-1`: rating 4.3 is not a whole or half star
  --> data/reviews.yaml:14:11
   |
14 |   rating: 4.3
   |           ^^^
   = help: round it to 4 or 4.5

error: review `r-1`: `date` `2026-02-30` is not a real date: February 2026 has 28 days
  --> data/reviews.yaml:15:9
   |
15 |   date: 2026-02-30
   |         ^^^^^^^^^^
   = help: write the date as YYYY-MM-DD, such as 2026-11-03

error: unknown key `stars` in this review
  --> data/reviews.yaml:17:3
   |
17 |   stars: 5
   |   ^^^^^
   = help: the keys this review knows are: id, author, rating, date, text, product, source, response, response_date

"
        );
    }

    #[test]
    fn missing_and_mistyped_fields() {
        let text = "- author: Ana\n  rating: five\n  date: soon\n  text: [a, b]\n  product: \"!!\"\n";
        let (reviews, errs) = parse(text);
        assert!(reviews.is_empty());
        for needle in [
            "error: review 1 has no `id`\n --> data/reviews.yaml:1:1",
            "error: review 1: rating `five` is not a number\n --> data/reviews.yaml:2:11",
            "error: review 1: `date` `soon` is not a date in the form YYYY-MM-DD\n --> data/reviews.yaml:3:9",
            "error: review 1: `text` must be text\n --> data/reviews.yaml:4:9",
            "error: review 1: product `!!` cannot have a page of its own under /reviews/\n --> data/reviews.yaml:5:12",
        ] {
            assert!(errs.contains(needle), "lacks {needle:?} in\n{errs}");
        }
    }

    #[test]
    fn replies_dated_before_their_review_are_errors() {
        let text = "- id: r-1\n  author: Ana\n  rating: 5\n  date: 2026-11-03\n  text: Hi\n  response: Thanks\n  response_date: 2026-11-01\n";
        let (reviews, errs) = parse(text);
        assert!(reviews.is_empty());
        assert!(
            errs.contains("the reply is dated 2026-11-01, before the review (2026-11-03)\n --> data/reviews.yaml:7:18"),
            "{errs}"
        );
    }

    #[test]
    fn future_dates_are_errors_at_their_line() {
        let (reviews, _) = parse(GOOD);
        let mut diags = Diagnostics::new();
        diags.add_source(REVIEWS_FILE, Arc::from(GOOD));
        let today = Date::parse("2026-11-04").unwrap();
        let kept = check_dates(reviews, today, &mut diags);
        assert_eq!(kept.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["r-1"]);
        let errs = all_to_text(&diags);
        assert!(
            errs.starts_with("error: review `r-2`: `date` 2026-11-05 is in the future (today is 2026-11-04)\n  --> data/reviews.yaml:15:9\n"),
            "{errs}"
        );
        assert_eq!(diags.error_count(), 1);
    }

    #[test]
    fn ratings() {
        assert_eq!(rating_halves("1"), Ok(2));
        assert_eq!(rating_halves("4.5"), Ok(9));
        assert_eq!(rating_halves("5.0"), Ok(10));
        assert!(rating_halves("0.5").is_err());
        assert!(rating_halves("5.5").is_err());
        assert!(rating_halves("NaN").is_err());
        assert!(valid_id("r-2026-11-03-ana") && valid_id("ChdDSU_hN.0") && !valid_id("r 1") && !valid_id(""));
    }
}
