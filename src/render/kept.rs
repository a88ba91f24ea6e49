//! Part of stage 5 (render): what a long-running preview's render keeps
//! from one rebuild to the next: each language's search postings
//! (`search::Last`, updated for the documents that changed), and the post
//! pages by a digest of everything they read (`key`), so that an unchanged
//! post's page is neither built nor digested again: no head, share links,
//! JSON-LD, view or card is made for it, and the sink keeps its file by the
//! dependency set recorded when it was rendered.
//!
//! A post's body, page and cards read its own file (its text, and what
//! resolve made of it), the titles and URLs of the posts before and after
//! it, and the rest of the site but the other posts (settings, words,
//! staff, tags and their counts, photos planned, pages, links, reviews,
//! moments, events, the templates, the navigation, the language's folder
//! and links). The key digests exactly that, before the body is rendered:
//! the site's part once per language (`site_key`, with every field of
//! `Site` named, so that a field added later must be placed), and each
//! post's part (`post_key`). Only posts rendered and put without any
//! diagnostic are kept. A debug build (every test) renders the body and the
//! page of each post kept this way again and checks them against what was
//! kept (`stream::check_kept`).
//!
//! `build` does not use it (a build starts with no memory).

use super::alternates::LangOutput;
use super::deps::Base;
use super::SitemapEntry;
use crate::assets::cards::PlannedCard;
use crate::model::{Doc, Site};
use crate::output::Deps;
use crate::rounds::Rounds;
use std::collections::HashMap;
use std::fmt::{Debug, Write as _};
use std::sync::{Arc, Mutex};
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

/// What the last rebuild's render left: its post pages, by output path,
/// and each language's search postings, by the language's folder.
#[derive(Default)]
pub struct Kept {
    pages: Rounds<String, Arc<KeptPage>>,
    search: Mutex<HashMap<String, Option<super::search::Last>>>,
}

/// One render's use of `Kept`.
pub(super) struct Now<'a> {
    pub(super) pages: Round<'a>,
    pub(super) search: &'a Mutex<HashMap<String, Option<super::search::Last>>>,
}

/// One render's use of the kept pages.
pub(super) type Round<'a> = crate::rounds::Round<'a, String, Arc<KeptPage>>;

impl Kept {
    pub(super) fn begin(&self) -> Now<'_> {
        Now { pages: self.pages.begin(), search: &self.search }
    }
}

/// A post's page as the last rebuild left it.
#[derive(Clone, Debug)]
pub(super) struct KeptPage {
    pub(super) key: u128,
    pub(super) deps: Deps,
    pub(super) card: Option<PlannedCard>,
    pub(super) sitemap: Option<SitemapEntry>,
    /// The post's listing card (`render::listing_card`): it reads nothing
    /// the key does not.
    pub(super) listing: (Arc<tera::Value>, u64),
    /// The post's body as listings read it, and what the body used.
    pub(super) body: KeptBody,
}

/// A post's rendered body as the rest of the site reads it once its page
/// is made (`stream::keep_for_listings`), and what rendering it used.
#[derive(Clone, Debug)]
pub(super) struct KeptBody {
    pub(super) body: crate::markdown::RenderedBody,
    pub(super) video: Option<crate::model::video::DocVideo>,
    pub(super) video_script: bool,
    pub(super) images: std::collections::BTreeMap<String, crate::model::image::PlannedImage>,
    pub(super) media: std::collections::BTreeMap<String, crate::model::video::MediaFile>,
}

