//! Export rows to review candidates: reading and checking each row's
//! fields (ratings as platforms write them, dates, Google's translated
//! texts), and deciding which rows are left out and why. No I/O.

use super::columns::Col;
use super::{Candidate, ImportSettings, SkipKind, Skipped};
use crate::date::Date;
use crate::diag::Diagnostics;
use crate::parse::csv::{Field, Record};
use crate::parse::reviews::{rating_halves, review_date, valid_id};
use crate::paths::slugify;
use std::collections::BTreeMap;

/// A rating as platforms export it: "4.5", "4,5", "5/5", "4 stars",
/// "★★★★☆", Google's `FIVE`. `None` for Google's "no rating"
/// (`STAR_RATING_UNSPECIFIED`).
fn rating_text(written: &str) -> Option<String> {
    let t = written.trim();
    let word = ["one", "two", "three", "four", "five"].iter().position(|w| t.eq_ignore_ascii_case(w));
    if let Some(n) = word {
        return Some((n + 1).to_string());
    }
    if t.eq_ignore_ascii_case("STAR_RATING_UNSPECIFIED") {
        return None;
    }
    if !t.is_empty() && t.chars().all(|c| matches!(c, '★' | '☆' | ' ')) {
        return Some(t.chars().filter(|&c| c == '★').count().to_string());
    }
    let t = t.strip_suffix("/5").or_else(|| t.strip_suffix("/ 5")).unwrap_or(t);
    let t = t.trim_end_matches(|c: char| c.is_alphabetic()).trim();
    Some(t.replace(',', "."))
}

/// How a date with slashes is read: `2026/11/03`; `03/11/2026` or
/// `11/03/2026` by `--date-order`, or unambiguously when one part is over 12.
fn date_text(written: &str, day_first: Option<bool>) -> Result<String, (String, String)> {
    let t = written.trim();
    let b = t.as_bytes();
    // 2026-11-03 12:00:00 UTC, 2026-11-03T12:00:00.123Z: the day is what counts.
    if b.len() > 10 && b[4] == b'-' && b[7] == b'-' && matches!(b[10], b' ' | b'T' | b't') {
        return Ok(t[..10].to_string());
    }
    if b.len() >= 10 && b[4] == b'/' && b[7] == b'/' {
        return Ok(t[..10].replacen('/', "-", 2));
    }
    let day_part = t.split([' ', 'T']).next().unwrap_or(t);
    let parts: Vec<&str> = day_part.split(['/', '.']).collect();
    if let [x, y, year] = parts.as_slice() {
        if let (Ok(x), Ok(y), Ok(year)) = (x.parse::<u32>(), y.parse::<u32>(), year.parse::<u32>()) {
            if year >= 1000 {
                let day_first = match day_first {
                    Some(d) => d,
                    None if x > 12 => true,
                    None if y > 12 => false,
                    None if x == y => true,
                    None => {
                        return Err((
                            format!(
                                "`{}` could be {x} {} or {} {y}",
                                written.trim(),
                                crate::date::MONTHS[y as usize - 1],
                                crate::date::MONTHS[x as usize - 1]
                            ),
                            "pass --date-order dmy (day first) or --date-order mdy (month first, as US exports write dates)".into(),
                        ));
                    }
                };
                let (d, m) = if day_first { (x, y) } else { (y, x) };
                return Ok(format!("{year:04}-{m:02}-{d:02}"));
            }
        }
    }
    Ok(t.to_string())
}

/// Google's machine translation: "(Translated by Google) Great shop
/// (Original) Toller Laden" keeps only the original words; a translation
/// after the original is dropped too.
pub(super) fn original_text(text: &str) -> String {
    const MARK: &str = "(Translated by Google)";
    const ORIGINAL: &str = "(Original)";
    let t = text.trim();
    if let Some(rest) = t.strip_prefix(MARK) {
        if let Some(i) = rest.find(ORIGINAL) {
            return rest[i + ORIGINAL.len()..].trim().to_string();
        }
        return rest.trim().to_string();
    }
    match t.find(MARK) {
        Some(i) if !t[..i].trim().is_empty() => t[..i].trim().to_string(),
        _ => t.to_string(),
    }
}

/// A title as a first bold line: markdown characters escaped.
fn title_markdown(title: &str) -> String {
    let mut out = String::from("**");
    for c in title.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out + "**"
}

/// What became of one row.
#[derive(Debug)]
pub(super) enum RowOutcome {
    Review(Box<Candidate>),
    Skip(Skipped),
    /// Reported to the diagnostics.
    Bad,
}

