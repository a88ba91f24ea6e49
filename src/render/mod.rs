//! Stage 5: `Site` + `Theme` → output files. Pure: renders every body
//! (`body`), builds the views once
//! (cards shared by every listing), renders every page in parallel with the
//! templates parsed once, and adds the feed, sitemap and robots.txt. Reads
//! no file and no clock.

mod alternates;
pub mod body;
mod deps;
pub mod events;
mod kept;
pub use kept::Kept;
pub mod feed;
pub mod ics;
mod menu;
pub use menu::check_menu;
pub mod moments;
mod pages;
pub mod picture;
pub mod prefix;
pub mod reviews;
pub mod search;
pub mod seo;
mod share;
mod site;
mod stream;
mod videos;
pub mod views;
pub mod visit;

use crate::date::DateTime;
use crate::diag::Diagnostics;
use crate::model::image::PlannedImage;
use crate::model::{Doc, ImageUse, Site, StaffMember};
use crate::paths::absolute_url;
use crate::theme::{report_render_error, Theme, ThemeStatic};
use pages::{jobs, Extra, Job};
use picture as picture_html;
use rayon::prelude::*;
use site::{nav_current, nav_for, site_view};
use tera::{Context, Value};
use views::*;

pub use crate::output::{Contents, Deps, OutputFile};

pub const HOME_POSTS: usize = 6;
const CARD_SIZES: &str = "(min-width: 60rem) 20rem, (min-width: 40rem) 45vw, 100vw";
const COVER_SIZES: &str = "(min-width: 48rem) 46rem, 100vw";
const PORTRAIT_SIZES: &str = "12rem";

/// What every page's context shares.
struct Shared {
    site: SiteView,
    staff: Value,
    tags: Value,
    /// The `t` object (the site's language).
    t: Value,
    /// Every post's listing card, in order (built once the posts' bodies are).
    cards: Vec<std::sync::Arc<Value>>,
    /// Each listing card's digest (`deps::value`), in the same order.
    card_digests: Vec<u64>,
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
        // A video post without a cover shows its video's poster.
        cover: post
            .cover
            .as_ref()
            .and_then(|c| image_view(site, c, false, CARD_SIZES))
            .or_else(|| post.video.as_ref().and_then(|v| videos::poster_image(site, v, false, CARD_SIZES))),
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

/// Where rendered pages go as soon as they are rendered: written to the
/// staging folder by `build`, kept in memory by `serve`, counted and
/// dropped by `check`. Streaming keeps memory flat however many posts a
/// site has.
pub trait Pages: Sync {
    /// Takes a page just rendered, with what it was made from.
    fn put(&self, file: OutputFile, deps: Deps) -> Result<(), String>;

    /// Whether the page at `path` (output-relative) that the last build
    /// rendered from exactly `deps` is still there and is carried into the
    /// new output as it is: then it is not rendered again.
    fn keep(&self, path: &str, deps: &Deps) -> bool {
        let _ = (path, deps);
        false
    }

    /// The bodies of the last build, and where this build's go
    /// (`body::memo`): none unless the sink keeps them.
    fn bodies(&self) -> Option<&body::memo::Bodies> {
        None
    }

