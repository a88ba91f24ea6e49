//! Part of stage 5 (render): puts a site published under a sub-path
//! (`base_url: https://example.github.io/shop/`) under that path. Takes a
//! rendered HTML page (or fragment) and the base path (`/shop`), returns the
//! same HTML with every root-relative URL in it (`/blog/x/`, `/theme/style.css`,
//! each `srcset` candidate, `url(/...)` in CSS) starting with `/shop/`.
//!
//! This is the single place where the sub-path enters the output, like
//! Eleventy's HTML base plugin: templates, the markdown renderer, shortcodes
//! and an owner's own links (`[about](/about/)`) all write URLs from the site
//! root, and this pass rewrites them once, after rendering. Absolute URLs
//! (`https://...`, `//host/...`) are built from `base_url` itself and already
//! carry the path. It is idempotent: a URL that already starts with the base
//! path (a template that wrote `{{ site.base_path }}/x/`) is left alone.
//!
//! It must never change anything but the start of a URL: text, comments and
//! the contents of `<script>` are copied byte for byte, and with an empty
//! base path (a site at the root of its host) the page is returned as it is.

use std::borrow::Cow;

/// Attributes whose whole value is one URL. Not `content`: a `<meta>`
/// description may start with `/`, and the URLs shopstory writes there
/// (og:url, og:image, twitter:image) are absolute already.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "poster",
    "action",
    "formaction",
    "cite",
    "data",
    "background",
    "xlink:href",
    "data-src",
    "data-embed",
    "itemid",
];
/// Attributes that hold a list of `url descriptor` candidates.
const SRCSET_ATTRS: &[&str] = &["srcset", "imagesrcset", "data-srcset"];
/// Elements whose content is raw text, not markup.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp"];

/// `html` with `base` (`/shop`, no trailing slash; empty for a site at the
/// root) put in front of every root-relative URL.
pub fn prefix_html<'a>(html: &'a str, base: &str) -> Cow<'a, str> {
    if base.is_empty() {
        return Cow::Borrowed(html);
    }
    insert(html, &Rule { base, pages: None })
}

/// `html` with a language's folder (`/en`) put in front of every
/// root-relative URL whose path is one of `pages` (that language's pages,
/// `/blog/x/`, without the folder), except in a tag that names its language
/// (`hreflang`): alternates and the language switcher already point where
/// they mean to. Photos, theme files and share cards, shared by every
/// language, keep their URLs. Runs before `prefix_html`.
pub fn prefix_pages<'a>(html: &'a str, folder: &str, pages: &std::collections::HashSet<String>) -> Cow<'a, str> {
    if folder.is_empty() {
        return Cow::Borrowed(html);
    }
    insert(html, &Rule { base: folder, pages: Some(pages) })
}

/// `html` with `rule.base` put in front of every URL the rule picks.
fn insert<'a>(html: &'a str, rule: &Rule<'_>) -> Cow<'a, str> {
    let mut at = Vec::new();
    scan(html, rule, &mut at);
    if at.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + at.len() * rule.base.len());
    let mut last = 0;
    for i in at {
        out.push_str(&html[last..i]);
        out.push_str(rule.base);
        last = i;
    }
    out.push_str(&html[last..]);
    Cow::Owned(out)
}

/// Which URLs gain `base`: every root-relative one, or only those whose
/// path is one of `pages`.
struct Rule<'a> {
    base: &'a str,
    pages: Option<&'a std::collections::HashSet<String>>,
}

impl Rule<'_> {
    fn needs(&self, v: &str) -> bool {
        match self.pages {
            None => needs_prefix(v, self.base),
            Some(pages) => {
                if !v.starts_with('/') || v.starts_with("//") {
                    return false;
                }
                let end = v.find(['?', '#', '"', '\'', ')', ' ', ',', '>', '\t', '\n']).unwrap_or(v.len());
                pages.contains(&v[..end])
            }
        }
    }
}

