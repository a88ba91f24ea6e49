//! The recipe that reads site.yaml: the YAML, then the top-level settings,
//! then each section in turn (checked in `sections.rs`). A bad value is an
//! error at its line and the default is kept, so every problem is reported
//! in one run; it never reads any file but the text it is given.

use super::super::yaml::{self, Mapping, Region, Seg, Value};
use super::{keys_of, sections, SiteConfig, CONFIG_FILE, DEFAULT_CACHE_DIR};
use crate::diag::{Diagnostics, Span};

/// Parses site.yaml. `text` is `None` when the file does not exist.
pub fn parse_config(text: Option<&str>, diags: &mut Diagnostics) -> SiteConfig {
    let mut config = SiteConfig::placeholder();
    let Some(text) = text else {
        diags
            .error(CONFIG_FILE, None, "this folder has no site.yaml, so it is not a shopstory site")
            .help("run `shopstory init <folder>` to start a site, or pass `--root <folder>` to point at one");
        return config;
    };
    let region = Region { file: CONFIG_FILE, text, offset: 0 };
    let Some(map) = read_mapping(text, region, diags) else { return config };
    // `title: {fr: ..., en: ...}`: one text per language, the first for now.
    let (map, texts) = super::super::translatable::split_mapping(&map, PER_LANGUAGE);
    config.texts = texts;
    // `logo:` at the top belongs under `shop:`: say so, not "unknown key".
    let sections: &[(&str, &[&str])] = &[("shop", keys_of("shop")), ("brand", keys_of("brand"))];
    region.check_top_keys(diags, &map, (keys_of(""), sections), "site.yaml");

    let mut ctx = Ctx { region, diags, map: &map };
    top_level(&mut config, &mut ctx);
    texts_per_language(&mut config, &mut ctx);
    sections::shop(&mut config, &mut ctx);
    sections::brand(&mut config, &mut ctx);
    sections::posts(&mut config, &mut ctx);
    sections::images(&mut config, &mut ctx);
    sections::moments_and_reviews(&mut config, &mut ctx);
    super::events::timezone(&mut config, &mut ctx);
    super::events::events(&mut config, &mut ctx);
    config.home = super::home::parse_home(&map, &region, ctx.diags);
    config.menu = super::home::parse_menu(&map, &region, ctx.diags);
    config
}

/// The settings an owner may write once per language.
const PER_LANGUAGE: &[&str] = &["title", "description"];

/// With `title`/`description` written per language: the default language's
/// text is the site's own (the first written when it has none), and a text
/// in a language the site is not published in is a warning at its line.
fn texts_per_language(config: &mut SiteConfig, ctx: &mut Ctx<'_, '_>) {
    let languages = if config.languages.is_empty() { vec![config.language.clone()] } else { config.languages.clone() };
    for field in PER_LANGUAGE {
        let Some(by) = config.texts.get(*field) else { continue };
        for tag in by.keys() {
            if !languages.iter().any(|l| l.eq_ignore_ascii_case(tag) || l.split('-').next() == Some(tag.as_str())) {
                let span = ctx
                    .region
                    .span(&[Seg::Key(field), Seg::Key(tag.as_str())])
                    .or_else(|| ctx.region.span(&[Seg::Key(field)]));
                ctx.diags
                    .warning(
                        CONFIG_FILE,
                        span,
                        format!(
                            "`{field}` has a text in `{tag}`, which is not one of the site's languages ({})",
                            languages.join(", ")
                        ),
                    )
                    .help(format!("add `{tag}` to `languages`, or remove its text; it is not published"));
            }
        }
        if let Some(text) = super::super::translatable::text_in(&config.texts, field, &config.language) {
            let text = text.clone();
            match *field {
                "title" => config.title = text,
                _ => config.description = text,
            }
        }
    }
}

/// The YAML of site.yaml as a mapping (empty for an empty file), or `None`
/// after an error when it is not YAML or not `key: value` lines.
fn read_mapping(text: &str, region: Region<'_>, diags: &mut Diagnostics) -> Option<Mapping> {
    let value = match yaml::parse_value(text) {
        Ok(v) => v,
        Err(e) => {
            region.report(
                diags,
                &e,
                "site.yaml must be YAML `key: value` lines; check the quotes and indentation here",
            );
            return None;
        }
    };
    match value {
        Value::Mapping(m) => Some(m),
        Value::Null => Some(Mapping::new()),
        _ => {
            diags
                .error(
                    CONFIG_FILE,
                    Some(Span::new(0, text.len().min(1))),
                    "site.yaml must be a list of `key: value` settings",
                )
                .help("start with `title: My Shop` and `base_url: https://myshop.example` on their own lines");
            None
        }
    }
}

