//! The staging folder a build writes into, beside the output
//! (`.public.tmp-<pid>`, marked as ours). It always receives the whole new
//! output, in the output's layout:
//!
//! - with no trustworthy record of the last build, every file is written;
//! - with a record (`Manifest`) of the last build into this output, a file
//!   whose digest matches the record and that is still on disk as recorded
//!   is not written again but *hard-linked* from the output (same inode, so
//!   the same modification time: upload tools that compare times see only
//!   the changed files as new); where a link cannot be made, it is copied and
//!   given its old modification time back.
//!
//! At the end `commit` swaps the staging folder with the output in one step
//! (`swap`), moves the owner's entries (`.git`, ...) across and keeps the
//! old tree as the spare (`<cache_dir>/outputs/<digest>.spare`), which the
//! next build stages into: a file there that is already the output's own
//! (same inode) stays, anything else is replaced (never written through, as
//! it may be a link to a live file) or pruned.
//!
//! A file the build copies out of its own cache folder (a photo variant, a
//! share card: written once by temporary file and rename, under a name that
//! hashes what it holds, and never changed in place) is hard-linked into the
//! staging folder rather than copied (`link_from`), so that each card costs
//! one new file on disk, not two; across file systems it is copied (which
//! clones the blocks where the file system can). The owner's files
//! (`static/`, videos) are always copied: the output never shares a file
//! with anything the owner may edit in place.
//!
//! Nothing in the output changes until every page rendered and every file
//! was written, and then it changes all at once: a failed or killed build
//! leaves the output as it was, whole. This module must never write into
//! the output itself, nor write through a file of the staging folder.

use super::manifest::{stamp_of, DepsDigest, Entry, Manifest};
use super::swap::{self, remove_ours};
use super::{io_err, WriteError, MARKER, MARKER_TEXT};
use crate::output::{Contents, Deps, OutputFile};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, UNIX_EPOCH};

/// A staging folder beside the output, removed on drop unless committed.
pub struct Staging {
    pub dir: PathBuf,
    output: PathBuf,
    committed: bool,
    /// Where the old output is kept for the next build (`spare`).
    spare: Option<PathBuf>,
    /// The staging folder is the last build's spare, not a fresh folder:
    /// what is in it must be checked or replaced, and the rest pruned.
    reusing: bool,
    /// The last build's record: `Some` reuses unchanged files.
    previous: Option<Manifest>,
    /// What this build made, by output path.
    made: Mutex<BTreeMap<String, Made>>,
    /// What each page was rendered from (or kept for), for the record.
    deps: Mutex<BTreeMap<String, DepsDigest>>,
    /// The build's cache folder, whose files are linked, not copied.
    ours: Option<PathBuf>,
    /// A link from `ours` failed (another file system): copy from then on.
    links_fail: AtomicBool,
}

#[derive(Clone, Copy)]
struct Made {
    entry: Entry,
    /// Linked (or copied) from the output rather than written.
    reused: bool,
}

/// How a commit went.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files written (new or changed).
    pub written: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Files of the last build that this one no longer makes, removed.
    pub removed: usize,
}

