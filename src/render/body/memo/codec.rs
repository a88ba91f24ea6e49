//! The memo of bodies as one file (pure: entries to bytes and back). The
//! file starts with `MAGIC` and `EPOCH`, then records: each its length, its
//! key and entry, and a digest of both. A file of another epoch is read as
//! no entries; a record cut short or damaged in any way ends the reading
//! (the entries before it are kept: each was checked by its own digest).
//! So damage makes bodies be rendered again, never wrong, never a failure.

use super::{Asked, Entry};
use crate::diag::Span;
use crate::markdown::shortcodes::{ArgValue, Call};
use crate::markdown::{RenderedBody, TocEntry};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use xxhash_rust::xxh3::xxh3_64;

const MAGIC: &[u8] = b"shopstory bodies\n";
/// Changed whenever the format, or what a body's rendering reads, changes.
pub const EPOCH: u32 = 1;

/// The start of a memo file.
pub fn encode_header() -> Vec<u8> {
    let mut w = MAGIC.to_vec();
    w.extend_from_slice(&EPOCH.to_le_bytes());
    w
}

/// The records of `keys`' entries, in that order (to follow a header or
/// the records of an earlier build).
pub fn encode_records(entries: &HashMap<u128, Arc<Entry>>, keys: &[u128]) -> Vec<u8> {
    let mut w = Vec::with_capacity(keys.iter().filter_map(|k| entries.get(k)).map(|e| e.size() + 32).sum());
    let mut record = Vec::new();
    for k in keys {
        let Some(entry) = entries.get(k) else { continue };
        record.clear();
        record.extend_from_slice(&k.to_le_bytes());
        put_entry(&mut record, entry);
        put_u64(&mut w, record.len() as u64);
        w.extend_from_slice(&record);
        put_u64(&mut w, xxh3_64(&record));
    }
    w
}

/// The record of one entry.
pub(super) fn encode_record(key: u128, entry: &Entry) -> Vec<u8> {
    let mut record = key.to_le_bytes().to_vec();
    put_entry(&mut record, entry);
    let mut w = Vec::with_capacity(record.len() + 16);
    put_u64(&mut w, record.len() as u64);
    w.extend_from_slice(&record);
    put_u64(&mut w, xxh3_64(&record));
    w
}

/// What a memo file holds.
pub struct Decoded {
    pub entries: HashMap<u128, Arc<Entry>>,
    /// Every byte was read as a record (new records may be appended).
    pub whole: bool,
}

/// The entries of `bytes` (a later record of a key wins); none when they
/// are not a memo of this epoch, and those before the first damaged record.
pub fn decode(bytes: &[u8]) -> Decoded {
    let mut entries = HashMap::new();
    let mut r = Reader(bytes);
    let header = r.take(MAGIC.len()).zip(r.take(4));
    if header != Some((MAGIC, &EPOCH.to_le_bytes()[..])) {
        return Decoded { entries, whole: false };
    }
    while !r.0.is_empty() {
        match r.record() {
            Some((key, entry)) => {
                entries.insert(key, Arc::new(entry));
            }
            None => return Decoded { entries, whole: false },
        }
    }
    Decoded { entries, whole: true }
}

fn put_u64(w: &mut Vec<u8>, n: u64) {
    w.extend_from_slice(&n.to_le_bytes());
}

fn put_str(w: &mut Vec<u8>, s: &str) {
    put_u64(w, s.len() as u64);
    w.extend_from_slice(s.as_bytes());
}

fn put_opt(w: &mut Vec<u8>, s: Option<&str>) {
    w.push(u8::from(s.is_some()));
    if let Some(s) = s {
        put_str(w, s);
    }
}

fn put_entry(w: &mut Vec<u8>, e: &Entry) {
    put_u64(w, e.trace.len() as u64);
    for asked in &e.trace {
        put_asked(w, asked);
    }
    let b = &e.body;
    put_str(w, &b.html);
    put_opt(w, b.summary_html.as_deref());
    put_toc(w, &b.toc);
    put_u64(w, b.words as u64);
    put_str(w, &b.excerpt);
    put_u64(w, b.images.len() as u64);
    for i in &b.images {
        put_str(w, i);
    }
    put_str(w, &b.search_words);
}

fn put_toc(w: &mut Vec<u8>, toc: &[TocEntry]) {
    put_u64(w, toc.len() as u64);
    for t in toc {
        w.push(t.level);
        put_str(w, &t.id);
        put_str(w, &t.title);
        put_toc(w, &t.children);
    }
}

