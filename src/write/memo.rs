//! The memo of rendered bodies (`render::body::memo`) in the site's cache
//! folder, `bodies.bin`, and beside it `bodies.live`, the size of what the
//! last build used or made. Read before a build; during it, the record of
//! each body the build renders goes to a temporary file (the build does not
//! hold them); after it, those records are appended to `bodies.bin`. When
//! the file holds more than twice what the last build used (bodies edited
//! or deleted since), or cannot be read whole, the build writes the record
//! of each body it takes from the memo to the temporary file too, which
//! then replaces `bodies.bin`: so the file never holds much more than
//! twice the site's bodies. A missing, old or damaged file is an empty
//! memo (a damaged tail: the records before it); a memo that cannot be
//! written only makes the next build slower.

use crate::render::body::memo::{decode, encode_header, Bodies, New, Sink};
use std::fs::{self, File};
use std::io::{self, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const FILE: &str = "bodies.bin";
const LIVE: &str = "bodies.live";
/// Slack before a memo is written again whole.
const SLACK: u64 = 1 << 20;

/// The temporary file the records of a build's bodies go to.
type Out = Arc<Mutex<Option<BufWriter<File>>>>;

/// The memo as read, and how this build keeps it.
pub struct Stored {
    pub bodies: Bodies,
    /// Every body used goes to the temporary file, which replaces the memo.
    whole: bool,
    tmp: PathBuf,
    out: Out,
}

fn path(cache_dir: &Path) -> PathBuf {
    cache_dir.join(FILE)
}

/// The memo the last builds left in `cache_dir` (empty when there is none
/// that this program can read), writing bodies to a temporary file.
pub fn read(cache_dir: &Path) -> Stored {
    let target = path(cache_dir);
    let (entries, appendable) = match fs::read(&target) {
        Ok(bytes) => {
            let decoded = decode(&bytes);
            (decoded.entries, decoded.whole.then_some(bytes.len() as u64))
        }
        Err(_) => (Default::default(), None),
    };
    let live: Option<u64> = fs::read_to_string(cache_dir.join(LIVE)).ok().and_then(|t| t.trim().parse().ok());
    let whole = match (appendable, live) {
        (Some(len), Some(live)) => len > live.saturating_mul(2).saturating_add(SLACK),
        _ => true,
    };
    let tmp = target.with_extension(format!("tmp-{}", std::process::id()));
    let file = fs::create_dir_all(cache_dir).and_then(|()| File::create(&tmp)).ok().and_then(|f| {
        let mut w = BufWriter::with_capacity(1 << 20, f);
        w.write_all(&encode_header()).ok().map(|()| w)
    });
    let out: Out = Arc::new(Mutex::new(file));
    let sink_out = out.clone();
    let write = Box::new(move |record: &[u8]| {
        let Ok(mut out) = sink_out.lock() else { return };
        // After a failed write nothing more is written, and nothing kept.
        if out.as_mut().is_some_and(|w| w.write_all(record).is_err()) {
            *out = None;
        }
    });
    Stored { bodies: Bodies::with_sink(entries, Sink { write, all: whole }), whole, tmp, out }
}

/// Forgets what the build made (after errors: the memo stays as it was).
pub fn discard(stored: Stored) {
    drop(stored.out.lock().ok().and_then(|mut o| o.take()));
    let _ = fs::remove_file(&stored.tmp);
}

/// Keeps what the build used or made in `cache_dir` for the next build.
pub fn write(cache_dir: &Path, stored: Stored) -> io::Result<()> {
    let Stored { bodies, whole, tmp, out } = stored;
    let new = bodies.into_new();
    let written = out.lock().ok().and_then(|mut o| o.take());
    let result = keep(cache_dir, &new, whole, &tmp, written);
    let _ = fs::remove_file(&tmp);
    result?;
    fs::write(cache_dir.join(LIVE), format!("{}\n", new.bytes))
}

fn keep(cache_dir: &Path, new: &New, whole: bool, tmp: &Path, written: Option<BufWriter<File>>) -> io::Result<()> {
    let Some(w) = written else {
        return Err(io::Error::other("the temporary file of new bodies could not be written"));
    };
    let file = w.into_inner().map_err(|e| e.into_error())?;
    drop(file);
    let target = path(cache_dir);
    if whole {
        return fs::rename(tmp, &target);
    }
    if new.made.is_empty() {
        return Ok(());
    }
    let mut records = File::open(tmp)?;
    records.seek(io::SeekFrom::Start(encode_header().len() as u64))?;
    let mut to = fs::OpenOptions::new().append(true).open(&target)?;
    io::copy(&mut records, &mut to).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::RenderedBody;
    use crate::render::body::memo::Entry;

    fn entry(html: &str) -> Arc<Entry> {
        Arc::new(Entry { trace: Vec::new(), body: RenderedBody { html: html.into(), ..Default::default() } })
    }

    /// One build: takes `used` from the memo, makes `made`; returns how
    /// many entries it found.
    fn build(dir: &Path, used: &[u128], made: &[(u128, usize)]) -> usize {
        let stored = read(dir);
        let found = stored.bodies.old_len();
        for k in used {
            let e = stored.bodies.take(*k).expect("in the memo");
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

    fn len(dir: &Path) -> u64 {
        fs::metadata(path(dir)).unwrap().len()
    }

    #[test]
    fn new_bodies_are_appended_and_the_file_is_written_again_when_mostly_dead() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        assert_eq!(build(dir, &[], &[(1, 1000), (2, 1000)]), 0);
        assert_eq!(files(dir), ["bodies.bin", "bodies.live"], "no temporary file is left");
        let first = len(dir);
        // One body edited: its new record is appended, the old one stays for now.
        assert_eq!(build(dir, &[1], &[(3, 1000)]), 2);
        assert!(len(dir) > first);
        assert_eq!(build(dir, &[1, 3], &[]), 3);
        let third = len(dir);
        // Nothing made: nothing written.
        assert_eq!(build(dir, &[1, 3], &[]), 3);
        assert_eq!(len(dir), third);
        // Large bodies replacing each other: appended while the file holds
        // at most twice what the last build used (and 1 MiB)...
        for (n, k) in [4, 5, 6].into_iter().enumerate() {
            assert_eq!(build(dir, &[], &[(k, 3 << 20)]), 3 + n);
        }
        assert!(len(dir) > 9 << 20);
        // ...then the build after writes what it used, and only that.
        assert_eq!(build(dir, &[6], &[]), 6);
        assert!(len(dir) < 4 << 20, "{}", len(dir));
        let stored = read(dir);
        assert_eq!(stored.bodies.old_len(), 1);
        assert!(stored.bodies.take(6).is_some());
        discard(stored);
        assert_eq!(files(dir), ["bodies.bin", "bodies.live"]);
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
        // Without the record of what was live, the file is written again whole.
        fs::remove_file(dir.join(LIVE)).unwrap();
        build(dir, &[], &[(7, 100)]);
        assert_eq!(read(dir).bodies.old_len(), 1);
    }
}