    /// What the last rebuild's render left (its post pages, kept by what
    /// they read, and its search postings: `kept`): none unless the sink
    /// keeps them (the preview).
    fn kept(&self) -> Option<&Kept> {
        None
    }
}

/// Pages counted and dropped (`check`).
pub struct Dropped;

impl Pages for Dropped {
    fn put(&self, _: OutputFile, _: Deps) -> Result<(), String> {
        Ok(())
    }
}

pub type PageSink<'a> = dyn Pages + 'a;

/// What `render` produced besides the streamed pages.
pub struct Rendered {
    /// Pages of the new output: rendered and handed to the sink, or kept.
    pub pages: usize,
    /// Of those, the pages rendered (the others' inputs had not changed).
    pub rendered: usize,
    /// Every other file (feed, sitemap, robots.txt, theme and static files).
    pub files: Vec<OutputFile>,
    /// The share cards the pages name, by output path; `build` draws them.
    pub cards: std::collections::BTreeMap<String, crate::assets::cards::PlannedCard>,
}

/// A page of the sitemap: its path on the site (the language's folder
/// included), `lastmod`, and its versions in other languages.
#[derive(Clone, Debug, PartialEq)]
struct SitemapEntry {
    url: String,
    lastmod: Option<String>,
    alternates: Vec<TranslationView>,
}

/// One page rendered and handed to the sink (or why not).
struct PageResult {
    written: bool,
    /// Rendered, not kept from the last build.
    rendered: bool,
    diags: Diagnostics,
    /// The sitemap's entry, when written and indexed.
    sitemap: Option<SitemapEntry>,
    /// The page's dependency set, when written and the sink keeps pages
    /// by what they read (`kept`).
    deps: Option<Deps>,
}

/// What rendering one language made besides the streamed pages.
struct Executed {
    pages: usize,
    rendered: usize,
    /// Its feed and search index.
    files: Vec<OutputFile>,
    cards: std::collections::BTreeMap<String, crate::assets::cards::PlannedCard>,
    sitemap: Vec<SitemapEntry>,
}

/// Renders the whole site: pages go to `sink`, the rest is returned. A
/// site in several languages renders each (`alternates.rs`).
pub fn render(site: &mut Site, theme: &Theme, sink: &PageSink<'_>, diags: &mut Diagnostics) -> Rendered {
    let round = sink.kept().map(Kept::begin);
    if !site.languages.is_empty() {
        return alternates::render_languages(site, theme, sink, round.as_ref(), diags);
    }
    let done = render_language(site, theme, sink, None, round.as_ref(), diags);
    let mut files = done.files;
    files.extend(site_files(site, theme));
    let mut sitemap_urls: Vec<(String, Option<String>)> =
        done.sitemap.into_iter().map(|e| (e.url, e.lastmod)).collect();
    sitemap_urls.sort();
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        contents: Contents::Bytes(feed::sitemap(&site.config.base_url, &sitemap_urls).into_bytes()),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Rendered { pages: done.pages, rendered: done.rendered, files, cards: done.cards }
}

/// Renders one language's pages (the site's only one when `lang` is
/// `None`). Each post's page is rendered right after its body, and only
/// what listings show of it is kept; then the pages' bodies, and then every
/// other page. Returns its feed and search index; the files every
/// language shares are `site_files`'.
fn render_language(
    site: &mut Site,
    theme: &Theme,
    sink: &PageSink<'_>,
    lang: Option<&alternates::LangOutput>,
    kept: Option<&kept::Now<'_>>,
    diags: &mut Diagnostics,
) -> Executed {
    let mut shared = shared_values(site);
    let mut cards = std::collections::BTreeMap::new();
    let base_path = crate::paths::base_path(site.config.files_url());
    let common = [("t", &shared.t), ("staff", &shared.staff), ("tags", &shared.tags)];
    let out = stream::Out { sink, lang, deps: deps::Base::new(theme, lang, base_path, common), kept };
    let (mut results, listed) = stream::posts(site, theme, &shared, &out, &mut cards, diags);
    body::render_page_bodies(site, Some(theme), sink.bodies(), diags);
    (shared.cards, shared.card_digests) = site
        .posts
        .par_iter()
        .zip(listed)
        .map(|(p, listed)| match listed {
            Some(kept) => {
                debug_assert!(kept == listing_card(site, p), "the listing card of {} was kept wrongly", p.source);
                kept
            }
            None => listing_card(site, p),
        })
        .unzip();
    let folder = lang.map_or("", |l| l.folder.as_str());
    let (jobs, search_index) = {
        let mut kept_search = kept.map(|k| k.search.lock().unwrap_or_else(|e| e.into_inner()));
        let last = kept_search.as_mut().map(|k| k.entry(folder.to_string()).or_insert(None));
        page_jobs(site, last)
    };
    results.extend(other_pages(site, theme, &shared, jobs, &out, &mut cards, diags));
    let (pages, rendered, sitemap) = report_results(results, diags);
    let mut files = vec![match lang {
        None => OutputFile { path: "feed.xml".into(), contents: Contents::Bytes(feed::atom(site).into_bytes()) },
        Some(l) => alternates::feed(site, l),
    }];
    files.extend(events::ics_files(site, folder));
    files.extend(
        search_index.map(|f| OutputFile { path: alternates::output_path(folder, &format!("/{}", f.path)), ..f }),
    );
    Executed { pages, rendered, files, cards, sitemap }
}

/// A post's listing card as a template value, with its digest.
fn listing_card(site: &Site, post: &Doc) -> (std::sync::Arc<Value>, u64) {
    let card = ser(&card(site, post));
    let digest = deps::value(&card);
    (std::sync::Arc::new(card), digest)
}

/// The values every page's context shares but the listing cards.
fn shared_values(site: &Site) -> Shared {
    let staff: Vec<StaffView> = site.staff.iter().map(|s| staff_view(site, s)).collect();
    let tags: Vec<TagView> =
        site.tags.iter().map(|t| tag_view(site, &t.name, &t.slug, t.url.clone(), t.posts.len())).collect();
    let t = site.config.i18n.template_value(&site.config.shop.name);
    Shared {
        site: site_view(site),
        staff: ser(&staff),
        tags: ser(&tags),
        t,
        cards: Vec::new(),
        card_digests: Vec::new(),
    }
}

/// Every page but the posts' (`pages::jobs`), with issue 17's contact
/// page and search page, and the search's `search/index.json` (from the
/// last index's postings, in the preview). Run once every body is
/// rendered: the search reads them.
fn page_jobs(site: &Site, search: Option<&mut Option<search::Last>>) -> (Vec<Job>, Option<OutputFile>) {
    let mut jobs = jobs(site);
    let visit = visit::add(site);
    let extra = visit.as_ref().map(|(_, words)| std::slice::from_ref(words)).unwrap_or(&[]);
    let search = search::add(site, extra, search);
    jobs.extend(visit.map(|(job, _)| job));
    let search_index = search.map(|(job, index)| {
        jobs.extend(job);
        index
    });
    (jobs, search_index)
}

/// The URL of every page a language will have but its posts', known
/// before any body is rendered (no page's existence or URL depends on a
/// body), with the post or page each shows: the same list `page_jobs`
/// makes.
fn planned_pages(site: &Site) -> Vec<(String, Option<&Doc>)> {
    let mut out: Vec<(String, Option<&Doc>)> = jobs(site)
        .into_iter()
        .map(|j| {
            let doc = match j.extra {
                Extra::Doc(i) => Some(&site.pages[i]),
                Extra::Ready(_) | Extra::Post(_) | Extra::Listing(..) => None,
            };
            (j.meta.url, doc)
        })
        .collect();
    if visit::is_generated(site) {
        out.push((visit::URL.to_string(), None));
    }
    // An owner's own page at /search/ is among `jobs` already.
    if site.config.search && !out.iter().any(|(url, _)| url == search::PAGE_URL) {
        out.push((search::PAGE_URL.to_string(), None));
    }
    out
}

/// `site` differs between pages only in which navigation links are
/// current: one value (and its digest) per combination, not one per page.
fn site_values<'u>(
    shared: &Shared,
    urls: impl Iterator<Item = &'u str>,
) -> std::collections::BTreeMap<Vec<bool>, (Value, u64)> {
    urls.map(|url| nav_current(&shared.site, url))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|current| {
            let value = ser(&nav_for(&shared.site, &current));
            let digest = deps::value(&value);
            (current, (value, digest))
        })
        .collect()
}