/// The part of every post page's key that is the same for all of one
/// language's posts: the site but its posts, the templates and values
/// every page shares (`base`), the navigation and the language's output.
pub(super) fn site_key(site: &Site, base: &Base, nav: u64, lang: Option<&LangOutput>) -> u128 {
    // Every field named: one added later must be placed here.
    let Site {
        config,
        posts: _,
        pages,
        staff,
        tags,
        logo,
        hero,
        images,
        share_images,
        probes,
        links,
        content_files,
        static_files,
        media,
        reviews,
        moments,
        events,
        left_out,
        languages: _,
    } = site;
    let mut h = Xxh3::new();
    debug(&mut h, &(config, staff, tags, logo, hero, images, share_images, probes));
    debug(&mut h, &(content_files, static_files, media, reviews, moments, events, left_out));
    for page in pages {
        doc_into(&mut h, page);
    }
    h.update(&unordered(links.docs.iter()).to_le_bytes());
    h.update(&unordered(links.static_urls.iter()).to_le_bytes());
    h.update(&base.digest().to_le_bytes());
    h.update(&nav.to_le_bytes());
    match lang {
        Some(l) => h.update(&l.digest().to_le_bytes()),
        None => h.update(b"one language"),
    }
    h.digest128()
}

/// A post's key, before its body is rendered: the site's part, the post
/// (its file's text, from which its body is rendered, and what resolve
/// made of it), whether the feed shows its body, and the titles and URLs
/// of its neighbours.
pub(super) fn post_key(site_key: u128, site: &Site, i: usize, post: &Doc) -> u128 {
    let mut h = Xxh3::new();
    h.update(&site_key.to_le_bytes());
    let parsed = &*post.parsed;
    texts(&mut h, [&*parsed.text]);
    debug(&mut h, &(parsed.kind, parsed.body_offset, i < super::feed::FEED_ENTRIES));
    doc_into(&mut h, post);
    for j in [i.checked_sub(1), i.checked_add(1)] {
        match j.and_then(|j| site.posts.get(j)) {
            Some(n) => texts(&mut h, [n.title.as_str(), &n.url]),
            None => h.update(b"none"),
        }
    }
    h.digest128()
}

/// Digests a post or page: every field but the file as parsed (`post_key`
/// digests its text; a page's is read only by its own body).
fn doc_into(h: &mut Xxh3, doc: &Doc) {
    let Doc {
        kind,
        source,
        title,
        slug,
        url,
        date,
        updated,
        description,
        tags,
        author,
        cover,
        share_image,
        video,
        video_script,
        draft,
        template,
        nav_title,
        extra,
        body,
        translation_key,
        parsed: _,
    } = doc;
    texts(h, [source.as_str(), title, slug, url, translation_key]);
    let optional = [description, share_image, template, nav_title];
    texts(h, optional.map(|t| t.as_deref().unwrap_or("\u{0}none")));
    debug(h, &(kind, date, updated, tags, author, cover, video, video_script, draft));
    let _ = serde_json::to_writer(&mut Hashing(h), extra);
    let crate::markdown::RenderedBody { html, summary_html, toc, words, excerpt, images, search_words } = body;
    // The search's words are made from the HTML, and no page shows them.
    let _ = search_words;
    texts(h, [&**html, summary_html.as_deref().unwrap_or("\u{0}none"), excerpt]);
    debug(h, &(toc, words, images));
}

/// Adds texts to `h`, each with its length (so that no two lists of texts
/// run together alike).
fn texts<'t>(h: &mut Xxh3, texts: impl IntoIterator<Item = &'t str>) {
    for text in texts {
        h.update(&(text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
}

/// Adds a value's `Debug` text (every field, for derived ones) to `h`.
fn debug(h: &mut Xxh3, value: &impl Debug) {
    let _ = write!(Hashing(h), "{value:?}");
    h.update(&[0xff]);
}

/// A digest of a map's entries whatever their order (a `HashMap` iterates
/// in a different order in each process and each map).
fn unordered<K: Debug, V: Debug>(entries: impl Iterator<Item = (K, V)>) -> u64 {
    let mut n = 0u64;
    let mut sum = 0u64;
    let mut text = String::new();
    for entry in entries {
        text.clear();
        let _ = write!(text, "{entry:?}");
        sum = sum.wrapping_add(xxh3_64(text.as_bytes()));
        n += 1;
    }
    sum ^ n.rotate_left(32)
}

/// Text and bytes written into a hash.
struct Hashing<'a>(&'a mut Xxh3);

impl std::fmt::Write for Hashing<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

impl std::io::Write for Hashing<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
