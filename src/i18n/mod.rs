//! The site's language: every word the default theme, the generated pages
//! and the share cards show, and every date and hour people read. Part of
//! stage 2 (parse): takes `language:` from site.yaml (a BCP 47 tag) and the
//! site's optional `i18n/<lang>.yaml`, and returns an `I18n` that `render`
//! reads. The tables ship in the binary (`tables/<lang>.yaml`, English as
//! the reference); plural categories, month and weekday names, and date and
//! time patterns come from CLDR through ICU4X's compiled data. It reads no
//! file and never invents a month name or a plural rule of its own; the
//! JSON-LD and the feed keep ISO dates and never go through it.

mod format;
mod tables;
#[cfg(test)]
mod tests;

use crate::date::Date;
use crate::diag::Diagnostics;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use format::is_valid_tag;
pub use tables::{english_keys, BUILT_IN, ENGLISH};

/// One entry of a table: a plain string, or plural forms by CLDR category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Plain(String),
    Plural(BTreeMap<String, String>),
}

/// The interface language of a site (cheap to clone: shared).
#[derive(Clone)]
pub struct I18n(Arc<Inner>);

struct Inner {
    /// The tag as site.yaml writes it (`de`, `en-US`).
    tag: String,
    texts: BTreeMap<String, Text>,
    formats: format::Formats,
    /// `template_value`, made once (with the shop's name it was made for).
    template: std::sync::OnceLock<(String, tera::Value)>,
}

/// Every text (with the site's `i18n/` overrides) and the tag, which
/// decides the formats: a digest of this (`render::kept`) changes with
/// anything a page could read of the language.
impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n").field("tag", &self.0.tag).field("texts", &self.0.texts).finish()
    }
}

impl Default for I18n {
    fn default() -> Self {
        I18n::new("en", &BTreeMap::new())
    }
}

/// Replaces each `{name}` of `template` by its value, in one pass (a value
/// that itself holds `{n}`, such as a post title, stays as written).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            args.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The language subtag of a tag, lower case (`pt-BR` → `pt`).
pub fn language_of(tag: &str) -> String {
    let lang = tag.split(['-', '_']).next().unwrap_or("en").to_ascii_lowercase();
    match lang.as_str() {
        // Norwegian without a written standard: Bokmål, as most shops write.
        "no" => "nb".to_string(),
        _ => lang,
    }
}

/// Languages written right to left.
pub fn is_rtl(tag: &str) -> bool {
    matches!(language_of(tag).as_str(), "ar" | "he" | "fa" | "ur" | "ps" | "yi" | "dv" | "ckb" | "sd")
}

impl I18n {
    /// The language of `tag` with the site's `overrides` (already checked)
    /// over the built-in table, over English.
    pub fn new(tag: &str, overrides: &BTreeMap<String, Text>) -> I18n {
        let mut texts = tables::table("en").unwrap_or_default();
        if let Some(built_in) = tables::table(&language_of(tag)) {
            texts.extend(built_in);
        }
        texts.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        let formats = format::Formats::new(tag);
        I18n(Arc::new(Inner { tag: tag.to_string(), texts, formats, template: std::sync::OnceLock::new() }))
    }

    /// The tag as written in site.yaml (`<html lang>`, the feed's `xml:lang`).
    pub fn tag(&self) -> &str {
        &self.0.tag
    }

