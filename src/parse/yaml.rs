//! Part of stage 2 (parse), and the only module that touches `serde_yaml`.
//! It parses YAML text into typed values with file-relative spans, checks
//! mapping keys against a known list (with a "did you mean"), and locates a
//! key path in the text for errors found after a successful parse
//! (`locate.rs`, by indentation). Before `serde_yaml` reads a text, its
//! nesting is measured (`depth.rs`) so that no file can make parsing
//! quadratic; an alias bomb ("billion laughs") is reported at its first
//! alias. Reads no file and never prints.

mod depth;
mod locate;

use crate::diag::{suggest, Diagnostics, SourceMap, Span};
use serde::de::DeserializeOwned;

pub use depth::MAX_DEPTH;
pub use locate::{locate, locate_shared, scan_steps, Seg, YamlIndex};
pub use serde_yaml::{Mapping, Value};

/// A YAML problem with the offset (in the parsed text) where it was found.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub offset: Option<usize>,
    /// What to do, when the error itself knows better than the caller's
    /// generic help (a tab: "use spaces").
    pub help: Option<String>,
}

/// The help for a tab in YAML's indentation.
pub const TAB_HELP: &str = "YAML lines are indented with spaces only: replace the tab with spaces (two per level)";

fn convert(text: &str, err: &serde_yaml::Error) -> YamlError {
    let mut message = err.to_string();
    // serde_yaml appends " at line L column C"; we show the location ourselves.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    let mut offset = err.location().map(|loc| {
        let map = SourceMap::new(text);
        map.offset(text, loc.line(), loc.column())
    });
    // serde_yaml gives no place for an alias bomb: point at its first alias.
    if message == "repetition limit exceeded" {
        let alias = first_alias(text);
        offset = offset.or(alias.as_ref().map(|(at, _)| *at));
        let name = alias.map_or("*name".to_string(), |(_, name)| name);
        message = format!(
            "the aliases here (`{name}` and those it repeats) expand to far more than the file holds (a \"billion laughs\" file), so shopstory does not read it"
        );
    }
    // A tab where YAML wants spaces: libyaml says "found a tab character
    // that violates indentation" or "found character that cannot start any
    // token", sometimes on the line after the tab. Point at the tab itself.
    if let Some(tab) = offending_tab(text, &message, offset) {
        return YamlError {
            message: "this line has a tab: use spaces, not tabs".to_string(),
            offset: Some(tab),
            help: Some(TAB_HELP.to_string()),
        };
    }
    YamlError { message, offset, help: None }
}

/// The offset of the tab a syntax error is about: the error's own place,
/// or a tab in the indentation (or after a `- `) of the error's line or the
/// line before it, when the message is one libyaml gives for a tab. A tab
/// between a key and its value is valid YAML and blames nothing.
fn offending_tab(text: &str, message: &str, offset: Option<usize>) -> Option<usize> {
    let about_tab = message.contains("tab character")
        || message.contains("cannot start any token")
        || message.contains("did not find expected")
        || message.contains("mapping values are not allowed");
    if !about_tab {
        return None;
    }
    let at = offset?.min(text.len());
    if text[at..].starts_with('\t') {
        return Some(at);
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prev_start = text[..line_start.saturating_sub(1)].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let indent_tab = |from: usize, to: usize| {
        let line = &text[from..to];
        let tab = line.find('\t')?;
        line[..tab].chars().all(|c| c == ' ' || c == '-').then_some(from + tab)
    };
    indent_tab(line_start, line_end)
        .or_else(|| (line_start > 0).then(|| indent_tab(prev_start, line_start - 1)).flatten())
}

/// The offset and text (`*name`) of the first alias in `text`, outside
/// quotes and comments as far as one line shows.
fn first_alias(text: &str) -> Option<(usize, String)> {
    let bytes = text.as_bytes();
    let name_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let code = line.split(" #").next().unwrap_or(line);
        for (i, _) in code.match_indices('*') {
            let at = offset + i;
            let before = if at == 0 { b' ' } else { bytes[at - 1] };
            let len = bytes[at + 1..].iter().take_while(|&&b| name_byte(b)).count();
            if len > 0 && matches!(before, b' ' | b'\t' | b'[' | b',' | b'{') {
                return Some((at, text[at..at + 1 + len].to_string()));
            }
        }
        offset += line.len();
    }
    None
}

