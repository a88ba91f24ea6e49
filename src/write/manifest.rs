//! The record of the last build into an output folder: for each file, a
//! digest of its contents and the size and modification time it was left
//! with on disk; for each rendered page, a digest of its dependency set
//! (`Deps`: what it was rendered from); a digest of the inputs the build
//! read; whether that build reported anything; and, once they have
//! settled, the times of the output's folders. The next build renders again only
//! the pages whose inputs changed, writes only what differs, and when
//! nothing it reads has changed, does not build at all.
//!
//! It lives in the site's cache folder (`<cache_dir>/outputs/`, one file per
//! output folder), not in the output: hosts never receive it, and a record
//! that is lost only costs one full build.

use crate::load::site_path;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// 2: with each page's dependency set (`deps`); 3: the sets' digests.
const FORMAT: u32 = 3;

/// One output file as the last build left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Digest of the contents (`Stamp::key_of`).
    #[serde(with = "hex128")]
    pub key: u128,
    pub len: u64,
    /// Modification time, nanoseconds since 1970.
    pub mtime: u64,
}

impl Entry {
    /// Whether the file at `path` is still the one this entry describes.
    /// A link put in its place does not count, even to an identical file.
    pub fn is_on_disk(&self, path: &Path) -> bool {
        fs::symlink_metadata(path).is_ok_and(|m| self.describes(&m))
    }

    /// Whether `meta` (not following links) is of the file this entry describes.
    pub fn describes(&self, meta: &fs::Metadata) -> bool {
        meta.is_file() && stamp_of(meta) == Some((self.len, self.mtime))
    }
}

/// A page's dependency set as the record keeps it: its digest
/// (`Deps::digest`), which is all a build compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepsDigest(#[serde(with = "hex128")] pub u128);

impl DepsDigest {
    pub fn of(deps: &crate::output::Deps) -> DepsDigest {
        DepsDigest(deps.digest())
    }
}

/// What the last build into one output folder produced.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The output folder, absolute.
    pub output: String,
    /// Digest of everything the build read (`load::fingerprint`).
    #[serde(with = "hex128")]
    pub inputs: u128,
    /// The build reported no warning or note.
    pub clean: bool,
    pub pages: usize,
    pub posts: usize,
    pub images: usize,
    /// Output-relative path → entry.
    pub files: BTreeMap<String, Entry>,
    /// Output-relative path of each rendered page → what it was rendered
    /// from: the next build renders again only the pages whose inputs
    /// changed, and keeps the others' files.
    #[serde(default)]
    pub deps: BTreeMap<String, DepsDigest>,
    /// Each folder of the output that holds a recorded file (output-relative;
    /// `""` is the output itself) → its modification time (ns) when it was
    /// recorded (`record_folders`). A name added to, removed from or
    /// renamed in a folder moves its time, so an output whose folders and
    /// files all have their recorded times holds nothing else
    /// (`folders_unmoved`, without listing a folder).
    #[serde(default)]
    pub folders: BTreeMap<String, u64>,
}

impl Manifest {
    /// Where the record of builds into `output` lives.
    pub fn path_for(cache_dir: &Path, output: &Path) -> PathBuf {
        let digest = xxhash_rust::xxh3::xxh3_64(output.to_string_lossy().as_bytes());
        cache_dir.join("outputs").join(format!("{digest:016x}.json"))
    }

    /// The record at `path`, if there is one that describes `output` and was
    /// written by this version of the format.
    pub fn read(path: &Path, output: &Path) -> Option<Manifest> {
        let bytes = fs::read(path).ok()?;
        let m: Manifest = serde_json::from_slice(&bytes).ok()?;
        (m.format == FORMAT && Path::new(&m.output) == output).then_some(m)
    }

    /// Whether `output` holds exactly the recorded files, each still as it
    /// was left (a file added, removed or touched since makes it false).
    /// The owner's entries at its top (`.git`, ...) do not count. When
    /// every recorded folder still has its recorded time, no folder can
    /// hold a name the record does not (`folders`): each file is looked at
    /// and no folder listed. Else the output is walked (an owner's entry
    /// added at the top moves the output's own time, and is not a change).
    pub fn output_matches(&self, output: &Path) -> bool {
        self.folders_unmoved(output) || self.output_walk_matches(output)
    }

