//! Shortcodes in markdown: `{{ name(key="text", n=3, flag=true) }}`, inline
//! or alone on a line, and bare video URLs alone on a line. Found in the raw
//! body outside code blocks and inline code, replaced by placeholders before
//! markdown runs (so smart punctuation never touches their arguments), and
//! put back as HTML afterwards. Spans stay in file coordinates.

use crate::diag::Span;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::collections::BTreeMap;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    Str(String),
    Num(f64),
    Bool(bool),
}

impl ArgValue {
    pub fn as_text(&self) -> String {
        match self {
            ArgValue::Str(s) => s.clone(),
            ArgValue::Num(n) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", *n as i64)
                } else {
                    n.to_string()
                }
            }
            ArgValue::Bool(b) => b.to_string(),
        }
    }
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            ArgValue::Str(s) => serde_json::Value::String(s.clone()),
            ArgValue::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => serde_json::json!(*n as i64),
            ArgValue::Num(n) => serde_json::json!(n),
            ArgValue::Bool(b) => serde_json::Value::Bool(*b),
        }
    }
}

/// One shortcode as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: BTreeMap<String, ArgValue>,
    /// In file coordinates.
    pub span: Span,
    /// Alone on its line (rendered as a block, not inside a paragraph).
    pub block: bool,
}

/// A problem found while scanning, in file coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanError {
    pub span: Span,
    pub message: String,
    pub help: String,
}

/// Byte ranges of code blocks and inline code in a markdown body.
pub fn code_ranges(body: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut open: Option<usize> = None;
    for (event, range) in Parser::new_ext(body, super::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => open = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(s) = open.take() {
                    ranges.push(s..range.end);
                }
            }
            Event::Code(_) | Event::Html(_) | Event::InlineHtml(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Parses `name(k="v", n=1)` (the inside of `{{ }}`).
pub fn parse_call(inner: &str) -> Result<(String, BTreeMap<String, ArgValue>), String> {
    let inner = inner.trim();
    let open = inner.find('(').ok_or("a shortcode is written name(arguments), such as youtube(id=\"abc\")")?;
    let name = inner[..open].trim();
    if !is_ident(name) {
        return Err(format!("`{name}` is not a shortcode name"));
    }
    let rest = inner[open + 1..].trim_end();
    let args_text = rest.strip_suffix(')').ok_or("the shortcode's `(` has no closing `)`")?;
    let mut args = BTreeMap::new();
    let mut s = args_text.trim();
    while !s.is_empty() {
        let eq = s.find('=').ok_or_else(|| format!("`{s}`: each argument is written key=value"))?;
        let key = s[..eq].trim();
        if !is_ident(key) {
            return Err(format!("`{key}` is not an argument name"));
        }
        let after = s[eq + 1..].trim_start();
        let (value, rest) = if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let body = &after[1..];
            let mut end = None;
            let mut escaped = false;
            for (i, c) in body.char_indices() {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    end = Some(i);
                    break;
                }
            }
            let end = end.ok_or_else(|| format!("the text of `{key}` has no closing quote"))?;
            let text = body[..end].replace("\\\"", "\"").replace("\\'", "'").replace("\\\\", "\\");
            (ArgValue::Str(text), &body[end + 1..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            let raw = after[..end].trim();
            let v = match raw {
                "true" => ArgValue::Bool(true),
                "false" => ArgValue::Bool(false),
                n => ArgValue::Num(
                    n.parse::<f64>().map_err(|_| format!("`{key}={n}`: put text in quotes, such as {key}=\"{n}\""))?,
                ),
            };
            (v, &after[end..])
        };
        if args.insert(key.to_string(), value).is_some() {
            return Err(format!("`{key}` is given twice"));
        }
        let rest = rest.trim_start();
        s = match rest.strip_prefix(',') {
            Some(r) => r.trim_start(),
            None if rest.is_empty() => rest,
            None => return Err(format!("`{rest}`: separate arguments with commas")),
        };
    }
    Ok((name.to_string(), args))
}

/// A found shortcode (or bare URL line) with its range in the body.
#[derive(Debug, Clone)]
pub enum Found {
    Call(Call),
    /// A URL alone on its line, for the embedder to recognise or not.
    Url {
        url: String,
        span: Span,
    },
}

/// The code ranges of a body, found only when a candidate needs them: most
/// bodies have no `{{` and no bare URL line, and finding code is a whole
/// markdown parse.
struct CodeRanges<'a> {
    body: &'a str,
    ranges: std::cell::OnceCell<Vec<Range<usize>>>,
}

impl CodeRanges<'_> {
    /// Whether `at` is inside code: a binary search over the ranges, sorted
    /// and merged once (a body with thousands of code spans and shortcodes
    /// was quadratic when every candidate walked every range).
    fn contains(&self, at: usize) -> bool {
        let ranges = self.ranges.get_or_init(|| {
            let mut ranges = code_ranges(self.body);
            ranges.sort_by_key(|r| r.start);
            let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
            for r in ranges {
                match merged.last_mut() {
                    Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                    _ => merged.push(r),
                }
            }
            merged
        });
        let i = ranges.partition_point(|r| r.start <= at);
        i > 0 && ranges[i - 1].contains(&at)
    }
}

