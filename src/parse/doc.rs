//! Posts and pages: front matter (validated, with file lines) plus the raw
//! markdown body and its offset. Dates come from the front matter or the file
//! name (`2026-11-02-slug.md`); slugs from the front matter, the file name or
//! the title.

use super::frontmatter;
use super::yaml::{self, Region, Seg, Value};
use crate::date::{Date, DateTime};
use crate::diag::{Diagnostics, Span};
use crate::load::TextFile;
use crate::paths::slugify;
use serde::{Deserialize, Deserializer};
use std::sync::Arc;

/// The most characters of a title or subtitle a share card lays out (a
/// longer one is cut there and ends in "…"); `parse` warns about a title
/// this long. `assets::cards` cuts at the same count.
pub const MAX_CARD_CHARS: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DocKind {
    Post,
    Page,
}

/// Front matter exactly as the file says it (all optional).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FrontMatter {
    #[serde(deserialize_with = "scalar")]
    pub title: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub date: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub updated: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub description: Option<String>,
    pub tags: Option<Vec<Scalar>>,
    #[serde(deserialize_with = "scalar")]
    pub author: Option<String>,
    pub cover: Option<String>,
    pub cover_alt: Option<String>,
    pub video: Option<String>,
    pub poster: Option<String>,
    pub captions: Option<String>,
    pub share_image: Option<String>,
    pub draft: Option<bool>,
    #[serde(deserialize_with = "scalar")]
    pub slug: Option<String>,
    pub template: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub nav_title: Option<String>,
    pub duration: Option<String>,
    pub product: Option<String>,
    pub extra: Option<serde_json::Value>,
}

/// Every front-matter key of a post (docs/writing.md names each; tested).
pub const POST_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "description",
    "tags",
    "author",
    "cover",
    "cover_alt",
    "video",
    "poster",
    "captions",
    "share_image",
    "draft",
    "slug",
    "template",
    "duration",
    "product",
    "extra",
];
/// Every front-matter key of a page.
pub const PAGE_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "description",
    "cover",
    "cover_alt",
    "share_image",
    "draft",
    "slug",
    "template",
    "product",
    "extra",
    "nav_title",
];

/// A tag written as text or a number (`tags: [2026, gear]`).
#[derive(Debug, Clone)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(Scalar(s)),
            serde_json::Value::Number(n) => Ok(Scalar(n.to_string())),
            serde_json::Value::Bool(b) => Ok(Scalar(b.to_string())),
            _ => Err(serde::de::Error::custom("each tag must be a word or short phrase")),
        }
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(serde_json::Value::Bool(b)) => Some(b.to_string()),
        Some(_) => return Err(serde::de::Error::custom("expected text on one line")),
    })
}

/// A post or page after parsing: checked front matter and the raw body.
#[derive(Debug, Clone)]
pub struct ParsedDoc {
    pub kind: DocKind,
    pub source: String,
    pub text: Arc<str>,
    pub front_offset: usize,
    pub front_len: usize,
    pub title: String,
    pub date: Option<DateTime>,
    pub updated: Option<DateTime>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    /// The slug of each tag, in order (slugs are unique).
    pub tag_slugs: Vec<String>,
    pub author: Option<String>,
    pub cover: Option<String>,
    pub cover_alt: Option<String>,
    pub video: Option<String>,
    pub poster: Option<String>,
    /// WebVTT captions of a local `video:` file.
    pub captions: Option<String>,
    pub share_image: Option<String>,
    pub draft: bool,
    pub slug: String,
    pub template: Option<String>,
    /// A shorter title for the main navigation (pages).
    pub nav_title: Option<String>,
    pub duration: Option<String>,
    pub product: Option<String>,
    pub extra: serde_json::Value,
    pub body_offset: usize,
    /// The language of a translation (`about.en.md` on a site with
    /// `languages: [fr, en]`); `None` for the default language.
    pub lang: Option<String>,
    /// What links a file to its translations: its path without the
    /// language (`content/pages/about.md` for `about.en.md` too).
    pub translation_key: String,
}

