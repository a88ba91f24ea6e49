//! From command-line arguments to the options the library reads. This is the
//! only place that looks at the environment and the clock (`today`, from
//! `SOURCE_DATE_EPOCH` when set, for reproducible builds).

use crate::date::Date;
use crate::report::Verbosity;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Absolute site folder.
    pub root: PathBuf,
    /// Absolute output folder.
    pub output: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub strict: bool,
    pub today: Date,
    pub verbosity: Verbosity,
}

/// Today's date (UTC), or the date of `SOURCE_DATE_EPOCH` when it is set.
pub fn today() -> Date {
    if let Some(secs) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()) {
        return Date::from_unix(secs);
    }
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    Date::from_unix(secs)
}

/// Makes a path absolute against the current folder, without requiring it to exist.
pub fn absolute(path: &Path) -> PathBuf {
    let p =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    std::fs::canonicalize(&p).unwrap_or(p)
}

impl BuildOptions {
    pub fn new(root: &Path, output: Option<&Path>, verbosity: Verbosity) -> Self {
        let root = absolute(root);
        let output = match output {
            Some(o) => absolute(o),
            None => root.join("public"),
        };
        BuildOptions { root, output, base_url: None, drafts: false, strict: false, today: today(), verbosity }
    }
}
