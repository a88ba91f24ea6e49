//! Splits a markdown file into its YAML front matter and its body, keeping
//! the byte offset of each so that every later span is in file coordinates.

use super::yaml::{Region, Seg};
use crate::diag::{Diagnostics, Span};

/// A file cut in two at its `---` lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with a `---` line.
    Missing,
    /// The opening `---` has no closing `---`.
    NotClosed,
}

/// Splits `---\n<yaml>\n---\n<body>`. The closing line may also be `...`.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(SplitError::Missing);
    }
    let yaml_offset = (first_end + 1).min(text.len());
    let mut pos = yaml_offset;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            let body_offset = (end + 1).min(text.len());
            return Ok(Split { yaml: &text[yaml_offset..pos], yaml_offset, body: &text[body_offset..], body_offset });
        }
        pos = end + 1;
    }
    Err(SplitError::NotClosed)
}

/// What the errors of `split_or_report` say, for one kind of file.
pub struct Wording {
    /// "this event has no front matter"
    pub missing: &'static str,
    pub missing_help: &'static str,
    pub not_closed_help: &'static str,
}

/// `split`, with a missing or unclosed front matter reported at its place
/// in `path` (`None` then).
pub fn split_or_report<'a>(path: &str, text: &'a str, w: &Wording, diags: &mut Diagnostics) -> Option<Split<'a>> {
    match split(text) {
        Ok(s) => Some(s),
        Err(SplitError::Missing) => {
            let first_line = text.find('\n').unwrap_or(text.len()).min(80);
            diags.error(path, Some(Span::new(0, first_line)), w.missing).help(w.missing_help);
            None
        }
        Err(SplitError::NotClosed) => {
            diags
                .error(path, Some(Span::new(0, 3)), "the front matter opened here is never closed")
                .help(w.not_closed_help);
            None
        }
    }
}

/// The span of a front-matter key's value in a parsed file, in file
/// coordinates (`front_offset`, `front_len`: where its YAML is in `text`).
pub fn key_span(source: &str, text: &str, front_offset: usize, front_len: usize, key: &str) -> Option<Span> {
    let region = Region { file: source, text: &text[front_offset..front_offset + front_len], offset: front_offset };
    region.span(&[Seg::Key(key)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_with_offsets() {
        let text = "---\ntitle: A\n---\nbody\n";
        let s = split(text).unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(&text[s.yaml_offset..s.yaml_offset + 5], "title");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_offset, 17);
    }

    #[test]
    fn errors() {
        assert_eq!(split("title: A\n"), Err(SplitError::Missing));
        assert_eq!(split("---\ntitle: A\nbody"), Err(SplitError::NotClosed));
        assert_eq!(split("---\n---\n").unwrap().yaml, "");
        assert_eq!(split("---\ntitle: A\n...\nx").unwrap().body, "x");
        assert_eq!(split("---\ntitle: A\n---").unwrap().body, "");
    }

    proptest! {
        #[test]
        fn never_panics_and_offsets_are_consistent(text in "(---\n)?\\PC{0,60}(\n---\n)?\\PC{0,20}") {
            if let Ok(s) = split(&text) {
                prop_assert_eq!(&text[s.yaml_offset..s.yaml_offset + s.yaml.len()], s.yaml);
                prop_assert_eq!(&text[s.body_offset..], s.body);
            }
        }
    }
}
