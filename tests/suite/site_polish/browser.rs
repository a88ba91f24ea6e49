//! Items 1 and 3 in headless Chromium: a visitor types a word without its
//! accents and sees the right result, with the match marked, from the
//! search page, from the header's box and under a sub-path; nothing is
//! requested beyond the site. At 1280 px a portrait photo in a post and on
//! a moment's page stays within the screen. Where Chromium is missing the
//! tests print a note and pass.

use super::cafe;
use crate::cdp;
use crate::harness::{static_host, SiteTest};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(30);

struct Browser(cdp::Browser);

impl Browser {
    fn launch(site: &SiteTest, name: &str, size: &str) -> Browser {
        Browser(cdp::Browser::launch(&site._tmp.path().join(name), &[&format!("--window-size={size}")]))
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.0.call(method, params, Instant::now() + TIMEOUT)
    }

    fn eval(&mut self, expression: &str) -> Value {
        self.0.eval(expression, Instant::now() + TIMEOUT)
    }

    /// Evaluates `expression` until it is truthy (or times out).
    fn eval_until(&mut self, expression: &str) -> Value {
        self.0.eval_until(expression, Instant::now() + TIMEOUT)
    }

    fn open(&mut self, url: &str) {
        self.0.open(url, Instant::now() + TIMEOUT);
    }

    /// Types `text` into the focused field, one character at a time.
    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.call("Input.insertText", json!({"text": c.to_string()}));
        }
    }

    fn press(&mut self, key: &str, code: u32) {
        for kind in ["keyDown", "keyUp"] {
            let mut event = json!({"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code});
            if key == "Enter" && kind == "keyDown" {
                event["text"] = json!("\r");
            }
            self.call("Input.dispatchKeyEvent", event);
        }
    }

    fn requested(&mut self) -> Vec<String> {
        self.0.requested()
    }

    /// The results as the visitor sees them.
    fn results(&mut self) -> Value {
        self.eval(
            "Array.from(document.querySelectorAll('#search-results > li')).map(li => ({
               href: li.querySelector('a').getAttribute('href'),
               title: li.querySelector('a').textContent,
               meta: li.querySelector('.search-result-meta').textContent,
               snippet: (li.querySelector('.search-result-snippet') || {}).textContent || '',
               marks: Array.from(li.querySelectorAll('mark')).map(m => m.textContent)}))",
        )
    }
}

#[test]
fn typing_a_word_without_its_accents_finds_it() {
    if cdp::missing("search browser test") {
        return;
    }
    let site = cafe();
    site.build_ok();
    let port = static_host(site.public(), "/", false);
    let origin = format!("http://127.0.0.1:{port}/");
    let mut b = Browser::launch(&site, "chromium-search", "1100,900");
    b.open(&format!("{origin}search/"));
    assert_eq!(b.eval("document.getElementById('search-q').labels[0].textContent"), json!("Search the site"));
    // From the keyboard: Tab moves through the page to the field.
    let mut tabs = 0;
    while b.eval("document.activeElement.id") != json!("search-q") {
        b.press("Tab", 9);
        tabs += 1;
        assert!(tabs < 40, "Tab never reached the search field");
    }
    b.type_text("BRULEE");
    b.eval_until("document.getElementById('search-status').textContent === 'Results: 2'");
    assert_eq!(
        b.results(),
        json!([
            {"href": "/blog/creme-brulee/", "title": "Crème brûlée for the holidays", "meta": "Post · 3 November 2026",
             "snippet": "Our crème brûlée latte is back, with a caramel crust.", "marks": ["brûlée", "brûlée"]},
            {"href": "/reviews/#r-ana", "title": "Review by Ana", "meta": "Review · 10 November 2026",
             "snippet": "The brûlée latte is perfect.", "marks": ["brûlée"]},
        ])
    );
    assert_eq!(b.eval("location.search"), json!("?q=BRULEE"), "the address keeps the query");
    // Two words: both must match; a word prefix is enough.
    b.eval("document.getElementById('search-q').select()");
    b.type_text("esp frien");
    b.eval_until("document.getElementById('search-status').textContent === 'Results: 1'");
    assert_eq!(b.results()[0]["href"], json!("/reviews/#r-bo"));
    // A word most pages hold (its documents are a bitmap in the index); the two with it in their title first.
    b.eval("document.getElementById('search-q').select()");
    b.type_text("THE");
    b.eval_until("document.getElementById('search-status').textContent === 'Results: 4'");
    let hrefs: Vec<Value> = b.results().as_array().unwrap().iter().map(|r| r["href"].clone()).collect();
    assert_eq!(
        hrefs,
        [json!("/blog/creme-brulee/"), json!("/about/"), json!("/moments/lea-flat-white/"), json!("/reviews/#r-ana")]
    );
    b.eval("document.getElementById('search-q').select()");
    b.type_text("zzz");
    b.eval_until("document.getElementById('search-status').textContent === 'Nothing found for “zzz”.'");
    assert_eq!(b.results(), json!([]));
    // The results are links, reached by Tab after the field.
    b.eval("document.getElementById('search-q').select()");
    b.type_text("naive");
    b.eval_until("document.getElementById('search-status').textContent === 'Results: 1'");
    b.eval("document.getElementById('search-q').focus()");
    b.press("Tab", 9);
    b.press("Tab", 9);
    assert_eq!(b.eval("document.activeElement.getAttribute('href')"), json!("/blog/espresso/"));

    // The header's box on another page: Enter goes to /search/?q=... and lists the result.
    b.open(&format!("{origin}about/"));
    b.eval("document.getElementById('site-search-q').focus()");
    b.type_text("quebec");
    b.press("Enter", 13);
    b.eval_until(
        "location.pathname === '/search/' && document.getElementById('search-status').textContent === 'Results: 1'",
    );
    assert_eq!(b.eval("document.getElementById('search-q').value"), json!("quebec"));
    let visit = &b.results()[0];
    assert_eq!(
        (&visit["href"], &visit["title"], &visit["marks"]),
        (&json!("/visit/"), &json!("Visit us"), &json!(["Québec"]))
    );

    let elsewhere: Vec<String> = b.requested().into_iter().filter(|u| !u.starts_with(&origin)).collect();
    assert!(elsewhere.is_empty(), "requests beyond the site: {elsewhere:?}");
}

