//! Markdown → HTML, pure. One pass over pulldown-cmark's events (with source
//! offsets) that resolves links to other markdown files, turns local images
//! into responsive `<picture>`s through the asset plan, gives every heading
//! an id, and gathers the table of contents, the summary (before
//! `<!-- more -->`), a plain-text excerpt and the word count. Every broken
//! link or missing image is reported with its line. Shortcodes and bare
//! video URLs are cut out first (`shortcodes`) and put back as HTML.

pub mod shortcodes;

use crate::diag::{Diagnostics, Span};
use crate::paths::{percent_decode, site_ref, slugify};
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Where links and images in a body can point.
pub trait Targets {
    /// The URL of a markdown file (site path), and whether it is a draft
    /// that this build leaves out.
    fn doc_url(&self, site_path: &str) -> Option<(&str, bool)>;
    /// The published URL of a non-markdown file (site path), if it is published.
    fn file_url(&self, site_path: &str) -> Option<String>;
    /// The HTML for a local image (site path), or why it cannot be shown.
    fn image_html(&self, site_path: &str, alt: &str, eager: bool) -> Result<String, String>;
    /// The HTML of a shortcode, or `None` after reporting why it cannot be shown.
    fn shortcode(&self, file: &str, call: &shortcodes::Call, diags: &mut Diagnostics) -> Option<String>;
    /// The HTML for a URL alone on its line (a video embed), or `None` to
    /// leave the line as written.
    fn embed_url(&self, file: &str, url: &str, span: Span, diags: &mut Diagnostics) -> Option<String>;
    /// The accessible names of a ticked and an unticked task-list box, in
    /// the site's language.
    fn task_labels(&self) -> (&str, &str) {
        ("Done", "Not done")
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderedBody {
    /// Shared: a body kept by the preview's memo is handed out without a copy.
    pub html: std::sync::Arc<str>,
    pub summary_html: Option<String>,
    pub toc: Vec<TocEntry>,
    pub words: usize,
    pub excerpt: String,
    /// Site paths of the local images the body shows, in order.
    pub images: Vec<String>,
    /// The folded words of `html`'s text, each once, space-separated, for
    /// the site search: kept when a streamed post's `html` is dropped
    /// (`render::stream`), else empty. One string, not one per word: it
    /// stays with every post until the index is written.
    pub search_words: std::sync::Arc<str>,
}

impl RenderedBody {
    pub fn reading_minutes(&self) -> usize {
        self.words.div_ceil(220).max(1)
    }
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Markdown events a customer's text may produce: raw HTML becomes text,
/// links keep only their text (no spam links, no `javascript:`), images
/// keep only their alt text (no third-party requests), headings become
/// paragraphs.
pub fn customer_events(text: &str) -> impl Iterator<Item = Event<'_>> {
    Parser::new_ext(text, options()).filter_map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::End(TagEnd::Link | TagEnd::Image) => None,
        Event::Start(Tag::Heading { .. }) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::Heading(_)) => Some(Event::End(TagEnd::Paragraph)),
        other => Some(other),
    })
}

fn is_external(url: &str) -> bool {
    let scheme_end = url.find(':');
    let slash = url.find('/');
    url.starts_with("//")
        || matches!((scheme_end, slash), (Some(c), Some(s)) if c < s)
        || matches!((scheme_end, slash), (Some(_), None))
}

/// What a body is rendered for.
pub struct BodyInput<'a> {
    pub file: &'a str,
    pub body: &'a str,
    pub body_offset: usize,
    /// Whether the first image of the body is above the fold (no cover before it).
    pub first_image_eager: bool,
}

