//! Part of stage 3 (resolve): a site in several languages. Takes `Parsed`
//! with `languages: [fr, en]` and returns the default language's `Site`
//! with one `Site` per other language in `Site::languages`. Each language
//! is resolved as a site of its own: its posts and pages (the files marked
//! by `parse::languages`), the shared reviews, moments and staff, its words
//! (`I18n`) and its address (`base_url` + `/en`; its files stay at the
//! site's `files_url`). Photos and media every language uses are gathered
//! in the default site, which `build` plans and writes once. Reports a page
//! of the default language that would be published under another
//! language's folder (`/en/...`). Pure: no I/O; a one-language site goes
//! through `resolve_one` untouched.

use super::{doc_url, resolve_one, ResolveInput, ResolveOptions};
use crate::diag::Diagnostics;
use crate::model::Site;
use crate::parse::config::SiteConfig;
use crate::parse::doc::ParsedDoc;
use crate::parse::Parsed;
use std::collections::BTreeMap;

/// The folder a language is published under: `/en` for `en`, `/fr-ca` for
/// `fr-CA`.
pub fn language_prefix(tag: &str) -> String {
    format!("/{}", tag.to_ascii_lowercase())
}

pub(super) fn resolve_languages(
    mut parsed: Parsed,
    input: &ResolveInput<'_>,
    opts: &ResolveOptions,
    diags: &mut Diagnostics,
) -> Site {
    if parsed.config.languages.len() < 2 {
        return resolve_one(parsed, input, opts, diags);
    }
    let mut others: Vec<Parsed> =
        parsed.config.languages[1..].iter().map(|lang| language_part(&parsed, lang)).collect();
    link_across(&mut parsed, &mut others);
    parsed.posts.retain(|d| d.lang.is_none());
    parsed.pages.retain(|d| d.lang.is_none());
    parsed.events.retain(|e| e.lang.is_none());
    check_folders(&parsed, diags);
    let default_lang = parsed.config.language.clone();
    localize(&mut parsed, &default_lang);
    let mut site = resolve_one(parsed, input, opts, diags);
    for part in others {
        let mut d = Diagnostics::new();
        let other = resolve_one(part, input, opts, &mut d);
        // Reviews, moments and staff are checked once per language: report them once.
        diags.extend_unique(d);
        for (k, v) in &other.images {
            site.images.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for (k, v) in &other.media {
            site.media.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for f in &other.left_out.drafts {
            if !site.left_out.drafts.contains(f) {
                site.left_out.drafts.push(f.clone());
            }
        }
        for f in &other.left_out.future {
            if !site.left_out.future.contains(f) {
                site.left_out.future.push(f.clone());
            }
        }
        site.languages.push(other);
    }
    site
}

/// The part of `parsed` one other language publishes: its own posts and
/// pages, the shared data, its words and its address.
fn language_part(parsed: &Parsed, lang: &str) -> Parsed {
    let mut config = parsed.config.clone();
    config.language = lang.to_string();
    for (field, text) in [("title", &mut config.title), ("description", &mut config.description)] {
        if let Some(t) = crate::parse::translatable::text_in(&parsed.config.texts, field, lang) {
            *text = t.clone();
        }
    }
    if parsed.config.shop.name == parsed.config.title {
        // The shop's name was not written apart from the title: it follows it.
        config.shop.name = config.title.clone();
    }
    config.i18n = parsed.config.other_i18n.get(lang).cloned().unwrap_or_default();
    config.files_url = Some(parsed.config.base_url.clone());
    config.base_url = format!("{}{}", parsed.config.base_url, language_prefix(lang));
    let mine = |d: &&std::sync::Arc<ParsedDoc>| d.lang.as_deref() == Some(lang);
    let mut part = Parsed {
        config,
        posts: parsed.posts.iter().filter(mine).cloned().collect(),
        pages: parsed.pages.iter().filter(mine).cloned().collect(),
        staff: parsed.staff.clone(),
        reviews: parsed.reviews.clone(),
        moments: parsed.moments.clone(),
        events: parsed.events.iter().filter(|e| e.lang.as_deref() == Some(lang)).cloned().collect(),
        config_ok: parsed.config_ok,
        staff_ok: parsed.staff_ok,
    };
    localize(&mut part, lang);
    part
}

/// Puts each shared text written per language (a moment's `caption:
/// {fr: ..., en: ...}`, a staff member's `bio`) in `lang` where it has one;
/// else it stays as written first.
fn localize(parsed: &mut Parsed, lang: &str) {
    use crate::parse::translatable::text_in;
    for m in &mut parsed.moments {
        for (field, value) in [("caption", &mut m.caption), ("alt", &mut m.alt), ("product", &mut m.product)] {
            if let Some(t) = text_in(&m.texts, field, lang) {
                *value = Some(t.clone());
            }
        }
    }
    for s in &mut parsed.staff {
        for (field, value) in [("role", &mut s.role), ("bio", &mut s.bio)] {
            if let Some(t) = text_in(&s.texts, field, lang) {
                *value = Some(t.clone());
            }
        }
    }
}

/// Where a link from one language to a markdown file leads: to the file's
/// translation in the linking language when there is one (`[x](about.md)`
/// in `about.en.md`... `intro.en.md` leads to `/en/about/`), else to the
/// file in its own language. URLs of the linking language's own pages are
/// written without its folder (render adds it); others with theirs.
fn link_across(default: &mut Parsed, others: &mut [Parsed]) {
    type Targets = BTreeMap<String, (String, bool)>;
    type Docs = Vec<std::sync::Arc<ParsedDoc>>;
    let add =
        |out: &mut Targets, docs: &[&std::sync::Arc<ParsedDoc>], config: &SiteConfig, folder: &str, by_key: bool| {
            for d in docs {
                let path = if by_key { d.translation_key.clone() } else { d.source.clone() };
                out.insert(path, (format!("{folder}{}", doc_url(d, config)), d.draft));
            }
        };
    let docs_of = |p: &Parsed| -> Docs { p.posts.iter().chain(&p.pages).cloned().collect() };
    let default_docs: Docs = docs_of(default).into_iter().filter(|d| d.lang.is_none()).collect();
    let other_docs: Vec<(Docs, SiteConfig)> = others.iter().map(|p| (docs_of(p), p.config.clone())).collect();
    let mut for_default = Targets::new();
    for (docs, config) in &other_docs {
        add(&mut for_default, &docs.iter().collect::<Vec<_>>(), config, &language_prefix(&config.language), false);
    }
    default.config.link_targets = for_default;
    for (i, other) in others.iter_mut().enumerate() {
        let mut mine = Targets::new();
        add(&mut mine, &default_docs.iter().collect::<Vec<_>>(), &default.config, "", false);
        for (_, (docs, config)) in other_docs.iter().enumerate().filter(|(j, _)| *j != i) {
            add(&mut mine, &docs.iter().collect::<Vec<_>>(), config, &language_prefix(&config.language), false);
        }
        add(&mut mine, &other_docs[i].0.iter().collect::<Vec<_>>(), &other.config, "", true);
        other.config.link_targets = mine;
    }
}

/// A post or page of the default language may not be published inside the
/// folder of another language (`content/pages/en.md` would be `/en/`).
fn check_folders(parsed: &Parsed, diags: &mut Diagnostics) {
    let prefixes: Vec<(String, &String)> =
        parsed.config.languages[1..].iter().map(|l| (format!("{}/", language_prefix(l)), l)).collect();
    for d in parsed.posts.iter().chain(&parsed.pages) {
        let url = doc_url(d, &parsed.config);
        if let Some((prefix, lang)) = prefixes.iter().find(|(p, _)| url.starts_with(p.as_str())) {
            diags.add_source(&d.source, d.text.clone());
            diags
                .error(
                    &d.source,
                    d.span_of("slug").or_else(|| d.span_of("title")),
                    format!("this page's URL {url} is inside {prefix}, where the `{lang}` version of the site is published"),
                )
                .help(format!(
                    "give it another `slug:` or rename the file; to translate a page into `{lang}`, write it beside the original as name.{lang}.md"
                ));
        }
    }
}
