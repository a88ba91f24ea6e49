//! The resolved site: plain data, sorted, ready to render. Built by
//! `resolve` from `Parsed` (facts only: URLs, checked references, the site
//! graph); `assets::plan` fills in `images` and `share_images`, and
//! `render::bodies` each document's rendered body, video and media. Read by
//! `render`. Nothing here reads a file or renders anything.

use crate::date::DateTime;
use crate::markdown::RenderedBody;
use crate::parse::config::SiteConfig;
use crate::parse::doc::{DocKind, ParsedDoc};
use image::PlannedImage;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub mod events;
pub mod image;
pub mod left_out;
pub mod moments;
pub mod reviews;
pub mod video;

#[derive(Debug, Clone)]
pub struct TagRef {
    pub name: String,
    pub slug: String,
}

/// An image as a page uses it: which one, and its alt text.
#[derive(Debug, Clone)]
pub struct ImageUse {
    /// Site path of the source image (key into `Site::images`).
    pub path: String,
    pub alt: String,
}

/// A published post or page.
#[derive(Debug, Clone)]
pub struct Doc {
    pub kind: DocKind,
    pub source: String,
    pub title: String,
    pub slug: String,
    pub url: String,
    pub date: Option<DateTime>,
    pub updated: Option<DateTime>,
    pub description: Option<String>,
    pub tags: Vec<TagRef>,
    /// Index into `Site::staff`.
    pub author: Option<usize>,
    pub cover: Option<ImageUse>,
    /// `share_image:` (its site path, checked): shown, cropped to 1200x630,
    /// when the page is shared, instead of a drawn card. Planned only (key
    /// into `Site::share_images`): its variants are not published.
    pub share_image: Option<String>,
    /// A how-to video post's video (front matter `video:`); set by
    /// `render::bodies`.
    pub video: Option<video::DocVideo>,
    /// Whether the page shows a click-to-load video (and needs its script);
    /// set by `render::bodies`.
    pub video_script: bool,
    pub draft: bool,
    pub template: Option<String>,
    /// A shorter title for the main navigation.
    pub nav_title: Option<String>,
    pub extra: serde_json::Value,
    /// The rendered body: empty after `resolve`, filled by `render::bodies`.
    pub body: RenderedBody,
    /// What links this post or page to its translations (its source path
    /// without the language: `content/pages/about.md` for `about.en.md`).
    pub translation_key: String,
    /// The file as parsed (its markdown body, the front matter's spans),
    /// for `render::bodies`.
    pub parsed: std::sync::Arc<ParsedDoc>,
}

impl Doc {
    /// The description for meta tags: the front matter's, else the excerpt.
    pub fn meta_description(&self, fallback: &str) -> String {
        if let Some(d) = &self.description {
            return d.clone();
        }
        let excerpt = &self.body.excerpt;
        if excerpt.is_empty() {
            return fallback.to_string();
        }
        truncate_words(excerpt, 160)
    }
}

/// Cuts text at a word boundary to at most `max` characters, adding "…".
pub fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max - 1 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.trim_end_matches([',', ';', ':', '.']).to_string() + "…"
}

#[derive(Debug, Clone)]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub bio: Option<String>,
    pub email: Option<String>,
    pub photo: Option<ImageUse>,
    pub url: String,
    /// Indices into `Site::posts`, newest first.
    pub posts: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub url: String,
    /// Indices into `Site::posts`, newest first.
    pub posts: Vec<usize>,
}

/// Where links written in a body can point: facts `resolve` gathered.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// Site path of each markdown file → its URL, and whether this build
    /// leaves it out (a draft or future post).
    pub docs: std::collections::HashMap<String, (String, bool)>,
    /// Site path of each static file → its URL.
    pub static_urls: std::collections::HashMap<String, String>,
}

/// A file copied to the output as it is.
#[derive(Debug, Clone)]
pub struct StaticFile {
    pub output: String,
    pub abs: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    /// Published posts, newest first.
    pub posts: Vec<Doc>,
    pub pages: Vec<Doc>,
    pub staff: Vec<StaffMember>,
    /// By slug.
    pub tags: Vec<Tag>,
    pub logo: Option<ImageUse>,
    /// `home.hero` of site.yaml, found (issue 17).
    pub hero: Option<ImageUse>,
    /// Every image some page shows, by site path (`assets::plan`, then the
    /// images of bodies from `render::bodies`).
    pub images: BTreeMap<String, PlannedImage>,
    /// The `share_image:`s, planned (`assets::plan`), by site path.
    pub share_images: BTreeMap<String, PlannedImage>,
    /// Every probed photo of the site (`load`), for the plan and the bodies.
    pub probes: crate::load::images::ImageTable,
    /// Where a body's links can point.
    pub links: Links,
    /// Files under content/ that are not markdown (local video clips, captions).
    pub content_files: BTreeMap<String, crate::load::OtherFile>,
    pub static_files: Vec<StaticFile>,
    /// Files videos add (drawn posters, local clips), by output path.
    pub media: BTreeMap<String, video::MediaFile>,
    /// Customer reviews (data/reviews.yaml), newest first, with their summaries.
    pub reviews: reviews::Reviews,
    /// Customer moments with recorded consent, newest first.
    pub moments: Vec<moments::Moment>,
    /// Events (content/events/), upcoming first.
    pub events: events::Events,
    /// Drafts and future-dated files this build did not publish.
    pub left_out: left_out::LeftOut,
    /// The site's other languages (`languages: [fr, en]`), each a site of
    /// its own published under `/<lang>/`; empty for a one-language site.
    pub languages: Vec<Site>,
}
