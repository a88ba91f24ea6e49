//! `shopstory import reviews <file>`: adds reviews exported from a review
//! platform (CSV, or Google Takeout's reviews.json) to data/reviews.yaml. The work is `parse::reviews_import::plan`
//! (pure); this is the edge that reads, checks and writes the files. Any bad
//! row is reported with its line and nothing is written.

use crate::cli::ImportReviewsArgs;
use crate::date::Date;
use crate::diag::Diagnostics;
use crate::load::{decode_text, TextFile};
use crate::options::{absolute, today};
use crate::parse::reviews::{parse_reviews, REVIEWS_FILE};
use crate::parse::reviews_import::{plan, Col, ImportSettings, Plan, SkipKind};
use crate::report::Reporter;
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::fs;
use std::process::ExitCode;
use std::sync::Arc;

/// What the command line asks of an import.
fn settings(args: &ImportReviewsArgs, today: Date) -> ImportSettings {
    let mut columns = BTreeMap::new();
    for (col, flag) in [
        (Col::Author, &args.author_column),
        (Col::Rating, &args.rating_column),
        (Col::Date, &args.date_column),
        (Col::Text, &args.text_column),
        (Col::Title, &args.title_column),
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
        day_first: args.date_order.as_deref().map(|o| o == "dmy"),
        today: Some(today),
    }
}

/// How many new reviews --dry-run prints in full.
const PREVIEW: usize = 5;

/// The one-line summary: "data/reviews.yaml: 2 added, 1 already there,
/// 1 left out (1 without stars)". Every row of the export is in exactly
/// one of the counts.
fn summary(plan: &Plan, dry_run: bool, verbose: bool) -> String {
    let mut line = if dry_run {
        format!("{REVIEWS_FILE} (dry run, nothing written): {} would be added", plan.added.len())
    } else {
        format!("{REVIEWS_FILE}: {} added", plan.added.len())
    };
    line += &format!(", {} already there", plan.count(SkipKind::AlreadyThere));
    let reasons: Vec<String> =
        [(SkipKind::WithoutText, "only a rating (--skip-without-text)"), (SkipKind::WithoutRating, "without stars")]
            .into_iter()
            .map(|(kind, why)| (plan.count(kind), why))
            .filter(|(n, _)| *n > 0)
            .map(|(n, why)| format!("{n} {why}"))
            .collect();
    if !reasons.is_empty() {
        let left_out: usize = plan.skipped.len() - plan.count(SkipKind::AlreadyThere);
        line += &format!(", {left_out} left out ({})", reasons.join(", "));
    }
    if !plan.skipped.is_empty() && !verbose {
        line += " (--verbose lists them)";
    }
    line
}

/// What --dry-run prints: the column of each field, then the first new
/// reviews with every field as it will be written.
fn preview(plan: &Plan) -> String {
    let mut out = String::from("columns read:\n");
    for (field, column) in &plan.columns {
        out += &format!("  {field:<10} <- {column}\n");
    }
    if plan.entries.is_empty() {
        out += "no new reviews";
        return out;
    }
    let shown = plan.entries.len().min(PREVIEW);
    out += &match plan.entries.len() {
        1 => "1 new review, as it will be written:\n".to_string(),
        n if n == shown => format!("{n} new reviews, as they will be written:\n"),
        n => format!("the first {shown} of {n} new reviews, as they will be written:\n"),
    };
    for e in plan.entries.iter().take(shown) {
        out += e;
    }
    out.trim_end().to_string()
}

/// `shopstory import reviews <file>`.
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
    let settings = settings(args, today());
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
        if !args.dry_run {
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
    if args.dry_run {
        reporter.result(&preview(&plan));
    }
    reporter.status(&summary(&plan, args.dry_run, reporter.verbosity >= crate::report::Verbosity::Verbose));
    Ok(ExitCode::SUCCESS)
}
