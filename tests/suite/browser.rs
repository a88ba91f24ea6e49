//! Headless Chromium, driven over the DevTools protocol (`--remote-debugging-pipe`):
//! a video post makes no request beyond the site until the facade is pressed,
//! and pressing it (a click, or Space from the keyboard) swaps in the
//! privacy-enhanced player. Runs where `/usr/bin/chromium` exists; elsewhere
//! it prints a note and passes. Every other host name resolves to nothing, so
//! the test never reaches the real network.

use crate::cdp;
use crate::harness::SiteTest;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(30);

/// A headless Chromium and one page session; each wait gives up after `TIMEOUT`.
struct Browser(cdp::Browser);

impl Browser {
    fn launch(profile: &Path) -> Browser {
        Browser(cdp::Browser::launch(profile, &["--window-size=1100,900"]))
    }

    /// Sends a command (to the page session once there is one) and waits for its result.
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

    /// Every URL the page has asked for so far.
    fn requested(&mut self) -> Vec<String> {
        self.0.requested()
    }
}

fn chromium_site() -> Option<(SiteTest, u16)> {
    if cdp::missing("headless-browser video test") {
        return None;
    }
    let site = SiteTest::fixture("videos");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let port = crate::harness::static_host(site.public(), "/", false);
    Some((site, port))
}

#[test]
fn clicking_the_poster_loads_the_player_and_nothing_loads_before() {
    let Some((site, port)) = chromium_site() else { return };
    let origin = format!("http://127.0.0.1:{port}/");
    let mut b = Browser::launch(&site._tmp.path().join("chromium-click"));
    b.open(&format!("{origin}blog/fix-a-flat/"));
    let before = b.requested();
    assert!(before.iter().any(|u| u.ends_with("/theme/video.js")), "{before:?}");
    let elsewhere: Vec<&String> = before.iter().filter(|u| !u.starts_with(&origin)).collect();
    assert!(elsewhere.is_empty(), "requests beyond the site before the click: {elsewhere:?}");
    assert_eq!(b.eval("document.querySelectorAll('iframe').length"), json!(0));
    assert_eq!(b.eval("document.querySelector('a.video-facade').getAttribute('role')"), json!("button"));

    // A real mouse click in the middle of the poster.
    let rect = b.eval(
        "(() => { const a = document.querySelector('a.video-facade'); a.scrollIntoView({block: 'center'}); \
         const r = a.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()",
    );
    for kind in ["mousePressed", "mouseReleased"] {
        b.call(
            "Input.dispatchMouseEvent",
            json!({"type": kind, "x": rect["x"], "y": rect["y"], "button": "left", "clickCount": 1}),
        );
    }
    let iframe = b.eval_until(
        "(() => { const f = document.querySelector('.video-embed iframe'); \
         return f && {src: f.src, title: f.title, allow: f.allow, playing: f.closest('figure').classList.contains('is-playing')}; })()",
    );
    assert_eq!(iframe["src"], "https://www.youtube-nocookie.com/embed/AbCdEfGhIj0?autoplay=1");
    assert_eq!(iframe["title"], "Fix a flat <fast>");
    assert!(iframe["allow"].as_str().unwrap().contains("autoplay"), "{iframe}");
    assert_eq!(iframe["playing"], json!(true));
    assert_eq!(b.eval("location.pathname"), json!("/blog/fix-a-flat/"), "the click must not follow the link");
    // The player is requested now, and only now (it resolves to nothing here).
    let deadline = Instant::now() + TIMEOUT;
    while !b.requested().iter().any(|u| u.starts_with("https://www.youtube-nocookie.com/embed/AbCdEfGhIj0")) {
        assert!(Instant::now() < deadline, "the player was never requested: {:?}", b.requested());
        b.eval("0");
    }
}

#[test]
fn space_on_a_focused_poster_loads_the_player() {
    let Some((site, port)) = chromium_site() else { return };
    let mut b = Browser::launch(&site._tmp.path().join("chromium-keys"));
    b.open(&format!("http://127.0.0.1:{port}/blog/truing-stand-tour/"));
    b.eval("document.querySelectorAll('a.video-facade')[1].focus()");
    assert_eq!(b.eval("document.activeElement.getAttribute('aria-label')"), json!("Play: The stand, from the side"));
    for kind in ["keyDown", "keyUp"] {
        b.call(
            "Input.dispatchKeyEvent",
            json!({"type": kind, "key": " ", "code": "Space", "windowsVirtualKeyCode": 32, "nativeVirtualKeyCode": 32}),
        );
    }
    let src = b.eval_until("(document.querySelectorAll('.video-embed')[1].querySelector('iframe') || {}).src");
    assert_eq!(src, "https://player.vimeo.com/video/987654321?dnt=1&autoplay=1");
    assert_eq!(b.eval("document.querySelectorAll('iframe').length"), json!(1), "only the pressed video plays");
}
