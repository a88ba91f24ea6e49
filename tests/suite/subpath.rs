//! Issue 14 item 1: a site published under a sub-path
//! (`base_url: https://example.test/shop/`). Every URL the build writes is
//! under `/shop/` or the full base (checked by walking every output file
//! and reading its attributes, not by searching for strings), the output is
//! the same set of files as a root build, and headless Chromium, fed by a
//! plain static server that serves the folder under `/shop/` (answering
//! unknown paths with `/shop/404.html`, as GitHub Pages does), shows the
//! site styled, with its images, without one request outside `/shop/`.

use crate::cdp;
use crate::harness::{tree, SiteTest};
use crate::serve::Serve;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const BASE: &str = "https://example.test/shop/";

/// The `videos` fixture (local video, poster, captions, a photo) plus a page,
/// an owner's root-relative link, a link to another post, a cover and pagination.
fn site() -> SiteTest {
    let site = SiteTest::fixture("videos");
    let yaml = site.read("site.yaml");
    site.write("site.yaml", &format!("{yaml}posts: {{ per_page: 2 }}\n"));
    site.write("content/pages/about.md", "---\ntitle: About us\n---\nWe fix bikes. [Read the blog](/blog/).\n");
    site.write(
        "content/posts/2026-10-15-links.md",
        "---\ntitle: Links and a cover\ncover: brakes.jpg\n---\nSee [about](/about/), [the flat](2026-10-01-fix-a-flat.md) \
         and [the gear clip](/clips/gear.mp4).\n\n![Brake pads](brakes.jpg)\n",
    );
    site
}

/// One HTML start tag's attributes, as (name, value) with the common
/// entities decoded; `<script>`/`<style>` contents and comments are skipped.
fn attributes(html: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if rest.starts_with("<!--") {
            rest = &rest[rest.find("-->").map_or(rest.len(), |e| e + 3)..];
            continue;
        }
        if !rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            rest = &rest[1..];
            continue;
        }
        let end = rest.find('>').expect("a tag ends");
        let tag = &rest[1..end];
        let name_end = tag.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(tag.len());
        let tag_name = tag[..name_end].to_ascii_lowercase();
        let mut attrs = &tag[name_end..];
        loop {
            attrs = attrs.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if attrs.is_empty() {
                break;
            }
            let n = attrs.find(|c: char| c.is_whitespace() || c == '=').unwrap_or(attrs.len());
            let name = attrs[..n].to_ascii_lowercase();
            attrs = attrs[n..].trim_start();
            let Some(v) = attrs.strip_prefix('=') else { continue };
            let v = v.trim_start();
            let (value, after) = match v.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = v[1..].find(q).expect("a quoted value ends") + 1;
                    (&v[1..close], &v[close + 1..])
                }
                _ => {
                    let e = v.find(char::is_whitespace).unwrap_or(v.len());
                    (&v[..e], &v[e..])
                }
            };
            let value = value.replace("&quot;", "\"").replace("&#x27;", "'").replace("&amp;", "&");
            out.push((tag_name.clone(), name, value));
            attrs = after;
        }
        rest = &rest[end + 1..];
        if tag_name == "script" || tag_name == "style" {
            rest = &rest[rest.find("</").unwrap_or(rest.len())..];
        }
    }
    out
}

/// Every URL an HTML page (or fragment) points at: `href`, `src`, `poster`,
/// each `srcset` candidate, and `content` values that are URLs.
fn urls_of_html(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for (_, name, value) in attributes(html) {
        match name.as_str() {
            "href" | "src" | "poster" | "action" | "data-embed" => urls.push(value),
            "srcset" => urls.extend(value.split(',').filter_map(|c| c.split_whitespace().next()).map(str::to_string)),
            "content" if value.starts_with('/') || value.contains("://") => urls.push(value),
            _ => {}
        }
    }
    urls
}

