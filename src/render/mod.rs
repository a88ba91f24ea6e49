//! Stage 5: `Site` + `Theme` → output files. Pure: builds the views once
//! (cards shared by every listing), renders every page in parallel with the
//! templates parsed once, and adds the feed, sitemap and robots.txt. Reads
//! no file and no clock.

mod alternates;
pub mod feed;
pub mod moments;
mod pages;
pub mod prefix;
pub mod reviews;
pub mod search;
pub mod seo;
mod share;
mod site;
mod videos;
pub mod views;
pub mod visit;

use crate::assets::{html as picture_html, PlannedImage};
use crate::date::DateTime;
use crate::diag::Diagnostics;
use crate::model::{Doc, ImageUse, Site, StaffMember};
use crate::paths::absolute_url;
use crate::theme::{report_render_error, Theme, ThemeStatic};
use pages::{jobs, Extra, Job};
use rayon::prelude::*;
use site::{nav_current, nav_for, site_view};
use std::path::PathBuf;
use tera::{Context, Value};
use views::*;

/// What a file of the output holds.
#[derive(Debug, Clone)]
pub enum Contents {
    Bytes(Vec<u8>),
    Embedded(&'static [u8]),
    /// Copied from this file as it is.
    Copy(PathBuf),
}

#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Output-relative path, `/`-separated.
    pub path: String,
    pub contents: Contents,
}

pub const HOME_POSTS: usize = 6;
const CARD_SIZES: &str = "(min-width: 60rem) 20rem, (min-width: 40rem) 45vw, 100vw";
const COVER_SIZES: &str = "(min-width: 48rem) 46rem, 100vw";
const PORTRAIT_SIZES: &str = "12rem";

struct Shared {
    site: SiteView,
    staff: Value,
    tags: Value,
    cards: Vec<Value>,
}

fn image_view(site: &Site, use_: &ImageUse, eager: bool, sizes: &str) -> Option<ImageView> {
    let planned = site.images.get(&use_.path)?;
    Some(ImageView {
        html: picture_html::picture(planned, &use_.alt, eager, sizes, ""),
        url: planned.fallback_url(),
        width: planned.width,
        height: planned.height,
        alt: use_.alt.clone(),
    })
}

fn share_image(site: &Site, planned: &PlannedImage, alt: &str) -> ShareImageView {
    let v = planned
        .variants
        .iter()
        .filter(|v| v.format != "webp")
        .max_by_key(|v| v.width)
        .or_else(|| planned.variants.iter().max_by_key(|v| v.width));
    let (width, height, mime) =
        v.map_or((planned.width, planned.height, "image/jpeg"), |v| (v.width, v.height, picture_html::mime(&v.format)));
    ShareImageView {
        url: absolute_url(site.config.files_url(), &planned.fallback_url()),
        width,
        height,
        alt: alt.to_string(),
        mime: mime.to_string(),
    }
}

fn date_strings(site: &Site, d: Option<DateTime>) -> (String, String) {
    d.map(|d| (d.date.to_string(), site.config.i18n.date_long(d.date))).unwrap_or_default()
}

/// A tag as listings show it, with its count in words.
fn tag_view(site: &Site, name: &str, slug: &str, url: String, count: usize) -> TagView {
    let i18n = &site.config.i18n;
    TagView {
        name: name.to_string(),
        slug: slug.to_string(),
        url,
        count,
        count_label: i18n.plural("posts_count", count, &[]),
        count_words: i18n.plural_words("posts_count", count),
    }
}

fn author_view(site: &Site, s: &StaffMember) -> AuthorView {
    AuthorView {
        id: s.id.clone(),
        name: s.name.clone(),
        role: s.role.clone(),
        url: s.url.clone(),
        photo: s.photo.as_ref().and_then(|p| image_view(site, p, false, PORTRAIT_SIZES)),
        bio_html: s.bio.as_ref().map(|b| inline_markdown(b)),
    }
}