/// Every page but the posts', planned (share cards) and rendered in parallel.
fn other_pages(
    site: &Site,
    theme: &Theme,
    shared: &Shared,
    mut jobs: Vec<Job>,
    out: &stream::Out<'_>,
    cards: &mut std::collections::BTreeMap<String, crate::assets::cards::PlannedCard>,
    diags: &mut Diagnostics,
) -> Vec<PageResult> {
    let planner = share::Planner::new(site, diags);
    share::plan(&planner, jobs.iter_mut().map(|j| (&mut j.meta, j.rendering.as_str())), cards, diags);
    if let Some(lang) = out.lang {
        jobs.iter_mut().for_each(|j| lang.link(&mut j.meta));
    }
    let site_values = site_values(shared, jobs.iter().map(|j| j.meta.url.as_str()));
    jobs.into_par_iter()
        .map(|job| {
            let site_value = &site_values[&nav_current(&shared.site, &job.meta.url)];
            render_job(site, theme, shared, site_value, job, out)
        })
        .collect()
}

/// Renders one page through its template and hands it to the sink, unless
/// the sink keeps the last build's page made from the same inputs.
fn render_job(
    site: &Site,
    theme: &Theme,
    shared: &Shared,
    (site_value, site_digest): &(Value, u64),
    job: Job,
    out: &stream::Out<'_>,
) -> PageResult {
    let mut d = Diagnostics::new();
    let failed = |d| PageResult { written: false, rendered: false, diags: d, sitemap: None, deps: None };
    let folder = out.lang.map_or("", |l| l.folder.as_str());
    let path = alternates::output_path(folder, &job.meta.url);
    let sitemap = sitemap_entry(folder, &job);
    let mut extra = job.extra.build(site);
    let deps = page_deps(shared, *site_digest, (&job.template, &job.meta), &mut extra, out);
    let recorded = |deps: &Deps| out.kept.is_some().then(|| deps.clone());
    if theme.has(&job.template) && out.sink.keep(&path, &deps) {
        return PageResult { written: true, rendered: false, diags: d, sitemap, deps: recorded(&deps) };
    }
    if !theme.has(&job.template) {
        if job.rendering.starts_with("content/") {
            d.error(&job.rendering, None, format!("there is no template `{}` to render this page", job.template))
                .help("create it in templates/, or remove `template:` from the front matter to use the default");
        } else {
            d.error("templates/", None, format!("the theme has no template `{}`", job.template))
                .help(format!("add templates/{}, or use a theme that has one", job.template));
        }
        return failed(d);
    }
    let mut ctx = Context::new();
    ctx.insert_value("site", site_value.clone());
    ctx.insert_value("page", ser(&job.meta));
    ctx.insert_value("t", shared.t.clone());
    ctx.insert_value("staff", shared.staff.clone());
    ctx.insert_value("tags", shared.tags.clone());
    for (k, v) in extra.values(shared) {
        ctx.insert_value(k, v);
    }
    let html = match theme.tera.render(&job.template, &ctx) {
        Ok(html) => html,
        Err(e) => {
            report_render_error(theme, &job.template, &job.rendering, &e, &mut d);
            return failed(d);
        }
    };
    // A language's pages move into its folder (`/en/blog/x/`)...
    let html = match out.lang {
        Some(l) => match prefix::prefix_pages(&html, &l.folder, &l.pages) {
            std::borrow::Cow::Borrowed(_) => html,
            std::borrow::Cow::Owned(p) => p,
        },
        None => html,
    };
    // ...and on a site under a sub-path every root-relative URL gains it, here and only here.
    let base_path = crate::paths::base_path(site.config.files_url());
    let html = match prefix::prefix_html(&html, base_path) {
        std::borrow::Cow::Borrowed(_) => html,
        std::borrow::Cow::Owned(p) => p,
    };
    let kept = recorded(&deps);
    if let Err(why) =
        out.sink.put(OutputFile { path: path.clone(), contents: Contents::Bytes(html.into_bytes()) }, deps)
    {
        d.error(&job.rendering, None, format!("could not write {path}: {why}"))
            .help("check that the output folder's disk is not full and that you may write there");
        return failed(d);
    }
    PageResult { written: true, rendered: true, diags: d, sitemap, deps: kept }
}

