//! Videos, rendered (part of stage 5): the built-in `youtube`, `vimeo` and `video` shortcodes,
//! bare YouTube/Vimeo URLs alone on a line, and a how-to post's `video:`
//! front matter. Each becomes a `video` view (ids checked, poster planned or
//! drawn, local files found) that the theme's `shortcodes/<kind>.html`
//! template turns into the click-to-load facade or a `<video>` element. No
//! URL of a video platform ever lands in a `src` here: the facade keeps the
//! player URL in `data-embed` until the visitor presses play.

use super::{resolve_ref, Linker, PHOTO_SIZES_CONTENT};
use crate::diag::{Diagnostics, Span};
use crate::embeds::{self, poster, Provider, VideoRef};
use crate::load::OtherFile;
use crate::markdown::shortcodes::{ArgValue, Call};
use crate::model::video::{DocVideo, MediaFile, Poster, VideoSource};
use crate::model::ImageUse;
use crate::model::Site;
use crate::parse::doc::ParsedDoc;
use crate::paths::percent_encode;
use crate::render::picture as picture_html;
use crate::render::views::{PosterView, SourceView, TrackView, VideoEmbedView};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};

/// The shortcodes whose `video` view is prepared here.
pub(super) const VIDEO_SHORTCODES: &[&str] = &["youtube", "vimeo", "video"];
const PLATFORM_ARGS: &[&str] = &["id", "start", "title", "poster"];
const LOCAL_ARGS: &[&str] = &["src", "poster", "captions", "title"];
use crate::embeds::VIDEO_FILES;
const CAPTION_FILES: &[(&str, &str)] = &[("vtt", "text/vtt")];

/// What a document lends to the videos of its body.
pub struct DocDefaults {
    title: String,
    /// Site path of the post's `poster:`, else its cover.
    poster: Option<String>,
    /// The document has a `video:` of its own (its body's videos count from 2).
    has_video: bool,
}

/// The defaults of every published document, by site path.
pub(super) fn defaults(site: &Site) -> HashMap<String, DocDefaults> {
    site.posts
        .iter()
        .chain(&site.pages)
        .map(|doc| {
            let d = &doc.parsed;
            let poster = d.poster.as_deref().or(d.cover.as_deref()).and_then(|p| resolve_ref(&d.source, p).ok());
            (d.source.clone(), DocDefaults { title: d.title.clone(), poster, has_video: d.video.is_some() })
        })
        .collect()
}

/// What one document's videos used.
pub(super) struct VideoState<'a> {
    content_files: &'a BTreeMap<String, OtherFile>,
    defaults: &'a HashMap<String, DocDefaults>,
    pub(super) media: RefCell<BTreeMap<String, MediaFile>>,
    /// The document shows a click-to-load facade.
    pub(super) scripted: Cell<bool>,
    /// The videos of the body so far (each untitled one is named by its number).
    inline: Cell<usize>,
}

impl<'a> VideoState<'a> {
    pub(super) fn new(
        content_files: &'a BTreeMap<String, OtherFile>,
        defaults: &'a HashMap<String, DocDefaults>,
    ) -> Self {
        VideoState {
            content_files,
            defaults,
            media: RefCell::default(),
            scripted: Cell::new(false),
            inline: Cell::new(0),
        }
    }
}

fn language_label(lang: &str) -> String {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang).to_ascii_lowercase();
    match primary.as_str() {
        "en" => "English",
        "de" => "Deutsch",
        "fr" => "Français",
        "es" => "Español",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "pt" => "Português",
        "sv" => "Svenska",
        "da" => "Dansk",
        "nb" | "no" => "Norsk",
        "fi" => "Suomi",
        "pl" => "Polski",
        "cs" => "Čeština",
        _ => "Captions",
    }
    .to_string()
}

/// A site URL for an output path: each segment percent-encoded.
fn url_of(output: &str) -> String {
    output.split('/').map(percent_encode).fold(String::new(), |acc, s| acc + "/" + &s)
}

