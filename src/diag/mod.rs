//! Diagnostics: content problems as values. Every stage pushes what it finds
//! into a `Diagnostics` sink and keeps going, so the owner sees every problem
//! of a build at once. A `Diagnostic` names a site-relative file and a byte
//! span; `SourceMap` turns the span into `line:col` when it is printed.

pub mod render;
pub mod suggest;

use std::collections::BTreeMap;
use std::sync::Arc;

/// A byte range in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end: end.max(start) }
    }
    /// Moves a span found in an embedded region to file coordinates.
    pub fn shifted(self, by: usize) -> Self {
        Span { start: self.start + by, end: self.end + by }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Site-relative path, `/`-separated (`content/posts/x.md`).
    pub file: String,
    pub span: Option<Span>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }
}

/// Line starts of one file, to turn byte offsets into `line:col` and back.
#[derive(Debug, Clone)]
pub struct SourceMap {
    line_starts: Vec<usize>,
}

impl SourceMap {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceMap { line_starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = text.get(start..offset).map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// Byte offset of a 1-based line and column (column in characters).
    pub fn offset(&self, text: &str, line: usize, col: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return text.len();
        };
        let rest = &text[start..];
        let line_len = rest.find('\n').unwrap_or(rest.len());
        let col_bytes = rest[..line_len].char_indices().nth(col.saturating_sub(1)).map_or(line_len, |(i, _)| i);
        start + col_bytes
    }
}

/// The sink every stage writes to, plus the text of each file it names so
/// that spans can be shown with their line.
#[derive(Debug, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
    sources: BTreeMap<String, Arc<str>>,
    /// Where some files are named (a staff member's `photo:`), so that a
    /// problem found in the file itself, later and without a line (a photo
    /// that does not decode), is shown at that line instead.
    uses: BTreeMap<String, Use>,
}

/// Where a file is named: the naming file, the span, and a label for the
/// message ("photo `x.jpg` of ada").
#[derive(Debug, Clone)]
struct Use {
    file: String,
    span: Option<Span>,
    label: String,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a file's text so its spans can be printed with line numbers.
    pub fn add_source(&mut self, file: &str, text: Arc<str>) {
        self.sources.entry(file.to_string()).or_insert(text);
    }

    /// Records that `file` is named at `span` of `by`: a later problem of
    /// `file` without a line (`error(file, None, ..)`) is reported there,
    /// its message led by `label`. The text of `by` is kept for it.
    pub fn named_at(&mut self, file: &str, by: &str, span: Option<Span>, label: impl Into<String>) {
        self.uses.insert(file.to_string(), Use { file: by.to_string(), span, label: label.into() });
    }

    /// Drops the text of every file no diagnostic names (a large site's
    /// sources are not kept alive through rendering).
    pub fn retain_used_sources(&mut self) {
        let used: std::collections::HashSet<&str> =
            self.list.iter().map(|d| d.file.as_str()).chain(self.uses.values().map(|u| u.file.as_str())).collect();
        self.sources.retain(|k, _| used.contains(k.as_str()));
    }

    pub fn source(&self, file: &str) -> Option<&str> {
        self.sources.get(file).map(|s| &**s)
    }

    pub fn push(
        &mut self,
        severity: Severity,
        file: &str,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let mut d = Diagnostic { severity, file: file.to_string(), span, message: message.into(), help: None };
        if let (None, Some(u)) = (span, self.uses.get(file)) {
            d = Diagnostic { file: u.file.clone(), span: u.span, message: format!("{}: {}", u.label, d.message), ..d };
        }
        self.list.push(d);
        self.list.last_mut().expect("just pushed")
    }

    pub fn error(&mut self, file: &str, span: Option<Span>, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Severity::Error, file, span, message)
    }

    pub fn warning(&mut self, file: &str, span: Option<Span>, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Severity::Warning, file, span, message)
    }

    /// Merges another sink (a parallel worker's) into this one.
    pub fn extend(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
        self.uses.extend(other.uses);
        for (k, v) in other.sources {
            self.sources.entry(k).or_insert(v);
        }
    }

    /// Merges another sink, leaving out the diagnostics this one already
    /// holds (the same shared data checked once per language of a site).
    pub fn extend_unique(&mut self, other: Diagnostics) {
        let Diagnostics { list, uses, sources } = other;
        for d in list {
            if !self.list.contains(&d) {
                self.list.push(d);
            }
        }
        for (k, v) in uses {
            self.uses.entry(k).or_insert(v);
        }
        for (k, v) in sources {
            self.sources.entry(k).or_insert(v);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.list.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub fn warning_count(&self) -> usize {
        self.list.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    /// Turns every warning into an error (`--strict`).
    pub fn promote_warnings(&mut self) {
        for d in &mut self.list {
            d.severity = Severity::Error;
        }
    }

    /// The diagnostics in a stable order: by file, then position, then text.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.list.iter().collect();
        v.sort_by(|a, b| {
            (&a.file, a.span.map(|s| s.start), a.severity, &a.message).cmp(&(
                &b.file,
                b.span.map(|s| s.start),
                b.severity,
                &b.message,
            ))
        });
        v.dedup_by(|a, b| a == b);
        v
    }

    /// `line:col` of a diagnostic, where its file's text is known.
    pub fn location(&self, d: &Diagnostic) -> Option<(usize, usize)> {
        let span = d.span?;
        let text = self.sources.get(&d.file)?;
        Some(SourceMap::new(text).line_col(text, span.start))
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// No diagnostic, and no file recorded as named somewhere (`named_at`).
    pub fn is_blank(&self) -> bool {
        self.list.is_empty() && self.uses.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn line_col_of_offsets() {
        let text = "a: 1\nbb: 2\n\nccc";
        let map = SourceMap::new(text);
        assert_eq!(map.line_col(text, 0), (1, 1));
        assert_eq!(map.line_col(text, 5), (2, 1));
        assert_eq!(map.line_col(text, 9), (2, 5));
        assert_eq!(map.line_col(text, 12), (4, 1));
        assert_eq!(map.offset(text, 2, 5), 9);
        assert_eq!(map.offset(text, 4, 3), 14);
    }

    #[test]
    fn a_problem_of_a_named_file_is_shown_where_it_is_named() {
        let mut diags = Diagnostics::new();
        let staff = "- id: ada\n  photo: static/ada.png\n";
        diags.add_source("data/staff.yaml", Arc::from(staff));
        diags.add_source("static/ada.png", Arc::from(""));
        diags.named_at("static/ada.png", "data/staff.yaml", Some(Span::new(19, 33)), "photo `static/ada.png` of ada");
        diags.retain_used_sources();
        diags.error("static/ada.png", None, "this photo is damaged").help("copy it again");
        diags.error("static/other.png", None, "this photo is damaged");
        let shown: Vec<String> =
            diags.sorted().into_iter().map(|d| format!("{} {:?} {}", d.file, diags.location(d), d.message)).collect();
        assert_eq!(
            shown,
            [
                "data/staff.yaml Some((2, 10)) photo `static/ada.png` of ada: this photo is damaged",
                "static/other.png None this photo is damaged",
            ]
        );
    }

    proptest! {
        #[test]
        fn offset_line_col_round_trip(text in "[a-zé\n ]{0,80}", pick in 0usize..100) {
            let map = SourceMap::new(&text);
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let offset = boundaries[pick % boundaries.len()];
            let (line, col) = map.line_col(&text, offset);
            prop_assert_eq!(map.offset(&text, line, col), offset);
        }
    }
}
