//! One good build of the site, as the preview serves it: every file that
//! `build` would write, keyed by its output path. Rendered pages are held in
//! memory (the same bytes `build` writes); files that `build` copies (static
//! files, processed images from the cache, theme files on disk) are named
//! by their source and read when asked for.
//!
//! A new snapshot is compared with the one it replaces: an unchanged file
//! keeps its entry (and so its ETag and Last-Modified), and the list of
//! changed files tells the browser whether to reload the page, only swap the
//! stylesheets, or do nothing.

use crate::output::{Contents, Deps, OutputFile};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

/// Where a file's bytes are.
#[derive(Debug)]
pub enum Body {
    Bytes(Vec<u8>),
    Embedded(&'static [u8]),
    /// Read from disk when asked; `len` and `mtime` as they were at build
    /// time, to notice a change.
    File {
        path: PathBuf,
        len: u64,
        mtime: Option<SystemTime>,
    },
}

#[derive(Debug)]
pub struct Entry {
    pub body: Body,
    /// When these bytes first appeared in a snapshot (Last-Modified of
    /// rendered files).
    pub modified: SystemTime,
    etag: OnceLock<String>,
}

impl Entry {
    fn new(body: Body, modified: SystemTime) -> Entry {
        Entry { body, modified, etag: OnceLock::new() }
    }

    /// The ETag of in-memory bytes, computed once (files on disk get theirs
    /// from their metadata at request time).
    pub fn etag(&self) -> String {
        self.etag
            .get_or_init(|| match &self.body {
                Body::Bytes(b) => super::http::etag_of(b),
                Body::Embedded(b) => super::http::etag_of(b),
                Body::File { .. } => String::new(),
            })
            .clone()
    }

    /// Every byte (for HTML, which gets the reload script injected).
    pub fn read_all(&self) -> std::io::Result<Vec<u8>> {
        match &self.body {
            Body::Bytes(b) => Ok(b.to_vec()),
            Body::Embedded(b) => Ok(b.to_vec()),
            Body::File { path, .. } => std::fs::read(path),
        }
    }

    /// Same bytes as `other`, as far as a snapshot can tell without reading
    /// files: equal in-memory bytes, or the same source file with the same
    /// length and modification time.
    fn same_as(&self, other: &Body) -> bool {
        match (&self.body, other) {
            (Body::Bytes(a), Body::Bytes(b)) => a == b,
            (Body::Embedded(a), Body::Embedded(b)) => a == b,
            (Body::File { path: p1, len: l1, mtime: m1 }, Body::File { path: p2, len: l2, mtime: m2 }) => {
                p1 == p2 && l1 == l2 && m1.is_some() && m1 == m2
            }
            _ => false,
        }
    }
}

/// What a rebuild changed in the output.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// New or different files, sorted.
    pub changed: Vec<String>,
    /// Files that are gone, sorted.
    pub removed: Vec<String>,
}

/// What an open page should do about a rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reload {
    /// Nothing it shows changed.
    None,
    /// Only stylesheets changed: swap them, keep the page (and its scroll).
    Css,
    Page,
}

impl Reload {
    pub fn as_str(self) -> &'static str {
        match self {
            Reload::None => "none",
            Reload::Css => "css",
            Reload::Page => "page",
        }
    }
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }

    pub fn count(&self) -> usize {
        self.changed.len() + self.removed.len()
    }

    /// `Css` when only `.css` files changed, `None` when nothing did.
    pub fn reload(&self) -> Reload {
        if self.is_empty() {
            Reload::None
        } else if self.removed.is_empty() && self.changed.iter().all(|p| p.ends_with(".css")) {
            Reload::Css
        } else {
            Reload::Page
        }
    }
}

#[derive(Debug, Default)]
pub struct Snapshot {
    files: HashMap<String, Arc<Entry>>,
    /// What each rendered page was made from: the next rebuild keeps the
    /// pages whose inputs did not change instead of rendering them.
    pub deps: HashMap<String, Deps>,
    /// The path of the site's `base_url` (`/shop`, or empty): the preview
    /// serves the site under it, as its host will.
    pub base_path: String,
}

