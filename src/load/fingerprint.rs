//! A digest of everything a build reads, taken without reading it: the
//! name, size, modification and change times and inode of every file under
//! the folders the build reads (`site.yaml`, `content/`, `data/`, `static/`,
//! `templates/`, `themes/`), the shopstory binary itself (its theme and
//! templates are built in), and the build's options. Any edit, new file,
//! removal, rename, copy or checkout changes it; the change time cannot be
//! set back by tools that preserve modification times.
//!
//! When it matches the record of the last build and the output is still as
//! that build left it, `build` has nothing to do.

use super::walker;
use std::fs::Metadata;
use std::path::Path;
use xxhash_rust::xxh3::Xxh3;

/// The folders (and the file) a build reads, relative to the site root.
pub const INPUTS: [&str; 7] = ["site.yaml", "content", "data", "i18n", "static", "templates", "themes"];

/// The digest of the inputs under `root` and of `options` (everything else
/// the output depends on, such as the date and the flags). `None` when a
/// folder cannot be read: the build then runs and reports it.
pub fn fingerprint(root: &Path, options: &str) -> Option<u128> {
    let mut h = Xxh3::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(options.as_bytes());
    let exe = std::env::current_exe().ok()?;
    add(&mut h, "\0exe", &std::fs::metadata(exe).ok()?);
    for input in INPUTS {
        let base = root.join(input);
        if !base.exists() {
            h.update(b"\0absent\0");
            h.update(input.as_bytes());
            continue;
        }
        for entry in walker(&base) {
            let entry = entry.ok()?;
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(root).ok()?;
                add(&mut h, &rel.to_string_lossy(), &entry.metadata().ok()?);
            }
        }
    }
    Some(h.digest128())
}

fn add(h: &mut Xxh3, name: &str, meta: &Metadata) {
    h.update(b"\0");
    h.update(name.as_bytes());
    add_metadata(h, meta);
}

/// Adds what says "this file changed" without reading it: size,
/// modification time, and on Unix the change time, inode and device (which
/// no tool that preserves modification times can set back). The write stage
/// keys its copies of `static/` files on the same.
pub(crate) fn add_metadata(h: &mut Xxh3, meta: &Metadata) {
    h.update(&meta.len().to_le_bytes());
    let mtime = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    h.update(&mtime.map_or(0, |d| d.as_nanos()).to_le_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        h.update(&meta.ctime().to_le_bytes());
        h.update(&meta.ctime_nsec().to_le_bytes());
        h.update(&meta.ino().to_le_bytes());
        h.update(&meta.dev().to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn any_change_to_what_the_build_reads_changes_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("content/posts")).unwrap();
        fs::write(root.join("site.yaml"), "title: A\n").unwrap();
        fs::write(root.join("content/posts/a.md"), "hello").unwrap();
        let first = fingerprint(root, "opts").unwrap();
        assert_eq!(fingerprint(root, "opts"), Some(first), "stable when nothing changed");
        assert_ne!(fingerprint(root, "other opts"), Some(first), "the options count");

        // Files the build does not read do not count.
        fs::write(root.join("notes.txt"), "x").unwrap();
        fs::write(root.join("content/posts/.a.md.swp"), "x").unwrap();
        fs::create_dir_all(root.join("public")).unwrap();
        fs::write(root.join("public/index.html"), "x").unwrap();
        assert_eq!(fingerprint(root, "opts"), Some(first));

        // An edit of the same size, with the modification time put back.
        let mtime = fs::metadata(root.join("content/posts/a.md")).unwrap().modified().unwrap();
        fs::write(root.join("content/posts/a.md"), "jello").unwrap();
        fs::File::options().write(true).open(root.join("content/posts/a.md")).unwrap().set_modified(mtime).unwrap();
        let edited = fingerprint(root, "opts").unwrap();
        assert_ne!(edited, first, "the change time still moves");

        fs::create_dir_all(root.join("static")).unwrap();
        fs::write(root.join("static/logo.svg"), "<svg/>").unwrap();
        let added = fingerprint(root, "opts").unwrap();
        assert_ne!(added, edited, "a new file counts");
        fs::rename(root.join("static/logo.svg"), root.join("static/logo2.svg")).unwrap();
        assert_ne!(fingerprint(root, "opts").unwrap(), added, "a rename counts");
    }
}
