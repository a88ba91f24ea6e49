//! Part of stage 2 (parse): finds where a key path (`[Index(3), Key("rating")]`)
//! is written in block-style YAML text, for problems found after a
//! successful parse (a rating out of range has no serde location). Takes
//! text, returns byte spans; reads no file and never parses YAML values.
//!
//! `YamlIndex` reads the text's lines once (indent, dash, key of each) and
//! remembers what each lookup found (the items of a list, the keys of a
//! mapping, where a key's block ends), so locating a field of every one of
//! N records costs O(N) in all, not O(N) each: a 5,000-review file was
//! quadratic when every lookup split the whole text again.

use crate::diag::Span;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

/// One step of a key path: a mapping key or a sequence index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

thread_local! {
    /// Lines looked at by locators on this thread (tests show linear work with it).
    static STEPS: Cell<u64> = const { Cell::new(0) };
    /// The index of the last shared text located in (see `locate_shared`).
    static LAST: RefCell<Option<(Arc<str>, Rc<YamlIndex>)>> = const { RefCell::new(None) };
}

fn step(n: usize) {
    STEPS.with(|s| s.set(s.get() + n as u64));
}

/// How many lines locators have looked at on this thread so far.
pub fn scan_steps() -> u64 {
    STEPS.with(Cell::get)
}

/// What one line is, read once.
#[derive(Debug, Clone, Copy)]
struct LineInfo {
    offset: usize,
    /// Length without the line break (and a `\r` before it).
    len: usize,
    blank: bool,
    indent: usize,
    /// Column of the first dash, if the line is a sequence item.
    dash: Option<usize>,
    /// The key after any `- ` prefixes: column, key range in the line, value column.
    key: Option<(usize, usize, usize, usize)>,
}

fn read_line(offset: usize, text: &str) -> LineInfo {
    let t = text.trim_start();
    let blank = t.is_empty() || t.starts_with('#');
    let indent = text.len() - text.trim_start_matches(' ').len();
    let rest = &text[indent..];
    let dash = (rest == "-" || rest.starts_with("- ")).then_some(indent);
    LineInfo { offset, len: text.len(), blank, indent, dash, key: line_key(text, indent) }
}

/// The key of a line (after any `- ` prefixes): column, key start and end
/// (trimmed, quotes excluded), value column.
fn line_key(text: &str, indent: usize) -> Option<(usize, usize, usize, usize)> {
    let mut col = indent;
    let mut rest = &text[col..];
    while let Some(r) = rest.strip_prefix("- ") {
        let r2 = r.trim_start_matches(' ');
        col += 2 + (r.len() - r2.len());
        rest = r2;
    }
    let (key_start, raw_len, after) = if let Some(q) = rest.strip_prefix('"') {
        let end = q.find('"')?;
        (col + 1, end, &q[end + 1..])
    } else if let Some(q) = rest.strip_prefix('\'') {
        let end = q.find('\'')?;
        (col + 1, end, &q[end + 1..])
    } else {
        let end = rest.find(':')?;
        (col, end, &rest[end..])
    };
    let after_colon = after.strip_prefix(':')?;
    if !(after_colon.is_empty() || after_colon.starts_with(' ')) {
        return None;
    }
    let raw = &text[key_start..key_start + raw_len];
    let lead = raw.len() - raw.trim_start().len();
    let start = key_start + lead;
    let end = start + raw.trim().len();
    let value_col = text.len() - after_colon.trim_start().len();
    Some((col, start, end, value_col))
}

/// A list's dash column and the lines of its items.
type Items = Option<(usize, Rc<Vec<usize>>)>;

/// What lookups found, kept for the next ones.
#[derive(Default)]
struct Memo {
    /// (from, to) → column of the first key.
    first_key_col: HashMap<(usize, usize), Option<usize>>,
    /// (from, to, column) → each key at that column → its first line.
    keys: HashMap<(usize, usize, usize), HashMap<String, usize>>,
    /// (line, key column, to) → the end of that key's block.
    block_end: HashMap<(usize, usize, usize), usize>,
    /// (from, to) → the dash column and the lines of the list's items.
    items: HashMap<(usize, usize), Items>,
}

/// The lines of a YAML text, read once, and what lookups found so far.
pub struct YamlIndex {
    lines: Vec<LineInfo>,
    memo: RefCell<Memo>,
}

