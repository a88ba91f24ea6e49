//! Stage 2: `Sources` → `Parsed`. Turns text into typed values (config,
//! posts, pages, staff) and reports every problem with its file and line.
//! No I/O.

pub mod config;
pub mod csv;
pub mod doc;
pub mod event;
pub mod frontmatter;
pub mod languages;
pub mod moments;
pub mod records;
pub mod reviews;
pub mod reviews_import;
pub mod site_extras;
pub mod staff;
pub mod translatable;
pub mod yaml;

use crate::diag::Diagnostics;
use crate::load::{Sources, TextFile};
use crate::rounds::{Round, Rounds};
use config::SiteConfig;
use doc::{DocKind, ParsedDoc};
use rayon::prelude::*;
use staff::ParsedStaff;
use std::sync::Arc;

#[derive(Debug)]
pub struct Parsed {
    pub config: SiteConfig,
    /// Shared: the preview's `Docs` and each resolved `Doc` hold the same ones.
    pub posts: Vec<Arc<ParsedDoc>>,
    pub pages: Vec<Arc<ParsedDoc>>,
    pub staff: Vec<ParsedStaff>,
    /// data/reviews.yaml, in file order (dates not yet checked against today).
    pub reviews: Vec<reviews::ParsedReview>,
    /// content/moments/, in file order (which of them are published is decided by `resolve`).
    pub moments: Vec<moments::ParsedMoment>,
    /// content/events/, by file (which are published and upcoming is decided by `resolve`).
    pub events: Vec<event::ParsedEvent>,
    /// Whether site.yaml parsed without errors (a broken config makes many
    /// later checks meaningless).
    pub config_ok: bool,
    /// Whether data/staff.yaml parsed without errors (when it did not, an
    /// author missing from it may be one of its broken entries: `resolve`
    /// holds those follow-on errors back).
    pub staff_ok: bool,
}

/// Posts and pages parsed by the last parse, by site path, each with the
/// text it was parsed from: the preview keeps them between rebuilds, and
/// a file whose text is the very one (the same `Arc`, which `load::Texts`
/// gives back for an unchanged file) is not parsed again. A document is a
/// function of its path, kind and text only (`doc::parse_doc`); only those
/// parsed without any diagnostic are kept.
#[derive(Default)]
pub struct Docs(Rounds<String, Parsed1>);

/// A document as the last parse left it: its text, kind and what it became.
type Parsed1 = (std::sync::Arc<str>, DocKind, std::sync::Arc<ParsedDoc>);

/// One parse's use of `Docs`.
type Reuse<'a> = Round<'a, String, Parsed1>;

/// Parses `f`, or takes it from `reuse` when its text is the one parsed.
fn parse_reusing(reuse: &Reuse<'_>, f: &TextFile, kind: DocKind) -> (Option<Arc<ParsedDoc>>, Diagnostics) {
    let mut d = Diagnostics::new();
    if let Some((text, k, doc)) = reuse.last(&f.path).filter(|(t, k, _)| *k == kind && Arc::ptr_eq(t, &f.text)) {
        reuse.keep(f.path.clone(), (text.clone(), *k, doc.clone()));
        return (Some(doc.clone()), d);
    }
    let doc = doc::parse_doc(f, kind, &mut d).map(Arc::new);
    if let (Some(doc), true) = (&doc, d.is_blank()) {
        reuse.keep(f.path.clone(), (f.text.clone(), kind, doc.clone()));
    }
    (doc, d)
}

