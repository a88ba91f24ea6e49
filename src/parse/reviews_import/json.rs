//! Google's own review export as a table: the `reviews.json` of a Google
//! Takeout "Google Business Profile" folder (an object with a `reviews` list
//! of Google's review objects), or the same objects as a bare list or one per
//! line. Each object becomes a row whose columns are its dotted key paths
//! (`reviewer.displayName`, `reviewReply.comment`, ...), so that the column
//! rules of CSV exports apply unchanged. Rows keep the line their object
//! starts on. No I/O.

use crate::diag::{Diagnostics, SourceMap, Span};
use crate::parse::csv::{Field, Record};
use serde_json::Value;

/// Whether a file is to be read as JSON rather than CSV.
pub(super) fn is_json(name: &str, text: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
        || text.trim_start_matches('\u{feff}').trim_start().starts_with(['{', '['])
}

/// Where each element of the outermost list starts: the `{` of every
/// object directly inside the first array at depth `depth` (1 for a bare
/// list, 2 for `{"reviews": [...]}`).
fn object_starts(text: &str, depth: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack: Vec<u8> = Vec::new();
    let (mut in_string, mut escaped) = (false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                if b == b'{' && stack.len() == depth && stack.last() == Some(&b'[') {
                    out.push(i);
                }
                stack.push(b);
            }
            b'}' | b']' => {
                stack.pop();
            }
            _ => {}
        }
    }
    out
}

/// The character at `at`, as a span.
fn point(text: &str, at: usize) -> Span {
    let at = at.min(text.len());
    Span::new(at, at + text[at..].chars().next().map_or(0, char::len_utf8))
}

/// `reviewer.displayName` → value, for every scalar under `v`.
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&path, v, out);
            }
        }
        Value::Null => out.push((prefix.to_string(), String::new())),
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// The header and rows of a JSON export; `None` after reporting why the
/// file cannot be read.
pub(super) fn table(file: &str, text: &str, diags: &mut Diagnostics) -> Option<(Record, Vec<Record>)> {
    let map = SourceMap::new(text);
    let before = diags.error_count();
    let body = text.trim_start_matches('\u{feff}');
    let shift = text.len() - body.len();
    let help = "export the reviews again from Google Takeout (Google Business Profile → reviews.json), or as CSV";
    // One value, or one value per line.
    let mut values: Vec<(usize, Value)> = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(body).into_iter::<Value>();
    let mut at = 0;
    loop {
        match stream.next() {
            None => break,
            Some(Ok(v)) => {
                let start = at + body[at..].len() - body[at..].trim_start().len();
                values.push((start + shift, v));
                at = stream.byte_offset();
            }
            Some(Err(e)) => {
                let offset = map.offset(text, e.line().max(1), e.column().max(1));
                diags.error(file, Some(point(text, offset)), format!("this is not valid JSON: {e}")).help(help);
                return None;
            }
        }
    }
    let (objects, starts): (Vec<Value>, Vec<usize>) = match values.as_slice() {
        [] => {
            diags.error(file, None, "this file is empty").help(help);
            return None;
        }
        [(_, Value::Object(m))] if m.get("reviews").is_some_and(Value::is_array) => {
            (m["reviews"].as_array().cloned().unwrap_or_default(), object_starts(text, 2))
        }
        [(_, Value::Object(m))] if m.contains_key("starRating") || m.contains_key("reviewer") => {
            (vec![values[0].1.clone()], vec![values[0].0])
        }
        [(_, Value::Array(list))] => (list.clone(), object_starts(text, 1)),
        [(_, Value::Object(m))] => {
            let keys: Vec<&str> = m.keys().map(String::as_str).collect();
            diags
                .error(file, Some(Span::new(values[0].0, values[0].0 + 1)), format!("this JSON has no `reviews` list (its keys are: {})", keys.join(", ")))
                .help("shopstory reads Google's reviews.json: an object with a `reviews` list, a bare list of reviews, or one review object per line");
            return None;
        }
        many if many.iter().all(|(_, v)| v.is_object()) => {
            (many.iter().map(|(_, v)| v.clone()).collect(), many.iter().map(|(s, _)| *s).collect())
        }
        _ => {
            diags
                .error(file, None, "this JSON is not a list of reviews")
                .help("shopstory reads Google's reviews.json: an object with a `reviews` list, a bare list of reviews, or one review object per line");
            return None;
        }
    };
    let starts = if starts.len() == objects.len() { starts } else { vec![shift; objects.len()] };
    let mut header: Vec<String> = Vec::new();
    let mut flat_rows = Vec::new();
    for (n, (obj, &start)) in objects.iter().zip(&starts).enumerate() {
        let span = Span::new(start, start + 1);
        if !obj.is_object() {
            diags
                .error(file, Some(span), format!("review {} is not an object but `{obj}`", n + 1))
                .help("each review is an object such as {\"reviewer\": {\"displayName\": \"Ana\"}, \"starRating\": \"FIVE\", ...}");
            continue;
        }
        let mut flat = Vec::new();
        flatten("", obj, &mut flat);
        for (k, _) in &flat {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
        flat_rows.push((map.line_col(text, start).0, span, flat));
    }
    if diags.error_count() > before {
        return None;
    }
    let rows = flat_rows
        .into_iter()
        .map(|(line, span, flat)| Record {
            line,
            span,
            fields: header
                .iter()
                .map(|h| Field {
                    text: flat.iter().find(|(k, _)| k == h).map(|(_, v)| v.clone()).unwrap_or_default(),
                    span,
                })
                .collect(),
        })
        .collect();
    let head_span = Span::new(shift, shift + 1);
    // Each column is shown where its key is first written.
    let key_span = |path: &str| {
        let key = format!("\"{}\"", path.rsplit('.').next().unwrap_or(path));
        text.find(&key).map_or(head_span, |i| Span::new(i, i + key.len()))
    };
    let head = Record {
        line: 1,
        span: head_span,
        fields: header.into_iter().map(|text| Field { span: key_span(&text), text }).collect(),
    };
    Some((head, rows))
}