/// A page's entry in the sitemap, unless it is not to be indexed.
fn sitemap_entry(folder: &str, job: &Job) -> Option<SitemapEntry> {
    (!job.meta.noindex).then(|| SitemapEntry {
        url: format!("{folder}{}", job.meta.url),
        lastmod: job.lastmod.clone(),
        alternates: job.meta.translations.clone(),
    })
}

/// A page's dependency set: its template's, the `site` value's digest,
/// its head's and its own values'.
fn page_deps(
    shared: &Shared,
    site_digest: u64,
    (template, meta): (&str, &PageMeta),
    extra: &mut pages::Built,
    out: &stream::Out<'_>,
) -> Deps {
    let values = [("site", site_digest), ("page", deps::of(meta))];
    out.deps.deps(template, values.into_iter().chain(extra.digests(shared)))
}

/// Adds the pages' diagnostics to `diags` (one template error usually
/// repeats on every page: it is reported once); the pages written (or
/// kept), those of them rendered, and the sitemap's entries.
fn report_results(results: Vec<PageResult>, diags: &mut Diagnostics) -> (usize, usize, Vec<SitemapEntry>) {
    let mut seen_errors = std::collections::HashSet::new();
    let mut pages = 0;
    let mut rendered = 0;
    let mut sitemap = Vec::new();
    for r in results {
        let d = r.diags;
        if d.is_empty() || seen_errors.insert(crate::diag::render::all_to_text(&d).lines().take(2).collect::<String>())
        {
            diags.extend(d);
        }
        if r.written {
            pages += 1;
            rendered += usize::from(r.rendered);
            sitemap.extend(r.sitemap);
        }
    }
    (pages, rendered, sitemap)
}

/// The files every language shares: robots.txt, theme and static files,
/// and videos' media.
fn site_files(site: &Site, theme: &Theme) -> Vec<OutputFile> {
    let mut files = Vec::with_capacity(theme.static_files.len() + site.static_files.len() + 3);
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
    files
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
