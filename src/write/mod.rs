//! Stage 6: writes the output. Takes the rendered files and the record of
//! the last build; returns the new record. Every file goes into a fresh
//! staging folder beside the output (`.public.tmp-<pid>`), marked as ours,
//! which receives the whole new output (unchanged files hard-linked from the
//! current one); only when every file is written does the output change, in
//! one atomic swap of the two folders. A failed or killed build therefore
//! leaves the previous output whole. It must never empty or replace a folder
//! without our marker, never delete the owner's entries at the top of the
//! output (`.git`, `.well-known`, any name starting with `.`), and never run
//! beside another build of the same site (`lock`).

pub mod lock;
pub mod manifest;
pub mod memo;
mod staging;
mod swap;

pub use lock::BuildLock;
pub use manifest::Manifest;
pub use staging::{Changes, Staging};

use std::fs;
use std::io;
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
    #[error("{path} is a symbolic link to {target}, which does not exist.\n  help: create that folder, or remove the link to build into a folder of its own")]
    DanglingLink { path: String, target: String },
    #[error("the output folder {output} cannot be made: {path} is a file, not a folder.\n  help: choose an --output folder whose parent folders are folders, or move that file away")]
    UnderAFile { output: String, path: String },
    /// The cause is the error's source: `error: {err:#}` prints it once.
    #[error("could not write {path}")]
    Io { path: String, source: io::Error },
}

fn io_err(path: &Path, source: io::Error) -> WriteError {
    WriteError::Io { path: path.display().to_string(), source }
}

/// Clears what builds killed midway left beside `output` (see
/// `swap::clear_leftovers`); the caller must hold the build lock.
pub fn clear_leftovers(output: &Path) {
    swap::clear_leftovers(output);
}

