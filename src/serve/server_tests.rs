//! The socket layer against real sockets on 127.0.0.1, in-process, with
//! limits small enough to reach: idle and head timeouts, a stalled reader,
//! a full server. Every wait is bounded by `WAIT`; nothing asserts speed.

use super::*;
use crate::serve::http::ReplyBody;

const WAIT: Duration = Duration::from_secs(30);

fn limits() -> Limits {
    Limits {
        max_connections: 8,
        idle: Duration::from_secs(60),
        head: Duration::from_secs(60),
        write: Duration::from_secs(60),
        max_head: 1024,
    }
}

/// `/big` is 32 MB (more than the socket buffers hold), anything else a line of text.
fn start(limits: Limits) -> (u16, Arc<Registry>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handler: Handler = Arc::new(|req: &Request| {
        if req.target == "/big" {
            Reply { status: 200, headers: vec![], body: ReplyBody::Owned(vec![b'x'; 32 << 20]), full_len: None }
        } else {
            text_reply(200, &format!("{} {}\n", req.method, req.target))
        }
    });
    (port, spawn(listener, limits, handler).unwrap())
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s
}

/// Reads one reply with a Content-Length: (head, body).
fn read_reply(s: &mut TcpStream) -> (String, String) {
    read_reply_to(s, false)
}

/// The same; after a HEAD request, the body is not there.
fn read_reply_to(s: &mut TcpStream, head_request: bool) -> (String, String) {
    let mut buf = Vec::new();
    let mut byte = [0u8];
    while !buf.ends_with(b"\r\n\r\n") {
        assert_eq!(s.read(&mut byte).unwrap(), 1, "closed mid-head: {}", String::from_utf8_lossy(&buf));
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).unwrap();
    let len: usize =
        head.lines().find_map(|l| l.strip_prefix("Content-Length: ")).map(|v| v.parse().unwrap()).unwrap_or(0);
    let mut body = vec![0u8; if head_request { 0 } else { len }];
    s.read_exact(&mut body).unwrap();
    (head, String::from_utf8(body).unwrap())
}

fn status(head: &str) -> &str {
    head.split(' ').nth(1).unwrap()
}

/// True once the server has closed `s` (a read gives EOF or a reset).
fn closed(s: &mut TcpStream) -> bool {
    let mut sink = [0u8; 4096];
    loop {
        match s.read(&mut sink) {
            Ok(0) | Err(_) => return true,
            Ok(_) => {}
        }
    }
}