impl YamlIndex {
    pub fn new(text: &str) -> Self {
        let mut lines = Vec::new();
        let mut offset = 0;
        for l in text.split('\n') {
            lines.push(read_line(offset, l.trim_end_matches('\r')));
            offset += l.len() + 1;
        }
        step(lines.len());
        YamlIndex { lines, memo: RefCell::default() }
    }

    fn first_key_col(&self, from: usize, to: usize) -> Option<usize> {
        if let Some(c) = self.memo.borrow().first_key_col.get(&(from, to)) {
            return *c;
        }
        let mut seen = 0;
        let col = self.lines[from..to].iter().filter(|l| !l.blank).find_map(|l| {
            seen += 1;
            l.key.map(|k| k.0)
        });
        step(seen);
        self.memo.borrow_mut().first_key_col.insert((from, to), col);
        col
    }

    /// The first line in `from..to` whose key, at column `col`, is `key`.
    fn key_line(&self, text: &str, from: usize, to: usize, col: usize, key: &str) -> Option<usize> {
        let mut memo = self.memo.borrow_mut();
        let keys = memo.keys.entry((from, to, col)).or_insert_with(|| {
            step(to - from);
            let mut keys = HashMap::new();
            for (i, l) in self.lines[from..to].iter().enumerate() {
                if let (false, Some((c, s, e, _))) = (l.blank, l.key) {
                    if c == col {
                        keys.entry(text[l.offset + s..l.offset + e].to_string()).or_insert(from + i);
                    }
                }
            }
            keys
        });
        keys.get(key).copied()
    }

    /// Where the block of the key on line `idx` (at column `kcol`) ends.
    fn block_end(&self, idx: usize, kcol: usize, to: usize) -> usize {
        if let Some(end) = self.memo.borrow().block_end.get(&(idx, kcol, to)) {
            return *end;
        }
        let end = (idx + 1..to)
            .find(|&i| {
                let l = &self.lines[i];
                !l.blank && (l.indent < kcol || (l.indent == kcol && l.dash.is_none()))
            })
            .unwrap_or(to);
        step(end - idx);
        self.memo.borrow_mut().block_end.insert((idx, kcol, to), end);
        end
    }

    /// The dash column and item lines of the list in `from..to`.
    fn items(&self, from: usize, to: usize) -> Items {
        if let Some(found) = self.memo.borrow().items.get(&(from, to)) {
            return found.clone();
        }
        step(to - from);
        let lines = &self.lines[from..to];
        let found = lines.iter().filter(|l| !l.blank).filter_map(|l| l.dash).min().map(|col| {
            let items: Vec<usize> = (from..to).filter(|&i| self.lines[i].dash == Some(col)).collect();
            (col, Rc::new(items))
        });
        self.memo.borrow_mut().items.insert((from, to), found.clone());
        found
    }

