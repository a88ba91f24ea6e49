//! Stage 3: `Parsed` → `Site`. Gives every post and page its URL, leaves out
//! drafts and future posts (unless asked for), checks ids across files
//! (authors), finds duplicate URLs, resolves images and renders markdown
//! with links that can no longer fail. Pure: no I/O.

mod moments;
mod reviews;
mod shortcodes;
mod video;

use crate::assets::{plan_image, PlannedImage};
use crate::date::Date;
use crate::diag::{Diagnostics, Span};
use crate::load::images::{is_image_path, ImageTable};
use crate::markdown::shortcodes::Call;
use crate::markdown::{self, BodyInput, Targets};
pub use crate::model::left_out::LeftOut;
use crate::model::{Doc, ImageUse, Site, StaffMember, StaticFile, Tag, TagRef};
use crate::parse::config::SiteConfig;
use crate::parse::doc::{DocKind, ParsedDoc};
use crate::parse::staff::STAFF_FILE;
use crate::parse::Parsed;
use crate::paths::{expand_permalink, slugify, UrlPath};
use crate::render::picture as picture_html;
use crate::theme::Theme;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
pub(crate) use video::VIDEO_FILES;

/// What a build asks of the resolver.
#[derive(Debug, Clone)]
pub struct ResolveOptions {
    pub drafts: bool,
    pub today: Date,
}

/// URLs the site itself produces; a page may not take one.
pub const RESERVED_URLS: &[&str] =
    &["/", "/blog/", "/tags/", "/staff/", "/videos/", "/404.html", "/feed.xml", "/sitemap.xml", "/robots.txt"];
pub const PHOTO_SIZES_CONTENT: &str = "(min-width: 48rem) 46rem, 100vw";

struct Linker<'a> {
    theme: Option<&'a Theme>,
    docs: HashMap<String, (String, bool)>,
    static_urls: HashMap<String, String>,
    images: &'a ImageTable,
    config: &'a SiteConfig,
    used: Mutex<BTreeMap<String, PlannedImage>>,
    /// For the `review` and `reviews` shortcodes.
    reviews: &'a crate::model::reviews::Reviews,
    /// Published moments, for the `moment` shortcode (set once they are resolved).
    moments: Vec<crate::model::moments::Moment>,
    video: video::VideoState<'a>,
}

impl Linker<'_> {
    /// Plans an image by site path, remembering that the site uses it.
    fn image(&self, path: &str) -> Result<PlannedImage, String> {
        let planned = self.plan_only(path)?;
        self.used.lock().expect("image table").insert(planned.source.clone(), planned.clone());
        Ok(planned)
    }

    /// Plans an image by site path without publishing its variants (a
    /// `share_image:` becomes a share card only).
    fn plan_only(&self, path: &str) -> Result<PlannedImage, String> {
        // `/images/x.jpg` written by an owner who thinks of static/ as the root.
        let static_path = format!("static/{path}");
        let path = if !self.images.contains_key(path) && self.images.contains_key(&static_path) {
            static_path.as_str()
        } else {
            path
        };
        match self.images.get(path) {
            Some(Ok(info)) => Ok(plan_image(path, info, &self.config.images)),
            Some(Err(why)) => Err(why.clone()),
            None if is_image_path(path) => Err("there is no such photo".into()),
            None => Err("this is not a photo (use a .jpg, .png, .webp or .gif file)".into()),
        }
    }
}

