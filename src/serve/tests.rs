//! Unit tests of the preview: the path guard (with hostile paths from
//! proptest), ranges, conditional requests and whole replies, without sockets.

use super::guard::*;
use super::http::*;
use super::reload::View;
use super::snapshot::Snapshot;
use super::*;
use crate::output::{Contents, OutputFile};
use proptest::prelude::*;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

// ---------------------------------------------------------------- the guard

fn ok(path: &str) -> Vec<String> {
    request_path(path).unwrap_or_else(|e| panic!("{path}: {e:?}")).segments
}

#[test]
fn guard_decodes_plain_paths() {
    assert_eq!(ok("/"), Vec::<String>::new());
    assert_eq!(ok("/blog/"), ["blog"]);
    assert_eq!(ok("/blog/a%20b/"), ["blog", "a b"]);
    assert_eq!(ok("/caf%C3%A9/"), ["café"]);
    assert_eq!(ok("/theme/style.css"), ["theme", "style.css"]);
    assert_eq!(ok("/a..b/c.."), ["a..b", "c.."]);
    assert_eq!(request_path("/blog/").unwrap().key(), "blog/index.html");
    assert_eq!(request_path("/").unwrap().key(), "index.html");
    assert_eq!(request_path("/feed.xml").unwrap().key(), "feed.xml");
}

#[test]
fn guard_refuses_every_way_out() {
    let cases = [
        ("/../etc/passwd", Refused::DotSegment),
        ("/blog/../../etc/passwd", Refused::DotSegment),
        ("/blog/..", Refused::DotSegment),
        ("/./index.html", Refused::DotSegment),
        ("/%2e%2e/etc/passwd", Refused::DotSegment),
        ("/%2E%2E/%2E%2E/etc/passwd", Refused::DotSegment),
        ("/.%2e/x", Refused::DotSegment),
        ("/%2e/x", Refused::DotSegment),
        ("/..%2fetc%2fpasswd", Refused::EncodedSeparator),
        ("/blog%2f..%2f..%2fetc", Refused::EncodedSeparator),
        ("/%2F", Refused::EncodedSeparator),
        ("/..%5c..%5cwindows", Refused::EncodedSeparator),
        ("/..\\..\\windows", Refused::Backslash),
        ("/blog\\x", Refused::Backslash),
        ("//etc/passwd", Refused::EmptySegment),
        ("/blog//x", Refused::EmptySegment),
        ("/index.html%00.css", Refused::ControlCharacter),
        ("/a%0a", Refused::ControlCharacter),
        ("/%zz", Refused::BadEncoding),
        ("/%2", Refused::BadEncoding),
        ("/%ff%fe", Refused::BadEncoding),
        ("etc/passwd", Refused::NotAPath),
        ("http://example.com/", Refused::NotAPath),
        ("*", Refused::NotAPath),
        ("", Refused::NotAPath),
    ];
    for (path, why) in cases {
        assert_eq!(request_path(path), Err(why), "{path}");
    }
}