impl Linker<'_> {
    /// Draws (once) the poster of a video without a photo.
    fn drawn_poster(&self, title: &str) -> Poster {
        let c = self.config;
        let site = if c.shop.name.is_empty() { c.title.as_str() } else { c.shop.name.as_str() };
        let svg =
            poster::draw(&poster::PosterSpec { title, site, background: &c.brand.color, accent: &c.brand.accent });
        let output = poster::output_path(&svg);
        self.video.media.borrow_mut().entry(output.clone()).or_insert_with(|| MediaFile::Drawn(svg.into_bytes()));
        Poster::Drawn { url: format!("/{output}") }
    }

    /// The title of a video of the body: the one written, else the
    /// document's title and the video's number in it ("Fit a helmet, video
    /// 2"), so that two videos of one post never share a name.
    fn inline_title(&self, file: &str, written: Option<String>) -> String {
        let n = self.video.inline.get() + 1;
        self.video.inline.set(n);
        if let Some(t) = written {
            return t;
        }
        let d = self.video.defaults.get(file);
        let title = d.map_or("Video", |d| d.title.as_str());
        let n = n + usize::from(d.is_some_and(|d| d.has_video));
        if n == 1 {
            return title.to_string();
        }
        self.config.i18n.tf("nth_video", &[("title", title), ("n", &n.to_string())])
    }

    /// The poster of a video of the body: the one written (`poster=`),
    /// else one drawn with its own title (never the document's cover,
    /// which belongs to the document's own video).
    fn inline_poster(
        &self,
        file: &str,
        written: Option<&str>,
        title: &str,
        span: Option<Span>,
        diags: &mut Diagnostics,
    ) -> Option<Poster> {
        match written {
            Some(_) => self.video_poster(file, written, title, span, diags),
            None => Some(self.drawn_poster(title)),
        }
    }

    /// The poster: the one written (a `poster=` argument or `poster:`), else
    /// the document's poster or cover, else a drawn one. `None` after
    /// reporting a written poster that is not a photo.
    fn video_poster(
        &self,
        file: &str,
        written: Option<&str>,
        title: &str,
        span: Option<Span>,
        diags: &mut Diagnostics,
    ) -> Option<Poster> {
        if let Some(w) = written {
            let path = match resolve_ref(file, w) {
                Ok(path) => path,
                Err(why) => {
                    diags
                        .error(file, span, format!("poster `{}`: {why}", w.escape_debug()))
                        .help("put the poster photo next to the post, or in static/");
                    return None;
                }
            };
            return match self.image(&path) {
                Ok(_) => Some(Poster::Photo(ImageUse { path, alt: String::new() })),
                Err(why) => {
                    diags.error(file, span, format!("poster `{w}` ({path}): {why}"))
                        .help("give a photo next to the post (poster: photo.jpg) or its path from the site folder (poster: /static/images/photo.jpg)");
                    None
                }
            };
        }
        let default = self.video.defaults.get(file).and_then(|d| d.poster.as_deref());
        match default.filter(|p| self.image(p).is_ok()) {
            Some(path) => Some(Poster::Photo(ImageUse { path: path.to_string(), alt: String::new() })),
            None => Some(self.drawn_poster(title)),
        }
    }

    fn poster_view(&self, poster: &Poster, eager: bool) -> PosterView {
        let loading = if eager { "" } else { " loading=\"lazy\" decoding=\"async\"" };
        if let Poster::Photo(p) = poster {
            if let Ok(planned) = self.image(&p.path) {
                return PosterView {
                    html: picture_html::picture(&planned, "", eager, PHOTO_SIZES_CONTENT, "video-poster"),
                    url: planned.fallback_url(),
                    width: planned.width,
                    height: planned.height,
                };
            }
        }
        let url = match poster {
            Poster::Drawn { url } => url.clone(),
            Poster::Photo(_) => String::new(),
        };
        let (width, height) = (poster::WIDTH, poster::HEIGHT);
        PosterView {
            html: format!(
                "<img class=\"video-poster\" src=\"{url}\" width=\"{width}\" height=\"{height}\" alt=\"\"{loading}>"
            ),
            url,
            width,
            height,
        }
    }

    /// A local video or captions file (relative to `from`, or from the site
    /// root): its site URL and MIME type. A file under content/ is copied to
    /// `media/`; one under static/ is published anyway.
    fn local_media(&self, from: &str, written: &str, kinds: &[(&str, &str)]) -> Result<(String, String), String> {
        let ext = written.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        let Some((_, mime)) = kinds.iter().find(|(e, _)| *e == ext) else {
            let names: Vec<String> = kinds.iter().map(|(e, _)| format!(".{e}")).collect();
            let ext = if ext.is_empty() { "a file without an extension".to_string() } else { format!(".{ext}") };
            return Err(format!("this takes {} files, not {ext}", names.join(", ")));
        };
        let path = resolve_ref(from, written).map_err(|e| e.to_string())?;
        if let Some(f) = self.video.content_files.get(&path) {
            let output = format!("media/{}", path.trim_start_matches("content/"));
            self.video.media.borrow_mut().insert(output.clone(), MediaFile::Copy(f.abs.clone()));
            return Ok((url_of(&output), mime.to_string()));
        }
        let in_static = self
            .site
            .links
            .static_urls
            .get(&path)
            .or_else(|| self.site.links.static_urls.get(&format!("static/{path}")));
        match in_static {
            Some(url) => Ok((url_of(url.trim_start_matches('/')), mime.to_string())),
            None => Err(format!("there is no such file (looked for {path})")),
        }
    }

    fn platform_view(
        &self,
        r: &VideoRef,
        title: &str,
        show_title: bool,
        poster: &Poster,
        eager: bool,
    ) -> VideoEmbedView {
        VideoEmbedView {
            kind: r.provider.name(),
            provider: r.provider.label(),
            id: r.id.clone(),
            start: r.start_seconds,
            title: title.to_string(),
            label: self.config.i18n.tf("play_video", &[("title", title)]),
            show_title,
            watch_url: r.watch_url(),
            embed_url: r.embed_url(true),
            poster: self.poster_view(poster, eager),
            sources: Vec::new(),
            captions: None,
        }
    }

    fn local_view(
        &self,
        src: (String, String),
        captions: Option<String>,
        title: &str,
        show_title: bool,
        poster: &Poster,
    ) -> VideoEmbedView {
        let (url, mime) = src;
        VideoEmbedView {
            kind: "local",
            provider: "",
            id: String::new(),
            start: 0,
            title: title.to_string(),
            label: self.config.i18n.tf("play_video", &[("title", title)]),
            show_title,
            watch_url: url.clone(),
            embed_url: String::new(),
            poster: self.poster_view(poster, false),
            sources: vec![SourceView { url, mime }],
            captions: captions.map(|url| TrackView {
                url,
                srclang: self.config.language.clone(),
                label: language_label(&self.config.language),
            }),
        }
    }

    /// The `video` view of a `youtube`, `vimeo` or `video` shortcode, or
    /// `None` after reporting what is wrong with its arguments.
    pub(super) fn video_call_view(&self, file: &str, call: &Call, diags: &mut Diagnostics) -> Option<VideoEmbedView> {
        let name = call.name.as_str();
        let known = if name == "video" { LOCAL_ARGS } else { PLATFORM_ARGS };
        let example = match name {
            "youtube" => "{{ youtube(id=\"dQw4w9WgXcQ\", start=90) }}",
            "vimeo" => "{{ vimeo(id=\"76979871\") }}",
            _ => "{{ video(src=\"clip.mp4\", poster=\"clip.jpg\", captions=\"clip.vtt\") }}",
        };
        let mut ok = true;
        for key in call.args.keys().filter(|k| !known.contains(&k.as_str())) {
            ok = false;
            diags
                .error(file, Some(call.span), format!("`{name}` has no argument `{key}`"))
                .help(format!("its arguments are: {}; for example {example}", known.join(", ")));
        }
        let text = |key: &str| call.args.get(key).map(ArgValue::as_text).map(|s| s.trim().to_string());
        let explicit_title = text("title").filter(|t| !t.is_empty());
        let title = self.inline_title(file, explicit_title.clone());
        if name == "video" {
            let Some(src) = text("src").filter(|s| !s.is_empty()) else {
                diags
                    .error(file, Some(call.span), "`video` needs `src`, the video file")
                    .help(format!("for example {example}"));
                return None;
            };
            let source = match self.local_media(file, &src, VIDEO_FILES) {
                Ok(s) => Some(s),
                Err(why) => {
                    diags.error(file, Some(call.span), format!("video `{src}`: {why}"))
                        .help("put the video file next to the post (or in static/) and check its name; MP4 (H.264) plays everywhere");
                    None
                }
            };
            let captions = match text("captions") {
                Some(c) => match self.local_media(file, &c, CAPTION_FILES) {
                    Ok((url, _)) => Some(Some(url)),
                    Err(why) => {
                        diags
                            .error(file, Some(call.span), format!("captions `{c}`: {why}"))
                            .help("captions are a WebVTT file (.vtt) next to the post or in static/");
                        None
                    }
                },
                None => Some(None),
            };
            let poster = self.inline_poster(file, text("poster").as_deref(), &title, Some(call.span), diags);
            let (source, captions, poster) = (source?, captions?, poster?);
            return ok.then(|| self.local_view(source, captions, &title, explicit_title.is_some(), &poster));
        }
        let provider = if name == "youtube" { Provider::YouTube } else { Provider::Vimeo };
        let start = match call.args.get("start") {
            None => 0,
            Some(ArgValue::Num(n)) if *n >= 0.0 && n.fract() == 0.0 && *n < f64::from(u32::MAX) => *n as u32,
            Some(v) => match embeds::parse_time(&v.as_text()) {
                Some(s) => s,
                None => {
                    diags
                        .error(file, Some(call.span), format!("`start={}` is not a time", v.as_text()))
                        .help("give the second to start at, such as start=90, or start=\"1m30s\"");
                    return None;
                }
            },
        };
        let Some(id) = text("id").filter(|s| !s.is_empty()) else {
            diags.error(file, Some(call.span), format!("`{name}` needs `id`, the video's id")).help(format!(
                "for example {example}; the id is the end of the video's address ({})",
                if provider == Provider::YouTube {
                    "after watch?v= or youtu.be/"
                } else {
                    "the digits after vimeo.com/"
                }
            ));
            return None;
        };
        // A whole address pasted as the id is fine too.
        let reference = match embeds::parse_video_url(&id).filter(|r| r.provider == provider && id.contains('/')) {
            Some(mut r) => {
                if call.args.contains_key("start") {
                    r.start_seconds = start;
                }
                Ok(r)
            }
            None => VideoRef::new(provider, &id, start),
        };
        let reference = match reference {
            Ok(r) => r,
            Err(why) => {
                diags.error(file, Some(call.span), why).help(format!("for example {example}"));
                return None;
            }
        };
        let poster = self.inline_poster(file, text("poster").as_deref(), &title, Some(call.span), diags)?;
        ok.then(|| self.platform_view(&reference, &title, explicit_title.is_some(), &poster, false))
    }

    /// Renders `shortcodes/<template>.html` with a video view and the
    /// arguments it was written with.
    fn render_video(
        &self,
        file: &str,
        span: Option<Span>,
        template: &str,
        view: &VideoEmbedView,
        args: serde_json::Map<String, serde_json::Value>,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        let theme = self.theme?;
        let name = format!("shortcodes/{template}.html");
        if !theme.has(&name) {
            return None;
        }
        let mut ctx = tera::Context::new();
        for (k, v) in &args {
            ctx.insert(k.clone(), v);
        }
        ctx.insert("args", &args);
        ctx.insert_value("t", self.config.i18n.template_value(&self.config.shop.name));
        ctx.insert("video", view);
        match theme.tera.render(&name, &ctx) {
            Ok(html) => {
                if view.kind != "local" {
                    self.video.scripted.set(true);
                }
                Some(html.trim_end().to_string())
            }
            Err(e) => {
                diags
                    .error(file, span, format!("video template `{name}` failed: {}", crate::theme::tera_error_text(&e)))
                    .help(format!(
                        "check what {name} reads: the video's values are under `video` (see docs/templates.md)"
                    ));
                None
            }
        }
    }

    /// Renders a built-in video shortcode through its template.
    pub(super) fn render_video_call(&self, file: &str, call: &Call, diags: &mut Diagnostics) -> Option<String> {
        let view = self.video_call_view(file, call, diags)?;
        let args = call.args.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
        self.render_video(file, Some(call.span), &call.name, &view, args, diags)
    }

    /// A URL alone on its line: a YouTube or Vimeo video becomes the same
    /// facade as its shortcode; anything else stays as written.
    pub(super) fn render_embed_url(
        &self,
        file: &str,
        url: &str,
        span: Span,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        let Some(reference) = embeds::parse_video_url(url) else {
            if embeds::is_video_platform_url(url) {
                diags.warning(file, Some(span), "this video address is not one shopstory can embed, so it stays a plain link")
                    .help("paste the video's own address, such as https://www.youtube.com/watch?v=dQw4w9WgXcQ or https://vimeo.com/76979871");
            }
            return None;
        };
        if let Some(written) = embeds::unreadable_start(url) {
            diags
                .warning(
                    file,
                    Some(span),
                    format!("`{written}` is not a start time, so this video starts at the beginning"),
                )
                .help("write the time as seconds (t=90), as 1m30s, or as 1:30");
        }
        let title = self.inline_title(file, None);
        let poster = self.inline_poster(file, None, &title, Some(span), diags)?;
        let view = self.platform_view(&reference, &title, false, &poster, false);
        let mut args = serde_json::Map::new();
        args.insert("id".into(), reference.id.clone().into());
        args.insert("start".into(), reference.start_seconds.into());
        self.render_video(file, Some(span), reference.provider.name(), &view, args, diags)
    }

    /// A post's `video:` front matter, with its poster, captions and
    /// duration; `None` (after reporting) when it cannot be shown.
    pub(super) fn resolve_doc_video(&self, d: &ParsedDoc, diags: &mut Diagnostics) -> Option<DocVideo> {
        let file = d.source.as_str();
        let duration = d.duration.as_deref().and_then(|t| match embeds::parse_duration(t) {
            Ok(s) => Some(s),
            Err(why) => {
                diags
                    .error(file, d.span_of("duration"), why)
                    .help("for a video of two and a half minutes: `duration: \"2:30\"`");
                None
            }
        });
        let Some(written) = d.video.as_deref().map(str::trim) else {
            if d.duration.is_some() {
                diags
                    .warning(
                        file,
                        d.span_of("duration"),
                        "`duration:` is the length of the post's video, but it has no `video:`",
                    )
                    .help("add `video:` with the video's address, or remove `duration:`");
            }
            if d.captions.is_some() {
                diags
                    .warning(
                        file,
                        d.span_of("captions"),
                        "`captions:` belongs to a local `video:` file, but this post has no `video:`",
                    )
                    .help("add `video: clip.mp4`, or remove `captions:`");
            }
            return None;
        };
        let span = d.span_of("video");
        let looks_like_url =
            written.contains("://") || embeds::is_video_platform_url(written) && !written.contains(' ');
        let looks_like_file = VIDEO_FILES.iter().any(|(e, _)| written.to_ascii_lowercase().ends_with(&format!(".{e}")));
        let source = if looks_like_file && !written.contains("://") {
            let src = match self.local_media(file, written, VIDEO_FILES) {
                Ok(s) => s,
                Err(why) => {
                    diags
                        .error(file, span, format!("video `{written}`: {why}"))
                        .help("put the video file next to the post (or in static/) and check its name");
                    return None;
                }
            };
            let captions = match d.captions.as_deref() {
                Some(c) => match self.local_media(file, c, CAPTION_FILES) {
                    Ok((url, _)) => Some(url),
                    Err(why) => {
                        diags
                            .error(file, d.span_of("captions"), format!("captions `{c}`: {why}"))
                            .help("captions are a WebVTT file (.vtt) next to the post or in static/");
                        return None;
                    }
                },
                None => None,
            };
            VideoSource::Local { url: src.0, mime: src.1, captions }
        } else {
            match embeds::parse_video_url(written).filter(|_| looks_like_url) {
                Some(r) => {
                    if d.captions.is_some() {
                        diags
                            .warning(
                                file,
                                d.span_of("captions"),
                                format!(
                                    "`captions:` only applies to a local video file; {} shows its own captions",
                                    r.provider.label()
                                ),
                            )
                            .help("remove `captions:`, or add the captions on the video platform");
                    }
                    VideoSource::Platform(r)
                }
                None => {
                    diags.error(file, span, format!("`{written}` is not a YouTube or Vimeo video address, nor a video file"))
                        .help("paste the video's address, such as https://www.youtube.com/watch?v=dQw4w9WgXcQ or https://vimeo.com/76979871, or name an .mp4 file next to the post");
                    return None;
                }
            }
        };
        let poster = self.video_poster(file, d.poster.as_deref(), &d.title, d.span_of("poster"), diags)?;
        let poster = match (&poster, d.cover.as_deref()) {
            // The cover's alt text travels with it when it is the poster.
            (Poster::Photo(p), Some(c))
                if d.poster.is_none() && resolve_ref(file, c).as_deref() == Ok(p.path.as_str()) =>
            {
                Poster::Photo(ImageUse { path: p.path.clone(), alt: d.cover_alt.clone().unwrap_or_default() })
            }
            _ => poster,
        };
        let (view, template) = match &source {
            VideoSource::Platform(r) => (self.platform_view(r, &d.title, false, &poster, true), r.provider.name()),
            VideoSource::Local { url, mime, captions } => {
                (self.local_view((url.clone(), mime.clone()), captions.clone(), &d.title, false, &poster), "video")
            }
        };
        let mut args = serde_json::Map::new();
        match &source {
            VideoSource::Platform(r) => {
                args.insert("id".into(), r.id.clone().into());
                args.insert("start".into(), r.start_seconds.into());
            }
            VideoSource::Local { url, .. } => {
                args.insert("src".into(), url.clone().into());
            }
        }
        let html = self.render_video(file, span, template, &view, args, diags).unwrap_or_default();
        Some(DocVideo { source, poster, duration_seconds: duration, html })
    }
}