fn alone_on_line(body: &str, start: usize, end: usize) -> bool {
    let line_start = body[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = body[end..].find('\n').map_or(body.len(), |i| end + i);
    body[line_start..start].trim().is_empty() && body[end..line_end].trim().is_empty()
}

/// The first `{{` at or after `from`: `str::find("{{")` runs a two-way
/// search over the whole body, a `{` is found with memchr.
fn find_open(body: &str, mut from: usize) -> Option<usize> {
    while let Some(i) = body[from..].find('{') {
        let at = from + i;
        if body.as_bytes().get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Finds the shortcodes and bare URL lines of a body. Ranges are in body
/// coordinates; spans in file coordinates.
pub fn scan(body: &str, body_offset: usize) -> (Vec<(Range<usize>, Found)>, Vec<ScanError>) {
    let code = CodeRanges { body, ranges: std::cell::OnceCell::new() };
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut pos = 0;
    while let Some(start) = find_open(body, pos) {
        pos = start + 2;
        if code.contains(start) {
            continue;
        }
        // Only this line can hold the name and its `(`: looking further would
        // read the rest of the body again for every `{{`.
        let line_end = body[start + 2..].find('\n').map_or(body.len(), |i| start + 2 + i);
        let after = body[start + 2..line_end].trim_start();
        let looks_like_call = after.find('(').is_some_and(|p| is_ident(after[..p].trim()));
        if !looks_like_call {
            continue;
        }
        let Some(close) = body[start..].find("}}") else {
            let line_end = body[start..].find('\n').map_or(body.len(), |e| start + e);
            errors.push(ScanError {
                span: Span::new(start, line_end).shifted(body_offset),
                message: "this shortcode is never closed".into(),
                help: "end it with `}}` on the same line, such as {{ youtube(id=\"abc\") }}".into(),
            });
            break;
        };
        let end = start + close + 2;
        let inner = &body[start + 2..start + close];
        let span = Span::new(start, end).shifted(body_offset);
        if inner.contains('\n') && !inner.trim_end().ends_with(')') {
            errors.push(ScanError {
                span,
                message: "this shortcode is never closed".into(),
                help: "end it with `)}}` on the same line".into(),
            });
            pos = end;
            continue;
        }
        match parse_call(inner) {
            Ok((name, args)) => {
                found
                    .push((start..end, Found::Call(Call { name, args, span, block: alone_on_line(body, start, end) })));
            }
            Err(why) => errors.push(ScanError {
                span,
                message: format!("this shortcode cannot be read: {why}"),
                help: "write it as {{ name(key=\"value\") }}".into(),
            }),
        }
        pos = end;
    }
    // Bare URLs alone on their line (not inside a call: the calls found so far are sorted).
    let calls = found.len();
    let mut line_start = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        let lead = line.len() - line.trim_start().len();
        if (trimmed.starts_with("https://") || trimmed.starts_with("http://"))
            && !trimmed.contains(char::is_whitespace)
            && lead < 4
            && !code.contains(line_start + lead)
            && !inside_call(&found[..calls], line_start + lead)
        {
            let s = line_start + lead;
            let e = s + trimmed.len();
            found.push((s..e, Found::Url { url: trimmed.to_string(), span: Span::new(s, e).shifted(body_offset) }));
        }
        line_start += line.len();
    }
    found.sort_by_key(|(r, _)| r.start);
    (found, errors)
}

/// Whether `at` is inside one of the calls found (sorted by start, apart).
fn inside_call(found: &[(Range<usize>, Found)], at: usize) -> bool {
    let i = found.partition_point(|(r, _)| r.start <= at);
    i > 0 && found[i - 1].0.contains(&at)
}

#[cfg(test)]
thread_local! {
    /// Bytes of HTML `put_back` has gone through on this thread.
    static PUT_BACK_BYTES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many bytes of HTML `put_back` has gone through on this thread (each
/// call reads its input once).
#[cfg(test)]
pub(crate) fn put_back_bytes() -> u64 {
    PUT_BACK_BYTES.with(std::cell::Cell::get)
}

/// Placeholder text for replacement `n`: letters only, so markdown leaves it alone.
pub fn placeholder(n: usize) -> String {
    format!("{PLACEHOLDER_PREFIX}{n}x")
}

const PLACEHOLDER_PREFIX: &str = "shopstoryembed";

/// Puts the HTML of each placeholder (`embeds[n]` for placeholder `n`) in
/// its place, in one pass over `html`: a placeholder that is a paragraph of
/// its own (`<p>…</p>`) becomes a block. Replacing one placeholder after
/// another copied the whole page once per embed (10,000 videos in one post
/// took 48 s).
pub fn put_back(html: &str, embeds: &[String]) -> String {
    #[cfg(test)]
    PUT_BACK_BYTES.with(|n| n.set(n.get() + html.len() as u64));
    let extra: usize = embeds.iter().map(String::len).sum();
    let mut out = String::with_capacity(html.len() + extra);
    let mut rest = html;
    while let Some(i) = rest.find(PLACEHOLDER_PREFIX) {
        out.push_str(&rest[..i]);
        let after = &rest[i + PLACEHOLDER_PREFIX.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let embed = after[..digits].parse::<usize>().ok().and_then(|n| embeds.get(n));
        match embed {
            Some(embed) if after[digits..].starts_with('x') => {
                let tail = &after[digits + 1..];
                if out.ends_with("<p>") && tail.starts_with("</p>\n") {
                    out.truncate(out.len() - "<p>".len());
                    out.push_str(embed);
                    out.push('\n');
                    rest = &tail["</p>\n".len()..];
                } else {
                    out.push_str(embed);
                    rest = tail;
                }
            }
            _ => {
                out.push_str(PLACEHOLDER_PREFIX);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text with every placeholder removed (for heading ids and excerpts).
pub fn strip_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(PLACEHOLDER_PREFIX) {
        out.push_str(&rest[..i]);
        let after = &rest[i + PLACEHOLDER_PREFIX.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && after[digits..].starts_with('x') {
            rest = &after[digits + 1..];
        } else {
            out.push_str(PLACEHOLDER_PREFIX);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arguments() {
        let (name, args) =
            parse_call(" youtube(id=\"dQw4w9WgXcQ\", start=42, autoplay=false, title='It\\'s') ").unwrap();
        assert_eq!(name, "youtube");
        assert_eq!(args["id"], ArgValue::Str("dQw4w9WgXcQ".into()));
        assert_eq!(args["start"], ArgValue::Num(42.0));
        assert_eq!(args["autoplay"], ArgValue::Bool(false));
        assert_eq!(args["title"], ArgValue::Str("It's".into()));
        assert_eq!(parse_call("moment()").unwrap().1.len(), 0);
        assert!(parse_call("youtube(id=abc)").unwrap_err().contains("put text in quotes"));
        assert!(parse_call("youtube(id=\"abc)").unwrap_err().contains("no closing quote"));
        assert!(parse_call("youtube(id=\"a\" start=1)").unwrap_err().contains("commas"));
    }

    #[test]
    fn finds_calls_outside_code_only() {
        let body = "Intro {{ review(id=\"r1\") }} here.\n\n{{ youtube(id=\"abc\") }}\n\n`{{ youtube(id=\"no\") }}`\n\n```\n{{ vimeo(id=\"no\") }}\n```\n\nhttps://youtu.be/abc\n\nA {{ not a call }} b.\n";
        let (found, errors) = scan(body, 100);
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<String> = found
            .iter()
            .map(|(_, f)| match f {
                Found::Call(c) => format!("{}:{}", c.name, c.block),
                Found::Url { url, .. } => url.clone(),
            })
            .collect();
        assert_eq!(names, ["review:false", "youtube:true", "https://youtu.be/abc"]);
        if let (r, Found::Call(c)) = &found[0] {
            assert_eq!(c.span.start, r.start + 100);
        }
    }

    #[test]
    fn bare_urls_count_only_alone_on_their_line_outside_code() {
        let body = concat!(
            "Watch https://youtu.be/aBc_12-XyZ9 today.\n\n",
            "https://youtu.be/aBc_12-XyZ9?t=5\n\n",
            "    https://youtu.be/indented4sp\n\n",
            "```\nhttps://youtu.be/inFenceXXXX\n```\n\n",
            "`https://youtu.be/inlineCode0`\n\n",
            "> https://vimeo.com/76979871\n\n",
            "  https://vimeo.com/11111111  \n\n",
            "https://a.example/x y\n",
        );
        let (found, errors) = scan(body, 0);
        assert!(errors.is_empty(), "{errors:?}");
        let urls: Vec<(&str, &str)> = found
            .iter()
            .map(|(r, f)| match f {
                Found::Url { url, .. } => (url.as_str(), &body[r.clone()]),
                Found::Call(c) => panic!("unexpected call {c:?}"),
            })
            .collect();
        assert_eq!(
            urls,
            [
                ("https://youtu.be/aBc_12-XyZ9?t=5", "https://youtu.be/aBc_12-XyZ9?t=5"),
                ("https://vimeo.com/11111111", "https://vimeo.com/11111111")
            ]
        );
    }

    #[test]
    fn open_braces_are_found_like_str_find() {
        for body in ["", "{", "{{", "a{b{{c", "{ {{", "é{{", "{{{", "x{y{z", "日{本{{"] {
            for from in (0..=body.len()).filter(|&i| body.is_char_boundary(i)) {
                assert_eq!(find_open(body, from), body[from..].find("{{").map(|i| from + i), "{body:?} from {from}");
            }
        }
    }

    #[test]
    fn unclosed_calls_are_errors() {
        let (_, errors) = scan("Text {{ youtube(id=\"abc\")\nmore\n", 0);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "this shortcode is never closed");
        assert_eq!(errors[0].span, Span::new(5, 25));
    }
}