impl ParsedDoc {
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// Lets go of the file's text (a build, once a post's body and page
    /// are made: at 10,000 posts the texts are most of what is alive while
    /// the listings and the search index are made). What is read of it
    /// after is empty; nothing reports on the post then.
    pub fn let_go_of_text(&mut self) {
        self.text = Arc::from("");
        (self.body_offset, self.front_offset, self.front_len) = (0, 0, 0);
    }
    /// The span of a front-matter key's value, in file coordinates.
    pub fn span_of(&self, key: &str) -> Option<Span> {
        frontmatter::key_span(&self.source, &self.text, self.front_offset, self.front_len, key)
    }
}

/// The date at the start of a file name, if it looks like one:
/// `Some(Ok(date))`, `Some(Err(why))` for `2026-02-30-x.md`, `None` otherwise.
pub fn date_from_file_name(stem: &str) -> Option<Result<(Date, &str), String>> {
    let b = stem.as_bytes();
    let looks_dated = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && (b.len() == 10 || b[10] == b'-' || b[10] == b'_');
    if !looks_dated {
        return None;
    }
    let rest = stem.get(11..).unwrap_or("");
    Some(Date::parse(&stem[..10]).map(|d| (d, rest)))
}

/// Parses one post or page file.
pub fn parse_doc(file: &TextFile, kind: DocKind, diags: &mut Diagnostics) -> Option<ParsedDoc> {
    let path = file.path.as_str();
    let text = &file.text;
    let wording = frontmatter::Wording {
        missing: "this file has no front matter",
        missing_help: "start the file with a `---` line, then `title: ...`, then another `---` line",
        not_closed_help: "add a line with just `---` after the last front matter line (such as `title: ...`)",
    };
    let split = frontmatter::split_or_report(path, text, &wording, diags)?;
    let region = Region { file: path, text: split.yaml, offset: split.yaml_offset };
    let help = "front matter is YAML: one `key: value` per line; put quotes around a value that contains `: ` or starts with a special character";
    let value = match yaml::parse_value(split.yaml) {
        Ok(v) => v,
        Err(e) => {
            region.report(diags, &e, help);
            return None;
        }
    };
    match &value {
        Value::Mapping(m) => {
            let known = if kind == DocKind::Post { POST_KEYS } else { PAGE_KEYS };
            region.check_keys(diags, m, &[], known, "the front matter");
        }
        Value::Null => {}
        _ => {
            diags
                .error(
                    path,
                    Some(Span::new(split.yaml_offset, split.yaml_offset + 1)),
                    "the front matter must be `key: value` lines",
                )
                .help("for example `title: How we fold a wool cover`");
            return None;
        }
    }
    let fm: FrontMatter = match yaml::parse_typed_from(split.yaml, value) {
        Ok(fm) => fm,
        Err(e) => {
            region.report(
                diags,
                &e,
                "check the type of this value: tags are a list like `[how-to, wool]`, draft is true or false",
            );
            return None;
        }
    };

    let file_name = path.rsplit('/').next().unwrap_or(path);
    let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
    let mut name_slug = stem.to_string();
    let mut date = None;
    let mut ok = true;
    match date_from_file_name(stem) {
        Some(Ok((d, rest))) => {
            date = Some(DateTime::from_date(d));
            name_slug = rest.to_string();
        }
        Some(Err(why)) if fm.date.is_none() => {
            ok = false;
            diags
                .error(path, None, format!("the file name starts with a date that does not exist: {why}"))
                .help("rename the file with a real date, such as 2026-11-02-my-post.md");
        }
        Some(Err(_)) | None => {}
    }
    if let Some(d) = &fm.date {
        match DateTime::parse(d) {
            Ok(dt) => date = Some(dt),
            Err(why) => {
                ok = false;
                let help = match crate::date::from_words(d) {
                    Some(iso) => format!("write it as {iso} (year-month-day), or {iso}T09:30:00Z with a time"),
                    None => "write the date as 2026-11-02, or 2026-11-02T09:30:00Z with a time".to_string(),
                };
                diags.error(path, region.span(&[Seg::Key("date")]), format!("invalid date: {why}")).help(help);
            }
        }
    }
    let updated = match &fm.updated {
        Some(u) => match DateTime::parse(u) {
            Ok(dt) => Some(dt),
            Err(why) => {
                let help = match crate::date::from_words(u) {
                    Some(iso) => format!("write it as {iso} (year-month-day)"),
                    None => "write the date as 2026-11-05".to_string(),
                };
                diags
                    .error(path, region.span(&[Seg::Key("updated")]), format!("invalid updated date: {why}"))
                    .help(help);
                None
            }
        },
        None => None,
    };
    let title = match fm.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            ok = false;
            diags
                .error(path, Some(Span::new(0, 3)), "this file has no title")
                .help("add `title: ...` to the front matter, between the `---` lines");
            String::new()
        }
    };
    let title_chars = title.chars().count();
    if title_chars > MAX_CARD_CHARS {
        diags
            .warning(
                path,
                region.span(&[Seg::Key("title")]),
                format!(
                    "this title is {title_chars} characters long: the share card shows its first {MAX_CARD_CHARS} characters, cut with \"…\""
                ),
            )
            .help("keep the title short (a search result shows about 60 characters); put the rest in `description:` or in the text");
    }
    if kind == DocKind::Post && date.is_none() && ok {
        ok = false;
        diags.error(path, Some(Span::new(0, 3)), "this post has no date").help(
            "start the file name with the date (2026-11-02-my-post.md) or add `date: 2026-11-02` to the front matter",
        );
    }
    let slug_source =
        fm.slug.clone().unwrap_or_else(|| if name_slug.is_empty() { title.clone() } else { name_slug.clone() });
    let slug = slugify(&slug_source);
    if slug.is_empty() && ok {
        ok = false;
        diags
            .error(path, region.span(&[Seg::Key("slug")]), "this file's URL would be empty")
            .help("give it a `slug:` of letters and digits, such as `slug: open-day`");
    }
    if let Some(t) = &fm.template {
        if !t.ends_with(".html") || t.contains("..") {
            diags
                .error(path, region.span(&[Seg::Key("template")]), format!("`{t}` is not a template name"))
                .help("name an .html template from templates/, such as `template: landing.html`");
        }
    }
    let mut tags: Vec<String> = Vec::new();
    let mut tag_slugs: Vec<String> = Vec::new();
    for (i, t) in fm.tags.unwrap_or_default().into_iter().enumerate() {
        let t = t.0.trim().to_string();
        let slug = slugify(&t);
        if slug.is_empty() {
            diags
                .error(path, region.span(&[Seg::Key("tags")]), format!("tag {} has no letters or digits", i + 1))
                .help("write tags as words, such as `tags: [how-to, wool]`");
        } else if let Err(why) = crate::paths::UrlPath::parse(&format!("/tags/{slug}/")) {
            diags
                .error(path, region.span(&[Seg::Key("tags")]), format!("tag {} cannot be a web address: {why}", i + 1))
                .help("shorten the tag to a few words");
        } else if !tag_slugs.contains(&slug) {
            tags.push(t);
            tag_slugs.push(slug);
        }
    }
    if !ok {
        return None;
    }
    Some(ParsedDoc {
        kind,
        source: path.to_string(),
        text: text.clone(),
        front_offset: split.yaml_offset,
        front_len: split.yaml.len(),
        title,
        date,
        updated,
        description: fm.description.map(|d| d.trim().to_string()).filter(|d| !d.is_empty()),
        tags,
        tag_slugs,
        author: fm.author,
        cover: fm.cover,
        cover_alt: fm.cover_alt,
        video: fm.video,
        poster: fm.poster,
        captions: fm.captions,
        share_image: fm.share_image,
        draft: fm.draft.unwrap_or(false),
        slug,
        template: fm.template,
        nav_title: fm.nav_title.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()),
        duration: fm.duration,
        product: fm.product,
        extra: fm.extra.unwrap_or(serde_json::Value::Null),
        body_offset: split.body_offset,
        lang: None,
        translation_key: path.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::render::all_to_text;

    fn parse(path: &str, text: &str) -> (Option<ParsedDoc>, String) {
        let mut diags = Diagnostics::new();
        let file = TextFile { path: path.into(), text: Arc::from(text) };
        diags.add_source(path, file.text.clone());
        let doc = parse_doc(&file, DocKind::Post, &mut diags);
        (doc, all_to_text(&diags))
    }

    #[test]
    fn date_and_slug_from_file_name() {
        let (doc, errs) = parse(
            "content/posts/2026-11-02-Fold-a-Cover.md",
            "---\ntitle: Fold\ntags: [How-to, 2026, how-to]\n---\nHi",
        );
        let doc = doc.expect(&errs);
        assert_eq!(doc.slug, "fold-a-cover");
        assert_eq!(doc.date.unwrap().date.to_string(), "2026-11-02");
        assert_eq!(doc.tags, vec!["How-to", "2026"]);
        assert_eq!(doc.tag_slugs, vec!["how-to", "2026"]);
        assert_eq!(doc.body(), "Hi");
    }

    #[test]
    fn front_matter_date_and_slug_win() {
        let (doc, _) =
            parse("content/posts/x.md", "---\ntitle: A title\ndate: 2026-06-14T08:00:00Z\nslug: Open Day\n---\n");
        let doc = doc.unwrap();
        assert_eq!(doc.slug, "open-day");
        assert_eq!(doc.date.unwrap().rfc3339(), "2026-06-14T08:00:00Z");
    }

    #[test]
    fn errors_name_the_line() {
        let (doc, errs) = parse("content/posts/x.md", "---\ntitle: A\ndate: 2026-02-30\n---\n");
        assert!(doc.is_none());
        assert!(
            errs.contains(
                "invalid date: `2026-02-30` is not a real date: February 2026 has 28 days\n --> content/posts/x.md:3:7"
            ),
            "{errs}"
        );
        let (_, errs) = parse("content/posts/2026-01-01-x.md", "---\ntitle: A\ntags: 5\n---\n");
        assert!(errs.contains("content/posts/2026-01-01-x.md:3:"), "{errs}");
        let (_, errs) = parse("content/posts/2026-01-01-x.md", "---\ntitel: A\n---\n");
        assert!(errs.contains("unknown key `titel`") && errs.contains("did you mean `title`?"), "{errs}");
        assert!(errs.contains("this file has no title"), "{errs}");
        let (_, errs) = parse("content/posts/2026-01-01-x.md", "---\ntitle: A\n");
        assert!(errs.contains("never closed"), "{errs}");
        let (_, errs) = parse("content/posts/x.md", "---\ntitle: A\n---\n");
        assert!(errs.contains("this post has no date"), "{errs}");
        let (_, errs) = parse("content/posts/2026-01-01-x.md", "---\ntitle: [a\n---\n");
        assert!(errs.contains("content/posts/2026-01-01-x.md:2:"), "{errs}");
    }

    #[test]
    fn front_matter_reads_the_same_from_its_parsed_value() {
        for text in [
            "title: Fold\ndate: 2026-11-02\ntags: [How-to, 2026, true, 1.50, ~]\ndraft: false",
            "title: 1.50\nslug: 0x1F\ndescription: 1e3\nauthor: 12\nnav_title: .inf",
            "cover: 123\ncover_alt: true\ntemplate: ~\nvideo: 'null'\nposter: \"\"",
            "draft: \"true\"",
            "draft: 1",
            "0: first field by index?\n1: second\ntitle: T",
            "title: T\nextra: {1: a, b: [1, {c: d}], e: 2.5}",
            "title: &a Anchored\nslug: *a\n<<: {description: merged}",
            "title: !custom tagged\nextra: !thing {a: 1}",
            "title: |\n  two\n  lines\ndescription: >\n  folded\n  text",
            "tags: [a, [b]]",
            "tags: word",
            "title: [a]",
        ] {
            let value = yaml::parse_value(text).expect(text);
            let from_text = yaml::parse_typed::<FrontMatter>(text).map(|fm| format!("{fm:?}"));
            let from_value = yaml::parse_typed_from::<FrontMatter>(text, value).map(|fm| format!("{fm:?}"));
            match (from_text, from_value) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
                (Err(a), Err(b)) => assert_eq!((a.message, a.offset), (b.message, b.offset), "{text}"),
                (a, b) => panic!("{text}: {a:?} vs {b:?}"),
            }
        }
    }

    #[test]
    fn file_name_dates() {
        assert!(date_from_file_name("2026-02-30-x").unwrap().is_err());
        assert!(date_from_file_name("about").is_none());
        assert!(date_from_file_name("2026-11-02").unwrap().is_ok());
        assert!(date_from_file_name("20261102-x").is_none());
    }
}
