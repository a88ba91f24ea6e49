//! Part of stage 2 (parse): a site in several languages. Reads `languages:`
//! of site.yaml (BCP 47 tags, the default first) into `SiteConfig`, and
//! marks each post and page written as a translation (`name.en.md` beside
//! `name.md`, as Hugo's default layout) with its language and the key that
//! links it to its other versions. Takes parsed values and returns them
//! marked; reads no file, and never changes anything on a site without
//! `languages:` (a file named `x.en.md` there keeps its old slug).

use super::config::{is_language_tag, SiteConfig, CONFIG_FILE};
use super::doc::{date_from_file_name, ParsedDoc};
use super::yaml::{Mapping, Region, Seg, Value};
use crate::diag::Diagnostics;
use crate::paths::slugify;

const HELP: &str =
    "write the languages as a list, the default first (published at the site's root): `languages: [fr, en]`";

/// `languages:` of site.yaml. One language is a one-language site; two or
/// more set `config.languages` and make the first `config.language`.
pub(super) fn parse_languages(config: &mut SiteConfig, map: &Mapping, region: Region<'_>, diags: &mut Diagnostics) {
    let Some(value) = map.get("languages") else { return };
    let Value::Sequence(items) = value else {
        if !matches!(value, Value::Null) {
            diags
                .error(
                    CONFIG_FILE,
                    region.span(&[Seg::Key("languages")]),
                    "`languages` must be a list of language tags",
                )
                .help(HELP);
        }
        return;
    };
    let mut tags: Vec<String> = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let span =
            region.span(&[Seg::Key("languages"), Seg::Index(i)]).or_else(|| region.span(&[Seg::Key("languages")]));
        let tag = match item {
            Value::String(s) => s.trim().to_string(),
            _ => String::new(),
        };
        if !(is_language_tag(&tag) && crate::i18n::is_valid_tag(&tag)) {
            ok = false;
            let shown = super::yaml::to_string(item);
            diags
                .error(CONFIG_FILE, span, format!("`{}` in `languages` is not a language tag", shown.trim()))
                .help("use BCP 47 tags such as `fr`, `en`, `de`, `fr-CA` or `pt-BR`");
            continue;
        }
        if tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
            ok = false;
            diags
                .error(CONFIG_FILE, span, format!("`{tag}` is listed twice in `languages`"))
                .help("list each language once, the default first");
            continue;
        }
        tags.push(tag);
    }
    if !ok {
        return;
    }
    let Some(first) = tags.first().cloned() else {
        diags.error(CONFIG_FILE, region.span(&[Seg::Key("languages")]), "`languages` is empty").help(HELP);
        return;
    };
    if map.contains_key("language") && !config.language.eq_ignore_ascii_case(&first) {
        diags
            .error(
                CONFIG_FILE,
                region.span(&[Seg::Key("language")]),
                format!("`language: {}` is not the first of `languages` ({first})", config.language),
            )
            .help("leave out `language:`: the first of `languages` is the site's default language");
        return;
    }
    config.language = first;
    if tags.len() > 1 {
        config.languages = tags;
    }
}

/// The language a file name is written in: `about.en.md` is `en` when `en`
/// is one of `languages`. Returns the index into `languages` and the name
/// without the language (`about.md`).
pub fn language_of_file(file_name: &str, languages: &[String]) -> Option<(usize, String)> {
    let (stem, ext) = file_name.rsplit_once('.')?;
    let (base, lang) = stem.rsplit_once('.')?;
    let i = languages.iter().position(|l| l.eq_ignore_ascii_case(lang))?;
    (!base.is_empty()).then(|| (i, format!("{base}.{ext}")))
}

