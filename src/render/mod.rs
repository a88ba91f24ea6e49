//! Stage 5: `Site` + `Theme` → output files. Pure: builds the views once
//! (cards shared by every listing), renders every page in parallel with the
//! templates parsed once, and adds the feed, sitemap and robots.txt. Reads
//! no file and no clock.

pub mod feed;
pub mod moments;
pub mod reviews;
pub mod seo;
mod share;
mod videos;
pub mod views;

use crate::assets::{html as picture_html, PlannedImage};
use crate::date::DateTime;
use crate::diag::Diagnostics;
use crate::model::{Doc, ImageUse, Site, StaffMember};
use crate::paths::{absolute_url, url_to_output};
use crate::theme::{report_render_error, Theme, ThemeStatic};
use rayon::prelude::*;
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

/// A page to render: template, URL and the page-specific context.
struct Job {
    template: String,
    meta: PageMeta,
    /// Where this page comes from, for error messages.
    rendering: String,
    /// The page-specific context, built only when the page is rendered so
    /// that no more than a few pages' bodies are in memory at once.
    extra: Extra,
    /// The sitemap's `lastmod`.
    lastmod: Option<String>,
}

enum Extra {
    Ready(Vec<(&'static str, Value)>),
    Post(usize),
    Doc(usize),
}

impl Extra {
    fn build(&self, site: &Site) -> Vec<(&'static str, Value)> {
        match self {
            Extra::Ready(v) => v.clone(),
            Extra::Post(i) => vec![("post", ser(&post_view(site, *i)))],
            Extra::Doc(i) => vec![("doc", ser(&doc_view(site, &site.pages[*i])))],
        }
    }
}

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
        url: absolute_url(&site.config.base_url, &planned.fallback_url()),
        width,
        height,
        alt: alt.to_string(),
        mime: mime.to_string(),
    }
}

fn date_strings(d: Option<DateTime>) -> (String, String) {
    d.map(|d| (d.date.to_string(), d.date.display())).unwrap_or_default()
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
    let (date, date_display) = date_strings(post.date);
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
            .map(|t| TagView {
                name: t.name.clone(),
                slug: t.slug.clone(),
                url: format!("/tags/{}/", t.slug),
                count: site.tags.iter().find(|x| x.slug == t.slug).map_or(0, |x| x.posts.len()),
            })
            .collect(),
        author: post.author.map(|a| author_view(site, &site.staff[a])),
        reading_minutes: post.body.reading_minutes(),
        is_video: post.video.is_some(),
    }
}

fn toc_views(toc: &[crate::markdown::TocEntry]) -> Vec<TocView> {
    toc.iter().map(|e| TocView { id: e.id.clone(), title: e.title.clone(), children: toc_views(&e.children) }).collect()
}

