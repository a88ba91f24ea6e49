//! Stage 1: reads the site folder into memory and parses nothing. Text files
//! are decoded as UTF-8 (a BOM is dropped, CRLF becomes LF); files that are
//! not text (photos, static assets) are listed with their absolute path for
//! the stages that copy or process them. Problems reading a file become
//! diagnostics; nothing here aborts. It never reads through a symbolic link
//! that leads out of the site folder under content/, data/, templates/ or
//! themes/ (static/ links are followed, as documented), and it names an
//! unreadable static/ file here, where its source is known.

use crate::diag::{Diagnostics, Span};

pub mod fingerprint;
pub mod images;
mod kept;
pub use kept::Texts;
use kept::{read_text_kept, Reading};
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
    /// `data/*.yaml` and `i18n/*.yaml`, keyed by site path.
    pub data: BTreeMap<String, TextFile>,
    /// `static/**`, copied as is.
    pub static_files: Vec<OtherFile>,
    /// Files under `content/` that are not markdown (photos), by site path.
    pub content_files: BTreeMap<String, OtherFile>,
    /// `content/moments/**/*.yaml`: moment sidecars and `moments.yaml` lists.
    pub moments: Vec<TextFile>,
    /// `content/events/**/*.md`: one event per file.
    pub events: Vec<TextFile>,
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
    decode_or_give_back(bytes).map_err(|(at, _)| at)
}

/// `decode_text`, giving the bytes back on failure (for the message).
fn decode_or_give_back(bytes: Vec<u8>) -> Result<String, (usize, Vec<u8>)> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return Err((e.utf8_error().valid_up_to(), e.into_bytes())),
    };
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    if text.contains('\r') {
        Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Ok(text)
    }
}

/// Reads one text file, reporting what goes wrong, and registers its text
/// for the lines of what is reported of it later.
pub fn read_text(root: &Path, abs: &Path, diags: &mut Diagnostics) -> Option<TextFile> {
    let file = read_text_kept(root, abs, None, diags)?;
    diags.add_source(&file.path, file.text.clone());
    Some(file)
}

