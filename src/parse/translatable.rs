//! Part of stage 2 (parse): a text an owner writes once per language, on a
//! site in several languages (`caption: {fr: Ana et sa roue, en: Ana and
//! her wheel}`). Takes a moment's mapping or a staff member's raw fields
//! and returns the text to use where one is expected (the first written)
//! with every language's text kept aside, by field; `resolve` picks each
//! language's. Never reads a file, and leaves a value that is not a map of
//! language tags to texts as it is (the usual error then names it).

use super::yaml::{Mapping, Value};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Texts by field, then by language tag: `caption` → `en` → "...".
pub type Texts = BTreeMap<String, BTreeMap<String, String>>;

/// A text written once, or once per language.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Text {
    One(String),
    ByLanguage(BTreeMap<String, String>),
}

impl Text {
    /// The text to use as the field's own, keeping each language's in `texts`.
    pub fn into_text(self, field: &str, texts: &mut Texts) -> Option<String> {
        match self {
            Text::One(s) => Some(s),
            Text::ByLanguage(by) => {
                let first = by.values().next().cloned();
                texts.insert(field.to_string(), by);
                first
            }
        }
    }
}

/// `map` with each of `keys` that holds a map of language tags to texts
/// replaced by its first text, and those texts.
pub fn split_mapping(map: &Mapping, keys: &[&str]) -> (Mapping, Texts) {
    let mut texts = Texts::new();
    let mut out = map.clone();
    for key in keys {
        let Some(Value::Mapping(m)) = map.get(*key) else { continue };
        let mut by = BTreeMap::new();
        for (k, v) in m {
            match (k, v) {
                (Value::String(tag), Value::String(text)) if super::config::is_language_tag(tag) => {
                    by.insert(tag.clone(), text.clone());
                }
                _ => {
                    by.clear();
                    break;
                }
            }
        }
        if let Some(first) = m.iter().next().and_then(|(_, v)| v.as_str()).filter(|_| !by.is_empty()) {
            out.insert(Value::String((*key).to_string()), Value::String(first.to_string()));
            texts.insert((*key).to_string(), by);
        }
    }
    (out, texts)
}

/// The text of `field` in `lang` (its language if the tag has a region),
/// when one was written for it.
pub fn text_in<'a>(texts: &'a Texts, field: &str, lang: &str) -> Option<&'a String> {
    let by = texts.get(field)?;
    by.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(lang))
        .or_else(|| {
            let base = lang.split('-').next().unwrap_or(lang);
            by.iter().find(|(k, _)| k.eq_ignore_ascii_case(base))
        })
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_of_languages_becomes_the_first_text_and_each_languages() {
        let Ok(Value::Mapping(map)) = super::super::yaml::parse_value(
            "caption: {fr: Ana et sa roue, en: Ana and her wheel}\nalt: A wheel\ncustomer: {x: 1}\n",
        ) else {
            panic!("a mapping")
        };
        let (out, texts) = split_mapping(&map, &["caption", "alt", "customer"]);
        assert_eq!(out.get("caption").and_then(Value::as_str), Some("Ana et sa roue"));
        assert_eq!(out.get("alt").and_then(Value::as_str), Some("A wheel"));
        assert!(out.get("customer").is_some_and(Value::is_mapping), "not texts: left for the usual error");
        assert_eq!(text_in(&texts, "caption", "en").map(String::as_str), Some("Ana and her wheel"));
        assert_eq!(text_in(&texts, "caption", "fr-CA").map(String::as_str), Some("Ana et sa roue"));
        assert_eq!(text_in(&texts, "caption", "de"), None);
        assert_eq!(text_in(&texts, "alt", "en"), None);
    }
}
