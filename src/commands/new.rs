//! `shopstory new post "Title"`: writes a dated post with its front matter.

use crate::cli::NewPostArgs;
use crate::diag::Diagnostics;
use crate::load::read_text;
use crate::options::{absolute, today};
use crate::parse::staff::{parse_staff, STAFF_FILE};
use crate::paths::slugify;
use crate::report::Reporter;
use anyhow::{bail, Context, Result};
use std::fs;
use std::process::ExitCode;

/// Quotes a value for YAML when it needs it.
fn yaml_string(s: &str) -> String {
    crate::parse::yaml::to_string(&s).trim_end().to_string()
}

pub fn post(args: &NewPostArgs, reporter: &Reporter) -> Result<ExitCode> {
    let root = absolute(&args.root);
    if !root.join(crate::parse::config::CONFIG_FILE).is_file() {
        bail!("{} has no site.yaml; run this inside a site folder or pass --root <site>", root.display());
    }
    let slug = slugify(&args.title);
    if slug.is_empty() {
        bail!("the title `{}` has no letters or digits to make a file name from", args.title);
    }
    if let Some(author) = &args.author {
        let mut diags = Diagnostics::new();
        let file = root.join(STAFF_FILE);
        let staff = if file.is_file() { read_text(&root, &file, &mut diags).map(|f| parse_staff(Some(&f), &mut diags)).unwrap_or_default() } else { Vec::new() };
        if !staff.iter().any(|s| &s.id == author) {
            let ids: Vec<&str> = staff.iter().map(|s| s.id.as_str()).collect();
            bail!(
                "`{author}` is not a staff id in {STAFF_FILE}{}",
                if ids.is_empty() { "; add the person there first".to_string() } else { format!("; the ids are: {}", ids.join(", ")) }
            );
        }
    }
    if let Some(video) = &args.video {
        if !(video.starts_with("https://") || video.starts_with("http://")) {
            bail!("--video `{video}` is not a web address; paste the video's full YouTube or Vimeo link");
        }
    }
    let date = today();
    let rel = format!("content/posts/{date}-{slug}.md");
    let dest = root.join(&rel);
    if dest.exists() {
        bail!("{rel} already exists; choose another title or edit that post");
    }
    let mut text = format!("---\ntitle: {}\ndescription: \"\"\ntags: []\n", yaml_string(&args.title));
    if let Some(a) = &args.author {
        text.push_str(&format!("author: {a}\n"));
    }
    if let Some(v) = &args.video {
        text.push_str(&format!("video: {}\n", yaml_string(v)));
    }
    text.push_str("draft: true\n---\n\nWrite the first paragraph here: it is what listings show.\n\n<!-- more -->\n\nThe rest of the post.\n");
    fs::create_dir_all(dest.parent().expect("has a parent")).context("cannot create content/posts")?;
    fs::write(&dest, text).with_context(|| format!("cannot write {rel}"))?;
    reporter.result(&rel);
    reporter.status("the post is a draft: preview it with --drafts, and remove `draft: true` to publish it");
    Ok(ExitCode::SUCCESS)
}
