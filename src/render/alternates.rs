//! Part of stage 5 (render): a site in several languages. Takes the default
//! language's `Site` (the others in `Site::languages`) and, before any body
//! is rendered (posts stream: a post's page is written right after its
//! body), links every page to its versions in the other languages: posts
//! and pages by their translation key (`about.md` ~ `about.en.md`),
//! generated pages (home, blog, tags, reviews...) by their path. That gives
//! each language a `LangOutput`: its folder, its own pages (links to them
//! move into the folder) and each page's `hreflang` alternates (with
//! `x-default`) and language switcher's links. Then each language is
//! rendered with the one-language machinery (`render_language`), with its
//! own feed; the site gets one sitemap listing the alternates
//! (`xhtml:link`). A page missing in a language gets neither an alternate
//! nor a page there. Pure; never writes a shared file (theme, photos,
//! robots.txt) twice, and never changes a one-language site, which does
//! not come here.

use super::views::{PageMeta, TranslationView};
use super::{
    feed, planned_pages, prefix, render_language, site_files, Contents, OutputFile, PageSink, Rendered, SitemapEntry,
};
use crate::diag::Diagnostics;
use crate::model::Site;
use crate::paths::{absolute_url, url_to_output};
use crate::resolve::language_prefix;
use crate::theme::Theme;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

/// Where one language's pages go, and how they link to the others.
pub(super) struct LangOutput {
    /// `/en`, or empty for the default language (at the root).
    pub(super) folder: String,
    /// This language's page paths (`/blog/x/`, `/feed.xml`), without the
    /// folder: links to them gain it.
    pub(super) pages: HashSet<String>,
    /// Each page's versions, by its path without the folder.
    links: HashMap<String, PageLinks>,
}

/// A page's `page.translations`, `page.languages` and `page.x_default`.
#[derive(Default, Debug)]
struct PageLinks {
    translations: Vec<TranslationView>,
    languages: Vec<TranslationView>,
    x_default: Option<String>,
}

impl LangOutput {
    /// A digest of the folder, the page paths and every page's links to
    /// its versions (`kept`), whatever the order of the sets they are in.
    pub(super) fn digest(&self) -> u64 {
        let mut pages: Vec<&String> = self.pages.iter().collect();
        pages.sort();
        let mut links: Vec<(&String, &PageLinks)> = self.links.iter().collect();
        links.sort_by(|a, b| a.0.cmp(b.0));
        xxhash_rust::xxh3::xxh3_64(format!("{} {pages:?} {links:?}", self.folder).as_bytes())
    }

    /// Gives the page at `meta.url` its links to its other versions.
    pub(super) fn link(&self, meta: &mut PageMeta) {
        if let Some(l) = self.links.get(&meta.url) {
            meta.translations = l.translations.clone();
            meta.languages = l.languages.clone();
            meta.x_default = l.x_default.clone();
        }
    }
}

/// The output file of the page at `url` in the language published under `folder`.
pub(super) fn output_path(folder: &str, url: &str) -> String {
    let path = url_to_output(url);
    if folder.is_empty() {
        path
    } else {
        format!("{}/{path}", folder.trim_start_matches('/'))
    }
}

/// A language's feed, in its folder, links included.
pub(super) fn feed(site: &Site, lang: &LangOutput) -> OutputFile {
    let base_path = crate::paths::base_path(site.config.files_url());
    let body = |html: &str| {
        let html = prefix::prefix_pages(html, &lang.folder, &lang.pages);
        prefix::prefix_html(&html, base_path).into_owned()
    };
    let xml = feed::atom_with(site, &body);
    OutputFile { path: output_path(&lang.folder, "/feed.xml"), contents: Contents::Bytes(xml.into_bytes()) }
}

/// Every page of every language (posts included), with what links it to
/// its versions: a post's or page's translation key, else its path.
fn page_keys(site: &Site) -> Vec<(String, String)> {
    let posts = site.posts.iter().map(|p| (format!("doc:{}", p.translation_key), p.url.clone()));
    let others = planned_pages(site).into_iter().map(|(url, doc)| match doc {
        Some(d) => (format!("doc:{}", d.translation_key), url),
        None => (format!("url:{url}"), url),
    });
    posts.chain(others).collect()
}

/// Each language's `LangOutput` (the default first), from the pages every
/// language will have.
fn lang_outputs(sites: &[&Site]) -> Vec<LangOutput> {
    let root_url = sites[0].config.base_url.as_str();
    let folders: Vec<String> = sites
        .iter()
        .enumerate()
        .map(|(i, s)| if i == 0 { String::new() } else { language_prefix(&s.config.language) })
        .collect();
    let keys: Vec<Vec<(String, String)>> = sites.iter().map(|s| page_keys(s)).collect();
    // Each page's path (with its folder) in every language, by key.
    let mut by_key: HashMap<&str, Vec<Option<String>>> = HashMap::new();
    for (i, ks) in keys.iter().enumerate() {
        for (key, url) in ks {
            let versions = by_key.entry(key.as_str()).or_insert_with(|| vec![None; sites.len()]);
            versions[i].get_or_insert_with(|| format!("{}{url}", folders[i]));
        }
    }
    let names: Vec<String> = sites.iter().map(|s| s.config.i18n.language_name()).collect();
    let view = |k: usize, url: &str, current: bool, translated: bool| TranslationView {
        lang: sites[k].config.language.clone(),
        name: names[k].clone(),
        url: url.to_string(),
        permalink: absolute_url(root_url, url),
        current,
        translated,
    };
    let mut outputs = Vec::with_capacity(sites.len());
    for (i, ks) in keys.iter().enumerate() {
        let mut links = HashMap::with_capacity(ks.len());
        for (key, url) in ks {
            let versions = &by_key[key.as_str()];
            let found: Vec<(usize, &String)> =
                versions.iter().enumerate().filter_map(|(k, v)| v.as_ref().map(|u| (k, u))).collect();
            let mut l = PageLinks::default();
            if found.len() > 1 {
                l.translations = found.iter().map(|(k, u)| view(*k, u, *k == i, true)).collect();
                l.x_default = found.first().map(|(_, u)| absolute_url(root_url, u));
            }
            l.languages = (0..sites.len())
                .map(|k| match &versions[k] {
                    Some(u) => view(k, u, k == i, true),
                    None => view(k, &format!("{}/", folders[k]), false, false),
                })
                .collect();
            links.entry(url.clone()).or_insert(l);
        }
        let mut pages: HashSet<String> = ks.iter().map(|(_, url)| url.clone()).collect();
        pages.insert("/feed.xml".into());
        outputs.push(LangOutput { folder: folders[i].clone(), pages, links });
    }
    outputs
}