    /// `ltr` or `rtl`.
    pub fn dir(&self) -> &'static str {
        if is_rtl(&self.0.tag) {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// Open Graph's `og:locale`: `de_DE` for `de`, `pt_BR` for `pt-BR`.
    /// A bare `en` stays `en`, as before.
    pub fn og_locale(&self) -> String {
        let tag = self.0.tag.replace('-', "_");
        if tag.contains('_') {
            return tag;
        }
        match tables::default_region(&tag) {
            Some(region) => format!("{tag}_{region}"),
            None => tag,
        }
    }

    /// The language's name in itself (`Français`), for a language switcher:
    /// the table's `language_name`, or the tag for a language without a
    /// table that does not name itself in its `i18n/<lang>.yaml`.
    pub fn language_name(&self) -> String {
        let name = self.t("language_name");
        let lang = language_of(&self.0.tag);
        if lang != "en" && tables::table(&lang).is_none() && name == built_in_text("en", "language_name") {
            return self.0.tag.clone();
        }
        name.to_string()
    }

    /// The plain string of `key` (the `other` form of a plural).
    pub fn t(&self, key: &str) -> &str {
        match self.0.texts.get(key) {
            Some(Text::Plain(s)) => s,
            Some(Text::Plural(forms)) => forms.get("other").map_or("", String::as_str),
            None => "",
        }
    }

    /// `key` with its `{name}`s filled in.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }

    /// The form of plural `key` for `n`, with `{n}` and `args` filled in.
    pub fn plural(&self, key: &str, n: usize, args: &[(&str, &str)]) -> String {
        let text = match self.0.texts.get(key) {
            Some(Text::Plural(forms)) => {
                let category = self.0.formats.plural_category(n);
                forms.get(category).or_else(|| forms.get("other")).map_or("", String::as_str)
            }
            Some(Text::Plain(s)) => s,
            None => "",
        };
        let n = n.to_string();
        let mut all = vec![("n", n.as_str())];
        all.extend_from_slice(args);
        fill(text, &all)
    }

    /// The word(s) of plural `key` for `n` without the number: `posts` of
    /// `{n} posts`, for markup that shows the number on its own.
    pub fn plural_words(&self, key: &str, n: usize) -> String {
        let text = match self.0.texts.get(key) {
            Some(Text::Plural(forms)) => {
                forms.get(self.0.formats.plural_category(n)).or_else(|| forms.get("other")).cloned().unwrap_or_default()
            }
            _ => String::new(),
        };
        text.replace("{n}", "").trim().to_string()
    }

    /// A number with one decimal as the language writes it (`4.5`, `4,5`).
    pub fn decimal(&self, text: &str) -> String {
        text.replace('.', self.t("decimal_separator"))
    }

    /// "2 November 2026", "2. November 2026", "November 2, 2026" (`en-US`).
    pub fn date_long(&self, d: Date) -> String {
        self.0.formats.date_long(d)
    }

    /// "2 Nov 2026", "02.11.2026": for narrow cards.
    pub fn date_short(&self, d: Date) -> String {
        self.0.formats.date_short(d)
    }

    /// "December 2026", "Dezember 2026": a month heading.
    pub fn month_year(&self, d: Date) -> String {
        self.0.formats.month_year(d)
    }

    /// An hour of the day as the locale writes it ("18:00", "6:00 PM").
    pub fn time(&self, hour: u32, minute: u32) -> Option<String> {
        self.0.formats.time(hour, minute)
    }

    /// A weekday's name, 1 = Monday.
    pub fn weekday(&self, n: u32) -> String {
        self.0.formats.weekday(n)
    }

    /// The prepared `t` object of the templates: every plain string, with
    /// `{shop}` filled in (plural strings are prepared by the views), and
    /// the share script's two messages as JavaScript string literals
    /// (`link_copied_js`, `copy_failed_js`: quoted, `<` escaped).
    pub fn template_object(&self, shop: &str) -> BTreeMap<String, String> {
        let mut t: BTreeMap<String, String> = self
            .0
            .texts
            .iter()
            .filter_map(|(k, v)| match v {
                Text::Plain(s) => Some((k.clone(), fill(s, &[("shop", shop)]))),
                Text::Plural(_) => None,
            })
            .collect();
        for key in ["link_copied", "copy_failed"] {
            let js = serde_json::to_string(t.get(key).map_or("", String::as_str)).unwrap_or_default();
            t.insert(format!("{key}_js"), js.replace('<', "\\u003c").replace('>', "\\u003e"));
        }
        t
    }

    /// `template_object` as a Tera value, made once and shared (cheap to
    /// clone) by every page and shortcode.
    pub fn template_value(&self, shop: &str) -> tera::Value {
        let make = || tera::Value::from_serializable(&self.template_object(shop));
        let (made_for, value) = self.0.template.get_or_init(|| (shop.to_string(), make()));
        if made_for == shop {
            value.clone()
        } else {
            make()
        }
    }

    /// "Mo-Fr 10:00-18:00" → "Monday to Friday, 10:00–18:00" in the
    /// site's language, hours in its clock; text it cannot read stays as is.
    pub fn hours(&self, h: &str) -> String {
        format::hours(self, h)
    }
}

/// One built-in string of a language (English when it has no table), for
/// the few words shown outside a build: the preview's error overlay.
pub fn built_in_text(tag: &str, key: &str) -> String {
    let from = |lang: &str| match tables::table(lang)?.remove(key)? {
        Text::Plain(s) => Some(s),
        Text::Plural(_) => None,
    };
    from(&language_of(tag)).or_else(|| from("en")).unwrap_or_default()
}

/// Where a site's own strings live: `i18n/<lang>.yaml`.
pub fn override_path(file_stem: &str) -> String {
    format!("i18n/{file_stem}.yaml")
}

/// Reads the site's `i18n/` files for `tag` (`i18n/<tag>.yaml`, else
/// `i18n/<lang>.yaml`): unknown keys are errors with a suggestion; for a
/// language without a built-in table, missing keys are a warning (English
/// shows instead).
pub fn parse_overrides(
    files: &BTreeMap<String, Arc<str>>,
    tag: &str,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Text> {
    tables::parse_site_file(files, tag, diags)
}
