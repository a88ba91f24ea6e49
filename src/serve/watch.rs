//! Watching the site folder for `serve`.
//!
//! `notify`'s recommended watcher (or its polling one, `--poll`) sends events
//! into a channel. The root is watched on its own (for `site.yaml` and new
//! folders) and each top-level source folder recursively, so the output
//! (`public/`), the image cache and `.git` are never watched at all.
//! Debouncing is by hand: after the first event that matters, the channel is
//! drained until it has been quiet for a while (or `MAX_WAIT` passed), and
//! the whole batch becomes one rebuild. How long depends on whether every
//! file of the batch is known to be whole (`Settle`): a file written and
//! closed, renamed into place or removed is (inotify says so), and then
//! `SETTLED` of quiet ends the batch; a file written but not yet closed,
//! or a change from a watcher that cannot tell (polling, other systems),
//! waits for `QUIET`. Correctness does not hang on the timing: an event
//! that arrives during a rebuild causes another one.
//!
//! Filtering and classifying paths are pure functions (`classify`), tested
//! without notify.

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::{RecursiveMode, Watcher};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long the channel must stay quiet before a batch is rebuilt while a
/// file of it may still be being written. Editors save in a burst of events
/// well within this (write a temp file, rename it over, touch a backup);
/// `git checkout` keeps the channel busy and ends in one batch.
pub const QUIET: Duration = Duration::from_millis(30);
/// The quiet that ends a batch whose every file is whole (closed after
/// writing, renamed into place, removed): long enough for the rest of a
/// save's burst (the rename after a temp file is closed, a second file
/// saved with the first), short beside the rebuild.
pub const SETTLED: Duration = Duration::from_millis(5);
/// A batch is rebuilt after this long even if events keep coming.
pub const MAX_WAIT: Duration = Duration::from_millis(1500);
/// How often `--poll` looks at the files.
pub const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// What kind of source changed (Zola's `ChangeKind` idea); it decides
/// nothing about the rebuild, which is always the whole pipeline over warm
/// caches, but names the change in the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Config,
    Content,
    Data,
    Templates,
    Theme,
    Static,
    /// Another folder of the site (not read by the build today, but cheap
    /// to rebuild for).
    Other,
}

/// Paths the watcher must never act on, besides hidden and temporary names.
#[derive(Debug, Clone)]
pub struct Filter {
    pub root: PathBuf,
    /// Root-relative folders to skip, as components (`public`, the cache).
    skip: Vec<Vec<String>>,
}

/// The output folder `build` writes by default.
const OUTPUT_DIR: &str = "public";

impl Filter {
    /// `cache_dir` is site.yaml's, relative to the root.
    pub fn new(root: &Path, cache_dir: &str) -> Filter {
        let mut skip = vec![vec![OUTPUT_DIR.to_string()]];
        let cache: Vec<String> =
            cache_dir.split(['/', '\\']).filter(|c| !c.is_empty() && *c != ".").map(str::to_string).collect();
        if !cache.is_empty() && !cache.iter().any(|c| c == "..") {
            skip.push(cache);
        }
        Filter { root: root.to_path_buf(), skip }
    }

    /// The site-relative path of an event path and its kind, or `None` when
    /// the change does not matter to the build.
    pub fn check(&self, abs: &Path) -> Option<(String, Change)> {
        let rel = abs.strip_prefix(&self.root).ok()?;
        let comps: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let change = classify(&comps, &self.skip)?;
        Some((comps.join("/"), change))
    }
}

/// Classifies a root-relative path, given as components. `None` for what
/// the build never reads: hidden and editor temporary names anywhere in the
/// path (`.git`, `.post.md.swp`, `post.md~`, the default cache), the skipped
/// folders (the output, the cache), and files at the root other than
/// `site.yaml`.
pub fn classify(comps: &[String], skip: &[Vec<String>]) -> Option<Change> {
    let first = comps.first()?;
    if comps.iter().any(|c| crate::load::is_ignored_name(c)) {
        return None;
    }
    if skip.iter().any(|s| comps.len() >= s.len() && comps[..s.len()] == s[..]) {
        return None;
    }
    let change = match first.as_str() {
        "site.yaml" if comps.len() == 1 => Change::Config,
        "content" => Change::Content,
        "data" | "i18n" => Change::Data,
        "templates" => Change::Templates,
        "themes" => Change::Theme,
        "static" => Change::Static,
        _ if comps.len() == 1 => {
            // A file at the root is not read by the build; a new folder
            // there might be (it is then watched, see `Watch::next`).
            return if first.contains('.') { None } else { Some(Change::Other) };
        }
        _ => Change::Other,
    };
    Some(change)
}