    /// Every recorded folder has its recorded time, and every recorded
    /// file its size and time.
    pub fn folders_unmoved(&self, output: &Path) -> bool {
        let folder_unmoved = |(rel, mtime): (&String, &u64)| {
            fs::symlink_metadata(output.join(rel))
                .is_ok_and(|m| m.is_dir() && m.modified().ok().and_then(nanos) == Some(*mtime))
        };
        !self.folders.is_empty()
            && self.folders.iter().all(folder_unmoved)
            && self.files.iter().all(|(rel, e)| e.is_on_disk(&output.join(rel)))
    }

    /// Records the time of every folder that holds a recorded file, and of
    /// the output itself, as they are now. None is recorded when a folder
    /// cannot be read, or when one changed less than `SETTLED` ago: a
    /// file system keeps times in steps (a few milliseconds, up to two
    /// seconds on FAT), and a name added within the same step as the
    /// recorded change would leave the time as it was. So the build that
    /// writes the output records none, and the next build that finds
    /// nothing changed (by walking it) records them.
    pub fn record_folders(&mut self, output: &Path) {
        const SETTLED: std::time::Duration = std::time::Duration::from_secs(3);
        let now = std::time::SystemTime::now();
        let mut folders: std::collections::BTreeSet<&str> = std::collections::BTreeSet::from([""]);
        for rel in self.files.keys() {
            let mut at = rel.as_str();
            while let Some((parent, _)) = at.rsplit_once('/') {
                if !folders.insert(parent) {
                    break;
                }
                at = parent;
            }
        }
        let times: Option<BTreeMap<String, u64>> = folders
            .into_iter()
            .map(|rel| {
                let meta = fs::symlink_metadata(output.join(rel)).ok().filter(fs::Metadata::is_dir)?;
                let modified = meta.modified().ok()?;
                let settled = now.duration_since(modified).is_ok_and(|age| age >= SETTLED);
                settled.then_some((rel.to_string(), nanos(modified)?))
            })
            .collect();
        self.folders = times.unwrap_or_default();
    }

    /// `output_matches` by walking the output.
    pub fn output_walk_matches(&self, output: &Path) -> bool {
        let mut seen = 0;
        let walk = walkdir::WalkDir::new(output)
            .min_depth(1)
            .into_iter()
            .filter_entry(|e| e.depth() != 1 || !super::swap::is_owners(e.file_name()));
        for entry in walk {
            let Ok(entry) = entry else { return false };
            if entry.file_type().is_dir() {
                continue;
            }
            let rel = site_path(output, entry.path());
            if rel == super::MARKER {
                continue;
            }
            match self.files.get(&rel) {
                Some(e) if e.is_on_disk(entry.path()) => seen += 1,
                _ => return false,
            }
        }
        seen == self.files.len()
    }

    /// Writes the record atomically (a temporary file renamed over it).
    pub fn write(&mut self, path: &Path) -> io::Result<()> {
        self.format = FORMAT;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        fs::write(&tmp, serde_json::to_vec(self).map_err(io::Error::other)?)?;
        fs::rename(&tmp, path)
    }

