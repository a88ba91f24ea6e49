//! Stage 3: `Parsed` → `Site`, facts only. Gives every post and page its
//! URL, leaves out drafts and future posts (unless asked for), checks ids
//! across files (authors) and every photo a front matter or data file
//! names, finds duplicate URLs, and builds the site graph (tags, authors'
//! posts). It renders nothing (bodies are `render::bodies`'), plans no image
//! (`assets::plan`), holds no lock and does no I/O.

mod events;
mod languages;
mod moments;
mod reviews;

use crate::date::Date;
use crate::diag::Diagnostics;
use crate::load::images::ImageTable;
use crate::model::image::find_image;
pub use crate::model::left_out::LeftOut;
use crate::model::{Doc, ImageUse, Links, Site, StaffMember, StaticFile, Tag, TagRef};
use crate::parse::config::SiteConfig;
use crate::parse::doc::{DocKind, ParsedDoc};
use crate::parse::staff::{ParsedStaff, STAFF_FILE};
use crate::parse::Parsed;
use crate::paths::{expand_permalink, slugify, UrlPath};
pub use languages::language_prefix;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What a build asks of the resolver.
#[derive(Debug, Clone)]
pub struct ResolveOptions {
    pub drafts: bool,
    pub today: Date,
}

/// URLs the site itself produces; a page may not take one.
pub const RESERVED_URLS: &[&str] =
    &["/", "/blog/", "/tags/", "/staff/", "/videos/", "/404.html", "/feed.xml", "/sitemap.xml", "/robots.txt"];

/// A photo named by a front matter or data file: its site path as written
/// (resolved against `from`), once `find_image` knows it can be shown.
fn checked_image(images: &ImageTable, from: &str, written: &str) -> Result<String, String> {
    let path = resolve_ref(from, written).map_err(|e| e.to_string())?;
    find_image(images, &path)?;
    Ok(path)
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
}

/// Which documents a build publishes, and at which URLs.
struct Published<'p> {
    /// Site path → URL, and whether this build leaves the file out.
    docs: HashMap<String, (String, bool)>,
    /// The published documents, by URL.
    by_url: BTreeMap<String, &'p Arc<ParsedDoc>>,
}

/// Resolves the site: each of its languages (`languages.rs`), or the one.
pub fn resolve(parsed: Parsed, input: &ResolveInput<'_>, opts: &ResolveOptions, diags: &mut Diagnostics) -> Site {
    languages::resolve_languages(parsed, input, opts, diags)
}

/// Resolves the site of one language.
fn resolve_one(parsed: Parsed, input: &ResolveInput<'_>, opts: &ResolveOptions, diags: &mut Diagnostics) -> Site {
    let Parsed { config, posts, pages, staff, reviews, moments, events, config_ok: _, staff_ok } = parsed;
    let reviews = reviews::resolve_reviews(reviews, &config, opts.today, diags);
    let mut left_out = LeftOut::default();
    let own_prefixes =
        OwnPrefixes { reviews: !reviews.is_empty(), moments: !moments.is_empty(), events: !events.is_empty() };
    let published = publish(&posts, &pages, &config, opts, own_prefixes, &mut left_out, diags);
    let moments = moments::resolve_moments(moments, input.images, opts, &mut left_out, diags);
    let mut staff = resolve_staff(&staff, input.images, diags);
    let (posts, pages) = resolve_docs(&published, input.images, &staff, staff_ok, diags);
    let tags = tags_and_authors(&posts, &mut staff);
    let event_input = events::EventInput { images: input.images, staff: &staff, staff_ok };
    let events = events::resolve_events(events, &config, &event_input, opts, &mut left_out, diags);
    let logo = resolve_logo(&config, input.images, diags);
    let hero = resolve_hero(&config, input.images, diags);
    let static_urls = input
        .static_files
        .iter()
        .map(|f| (f.path.clone(), format!("/{}", f.path.trim_start_matches("static/"))))
        .collect();
    let static_files = input
        .static_files
        .iter()
        .map(|f| StaticFile { output: f.path.trim_start_matches("static/").to_string(), abs: f.abs.clone() })
        .collect();
    let mut docs = published.docs;
    // A site in several languages: links to the files of other languages.
    for (path, target) in &config.link_targets {
        docs.entry(path.clone()).or_insert_with(|| target.clone());
    }
    let links = Links { docs, static_urls };
    Site {
        config,
        posts,
        pages,
        staff,
        tags,
        logo,
        hero,
        images: BTreeMap::new(),
        share_images: BTreeMap::new(),
        probes: input.images.clone(),
        links,
        content_files: input.content_files.clone(),
        static_files,
        reviews,
        media: BTreeMap::new(),
        moments,
        events,
        left_out,
        languages: Vec::new(),
    }
}

/// Whether `/reviews/`, `/moments/` and `/events/` are the site's own (it has some).
#[derive(Clone, Copy)]
struct OwnPrefixes {
    reviews: bool,
    moments: bool,
    events: bool,
}

