//! The preview's socket layer: a small HTTP/1.1 server on
//! `std::net::TcpListener`. It takes a bound listener and a handler (a
//! parsed `Request` in, a `Reply` out) and runs until the process ends.
//!
//! It is ours rather than a general-purpose crate's because the preview must
//! stay answerable whatever its clients do: every connection has its own
//! thread, at most `Limits::max_connections` of them (when full, the
//! connection idle the longest is closed to make room, and when none is
//! idle the newcomer gets a 503); a connection waiting for a request is
//! closed after `idle`, a request head must arrive within `head` and fit in
//! `max_head` bytes, and a client that takes no bytes of a reply for `write`
//! is dropped. So slow readers hold only their own threads, idle keep-alive
//! sockets cannot pile up threads, and `GET /` always finds a thread.
//!
//! It never reads a request body (a request that has one is answered and its
//! connection closed), never waits on a socket without a timeout, and knows
//! nothing of the site: all of that is the handler's (`http::answer`).

use super::http::{text_reply, Reply};
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

/// How much the server lets clients hold, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Open connections (one thread each).
    pub max_connections: usize,
    /// A connection with no request under way is closed after this.
    pub idle: Duration,
    /// A request head, from its first byte to its blank line.
    pub head: Duration,
    /// A write that makes no progress for this long drops the connection.
    pub write: Duration,
    /// The largest request head (request line and headers), in bytes.
    pub max_head: usize,
}

/// The connections `shopstory serve` keeps open at most.
pub const MAX_CONNECTIONS: usize = 128;

/// The limits of `shopstory serve`.
pub const LIMITS: Limits = Limits {
    max_connections: MAX_CONNECTIONS,
    idle: Duration::from_secs(30),
    head: Duration::from_secs(10),
    write: Duration::from_secs(15),
    max_head: 16 * 1024,
};

/// Each connection's thread stack: replies are built on the heap.
const STACK: usize = 512 * 1024;

/// What answers a request.
pub type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

// ---------------------------------------------------------------- requests

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    /// HTTP/1.1 (else 1.0).
    pub http11: bool,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.all(name).into_iter().next()
    }

    /// Every header called `name` (any case), in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }

    /// A body follows the head (never read: the connection is closed after the reply).
    fn has_body(&self) -> bool {
        self.header("Transfer-Encoding").is_some()
            || self.header("Content-Length").is_some_and(|v| v.trim().parse::<u64>().map_or(true, |n| n > 0))
    }

    /// The connection may carry another request after this one.
    fn keep_alive(&self) -> bool {
        let close = self.all("Connection").iter().any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close")));
        self.http11 && !close && !self.has_body()
    }
}

/// What the bytes received so far hold.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A whole head, and how many bytes it took.
    Complete(Request, usize),
    /// Not all of it yet.
    Partial,
    /// A head that cannot be answered: the status and why.
    Bad(u16, &'static str),
}

/// Parses a request head from the start of `buf` (lines end in CRLF or LF).
pub fn parse_head(buf: &[u8]) -> Parsed {
    let Some(end) = head_end(buf) else { return Parsed::Partial };
    let Ok(text) = std::str::from_utf8(&buf[..end]) else {
        return Parsed::Bad(400, "the request head is not UTF-8");
    };
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let line = lines.next().unwrap_or("");
    if line.bytes().any(|b| b.is_ascii_control()) {
        return Parsed::Bad(400, "the request line has a control character");
    }
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Parsed::Bad(400, "the request line is not `METHOD target HTTP/1.1`");
    };
    if method.is_empty() || !method.bytes().all(is_token) || target.is_empty() {
        return Parsed::Bad(400, "the request line is not `METHOD target HTTP/1.1`");
    }
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        v if v.starts_with("HTTP/") => return Parsed::Bad(505, "the preview speaks HTTP/1.1 and HTTP/1.0"),
        _ => return Parsed::Bad(400, "the request line is not `METHOD target HTTP/1.1`"),
    };
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        if line.starts_with([' ', '\t']) {
            return Parsed::Bad(400, "a header line is folded onto the one before");
        }
        let Some((name, value)) = line.split_once(':') else {
            return Parsed::Bad(400, "a header line has no `:`");
        };
        // No space before the colon (RFC 9112 §5).
        if name.is_empty() || !name.bytes().all(is_token) {
            return Parsed::Bad(400, "a header name is not a token");
        }
        headers.push((name.to_string(), value.trim_matches([' ', '\t']).to_string()));
    }
    Parsed::Complete(Request { method: method.into(), target: target.into(), http11, headers }, end)
}

