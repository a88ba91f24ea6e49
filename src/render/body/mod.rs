//! Part of stage 5 (render), run first: every post's and page's markdown
//! body rendered to HTML (links to other files, responsive photos,
//! shortcodes through the theme's `shortcodes/*.html`, video embeds) and a
//! how-to post's `video:`. Takes the resolved `Site` (its facts: URLs,
//! probed photos, reviews, moments) and returns, per document, the body and
//! what it used (photos planned, media files, whether it needs the video
//! script) as values; `render_bodies` puts them into the site. Each
//! document is rendered by its own `Linker` on one thread: no lock, no I/O.

pub mod memo;
mod shortcodes;
mod video;

pub use video::DocDefaults;

use crate::assets::plan_image;
use crate::diag::{Diagnostics, Span};
use crate::markdown::shortcodes::Call;
use crate::markdown::{self, BodyInput, RenderedBody, Targets};
use crate::model::image::{find_image, PlannedImage};
use crate::model::video::{DocVideo, MediaFile};
use crate::model::{Doc, Site};
use crate::parse::doc::DocKind;
use crate::render::picture as picture_html;
use crate::theme::Theme;
use memo::Bodies;
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

pub const PHOTO_SIZES_CONTENT: &str = "(min-width: 48rem) 46rem, 100vw";

/// What rendering one document produced.
pub struct BodyOut {
    pub body: RenderedBody,
    /// A how-to post's video (`video:`), if it has one that can be shown.
    pub video: Option<DocVideo>,
    /// The page shows a click-to-load video facade (and needs its script).
    pub video_script: bool,
    /// The photos it shows, planned, by site path.
    pub images: BTreeMap<String, PlannedImage>,
    /// The files its videos add (drawn posters, local clips), by output path.
    pub media: BTreeMap<String, MediaFile>,
    pub diags: Diagnostics,
}

/// Renders every document's body, in parallel, and puts each into its
/// `Doc` (and what they used into `site.images` and `site.media`). `check`
/// without a theme uses it; `render` streams posts instead (`stream`).
pub fn render_bodies(site: &mut Site, theme: Option<&Theme>, diags: &mut Diagnostics) {
    let posts = render_all(site, &site.posts, theme, None);
    put_back(site, DocKind::Post, posts, diags);
    render_page_bodies(site, theme, None, diags);
}

/// Renders the bodies of the pages (not posts), like `render_bodies`,
/// taking those `memo` holds from it.
pub fn render_page_bodies(site: &mut Site, theme: Option<&Theme>, memo: Option<&Bodies>, diags: &mut Diagnostics) {
    let pages = render_all(site, &site.pages, theme, memo);
    put_back(site, DocKind::Page, pages, diags);
}

fn render_all(site: &Site, docs: &[Doc], theme: Option<&Theme>, memo: Option<&Bodies>) -> Vec<BodyOut> {
    let defaults = video::defaults(site);
    docs.par_iter().map(|d| render_doc(site, theme, &defaults, d, memo)).collect()
}

/// Puts rendered bodies into the posts (or pages), in order.
pub fn put_back(site: &mut Site, kind: DocKind, outs: Vec<BodyOut>, diags: &mut Diagnostics) {
    let docs = if kind == DocKind::Post { &mut site.posts } else { &mut site.pages };
    for (out, doc) in outs.into_iter().zip(docs.iter_mut()) {
        diags.extend(out.diags);
        site.images.extend(out.images);
        site.media.extend(out.media);
        doc.body = out.body;
        doc.video = out.video;
        doc.video_script = out.video_script;
    }
}

/// The video defaults (title, poster) of every published document.
pub fn video_defaults(site: &Site) -> HashMap<String, video::DocDefaults> {
    video::defaults(site)
}

/// Renders one document's body (and a post's `video:`); with a `memo`,
/// takes the body from it when it holds one made from the same inputs
/// (`memo::replay`), and else keeps the body for the next build.
pub fn render_doc(
    site: &Site,
    theme: Option<&Theme>,
    defaults: &HashMap<String, video::DocDefaults>,
    doc: &Doc,
    memo: Option<&Bodies>,
) -> BodyOut {
    let d = &*doc.parsed;
    let mut diags = Diagnostics::new();
    let input = body_input(doc);
    let (linker, body) = match memo {
        None => {
            let linker = Linker::new(site, theme, defaults);
            let body = markdown::render(&input, &linker, &mut diags);
            (linker, body)
        }
        Some(memo) => remembered(site, theme, defaults, &input, d.kind, memo, &mut diags),
    };
    let video = if d.kind == DocKind::Post { linker.resolve_doc_video(d, &mut diags) } else { None };
    let video_script = linker.video.scripted.get();
    // The text, for the lines of what it reports (most bodies report nothing).
    if !diags.is_blank() {
        diags.add_source(&d.source, d.text.clone());
    }
    BodyOut {
        body,
        video,
        video_script,
        images: linker.used.into_inner(),
        media: linker.video.media.into_inner(),
        diags,
    }
}