/// Renders short trusted-but-plain text (a bio) as markdown without raw HTML.
pub fn inline_markdown(text: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let events = Parser::new_ext(text, crate::markdown::options()).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

fn card(site: &Site, post: &Doc) -> PostCard {
    let (date, date_display) = date_strings(site, post.date);
    PostCard {
        title: post.title.clone(),
        url: post.url.clone(),
        date,
        date_display,
        summary: post.meta_description(""),
        cover: post.cover.as_ref().and_then(|c| image_view(site, c, false, CARD_SIZES)),
        tags: post
            .tags
            .iter()
            .map(|t| {
                // `site.tags` is sorted by slug (built from a BTreeMap): no scan per card.
                let count = site
                    .tags
                    .binary_search_by(|x| x.slug.as_str().cmp(&t.slug))
                    .map_or(0, |i| site.tags[i].posts.len());
                tag_view(site, &t.name, &t.slug, format!("/tags/{}/", t.slug), count)
            })
            .collect(),
        author: post.author.map(|a| author_view(site, &site.staff[a])),
        reading_minutes: post.body.reading_minutes(),
        reading_time: site.config.i18n.plural("reading_time", post.body.reading_minutes(), &[]),
        is_video: post.video.is_some(),
    }
}

fn toc_views(toc: &[crate::markdown::TocEntry]) -> Vec<TocView> {
    toc.iter().map(|e| TocView { id: e.id.clone(), title: e.title.clone(), children: toc_views(&e.children) }).collect()
}

fn meta(site: &Site, kind: &str, heading: &str, url: &str, description: &str) -> PageMeta {
    let c = &site.config;
    let title = if kind == "home" { c.title.clone() } else { format!("{heading} · {}", c.title) };
    let permalink = absolute_url(&c.base_url, url);
    let logo_image = site.logo.as_ref().and_then(|l| site.images.get(&l.path).map(|p| share_image(site, p, &l.alt)));
    PageMeta {
        kind: kind.into(),
        title,
        heading: heading.into(),
        description: description.into(),
        url: url.into(),
        share: seo::share_links(&c.i18n, &permalink, heading, logo_image.as_ref().map(|i| i.url.as_str())),
        permalink,
        og_type: "website".into(),
        image: logo_image,
        json_ld: String::new(),
        noindex: false,
        video_script: false,
        translations: Vec::new(),
        languages: Vec::new(),
        x_default: None,
    }
}

fn ser<T: serde::Serialize>(v: &T) -> Value {
    Value::from_serializable(v)
}

fn staff_view(site: &Site, s: &StaffMember) -> StaffView {
    StaffView {
        author: author_view(site, s),
        email: s.email.clone(),
        post_count: s.posts.len(),
        post_count_label: site.config.i18n.plural("posts_count", s.posts.len(), &[]),
    }
}

/// Renders the whole site.
/// Where rendered pages go as soon as they are rendered: written to the
/// staging folder by `build`, counted and dropped by `check`. Streaming keeps
/// memory flat however many posts a site has.
pub type PageSink<'a> = dyn Fn(OutputFile) -> Result<(), String> + Sync + 'a;

/// What `render` produced besides the streamed pages.
pub struct Rendered {
    /// Pages rendered and handed to the sink.
    pub pages: usize,
    /// Every other file (feed, sitemap, robots.txt, theme and static files).
    pub files: Vec<OutputFile>,
    /// The share cards the pages name, by output path; `build` draws them.
    pub cards: std::collections::BTreeMap<String, crate::assets::cards::PlannedCard>,
}

/// Renders the whole site: pages go to `sink`, the rest is returned. A
/// site in several languages renders each (`alternates.rs`).
pub fn render(site: &Site, theme: &Theme, sink: &PageSink<'_>, diags: &mut Diagnostics) -> Rendered {
    if !site.languages.is_empty() {
        return alternates::render_languages(site, theme, sink, diags);
    }
    let prepared = prepare(site, diags);
    let done = execute(site, theme, prepared, sink, diags, None);
    let mut files = done.files;
    let mut sitemap_urls: Vec<(String, Option<String>)> =
        done.sitemap.into_iter().map(|e| (e.url, e.lastmod)).collect();
    sitemap_urls.sort();
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        contents: Contents::Bytes(feed::sitemap(&site.config.base_url, &sitemap_urls).into_bytes()),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Rendered { pages: done.pages, files, cards: done.cards }
}

/// A site's pages, planned: what `execute` renders.
struct Prepared {
    shared: Shared,
    jobs: Vec<Job>,
    cards: std::collections::BTreeMap<String, crate::assets::cards::PlannedCard>,
    /// `search/index.json` (its URLs already in the language's folder).
    search_index: Option<OutputFile>,
}

/// Builds the views and the list of pages, and plans the share cards.
fn prepare(site: &Site, diags: &mut Diagnostics) -> Prepared {
    let cards: Vec<Value> = site.posts.par_iter().map(|p| ser(&card(site, p))).collect();
    let staff: Vec<StaffView> = site.staff.iter().map(|s| staff_view(site, s)).collect();
    let tags: Vec<TagView> =
        site.tags.iter().map(|t| tag_view(site, &t.name, &t.slug, t.url.clone(), t.posts.len())).collect();
    let shared = Shared { site: site_view(site), staff: ser(&staff), tags: ser(&tags), cards };
    let mut jobs = jobs(site, &shared);
    // Issue 17: the contact page and the search (its page and index).
    let visit = visit::add(site);
    let search = search::add(site, visit.as_ref().map(|(_, words)| std::slice::from_ref(words)).unwrap_or(&[]));
    jobs.extend(visit.map(|(job, _)| job));
    let search_index = search.map(|(job, index)| {
        jobs.extend(job);
        index
    });
    let cards = share::plan(site, jobs.iter_mut().map(|j| (&mut j.meta, j.rendering.as_str())), diags);
    Prepared { shared, jobs, cards, search_index }
}

/// A page of the sitemap: its path on the site (the language's folder
/// included), `lastmod`, and its versions in other languages.
struct SitemapEntry {
    url: String,
    lastmod: Option<String>,
    alternates: Vec<TranslationView>,
}

/// What `execute` made besides the streamed pages.
struct Executed {
    pages: usize,
    files: Vec<OutputFile>,
    cards: std::collections::BTreeMap<String, crate::assets::cards::PlannedCard>,
    sitemap: Vec<SitemapEntry>,
}

/// Renders the planned pages into `sink` and returns the other files
/// (feed, robots.txt, theme and static files; the sitemap is the caller's).
/// With `lang`, a language published under its folder: page URLs gain the
/// folder, and only the default language writes the shared files.
fn execute(
    site: &Site,
    theme: &Theme,
    prepared: Prepared,
    sink: &PageSink<'_>,
    diags: &mut Diagnostics,
    lang: Option<&alternates::LangOutput>,
) -> Executed {
    let Prepared { shared, jobs, cards: share_cards, search_index } = prepared;
    let t = site.config.i18n.template_value(&site.config.shop.name);
    // `site` differs between pages only in which navigation links are
    // current: one value per combination, not one per page.
    let site_values: std::collections::BTreeMap<Vec<bool>, Value> = jobs
        .iter()
        .map(|job| nav_current(&shared.site, &job.meta.url))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|current| {
            let value = ser(&nav_for(&shared.site, &current));
            (current, value)
        })
        .collect();

    let base_path = crate::paths::base_path(site.config.files_url());
    let folder = lang.map_or("", |l| l.folder.as_str());
    let results: Vec<(bool, Diagnostics)> = jobs
        .par_iter()
        .map(|job| {
            let mut d = Diagnostics::new();
            if !theme.has(&job.template) {
                if job.rendering.starts_with("content/") {
                    d.error(
                        &job.rendering,
                        None,
                        format!("there is no template `{}` to render this page", job.template),
                    )
                    .help("create it in templates/, or remove `template:` from the front matter to use the default");
                } else {
                    d.error("templates/", None, format!("the theme has no template `{}`", job.template))
                        .help(format!("add templates/{}, or use a theme that has one", job.template));
                }
                return (false, d);
            }
            let mut ctx = Context::new();
            ctx.insert_value("site", site_values[&nav_current(&shared.site, &job.meta.url)].clone());
            ctx.insert("page", &job.meta);
            ctx.insert_value("t", t.clone());
            ctx.insert_value("staff", shared.staff.clone());
            ctx.insert_value("tags", shared.tags.clone());
            for (k, v) in job.extra.build(site) {
                ctx.insert_value(k, v);
            }
            match theme.tera.render(&job.template, &ctx) {
                Ok(html) => {
                    // A language's pages move into its folder (`/en/blog/x/`)...
                    let html = match lang {
                        Some(l) => match prefix::prefix_pages(&html, &l.folder, &l.pages) {
                            std::borrow::Cow::Borrowed(_) => html,
                            std::borrow::Cow::Owned(p) => p,
                        },
                        None => html,
                    };
                    // ...and on a site under a sub-path every root-relative URL gains it, here and only here.
                    let html = match prefix::prefix_html(&html, base_path) {
                        std::borrow::Cow::Borrowed(_) => html,
                        std::borrow::Cow::Owned(p) => p,
                    };
                    let path = alternates::output_path(folder, &job.meta.url);
                    if let Err(why) =
                        sink(OutputFile { path: path.clone(), contents: Contents::Bytes(html.into_bytes()) })
                    {
                        d.error(&job.rendering, None, format!("could not write {path}: {why}"))
                            .help("check that the output folder's disk is not full and that you may write there");
                        return (false, d);
                    }
                    (true, d)
                }
                Err(e) => {
                    report_render_error(theme, &job.template, &job.rendering, &e, &mut d);
                    (false, d)
                }
            }
        })
        .collect();
    let mut files = Vec::with_capacity(theme.static_files.len() + site.static_files.len() + 3);
    let mut sitemap = Vec::new();
    // One template error usually repeats on every page: report it once.
    let mut seen_errors = std::collections::HashSet::new();
    let mut pages = 0;
    for ((written, d), job) in results.into_iter().zip(jobs) {
        if d.is_empty() || seen_errors.insert(crate::diag::render::all_to_text(&d).lines().take(2).collect::<String>())
        {
            diags.extend(d);
        }
        if written {
            pages += 1;
            if !job.meta.noindex {
                sitemap.push(SitemapEntry {
                    url: format!("{folder}{}", job.meta.url),
                    lastmod: job.lastmod,
                    alternates: job.meta.translations,
                });
            }
        }
    }
    files.push(match lang {
        None => OutputFile { path: "feed.xml".into(), contents: Contents::Bytes(feed::atom(site).into_bytes()) },
        Some(l) => alternates::feed(site, l),
    });
    files.extend(
        search_index.map(|f| OutputFile { path: alternates::output_path(folder, &format!("/{}", f.path)), ..f }),
    );
    if lang.is_some_and(|l| !l.folder.is_empty()) {
        return Executed { pages, files, cards: share_cards, sitemap };
    }
    let site_static: std::collections::HashSet<&str> = site.static_files.iter().map(|f| f.output.as_str()).collect();
    if !site_static.contains("robots.txt") {
        files.push(OutputFile {
            path: "robots.txt".into(),
            contents: Contents::Bytes(feed::robots(&site.config.base_url).into_bytes()),
        });
    }
    for (path, file) in &theme.static_files {
        if site_static.contains(path.as_str()) {
            continue;
        }
        let contents = match file {
            ThemeStatic::Embedded(b) => Contents::Embedded(b),
            ThemeStatic::Disk(p) => Contents::Copy(p.clone()),
        };
        files.push(OutputFile { path: path.clone(), contents });
    }
    for f in &site.static_files {
        files.push(OutputFile { path: f.output.clone(), contents: Contents::Copy(f.abs.clone()) });
    }
    files.extend(videos::media_files(site));
    Executed { pages, files, cards: share_cards, sitemap }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_hours_read_naturally() {
        let hours_display = |h| crate::i18n::I18n::default().hours(h);
        assert_eq!(hours_display("Mo-Fr 10:00-18:00"), "Monday to Friday, 10:00–18:00");
        assert_eq!(hours_display("Sa,Su 09:00-17:00"), "Saturday and Sunday, 09:00–17:00");
        assert_eq!(hours_display("by appointment"), "by appointment");
    }

    #[test]
    fn bios_do_not_pass_raw_html() {
        let html = inline_markdown("I *love* <script>alert(1)</script> bikes");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("<em>love</em>"));
    }
}
