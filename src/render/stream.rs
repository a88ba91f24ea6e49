//! Part of stage 5 (render): the posts, streamed. Each post's body is
//! rendered and its page right after it, in parallel, and only what the
//! listings show of the post (title, summary, reading time, video) is kept:
//! a post's HTML is not alive once its page is in the sink, so memory does
//! not grow with the posts' bodies. A build also lets go of each post's
//! source text once its page is made (runs of `RUN` posts; a waiting post
//! after its page), which nothing later reads; the preview keeps them. Takes the site and the shared page
//! values; returns each page's result and the share cards the pages name.
//!
//! A post whose page reads what other bodies decide (a `share_image:`, or a
//! video poster photo that only bodies plan) waits until every body is
//! rendered and is rendered then: the output is the same either way.

use super::alternates::LangOutput;
use super::body::{self, BodyOut, DocDefaults};
use super::pages::post_job;
use super::share::{Planner, Warned};
use super::site::nav_current;
use super::{kept, render_job, site_values, PageResult, PageSink, Shared};
use crate::assets::cards::PlannedCard;
use crate::diag::Diagnostics;
use crate::model::video::Poster;
use crate::model::{Doc, Site};
use crate::parse::doc::DocKind;
use crate::theme::Theme;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use tera::Value;

/// How many posts a build renders before it lets go of their texts (a
/// debug build, every test's, takes runs of 3 so that the tests' small
/// sites cross runs too).
const RUN: usize = if cfg!(debug_assertions) { 3 } else { 1024 };

/// A post after the first pass: its body, and its page and card unless
/// the page waits for every body. A written page's body keeps only what
/// listings show.
struct Streamed {
    body: BodyOut,
    page: Option<(PageResult, Option<PlannedCard>)>,
    /// Its listing card, when the preview keeps it with the page.
    listed: Option<Listed>,
}

/// A post's listing card as a template value, and its digest.
pub(super) type Listed = (std::sync::Arc<Value>, u64);

/// Where a language's pages go: the sink, and on a site in several
/// languages the language's folder and links to its translations.
pub(super) struct Out<'a> {
    pub(super) sink: &'a PageSink<'a>,
    pub(super) lang: Option<&'a LangOutput>,
    /// What every page's dependency set shares.
    pub(super) deps: super::deps::Base,
    /// The post pages of the last rebuild (the preview), and where this
    /// one's go.
    pub(super) kept: Option<&'a kept::Now<'a>>,
}

/// What rendering a post's page reads besides the post.
struct Ctx<'a> {
    site: &'a Site,
    theme: &'a Theme,
    shared: &'a Shared,
    out: &'a Out<'a>,
    site_values: &'a BTreeMap<Vec<bool>, (Value, u64)>,
    /// The part of each post page's key every post shares (`kept`).
    site_key: u128,
    /// Plans each page's share card. The site-wide warning is given with
    /// the other pages' cards.
    planner: Planner<'a>,
}

/// Renders every post's body and page; puts the bodies (without their
/// HTML, but for the feed's) into `site.posts`. Returns the pages, and
/// each post's listing card where the preview keeps it with the page.
pub(super) fn posts(
    site: &mut Site,
    theme: &Theme,
    shared: &Shared,
    out: &Out<'_>,
    cards: &mut BTreeMap<String, PlannedCard>,
    diags: &mut Diagnostics,
) -> (Vec<PageResult>, Vec<Option<Listed>>) {
    let site_key = out.kept.map_or(0, |_| kept::site_key(site, &out.deps, super::deps::of(&shared.site), out.lang));
    let values = site_values(shared, site.posts.iter().map(|p| p.url.as_str()));
    let defaults = body::video_defaults(site);
    // A build renders the posts a run at a time and lets go of each run's
    // texts before the next (nothing after a post's page reads its text):
    // the memory they free holds the next run's pages and bodies. The
    // preview keeps the texts (its next rebuild reads them).
    let release = out.kept.is_none();
    let run = if release { RUN } else { site.posts.len().max(1) };
    let mut streamed: Vec<Streamed> = Vec::with_capacity(site.posts.len());
    for start in (0..site.posts.len()).step_by(run) {
        let end = (start + run).min(site.posts.len());
        {
            let site = &*site;
            let planner = Planner::new(site, &mut Diagnostics::new());
            let ctx = Ctx { site, theme, shared, out, site_values: &values, site_key, planner };
            let posts = site.posts[start..end].par_iter().enumerate();
            streamed.par_extend(posts.map(|(j, doc)| first_pass(&ctx, &defaults, start + j, doc)));
        }
        if release {
            // A page that waits for every body is made later, from its post.
            for (post, s) in site.posts[start..end].iter_mut().zip(&streamed[start..end]) {
                if s.page.is_some() {
                    let_go_of_text(post);
                }
            }
        }
    }
    let mut results = Vec::with_capacity(streamed.len());
    let mut bodies = Vec::with_capacity(streamed.len());
    let mut listed = Vec::with_capacity(streamed.len());
    let mut waiting = Vec::new();
    for (i, s) in streamed.into_iter().enumerate() {
        bodies.push(s.body);
        listed.push(s.listed);
        match s.page {
            Some((page, card)) => {
                results.push(page);
                if let Some(card) = card {
                    cards.entry(card.output.clone()).or_insert(card);
                }
            }
            None => waiting.push(i),
        }
    }
    body::put_back(site, DocKind::Post, bodies, diags);
    if !waiting.is_empty() {
        results.extend(second_pass(site, theme, shared, out, &waiting, cards, diags));
        if release {
            for &i in &waiting {
                let_go_of_text(&mut site.posts[i]);
            }
        }
    }
    (results, listed)
}