impl Staging {
    /// A staging folder for `output` (a real folder, not a link; see
    /// `resolve_output`). With `previous` (the record of the last build into
    /// `output`, which must still carry our marker), unchanged files are
    /// linked rather than written. `spare` is where the old output is kept
    /// after the swap (in the cache folder, on the same file system): the
    /// next build stages into it, so that the folders and links of
    /// unchanged pages are already there, instead of making 10,000 folders
    /// and links and removing as many. First clears what killed builds
    /// left beside the output: the caller must hold the build lock.
    pub fn new(output: &Path, previous: Option<Manifest>, spare: Option<&Path>) -> Result<Staging, WriteError> {
        let parent = output.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        fs::create_dir_all(&parent).map_err(|e| io_err(&parent, e))?;
        swap::clear_leftovers(output);
        let dir = swap::sibling(output, "tmp");
        if fs::symlink_metadata(&dir).is_ok() && !remove_ours(&dir).map_err(|e| io_err(&dir, e))? {
            return Err(WriteError::NotOurs { path: dir.display().to_string() });
        }
        let previous = previous.filter(|_| output.join(MARKER).is_file());
        let mut reusing = false;
        if let Some(spare) = spare.filter(|s| fs::symlink_metadata(s).is_ok()) {
            // Only a spare of ours, with nothing of the owner's in it, and
            // only when there is a record to check its files against.
            reusing = previous.is_some() && swap::is_plain_ours(spare) && fs::rename(spare, &dir).is_ok();
            if !reusing {
                let _ = remove_ours(spare);
            }
        }
        if !reusing {
            fs::create_dir(&dir).map_err(|e| io_err(&dir, e))?;
            fs::write(dir.join(MARKER), MARKER_TEXT).map_err(|e| io_err(&dir, e))?;
        }
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            committed: false,
            spare: spare.map(Path::to_path_buf),
            reusing,
            previous,
            made: Mutex::new(BTreeMap::new()),
            deps: Mutex::new(BTreeMap::new()),
            ours: None,
            links_fail: AtomicBool::new(false),
        })
    }

    /// Files copied out of `cache_dir` (the site's cache folder, where
    /// shopstory writes every file once by rename and never changes one in
    /// place) are hard-linked into the output instead, or copied where no
    /// link can be made. Never give it a folder of the owner's.
    pub fn link_from(mut self, cache_dir: &Path) -> Staging {
        self.ours = Some(cache_dir.to_path_buf());
        self
    }

    /// Whether `src` is a file of ours (in the cache folder).
    fn is_ours(&self, src: &Path) -> bool {
        self.ours.as_deref().is_some_and(|dir| src.starts_with(dir))
    }

    /// Puts the cache's file `src` at `dest` (where nothing is): a hard
    /// link, or a copy when the two are on different file systems.
    fn link_ours(&self, src: &Path, dest: &Path) -> io::Result<()> {
        if !self.links_fail.load(Ordering::Relaxed) {
            match fs::hard_link(src, dest) {
                Ok(()) => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::NotFound || e.kind() == io::ErrorKind::AlreadyExists => {
                    return Err(e)
                }
                // Another file system, or one without links.
                Err(_) => self.links_fail.store(true, Ordering::Relaxed),
            }
        }
        fs::copy(src, dest).map(|_| ())
    }

    /// Whether unchanged files are reused from the output.
    pub fn changes_only(&self) -> bool {
        self.previous.is_some()
    }

    /// Writes a rendered page (`write_one`) and records what it was made
    /// from.
    pub fn write_page(&self, f: &OutputFile, deps: Deps) -> io::Result<()> {
        self.write_file(f)?;
        self.deps.lock().unwrap_or_else(|e| e.into_inner()).insert(f.path.clone(), DepsDigest::of(&deps));
        Ok(())
    }

    /// Carries the output's page at `path` into the staging folder (linked,
    /// as an unchanged file) when the last build rendered it from exactly
    /// `deps` and it is still on disk as recorded; says whether it did. The
    /// page is then not rendered at all.
    pub fn keep_page(&self, path: &str, deps: &Deps) -> io::Result<bool> {
        let Some(previous) = &self.previous else { return Ok(false) };
        let digest = DepsDigest::of(deps);
        let entry = match previous.files.get(path) {
            Some(e) if previous.deps.get(path) == Some(&digest) => e,
            _ => return Ok(false),
        };
        let Some(made) = self.carry(&self.output.join(path), &self.dir.join(path), entry)? else { return Ok(false) };
        self.made.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_string(), made);
        self.deps.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_string(), digest);
        Ok(true)
    }

    /// Carries the output's file at `current` into the staging folder at
    /// `dest` (linked, or already there as the output's own file in a
    /// reused spare) when it is still on disk as `e` records it; `None`
    /// when it is not.
    fn carry(&self, current: &Path, dest: &Path, e: &Entry) -> io::Result<Option<Made>> {
        let Ok(meta) = fs::symlink_metadata(current) else { return Ok(None) };
        if !e.describes(&meta) {
            return Ok(None);
        }
        // Already linked by the last build (a file there means its folder is too).
        if self.reusing && same_file(&meta, dest) {
            return Ok(Some(Made { entry: *e, reused: true }));
        }
        self.make_parent(dest)?;
        clear(dest, self.reusing)?;
        Ok(Some(Made { entry: link_or_copy(current, dest, e)?, reused: true }))
    }

    /// Makes the folder `dest` goes in.
    fn make_parent(&self, dest: &Path) -> io::Result<()> {
        if let Some(parent) = dest.parent() {
            if let Err(e) = ensure_dir(parent) {
                if !self.reusing {
                    return Err(e);
                }
                // A file of the last-but-one build where a folder goes now.
                make_way(&self.dir, parent)?;
            }
        }
        Ok(())
    }

    /// Writes one file that is not a rendered page (`write_file`); one
    /// written over a page (a static file at a page's path) takes the page's
    /// dependency set away with it.
    pub fn write_one(&self, f: &OutputFile) -> io::Result<()> {
        self.write_file(f)?;
        self.deps.lock().unwrap_or_else(|e| e.into_inner()).remove(&f.path);
        Ok(())
    }

    /// Writes one file into the staging folder (or links the output's copy
    /// when it is unchanged).
    fn write_file(&self, f: &OutputFile) -> io::Result<()> {
        let key = key_of(&f.contents, matches!(&f.contents, Contents::Copy(src) if self.is_ours(src)))?;
        let dest = self.dir.join(&f.path);
        let previous = self.previous.as_ref().and_then(|m| m.files.get(&f.path)).filter(|e| e.key == key);
        let carried = match previous {
            Some(e) => self.carry(&self.output.join(&f.path), &dest, e)?,
            None => None,
        };
        let made = match carried {
            Some(made) => made,
            None => {
                self.make_parent(&dest)?;
                // Never written through: what is there may be a link to a
                // file of the live output.
                clear(&dest, self.reusing)?;
                let written = match &f.contents {
                    Contents::Bytes(b) => write_file(&dest, b)?,
                    Contents::Embedded(b) => write_file(&dest, b)?,
                    Contents::Copy(src) if self.is_ours(src) => {
                        self.link_ours(src, &dest)?;
                        stamp_of(&fs::symlink_metadata(&dest)?)
                    }
                    Contents::Copy(src) => {
                        fs::copy(src, &dest)?;
                        stamp_of(&fs::symlink_metadata(&dest)?)
                    }
                };
                let (len, mtime) = written.ok_or_else(|| io::Error::other("the file just written is gone"))?;
                Made { entry: Entry { key, len, mtime }, reused: false }
            }
        };
        self.made.lock().unwrap_or_else(|e| e.into_inner()).insert(f.path.clone(), made);
        Ok(())
    }

    /// Writes every file, in parallel.
    pub fn write_files(&self, files: &[OutputFile]) -> Result<(), WriteError> {
        use rayon::prelude::*;
        files.par_iter().try_for_each(|f| self.write_one(f).map_err(|e| io_err(&self.output.join(&f.path), e)))
    }

    /// Puts the new output in place and returns the record of what it holds
    /// (`files` filled in; the caller adds the rest and writes it).
    /// `manifest_path` is forgotten before the output changes, so that a
    /// build killed before the new record is written is followed by a
    /// whole one.
    pub fn commit(mut self, manifest_path: &Path) -> Result<(Manifest, Changes), WriteError> {
        let made = std::mem::take(&mut *self.made.lock().unwrap_or_else(|e| e.into_inner()));
        if let Some(path) = clash(&made) {
            let why = io::Error::other(
                "it is both a file and the folder of other files (a static file named like a page's folder?)",
            );
            return Err(io_err(&self.output.join(path), why));
        }
        if self.reusing {
            prune(&self.dir, &made).map_err(|e| io_err(&self.dir, e))?;
        }
        Manifest::forget(manifest_path).map_err(|e| io_err(manifest_path, e))?;
        let old = swap::swap_in(&self.dir, &self.output)?;
        // The staging path now holds the old output, or nothing.
        self.committed = true;
        if let Some(old) = old {
            // Kept for the next build, or removed; what cannot be removed
            // now is cleared by the next build.
            let _ = swap::retire(&old, &self.output, self.spare.as_deref());
        }
        let changes = match self.previous.take() {
            Some(previous) => {
                let reused = made.values().filter(|m| m.reused).count();
                Changes {
                    written: made.len() - reused,
                    unchanged: reused,
                    removed: previous.files.keys().filter(|p| !made.contains_key(*p)).count(),
                }
            }
            None => Changes { written: made.len(), ..Changes::default() },
        };
        let mut deps = std::mem::take(&mut *self.deps.lock().unwrap_or_else(|e| e.into_inner()));
        deps.retain(|path, _| made.contains_key(path));
        let files = made.into_iter().map(|(p, m)| (p, m.entry)).collect();
        let manifest = Manifest { output: self.output.display().to_string(), files, deps, ..Manifest::default() };
        Ok((manifest, changes))
    }
}

