//! `shopstory init <dir>`: writes the starter site, the default theme and a
//! GitHub Pages workflow (`.github/workflows/publish.yml`, from `publish.yml`
//! here). Offline: everything comes from the binary. Never writes into a
//! folder that has anything in it.

use crate::cli::InitArgs;
use crate::report::Reporter;
use crate::theme::{STARTER_FILES, THEME_FILES};
use anyhow::{bail, Context, Result};
use std::fs;
use std::process::ExitCode;

/// What a site's repository should not hold: the output, and the cache
/// (which CI keeps with its own cache step instead).
const GITIGNORE: &str = "\
# Written by `shopstory build`: publish it, do not commit it.
/public/
# Processed photos, share cards and the record of the last build. Keep it
# between CI runs with your CI's cache step; do not commit it.
/.shopstory-cache/
";

/// The GitHub Actions workflow that checks, builds and publishes the site
/// to GitHub Pages (the README's "Publish" section explains it).
pub const PUBLISH_WORKFLOW: &str = include_str!("publish.yml");
/// Where `init` writes it in the new site.
pub const PUBLISH_WORKFLOW_PATH: &str = ".github/workflows/publish.yml";

pub fn run(args: &InitArgs, reporter: &Reporter) -> Result<ExitCode> {
    let dir = &args.dir;
    if dir.exists() {
        let mut entries = fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!("{} is not empty; init only writes into an empty or new folder, so that nothing of yours is overwritten", dir.display());
        }
    }
    let mut written = 0;
    let theme = THEME_FILES.iter().map(|(p, b)| (format!("themes/default/{p}"), *b));
    let starter = STARTER_FILES.iter().map(|(p, b)| ((*p).to_string(), *b));
    for (path, bytes) in starter.chain(theme) {
        let dest = dir.join(&path);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&dest, bytes).with_context(|| format!("cannot write {}", dest.display()))?;
        written += 1;
    }
    fs::write(dir.join(".gitignore"), GITIGNORE).context("cannot write .gitignore")?;
    written += 1;
    let workflow = dir.join(PUBLISH_WORKFLOW_PATH);
    if let Some(parent) = workflow.parent() {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    fs::write(&workflow, PUBLISH_WORKFLOW).with_context(|| format!("cannot write {}", workflow.display()))?;
    written += 1;
    for empty in ["static", "templates", "content/moments"] {
        fs::create_dir_all(dir.join(empty)).with_context(|| format!("cannot create {empty}"))?;
    }
    reporter.status(&format!("created a new site in {} ({written} files)", dir.display()));
    reporter.status(&format!("next: edit site.yaml, then run `shopstory serve --root {}`", dir.display()));
    reporter.status(&format!(
        "to publish on GitHub Pages: set SHOPSTORY_REPO in {PUBLISH_WORKFLOW_PATH} and push (see the README's \"Publish\")"
    ));
    Ok(ExitCode::SUCCESS)
}
