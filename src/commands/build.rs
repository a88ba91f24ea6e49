//! `shopstory build` and `shopstory check`.

use crate::cli::{BuildArgs, CheckArgs};
use crate::options::BuildOptions;
use crate::report::Reporter;
use crate::write::memo::Stored;
use crate::write::{check_output, clear_leftovers, resolve_output, BuildLock, Manifest, Staging};
use anyhow::Result;
use std::process::ExitCode;
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The extension of the file beside a build's record that keeps the line
/// saying what the build left out (drafts, future-dated posts).
const LEFT_OUT_EXT: &str = "left-out";

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// "12 pages, 2 posts and 0 images"
fn counts(pages: usize, posts: usize, images: usize) -> String {
    format!("{}, {} and {}", plural(pages, "page"), plural(posts, "post"), plural(images, "image"))
}

pub fn build(args: &BuildArgs, reporter: &Reporter) -> Result<ExitCode> {
    let started = Instant::now();
    // Without a site nothing is built, so nothing is said about an output.
    let root = match super::site::find_or_report(args.root.as_deref(), reporter) {
        Ok(root) => root,
        Err(code) => return Ok(code),
    };
    let mut opts = BuildOptions::new(&root, args.output.as_deref(), reporter.verbosity);
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
    // Refuse a dangerous output before doing any work. A link is followed:
    // the build writes into the folder it points to.
    check_output(&opts.root, &opts.output)?;
    let target = resolve_output(&opts.output)?;
    // One build of a site at a time: a second one waits here.
    let cache_dir = cache_dir(&opts.root, &opts.output);
    let _lock = BuildLock::acquire(&cache_dir, &shown(&opts), |m| reporter.status(m))?;
    // What a killed build left is repaired first (the owner's `.git` put
    // back), also when there turns out to be nothing to build.
    clear_leftovers(&target);
    // The record of the last build into this output, and whether anything
    // the build reads has changed since.
    let record = Manifest::path_for(&cache_dir, &target);
    // Read (a JSON file of every page's record) while the inputs are stat'ed.
    let (mut previous, inputs) = std::thread::scope(|s| {
        let previous = s.spawn(|| Manifest::read(&record, &target));
        let inputs = crate::load::fingerprint::fingerprint(&opts.root, &options_key(&opts));
        (previous.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), inputs)
    });
    if let (Some(m), Some(inputs)) = (&mut previous, inputs) {
        let same_inputs = m.clean && m.inputs == inputs;
        let unmoved = same_inputs && m.folders_unmoved(&target);
        if unmoved || (same_inputs && m.output_walk_matches(&target)) {
            if !unmoved {
                // The walk found the output as it was (the first build
                // after a build, or an owner's entry added at its top):
                // its folders' times are recorded now, so that the next
                // build need not walk it.
                m.record_folders(&target);
                if !m.folders.is_empty() {
                    let _ = m.write(&record);
                }
            }
            reporter.status(&format!(
                "nothing changed since the last build: {} in {} are up to date",
                counts(m.pages, m.posts, m.images),
                opts.output.display()
            ));
            // What the last build left out is still left out: say it again.
            if let Ok(line) = std::fs::read_to_string(record.with_extension(LEFT_OUT_EXT)) {
                reporter.status(line.trim_end());
            }
            reporter.timing(&format!("done in {:.2} s", started.elapsed().as_secs_f64()));
            return Ok(ExitCode::SUCCESS);
        }
    }
    // Pages are written into a staging folder as they are rendered (only
    // those that differ from the output, when the record says what it
    // holds); the output changes only when everything succeeded.
    let spare = record.with_extension("spare");
    let staging = Staging::new(&target, previous, Some(&spare))?.link_from(&cache_dir);
    // The bodies the last build rendered (`render::body::memo`), read
    // while the site is loaded, parsed and resolved: render asks first.
    let memo = Memo::read(&cache_dir);
    let mut outcome = crate::check_with(&opts, &ToStaging(&staging, &memo));
    let (bodies, memo_read) = memo.into_stored();
    outcome.phases.add("memo read (beside load)", memo_read);
    if !outcome.diags.has_errors() {
        crate::build_files(&opts, &mut outcome, reporter)?;
    }
    let mut clock = Instant::now();
    // After errors some bodies may not have been asked for: the memo stays as it was.
    if outcome.diags.has_errors() {
        crate::write::memo::discard(bodies);
    } else if let Err(e) = crate::write::memo::write(&cache_dir, bodies) {
        reporter.status(&format!("note: could not keep the rendered bodies in {}: {e}", cache_dir.display()));
    }
    outcome.phases.lap("memo write", &mut clock);
    reporter.diagnostics(&outcome.diags);
    if outcome.diags.has_errors() {
        reporter.status(&format!("build failed; {} left as it was", opts.output.display()));
        return Ok(ExitCode::from(1));
    }
    let changes_only = staging.changes_only();
    staging.write_files(&outcome.files)?;
    let (mut manifest, changes) = staging.commit(&record)?;
    outcome.phases.lap("write", &mut clock);
    manifest.inputs = inputs.unwrap_or_default();
    manifest.clean = outcome.diags.is_empty();
    (manifest.pages, manifest.posts, manifest.images) = (outcome.pages, outcome.posts, outcome.images);
    if let Err(e) = manifest.write(&record) {
        // The site is built; only the next build will be slower.
        reporter.status(&format!("note: could not record this build in {}: {e}", record.display()));
    }
    reporter.timing(&outcome.phases.summary());
    if changes_only {
        reporter.detail(&format!(
            "rendered {} of {} pages (the others' inputs had not changed)",
            outcome.rendered, outcome.pages
        ));
    }
    // Kept beside the record, for a build that finds nothing changed.
    let left_out_record = record.with_extension(LEFT_OUT_EXT);
    match outcome.left_out.line() {
        Some(line) => {
            reporter.status(&line);
            let _ = std::fs::write(&left_out_record, format!("{line}\n"));
        }
        None => {
            let _ = std::fs::remove_file(&left_out_record);
        }
    }
    let what = if changes_only {
        format!(" ({} written, {} unchanged, {} removed)", changes.written, changes.unchanged, changes.removed)
    } else {
        String::new()
    };
    reporter.status(&format!(
        "built {} into {}{what}",
        counts(outcome.pages, outcome.posts, outcome.images),
        opts.output.display()
    ));
    reporter.timing(&format!("done in {:.2} s", started.elapsed().as_secs_f64()));
    Ok(ExitCode::SUCCESS)
}

