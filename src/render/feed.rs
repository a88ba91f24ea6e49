//! `/feed.xml` (Atom 1.0), `/sitemap.xml` and `/robots.txt`, written with an
//! escaping writer so that `&`, `<` and quotes in titles stay text.

use crate::model::Site;
use crate::paths::absolute_url;
use std::fmt::Write;

/// Escapes text for XML content and attributes.
pub fn xml_escape(s: &str) -> String {
    crate::diag::render::escape_html(s).replace("&#39;", "&apos;")
}

pub const FEED_ENTRIES: usize = 20;

pub fn atom(site: &Site) -> String {
    // Readers resolve root-relative URLs against the host: give them the sub-path too.
    let base_path = crate::paths::base_path(&site.config.base_url);
    atom_with(site, &|html| super::prefix::prefix_html(html, base_path).into_owned())
}

/// The feed, with each post's HTML passed through `body` (which puts its
/// root-relative URLs where the site is published).
pub fn atom_with(site: &Site, body: &(dyn Fn(&str) -> String + Sync)) -> String {
    let c = &site.config;
    let base = &c.base_url;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(out, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">", xml_escape(&c.language));
    let _ = writeln!(out, "  <title>{}</title>", xml_escape(&c.title));
    if !c.description.is_empty() {
        let _ = writeln!(out, "  <subtitle>{}</subtitle>", xml_escape(&c.description));
    }
    let _ = writeln!(
        out,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&absolute_url(base, "/feed.xml"))
    );
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&absolute_url(base, "/"))
    );
    let _ = writeln!(out, "  <id>{}</id>", xml_escape(&absolute_url(base, "/")));
    let updated = site
        .posts
        .iter()
        .filter_map(|p| p.updated.or(p.date))
        .max_by_key(|d| d.timestamp())
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let _ = writeln!(out, "  <updated>{updated}</updated>");
    let _ = writeln!(out, "  <author><name>{}</name></author>", xml_escape(&c.shop.name));
    let _ = writeln!(out, "  <generator uri=\"https://github.com/shopstory\">shopstory</generator>");
    for post in site.posts.iter().take(FEED_ENTRIES) {
        let url = absolute_url(base, &post.url);
        let published = post.date.map(|d| d.rfc3339()).unwrap_or_default();
        let updated = post.updated.or(post.date).map(|d| d.rfc3339()).unwrap_or_default();
        out.push_str("  <entry>\n");
        let _ = writeln!(out, "    <title>{}</title>", xml_escape(&post.title));
        let _ = writeln!(out, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(&url));
        let _ = writeln!(out, "    <id>{}</id>", xml_escape(&url));
        let _ = writeln!(out, "    <published>{published}</published>");
        let _ = writeln!(out, "    <updated>{updated}</updated>");
        if let Some(a) = post.author {
            let _ = writeln!(out, "    <author><name>{}</name></author>", xml_escape(&site.staff[a].name));
        }
        for t in &post.tags {
            let _ = writeln!(out, "    <category term=\"{}\" label=\"{}\"/>", xml_escape(&t.slug), xml_escape(&t.name));
        }
        let summary = post.meta_description(&c.description);
        let _ = writeln!(out, "    <summary>{}</summary>", xml_escape(&summary));
        let _ = writeln!(
            out,
            "    <content type=\"html\" xml:base=\"{}\">{}</content>",
            xml_escape(&url),
            xml_escape(&body(&post.body.html))
        );
        out.push_str("  </entry>\n");
    }
    if c.events.in_feed {
        out.push_str(&super::events::feed_entries(site, body));
    }
    out.push_str("</feed>\n");
    out
}

/// A sitemap of the given `(url, lastmod)` pairs.
pub fn sitemap(base: &str, urls: &[(String, Option<String>)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, lastmod) in urls {
        let _ = write!(out, "  <url><loc>{}</loc>", xml_escape(&absolute_url(base, url)));
        if let Some(m) = lastmod {
            let _ = write!(out, "<lastmod>{m}</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

pub fn robots(base: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", absolute_url(base, "/sitemap.xml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_in_text() {
        assert_eq!(
            xml_escape("Tea & <b>\"cake\"</b> 'x'"),
            "Tea &amp; &lt;b&gt;&quot;cake&quot;&lt;/b&gt; &apos;x&apos;"
        );
        let map = sitemap("https://a.example", &[("/x?a=1&b=2".into(), Some("2026-01-01".into()))]);
        assert!(map.contains("<loc>https://a.example/x?a=1&amp;b=2</loc><lastmod>2026-01-01</lastmod>"));
        assert_eq!(robots("https://a.example"), "User-agent: *\nAllow: /\n\nSitemap: https://a.example/sitemap.xml\n");
    }
}