/// Renders a markdown body.
pub fn render(input: &BodyInput<'_>, targets: &dyn Targets, diags: &mut Diagnostics) -> RenderedBody {
    let BodyInput { file, body: _, body_offset, first_image_eager } = *input;
    let cut = cut_embeds(input, targets, diags);
    let body = cut.text.as_str();
    let to_original = |o: usize| cut.to_original(o);
    let span =
        |r: &std::ops::Range<usize>| Some(Span::new(to_original(r.start), to_original(r.end)).shifted(body_offset));
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut out = RenderedBody::default();
    let mut image_alt: Option<(String, String, std::ops::Range<usize>)> = None;
    // `![alt](photo.jpg "caption")`: the caption of the open image, then each captioned photo's event.
    let mut caption = String::new();
    let mut captioned: Vec<(usize, String)> = Vec::new();
    let mut more_at: Option<usize> = None;
    let mut excerpt_done = false;
    let mut eager = first_image_eager;

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if let Some((_, alt, _)) = image_alt.as_mut() {
            match &event {
                Event::End(TagEnd::Image) => {
                    let (path, alt, r) = image_alt.take().expect("open image");
                    match targets.image_html(&path, &alt, eager) {
                        Ok(html) => {
                            if alt.trim().is_empty() {
                                diags.warning(file, span(&r), "this image has no alt text")
                                    .help("describe the photo between the brackets, such as ![Rosa truing a wheel](wheel.jpg); screen readers read it aloud");
                            }
                            eager = false;
                            out.images.push(path);
                            if !caption.trim().is_empty() {
                                captioned.push((events.len(), std::mem::take(&mut caption)));
                            }
                            events.push(Event::InlineHtml(CowStr::from(html)));
                        }
                        Err(why) => {
                            // A photo that is there but cannot be used says what to do in `why`.
                            let help = if why == "there is no such photo" || why.starts_with("this is not a photo") {
                                "put the photo next to the post (or in static/) and check the spelling of its name"
                            } else {
                                "fix or replace the photo as said above, then build again"
                            };
                            diags.error(file, span(&r), format!("image `{path}`: {why}")).help(help);
                        }
                    }
                }
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                if is_external(&dest_url) || dest_url.starts_with("data:") {
                    events.push(Event::Start(Tag::Image { link_type, dest_url, title, id }));
                    continue;
                }
                let rel = percent_decode(&dest_url);
                match site_ref(file, &rel) {
                    Ok(path) => {
                        caption = title.trim().to_string();
                        image_alt = Some((path, String::new(), range.clone()));
                    }
                    Err(why) => {
                        diags
                            .error(file, span(&range), format!("image `{}`: {why}", dest_url.escape_debug()))
                            .help("keep photos inside the site folder, next to the post or in static/");
                    }
                }
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest = resolve_link(file, &dest_url, link_type, targets, diags, span(&range));
                events.push(Event::Start(Tag::Link { link_type, dest_url: dest, title, id }));
            }
            Event::Html(ref h) | Event::InlineHtml(ref h) if h.trim() == "<!-- more -->" && more_at.is_none() => {
                // Cut before the HTML block that holds the marker.
                let cut = if matches!(events.last(), Some(Event::Start(Tag::HtmlBlock))) {
                    events.len() - 1
                } else {
                    events.len()
                };
                more_at = Some(cut);
                excerpt_done = true;
            }
            Event::Text(ref t) => {
                out.words += count_words(t);
                if !excerpt_done {
                    out.excerpt.push_str(t);
                }
                events.push(event);
            }
            Event::Code(ref t) => {
                out.words += count_words(t);
                if !excerpt_done {
                    out.excerpt.push_str(t);
                }
                events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                if !excerpt_done {
                    out.excerpt.push(' ');
                }
                events.push(event);
            }
            Event::TaskListMarker(done) => {
                // A checkbox with a name, so screen readers say what it is.
                let (ticked, unticked) = targets.task_labels();
                let (checked, label) = if done { (" checked", ticked) } else { ("", unticked) };
                let label = crate::diag::render::escape_html(label);
                events.push(Event::InlineHtml(CowStr::from(format!(
                    "<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> "
                ))));
            }
            Event::End(TagEnd::Paragraph) => {
                if !out.excerpt.trim().is_empty() {
                    excerpt_done = true;
                }
                events.push(event);
            }
            Event::End(TagEnd::Heading(_)) => {
                // Headings are not part of the excerpt.
                if !excerpt_done {
                    out.excerpt.clear();
                }
                events.push(event);
            }
            other => events.push(other),
        }
    }

    figures(&mut events, &captioned);
    finish(events, more_at, cut.embeds, body.len(), out)
}

