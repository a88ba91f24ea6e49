//! CSV rows to review candidates: which column holds which field (by header
//! name or by flag), and reading and checking each row.

use super::{Candidate, ImportSettings};
use crate::date::Date;
use crate::diag::Diagnostics;
use crate::parse::csv::{Field, Record};
use crate::parse::reviews::{rating_halves, review_date, valid_id};
use crate::paths::slugify;
use std::collections::BTreeMap;

/// One field of a review and how CSV headers may name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Col {
    Author,
    Rating,
    Date,
    Text,
    Reply,
    ReplyDate,
    Id,
    Product,
    Source,
}

impl Col {
    const ALL: [Col; 9] = [
        Col::Author,
        Col::Rating,
        Col::Date,
        Col::Text,
        Col::Reply,
        Col::ReplyDate,
        Col::Id,
        Col::Product,
        Col::Source,
    ];

    fn flag(self) -> &'static str {
        match self {
            Col::Author => "--author-column",
            Col::Rating => "--rating-column",
            Col::Date => "--date-column",
            Col::Text => "--text-column",
            Col::Reply => "--reply-column",
            Col::ReplyDate => "--reply-date-column",
            Col::Id => "--id-column",
            Col::Product => "--product-column",
            Col::Source => "--source-column",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Col::Author => "author",
            Col::Rating => "rating",
            Col::Date => "date",
            Col::Text => "text",
            Col::Reply => "reply",
            Col::ReplyDate => "reply date",
            Col::Id => "id",
            Col::Product => "product",
            Col::Source => "source",
        }
    }

    fn required(self) -> bool {
        matches!(self, Col::Author | Col::Rating | Col::Date | Col::Text)
    }

    /// Header names recognised without a flag (compared after `header_key`).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Col::Author => {
                &["author", "name", "reviewer", "reviewer name", "customer", "customer name", "user", "user name"]
            }
            Col::Rating => &["rating", "stars", "star rating", "score", "rating value"],
            Col::Date => {
                &["date", "review date", "created", "created at", "date created", "published", "date published", "time"]
            }
            Col::Text => &["text", "review", "review text", "comment", "comments", "body", "content", "message"],
            Col::Reply => &[
                "reply",
                "response",
                "owner reply",
                "owner response",
                "response from owner",
                "response from the owner",
                "reply text",
            ],
            Col::ReplyDate => &["reply date", "response date", "replied at", "reply time", "response time"],
            Col::Id => &["id", "review id"],
            Col::Product => &["product", "product name", "item", "service"],
            Col::Source => &["source", "platform", "site", "channel"],
        }
    }
}

