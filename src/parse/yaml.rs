//! The only module that touches `serde_yaml`. It parses YAML into typed
//! values with file-relative spans, checks mapping keys against a known list
//! (with a "did you mean"), and locates a key path in the text for errors
//! found after a successful parse (`locate`), by scanning indentation.

use crate::diag::{suggest, Diagnostics, SourceMap, Span};
use serde::de::DeserializeOwned;

pub use serde_yaml::{Mapping, Value};

/// A YAML problem with the offset (in the parsed text) where it was found.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub offset: Option<usize>,
}

fn convert(text: &str, err: &serde_yaml::Error) -> YamlError {
    let mut message = err.to_string();
    // serde_yaml appends " at line L column C"; we show the location ourselves.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    let offset = err.location().map(|loc| {
        let map = SourceMap::new(text);
        map.offset(text, loc.line(), loc.column())
    });
    YamlError { message, offset }
}

/// Parses YAML text to a generic value.
pub fn parse_value(text: &str) -> Result<Value, YamlError> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_yaml::from_str(text).map_err(|e| convert(text, &e))
}

/// Parses YAML text to a typed value.
pub fn parse_typed<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_yaml::from_str(text).map_err(|e| convert(text, &e))
}

/// Parses YAML text to a typed value when `value` is already that text
/// parsed (`parse_value`), without reading the text again. A value records
/// what the text's scalars read as, so converting it gives what
/// `parse_typed` gives, with two exceptions that fall back to the text:
/// a failed conversion (a number where text is expected converts only from
/// the text; and only the text's errors have a line) and a mapping with a
/// key that is not text (a value's `0:` would name the first field).
pub fn parse_typed_from<T: DeserializeOwned>(text: &str, value: Value) -> Result<T, YamlError> {
    if let Value::Mapping(m) = &value {
        if m.keys().all(Value::is_string) {
            if let Ok(typed) = serde_yaml::from_value(value) {
                return Ok(typed);
            }
        }
    }
    parse_typed(text)
}

/// Serialises a value back to YAML (for `init` and `new`).
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}

/// A scalar as text; `Err` for a list or a group.
pub(crate) fn scalar(v: &Value) -> Result<Option<String>, ()> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        _ => Err(()),
    }
}

/// Where a YAML region sits in its file, for shifting spans and reporting.
#[derive(Clone, Copy)]
pub struct Region<'a> {
    pub file: &'a str,
    pub text: &'a str,
    /// Byte offset of `text` within the file.
    pub offset: usize,
}

impl Region<'_> {
    /// Reports a YAML parse error at its place in the file.
    pub fn report(&self, diags: &mut Diagnostics, err: &YamlError, help: &str) {
        // An error at the end of the region (an unclosed bracket) is shown
        // on its last line rather than on the closing `---`.
        let offset = err.offset.map(|o| {
            if o >= self.text.trim_end().len() {
                let trimmed = self.text.trim_end();
                trimmed.rfind('\n').map_or(0, |i| i + 1)
            } else {
                o
            }
        });
        let span = offset.map(|o| Span::new(o, o + 1).shifted(self.offset));
        diags.error(self.file, span, err.message.clone()).help(help);
    }

    /// The span of a key path in this region, in file coordinates.
    pub fn span(&self, path: &[Seg<'_>]) -> Option<Span> {
        locate(self.text, path).map(|s| s.shifted(self.offset))
    }

    /// Reports every key of `map` (found at `path`) that is not in `known`,
    /// with the nearest known key as a suggestion. Returns whether all keys
    /// were known.
    pub fn check_keys(
        &self,
        diags: &mut Diagnostics,
        map: &Mapping,
        path: &[Seg<'_>],
        known: &[&str],
        what: &str,
    ) -> bool {
        let mut ok = true;
        for key in map.keys() {
            let name = match key {
                Value::String(s) => s.clone(),
                other => to_string(other).trim().to_string(),
            };
            if known.contains(&name.as_str()) {
                continue;
            }
            ok = false;
            let mut key_path = path.to_vec();
            key_path.push(Seg::Key(&name));
            let span = locate(self.text, &key_path).map(|s| self.key_span(s, &name)).map(|s| s.shifted(self.offset));
            let d = diags.error(self.file, span, format!("unknown key `{name}` in {what}"));
            match suggest::nearest(&name, known) {
                Some(near) => d.help(format!("did you mean `{near}`?")),
                None => d.help(format!("the keys {what} knows are: {}", known.join(", "))),
            };
        }
        ok
    }

    /// Narrows a value span back to the key itself (for unknown keys).
    fn key_span(&self, value_span: Span, key: &str) -> Span {
        let line_start = self.text[..value_span.start].rfind('\n').map_or(0, |i| i + 1);
        let line = &self.text[line_start..];
        match line.find(key) {
            Some(i) => Span::new(line_start + i, line_start + i + key.len()),
            None => value_span,
        }
    }
}

/// One step of a key path: a mapping key or a sequence index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

struct Line<'a> {
    offset: usize,
    text: &'a str,
}