/// Every string in a JSON value that looks like a URL.
fn urls_of_json(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.starts_with('/') || s.starts_with("http") => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| urls_of_json(x, out)),
        Value::Object(o) => o.values().for_each(|x| urls_of_json(x, out)),
        _ => {}
    }
}

/// The output file an internal URL names, if it is internal.
fn target(url: &str) -> Option<String> {
    let path = url.strip_prefix(BASE.trim_end_matches('/')).or_else(|| url.strip_prefix('/').map(|_| url))?;
    let path = path.split(['#', '?']).next().unwrap_or("");
    let rel = path.strip_prefix("/shop").unwrap_or(path).trim_start_matches('/');
    Some(if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_string() })
}

/// What is wrong with one URL found in `file` (None when it is fine).
fn judge(file: &str, url: &str, files: &BTreeSet<String>) -> Option<String> {
    let external = ["mailto:", "tel:", "data:", "#"].iter().any(|p| url.starts_with(p))
        || (url.contains("://") && !url.starts_with("https://example.test"));
    if external {
        return None;
    }
    if !(url.starts_with("/shop/") || url.starts_with(BASE) || url == BASE.trim_end_matches('/')) {
        return Some(format!("{file}: `{url}` is not under /shop/"));
    }
    let t = target(url)?;
    let t = percent_decode(&t);
    (!files.contains(&t)).then(|| format!("{file}: `{url}` names {t}, which the build did not write"))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// The text between each `<open...>` and `</close>` in `xml`.
fn elements<'a>(xml: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len()..];
        let start = after.find('>').map_or(0, |g| g + 1);
        let end = after.find(close).expect("element closes");
        out.push(&after[start..end]);
        rest = &after[end..];
    }
    out
}

#[test]
fn every_url_of_a_sub_path_build_is_under_the_path() {
    let site = site();
    site.run_ok(&["build", "--output", "root"]);
    site.run_ok(&["build", "--base-url", BASE]);
    let out = tree(&site.public());
    let files: BTreeSet<String> = out.keys().cloned().collect();
    // Share cards print the address, so their names differ; everything else is the same.
    let same = |f: &String| if f.starts_with("media/card-") { "media/card-*.png".to_string() } else { f.clone() };
    let root_files: Vec<String> = tree(&site.root.join("root")).keys().map(same).collect();
    assert_eq!(
        files.iter().map(same).collect::<Vec<_>>(),
        root_files,
        "a sub-path build writes the same files as a root build"
    );

    let mut problems = Vec::new();
    let mut checked = 0;
    for (file, bytes) in &out {
        let text = String::from_utf8_lossy(bytes);
        let mut urls = Vec::new();
        if file.ends_with(".html") {
            urls.extend(urls_of_html(&text));
            for block in elements(&text, "<script type=\"application/ld+json\"", "</script>") {
                urls_of_json(&serde_json::from_str(block).expect("JSON-LD parses"), &mut urls);
            }
            for css in elements(&text, "<style", "</style>") {
                assert!(!css.contains("url("), "{file}: inline CSS with url() is not checked here: {css}");
            }
        } else if file.ends_with(".xml") {
            urls.extend(urls_of_html(&text));
            for tag in ["loc", "id", "uri"] {
                urls.extend(elements(&text, &format!("<{tag}"), &format!("</{tag}>")).iter().map(|s| xml_unescape(s)));
            }
            for content in elements(&text, "<content", "</content>") {
                urls.extend(urls_of_html(&xml_unescape(content)));
            }
        } else if file.ends_with(".css") {
            urls.extend(
                text.split("url(").skip(1).map(|s| s[..s.find(')').unwrap()].trim_matches(['"', '\'']).to_string()),
            );
        } else if file == "robots.txt" {
            assert_eq!(text, "User-agent: *\nAllow: /\n\nSitemap: https://example.test/shop/sitemap.xml\n");
        }
        checked += urls.len();
        problems.extend(urls.iter().filter_map(|u| judge(file, u, &files)));
    }
    assert_eq!(problems, Vec::<String>::new());
    assert!(checked > 500, "only {checked} URLs were checked");

    // The owner's links, a link to another post, the local player and its poster, pagination.
    let links = urls_of_html(&site.read("public/blog/links/index.html"));
    for want in ["/shop/about/", "/shop/blog/fix-a-flat/", "/shop/clips/gear.mp4", "/shop/theme/style.css"] {
        assert!(links.iter().any(|u| u == want), "{want} not in {links:?}");
    }
    let chain = urls_of_html(&site.read("public/blog/chain-check/index.html"));
    assert!(chain.iter().any(|u| u.starts_with("/shop/media/") && u.ends_with(".mp4")), "{chain:?}");
    let blog = urls_of_html(&site.read("public/blog/index.html"));
    assert!(blog.iter().any(|u| u == "/shop/blog/page/2/"), "{blog:?}");
    let about = urls_of_html(&site.read("public/about/index.html"));
    assert!(about.iter().any(|u| u == "/shop/blog/"), "{about:?}");
    // The feed's entries, whose readers resolve against the host.
    assert!(site.read("public/feed.xml").contains("href=&quot;/shop/about/&quot;"));

    // A root build is untouched by all of this.
    let root_index = site.read("root/index.html");
    assert!(urls_of_html(&root_index).iter().all(|u| !u.starts_with("/shop")), "{root_index}");
}

