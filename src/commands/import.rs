//! `shopstory import reviews <file.csv>`: adds reviews exported from a review
//! platform to data/reviews.yaml. Columns are found by their header (author,
//! rating, date, text, reply, ...; each can be named with a flag). A review
//! already in the file (same id, or same author, date and text) is skipped.
//! New reviews are appended as YAML text after the file's last byte, so the
//! existing entries, their order and their comments stay exactly as they
//! were. Any bad row is reported with its line and nothing is written.
//!
//! `plan` is pure (text in, text out) and tested here; `reviews` is the edge
//! that reads, checks and writes the files.

use crate::cli::ImportReviewsArgs;
use crate::date::Date;
use crate::diag::Diagnostics;
use crate::load::{decode_text, TextFile};
use crate::options::{absolute, today};
use crate::parse::csv::{self, Field, Record};
use crate::parse::reviews::{parse_reviews, rating_halves, review_date, valid_id, REVIEWS_FILE};
use crate::paths::slugify;
use crate::report::Reporter;
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::process::ExitCode;
use std::sync::Arc;

/// One field of a review and how CSV headers may name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Col {
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

/// What an import is asked to do, from the command line.
#[derive(Debug, Clone, Default)]
pub struct ImportSettings {
    /// Header names given by flags.
    columns: BTreeMap<Col, String>,
    /// For rows without a source (column absent or empty).
    pub source: Option<String>,
    /// For rows without a product.
    pub product: Option<String>,
    /// Skip rows without text instead of refusing the file.
    pub skip_without_text: bool,
    /// Reviews dated after this are errors.
    pub today: Option<Date>,
}

