//! Part of stage 5 (render): each page's dependency set (`Deps`), the one
//! place where a page's inputs are named. Takes a page about to be rendered
//! (its template and the values of its context) and returns, per input, a
//! digest: the template and every template it extends, includes or imports;
//! the renderer and the output's settings; and each value of the context,
//! which holds everything the page shows (its own document's body, the
//! titles, summaries and covers of the posts it lists, data entries,
//! site.yaml's settings, the language's words). A new kind of page declares
//! nothing here: whatever its `Job` puts in the context is an input.
//!
//! A page whose `Deps` equal the last build's is not rendered again (the
//! writer keeps its file). Must never miss an input: a page's bytes are a
//! function of its template texts, its context and the output settings,
//! and nothing else (templates cannot read files or the clock here; a
//! theme that calls Tera's `now()` or `get_random()` gets a page that
//! differs from build to build anyway).

use super::alternates::LangOutput;
use crate::output::Deps;
use crate::theme::Theme;
use std::collections::{BTreeMap, BTreeSet};
use tera::Value;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// What every page of one language shares in its `Deps`: the digests of
/// the templates' closures, of the renderer and output settings, and of
/// the context values every page gets.
pub(super) struct Base {
    /// Template name → its closure's entries (`template:<name>` → digest).
    templates: BTreeMap<String, Vec<(String, u64)>>,
    /// `shopstory`, `t`, `staff`, `tags`.
    common: Vec<(String, u64)>,
    /// A digest of the two above.
    digest: u64,
}

impl Base {
    /// `t`, `staff` and `tags` as every page's context gets them.
    pub(super) fn new(theme: &Theme, lang: Option<&LangOutput>, base_path: &str, shared: [(&str, &Value); 3]) -> Base {
        let mut common = vec![("shopstory".to_string(), renderer(lang, base_path))];
        common.extend(shared.iter().map(|(k, v)| (k.to_string(), value(v))));
        let templates = closures(theme);
        let digest = xxh3_64(format!("{templates:?} {common:?}").as_bytes());
        Base { templates, common, digest }
    }

    /// A digest of everything here (`kept`: what every page shares).
    pub(super) fn digest(&self) -> u64 {
        self.digest
    }

    /// The dependency set of a page rendered through `template` with the
    /// context values `values` (`site`, `page` and its own).
    pub(super) fn deps<'v>(&self, template: &str, values: impl Iterator<Item = (&'v str, u64)>) -> Deps {
        let mut deps: BTreeMap<String, u64> = self.common.iter().cloned().collect();
        match self.templates.get(template) {
            Some(closure) => deps.extend(closure.iter().cloned()),
            // Not in the theme: the page fails to render, and is never kept.
            None => {
                deps.insert(format!("template:{template}"), 0);
            }
        }
        deps.extend(values.map(|(k, d)| (k.to_string(), d)));
        Deps::new(deps)
    }
}

/// The renderer (this program: version and executable file) and what is
/// done to every page after its template: the language's folder and page
/// paths (links gain the folder), the base path (root-relative URLs gain it).
fn renderer(lang: Option<&LangOutput>, base_path: &str) -> u64 {
    let mut text = format!("{} {base_path}\n", env!("CARGO_PKG_VERSION"));
    // Another build of the program may render differently: its file's size
    // and time tell builds apart without reading it.
    if let Some(meta) = std::env::current_exe().ok().and_then(|p| std::fs::metadata(p).ok()) {
        let mtime = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        text.push_str(&format!("{} {:?}\n", meta.len(), mtime));
    }
    if let Some(l) = lang {
        text.push_str(&l.folder);
        let pages: BTreeSet<&String> = l.pages.iter().collect();
        for p in pages {
            text.push('\n');
            text.push_str(p);
        }
    }
    xxh3_64(text.as_bytes())
}

