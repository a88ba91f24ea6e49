//! Which site folder a command works on (glue, before any stage runs): the
//! `--root` folder when it is given; else the current folder or the nearest
//! folder above it with a site.yaml, as git finds `.git` (saying which
//! folder, when it is not the current one). Takes the command line's root
//! and returns a folder, or the one diagnostic that there is no site. It
//! never creates anything: a folder without a site.yaml gets no cache, no
//! lock and no output.

use crate::diag::Diagnostics;
use crate::options::absolute;
use crate::parse::config::CONFIG_FILE;
use crate::report::Reporter;
use std::path::{Path, PathBuf};

/// The site folder; when there is none, its diagnostic is printed and the
/// command's exit code (1) is returned instead.
pub fn find_or_report(given: Option<&Path>, reporter: &Reporter) -> Result<PathBuf, std::process::ExitCode> {
    find(given, reporter).map_err(|diags| {
        reporter.diagnostics(&diags);
        std::process::ExitCode::from(1)
    })
}

/// The site folder, or the diagnostic saying there is none.
fn find(given: Option<&Path>, reporter: &Reporter) -> Result<PathBuf, Diagnostics> {
    let has_site = |dir: &Path| dir.join(CONFIG_FILE).is_file();
    let start = absolute(given.unwrap_or(Path::new(".")));
    if has_site(&start) {
        return Ok(start);
    }
    if given.is_none() {
        if let Some(found) = start.ancestors().skip(1).find(|d| has_site(d)) {
            reporter
                .status(&format!("using the site in {} (the nearest folder above with a site.yaml)", found.display()));
            return Ok(found.to_path_buf());
        }
    }
    let help = match given {
        Some(_) => format!(
            "run `shopstory init {}` to start a site there, or pass `--root <folder>` to point at a site",
            start.display()
        ),
        None => format!(
            "looked in {} and every folder above it: run this inside a site folder, pass `--root <folder>`, or run `shopstory init <folder>` to start a site",
            start.display()
        ),
    };
    // Like every diagnostic, the file is named from the site folder (here
    // the folder that is not one); the help names the folder itself.
    let mut diags = Diagnostics::new();
    diags.error(CONFIG_FILE, None, "this folder has no site.yaml, so it is not a shopstory site").help(help);
    Err(diags)
}