impl Line<'_> {
    fn is_blank(&self) -> bool {
        let t = self.text.trim_start();
        t.is_empty() || t.starts_with('#')
    }
    fn indent(&self) -> usize {
        self.text.len() - self.text.trim_start_matches(' ').len()
    }
    /// Column of the first dash, if the line is a sequence item.
    fn dash(&self) -> Option<usize> {
        let i = self.indent();
        let rest = &self.text[i..];
        (rest == "-" || rest.starts_with("- ")).then_some(i)
    }
    /// The key of the line (after any `- ` prefixes): column, key, value start.
    fn key(&self) -> Option<(usize, &str, usize)> {
        let mut col = self.indent();
        let mut rest = &self.text[col..];
        while let Some(r) = rest.strip_prefix("- ") {
            let r2 = r.trim_start_matches(' ');
            col += 2 + (r.len() - r2.len());
            rest = r2;
        }
        let (raw_key, after) = if let Some(q) = rest.strip_prefix('"') {
            let end = q.find('"')?;
            (&q[..end], &q[end + 1..])
        } else if let Some(q) = rest.strip_prefix('\'') {
            let end = q.find('\'')?;
            (&q[..end], &q[end + 1..])
        } else {
            let end = rest.find(':')?;
            (&rest[..end], &rest[end..])
        };
        let after_colon = after.strip_prefix(':')?;
        if !(after_colon.is_empty() || after_colon.starts_with(' ')) {
            return None;
        }
        let value_col = self.text.len() - after_colon.trim_start().len();
        Some((col, raw_key.trim(), value_col))
    }
}

/// Finds the span of the value at a key path (or of the key when the value
/// is on the following lines) by scanning block-style YAML indentation.
/// Flow style (`{a: 1}`) is located at its enclosing key.
pub fn locate(text: &str, path: &[Seg<'_>]) -> Option<Span> {
    let mut lines = Vec::new();
    let mut offset = 0;
    for l in text.split('\n') {
        lines.push(Line { offset, text: l.trim_end_matches('\r') });
        offset += l.len() + 1;
    }
    let (mut from, mut to) = (0, lines.len());
    let mut found: Option<Span> = None;
    // The column at which keys of the current mapping sit; None = first key seen.
    let mut key_col: Option<usize> = None;
    for seg in path {
        match *seg {
            Seg::Key(k) => {
                let col = match key_col {
                    Some(c) => c,
                    None => lines[from..to].iter().filter(|l| !l.is_blank()).find_map(|l| l.key())?.0,
                };
                let (idx, kcol, vcol) = (from..to).find_map(|i| {
                    let l = &lines[i];
                    if l.is_blank() {
                        return None;
                    }
                    match l.key() {
                        Some((c, key, v)) if c == col && key == k => Some((i, c, v)),
                        _ => None,
                    }
                })?;
                let line = &lines[idx];
                let value = line.text[vcol..].trim_end();
                found = Some(if value.is_empty() {
                    Span::new(line.offset + kcol, line.offset + kcol + k.len())
                } else {
                    Span::new(line.offset + vcol, line.offset + vcol + value.len())
                });
                let end = (idx + 1..to)
                    .find(|&i| {
                        let l = &lines[i];
                        !l.is_blank() && (l.indent() < kcol || (l.indent() == kcol && l.dash().is_none()))
                    })
                    .unwrap_or(to);
                from = idx + 1;
                to = end;
                key_col = None;
            }
            Seg::Index(n) => {
                let col = lines[from..to].iter().filter(|l| !l.is_blank()).filter_map(|l| l.dash()).min();
                // `key: - a` is not YAML; a sequence can also start on the key's own line
                // only in flow style, which we do not locate inside.
                let col = col?;
                let items: Vec<usize> = (from..to).filter(|&i| lines[i].dash() == Some(col)).collect();
                let idx = *items.get(n)?;
                let end = items.get(n + 1).copied().unwrap_or_else(|| {
                    (idx + 1..to).find(|&i| !lines[i].is_blank() && lines[i].indent() < col).unwrap_or(to)
                });
                let line = &lines[idx];
                let content_start = col + 2;
                found = Some(Span::new(
                    line.offset + col,
                    line.offset + line.text.trim_end().len().max(content_start.min(line.text.len())),
                ));
                key_col = line.key().map(|(c, _, _)| c).or(Some(content_start));
                from = idx;
                to = end;
                // Keys of this item may sit on the dash line itself.
                if line.key().is_none() {
                    from = idx + 1;
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(text: &'a str, path: &[Seg<'_>]) -> &'a str {
        let s = locate(text, path).expect("located");
        &text[s.start..s.end]
    }

    #[test]
    fn locates_keys_and_items() {
        let text = "title: Shop\nshop:\n  name: A\n  address:\n    city: Portland\nlist:\n  - id: a\n    rating: 5\n  - id: b\n    rating: 7\n";
        assert_eq!(at(text, &[Seg::Key("title")]), "Shop");
        assert_eq!(at(text, &[Seg::Key("shop"), Seg::Key("address"), Seg::Key("city")]), "Portland");
        assert_eq!(at(text, &[Seg::Key("list"), Seg::Index(1), Seg::Key("rating")]), "7");
        assert_eq!(at(text, &[Seg::Key("list"), Seg::Index(0), Seg::Key("id")]), "a");
        assert!(locate(text, &[Seg::Key("missing")]).is_none());
    }

    #[test]
    fn locates_in_top_level_sequences() {
        let text = "# reviews\n- id: a\n  rating: 5\n\n- id: b\n  text: hi\n  rating: 9\n";
        assert_eq!(at(text, &[Seg::Index(1), Seg::Key("rating")]), "9");
        assert_eq!(at(text, &[Seg::Index(1), Seg::Key("id")]), "b");
        let dashes = "-\n  id: a\n-\n  id: b\n";
        assert_eq!(at(dashes, &[Seg::Index(1), Seg::Key("id")]), "b");
    }

    #[test]
    fn syntax_errors_have_offsets() {
        let text = "title: a\ntags: [a, b\n";
        let err = parse_value(text).unwrap_err();
        assert!(err.offset.is_some());
        assert!(!err.message.contains(" at line "));
    }
}
