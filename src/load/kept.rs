//! Part of stage 1 (load): what the preview keeps of one load for the
//! next (`Texts`): each markdown file's text with its file's stamp, so that
//! a rebuild reads again only the files that changed or that the watcher
//! named. `build` never uses it.

use super::{read_text_from_disk, site_path, TextFile};
use crate::diag::Diagnostics;
use crate::rounds::{Round, Rounds};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The texts a load read, by absolute path, each with the stamp of its
/// file when it was read (size, modification and change times, inode):
/// the preview keeps them between rebuilds, and its next load takes a file
/// whose stamp is the same from here instead of reading it again. Files
/// the watcher names are always read again (`forget`), and so is every
/// file after the watcher lost events.
#[derive(Default)]
pub struct Texts(Rounds<PathBuf, (Stamp, Arc<str>)>);

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
    /// Starts one load's use of the texts.
    pub(super) fn begin(&self) -> Reading<'_> {
        self.0.begin()
    }

    /// Forgets the files at these site paths (changed, says the watcher).
    pub fn forget<'a>(&self, root: &Path, paths: impl Iterator<Item = &'a str>) {
        for p in paths {
            self.0.forget(&root.join(p));
        }
    }

    /// Forgets every file.
    pub fn clear(&self) {
        self.0.clear();
    }
}

/// One load's use of `Texts`.
pub(super) type Reading<'a> = Round<'a, PathBuf, (Stamp, Arc<str>)>;

/// `read_text`, taking the text from `reading` when the file's stamp is
/// the one it was read at.
pub(super) fn read_text_kept(
    root: &Path,
    abs: &Path,
    reading: Option<&Reading<'_>>,
    diags: &mut Diagnostics,
) -> Option<TextFile> {
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

    #[test]
    fn a_preview_reads_again_only_what_changed_or_the_watcher_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/posts")).unwrap();
        let write = |name: &str, text: &str| std::fs::write(root.join("content/posts").join(name), text).unwrap();
        write("a.md", "---\ntitle: A\n---\nOne.\n");
        write("b.md", "---\ntitle: B\n---\nTwo.\n");
        let texts = Texts::default();
        let load = || {
            let mut d = Diagnostics::new();
            let s = super::super::load_kept(root, Some(&texts), &mut d);
            assert!(d.is_empty());
            s.posts.into_iter().map(|f| (f.path, f.text)).collect::<BTreeMap<_, _>>()
        };
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
        texts.forget(root, ["content/posts/b.md"].into_iter());
        let named = load();
        assert!(!Arc::ptr_eq(&named["content/posts/b.md"], &first["content/posts/b.md"]));
        assert_eq!(named["content/posts/b.md"], first["content/posts/b.md"]);
        // A removed file is gone, and no longer kept.
        std::fs::remove_file(root.join("content/posts/b.md")).unwrap();
        assert_eq!(load().keys().collect::<Vec<_>>(), ["content/posts/a.md"]);
        assert_eq!(texts.0.len(), 1);
        // Without `Texts`, every file is read.
        let mut d = Diagnostics::new();
        let fresh = super::super::load(root, &mut d);
        assert!(!Arc::ptr_eq(&fresh.posts[0].text, &named["content/posts/a.md"]));
    }
}
