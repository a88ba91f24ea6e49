//! The files a build produces, as values: an output-relative path and where
//! its bytes come from. Below every stage: `render` and `assets::execute`
//! make them, `write` puts them on disk. Plain data: nothing here reads or
//! writes a file.

use std::path::PathBuf;

/// What a file of the output holds.
#[derive(Debug, Clone)]
pub enum Contents {
    Bytes(Vec<u8>),
    Embedded(&'static [u8]),
    /// Copied from this file as it is.
    Copy(PathBuf),
}

#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Output-relative path, `/`-separated.
    pub path: String,
    pub contents: Contents,
}
