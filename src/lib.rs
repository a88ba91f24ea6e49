//! shopstory: a static-site generator for small shops.
//!
//! The build is a pipeline of stages, each a function from values to a value,
//! all sharing one `Diagnostics` sink so that every content problem of a run
//! is reported together:
//!
//! ```text
//! load ──▶ parse ──▶ resolve ──▶ render ──▶ write
//! Sources  Parsed    Site        Vec<OutputFile>
//!   └─ images (probe)   └─ assets (plan → execute) ──┘
//! ```
//!
//! Only `load`, `theme` (reading templates), `assets::execute` and `write`
//! touch the disk; `check` runs every stage but the last two.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod assets;
pub mod cli;
pub mod commands;
pub mod date;
pub mod diag;
pub mod load;
pub mod markdown;
pub mod model;
pub mod options;
pub mod parse;
pub mod paths;
pub mod render;
pub mod report;
pub mod resolve;
pub mod theme;
pub mod write;

use diag::Diagnostics;
use options::BuildOptions;
use render::OutputFile;

/// What a check or build produced.
pub struct Outcome {
    pub diags: Diagnostics,
    /// The rendered files (none when there were errors).
    pub files: Vec<OutputFile>,
    pub pages: usize,
    pub posts: usize,
    pub images: usize,
}

/// Runs every stage but writing: load, parse, resolve, theme, render.
pub fn check(opts: &BuildOptions) -> Outcome {
    let mut diags = Diagnostics::new();
    let sources = load::load(&opts.root, &mut diags);
    let images = load::images::probe_images(&sources);
    let mut parsed = parse::parse(&sources, &mut diags);
    if let Some(base) = &opts.base_url {
        parsed.config.base_url = base.trim_end_matches('/').to_string();
    }
    let theme_name = parsed.config.theme.clone();
    let resolve_opts = resolve::ResolveOptions { drafts: opts.drafts, today: opts.today };
    let site = resolve::resolve(parsed, &sources.static_files, &images, &resolve_opts, &mut diags);
    let theme = theme::load_theme(&opts.root, &theme_name, &mut diags);
    let mut files = match &theme {
        Some(theme) => render::render(&site, theme, &mut diags),
        None => Vec::new(),
    };
    if opts.strict {
        diags.promote_warnings();
    }
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    if diags.has_errors() {
        files.clear();
    } else {
        files.extend(assets::execute(&site.images));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files.dedup_by(|a, b| a.path == b.path);
    }
    Outcome { diags, files, pages, posts: site.posts.len(), images: site.images.len() }
}
