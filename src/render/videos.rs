//! The how-to video parts of rendering: a video post's `post.video` view and
//! its `VideoObject` JSON-LD, the `/videos/` page (a poster grid, newest
//! first, with links to tag pages), the video cards of staff pages, and the
//! files videos add to the output (drawn posters, local clips). Pure.

use super::{card, image_view, meta, seo, ser, Contents, Extra, Job, OutputFile, CARD_SIZES, COVER_SIZES};
use crate::embeds::{clock_duration, iso_duration, poster};
use crate::model::video::{DocVideo, MediaFile, Poster, VideoSource};
use crate::model::{Doc, Site};
use crate::paths::absolute_url;
use crate::render::views::{ImageView, TagView, VideoCard, VideoView};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Whether the site has how-to video posts (and so a `/videos/` page):
/// whether a post has a `video:` (read from the front matter, so that the
/// navigation is known before the bodies are rendered; a `video:` that
/// cannot be shown is an error, and nothing is published then).
pub(super) fn has_videos(site: &Site) -> bool {
    site.posts.iter().any(|p| p.parsed.video.is_some())
}

pub(super) fn poster_image(site: &Site, video: &DocVideo, eager: bool, sizes: &str) -> Option<ImageView> {
    match &video.poster {
        Poster::Photo(p) => image_view(site, p, eager, sizes),
        Poster::Drawn { url } => {
            let loading = if eager { "" } else { " loading=\"lazy\" decoding=\"async\"" };
            let (width, height) = (poster::WIDTH, poster::HEIGHT);
            Some(ImageView {
                html: format!("<img src=\"{url}\" width=\"{width}\" height=\"{height}\" alt=\"\"{loading}>"),
                url: url.clone(),
                width,
                height,
                alt: String::new(),
            })
        }
    }
}

fn provider_label(video: &DocVideo) -> &'static str {
    video.platform().map_or("", |r| r.provider.label())
}

/// `post.video`: the embed and the facts templates may show.
pub(super) fn video_view(site: &Site, post: &Doc) -> Option<VideoView> {
    let v = post.video.as_ref()?;
    let (kind, id, watch_url, embed_url) = match &v.source {
        VideoSource::Platform(r) => (r.provider.name(), r.id.clone(), r.watch_url(), r.embed_url(false)),
        VideoSource::Local { url, .. } => ("local", String::new(), url.clone(), url.clone()),
    };
    Some(VideoView {
        kind: kind.into(),
        provider: provider_label(v).into(),
        id,
        watch_url,
        embed_url,
        poster: poster_image(site, v, true, COVER_SIZES)?,
        duration: v.duration_seconds.map(clock_duration),
        duration_iso: v.duration_seconds.map(iso_duration),
        html: v.html.clone(),
    })
}

fn video_card(site: &Site, post: &Doc) -> Option<VideoCard> {
    let v = post.video.as_ref()?;
    Some(VideoCard {
        card: card(site, post),
        poster: poster_image(site, v, false, CARD_SIZES)?,
        provider: provider_label(v).into(),
        duration: v.duration_seconds.map(clock_duration),
    })
}

/// The video cards of the video posts among `ix` (indices into `site.posts`).
pub(super) fn video_cards(site: &Site, ix: &[usize]) -> tera::Value {
    ser(&ix.iter().filter_map(|&i| video_card(site, &site.posts[i])).collect::<Vec<_>>())
}

/// Splits post indices into (how-to videos, other posts), keeping the order.
pub(super) fn split_videos(site: &Site, ix: &[usize]) -> (Vec<usize>, Vec<usize>) {
    ix.iter().partition(|&&i| site.posts[i].video.is_some())
}

fn poster_url(site: &Site, video: &DocVideo) -> Option<String> {
    let path = match &video.poster {
        Poster::Photo(p) => site.images.get(&p.path)?.fallback_url(),
        Poster::Drawn { url } => url.clone(),
    };
    Some(absolute_url(site.config.files_url(), &path))
}

