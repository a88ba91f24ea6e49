//! The staging folder a build writes into, beside the output
//! (`.public.tmp-<pid>`, marked as ours), in one of two ways:
//!
//! - **whole**: with no trustworthy record of the last build, every file is
//!   written into the staging folder in the output's layout, and at the end
//!   the old output is moved aside, the staging folder renamed into place,
//!   and the old copy deleted;
//! - **changes only**: with a record (`Manifest`) of the last build into this
//!   output, a file whose digest matches the record and that is still on
//!   disk as recorded is not written at all; the others are written flat into
//!   the staging folder and, at the end, renamed into place one by one; any
//!   other file in the output (a page that is gone) is removed, so that the
//!   output ends the same either way.
//!
//! Either way nothing in the output changes until every page rendered and
//! every file was written: a failed build leaves the output as it was.

use super::manifest::{stamp, stamp_of, Entry, Manifest};
use super::{io_err, is_empty_dir, WriteError, MARKER, MARKER_TEXT};
use crate::load::site_path;
use crate::render::{Contents, OutputFile};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// A staging folder beside the output, removed on drop unless committed.
pub struct Staging {
    pub dir: PathBuf,
    output: PathBuf,
    committed: bool,
    /// The last build's record: `Some` writes changes only.
    previous: Option<Manifest>,
    /// What this build made, by output path.
    made: Mutex<BTreeMap<String, Made>>,
    staged: AtomicUsize,
}

