//! The processed-image cache: a folder of finished variant files, named by
//! the variant's output name, which already hashes the source bytes, the
//! settings and `CACHE_EPOCH`. So a name present here is the right file, by
//! construction; no mtime is consulted. The cache lives outside the source
//! and the output (`<root>/<cache_dir>/images/`, so CI can keep it) and is
//! only ever added to: eviction is a separate concern. Every file is written
//! to a temporary name in the same folder and then renamed, so an
//! interrupted build never leaves a half-written file under a real name.
//! The writer hard-links these files into the output (`Staging::link_from`),
//! so a file here must never be opened for writing once it has its name:
//! it is replaced by rename or not at all.

use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Bumped whenever the bytes an encoder produces for the same input change
/// (a new filter, encoder settings, a codec upgrade that matters), so that
/// every cached variant is made again. 2: JPEGs with split scans decoded
/// right, colours converted to sRGB through their ICC profile (issue 13).
/// 3: JPEG by `jpeg-encoder` (4:2:0), WebP at method 2, smaller widths
/// resized from the largest (issue 13 item 8).
pub const CACHE_EPOCH: u32 = 3;

/// The first 10 hex characters of the key of one variant: the source's
/// content hash, the width, the format and (for lossy formats, the only ones
/// it changes) the quality, under the current `CACHE_EPOCH`.
pub(crate) fn variant_hash(source_hash: &str, width: u32, format: &str, quality: u8) -> String {
    let quality = if format == "png" { 0 } else { quality };
    let key = format!("shopstory-image\nepoch={CACHE_EPOCH}\nsource={source_hash}\nwidth={width}\nformat={format}\nquality={quality}\n");
    Sha256::digest(key.as_bytes()).iter().take(5).map(|b| format!("{b:02x}")).collect()
}

/// A cache failure is not the content's fault: the folder cannot be made or
/// written to.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot create the image cache folder {}", path.display())]
    Create { path: PathBuf, source: io::Error },
    #[error("cannot write {} into the image cache", path.display())]
    Write { path: PathBuf, source: io::Error },
}

/// The folder of processed images.
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    dir: PathBuf,
}

/// Makes temporary names unique between the threads of one process.
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// The image cache under a site's cache folder (`<root>/<cache_dir>`).
    pub(crate) fn open(cache_dir: &Path) -> Result<Self, CacheError> {
        let dir = cache_dir.join("images");
        std::fs::create_dir_all(&dir).map_err(|source| CacheError::Create { path: dir.clone(), source })?;
        Ok(Cache { dir })
    }

    /// Where the variant with this output path (`media/x-1a2b3c4d5e-480.jpg`)
    /// is kept. Names are unique by construction, so the file name alone is
    /// the key.
    pub(crate) fn path_of(&self, output: &str) -> PathBuf {
        self.dir.join(output.rsplit('/').next().unwrap_or(output))
    }

    pub(crate) fn contains(&self, output: &str) -> bool {
        self.path_of(output).is_file()
    }

    /// Stores a finished file atomically: written to `name.tmp-<pid>-<n>` in
    /// the same folder, then renamed over the real name.
    pub(crate) fn store(&self, output: &str, bytes: &[u8]) -> Result<PathBuf, CacheError> {
        let path = self.path_of(output);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = self.dir.join(format!("{name}.tmp-{}-{n}", std::process::id()));
        let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &path));
        if let Err(source) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(CacheError::Write { path, source });
        }
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_hash_depends_on_every_input() {
        let base = variant_hash("abc", 480, "jpeg", 80);
        assert_eq!(base.len(), 10);
        assert!(base.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(base, variant_hash("abc", 480, "jpeg", 80));
        for other in [
            variant_hash("abd", 480, "jpeg", 80),
            variant_hash("abc", 960, "jpeg", 80),
            variant_hash("abc", 480, "webp", 80),
            variant_hash("abc", 480, "jpeg", 81),
        ] {
            assert_ne!(base, other);
        }
        // Quality does not change a PNG, so it does not change its name.
        assert_eq!(variant_hash("abc", 480, "png", 80), variant_hash("abc", 480, "png", 60));
    }

    #[test]
    fn store_is_atomic_and_leaves_no_temporary() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let cache = Cache::open(tmp.path()).expect("open");
        assert!(!cache.contains("media/a-0123456789-480.jpg"));
        let path = cache.store("media/a-0123456789-480.jpg", b"jpeg bytes").expect("store");
        assert!(cache.contains("media/a-0123456789-480.jpg"));
        assert_eq!(std::fs::read(&path).expect("read"), b"jpeg bytes");
        let names: Vec<String> = std::fs::read_dir(tmp.path().join("images"))
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["a-0123456789-480.jpg".to_string()]);
    }
}