/// Each template's closure: itself and every template it extends, includes
/// or imports, directly or not, each with a digest of its text. A template
/// that defines a Tera component is in every closure: any template may call
/// a component without naming the file that defines it.
fn closures(theme: &Theme) -> BTreeMap<String, Vec<(String, u64)>> {
    let everywhere: Vec<String> =
        theme.texts.iter().filter(|(_, t)| defines_component(t)).map(|(n, _)| n.clone()).collect();
    let direct: BTreeMap<&str, Vec<String>> = theme
        .texts
        .iter()
        .map(|(n, t)| (n.as_str(), references(t).into_iter().chain(everywhere.iter().cloned()).collect()))
        .collect();
    let digest = |name: &str| theme.texts.get(name).map_or(0, |t| xxh3_64(t.as_bytes()));
    theme
        .texts
        .keys()
        .map(|name| {
            let mut seen = BTreeSet::from([name.clone()]);
            let mut todo = vec![name.clone()];
            while let Some(n) = todo.pop() {
                for r in direct.get(n.as_str()).into_iter().flatten() {
                    if seen.insert(r.clone()) {
                        todo.push(r.clone());
                    }
                }
            }
            let entries = seen.into_iter().map(|n| (format!("template:{n}"), digest(&n))).collect();
            (name.clone(), entries)
        })
        .collect()
}

/// The templates a template's text names in `{% extends %}`, `{% include %}`
/// (one name or a list) and `{% import %}` tags: every quoted string in
/// those tags. A string that names no template only adds an input that
/// never changes.
fn references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{%") {
        rest = &rest[open + 2..];
        let end = rest.find("%}").unwrap_or(rest.len());
        let tag = rest[..end].trim_start_matches(['-', ' ', '\t', '\n', '\r']);
        if ["extends", "include", "import"].iter().any(|k| tag.starts_with(k)) {
            out.extend(quoted(tag));
        }
        rest = &rest[end..];
    }
    out
}

/// Whether a template's text defines a component (`{% component x(...) %}`).
fn defines_component(text: &str) -> bool {
    text.match_indices("{%")
        .any(|(at, _)| text[at + 2..].trim_start_matches(['-', ' ', '\t', '\n', '\r']).starts_with("component "))
}

/// The strings in quotes (single, double or backticks) in a tag's text.
fn quoted(tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = tag;
    while let Some(i) = rest.find(['"', '\'', '`']) {
        let quote = &rest[i..i + 1];
        let after = &rest[i + 1..];
        let Some(len) = after.find(quote) else { break };
        out.push(after[..len].to_string());
        rest = &after[len + 1..];
    }
    out
}

/// A digest of a context value as a template reads it: maps are compared
/// by their entries whatever their order, strings with whether they are
/// marked safe (which changes their escaping).
pub(super) fn value(v: &Value) -> u64 {
    if let Some(s) = v.as_str() {
        return xxh3_64_with_seed(s.as_bytes(), if v.is_safe() { 1 } else { 2 });
    }
    if let Some(b) = v.as_bool() {
        return xxh3_64_with_seed(&[u8::from(b)], 3);
    }
    if let Some(n) = v.as_number() {
        let bytes = match n.as_integer() {
            Some(i) => i.to_le_bytes(),
            None => u128::from(n.as_float().to_bits()).to_le_bytes(),
        };
        return xxh3_64_with_seed(&bytes, if n.is_integer() { 4 } else { 5 });
    }
    if let Some(items) = v.as_array() {
        let mut acc = xxh3_64_with_seed(&(items.len() as u64).to_le_bytes(), 6);
        for item in items {
            acc = mix(acc, value(item));
        }
        return acc;
    }
    if let Some(map) = v.as_map() {
        // Order-free: the sum of each entry's digest.
        let mut sum = 0u64;
        for (k, item) in map.iter() {
            let key = match k.as_str() {
                Some(s) => xxh3_64(s.as_bytes()),
                None => xxh3_64(format!("{k:?}").as_bytes()),
            };
            sum = sum.wrapping_add(mix(key, value(item)));
        }
        return mix(xxh3_64_with_seed(&(map.len() as u64).to_le_bytes(), 7), sum);
    }
    if let Some(b) = v.as_bytes() {
        return xxh3_64_with_seed(b, 8);
    }
    if v.is_undefined() {
        return 9;
    }
    // None, and any kind this version of Tera adds: by its text.
    xxh3_64_with_seed(format!("{v:?}").as_bytes(), 10)
}