/// Renders every language of `site` (the default first).
pub(super) fn render_languages(
    site: &mut Site,
    theme: &Theme,
    sink: &PageSink<'_>,
    kept: Option<&super::kept::Now<'_>>,
    diags: &mut Diagnostics,
) -> Rendered {
    let outputs = {
        let sites: Vec<&Site> = std::iter::once(&*site).chain(&site.languages).collect();
        lang_outputs(&sites)
    };
    let mut others = std::mem::take(&mut site.languages);
    let (mut pages, mut rendered) = (0, 0);
    let mut files = Vec::new();
    let mut cards = BTreeMap::new();
    let mut sitemap: Vec<SitemapEntry> = Vec::new();
    for (i, lang) in outputs.iter().enumerate() {
        let s: &mut Site = if i == 0 { &mut *site } else { &mut others[i - 1] };
        let mut d = Diagnostics::new();
        let done = render_language(s, theme, sink, Some(lang), kept, &mut d);
        // Reviews, moments and staff are the same in every language: report them once.
        diags.extend_unique(d);
        pages += done.pages;
        rendered += done.rendered;
        files.extend(done.files);
        for (k, v) in done.cards {
            cards.entry(k).or_insert(v);
        }
        sitemap.extend(done.sitemap);
    }
    // What the other languages' bodies used is made once, with the default's.
    for other in &others {
        for (k, v) in &other.images {
            site.images.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for (k, v) in &other.media {
            site.media.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    site.languages = others;
    files.extend(site_files(site, theme));
    let root_url = site.config.base_url.as_str();
    sitemap.sort_by(|a, b| a.url.cmp(&b.url));
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        contents: Contents::Bytes(sitemap_with_alternates(root_url, &sitemap).into_bytes()),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Rendered { pages, rendered, files, cards }
}

/// The sitemap of a site in several languages: each page with its
/// versions (`xhtml:link rel="alternate" hreflang`), itself and
/// `x-default` included, as search engines ask.
fn sitemap_with_alternates(base: &str, entries: &[SitemapEntry]) -> String {
    use feed::xml_escape;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for e in entries {
        let _ = write!(out, "  <url><loc>{}</loc>", xml_escape(&absolute_url(base, &e.url)));
        if let Some(m) = &e.lastmod {
            let _ = write!(out, "<lastmod>{m}</lastmod>");
        }
        for a in &e.alternates {
            let _ = write!(
                out,
                "\n    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                xml_escape(&a.lang),
                xml_escape(&a.permalink)
            );
        }
        if let Some(first) = e.alternates.first() {
            let _ = write!(
                out,
                "\n    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>\n  ",
                xml_escape(&first.permalink)
            );
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_writes_into_its_folder() {
        assert_eq!(output_path("", "/blog/x/"), "blog/x/index.html");
        assert_eq!(output_path("/en", "/blog/x/"), "en/blog/x/index.html");
        assert_eq!(output_path("/en", "/"), "en/index.html");
        assert_eq!(output_path("/en", "/404.html"), "en/404.html");
    }

    #[test]
    fn only_the_languages_own_pages_move_into_its_folder() {
        let pages: HashSet<String> = ["/", "/blog/", "/about/", "/feed.xml"].iter().map(|s| s.to_string()).collect();
        let html = r#"<a href="/">h</a><a href="/blog/#x">b</a><a href="/blog/fr-only/">f</a><img src="/images/a.jpg" srcset="/images/a-480.webp 480w"><link rel="alternate" hreflang="fr" href="/about/"><a href="/about/" hreflang="fr" lang="fr">Français</a><a href="/about/?q">q</a><link href="/feed.xml">"#;
        assert_eq!(
            prefix::prefix_pages(html, "/en", &pages),
            r#"<a href="/en/">h</a><a href="/en/blog/#x">b</a><a href="/blog/fr-only/">f</a><img src="/images/a.jpg" srcset="/images/a-480.webp 480w"><link rel="alternate" hreflang="fr" href="/about/"><a href="/about/" hreflang="fr" lang="fr">Français</a><a href="/en/about/?q">q</a><link href="/en/feed.xml">"#
        );
        // Then a sub-path site puts everything under its path.
        let once = prefix::prefix_pages(r#"<a href="/blog/">b</a><a hreflang="fr" href="/blog/">f</a>"#, "/en", &pages);
        assert_eq!(
            prefix::prefix_html(&once, "/shop"),
            r#"<a href="/shop/en/blog/">b</a><a hreflang="fr" href="/shop/blog/">f</a>"#
        );
    }
}