/// Lets go of a post's source text: its page is made, and what is left
/// of the render (listings, feed, search) reads no post's text.
fn let_go_of_text(post: &mut Doc) {
    std::sync::Arc::make_mut(&mut post.parsed).let_go_of_text();
}

/// Renders a post's body, and its page unless it must wait. In the
/// preview, a post whose key is the last rebuild's is taken whole from it
/// (`kept_post`): its body, page and cards are neither made nor digested.
fn first_pass(ctx: &Ctx<'_>, defaults: &HashMap<String, DocDefaults>, i: usize, doc: &Doc) -> Streamed {
    let site = ctx.site;
    let kept = ctx.out.kept.map(|now| {
        let folder = ctx.out.lang.map_or("", |l| l.folder.as_str());
        let path = super::alternates::output_path(folder, &doc.url);
        (&now.pages, path, kept::post_key(ctx.site_key, site, i, doc))
    });
    if let Some((round, path, key)) = &kept {
        if let Some(s) = kept_post(ctx, defaults, (round, path, *key), i, doc) {
            return s;
        }
    }
    let mut out = body::render_doc(site, Some(ctx.theme), defaults, doc, ctx.out.sink.bodies());
    let mut post = doc.clone();
    post.body = std::mem::take(&mut out.body);
    post.video = out.video.take();
    post.video_script = out.video_script;
    let poster_planned_by_a_body = post
        .video
        .as_ref()
        .is_some_and(|v| matches!(&v.poster, Poster::Photo(p) if !site.images.contains_key(&p.path)));
    if post.share_image.is_some() || poster_planned_by_a_body {
        (out.body, out.video) = (post.body, post.video);
        return Streamed { body: out, page: None, listed: None };
    }
    let mut d = Diagnostics::new();
    let (mut page, card) = render_post(ctx, i, &post, &mut d);
    let listed = kept.map(|(round, path, key)| {
        let listing = super::listing_card(site, &post);
        if let (Some(deps), true) = (page.deps.take(), d.is_empty() && page.diags.is_empty() && out.diags.is_blank()) {
            let body = kept_body(site, i, &post, &out);
            let sitemap = page.sitemap.clone();
            let page = kept::KeptPage { key, deps, card: card.clone(), sitemap, listing: listing.clone(), body };
            round.keep(path, std::sync::Arc::new(page));
        }
        listing
    });
    out.diags.extend(d);
    (out.body, out.video) = (keep_for_listings(site.config.search, i, post.body), post.video);
    if !out.diags.is_blank() {
        out.diags.add_source(&doc.parsed.source, doc.parsed.text.clone());
    }
    Streamed { body: out, page: Some((page, card)), listed }
}