fn wait_until(what: &str, ok: impl Fn() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !ok() {
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn parses_heads() {
    let p = |s: &str| parse_head(s.as_bytes());
    let Parsed::Complete(req, used) = p("GET /a?b HTTP/1.1\r\nHost: x:1\r\nX-Two:  a b \r\n\r\nGET /next") else {
        panic!()
    };
    assert_eq!(used, "GET /a?b HTTP/1.1\r\nHost: x:1\r\nX-Two:  a b \r\n\r\n".len());
    assert_eq!(
        req,
        Request {
            method: "GET".into(),
            target: "/a?b".into(),
            http11: true,
            headers: vec![("Host".into(), "x:1".into()), ("X-Two".into(), "a b".into())],
        }
    );
    assert!(req.keep_alive());
    let Parsed::Complete(req, _) = p("HEAD / HTTP/1.0\n\n") else { panic!() };
    assert!(!req.http11 && !req.keep_alive());
    let Parsed::Complete(req, _) = p("GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n") else { panic!() };
    assert!(!req.keep_alive());
    let Parsed::Complete(req, _) = p("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc") else { panic!() };
    assert!(!req.keep_alive(), "a body we do not read ends the connection");
    assert_eq!(p("GET / HTTP/1.1\r\nHost: x\r\n"), Parsed::Partial);
    assert_eq!(p("GET / HTTP/1.1\r\n"), Parsed::Partial);
    assert_eq!(p("GET / HTTP/2.0\r\n\r\n"), Parsed::Bad(505, "the preview speaks HTTP/1.1 and HTTP/1.0"));
    let bad_line = Parsed::Bad(400, "the request line is not `METHOD target HTTP/1.1`");
    assert_eq!(p("GET /\r\n\r\n"), bad_line);
    assert_eq!(p("GET  / HTTP/1.1\r\n\r\n"), bad_line);
    assert_eq!(p("GET / FTP/1.1\r\n\r\n"), bad_line);
    assert_eq!(p("GET / HTTP/1.1\r\nHost x\r\n\r\n"), Parsed::Bad(400, "a header line has no `:`"));
    assert_eq!(p("GET / HTTP/1.1\r\nHost : x\r\n\r\n"), Parsed::Bad(400, "a header name is not a token"));
    assert_eq!(
        p("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n"),
        Parsed::Bad(400, "a header line is folded onto the one before")
    );
    assert_eq!(p("GET /\x01 HTTP/1.1\r\n\r\n"), Parsed::Bad(400, "the request line has a control character"));
}

#[test]
fn keeps_a_connection_alive_across_pipelined_requests_and_closes_when_asked() {
    let (port, registry) = start(limits());
    let mut s = connect(port);
    s.write_all(b"GET /one HTTP/1.1\r\nHost: h\r\n\r\n\r\nHEAD /two HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    let (head, body) = read_reply(&mut s);
    assert_eq!((status(&head), body.as_str()), ("200", "GET /one\n"));
    assert!(!head.contains("Connection: close"), "{head}");
    // HEAD: the length of the body it would have, and no body.
    let (head, body) = read_reply_to(&mut s, true);
    assert!(head.contains("Content-Length: 10\r\n"), "{head}");
    assert_eq!(body, "");
    s.write_all(b"GET /three HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").unwrap();
    let mut rest = String::new();
    s.read_to_string(&mut rest).unwrap();
    assert!(rest.starts_with("HTTP/1.1 200 OK\r\n") && rest.contains("\r\nConnection: close\r\n"), "{rest}");
    assert!(rest.ends_with("\r\n\r\nGET /three\n"), "{rest}");
    wait_until("the connection is gone", || registry.open() == 0);
}

#[test]
fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let (port, registry) = start(Limits { idle: Duration::from_millis(600), ..limits() });
    // One that never sends anything, one idle after a request.
    let mut silent = connect(port);
    let mut after = connect(port);
    after.write_all(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    assert_eq!(status(&read_reply(&mut after).0), "200");
    assert!(closed(&mut silent));
    assert!(closed(&mut after));
    wait_until("both connections are gone", || registry.open() == 0);
}

#[test]
fn a_head_too_slow_or_too_large_is_refused() {
    let (port, _) = start(Limits { head: Duration::from_millis(800), ..limits() });
    let mut slow = connect(port);
    slow.write_all(b"GET / HTTP/1.1\r\nHost: h\r\n").unwrap();
    let mut reply = String::new();
    slow.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 408 Request Timeout\r\n"), "{reply}");
    assert!(reply.ends_with("\r\n\r\n408: the request head did not arrive in time\n"), "{reply}");

    let mut large = connect(port);
    let filler = "X-Filler: ".to_string() + &"a".repeat(2000);
    large.write_all(format!("GET / HTTP/1.1\r\nHost: h\r\n{filler}\r\n\r\n").as_bytes()).unwrap();
    let (head, body) = read_reply(&mut large);
    assert_eq!(status(&head), "431");
    assert_eq!(body, "431: the request head is too large\n");
}

#[test]
fn a_client_that_stops_reading_is_dropped_and_never_blocks_others() {
    let (port, registry) = start(Limits { write: Duration::from_millis(300), ..limits() });
    let mut stalled = connect(port);
    stalled.write_all(b"GET /big HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    // Meanwhile other requests are answered.
    let mut other = connect(port);
    other.write_all(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    assert_eq!(read_reply(&mut other).1, "GET /\n");
    drop(other);
    // The stalled one is given up on: its thread ends, its slot frees.
    wait_until("the stalled connection is dropped", || registry.open() == 0);
    // What it had not read is lost: it never gets 32 MB.
    let mut got = 0usize;
    let mut sink = vec![0u8; 1 << 16];
    while let Ok(n @ 1..) = stalled.read(&mut sink) {
        got += n;
    }
    assert!(got < 32 << 20, "{got}");
}

#[test]
fn a_full_server_closes_the_longest_idle_connection_or_says_busy() {
    let (port, registry) = start(Limits { max_connections: 2, ..limits() });
    let mut first = connect(port);
    first.write_all(b"GET /a HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    read_reply(&mut first);
    // A connection counts as idle once its thread has finished answering,
    // a moment after the client has read the answer.
    wait_until("the first connection is idle", || registry.idle() == 1);
    let mut second = connect(port);
    second.write_all(b"GET /b HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    read_reply(&mut second);
    wait_until("both connections are idle", || registry.idle() == 2);
    // A third: the first (idle the longest) is closed to make room.
    let mut third = connect(port);
    third.write_all(b"GET /c HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    assert_eq!(read_reply(&mut third).1, "GET /c\n");
    assert!(closed(&mut first));
    second.write_all(b"GET /b2 HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    assert_eq!(read_reply(&mut second).1, "GET /b2\n");
    // The first one's thread may still be ending (it is closed, its slot freed a moment later).
    wait_until("two connections are open", || registry.open() == 2);

    // Both busy (readers that stopped reading): a newcomer hears 503 at once.
    second.write_all(b"GET /big HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    third.write_all(b"GET /big HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    wait_until("both are busy", || registry.idle() == 0);
    let mut late = connect(port);
    late.write_all(b"GET /d HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    let mut reply = String::new();
    late.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 503 Service Unavailable\r\n"), "{reply}");
    assert!(reply.contains("\r\nRetry-After: 1\r\n"), "{reply}");
    assert!(
        reply.ends_with("\r\n\r\n503: the preview has too many open connections; try again in a moment\n"),
        "{reply}"
    );
}

proptest::proptest! {
    /// Whatever bytes arrive, the parser answers without panicking, and a
    /// complete head never claims more bytes than it was given.
    #[test]
    fn parse_head_takes_any_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
        if let Parsed::Complete(_, used) = parse_head(&bytes) {
            proptest::prop_assert!(used <= bytes.len());
        }
    }

    /// Heads made of plausible pieces: the same.
    #[test]
    fn parse_head_takes_near_misses(pieces in proptest::collection::vec("GET|HEAD| |/|HTTP/1\\.[01]|\r|\n|Host|:|x|\t|\r\n\r\n", 0..40)) {
        let text = pieces.concat();
        if let Parsed::Complete(req, used) = parse_head(text.as_bytes()) {
            proptest::prop_assert!(used <= text.len());
            proptest::prop_assert!(!req.method.is_empty() && !req.target.is_empty());
        }
    }
}