#[test]
fn search_works_under_a_sub_path() {
    if cdp::missing("sub-path search browser test") {
        return;
    }
    let site = cafe();
    site.run_ok(&["build", "--base-url", "https://example.github.io/cafe/"]);
    let port = static_host(site.public(), "/cafe/", true);
    let mut b = Browser::launch(&site, "chromium-subpath", "1100,900");
    b.open(&format!("http://127.0.0.1:{port}/cafe/search/?q=lea"));
    b.eval_until("document.getElementById('search-status').textContent === 'Results: 1'");
    assert_eq!(b.results()[0]["href"], json!("/cafe/moments/lea-flat-white/"));
    b.eval("document.querySelector('#search-results a').click()");
    b.eval_until("location.pathname === '/cafe/moments/lea-flat-white/' && document.readyState === 'complete'");
    assert_eq!(b.eval("document.querySelector('h1').textContent"), json!("Léa's first flat white."));
}

/// The rendered box of the first `selector` once its photo has loaded.
fn photo_box(b: &mut Browser, selector: &str) -> Value {
    b.eval(&format!("document.querySelector('{selector}').scrollIntoView()"));
    b.eval_until(&format!(
        "(() => {{ const i = document.querySelector('{selector}'); return i.complete && i.naturalWidth > 0; }})()"
    ));
    b.eval(&format!(
        "(() => {{ const r = document.querySelector('{selector}').getBoundingClientRect(); \
         return {{width: Math.round(r.width), height: Math.round(r.height), viewport: innerHeight}}; }})()"
    ))
}

#[test]
fn portrait_photos_stay_within_the_screen_at_1280_px() {
    if cdp::missing("photo height browser test") {
        return;
    }
    let site = cafe();
    site.build_ok();
    let port = static_host(site.public(), "/", false);
    let mut b = Browser::launch(&site, "chromium-photos", "1280,900");
    b.open(&format!("http://127.0.0.1:{port}/blog/creme-brulee/"));
    assert_eq!(
        b.eval("document.querySelector('.prose figure.photo figcaption').textContent"),
        json!("Our first brûlée latte of the season")
    );
    for (page, selector) in
        [("blog/creme-brulee/", ".prose figure.photo img"), ("moments/lea-flat-white/", ".moment-figure img")]
    {
        b.open(&format!("http://127.0.0.1:{port}/{page}"));
        let r = photo_box(&mut b, selector);
        let (w, h, vh) = (r["width"].as_f64().unwrap(), r["height"].as_f64().unwrap(), r["viewport"].as_f64().unwrap());
        // Within 80% of the window's height, never cropped: the photo's own 1:2.
        assert!(h <= 0.8 * vh + 1.0 && h >= 0.5 * vh, "{page}: {r}");
        assert!((w / h - 0.5).abs() < 0.02, "{page}: {r}");
    }
}