impl Targets for Linker<'_> {
    fn task_labels(&self) -> (&str, &str) {
        (self.config.i18n.t("task_done"), self.config.i18n.t("task_not_done"))
    }
    fn doc_url(&self, site_path: &str) -> Option<(&str, bool)> {
        self.docs.get(site_path).map(|(u, d)| (u.as_str(), *d))
    }
    fn file_url(&self, site_path: &str) -> Option<String> {
        self.static_urls.get(site_path).cloned().or_else(|| {
            // `/price-list.pdf` as written by an owner who knows static/ is the root.
            self.static_urls.get(&format!("static/{site_path}")).cloned()
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

/// Resolves a path written in front matter or a data file: relative to the
/// file, or from the site root when it starts with `/` (`paths::site_ref`,
/// the one check for every path an owner writes).
fn resolve_ref(from: &str, written: &str) -> Result<String, crate::paths::PathError> {
    crate::paths::site_ref(from, written)
}

fn doc_url(doc: &ParsedDoc, config: &SiteConfig) -> String {
    match doc.kind {
        DocKind::Post => {
            let date = doc.date.map(|d| d.date).unwrap_or(Date { year: 1970, month: 1, day: 1 });
            expand_permalink(&config.posts.permalink, &doc.slug, date.year, date.month, date.day)
        }
        DocKind::Page => {
            let rel = doc.source.trim_start_matches("content/pages/");
            let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            let dir: Vec<String> = dir.split('/').filter(|s| !s.is_empty()).map(slugify).collect();
            if dir.is_empty() {
                format!("/{}/", doc.slug)
            } else {
                format!("/{}/{}/", dir.join("/"), doc.slug)
            }
        }
    }
}

/// Everything `resolve` reads besides the parsed content.
pub struct ResolveInput<'a> {
    pub static_files: &'a [crate::load::OtherFile],
    pub images: &'a ImageTable,
    /// Files under content/ that are not markdown (local video clips, captions).
    pub content_files: &'a BTreeMap<String, crate::load::OtherFile>,
    /// The theme, for shortcode templates (absent when it failed to load).
    pub theme: Option<&'a Theme>,
}

pub fn resolve(parsed: Parsed, input: &ResolveInput<'_>, opts: &ResolveOptions, diags: &mut Diagnostics) -> Site {
    let ResolveInput { static_files, images, content_files, theme } = *input;
    let Parsed {
        config,
        posts,
        pages,
        staff: parsed_staff,
        reviews: parsed_reviews,
        moments: parsed_moments,
        config_ok: _,
        staff_ok,
    } = parsed;
    let reviews = reviews::resolve_reviews(parsed_reviews, &config, opts.today, diags);

    // Which documents are published in this build.
    let published = |d: &ParsedDoc| {
        if opts.drafts {
            return true;
        }
        let future = d.kind == DocKind::Post && d.date.is_some_and(|dt| dt.date > opts.today);
        !d.draft && !future
    };

    // URLs, and duplicates among the published ones.
    let mut docs_by_path: HashMap<String, (String, bool)> = HashMap::new();
    let mut by_url: BTreeMap<String, &ParsedDoc> = BTreeMap::new();
    let mut left_out = LeftOut::default();
    for d in posts.iter().chain(pages.iter()) {
        let url = match UrlPath::parse(&doc_url(d, &config)) {
            Ok(url) => url.into_string(),
            Err(why) => {
                // The slug is written as `slug:`, or made from the title.
                let span = d.span_of("slug").or_else(|| d.span_of("title"));
                diags
                    .error(&d.source, span, format!("the web address of this file cannot be written: {why}"))
                    .help("shorten the title or set a shorter `slug:` in the front matter");
                continue;
            }
        };
        let is_published = published(d);
        docs_by_path.insert(d.source.clone(), (url.clone(), !is_published));
        if !is_published {
            left_out.add(&d.source, d.draft, d.date.map(|dt| dt.date));
            continue;
        }
        if RESERVED_URLS.contains(&url.as_str())
            || url.starts_with("/tags/")
            || url.starts_with("/staff/")
            || url.starts_with("/blog/page/")
            || url.starts_with("/media/")
            || (!reviews.is_empty() && url.starts_with("/reviews/"))
            || (!parsed_moments.is_empty() && url.starts_with("/moments/"))
        {
            diags
                .error(
                    &d.source,
                    d.span_of("slug"),
                    format!("this page's URL {url} is one shopstory uses for its own pages"),
                )
                .help("give it another `slug:` or rename the file");
            continue;
        }
        if let Some(first) = by_url.get(&url) {
            let first_source = first.source.clone();
            diags
                .error(
                    &d.source,
                    d.span_of("slug"),
                    format!("{} and {first_source} would both be published at {url}", d.source),
                )
                .help("give one of them another `slug:` in its front matter, or rename one file");
            continue;
        }
        by_url.insert(url, d);
    }

    let static_urls: HashMap<String, String> =
        static_files.iter().map(|f| (f.path.clone(), format!("/{}", f.path.trim_start_matches("static/")))).collect();
    let video = video::VideoState::new(content_files, by_url.values().copied());
    let mut linker = Linker {
        theme,
        docs: docs_by_path,
        static_urls,
        images,
        config: &config,
        used: Mutex::new(BTreeMap::new()),
        video,
        reviews: &reviews,
        moments: Vec::new(),
    };
    linker.moments = moments::resolve_moments(parsed_moments, &linker, opts, &mut left_out, diags);

    // Staff.
    let mut staff: Vec<StaffMember> = Vec::new();
    for s in &parsed_staff {
        let photo = s.photo.as_deref().and_then(|p| {
            match resolve_ref("", p).map_err(|e| e.to_string()).and_then(|path| Ok((linker.image(&path)?, path))) {
                Ok((_, path)) => {
                    // A photo that turns out not to decode is shown at this line.
                    diags.named_at(&path, STAFF_FILE, s.photo_span, format!("photo `{p}` of {}", s.id));
                    Some(ImageUse { path, alt: s.photo_alt.clone().unwrap_or_else(|| s.name.clone()) })
                }
                Err(why) => {
                    diags
                        .error(STAFF_FILE, s.photo_span, format!("photo `{p}` of {}: {why}", s.id))
                        .help("write the photo's path from the site folder, such as static/staff/maya.jpg");
                    None
                }
            }
        });
        staff.push(StaffMember {
            id: s.id.clone(),
            name: s.name.clone(),
            role: s.role.clone(),
            bio: s.bio.clone(),
            email: s.email.clone(),
            photo,
            url: format!("/staff/{}/", s.id),
            posts: Vec::new(),
        });
    }
    let staff_index: HashMap<&str, usize> = staff.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();

    // Documents, rendered in parallel.
    let to_render: Vec<&ParsedDoc> = by_url.values().copied().collect();
    let rendered: Vec<(Doc, Diagnostics)> = to_render
        .par_iter()
        .map(|d| {
            let mut dg = Diagnostics::new();
            let doc = resolve_doc(d, &linker, (&staff_index, &staff, staff_ok), &mut dg);
            (doc, dg)
        })
        .collect();
    let mut all_posts = Vec::new();
    let mut all_pages = Vec::new();
    for (doc, dg) in rendered {
        diags.extend(dg);
        match doc.kind {
            DocKind::Post => all_posts.push(doc),
            DocKind::Page => all_pages.push(doc),
        }
    }
    all_posts.sort_by(|a, b| {
        let ta = a.date.map(|d| d.timestamp()).unwrap_or(0);
        let tb = b.date.map(|d| d.timestamp()).unwrap_or(0);
        tb.cmp(&ta).then_with(|| a.slug.cmp(&b.slug))
    });
    all_pages.sort_by(|a, b| a.url.cmp(&b.url));

    // Tags and authors' post lists, in one pass.
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    for (i, post) in all_posts.iter().enumerate() {
        for t in &post.tags {
            tags.entry(t.slug.clone())
                .or_insert_with(|| Tag {
                    name: t.name.clone(),
                    slug: t.slug.clone(),
                    url: format!("/tags/{}/", t.slug),
                    posts: Vec::new(),
                })
                .posts
                .push(i);
        }
        if let Some(a) = post.author {
            staff[a].posts.push(i);
        }
    }

    let logo = config.shop.logo.as_deref().and_then(|p| {
        match resolve_ref("", p).map_err(|e| e.to_string()).and_then(|path| Ok((linker.image(&path)?, path))) {
            Ok((_, path)) => Some(ImageUse { path, alt: config.shop.name.clone() }),
            Err(why) => {
                diags
                    .error(crate::parse::config::CONFIG_FILE, config.shop.logo_span, format!("shop.logo `{p}`: {why}"))
                    .help("write the logo's path from the site folder, such as static/logo.png");
                None
            }
        }
    });

    let static_out: Vec<StaticFile> = static_files
        .iter()
        .map(|f| StaticFile { output: f.path.trim_start_matches("static/").to_string(), abs: f.abs.clone() })
        .collect();
    let images = linker.used.into_inner().expect("image table");
    let media = linker.video.into_media();
    let moments = linker.moments;
    Site {
        config,
        posts: all_posts,
        pages: all_pages,
        staff,
        tags: tags.into_values().collect(),
        logo,
        images,
        static_files: static_out,
        reviews,
        media,
        moments,
        left_out,
    }
}

fn resolve_doc(
    d: &ParsedDoc,
    linker: &Linker<'_>,
    (staff_index, staff, staff_ok): (&HashMap<&str, usize>, &[StaffMember], bool),
    diags: &mut Diagnostics,
) -> Doc {
    diags.add_source(&d.source, d.text.clone());
    let author = d.author.as_deref().and_then(|a| match staff_index.get(a) {
        Some(i) => Some(*i),
        // data/staff.yaml has errors of its own: the author may be one of
        // its broken entries, so only the file's own errors are shown.
        None if !staff_ok => None,
        None => {
            let ids: Vec<&str> = staff.iter().map(|s| s.id.as_str()).collect();
            let help = if ids.is_empty() {
                format!("add this person to {STAFF_FILE} (id, name, role, bio), or remove `author:`")
            } else {
                match crate::diag::suggest::nearest(a, &ids) {
                    Some(n) => format!("did you mean `{n}`? The staff ids in {STAFF_FILE} are: {}", ids.join(", ")),
                    None => format!(
                        "the staff ids in {STAFF_FILE} are: {}; add this person there or fix the id",
                        ids.join(", ")
                    ),
                }
            };
            diags.error(&d.source, d.span_of("author"), format!("author `{a}` is not a staff id")).help(help);
            None
        }
    });
    let cover = d.cover.as_deref().and_then(|c| {
        let path = match resolve_ref(&d.source, c) {
            Ok(path) => path,
            Err(why) => {
                diags.error(&d.source, d.span_of("cover"), format!("cover `{}`: {why}", c.escape_debug())).help("put the photo next to the post, or in static/");
                return None;
            }
        };
        match linker.image(&path) {
            Ok(_) => Some(ImageUse { path, alt: d.cover_alt.clone().unwrap_or_default() }),
            Err(why) => {
                diags.error(&d.source, d.span_of("cover"), format!("cover `{c}` ({path}): {why}"))
                    .help("put the photo next to the post (cover: photo.jpg) or give its path from the site folder (cover: /static/images/photo.jpg)");
                None
            }
        }
    });
    let share_image = d.share_image.as_deref().and_then(|s| {
        match resolve_ref(&d.source, s).map_err(|e| e.to_string()).and_then(|path| linker.plan_only(&path)) {
            Ok(planned) => Some(planned),
            Err(why) => {
                diags.error(&d.source, d.span_of("share_image"), format!("share_image `{s}`: {why}"))
                    .help("give a photo next to the page (share_image: card.jpg) or its path from the site folder; it is cropped to 1200x630");
                None
            }
        }
    });
    if let Some(c) = &cover {
        if c.alt.is_empty() {
            diags
                .warning(&d.source, d.span_of("cover"), "the cover photo has no alt text")
                .help("add `cover_alt: ...` describing the photo; screen readers read it aloud");
        }
    }
    let input =
        BodyInput { file: &d.source, body: d.body(), body_offset: d.body_offset, first_image_eager: cover.is_none() };
    let body = markdown::render(&input, linker, diags);
    let video = if d.kind == DocKind::Post { linker.resolve_doc_video(d, diags) } else { None };
    let url = linker.docs.get(&d.source).map(|(u, _)| u.clone()).unwrap_or_default();
    Doc {
        kind: d.kind,
        source: d.source.clone(),
        title: d.title.clone(),
        slug: d.slug.clone(),
        url,
        date: d.date,
        updated: d.updated,
        description: d.description.clone(),
        tags: d.tags.iter().zip(&d.tag_slugs).map(|(t, s)| TagRef { name: t.clone(), slug: s.clone() }).collect(),
        author,
        cover,
        share_image,
        video_script: linker.has_video_facade(&d.source),
        video,
        draft: d.draft,
        template: d.template.clone(),
        nav_title: d.nav_title.clone(),
        extra: d.extra.clone(),
        body,
    }
}