    /// Removes the record (before the output is swapped, so that a build
    /// killed before it writes the new record leaves none that describes
    /// the wrong output).
    pub fn forget(path: &Path) -> io::Result<()> {
        match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Size and modification time (ns) from metadata.
pub fn stamp_of(meta: &fs::Metadata) -> Option<(u64, u64)> {
    Some((meta.len(), nanos(meta.modified().ok()?)?))
}

/// A time as nanoseconds since 1970.
fn nanos(t: std::time::SystemTime) -> Option<u64> {
    Some(t.duration_since(UNIX_EPOCH).ok()?.as_nanos() as u64)
}

mod hex128 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{v:032x}"))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let s = <&str>::deserialize(d)?;
        u128::from_str_radix(s, 16).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_belongs_to_one_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("a.html"), "hi").unwrap();
        let (len, mtime) = stamp_of(&fs::metadata(out.join("a.html")).unwrap()).unwrap();
        let mut m =
            Manifest { output: out.display().to_string(), inputs: u128::MAX - 7, clean: true, ..Default::default() };
        m.files.insert("a.html".into(), Entry { key: 42, len, mtime });
        let path = Manifest::path_for(&tmp.path().join(".cache"), &out);
        m.write(&path).unwrap();
        let back = Manifest::read(&path, &out).expect("read back");
        assert_eq!(back.inputs, u128::MAX - 7);
        assert_eq!(back.files["a.html"], Entry { key: 42, len, mtime });
        assert!(back.output_matches(&out));
        // Another output folder does not use it.
        assert!(Manifest::read(&path, &tmp.path().join("elsewhere")).is_none());
        // Our marker does not count; a file added behind our back does.
        fs::write(out.join(crate::write::MARKER), "").unwrap();
        assert!(back.output_matches(&out));
        fs::create_dir_all(out.join("extra")).unwrap();
        fs::write(out.join("extra/x.html"), "x").unwrap();
        assert!(!back.output_matches(&out));
        fs::remove_dir_all(out.join("extra")).unwrap();
        assert!(back.output_matches(&out));
        // A file changed or removed behind our back.
        fs::write(out.join("a.html"), "changed").unwrap();
        assert!(!back.output_matches(&out));
        fs::remove_file(out.join("a.html")).unwrap();
        assert!(!back.output_matches(&out));
        Manifest::forget(&path).unwrap();
        assert!(Manifest::read(&path, &out).is_none());
        Manifest::forget(&path).unwrap();
    }

    /// Puts back every folder's time under `dir` (and its own) to ten
    /// seconds ago: long settled.
    fn age_folders(dir: &Path) {
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(10);
        for entry in walkdir::WalkDir::new(dir).contents_first(true) {
            let entry = entry.unwrap();
            if entry.file_type().is_dir() {
                fs::File::open(entry.path()).unwrap().set_modified(past).unwrap();
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn settled_folders_let_a_check_skip_listing_them_and_still_see_a_name_added() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let mut m = Manifest { output: out.display().to_string(), ..Default::default() };
        for rel in ["index.html", "posts/a/index.html", "posts/b/index.html", "theme/style.css"] {
            let path = out.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, rel).unwrap();
            let (len, mtime) = stamp_of(&fs::metadata(&path).unwrap()).unwrap();
            m.files.insert(rel.into(), Entry { key: 1, len, mtime });
        }
        // Just written: nothing is recorded (a name added in the same step
        // of the file system's clock would not move a folder's time).
        m.record_folders(&out);
        assert!(m.folders.is_empty());
        assert!(!m.folders_unmoved(&out));
        assert!(m.output_matches(&out), "the walk still says the output is whole");
        age_folders(&out);
        m.record_folders(&out);
        let names: Vec<&str> = m.folders.keys().map(String::as_str).collect();
        assert_eq!(names, ["", "posts", "posts/a", "posts/b", "theme"]);
        assert!(m.folders_unmoved(&out));
        // A name added deep down moves its folder's time: seen without a walk.
        fs::write(out.join("posts/a/extra.html"), "x").unwrap();
        assert!(!m.folders_unmoved(&out));
        assert!(!m.output_matches(&out));
        fs::remove_file(out.join("posts/a/extra.html")).unwrap();
        assert!(!m.folders_unmoved(&out), "the folder's time moved");
        assert!(m.output_matches(&out), "the walk finds the output whole again");
        // A folder added, and one removed.
        age_folders(&out);
        m.record_folders(&out);
        fs::create_dir(out.join("posts/c")).unwrap();
        assert!(!m.folders_unmoved(&out));
        fs::remove_dir(out.join("posts/c")).unwrap();
        age_folders(&out);
        fs::remove_dir_all(out.join("posts/b")).unwrap();
        assert!(!m.folders_unmoved(&out));
        assert!(!m.output_matches(&out));
        // A file changed in place (same folder, same names) is its own stamp.
        fs::create_dir_all(out.join("posts/b")).unwrap();
        fs::write(out.join("posts/b/index.html"), "posts/b/index.html").unwrap();
        let (len, mtime) = stamp_of(&fs::metadata(out.join("posts/b/index.html")).unwrap()).unwrap();
        m.files.insert("posts/b/index.html".into(), Entry { key: 1, len, mtime });
        age_folders(&out);
        m.record_folders(&out);
        assert!(m.folders_unmoved(&out));
        fs::write(out.join("theme/style.css"), "changed").unwrap();
        assert!(!m.folders_unmoved(&out));
    }
}