/// Refuses text nested deeper than `MAX_DEPTH`, at the place it gets there.
fn check_depth(text: &str) -> Result<(), YamlError> {
    match depth::too_deep(text, MAX_DEPTH) {
        None => Ok(()),
        Some((offset, depth)) => Err(YamlError {
            message: format!(
                "this is nested {depth} levels deep, more than the {MAX_DEPTH} shopstory reads (look for stray `[`, `{{` or `- `)"
            ),
            offset: Some(offset),
            help: None,
        }),
    }
}

/// Parses YAML text to a generic value.
pub fn parse_value(text: &str) -> Result<Value, YamlError> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    check_depth(text)?;
    serde_yaml::from_str(text).map_err(|e| convert(text, &e))
}

/// Parses YAML text to a typed value.
pub fn parse_typed<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    check_depth(text)?;
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
        diags.error(self.file, span, err.message.clone()).help(err.help.as_deref().unwrap_or(help));
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
        let index = std::cell::OnceCell::new();
        let locate = |p: &[Seg<'_>]| index.get_or_init(|| YamlIndex::new(self.text)).locate(self.text, p);
        self.check_keys_with(diags, map, (path, known, what), &locate)
    }

    /// `check_keys` for a file's top level, where a key that belongs inside
    /// one of `sections` (`logo:` of `shop:`) is reported as such: "did you
    /// mean `shop.logo`?", with where to write it.
    pub fn check_top_keys(
        &self,
        diags: &mut Diagnostics,
        map: &Mapping,
        (known, sections): (&[&str], &[(&str, &[&str])]),
        what: &str,
    ) -> bool {
        let mut rest = map.clone();
        let mut ok = true;
        for key in map.keys() {
            let Value::String(name) = key else { continue };
            if known.contains(&name.as_str()) {
                continue;
            }
            let Some((section, _)) = sections.iter().find(|(_, keys)| keys.contains(&name.as_str())) else {
                continue;
            };
            rest.remove(key);
            ok = false;
            let span =
                locate(self.text, &[Seg::Key(name)]).map(|s| self.key_span(s, name)).map(|s| s.shifted(self.offset));
            diags.error(self.file, span, format!("unknown key `{name}` in {what}")).help(format!(
                "did you mean `{section}.{name}`? `{name}:` goes inside `{section}:`, on its own line indented under it"
            ));
        }
        self.check_keys(diags, &rest, &[], known, what) && ok
    }

    /// `check_keys`, finding keys in the text with `locate` (in region
    /// coordinates), so that a caller checking many records of one text
    /// reads it once (`locate_shared`).
    pub fn check_keys_with(
        &self,
        diags: &mut Diagnostics,
        map: &Mapping,
        (path, known, what): (&[Seg<'_>], &[&str], &str),
        locate: &dyn Fn(&[Seg<'_>]) -> Option<Span>,
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
            let span = locate(&key_path).map(|s| self.key_span(s, &name)).map(|s| s.shifted(self.offset));
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
    fn a_tab_in_the_indentation_is_named_at_its_place() {
        for (text, tab_at) in [
            ("- id: ada\n\tname: Ada\n", 10),
            ("- id: ada\n  name: Ada\n\trole: Owner\n", 22),
            ("-\tid: ada\n", 1),
            ("tags:\n\t- news\n", 6),
        ] {
            let err = parse_value(text).unwrap_err();
            assert_eq!(err.message, "this line has a tab: use spaces, not tabs", "{text:?}");
            assert_eq!(err.offset, Some(tab_at), "{text:?}");
            assert_eq!(err.help.as_deref(), Some(TAB_HELP));
        }
        // A tab between a key and its value is valid: the real error stays.
        let err = parse_value("- id: ada\n  role:\t[Owner\n").unwrap_err();
        assert_eq!(err.message, "did not find expected ',' or ']'");
        assert_eq!(err.help, None);
        assert!(parse_value("name:\tAda\n").is_ok());
    }

    #[test]
    fn syntax_errors_have_offsets() {
        let text = "title: a\ntags: [a, b\n";
        let err = parse_value(text).unwrap_err();
        assert!(err.offset.is_some());
        assert!(!err.message.contains(" at line "));
    }
}
