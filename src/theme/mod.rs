//! Themes: the built-in default theme (embedded in the binary), an optional
//! `themes/<name>/` on disk, and the site's own `templates/`, layered by
//! exact template name (site > theme on disk > built-in). All templates are
//! parsed once, into one Tera instance. Static files layer the same way.

use crate::diag::Diagnostics;
use crate::load::{read_text, site_path, walk, Links};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tera::Tera;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

pub use embedded::{STARTER_FILES, THEME_FILES};

/// Where a template or static file came from (named in every template error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    /// A site-relative path on disk.
    File(String),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::BuiltIn => write!(f, "the built-in default theme"),
            Origin::File(p) => write!(f, "{p}"),
        }
    }
}

/// A static file of the theme: embedded bytes or a file on disk.
#[derive(Debug, Clone)]
pub enum ThemeStatic {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

pub struct Theme {
    pub tera: Tera,
    pub origins: BTreeMap<String, Origin>,
    /// Each template's text, to show the line of a template error.
    pub texts: BTreeMap<String, std::sync::Arc<str>>,
    /// Output path → file.
    pub static_files: BTreeMap<String, ThemeStatic>,
}

impl Theme {
    pub fn has(&self, name: &str) -> bool {
        self.origins.contains_key(name)
    }
}

/// Tera's report for an error, with its nested causes.
pub fn tera_error_text(err: &tera::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        let line = s.to_string();
        if !text.contains(&line) {
            text.push_str("\ncaused by: ");
            text.push_str(&line);
        }
        source = s.source();
    }
    text
}

/// The file a template error should be reported against.
fn file_for(origins: &BTreeMap<String, Origin>, name: &str) -> String {
    match origins.get(name) {
        Some(Origin::File(p)) => p.clone(),
        _ => format!("(built-in theme) templates/{name}"),
    }
}

/// Loads the theme layers and compiles every template.
pub fn load_theme(root: &Path, theme_name: &str, diags: &mut Diagnostics) -> Option<Theme> {
    let mut sources: BTreeMap<String, (String, Origin)> = BTreeMap::new();
    let mut static_files: BTreeMap<String, ThemeStatic> = BTreeMap::new();
    for (path, bytes) in THEME_FILES {
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(bytes).into_owned();
            sources.insert(name.to_string(), (text, Origin::BuiltIn));
        } else if let Some(out) = path.strip_prefix("static/") {
            static_files.insert(out.to_string(), ThemeStatic::Embedded(bytes));
        }
    }
    let theme_dir = root.join("themes").join(theme_name);
    if theme_dir.is_dir() {
        let base = format!("themes/{theme_name}");
        for abs in walk(root, &format!("{base}/templates"), Links::InsideSite, diags) {
            if let Some(f) = read_text(root, &abs, diags) {
                let name = f.path.trim_start_matches(&format!("{base}/templates/")).to_string();
                sources.insert(name, (f.text.to_string(), Origin::File(f.path.clone())));
            }
        }
        for abs in walk(root, &format!("{base}/static"), Links::InsideSite, diags) {
            if !crate::load::readable(root, &abs, diags) {
                continue;
            }
            let rel = site_path(root, &abs);
            let out = rel.trim_start_matches(&format!("{base}/static/")).to_string();
            static_files.insert(out, ThemeStatic::Disk(abs));
        }
    } else if theme_name != "default" {
        let known: Vec<String> = std::fs::read_dir(root.join("themes"))
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        diags
            .error(
                crate::parse::config::CONFIG_FILE,
                None,
                format!("theme `{theme_name}` is not built in and there is no themes/{theme_name}/ folder"),
            )
            .help(if known.is_empty() {
                "use `theme: default`, or put the theme in themes/<name>/ (templates/, static/)".to_string()
            } else {
                format!("the themes in themes/ are: {}", known.join(", "))
            });
    }
    for abs in walk(root, "templates", Links::InsideSite, diags) {
        if let Some(f) = read_text(root, &abs, diags) {
            let name = f.path.trim_start_matches("templates/").to_string();
            sources.insert(name, (f.text.to_string(), Origin::File(f.path.clone())));
        }
    }

    let origins: BTreeMap<String, Origin> = sources.iter().map(|(k, (_, o))| (k.clone(), o.clone())).collect();
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    let mut ok = true;
    // Compile one by one first, so a syntax error names its own file.
    for (name, (text, _)) in &sources {
        let mut probe = Tera::new();
        if let Err(e) = probe.add_raw_template(name, text) {
            if let tera::ErrorKind::SyntaxError(report) = e.kind() {
                ok = false;
                let file = file_for(&origins, name);
                diags.add_source(&file, std::sync::Arc::from(text.as_str()));
                let r = &report.span().range;
                diags
                    .error(&file, Some(crate::diag::Span::new(r.start, r.end)), format!("template `{name}` has a syntax error: {}", report.message()))
                    .help("fix the template tag here; every `{% if %}`, `{% for %}` and `{% block %}` needs its `{% end… %}`, and `{{` its `}}`");
            }
        }
    }
    if !ok {
        return None;
    }
    let texts: BTreeMap<String, std::sync::Arc<str>> =
        sources.iter().map(|(k, (t, _))| (k.clone(), std::sync::Arc::from(t.as_str()))).collect();
    if let Err(e) = tera.add_raw_templates(sources.iter().map(|(k, (t, _))| (k.as_str(), t.as_str()))) {
        diags
            .error(
                &first_user_template(&origins),
                None,
                format!("the templates do not fit together:\n{}", tera_error_text(&e)),
            )
            .help("check the names in `{% extends %}` and `{% include %}`: they must name existing templates");
        return None;
    }
    Some(Theme { tera, origins, texts, static_files })
}

fn first_user_template(origins: &BTreeMap<String, Origin>) -> String {
    origins
        .values()
        .find_map(|o| match o {
            Origin::File(p) => Some(p.clone()),
            Origin::BuiltIn => None,
        })
        .unwrap_or_else(|| "templates/".to_string())
}

/// Reports a render error against the template it came from and the page
/// being rendered.
pub fn report_render_error(theme: &Theme, template: &str, rendering: &str, err: &tera::Error, diags: &mut Diagnostics) {
    let help = "a template can only use the values listed in docs/templates.md; test optional ones with `{% if x %}`";
    if let tera::ErrorKind::RenderingError(r) | tera::ErrorKind::SyntaxError(r) = err.kind() {
        let name = r.filename().to_string();
        if let Some(text) = theme.texts.get(&name) {
            let file = file_for(&theme.origins, &name);
            let origin = theme.origins.get(&name).cloned().unwrap_or(Origin::BuiltIn);
            diags.add_source(&file, text.clone());
            let range = &r.span().range;
            let message =
                format!("template `{name}` (from {origin}) failed while rendering {rendering}: {}", r.message());
            diags.error(&file, Some(crate::diag::Span::new(range.start, range.end)), message).help(help);
            return;
        }
    }
    let origin = theme.origins.get(template).cloned().unwrap_or(Origin::BuiltIn);
    diags
        .error(
            &file_for(&theme.origins, template),
            None,
            format!(
                "template `{template}` (from {origin}) failed while rendering {rendering}:\n{}",
                tera_error_text(err)
            ),
        )
        .help(help);
}