/// A body with its shortcodes and lone video URLs cut out (each replaced by
/// a placeholder, its HTML kept aside), and how offsets moved.
struct Cut {
    text: String,
    /// (offset in `text` after a placeholder, shift back to the original).
    shifts: Vec<(usize, isize)>,
    /// The HTML of each placeholder, in order.
    embeds: Vec<String>,
}

impl Cut {
    /// An offset in the cut text, in the original body.
    fn to_original(&self, o: usize) -> usize {
        let i = self.shifts.partition_point(|(at, _)| *at <= o);
        let delta = if i == 0 { 0 } else { self.shifts[i - 1].1 };
        (o as isize + delta).max(0) as usize
    }
}

/// Step 1 of `render`: finds the shortcodes and lone URLs, has `targets`
/// render each, and cuts them out of the body.
fn cut_embeds(input: &BodyInput<'_>, targets: &dyn Targets, diags: &mut Diagnostics) -> Cut {
    let (file, original) = (input.file, input.body);
    let (found, scan_errors) = shortcodes::scan(original, input.body_offset);
    for e in scan_errors {
        diags.error(file, Some(e.span), e.message).help(e.help);
    }
    let mut cut = Cut { text: String::with_capacity(original.len()), shifts: Vec::new(), embeds: Vec::new() };
    let mut last = 0;
    for (range, f) in &found {
        let html = match f {
            shortcodes::Found::Call(call) => Some(targets.shortcode(file, call, diags).unwrap_or_default()),
            shortcodes::Found::Url { url, span } => targets.embed_url(file, url, *span, diags),
        };
        let Some(html) = html else { continue };
        cut.text.push_str(&original[last..range.start]);
        cut.text.push_str(&shortcodes::placeholder(cut.embeds.len()));
        cut.shifts.push((cut.text.len(), range.end as isize - cut.text.len() as isize));
        cut.embeds.push(html);
        last = range.end;
    }
    cut.text.push_str(&original[last..]);
    cut
}

