//! The memo of rendered bodies (`render::body::memo`) in the site's cache
//! folder, `bodies.bin`: read before a build; after it, the entries the
//! build made are appended, or, once the file holds more than twice what
//! the build used (bodies deleted or edited since), it is written again
//! with only those (a temporary file renamed over it). So it never holds
//! much more than the site's bodies. A missing, old or damaged file is an
//! empty memo (a damaged tail: the records before it); a file that cannot
//! be written only makes the next build slower.

use crate::render::body::memo::{decode, encode_header, encode_records, Bodies};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const FILE: &str = "bodies.bin";

/// The memo as read, and what the file was like.
pub struct Stored {
    pub bodies: Bodies,
    /// The file's length when it was read whole (records may be appended), else `None`.
    appendable: Option<u64>,
}

fn path(cache_dir: &Path) -> PathBuf {
    cache_dir.join(FILE)
}

/// The memo the last builds left in `cache_dir` (empty when there is none
/// that this program can read).
pub fn read(cache_dir: &Path) -> Stored {
    match std::fs::read(path(cache_dir)) {
        Ok(bytes) => {
            let decoded = decode(&bytes);
            let appendable = decoded.whole.then_some(bytes.len() as u64);
            Stored { bodies: Bodies::from_entries(decoded.entries), appendable }
        }
        Err(_) => Stored { bodies: Bodies::default(), appendable: None },
    }
}

/// Keeps what the build used or made in `cache_dir` for the next build.
pub fn write(cache_dir: &Path, stored: Stored) -> io::Result<()> {
    let new = stored.bodies.into_new();
    let target = path(cache_dir);
    let made = encode_records(&new.entries, &new.made);
    if let Some(len) = stored.appendable {
        if made.is_empty() {
            return Ok(());
        }
        if len + made.len() as u64 <= 2 * (new.bytes as u64) + (1 << 20) {
            let mut f = std::fs::OpenOptions::new().append(true).open(&target)?;
            return f.write_all(&made);
        }
    }
    let mut keys: Vec<u128> = new.entries.keys().copied().collect();
    keys.sort_unstable();
    let mut bytes = encode_header();
    bytes.extend(encode_records(&new.entries, &keys));
    std::fs::create_dir_all(cache_dir)?;
    let tmp = target.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &target).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
