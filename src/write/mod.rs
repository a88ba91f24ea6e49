//! Stage 6: writes the output. Everything goes into a fresh staging folder
//! beside the output (`public.tmp-<pid>`), marked as ours; only when every
//! file is written is the old output moved aside and the new one renamed into
//! place. A failed build therefore never touches the previous output, and a
//! folder without our marker is never emptied or replaced.

use crate::render::{Contents, OutputFile};
use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The marker file that says "shopstory made this folder".
pub const MARKER: &str = ".shopstory-output";
const MARKER_TEXT: &str =
    "This folder is written by shopstory. It is replaced on every build: do not edit files here.\n";

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path} is not empty and was not made by shopstory, so it will not be replaced.\n  help: choose another --output folder, or empty this one yourself if you are sure")]
    NotOurs { path: String },
    #[error("the output folder {path} would contain or replace the site itself.\n  help: use a folder of its own, such as public/ inside the site")]
    Dangerous { path: String },
    #[error("could not write {path}: {source}")]
    Io { path: String, source: io::Error },
}

fn io_err(path: &Path, source: io::Error) -> WriteError {
    WriteError::Io { path: path.display().to_string(), source }
}

fn is_empty_dir(path: &Path) -> bool {
    fs::read_dir(path).map(|mut rd| rd.next().is_none()).unwrap_or(false)
}

/// Absolute, with `.` and `..` removed, without touching the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Refuses output folders that would destroy something: the site root or
/// any folder above it, a source folder of the site, the filesystem root,
/// the home folder, or a non-empty folder without our marker.
pub fn check_output(root: &Path, output: &Path) -> Result<(), WriteError> {
    let root_n = fs::canonicalize(root).unwrap_or_else(|_| normalise(root));
    let out_n = match fs::canonicalize(output) {
        Ok(p) => p,
        Err(_) => normalise(output),
    };
    let shown = output.display().to_string();
    let home = std::env::var_os("HOME").map(PathBuf::from).and_then(|h| fs::canonicalize(h).ok());
    let dangerous = out_n.parent().is_none()
        || root_n.starts_with(&out_n)
        || home.as_deref() == Some(out_n.as_path())
        || ["content", "data", "static", "templates", "themes", ".git"]
            .iter()
            .any(|d| out_n.starts_with(root_n.join(d)));
    if dangerous {
        return Err(WriteError::Dangerous { path: shown });
    }
    if out_n.exists() {
        if !out_n.is_dir() {
            return Err(WriteError::NotOurs { path: shown });
        }
        if !out_n.join(MARKER).is_file() && !is_empty_dir(&out_n) {
            return Err(WriteError::NotOurs { path: shown });
        }
    }
    Ok(())
}

/// A staging folder beside the output, removed on drop unless committed.
pub struct Staging {
    pub dir: PathBuf,
    output: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(output: &Path) -> Result<Staging, WriteError> {
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let parent = output.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        fs::create_dir_all(&parent).map_err(|e| io_err(&parent, e))?;
        // Staging and old-output folders left by a build that was killed
        // (kill -9, power cut) are ours when they carry the marker: clear them.
        if let Ok(entries) = fs::read_dir(&parent) {
            for entry in entries.flatten() {
                let n = entry.file_name().to_string_lossy().into_owned();
                let leftover = n.starts_with(&format!(".{name}.tmp-")) || n.starts_with(&format!(".{name}.old-"));
                if leftover && entry.path().join(MARKER).is_file() {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        let dir = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
        }
        fs::create_dir(&dir).map_err(|e| io_err(&dir, e))?;
        fs::write(dir.join(MARKER), MARKER_TEXT).map_err(|e| io_err(&dir, e))?;
        Ok(Staging { dir, output: output.to_path_buf(), committed: false })
    }

    /// Writes one file, creating its folder when needed.
    pub fn write_one(&self, f: &OutputFile) -> io::Result<()> {
        let dest = self.dir.join(&f.path);
        if let Some(parent) = dest.parent() {
            if !parent.is_dir() {
                fs::create_dir_all(parent)?;
            }
        }
        match &f.contents {
            Contents::Bytes(b) => write_file(&dest, b),
            Contents::Embedded(b) => write_file(&dest, b),
            Contents::Copy(src) => fs::copy(src, &dest).map(|_| ()),
        }
    }

    /// Writes every file (creating each folder once).
    pub fn write_files(&self, files: &[OutputFile]) -> Result<(), WriteError> {
        let dirs: BTreeSet<PathBuf> =
            files.iter().filter_map(|f| Path::new(&f.path).parent().map(|p| self.dir.join(p))).collect();
        for d in &dirs {
            fs::create_dir_all(d).map_err(|e| io_err(d, e))?;
        }
        use rayon::prelude::*;
        files.par_iter().try_for_each(|f| {
            let dest = self.dir.join(&f.path);
            match &f.contents {
                Contents::Bytes(b) => write_file(&dest, b),
                Contents::Embedded(b) => write_file(&dest, b),
                Contents::Copy(src) => fs::copy(src, &dest).map(|_| ()),
            }
            .map_err(|e| io_err(&dest, e))
        })
    }

    /// Swaps the staging folder into place of the output.
    pub fn commit(mut self) -> Result<(), WriteError> {
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
        self.committed = true;
        if had_old {
            // The old folder carries our marker (or was empty).
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed && self.dir.join(MARKER).is_file() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = fs::File::create(path)?;
    f.write_all(bytes)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_outputs() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        assert!(matches!(check_output(&root, &root), Err(WriteError::Dangerous { .. })));
        assert!(matches!(check_output(&root, tmp.path()), Err(WriteError::Dangerous { .. })));
        assert!(matches!(check_output(&root, &root.join("content")), Err(WriteError::Dangerous { .. })));
        assert!(matches!(check_output(&root, &root.join("content/x")), Err(WriteError::Dangerous { .. })));
        assert!(matches!(check_output(&root, Path::new("/")), Err(WriteError::Dangerous { .. })));
        assert!(check_output(&root, &root.join("public")).is_ok());
        let foreign = root.join("public");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("keep.txt"), "mine").unwrap();
        assert!(matches!(check_output(&root, &foreign), Err(WriteError::NotOurs { .. })));
        fs::write(foreign.join(MARKER), "").unwrap();
        assert!(check_output(&root, &foreign).is_ok());
    }

    #[test]
    fn staging_swaps_in_and_cleans_up() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::new(&out).unwrap();
        s.write_files(&[OutputFile { path: "a/b.html".into(), contents: Contents::Bytes(b"hi".to_vec()) }]).unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("a/b.html")).unwrap(), "hi");
        assert!(out.join(MARKER).is_file());
        // An abandoned staging folder is removed and the output is untouched.
        let s = Staging::new(&out).unwrap();
        let dir = s.dir.clone();
        drop(s);
        assert!(!dir.exists());
        assert_eq!(fs::read_to_string(out.join("a/b.html")).unwrap(), "hi");
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