/// Whether the URL starting at `v` is root-relative and not yet under `base`.
fn needs_prefix(v: &str, base: &str) -> bool {
    if !v.starts_with('/') || v.starts_with("//") || v.starts_with("/\\") {
        return false;
    }
    match v.strip_prefix(base) {
        Some(rest) => !(rest.is_empty() || rest.starts_with(['/', '?', '#', '"', '\'', ')', ' ', ','])),
        None => true,
    }
}

fn find_ci(hay: &str, from: usize, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    (from..h.len().saturating_sub(n.len() - 1)).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Records in `at` the byte offsets where `base` goes.
fn scan(html: &str, base: &Rule<'_>, at: &mut Vec<usize>) {
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off;
        let rest = &html[i..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(b.len(), |e| i + e + 3);
            continue;
        }
        if rest.starts_with("</") || rest.starts_with("<!") || rest.starts_with("<?") {
            i = rest.find('>').map_or(b.len(), |e| i + e + 1);
            continue;
        }
        if !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        // A start tag: its name, then its attributes.
        let name_start = i + 1;
        let mut j = name_start;
        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' && b[j] != b'/' {
            j += 1;
        }
        let name = html[name_start..j].to_ascii_lowercase();
        j = attributes(html, j, base, at);
        i = j;
        if let Some(raw) = RAW_TEXT.iter().find(|r| **r == name) {
            let end = find_ci(html, i, &format!("</{raw}")).unwrap_or(b.len());
            if name == "style" {
                css_urls(html, i, end, base, at);
            }
            i = end;
        }
    }
}

/// Reads the attributes of a tag from `j` to just past its `>`; returns that offset.
fn attributes(html: &str, mut j: usize, base: &Rule<'_>, at: &mut Vec<usize>) -> usize {
    // With a language's pages, a tag with `hreflang` keeps its URLs.
    let first = at.len();
    let mut hreflang = false;
    let end = loop {
        let j2 = attribute(html, j, base, at, &mut hreflang);
        match j2 {
            Ok(next) => j = next,
            Err(end) => break end,
        }
    };
    if hreflang && base.pages.is_some() {
        at.truncate(first);
    }
    end
}

/// Reads one attribute at `j`: `Ok(offset after it)`, or `Err(offset)`
/// at the end of the tag.
fn attribute(
    html: &str,
    mut j: usize,
    base: &Rule<'_>,
    at: &mut Vec<usize>,
    hreflang: &mut bool,
) -> Result<usize, usize> {
    let b = html.as_bytes();
    {
        while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
            j += 1;
        }
        if j >= b.len() {
            return Err(j);
        }
        if b[j] == b'>' {
            return Err(j + 1);
        }
        let name_start = j;
        while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/') {
            j += 1;
        }
        let name = html[name_start..j].to_ascii_lowercase();
        *hreflang |= name == "hreflang";
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if b.get(j) != Some(&b'=') {
            return Ok(j);
        }
        j += 1;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let (start, end, next) = match b.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = html[j + 1..].find(q as char).map_or(b.len(), |e| j + 1 + e);
                (j + 1, end, (end + 1).min(b.len()))
            }
            _ => {
                let mut e = j;
                while e < b.len() && !b[e].is_ascii_whitespace() && b[e] != b'>' {
                    e += 1;
                }
                (j, e, e)
            }
        };
        let value = &html[start..end];
        if URL_ATTRS.contains(&name.as_str()) {
            if base.needs(value) {
                at.push(start);
            }
        } else if SRCSET_ATTRS.contains(&name.as_str()) {
            srcset(value, start, base, at);
        } else if name == "style" {
            css_urls(html, start, end, base, at);
        }
        Ok(next)
    }
}

/// Each candidate of a `srcset` value starting at byte `offset`.
fn srcset(value: &str, offset: usize, base: &Rule<'_>, at: &mut Vec<usize>) {
    let b = value.as_bytes();
    let mut k = 0;
    while k < b.len() {
        while k < b.len() && (b[k].is_ascii_whitespace() || b[k] == b',') {
            k += 1;
        }
        if k >= b.len() {
            break;
        }
        if base.needs(&value[k..]) {
            at.push(offset + k);
        }
        // The URL runs to whitespace; its descriptors run to the next comma.
        while k < b.len() && !b[k].is_ascii_whitespace() {
            k += 1;
        }
        while k < b.len() && b[k] != b',' {
            k += 1;
        }
    }
}