/// A digest of a view (a struct a template reads) from its fields, without
/// making it a template value first: its JSON text, streamed into the hash.
/// Two views digest alike exactly when they serialize alike, which is when
/// the template values made from them are alike. Used for the pages most
/// builds keep (posts', documents', every page's head), so that a kept
/// page's views are never copied into a template value.
pub(super) fn of<T: serde::Serialize + ?Sized>(view: &T) -> u64 {
    struct Hashing(xxhash_rust::xxh3::Xxh3);
    impl std::io::Write for Hashing {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.update(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hashing = Hashing(xxhash_rust::xxh3::Xxh3::with_seed(11));
    match serde_json::to_writer(&mut hashing, view) {
        Ok(()) => hashing.0.digest(),
        // Not JSON (a map with keys that are not text): as a template value.
        Err(_) => value(&Value::from_serializable(view)),
    }
}

/// `digest` with a text added (its bytes as they are).
pub(super) fn with_text(digest: u64, text: &str) -> u64 {
    mix(digest, xxhash_rust::xxh3::xxh3_64_with_seed(text.as_bytes(), 13))
}

/// A digest of a list from its items' digests (in order).
pub(super) fn list(items: impl Iterator<Item = u64>) -> u64 {
    let mut n = 0u64;
    let mut acc = 12;
    for d in items {
        acc = mix(acc, d);
        n += 1;
    }
    mix(acc, n)
}

fn mix(a: u64, b: u64) -> u64 {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..].copy_from_slice(&b.to_le_bytes());
    xxh3_64(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_name_what_they_extend_include_and_import() {
        let text = r#"{% extends "base.html" %}{% import 'macros.html' as m %}
{%- include "partials/a.html" -%}{% include ["x.html", "y.html"] ignore missing %}
{% if include %}{{ "include.html" }}{% endif %}"#;
        assert_eq!(references(text), ["base.html", "macros.html", "partials/a.html", "x.html", "y.html"]);
    }

    #[test]
    fn a_template_defining_a_component_is_in_every_closure() {
        assert!(defines_component("{%- component button(label: string) %}<b>{{ label }}</b>{% endcomponent %}"));
        assert!(!defines_component("{% if component %}x{% endif %}"));
    }

    #[test]
    fn a_value_digest_ignores_map_order_but_not_contents_or_safety() {
        #[derive(serde::Serialize)]
        struct A {
            title: &'static str,
            n: usize,
            tags: Vec<&'static str>,
        }
        let a = Value::from_serializable(&A { title: "Tea", n: 3, tags: vec!["x", "y"] });
        let same = Value::from_serializable(&A { title: "Tea", n: 3, tags: vec!["x", "y"] });
        assert_eq!(value(&a), value(&same));
        for other in [
            A { title: "Te", n: 3, tags: vec!["x", "y"] },
            A { title: "Tea", n: 4, tags: vec!["x", "y"] },
            A { title: "Tea", n: 3, tags: vec!["y", "x"] },
            A { title: "Tea", n: 3, tags: vec!["x"] },
        ] {
            assert_ne!(value(&a), value(&Value::from_serializable(&other)));
        }
        assert_ne!(value(&Value::from("<b>")), value(&Value::safe_string("<b>")));
    }

    #[test]
    fn a_views_digest_follows_its_fields() {
        #[derive(serde::Serialize)]
        struct A {
            title: &'static str,
            n: usize,
            tags: Vec<&'static str>,
            cover: Option<&'static str>,
        }
        let a = A { title: "Tea", n: 3, tags: vec!["x", "y"], cover: None };
        assert_eq!(of(&a), of(&A { title: "Tea", n: 3, tags: vec!["x", "y"], cover: None }));
        for other in [
            A { title: "Te", n: 3, tags: vec!["x", "y"], cover: None },
            A { title: "Tea", n: 4, tags: vec!["x", "y"], cover: None },
            A { title: "Tea", n: 3, tags: vec!["y", "x"], cover: None },
            A { title: "Tea", n: 3, tags: vec!["xy"], cover: None },
            A { title: "Tea", n: 3, tags: vec!["x", "y"], cover: Some("") },
        ] {
            assert_ne!(of(&a), of(&other));
        }
    }
}
