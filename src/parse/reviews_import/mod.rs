//! Importing reviews exported from a review platform (`shopstory import
//! reviews <file>`): a CSV export (Google, Trustpilot, Etsy, Judge.me, ...)
//! or Google's own `reviews.json` from Takeout. Columns are found by their
//! header (see `columns`; each can be named with a flag), and every column
//! not imported is listed in a warning. A review already in the file (same
//! id, or same author, date and text) is counted as already there. New
//! reviews are rendered as YAML text to append after the file's last byte,
//! so the existing entries, their order and their comments stay exactly as
//! they were. Any bad row is reported with its line and nothing is planned.
//!
//! `plan` is pure (text in, text out); `commands::import` reads, checks and
//! writes the files.

mod columns;
mod entry;
mod json;
mod rows;
#[cfg(test)]
mod tests;

pub use columns::Col;

use crate::date::Date;
use crate::diag::Diagnostics;
use crate::load::TextFile;
use crate::parse::csv;
use crate::parse::reviews::{parse_reviews, REVIEWS_FILE};
use crate::paths::slugify;
use columns::find_columns;
use entry::{entry_yaml, NEW_FILE_HEADER};
use rows::{read_row, RowOutcome};
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
    /// Leave out reviews that are only a rating.
    pub skip_without_text: bool,
    /// How `03/11/2026` is read: day first (`Some(true)`), month first, or
    /// only when unambiguous (`None`).
    pub day_first: Option<bool>,
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
    text: Option<String>,
    product: Option<String>,
    source: Option<String>,
    reply: Option<String>,
    reply_date: Option<Date>,
}

/// Why a row is not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipKind {
    /// The review is in data/reviews.yaml (or earlier in the export).
    AlreadyThere,
    /// Only a rating, and --skip-without-text.
    WithoutText,
    /// The platform gives no stars (Google's `STAR_RATING_UNSPECIFIED`).
    WithoutRating,
}

/// A row not added, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub line: usize,
    pub kind: SkipKind,
    pub reason: String,
}

/// What an import would do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The text to append to data/reviews.yaml (empty when nothing is new).
    pub append: String,
    /// The ids of the reviews added, in the export's order.
    pub added: Vec<String>,
    /// The YAML of each review added, in the same order (for --dry-run).
    pub entries: Vec<String>,
    /// Rows not added: already there, or left out and why.
    pub skipped: Vec<Skipped>,
    /// Which column fills each field: ("author", "reviewer.displayName").
    pub columns: Vec<(&'static str, String)>,
}

impl Plan {
    /// How many rows were left out for this reason.
    pub fn count(&self, kind: SkipKind) -> usize {
        self.skipped.iter().filter(|s| s.kind == kind).count()
    }
}

/// "Ana  P." / "ana p." → the same key.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Works out what importing `export_text` (CSV, or Google's JSON) into a
/// reviews file holding `existing` (None: no file yet) would append.
/// Problems go to `diags` (export problems against `export_name`, with
/// lines); `None` when there is any.
pub fn plan(
    export_name: &str,
    export_text: &str,
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
            .help("shopstory must read every review already there to count the ones the export repeats");
        return None;
    }
    // Author, date and text; for a rating only, the stars stand in for the text.
    let key_of = |author: &str, date: Date, text: Option<&str>, halves: u8| {
        let text = text.map_or_else(|| format!("{halves} half stars"), norm);
        (norm(author).to_lowercase(), date, text)
    };
    let mut ids: HashSet<String> = present.iter().map(|r| r.id.clone()).collect();
    // Each key with the review's id, and whether that came from this
    // export with the platform's own id.
    let mut seen: BTreeMap<(String, Date, String), (String, bool)> = present
        .iter()
        .map(|r| (key_of(&r.author, r.date, r.text.as_deref(), r.halves), (r.id.clone(), false)))
        .collect();

    // The export, as a header and rows.
    let is_json = json::is_json(export_name, export_text);
    let (header, rows) = if is_json {
        json::table(export_name, export_text, diags)?
    } else {
        let records = match csv::parse(export_text, csv::detect_delimiter(export_text)) {
            Ok(r) => r,
            Err(e) => {
                diags.error(export_name, Some(e.span), e.message).help(e.help);
                return None;
            }
        };
        let mut records = records.into_iter();
        let Some(header) = records.next() else {
            diags.error(export_name, None, "this file is empty").help(
                "export the reviews again; the first line must name the columns (author, rating, date, text, ...)",
            );
            return None;
        };
        (header, records.collect::<Vec<_>>())
    };
    let columns = find_columns(export_name, &header, settings, !is_json, diags)?;
    let outcomes: Vec<RowOutcome> =
        rows.iter().map(|row| read_row(export_name, row, &header, &columns.found, settings, diags)).collect();
    if diags.error_count() > before {
        return None;
    }

    let nl = if existing.is_some_and(|t| t.contains("\r\n")) { "\r\n" } else { "\n" };
    let mut plan = Plan {
        columns: columns.found.iter().map(|(col, &i)| (col.what(), header.fields[i].text.trim().to_string())).collect(),
        ..Plan::default()
    };
    for outcome in outcomes {
        let c = match outcome {
            RowOutcome::Review(c) => c,
            RowOutcome::Skip(s) => {
                plan.skipped.push(s);
                continue;
            }
            RowOutcome::Bad => continue,
        };
        let already = |reason: String| Skipped { line: c.line, kind: SkipKind::AlreadyThere, reason };
        if let Some(id) = c.id.as_ref().filter(|id| ids.contains(*id)) {
            plan.skipped.push(already(format!("review `{id}` is already there")));
            continue;
        }
        let key = key_of(&c.author, c.date, c.text.as_deref(), c.halves);
        // Two rows of one export with different platform ids are two
        // reviews (two anonymous "A Google User" ratings on one day).
        match seen.get(&key) {
            Some((_, true)) if c.id.is_some() => {}
            Some((id, _)) => {
                plan.skipped.push(already(format!("review `{id}` has the same author, date and text")));
                continue;
            }
            None => {}
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
        let entry = entry_yaml(&c, &id, nl);
        plan.append.push_str(nl);
        plan.append.push_str(&entry);
        plan.entries.push(entry);
        ids.insert(id.clone());
        seen.insert(key, (id.clone(), c.id.is_some()));
        plan.added.push(id);
    }
    Some(plan)
}