/// Whether a notify event can change what the build reads: not mere
/// access (opening and reading, which the build itself does), nor a
/// change of access time.
pub fn is_relevant(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)))
}

/// What an event says of the files it names: whether each is now whole
/// (`Done`: closed after writing, renamed, removed, its attributes changed),
/// may still be being written (`Writing`: created or written but not closed,
/// or a change from a watcher that does not report closes), or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    Writing,
    Done,
    Nothing,
}

/// How an event leaves its files (see `Settle`). A close after writing is
/// not itself a change (opening a file to write it changes nothing), but
/// it says the writing of a changed file is over.
pub fn settle(kind: &EventKind) -> Settle {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Settle::Done,
        _ if !is_relevant(kind) => Settle::Nothing,
        EventKind::Create(notify::event::CreateKind::Folder) => Settle::Done,
        EventKind::Modify(ModifyKind::Name(_) | ModifyKind::Metadata(_)) | EventKind::Remove(_) => Settle::Done,
        _ => Settle::Writing,
    }
}

/// The changes of one debounced batch.
#[derive(Debug, Default)]
pub struct Batch {
    /// Site-relative path → kind.
    pub paths: BTreeMap<String, Change>,
    /// The paths of the batch that may still be being written.
    writing: BTreeSet<String>,
    /// The watcher lost events (its queue overflowed): everything may have changed.
    pub rescan: bool,
    /// Errors the watcher reported.
    pub errors: Vec<String>,
}

impl Batch {
    /// "content/posts/a.md" or "content/posts/a.md and 3 more files".
    pub fn describe(&self) -> String {
        let mut names = self.paths.keys();
        match (names.next(), self.paths.len()) {
            (None, _) => "the site folder".to_string(),
            (Some(first), 1) => first.clone(),
            (Some(first), n) => format!("{first} and {} more file{}", n - 1, if n == 2 { "" } else { "s" }),
        }
    }
}

/// The running watcher and the channel its events arrive on.
pub struct Watch {
    watcher: Box<dyn Watcher + Send>,
    rx: Receiver<notify::Result<notify::Event>>,
    watched: BTreeSet<String>,
}

