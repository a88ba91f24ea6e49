//! Part of stage 5 (render): bodies kept across builds. A body's rendering
//! (its HTML, summary, table of contents, words, and for the site search
//! its folded words) is a function of its text and settings (the `key`)
//! and of the answers the site gave to what the body asked while it was
//! rendered (the URL of a linked file, the `<picture>` of a photo, the HTML
//! of a shortcode or video embed: the `trace`). A body is taken from the
//! memo only when its key is the same and asking every question of its
//! trace again, in order, of the new site gives the same answers; the
//! questions asked again also redo what the body used (photos planned,
//! media files, the video script), so nothing but the markdown pass is
//! skipped. Only bodies rendered without any diagnostic are kept.
//!
//! `build` keeps the memo in the cache folder (`codec`: one versioned file
//! of records, each checked by a digest, a damaged one and what follows it
//! read as missing; new entries are appended, and the file is written
//! again with only the live entries once it holds twice as much);
//! `serve` keeps it in memory between rebuilds. Each build keeps only the
//! entries it used or made, up to `MAX_BYTES`, so the memo is bounded by
//! the site.

mod codec;
#[cfg(test)]
mod tests;

pub use codec::{decode, encode_header, encode_records, EPOCH};

use crate::diag::{Diagnostics, Span};
use crate::markdown::shortcodes::Call;
use crate::markdown::{BodyInput, RenderedBody, Targets};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use xxhash_rust::xxh3::Xxh3;

/// The memo stops taking entries beyond this many bytes of text.
pub const MAX_BYTES: usize = 512 << 20;

/// One question a body asked while it was rendered, with the answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Asked {
    DocUrl { path: String, answer: Option<(String, bool)> },
    FileUrl { path: String, answer: Option<String> },
    Image { path: String, alt: String, eager: bool, answer: Result<String, String> },
    Shortcode { file: String, call: Call, answer: Option<String> },
    Embed { file: String, url: String, span: Span, answer: Option<String> },
}

/// A body as rendered, and what it asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub trace: Vec<Asked>,
    pub body: RenderedBody,
}

impl Entry {
    /// About the bytes it holds (for the bound).
    pub fn size(&self) -> usize {
        let b = &self.body;
        b.html.len() + b.summary_html.as_ref().map_or(0, String::len) + b.excerpt.len() + b.search_words.len() + 256
    }
}

/// The bodies of the last build (`old`) and those this build used or made
/// (`new`, which the next build starts from).
/// An entry is taken out of `old` when used (its body moved, not copied,
/// when nothing else holds it).
#[derive(Default)]
pub struct Bodies {
    old: Mutex<HashMap<u128, Arc<Entry>>>,
    new: Mutex<New>,
    /// Where the records of entries made by this build go, as they are
    /// made (`build`: a file), instead of into `new`: so a build does not
    /// hold every body it renders.
    sink: Option<Sink>,
}

/// Writes one record.
pub type WriteRecord = Box<dyn Fn(&[u8]) + Send + Sync>;

/// Takes the record of each entry made by this build and, when `all`, of
/// each entry used too (`build` writes its memo file again).
pub struct Sink {
    pub write: WriteRecord,
    pub all: bool,
}

/// What this build used or made.
#[derive(Default)]
pub struct New {
    pub entries: HashMap<u128, Arc<Entry>>,
    /// The keys of the entries made by this build (not in `old`; with a
    /// sink, they went there and not into `entries`).
    pub made: Vec<u128>,
    /// The size of `entries` (and of those that went to the sink).
    pub bytes: usize,
    seen: std::collections::HashSet<u128>,
}

impl Bodies {
    /// A memo starting from `entries` (the last build's).
    pub fn from_entries(entries: HashMap<u128, Arc<Entry>>) -> Bodies {
        // This build uses about as many: no table grown step by step.
        let n = entries.len();
        let new = New {
            entries: HashMap::with_capacity(n),
            seen: std::collections::HashSet::with_capacity(n),
            ..New::default()
        };
        Bodies { old: Mutex::new(entries), new: Mutex::new(new), sink: None }
    }

    /// A memo starting from `entries`, handing records to `sink` instead of keeping entries.
    pub fn with_sink(entries: HashMap<u128, Arc<Entry>>, sink: Sink) -> Bodies {
        Bodies { old: Mutex::new(entries), new: Mutex::default(), sink: Some(sink) }
    }