/// The last step of `render`: heading ids and the table of contents, the
/// summary (before `<!-- more -->`), the HTML with the embeds put back, and
/// the excerpt and word count without them.
fn finish(
    mut events: Vec<Event<'_>>,
    more_at: Option<usize>,
    embed_html: Vec<String>,
    body_len: usize,
    mut out: RenderedBody,
) -> RenderedBody {
    out.toc = assign_heading_ids(&mut events);
    out.excerpt = out.excerpt.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(cut) = more_at {
        let mut summary = String::new();
        pulldown_cmark::html::push_html(&mut summary, events[..cut].iter().cloned());
        out.summary_html = Some(summary);
    }
    let mut html = String::with_capacity(body_len * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    out.html = shortcodes::put_back(&html, &embed_html).into();
    if let Some(summary) = out.summary_html.take() {
        out.summary_html = Some(shortcodes::put_back(&summary, &embed_html));
    }
    if !embed_html.is_empty() {
        out.excerpt = shortcodes::strip_placeholders(&out.excerpt);
        out.excerpt = out.excerpt.split_whitespace().collect::<Vec<_>>().join(" ");
        out.words = out.words.saturating_sub(embed_html.len());
    }
    out
}

/// Puts each captioned photo in a `<figure>` with its `<figcaption>`. A
/// photo alone in its paragraph replaces the paragraph; one among words is
/// given its figure between two paragraphs (a figure cannot sit in a `<p>`);
/// one in a list item or table cell is a figure in place; one inside a link
/// or a heading keeps its place, the caption after it as small text.
fn figures(events: &mut [Event<'_>], captioned: &[(usize, String)]) {
    for (i, caption) in captioned {
        let i = *i;
        let Event::InlineHtml(picture) = &events[i] else { continue };
        let caption = crate::diag::render::escape_html(caption);
        // The element the photo is in: the nearest start not closed before it.
        let mut depth = 0usize;
        let container = events[..i].iter().rev().find_map(|e| match e {
            Event::End(_) => {
                depth += 1;
                None
            }
            Event::Start(tag) if depth == 0 => Some(tag.clone()),
            Event::Start(_) => {
                depth -= 1;
                None
            }
            _ => None,
        });
        let flow = matches!(
            container,
            None | Some(Tag::Item | Tag::TableCell | Tag::BlockQuote(_) | Tag::FootnoteDefinition(_))
        );
        if !flow && !matches!(container, Some(Tag::Paragraph)) {
            events[i] =
                Event::InlineHtml(CowStr::from(format!("{picture}<small class=\"photo-caption\">{caption}</small>")));
            continue;
        }
        let figure = format!("<figure class=\"photo\">{picture}<figcaption>{caption}</figcaption></figure>");
        let alone = i > 0
            && matches!(events[i - 1], Event::Start(Tag::Paragraph))
            && matches!(events.get(i + 1), Some(Event::End(TagEnd::Paragraph)));
        if alone {
            events[i - 1] = Event::InlineHtml(CowStr::Borrowed(""));
            events[i + 1] = Event::InlineHtml(CowStr::Borrowed("\n"));
            events[i] = Event::InlineHtml(CowStr::from(figure));
        } else if flow {
            events[i] = Event::InlineHtml(CowStr::from(figure));
        } else {
            events[i] = Event::InlineHtml(CowStr::from(format!("</p>\n{figure}\n<p>")));
        }
    }
}

/// `text.split_whitespace().count()`: the runs of non-whitespace, counted
/// eight bytes at a time (the word count reads every byte of every body).
/// Text with a byte above ASCII is counted again char by char, with
/// `char::is_whitespace`.
fn count_words(text: &str) -> usize {
    // Each byte's top bit carries that byte's answer.
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = text.as_bytes().chunks_exact(8);
    let (mut words, mut after_space, mut seen) = (0, true, 0u64);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        seen |= x;
        // For an ASCII byte b, (b | 0x80) - n keeps the top bit exactly when
        // b >= n, and borrows from no other byte: \t \n \x0B \x0C \r are 9..=13.
        let raised = x | TOPS;
        let control = (raised - 9 * ONES) & !(raised - 14 * ONES) & TOPS;
        // Top bit where the byte is a space: where x ^ 0x20 is a zero byte.
        let t = x ^ (0x20 * ONES);
        let blank = !(((t & !TOPS) + !TOPS) | t) & TOPS;
        let space = control | blank;
        // A word starts at a non-space after a space (or at the start).
        let space_before = (space << 8) | if after_space { 0x80 } else { 0 };
        words += (!space & space_before & TOPS).count_ones() as usize;
        after_space = space >> 63 != 0;
    }
    for &b in chunks.remainder() {
        let space = b == b' ' || b.wrapping_sub(b'\t') <= b'\r' - b'\t';
        words += usize::from(after_space & !space);
        after_space = space;
        seen |= u64::from(b);
    }
    if seen & TOPS == 0 {
        return words;
    }
    let mut words = 0;
    let mut after_space = true;
    for c in text.chars() {
        let space = c.is_whitespace();
        words += usize::from(after_space & !space);
        after_space = space;
    }
    words
}

fn resolve_link<'a>(
    file: &str,
    dest: &CowStr<'a>,
    link_type: LinkType,
    targets: &dyn Targets,
    diags: &mut Diagnostics,
    span: Option<Span>,
) -> CowStr<'a> {
    if matches!(link_type, LinkType::Email | LinkType::Autolink)
        || is_external(dest)
        || dest.starts_with('#')
        || dest.is_empty()
    {
        return dest.clone();
    }
    let (path_part, fragment) = match dest.find('#') {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (&dest[..], ""),
    };
    let (path_part, _query) = path_part.split_once('?').unwrap_or((path_part, ""));
    let decoded = percent_decode(path_part);
    let is_md = decoded.ends_with(".md") || decoded.ends_with(".markdown");
    if decoded.starts_with('/') && !is_md {
        // A site URL such as /about/ or /static/price-list.pdf.
        if let Some(url) = targets.file_url(decoded.trim_start_matches('/')) {
            return CowStr::from(format!("{url}{fragment}"));
        }
        return dest.clone();
    }
    let target = match site_ref(file, &decoded) {
        Ok(target) => target,
        Err(why) => {
            diags
                .error(file, span, format!("link `{}`: {why}", dest.escape_debug()))
                .help("link to another post by its file name, such as [open day](2026-10-01-open-day.md)");
            return dest.clone();
        }
    };
    if is_md {
        match targets.doc_url(&target) {
            Some((url, draft)) => {
                if draft {
                    diags
                        .warning(
                            file,
                            span,
                            format!("this links to `{target}`, a draft that is not published in this build"),
                        )
                        .help("publish the draft (remove `draft: true`) or remove the link");
                }
                CowStr::from(format!("{url}{fragment}"))
            }
            None => {
                diags.error(file, span, format!("link to `{decoded}`, but there is no such post or page (looked for {target})"))
                    .help("check the file name; links to other posts use their file name, such as [open day](2026-10-01-open-day.md)");
                dest.clone()
            }
        }
    } else {
        match targets.file_url(&target) {
            Some(url) => CowStr::from(format!("{url}{fragment}")),
            None => {
                diags
                    .error(file, span, format!("link to `{decoded}`, but there is no such file (looked for {target})"))
                    .help("put files to download in static/ and link to them as /name.pdf");
                dest.clone()
            }
        }
    }
}