/// The settings that are one value each: title, address, language(s),
/// description, theme, the switches, analytics and the cache folder.
fn top_level(config: &mut SiteConfig, ctx: &mut Ctx<'_, '_>) {
    let region = ctx.region;
    match ctx.string("title") {
        Some(t) if !t.trim().is_empty() => config.title = t,
        _ => {
            ctx.diags
                .error(CONFIG_FILE, None, "site.yaml has no `title`")
                .help("add a line such as `title: Little Spruce Goods`");
        }
    }
    base_url(config, ctx);
    if let Some(lang) = ctx.string("language") {
        if is_language_tag(&lang) && crate::i18n::is_valid_tag(&lang) {
            config.language = lang;
        } else {
            let span = region.span(&[Seg::Key("language")]);
            ctx.diags
                .error(CONFIG_FILE, span, format!("`{lang}` is not a language tag"))
                .help("use a BCP 47 tag such as `en`, `en-US`, `de`, `fr-CA` or `pt-BR`");
        }
    }
    if ctx.map.contains_key("languages") {
        super::super::languages::parse_languages(config, ctx.map, region, ctx.diags);
    }
    if let Some(d) = ctx.string("description") {
        config.description = d;
    }
    if let Some(t) = ctx.string("theme") {
        config.theme = t;
    }
    if let Some(b) = ctx.bool("share_cards") {
        config.share_cards = b;
    }
    if let Some(b) = ctx.bool("search") {
        config.search = b;
    }
    config.analytics = super::super::site_extras::parse_analytics(ctx.map, &region, ctx.diags);
    if let Some(c) = ctx.string("cache_dir") {
        config.cache_dir = c;
        config.cache_dir_span = region.span(&[Seg::Key("cache_dir")]);
    }
}

fn base_url(config: &mut SiteConfig, ctx: &mut Ctx<'_, '_>) {
    let span = ctx.region.span(&[Seg::Key("base_url")]);
    match ctx.string("base_url") {
        Some(u) if u.starts_with("https://") || u.starts_with("http://") => match crate::paths::check_base_url(&u) {
            Ok(()) => config.base_url = u.trim_end_matches('/').to_string(),
            Err(why) => {
                ctx.diags
                    .error(CONFIG_FILE, span, format!("base_url `{u}` cannot be used: {why}"))
                    .help("write the address the site will be published at, such as `https://myshop.example` or `https://example.github.io/shop/`");
            }
        },
        Some(u) => {
            ctx.diags
                .error(CONFIG_FILE, span, format!("base_url `{u}` is not a web address"))
                .help("write the full address the site will be published at, such as `https://myshop.example`");
        }
        None => {
            ctx.diags
                .error(CONFIG_FILE, None, "site.yaml has no `base_url`")
                .help("add the address the site is published at, such as `base_url: https://myshop.example`; feeds, canonical links and share cards need it");
        }
    }
}

/// Checks `cache_dir` against the site folder and the output folder (both
/// absolute); a bad one is an error at its line of site.yaml and the default
/// is kept, so that nothing is ever written there.
pub fn check_cache_dir(
    config: &mut SiteConfig,
    root: &std::path::Path,
    output: &std::path::Path,
    diags: &mut Diagnostics,
) {
    let output = crate::paths::normalise(root, output);
    if let Err(why) = crate::paths::check_cache_dir(root, &output, &config.cache_dir) {
        diags
            .error(CONFIG_FILE, config.cache_dir_span, format!("cache_dir `{}`: {why}", config.cache_dir.escape_debug()))
            .help(format!("the cache needs a folder of its own: leave `cache_dir` out to use {DEFAULT_CACHE_DIR}/ in the site folder, or name a folder outside the site such as /home/me/.cache/shop"));
        config.cache_dir = DEFAULT_CACHE_DIR.into();
    }
}

pub(super) struct Ctx<'a, 'd> {
    pub(super) region: Region<'a>,
    pub(super) diags: &'d mut Diagnostics,
    pub(super) map: &'a Mapping,
}

impl Ctx<'_, '_> {
    pub(super) fn string(&mut self, key: &str) -> Option<String> {
        match self.map.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => None,
            _ => {
                let span = self.region.span(&[Seg::Key(key)]);
                self.diags
                    .error(CONFIG_FILE, span, format!("`{key}` must be text"))
                    .help(format!("write it on one line: `{key}: ...`"));
                None
            }
        }
    }

    pub(super) fn bool(&mut self, key: &str) -> Option<bool> {
        match self.map.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                let span = self.region.span(&[Seg::Key(key)]);
                self.diags
                    .error(CONFIG_FILE, span, format!("`{key}` must be true or false"))
                    .help(format!("write `{key}: true` or `{key}: false`"));
                None
            }
        }
    }

    /// Checks a nested section's keys, then deserialises it.
    pub(super) fn section<T: serde::de::DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let known = keys_of(key);
        let value = self.map.get(key)?;
        match value {
            Value::Null => return None,
            Value::Mapping(m) => {
                self.region.check_keys(self.diags, m, &[Seg::Key(key)], known, key);
            }
            _ => {
                let span = self.region.span(&[Seg::Key(key)]);
                self.diags.error(CONFIG_FILE, span, format!("`{key}` must be a group of settings")).help(format!(
                    "indent its settings under `{key}:`, for example `  {}: ...`",
                    known.first().unwrap_or(&"key")
                ));
                return None;
            }
        }
        match serde_yaml_value_to::<T>(value) {
            Ok(v) => Some(v),
            Err(message) => {
                let span = self.region.span(&[Seg::Key(key)]);
                self.diags
                    .error(CONFIG_FILE, span, format!("in `{key}`: {message}"))
                    .help("compare with the README's \"Settings\", which lists every setting with its default");
                None
            }
        }
    }
}

fn serde_yaml_value_to<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, String> {
    // Re-serialising keeps serde_yaml inside the yaml module's vocabulary.
    let text = yaml::to_string(value);
    yaml::parse_typed::<T>(&text).map_err(|e| e.message)
}

pub fn is_hex_colour(s: &str) -> bool {
    let Some(hex) = s.strip_prefix('#') else { return false };
    matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit())
}

pub(in crate::parse) fn is_language_tag(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
        && s.split('-').next().is_some_and(|p| p.chars().all(|c| c.is_ascii_alphabetic()))
}