impl Drop for Staging {
    /// A build that failed leaves its staging folder as the spare (each of
    /// its files is checked or replaced by the next build), or removes it.
    fn drop(&mut self) {
        if !self.committed {
            let kept = self.spare.as_deref().is_some_and(|spare| {
                swap::is_plain_ours(&self.dir)
                    && fs::symlink_metadata(spare).is_err()
                    && fs::rename(&self.dir, spare).is_ok()
            });
            if !kept {
                let _ = remove_ours(&self.dir);
            }
        }
    }
}

/// Whether the file `a` (its metadata) and the path `b` are the same file
/// (one is a hard link of the other).
fn same_file(a: &fs::Metadata, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match fs::symlink_metadata(b) {
            Ok(b) => a.is_file() && b.is_file() && a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// Removes whatever is at `path` in the staging folder (a file, a link, or
/// in a reused spare a folder of an older build), so that a new file is
/// created, never written through a link into the live output. In a fresh
/// staging folder a folder there was made by this build: a clash, left to
/// fail.
fn clear(path: &Path, reusing: bool) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_dir() && !reusing => Ok(()),
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
    }
}

/// Makes `dir` (inside the staging folder `root`) a folder, removing any
/// file of an older build that stands where one of its folders goes.
fn make_way(root: &Path, dir: &Path) -> io::Result<()> {
    let mut at = root.to_path_buf();
    for c in dir.strip_prefix(root).map_err(io::Error::other)?.components() {
        at.push(c);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => continue,
            Ok(_) => clear(&at, true)?,
            Err(_) => {}
        }
        match fs::create_dir(&at) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// A path this build made as a file while also making files under it.
fn clash(made: &BTreeMap<String, Made>) -> Option<&str> {
    made.keys().find_map(|p| p.match_indices('/').map(|(i, _)| &p[..i]).find(|a| made.contains_key(*a)))
}

/// Removes from a reused staging folder every file this build did not
/// make, and the folders left empty (the marker stays).
fn prune(dir: &Path, made: &BTreeMap<String, Made>) -> io::Result<()> {
    let mut folders = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).contents_first(true) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            folders.push(entry.into_path());
            continue;
        }
        let rel = crate::load::site_path(dir, entry.path());
        if rel != MARKER && !made.contains_key(&rel) {
            fs::remove_file(entry.path())?;
        }
    }
    for folder in folders {
        // Only empty folders go (contents come before their folder).
        let _ = fs::remove_dir(folder);
    }
    Ok(())
}

