//! `site.yaml` → `SiteConfig`: every key but `title` and `base_url` has a
//! default; an unknown key is an error naming the nearest valid one; a bad
//! value is an error at its line, and the build goes on with the default so
//! that every problem is reported in one run.
//!
//! The module is split by job: this file holds the settings' types,
//! `settings.rs` the table of every key (`SETTINGS`), `parse.rs` the recipe
//! that reads site.yaml and `sections.rs` the checks of each section.

mod events;
mod home;
mod parse;
mod sections;
mod settings;
#[cfg(test)]
mod tests;

pub use events::{is_currency, EventSettings, DEFAULT_TIMEZONE};
pub use home::{is_external, Hero, HomeSettings, MenuItem, MenuName, MenuSettings, HOME_SECTIONS};
pub(in crate::parse) use parse::is_language_tag;
pub use parse::{check_cache_dir, is_hex_colour, parse_config};
pub use settings::{keys_of, setting_paths, IMAGE_FORMATS, SETTINGS};

use crate::diag::Span;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::load::CONFIG_FILE;
pub const DEFAULT_CACHE_DIR: &str = ".shopstory-cache";

#[derive(Debug, Clone, Serialize)]
pub struct SiteConfig {
    pub title: String,
    /// `title:` and `description:` written once per language
    /// (`title: {fr: Atelier Érable, en: Maple Workshop}`), by field and
    /// language; `title`/`description` hold the default language's.
    #[serde(skip)]
    pub texts: crate::parse::translatable::Texts,
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
    /// `events:`: the feed, the home page and the currency of prices.
    pub events: EventSettings,
    pub share_cards: bool,
    pub cache_dir: String,
    /// The site search (`/search/`, the header's box): on unless `search: false`.
    pub search: bool,
    /// `analytics:`: off unless set.
    pub analytics: super::site_extras::Analytics,
    /// `home:`: the hero photo and the home page's sections.
    pub home: HomeSettings,
    /// `menu:`: the header's links (order, labels, hidden, added).
    pub menu: MenuSettings,
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
    /// `shop.timezone`: the IANA name of the time zone events are in (checked).
    pub timezone: Option<String>,
    /// Where `logo` is written in site.yaml.
    #[serde(skip)]
    pub logo_span: Option<Span>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

impl Address {
    /// `city, region postal_code` ("Astoria, OR 97103"), the parts given.
    pub fn locality(&self) -> String {
        let region_postal = join([self.region.as_str(), self.postal_code.as_str()], " ");
        join([self.city.as_str(), region_postal.as_str()], ", ")
    }

    /// The address on one line: "214 Harbor Street, Astoria, OR 97103, US".
    pub fn one_line(&self) -> String {
        join([self.street.as_str(), self.locality().as_str(), self.country.as_str()], ", ")
    }
}

/// The non-empty parts, joined.
fn join<const N: usize>(parts: [&str; N], sep: &str) -> String {
    parts.iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(sep)
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

impl SiteConfig {
    /// A configuration used when site.yaml is missing or unusable, so that
    /// the rest of the site can still be checked.
    pub fn placeholder() -> Self {
        SiteConfig {
            title: "Untitled shop".into(),
            texts: Default::default(),
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
            events: EventSettings::default(),
            share_cards: true,
            cache_dir: DEFAULT_CACHE_DIR.into(),
            search: true,
            analytics: Default::default(),
            home: HomeSettings::default(),
            menu: MenuSettings::default(),
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

    /// The IANA name of the time zone the shop's events are in.
    pub fn timezone(&self) -> &str {
        self.shop.timezone.as_deref().unwrap_or(DEFAULT_TIMEZONE)
    }
}
