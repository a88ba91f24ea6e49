//! Stage 6, last step: puts a finished staging folder in place of the
//! output in one atomic step, carries the owner's entries across, and
//! clears what a build killed midway left beside the output. It takes
//! folders that are already written and writes no page itself. It must
//! never delete a folder that lacks our marker, nor, in one that has it, an
//! owner's entry: a name starting with `.` at the top of the output other
//! than the marker (`.git`, `.well-known`, `.nojekyll`, `.htaccess`). A build
//! never makes such a name itself (the build skips hidden files and
//! folders), so every one of them was put there by someone else.
//!
//! The swap is `renameat2(RENAME_EXCHANGE)` on Linux: the staging folder and
//! the output trade places in one system call, so a host, a sync tool or a
//! `kill -9` sees either the whole old output or the whole new one. Where
//! the file system refuses the exchange (some network and FUSE file systems,
//! other systems than Linux), the old output is renamed aside and the
//! staging folder renamed into place: two renames, between which the output
//! is briefly missing (never half old, half new); a build killed there is
//! repaired by the next one, which puts the old output back first.

use super::{io_err, WriteError, MARKER};
use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Whether a name at the top of the output belongs to the owner.
pub(super) fn is_owners(name: &OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.') && name != MARKER
}

/// Whether `dir` is a real folder (not a link to one) that carries our marker.
fn is_marked(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// Whether a build may replace `dir`: it carries our marker, or holds
/// nothing but owner's entries (which are carried across).
pub(super) fn may_replace(dir: &Path) -> bool {
    is_marked(dir) || fs::read_dir(dir).is_ok_and(|mut rd| rd.all(|e| e.is_ok_and(|e| is_owners(&e.file_name()))))
}

/// `.public.tmp-<pid>` or `.public.old-<pid>` beside `output`.
pub(super) fn sibling(output: &Path, kind: &str) -> PathBuf {
    output.with_file_name(format!(".{}.{kind}-{}", name_of(output), std::process::id()))
}

fn name_of(output: &Path) -> String {
    output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into())
}

/// Swaps `staging` (finished, marked) into place of `output`. Returns where
/// the old output is now (to be passed to `retire`), if there was one.
pub(super) fn swap_in(staging: &Path, output: &Path) -> Result<Option<PathBuf>, WriteError> {
    match fs::symlink_metadata(output) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::rename(staging, output).map_err(|e| io_err(output, e))?;
            return Ok(None);
        }
        Err(e) => return Err(io_err(output, e)),
        Ok(meta) => {
            // Checked again right before touching it.
            if !meta.is_dir() || !may_replace(output) {
                return Err(WriteError::NotOurs { path: output.display().to_string() });
            }
            // The new folder keeps the old one's permissions (a web server
            // may rely on them).
            let _ = fs::set_permissions(staging, meta.permissions());
        }
    }
    if exchange(staging, output).map_err(|e| io_err(output, e))? {
        return Ok(Some(staging.to_path_buf()));
    }
    let old = sibling(output, "old");
    fs::rename(output, &old).map_err(|e| io_err(output, e))?;
    if let Err(e) = fs::rename(staging, output) {
        let _ = fs::rename(&old, output);
        return Err(io_err(output, e));
    }
    Ok(Some(old))
}

/// Trades the places of two folders atomically. `Ok(false)` when the file
/// system (or the system) cannot, so that the caller falls back to renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::OPNOTSUPP => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Whether `dir` is a marked folder of ours with no owner's entry in it.
pub(super) fn is_plain_ours(dir: &Path) -> bool {
    is_marked(dir) && fs::read_dir(dir).is_ok_and(|mut rd| rd.all(|e| e.is_ok_and(|e| !is_owners(&e.file_name()))))
}

/// Clears an old output (or a leftover of ours): the owner's entries in it
/// are moved into `output` first; then the rest is moved to `spare` (for
/// the next build to stage into), or removed. Nothing of the owner's is
/// ever deleted; if an entry cannot be moved, the folder stays (marked) and
/// the next build tries again.
pub(super) fn retire(old: &Path, output: &Path, spare: Option<&Path>) -> io::Result<bool> {
    // Ours, or an output that held only the owner's entries before the
    // first build.
    if !may_replace(old) {
        return Ok(false);
    }
    if is_marked(output) {
        for entry in fs::read_dir(old)? {
            let name = entry?.file_name();
            let to = output.join(&name);
            if is_owners(&name) && fs::symlink_metadata(&to).is_err() {
                fs::rename(old.join(&name), &to)?;
            }
        }
    }
    if let Some(spare) = spare {
        if is_plain_ours(old) && fs::symlink_metadata(spare).is_err() {
            if let Some(parent) = spare.parent() {
                let _ = fs::create_dir_all(parent);
            }
            // Another file system (EXDEV): removed instead.
            if fs::rename(old, spare).is_ok() {
                return Ok(true);
            }
        }
    }
    remove_ours(old)
}

/// Removes a marked folder of ours, marker last (so that a removal cut
/// short leaves a folder still known as ours), or an empty one. Returns
/// false, touching nothing, for any other folder, and leaves (with the
/// marker) a folder in which an owner's entry remains.
pub(super) fn remove_ours(dir: &Path) -> io::Result<bool> {
    if !is_marked(dir) {
        return Ok(fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) && fs::remove_dir(dir).is_ok());
    }
    let mut kept = false;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == MARKER {
            continue;
        }
        if is_owners(&name) {
            kept = true;
        } else if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    if kept {
        return Ok(false);
    }
    fs::remove_file(dir.join(MARKER))?;
    fs::remove_dir(dir)?;
    Ok(true)
}

