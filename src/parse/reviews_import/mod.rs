//! Importing reviews exported from a review platform (`shopstory import
//! reviews <file.csv>`). Columns are found by their header (author, rating,
//! date, text, reply, ...; each can be named with a flag). A review already
//! in the file (same id, or same author, date and text) is skipped. New
//! reviews are rendered as YAML text to append after the file's last byte,
//! so the existing entries, their order and their comments stay exactly as
//! they were. Any bad row is reported with its line and nothing is planned.
//!
//! `plan` is pure (text in, text out); `commands::import` reads, checks and
//! writes the files.

mod entry;
mod rows;
#[cfg(test)]
mod tests;

pub use rows::Col;

use crate::date::Date;
use crate::diag::Diagnostics;
use crate::load::TextFile;
use crate::parse::csv;
use crate::parse::reviews::{parse_reviews, REVIEWS_FILE};
use crate::paths::slugify;
use entry::{entry_yaml, NEW_FILE_HEADER};
use rows::{find_columns, read_row};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// What an import is asked to do, from the command line.
#[derive(Debug, Clone, Default)]
pub struct ImportSettings {
    /// Header names given by flags.
    pub columns: BTreeMap<Col, String>,
    /// For rows without a source (column absent or empty).
    pub source: Option<String>,
    /// For rows without a product.
    pub product: Option<String>,
    /// Skip rows without text instead of refusing the file.
    pub skip_without_text: bool,
    /// Reviews dated after this are errors.
    pub today: Option<Date>,
}

/// A review read from a row, checked.
#[derive(Debug, Clone)]
struct Candidate {
    line: usize,
    id: Option<String>,
    author: String,
    halves: u8,
    date: Date,
    text: String,
    product: Option<String>,
    source: Option<String>,
    reply: Option<String>,
    reply_date: Option<Date>,
}

/// A row left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub line: usize,
    pub reason: String,
}

/// What an import would do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The text to append to data/reviews.yaml (empty when nothing is new).
    pub append: String,
    /// The ids of the reviews added, in CSV order.
    pub added: Vec<String>,
    pub skipped: Vec<Skipped>,
}

/// "Ana  P." / "ana p." → the same key.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Works out what importing `csv_text` into a reviews file holding
/// `existing` (None: no file yet) would append. Problems go to `diags`
/// (CSV problems against `csv_name`, with lines); `None` when there is any.
pub fn plan(
    csv_name: &str,
    csv_text: &str,
    existing: Option<&str>,
    settings: &ImportSettings,
    diags: &mut Diagnostics,
) -> Option<Plan> {
    // What is there already.
    let existing_file = existing.map(|t| TextFile { path: REVIEWS_FILE.into(), text: Arc::from(t) });
    let before = diags.error_count();
    let present = parse_reviews(existing_file.as_ref(), diags);
    if diags.error_count() > before {
        diags
            .error(REVIEWS_FILE, None, "fix the errors in this file before importing into it")
            .help("shopstory must read every review already there to skip the ones the CSV repeats");
        return None;
    }
    let mut ids: HashSet<String> = present.iter().map(|r| r.id.clone()).collect();
    let mut seen: BTreeMap<(String, Date, String), String> =
        present.iter().map(|r| ((norm(&r.author).to_lowercase(), r.date, norm(&r.text)), r.id.clone())).collect();

    // The CSV.
    let records = match csv::parse(csv_text, csv::detect_delimiter(csv_text)) {
        Ok(r) => r,
        Err(e) => {
            diags.error(csv_name, Some(e.span), e.message).help(e.help);
            return None;
        }
    };
    let Some((header, rows)) = records.split_first() else {
        diags
            .error(csv_name, None, "this file is empty")
            .help("export the reviews again; the first line must name the columns (author, rating, date, text, ...)");
        return None;
    };
    let columns = find_columns(csv_name, header, settings, diags)?;
    let candidates: Vec<Option<Candidate>> =
        rows.iter().map(|row| read_row(csv_name, row, header, &columns, settings, diags)).collect();
    if diags.error_count() > before {
        return None;
    }

    let nl = if existing.is_some_and(|t| t.contains("\r\n")) { "\r\n" } else { "\n" };
    let mut plan = Plan::default();
    for (row, candidate) in rows.iter().zip(candidates) {
        let Some(c) = candidate else {
            plan.skipped.push(Skipped { line: row.line, reason: "it has no text".into() });
            continue;
        };
        if let Some(id) = c.id.as_ref().filter(|id| ids.contains(*id)) {
            plan.skipped.push(Skipped { line: c.line, reason: format!("review `{id}` is already there") });
            continue;
        }
        let key = (norm(&c.author).to_lowercase(), c.date, norm(&c.text));
        if let Some(id) = seen.get(&key) {
            plan.skipped
                .push(Skipped { line: c.line, reason: format!("review `{id}` has the same author, date and text") });
            continue;
        }
        let id = match &c.id {
            Some(id) => id.clone(),
            None => {
                let first = c
                    .author
                    .split_whitespace()
                    .next()
                    .map(slugify)
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "review".into());
                let base = format!("r-{}-{first}", c.date);
                let mut id = base.clone();
                let mut n = 2;
                while ids.contains(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                id
            }
        };
        if plan.append.is_empty() {
            match existing {
                None => plan.append.push_str(NEW_FILE_HEADER),
                Some(t) if !t.is_empty() && !t.ends_with('\n') => plan.append.push_str(nl),
                Some(_) => {}
            }
        }
        plan.append.push_str(nl);
        plan.append.push_str(&entry_yaml(&c, &id, nl));
        ids.insert(id.clone());
        seen.insert(key, id.clone());
        plan.added.push(id);
    }
    Some(plan)
}