/// Gives each document its URL, leaves out drafts and future posts, and
/// refuses URLs the site uses itself or that two documents share.
fn publish<'p>(
    posts: &'p [Arc<ParsedDoc>],
    pages: &'p [Arc<ParsedDoc>],
    config: &SiteConfig,
    opts: &ResolveOptions,
    own: OwnPrefixes,
    left_out: &mut LeftOut,
    diags: &mut Diagnostics,
) -> Published<'p> {
    let is_published = |d: &ParsedDoc| {
        if opts.drafts {
            return true;
        }
        let future = d.kind == DocKind::Post && d.date.is_some_and(|dt| dt.date > opts.today);
        !d.draft && !future
    };
    let mut out = Published { docs: HashMap::new(), by_url: BTreeMap::new() };
    for d in posts.iter().chain(pages.iter()) {
        let url = match UrlPath::parse(&doc_url(d, config)) {
            Ok(url) => url.into_string(),
            Err(why) => {
                // The slug is written as `slug:`, or made from the title.
                let span = d.span_of("slug").or_else(|| d.span_of("title"));
                diags.add_source(&d.source, d.text.clone());
                diags
                    .error(&d.source, span, format!("the web address of this file cannot be written: {why}"))
                    .help("shorten the title or set a shorter `slug:` in the front matter");
                continue;
            }
        };
        let published = is_published(d);
        out.docs.insert(d.source.clone(), (url.clone(), !published));
        if !published {
            left_out.add(&d.source, d.draft, d.date.map(|dt| dt.date));
            continue;
        }
        if is_own_url(&url, own) {
            diags.add_source(&d.source, d.text.clone());
            diags
                .error(
                    &d.source,
                    d.span_of("slug"),
                    format!("this page's URL {url} is one shopstory uses for its own pages"),
                )
                .help("give it another `slug:` or rename the file");
            continue;
        }
        if let Some(first) = out.by_url.get(&url) {
            let first_source = first.source.clone();
            diags.add_source(&d.source, d.text.clone());
            diags
                .error(
                    &d.source,
                    d.span_of("slug"),
                    format!("{} and {first_source} would both be published at {url}", d.source),
                )
                .help("give one of them another `slug:` in its front matter, or rename one file");
            continue;
        }
        out.by_url.insert(url, d);
    }
    out
}

fn is_own_url(url: &str, own: OwnPrefixes) -> bool {
    RESERVED_URLS.contains(&url)
        || url.starts_with("/tags/")
        || url.starts_with("/staff/")
        || url.starts_with("/blog/page/")
        || url.starts_with("/media/")
        || (own.reviews && url.starts_with("/reviews/"))
        || (own.moments && url.starts_with("/moments/"))
        || (own.events && url.starts_with("/events/"))
}

