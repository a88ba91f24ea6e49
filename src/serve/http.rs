//! The preview's HTTP side: what to answer to a request (`answer`), from
//! the current `Snapshot` (the files `build` would write, held in memory).
//! The sockets, threads and timeouts are `server.rs`'s; a long poll waits on
//! its connection's own thread, so it never holds up file requests.
//!
//! A request whose `Host` is not this computer's (`guard::check_host`) gets
//! a 421 and nothing of the site. The request path is percent-decoded and
//! checked by `guard::request_path` and then only ever looked up in the
//! snapshot: it is never joined to a folder on disk, so no request can reach
//! a file that is not part of the site's output. Everything between the
//! request and the reply (`answer`, `respond`) is a plain function of the
//! request and the state, tested without sockets.
//!
//! HTTP done right for a preview: content types, `index.html` for folders and
//! a 301 from `/blog` to `/blog/`, the site's `404.html` with status 404,
//! HEAD, single `Range`s (206, 416), `ETag`/`If-None-Match` and
//! `Last-Modified`/`If-Modified-Since` (304; a date in the future is
//! ignored), `Cache-Control: no-store` for HTML (whose injected script
//! changes with every rebuild) and `no-cache` (revalidate) for everything else.

use super::guard::{check_host, request_path, resolve, split_target, HostRefused, Resolved};
use super::reload::{self, Shared, View};
use super::server::Request;
use super::snapshot::{Body, Entry};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::SystemTime;

/// Where the preview's own files live; no site output can start with it
/// (hidden names are never loaded).
pub const INTERNAL_PREFIX: &str = "/__shopstory/";

// ---------------------------------------------------------------- types

/// The content type for an output path, by extension.
pub fn content_type(key: &str) -> &'static str {
    let name = key.rsplit('/').next().unwrap_or(key);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "bmp" => "image/bmp",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "ogv" => "video/ogg",
        "mov" => "video/quicktime",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "ogg" | "oga" => "audio/ogg",
        "wav" => "audio/wav",
        "vtt" => "text/vtt; charset=utf-8",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

fn is_html(ctype: &str) -> bool {
    ctype.starts_with("text/html")
}

// ---------------------------------------------------------------- conditionals and ranges

/// The request headers that shape a reply.
#[derive(Debug, Clone, Default)]
pub struct ReqHeaders {
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<String>,
    pub range: Option<String>,
    pub if_range: Option<String>,
}

fn strip_weak(tag: &str) -> &str {
    tag.trim().strip_prefix("W/").unwrap_or(tag.trim())
}

/// `If-None-Match` (weak comparison) else `If-Modified-Since` (to the second,
/// and only when it is not in the future).
pub fn not_modified(h: &ReqHeaders, etag: &str, modified: SystemTime) -> bool {
    if let Some(inm) = &h.if_none_match {
        return inm.split(',').any(|t| t.trim() == "*" || strip_weak(t) == strip_weak(etag));
    }
    if let Some(ims) = h.if_modified_since.as_deref().and_then(|s| httpdate::parse_http_date(s.trim()).ok()) {
        // A date later than now is invalid (RFC 9110 §13.1.3): ignored, or a
        // client with a wrong clock would be told "not modified" for ever.
        return ims <= SystemTime::now() && unix_secs(modified) <= unix_secs(ims);
    }
    false
}

fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// What a `Range` header asks of a representation of `len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAsk {
    /// No usable range: send everything (also for multiple ranges, which
    /// HTTP lets a server ignore).
    Full,
    /// Bytes `start..=end`.
    Part { start: u64, end: u64 },
    /// 416.
    Unsatisfiable,
}

pub fn parse_range(header: &str, len: u64) -> RangeAsk {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return RangeAsk::Full;
    };
    if spec.contains(',') {
        return RangeAsk::Full;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeAsk::Full;
    };
    let (a, b) = (a.trim(), b.trim());
    let num = |s: &str| if s.bytes().all(|c| c.is_ascii_digit()) { s.parse::<u64>().ok() } else { None };
    match (a.is_empty(), b.is_empty()) {
        (true, true) => RangeAsk::Full,
        // The last `n` bytes.
        (true, false) => match num(b) {
            None => RangeAsk::Full,
            Some(0) => RangeAsk::Unsatisfiable,
            Some(_) if len == 0 => RangeAsk::Unsatisfiable,
            Some(n) => RangeAsk::Part { start: len.saturating_sub(n), end: len - 1 },
        },
        (false, _) => {
            let Some(start) = num(a) else { return RangeAsk::Full };
            let end = if b.is_empty() {
                None
            } else {
                match num(b) {
                    Some(e) if e >= start => Some(e),
                    _ => return RangeAsk::Full,
                }
            };
            if start >= len {
                return RangeAsk::Unsatisfiable;
            }
            RangeAsk::Part { start, end: end.map_or(len - 1, |e| e.min(len - 1)) }
        }
    }
}

