//! Part of stage 1 (load): what the preview keeps of one load for the
//! next (`Texts`): each markdown file's text with its file's stamp, so that
//! a rebuild reads again only the files that changed or that the watcher
//! named; and the list of `content/`'s files, so that a rebuild after a
//! batch the watcher fully accounted for neither walks `content/` nor
//! stats its files (`changed`). `build` never uses it.

use super::{read_text_from_disk, site_path, TextFile};
use crate::diag::Diagnostics;
use crate::rounds::{Round, Rounds};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The texts a load read, by absolute path, each with the stamp of its
/// file when it was read (size, modification and change times, inode):
/// the preview keeps them between rebuilds, and its next load takes a file
/// whose stamp is the same from here instead of reading it again. Files
/// the watcher names are always read again (`changed`), and so is every
/// file after the watcher lost events (`clear`).
#[derive(Default)]
pub struct Texts {
    texts: Rounds<PathBuf, (Stamp, Arc<str>)>,
    listing: Mutex<Listing>,
}

/// `content/`'s files as the last load listed them.
#[derive(Default)]
struct Listing {
    /// The last walk's files (in its order), when that walk reported
    /// nothing and met no symbolic link, updated with what the watcher
    /// named since: `None` makes the next load walk.
    files: Option<Vec<PathBuf>>,
    /// The watcher named every change since the last load (`changed`): the
    /// next load takes `files` without walking, and every text it kept
    /// without a stat.
    trusted: bool,
}

/// What tells a file's version apart without reading it: a digest of what
/// the warm-build check and the writer use for the same
/// (`fingerprint::add_metadata`: size, modification and change times, inode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp(u128);

impl Stamp {
    /// The stamp of the file at `abs` (links followed, as reading does).
    fn of(abs: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(abs).ok()?;
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        super::fingerprint::add_metadata(&mut h, &meta);
        Some(Stamp(h.digest128()))
    }
}

impl Texts {
    /// Starts one load's use of the texts: what the last load kept, and
    /// `content/`'s files when the watcher named every change since.
    pub(super) fn begin(&self) -> (Reading<'_>, Option<Vec<PathBuf>>) {
        let mut listing = self.lock();
        let trusted = std::mem::take(&mut listing.trusted);
        (self.texts.begin(), listing.files.clone().filter(|_| trusted))
    }

    /// Keeps `content/`'s files as this load listed them (`plain`: its
    /// walk reported nothing and met no symbolic link; else the next load
    /// walks again).
    pub(super) fn listed(&self, files: &[PathBuf], plain: bool) {
        debug_assert!(files.windows(2).all(|w| w[0] < w[1]), "the walk's order is not the paths' order");
        self.lock().files = plain.then(|| files.to_vec());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Listing> {
        self.listing.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The watcher named these site paths as changed: their texts are read
    /// again, whatever their stamps. With `complete` (the system's watcher
    /// reported no error: it names every change), the next load also takes
    /// `content/`'s files from the last listing updated with these paths
    /// (a file written or added, a file removed), and every other text
    /// without a stat. A named folder or symbolic link in `content/`
    /// makes it walk again.
    pub fn changed<'a>(&self, root: &Path, paths: impl Iterator<Item = &'a str>, complete: bool) {
        let mut listing = self.lock();
        let mut files = listing.files.take().filter(|_| complete);
        for p in paths {
            let abs = root.join(p);
            self.texts.forget(&abs);
            // Only a plain path under content/ is noted; anything else
            // there (`..`, `.`, an empty part) takes a walk.
            let plain = p.split('/').all(|c| !c.is_empty() && c != "." && c != "..");
            let listed = match &mut files {
                Some(list) if p == "content" || p.starts_with("content/") => plain && note(list, abs),
                _ => true,
            };
            if !listed {
                files = None;
            }
        }
        listing.trusted = files.is_some();
        listing.files = files;
    }

    /// Forgets every file (the watcher lost events).
    pub fn clear(&self) {
        self.texts.clear();
        *self.lock() = Listing::default();
    }
}

/// Brings `list` (sorted as the walk sorts: by path, component by
/// component) up to date with the file at `abs`, which the watcher named:
/// false when that takes a walk (a folder, a symbolic link).
fn note(list: &mut Vec<PathBuf>, abs: PathBuf) -> bool {
    match std::fs::symlink_metadata(&abs) {
        Ok(meta) if meta.is_file() => {
            if let Err(at) = list.binary_search(&abs) {
                list.insert(at, abs);
            }
            true
        }
        Ok(_) => false,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A removed file, or a removed folder's files.
            list.retain(|f| !f.starts_with(&abs));
            true
        }
        Err(_) => false,
    }
}

/// One load's use of `Texts`.
pub(super) type Reading<'a> = Round<'a, PathBuf, (Stamp, Arc<str>)>;

