//! Live reload in a real browser: headless Chromium, driven over the
//! DevTools protocol (`--remote-debugging-pipe`, so no WebSocket client is
//! needed), opens a post served by `shopstory serve`; the test edits the
//! markdown on disk and waits for the new text to appear without any reload
//! from its side, then breaks the front matter and sees the error overlay,
//! then fixes it and sees the overlay go, and finally sees the page come
//! back by itself after the server restarts. Runs where `/usr/bin/chromium`
//! exists (`.ci/run` installs it); elsewhere it prints a note and passes.

use crate::cdp;
use crate::harness::SiteTest;
use crate::serve::Serve;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

/// The whole test ends by then.
const OVERALL: Duration = Duration::from_secs(60);

/// A headless Chromium with one page; every wait ends at `deadline`.
struct Browser {
    cdp: cdp::Browser,
    deadline: Instant,
}

impl Browser {
    fn launch(profile: &Path, deadline: Instant) -> Browser {
        Browser { cdp: cdp::Browser::launch(profile, &[]), deadline }
    }

    fn left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Sends a command (to the page once attached) and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.cdp.call(method, params, self.deadline)
    }

    fn open(&mut self, url: &str) {
        self.cdp.attach_page(self.deadline);
        self.call("Page.navigate", json!({"url": url}));
    }

    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call("Runtime.evaluate", json!({"expression": expression, "returnByValue": true}));
        r["result"]["value"].clone()
    }

    /// The page's visible text, polled until `ok` holds. A poll that fails
    /// or gets no answer within 5 s (sent while the page was being replaced
    /// by a reload) counts as "nothing yet" and is sent again.
    fn text_until(&mut self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let expression = "document.readyState === 'complete' && document.body ? document.body.innerText : ''";
        let mut last_error = None;
        loop {
            let within = (Instant::now() + Duration::from_secs(5)).min(self.deadline);
            let params = json!({"expression": expression, "returnByValue": true});
            let text = match self.cdp.try_call("Runtime.evaluate", params, within) {
                Some(Ok(r)) => r["result"]["value"].as_str().unwrap_or("").to_string(),
                Some(Err(error)) => {
                    last_error = Some(error);
                    String::new()
                }
                None => String::new(),
            };
            if ok(&text) {
                return text;
            }
            assert!(
                !self.left().is_zero(),
                "the page never showed {what} (last error: {last_error:?}); it shows:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn the_open_page_follows_edits_errors_and_fixes_by_itself() {
    if cdp::missing("live-reload browser test") {
        return;
    }
    let deadline = Instant::now() + OVERALL;
    let site = SiteTest::fixture("basic");
    let serve = Serve::start(&site.root, &[]);
    let post = "content/posts/2026-10-01-open-day.md";
    let good = site.read(post);

    let mut b = Browser::launch(&site._tmp.path().join("chromium-profile"), deadline);
    b.open(&format!("http://127.0.0.1:{}/blog/open-day/", serve.port));
    b.text_until("the post", |t| t.contains("Three teas and one cake."));
    // Mark this document: a reload by the page itself replaces it.
    b.eval("window.__same_document = true");

    // An edit on disk shows up without the test reloading anything.
    site.write(post, &good.replace("Three teas and one cake.", "Seven teas and two cakes."));
    b.text_until("the edited text", |t| t.contains("Seven teas and two cakes."));
    assert_eq!(b.eval("window.__same_document === true"), json!(false), "the page was not reloaded by the script");

    // Broken front matter: the overlay with the file and line, over the last good page.
    site.write(post, &good.replace("tags: [News, community]", "tags: [News, community"));
    let text = b.text_until("the error overlay", |t| t.contains("shopstory: the last change has errors"));
    assert!(text.contains("--> content/posts/2026-10-01-open-day.md:"), "{text}");
    assert!(text.contains("Seven teas and two cakes."), "the last good page should stay under the overlay:\n{text}");
    assert_eq!(b.eval("!!document.getElementById('shopstory-overlay')"), json!(true));

    // The fix clears it.
    site.write(post, &good.replace("Three teas and one cake.", "Eight teas, no cake."));
    let text = b.text_until("the fixed page", |t| t.contains("Eight teas, no cake."));
    assert!(!text.contains("shopstory: the last change has errors"), "{text}");
    assert_eq!(b.eval("!!document.getElementById('shopstory-overlay')"), json!(false));

    // The server stops, the post changes meanwhile, and a new server comes
    // up on the same port: the page reconnects and reloads by itself.
    let port = serve.port;
    drop(serve);
    site.write(post, &good.replace("Three teas and one cake.", "Nine teas after a restart."));
    // Other tests bind ports too: while one holds this port, try again.
    let serve = loop {
        match Serve::try_start_on(&site.root, port, &[]) {
            Ok(serve) => break serve,
            Err(why) => {
                assert!(!b.left().is_zero(), "serve could not restart on port {port}: {why}");
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    };
    b.text_until("the page after the restart", |t| t.contains("Nine teas after a restart."));
    drop(b);
    drop(serve);
}