/// "Reviewer_Name " → "reviewer name".
fn header_key(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A rating as platforms export it: "4.5", "4,5", "5/5", "4 stars", "★★★★☆".
fn rating_text(written: &str) -> String {
    let t = written.trim();
    if !t.is_empty() && t.chars().all(|c| matches!(c, '★' | '☆' | ' ')) {
        return t.chars().filter(|&c| c == '★').count().to_string();
    }
    let t = t.strip_suffix("/5").or_else(|| t.strip_suffix("/ 5")).unwrap_or(t);
    let t = t.trim_end_matches(|c: char| c.is_alphabetic()).trim();
    t.replace(',', ".")
}

/// `2026-11-03`, `2026/11/03` or a timestamp.
fn date_text(written: &str) -> String {
    let t = written.trim();
    if t.len() >= 10 && t.as_bytes()[4] == b'/' && t.as_bytes()[7] == b'/' {
        return t.replacen('/', "-", 2);
    }
    t.to_string()
}

/// The column index of each field the CSV has.
pub(super) fn find_columns(
    csv_name: &str,
    header: &Record,
    settings: &ImportSettings,
    diags: &mut Diagnostics,
) -> Option<BTreeMap<Col, usize>> {
    let keys: Vec<String> = header.fields.iter().map(|f| header_key(&f.text)).collect();
    let names = header.fields.iter().map(|f| format!("`{}`", f.text.trim())).collect::<Vec<_>>().join(", ");
    let mut found = BTreeMap::new();
    let mut ok = true;
    for col in Col::ALL {
        let index = match settings.columns.get(&col) {
            Some(name) => {
                let i = keys.iter().position(|k| *k == header_key(name));
                if i.is_none() {
                    ok = false;
                    diags
                        .error(
                            csv_name,
                            Some(header.span),
                            format!("there is no column `{name}` ({} {name})", col.flag()),
                        )
                        .help(format!("the columns on the first line are: {names}"));
                }
                i
            }
            None => {
                // Two columns that could both be this field: which one is meant is not ours to guess.
                let matching: Vec<usize> =
                    (0..keys.len()).filter(|&i| col.aliases().contains(&keys[i].as_str())).collect();
                if let [first, second, ..] = matching[..] {
                    ok = false;
                    let (a, b) = (header.fields[first].text.trim(), header.fields[second].text.trim());
                    diags
                        .error(
                            csv_name,
                            Some(header.span),
                            format!("two columns hold the reviews' {}: `{a}` and `{b}`", col.what()),
                        )
                        .help(format!("say which one to use with {} \"{a}\" (or \"{b}\")", col.flag()));
                }
                matching.first().copied()
            }
        };
        match index {
            Some(i) => {
                found.insert(col, i);
            }
            None if col.required() && !settings.columns.contains_key(&col) => {
                ok = false;
                diags.error(csv_name, Some(header.span), format!("no column holds the reviews' {}", col.what())).help(
                    format!("name it with {} \"<column>\"; the columns on the first line are: {names}", col.flag()),
                );
            }
            None => {}
        }
    }
    ok.then_some(found)
}

/// Reads and checks one row. `None` for a row without text that is to be
/// skipped (and for a bad row, after reporting it).
pub(super) fn read_row(
    csv_name: &str,
    row: &Record,
    header: &Record,
    columns: &BTreeMap<Col, usize>,
    settings: &ImportSettings,
    diags: &mut Diagnostics,
) -> Option<Candidate> {
    if row.fields.len() != header.fields.len() {
        diags
            .error(csv_name, Some(row.span), format!("line {} has {} fields, but the first line names {} columns", row.line, row.fields.len(), header.fields.len()))
            .help("a field holding a comma or a line break must be in double quotes; check for a missing or extra quote on this line");
        return None;
    }
    let field = |col: Col| -> Option<&Field> { columns.get(&col).map(|&i| &row.fields[i]) };
    let value =
        |col: Col| -> Option<String> { field(col).map(|f| f.text.trim().to_string()).filter(|s| !s.is_empty()) };
    let span = |col: Col| field(col).map_or(row.span, |f| f.span);
    let mut ok = true;
    let mut error = |col: Col, message: String, help: &str| {
        ok = false;
        diags.error(csv_name, Some(span(col)), format!("line {}: {message}", row.line)).help(help);
    };

    let author = value(Col::Author);
    if author.is_none() {
        error(Col::Author, "the review has no author".into(), "fill in the customer's name, or remove the row");
    }
    let halves = match value(Col::Rating) {
        None => {
            error(Col::Rating, "the review has no rating".into(), "fill in a rating from 1 to 5, or remove the row");
            None
        }
        Some(r) => match rating_halves(&rating_text(&r)) {
            Ok(h) => Some(h),
            Err((_, help)) => {
                error(Col::Rating, format!("rating `{r}` is not from 1 to 5 in whole or half stars"), &help);
                None
            }
        },
    };
    let parse_date = |col: Col, what: &str| -> Result<Option<Date>, (String, &'static str)> {
        let Some(written) = value(col) else { return Ok(None) };
        match review_date(&date_text(&written)) {
            Ok(d) if settings.today.is_some_and(|t| d > t) => {
                Err((format!("the {what} {d} is in the future"), "check the year and month"))
            }
            Ok(d) => Ok(Some(d)),
            Err(_) => Err((
                format!("`{written}` is not a date shopstory can read"),
                "export dates as YYYY-MM-DD (2026-11-03) or as timestamps (2026-11-03T10:00:00Z)",
            )),
        }
    };
    let date = match parse_date(Col::Date, "date") {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            error(
                Col::Date,
                "the review has no date".into(),
                "fill in the date it was written (YYYY-MM-DD), or remove the row",
            );
            None
        }
        Err((message, help)) => {
            error(Col::Date, message, help);
            None
        }
    };
    let reply_date = parse_date(Col::ReplyDate, "reply date").unwrap_or_else(|(message, help)| {
        error(Col::ReplyDate, message, help);
        None
    });
    let id = value(Col::Id);
    if let Some(id) = id.as_ref().filter(|id| !valid_id(id)) {
        error(
            Col::Id,
            format!("id `{id}` has characters an id cannot have"),
            "ids may hold letters, digits, `-`, `_` and `.`; or leave the id column out and shopstory makes ids",
        );
    }
    let product = value(Col::Product).or_else(|| settings.product.clone());
    if let Some(p) = product.as_ref().filter(|p| matches!(slugify(p).as_str(), "" | "page")) {
        error(
            Col::Product,
            format!("product `{p}` cannot have a page of its own under /reviews/"),
            "give the product a name with letters, and not `page`",
        );
    }
    let text = value(Col::Text);
    if text.is_none() && !settings.skip_without_text {
        error(
            Col::Text,
            "the review has no text".into(),
            "remove the row, or pass --skip-without-text to leave out reviews that are only a rating",
        );
    }
    if !ok {
        return None;
    }
    Some(Candidate {
        line: row.line,
        id,
        author: author?,
        halves: halves?,
        date: date?,
        text: text?,
        product,
        source: value(Col::Source).or_else(|| settings.source.clone()),
        reply: value(Col::Reply),
        reply_date,
    })
}