// ---------------------------------------------------------------- replies

/// A reply, independent of the socket it goes to.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: ReplyBody,
    /// The length a 200 would have had (Content-Length of 304 and HEAD).
    pub full_len: Option<u64>,
}

pub enum ReplyBody {
    Empty,
    Owned(Vec<u8>),
    Shared { data: Arc<Entry>, start: usize, end: usize },
    Static { data: &'static [u8], start: usize, end: usize },
    File { file: File, start: u64, len: u64 },
}

impl ReplyBody {
    pub fn size(&self) -> u64 {
        match self {
            ReplyBody::Empty => 0,
            ReplyBody::Owned(v) => v.len() as u64,
            ReplyBody::Shared { start, end, .. } | ReplyBody::Static { start, end, .. } => (end - start) as u64,
            ReplyBody::File { len, .. } => *len,
        }
    }

    /// The body's bytes, for tests.
    pub fn bytes(self) -> Vec<u8> {
        let mut out = Vec::new();
        let _ = self.into_reader().read_to_end(&mut out);
        out
    }

    pub fn into_reader(self) -> Box<dyn Read + Send> {
        match self {
            ReplyBody::Empty => Box::new(io::empty()),
            ReplyBody::Owned(v) => Box::new(io::Cursor::new(v)),
            ReplyBody::Shared { data, start, end } => Box::new(EntryReader { data, pos: start, end }),
            ReplyBody::Static { data, start, end } => Box::new(&data[start..end]),
            ReplyBody::File { mut file, start, len } => {
                if file.seek(SeekFrom::Start(start)).is_err() {
                    return Box::new(io::empty());
                }
                Box::new(file.take(len))
            }
        }
    }
}

/// Reads a page's bytes out of its shared entry without copying them.
struct EntryReader {
    data: Arc<Entry>,
    pos: usize,
    end: usize,
}

impl Read for EntryReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let bytes = match &self.data.body {
            Body::Bytes(b) => &b[..],
            Body::Embedded(b) => b,
            Body::File { .. } => return Ok(0),
        };
        let n = buf.len().min(self.end - self.pos);
        buf[..n].copy_from_slice(&bytes[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

pub fn text_reply(status: u16, text: &str) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", "text/plain; charset=utf-8".into()), ("Cache-Control", "no-store".into())],
        body: ReplyBody::Owned(text.as_bytes().to_vec()),
        full_len: None,
    }
}

fn html_headers(etag: String, modified: Option<SystemTime>) -> Vec<(&'static str, String)> {
    let mut h = vec![
        ("Content-Type", "text/html; charset=utf-8".to_string()),
        ("Cache-Control", "no-store".to_string()),
        ("ETag", etag),
    ];
    if let Some(m) = modified {
        h.push(("Last-Modified", httpdate::fmt_http_date(m)));
    }
    h
}

/// A strong ETag for bytes: the start of their SHA-256.
pub fn etag_of(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(bytes);
    let hex: String = d.iter().take(10).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// An HTML page with the reload script (and the overlay, after a failed
/// rebuild) injected.
fn html_reply(
    status: u16,
    html: &[u8],
    modified: Option<SystemTime>,
    h: &ReqHeaders,
    view: &View,
    instance: &str,
) -> Reply {
    let body = reload::inject(html, &reload::snippet_in(view, instance, &reload::page_language(html)));
    let etag = etag_of(&body);
    let len = body.len() as u64;
    if status == 200 && not_modified(h, &etag, modified.unwrap_or(SystemTime::UNIX_EPOCH)) && h.if_none_match.is_some()
    {
        return Reply {
            status: 304,
            headers: html_headers(etag, modified),
            body: ReplyBody::Empty,
            full_len: Some(len),
        };
    }
    Reply { status, headers: html_headers(etag, modified), body: ReplyBody::Owned(body), full_len: None }
}

/// The page shown while there is no good build yet (the first build is
/// running, or failed): the overlay says why, and the script reloads it.
fn no_site_reply(view: &View, instance: &str) -> Reply {
    let text = if view.errors.is_some() {
        "The site has errors and has not been built yet. Fix them and save: this page reloads by itself."
    } else {
        "Building the site… this page reloads by itself when it is ready."
    };
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>shopstory preview</title></head>\n<body><p>{text}</p></body>\n</html>\n"
    );
    html_reply(503, html.as_bytes(), None, &ReqHeaders::default(), view, instance)
}

fn not_found_reply(view: &View, h: &ReqHeaders, instance: &str) -> Reply {
    if let Some(site) = &view.site {
        if let Some(entry) = site.get("404.html") {
            if let Ok(bytes) = entry.read_all() {
                return html_reply(404, &bytes, None, h, view, instance);
            }
        }
    }
    text_reply(404, "404: there is no page at this address in the preview\n")
}

/// Answers a GET or HEAD for a path that is not `/__shopstory/reload`.
/// `instance` names this server run (for the reload script).
pub fn respond(target: &str, h: &ReqHeaders, view: &View, instance: &str) -> Reply {
    let (path, query) = split_target(target);
    if let Some(name) = path.strip_prefix(INTERNAL_PREFIX) {
        return match reload::internal_file(name) {
            Some((ctype, body)) => Reply {
                status: 200,
                headers: vec![
                    ("Content-Type", ctype.into()),
                    ("Cache-Control", "no-cache".into()),
                    ("ETag", etag_of(body.as_bytes())),
                ],
                body: ReplyBody::Static { data: body.as_bytes(), start: 0, end: body.len() },
                full_len: None,
            },
            None => text_reply(404, "404: not a file of the preview\n"),
        };
    }
    let Some(site) = &view.site else {
        return no_site_reply(view, instance);
    };
    // A site under a sub-path (`base_url: https://example.github.io/shop/`)
    // is previewed under it, as its host serves it: `/` and `/shop` move to
    // `/shop/`, and only what is under `/shop/` is the site.
    let inner = match under_base(path, &site.base_path) {
        Under::Inside(inner) => inner,
        Under::Redirect => {
            let mut r = text_reply(301, &format!("moved to {}/ (the site's base_url has this path)\n", site.base_path));
            r.headers.push(("Location", format!("{}/", site.base_path)));
            return r;
        }
        Under::Outside => {
            return text_reply(
                404,
                &format!(
                    "404: this site is published under {0}/ (the path of its base_url): open {0}/\n",
                    site.base_path
                ),
            )
        }
    };
    let req = match request_path(inner) {
        Ok(r) => r,
        Err(why) => return text_reply(400, &format!("400: refused: {}\n", why.reason())),
    };
    let key = match resolve(&req, path, query, |k| site.get(k).is_some()) {
        Resolved::File(k) => k,
        Resolved::Redirect(location) => {
            let mut r = text_reply(301, &format!("moved to {location}\n"));
            r.headers.push(("Location", location));
            return r;
        }
        Resolved::NotFound => return not_found_reply(view, h, instance),
    };
    let Some(entry) = site.get(&key) else {
        return not_found_reply(view, h, instance);
    };
    let ctype = content_type(&key);
    if is_html(ctype) {
        return match entry.read_all() {
            Ok(bytes) => html_reply(200, &bytes, Some(entry.modified), h, view, instance),
            Err(_) => not_found_reply(view, h, instance),
        };
    }
    file_reply(entry, ctype, h).unwrap_or_else(|_| not_found_reply(view, h, instance))
}

/// Where a request path stands against the site's base path.
#[derive(Debug, PartialEq, Eq)]
pub enum Under<'a> {
    /// Under it: the path within the site (`/shop/blog/` → `/blog/`).
    Inside(&'a str),
    /// `/` or the base path without its slash: the site's home is at `base/`.
    Redirect,
    /// Elsewhere on the host: not part of the site.
    Outside,
}

/// `path` against `base` (`/shop`, or empty for a site at the root).
pub fn under_base<'a>(path: &'a str, base: &str) -> Under<'a> {
    if base.is_empty() {
        return Under::Inside(path);
    }
    match path.strip_prefix(base) {
        Some(rest) if rest.starts_with('/') => Under::Inside(rest),
        Some("") => Under::Redirect,
        _ if path == "/" => Under::Redirect,
        _ => Under::Outside,
    }
}