#[derive(Clone, Copy)]
struct Made {
    entry: Entry,
    /// The flat name (a number) in the staging folder, when written there
    /// in changes-only mode.
    staged_as: Option<usize>,
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
    /// A fresh staging folder for `output`. With `previous` (the record of
    /// the last build into `output`, which must still carry our marker), only
    /// changed files are written.
    pub fn new(output: &Path, previous: Option<Manifest>) -> Result<Staging, WriteError> {
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let parent = output.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        fs::create_dir_all(&parent).map_err(|e| io_err(&parent, e))?;
        // Staging and old-output folders left by a build that was killed
        // (kill -9, power cut) are ours when they carry the marker (or are
        // empty: killed before the marker was written): clear them.
        if let Ok(entries) = fs::read_dir(&parent) {
            for entry in entries.flatten() {
                let n = entry.file_name().to_string_lossy().into_owned();
                if n.starts_with(&format!(".{name}.tmp-")) || n.starts_with(&format!(".{name}.old-")) {
                    let _ = remove_ours(&entry.path());
                }
            }
        }
        let dir = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if dir.exists() && !remove_ours(&dir).map_err(|e| io_err(&dir, e))? {
            return Err(WriteError::NotOurs { path: dir.display().to_string() });
        }
        fs::create_dir(&dir).map_err(|e| io_err(&dir, e))?;
        fs::write(dir.join(MARKER), MARKER_TEXT).map_err(|e| io_err(&dir, e))?;
        let previous = previous.filter(|_| output.join(MARKER).is_file());
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            committed: false,
            previous,
            made: Mutex::new(BTreeMap::new()),
            staged: AtomicUsize::new(0),
        })
    }

    /// Whether only changed files are written.
    pub fn changes_only(&self) -> bool {
        self.previous.is_some()
    }

    /// Writes one file (or notes that the output already has it).
    pub fn write_one(&self, f: &OutputFile) -> io::Result<()> {
        let key = key_of(&f.contents)?;
        let previous = self.previous.as_ref().and_then(|m| m.files.get(&f.path));
        let made = match previous {
            Some(e) if e.key == key && e.is_on_disk(&self.output.join(&f.path)) => Made { entry: *e, staged_as: None },
            _ => {
                let (dest, staged_as) = if self.previous.is_some() {
                    let n = self.staged.fetch_add(1, Ordering::Relaxed);
                    (self.dir.join(n.to_string()), Some(n))
                } else {
                    (self.dir.join(&f.path), None)
                };
                if staged_as.is_none() {
                    if let Some(parent) = dest.parent() {
                        ensure_dir(parent)?;
                    }
                }
                let written = match &f.contents {
                    Contents::Bytes(b) => write_file(&dest, b)?,
                    Contents::Embedded(b) => write_file(&dest, b)?,
                    Contents::Copy(src) => {
                        fs::copy(src, &dest)?;
                        stamp(&dest)
                    }
                };
                let (len, mtime) = written.ok_or_else(|| io::Error::other("the file just written is gone"))?;
                Made { entry: Entry { key, len, mtime }, staged_as }
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
    /// `manifest_path` is forgotten before the output changes.
    pub fn commit(mut self, manifest_path: &Path) -> Result<(Manifest, Changes), WriteError> {
        let made = std::mem::take(&mut *self.made.lock().unwrap_or_else(|e| e.into_inner()));
        Manifest::forget(manifest_path).map_err(|e| io_err(manifest_path, e))?;
        let changes = match self.previous.take() {
            Some(_) => self.apply(&made)?,
            None => {
                self.swap()?;
                Changes { written: made.len(), ..Changes::default() }
            }
        };
        self.committed = true;
        let files = made.into_iter().map(|(p, m)| (p, m.entry)).collect();
        let manifest = Manifest { output: self.output.display().to_string(), files, ..Manifest::default() };
        Ok((manifest, changes))
    }

    /// Whole mode: swaps the staging folder into place of the output.
    fn swap(&mut self) -> Result<(), WriteError> {
        let out = &self.output;
        let old = out.with_file_name(format!(
            ".{}.old-{}",
            out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            std::process::id()
        ));
        let had_old = out.exists();
        if had_old {
            // Checked again right before touching it.
            if !out.join(MARKER).is_file() && !is_empty_dir(out) {
                return Err(WriteError::NotOurs { path: out.display().to_string() });
            }
            fs::rename(out, &old).map_err(|e| io_err(out, e))?;
        }
        if let Err(e) = fs::rename(&self.dir, out) {
            if had_old {
                let _ = fs::rename(&old, out);
            }
            return Err(io_err(out, e));
        }
        if had_old {
            // The old folder carries our marker (or was empty).
            let _ = remove_ours(&old);
        }
        Ok(())
    }

    /// Changes-only mode: renames each staged file into place and removes
    /// every other file but the marker.
    fn apply(&self, made: &BTreeMap<String, Made>) -> Result<Changes, WriteError> {
        let out = &self.output;
        if !out.join(MARKER).is_file() {
            return Err(WriteError::NotOurs { path: out.display().to_string() });
        }
        let mut changes = Changes::default();
        for (path, m) in made {
            let Some(n) = m.staged_as else {
                changes.unchanged += 1;
                continue;
            };
            let dest = out.join(path);
            if let Some(parent) = dest.parent() {
                ensure_dir(parent).map_err(|e| io_err(parent, e))?;
            }
            fs::rename(self.dir.join(n.to_string()), &dest).map_err(|e| io_err(&dest, e))?;
            changes.written += 1;
        }
        // The output holds the site and nothing else, as after a swap: files
        // of pages that are gone, and anything else put there, are removed.
        let mut strays = Vec::new();
        let mut dirs = Vec::new();
        for entry in walkdir::WalkDir::new(out).min_depth(1).contents_first(true).into_iter().flatten() {
            let rel = site_path(out, entry.path());
            if entry.file_type().is_dir() {
                dirs.push(entry.into_path());
            } else if rel != MARKER && !made.contains_key(&rel) {
                strays.push(entry.into_path());
            }
        }
        for path in strays {
            fs::remove_file(&path).map_err(|e| io_err(&path, e))?;
            changes.removed += 1;
        }
        for dir in dirs {
            // Only empty folders go (contents come before their folder).
            let _ = fs::remove_dir(dir);
        }
        let _ = remove_ours(&self.dir);
        Ok(changes)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_ours(&self.dir);
        }
    }
}

/// Removes a folder of ours: one that carries the marker, which goes last
/// (so that a removal cut short leaves a folder still known as ours), or an
/// empty one. Returns false, touching nothing, for any other folder.
fn remove_ours(dir: &Path) -> io::Result<bool> {
    if !dir.join(MARKER).is_file() {
        return Ok(fs::remove_dir(dir).is_ok());
    }
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    fs::remove_file(dir.join(MARKER))?;
    fs::remove_dir(dir)?;
    Ok(true)
}

/// The digest the record keeps for a file: of its bytes, or for a copy of
/// the source's name, size and modification time (reading a photo or a
/// video again to learn that it did not change would cost more than
/// copying it).
fn key_of(contents: &Contents) -> io::Result<u128> {
    use xxhash_rust::xxh3::xxh3_128;
    Ok(match contents {
        Contents::Bytes(b) => xxh3_128(b),
        Contents::Embedded(b) => xxh3_128(b),
        Contents::Copy(src) => {
            let (len, mtime) = stamp(src).ok_or_else(|| io::Error::other(format!("cannot read {}", src.display())))?;
            xxh3_128(format!("copy\0{}\0{len}\0{mtime}", src.display()).as_bytes())
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
