//! Stage 1: reads the site folder into memory and parses nothing. Text files
//! are decoded as UTF-8 (a BOM is dropped, CRLF becomes LF); files that are
//! not text (photos, static assets) are listed with their absolute path for
//! the stages that copy or process them. Problems reading a file become
//! diagnostics; nothing here aborts.

use crate::diag::{Diagnostics, Span};

pub mod fingerprint;
pub mod images;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

/// A text file, decoded, with its site-relative path.
#[derive(Debug, Clone)]
pub struct TextFile {
    pub path: String,
    pub text: Arc<str>,
}

/// A file that is copied or processed later; only its location is read now.
#[derive(Debug, Clone)]
pub struct OtherFile {
    /// Site-relative path.
    pub path: String,
    /// Absolute path, for the stages that read its bytes.
    pub abs: PathBuf,
}

#[derive(Debug, Default)]
pub struct Sources {
    pub config: Option<Arc<str>>,
    pub posts: Vec<TextFile>,
    pub pages: Vec<TextFile>,
    /// `data/*.yaml`, keyed by site path.
    pub data: BTreeMap<String, TextFile>,
    /// `static/**`, copied as is.
    pub static_files: Vec<OtherFile>,
    /// Files under `content/` that are not markdown (photos), by site path.
    pub content_files: BTreeMap<String, OtherFile>,
    /// `content/moments/**/*.yaml`: moment sidecars and `moments.yaml` lists.
    pub moments: Vec<TextFile>,
}

/// Is this file name an editor's temporary or a hidden file?
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913" // vim's write test
        || name.eq_ignore_ascii_case("Thumbs.db")
}

/// The site-relative form of an absolute path under `root`.
pub fn site_path(root: &Path, abs: &Path) -> String {
    abs.strip_prefix(root)
        .unwrap_or(abs)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Decodes file bytes as text for the site: UTF-8 required, BOM dropped,
/// CRLF and lone CR turned into LF. On failure, the byte offset of the first
/// invalid sequence.
pub fn decode_text(bytes: Vec<u8>) -> Result<String, usize> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return Err(e.utf8_error().valid_up_to()),
    };
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    if text.contains('\r') {
        Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Ok(text)
    }
}

/// Reads one text file, reporting what goes wrong.
pub fn read_text(root: &Path, abs: &Path, diags: &mut Diagnostics) -> Option<TextFile> {
    let path = site_path(root, abs);
    let bytes = match std::fs::read(abs) {
        Ok(b) => b,
        Err(e) => {
            diags
                .error(&path, None, format!("cannot read this file: {e}"))
                .help("check that the file exists and that you may read it (its permissions)");
            return None;
        }
    };
    match decode_text(bytes.clone()) {
        Ok(text) => {
            let text: Arc<str> = Arc::from(text);
            diags.add_source(&path, text.clone());
            Some(TextFile { path, text })
        }
        Err(at) => {
            let lossy: Arc<str> = Arc::from(String::from_utf8_lossy(&bytes[..at]).into_owned() + "\u{fffd}");
            let offset = lossy.len() - '\u{fffd}'.len_utf8();
            diags.add_source(&path, lossy);
            diags
                .error(&path, Some(Span::new(offset, offset + 1)), "this file is not UTF-8 text")
                .help("save it as UTF-8 in your editor (\"Save with encoding\" → UTF-8)");
            None
        }
    }
}

/// Walks `base` as the build reads it: links followed, sorted by name,
/// hidden and temporary files (and folders) skipped.
pub fn walker(base: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    WalkDir::new(base)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
}

/// Lists the files under `root/dir`, sorted, skipping hidden and temporary
/// files. A symlink loop or unreadable folder becomes a diagnostic.
pub fn walk(root: &Path, dir: &str, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for entry in walker(&base) {
        match entry {
            Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
            Ok(_) => {}
            Err(err) => {
                let at = err.path().map(|p| site_path(root, p)).unwrap_or_else(|| dir.to_string());
                let (msg, help) = if err.loop_ancestor().is_some() {
                    (
                        "this folder is a symbolic link to one of its own parent folders (a loop)".to_string(),
                        "remove the link, or point it at a folder outside this one",
                    )
                } else {
                    (
                        format!("cannot read this: {err}"),
                        "check that it exists and that you may read it (its permissions)",
                    )
                };
                diags.error(&at, None, msg).help(help);
            }
        }
    }
    files
}

/// Reads the whole site folder.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Sources {
    let mut sources = Sources::default();
    let config_path = root.join(crate::parse::config::CONFIG_FILE);
    if config_path.is_file() {
        if let Some(f) = read_text(root, &config_path, diags) {
            sources.config = Some(f.text);
        }
    }

    let mut markdown: Vec<PathBuf> = Vec::new();
    for abs in walk(root, "content", diags) {
        let rel = site_path(root, &abs);
        if rel.ends_with(".md") || rel.ends_with(".markdown") {
            markdown.push(abs);
        } else if rel.starts_with("content/moments/") && (rel.ends_with(".yaml") || rel.ends_with(".yml")) {
            sources.moments.extend(read_text(root, &abs, diags));
        } else {
            sources.content_files.insert(rel.clone(), OtherFile { path: rel, abs });
        }
    }
    let read: Vec<(Option<TextFile>, Diagnostics)> = markdown
        .par_iter()
        .map(|abs| {
            let mut d = Diagnostics::new();
            (read_text(root, abs, &mut d), d)
        })
        .collect();
    for (file, d) in read {
        diags.extend(d);
        let Some(file) = file else { continue };
        if file.path.starts_with("content/posts/") {
            sources.posts.push(file);
        } else if file.path.starts_with("content/pages/") {
            sources.pages.push(file);
        } else if !file.path.starts_with("content/moments/") {
            diags
                .warning(
                    &file.path,
                    None,
                    "this markdown file is not in content/posts/ or content/pages/, so it is not published",
                )
                .help("move it to content/posts/ (a blog post) or content/pages/ (a page such as about.md)");
        }
    }

    for abs in walk(root, "data", diags) {
        let rel = site_path(root, &abs);
        if rel.ends_with(".yaml") || rel.ends_with(".yml") {
            if let Some(f) = read_text(root, &abs, diags) {
                sources.data.insert(rel, f);
            }
        }
    }
    for abs in walk(root, "static", diags) {
        let rel = site_path(root, &abs);
        sources.static_files.push(OtherFile { path: rel, abs });
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_normalises_bom_and_line_endings() {
        assert_eq!(decode_text(b"\xef\xbb\xbfa\r\nb\rc".to_vec()).unwrap(), "a\nb\nc");
        assert_eq!(decode_text(b"ok \xff no".to_vec()), Err(3));
    }

    #[test]
    fn ignores_editor_files() {
        for name in [".DS_Store", "post.md~", ".post.md.swp", "#post.md#", "4913", ".#x"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("2026-11-02-fold.md"));
    }
}