/// The memo of bodies, read on a thread of its own while the build loads,
/// parses and resolves the site; the first to ask for it waits for it.
struct Memo {
    reading: Mutex<Option<JoinHandle<(Stored, Duration)>>>,
    read: OnceLock<(Stored, Duration)>,
}

impl Memo {
    fn read(cache_dir: &std::path::Path) -> Memo {
        let dir = cache_dir.to_path_buf();
        let reading = std::thread::spawn(move || {
            let started = Instant::now();
            (crate::write::memo::read(&dir), started.elapsed())
        });
        Memo { reading: Mutex::new(Some(reading)), read: OnceLock::new() }
    }

    fn get(&self) -> &(Stored, Duration) {
        self.read.get_or_init(|| {
            let reading = self.reading.lock().unwrap_or_else(|e| e.into_inner()).take();
            let reading = reading.expect("the memo is read once");
            reading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    /// The memo as read, and how long reading it took.
    fn into_stored(self) -> (Stored, Duration) {
        self.get();
        self.read.into_inner().expect("read just now")
    }
}

/// Pages go into the staging folder; a page whose inputs did not change
/// since the last build is linked from the output instead of rendered.
struct ToStaging<'a>(&'a Staging, &'a Memo);

impl crate::render::Pages for ToStaging<'_> {
    fn put(&self, f: crate::output::OutputFile, deps: crate::output::Deps) -> Result<(), String> {
        self.0.write_page(&f, deps).map_err(|e| e.to_string())
    }

    fn keep(&self, path: &str, deps: &crate::output::Deps) -> bool {
        // A page that cannot be linked is rendered and written instead.
        self.0.keep_page(path, deps).unwrap_or(false)
    }

    fn bodies(&self) -> Option<&crate::render::body::memo::Bodies> {
        Some(&self.1.get().0.bodies)
    }
}

/// The output as the owner names it: `public/` inside the site, else the
/// whole path.
fn shown(opts: &BuildOptions) -> String {
    match opts.output.strip_prefix(&opts.root) {
        Ok(rel) if !rel.as_os_str().is_empty() => format!("{}/", rel.display()),
        _ => opts.output.display().to_string(),
    }
}

/// The site's cache folder, from site.yaml (its problems are reported by
/// the build itself; a refused `cache_dir` gives the default).
fn cache_dir(root: &std::path::Path, output: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(root.join(crate::parse::config::CONFIG_FILE)).ok();
    let mut ignored = crate::diag::Diagnostics::new();
    let mut config = crate::parse::config::parse_config(text.as_deref(), &mut ignored);
    crate::parse::config::check_cache_dir(&mut config, root, output, &mut ignored);
    root.join(config.cache_dir)
}

/// Everything besides the site's files that the output depends on.
fn options_key(opts: &BuildOptions) -> String {
    format!(
        "drafts={} strict={} base_url={:?} today={:?} output={}",
        opts.drafts,
        opts.strict,
        opts.base_url,
        opts.today,
        opts.output.display()
    )
}

pub fn check(args: &CheckArgs, reporter: &Reporter) -> Result<ExitCode> {
    let root = match super::site::find_or_report(args.root.as_deref(), reporter) {
        Ok(root) => root,
        Err(code) => return Ok(code),
    };
    let mut opts = BuildOptions::new(&root, None, reporter.verbosity);
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