/// `read_text`, taking the text from `reading` when the file's stamp is
/// the one it was read at, or (`trusted`: the watcher named every change
/// since) when it is there at all.
pub(super) fn read_text_kept(
    root: &Path,
    abs: &Path,
    reading: Option<(&Reading<'_>, bool)>,
    diags: &mut Diagnostics,
) -> Option<TextFile> {
    if let Some((r, true)) = reading {
        if let Some((stamp, text)) = r.last(abs) {
            r.keep(abs.to_path_buf(), (*stamp, text.clone()));
            return Some(TextFile { path: site_path(root, abs), text: text.clone() });
        }
    }
    let reading = reading.map(|(r, _)| r);
    // Taken before reading: a file changed meanwhile is read again next time.
    let stamp = reading.and_then(|_| Stamp::of(abs));
    let unchanged = reading.zip(stamp).and_then(|(r, stamp)| r.last(abs).filter(|(was, _)| *was == stamp));
    let file = match unchanged {
        Some((_, text)) => TextFile { path: site_path(root, abs), text: text.clone() },
        None => read_text_from_disk(root, abs, diags)?,
    };
    if let (Some(r), Some(stamp)) = (reading, stamp) {
        r.keep(abs.to_path_buf(), (stamp, file.text.clone()));
    }
    Some(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The posts a load through `texts` (or none) finds, in its order, without a diagnostic.
    fn posts(root: &Path, texts: Option<&Texts>) -> Vec<(String, Arc<str>)> {
        let mut d = Diagnostics::new();
        let s = super::super::load_kept(root, texts, &mut d);
        assert!(d.is_empty());
        s.posts.into_iter().map(|f| (f.path, f.text)).collect()
    }

    #[test]
    fn a_preview_reads_again_only_what_changed_or_the_watcher_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/posts")).unwrap();
        let write = |name: &str, text: &str| std::fs::write(root.join("content/posts").join(name), text).unwrap();
        write("a.md", "---\ntitle: A\n---\nOne.\n");
        write("b.md", "---\ntitle: B\n---\nTwo.\n");
        let texts = Texts::default();
        let load = || posts(root, Some(&texts)).into_iter().collect::<BTreeMap<_, _>>();
        let first = load();
        let same = load();
        for (path, text) in &first {
            assert!(Arc::ptr_eq(text, &same[path]), "{path} was read again");
        }
        // Rewritten (same length: the stamp's times and inode tell it apart).
        write("a.md", "---\ntitle: A\n---\nUno.\n");
        let after_edit = load();
        assert_eq!(&*after_edit["content/posts/a.md"], "---\ntitle: A\n---\nUno.\n");
        assert!(Arc::ptr_eq(&after_edit["content/posts/b.md"], &first["content/posts/b.md"]));
        // Named by the watcher: read again, whatever its stamp.
        texts.changed(root, ["content/posts/b.md"].into_iter(), false);
        let named = load();
        assert!(!Arc::ptr_eq(&named["content/posts/b.md"], &first["content/posts/b.md"]));
        assert_eq!(named["content/posts/b.md"], first["content/posts/b.md"]);
        // A removed file is gone, and no longer kept.
        std::fs::remove_file(root.join("content/posts/b.md")).unwrap();
        assert_eq!(load().keys().collect::<Vec<_>>(), ["content/posts/a.md"]);
        assert_eq!(texts.texts.len(), 1);
        // Without `Texts`, every file is read.
        let mut d = Diagnostics::new();
        let fresh = super::super::load(root, &mut d);
        assert!(!Arc::ptr_eq(&fresh.posts[0].text, &named["content/posts/a.md"]));
    }

    #[test]
    fn after_a_batch_the_watcher_fully_named_nothing_else_is_walked_or_stated() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/posts/a")).unwrap();
        let write = |name: &str, text: &str| std::fs::write(root.join("content/posts").join(name), text).unwrap();
        for name in ["a-b.md", "a/x.md", "b.md", "c.md"] {
            write(name, &format!("---\ntitle: {name}\n---\nText.\n"));
        }
        let texts = Texts::default();
        let load = || posts(root, Some(&texts));
        let fresh = || posts(root, None);
        assert_eq!(load(), fresh());
        // Named: a file written, one added (between two others), one removed.
        write("b.md", "---\ntitle: B2\n---\n");
        write("a0.md", "---\ntitle: A0\n---\n");
        std::fs::remove_file(root.join("content/posts/c.md")).unwrap();
        let named = ["content/posts/b.md", "content/posts/a0.md", "content/posts/c.md"];
        texts.changed(root, named.into_iter(), true);
        assert_eq!(load(), fresh());
        // A file changed that the watcher did not name is not seen: the
        // load trusted the watcher (no walk, no stat)...
        write("a-b.md", "---\ntitle: unseen\n---\n");
        texts.changed(root, ["content/posts/b.md"].into_iter(), true);
        assert_ne!(load(), fresh());
        // ...but a load after a batch the watcher may not have named whole
        // (an error, polling) stats every file again.
        texts.changed(root, std::iter::empty(), false);
        assert_eq!(load(), fresh());
        // A named folder takes a walk: a folder moved in with its files.
        std::fs::create_dir_all(root.join("elsewhere")).unwrap();
        std::fs::write(root.join("elsewhere/y.md"), "---\ntitle: Y\n---\n").unwrap();
        std::fs::rename(root.join("elsewhere"), root.join("content/posts/new")).unwrap();
        texts.changed(root, ["content/posts/new"].into_iter(), true);
        assert_eq!(load(), fresh());
        // A named path that is not plain takes a walk: the file outside
        // content/ it leads to is not listed.
        std::fs::write(root.join("outside.md"), "---\ntitle: Out\n---\n").unwrap();
        texts.changed(root, ["content/../outside.md"].into_iter(), true);
        assert_eq!(load(), fresh());
        // A removed folder takes its files with it.
        std::fs::remove_dir_all(root.join("content/posts/a")).unwrap();
        texts.changed(root, ["content/posts/a"].into_iter(), true);
        let after = load();
        assert_eq!(after, fresh());
        assert!(!after.iter().any(|(p, _)| p.starts_with("content/posts/a/")));
    }
}
