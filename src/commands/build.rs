//! `shopstory build` and `shopstory check`.

use crate::cli::{BuildArgs, CheckArgs};
use crate::options::BuildOptions;
use crate::report::Reporter;
use crate::write::{check_output, Staging};
use anyhow::Result;
use std::process::ExitCode;
use std::time::Instant;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn build(args: &BuildArgs, reporter: &Reporter) -> Result<ExitCode> {
    let started = Instant::now();
    let mut opts = BuildOptions::new(&args.root, args.output.as_deref(), reporter.verbosity);
    opts.drafts = args.drafts;
    opts.strict = args.strict;
    opts.base_url = args.base_url.clone();
    if let Some(b) = &opts.base_url {
        if !(b.starts_with("https://") || b.starts_with("http://")) {
            anyhow::bail!(
                "--base-url `{b}` is not a web address; write it in full, such as https://preview.myshop.example"
            );
        }
    }
    // Refuse a dangerous output before doing any work.
    check_output(&opts.root, &opts.output)?;
    // Pages are written into a staging folder as they are rendered; the
    // output is replaced only when everything succeeded.
    let staging = Staging::new(&opts.output)?;
    let sink = |f: crate::render::OutputFile| staging.write_one(&f).map_err(|e| e.to_string());
    let mut outcome = crate::check_with(&opts, &sink);
    if !outcome.diags.has_errors() {
        crate::build_files(&opts, &mut outcome, reporter)?;
    }
    reporter.diagnostics(&outcome.diags);
    if outcome.diags.has_errors() {
        reporter.status(&format!("build failed; {} left as it was", opts.output.display()));
        return Ok(ExitCode::from(1));
    }
    staging.write_files(&outcome.files)?;
    staging.commit()?;
    reporter.status(&format!(
        "built {}, {} and {} into {}",
        plural(outcome.pages, "page"),
        plural(outcome.posts, "post"),
        plural(outcome.images, "image"),
        opts.output.display()
    ));
    reporter.timing(&format!("done in {:.2} s", started.elapsed().as_secs_f64()));
    Ok(ExitCode::SUCCESS)
}

pub fn check(args: &CheckArgs, reporter: &Reporter) -> Result<ExitCode> {
    let mut opts = BuildOptions::new(&args.root, None, reporter.verbosity);
    opts.drafts = args.drafts;
    opts.strict = args.strict;
    let outcome = crate::check(&opts);
    reporter.diagnostics(&outcome.diags);
    if outcome.diags.has_errors() {
        return Ok(ExitCode::from(1));
    }
    reporter.status(&format!(
        "no errors: {} and {} would be built",
        plural(outcome.pages, "page"),
        plural(outcome.posts, "post")
    ));
    Ok(ExitCode::SUCCESS)
}