impl ImportSettings {
    fn from_args(args: &ImportReviewsArgs, today: Date) -> Self {
        let mut columns = BTreeMap::new();
        for (col, flag) in [
            (Col::Author, &args.author_column),
            (Col::Rating, &args.rating_column),
            (Col::Date, &args.date_column),
            (Col::Text, &args.text_column),
            (Col::Reply, &args.reply_column),
            (Col::ReplyDate, &args.reply_date_column),
            (Col::Id, &args.id_column),
            (Col::Product, &args.product_column),
            (Col::Source, &args.source_column),
        ] {
            if let Some(name) = flag {
                columns.insert(col, name.clone());
            }
        }
        ImportSettings {
            columns,
            source: args.source.clone(),
            product: args.product.clone(),
            skip_without_text: args.skip_without_text,
            today: Some(today),
        }
    }
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

/// Quotes text as a YAML double-quoted scalar (a JSON string is one).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// An id as YAML: bare when it cannot be read as anything but text.
fn yaml_id(id: &str) -> String {
    let reserved = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"];
    if id.starts_with(|c: char| c.is_ascii_alphabetic()) && !reserved.contains(&id.to_ascii_lowercase().as_str()) {
        id.to_string()
    } else {
        quoted(id)
    }
}

fn rating_yaml(halves: u8) -> String {
    crate::model::reviews::halves_text(halves)
}

/// The YAML lines of one review, each ending with `nl`.
fn entry_yaml(c: &Candidate, id: &str, nl: &str) -> String {
    let mut lines = vec![
        format!("- id: {}", yaml_id(id)),
        format!("  author: {}", quoted(&c.author)),
        format!("  rating: {}", rating_yaml(c.halves)),
        format!("  date: {}", c.date),
        format!("  text: {}", quoted(&c.text)),
    ];
    if let Some(p) = &c.product {
        lines.push(format!("  product: {}", quoted(p)));
    }
    if let Some(s) = &c.source {
        lines.push(format!("  source: {}", quoted(s)));
    }
    if let Some(r) = &c.reply {
        lines.push(format!("  response: {}", quoted(r)));
    }
    if let Some(d) = &c.reply_date {
        lines.push(format!("  response_date: {d}"));
    }
    lines.into_iter().map(|l| l + nl).collect()
}

const NEW_FILE_HEADER: &str = "# Customer reviews, one `- ` entry each: id, author, rating (1 to 5, halves allowed),\n# date, text, and optionally product, source, response (your reply) and response_date.\n";

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

/// The column index of each field the CSV has.
fn find_columns(
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
            None => col.aliases().iter().find_map(|a| keys.iter().position(|k| k == a)),
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
fn read_row(
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

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `shopstory import reviews <file.csv>`.
pub fn reviews(args: &ImportReviewsArgs, reporter: &Reporter) -> Result<ExitCode> {
    let root = absolute(&args.root);
    if !root.join(crate::parse::config::CONFIG_FILE).is_file() {
        bail!("{} has no site.yaml; run this inside a site folder or pass --root <site>", root.display());
    }
    let csv_name = args.file.display().to_string();
    let csv_bytes = fs::read(&args.file).with_context(|| format!("cannot read {csv_name}"))?;
    let csv_text = decode_text(csv_bytes).map_err(|at| {
        anyhow::anyhow!("{csv_name} is not UTF-8 text (byte {at}); export it again as UTF-8 (\"CSV UTF-8\")")
    })?;
    let dest = root.join(REVIEWS_FILE);
    let existing_bytes = match fs::read(&dest) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {REVIEWS_FILE}")),
    };
    let existing =
        match &existing_bytes {
            Some(b) => Some(decode_text(b.clone()).map_err(|at| {
                anyhow::anyhow!("{REVIEWS_FILE} is not UTF-8 text (byte {at}); save it as UTF-8 first")
            })?),
            None => None,
        };

    let mut diags = Diagnostics::new();
    diags.add_source(&csv_name, Arc::from(csv_text.as_str()));
    if let Some(t) = &existing {
        diags.add_source(REVIEWS_FILE, Arc::from(t.as_str()));
    }
    let settings = ImportSettings::from_args(args, today());
    let plan = plan(&csv_name, &csv_text, existing.as_deref(), &settings, &mut diags);
    reporter.diagnostics(&diags);
    let Some(plan) = plan.filter(|_| !diags.has_errors()) else {
        reporter.status(&format!("nothing was imported; {REVIEWS_FILE} is unchanged"));
        return Ok(ExitCode::from(1));
    };
    for s in &plan.skipped {
        reporter.detail(&format!("{csv_name}:{}: skipped: {}", s.line, s.reason));
    }

    if !plan.added.is_empty() {
        // Append after the file's last byte; check the result reads back
        // whole before anything is written.
        let mut bytes = existing_bytes.unwrap_or_default();
        bytes.extend_from_slice(plan.append.as_bytes());
        let combined = decode_text(bytes.clone()).map_err(|_| anyhow::anyhow!("{REVIEWS_FILE} would not be UTF-8"))?;
        let mut check = Diagnostics::new();
        let file = TextFile { path: REVIEWS_FILE.into(), text: Arc::from(combined.as_str()) };
        let count = parse_reviews(Some(&file), &mut check).len();
        let expected = parse_reviews(
            existing.map(|t| TextFile { path: REVIEWS_FILE.into(), text: Arc::from(t) }).as_ref(),
            &mut Diagnostics::new(),
        )
        .len()
            + plan.added.len();
        if check.has_errors() || count != expected {
            bail!("the new reviews cannot be appended to {REVIEWS_FILE} as it is written (is it a `- ` list at the left margin?); nothing was written");
        }
        if args.dry_run {
            reporter.result(plan.append.trim_start_matches(['\r', '\n']).trim_end());
        } else {
            let data = dest.parent().expect("data folder");
            fs::create_dir_all(data).with_context(|| format!("cannot create {}", data.display()))?;
            let tmp = data.join(format!(".reviews.yaml.tmp-{}", std::process::id()));
            fs::write(&tmp, &bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
            if let Err(e) = fs::rename(&tmp, &dest) {
                let _ = fs::remove_file(&tmp);
                return Err(e).with_context(|| format!("cannot replace {REVIEWS_FILE}"));
            }
        }
    }
    let verb = if args.dry_run { "would add" } else { "added" };
    reporter.status(&format!(
        "{verb} {} to {REVIEWS_FILE}; skipped {} already there{}",
        plural(plan.added.len(), "review"),
        plural(plan.skipped.len(), "row"),
        if plan.skipped.is_empty() || reporter.verbosity >= crate::report::Verbosity::Verbose {
            ""
        } else {
            " (--verbose lists them)"
        }
    ));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::render::all_to_text;

    fn settings() -> ImportSettings {
        ImportSettings { today: Some(Date::parse("2026-11-22").unwrap()), ..Default::default() }
    }

    fn run(csv: &str, existing: Option<&str>, s: &ImportSettings) -> (Option<Plan>, String) {
        let mut diags = Diagnostics::new();
        diags.add_source("export.csv", Arc::from(csv));
        if let Some(e) = existing {
            diags.add_source(REVIEWS_FILE, Arc::from(e));
        }
        let plan = plan("export.csv", csv, existing, s, &mut diags);
        (plan, all_to_text(&diags))
    }

    const EXISTING: &str = "# our reviews\n- id: r-2026-11-03-ana\n  author: Ana P.\n  rating: 5\n  date: 2026-11-03\n  text: Friendly help.  # kept\n";
    const CSV: &str = "Reviewer Name,Stars,Review Date,Comment,Owner Response\r\n\
        Ana P.,5,2026-11-03,Friendly help.,\r\n\
        Bo,\"4,5\",2026-11-10T09:00:00Z,\"Good, \"\"quick\"\"\nservice\",Thanks Bo!\r\n\
        Bo,4.5,2026-11-10,\"Good, \"\"quick\"\"\nservice\",\r\n\
        Cy Z.,★★★☆☆,2026/11/12,Fine,\r\n";

    #[test]
    fn adds_new_reviews_and_skips_the_ones_already_there() {
        let (plan, errs) = run(CSV, Some(EXISTING), &settings());
        assert_eq!(errs, "");
        let plan = plan.unwrap();
        assert_eq!(plan.added, ["r-2026-11-10-bo", "r-2026-11-12-cy"]);
        assert_eq!(
            plan.skipped,
            [
                Skipped { line: 2, reason: "review `r-2026-11-03-ana` has the same author, date and text".into() },
                Skipped { line: 5, reason: "review `r-2026-11-10-bo` has the same author, date and text".into() },
            ]
        );
        assert_eq!(
            plan.append,
            "\n- id: r-2026-11-10-bo\n  author: \"Bo\"\n  rating: 4.5\n  date: 2026-11-10\n  text: \"Good, \\\"quick\\\"\\nservice\"\n  response: \"Thanks Bo!\"\n\n- id: r-2026-11-12-cy\n  author: \"Cy Z.\"\n  rating: 3\n  date: 2026-11-12\n  text: \"Fine\"\n"
        );
        // The result reads back: the old entry untouched, the new ones whole.
        let combined = format!("{EXISTING}{}", plan.append);
        let file = TextFile { path: REVIEWS_FILE.into(), text: Arc::from(combined.as_str()) };
        let mut d = Diagnostics::new();
        let all = parse_reviews(Some(&file), &mut d);
        assert!(!d.has_errors());
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].text, "Good, \"quick\"\nservice");
        assert_eq!(all[1].response.as_deref(), Some("Thanks Bo!"));
        // A second import of the same file adds nothing.
        let (again, _) = run(CSV, Some(&combined), &settings());
        let again = again.unwrap();
        assert!(again.added.is_empty() && again.append.is_empty());
        assert_eq!(again.skipped.len(), 4);
    }

    #[test]
    fn same_id_is_a_duplicate_and_generated_ids_stay_unique() {
        let csv = "id,author,rating,date,text\nr-2026-11-03-ana,Someone,1,2026-11-01,Other text\n,Ana Q.,4,2026-11-03,Nice\n,Ana R.,4,2026-11-03,Also nice\n";
        let (plan, errs) = run(csv, Some(EXISTING), &settings());
        assert_eq!(errs, "");
        let plan = plan.unwrap();
        assert_eq!(plan.skipped, [Skipped { line: 2, reason: "review `r-2026-11-03-ana` is already there".into() }]);
        assert_eq!(plan.added, ["r-2026-11-03-ana-2", "r-2026-11-03-ana-3"]);
    }

    #[test]
    fn bad_rows_are_reported_with_their_lines_and_nothing_is_planned() {
        let csv = "author,rating,date,text\nAna,7,2026-11-01,Hi\nBo,5,2027-01-01,Hi\nCy,5,2026-11-01,\nDee,5,2026-11-01,\"Hi, there\",extra\n";
        let (plan, errs) = run(csv, Some(EXISTING), &settings());
        assert!(plan.is_none());
        for needle in [
            "error: line 2: rating `7` is not from 1 to 5 in whole or half stars\n --> export.csv:2:5",
            "error: line 3: the date 2027-01-01 is in the future\n --> export.csv:3:6",
            "error: line 4: the review has no text\n --> export.csv:4:",
            "error: line 5 has 5 fields, but the first line names 4 columns\n --> export.csv:5:1",
        ] {
            assert!(errs.contains(needle), "lacks {needle:?} in\n{errs}");
        }
        // Rows with only a rating can be skipped on request.
        let csv = "author,rating,date,text\nCy,5,2026-11-01,\n";
        let s = ImportSettings { skip_without_text: true, ..settings() };
        let (plan, _) = run(csv, None, &s);
        let plan = plan.unwrap();
        assert!(plan.added.is_empty());
        assert_eq!(plan.skipped[0].line, 2);
    }

    #[test]
    fn columns_by_flag_and_missing_columns() {
        let csv = "who;score;when;words\nAna;5;2026-11-01;Hi\n";
        let mut s = settings();
        let (plan, errs) = run(csv, None, &s);
        assert!(plan.is_none());
        assert!(errs.contains("no column holds the reviews' author"), "{errs}");
        assert!(
            errs.contains(
                "--author-column \"<column>\"; the columns on the first line are: `who`, `score`, `when`, `words`"
            ),
            "{errs}"
        );
        s.columns.insert(Col::Author, "Who".into());
        s.columns.insert(Col::Date, "when".into());
        s.columns.insert(Col::Text, "words".into());
        s.source = Some("google".into());
        s.product = Some("Wool cover".into());
        let (plan, errs) = run(csv, None, &s);
        assert_eq!(errs, "");
        let plan = plan.unwrap();
        assert!(plan.append.starts_with(NEW_FILE_HEADER));
        assert!(
            plan.append.ends_with("  text: \"Hi\"\n  product: \"Wool cover\"\n  source: \"google\"\n"),
            "{}",
            plan.append
        );
    }

    #[test]
    fn crlf_files_get_crlf_entries_and_a_missing_final_newline_is_added() {
        let existing = "- id: a\r\n  author: A\r\n  rating: 5\r\n  date: 2026-11-01\r\n  text: x";
        let (plan, _) = run("author,rating,date,text\nB,4,2026-11-02,y\n", Some(existing), &settings());
        let append = plan.unwrap().append;
        assert!(append.starts_with("\r\n\r\n- id: r-2026-11-02-b\r\n"), "{append:?}");
        assert!(!append.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn a_broken_existing_file_is_not_imported_into() {
        let (plan, errs) =
            run("author,rating,date,text\nB,4,2026-11-02,y\n", Some("- id: a\n  rating: 9\n"), &settings());
        assert!(plan.is_none());
        assert!(errs.contains("fix the errors in this file before importing into it"), "{errs}");
    }
}