/// Percent-encodes every byte, as a hostile client may.
fn encode_all(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

proptest! {
    /// Whatever comes in, what passes is a plain relative path: joined to a
    /// root, it stays under that root, component by component.
    #[test]
    fn guard_output_never_leaves_the_root(path in "(/|%2[eEfF]|%5[cC]|%00|\\.|\\\\|[a-z]|%[0-9a-fA-F]{2}|:){0,24}") {
        if let Ok(req) = request_path(&path) {
            let root = std::path::Path::new("/srv/preview");
            let joined = root.join(req.key());
            prop_assert!(joined.starts_with(root));
            for seg in &req.segments {
                prop_assert!(!seg.is_empty() && seg != "." && seg != "..");
                prop_assert!(!seg.contains(['/', '\\', '\0']));
            }
            let key = req.key();
            let comps: Vec<_> = std::path::Path::new(&key).components().collect();
            prop_assert!(comps.iter().all(|c| matches!(c, std::path::Component::Normal(_))), "{:?}", comps);
        }
    }

    /// A safe name survives any encoding of it.
    #[test]
    fn guard_decodes_any_encoding_of_safe_names(names in proptest::collection::vec("[a-zA-Z0-9_ .-]{1,12}", 1..5)) {
        // `.` and `..` are not safe names; make them so without rejecting cases.
        let names: Vec<String> = names.into_iter().map(|n| if n.chars().all(|c| c == '.') { format!("{n}x") } else { n }).collect();
        let plain = format!("/{}", names.join("/"));
        let encoded = format!("/{}", names.iter().map(|n| encode_all(n)).collect::<Vec<_>>().join("/"));
        prop_assert_eq!(request_path(&encoded).map(|r| r.segments), Ok(names.clone()));
        if !plain.contains(' ') {
            prop_assert_eq!(request_path(&plain).map(|r| r.segments), Ok(names));
        }
    }

    /// Any `..` segment, however encoded and wherever it sits, is refused.
    #[test]
    fn guard_refuses_dot_dot_anywhere(before in proptest::collection::vec("[a-z]{1,5}", 0..3), after in proptest::collection::vec("[a-z]{1,5}", 0..3), enc in 0usize..4) {
        let dots = ["..", "%2e%2e", "%2E.", ".%2e"][enc];
        let mut segs = before.clone();
        segs.push(dots.to_string());
        segs.extend(after);
        let path = format!("/{}", segs.join("/"));
        prop_assert_eq!(request_path(&path), Err(Refused::DotSegment));
    }
}

#[test]
fn resolves_folders_redirects_and_misses() {
    let has = |k: &str| ["index.html", "blog/index.html", "feed.xml"].contains(&k);
    let r = |p: &str, q: Option<&str>| resolve(&request_path(p).unwrap(), p, q, has);
    assert_eq!(r("/", None), Resolved::File("index.html".into()));
    assert_eq!(r("/blog/", None), Resolved::File("blog/index.html".into()));
    assert_eq!(r("/blog", None), Resolved::Redirect("/blog/".into()));
    assert_eq!(r("/blog", Some("page=2")), Resolved::Redirect("/blog/?page=2".into()));
    assert_eq!(r("/feed.xml", None), Resolved::File("feed.xml".into()));
    assert_eq!(r("/feed.xml/", None), Resolved::NotFound);
    assert_eq!(r("/nope", None), Resolved::NotFound);
}

#[test]
fn content_types_by_extension() {
    assert_eq!(content_type("blog/index.html"), "text/html; charset=utf-8");
    assert_eq!(content_type("theme/style.css"), "text/css; charset=utf-8");
    assert_eq!(content_type("feed.xml"), "application/xml; charset=utf-8");
    assert_eq!(content_type("img/a.WEBP"), "image/webp");
    assert_eq!(content_type("v/how-to.mp4"), "video/mp4");
    assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
    assert_eq!(content_type("LICENSE"), "application/octet-stream");
    assert_eq!(content_type("a.tar.gz"), "application/octet-stream");
}

// ---------------------------------------------------------------- ranges, conditionals

#[test]
fn ranges() {
    use RangeAsk::*;
    assert_eq!(parse_range("bytes=0-9", 100), Part { start: 0, end: 9 });
    assert_eq!(parse_range("bytes=90-", 100), Part { start: 90, end: 99 });
    assert_eq!(parse_range("bytes=90-200", 100), Part { start: 90, end: 99 });
    assert_eq!(parse_range("bytes=-10", 100), Part { start: 90, end: 99 });
    assert_eq!(parse_range("bytes=-500", 100), Part { start: 0, end: 99 });
    assert_eq!(parse_range("bytes=100-", 100), Unsatisfiable);
    assert_eq!(parse_range("bytes=-0", 100), Unsatisfiable);
    assert_eq!(parse_range("bytes=0-", 0), Unsatisfiable);
    // Malformed or several ranges: ignored, the whole file is sent.
    assert_eq!(parse_range("bytes=9-0", 100), Full);
    assert_eq!(parse_range("bytes=0-1,5-6", 100), Full);
    assert_eq!(parse_range("items=0-1", 100), Full);
    assert_eq!(parse_range("bytes=a-b", 100), Full);
    assert_eq!(parse_range("bytes=+1-2", 100), Full);
}

#[test]
fn conditionals() {
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let h = |inm: Option<&str>, ims: Option<&str>| ReqHeaders {
        if_none_match: inm.map(Into::into),
        if_modified_since: ims.map(Into::into),
        ..Default::default()
    };
    assert!(not_modified(&h(Some("\"abc\""), None), "\"abc\"", t));
    assert!(not_modified(&h(Some("\"x\", W/\"abc\""), None), "\"abc\"", t));
    assert!(not_modified(&h(Some("*"), None), "\"abc\"", t));
    assert!(!not_modified(&h(Some("\"abd\""), None), "\"abc\"", t));
    let date = httpdate::fmt_http_date(t);
    assert!(not_modified(&h(None, Some(&date)), "\"abc\"", t + Duration::from_millis(300)));
    assert!(!not_modified(&h(None, Some(&date)), "\"abc\"", t + Duration::from_secs(1)));
    // If-None-Match wins over If-Modified-Since.
    assert!(!not_modified(&h(Some("\"zzz\""), Some(&date)), "\"abc\"", t));
    assert!(!not_modified(&h(None, Some("yesterday")), "\"abc\"", t));
    // A date in the future is no date: the file is sent (RFC 9110 §13.1.3).
    let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
    assert!(!not_modified(&h(None, Some(&future)), "\"abc\"", t));
    assert!(!not_modified(&h(None, Some("Fri, 01 Jan 2100 00:00:00 GMT")), "\"abc\"", SystemTime::now()));
}

// ---------------------------------------------------------------- whole replies

fn page(path: &str, text: &str) -> OutputFile {
    OutputFile { path: path.into(), contents: Contents::Bytes(text.as_bytes().to_vec()) }
}

fn view_of(files: Vec<OutputFile>) -> View {
    let (snap, _) = Snapshot::new(files, None, SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000));
    View { generation: 3, site: Some(std::sync::Arc::new(snap)), errors: None }
}

