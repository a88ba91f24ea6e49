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

/// What a rendered page was made from (its dependency set): each input it
/// reads, by name, with a digest of it. The names are `template:<name>`
/// for its template and every template that one extends, includes or
/// imports; `shopstory` for the renderer and the output's settings (the
/// language's folder, the base path); and one per value of its context
/// (`site`, `t`, `staff`, `tags`, `page`, and its own: `post`, `posts`,
/// `pagination`, ...), which hold what it shows of other pages and of the
/// data files. Two renderings with equal `Deps` give the same bytes, so a
/// page whose `Deps` did not change since the last build need not be
/// rendered again. Its digest is kept with the build record
/// (`write::Manifest`, `Deps::digest`). Shared
/// (cheap to clone): the preview hands each kept page's set along every
/// rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deps(pub std::sync::Arc<std::collections::BTreeMap<String, u64>>);

impl Deps {
    pub fn new(inputs: std::collections::BTreeMap<String, u64>) -> Deps {
        Deps(std::sync::Arc::new(inputs))
    }

    /// A digest of the whole set (each input's name and digest, in order):
    /// what the build record keeps of it, as two sets are only compared.
    pub fn digest(&self) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for (name, digest) in self.0.iter() {
            h.update(&(name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            h.update(&digest.to_le_bytes());
        }
        h.digest128()
    }

    /// The names of the inputs that differ between `self` and `other`
    /// (present in one only, or with another digest).
    pub fn changed<'a>(&'a self, other: &'a Deps) -> Vec<&'a str> {
        let mut out: Vec<&str> = self
            .0
            .iter()
            .filter(|(k, v)| other.0.get(*k) != Some(v))
            .map(|(k, _)| k.as_str())
            .chain(other.0.keys().filter(|k| !self.0.contains_key(*k)).map(String::as_str))
            .collect();
        out.sort_unstable();
        out
    }
}