fn resolve_staff(parsed: &[ParsedStaff], images: &ImageTable, diags: &mut Diagnostics) -> Vec<StaffMember> {
    let mut staff = Vec::with_capacity(parsed.len());
    for s in parsed {
        let photo = s.photo.as_deref().and_then(|p| match checked_image(images, "", p) {
            Ok(path) => {
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
    staff
}

/// The published documents, checked in parallel: posts newest first, pages by URL.
fn resolve_docs(
    published: &Published<'_>,
    images: &ImageTable,
    staff: &[StaffMember],
    staff_ok: bool,
    diags: &mut Diagnostics,
) -> (Vec<Doc>, Vec<Doc>) {
    let staff_index: HashMap<&str, usize> = staff.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let authors = Authors { index: &staff_index, staff, ok: staff_ok };
    let to_resolve: Vec<&Arc<ParsedDoc>> = published.by_url.values().copied().collect();
    let resolved: Vec<(Doc, Diagnostics)> = to_resolve
        .par_iter()
        .map(|d| {
            let mut dg = Diagnostics::new();
            let url = published.docs.get(&d.source).map(|(u, _)| u.clone()).unwrap_or_default();
            let doc = resolve_doc(d, url, images, &authors, &mut dg);
            // The text, for the lines of what it reports (most documents report nothing).
            if !dg.is_blank() {
                dg.add_source(&d.source, d.text.clone());
            }
            (doc, dg)
        })
        .collect();
    let (mut posts, mut pages) = (Vec::new(), Vec::new());
    for (doc, dg) in resolved {
        diags.extend(dg);
        match doc.kind {
            DocKind::Post => posts.push(doc),
            DocKind::Page => pages.push(doc),
        }
    }
    posts.sort_by(|a, b| {
        let ta = a.date.map(|d| d.timestamp()).unwrap_or(0);
        let tb = b.date.map(|d| d.timestamp()).unwrap_or(0);
        tb.cmp(&ta).then_with(|| a.slug.cmp(&b.slug))
    });
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    (posts, pages)
}

/// Tags and authors' post lists, in one pass over the posts.
fn tags_and_authors(posts: &[Doc], staff: &mut [StaffMember]) -> Vec<Tag> {
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    for (i, post) in posts.iter().enumerate() {
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
    tags.into_values().collect()
}

fn resolve_logo(config: &SiteConfig, images: &ImageTable, diags: &mut Diagnostics) -> Option<ImageUse> {
    let p = config.shop.logo.as_deref()?;
    match checked_image(images, "", p) {
        Ok(path) => Some(ImageUse { path, alt: config.shop.name.clone() }),
        Err(why) => {
            diags
                .error(crate::parse::config::CONFIG_FILE, config.shop.logo_span, format!("shop.logo `{p}`: {why}"))
                .help("write the logo's path from the site folder, such as static/logo.png");
            None
        }
    }
}

/// `home.hero`: a photo inside the site (checked like `shop.logo`).
fn resolve_hero(config: &SiteConfig, images: &ImageTable, diags: &mut Diagnostics) -> Option<ImageUse> {
    let hero = config.home.hero.as_ref()?;
    match checked_image(images, "", &hero.photo) {
        Ok(path) => Some(ImageUse { path, alt: hero.alt.clone() }),
        Err(why) => {
            diags
                .error(
                    crate::parse::config::CONFIG_FILE,
                    config.home.hero_span,
                    format!("home.hero `{}`: {why}", hero.photo),
                )
                .help(
                    "put the photo inside the site folder and write its path from there, such as static/shop-front.jpg",
                );
            None
        }
    }
}

/// The staff, for checking `author:`.
struct Authors<'a> {
    index: &'a HashMap<&'a str, usize>,
    staff: &'a [StaffMember],
    /// data/staff.yaml has no errors of its own.
    ok: bool,
}

impl Authors<'_> {
    /// The author's index in `Site::staff`, or `None` after reporting.
    fn find(&self, d: &ParsedDoc, diags: &mut Diagnostics) -> Option<usize> {
        let a = d.author.as_deref()?;
        if let Some(i) = self.index.get(a) {
            return Some(*i);
        }
        // data/staff.yaml has errors of its own: the author may be one of
        // its broken entries, so only the file's own errors are shown.
        if !self.ok {
            return None;
        }
        let ids: Vec<&str> = self.staff.iter().map(|s| s.id.as_str()).collect();
        let help = if ids.is_empty() {
            format!("add this person to {STAFF_FILE} (id, name, role, bio), or remove `author:`")
        } else {
            match crate::diag::suggest::nearest(a, &ids) {
                Some(n) => format!("did you mean `{n}`? The staff ids in {STAFF_FILE} are: {}", ids.join(", ")),
                None => {
                    format!(
                        "the staff ids in {STAFF_FILE} are: {}; add this person there or fix the id",
                        ids.join(", ")
                    )
                }
            }
        };
        diags.error(&d.source, d.span_of("author"), format!("author `{a}` is not a staff id")).help(help);
        None
    }
}

fn resolve_doc(
    d: &Arc<ParsedDoc>,
    url: String,
    images: &ImageTable,
    authors: &Authors<'_>,
    diags: &mut Diagnostics,
) -> Doc {
    let author = authors.find(d, diags);
    let cover = d.cover.as_deref().and_then(|c| {
        let path = match resolve_ref(&d.source, c) {
            Ok(path) => path,
            Err(why) => {
                diags.error(&d.source, d.span_of("cover"), format!("cover `{}`: {why}", c.escape_debug())).help("put the photo next to the post, or in static/");
                return None;
            }
        };
        match find_image(images, &path) {
            Ok(_) => Some(ImageUse { path, alt: d.cover_alt.clone().unwrap_or_default() }),
            Err(why) => {
                diags.error(&d.source, d.span_of("cover"), format!("cover `{c}` ({path}): {why}"))
                    .help("put the photo next to the post (cover: photo.jpg) or give its path from the site folder (cover: /static/images/photo.jpg)");
                None
            }
        }
    });
    let share_image = d.share_image.as_deref().and_then(|s| match checked_image(images, &d.source, s) {
        Ok(path) => Some(path),
        Err(why) => {
            diags.error(&d.source, d.span_of("share_image"), format!("share_image `{s}`: {why}"))
                .help("give a photo next to the page (share_image: card.jpg) or its path from the site folder; it is cropped to 1200x630");
            None
        }
    });
    if let Some(c) = &cover {
        if c.alt.is_empty() {
            diags
                .warning(&d.source, d.span_of("cover"), "the cover photo has no alt text")
                .help("add `cover_alt: ...` describing the photo; screen readers read it aloud");
        }
    }
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
        video: None,
        video_script: false,
        draft: d.draft,
        template: d.template.clone(),
        nav_title: d.nav_title.clone(),
        extra: d.extra.clone(),
        body: Default::default(),
        translation_key: d.translation_key.clone(),
        parsed: d.clone(),
    }
}
