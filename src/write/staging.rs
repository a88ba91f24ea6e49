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
//! (`swap`), moves the owner's entries (`.git`, ...) across and removes the
//! old tree. Nothing in the output changes until every page rendered and
//! every file was written, and then it changes all at once: a failed or
//! killed build leaves the output as it was, whole.

use super::manifest::{stamp_of, Entry, Manifest};
use super::swap::{self, remove_ours};
use super::{io_err, WriteError, MARKER, MARKER_TEXT};
use crate::render::{Contents, OutputFile};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, UNIX_EPOCH};

/// A staging folder beside the output, removed on drop unless committed.
pub struct Staging {
    pub dir: PathBuf,
    output: PathBuf,
    committed: bool,
    /// The last build's record: `Some` reuses unchanged files.
    previous: Option<Manifest>,
    /// What this build made, by output path.
    made: Mutex<BTreeMap<String, Made>>,
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
    /// A fresh staging folder for `output` (a real folder, not a link; see
    /// `resolve_output`). With `previous` (the record of the last build into
    /// `output`, which must still carry our marker), unchanged files are
    /// linked rather than written. First clears what killed builds left
    /// beside the output: the caller must hold the build lock.
    pub fn new(output: &Path, previous: Option<Manifest>) -> Result<Staging, WriteError> {
        let parent = output.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        fs::create_dir_all(&parent).map_err(|e| io_err(&parent, e))?;
        swap::clear_leftovers(output);
        let dir = swap::sibling(output, "tmp");
        if fs::symlink_metadata(&dir).is_ok() && !remove_ours(&dir).map_err(|e| io_err(&dir, e))? {
            return Err(WriteError::NotOurs { path: dir.display().to_string() });
        }
        fs::create_dir(&dir).map_err(|e| io_err(&dir, e))?;
        fs::write(dir.join(MARKER), MARKER_TEXT).map_err(|e| io_err(&dir, e))?;
        let previous = previous.filter(|_| output.join(MARKER).is_file());
        Ok(Staging { dir, output: output.to_path_buf(), committed: false, previous, made: Mutex::new(BTreeMap::new()) })
    }

    /// Whether unchanged files are reused from the output.
    pub fn changes_only(&self) -> bool {
        self.previous.is_some()
    }

    /// Writes one file into the staging folder (or links the output's copy
    /// when it is unchanged).
    pub fn write_one(&self, f: &OutputFile) -> io::Result<()> {
        let key = key_of(&f.contents)?;
        let dest = self.dir.join(&f.path);
        if let Some(parent) = dest.parent() {
            ensure_dir(parent)?;
        }
        let current = self.output.join(&f.path);
        let previous = self.previous.as_ref().and_then(|m| m.files.get(&f.path));
        let made = match previous {
            Some(e) if e.key == key && e.is_on_disk(&current) => {
                Made { entry: link_or_copy(&current, &dest, e)?, reused: true }
            }
            _ => {
                let written = match &f.contents {
                    Contents::Bytes(b) => write_file(&dest, b)?,
                    Contents::Embedded(b) => write_file(&dest, b)?,
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
        Manifest::forget(manifest_path).map_err(|e| io_err(manifest_path, e))?;
        let old = swap::swap_in(&self.dir, &self.output)?;
        // The staging path now holds the old output, or nothing.
        self.committed = true;
        if let Some(old) = old {
            // What cannot be removed now is cleared by the next build.
            let _ = swap::retire(&old, &self.output);
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
        let files = made.into_iter().map(|(p, m)| (p, m.entry)).collect();
        let manifest = Manifest { output: self.output.display().to_string(), files, ..Manifest::default() };
        Ok((manifest, changes))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_ours(&self.dir);
        }
    }
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
/// learn that it did not change would cost more than copying it.
fn key_of(contents: &Contents) -> io::Result<u128> {
    use xxhash_rust::xxh3::{xxh3_128, Xxh3};
    Ok(match contents {
        Contents::Bytes(b) => xxh3_128(b),
        Contents::Embedded(b) => xxh3_128(b),
        Contents::Copy(src) => {
            let meta = fs::metadata(src)
                .map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", src.display())))?;
            let mut h = Xxh3::new();
            h.update(b"copy\0");
            h.update(src.as_os_str().as_encoded_bytes());
            crate::load::fingerprint::add_metadata(&mut h, &meta);
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