    /// The entries this build used or made.
    pub fn into_new(self) -> New {
        self.new.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// The entries of the last build and those this one made (after a
    /// build that failed before it rendered every body).
    pub fn into_all(self) -> HashMap<u128, Arc<Entry>> {
        let mut all = self.old.into_inner().unwrap_or_else(|e| e.into_inner());
        all.extend(self.new.into_inner().unwrap_or_else(|e| e.into_inner()).entries);
        all
    }

    /// The entries of the last build.
    pub fn old_len(&self) -> usize {
        self.old.lock().map_or(0, |o| o.len())
    }

    /// The last build's entry of `key`, taken out of the memo (`put` it
    /// back to keep it).
    pub(crate) fn take(&self, key: u128) -> Option<Arc<Entry>> {
        self.old.lock().ok()?.remove(&key)
    }

    /// Keeps `entry` for the next build, unless the memo is full; `made`
    /// when it was rendered by this build.
    pub(crate) fn put(&self, key: u128, entry: Arc<Entry>, made: bool) {
        let size = entry.size();
        {
            let Ok(mut new) = self.new.lock() else { return };
            if new.bytes + size > MAX_BYTES || !new.seen.insert(key) {
                return;
            }
            new.bytes += size;
            if made {
                new.made.push(key);
            }
            if self.sink.is_none() {
                new.entries.insert(key, entry);
                return;
            }
        }
        if let Some(sink) = self.sink.as_ref().filter(|s| made || s.all) {
            (sink.write)(&codec::encode_record(key, &entry));
        }
    }
}

/// The renderer: this program's version and executable file (another build
/// of the program may render differently).
fn renderer() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let mut text = format!("{} epoch {EPOCH}", env!("CARGO_PKG_VERSION"));
        if let Some(meta) = std::env::current_exe().ok().and_then(|p| std::fs::metadata(p).ok()) {
            let mtime = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            text.push_str(&format!(" {} {:?}", meta.len(), mtime));
        }
        text
    })
}

/// The digest of everything a body's rendering reads but its trace: the
/// renderer, the file, the text and where it starts in the file, whether
/// its first photo loads eagerly, the task-list labels of the language.
pub fn key(input: &BodyInput<'_>, labels: (&str, &str)) -> u128 {
    let mut h = Xxh3::new();
    for part in [renderer(), input.file, input.body, labels.0, labels.1] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.update(&(input.body_offset as u64).to_le_bytes());
    h.update(&[u8::from(input.first_image_eager)]);
    h.digest128()
}

/// Asks every question of `trace` again of `targets`, in order: whether
/// each answer is the same, without any diagnostic.
pub fn replay(trace: &[Asked], targets: &dyn Targets) -> bool {
    let mut diags = Diagnostics::new();
    let same = trace.iter().all(|asked| match asked {
        Asked::DocUrl { path, answer } => targets.doc_url(path) == answer.as_ref().map(|(u, d)| (u.as_str(), *d)),
        Asked::FileUrl { path, answer } => targets.file_url(path) == *answer,
        Asked::Image { path, alt, eager, answer } => targets.image_html(path, alt, *eager) == *answer,
        Asked::Shortcode { file, call, answer } => targets.shortcode(file, call, &mut diags) == *answer,
        Asked::Embed { file, url, span, answer } => targets.embed_url(file, url, *span, &mut diags) == *answer,
    });
    same && diags.is_empty()
}

/// `Targets` that answers as `inner` does and writes down every question.
pub struct Recorder<'a> {
    inner: &'a dyn Targets,
    trace: RefCell<Vec<Asked>>,
}

impl<'a> Recorder<'a> {
    pub fn new(inner: &'a dyn Targets) -> Self {
        Recorder { inner, trace: RefCell::default() }
    }

    pub fn into_trace(self) -> Vec<Asked> {
        self.trace.into_inner()
    }

    fn push(&self, asked: Asked) {
        self.trace.borrow_mut().push(asked);
    }
}

impl Targets for Recorder<'_> {
    fn doc_url(&self, site_path: &str) -> Option<(&str, bool)> {
        let answer = self.inner.doc_url(site_path);
        self.push(Asked::DocUrl { path: site_path.into(), answer: answer.map(|(u, d)| (u.to_string(), d)) });
        answer
    }
    fn file_url(&self, site_path: &str) -> Option<String> {
        let answer = self.inner.file_url(site_path);
        self.push(Asked::FileUrl { path: site_path.into(), answer: answer.clone() });
        answer
    }
    fn image_html(&self, site_path: &str, alt: &str, eager: bool) -> Result<String, String> {
        let answer = self.inner.image_html(site_path, alt, eager);
        self.push(Asked::Image { path: site_path.into(), alt: alt.into(), eager, answer: answer.clone() });
        answer
    }
    fn shortcode(&self, file: &str, call: &Call, diags: &mut Diagnostics) -> Option<String> {
        let answer = self.inner.shortcode(file, call, diags);
        self.push(Asked::Shortcode { file: file.into(), call: call.clone(), answer: answer.clone() });
        answer
    }
    fn embed_url(&self, file: &str, url: &str, span: Span, diags: &mut Diagnostics) -> Option<String> {
        let answer = self.inner.embed_url(file, url, span, diags);
        self.push(Asked::Embed { file: file.into(), url: url.into(), span, answer: answer.clone() });
        answer
    }
    fn task_labels(&self) -> (&str, &str) {
        self.inner.task_labels()
    }
}
