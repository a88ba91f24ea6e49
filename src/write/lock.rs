//! The build lock: one `build` of a site at a time. Part of stage 6; taken
//! by `commands::build` before it reads the record of the last build, and
//! held (an exclusive advisory lock on `<cache_dir>/build.lock`) until the
//! build has swapped its output in and written the new record. A second
//! build waits for the first and says so on one status line (kinder in CI
//! than failing: both builds then succeed, one after the other). The
//! operating system releases the lock when the process ends, also on
//! `kill -9`, so a stale lock file never blocks anyone. It must never be
//! taken by `check` (which writes nothing) or `serve` (which writes only
//! the image cache, each file under a name unique to its process and
//! thread, then renamed: see `assets::cache`).

use super::{io_err, WriteError};
use std::fs::{self, File, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::Path;

/// The lock file, in the site's cache folder.
pub const LOCK_FILE: &str = "build.lock";

/// Held for as long as it lives.
#[derive(Debug)]
pub struct BuildLock {
    _file: Option<File>,
}

impl BuildLock {
    /// Takes the lock of the site whose cache folder is `cache_dir`, waiting
    /// for another build that holds it. `output` (as shown to the owner) is
    /// recorded in the lock file with our process id, for the message the
    /// next build prints; `waiting` receives that message.
    pub fn acquire(cache_dir: &Path, output: &str, waiting: impl FnOnce(&str)) -> Result<BuildLock, WriteError> {
        fs::create_dir_all(cache_dir).map_err(|e| io_err(cache_dir, e))?;
        let path = cache_dir.join(LOCK_FILE);
        let mut file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io_err(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                waiting(&waiting_message(&mut file));
                file.lock().map_err(|e| io_err(&path, e))?;
            }
            // A file system without locks (some network mounts): build
            // without one, as before there was a lock.
            Err(TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {
                return Ok(BuildLock { _file: None })
            }
            Err(TryLockError::Error(e)) => return Err(io_err(&path, e)),
        }
        let holder = format!("{}\n{output}\n", std::process::id());
        let written = file.set_len(0).and_then(|()| file.rewind()).and_then(|()| file.write_all(holder.as_bytes()));
        written.map_err(|e| io_err(&path, e))?;
        Ok(BuildLock { _file: Some(file) })
    }
}

/// "another shopstory build is writing public/ (pid 4242); waiting for it
/// to finish", from what the holder wrote into the lock file.
fn waiting_message(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.rewind().and_then(|()| file.read_to_string(&mut text));
    let mut lines = text.lines();
    match (lines.next().and_then(|p| p.parse::<u32>().ok()), lines.next()) {
        (Some(pid), Some(output)) => {
            format!("another shopstory build is writing {output} (pid {pid}); waiting for it to finish")
        }
        _ => "another shopstory build of this site is running; waiting for it to finish".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_told_who_holds_it_and_gets_it_after() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join(".shopstory-cache");
        let first = BuildLock::acquire(&cache, "public/", |m| panic!("the first taker waited: {m}")).unwrap();
        assert_eq!(fs::read_to_string(cache.join(LOCK_FILE)).unwrap(), format!("{}\npublic/\n", std::process::id()));
        // Another open file description of the same file: locked out.
        let mut other = File::options().read(true).write(true).open(cache.join(LOCK_FILE)).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        assert_eq!(
            waiting_message(&mut other),
            format!(
                "another shopstory build is writing public/ (pid {}); waiting for it to finish",
                std::process::id()
            )
        );
        drop(first);
        other.try_lock().expect("released on drop");
        drop(other);
        let again = BuildLock::acquire(&cache, "out/", |m| panic!("waited for nobody: {m}")).unwrap();
        drop(again);
        fs::write(cache.join(LOCK_FILE), "").unwrap();
        let mut f = File::open(cache.join(LOCK_FILE)).unwrap();
        assert_eq!(
            waiting_message(&mut f),
            "another shopstory build of this site is running; waiting for it to finish"
        );
    }
}