/// A post the last rebuild left with the same key, when its page is still
/// there: its body as listings read it, its page kept by its dependency
/// set, its share card and listing card as they were. The body's memo
/// entry is carried over for a later rebuild that needs the body again.
fn kept_post(
    ctx: &Ctx<'_>,
    defaults: &HashMap<String, DocDefaults>,
    (round, path, key): (&kept::Round<'_>, &String, u128),
    i: usize,
    doc: &Doc,
) -> Option<Streamed> {
    let last = round.last(path).filter(|k| k.key == key && ctx.out.sink.keep(path, &k.deps))?;
    if let Some(memo) = ctx.out.sink.bodies() {
        body::carry(ctx.site, doc, memo);
    }
    if cfg!(debug_assertions) {
        check_kept(ctx, defaults, i, doc, last);
    }
    round.keep(path.clone(), last.clone());
    let kept::KeptBody { body, video, video_script, images, media } = last.body.clone();
    let out = BodyOut { body, video, video_script, images, media, diags: Diagnostics::new() };
    let page = PageResult {
        written: true,
        rendered: false,
        diags: Diagnostics::new(),
        sitemap: last.sitemap.clone(),
        deps: None,
    };
    Some(Streamed { body: out, page: Some((page, last.card.clone())), listed: Some(last.listing.clone()) })
}

/// A debug build's check of a post kept by its key: its body rendered
/// again, and the dependency set, share card and sitemap entry its page
/// would have now, are the ones kept.
fn check_kept(ctx: &Ctx<'_>, defaults: &HashMap<String, DocDefaults>, i: usize, doc: &Doc, last: &kept::KeptPage) {
    let mut out = body::render_doc(ctx.site, Some(ctx.theme), defaults, doc, None);
    let mut post = doc.clone();
    post.body = std::mem::take(&mut out.body);
    (post.video, post.video_script) = (out.video.take(), out.video_script);
    let body = kept_body(ctx.site, i, &post, &out);
    let mut job = post_job(ctx.site, i, &post);
    let card =
        ctx.planner.plan_page(&mut job.meta, &job.rendering, Some(&post), &mut Warned::new(), &mut Diagnostics::new());
    if let Some(lang) = ctx.out.lang {
        lang.link(&mut job.meta);
    }
    let folder = ctx.out.lang.map_or("", |l| l.folder.as_str());
    let sitemap = super::sitemap_entry(folder, &job);
    let (_, site_digest) = &ctx.site_values[&nav_current(&ctx.shared.site, &job.meta.url)];
    let mut extra = job.extra.build(ctx.site);
    let deps = super::page_deps(ctx.shared, *site_digest, (&job.template, &job.meta), &mut extra, ctx.out);
    // Compared by their `Debug` text, which shows every field; a body that
    // keeps its HTML is searched by it, not by its words (which only a
    // body from the memo has already).
    let seen = |b: &kept::KeptBody| {
        let mut b = b.clone();
        if !b.body.html.is_empty() {
            b.body.search_words = Default::default();
        }
        format!("{b:?}")
    };
    assert_eq!(
        (seen(&body), format!("{:?}", (&deps, &card, &sitemap))),
        (seen(&last.body), format!("{:?}", (&last.deps, &last.card, &last.sitemap))),
        "the key of {} missed an input of its body or page",
        doc.source
    );
}

/// Plans a post's share card and renders its page.
fn render_post<'a>(
    ctx: &Ctx<'a>,
    i: usize,
    post: &'a Doc,
    diags: &mut Diagnostics,
) -> (PageResult, Option<PlannedCard>) {
    let mut job = post_job(ctx.site, i, post);
    let card = ctx.planner.plan_page(&mut job.meta, &job.rendering, Some(post), &mut Warned::new(), diags);
    if let Some(lang) = ctx.out.lang {
        lang.link(&mut job.meta);
    }
    let site_value = &ctx.site_values[&nav_current(&ctx.shared.site, &job.meta.url)];
    (render_job(ctx.site, ctx.theme, ctx.shared, site_value, job, ctx.out), card)
}

/// The pages of the posts that waited, now that every body is rendered.
fn second_pass(
    site: &mut Site,
    theme: &Theme,
    shared: &Shared,
    out: &Out<'_>,
    waiting: &[usize],
    cards: &mut BTreeMap<String, PlannedCard>,
    diags: &mut Diagnostics,
) -> Vec<PageResult> {
    let done: Vec<(PageResult, Option<PlannedCard>, Diagnostics)> = {
        let site = &*site;
        let urls = waiting.iter().map(|&i| site.posts[i].url.as_str());
        let planner = Planner::new(site, &mut Diagnostics::new());
        let values = site_values(shared, urls);
        let ctx = Ctx { site, theme, shared, out, site_values: &values, site_key: 0, planner };
        waiting
            .par_iter()
            .map(|&i| {
                let mut d = Diagnostics::new();
                let (page, card) = render_post(&ctx, i, &site.posts[i], &mut d);
                (page, card, d)
            })
            .collect()
    };
    for &i in waiting {
        let body = std::mem::take(&mut site.posts[i].body);
        site.posts[i].body = keep_for_listings(site.config.search, i, body);
    }
    let mut results = Vec::with_capacity(done.len());
    for (page, card, d) in done {
        diags.extend(d);
        if let Some(card) = card {
            cards.entry(card.output.clone()).or_insert(card);
        }
        results.push(page);
    }
    results
}

/// What the preview keeps of post `i`'s body (rendered into `post`) and of
/// what rendering it used (`out`).
fn kept_body(site: &Site, i: usize, post: &Doc, out: &BodyOut) -> kept::KeptBody {
    kept::KeptBody {
        body: keep_for_listings(site.config.search, i, post.body.clone()),
        video: post.video.clone(),
        video_script: post.video_script,
        images: out.images.clone(),
        media: out.media.clone(),
    }
}

/// What the rest of the site reads of a rendered post's body: all of it
/// for the feed's newest posts, else all but the HTML (of which the site
/// search keeps the words).
fn keep_for_listings(search: bool, i: usize, mut body: crate::markdown::RenderedBody) -> crate::markdown::RenderedBody {
    if i >= super::feed::FEED_ENTRIES {
        if search && body.search_words.is_empty() {
            body.search_words = super::search::body_words(&body.html).into();
        }
        body.html = Default::default();
        body.summary_html = None;
        body.toc = Vec::new();
    }
    body
}