/// Puts the output's unchanged file `from` into the staging folder at `to`:
/// a hard link, or where the file system has none, a copy given the
/// recorded modification time back. Returns the entry the copy now has.
fn link_or_copy(from: &Path, to: &Path, e: &Entry) -> io::Result<Entry> {
    if fs::hard_link(from, to).is_ok() {
        return Ok(*e);
    }
    fs::copy(from, to)?;
    let file = fs::File::options().write(true).open(to)?;
    file.set_modified(UNIX_EPOCH + Duration::from_nanos(e.mtime))?;
    let (len, mtime) = stamp_of(&file.metadata()?).ok_or_else(|| io::Error::other("the file just copied is gone"))?;
    Ok(Entry { key: e.key, len, mtime })
}

/// The digest the record keeps for a file: of its bytes, or for a copy of
/// what says whether its source changed without reading it (name, size,
/// modification and change times, inode: as `load::fingerprint` does, so
/// that an edit whose modification time was put back, by `touch -d`,
/// `cp -p` or rsync, is still seen). Reading a photo or a video again to
/// learn that it did not change would cost more than copying it. A file of
/// the cache (`ours`) leaves out the change time, which every link made to
/// it moves: it is only ever replaced by rename, which the inode shows.
fn key_of(contents: &Contents, ours: bool) -> io::Result<u128> {
    use xxhash_rust::xxh3::{xxh3_128, Xxh3};
    Ok(match contents {
        Contents::Bytes(b) => xxh3_128(b),
        Contents::Embedded(b) => xxh3_128(b),
        Contents::Copy(src) => {
            let meta = fs::metadata(src)
                .map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", src.display())))?;
            let mut h = Xxh3::new();
            if ours {
                h.update(b"cache\0");
                h.update(src.as_os_str().as_encoded_bytes());
                let (len, mtime) = stamp_of(&meta).unwrap_or_default();
                h.update(&len.to_le_bytes());
                h.update(&mtime.to_le_bytes());
                #[cfg(unix)]
                {
                    use std::os::unix::fs::MetadataExt;
                    h.update(&meta.ino().to_le_bytes());
                    h.update(&meta.dev().to_le_bytes());
                }
            } else {
                h.update(b"copy\0");
                h.update(src.as_os_str().as_encoded_bytes());
                crate::load::fingerprint::add_metadata(&mut h, &meta);
            }
            h.digest128()
        }
    })
}

/// Creates a folder (and its parents) with one system call when it is new.
fn ensure_dir(dir: &Path) -> io::Result<()> {
    match fs::create_dir(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir_all(dir),
        Err(e) => Err(e),
    }
}

/// Writes a file and returns its size and modification time.
fn write_file(path: &Path, bytes: &[u8]) -> io::Result<Option<(u64, u64)>> {
    let mut f = fs::File::create(path)?;
    f.write_all(bytes)?;
    Ok(stamp_of(&f.metadata()?))
}
