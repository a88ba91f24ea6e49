//! The list of pages to render: one `Job` per output page, with its head
//! data (`PageMeta`) built now and its page-specific context built only when
//! the page is rendered. `jobs` is the recipe: one short function per kind
//! of page; a post's job is made as its body is rendered (`post_job`).

use super::views::*;
use super::{
    card, date_strings, image_view, meta, moments, reviews, seo, ser, share_image, staff_view, toc_views, videos,
    Shared, COVER_SIZES, HOME_POSTS,
};
use crate::model::{Doc, Site};
use tera::Value;

/// A page to render: template, URL and the page-specific context.
pub(super) struct Job {
    pub(super) template: String,
    pub(super) meta: PageMeta,
    /// Where this page comes from, for error messages.
    pub(super) rendering: String,
    /// The page-specific context, built only when the page is rendered so
    /// that no more than a few pages' bodies are in memory at once.
    pub(super) extra: Extra,
    /// The sitemap's `lastmod`.
    pub(super) lastmod: Option<String>,
}

pub(super) enum Extra {
    Ready(Vec<(&'static str, Value)>),
    /// A page of `content/pages/`, by its place in `site.pages`.
    Doc(usize),
    /// A post's view, made a template value only if the page is rendered.
    Post(Box<PostView>),
    /// Lists of posts' listing cards (by their place in `site.posts`)
    /// under their names, and other values: a card's digest is made once
    /// per build, not once per listing that shows it.
    Listing(Vec<(&'static str, Vec<usize>)>, Vec<(&'static str, Value)>),
}

/// A page's own context values, digested before any is made a template
/// value: a page kept from the last build never makes them.
pub(super) enum Built {
    Values(Vec<(&'static str, Value)>),
    Doc(Box<DocView>),
    Post(Box<PostView>),
    Listing(Vec<(&'static str, Vec<usize>)>, Vec<(&'static str, Value)>),
}

impl Extra {
    pub(super) fn build(self, site: &Site) -> Built {
        match self {
            Extra::Ready(v) => Built::Values(v),
            Extra::Doc(i) => Built::Doc(Box::new(doc_view(site, &site.pages[i]))),
            Extra::Post(view) => Built::Post(view),
            Extra::Listing(cards, values) => Built::Listing(cards, values),
        }
    }
}

impl Built {
    /// Each value's name and digest. A post's or page's HTML is digested
    /// as it is, not as the JSON text of the view (which escapes it byte
    /// by byte): it is taken out of the view while the rest is.
    pub(super) fn digests(&mut self, shared: &Shared) -> Vec<(&'static str, u64)> {
        let values = |v: &[(&'static str, Value)]| v.iter().map(|(k, v)| (*k, super::deps::value(v))).collect();
        match self {
            Built::Values(v) => values(v),
            Built::Doc(view) => {
                let content = std::mem::take(&mut view.content);
                let digest = super::deps::with_text(super::deps::of(view), &content);
                view.content = content;
                vec![("doc", digest)]
            }
            Built::Post(view) => {
                let content = std::mem::take(&mut view.content);
                let digest = super::deps::with_text(super::deps::of(view), &content);
                view.content = content;
                vec![("post", digest)]
            }
            Built::Listing(cards, v) => {
                let mut out: Vec<_> = values(v);
                out.extend(
                    cards.iter().map(|(k, ix)| (*k, super::deps::list(ix.iter().map(|&i| shared.card_digests[i])))),
                );
                out
            }
        }
    }

    /// The values, for the template's context.
    pub(super) fn values(self, shared: &Shared) -> Vec<(&'static str, Value)> {
        match self {
            Built::Values(v) => v,
            Built::Doc(view) => vec![("doc", ser(&*view))],
            Built::Post(view) => vec![("post", ser(&*view))],
            Built::Listing(cards, mut v) => {
                v.extend(cards.into_iter().map(|(k, ix)| (k, cards_of(shared, &ix))));
                v
            }
        }
    }
}

/// Every page but the posts' (rendered as their bodies are, `post_job`).
pub(super) fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs = Vec::new();
    jobs.extend(home(site));
    jobs.extend(blog(site));
    jobs.extend(pages(site));
    jobs.extend(tags(site));
    jobs.extend(staff(site));
    jobs.extend(reviews_pages(site));
    jobs.extend(videos::jobs(site));
    jobs.extend(moments::jobs(site));
    jobs.extend(super::events::jobs(site));
    jobs.extend(not_found(site));
    jobs
}

fn cards_of(shared: &Shared, ix: &[usize]) -> Value {
    Value::from(ix.iter().map(|&i| (*shared.cards[i]).clone()).collect::<Vec<_>>())
}

/// The home page.
fn home(site: &Site) -> Vec<Job> {
    let c = &site.config;
    let mut jobs = Vec::new();
    let mut home = meta(site, "home", &c.title, "/", &c.description);
    let home_image = home.image.as_ref().map(|i| i.url.clone());
    home.json_ld = seo::json_ld_text(&seo::home(site, home_image.as_deref()));
    let latest: Vec<usize> = (0..site.posts.len().min(HOME_POSTS)).collect();
    jobs.push(Job {
        template: "index.html".into(),
        meta: home,
        rendering: "the home page".into(),
        extra: Extra::Listing(
            vec![("posts", latest)],
            [
                vec![("home", ser(&home_view(site)))],
                reviews::home_context(site),
                moments::home_context(site),
                super::events::home_context(site),
            ]
            .concat(),
        ),
        lastmod: None,
    });
    jobs
}

/// The home's hero photo, sections and where "Visit the shop" leads.
fn home_view(site: &Site) -> HomeView {
    let home = &site.config.home;
    let shop = &site.config.shop;
    let has_page = site.pages.iter().any(|p| p.url == super::visit::URL) || super::visit::is_generated(site);
    let shows_visit = home.sections.iter().any(|s| s == "visit")
        && (shop.address.is_some() || !shop.hours.is_empty() || shop.phone.is_some() || shop.email.is_some());
    HomeView {
        sections: home.sections.clone(),
        hero: site.hero.as_ref().and_then(|h| super::image_view(site, h, true, HERO_SIZES)),
        visit_url: if has_page {
            Some(super::visit::URL.to_string())
        } else {
            shows_visit.then(|| "#visit-h".to_string())
        },
    }
}

/// The hero's width: the whole column on a phone, half the page's width from 60rem.
const HERO_SIZES: &str = "(min-width: 60rem) 34rem, calc(100vw - 2.5rem)";

/// The blog listing, paginated.
fn blog(site: &Site) -> Vec<Job> {
    let c = &site.config;
    let i18n = &c.i18n;
    let mut jobs = Vec::new();
    let per_page = c.posts.per_page.max(1);
    let total = site.posts.len().div_ceil(per_page).max(1);
    let page_url = |n: usize| if n == 1 { "/blog/".to_string() } else { format!("/blog/page/{n}/") };
    for n in 1..=total {
        let start = (n - 1) * per_page;
        let ix: Vec<usize> = (start..(start + per_page).min(site.posts.len())).collect();
        let blog = i18n.t("blog_heading");
        let heading = if n == 1 {
            blog.to_string()
        } else {
            i18n.tf("heading_page_of", &[("title", blog), ("n", &n.to_string()), ("total", &total.to_string())])
        };
        let description = if c.description.is_empty() {
            i18n.tf("blog_description", &[("shop", &c.shop.name)])
        } else {
            c.description.clone()
        };
        let mut m = meta(site, "blog", &heading, &page_url(n), &description);
        m.json_ld = seo::json_ld_text(&seo::web_page(site, "Blog", &heading, &m.url, &description));
        let pagination = Value::from_serializable(&PaginationView::new(n, total, page_url));
        jobs.push(Job {
            template: "blog.html".into(),
            meta: m,
            rendering: format!("blog page {n}"),
            extra: Extra::Listing(vec![("posts", ix)], vec![("pagination", pagination)]),
            lastmod: None,
        });
    }
    jobs
}

/// The standalone pages.
fn pages(site: &Site) -> Vec<Job> {
    let c = &site.config;
    let mut jobs = Vec::new();
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
    jobs
}

/// `/tags/` and each tag's page.
fn tags(site: &Site) -> Vec<Job> {
    let c = &site.config;
    let i18n = &c.i18n;
    let mut jobs = Vec::new();
    let tags_heading = i18n.t("tags_heading");
    let mut m = meta(site, "tags", tags_heading, "/tags/", &i18n.tf("tags_description", &[("shop", &c.shop.name)]));
    m.json_ld = seo::json_ld_text(&seo::web_page(site, "CollectionPage", tags_heading, "/tags/", &m.description));
    jobs.push(Job {
        template: "tags.html".into(),
        meta: m,
        rendering: "the tags page".into(),
        extra: Extra::Ready(vec![]),
        lastmod: None,
    });
    for tag in &site.tags {
        let heading = i18n.tf("posts_tagged", &[("tag", &tag.name)]);
        let description =
            i18n.plural("tag_description", tag.posts.len(), &[("tag", &tag.name), ("shop", &c.shop.name)]);
        let mut m = meta(site, "tag", &heading, &tag.url, &description);
        m.json_ld = seo::json_ld_text(&seo::web_page(site, "CollectionPage", &heading, &tag.url, &description));
        let tv = super::tag_view(site, &tag.name, &tag.slug, tag.url.clone(), tag.posts.len());
        jobs.push(Job {
            template: "tag.html".into(),
            meta: m,
            rendering: format!("the page of tag `{}`", tag.name),
            extra: Extra::Listing(vec![("posts", tag.posts.clone())], vec![("tag", ser(&tv))]),
            lastmod: None,
        });
    }
    jobs
}

/// `/staff/` and each staff member's page.
fn staff(site: &Site) -> Vec<Job> {
    let c = &site.config;
    let i18n = &c.i18n;
    let mut jobs = Vec::new();
    if !site.staff.is_empty() {
        let description = i18n.tf("team_description", &[("shop", &c.shop.name)]);
        let team = i18n.t("team_heading");
        let mut m = meta(site, "staff_list", team, "/staff/", &description);
        m.json_ld = seo::json_ld_text(&seo::web_page(site, "CollectionPage", team, "/staff/", &description));
        jobs.push(Job {
            template: "staff_list.html".into(),
            meta: m,
            rendering: "the team page".into(),
            extra: Extra::Ready(vec![]),
            lastmod: None,
        });
    }
    for (si, s) in site.staff.iter().enumerate() {
        let description = match (&s.role, &s.bio) {
            (_, Some(bio)) => crate::model::truncate_words(bio, 160),
            (Some(role), None) => {
                i18n.tf("staff_description_role", &[("name", &s.name), ("role", role), ("shop", &c.shop.name)])
            }
            (None, None) => i18n.tf("staff_description", &[("name", &s.name), ("shop", &c.shop.name)]),
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
            extra: Extra::Listing(
                vec![("posts", post_ix)],
                vec![
                    ("member", ser(&member)),
                    ("videos", videos::video_cards(site, &video_ix)),
                    super::events::staff_context(site, si),
                ],
            ),
            lastmod: None,
        });
    }
    jobs
}

/// `/reviews/` and each product's page.
fn reviews_pages(site: &Site) -> Vec<Job> {
    let mut jobs = Vec::new();
    for p in reviews::pages(site) {
        jobs.push(Job {
            template: p.template.into(),
            meta: p.meta,
            rendering: p.rendering,
            extra: Extra::Ready(p.extra),
            lastmod: None,
        });
    }
    jobs
}

/// The 404 page.
fn not_found(site: &Site) -> Vec<Job> {
    let c = &site.config;
    let i18n = &c.i18n;
    let mut jobs = Vec::new();
    let (not_found, gone) = (i18n.t("not_found_heading"), i18n.t("not_found_description"));
    let mut m = meta(site, "404", not_found, "/404.html", gone);
    m.noindex = true;
    m.json_ld = seo::json_ld_text(&seo::web_page(site, "WebPage", not_found, "/404.html", gone));
    jobs.push(Job {
        template: "404.html".into(),
        meta: m,
        rendering: "the 404 page".into(),
        extra: Extra::Ready(vec![]),
        lastmod: None,
    });
    jobs
}

/// The page of post `i` (`post`: with its body rendered).
pub(super) fn post_job(site: &Site, i: usize, post: &Doc) -> Job {
    let c = &site.config;
    let description = post.meta_description(&c.description);
    let mut m = meta(site, "post", &post.title, &post.url, &description);
    m.og_type = "article".into();
    if let Some(cover) =
        post.cover.as_ref().and_then(|cv| site.images.get(&cv.path).map(|p| share_image(site, p, &cv.alt)))
    {
        m.share = seo::share_links(&c.i18n, &m.permalink, &post.title, Some(&cover.url));
        m.image = Some(cover);
    }
    let posting = seo::blog_posting(site, post, &description, m.image.as_ref().map(|i| i.url.as_str()));
    m.json_ld = seo::json_ld_text(&videos::post_json_ld(site, post, &description, posting));
    m.video_script = post.video_script;
    Job {
        template: post.template.clone().unwrap_or_else(|| "post.html".into()),
        meta: m,
        rendering: post.source.clone(),
        extra: Extra::Post(Box::new(post_view(site, i, post))),
        lastmod: post.updated.or(post.date).map(|d| d.date.to_string()),
    }
}

fn post_view(site: &Site, i: usize, post: &Doc) -> PostView {
    let mut card_view = card(site, post);
    card_view.cover = post.cover.as_ref().and_then(|cv| image_view(site, cv, true, COVER_SIZES));
    let (updated, updated_display) = match post.updated {
        Some(u) => {
            let (a, b) = date_strings(site, Some(u));
            (Some(a), Some(b))
        }
        None => (None, None),
    };
    let link =
        |j: usize| LinkView { title: site.posts[j].title.clone(), url: site.posts[j].url.clone(), current: false };
    PostView {
        card: card_view,
        content: post.body.html.to_string(),
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
            let (a, b) = date_strings(site, Some(u));
            (Some(a), Some(b))
        }
        None => (None, None),
    };
    DocView {
        title: page.title.clone(),
        url: page.url.clone(),
        content: page.body.html.to_string(),
        toc: toc_views(&page.body.toc),
        cover: page.cover.as_ref().and_then(|cv| image_view(site, cv, true, COVER_SIZES)),
        updated,
        updated_display,
        extra: page.extra.clone(),
    }
}
