//! Issue 14 item 5: the documentation says what the code does. Every key
//! the site.yaml parser accepts (`SETTINGS`, the table it checks keys
//! against) is in the starter site.yaml `init` writes, and switching every
//! commented-out setting on gives a site that builds; the README's
//! "Settings" names exactly those keys, with the parser's own defaults;
//! every relative link of the README and `docs/` leads to a file and heading
//! that exist; the fresh-machine commands stay as `.ci/run` runs them; and
//! `docs/fuzzing.md` counts the fuzz targets there are.

use crate::harness::shopstory;
use serde_yaml::Value;
use shopstory::parse::config::{setting_paths, SiteConfig, SETTINGS};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn is_section(path: &str) -> bool {
    SETTINGS.iter().any(|(name, _)| *name == path)
}

/// Every setting that holds a value (`shop.address.city`), not a group.
fn leaf_settings() -> BTreeSet<String> {
    setting_paths().into_iter().filter(|p| !is_section(p)).collect()
}

/// The settings' defaults, as the parser starts from them.
fn defaults() -> serde_json::Value {
    serde_json::to_value(SiteConfig::placeholder()).unwrap()
}

/// `images.max_side` → `/images/max_side`, a serde_json pointer.
fn pointer(path: &str) -> String {
    format!("/{}", path.replace('.', "/"))
}

/// A default that is no value of its own: nothing, or an empty list or map.
fn is_empty(default: &serde_json::Value) -> bool {
    default.is_null()
        || default.as_array().is_some_and(|a| a.is_empty())
        || default.as_object().is_some_and(|o| o.is_empty())
}