/// The length of the head, blank line included, once it has all arrived.
fn head_end(buf: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(i) = memchr_nl(&buf[at..]) {
        let nl = at + i;
        match &buf[nl + 1..] {
            [b'\n', ..] => return Some(nl + 2),
            [b'\r', b'\n', ..] => return Some(nl + 3),
            _ => at = nl + 1,
        }
    }
    None
}

fn memchr_nl(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

// ---------------------------------------------------------------- the connections

/// The open connections: which are idle (and since when), so that a full
/// server can close the one idle the longest.
pub struct Registry {
    slots: Mutex<Slots>,
    max: usize,
}

struct Slots {
    next: u64,
    open: HashMap<u64, Slot>,
}

struct Slot {
    /// A handle to close it with.
    stream: TcpStream,
    /// `None` while a request is being read or answered.
    idle_since: Option<Instant>,
}

impl Registry {
    fn new(max: usize) -> Registry {
        Registry { slots: Mutex::new(Slots { next: 0, open: HashMap::new() }), max: max.max(1) }
    }

    fn lock(&self) -> MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.lock().open.len()
    }

    /// Connections waiting for a request now.
    pub fn idle(&self) -> usize {
        self.lock().open.values().filter(|s| s.idle_since.is_some()).count()
    }

    /// Takes `stream` in, closing the connection idle the longest when full;
    /// `None` when every connection is busy.
    fn admit(&self, stream: &TcpStream) -> Option<u64> {
        let mut s = self.lock();
        if s.open.len() >= self.max {
            let (_, oldest) = s.open.iter().filter_map(|(id, slot)| slot.idle_since.map(|t| (t, *id))).min()?;
            if let Some(slot) = s.open.remove(&oldest) {
                // Its thread's read returns at once and the thread ends.
                let _ = slot.stream.shutdown(Shutdown::Both);
            }
        }
        let handle = stream.try_clone().ok()?;
        let id = s.next;
        s.next += 1;
        s.open.insert(id, Slot { stream: handle, idle_since: Some(Instant::now()) });
        Some(id)
    }

    fn set_idle(&self, id: u64) {
        if let Some(slot) = self.lock().open.get_mut(&id) {
            slot.idle_since = Some(Instant::now());
        }
    }

    /// Marks `id` busy; false when it was closed to make room meanwhile.
    fn set_busy(&self, id: u64) -> bool {
        match self.lock().open.get_mut(&id) {
            Some(slot) => {
                slot.idle_since = None;
                true
            }
            None => false,
        }
    }

    fn leave(&self, id: u64) {
        self.lock().open.remove(&id);
    }
}

/// Takes a connection out of the registry when its thread ends.
struct Leave(Arc<Registry>, u64);

impl Drop for Leave {
    fn drop(&mut self) {
        self.0.leave(self.1);
    }
}

/// Starts the accepting thread; returns the registry (for tests and figures).
pub fn spawn(listener: TcpListener, limits: Limits, handler: Handler) -> io::Result<Arc<Registry>> {
    let registry = Arc::new(Registry::new(limits.max_connections));
    let reg = registry.clone();
    std::thread::Builder::new()
        .name("serve-accept".into())
        .spawn(move || accept_loop(&listener, limits, &handler, &reg))?;
    Ok(registry)
}

fn accept_loop(listener: &TcpListener, limits: Limits, handler: &Handler, registry: &Arc<Registry>) {
    loop {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            // Out of file descriptors, say: try again shortly, never spin.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let _ = stream.set_write_timeout(Some(limits.write));
        let Some(id) = registry.admit(&stream) else {
            refuse_busy(stream);
            continue;
        };
        let (handler, leave) = (handler.clone(), Leave(registry.clone(), id));
        let spawned = std::thread::Builder::new().name("serve-conn".into()).stack_size(STACK).spawn(move || {
            let leave = leave;
            serve_connection(stream, leave.1, &leave.0, limits, &handler);
        });
        // On failure the closure is dropped: the stream closes, the slot frees.
        drop(spawned);
    }
}

/// Every connection is busy: a short 503 on the new one, from this thread.
fn refuse_busy(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let mut reply = text_reply(503, "503: the preview has too many open connections; try again in a moment\n");
    reply.headers.push(("Retry-After", "1".into()));
    let _ = write_reply(&mut stream, false, reply, true);
    let _ = stream.shutdown(Shutdown::Write);
}