/// Marks each translation among `docs` with its language and key, and
/// gives it the slug of the file name without the language (unless its
/// front matter sets `slug:`), so that `about.en.md` is `/en/about/`.
/// A file named like a translation into a language the site does not list
/// (`about.de.md` with `languages: [fr, en]`) is a warning: it is published
/// as a page of the default language (`/about-de/`).
pub fn mark_translations(docs: &mut [std::sync::Arc<ParsedDoc>], config: &SiteConfig, diags: &mut Diagnostics) {
    if config.languages.len() < 2 {
        return;
    }
    for shared in docs {
        let source = shared.source.clone();
        let (dir, file_name) = source.rsplit_once('/').unwrap_or(("", source.as_str()));
        let Some((i, name)) = language_of_file(file_name, &config.languages) else {
            let suffix = file_name.rsplit('.').nth(1).filter(|_| file_name.matches('.').count() >= 2);
            if let Some(tag) = suffix.filter(|t| (2..=3).contains(&t.len()) && crate::i18n::is_valid_tag(t)) {
                diags
                    .warning(
                        &source,
                        None,
                        format!(
                            "this file is named as a `{tag}` translation, but `{tag}` is not one of `languages` ({})",
                            config.languages.join(", ")
                        ),
                    )
                    .help(format!(
                        "add `{tag}` to `languages` in site.yaml, or rename the file; it is published in {} as it is",
                        config.language
                    ));
            }
            continue;
        };
        // Copied only when another holder (the preview's memory) shares it.
        let d = std::sync::Arc::make_mut(shared);
        d.translation_key = if dir.is_empty() { name.clone() } else { format!("{dir}/{name}") };
        d.lang = (i > 0).then(|| config.languages[i].clone());
        if d.span_of("slug").is_none() {
            let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
            let rest = match date_from_file_name(stem) {
                Some(Ok((_, rest))) => rest,
                _ => stem,
            };
            let slug = slugify(if rest.is_empty() { &d.title } else { rest });
            if !slug.is_empty() {
                d.slug = slug;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::render::all_to_text;
    use std::sync::Arc;

    fn config(text: &str) -> (SiteConfig, String) {
        let mut diags = Diagnostics::new();
        diags.add_source(CONFIG_FILE, Arc::from(text));
        let c = super::super::config::parse_config(Some(text), &mut diags);
        (c, all_to_text(&diags))
    }

    #[test]
    fn the_first_language_is_the_default() {
        let (c, errs) = config("title: S\nbase_url: https://s.example\nlanguages: [fr, en]\n");
        assert_eq!(errs, "");
        assert_eq!((c.language.as_str(), c.languages.clone()), ("fr", vec!["fr".to_string(), "en".to_string()]));
        let (c, errs) = config("title: S\nbase_url: https://s.example\nlanguage: de\nlanguages: [de]\n");
        assert_eq!(errs, "");
        assert_eq!((c.language.as_str(), c.languages.len()), ("de", 0));
    }

    #[test]
    fn bad_lists_are_reported_at_their_line() {
        let (c, errs) = config("title: S\nbase_url: https://s.example\nlanguages:\n  - fr\n  - en!\n  - fr\n");
        assert_eq!(
            errs,
            "error: `en!` in `languages` is not a language tag\n --> site.yaml:5:3\n  |\n5 |   - en!\n  |   ^^^^^\n  = help: use BCP 47 tags such as `fr`, `en`, `de`, `fr-CA` or `pt-BR`\n\n\
             error: `fr` is listed twice in `languages`\n --> site.yaml:6:3\n  |\n6 |   - fr\n  |   ^^^^\n  = help: list each language once, the default first\n\n"
        );
        assert!(c.languages.is_empty());
        let (_, errs) = config("title: S\nbase_url: https://s.example\nlanguage: en\nlanguages: [fr, en]\n");
        assert!(
            errs.starts_with("error: `language: en` is not the first of `languages` (fr)\n --> site.yaml:3:11"),
            "{errs}"
        );
    }

    #[test]
    fn file_names_carry_the_language() {
        let langs = vec!["fr".to_string(), "en".to_string()];
        assert_eq!(language_of_file("about.en.md", &langs), Some((1, "about.md".into())));
        assert_eq!(language_of_file("about.fr.md", &langs), Some((0, "about.md".into())));
        assert_eq!(language_of_file("about.md", &langs), None);
        assert_eq!(language_of_file("v1.2.md", &langs), None);
        assert_eq!(language_of_file(".en.md", &langs), None);
    }
}
