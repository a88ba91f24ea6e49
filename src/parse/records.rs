//! Data files that are lists of records (`data/staff.yaml`,
//! `data/reviews.yaml`): each item is checked for unknown keys and
//! deserialised on its own, so one bad record never hides the others.

use super::yaml::{self, Region, Seg, Value};
use crate::diag::{Diagnostics, Span};
use crate::load::TextFile;
use serde::de::DeserializeOwned;

/// One record of a list file, with where it sits.
pub struct Record<T> {
    pub index: usize,
    pub value: T,
}

/// Parses a YAML list file into typed records. `what` names one record in
/// messages ("staff member"); `example` is shown when the file is not a list.
pub fn parse_records<T: DeserializeOwned>(
    file: &TextFile,
    known: &[&str],
    what: &str,
    example: &str,
    diags: &mut Diagnostics,
) -> Vec<Record<T>> {
    let region = Region { file: &file.path, text: &file.text, offset: 0 };
    let value = match yaml::parse_value(&file.text) {
        Ok(v) => v,
        Err(e) => {
            region.report(diags, &e, "check the indentation and quotes here; each entry starts with `- `");
            return Vec::new();
        }
    };
    let items = match value {
        Value::Sequence(items) => items,
        Value::Null => return Vec::new(),
        _ => {
            diags
                .error(
                    &file.path,
                    Some(Span::new(0, 1)),
                    format!("this file must be a list, one `- ` entry per {what}"),
                )
                .help(format!("for example:\n{example}"));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let Value::Mapping(map) = &item else {
            diags
                .error(
                    &file.path,
                    yaml::locate_shared(&file.text, &[Seg::Index(index)]),
                    format!("{what} {} is not a group of `key: value` lines", index + 1),
                )
                .help(format!("for example:\n{example}"));
            continue;
        };
        let what_item = format!("this {what}");
        let located = |p: &[Seg<'_>]| yaml::locate_shared(&file.text, p);
        region.check_keys_with(diags, map, (&[Seg::Index(index)], known, &what_item), &located);
        let text = yaml::to_string(&item);
        match yaml::parse_typed::<T>(&text) {
            Ok(value) => out.push(Record { index, value }),
            Err(e) => {
                // Point at the field named in the message when we can.
                let field = known
                    .iter()
                    .find(|k| e.message.contains(&format!("`{k}`")) || e.message.starts_with(&format!("{k}:")));
                let span = match field {
                    Some(k) => yaml::locate_shared(&file.text, &[Seg::Index(index), Seg::Key(k)]),
                    None => yaml::locate_shared(&file.text, &[Seg::Index(index)]),
                };
                diags
                    .error(&file.path, span, format!("{what} {}: {}", index + 1, e.message))
                    .help(format!("for example:\n{example}"));
            }
        }
    }
    out
}

/// The span of a field of record `index`. The file's lines are indexed
/// once for all its records (`yaml::locate_shared`).
pub fn field_span(file: &TextFile, index: usize, key: &str) -> Option<Span> {
    yaml::locate_shared(&file.text, &[Seg::Index(index), Seg::Key(key)])
        .or_else(|| yaml::locate_shared(&file.text, &[Seg::Index(index)]))
}
