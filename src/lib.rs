//! shopstory: a static-site generator for small shops.
//!
//! The build is a pipeline of stages, each a function from values to a value,
//! all sharing one `Diagnostics` sink so that every content problem of a run
//! is reported together:
//!
//! ```text
//! load ──▶ parse ──▶ resolve ──▶ assets::plan ──▶ render ──────────▶ write
//! Sources  Parsed    Site        AssetPlan        pages (streamed)    ▲
//!          ImageTable (facts)                     + other files       │
//!                                   assets::execute (images, cards) ──┘
//! ```
//!
//! `resolve` returns facts (URLs, checked references, the site graph) and
//! renders nothing; `render` owns every byte of HTML, bodies included, and
//! streams each post's page right after its body. No stage imports a later
//! one (tests/suite/architecture.rs).
//!
//! Only `load`, `theme` (reading templates), `assets::execute` and `write`
//! touch the disk; `check` runs every stage but the last two, and `build`
//! adds `build_files` (assets::execute) and then writes.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod assets;
pub mod cli;
pub mod colour;
pub mod commands;
pub mod date;
pub mod diag;
pub mod embeds;
pub mod i18n;
pub mod load;
pub mod markdown;
pub mod model;
pub mod options;
pub mod output;
pub mod parse;
pub mod paths;
pub mod render;
pub mod report;
pub mod resolve;
pub mod rounds;
pub mod serve;
pub mod theme;
pub mod write;

use diag::Diagnostics;
use options::BuildOptions;
use output::OutputFile;

/// What a check or build produced.
pub struct Outcome {
    pub diags: Diagnostics,
    /// The rendered files (none when there were errors).
    pub files: Vec<OutputFile>,
    pub pages: usize,
    /// Of `pages`, those rendered (the others' inputs had not changed since
    /// the last build, and the sink kept them).
    pub rendered: usize,
    pub posts: usize,
    pub images: usize,
    /// The images the site uses, planned; `build_files` makes their files.
    pub planned_images: std::collections::BTreeMap<String, assets::PlannedImage>,
    /// `cache_dir` from site.yaml, relative to the root.
    pub cache_dir: String,
    /// The path of `base_url` (`/shop`, or empty): `serve` previews under it.
    pub base_path: String,
    /// The share cards the pages name, by output path; `build_files` draws them.
    pub planned_cards: std::collections::BTreeMap<String, assets::cards::PlannedCard>,
    /// What drawing the cards took (after `build_files`).
    pub card_stats: assets::cards::CardStats,
    /// Wall time of each stage, in order (`-v` prints them).
    pub phases: Phases,
    /// Drafts and future-dated files left out (`build` says so).
    pub left_out: resolve::LeftOut,
}

