//! The template contract: every value a template can read. Views are built
//! once per build (listing cards once, shared by every listing page) and
//! serialised into the Tera context. docs/templates.md ("Templates and their context")
//! documents these fields; the snapshot test of `views` keeps both honest.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub base_url: String,
    /// The path of `base_url` without its trailing slash (`/shop` for
    /// `https://example.github.io/shop/`, empty at the root of a host).
    /// Root-relative URLs in attributes gain it by themselves; a script or
    /// JSON a template writes must add it: `{{ site.base_path }}/theme/x.js`.
    pub base_path: String,
    pub language: String,
    /// Open Graph's locale: `de_DE` for `de`, `pt_BR` for `pt-BR`.
    pub og_locale: String,
    /// `ltr`, or `rtl` for Arabic, Hebrew, Persian, Urdu.
    pub dir: String,
    pub brand: BrandView,
    pub shop: ShopView,
    pub logo: Option<ImageView>,
    /// `/favicon.ico` when static/ has one, else the logo's URL.
    pub favicon: Option<String>,
    /// Main navigation: Blog, each page, and the sections that have content.
    pub nav: Vec<NavLinkView>,
    pub feed_url: String,
    /// The latest year any content carries (for the footer's copyright).
    pub year: i32,
    /// The search page's URL (`/search/`); none with `search: false`.
    pub search: Option<String>,
    /// `analytics:` of site.yaml: `plausible` (a domain), `goatcounter` (a code); each none unless set.
    pub analytics: crate::parse::site_extras::Analytics,
}