impl Watch {
    /// Starts watching `filter.root`: the root itself, and each top-level
    /// folder the filter does not skip.
    pub fn start(filter: &Filter, poll: bool) -> notify::Result<Watch> {
        let (tx, rx) = channel();
        let mut watcher: Box<dyn Watcher + Send> = if poll {
            let config = notify::Config::default().with_poll_interval(POLL_INTERVAL).with_compare_contents(false);
            Box::new(notify::PollWatcher::new(tx, config)?)
        } else {
            Box::new(notify::recommended_watcher(tx)?)
        };
        watcher.watch(&filter.root, RecursiveMode::NonRecursive)?;
        let mut watch = Watch { watcher, rx, watched: BTreeSet::new() };
        if let Ok(rd) = std::fs::read_dir(&filter.root) {
            let mut dirs: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()).collect();
            dirs.sort();
            for dir in dirs {
                watch.watch_top(filter, &dir)?;
            }
        }
        Ok(watch)
    }

    fn watch_top(&mut self, filter: &Filter, dir: &Path) -> notify::Result<()> {
        let Some((rel, _)) = filter.check(dir) else { return Ok(()) };
        if rel.contains('/') || !dir.is_dir() {
            return Ok(());
        }
        self.watcher.watch(dir, RecursiveMode::Recursive)?;
        self.watched.insert(rel);
        Ok(())
    }

    /// Blocks until a batch of relevant changes has settled; `None` when the
    /// watcher is gone.
    pub fn next(&mut self, filter: &Filter) -> Option<Batch> {
        let mut batch = Batch::default();
        // Set by the first relevant event: (when it came, when to stop).
        let mut window: Option<(Instant, Instant)> = None;
        loop {
            let ev = match window {
                None => self.rx.recv().ok()?,
                Some((first, quiet_until)) => {
                    let until = quiet_until.min(first + MAX_WAIT);
                    let now = Instant::now();
                    if now >= until {
                        break;
                    }
                    match self.rx.recv_timeout(until - now) {
                        Ok(ev) => ev,
                        Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
                    }
                }
            };
            let (mattered, settled) = self.take(ev, filter, &mut batch);
            if mattered || (settled && window.is_some()) {
                let now = Instant::now();
                let first = window.map_or(now, |(f, _)| f);
                let quiet = if batch.writing.is_empty() && !batch.rescan { SETTLED } else { QUIET };
                window = Some((first, now + quiet));
            }
        }
        Some(batch)
    }

    /// Adds an event to the batch: whether it mattered, and whether it
    /// said that a file of the site is whole.
    fn take(&mut self, ev: notify::Result<notify::Event>, filter: &Filter, batch: &mut Batch) -> (bool, bool) {
        let ev = match ev {
            Ok(ev) => ev,
            Err(e) => {
                batch.errors.push(e.to_string());
                return (false, false);
            }
        };
        let (mut mattered, mut settled) = (false, false);
        if ev.need_rescan() {
            batch.rescan = true;
            mattered = true;
        }
        let settle = settle(&ev.kind);
        if settle == Settle::Nothing {
            return (mattered, false);
        }
        for p in &ev.paths {
            if let Some((rel, change)) = filter.check(p) {
                if settle == Settle::Done {
                    batch.writing.remove(&rel);
                    settled = true;
                }
                if !is_relevant(&ev.kind) {
                    continue;
                }
                if settle == Settle::Writing {
                    batch.writing.insert(rel.clone());
                }
                // A new top-level folder (or one recreated by a checkout).
                let recreated = matches!(ev.kind, EventKind::Create(_) | EventKind::Modify(ModifyKind::Name(_)));
                if !rel.contains('/') && p.is_dir() && (recreated || !self.watched.contains(&rel)) {
                    if let Err(e) = self.watch_top(filter, p) {
                        batch.errors.push(format!("cannot watch {rel}: {e}"));
                    }
                }
                batch.paths.insert(rel, change);
                mattered = true;
            }
        }
        (mattered, settled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(path: &str) -> Option<Change> {
        let f = Filter::new(Path::new("/site"), ".shopstory-cache");
        f.check(&Path::new("/site").join(path)).map(|(_, k)| k)
    }

    #[test]
    fn classifies_what_the_build_reads() {
        assert_eq!(c("site.yaml"), Some(Change::Config));
        assert_eq!(c("content/posts/2026-11-02-fold.md"), Some(Change::Content));
        assert_eq!(c("content/posts"), Some(Change::Content));
        assert_eq!(c("content/moments/cat.jpg"), Some(Change::Content));
        assert_eq!(c("data/reviews.yaml"), Some(Change::Data));
        assert_eq!(c("templates/post.html"), Some(Change::Templates));
        assert_eq!(c("themes/mine/templates/base.html"), Some(Change::Theme));
        assert_eq!(c("static/theme/style.css"), Some(Change::Static));
        assert_eq!(c("extras/notes.txt"), Some(Change::Other));
        assert_eq!(c("extras"), Some(Change::Other));
    }

    #[test]
    fn ignores_output_cache_git_and_editor_files() {
        for path in [
            "public/index.html",
            "public",
            ".shopstory-cache/images/ab.webp",
            ".git/index",
            ".git",
            "content/posts/.2026-11-02-fold.md.swp",
            "content/posts/2026-11-02-fold.md~",
            "content/posts/#2026-11-02-fold.md#",
            "content/posts/4913",
            "content/.hidden/x.md",
            "content/posts/draft.md.tmp",
            "README.md",
            "site.yaml~",
            ".site.yaml.swp",
        ] {
            assert_eq!(c(path), None, "{path}");
        }
        assert_eq!(c("/elsewhere/site.yaml"), None);
    }

    #[test]
    fn a_configured_cache_dir_is_skipped() {
        let f = Filter::new(Path::new("/site"), "build-cache/images");
        assert_eq!(f.check(Path::new("/site/build-cache/images/a.webp")), None);
        assert_eq!(f.check(Path::new("/site/build-cache/other")).map(|(_, k)| k), Some(Change::Other));
        // A cache outside the site is not ours to skip.
        let f = Filter::new(Path::new("/site"), "../cache");
        assert_eq!(f.skip.len(), 1);
    }

    #[test]
    fn access_events_do_not_count() {
        use notify::event::{AccessKind, AccessMode, CreateKind, DataChange};
        assert!(!is_relevant(&EventKind::Access(AccessKind::Open(AccessMode::Read))));
        assert!(!is_relevant(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(!is_relevant(&EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))));
        assert!(is_relevant(&EventKind::Modify(ModifyKind::Data(DataChange::Any))));
        assert!(is_relevant(&EventKind::Create(CreateKind::File)));
        assert!(is_relevant(&EventKind::Remove(notify::event::RemoveKind::Any)));
    }

    #[test]
    fn closes_renames_and_removals_say_a_file_is_whole() {
        use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, RemoveKind, RenameMode};
        assert_eq!(settle(&EventKind::Access(AccessKind::Close(AccessMode::Write))), Settle::Done);
        assert_eq!(settle(&EventKind::Modify(ModifyKind::Name(RenameMode::To))), Settle::Done);
        assert_eq!(settle(&EventKind::Modify(ModifyKind::Name(RenameMode::Both))), Settle::Done);
        assert_eq!(settle(&EventKind::Remove(RemoveKind::File)), Settle::Done);
        assert_eq!(settle(&EventKind::Create(CreateKind::Folder)), Settle::Done);
        // Written or created, not yet closed; or a watcher that cannot tell.
        assert_eq!(settle(&EventKind::Modify(ModifyKind::Data(DataChange::Any))), Settle::Writing);
        assert_eq!(settle(&EventKind::Create(CreateKind::File)), Settle::Writing);
        assert_eq!(settle(&EventKind::Modify(ModifyKind::Any)), Settle::Writing);
        assert_eq!(settle(&EventKind::Any), Settle::Writing);
        // Reading changes nothing and settles nothing.
        assert_eq!(settle(&EventKind::Access(AccessKind::Open(AccessMode::Any))), Settle::Nothing);
        assert_eq!(settle(&EventKind::Access(AccessKind::Close(AccessMode::Read))), Settle::Nothing);
    }

    /// Against the real watcher (inotify here): a file written and closed
    /// ends its batch whole; one still open for writing is still being
    /// written when its batch ends (after `QUIET`).
    #[cfg(target_os = "linux")]
    #[test]
    fn the_real_watcher_tells_a_closed_file_from_one_being_written() {
        use std::io::Write;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content/posts")).unwrap();
        let filter = Filter::new(&root, ".shopstory-cache");
        let mut watch = Watch::start(&filter, false).unwrap();
        std::fs::write(root.join("content/posts/a.md"), "---\ntitle: A\n---\nHello.\n").unwrap();
        let batch = watch.next(&filter).unwrap();
        assert_eq!(batch.paths.keys().collect::<Vec<_>>(), ["content/posts/a.md"]);
        assert!(batch.writing.is_empty(), "{batch:?}");

        let mut open = std::fs::File::create(root.join("content/posts/b.md")).unwrap();
        open.write_all(b"---\ntitle: B\n").unwrap();
        let batch = watch.next(&filter).unwrap();
        assert!(batch.writing.contains("content/posts/b.md"), "{batch:?}");
        open.write_all(b"---\nDone.\n").unwrap();
        drop(open);
        // The close comes in a batch of its own, which holds the file whole.
        let batch = watch.next(&filter).unwrap();
        assert!(batch.writing.is_empty(), "{batch:?}");

        // Saved by a temporary file renamed over the post.
        std::fs::write(root.join("content/posts/a.md.tmp"), "---\ntitle: A2\n---\n").unwrap();
        std::fs::rename(root.join("content/posts/a.md.tmp"), root.join("content/posts/a.md")).unwrap();
        let batch = watch.next(&filter).unwrap();
        assert_eq!(batch.paths.keys().collect::<Vec<_>>(), ["content/posts/a.md"]);
        assert!(batch.writing.is_empty(), "{batch:?}");
    }

    #[test]
    fn batches_describe_themselves() {
        let mut b = Batch::default();
        assert_eq!(b.describe(), "the site folder");
        b.paths.insert("content/posts/a.md".into(), Change::Content);
        assert_eq!(b.describe(), "content/posts/a.md");
        b.paths.insert("content/posts/b.md".into(), Change::Content);
        b.paths.insert("site.yaml".into(), Change::Config);
        assert_eq!(b.describe(), "content/posts/a.md and 2 more files");
    }
}