/// Wall time per stage of a run.
#[derive(Default)]
pub struct Phases(Vec<(&'static str, std::time::Duration)>);

impl Phases {
    /// Records the time since `since` under `name` and restarts the clock.
    pub fn lap(&mut self, name: &'static str, since: &mut std::time::Instant) {
        let now = std::time::Instant::now();
        self.0.push((name, now - *since));
        *since = now;
    }

    /// Records `took` under `name`.
    pub fn add(&mut self, name: &'static str, took: std::time::Duration) {
        self.0.push((name, took));
    }

    /// `load 0.21 s · parse 0.30 s · …`
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self.0.iter().map(|(n, d)| format!("{n} {:.2} s", d.as_secs_f64())).collect();
        parts.join(" · ")
    }
}

/// Runs every stage but writing: load, parse, resolve, theme, render.
/// Rendered pages are counted and dropped.
pub fn check(opts: &BuildOptions) -> Outcome {
    check_with(opts, &render::Dropped)
}

/// Like `check`, handing each rendered page to `sink` as soon as it is
/// rendered (`build` writes them into its staging folder).
pub fn check_with(opts: &BuildOptions, sink: &render::PageSink<'_>) -> Outcome {
    check_kept(opts, sink, None)
}

/// What a long-running preview keeps from one rebuild to the next besides
/// its pages and bodies: the texts it read and the posts and pages parsed
/// from them, so that an unchanged file is neither read nor parsed again,
/// and what render left (`render::Kept`: the post pages by what they
/// read, so that an unchanged post's page is not built again, and the
/// search postings), which the preview's sink hands to `render`.
#[derive(Default)]
pub struct Kept {
    pub texts: load::Texts,
    pub docs: parse::Docs,
    pub render: render::Kept,
}

/// `check_with`, reading and parsing through `kept` (the preview). The
/// recipe: one line per stage.
pub fn check_kept(opts: &BuildOptions, sink: &render::PageSink<'_>, kept: Option<&Kept>) -> Outcome {
    let mut diags = Diagnostics::new();
    let mut phases = Phases::default();
    let mut clock = std::time::Instant::now();
    let sources = load::load_kept(&opts.root, kept.map(|k| &k.texts), &mut diags);
    phases.lap("load", &mut clock);
    let (parsed, images) = parse_and_probe(opts, &sources, kept.map(|k| &k.docs), &mut diags);
    phases.lap("parse", &mut clock);
    let theme = theme::load_theme(&opts.root, &parsed.config.theme, &mut diags);
    let mut site = resolve_site(opts, parsed, &sources, &images, &mut diags);
    drop(sources);
    phases.lap("resolve", &mut clock);
    plan_assets(&mut site);
    // Before site.yaml's text is let go: the menu's names are checked against the resolved site.
    render::check_menu(&site, &mut diags);
    diags.retain_used_sources();
    let rendered = render_site(&mut site, theme.as_ref(), sink, &mut diags);
    diags.retain_used_sources();
    phases.lap("render", &mut clock);
    outcome(opts, site, rendered, diags, phases)
}

/// Stage 2: the parsed site (with `--base-url` applied) and its photos
/// probed against the size limits of site.yaml's `images:`.
fn parse_and_probe(
    opts: &BuildOptions,
    sources: &load::Sources,
    docs: Option<&parse::Docs>,
    diags: &mut Diagnostics,
) -> (parse::Parsed, load::images::ImageTable) {
    let mut parsed = parse::parse_kept(sources, docs, diags);
    parse::config::check_cache_dir(&mut parsed.config, &opts.root, &opts.output, diags);
    let settings = &parsed.config.images;
    let limits = load::images::Limits { max_side: settings.max_side, max_pixels: settings.max_pixels };
    let images = load::images::probe_images(sources, &limits);
    if let Some(base) = &opts.base_url {
        match paths::check_base_url(base) {
            Ok(()) => parsed.config.base_url = base.trim_end_matches('/').to_string(),
            Err(why) => {
                diags
                    .error("--base-url", None, format!("--base-url `{base}` cannot be used: {why}"))
                    .help("give the full address the site is published at, such as `--base-url https://example.github.io/shop/`");
            }
        }
    }
    (parsed, images)
}

/// Stage 3, with what it reads of the loaded files.
fn resolve_site(
    opts: &BuildOptions,
    parsed: parse::Parsed,
    sources: &load::Sources,
    images: &load::images::ImageTable,
    diags: &mut Diagnostics,
) -> model::Site {
    let resolve_opts = resolve::ResolveOptions { drafts: opts.drafts, today: opts.today };
    let input =
        resolve::ResolveInput { static_files: &sources.static_files, images, content_files: &sources.content_files };
    resolve::resolve(parsed, &input, &resolve_opts, diags)
}

/// Stage 4: every photo a front matter or data file names, planned, in
/// each language; the default site's `images` gathers every language's, as
/// `build` makes each file once.
fn plan_assets(site: &mut model::Site) {
    for lang in &mut site.languages {
        let plan = assets::plan(lang);
        (lang.images, lang.share_images) = (plan.images, plan.share_images);
    }
    let plan = assets::plan(site);
    (site.images, site.share_images) = (plan.images, plan.share_images);
    for lang in &site.languages {
        for (k, v) in &lang.images {
            site.images.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

/// Stage 5: every page to `sink` (none, but the bodies checked, without a
/// theme), with the last guard: no page is written outside the output folder.
fn render_site(
    site: &mut model::Site,
    theme: Option<&theme::Theme>,
    sink: &render::PageSink<'_>,
    diags: &mut Diagnostics,
) -> render::Rendered {
    let Some(theme) = theme else {
        render::body::render_bodies(site, None, diags);
        for lang in &mut site.languages {
            let mut d = Diagnostics::new();
            render::body::render_bodies(lang, None, &mut d);
            diags.extend_unique(d);
        }
        return render::Rendered { pages: 0, rendered: 0, files: Vec::new(), cards: Default::default() };
    };
    render::render(site, theme, &Guarded(sink), diags)
}

/// The sink behind the last guard: no page outside the output folder.
struct Guarded<'a, 'b>(&'a render::PageSink<'b>);

impl render::Pages for Guarded<'_, '_> {
    fn put(&self, f: OutputFile, deps: render::Deps) -> Result<(), String> {
        match paths::OutputPath::parse(&f.path) {
            Ok(_) => self.0.put(f, deps),
            Err(why) => Err(format!("shopstory refused to write `{}`: {why}", f.path.escape_debug())),
        }
    }

    fn keep(&self, path: &str, deps: &render::Deps) -> bool {
        paths::OutputPath::parse(path).is_ok() && self.0.keep(path, deps)
    }

    fn bodies(&self) -> Option<&render::body::memo::Bodies> {
        self.0.bodies()
    }

    fn kept(&self) -> Option<&render::Kept> {
        self.0.kept()
    }
}

/// What a check reports: the files (none after an error) and the counts.
fn outcome(
    opts: &BuildOptions,
    site: model::Site,
    rendered: render::Rendered,
    mut diags: Diagnostics,
    phases: Phases,
) -> Outcome {
    let render::Rendered { pages, rendered, mut files, cards: planned_cards } = rendered;
    for f in &files {
        if let Err(why) = paths::OutputPath::parse(&f.path) {
            diags
                .error(&f.path, None, format!("shopstory refused to write this output file: {why}"))
                .help("rename the file it comes from (in static/ or the theme)");
        }
    }
    if opts.strict {
        diags.promote_warnings();
    }
    if diags.has_errors() {
        files.clear();
    }
    // Every language's posts (a translation counts as a post of its own).
    let posts = site.posts.len() + site.languages.iter().map(|l| l.posts.len()).sum::<usize>();
    Outcome {
        diags,
        files,
        pages,
        rendered,
        posts,
        images: site.images.len(),
        cache_dir: site.config.cache_dir.clone(),
        base_path: paths::base_path(&site.config.base_url).to_string(),
        planned_images: site.images,
        planned_cards,
        card_stats: Default::default(),
        phases,
        left_out: site.left_out,
    }
}

/// After a `check` without errors: makes the image files and then the share
/// cards (filling the image cache with what it lacks; cards may be drawn
/// from image variants) and adds them to `outcome.files`. A photo that
/// fails to decode becomes an error in `outcome.diags` and leaves `files`
/// empty; a cache that cannot be written is a failure.
pub fn build_files(
    opts: &BuildOptions,
    outcome: &mut Outcome,
    reporter: &report::Reporter,
) -> Result<(), assets::CacheError> {
    let cache_dir = opts.root.join(&outcome.cache_dir);
    let mut clock = std::time::Instant::now();
    let progress = reporter.progress("images", outcome.planned_images.len());
    let exec_opts = assets::ExecuteOptions { cache_dir: &cache_dir, on_image_done: &|| progress.tick() };
    let done = assets::execute(&outcome.planned_images, &exec_opts, &mut outcome.diags);
    progress.finish();
    let done = done?;
    if outcome.diags.has_errors() {
        outcome.files.clear();
        return Ok(());
    }
    if done.stats.images > 0 {
        reporter.status(&done.stats.summary());
    }
    outcome.files.extend(done.files);
    outcome.phases.lap("images", &mut clock);
    let progress = reporter.progress("share cards", outcome.planned_cards.len());
    let card_opts = assets::cards::CardOptions { cache_dir: &cache_dir, on_card_done: &|| progress.tick() };
    let started = std::time::Instant::now();
    let cards = assets::cards::execute(&outcome.planned_cards, &card_opts, &mut outcome.diags);
    progress.finish();
    let cards = cards?;
    if outcome.diags.has_errors() {
        outcome.files.clear();
        return Ok(());
    }
    outcome.card_stats = cards.stats;
    if cards.stats.drawn > 0 {
        let secs = started.elapsed().as_secs_f64();
        reporter.timing(&format!(
            "drew {} share cards in {secs:.2} s ({:.0} cards/s on {} threads)",
            cards.stats.drawn,
            cards.stats.drawn as f64 / secs.max(1e-9),
            rayon::current_num_threads()
        ));
    }
    outcome.files.extend(cards.files);
    outcome.phases.lap("cards", &mut clock);
    outcome.files.sort_by(|a, b| a.path.cmp(&b.path));
    outcome.files.dedup_by(|a, b| a.path == b.path);
    Ok(())
}