/// schema.org `VideoObject` of a how-to post.
pub(super) fn video_object(site: &Site, post: &Doc, description: &str) -> Option<Value> {
    let v = post.video.as_ref()?;
    let base = &site.config.base_url;
    let permalink = absolute_url(base, &post.url);
    let mut o = json!({
        "@type": "VideoObject",
        "@id": format!("{permalink}#video"),
        "name": post.title,
        "description": description,
        "url": permalink,
        "inLanguage": site.config.language,
    });
    if let Some(thumb) = poster_url(site, v) {
        o["thumbnailUrl"] = json!([thumb]);
    }
    if let Some(d) = post.date {
        o["uploadDate"] = json!(d.rfc3339());
    }
    match &v.source {
        VideoSource::Platform(r) => {
            o["embedUrl"] = json!(r.embed_url(false));
            o["sameAs"] = json!(r.watch_url());
        }
        VideoSource::Local { url, mime, .. } => {
            o["contentUrl"] = json!(absolute_url(site.config.files_url(), url));
            o["encodingFormat"] = json!(mime);
        }
    }
    if let Some(s) = v.duration_seconds {
        o["duration"] = json!(iso_duration(s));
    }
    if let Some(a) = post.author {
        let s = &site.staff[a];
        o["author"] = json!({"@type": "Person", "name": s.name, "url": absolute_url(base, &s.url)});
    }
    Some(o)
}

/// A post's JSON-LD: its `BlogPosting`, and for a how-to video post also
/// its `VideoObject`, side by side in an `@graph`.
pub(super) fn post_json_ld(site: &Site, post: &Doc, description: &str, mut posting: Value) -> Value {
    let Some(video) = video_object(site, post, description) else { return posting };
    if let Some(o) = posting.as_object_mut() {
        o.remove("@context");
    }
    posting["video"] = json!({"@id": video["@id"]});
    json!({"@context": "https://schema.org", "@graph": [posting, video]})
}

/// The `/videos/` page: every how-to video post, newest first.
pub(super) fn jobs(site: &Site) -> Vec<Job> {
    if !has_videos(site) {
        return Vec::new();
    }
    let c = &site.config;
    let ix: Vec<usize> = (0..site.posts.len()).filter(|&i| site.posts[i].video.is_some()).collect();
    let i18n = &c.i18n;
    let description = i18n.tf("videos_description", &[("shop", &c.shop.name)]);
    let heading = i18n.t("videos_heading");
    let mut m = meta(site, "videos", heading, "/videos/", &description);
    let mut ld = seo::web_page(site, "CollectionPage", heading, "/videos/", &description);
    let items: Vec<Value> = ix
        .iter()
        .enumerate()
        .map(|(n, &i)| json!({"@type": "ListItem", "position": n + 1, "url": absolute_url(&c.base_url, &site.posts[i].url)}))
        .collect();
    ld["mainEntity"] = json!({"@type": "ItemList", "itemListElement": items});
    m.json_ld = seo::json_ld_text(&ld);
    // The topics of the videos, with how many videos each has.
    let mut counts: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    for &i in &ix {
        for t in &site.posts[i].tags {
            counts.entry(t.slug.as_str()).or_insert((t.name.as_str(), 0)).1 += 1;
        }
    }
    let tags: Vec<TagView> = counts
        .into_iter()
        .map(|(slug, (name, count))| super::tag_view(site, name, slug, format!("/tags/{slug}/"), count))
        .collect();
    let intro = i18n.plural("videos_intro", ix.len(), &[("shop", &c.shop.name)]);
    vec![Job {
        template: "videos.html".into(),
        meta: m,
        rendering: "the videos page".into(),
        extra: Extra::Ready(vec![
            ("videos", video_cards(site, &ix)),
            ("video_tags", ser(&tags)),
            ("videos_intro", ser(&intro)),
        ]),
        lastmod: None,
    }]
}

/// The files videos add: drawn posters and local clips and captions.
pub(super) fn media_files(site: &Site) -> impl Iterator<Item = OutputFile> + '_ {
    site.media.iter().map(|(path, f)| OutputFile {
        path: path.clone(),
        contents: match f {
            MediaFile::Drawn(bytes) => Contents::Bytes(bytes.clone()),
            MediaFile::Copy(abs) => Contents::Copy(abs.clone()),
        },
    })
}