/// Carries `doc`'s body from the last build's memo into this one's, as it
/// is (the preview, for a post it keeps whole: `stream::kept_post`).
pub fn carry(site: &Site, doc: &Doc, memo: &Bodies) {
    let key = memo::key(&body_input(doc), task_labels(site));
    if let Some(entry) = memo.take(key) {
        memo.put(key, entry, false);
    }
}

/// What a document's body is rendered from.
fn body_input(doc: &Doc) -> BodyInput<'_> {
    let d = &*doc.parsed;
    BodyInput { file: &d.source, body: d.body(), body_offset: d.body_offset, first_image_eager: doc.cover.is_none() }
}

/// The labels of task list boxes, in the site's language.
fn task_labels(site: &Site) -> (&str, &str) {
    (site.config.i18n.t("task_done"), site.config.i18n.t("task_not_done"))
}

/// A body from `memo` when it is there and its questions get the same
/// answers, else rendered and kept in `memo` (when it had no diagnostic),
/// with the linker that answered (it holds what the body used).
fn remembered<'a>(
    site: &'a Site,
    theme: Option<&'a Theme>,
    defaults: &'a HashMap<String, video::DocDefaults>,
    input: &BodyInput<'_>,
    kind: DocKind,
    memo: &Bodies,
    diags: &mut Diagnostics,
) -> (Linker<'a>, RenderedBody) {
    let key = memo::key(input, task_labels(site));
    if let Some(entry) = memo.take(key) {
        let linker = Linker::new(site, theme, defaults);
        if memo::replay(&entry.trace, &linker) {
            memo.put(key, entry.clone(), false);
            let body = std::sync::Arc::try_unwrap(entry).map_or_else(|e| e.body.clone(), |e| e.body);
            return (linker, body);
        }
    }
    let linker = Linker::new(site, theme, defaults);
    let recorder = memo::Recorder::new(&linker);
    let mut body = markdown::render(input, &recorder, diags);
    if diags.is_empty() {
        // A streamed post keeps only these of its HTML (`stream::keep_for_listings`).
        if kind == DocKind::Post && site.config.search {
            body.search_words = crate::render::search::body_words(&body.html).into();
        }
        memo.put(key, std::sync::Arc::new(memo::Entry { trace: recorder.into_trace(), body: body.clone() }), true);
    }
    (linker, body)
}

/// The site's facts a body reads, and what the body used so far.
struct Linker<'a> {
    site: &'a Site,
    theme: Option<&'a Theme>,
    config: &'a crate::parse::config::SiteConfig,
    video: video::VideoState<'a>,
    used: RefCell<BTreeMap<String, PlannedImage>>,
}

impl<'a> Linker<'a> {
    fn new(site: &'a Site, theme: Option<&'a Theme>, defaults: &'a HashMap<String, video::DocDefaults>) -> Self {
        Linker {
            site,
            theme,
            config: &site.config,
            video: video::VideoState::new(&site.content_files, defaults),
            used: RefCell::default(),
        }
    }

    /// Plans an image by site path, remembering that the body uses it.
    fn image(&self, path: &str) -> Result<PlannedImage, String> {
        let (found, info) = find_image(&self.site.probes, path)?;
        let planned = plan_image(&found, info, &self.config.images);
        self.used.borrow_mut().insert(planned.source.clone(), planned.clone());
        Ok(planned)
    }
}

impl Targets for Linker<'_> {
    fn task_labels(&self) -> (&str, &str) {
        (self.config.i18n.t("task_done"), self.config.i18n.t("task_not_done"))
    }
    fn doc_url(&self, site_path: &str) -> Option<(&str, bool)> {
        self.site.links.docs.get(site_path).map(|(u, d)| (u.as_str(), *d))
    }
    fn file_url(&self, site_path: &str) -> Option<String> {
        let urls = &self.site.links.static_urls;
        urls.get(site_path).cloned().or_else(|| {
            // `/price-list.pdf` as written by an owner who knows static/ is the root.
            urls.get(&format!("static/{site_path}")).cloned()
        })
    }
    fn image_html(&self, site_path: &str, alt: &str, eager: bool) -> Result<String, String> {
        let planned = self.image(site_path)?;
        Ok(picture_html::picture(&planned, alt, eager, PHOTO_SIZES_CONTENT, ""))
    }
    fn shortcode(&self, file: &str, call: &Call, diags: &mut Diagnostics) -> Option<String> {
        self.render_shortcode(file, call, diags)
    }
    fn embed_url(&self, file: &str, url: &str, span: Span, diags: &mut Diagnostics) -> Option<String> {
        self.render_embed_url(file, url, span, diags)
    }
}

/// A path written in a body or front matter: relative to the file, or from
/// the site root when it starts with `/` (`paths::site_ref`).
fn resolve_ref(from: &str, written: &str) -> Result<String, crate::paths::PathError> {
    crate::paths::site_ref(from, written)
}