/// A non-HTML file: conditional, ranged.
fn file_reply(entry: &Arc<Entry>, ctype: &'static str, h: &ReqHeaders) -> io::Result<Reply> {
    let (len, etag, modified, file) = match &entry.body {
        Body::Bytes(b) => (b.len() as u64, entry.etag(), entry.modified, None),
        Body::Embedded(b) => (b.len() as u64, entry.etag(), entry.modified, None),
        Body::File { path, .. } => {
            let file = File::open(path)?;
            let meta = file.metadata()?;
            if !meta.is_file() {
                return Err(io::Error::other("not a file"));
            }
            let modified = meta.modified().unwrap_or(entry.modified);
            let nanos = modified.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
            (meta.len(), format!("\"{:x}-{nanos:x}\"", meta.len()), modified, Some(file))
        }
    };
    let mut headers = vec![
        ("Content-Type", ctype.to_string()),
        ("Cache-Control", "no-cache".to_string()),
        ("Accept-Ranges", "bytes".to_string()),
        ("ETag", etag.clone()),
        ("Last-Modified", httpdate::fmt_http_date(modified)),
    ];
    if not_modified(h, &etag, modified) {
        return Ok(Reply { status: 304, headers, body: ReplyBody::Empty, full_len: Some(len) });
    }
    // If-Range: a range only applies to the representation the client has.
    let range_applies = match &h.if_range {
        None => true,
        Some(v) => {
            let v = v.trim();
            v == etag || httpdate::parse_http_date(v).map(|t| unix_secs(t) == unix_secs(modified)).unwrap_or(false)
        }
    };
    let ask = match (&h.range, range_applies) {
        (Some(r), true) => parse_range(r, len),
        _ => RangeAsk::Full,
    };
    let (status, start, end) = match ask {
        RangeAsk::Full => (200, 0, len),
        RangeAsk::Part { start, end } => {
            headers.push(("Content-Range", format!("bytes {start}-{end}/{len}")));
            (206, start, end + 1)
        }
        RangeAsk::Unsatisfiable => {
            headers.push(("Content-Range", format!("bytes */{len}")));
            return Ok(Reply { status: 416, headers, body: ReplyBody::Empty, full_len: None });
        }
    };
    let body = match (file, &entry.body) {
        (Some(file), _) => ReplyBody::File { file, start, len: end - start },
        (None, Body::Embedded(b)) => ReplyBody::Static { data: b, start: start as usize, end: end as usize },
        (None, _) => ReplyBody::Shared { data: entry.clone(), start: start as usize, end: end as usize },
    };
    Ok(Reply { status, headers, body, full_len: None })
}