/// `fs::remove_dir_all`, with the sub-folders of each folder removed in
/// parallel (an old output of 10,000 posts is 10,000 folders: the removal
/// waits on the file system's journal more than on the processor). Links
/// are removed, never followed.
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let mut subdirs = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            subdirs.push(entry.path());
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    subdirs.par_iter().try_for_each(|d| remove_tree(d))?;
    fs::remove_dir(dir)
}

/// Clears the staging and old-output folders that builds killed midway
/// (kill -9, a power cut) left beside `output`. Called under the build lock,
/// so none of them belongs to a live build. An old output found while the
/// output is missing (killed between the two renames of the fallback swap)
/// is put back first: the output is then the whole last site again. Every
/// other leftover is retired: the owner's entries in it go back into the
/// output, the rest is removed.
pub(super) fn clear_leftovers(output: &Path) {
    let (Some(parent), name) = (output.parent(), name_of(output)) else { return };
    let (tmp, old) = (format!(".{name}.tmp-"), format!(".{name}.old-"));
    let Ok(entries) = fs::read_dir(parent) else { return };
    let mut found: Vec<(bool, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            let is_old = n.starts_with(&old);
            (is_old || n.starts_with(&tmp)).then(|| (!is_old, e.path()))
        })
        .collect();
    // Old outputs first, then staging folders.
    found.sort();
    for (_, dir) in found {
        let is_old = dir.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&old));
        if is_old && fs::symlink_metadata(output).is_err() && is_marked(&dir) && fs::rename(&dir, output).is_ok() {
            continue;
        }
        let _ = retire(&dir, output, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    fn marked(dir: &Path, files: &[(&str, &str)]) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join(MARKER), "").unwrap();
        for (rel, text) in files {
            let p = dir.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
    }

    #[test]
    fn remove_ours_keeps_the_owners_entries_and_the_marker_with_them() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("x");
        marked(
            &dir,
            &[("a.html", "a"), ("blog/.hidden", "deep ones are ours"), (".git/HEAD", "ref"), (".nojekyll", "")],
        );
        assert!(!remove_ours(&dir).unwrap());
        assert_eq!(names(&dir), [".git", ".nojekyll", MARKER]);
        fs::remove_dir_all(dir.join(".git")).unwrap();
        fs::remove_file(dir.join(".nojekyll")).unwrap();
        assert!(remove_ours(&dir).unwrap());
        assert!(!dir.exists());
        // A folder without the marker is left alone unless empty; a link to
        // a marked folder is not followed.
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("mine.txt"), "mine").unwrap();
        assert!(!remove_ours(&dir).unwrap());
        fs::write(dir.join(MARKER), "").unwrap();
        #[cfg(unix)]
        {
            let link = tmp.path().join("link");
            std::os::unix::fs::symlink(&dir, &link).unwrap();
            assert!(!remove_ours(&link).unwrap());
            assert!(dir.join("mine.txt").is_file());
        }
    }

    #[test]
    fn swap_exchanges_and_retire_carries_the_owners_entries_over() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        marked(&out, &[("old.html", "old"), (".git/HEAD", "ref")]);
        let staging = sibling(&out, "tmp");
        marked(&staging, &[("new.html", "new")]);
        let old = swap_in(&staging, &out).unwrap().unwrap();
        assert_eq!(names(&out), [MARKER, "new.html"]);
        assert!(retire(&old, &out, None).unwrap());
        assert_eq!(names(&out), [".git", MARKER, "new.html"]);
        assert_eq!(fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref");
        assert_eq!(names(tmp.path()), ["public"]);
        // A folder of someone else's is refused and untouched.
        let foreign = tmp.path().join("foreign");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("keep.txt"), "mine").unwrap();
        marked(&staging, &[]);
        assert!(matches!(swap_in(&staging, &foreign), Err(WriteError::NotOurs { .. })));
        assert_eq!(names(&foreign), ["keep.txt"]);
    }

    #[test]
    fn leftovers_are_cleared_and_the_owners_entries_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        marked(&out, &[("new.html", "new")]);
        // Killed after the exchange, before `.git` was moved back.
        marked(&tmp.path().join(".public.tmp-1"), &[("old.html", "old"), (".git/HEAD", "ref")]);
        // Killed before its marker was written.
        fs::create_dir(tmp.path().join(".public.tmp-2")).unwrap();
        // Someone's folder that happens to match the pattern.
        fs::create_dir(tmp.path().join(".public.tmp-3")).unwrap();
        fs::write(tmp.path().join(".public.tmp-3/notes.txt"), "mine").unwrap();
        clear_leftovers(&out);
        assert_eq!(names(tmp.path()), [".public.tmp-3", "public"]);
        assert_eq!(names(&out), [".git", MARKER, "new.html"]);

        // Killed between the two renames of the fallback swap: the old
        // output comes back whole.
        fs::rename(&out, tmp.path().join(".public.old-4")).unwrap();
        marked(&tmp.path().join(".public.tmp-4"), &[("newer.html", "newer")]);
        clear_leftovers(&out);
        assert_eq!(names(tmp.path()), [".public.tmp-3", "public"]);
        assert_eq!(names(&out), [".git", MARKER, "new.html"]);
    }
}