/// The folder a build writes into: `output` itself, or, when `output` is a
/// symbolic link, the folder it points to (under the same rules: it must
/// carry our marker or be empty). The link stays as it is.
pub fn resolve_output(output: &Path) -> Result<PathBuf, WriteError> {
    match fs::symlink_metadata(output) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(output).map_err(|_| WriteError::DanglingLink {
            path: output.display().to_string(),
            target: fs::read_link(output).map(|t| t.display().to_string()).unwrap_or_default(),
        }),
        _ => Ok(output.to_path_buf()),
    }
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
/// the home folder, or a folder without our marker that holds anything but
/// owner's entries (a folder with only `.git` in it may become the output).
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
        || ["content", "data", "i18n", "static", "templates", "themes", ".git"]
            .iter()
            .any(|d| out_n.starts_with(root_n.join(d)));
    if dangerous {
        return Err(WriteError::Dangerous { path: shown });
    }
    // The nearest existing folder above the output must be a folder: a file
    // there could only give "File exists" from deep inside the writer.
    if let Some(file) = out_n.ancestors().skip(1).find(|a| a.exists()).filter(|a| !a.is_dir()) {
        return Err(WriteError::UnderAFile { output: shown, path: file.display().to_string() });
    }
    if out_n.exists() {
        if !out_n.is_dir() {
            return Err(WriteError::NotOurs { path: shown });
        }
        if !swap::may_replace(&out_n) {
            return Err(WriteError::NotOurs { path: shown });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Contents, OutputFile};

    /// The command line prints an error with its causes (`{:#}`): the
    /// system's reason must appear once.
    #[test]
    fn an_io_failure_reads_with_its_cause_once() {
        let e = io_err(Path::new("public/x.html"), io::Error::from_raw_os_error(28));
        let shown = format!("{:#}", anyhow::Error::from(e));
        assert_eq!(shown.matches("No space left on device").count(), 1, "{shown}");
        assert!(shown.starts_with("could not write public/x.html: "), "{shown}");
    }

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

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile { path: path.into(), contents: Contents::Bytes(text.as_bytes().to_vec()) }
    }

    #[cfg(unix)]
    fn inode(p: &Path) -> u64 {
        std::os::unix::fs::MetadataExt::ino(&fs::metadata(p).unwrap())
    }

    #[cfg(unix)]
    #[test]
    fn the_spare_is_staged_into_without_writing_through_its_links() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let record = tmp.path().join("cache/outputs/x.json");
        let spare = record.with_extension("spare");
        let build = |files: &[OutputFile]| {
            let s = Staging::new(&out, Manifest::read(&record, &out), Some(&spare)).unwrap();
            s.write_files(files).unwrap();
            let (mut m, changes) = s.commit(&record).unwrap();
            m.write(&record).unwrap();
            changes
        };
        build(&[file("a.html", "a1"), file("b.html", "b1"), file("gone/x.html", "x"), file("dir", "a file")]);
        assert!(spare.join(MARKER).is_file() || !spare.exists());
        build(&[file("a.html", "a2"), file("b.html", "b1"), file("gone/x.html", "x"), file("dir", "a file")]);
        // The spare now holds the first build's tree; b.html is the live
        // file itself (a hard link).
        assert_eq!(inode(&spare.join("b.html")), inode(&out.join("b.html")));
        let b_inode = inode(&out.join("b.html"));
        let changes = build(&[file("a.html", "a2"), file("b.html", "b3"), file("dir/y.html", "y")]);
        assert_eq!(changes, Changes { written: 2, unchanged: 1, removed: 2 });
        let files: Vec<_> = crate::write::manifest::Manifest::read(&record, &out).unwrap().files.into_keys().collect();
        assert_eq!(files, ["a.html", "b.html", "dir/y.html"]);
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "a2");
        assert_eq!(fs::read_to_string(out.join("b.html")).unwrap(), "b3");
        assert_eq!(fs::read_to_string(out.join("dir/y.html")).unwrap(), "y");
        assert!(!out.join("gone").exists());
        // The old b.html (now in the spare) was not written through.
        assert_eq!(inode(&spare.join("b.html")), b_inode);
        assert_eq!(fs::read_to_string(spare.join("b.html")).unwrap(), "b1");
        // A rebuild with nothing changed keeps every file (and its inode).
        let a_inode = inode(&out.join("a.html"));
        let changes = build(&[file("a.html", "a2"), file("b.html", "b3"), file("dir/y.html", "y")]);
        assert_eq!(changes, Changes { written: 0, unchanged: 3, removed: 0 });
        assert_eq!(inode(&out.join("a.html")), a_inode);
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn files_of_the_cache_are_linked_and_the_owners_are_copied() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, cache) = (tmp.path().join("public"), tmp.path().join("cache"));
        let record = cache.join("outputs/x.json");
        let card = cache.join("images/card-a.png");
        let owners = tmp.path().join("static/prices.txt");
        fs::create_dir_all(card.parent().unwrap()).unwrap();
        fs::create_dir_all(owners.parent().unwrap()).unwrap();
        fs::write(&card, "card one").unwrap();
        fs::write(&owners, "tea 3").unwrap();
        let files = [
            OutputFile { path: "media/card-a.png".into(), contents: Contents::Copy(card.clone()) },
            OutputFile { path: "prices.txt".into(), contents: Contents::Copy(owners.clone()) },
            file("index.html", "home"),
        ];
        let build = || {
            let spare = record.with_extension("spare");
            let s = Staging::new(&out, Manifest::read(&record, &out), Some(&spare)).unwrap().link_from(&cache);
            s.write_files(&files).unwrap();
            let (mut m, changes) = s.commit(&record).unwrap();
            m.write(&record).unwrap();
            changes
        };
        build();
        assert_eq!(inode(&out.join("media/card-a.png")), inode(&card));
        assert_ne!(inode(&out.join("prices.txt")), inode(&owners));
        assert_eq!(fs::read_to_string(out.join("prices.txt")).unwrap(), "tea 3");
        // Linking moved the card's change time: it is still unchanged.
        assert_eq!(build(), Changes { written: 0, unchanged: 3, removed: 0 });
        assert_eq!(build(), Changes { written: 0, unchanged: 3, removed: 0 });
        // The cache replaces a file by rename; the next builds link the new
        // one and never write through the old one (still in the spare).
        let old_inode = inode(&card);
        fs::write(cache.join("images/card-a.png.tmp"), "card two").unwrap();
        fs::rename(cache.join("images/card-a.png.tmp"), &card).unwrap();
        assert_eq!(build(), Changes { written: 1, unchanged: 2, removed: 0 });
        assert_eq!(fs::read_to_string(out.join("media/card-a.png")).unwrap(), "card two");
        assert_eq!(inode(&out.join("media/card-a.png")), inode(&card));
        assert_eq!(inode(&record.with_extension("spare").join("media/card-a.png")), old_inode);
        fs::write(&owners, "tea 4").unwrap();
        assert_eq!(build(), Changes { written: 1, unchanged: 2, removed: 0 });
        assert_eq!(fs::read_to_string(&card).unwrap(), "card two");
        assert_eq!(fs::read_to_string(out.join("prices.txt")).unwrap(), "tea 4");
        assert_eq!(fs::read_to_string(&owners).unwrap(), "tea 4");
    }

    /// A cache on another file system (here /dev/shm, a tmpfs, when the
    /// temporary folder is not one) is copied from.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_cache_on_another_file_system_is_copied_from() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let Ok(cache) = tempfile::tempdir_in("/dev/shm") else { return };
        if fs::metadata(cache.path()).unwrap().dev() == fs::metadata(tmp.path()).unwrap().dev() {
            return;
        }
        let out = tmp.path().join("public");
        let card = cache.path().join("images/card-a.png");
        fs::create_dir_all(card.parent().unwrap()).unwrap();
        fs::write(&card, "card one").unwrap();
        let s = Staging::new(&out, None, None).unwrap().link_from(cache.path());
        let files = [
            OutputFile { path: "media/card-a.png".into(), contents: Contents::Copy(card.clone()) },
            OutputFile { path: "media/card-b.png".into(), contents: Contents::Copy(card.clone()) },
        ];
        s.write_files(&files).unwrap();
        s.commit(&tmp.path().join("record.json")).unwrap();
        for name in ["media/card-a.png", "media/card-b.png"] {
            assert_eq!(fs::read_to_string(out.join(name)).unwrap(), "card one");
            assert_ne!(inode(&out.join(name)), inode(&card));
        }
    }

    #[test]
    fn staging_swaps_in_and_cleans_up() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let record = tmp.path().join("record.json");
        let s = Staging::new(&out, None, None).unwrap();
        s.write_files(&[OutputFile { path: "a/b.html".into(), contents: Contents::Bytes(b"hi".to_vec()) }]).unwrap();
        s.commit(&record).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/b.html")).unwrap(), "hi");
        assert!(out.join(MARKER).is_file());
        // An abandoned staging folder is removed and the output is untouched.
        let s = Staging::new(&out, None, None).unwrap();
        let dir = s.dir.clone();
        drop(s);
        assert!(!dir.exists());
        assert_eq!(fs::read_to_string(out.join("a/b.html")).unwrap(), "hi");
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