fn parse_docs(
    files: &[TextFile],
    kind: DocKind,
    reuse: Option<&Reuse<'_>>,
    diags: &mut Diagnostics,
) -> Vec<Arc<ParsedDoc>> {
    let results: Vec<(Option<Arc<ParsedDoc>>, Diagnostics)> = files
        .par_iter()
        .map(|f| match reuse {
            Some(r) => parse_reusing(r, f, kind),
            None => {
                let mut d = Diagnostics::new();
                (doc::parse_doc(f, kind, &mut d).map(Arc::new), d)
            }
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for ((doc, mut d), f) in results.into_iter().zip(files) {
        // The text, for the lines of what it reports (`load` leaves posts' and pages' to who reports).
        if !d.is_blank() {
            d.add_source(&f.path, f.text.clone());
        }
        diags.extend(d);
        out.extend(doc);
    }
    out
}

pub fn parse(sources: &Sources, diags: &mut Diagnostics) -> Parsed {
    parse_kept(sources, None, diags)
}

/// `parse`, taking from `docs` every post and page whose text is the one
/// the last parse with the same `docs` parsed (the preview's rebuilds).
pub fn parse_kept(sources: &Sources, docs: Option<&Docs>, diags: &mut Diagnostics) -> Parsed {
    let reuse = docs.map(|d| d.0.begin());
    parse_all(sources, reuse.as_ref(), diags)
}

fn parse_all(sources: &Sources, reuse: Option<&Reuse<'_>>, diags: &mut Diagnostics) -> Parsed {
    let before = diags.error_count();
    let mut config = config::parse_config(sources.config.as_deref(), diags);
    let config_ok = diags.error_count() == before;
    let i18n_files: std::collections::BTreeMap<String, std::sync::Arc<str>> =
        sources.data.iter().filter(|(k, _)| k.starts_with("i18n/")).map(|(k, f)| (k.clone(), f.text.clone())).collect();
    let overrides = crate::i18n::parse_overrides(&i18n_files, &config.language, diags);
    config.i18n = crate::i18n::I18n::new(&config.language, &overrides);
    for lang in config.languages.iter().skip(1) {
        let overrides = crate::i18n::parse_overrides(&i18n_files, lang, diags);
        config.other_i18n.insert(lang.clone(), crate::i18n::I18n::new(lang, &overrides));
    }
    let mut posts = parse_docs(&sources.posts, DocKind::Post, reuse, diags);
    let mut pages = parse_docs(&sources.pages, DocKind::Page, reuse, diags);
    languages::mark_translations(&mut posts, &config, diags);
    languages::mark_translations(&mut pages, &config, diags);
    let before = diags.error_count();
    let staff = staff::parse_staff(sources.data.get(staff::STAFF_FILE), diags);
    let staff_ok = diags.error_count() == before;
    let reviews = reviews::parse_reviews(sources.data.get(reviews::REVIEWS_FILE), diags);
    let content_files = sources.content_files.keys().map(String::as_str).collect();
    let moments = moments::parse_moments(&sources.moments, &content_files, &config.moments, diags);
    let events = event::parse_events(&sources.events, &config, diags);
    Parsed { config, posts, pages, staff, reviews, moments, events, config_ok, staff_ok }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn sources(posts: &[(&str, &Arc<str>)]) -> Sources {
        let config: Arc<str> = Arc::from("title: Shop\nbase_url: https://example.com\n");
        Sources {
            config: Some(config),
            posts: posts.iter().map(|(p, t)| TextFile { path: p.to_string(), text: Arc::clone(t) }).collect(),
            ..Sources::default()
        }
    }

    #[test]
    fn a_preview_parses_again_only_new_texts_and_never_hides_a_warning() {
        let good: Arc<str> = Arc::from("---\ntitle: Good\ndate: 2026-01-02\n---\nBody.\n");
        let warned: Arc<str> = Arc::from("---\ntitle: Odd\ndate: 2026-01-03\ncolour: red\n---\nBody.\n");
        let docs = Docs::default();
        let parse = |s: &Sources| {
            let mut d = Diagnostics::new();
            let p = parse_kept(s, Some(&docs), &mut d);
            (p, crate::diag::render::all_to_text(&d))
        };
        let s = sources(&[("content/posts/good.md", &good), ("content/posts/odd.md", &warned)]);
        let (first, first_report) = parse(&s);
        assert!(first_report.contains("colour"), "{first_report}");
        // Only the document parsed without a diagnostic is kept.
        assert!(docs.0.len() == 1 && docs.0.contains(&"content/posts/good.md".to_string()));
        let (second, second_report) = parse(&s);
        assert_eq!(second_report, first_report, "the warning is given again");
        assert_eq!(format!("{:?}", second.posts), format!("{:?}", first.posts));
        // The same words in another text (a file read again): parsed again, and it says so by its title.
        let edited: Arc<str> = Arc::from("---\ntitle: Better\ndate: 2026-01-02\n---\nBody.\n");
        let (third, _) = parse(&sources(&[("content/posts/good.md", &edited)]));
        assert_eq!(third.posts[0].title, "Better");
        let reuse = docs.0.begin();
        assert!(Arc::ptr_eq(&reuse.last(&"content/posts/good.md".to_string()).unwrap().0, &edited));
    }
}
