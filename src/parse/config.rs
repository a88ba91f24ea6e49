//! `site.yaml` → `SiteConfig`: every key but `title` and `base_url` has a
//! default; an unknown key is an error naming the nearest valid one; a bad
//! value is an error at its line, and the build goes on with the default so
//! that every problem is reported in one run.

use super::yaml::{self, Mapping, Region, Seg, Value};
use crate::diag::{Diagnostics, Span};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::load::CONFIG_FILE;
pub const DEFAULT_CACHE_DIR: &str = ".shopstory-cache";

#[derive(Debug, Clone, Serialize)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub language: String,
    /// `languages: [fr, en]`: every language the site is published in, the
    /// default (`language`) first; empty for a site in one language.
    pub languages: Vec<String>,
    pub description: String,
    pub theme: String,
    pub shop: Shop,
    pub brand: Brand,
    pub posts: PostSettings,
    pub images: ImageSettings,
    pub moments: MomentSettings,
    pub reviews: ReviewSettings,
    pub share_cards: bool,
    pub cache_dir: String,
    /// The site search (`/search/`, the header's box): on unless `search: false`.
    pub search: bool,
    /// `analytics:`: off unless set.
    pub analytics: super::site_extras::Analytics,
    /// Where `cache_dir` is written in site.yaml (checked by `check_cache_dir`).
    #[serde(skip)]
    pub cache_dir_span: Option<Span>,
    /// The words, dates and hours of `language` (with `i18n/<lang>.yaml`).
    #[serde(skip)]
    pub i18n: crate::i18n::I18n,
    /// The words of each other language of `languages` (with its `i18n/<lang>.yaml`).
    #[serde(skip)]
    pub other_i18n: BTreeMap<String, crate::i18n::I18n>,
    /// Set on the site of a language published under `/<lang>/`: the
    /// address of the whole site, where its files (photos, theme, cards)
    /// live, while `base_url` is the address of this language's pages.
    #[serde(skip)]
    pub files_url: Option<String>,
    /// On a site in several languages: where a link to a post or page of
    /// another language leads (site path → URL, and whether it is left
    /// out), set by `resolve` for each language.
    #[serde(skip)]
    pub link_targets: BTreeMap<String, (String, bool)>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Shop {
    pub name: String,
    pub address: Option<Address>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub hours: Vec<String>,
    pub social: BTreeMap<String, String>,
    pub logo: Option<String>,
    /// Where `logo` is written in site.yaml.
    #[serde(skip)]
    pub logo_span: Option<Span>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Brand {
    pub color: String,
    pub accent: String,
}

impl Default for Brand {
    fn default() -> Self {
        Brand { color: "#2f6b4f".into(), accent: "#f2c14e".into() }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PostSettings {
    pub per_page: usize,
    pub permalink: String,
}

impl Default for PostSettings {
    fn default() -> Self {
        PostSettings { per_page: 10, permalink: "/blog/{slug}/".into() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageSettings {
    pub widths: Vec<u32>,
    pub formats: Vec<String>,
    pub quality: u8,
    /// The longest side, in pixels, of a photo shopstory decodes.
    pub max_side: u32,
    /// The most pixels (width x height) of a photo shopstory decodes.
    pub max_pixels: u64,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: vec![480, 960, 1600],
            formats: vec!["webp".into(), "jpeg".into()],
            quality: 80,
            max_side: crate::load::images::MAX_SIDE,
            max_pixels: crate::load::images::MAX_PIXELS,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MomentSettings {
    pub require_consent: bool,
}

impl Default for MomentSettings {
    fn default() -> Self {
        MomentSettings { require_consent: true }
    }
}

/// `reviews:` in site.yaml: reviews per page of /reviews/, how many the
/// home page shows (0 for none), and whether ratings without text are
/// listed (compactly) or only counted.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewSettings {
    pub per_page: usize,
    pub home: usize,
    pub show_rating_only: bool,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        ReviewSettings { per_page: 20, home: 3, show_rating_only: true }
    }
}

/// Every key site.yaml accepts, by section (`""` is the top level; a section
/// is named by its dotted path). The parser checks keys against this table
/// and nothing else, so it is the complete list of settings: the README's
/// settings tables and the starter site.yaml are tested against it.
pub const SETTINGS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "title",
            "base_url",
            "language",
            "languages",
            "description",
            "theme",
            "shop",
            "brand",
            "posts",
            "images",
            "moments",
            "reviews",
            "share_cards",
            "cache_dir",
            "search",
            "analytics",
        ],
    ),
    ("shop", &["name", "address", "phone", "email", "hours", "social", "logo"]),
    ("shop.address", &["street", "city", "region", "postal_code", "country"]),
    ("brand", &["color", "accent"]),
    ("posts", &["per_page", "permalink"]),
    ("images", &["widths", "formats", "quality", "max_side", "max_pixels"]),
    ("moments", &["require_consent"]),
    ("reviews", &["per_page", "home", "show_rating_only"]),
    ("analytics", &["plausible", "goatcounter"]),
];

/// The keys of one section of `SETTINGS` (none for a name that is not one).
pub fn keys_of(section: &str) -> &'static [&'static str] {
    SETTINGS.iter().find(|(name, _)| *name == section).map_or(&[], |(_, keys)| keys)
}

/// Every setting as a dotted path (`shop.address.city`), the sections
/// themselves included (`shop`, `shop.address`), in the order of `SETTINGS`.
pub fn setting_paths() -> Vec<String> {
    SETTINGS
        .iter()
        .flat_map(|(section, keys)| {
            keys.iter().map(move |k| if section.is_empty() { (*k).to_string() } else { format!("{section}.{k}") })
        })
        .collect()
}

pub const IMAGE_FORMATS: &[&str] = &["webp", "jpeg", "png"];

impl SiteConfig {
    /// A configuration used when site.yaml is missing or unusable, so that
    /// the rest of the site can still be checked.
    pub fn placeholder() -> Self {
        SiteConfig {
            title: "Untitled shop".into(),
            base_url: "https://example.com".into(),
            language: "en".into(),
            languages: Vec::new(),
            description: String::new(),
            theme: "default".into(),
            shop: Shop::default(),
            brand: Brand::default(),
            posts: PostSettings::default(),
            images: ImageSettings::default(),
            moments: MomentSettings::default(),
            reviews: ReviewSettings::default(),
            share_cards: true,
            cache_dir: DEFAULT_CACHE_DIR.into(),
            search: true,
            analytics: Default::default(),
            cache_dir_span: None,
            i18n: Default::default(),
            other_i18n: BTreeMap::new(),
            files_url: None,
            link_targets: BTreeMap::new(),
        }
    }

    /// The address the site's files (photos, theme, share cards) live
    /// under: `base_url`, except on a language published under `/<lang>/`.
    pub fn files_url(&self) -> &str {
        self.files_url.as_deref().unwrap_or(&self.base_url)
    }
}

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
    let value = match yaml::parse_value(text) {
        Ok(v) => v,
        Err(e) => {
            region.report(
                diags,
                &e,
                "site.yaml must be YAML `key: value` lines; check the quotes and indentation here",
            );
            return config;
        }
    };
    let map = match value {
        Value::Mapping(m) => m,
        Value::Null => Mapping::new(),
        _ => {
            diags
                .error(
                    CONFIG_FILE,
                    Some(Span::new(0, text.len().min(1))),
                    "site.yaml must be a list of `key: value` settings",
                )
                .help("start with `title: My Shop` and `base_url: https://myshop.example` on their own lines");
            return config;
        }
    };
    // `logo:` at the top belongs under `shop:`: say so, not "unknown key".
    let sections: &[(&str, &[&str])] = &[("shop", keys_of("shop")), ("brand", keys_of("brand"))];
    region.check_top_keys(diags, &map, (keys_of(""), sections), "site.yaml");

    let mut ctx = Ctx { region, diags, map: &map };
    match ctx.string("title") {
        Some(t) if !t.trim().is_empty() => config.title = t,
        _ => {
            ctx.diags
                .error(CONFIG_FILE, None, "site.yaml has no `title`")
                .help("add a line such as `title: Little Spruce Goods`");
        }
    }
    match ctx.string("base_url") {
        Some(u) if u.starts_with("https://") || u.starts_with("http://") => match crate::paths::check_base_url(&u) {
            Ok(()) => config.base_url = u.trim_end_matches('/').to_string(),
            Err(why) => {
                let span = region.span(&[Seg::Key("base_url")]);
                ctx.diags
                    .error(CONFIG_FILE, span, format!("base_url `{u}` cannot be used: {why}"))
                    .help("write the address the site will be published at, such as `https://myshop.example` or `https://example.github.io/shop/`");
            }
        },
        Some(u) => {
            let span = region.span(&[Seg::Key("base_url")]);
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
    if map.contains_key("languages") {
        super::languages::parse_languages(&mut config, &map, region, ctx.diags);
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
    config.analytics = super::site_extras::parse_analytics(&map, &region, ctx.diags);
    if let Some(c) = ctx.string("cache_dir") {
        config.cache_dir = c;
        config.cache_dir_span = region.span(&[Seg::Key("cache_dir")]);
    }

    if let Some(shop) = ctx.section::<Shop>("shop") {
        config.shop = shop;
        super::site_extras::check_hours(&mut config.shop.hours, &region, ctx.diags);
        if let Some(Value::Mapping(m)) = map.get("shop").and_then(|s| s.get("address")) {
            region.check_keys(
                ctx.diags,
                m,
                &[Seg::Key("shop"), Seg::Key("address")],
                keys_of("shop.address"),
                "shop.address",
            );
        }
        for (network, url) in &config.shop.social {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                let span = region.span(&[Seg::Key("shop"), Seg::Key("social"), Seg::Key(network)]);
                ctx.diags
                    .error(CONFIG_FILE, span, format!("shop.social.{network} is not a web address"))
                    .help("write the full address of the profile, such as https://www.instagram.com/myshop");
            }
        }
    }
    if let Some(logo) = &config.shop.logo {
        // In a flow mapping (`shop: { logo: x }`) the key has no line of its own.
        let span = region.span(&[Seg::Key("shop"), Seg::Key("logo")]).or_else(|| region.span(&[Seg::Key("shop")]));
        config.shop.logo_span = span;
        if let Err(why) = crate::paths::site_ref("", logo) {
            ctx.diags
                .error(CONFIG_FILE, span, format!("shop.logo `{}`: {why}", logo.escape_debug()))
                .help("put the logo inside the site folder and write its path from there, such as static/logo.png");
            config.shop.logo = None;
        }
    }
    if config.shop.name.trim().is_empty() {
        config.shop.name = config.title.clone();
    }
    if let Some(brand) = ctx.section::<Brand>("brand") {
        for (key, value) in [("color", &brand.color), ("accent", &brand.accent)] {
            if !is_hex_colour(value) {
                let span = region.span(&[Seg::Key("brand"), Seg::Key(key)]);
                ctx.diags
                    .error(CONFIG_FILE, span, format!("brand.{key} `{value}` is not a colour"))
                    .help("write a hex colour in quotes, such as \"#2f6b4f\"");
            }
        }
        if is_hex_colour(&brand.color) && is_hex_colour(&brand.accent) {
            config.brand = brand;
        }
    }
    if let Some(posts) = ctx.section::<PostSettings>("posts") {
        let mut ok = true;
        if posts.per_page == 0 {
            ok = false;
            let span = region.span(&[Seg::Key("posts"), Seg::Key("per_page")]);
            ctx.diags
                .error(CONFIG_FILE, span, "posts.per_page must be at least 1")
                .help("10 is a good number of posts per page");
        }
        if let Err(why) = crate::paths::check_permalink(&posts.permalink) {
            ok = false;
            let span =
                region.span(&[Seg::Key("posts"), Seg::Key("permalink")]).or_else(|| region.span(&[Seg::Key("posts")]));
            ctx.diags
                .error(CONFIG_FILE, span, format!("posts.permalink `{}`: {why}", posts.permalink.escape_debug()))
                .help("write a path inside the site, of letters, digits, `-` and `/`, such as `/blog/{slug}/` or `/{year}/{month}/{slug}/`");
        }
        if ok {
            config.posts = posts;
        }
    }
    if let Some(images) = ctx.section::<ImageSettings>("images") {
        let mut ok = true;
        if images.widths.is_empty() || images.widths.iter().any(|w| !(16..=8192).contains(w)) {
            ok = false;
            let span = region.span(&[Seg::Key("images"), Seg::Key("widths")]);
            ctx.diags
                .error(CONFIG_FILE, span, "images.widths must list widths from 16 to 8192 pixels")
                .help("for example `widths: [480, 960, 1600]`");
        }
        for f in &images.formats {
            if !IMAGE_FORMATS.contains(&f.as_str()) {
                ok = false;
                let span = region.span(&[Seg::Key("images"), Seg::Key("formats")]);
                ctx.diags
                    .error(CONFIG_FILE, span, format!("images.formats: `{f}` is not a format shopstory writes"))
                    .help("choose from webp, jpeg and png");
            }
        }
        if images.formats.is_empty() {
            ok = false;
            let span = region.span(&[Seg::Key("images"), Seg::Key("formats")]);
            ctx.diags.error(CONFIG_FILE, span, "images.formats is empty").help("for example `formats: [webp, jpeg]`");
        }
        if !(1..=100).contains(&images.quality) {
            ok = false;
            let span = region.span(&[Seg::Key("images"), Seg::Key("quality")]);
            ctx.diags
                .error(CONFIG_FILE, span, "images.quality must be from 1 to 100")
                .help("80 is a good balance of size and sharpness");
        }
        if !(1..=65_535).contains(&images.max_side) {
            ok = false;
            let span = region.span(&[Seg::Key("images"), Seg::Key("max_side")]);
            ctx.diags
                .error(CONFIG_FILE, span, "images.max_side must be from 1 to 65535 pixels")
                .help(format!("the default, {}, fits any camera photo", crate::load::images::MAX_SIDE));
        }
        if !(1..=1_000_000_000).contains(&images.max_pixels) {
            ok = false;
            let span = region.span(&[Seg::Key("images"), Seg::Key("max_pixels")]);
            ctx.diags.error(CONFIG_FILE, span, "images.max_pixels must be from 1 to 1000000000").help(format!(
                "the default, {}, is 100 megapixels; each megapixel takes 3 to 4 MB of memory to decode",
                crate::load::images::MAX_PIXELS
            ));
        }
        if ok {
            config.images = images;
        }
    }
    if let Some(m) = ctx.section::<MomentSettings>("moments") {
        config.moments = m;
    }
    if let Some(r) = ctx.section::<ReviewSettings>("reviews") {
        if r.per_page == 0 {
            let span = region.span(&[Seg::Key("reviews"), Seg::Key("per_page")]);
            ctx.diags
                .error(CONFIG_FILE, span, "reviews.per_page must be at least 1")
                .help("20 is a good number of reviews per page");
        } else {
            config.reviews = r;
        }
    }
    config
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

struct Ctx<'a, 'd> {
    region: Region<'a>,
    diags: &'d mut Diagnostics,
    map: &'a Mapping,
}

impl Ctx<'_, '_> {
    fn string(&mut self, key: &str) -> Option<String> {
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

    fn bool(&mut self, key: &str) -> Option<bool> {
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
    fn section<T: serde::de::DeserializeOwned>(&mut self, key: &str) -> Option<T> {
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

pub(super) fn is_language_tag(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
        && s.split('-').next().is_some_and(|p| p.chars().all(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::render::all_to_text;
    use std::sync::Arc;

    fn parse(text: &str) -> (SiteConfig, String) {
        let mut diags = Diagnostics::new();
        diags.add_source(CONFIG_FILE, Arc::from(text));
        let c = parse_config(Some(text), &mut diags);
        (c, all_to_text(&diags))
    }

    #[test]
    fn defaults_apply() {
        let (c, errs) = parse("title: Shop\nbase_url: https://shop.example/\n");
        assert_eq!(errs, "");
        assert_eq!(c.base_url, "https://shop.example");
        assert_eq!(c.posts.per_page, 10);
        assert_eq!(c.images.widths, vec![480, 960, 1600]);
        assert_eq!(c.shop.name, "Shop");
        assert!(c.moments.require_consent);
    }

    #[test]
    fn unknown_keys_suggest_the_nearest() {
        let (_, errs) = parse("title: Shop\nbaseurl: https://shop.example\nbrand:\n  colour: \"#fff\"\n");
        assert!(errs.contains("unknown key `baseurl` in site.yaml"), "{errs}");
        assert!(errs.contains("site.yaml:2:1"), "{errs}");
        assert!(errs.contains("did you mean `base_url`?"), "{errs}");
        assert!(errs.contains("unknown key `colour` in brand"), "{errs}");
        assert!(errs.contains("site.yaml:4:3"), "{errs}");
        assert!(errs.contains("did you mean `color`?"), "{errs}");
        assert!(errs.contains("site.yaml has no `base_url`"), "{errs}");
    }

    #[test]
    fn bad_values_are_reported_at_their_line() {
        let (c, errs) = parse(
            "title: Shop\nbase_url: shop.example\nbrand:\n  color: green\nposts:\n  per_page: 0\nimages:\n  formats: [gif]\n",
        );
        assert!(errs.contains("base_url `shop.example` is not a web address\n --> site.yaml:2:11"), "{errs}");
        assert!(errs.contains("brand.color `green` is not a colour\n --> site.yaml:4:10"), "{errs}");
        assert!(errs.contains("posts.per_page must be at least 1"), "{errs}");
        assert!(errs.contains("`gif` is not a format"), "{errs}");
        assert_eq!(c.posts.per_page, 10);
    }

    #[test]
    fn paths_are_checked_at_their_line() {
        let (c, errs) = parse(
            "title: Shop\nbase_url: https://shop.example\nposts: { per_page: 2, permalink: \"/../../victim/{slug}.html\" }\nshop:\n  logo: ../logo.png\n",
        );
        assert_eq!(
            errs,
            "error: posts.permalink `/../../victim/{slug}.html`: it has a `..` folder, which would lead out of the output folder\n --> site.yaml:3:8\n  |\n3 | posts: { per_page: 2, permalink: \"/../../victim/{slug}.html\" }\n  |        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  = help: write a path inside the site, of letters, digits, `-` and `/`, such as `/blog/{slug}/` or `/{year}/{month}/{slug}/`\n\n\
             error: shop.logo `../logo.png`: it points outside the site folder\n --> site.yaml:5:9\n  |\n5 |   logo: ../logo.png\n  |         ^^^^^^^^^^^\n  = help: put the logo inside the site folder and write its path from there, such as static/logo.png\n\n"
        );
        assert_eq!((c.posts.permalink.as_str(), c.shop.logo), ("/blog/{slug}/", None));
    }

    #[test]
    fn missing_file_says_what_to_do() {
        let mut diags = Diagnostics::new();
        parse_config(None, &mut diags);
        let text = all_to_text(&diags);
        assert!(text.contains("shopstory init"), "{text}");
    }
}