fn put_asked(w: &mut Vec<u8>, asked: &Asked) {
    match asked {
        Asked::DocUrl { path, answer } => {
            w.push(0);
            put_str(w, path);
            put_opt(w, answer.as_ref().map(|(u, _)| u.as_str()));
            w.push(u8::from(answer.as_ref().is_some_and(|(_, d)| *d)));
        }
        Asked::FileUrl { path, answer } => {
            w.push(1);
            put_str(w, path);
            put_opt(w, answer.as_deref());
        }
        Asked::Image { path, alt, eager, answer } => {
            w.push(2);
            put_str(w, path);
            put_str(w, alt);
            w.push(u8::from(*eager));
            w.push(u8::from(answer.is_ok()));
            put_str(w, answer.as_ref().unwrap_or_else(|e| e));
        }
        Asked::Shortcode { file, call, answer } => {
            w.push(3);
            put_str(w, file);
            put_str(w, &call.name);
            put_u64(w, call.args.len() as u64);
            for (k, v) in &call.args {
                put_str(w, k);
                match v {
                    ArgValue::Str(s) => {
                        w.push(0);
                        put_str(w, s);
                    }
                    ArgValue::Num(n) => {
                        w.push(1);
                        put_u64(w, n.to_bits());
                    }
                    ArgValue::Bool(b) => {
                        w.push(2);
                        w.push(u8::from(*b));
                    }
                }
            }
            put_span(w, call.span);
            w.push(u8::from(call.block));
            put_opt(w, answer.as_deref());
        }
        Asked::Embed { file, url, span, answer } => {
            w.push(4);
            put_str(w, file);
            put_str(w, url);
            put_span(w, *span);
            put_opt(w, answer.as_deref());
        }
    }
}

fn put_span(w: &mut Vec<u8>, span: Span) {
    put_u64(w, span.start as u64);
    put_u64(w, span.end as u64);
}

/// Reads what `put_*` wrote; `None` at the first thing out of place.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    /// One record whose digest matches, read whole.
    fn record(&mut self) -> Option<(u128, Entry)> {
        let n = self.usize()?;
        let bytes = self.take(n)?;
        if xxh3_64(bytes) != self.u64()? {
            return None;
        }
        let mut inner = Reader(bytes);
        let key = u128::from_le_bytes(inner.take(16)?.try_into().ok()?);
        let entry = inner.entry()?;
        inner.0.is_empty().then_some((key, entry))
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn bool(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    /// A count of things each at least one byte long: never more than the bytes left.
    fn count(&mut self) -> Option<usize> {
        let n = self.usize()?;
        (n <= self.0.len()).then_some(n)
    }

    fn str(&mut self) -> Option<String> {
        let n = self.usize()?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }

    /// A text shared as it is read (no `String` in between).
    fn shared(&mut self) -> Option<Arc<str>> {
        let n = self.usize()?;
        std::str::from_utf8(self.take(n)?).ok().map(Arc::from)
    }

    fn opt(&mut self) -> Option<Option<String>> {
        Some(if self.bool()? { Some(self.str()?) } else { None })
    }

    fn span(&mut self) -> Option<Span> {
        Some(Span::new(self.usize()?, self.usize()?))
    }

    fn entry(&mut self) -> Option<Entry> {
        let n = self.count()?;
        let trace = (0..n).map(|_| self.asked()).collect::<Option<Vec<_>>>()?;
        let html = self.shared()?;
        let summary_html = self.opt()?;
        let toc = self.toc(0)?;
        let words = self.usize()?;
        let excerpt = self.str()?;
        let n = self.count()?;
        let images = (0..n).map(|_| self.str()).collect::<Option<Vec<_>>>()?;
        let search_words = self.shared()?;
        let body = RenderedBody { html, summary_html, toc, words, excerpt, images, search_words };
        Some(Entry { trace, body })
    }

    fn toc(&mut self, depth: usize) -> Option<Vec<TocEntry>> {
        if depth > 16 {
            return None;
        }
        let n = self.count()?;
        (0..n)
            .map(|_| {
                let level = self.byte()?;
                let id = self.str()?;
                let title = self.str()?;
                let children = self.toc(depth + 1)?;
                Some(TocEntry { level, id, title, children })
            })
            .collect()
    }

    fn asked(&mut self) -> Option<Asked> {
        Some(match self.byte()? {
            0 => {
                let path = self.str()?;
                let url = self.opt()?;
                let draft = self.bool()?;
                Asked::DocUrl { path, answer: url.map(|u| (u, draft)) }
            }
            1 => Asked::FileUrl { path: self.str()?, answer: self.opt()? },
            2 => {
                let (path, alt, eager) = (self.str()?, self.str()?, self.bool()?);
                let ok = self.bool()?;
                let text = self.str()?;
                Asked::Image { path, alt, eager, answer: if ok { Ok(text) } else { Err(text) } }
            }
            3 => {
                let file = self.str()?;
                let name = self.str()?;
                let n = self.count()?;
                let mut args = BTreeMap::new();
                for _ in 0..n {
                    let k = self.str()?;
                    let v = match self.byte()? {
                        0 => ArgValue::Str(self.str()?),
                        1 => ArgValue::Num(f64::from_bits(self.u64()?)),
                        2 => ArgValue::Bool(self.bool()?),
                        _ => return None,
                    };
                    args.insert(k, v);
                }
                let span = self.span()?;
                let block = self.bool()?;
                let answer = self.opt()?;
                Asked::Shortcode { file, call: Call { name, args, span, block }, answer }
            }
            4 => Asked::Embed { file: self.str()?, url: self.str()?, span: self.span()?, answer: self.opt()? },
            _ => return None,
        })
    }
}