/// Why a connection stops.
enum Stop {
    /// Closed, timed out while idle, or closed to make room: nothing to say.
    Quiet,
    /// A head that cannot be answered: reply, then close.
    Reply(u16, &'static str),
}

fn serve_connection(mut stream: TcpStream, id: u64, registry: &Registry, limits: Limits, handler: &Handler) {
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    loop {
        let req = match read_request(&mut stream, &mut buf, id, registry, &limits) {
            Ok(req) => req,
            Err(Stop::Quiet) => return,
            Err(Stop::Reply(status, why)) => {
                let _ = write_reply(&mut stream, false, text_reply(status, &format!("{status}: {why}\n")), true);
                return close(stream, true);
            }
        };
        let keep = req.keep_alive();
        let reply = handler(&req);
        if write_reply(&mut stream, req.method == "HEAD", reply, !keep).is_err() {
            return;
        }
        if !keep {
            return close(stream, req.has_body() || !buf.is_empty());
        }
    }
}

/// Ends a connection after its last reply. When the client may still be
/// sending (a body we did not read), reads a little of it first, so that the
/// close does not reset the connection before the reply is read.
fn close(mut stream: TcpStream, unread: bool) {
    let _ = stream.shutdown(Shutdown::Write);
    if unread {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
        let mut sink = [0u8; 4096];
        let mut left = 256 * 1024usize;
        while let Ok(n @ 1..) = stream.read(&mut sink) {
            left = left.saturating_sub(n);
            if left == 0 {
                break;
            }
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

/// Reads more bytes into `buf`; 0 when the client closed.
fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                return Ok(n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Waits (idle) for the next request and reads its head within the limits.
fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    id: u64,
    registry: &Registry,
    limits: &Limits,
) -> Result<Request, Stop> {
    // Blank lines before a request are ignored (RFC 9112 §2.2).
    let skip_blank = |buf: &mut Vec<u8>| {
        let n = buf.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
        buf.drain(..n);
    };
    skip_blank(buf);
    if buf.is_empty() {
        registry.set_idle(id);
        let _ = stream.set_read_timeout(Some(limits.idle));
        match read_more(stream, buf) {
            Ok(0) | Err(_) => return Err(Stop::Quiet),
            Ok(_) => {}
        }
    }
    if !registry.set_busy(id) {
        return Err(Stop::Quiet);
    }
    let deadline = Instant::now() + limits.head;
    loop {
        skip_blank(buf);
        match parse_head(buf) {
            Parsed::Complete(_, used) if used > limits.max_head => {
                return Err(Stop::Reply(431, "the request head is too large"));
            }
            Parsed::Complete(req, used) => {
                buf.drain(..used);
                return Ok(req);
            }
            Parsed::Bad(status, why) => return Err(Stop::Reply(status, why)),
            Parsed::Partial if buf.len() > limits.max_head => {
                return Err(Stop::Reply(431, "the request head is too large"));
            }
            Parsed::Partial => {}
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Stop::Reply(408, "the request head did not arrive in time"));
        }
        let _ = stream.set_read_timeout(Some(left));
        match read_more(stream, buf) {
            Ok(0) => return Err(Stop::Quiet),
            Ok(_) => {}
            Err(e) if is_timeout(&e) => return Err(Stop::Reply(408, "the request head did not arrive in time")),
            Err(_) => return Err(Stop::Quiet),
        }
    }
}

// ---------------------------------------------------------------- replies

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        416 => "Range Not Satisfiable",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Writes `reply` (its head only for HEAD and 304, with the length a whole
/// reply would have). Fails when the client stops taking bytes for longer
/// than the write timeout, or when a file ends early (the length was promised).
fn write_reply(stream: &mut TcpStream, head_only: bool, reply: Reply, close: bool) -> io::Result<()> {
    let no_body = head_only || reply.status == 304;
    let len = if no_body { reply.full_len.unwrap_or(reply.body.size()) } else { reply.body.size() };
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nServer: shopstory\r\nDate: {}\r\nX-Content-Type-Options: nosniff\r\n",
        reply.status,
        reason(reply.status),
        httpdate::fmt_http_date(SystemTime::now())
    );
    for (name, value) in &reply.headers {
        if !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!("Content-Length: {len}\r\n"));
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if no_body {
        return stream.flush();
    }
    let mut body = reply.body.into_reader();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut sent = 0u64;
    while sent < len {
        let n = match body.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        stream.write_all(&chunk[..n])?;
        sent += n as u64;
    }
    if sent != len {
        return Err(io::Error::other("the file changed while it was sent"));
    }
    stream.flush()
}

#[cfg(test)]
#[path = "server_tests.rs"]
mod tests;