/// The settings a site.yaml text sets, by dotted path, descending into the
/// groups `SETTINGS` names (a map such as `shop.social` is one value).
fn settings_in(yaml: &Value) -> BTreeMap<String, Value> {
    fn walk(map: &Value, section: &str, out: &mut BTreeMap<String, Value>) {
        for (key, value) in map.as_mapping().unwrap_or_else(|| panic!("`{section}` is not a group: {map:?}")) {
            let key = key.as_str().unwrap();
            let path = if section.is_empty() { key.to_string() } else { format!("{section}.{key}") };
            if is_section(&path) && value.is_mapping() {
                walk(value, &path, out);
            } else {
                out.insert(path, value.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(yaml, "", &mut out);
    out
}

/// A commented-out setting switched on: a line `# key: value` (after any
/// indentation) loses its `# `, and the spaces after it become indentation.
/// Prose comments (which never start with `lowercase_key:`) stay comments.
fn switch_on(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let setting = body.strip_prefix("# ").filter(|rest| {
            let rest = rest.trim_start();
            let key_len = rest.find(|c: char| !(c.is_ascii_lowercase() || c == '_')).unwrap_or(rest.len());
            key_len > 0
                && rest[key_len..].starts_with(':')
                && matches!(rest[key_len + 1..].chars().next(), None | Some(' '))
        });
        match setting {
            Some(rest) => out.push_str(&format!("{indent}{rest}\n")),
            None => out.push_str(&format!("{line}\n")),
        }
    }
    out
}

fn png(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::RgbImage::from_fn(96, 64, |x, y| image::Rgb([x as u8 * 2, y as u8 * 3, 120])).save(path).unwrap();
}

#[test]
fn the_starter_site_yaml_names_every_setting_and_builds_with_all_of_them_on() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(shopstory(tmp.path(), &["init", "s"]).code, 0);
    let root = tmp.path().join("s");
    let starter = read(&root.join("site.yaml"));

    // As written, the starter builds without a warning.
    let run = shopstory(&root, &["build", "--strict"]);
    assert_eq!((run.code, run.stderr.contains("warning")), (0, false), "{}", run.stderr);

    // Every setting the parser knows is there, on or switched off, and nothing else.
    let on: Value = serde_yaml::from_str(&starter).unwrap();
    let on = settings_in(&on);
    let all: Value = serde_yaml::from_str(&switch_on(&starter))
        .unwrap_or_else(|e| panic!("the starter with every setting switched on is not YAML: {e}"));
    let all = settings_in(&all);
    assert_eq!(all.keys().cloned().collect::<BTreeSet<_>>(), leaf_settings());

    // A setting shown switched off shows its default, where it has one.
    let defaults = defaults();
    for (path, value) in all.iter().filter(|(p, _)| !on.contains_key(*p)) {
        // None: inside a group with no default (`shop.address`).
        let Some(default) = defaults.pointer(&pointer(path)) else { continue };
        if !is_empty(default) {
            assert_eq!(&serde_json::to_value(value).unwrap(), default, "`# {path}` in the starter site.yaml");
        }
    }

    // Switched on, with the files they name, they build without a warning:
    // the logo and the staff photo are paths from the site folder.
    std::fs::write(root.join("site.yaml"), switch_on(&starter)).unwrap();
    let staff = read(&root.join("data/staff.yaml"));
    std::fs::write(root.join("data/staff.yaml"), switch_on(&staff)).unwrap();
    let logo = all["shop.logo"].as_str().unwrap();
    png(&root.join(logo));
    png(&root.join(all["home.hero.photo"].as_str().unwrap()));
    let staff_yaml: Value = serde_yaml::from_str(&switch_on(&staff)).unwrap();
    let photo = staff_yaml[0]["photo"].as_str().expect("the starter staff.yaml shows a photo");
    assert!(!photo.starts_with("data/") && !photo.starts_with('.'), "{photo}");
    png(&root.join(photo));
    let run = shopstory(&root, &["build", "--strict"]);
    assert_eq!((run.code, run.stderr.contains("warning")), (0, false), "{}", run.stderr);
    let home = read(&root.join("public/index.html"));
    assert!(home.contains("<span class=\"site-logo\"><picture>"), "the logo is in the header");
    assert!(home.contains("Monday to Friday, 10:00–18:00"), "the hours are in the footer");
    assert!(home.contains("https://www.instagram.com/myshop"), "the social link is in the footer");
    let member = read(&root.join("public/staff/owner/index.html"));
    assert!(member.contains("alt=\"Your Name at the workbench\""), "the staff photo is on the staff page");
}

/// The README's "Settings": rows `` | `dotted.key` | default | meaning | ``.
fn readme_settings() -> BTreeMap<String, String> {
    let readme = read(&repo().join("README.md"));
    let start = readme.find("\n## Settings\n").expect("README has a ## Settings section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut rows = BTreeMap::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let key = cells[0].trim_start_matches("| ").trim_matches('`').to_string();
        assert!(rows.insert(key.clone(), cells[1].to_string()).is_none(), "{key} is listed twice");
    }
    rows
}

#[test]
fn the_readme_lists_every_setting_with_the_parsers_default() {
    let rows = readme_settings();
    assert_eq!(rows.keys().cloned().collect::<BTreeSet<_>>(), leaf_settings());
    let defaults = defaults();
    for (key, cell) in &rows {
        let default = defaults.pointer(&pointer(key)).filter(|d| !is_empty(d));
        // A default written as one YAML value in backticks is the parser's;
        // any other cell ("required", "none", "the `title`") is for a key
        // without a value of its own to start from.
        match cell.strip_prefix('`').and_then(|c| c.strip_suffix('`')).filter(|c| !c.contains('`')) {
            Some(yaml) => {
                let written: Value = serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("{key}: `{yaml}`: {e}"));
                let default = defaults.pointer(&pointer(key)).unwrap();
                assert_eq!(&serde_json::to_value(&written).unwrap(), default, "the README's default of {key}");
            }
            None => assert!(
                default.is_none() || ["title", "base_url", "shop.name"].contains(&key.as_str()),
                "the README should give {key}'s default as a value: `{}`",
                default.unwrap()
            ),
        }
    }
    for required in ["title", "base_url"] {
        assert_eq!(rows[required], "required");
    }
}

/// GitHub's anchor of a heading: lowercase, letters, digits, `-` and `_`
/// kept, spaces made `-`, everything else dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The text of a markdown file outside fenced code blocks and code spans.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            let mut in_code = false;
            for part in line.split('`') {
                if !in_code {
                    out.push_str(part);
                }
                in_code = !in_code;
            }
            out.push('\n');
        }
    }
    out
}

fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut fenced = false;
    let mut out = BTreeSet::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            let base = anchor(line.trim_start_matches('#'));
            let n = seen.entry(base.clone()).or_insert(0);
            out.insert(if *n == 0 { base.clone() } else { format!("{base}-{n}") });
            *n += 1;
        }
    }
    out
}

/// Relative links `[text](target)` of a markdown text, outside code.
fn links(text: &str) -> Vec<String> {
    let prose = prose(text);
    let mut out = Vec::new();
    let mut rest = prose.as_str();
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        let end = rest.find(')').unwrap_or(rest.len());
        let target = &rest[..end];
        if !target.contains("://") && !target.starts_with("mailto:") && !target.contains(' ') {
            out.push(target.to_string());
        }
    }
    out
}

#[test]
fn every_relative_link_of_the_readme_and_docs_resolves() {
    let mut files = vec![repo().join("README.md")];
    let mut docs: Vec<_> = std::fs::read_dir(repo().join("docs")).unwrap().map(|e| e.unwrap().path()).collect();
    docs.sort();
    files.extend(docs.iter().filter(|p| p.extension().is_some_and(|e| e == "md")).cloned());
    let mut broken = Vec::new();
    let mut count = 0;
    for file in &files {
        let text = read(file);
        for link in links(&text) {
            count += 1;
            let (path, fragment) = link.split_once('#').map_or((link.as_str(), None), |(p, f)| (p, Some(f)));
            let target = if path.is_empty() { file.clone() } else { file.parent().unwrap().join(path) };
            if !target.exists() {
                broken.push(format!("{}: {link}: no file {}", file.display(), target.display()));
                continue;
            }
            if let Some(fragment) = fragment {
                if !target.is_file() || !anchors(&read(&target)).contains(fragment) {
                    broken.push(format!("{}: {link}: no heading #{fragment}", file.display()));
                }
            }
        }
    }
    assert_eq!(broken, Vec::<String>::new());
    assert!(count >= 20, "only {count} links found");
    // Every page of docs/ is linked from the README.
    let readme_links = links(&read(&repo().join("README.md")));
    for doc in &docs {
        let name = format!("docs/{}", doc.file_name().unwrap().to_str().unwrap());
        assert!(readme_links.iter().any(|l| l.split('#').next() == Some(name.as_str())), "README does not link {name}");
    }
}

#[test]
fn the_fresh_machine_commands_open_the_readme_and_ci_runs_the_test_command() {
    let readme = read(&repo().join("README.md"));
    let blocks: Vec<&str> = readme.split("```sh\n").skip(1).take(2).map(|b| &b[..b.find("```").unwrap()]).collect();
    assert_eq!(blocks, ["cargo run --release -- build --root example-site\n", "cargo test --locked\n"]);
    let (commands, what) =
        (readme.find("\n## On a fresh machine\n").unwrap(), readme.find("\n## What shopstory is\n").unwrap());
    assert!(commands < what && readme[..commands].lines().count() <= 4, "the commands come first");
    assert!(read(&repo().join(".ci/run")).lines().any(|l| l == "cargo test --locked"));
}

/// The names of the tests inside the `proptest!` blocks of a file.
fn proptest_targets(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices("proptest! {") {
        let body = &text[at..];
        let (mut depth, mut end) = (0usize, body.len());
        for (i, c) in body.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 1 => {
                    end = i;
                    break;
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
        for line in body[..end].lines().map(str::trim_start).filter(|l| l.starts_with("fn ")) {
            out.insert(line[3..line.find('(').unwrap()].to_string());
        }
    }
    out
}

#[test]
fn the_fuzzing_doc_counts_the_fuzz_targets_and_run_sh_runs_them_all() {
    let targets = proptest_targets(&read(&repo().join("tests/suite/fuzz.rs")));
    let script = read(&repo().join("fuzz/run.sh"));
    let listed = script.lines().find_map(|l| l.strip_prefix("targets=(")).expect("fuzz/run.sh lists its targets");
    let listed: BTreeSet<String> = listed.trim_end_matches(')').split_whitespace().map(String::from).collect();
    assert_eq!(listed, targets, "fuzz/run.sh runs every target of tests/suite/fuzz.rs");
    let words =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
    let claim = format!("`tests/suite/fuzz.rs` holds {} property-based fuzz targets", words[targets.len()]);
    let doc = read(&repo().join("docs/fuzzing.md"));
    assert!(doc.contains(&claim), "docs/fuzzing.md should say: {claim}");
}

/// The part of a markdown text from `heading` to the next heading of its level.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text.find(&format!("\n{heading}\n")).unwrap_or_else(|| panic!("no {heading}")) + 1;
    let level = heading.split(' ').next().unwrap();
    let rest = &text[start + heading.len()..];
    let end = rest.find(&format!("\n{level} ")).map_or(text.len(), |i| start + heading.len() + i);
    &text[start..end]
}

