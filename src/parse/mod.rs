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
use config::SiteConfig;
use doc::{DocKind, ParsedDoc};
use rayon::prelude::*;
use staff::ParsedStaff;

#[derive(Debug)]
pub struct Parsed {
    pub config: SiteConfig,
    pub posts: Vec<ParsedDoc>,
    pub pages: Vec<ParsedDoc>,
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

fn parse_docs(files: &[TextFile], kind: DocKind, diags: &mut Diagnostics) -> Vec<ParsedDoc> {
    let results: Vec<(Option<ParsedDoc>, Diagnostics)> = files
        .par_iter()
        .map(|f| {
            let mut d = Diagnostics::new();
            (doc::parse_doc(f, kind, &mut d), d)
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for (doc, d) in results {
        diags.extend(d);
        out.extend(doc);
    }
    out
}

pub fn parse(sources: &Sources, diags: &mut Diagnostics) -> Parsed {
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
    let mut posts = parse_docs(&sources.posts, DocKind::Post, diags);
    let mut pages = parse_docs(&sources.pages, DocKind::Page, diags);
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