#[test]
fn a_base_url_that_cannot_be_a_prefix_is_refused_by_name() {
    let site = SiteTest::fixture("videos");
    let run = site.run(&["build", "--base-url", "https://example.test/my shop/"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr.lines().take(2).collect::<Vec<_>>(),
        [
            "error: --base-url `https://example.test/my shop/` cannot be used: its path `/my shop` has a ` `: use only letters, digits and - _ . ~ in the folder name",
            "  --> --base-url",
        ],
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help: give the full address the site is published at"), "{}", run.stderr);
    assert!(!site.public().exists(), "nothing is written");
}

// ---------------------------------------------------------------- in a browser

struct Browser(cdp::Browser);

impl Browser {
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.0.call(method, params, Instant::now() + Duration::from_secs(30))
    }

    fn eval(&mut self, expression: &str) -> Value {
        let r = self
            .call("Runtime.evaluate", json!({"expression": expression, "returnByValue": true, "awaitPromise": true}));
        r["result"]["value"].clone()
    }

    /// Opens `origin` + `path` and waits until that page has loaded.
    fn open(&mut self, origin: &str, path: &str) {
        self.call("Page.navigate", json!({"url": format!("{origin}{path}")}));
        let ready = format!("location.pathname === {path:?} && document.readyState === 'complete'");
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.eval(&ready) != json!(true) {
            assert!(Instant::now() < deadline, "{path} did not load");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn requested(&mut self) -> Vec<String> {
        self.0.requested()
    }
}

/// What a page shows: its stylesheet applied, every image decoded, its heading.
const LOOK: &str = "(async () => { \
    const imgs = [...document.images]; imgs.forEach(i => i.loading = 'eager'); \
    const broken = (await Promise.all(imgs.map(i => i.decode().then(() => null, () => i.getAttribute('src'))))).filter(Boolean); \
    const sheet = [...document.styleSheets].find(s => s.href); \
    return { sheet: sheet && new URL(sheet.href).pathname, rules: sheet ? sheet.cssRules.length > 20 : false, \
             styled: getComputedStyle(document.querySelector('.site-header')).display !== 'inline', \
             wrap: getComputedStyle(document.querySelector('.wrap')).marginLeft, images: imgs.length, broken, \
             h1: (document.querySelector('h1') || {}).textContent, path: location.pathname }; })()";

#[test]
fn a_sub_path_build_served_under_the_path_looks_like_the_root_build() {
    if cdp::missing("sub-path browser test") {
        return;
    }
    let site = site();
    site.run_ok(&["build", "--base-url", BASE]);
    // Like GitHub Pages for a project site: `/shop/404.html` for a missing
    // file under `/shop/`, a bare 404 outside it.
    let port = crate::harness::static_host(site.public(), "/shop/", true);
    let origin = format!("http://127.0.0.1:{port}");
    let mut b = Browser(cdp::Browser::launch(&site._tmp.path().join("chromium"), &["--window-size=1100,900"]));
    b.0.attach_page(Instant::now() + Duration::from_secs(30));
    b.call("Network.enable", json!({}));
    b.call("Page.enable", json!({}));

    for (page, h1) in [
        ("/shop/", None),
        ("/shop/blog/links/", Some("Links and a cover")),
        ("/shop/blog/chain-check/", Some("Check your chain for wear")),
        ("/shop/blog/page/2/", None),
        ("/shop/no/such/deep/path/here/", Some("Page not found")),
    ] {
        b.open(&origin, page);
        let look = b.eval(LOOK);
        assert_eq!(look["sheet"], "/shop/theme/style.css", "{page}: {look}");
        assert_eq!(look["rules"], true, "{page}: the stylesheet loaded: {look}");
        assert_eq!(look["styled"], true, "{page}: {look}");
        assert_ne!(look["wrap"], "0px", "{page}: the layout is styled: {look}");
        assert_eq!(look["broken"], json!([]), "{page}: {look}");
        if let Some(h1) = h1 {
            assert_eq!(look["h1"], h1, "{page}: {look}");
        }
    }
    // The 404 page's links, from a deep path, go back under /shop/.
    let home = b.eval("document.querySelector('.not-found a.button').href");
    assert_eq!(home, format!("{origin}/shop/"));

    let requested = b.requested();
    let images = requested.iter().filter(|u| u.contains("/shop/media/")).count();
    assert!(images >= 3, "images were loaded: {requested:?}");
    let outside: Vec<&String> =
        requested.iter().filter(|u| !u.starts_with(&format!("{origin}/shop/")) && !u.starts_with("data:")).collect();
    assert_eq!(outside, Vec::<&String>::new(), "requests outside /shop/");
}

// ---------------------------------------------------------------- the preview

#[test]
fn serve_previews_a_sub_path_site_under_its_path_and_reloads_it() {
    let site = SiteTest::fixture("basic");
    let yaml = site.read("site.yaml");
    let base = yaml.lines().find(|l| l.starts_with("base_url:")).unwrap().to_string();
    site.write("site.yaml", &yaml.replace(&base, "base_url: https://example.test/shop/"));
    let s = Serve::start(&site.root, &[]);
    let moved = s.get("/");
    assert_eq!((moved.status, moved.header("Location")), (301, Some("/shop/")));
    let home = s.get("/shop/");
    assert_eq!(home.status, 200);
    let text = home.text();
    assert!(text.contains("<link rel=\"stylesheet\" href=\"/shop/theme/style.css\">"), "{text}");
    assert!(text.contains("<script src=\"/__shopstory/reload.js\""), "the live-reload script: {text}");
    assert_eq!(s.get("/shop/theme/style.css").status, 200);
    assert_eq!(s.get("/__shopstory/reload.js").status, 200);
    assert_eq!(s.get("/__shopstory/overlay.css").status, 200);
    let missing = s.get("/shop/no/such/deep/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("href=\"/shop/theme/style.css\""),
        "the site's 404 page, styled: {}",
        missing.text()
    );
    let outside = s.get("/blog/");
    assert_eq!(
        (outside.status, outside.text()),
        (404, "404: this site is published under /shop/ (the path of its base_url): open /shop/\n".to_string())
    );
    // A save rebuilds what is served under the path.
    let post = "content/posts/2026-10-01-open-day.md";
    site.write(post, &site.read(post).replace("We opened the doors", "Edited under a sub-path. We opened the doors"));
    s.wait_for("/shop/blog/open-day/", "the edit", |t| t.contains("Edited under a sub-path."));
}