fn site_view(site: &Site) -> SiteView {
    let c = &site.config;
    let shop = &c.shop;
    let address = shop.address.as_ref();
    let locality = address.map(|a| {
        let region_postal = [a.region.as_str(), a.postal_code.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        [a.city.as_str(), region_postal.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    });
    let map_url = address.map(|a| {
        let q = format!("{}, {}, {} {}, {}", a.street, a.city, a.region, a.postal_code, a.country);
        format!("https://www.openstreetmap.org/search?query={}", crate::paths::percent_encode(&q))
    });
    let mut nav = vec![LinkView { title: "Blog".into(), url: "/blog/".into(), current: false }];
    if videos::has_videos(site) {
        nav.push(LinkView { title: "Videos".into(), url: "/videos/".into(), current: false });
    }
    if !site.moments.is_empty() {
        nav.push(LinkView { title: "Moments".into(), url: "/moments/".into(), current: false });
    }
    for p in &site.pages {
        if p.url.matches('/').count() == 2 {
            let title = p.nav_title.clone().unwrap_or_else(|| p.title.clone());
            nav.push(LinkView { title, url: p.url.clone(), current: false });
        }
    }
    if !site.reviews.is_empty() {
        nav.push(LinkView { title: "Reviews".into(), url: "/reviews/".into(), current: false });
    }
    if !site.staff.is_empty() {
        nav.push(LinkView { title: "Team".into(), url: "/staff/".into(), current: false });
    }
    let year = site.posts.iter().filter_map(|p| p.updated.or(p.date)).map(|d| d.date.year).max().unwrap_or(1970);
    let white = (255, 255, 255);
    SiteView {
        title: c.title.clone(),
        description: c.description.clone(),
        base_url: c.base_url.clone(),
        language: c.language.clone(),
        brand: BrandView {
            color: c.brand.color.clone(),
            accent: c.brand.accent.clone(),
            color_text: seo::text_on(&c.brand.color),
            accent_text: seo::text_on(&c.brand.accent),
            link: seo::readable_on(&c.brand.color, white, 4.6),
            link_dark: seo::readable_on(&c.brand.color, (23, 26, 28), 4.6),
        },
        shop: ShopView {
            name: shop.name.clone(),
            street: address.map(|a| a.street.clone()).filter(|s| !s.is_empty()),
            locality: locality.filter(|s| !s.is_empty()),
            country: address.map(|a| a.country.clone()).filter(|s| !s.is_empty()),
            phone: shop.phone.clone(),
            phone_href: shop
                .phone
                .as_ref()
                .map(|p| format!("tel:{}", p.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>())),
            email: shop.email.clone(),
            hours: shop.hours.clone(),
            hours_display: shop.hours.iter().map(|h| hours_display(h)).collect(),
            social: shop
                .social
                .iter()
                .map(|(k, v)| SocialView { network: k.clone(), label: social_label(k), url: v.clone() })
                .collect(),
            map_url,
        },
        // The logo sits beside the shop's name in the header link: no alt
        // text, or screen readers would say the name twice.
        logo: site
            .logo
            .as_ref()
            .and_then(|l| image_view(site, &ImageUse { path: l.path.clone(), alt: String::new() }, true, "10rem")),
        favicon: if site.static_files.iter().any(|f| f.output == "favicon.ico") {
            Some("/favicon.ico".to_string())
        } else {
            site.logo.as_ref().and_then(|l| site.images.get(&l.path)).map(|p| p.fallback_url())
        },
        nav,
        feed_url: "/feed.xml".into(),
        year,
    }
}

fn social_label(network: &str) -> String {
    match network {
        "facebook" => "Facebook".into(),
        "instagram" => "Instagram".into(),
        "youtube" => "YouTube".into(),
        "x" | "twitter" => "X".into(),
        "tiktok" => "TikTok".into(),
        "linkedin" => "LinkedIn".into(),
        "pinterest" => "Pinterest".into(),
        other => {
            let mut c = other.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        }
    }
}

/// "Mo-Fr 10:00-18:00" → "Monday to Friday, 10:00–18:00".
pub fn hours_display(h: &str) -> String {
    let day = |d: &str| match d {
        "Mo" => "Monday",
        "Tu" => "Tuesday",
        "We" => "Wednesday",
        "Th" => "Thursday",
        "Fr" => "Friday",
        "Sa" => "Saturday",
        "Su" => "Sunday",
        _ => "",
    };
    let Some((days, times)) = h.split_once(' ') else { return h.to_string() };
    if !days.split([',', '-']).all(|d| !day(d).is_empty()) {
        return h.to_string();
    }
    let days_text: Vec<String> = days
        .split(',')
        .map(|part| match part.split_once('-') {
            Some((a, b)) if !day(a).is_empty() && !day(b).is_empty() => format!("{} to {}", day(a), day(b)),
            _ if !day(part).is_empty() => day(part).to_string(),
            _ => part.to_string(),
        })
        .collect();
    format!("{}, {}", days_text.join(" and "), times.replace('-', "–"))
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
        share: seo::share_links(&permalink, heading, logo_image.as_ref().map(|i| i.url.as_str())),
        permalink,
        og_type: "website".into(),
        image: logo_image,
        json_ld: String::new(),
        noindex: false,
        video_script: false,
    }
}

fn nav_for(site: &SiteView, url: &str) -> SiteView {
    let mut s = site.clone();
    for link in &mut s.nav {
        link.current = url == link.url || (link.url != "/" && url.starts_with(&link.url));
    }
    s
}

fn ser<T: serde::Serialize>(v: &T) -> Value {
    Value::from_serializable(v)
}

fn jobs(site: &Site, shared: &Shared) -> Vec<Job> {
    let c = &site.config;
    let mut jobs = Vec::new();
    let cards_of = |ix: &[usize]| Value::from(ix.iter().map(|&i| shared.cards[i].clone()).collect::<Vec<_>>());

    // Home.
    let mut home = meta(site, "home", &c.title, "/", &c.description);
    let home_image = home.image.as_ref().map(|i| i.url.clone());
    home.json_ld = seo::json_ld_text(&seo::home(site, home_image.as_deref()));
    let latest: Vec<usize> = (0..site.posts.len().min(HOME_POSTS)).collect();
    jobs.push(Job {
        template: "index.html".into(),
        meta: home,
        rendering: "the home page".into(),
        extra: Extra::Ready(
            [vec![("posts", cards_of(&latest))], reviews::home_context(site), moments::home_context(site)].concat(),
        ),
        lastmod: None,
    });

    // Blog listing, paginated.
    let per_page = c.posts.per_page.max(1);
    let total = site.posts.len().div_ceil(per_page).max(1);
    let page_url = |n: usize| if n == 1 { "/blog/".to_string() } else { format!("/blog/page/{n}/") };
    for n in 1..=total {
        let start = (n - 1) * per_page;
        let ix: Vec<usize> = (start..(start + per_page).min(site.posts.len())).collect();
        let heading = if n == 1 { "Blog".to_string() } else { format!("Blog, page {n} of {total}") };
        let description = if c.description.is_empty() {
            format!("News and stories from {}", c.shop.name)
        } else {
            c.description.clone()
        };
        let mut m = meta(site, "blog", &heading, &page_url(n), &description);
        m.json_ld = seo::json_ld_text(&seo::web_page(site, "Blog", &heading, &m.url, &description));
        let pagination = PaginationView {
            current: n,
            total,
            previous: (n > 1).then(|| page_url(n - 1)),
            next: (n < total).then(|| page_url(n + 1)),
            pages: (1..=total).map(|k| PageNumberView { number: k, url: page_url(k), current: k == n }).collect(),
        };
        jobs.push(Job {
            template: "blog.html".into(),
            meta: m,
            rendering: format!("blog page {n}"),
            extra: Extra::Ready(vec![("posts", cards_of(&ix)), ("pagination", ser(&pagination))]),
            lastmod: None,
        });
    }

    // Posts.
    for (i, post) in site.posts.iter().enumerate() {
        let description = post.meta_description(&c.description);
        let mut m = meta(site, "post", &post.title, &post.url, &description);
        m.og_type = "article".into();
        if let Some(cover) =
            post.cover.as_ref().and_then(|cv| site.images.get(&cv.path).map(|p| share_image(site, p, &cv.alt)))
        {
            m.share = seo::share_links(&m.permalink, &post.title, Some(&cover.url));
            m.image = Some(cover);
        }
        let posting = seo::blog_posting(site, post, &description, m.image.as_ref().map(|i| i.url.as_str()));
        m.json_ld = seo::json_ld_text(&videos::post_json_ld(site, post, &description, posting));
        m.video_script = post.video_script;
        jobs.push(Job {
            template: post.template.clone().unwrap_or_else(|| "post.html".into()),
            meta: m,
            rendering: post.source.clone(),
            extra: Extra::Post(i),
            lastmod: post.updated.or(post.date).map(|d| d.date.to_string()),
        });
    }

    // Pages.
    for (pi, page) in site.pages.iter().enumerate() {
        let description = page.meta_description(&c.description);
        let mut m = meta(site, "page", &page.title, &page.url, &description);
        if let Some(cover) =
            page.cover.as_ref().and_then(|cv| site.images.get(&cv.path).map(|p| share_image(site, p, &cv.alt)))
        {
            m.image = Some(cover);
        }
        m.json_ld = seo::json_ld_text(&seo::web_page(site, "WebPage", &page.title, &page.url, &description));
        m.video_script = page.video_script;
        jobs.push(Job {
            template: page.template.clone().unwrap_or_else(|| "page.html".into()),
            meta: m,
            rendering: page.source.clone(),
            extra: Extra::Doc(pi),
            lastmod: page.updated.or(page.date).map(|d| d.date.to_string()),
        });
    }

    // Tags.
    let mut m = meta(site, "tags", "Tags", "/tags/", &format!("Every topic on the {} blog", c.shop.name));
    m.json_ld = seo::json_ld_text(&seo::web_page(site, "CollectionPage", "Tags", "/tags/", &m.description));
    jobs.push(Job {
        template: "tags.html".into(),
        meta: m,
        rendering: "the tags page".into(),
        extra: Extra::Ready(vec![]),
        lastmod: None,
    });
    for tag in &site.tags {
        let heading = format!("Posts tagged “{}”", tag.name);
        let description = format!(
            "{} {} about {} from {}",
            tag.posts.len(),
            if tag.posts.len() == 1 { "post" } else { "posts" },
            tag.name,
            c.shop.name
        );
        let mut m = meta(site, "tag", &heading, &tag.url, &description);
        m.json_ld = seo::json_ld_text(&seo::web_page(site, "CollectionPage", &heading, &tag.url, &description));
        let tv =
            TagView { name: tag.name.clone(), slug: tag.slug.clone(), url: tag.url.clone(), count: tag.posts.len() };
        jobs.push(Job {
            template: "tag.html".into(),
            meta: m,
            rendering: format!("the page of tag `{}`", tag.name),
            extra: Extra::Ready(vec![("tag", ser(&tv)), ("posts", cards_of(&tag.posts))]),
            lastmod: None,
        });
    }

    // Staff.
    if !site.staff.is_empty() {
        let description = format!("The people of {}", c.shop.name);
        let mut m = meta(site, "staff_list", "Our team", "/staff/", &description);
        m.json_ld = seo::json_ld_text(&seo::web_page(site, "CollectionPage", "Our team", "/staff/", &description));
        jobs.push(Job {
            template: "staff_list.html".into(),
            meta: m,
            rendering: "the team page".into(),
            extra: Extra::Ready(vec![]),
            lastmod: None,
        });
    }
    for s in &site.staff {
        let description = match (&s.role, &s.bio) {
            (_, Some(bio)) => crate::model::truncate_words(bio, 160),
            (Some(role), None) => format!("{}, {role} at {}", s.name, c.shop.name),
            (None, None) => format!("{} at {}", s.name, c.shop.name),
        };
        let mut m = meta(site, "staff", &s.name, &s.url, &description);
        m.og_type = "profile".into();
        if let Some(photo) =
            s.photo.as_ref().and_then(|p| site.images.get(&p.path).map(|pl| share_image(site, pl, &p.alt)))
        {
            m.image = Some(photo);
        }
        m.json_ld = seo::json_ld_text(&seo::profile_page(site, s));
        let member = staff_view(site, s);
        let (video_ix, post_ix) = videos::split_videos(site, &s.posts);
        jobs.push(Job {
            template: "staff.html".into(),
            meta: m,
            rendering: format!("the page of staff member `{}`", s.id),
            extra: Extra::Ready(vec![
                ("member", ser(&member)),
                ("posts", cards_of(&post_ix)),
                ("videos", videos::video_cards(site, &video_ix)),
            ]),
            lastmod: None,
        });
    }

    // Reviews: /reviews/ and each product's.
    for p in reviews::pages(site) {
        jobs.push(Job {
            template: p.template.into(),
            meta: p.meta,
            rendering: p.rendering,
            extra: Extra::Ready(p.extra),
            lastmod: None,
        });
    }

    jobs.extend(videos::jobs(site));
    jobs.extend(moments::jobs(site));

    // 404.
    let mut m = meta(site, "404", "Page not found", "/404.html", "This page does not exist.");
    m.noindex = true;
    m.json_ld =
        seo::json_ld_text(&seo::web_page(site, "WebPage", "Page not found", "/404.html", "This page does not exist."));
    jobs.push(Job {
        template: "404.html".into(),
        meta: m,
        rendering: "the 404 page".into(),
        extra: Extra::Ready(vec![]),
        lastmod: None,
    });
    jobs
}

fn post_view(site: &Site, i: usize) -> PostView {
    let post = &site.posts[i];
    let mut card_view = card(site, post);
    card_view.cover = post.cover.as_ref().and_then(|cv| image_view(site, cv, true, COVER_SIZES));
    let (updated, updated_display) = match post.updated {
        Some(u) => {
            let (a, b) = date_strings(Some(u));
            (Some(a), Some(b))
        }
        None => (None, None),
    };
    let link =
        |j: usize| LinkView { title: site.posts[j].title.clone(), url: site.posts[j].url.clone(), current: false };
    PostView {
        card: card_view,
        content: post.body.html.clone(),
        summary_html: post.body.summary_html.clone(),
        toc: toc_views(&post.body.toc),
        words: post.body.words,
        updated,
        updated_display,
        video: videos::video_view(site, post),
        newer: i.checked_sub(1).map(link),
        older: (i + 1 < site.posts.len()).then(|| link(i + 1)),
        draft: post.draft,
        extra: post.extra.clone(),
    }
}

fn doc_view(site: &Site, page: &Doc) -> DocView {
    let (updated, updated_display) = match page.updated {
        Some(u) => {
            let (a, b) = date_strings(Some(u));
            (Some(a), Some(b))
        }
        None => (None, None),
    };
    DocView {
        title: page.title.clone(),
        url: page.url.clone(),
        content: page.body.html.clone(),
        toc: toc_views(&page.body.toc),
        cover: page.cover.as_ref().and_then(|cv| image_view(site, cv, true, COVER_SIZES)),
        updated,
        updated_display,
        extra: page.extra.clone(),
    }
}

fn staff_view(site: &Site, s: &StaffMember) -> StaffView {
    StaffView { author: author_view(site, s), email: s.email.clone(), post_count: s.posts.len() }
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

/// Renders the whole site: pages go to `sink`, the rest is returned.
pub fn render(site: &Site, theme: &Theme, sink: &PageSink<'_>, diags: &mut Diagnostics) -> Rendered {
    let cards: Vec<Value> = site.posts.par_iter().map(|p| ser(&card(site, p))).collect();
    let staff: Vec<StaffView> = site.staff.iter().map(|s| staff_view(site, s)).collect();
    let tags: Vec<TagView> = site
        .tags
        .iter()
        .map(|t| TagView { name: t.name.clone(), slug: t.slug.clone(), url: t.url.clone(), count: t.posts.len() })
        .collect();
    let shared = Shared { site: site_view(site), staff: ser(&staff), tags: ser(&tags), cards };
    let mut jobs = jobs(site, &shared);
    let share_cards = share::plan(site, jobs.iter_mut().map(|j| (&mut j.meta, j.rendering.as_str())), diags);

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
            ctx.insert("site", &nav_for(&shared.site, &job.meta.url));
            ctx.insert("page", &job.meta);
            ctx.insert_value("staff", shared.staff.clone());
            ctx.insert_value("tags", shared.tags.clone());
            for (k, v) in job.extra.build(site) {
                ctx.insert_value(k, v);
            }
            match theme.tera.render(&job.template, &ctx) {
                Ok(html) => {
                    let path = url_to_output(&job.meta.url);
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
    let mut sitemap_urls: Vec<(String, Option<String>)> = Vec::new();
    // One template error usually repeats on every page: report it once.
    let mut seen_errors = std::collections::HashSet::new();
    let mut pages = 0;
    for ((written, d), job) in results.into_iter().zip(&jobs) {
        if d.is_empty() || seen_errors.insert(crate::diag::render::all_to_text(&d).lines().take(2).collect::<String>())
        {
            diags.extend(d);
        }
        if written {
            pages += 1;
            if !job.meta.noindex {
                sitemap_urls.push((job.meta.url.clone(), job.lastmod.clone()));
            }
        }
    }
    sitemap_urls.sort();
    files.push(OutputFile { path: "feed.xml".into(), contents: Contents::Bytes(feed::atom(site).into_bytes()) });
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        contents: Contents::Bytes(feed::sitemap(&site.config.base_url, &sitemap_urls).into_bytes()),
    });
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
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Rendered { pages, files, cards: share_cards }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_hours_read_naturally() {
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