/// Gives every heading an id (kept if written with `{#id}`), unique within
/// the body, and returns the table of contents of levels 2 and 3.
/// Ids the default theme's own elements use: a heading never takes one.
const THEME_IDS: &[&str] = &[
    "main",
    "top",
    "content",
    "hero-h",
    "latest-h",
    "team-h",
    "visit-h",
    "share-h",
    "topics-h",
    "moments-h",
    "reviews-h",
    "rating-h",
    "products-h",
    "member-posts-h",
    "member-videos-h",
    "videos-h",
];

fn assign_heading_ids(events: &mut [Event<'_>]) -> Vec<TocEntry> {
    let mut used: HashSet<String> = THEME_IDS.iter().map(|s| s.to_string()).collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut flat: Vec<(u8, String, String)> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level;
            let existing = id.clone();
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(&shortcodes::strip_placeholders(t));
                }
                j += 1;
            }
            let new_id = match existing {
                Some(id) => id.to_string(),
                None => {
                    let base = match slugify(&text) {
                        s if s.is_empty() => "section".to_string(),
                        s => s,
                    };
                    let mut candidate = base.clone();
                    while used.contains(&candidate) {
                        let n = counts.entry(base.clone()).or_insert(0);
                        *n += 1;
                        candidate = format!("{base}-{n}");
                    }
                    candidate
                }
            };
            used.insert(new_id.clone());
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(new_id.clone()));
            }
            let lvl = match level {
                HeadingLevel::H1 => 1,
                HeadingLevel::H2 => 2,
                HeadingLevel::H3 => 3,
                HeadingLevel::H4 => 4,
                HeadingLevel::H5 => 5,
                HeadingLevel::H6 => 6,
            };
            if (2..=3).contains(&lvl) {
                flat.push((lvl, new_id, text.trim().to_string()));
            }
            i = j;
        }
        i += 1;
    }
    let mut toc: Vec<TocEntry> = Vec::new();
    for (level, id, title) in flat {
        let entry = TocEntry { level, id, title, children: Vec::new() };
        match toc.last_mut() {
            Some(parent) if level > parent.level => parent.children.push(entry),
            _ => toc.push(entry),
        }
    }
    toc
}

#[cfg(test)]
mod tests;
