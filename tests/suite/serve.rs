//! `shopstory serve`, black box: the real binary on 127.0.0.1 with a port
//! the system picks (`--port 0`; the address is the first line on stdout),
//! spoken to in raw HTTP over `TcpStream`. Every wait is bounded, and the
//! server is killed when its guard is dropped, even when a test fails.

use crate::harness::{SiteTest, TODAY_EPOCH};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Every wait in these tests ends by then.
pub(crate) const WAIT: Duration = Duration::from_secs(30);

/// A running `shopstory serve`; killed on drop.
pub(crate) struct Serve {
    child: Child,
    pub(crate) port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    /// Starts `shopstory serve --port 0 <args>` in `root` and waits for its address.
    pub(crate) fn start(root: &Path, args: &[&str]) -> Serve {
        Serve::start_on(root, 0, args)
    }

    /// The same on a given port (0: any).
    pub(crate) fn start_on(root: &Path, port: u16, args: &[&str]) -> Serve {
        Serve::try_start_on(root, port, args).unwrap_or_else(|why| panic!("{why}"))
    }

    /// Starts `serve` on `port`, or says why it did not print its address
    /// (a port another test grabbed meanwhile, say).
    pub(crate) fn try_start_on(root: &Path, port: u16, args: &[&str]) -> Result<Serve, String> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shopstory"))
            .args(["serve", "--port", &port.to_string()])
            .args(args)
            .current_dir(root)
            .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
            .env_remove("SHOPSTORY_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start shopstory serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (err_pipe, log) = (child.stderr.take().unwrap(), stderr.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(err_pipe).lines().map_while(Result::ok) {
                let mut log = log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut serve = Serve { child, port: 0, stderr };
        let line =
            rx.recv_timeout(WAIT).map_err(|_| format!("serve printed no address; stderr:\n{}", serve.stderr()))?;
        let url = line.strip_prefix("serving http://127.0.0.1:").ok_or_else(|| format!("first line: {line}"))?;
        // `PORT/`, or `PORT/shop/` for a site under a sub-path.
        serve.port = url.split('/').next().unwrap_or("").parse().map_err(|_| format!("first line: {line}"))?;
        Ok(serve)
    }

    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub(crate) fn get(&self, target: &str) -> Resp {
        request(
            self.port,
            &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", self.port),
        )
    }

    pub(crate) fn get_with(&self, target: &str, header: &str) -> Resp {
        request(
            self.port,
            &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{header}\r\nConnection: close\r\n\r\n", self.port),
        )
    }