// ---------------------------------------------------------------- the handler

/// Long polls held at once; more are told to come back in a second.
const MAX_POLLS: usize = 64;

/// Answers one request of the server bound at `bound`: the `Host` guard
/// first, then the method, the long poll (held on the connection's own
/// thread), and everything else through `respond`.
pub fn answer(req: &Request, shared: &Shared, bound: SocketAddr) -> Reply {
    match check_host(&req.all("Host"), req.http11, bound) {
        Ok(()) => {}
        Err(HostRefused::Missing) => return text_reply(400, "400: an HTTP/1.1 request needs a Host header\n"),
        Err(HostRefused::Several) => return text_reply(400, "400: the request has more than one Host header\n"),
        Err(HostRefused::NotOurs) => return misdirected(bound),
    }
    if req.method != "GET" && req.method != "HEAD" {
        let mut r = text_reply(405, "405: the preview answers GET and HEAD only\n");
        r.headers.push(("Allow", "GET, HEAD".into()));
        return r;
    }
    let (path, query) = split_target(&req.target);
    if path == "/__shopstory/reload" {
        let polls = shared.polls.fetch_add(1, Ordering::SeqCst);
        let answer = (polls < MAX_POLLS).then(|| shared.wait_for_change(query.unwrap_or(""), reload::POLL_TIMEOUT));
        shared.polls.fetch_sub(1, Ordering::SeqCst);
        let Some(answer) = answer else {
            let mut r = text_reply(503, "too many open previews\n");
            r.headers.push(("Retry-After", "1".into()));
            return r;
        };
        return Reply {
            status: 200,
            headers: vec![("Content-Type", "application/json".into()), ("Cache-Control", "no-store".into())],
            body: ReplyBody::Owned(answer.into_bytes()),
            full_len: None,
        };
    }
    let h = ReqHeaders {
        if_none_match: req.header("If-None-Match").map(Into::into),
        if_modified_since: req.header("If-Modified-Since").map(Into::into),
        range: req.header("Range").map(Into::into),
        if_range: req.header("If-Range").map(Into::into),
    };
    respond(&req.target, &h, &shared.view(), &shared.instance)
}

/// 421 for a request addressed to a name that is not this computer's: what
/// a page of another site sends after pointing its name here (DNS rebinding).
/// Nothing of the site is in it.
pub fn misdirected(bound: SocketAddr) -> Reply {
    let port = bound.port();
    let ip = bound.ip();
    let also = if ip.is_loopback() {
        String::new()
    } else if ip.is_unspecified() {
        ", or by this computer's IP address".to_string()
    } else {
        format!(", or {}", super::url_of(ip, port))
    };
    text_reply(
        421,
        &format!(
            "421: the preview answers only when it is opened as http://localhost:{port}/ or http://127.0.0.1:{port}/{also}; \
             this request was addressed to another name (maybe a page of another site trying to read the preview)\n"
        ),
    )
}