/// Reads one text file from the disk (see `kept` for the preview's reuse).
fn read_text_from_disk(root: &Path, abs: &Path, diags: &mut Diagnostics) -> Option<TextFile> {
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
    match decode_or_give_back(bytes) {
        Ok(text) => Some(TextFile { path, text: Arc::from(text) }),
        Err((at, bytes)) => {
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
pub fn walker(base: &Path) -> walkdir::FilterEntry<walkdir::IntoIter, fn(&walkdir::DirEntry) -> bool> {
    fn keep(e: &walkdir::DirEntry) -> bool {
        e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy())
    }
    WalkDir::new(base).follow_links(true).sort_by_file_name().into_iter().filter_entry(keep as fn(&_) -> bool)
}

/// Which symbolic links a walk follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Only links to something inside the site folder; a link that leads
    /// out of it is an error naming the link (content/, data/, templates/,
    /// themes/: what the build reads and renders).
    InsideSite,
    /// Every link (static/, published as it is, as the README says).
    Any,
}

/// Whether `path`, its links resolved, leads outside the folder `real_root`
/// (the site folder with its own links resolved). A dangling link is
/// reported by the walk itself.
fn leads_outside(real_root: &Path, link: &Path) -> bool {
    std::fs::canonicalize(link).is_ok_and(|target| !target.starts_with(real_root))
}

fn report_outside_link(root: &Path, link: &Path, diags: &mut Diagnostics) {
    let message = match std::fs::read_link(link) {
        Ok(target) => {
            format!("this symbolic link points outside the site folder (to {}), so it is not read", target.display())
        }
        Err(_) => {
            "this folder is reached through a symbolic link that points outside the site folder, so it is not read"
                .to_string()
        }
    };
    diags
        .error(&site_path(root, link), None, message)
        .help("copy the file into the site folder instead of linking to it, or point the link at a file inside the site folder");
}

/// Lists the files under `root/dir`, sorted, skipping hidden and temporary
/// files. A symlink loop, an unreadable folder or (with `Links::InsideSite`)
/// a link out of the site becomes a diagnostic.
pub fn walk(root: &Path, dir: &str, links: Links, diags: &mut Diagnostics) -> Vec<PathBuf> {
    walk_noting_links(root, dir, links, diags).0
}

/// `walk`, and whether it met a symbolic link.
fn walk_noting_links(root: &Path, dir: &str, links: Links, diags: &mut Diagnostics) -> (Vec<PathBuf>, bool) {
    let base = root.join(dir);
    if !base.is_dir() {
        return (Vec::new(), false);
    }
    let mut met_a_link = base.is_symlink();
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut files = Vec::new();
    let mut entries = walker(&base);
    while let Some(entry) = entries.next() {
        met_a_link |= entry.as_ref().is_ok_and(|e| e.path_is_symlink());
        match entry {
            // The folder itself may be reached through a link (themes/x).
            Ok(e)
                if links == Links::InsideSite
                    && (e.depth() == 0 || e.path_is_symlink())
                    && leads_outside(&real_root, e.path()) =>
            {
                report_outside_link(root, e.path(), diags);
                if e.file_type().is_dir() {
                    entries.skip_current_dir();
                }
            }
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
    (files, met_a_link)
}

/// Reports a static file (of static/ or a theme) whose bytes cannot be
/// read, naming it (the copy into the output happens later, where only the
/// output path is known). Opens the file and reads one byte: permissions, a
/// link to something that refuses reads, a file that vanished.
pub fn readable(root: &Path, abs: &Path, diags: &mut Diagnostics) -> bool {
    use std::io::Read;
    let result = std::fs::File::open(abs).and_then(|mut f| f.read(&mut [0u8; 1]));
    match result {
        Ok(_) => true,
        Err(e) => {
            diags
                .error(&site_path(root, abs), None, format!("cannot read this file: {e}"))
                .help("check that the file exists and that you may read it (its permissions); remove it from static/ if it should not be published");
            false
        }
    }
}

/// The site's settings file, at the root of the site folder.
pub const CONFIG_FILE: &str = "site.yaml";

/// Reads the whole site folder.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Sources {
    load_kept(root, None, diags)
}

/// `load`, taking from `texts` every markdown file unchanged since the
/// last load with the same `texts` (the preview's rebuilds).
pub fn load_kept(root: &Path, texts: Option<&Texts>, diags: &mut Diagnostics) -> Sources {
    let Some(texts) = texts else { return load_all(root, None, diags) };
    let (reading, listed) = texts.begin();
    load_all(root, Some((texts, &reading, listed)), diags)
}

/// The preview's memory of the last load: the texts, what this load reads
/// of them, and `content/`'s files when the watcher named every change.
type Kept<'a> = (&'a Texts, &'a Reading<'a>, Option<Vec<PathBuf>>);

fn load_all(root: &Path, kept: Option<Kept<'_>>, diags: &mut Diagnostics) -> Sources {
    let mut sources = Sources::default();
    let config_path = root.join(CONFIG_FILE);
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if config_path.is_symlink() && leads_outside(&real_root, &config_path) {
        report_outside_link(root, &config_path, diags);
    } else if config_path.is_file() {
        if let Some(f) = read_text(root, &config_path, diags) {
            sources.config = Some(f.text);
        }
    }

    let mut markdown: Vec<PathBuf> = Vec::new();
    let (texts, reading, listed) = match kept {
        Some((texts, reading, listed)) => (Some(texts), Some(reading), listed),
        None => (None, None, None),
    };
    let (content, trusted) = match listed {
        Some(listed) => (listed, true),
        None => {
            let mut d = Diagnostics::new();
            let (files, met_a_link) = walk_noting_links(root, "content", Links::InsideSite, &mut d);
            if let Some(texts) = texts {
                texts.listed(&files, d.is_empty() && !met_a_link);
            }
            diags.extend(d);
            (files, false)
        }
    };
    let reading = reading.map(|r| (r, trusted));
    for abs in content {
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
            (read_text_kept(root, abs, reading, &mut d), d)
        })
        .collect();
    for (file, d) in read {
        diags.extend(d);
        let Some(file) = file else { continue };
        // A post's or page's text is registered for diagnostics by the
        // stages that report something of it (most report nothing): at
        // 10,000 posts, registering every text cost a preview rebuild 2%.
        let post_or_page = ["content/posts/", "content/pages/"].iter().any(|f| file.path.starts_with(f));
        if !post_or_page {
            diags.add_source(&file.path, file.text.clone());
        }
        if file.path.starts_with("content/posts/") {
            sources.posts.push(file);
        } else if file.path.starts_with("content/pages/") {
            sources.pages.push(file);
        } else if file.path.starts_with("content/events/") {
            sources.events.push(file);
        } else if !file.path.starts_with("content/moments/") {
            diags
                .warning(
                    &file.path,
                    None,
                    "this markdown file is not in content/posts/, content/pages/ or content/events/, so it is not published",
                )
                .help("move it to content/posts/ (a blog post) or content/pages/ (a page such as about.md)");
        }
    }

    // The site's translations (`i18n/<lang>.yaml`) are read like data files.
    for dir in ["data", "i18n"] {
        for abs in walk(root, dir, Links::InsideSite, diags) {
            let rel = site_path(root, &abs);
            if rel.ends_with(".yaml") || rel.ends_with(".yml") {
                if let Some(f) = read_text(root, &abs, diags) {
                    sources.data.insert(rel, f);
                }
            }
        }
    }
    let statics: Vec<OtherFile> = walk(root, "static", Links::Any, diags)
        .into_iter()
        .map(|abs| OtherFile { path: site_path(root, &abs), abs })
        .collect();
    let checked: Vec<(bool, Diagnostics)> = statics
        .par_iter()
        .map(|f| {
            let mut d = Diagnostics::new();
            (readable(root, &f.abs, &mut d), d)
        })
        .collect();
    for (file, (ok, d)) in statics.into_iter().zip(checked) {
        diags.extend(d);
        if ok {
            sources.static_files.push(file);
        }
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