#[derive(Debug, Clone, Serialize)]
pub struct BrandView {
    pub color: String,
    pub accent: String,
    /// Text colour readable on `color` (white or near-black, WCAG AA).
    pub color_text: String,
    /// Text colour readable on `accent`.
    pub accent_text: String,
    /// `color`, darkened or lightened until it reads as text on white (links).
    pub link: String,
    /// A link colour readable on the dark-mode background.
    pub link_dark: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShopView {
    pub name: String,
    pub street: Option<String>,
    /// "Portland, OR 97201"
    pub locality: Option<String>,
    pub country: Option<String>,
    pub phone: Option<String>,
    /// `tel:+15035550100`
    pub phone_href: Option<String>,
    pub email: Option<String>,
    /// As written in site.yaml ("Mo-Fr 10:00-18:00").
    pub hours: Vec<String>,
    /// For people ("Monday to Friday, 10:00–18:00").
    pub hours_display: Vec<String>,
    pub social: Vec<SocialView>,
    /// A map search link for the address.
    pub map_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SocialView {
    pub network: String,
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
    /// Whether this link is the current page or one of its parents.
    pub current: bool,
}

/// What the home page shows besides its listings (`home` in index.html).
#[derive(Debug, Clone, Serialize)]
pub struct HomeView {
    /// The sections, in order: `posts`, `moments`, `team`, `reviews`,
    /// `visit` (each drawn by `templates/home/<name>.html`).
    pub sections: Vec<String>,
    /// `home.hero` of site.yaml, as a responsive `<picture>`.
    pub hero: Option<ImageView>,
    /// Where "Visit the shop" leads: the contact page when the site has
    /// one, else the home's own "Visit us" section; none without either.
    pub visit_url: Option<String>,
}

/// A link of the header's menu (`site.nav`).
#[derive(Debug, Clone, Serialize)]
pub struct NavLinkView {
    pub title: String,
    pub url: String,
    /// Whether this link is the current page or one of its parents.
    pub current: bool,
    /// A link `menu:` adds to another site (`rel="external"`).
    pub external: bool,
}

/// A processed image, ready to show.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    /// A complete `<picture>` element (use with `| safe`).
    pub html: String,
    /// URL of the largest JPEG/PNG variant.
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

/// Head data of the current page: title, meta, Open Graph, JSON-LD, share links.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    /// `home`, `blog`, `post`, `page`, `tag`, `tags`, `staff`, `staff_list`, `404`.
    pub kind: String,
    /// The document title (`Post title · Shop`).
    pub title: String,
    /// The visible heading of the page.
    pub heading: String,
    pub description: String,
    /// Path on the site (`/blog/x/`).
    pub url: String,
    /// Absolute URL (canonical).
    pub permalink: String,
    pub og_type: String,
    pub image: Option<ShareImageView>,
    /// The JSON-LD `<script>` body, already escaped (use with `| safe`).
    pub json_ld: String,
    pub share: Vec<ShareLinkView>,
    /// Whether search engines should skip this page (404, paginated lists).
    pub noindex: bool,
    /// Whether the page shows a click-to-load video: load `/theme/video.js`.
    pub video_script: bool,
    /// On a site in several languages: this page in every language it is
    /// written in, this one included (for `<link rel="alternate" hreflang>`);
    /// empty when the page has no translation, and on a one-language site.
    pub translations: Vec<TranslationView>,
    /// On a site in several languages: one link per language for the
    /// language switcher, to this page's translation or, where it has none,
    /// to that language's home; empty on a one-language site.
    pub languages: Vec<TranslationView>,
    /// The absolute URL for `hreflang="x-default"`: the page in the default
    /// language (else in the first language that has it), with `translations`.
    pub x_default: Option<String>,
}

/// A page in one language (`page.translations`, `page.languages`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TranslationView {
    /// The language's tag, as site.yaml writes it (`fr`, `en`, `fr-CA`).
    pub lang: String,
    /// The language's name in that language (`Français`, `English`).
    pub name: String,
    /// Path on the site (`/en/blog/x/`), for links.
    pub url: String,
    /// Absolute URL, for `hreflang` alternates.
    pub permalink: String,
    /// Whether this is the language of the page being rendered.
    pub current: bool,
    /// Whether the link leads to this page's translation (`false`: to the
    /// language's home, the page having no translation in it).
    pub translated: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShareImageView {
    /// Absolute URL.
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub mime: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShareLinkView {
    /// `facebook`, `x`, `pinterest`, `whatsapp`, `linkedin`, `email`.
    pub network: String,
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TagView {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub count: usize,
    /// "3 posts", in the site's language.
    pub count_label: String,
    /// "posts": the words of `count_label` without the number.
    pub count_words: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthorView {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub url: String,
    pub photo: Option<ImageView>,
    /// Bio as HTML (markdown allowed).
    pub bio_html: Option<String>,
}

/// A post as listings show it.
#[derive(Debug, Clone, Serialize)]
pub struct PostCard {
    pub title: String,
    pub url: String,
    /// `2026-11-02`
    pub date: String,
    /// `2 November 2026`
    pub date_display: String,
    /// Plain text: the description, else the start of the post.
    pub summary: String,
    pub cover: Option<ImageView>,
    pub tags: Vec<TagView>,
    pub author: Option<AuthorView>,
    pub reading_minutes: usize,
    /// "3 min read", in the site's language.
    pub reading_time: String,
    pub is_video: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TocView {
    pub id: String,
    pub title: String,
    pub children: Vec<TocView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PostView {
    #[serde(flatten)]
    pub card: PostCard,
    /// The rendered body (use with `| safe`).
    pub content: String,
    /// The part before `<!-- more -->`, if the post has one.
    pub summary_html: Option<String>,
    pub toc: Vec<TocView>,
    pub words: usize,
    pub updated: Option<String>,
    pub updated_display: Option<String>,
    /// A how-to video post's video (front matter `video:`).
    pub video: Option<VideoView>,
    pub newer: Option<LinkView>,
    pub older: Option<LinkView>,
    pub draft: bool,
    /// The front matter's `extra:` map, as written.
    pub extra: serde_json::Value,
}

/// A standalone page (content/pages).
#[derive(Debug, Clone, Serialize)]
pub struct DocView {
    pub title: String,
    pub url: String,
    pub content: String,
    pub toc: Vec<TocView>,
    pub cover: Option<ImageView>,
    pub updated: Option<String>,
    pub updated_display: Option<String>,
    pub extra: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct PaginationView {
    pub current: usize,
    pub total: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// The numbered links to show: see `PaginationView::new`.
    pub pages: Vec<PageNumberView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageNumberView {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Page numbers are left out between the previous link and this one.
    pub gap_before: bool,
}

/// Pages on each side of the current one that get a numbered link.
const PAGE_WINDOW: usize = 2;

impl PaginationView {
    /// Page `current` of `total`, with `url` giving each page's address.
    /// The numbered links are the first and last pages and the two on each
    /// side of the current one (`1 … 4 5 6 7 8 … 500`): what a visitor can
    /// use, and a page whose size does not grow with the archive (every
    /// number on every page would make the listing grow with posts²).
    pub fn new(current: usize, total: usize, url: impl Fn(usize) -> String) -> PaginationView {
        let near = current.saturating_sub(PAGE_WINDOW)..=current + PAGE_WINDOW;
        let mut pages: Vec<PageNumberView> = Vec::new();
        for number in (1..=total).filter(|n| *n == 1 || *n == total || near.contains(n)) {
            let gap_before = pages.last().is_some_and(|p| p.number + 1 < number);
            pages.push(PageNumberView { number, url: url(number), current: number == current, gap_before });
        }
        PaginationView {
            current,
            total,
            previous: (current > 1).then(|| url(current - 1)),
            next: (current < total).then(|| url(current + 1)),
            pages,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StaffView {
    #[serde(flatten)]
    pub author: AuthorView,
    pub email: Option<String>,
    pub post_count: usize,
    /// "3 posts", in the site's language.
    pub post_count_label: String,
}

/// A how-to post's video, ready to show (`post.video`).
#[derive(Debug, Clone, Serialize)]
pub struct VideoView {
    /// `youtube`, `vimeo` or `local`.
    pub kind: String,
    /// `YouTube`, `Vimeo`, or empty for a local file.
    pub provider: String,
    /// The platform's video id (empty for a local file).
    pub id: String,
    /// The video's page on its platform, or the local file's URL.
    pub watch_url: String,
    /// The player (`youtube-nocookie.com`, `player.vimeo.com` with `dnt=1`),
    /// or the local file's URL. Loaded only after a click.
    pub embed_url: String,
    pub poster: ImageView,
    /// `2:30`
    pub duration: Option<String>,
    /// `PT2M30S`
    pub duration_iso: Option<String>,
    /// The embed: the click-to-load facade or a `<video>` (use with `| safe`).
    pub html: String,
}

/// A how-to video post in the videos grid and on staff pages.
#[derive(Debug, Clone, Serialize)]
pub struct VideoCard {
    #[serde(flatten)]
    pub card: PostCard,
    pub poster: ImageView,
    /// `YouTube`, `Vimeo`, or empty for a local file.
    pub provider: String,
    /// `2:30`
    pub duration: Option<String>,
}

/// A customer moment, in the gallery (`moments`), on its page (`moment`),
/// on the home page and in the `moment` shortcode.
#[derive(Debug, Clone, Serialize)]
pub struct MomentView {
    /// `ana-wheel` (the photo's file name, as a slug).
    pub id: String,
    /// `/moments/ana-wheel/`
    pub url: String,
    /// A short title: the caption (cut at a word), else "Ana's moment".
    pub title: String,
    pub caption: Option<String>,
    /// The customer's first name, or nothing.
    pub customer: Option<String>,
    pub product: Option<String>,
    /// The product's reviews page, when reviews name the same product.
    pub product_url: Option<String>,
    pub tags: Vec<String>,
    /// `2026-11-02`
    pub date: String,
    /// `2 November 2026`
    pub date_display: String,
    /// `2 Nov 2026` (for narrow grid cards)
    pub date_short: String,
    /// The processed photo (no EXIF or GPS; lazy except on its own page).
    pub photo: ImageView,
}

#[derive(Debug, Serialize)]
pub struct PosterView {
    /// A `<picture>` or `<img>` (use with `| safe`), with empty alt: the
    /// facade's link carries the name.
    pub html: String,
    pub url: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Serialize)]
pub struct SourceView {
    pub url: String,
    pub mime: String,
}

#[derive(Debug, Serialize)]
pub struct TrackView {
    pub url: String,
    pub srclang: String,
    pub label: String,
}

/// The `video` value of the video shortcode templates
/// (`shortcodes/youtube.html`, `vimeo.html`, `video.html`; documented in
/// docs/templates.md).
#[derive(Debug, Serialize)]
pub struct VideoEmbedView {
    /// `youtube`, `vimeo` or `local`.
    pub kind: &'static str,
    /// `YouTube`, `Vimeo`, or empty for a local file.
    pub provider: &'static str,
    pub id: String,
    pub start: u32,
    pub title: String,
    /// The facade's accessible name: `Play: <title>`.
    pub label: String,
    /// Whether the title should be shown as a caption (it was given in the
    /// shortcode, rather than being the page's own title).
    pub show_title: bool,
    /// The video's page on its platform (or the local file): the link that
    /// works without JavaScript.
    pub watch_url: String,
    /// The player the facade loads after the click (empty for local files).
    pub embed_url: String,
    pub poster: PosterView,
    /// Local files: the `<source>`s.
    pub sources: Vec<SourceView>,
    /// Local files: the captions track.
    pub captions: Option<TrackView>,
}

#[cfg(test)]
mod pagination_tests {
    use super::PaginationView;

    fn shown(current: usize, total: usize) -> String {
        let view = PaginationView::new(current, total, |n| format!("/blog/page/{n}/"));
        let parts: Vec<String> = view
            .pages
            .iter()
            .map(|p| {
                let gap = if p.gap_before { "… " } else { "" };
                if p.current {
                    format!("{gap}[{}]", p.number)
                } else {
                    format!("{gap}{}", p.number)
                }
            })
            .collect();
        parts.join(" ")
    }

    #[test]
    fn links_the_ends_and_the_neighbourhood() {
        assert_eq!(shown(1, 1), "[1]");
        assert_eq!(shown(3, 7), "1 2 [3] 4 5 … 7");
        assert_eq!(shown(4, 7), "1 2 3 [4] 5 6 7");
        assert_eq!(shown(1, 500), "[1] 2 3 … 500");
        assert_eq!(shown(250, 500), "1 … 248 249 [250] 251 252 … 500");
        assert_eq!(shown(500, 500), "1 … 498 499 [500]");
        let view = PaginationView::new(2, 3, |n| format!("/p/{n}/"));
        assert_eq!(view.previous.as_deref(), Some("/p/1/"));
        assert_eq!(view.next.as_deref(), Some("/p/3/"));
        assert_eq!(view.pages[1].url, "/p/2/");
    }
}
