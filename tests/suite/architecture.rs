//! The pipeline's shape, read from the source: every module of `src/`
//! belongs to one layer, and a module uses (`crate::x`) only its own layer
//! and earlier ones, so no stage reaches into a later one and the folders
//! form no import circle. `resolve` returns facts: it renders nothing and
//! holds no lock. This test is how the README's "the data flows one way" is
//! checked.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The layers, in pipeline order. `i18n` is parse's: it parses the language
/// tables with parse's YAML reader. The first layer is below every stage
/// (plain types and pure helpers); the last two drive the pipeline.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "below the stages",
        &["diag", "paths", "date", "colour", "output", "markdown", "embeds", "report", "options", "cli", "rounds"],
    ),
    ("load", &["load"]),
    ("parse", &["parse", "i18n"]),
    ("theme", &["theme"]),
    ("model", &["model"]),
    ("resolve", &["resolve"]),
    ("assets", &["assets"]),
    ("render", &["render"]),
    ("write", &["write"]),
    ("the recipe (lib.rs)", &["lib"]),
    ("the commands", &["serve", "commands", "main"]),
];

fn src() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, with its text.
fn rust_files(dir: &Path, out: &mut Vec<(std::path::PathBuf, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).unwrap();
            out.push((path, text));
        }
    }
}

/// The top-level module a file of `src/` belongs to: `render` for
/// src/render/pages.rs, `model` for src/model.rs, `lib` for src/lib.rs.
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// Text with `//` comments (line and doc comments) removed, so a module
/// named in prose is not taken for a use.
fn code_only(text: &str) -> String {
    text.lines().map(|l| l.split_once("//").map_or(l, |(code, _)| code)).collect::<Vec<_>>().join("\n")
}

/// The top-level modules a text uses: `crate::render::x`, and each name
/// of `crate::{a, b::c}`.
fn uses(text: &str) -> BTreeSet<String> {
    let code = code_only(text);
    let mut found = BTreeSet::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(list) = rest.strip_prefix('{') {
            // Top-level names of the brace list, at depth 0.
            let mut depth = 0;
            let mut start = true;
            for (i, c) in list.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        start = false;
                        found.insert(ident(&list[i..]));
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

/// Module → the other top-level modules it uses (functions of lib.rs, such
/// as `crate::check`, count as `lib`).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let modules: BTreeSet<String> = files.iter().map(|(p, _)| module_of(p)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in &files {
        let from = module_of(path);
        let entry = graph.entry(from.clone()).or_default();
        for used in uses(text) {
            let to = if modules.contains(&used) { used } else { "lib".to_string() };
            if to != from {
                entry.insert(to);
            }
        }
    }
    graph
}

#[test]
fn every_module_belongs_to_a_layer() {
    let unplaced: Vec<String> = graph().keys().filter(|m| layer_of(m).is_none()).cloned().collect();
    assert_eq!(unplaced, Vec::<String>::new(), "place these modules in LAYERS (tests/suite/architecture.rs)");
}

#[test]
fn stages_use_only_their_own_and_earlier_layers() {
    let mut backward = Vec::new();
    for (from, tos) in graph() {
        let Some(lf) = layer_of(&from) else { continue };
        for to in tos {
            let lt = layer_of(&to).unwrap_or(usize::MAX);
            if lt > lf {
                let name = |l: usize| LAYERS.get(l).map_or("no layer", |(n, _)| n);
                backward.push(format!("{from} ({}) uses {to} ({})", name(lf), name(lt)));
            }
        }
    }
    assert_eq!(backward, Vec::<String>::new(), "imports from an earlier stage to a later one");
}

#[test]
fn the_module_folders_form_no_import_circle() {
    let mut graph = graph();
    // `i18n` and `parse` are one layer and use each other on purpose.
    if let Some(uses) = graph.get_mut("i18n") {
        uses.remove("parse");
    }
    // Depth-first search for a back edge; the circle is named when found.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(circle) = visit(node, &graph, &mut Vec::new(), &mut done) {
            panic!("an import circle: {}", circle.join(" -> "));
        }
    }
}

#[test]
fn resolve_renders_nothing_and_holds_no_lock() {
    let mut files = Vec::new();
    rust_files(&src().join("resolve"), &mut files);
    assert!(!files.is_empty());
    let mut found = Vec::new();
    for (path, text) in &files {
        let code = code_only(text);
        for banned in ["Mutex", "RwLock", "tera::", "push_html", "crate::theme", "crate::render", "crate::assets"] {
            if code.contains(banned) {
                found.push(format!("{}: {banned}", path.strip_prefix(src()).unwrap().display()));
            }
        }
    }
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn uses_are_read_from_paths_and_brace_lists() {
    let text = "use crate::render::x;\nuse crate::{model::Site, paths::{a, b}};\n// crate::write in a comment\nlet v = crate::assets::plan(&s);";
    let got: Vec<String> = uses(text).into_iter().collect();
    assert_eq!(got, ["assets", "model", "paths", "render"]);
}
