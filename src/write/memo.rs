//! The memo of rendered bodies (`render::body::memo`) in the site's cache
//! folder, `bodies.bin`. Read before a build; during it, each body the
//! build renders is written as a record to a temporary file (the build
//! does not hold them); after it, those records are appended to
//! `bodies.bin`, or, once it would hold more than twice what the build
//! used (bodies deleted or edited since), the temporary file gets the
//! entries the build took from the memo too and replaces it. So the file
//! never holds much more than the site's bodies. A missing, old or damaged
//! file is an empty memo (a damaged tail: the records before it); a memo
//! that cannot be written only makes the next build slower.

use crate::render::body::memo::{decode, encode_header, encode_records, Bodies};
use std::fs::{self, File};
use std::io::{self, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const FILE: &str = "bodies.bin";

/// The temporary file the records of a build's new bodies go to.
type Out = Arc<Mutex<Option<BufWriter<File>>>>;

/// The memo as read, and what the file was like.
pub struct Stored {
    pub bodies: Bodies,
    /// The file's length when it was read whole (records may be appended).
    appendable: Option<u64>,
    tmp: PathBuf,
    out: Out,
}

fn path(cache_dir: &Path) -> PathBuf {
    cache_dir.join(FILE)
}

/// The memo the last builds left in `cache_dir` (empty when there is none
/// that this program can read), writing new bodies to a temporary file.
pub fn read(cache_dir: &Path) -> Stored {
    let target = path(cache_dir);
    let (entries, appendable) = match fs::read(&target) {
        Ok(bytes) => {
            let decoded = decode(&bytes);
            (decoded.entries, decoded.whole.then_some(bytes.len() as u64))
        }
        Err(_) => (Default::default(), None),
    };
    let tmp = target.with_extension(format!("tmp-{}", std::process::id()));
    let file = fs::create_dir_all(cache_dir).and_then(|()| File::create(&tmp)).ok().and_then(|f| {
        let mut w = BufWriter::with_capacity(1 << 20, f);
        w.write_all(&encode_header()).ok().map(|()| w)
    });
    let out: Out = Arc::new(Mutex::new(file));
    let sink_out = out.clone();
    let sink = Box::new(move |record: &[u8]| {
        let Ok(mut out) = sink_out.lock() else { return };
        // After a failed write nothing more is written, and nothing kept.
        if out.as_mut().is_some_and(|w| w.write_all(record).is_err()) {
            *out = None;
        }
    });
    Stored { bodies: Bodies::with_sink(entries, sink), appendable, tmp, out }
}

/// Forgets what the build made (after errors: the memo stays as it was).
pub fn discard(stored: Stored) {
    drop(stored.out.lock().ok().and_then(|mut o| o.take()));
    let _ = fs::remove_file(&stored.tmp);
}

/// Keeps what the build used or made in `cache_dir` for the next build.
pub fn write(cache_dir: &Path, stored: Stored) -> io::Result<()> {
    let Stored { bodies, appendable, tmp, out } = stored;
    let new = bodies.into_new();
    let written = out.lock().ok().and_then(|mut o| o.take());
    let result = keep(cache_dir, new, appendable, &tmp, written);
    let _ = fs::remove_file(&tmp);
    result
}

fn keep(
    cache_dir: &Path,
    new: crate::render::body::memo::New,
    appendable: Option<u64>,
    tmp: &Path,
    written: Option<BufWriter<File>>,
) -> io::Result<()> {
    let Some(w) = written else {
        return Err(io::Error::other("the temporary file of new bodies could not be written"));
    };
    let mut file = w.into_inner().map_err(|e| e.into_error())?;
    let target = path(cache_dir);
    let made_len = file.metadata()?.len().saturating_sub(encode_header().len() as u64);
    if let Some(len) = appendable {
        if new.made.is_empty() {
            return Ok(());
        }
        if len + made_len <= 2 * (new.bytes as u64) + (1 << 20) {
            let mut records = File::open(tmp)?;
            records.seek(io::SeekFrom::Start(encode_header().len() as u64))?;
            let mut to = fs::OpenOptions::new().append(true).open(&target)?;
            return io::copy(&mut records, &mut to).map(|_| ());
        }
    }
    // The file written again: the new bodies, then those taken from the memo.
    let mut kept: Vec<u128> = new.entries.keys().copied().collect();
    kept.sort_unstable();
    file.write_all(&encode_records(&new.entries, &kept))?;
    drop(file);
    fs::rename(tmp, &target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::RenderedBody;
    use crate::render::body::memo::Entry;

    fn entry(html: &str) -> Arc<Entry> {
        Arc::new(Entry { trace: Vec::new(), body: RenderedBody { html: html.into(), ..Default::default() } })
    }

    /// One build: takes `used` from the memo, makes `made`; returns what it found.
    fn build(dir: &Path, used: &[u128], made: &[(u128, usize)]) -> usize {
        let stored = read(dir);
        let found = stored.bodies.old_len();
        for k in used {
            let e = stored.bodies.get(*k).expect("in the memo").clone();
            stored.bodies.put(*k, e, false);
        }
        for (k, n) in made {
            stored.bodies.put(*k, entry(&"x".repeat(*n)), true);
        }
        write(dir, stored).unwrap();
        found
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn new_bodies_are_appended_and_the_file_is_written_again_when_mostly_dead() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        assert_eq!(build(dir, &[], &[(1, 1000), (2, 1000)]), 0);
        assert_eq!(files(dir), ["bodies.bin"], "no temporary file is left");
        let first = fs::metadata(path(dir)).unwrap().len();
        // One body edited: its new record is appended, the old one stays until compaction.
        assert_eq!(build(dir, &[1], &[(3, 1000)]), 2);
        let second = fs::metadata(path(dir)).unwrap().len();
        assert!(second > first, "{second} > {first}");
        assert_eq!(read(dir).bodies.old_len(), 3);
        // Nothing made: nothing written.
        build(dir, &[1, 3], &[]);
        assert_eq!(fs::metadata(path(dir)).unwrap().len(), second);
        // Bodies replaced by large new ones: appended while the file holds
        // at most twice what the build used (and 1 MiB), then written again.
        build(dir, &[], &[(4, 3 << 20)]);
        assert_eq!(read(dir).bodies.old_len(), 4);
        build(dir, &[], &[(5, 3 << 20)]);
        assert_eq!(read(dir).bodies.old_len(), 5);
        build(dir, &[], &[(6, 3 << 20)]);
        let stored = read(dir);
        assert_eq!(stored.bodies.old_len(), 1);
        assert!(stored.bodies.get(6).is_some());
        assert!(fs::metadata(path(dir)).unwrap().len() < 4 << 20);
        discard(stored);
        assert_eq!(files(dir), ["bodies.bin"]);
    }

    #[test]
    fn a_damaged_memo_is_empty_and_written_again_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        build(dir, &[], &[(1, 100), (2, 100)]);
        let bytes = fs::read(path(dir)).unwrap();
        // A build killed while appending: the records before the cut are kept.
        fs::write(path(dir), &bytes[..bytes.len() - 5]).unwrap();
        assert_eq!(build(dir, &[1], &[(5, 100)]), 1);
        assert_eq!(read(dir).bodies.old_len(), 2, "written again whole: 1 and 5");
        fs::write(path(dir), b"not a memo at all").unwrap();
        assert_eq!(build(dir, &[], &[(6, 100)]), 0);
        assert_eq!(read(dir).bodies.old_len(), 1);
    }
}