fn header<'a>(r: &'a Reply, name: &str) -> Option<&'a str> {
    r.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn get(view: &View, target: &str, h: &ReqHeaders) -> (u16, Vec<(&'static str, String)>, String) {
    let r = respond(target, h, view, "run1");
    let (status, headers) = (r.status, r.headers.clone());
    (status, headers, String::from_utf8_lossy(&r.body.bytes()).into_owned())
}

#[test]
fn html_gets_the_script_the_rest_stays_as_built() {
    let view = view_of(vec![
        page("index.html", "<!doctype html><html><body><p>Home</p></body></html>\n"),
        page("theme/style.css", "body{}"),
        page("404.html", "<html><body>Lost?</body></html>"),
    ]);
    let (status, headers, body) = get(&view, "/", &ReqHeaders::default());
    assert_eq!(status, 200);
    assert_eq!(
        body,
        "<!doctype html><html><body><p>Home</p>\n<!-- shopstory serve: preview only, not in the built files -->\n<script src=\"/__shopstory/reload.js\" data-generation=\"3\" data-instance=\"run1\"></script>\n</body></html>\n"
    );
    let cache = headers.iter().find(|(n, _)| *n == "Cache-Control").unwrap();
    assert_eq!(cache.1, "no-store");
    let (status, _, body) = get(&view, "/theme/style.css", &ReqHeaders::default());
    assert_eq!((status, body.as_str()), (200, "body{}"));
    let (status, _, body) = get(&view, "/nope/", &ReqHeaders::default());
    assert_eq!(status, 404);
    assert!(body.starts_with("<html><body>Lost?\n<!-- shopstory serve"), "{body}");
    let (status, _, body) = get(&view, "/../../etc/passwd", &ReqHeaders::default());
    assert_eq!((status, body.as_str()), (400, "400: refused: the path has a `.` or `..` segment\n"));
    let (status, _, body) = get(&view, "/__shopstory/reload.js", &ReqHeaders::default());
    assert_eq!(status, 200);
    assert!(body.contains("location.reload()"));
}

#[test]
fn ranges_and_revalidation_of_files() {
    let view = view_of(vec![page("v.mp4", "0123456789")]);
    let r = respond("/v.mp4", &ReqHeaders { range: Some("bytes=2-4".into()), ..Default::default() }, &view, "run1");
    assert_eq!(r.status, 206);
    assert_eq!(header(&r, "Content-Range"), Some("bytes 2-4/10"));
    assert_eq!(r.body.bytes(), b"234");
    let r = respond("/v.mp4", &ReqHeaders { range: Some("bytes=20-".into()), ..Default::default() }, &view, "run1");
    assert_eq!(r.status, 416);
    assert_eq!(header(&r, "Content-Range"), Some("bytes */10"));
    let full = respond("/v.mp4", &ReqHeaders::default(), &view, "run1");
    let etag = header(&full, "ETag").unwrap().to_string();
    assert_eq!(header(&full, "Accept-Ranges"), Some("bytes"));
    assert_eq!(header(&full, "Last-Modified"), Some("Fri, 15 Jan 2027 08:00:00 GMT"));
    let r = respond("/v.mp4", &ReqHeaders { if_none_match: Some(etag.clone()), ..Default::default() }, &view, "run1");
    assert_eq!((r.status, r.full_len), (304, Some(10)));
    // If-Range with a stale tag: the whole file, not a part of a new one.
    let r = respond(
        "/v.mp4",
        &ReqHeaders { range: Some("bytes=2-4".into()), if_range: Some("\"old\"".into()), ..Default::default() },
        &view,
        "run1",
    );
    assert_eq!(r.status, 200);
    let r = respond(
        "/v.mp4",
        &ReqHeaders { range: Some("bytes=2-4".into()), if_range: Some(etag), ..Default::default() },
        &view,
        "run1",
    );
    assert_eq!(r.status, 206);
}

#[test]
fn a_failed_rebuild_shows_the_overlay_on_the_last_good_page() {
    let mut view = view_of(vec![page("index.html", "<body>Home</body>")]);
    view.errors = Some(std::sync::Arc::from(
        "<pre class=\"shopstory-diag shopstory-error\">error: bad --&gt; content/posts/a.md:2:1</pre>",
    ));
    let (status, _, body) = get(&view, "/", &ReqHeaders::default());
    assert_eq!(status, 200);
    assert!(body.starts_with("<body>Home\n"), "{body}");
    assert!(body.contains("<div id=\"shopstory-overlay\" role=\"alert\">"), "{body}");
    assert!(body.contains("content/posts/a.md:2:1"), "{body}");
    // Before any good build: a page that waits, with the errors.
    let view = View { generation: 1, site: None, errors: view.errors.clone() };
    let (status, _, body) = get(&view, "/blog/", &ReqHeaders::default());
    assert_eq!(status, 503);
    assert!(body.contains("has not been built yet") && body.contains("content/posts/a.md:2:1"), "{body}");
}

// ---------------------------------------------------------------- the Host guard

#[test]
fn host_guard_accepts_this_computer_and_refuses_other_names() {
    let local: SocketAddr = "127.0.0.1:1111".parse().unwrap();
    let lan: SocketAddr = "192.168.1.20:1111".parse().unwrap();
    let any: SocketAddr = "0.0.0.0:1111".parse().unwrap();
    let check = |host: &str, bound: SocketAddr| check_host(&[host], true, bound);
    for ok in ["127.0.0.1:1111", "localhost:1111", "LocalHost:1111", "[::1]:1111", " localhost:1111 "] {
        for bound in [local, lan, any] {
            assert_eq!(check(ok, bound), Ok(()), "{ok} on {bound}");
        }
    }
    assert_eq!(check("192.168.1.20:1111", lan), Ok(()));
    assert_eq!(check("192.168.1.20:1111", local), Err(HostRefused::NotOurs));
    // Bound to every address: any address (it cannot be rebound), still no name.
    assert_eq!(check("10.0.0.7:1111", any), Ok(()));
    assert_eq!(check("[fe80::1]:1111", any), Ok(()));
    for bad in [
        "evil.example:1111",
        "evil.example",
        "localhost.evil.example:1111",
        "127.0.0.1.nip.io:1111",
        "localhost:1112",
        "127.0.0.1",
        "localhost",
        "127.0.0.1:",
        "127.0.0.1:11a1",
        "127.0.0.1:99999",
        "[::1",
        "[::1]1111",
        "::1",
        "",
        "@127.0.0.1:1111",
    ] {
        for bound in [local, lan, any] {
            assert_eq!(check(bad, bound), Err(HostRefused::NotOurs), "{bad:?} on {bound}");
        }
    }
    // Port 80 may go unsaid.
    let port80: SocketAddr = "127.0.0.1:80".parse().unwrap();
    assert_eq!(check("localhost", port80), Ok(()));
    assert_eq!(check_host(&[], true, local), Err(HostRefused::Missing));
    assert_eq!(check_host(&[], false, local), Ok(()), "HTTP/1.0 may leave Host out");
    assert_eq!(check_host(&["localhost:1111", "localhost:1111"], true, local), Err(HostRefused::Several));
}

fn req(raw: &str) -> super::server::Request {
    match super::server::parse_head(raw.as_bytes()) {
        super::server::Parsed::Complete(r, _) => r,
        other => panic!("{other:?}"),
    }
}

#[test]
fn answer_checks_the_host_before_anything_of_the_site() {
    let shared = super::reload::Shared::new("run1".into());
    let (snap, _) = Snapshot::new(vec![page("index.html", "<body>Secret draft</body>")], None, SystemTime::UNIX_EPOCH);
    shared.publish(std::sync::Arc::new(snap), super::snapshot::Reload::Page);
    let bound: SocketAddr = "127.0.0.1:1111".parse().unwrap();
    let text = |r: Reply| (r.status, String::from_utf8(r.body.bytes()).unwrap());
    let (status, body) = text(answer(&req("GET / HTTP/1.1\r\nHost: localhost:1111\r\n\r\n"), &shared, bound));
    assert_eq!(status, 200);
    assert!(body.starts_with("<body>Secret draft"), "{body}");
    assert_eq!(
        text(answer(&req("GET / HTTP/1.1\r\nHost: evil.example:1111\r\n\r\n"), &shared, bound)),
        (
            421,
            "421: the preview answers only when it is opened as http://localhost:1111/ or http://127.0.0.1:1111/; \
             this request was addressed to another name (maybe a page of another site trying to read the preview)\n"
                .to_string()
        )
    );
    // The long poll and the preview's own files too.
    let poll =
        answer(&req("GET /__shopstory/reload?since=0 HTTP/1.1\r\nHost: evil.example:1111\r\n\r\n"), &shared, bound);
    assert_eq!(poll.status, 421);
    let script = answer(&req("GET /__shopstory/reload.js HTTP/1.1\r\nHost: evil.example:1111\r\n\r\n"), &shared, bound);
    assert_eq!(script.status, 421);
    assert_eq!(
        text(answer(&req("GET / HTTP/1.1\r\n\r\n"), &shared, bound)),
        (400, "400: an HTTP/1.1 request needs a Host header\n".to_string())
    );
    assert_eq!(
        text(answer(&req("GET / HTTP/1.1\r\nHost: localhost:1111\r\nHost: evil.example\r\n\r\n"), &shared, bound)),
        (400, "400: the request has more than one Host header\n".to_string())
    );
    assert_eq!(answer(&req("GET / HTTP/1.0\r\n\r\n"), &shared, bound).status, 200);
    // Bound to a network address, the refusal names it.
    let lan: SocketAddr = "192.168.1.20:1111".parse().unwrap();
    let (_, body) = text(answer(&req("GET / HTTP/1.1\r\nHost: evil.example:1111\r\n\r\n"), &shared, lan));
    assert!(body.contains("http://127.0.0.1:1111/, or http://192.168.1.20:1111/;"), "{body}");
}

// ---------------------------------------------------------------- serve/mod.rs

#[test]
fn urls_bracket_ipv6() {
    assert_eq!(url_of(IpAddr::V4(Ipv4Addr::LOCALHOST), 1111), "http://127.0.0.1:1111/");
    assert_eq!(url_of("::1".parse().unwrap(), 8080), "http://[::1]:8080/");
}

#[test]
fn a_busy_port_says_which_and_what_to_do() {
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let addr = taken.local_addr().unwrap();
    let err = bind(addr).unwrap_err().to_string();
    assert!(err.starts_with(&format!("port {} on 127.0.0.1 is already in use", addr.port())), "{err}");
    assert!(err.contains(&format!("--port {}", addr.port() + 1)), "{err}");
}

#[test]
fn describes_changes() {
    assert_eq!(describe(&Changes::default()), "no page changed");
    assert_eq!(
        describe(&Changes { changed: vec!["blog/a/index.html".into()], removed: vec![] }),
        "blog/a/index.html changed"
    );
    assert_eq!(describe(&Changes { changed: vec!["a".into()], removed: vec!["b".into()] }), "2 files changed");
}

#[test]
fn a_site_under_a_sub_path_is_previewed_under_it() {
    let page = |path: &str, text: &str| OutputFile { path: path.into(), contents: Contents::Bytes(text.into()) };
    let (mut snap, _) = Snapshot::new(
        vec![page("index.html", "home"), page("blog/index.html", "blog"), page("404.html", "missing")],
        None,
        SystemTime::UNIX_EPOCH,
    );
    snap.base_path = "/shop".into();
    let view = View { generation: 1, site: Some(std::sync::Arc::new(snap)), errors: None };
    let h = ReqHeaders::default();
    let moved = |target: &str| {
        let r = respond(target, &h, &view, "run1");
        (r.status, header(&r, "Location").map(str::to_string))
    };
    assert_eq!(moved("/"), (301, Some("/shop/".into())));
    assert_eq!(moved("/shop"), (301, Some("/shop/".into())));
    assert_eq!(moved("/shop/blog?x=1"), (301, Some("/shop/blog/?x=1".into())));
    assert_eq!(get(&view, "/shop/", &h).0, 200);
    assert!(get(&view, "/shop/blog/", &h).2.starts_with("blog"));
    let (status, _, body) = get(&view, "/shop/no/such/page/", &h);
    assert_eq!((status, body.starts_with("missing")), (404, true));
    assert_eq!(
        get(&view, "/blog/", &h),
        (
            404,
            vec![("Content-Type", "text/plain; charset=utf-8".into()), ("Cache-Control", "no-store".into())],
            "404: this site is published under /shop/ (the path of its base_url): open /shop/\n".into()
        )
    );
    assert_eq!(get(&view, "/shopping/", &h).0, 404);
    assert_eq!(under_base("/shop/a/", "/shop"), Under::Inside("/a/"));
    assert_eq!(under_base("/a/", ""), Under::Inside("/a/"));
    // The preview's own files stay at the root of the server.
    assert_eq!(get(&view, "/__shopstory/reload.js", &h).0, 200);
}
