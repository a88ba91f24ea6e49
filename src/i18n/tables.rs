//! The built-in tables (YAML files compiled into the binary) and the site's
//! own `i18n/<lang>.yaml`, read with the same rules: a key is an English
//! key, a value is a string or a map of plural forms by CLDR category.

use super::{language_of, override_path, Text};
use crate::diag::Diagnostics;
use crate::parse::yaml::{self, Region, Seg, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The English table: every key there is.
pub const ENGLISH: &str = include_str!("tables/en.yaml");

/// Every built-in table, by language subtag. A native speaker should review
/// those marked in the README (all but `en` were written by the project).
pub const BUILT_IN: &[(&str, &str)] = &[
    ("en", ENGLISH),
    ("de", include_str!("tables/de.yaml")),
    ("fr", include_str!("tables/fr.yaml")),
    ("es", include_str!("tables/es.yaml")),
    ("it", include_str!("tables/it.yaml")),
    ("nl", include_str!("tables/nl.yaml")),
    ("pt", include_str!("tables/pt.yaml")),
    ("sv", include_str!("tables/sv.yaml")),
    ("da", include_str!("tables/da.yaml")),
    ("nb", include_str!("tables/nb.yaml")),
    ("fi", include_str!("tables/fi.yaml")),
    ("pl", include_str!("tables/pl.yaml")),
    ("cs", include_str!("tables/cs.yaml")),
];

const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// The region Open Graph assumes for a bare language (CLDR's likely subtags).
pub(super) fn default_region(lang: &str) -> Option<&'static str> {
    Some(match lang {
        "de" => "DE",
        "fr" => "FR",
        "es" => "ES",
        "it" => "IT",
        "nl" => "NL",
        "pt" => "BR",
        "sv" => "SE",
        "da" => "DK",
        "nb" => "NO",
        "fi" => "FI",
        "pl" => "PL",
        "cs" => "CZ",
        "el" => "GR",
        "ru" => "RU",
        "uk" => "UA",
        "ar" => "SA",
        "he" => "IL",
        _ => return None,
    })
}

/// A YAML value as a table entry, or why it cannot be one.
fn entry(value: &Value) -> Result<Text, String> {
    match value {
        Value::String(s) => Ok(Text::Plain(s.clone())),
        Value::Number(n) => Ok(Text::Plain(n.to_string())),
        Value::Mapping(m) => {
            let mut forms = BTreeMap::new();
            for (k, v) in m {
                let (Value::String(k), Value::String(v)) = (k, v) else {
                    return Err("plural forms are `category: text` lines".into());
                };
                if !CATEGORIES.contains(&k.as_str()) {
                    return Err(format!("`{k}` is not a plural category (zero, one, two, few, many, other)"));
                }
                forms.insert(k.clone(), v.clone());
            }
            if !forms.contains_key("other") {
                return Err("plural forms need at least `other`".into());
            }
            Ok(Text::Plural(forms))
        }
        _ => Err("a translation is a text, or plural forms (`one:`, `other:`, ...)".into()),
    }
}

fn parse_table(text: &str) -> Result<BTreeMap<String, Text>, String> {
    let value = yaml::parse_value(text).map_err(|e| e.message)?;
    let Value::Mapping(map) = value else { return Err("a table is a mapping of keys".into()) };
    map.iter()
        .map(|(k, v)| {
            let Value::String(k) = k else { return Err("keys are words".to_string()) };
            Ok((k.clone(), entry(v).map_err(|e| format!("{k}: {e}"))?))
        })
        .collect()
}

/// The built-in table of a language subtag.
pub(super) fn table(lang: &str) -> Option<BTreeMap<String, Text>> {
    let (_, text) = BUILT_IN.iter().find(|(l, _)| *l == lang)?;
    // The tables are checked by the tests: a broken one cannot ship.
    parse_table(text).ok()
}

/// The keys of the English table, in file order's sorted form.
pub fn english_keys() -> Vec<String> {
    table("en").map(|t| t.into_keys().collect()).unwrap_or_default()
}

pub(super) fn parse_site_file(
    files: &BTreeMap<String, Arc<str>>,
    tag: &str,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Text> {
    let candidates = [override_path(tag), override_path(&language_of(tag))];
    let Some((file, text)) = candidates.iter().find_map(|p| files.get(p).map(|t| (p.as_str(), t))) else {
        if table(&language_of(tag)).is_none() {
            diags
                .warning(
                    crate::parse::config::CONFIG_FILE,
                    None,
                    format!("shopstory has no built-in translation for `{tag}`: the site's words are in English"),
                )
                .help(format!(
                    "write the translations in {} (the keys are listed in the README's \"Languages\" section)",
                    override_path(&language_of(tag))
                ));
        }
        return BTreeMap::new();
    };
    diags.add_source(file, text.clone());
    let region = Region { file, text, offset: 0 };
    let value = match yaml::parse_value(text) {
        Ok(v) => v,
        Err(e) => {
            region.report(diags, &e, "fix the YAML: one `key: text` per line");
            return BTreeMap::new();
        }
    };
    let map = match value {
        Value::Mapping(m) => m,
        Value::Null => return BTreeMap::new(),
        _ => {
            diags
                .error(file, None, "this file should be a list of `key: text` lines")
                .help("write one translation per line, such as `read_our_blog: Lies unseren Blog`");
            return BTreeMap::new();
        }
    };
    let keys = english_keys();
    let known: Vec<&str> = keys.iter().map(String::as_str).collect();
    region.check_keys(diags, &map, &[], &known, "translation key");
    let mut out = BTreeMap::new();
    for (k, v) in &map {
        let Value::String(k) = k else { continue };
        if !known.contains(&k.as_str()) {
            continue;
        }
        match entry(v) {
            Ok(t) => {
                out.insert(k.clone(), t);
            }
            Err(why) => {
                diags
                    .error(file, region.span(&[Seg::Key(k)]), format!("`{k}`: {why}"))
                    .help("write `key: text`, or for a count `key: {one: \"{n} post\", other: \"{n} posts\"}`");
            }
        }
    }
    if table(&language_of(tag)).is_none() {
        let missing: Vec<&str> = known.iter().copied().filter(|k| !map.contains_key(*k)).collect();
        if !missing.is_empty() {
            let shown = missing.iter().take(8).map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
            let more = if missing.len() > 8 { format!(" and {} more", missing.len() - 8) } else { String::new() };
            diags
                .warning(
                    file,
                    None,
                    format!("{} translation keys are missing, so English shows for them: {shown}{more}", missing.len()),
                )
                .help("add the missing keys (the README's \"Languages\" section lists them all)");
        }
    }
    out
}