/// `url(/...)`, `url("/...")` and `url('/...')` in CSS between `start` and `end`.
fn css_urls(html: &str, start: usize, end: usize, base: &Rule<'_>, at: &mut Vec<usize>) {
    let mut k = start;
    while let Some(off) = find_ci(&html[..end], k, "url(") {
        let mut v = off + 4;
        let b = html.as_bytes();
        while v < end && b[v].is_ascii_whitespace() {
            v += 1;
        }
        if v < end && (b[v] == b'"' || b[v] == b'\'') {
            v += 1;
        }
        if base.needs(&html[v..end]) {
            at.push(v);
        }
        k = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(html: &str) -> String {
        prefix_html(html, "/shop").into_owned()
    }

    #[test]
    fn root_relative_urls_gain_the_base_path() {
        assert_eq!(
            p(r#"<link rel="stylesheet" href="/theme/style.css"><a href='/about/'>x</a><img src=/m/a.jpg alt="/not">"#),
            r#"<link rel="stylesheet" href="/shop/theme/style.css"><a href='/shop/about/'>x</a><img src=/shop/m/a.jpg alt="/not">"#
        );
        assert_eq!(
            p(r#"<source srcset="/m/a-480.webp 480w, /m/a-960.webp 960w,https://cdn.example/b.webp 2x">"#),
            r#"<source srcset="/shop/m/a-480.webp 480w, /shop/m/a-960.webp 960w,https://cdn.example/b.webp 2x">"#
        );
        assert_eq!(
            p(r#"<video poster="/m/p.jpg" src="/media/v.mp4"></video><form action="/search/"></form>"#),
            r#"<video poster="/shop/m/p.jpg" src="/shop/media/v.mp4"></video><form action="/shop/search/"></form>"#
        );
        assert_eq!(
            p(r#"<div style="background:url('/m/a.jpg')"></div><style>a{background:url(/m/b.png)}</style>"#),
            r#"<div style="background:url('/shop/m/a.jpg')"></div><style>a{background:url(/shop/m/b.png)}</style>"#
        );
    }

    #[test]
    fn everything_else_is_left_alone() {
        let same = [
            r##"<a href="https://example.test/shop/x/">x</a><a href="//cdn.example/x">y</a><a href="#main">z</a>"##,
            r#"<a href="mailto:a@b.example">m</a><a href="tel:+1">t</a><a href="x/">rel</a><link rel="icon" href="data:,">"#,
            r#"<script>var a = '<a href="/x/">';</script><script type="application/ld+json">{"url":"/x/"}</script>"#,
            r#"<!-- <a href="/x/"> --><p>1 < 2 and href="/x/" in text</p><textarea><a href="/x/"></textarea>"#,
            r#"<meta name="description" content="/r/bikes fans, welcome"><title><a href="/x/"></title><p data-other="/x/">already: <a href="/shop/">h</a><a href="/shop?q">q</a></p>"#,
        ];
        for html in same {
            assert_eq!(p(html), html);
        }
        assert!(matches!(prefix_html(r#"<a href="/x/">"#, ""), Cow::Borrowed(_)));
    }

    #[test]
    fn rewriting_twice_changes_nothing_more_and_odd_markup_does_not_panic() {
        let page = r#"<a href="/a/"><img srcset="/b 1x, /c 2x"><a href="/shopping/">s</a>"#;
        let once = p(page);
        assert_eq!(once, r#"<a href="/shop/a/"><img srcset="/shop/b 1x, /shop/c 2x"><a href="/shop/shopping/">s</a>"#);
        assert_eq!(p(&once), once);
        for odd in [
            "<",
            "<a",
            "<a href",
            "<a href=",
            "<a href=\"/x",
            "<a href='/x",
            "<style>url(",
            "<!--",
            "</",
            "<a\u{e9} href=/é/>",
        ] {
            let _ = p(odd);
        }
        assert_eq!(p("<a href=\"/x"), "<a href=\"/shop/x");
    }
}