    /// Waits until `target` answers 200 with a body that satisfies `ok`.
    pub(crate) fn wait_for(&self, target: &str, what: &str, ok: impl Fn(&str) -> bool) -> Resp {
        let deadline = Instant::now() + WAIT;
        loop {
            let r = self.get(target);
            if ok(&r.text()) {
                return r;
            }
            assert!(
                Instant::now() < deadline,
                "{target} never showed {what}; last reply {}:\n{}\nstderr:\n{}",
                r.status,
                r.text(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits until `target` answers with `status`.
    pub(crate) fn wait_status(&self, target: &str, status: u16) -> Resp {
        let deadline = Instant::now() + WAIT;
        loop {
            let r = self.get(target);
            if r.status == status {
                return r;
            }
            assert!(
                Instant::now() < deadline,
                "{target} never answered {status} (last {}); stderr:\n{}",
                r.status,
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits until stderr shows `needle` (it may come after the address on stdout).
    pub(crate) fn wait_stderr(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let err = self.stderr();
            if err.contains(needle) {
                return err;
            }
            assert!(Instant::now() < deadline, "stderr never showed {needle}:\n{err}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// How many rebuilds the terminal reported.
    pub(crate) fn rebuilds(&self) -> usize {
        self.stderr()
            .lines()
            .filter(|l| l.contains("rebuilt after a change") || l.starts_with("the browser shows these errors"))
            .count()
    }
}

pub(crate) struct Resp {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Resp {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `raw` as it is and reads the whole reply (the request asks the
/// server to close the connection).
pub(crate) fn request(port: u16, raw: &str) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).expect("read the reply");
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or_else(|| panic!("no header end: {bytes:?}"));
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let body = bytes[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    Resp { status, headers, body }
}

const POST: &str = "content/posts/2026-10-01-open-day.md";
const POST_URL: &str = "/blog/open-day/";

fn basic() -> (SiteTest, Serve) {
    let site = SiteTest::fixture("basic");
    let serve = Serve::start(&site.root, &[]);
    (site, serve)
}

// ---------------------------------------------------------------- HTTP

#[test]
fn serve_answers_with_the_right_status_type_and_headers() {
    let (site, s) = basic();
    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(home.header("Cache-Control"), Some("no-store"));
    assert_eq!(home.header("Transfer-Encoding"), None);
    assert_eq!(home.header("Content-Length"), Some(home.body.len().to_string().as_str()));
    let html = home.text();
    assert!(html.contains("<script src=\"/__shopstory/reload.js\" data-generation=\"1\""), "{html}");
    assert_eq!(html.matches("</body>").count(), 1);

    // The folder without its slash moves; with it, its index.html.
    let blog = s.get("/blog?x=1");
    assert_eq!((blog.status, blog.header("Location")), (301, Some("/blog/?x=1")));
    assert_eq!(s.get("/blog/").status, 200);
    assert_eq!(s.get("/blog/index.html").status, 200);

    for (target, ctype) in [
        ("/theme/style.css", "text/css; charset=utf-8"),
        ("/feed.xml", "application/xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/prices.txt", "text/plain; charset=utf-8"),
        ("/__shopstory/reload.js", "text/javascript; charset=utf-8"),
    ] {
        let r = s.get(target);
        assert_eq!((r.status, r.header("Content-Type")), (200, Some(ctype)), "{target}");
        assert_eq!(r.header("Cache-Control"), Some("no-cache"), "{target}");
    }
    // Files other than HTML are served exactly as built.
    assert_eq!(s.get("/prices.txt").body, std::fs::read(site.root.join("static/prices.txt")).unwrap());

    // The site's own 404 page, with status 404.
    let missing = s.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("Content-Type"), Some("text/html; charset=utf-8"));
    let built_404 = {
        let run = site.build();
        assert_eq!(run.code, 0, "{}", run.stderr);
        std::fs::read_to_string(site.public().join("404.html")).unwrap()
    };
    let head_of_404 = built_404.split("</body>").next().unwrap();
    assert!(missing.text().starts_with(head_of_404), "{}", missing.text());

    // HEAD: the headers of a GET, no body.
    let head = request(
        s.port,
        &format!("HEAD /theme/style.css HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n", s.port),
    );
    let css = s.get("/theme/style.css");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("Content-Length"), css.header("Content-Length"));
    assert_eq!(head.header("ETag"), css.header("ETag"));

    // Other methods are refused.
    let post = request(
        s.port,
        &format!("POST / HTTP/1.1\r\nHost: localhost:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", s.port),
    );
    assert_eq!((post.status, post.header("Allow")), (405, Some("GET, HEAD")));

    // Serving and building read files; that alone never triggers a rebuild.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(s.rebuilds(), 0, "{}", s.stderr());
}

#[test]
fn serve_supports_ranges_and_conditional_requests() {
    let (site, s) = basic();
    let full = std::fs::read(site.root.join("static/prices.txt")).unwrap();
    let len = full.len();
    let r = s.get_with("/prices.txt", "Range: bytes=2-6");
    assert_eq!(r.status, 206);
    assert_eq!(r.header("Content-Range"), Some(format!("bytes 2-6/{len}").as_str()));
    assert_eq!(r.body, full[2..=6]);
    let r = s.get_with("/prices.txt", "Range: bytes=-3");
    assert_eq!((r.status, &r.body[..]), (206, &full[len - 3..]));
    let r = s.get_with("/prices.txt", &format!("Range: bytes={len}-"));
    assert_eq!(r.status, 416);
    assert_eq!(r.header("Content-Range"), Some(format!("bytes */{len}").as_str()));

    let first = s.get("/prices.txt");
    assert_eq!(first.header("Accept-Ranges"), Some("bytes"));
    let etag = first.header("ETag").unwrap().to_string();
    let last_modified = first.header("Last-Modified").unwrap().to_string();
    let r = s.get_with("/prices.txt", &format!("If-None-Match: {etag}"));
    assert_eq!((r.status, r.body.len()), (304, 0));
    assert_eq!(r.header("ETag"), Some(etag.as_str()));
    let r = s.get_with("/prices.txt", &format!("If-Modified-Since: {last_modified}"));
    assert_eq!(r.status, 304);
    let r = s.get_with("/prices.txt", "If-None-Match: \"something-else\"");
    assert_eq!(r.status, 200);
    // Rendered files too (in memory): the feed keeps its tag across requests.
    let feed = s.get("/feed.xml");
    let r = s.get_with("/feed.xml", &format!("If-None-Match: {}", feed.header("ETag").unwrap()));
    assert_eq!(r.status, 304);
}

#[test]
fn serve_answers_many_connections_at_once_while_pages_long_poll() {
    let (_site, s) = basic();
    let home = s.get("/").text();
    let instance = home.split("data-instance=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    // Eight pages waiting for a reload hold eight connections...
    let port = s.port;
    let polls: Vec<_> = (0..8)
        .map(|_| {
            let target = format!("/__shopstory/reload?since=1&instance={instance}");
            std::thread::spawn(move || {
                request(port, &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"))
            })
        })
        .collect();
    // ...and files are still served, from many connections at once.
    let started = Instant::now();
    let gets: Vec<_> = (0..16)
        .map(|_| {
            std::thread::spawn(move || {
                request(
                    port,
                    &format!("GET /theme/style.css HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
                )
                .status
            })
        })
        .collect();
    for g in gets {
        assert_eq!(g.join().unwrap(), 200);
    }
    assert!(started.elapsed() < Duration::from_secs(10), "file requests waited behind long polls");
    // A change answers every poll with the new generation.
    std::fs::write(_site.root.join("static/prices.txt"), "new prices\n").unwrap();
    for p in polls {
        let r = p.join().unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("Content-Type"), Some("application/json"));
        assert_eq!(r.text(), format!("{{\"instance\":\"{instance}\",\"generation\":2,\"reload\":\"page\"}}"));
    }
    // A page from another run of the server reloads at once.
    let r = s.get("/__shopstory/reload?since=2&instance=old-run");
    assert!(r.text().ends_with("\"reload\":\"page\"}"), "{}", r.text());
}

// ---------------------------------------------------------------- safety

#[test]
fn serve_refuses_every_path_outside_the_output() {
    let (site, s) = basic();
    let outside = site.root.parent().unwrap().join("secret.txt");
    std::fs::write(&outside, "TOP SECRET").unwrap();
    std::fs::write(site.root.join("secret.txt"), "TOP SECRET").unwrap();
    // A link out of the site that is not part of the output.
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.root.parent().unwrap(), site.root.join("way-out")).unwrap();
    let attempts = [
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/blog/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/.%2e/secret.txt",
        "/..%2fsecret.txt",
        "/blog%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/blog\\..\\..\\secret.txt",
        "//etc/passwd",
        "/secret.txt%00.html",
        "/index.html%00",
        "/%zz",
        "/secret.txt",
        "/site.yaml",
        "/content/posts/2026-10-01-open-day.md",
        "/static/prices.txt",
        "/way-out/secret.txt",
        "/way-out/site/site.yaml",
        "/.shopstory-output",
        "/__shopstory/../secret.txt",
        "http://127.0.0.1/../secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
    ];
    for target in attempts {
        let r = request(
            s.port,
            &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", s.port),
        );
        assert!(r.status == 400 || r.status == 404, "{target}: {} {}", r.status, r.text());
        assert!(!r.text().contains("TOP SECRET") && !r.text().contains("root:"), "{target} leaked");
        assert!(!r.text().contains("base_url"), "{target} leaked site.yaml");
    }
    // The server is still fine.
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn serve_never_writes_public_or_the_site() {
    let site = SiteTest::fixture("basic");
    // A previous build stays exactly as it was.
    assert_eq!(site.build().code, 0);
    let before = crate::harness::tree(&site.public());
    let s = Serve::start(&site.root, &[]);
    site.write(POST, &site.read(POST).replace("Three teas", "Four teas"));
    s.wait_for(POST_URL, "the edit", |t| t.contains("Four teas"));
    assert_eq!(crate::harness::tree(&site.public()), before, "serve touched public/");
    // Nothing new in the site folder but the image cache.
    for e in std::fs::read_dir(&site.root).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            [".shopstory-cache", "content", "data", "public", "site.yaml", "static"].contains(&name.as_str()),
            "serve wrote {name}"
        );
    }
}

#[test]
fn serve_reports_a_busy_port_and_warns_beyond_loopback() {
    let site = SiteTest::fixture("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, stderr) = run_bounded(&site.root, &["serve", "--port", &port]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(&format!("error: port {port} on 127.0.0.1 is already in use")), "{stderr}");
    assert!(stderr.contains("help: stop the other one, or choose another port: shopstory serve --port "), "{stderr}");

    let s = Serve::start(&site.root, &["--bind", "0.0.0.0"]);
    let err = s.wait_stderr("watching for changes");
    assert!(err.contains("warning: listening on 0.0.0.0: other devices on your network can see this preview"), "{err}");
    assert!(err.contains("on a phone on the same network, open"), "{err}");
    assert_eq!(s.get("/").status, 200);

    let (code, stderr) = run_bounded(&site.root, &["serve", "--bind", "not-an-address"]);
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn serve_outside_a_site_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stderr) = run_bounded(tmp.path(), &["serve", "--port", "0"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("this folder has no site.yaml"), "{stderr}");
}

/// Runs shopstory to its end, or kills it after `WAIT`: (exit code, stderr).
fn run_bounded(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shopstory"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("shopstory {args:?} did not end");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    (status.code(), stderr)
}

// ---------------------------------------------------------------- watching

#[test]
fn serve_shows_an_edited_post_and_the_lists_that_show_it() {
    let (site, s) = basic();
    assert!(!s.get(POST_URL).text().contains("Four teas"));
    site.write(
        POST,
        &site
            .read(POST)
            .replace("title: \"Open day: tea, yarn & <cake>\"", "title: Open day, renamed")
            .replace("Three teas", "Four teas"),
    );
    s.wait_for(POST_URL, "the new body", |t| t.contains("Four teas"));
    s.wait_for("/", "the new title on the home page", |t| t.contains("Open day, renamed"));
    s.wait_for("/feed.xml", "the new title in the feed", |t| t.contains("Open day, renamed"));
    s.wait_for("/tags/news/", "the new title on its tag page", |t| t.contains("Open day, renamed"));
}

#[test]
fn serve_follows_a_save_by_rename_a_delete_and_a_new_file() {
    let (site, s) = basic();
    // Editors that write a temporary file and rename it over the post.
    let tmp = site.root.join("content/posts/.2026-10-01-open-day.md.swp");
    std::fs::write(&tmp, site.read(POST).replace("Three teas", "Five teas")).unwrap();
    std::fs::rename(&tmp, site.root.join(POST)).unwrap();
    s.wait_for(POST_URL, "the renamed-over save", |t| t.contains("Five teas"));

    // A new post.
    site.write("content/posts/2026-11-20-new-wool.md", "---\ntitle: New wool arrived\n---\nSoft and warm.\n");
    s.wait_for("/blog/new-wool/", "the new post", |t| t.contains("Soft and warm."));
    s.wait_for("/", "the new post on the home page", |t| t.contains("New wool arrived"));

    // A deleted post: its page is gone, and so is its card.
    std::fs::remove_file(site.root.join("content/posts/2026-11-20-new-wool.md")).unwrap();
    s.wait_status("/blog/new-wool/", 404);
    s.wait_for("/", "the card gone", |t| !t.contains("New wool arrived"));

    // A renamed folder of pages.
    std::fs::rename(site.root.join("content/pages"), site.root.join("content/pages-away")).unwrap();
    s.wait_status("/about/", 404);
    std::fs::rename(site.root.join("content/pages-away"), site.root.join("content/pages")).unwrap();
    s.wait_status("/about/", 200);
}

#[test]
fn serve_settles_a_burst_of_writes_in_one_correct_state() {
    let (site, s) = basic();
    let before = s.rebuilds();
    // 200 writes as fast as the disk takes them, like a `git checkout`:
    // 100 new posts, each written twice (the second time with its final text).
    for round in 0..2 {
        for i in 0..100 {
            site.write(
                &format!("content/posts/2026-09-{:02}-burst-{i:03}.md", 1 + i % 28),
                &format!("---\ntitle: Burst {i} round {round}\n---\nBody {i} of round {round}.\n"),
            );
        }
    }
    s.wait_for("/blog/burst-099/", "the last post of the burst", |t| t.contains("Body 99 of round 1."));
    // Every page is there, in its final state.
    for i in 0..100 {
        let r = s.get(&format!("/blog/burst-{i:03}/"));
        assert_eq!(r.status, 200, "burst-{i:03}");
        assert!(r.text().contains(&format!("Body {i} of round 1.")), "burst-{i:03}: {}", r.text());
    }
    let deadline = Instant::now() + WAIT;
    while s.rebuilds() == before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let rebuilds = s.rebuilds() - before;
    assert!((1..=20).contains(&rebuilds), "{rebuilds} rebuilds for one burst:\n{}", s.stderr());
}

#[test]
fn serve_shows_errors_over_the_last_good_page_and_clears_them() {
    let (site, s) = basic();
    let good = site.read(POST);
    site.write(POST, &good.replace("tags: [News, community]", "tags: [News, community\nauthor: ada"));
    let broken = s.wait_for(POST_URL, "the overlay", |t| t.contains("id=\"shopstory-overlay\""));
    let html = broken.text();
    assert_eq!(broken.status, 200);
    // The last good page is still served under the overlay...
    assert!(html.contains("Three teas and one cake."), "{html}");
    // ...which names the file and line, escaped.
    assert!(html.contains("--&gt; content/posts/2026-10-01-open-day.md:"), "{html}");
    assert!(html.contains("shopstory: the last change has errors"), "{html}");
    // Other pages show it too, and the terminal printed it.
    assert!(s.get("/").text().contains("id=\"shopstory-overlay\""));
    let err = s.wait_stderr("the browser shows these errors; the last good pages are still served");
    assert!(err.contains("--> content/posts/2026-10-01-open-day.md:"), "{err}");

    // The fix clears it.
    site.write(POST, &good.replace("Three teas", "Six teas"));
    let fixed = s.wait_for(POST_URL, "the fix", |t| t.contains("Six teas"));
    assert!(!fixed.text().contains("shopstory-overlay"), "{}", fixed.text());
    s.wait_stderr("errors fixed; rebuilt after a change to content/posts/2026-10-01-open-day.md");
}

#[test]
fn serve_swaps_only_the_stylesheet_when_only_css_changed() {
    let (site, s) = basic();
    let home = s.get("/").text();
    let instance = home.split("data-instance=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    site.write("static/extra.css", "body { color: red }\n");
    s.wait_status("/extra.css", 200);
    let generation = |s: &Serve| -> u64 {
        let t = s.get("/").text();
        t.split("data-generation=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap()
    };
    let mut g = generation(&s);
    site.write("static/extra.css", "body { color: blue }\n");
    let deadline = Instant::now() + WAIT;
    let answer = loop {
        let r = s.get(&format!("/__shopstory/reload?since={g}&instance={instance}")).text();
        let v: serde_json::Value = serde_json::from_str(&r).unwrap();
        // A late echo of the first write may come first, changing nothing.
        if v["reload"] == "none" && Instant::now() < deadline {
            g = v["generation"].as_u64().unwrap();
            continue;
        }
        break v;
    };
    assert_eq!(answer["reload"], "css", "{answer}");
    assert_eq!(s.get("/extra.css").text(), "body { color: blue }\n");
}
