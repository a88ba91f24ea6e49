//! Headless Chromium, driven over the DevTools protocol (`--remote-debugging-pipe`):
//! a video post makes no request beyond the site until the facade is pressed,
//! and pressing it (a click, or Space from the keyboard) swaps in the
//! privacy-enhanced player. Runs where `/usr/bin/chromium` exists; elsewhere
//! it prints a note and passes. Every other host name resolves to nothing, so
//! the test never reaches the real network.

use crate::harness::SiteTest;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const TIMEOUT: Duration = Duration::from_secs(30);

/// Serves a folder over HTTP/1.1 on 127.0.0.1, GET only, one thread per connection.
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let target = request.split_whitespace().nth(1).unwrap_or("/");
                let mut rel = target.split(['?', '#']).next().unwrap_or("/").trim_start_matches('/').to_string();
                if rel.is_empty() || rel.ends_with('/') {
                    rel.push_str("index.html");
                }
                let file = root.join(&rel);
                let (status, body) = match std::fs::read(&file) {
                    Ok(b) if !rel.contains("..") => ("200 OK", b),
                    _ => ("404 Not Found", b"not found".to_vec()),
                };
                let mime = match rel.rsplit('.').next() {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css",
                    Some("js") => "text/javascript",
                    Some("svg") => "image/svg+xml",
                    Some("jpg") => "image/jpeg",
                    Some("webp") => "image/webp",
                    Some("mp4") => "video/mp4",
                    Some("vtt") => "text/vtt",
                    _ => "application/octet-stream",
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body));
            });
        }
    });
    port
}

/// A headless Chromium and one page session.
struct Browser {
    child: Child,
    input: ChildStdin,
    messages: Receiver<Value>,
    events: Vec<Value>,
    next_id: u64,
    session: Option<String>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch(profile: &Path) -> Browser {
        // The shell hands our pipes to Chromium as fds 3 (commands in) and 4
        // (replies out), as --remote-debugging-pipe expects.
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("exec \"$0\" \"$@\" 3<&0 4>&1 0</dev/null 1>/dev/null")
            .arg(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--mute-audio",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--remote-debugging-pipe",
                "--window-size=1100,900",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let input = child.stdin.take().unwrap();
        let mut output = child.stdout.take().unwrap();
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut pending = Vec::new();
            let mut buf = [0u8; 65536];
            while let Ok(n) = output.read(&mut buf) {
                if n == 0 {
                    break;
                }
                pending.extend_from_slice(&buf[..n]);
                while let Some(end) = pending.iter().position(|b| *b == 0) {
                    let message: Vec<u8> = pending.drain(..=end).collect();
                    if let Ok(v) = serde_json::from_slice::<Value>(&message[..message.len() - 1]) {
                        if tx.send(v).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Browser { child, input, messages, events: Vec::new(), next_id: 0, session: None }
    }

    /// Sends a command (to the page session once there is one) and waits for its result.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(s) = &self.session {
            message["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.input.write_all(&bytes).unwrap();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self
                .messages
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no answer to {method}"));
            if m["id"] == json!(id) {
                assert!(m.get("error").is_none(), "{method} failed: {m}");
                return m["result"].clone();
            }
            self.events.push(m);
        }
    }

    /// Waits for an event, keeping every other one.
    fn wait_for(&mut self, method: &str) {
        if self.events.iter().any(|e| e["method"] == method) {
            return;
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self
                .messages
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no {method} event"));
            let found = m["method"] == method;
            self.events.push(m);
            if found {
                return;
            }
        }
    }

    fn eval(&mut self, expression: &str) -> Value {
        let r = self
            .call("Runtime.evaluate", json!({"expression": expression, "returnByValue": true, "awaitPromise": true}));
        r["result"]["value"].clone()
    }

    /// Evaluates `expression` until it is truthy (or times out).
    fn eval_until(&mut self, expression: &str) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let v = self.eval(expression);
            if !(v.is_null() || v == json!(false) || v == json!("") || v == json!(0)) {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {expression}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn open(&mut self, url: &str) {
        let target = self.call("Target.createTarget", json!({"url": "about:blank"}));
        let attached = self.call("Target.attachToTarget", json!({"targetId": target["targetId"], "flatten": true}));
        self.session = attached["sessionId"].as_str().map(str::to_string);
        self.call("Network.enable", json!({}));
        self.call("Page.enable", json!({}));
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for("Page.loadEventFired");
        self.eval_until("document.readyState === 'complete'");
    }

    /// Every URL the page has asked for so far.
    fn requested(&mut self) -> Vec<String> {
        // Flush events that arrived while nothing was waiting.
        while let Ok(m) = self.messages.try_recv() {
            self.events.push(m);
        }
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(str::to_string))
            .collect()
    }
}

fn chromium_site() -> Option<(SiteTest, u16)> {
    if !Path::new(CHROMIUM).exists() {
        #[allow(clippy::print_stderr, reason = "tells why the browser test did nothing")]
        {
            eprintln!("note: {CHROMIUM} is not installed; skipping the headless-browser video test");
        }
        return None;
    }
    let site = SiteTest::fixture("videos");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let port = serve(site.public());
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