/// Reads and checks one row: a review, a row left out (and why), or a bad
/// row after reporting it at its line.
pub(super) fn read_row(
    file: &str,
    row: &Record,
    header: &Record,
    columns: &BTreeMap<Col, usize>,
    settings: &ImportSettings,
    diags: &mut Diagnostics,
) -> RowOutcome {
    if row.fields.len() != header.fields.len() {
        diags
            .error(file, Some(row.span), format!("line {} has {} fields, but the first line names {} columns", row.line, row.fields.len(), header.fields.len()))
            .help("a field holding a comma or a line break must be in double quotes; check for a missing or extra quote on this line");
        return RowOutcome::Bad;
    }
    let field = |col: Col| -> Option<&Field> { columns.get(&col).map(|&i| &row.fields[i]) };
    let value =
        |col: Col| -> Option<String> { field(col).map(|f| f.text.trim().to_string()).filter(|s| !s.is_empty()) };
    let span = |col: Col| field(col).map_or(row.span, |f| f.span);
    let mut ok = true;
    let mut error = |col: Col, message: String, help: &str| {
        ok = false;
        diags.error(file, Some(span(col)), format!("line {}: {message}", row.line)).help(help);
    };
    let skip = |kind: SkipKind, reason: String| RowOutcome::Skip(Skipped { line: row.line, kind, reason });

    let author = value(Col::Author);
    if author.is_none() {
        error(Col::Author, "the review has no author".into(), "fill in the customer's name, or remove the row");
    }
    let halves = match value(Col::Rating) {
        None => {
            error(Col::Rating, "the review has no rating".into(), "fill in a rating from 1 to 5, or remove the row");
            None
        }
        Some(r) => match rating_text(&r) {
            None => return skip(SkipKind::WithoutRating, format!("its rating is `{r}` (no stars given)")),
            Some(t) => match rating_halves(&t) {
                Ok(h) => Some(h),
                Err((_, help)) => {
                    error(Col::Rating, format!("rating `{r}` is not from 1 to 5 in whole or half stars"), &help);
                    None
                }
            },
        },
    };
    let parse_date = |col: Col, what: &str| -> Result<Option<Date>, (String, String)> {
        let Some(written) = value(col) else { return Ok(None) };
        let help = "export dates as YYYY-MM-DD (2026-11-03) or as timestamps (2026-11-03T10:00:00Z)".to_string();
        let text = date_text(&written, settings.day_first)?;
        match review_date(&text) {
            Ok(d) if settings.today.is_some_and(|t| d > t) => {
                Err((format!("the {what} {d} is in the future"), "check the year and month".into()))
            }
            Ok(d) => Ok(Some(d)),
            Err(_) => Err((format!("`{written}` is not a date shopstory can read"), help)),
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
            error(Col::Date, message, &help);
            None
        }
    };
    let reply_date = parse_date(Col::ReplyDate, "reply date").unwrap_or_else(|(message, help)| {
        error(Col::ReplyDate, message, &help);
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
    let body = value(Col::Text).map(|t| original_text(&t)).filter(|t| !t.is_empty());
    let text = match (value(Col::Title).map(|t| original_text(&t)).filter(|t| !t.is_empty()), body) {
        (Some(title), Some(body)) if title != body => Some(format!("{}\n\n{body}", title_markdown(&title))),
        (Some(title), None) => Some(title),
        (_, body) => body,
    };
    if !ok {
        return RowOutcome::Bad;
    }
    if text.is_none() && settings.skip_without_text {
        return skip(SkipKind::WithoutText, "it has only a rating (--skip-without-text)".into());
    }
    let (Some(author), Some(halves), Some(date)) = (author, halves, date) else { return RowOutcome::Bad };
    if let Some(rd) = reply_date.filter(|rd| *rd < date) {
        diags
            .error(
                file,
                Some(span(Col::ReplyDate)),
                format!("line {}: the reply is dated {rd}, before the review ({date})", row.line),
            )
            .help("check both dates; a reply comes after the review");
        return RowOutcome::Bad;
    }
    RowOutcome::Review(Box::new(Candidate {
        line: row.line,
        id,
        author,
        halves,
        date,
        text,
        product,
        source: value(Col::Source).or_else(|| settings.source.clone()),
        reply: value(Col::Reply).map(|r| original_text(&r)).filter(|r| !r.is_empty()),
        reply_date,
    }))
}