impl Snapshot {
    /// A snapshot of `files` (later files with the same path win, as in
    /// `build`, where they are written last), reusing the entries of
    /// `previous` that did not change.
    pub fn new(files: Vec<OutputFile>, previous: Option<&Snapshot>, now: SystemTime) -> (Snapshot, Changes) {
        Snapshot::keeping(files, Vec::new(), previous, now)
    }

    /// Like `new`, with the pages `kept` from `previous` as they are (the
    /// rebuild did not render them: their inputs had not changed).
    pub fn keeping(
        files: Vec<OutputFile>,
        kept: Vec<String>,
        previous: Option<&Snapshot>,
        now: SystemTime,
    ) -> (Snapshot, Changes) {
        let mut map: HashMap<String, Arc<Entry>> = HashMap::with_capacity(files.len() + kept.len());
        let mut changes = Changes::default();
        for path in kept {
            if let Some(entry) = previous.and_then(|p| p.files.get(&path)) {
                map.insert(path, entry.clone());
            }
        }
        for f in files {
            let body = match f.contents {
                Contents::Bytes(b) => Body::Bytes(b),
                Contents::Embedded(b) => Body::Embedded(b),
                Contents::Copy(path) => {
                    let meta = std::fs::metadata(&path).ok();
                    Body::File {
                        len: meta.as_ref().map_or(0, |m| m.len()),
                        mtime: meta.and_then(|m| m.modified().ok()),
                        path,
                    }
                }
            };
            let old = previous.and_then(|p| p.files.get(&f.path));
            let entry = match old {
                Some(old) if old.same_as(&body) => old.clone(),
                _ => {
                    changes.changed.push(f.path.clone());
                    Arc::new(Entry::new(body, now))
                }
            };
            map.insert(f.path, entry);
        }
        if let Some(prev) = previous {
            changes.removed = prev.files.keys().filter(|k| !map.contains_key(*k)).cloned().collect();
        }
        changes.changed.sort();
        changes.changed.dedup();
        changes.removed.sort();
        (Snapshot { files: map, deps: HashMap::new(), base_path: String::new() }, changes)
    }

    pub fn get(&self, key: &str) -> Option<&Arc<Entry>> {
        self.files.get(key)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, text: &str) -> OutputFile {
        OutputFile { path: path.into(), contents: Contents::Bytes(text.as_bytes().to_vec()) }
    }

    #[test]
    fn unchanged_files_keep_their_entries_and_changes_are_listed() {
        let t0 = SystemTime::UNIX_EPOCH;
        let (a, first) = Snapshot::new(vec![page("index.html", "home"), page("theme/style.css", "a{}")], None, t0);
        assert_eq!(first.changed, ["index.html", "theme/style.css"]);
        let t1 = t0 + std::time::Duration::from_secs(60);
        let (b, changes) =
            Snapshot::new(vec![page("index.html", "home"), page("theme/style.css", "b{}")], Some(&a), t1);
        assert_eq!(changes, Changes { changed: vec!["theme/style.css".into()], removed: vec![] });
        assert_eq!(changes.reload(), Reload::Css);
        assert!(Arc::ptr_eq(a.get("index.html").unwrap(), b.get("index.html").unwrap()));
        assert_eq!(b.get("index.html").unwrap().modified, t0);
        assert_eq!(b.get("theme/style.css").unwrap().modified, t1);

        let (c, changes) = Snapshot::new(vec![page("index.html", "home 2")], Some(&b), t1);
        assert_eq!(changes, Changes { changed: vec!["index.html".into()], removed: vec!["theme/style.css".into()] });
        assert_eq!(changes.reload(), Reload::Page);
        let (_, changes) = Snapshot::new(vec![page("index.html", "home 2")], Some(&c), t1);
        assert_eq!(changes.reload(), Reload::None);
    }

    #[test]
    fn later_files_win_like_in_build() {
        let (s, _) = Snapshot::new(
            vec![page("robots.txt", "rendered"), page("robots.txt", "static")],
            None,
            SystemTime::UNIX_EPOCH,
        );
        assert_eq!(s.get("robots.txt").unwrap().read_all().unwrap(), b"static");
        assert_eq!(s.len(), 1);
    }
}