#[test]
fn every_key_of_posts_pages_staff_reviews_and_moments_is_documented() {
    use shopstory::parse::{doc, moments, reviews, staff};
    let writing = read(&repo().join("docs/writing.md"));
    let readme = read(&repo().join("README.md"));

    // Front matter: the example block shows exactly the keys posts and pages take.
    let front = section(&writing, "## Front matter");
    let block = &front[front.find("```yaml\n---\n").unwrap() + 12..];
    let block: Value = serde_yaml::from_str(&block[..block.find("---\n```").unwrap()]).unwrap();
    let shown: BTreeSet<&str> = block.as_mapping().unwrap().keys().map(|k| k.as_str().unwrap()).collect();
    let known: BTreeSet<&str> = doc::POST_KEYS.iter().chain(doc::PAGE_KEYS).copied().collect();
    assert_eq!(shown, known, "the front matter example of docs/writing.md");
    for key in doc::PAGE_KEYS {
        assert!(front.contains(&format!("`{key}`")), "docs/writing.md does not say pages take `{key}`");
    }

    // Staff: the README's table names exactly the keys of a staff member.
    let table = section(&readme, "## The site layout");
    let table = &table[table.find("**Staff**").unwrap()..table.find("**Reviews**").unwrap()];
    let rows: BTreeSet<&str> =
        table.lines().filter_map(|l| l.strip_prefix("| `")).map(|l| &l[..l.find('`').unwrap()]).collect();
    assert_eq!(rows, staff::KEYS.iter().copied().collect::<BTreeSet<_>>(), "the README's staff table");

    // Reviews and moments: every key is named in their section of docs/writing.md.
    let (review_doc, moment_doc) = (section(&writing, "## Reviews"), section(&writing, "## Customer moments"));
    for key in reviews::KEYS {
        assert!(review_doc.contains(&format!("`{key}`")), "docs/writing.md#reviews does not name `{key}`");
    }
    for key in moments::LIST_KEYS {
        assert!(moment_doc.contains(&format!("{key}:")), "docs/writing.md#customer-moments does not show `{key}:`");
    }
}

#[test]
fn every_command_and_flag_is_in_docs_commands() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, String)>) {
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long().filter(|l| !["help", "version"].contains(l)) {
                out.push((path.to_string(), format!("--{long}")));
            }
        }
        for sub in cmd.get_subcommands() {
            let path = format!("{path} {}", sub.get_name()).trim().to_string();
            out.push((path.clone(), format!("shopstory {path}")));
            walk(sub, &path, out);
        }
    }
    let mut wanted = Vec::new();
    walk(&shopstory::cli::Cli::command(), "", &mut wanted);
    let doc = read(&repo().join("docs/commands.md"));
    let table = &doc[..doc.find("\n## ").unwrap()];
    let missing: Vec<String> = wanted
        .iter()
        .filter(|(command, name)| {
            // A command has a row `| `shopstory <command> ...`; a flag is on
            // its command's row, or (a global flag) named in the text.
            let row = table.lines().find(|l| l.starts_with(&format!("| `shopstory {command} ")));
            match (name.strip_prefix("--"), row) {
                (None, _) => !table.contains(&format!("| `{name}")),
                (Some(_), Some(row)) => ![" ", "]", "`"].iter().any(|end| row.contains(&format!("{name}{end}"))),
                (Some(_), None) => !table.contains(&format!("`{name}`")),
            }
        })
        .map(|(command, name)| format!("{command}: {name}"))
        .collect();
    assert_eq!(missing, Vec::<String>::new(), "not in docs/commands.md's table");
}