    /// Finds the span of the value at a key path (or of the key when the
    /// value is on the following lines) in `text`, the text this index was
    /// made from. Flow style (`{a: 1}`) is located at its enclosing key.
    pub fn locate(&self, text: &str, path: &[Seg<'_>]) -> Option<Span> {
        let (mut from, mut to) = (0, self.lines.len());
        let mut found: Option<Span> = None;
        // The column at which keys of the current mapping sit; None = first key seen.
        let mut key_col: Option<usize> = None;
        for seg in path {
            match *seg {
                Seg::Key(k) => {
                    let col = match key_col {
                        Some(c) => c,
                        None => self.first_key_col(from, to)?,
                    };
                    let idx = self.key_line(text, from, to, col, k)?;
                    let line = self.lines[idx];
                    let (kcol, _, _, vcol) = line.key?;
                    let line_text = &text[line.offset..line.offset + line.len];
                    let value = line_text[vcol..].trim_end();
                    found = Some(if value.is_empty() {
                        Span::new(line.offset + kcol, line.offset + kcol + k.len())
                    } else {
                        Span::new(line.offset + vcol, line.offset + vcol + value.len())
                    });
                    to = self.block_end(idx, kcol, to);
                    from = idx + 1;
                    key_col = None;
                }
                Seg::Index(n) => {
                    // `key: - a` is not YAML; a sequence can also start on the key's own line
                    // only in flow style, which we do not locate inside.
                    let (col, items) = self.items(from, to)?;
                    let idx = *items.get(n)?;
                    let end = items.get(n + 1).copied().unwrap_or_else(|| {
                        let end =
                            (idx + 1..to).find(|&i| !self.lines[i].blank && self.lines[i].indent < col).unwrap_or(to);
                        step(end - idx);
                        end
                    });
                    let line = self.lines[idx];
                    let line_text = &text[line.offset..line.offset + line.len];
                    let content_start = col + 2;
                    found = Some(Span::new(
                        line.offset + col,
                        line.offset + line_text.trim_end().len().max(content_start.min(line.len)),
                    ));
                    key_col = line.key.map(|(c, _, _, _)| c).or(Some(content_start));
                    from = idx;
                    to = end;
                    // Keys of this item may sit on the dash line itself.
                    if line.key.is_none() {
                        from = idx + 1;
                    }
                }
            }
        }
        found
    }
}

/// Finds the span of the value at a key path in `text` (see `YamlIndex::locate`).
pub fn locate(text: &str, path: &[Seg<'_>]) -> Option<Span> {
    YamlIndex::new(text).locate(text, path)
}

/// Like `locate`, for a file's shared text: the index of the last text
/// located in on this thread is kept (with the text, so it cannot go stale),
/// so that locating one field of each of N records reads the file once.
pub fn locate_shared(text: &Arc<str>, path: &[Seg<'_>]) -> Option<Span> {
    let index = LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((t, index)) if Arc::ptr_eq(t, text) => Rc::clone(index),
            _ => {
                let index = Rc::new(YamlIndex::new(text));
                *last = Some((Arc::clone(text), Rc::clone(&index)));
                index
            }
        }
    });
    index.locate(text, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::load::TextFile;

    fn reviews(n: usize) -> TextFile {
        let mut text = String::from("# reviews\n");
        for i in 0..n {
            text.push_str(&format!(
                "- id: r-{i}\n  author: Customer {i}\n  rating: 4.5\n  date: 2026-01-02\n  text: Good tea.\n\n"
            ));
        }
        TextFile { path: "data/reviews.yaml".into(), text: Arc::from(text) }
    }

    /// Lines the locators look at while reviews are parsed and their spans kept.
    fn steps_for(n: usize) -> u64 {
        let file = reviews(n);
        let mut diags = Diagnostics::new();
        let before = scan_steps();
        let parsed = crate::parse::reviews::parse_reviews(Some(&file), &mut diags);
        assert_eq!((parsed.len(), diags.len()), (n, 0));
        // The spans point at the right record.
        let last = parsed[n - 1].date_span.expect("span");
        assert_eq!(&file.text[last.start - 8..last.end], "  date: 2026-01-02");
        scan_steps() - before
    }

    #[test]
    fn locating_every_record_of_a_file_is_linear() {
        let (one, four) = (steps_for(1_000), steps_for(4_000));
        // Quadratic work would be 16 times; each record's lines are read a few times.
        assert!(four <= 4 * one + 100, "1,000 reviews: {one} steps, 4,000: {four}");
        assert!(four >= 4 * one - 100, "1,000 reviews: {one} steps, 4,000: {four}");
        assert!(one < 1_000 * 6 * 4, "{one} steps for 6,000 lines");
    }

    #[test]
    fn an_index_answers_like_a_fresh_scan() {
        let text = "a:\n  b: 1\n  c:\n    - x: 1\n      y: 2\n    - x: 3\nd: 4\n";
        let index = YamlIndex::new(text);
        for path in [
            vec![Seg::Key("a"), Seg::Key("c"), Seg::Index(1), Seg::Key("x")],
            vec![Seg::Key("a"), Seg::Key("c"), Seg::Index(0), Seg::Key("y")],
            vec![Seg::Key("d")],
            vec![Seg::Key("a"), Seg::Key("b")],
        ] {
            // Twice: the second answer comes from what the first remembered.
            assert_eq!(index.locate(text, &path), YamlIndex::new(text).locate(text, &path));
            assert_eq!(index.locate(text, &path), locate(text, &path));
        }
        let s = index.locate(text, &[Seg::Key("a"), Seg::Key("c"), Seg::Index(1), Seg::Key("x")]).unwrap();
        assert_eq!(&text[s.start..s.end], "3");
    }
}
