//! The preview's path guard: a request target is split from its query,
//! percent-decoded, and refused (`Refused`, a 400) when it is not `/`-rooted
//! or badly encoded, or has a `.`, `..` or empty segment, a separator hidden
//! in a segment, a backslash, a control character or a drive-like segment,
//! however it is encoded. What passes is only ever a key into the snapshot
//! of the output (`resolve`), never a path joined to a folder on disk.
//!
//! The `Host` guard (`check_host`) answers DNS rebinding: only requests
//! addressed to this computer by address or as `localhost` are served.

/// Why a request path was refused (400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not `/`-rooted (absolute-form or `*`).
    NotAPath,
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8.
    BadEncoding,
    /// A `.` or `..` segment, plain or percent-encoded.
    DotSegment,
    /// An empty segment (`//`), which some systems read as a root.
    EmptySegment,
    /// A `/` or `\` hidden in a segment as `%2f` / `%5c`.
    EncodedSeparator,
    /// A backslash anywhere.
    Backslash,
    /// A NUL or another control character.
    ControlCharacter,
    /// A segment that the OS would read as a root or a drive (`C:`).
    NotRelative,
}

impl Refused {
    /// What is wrong, for the 400 reply.
    pub fn reason(self) -> &'static str {
        match self {
            Refused::NotAPath => "the request target is not a path",
            Refused::BadEncoding => "the path is not valid percent-encoded UTF-8",
            Refused::DotSegment => "the path has a `.` or `..` segment",
            Refused::EmptySegment => "the path has an empty segment (`//`)",
            Refused::EncodedSeparator => "the path hides a `/` or `\\` in a segment",
            Refused::Backslash => "the path has a backslash",
            Refused::ControlCharacter => "the path has a NUL or control character",
            Refused::NotRelative => "a segment of the path is a root or a drive",
        }
    }
}

/// A request path that passed the guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReqPath {
    /// Decoded segments; none is empty, `.`, `..`, or holds `/`, `\`, NUL.
    pub segments: Vec<String>,
    /// The path ended with `/` (or was `/`).
    pub trailing_slash: bool,
}

impl ReqPath {
    /// The output-relative key this path names, `index.html` for folders.
    pub fn key(&self) -> String {
        let joined = self.segments.join("/");
        if self.trailing_slash {
            if joined.is_empty() {
                "index.html".to_string()
            } else {
                format!("{joined}/index.html")
            }
        } else {
            joined
        }
    }
}

/// Splits a request target into its path and query (a fragment, which
/// browsers never send, is dropped).
pub fn split_target(target: &str) -> (&str, Option<&str>) {
    let target = target.split('#').next().unwrap_or("");
    match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Percent-decodes one segment. Fails on a malformed escape.
pub fn percent_decode(s: &str) -> Result<Vec<u8>, Refused> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hi = b.get(i + 1).copied().and_then(hex);
            let lo = b.get(i + 2).copied().and_then(hex);
            match (hi, lo) {
                (Some(h), Some(l)) => out.push(h * 16 + l),
                _ => return Err(Refused::BadEncoding),
            }
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// The path guard: decodes `path` (the part of the target before `?`) and
/// refuses anything that could name a file outside the output, whatever the
/// layer that reads it later: dot segments (plain or encoded), empty
/// segments, encoded separators, backslashes, NUL and control characters,
/// drive prefixes.
pub fn request_path(path: &str) -> Result<ReqPath, Refused> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(Refused::NotAPath);
    };
    if path.contains('\\') {
        return Err(Refused::Backslash);
    }
    let mut raw: Vec<&str> = rest.split('/').collect();
    let trailing_slash = raw.last() == Some(&"");
    if trailing_slash {
        raw.pop();
    }
    let mut segments = Vec::with_capacity(raw.len());
    for seg in raw {
        if seg.is_empty() {
            return Err(Refused::EmptySegment);
        }
        let bytes = percent_decode(seg)?;
        if bytes.contains(&0) || bytes.iter().any(|b| b.is_ascii_control()) {
            return Err(Refused::ControlCharacter);
        }
        if bytes.contains(&b'/') {
            return Err(Refused::EncodedSeparator);
        }
        if bytes.contains(&b'\\') {
            return Err(Refused::EncodedSeparator);
        }
        let text = String::from_utf8(bytes).map_err(|_| Refused::BadEncoding)?;
        if text == "." || text == ".." {
            return Err(Refused::DotSegment);
        }
        // What the OS would make of it: exactly one plain name.
        let mut comps = std::path::Path::new(&text).components();
        match (comps.next(), comps.next()) {
            (Some(std::path::Component::Normal(n)), None) if n == text.as_str() => {}
            _ => return Err(Refused::NotRelative),
        }
        segments.push(text);
    }
    Ok(ReqPath { segments, trailing_slash })
}

/// What a guarded path names in the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    File(String),
    /// A folder asked for without its `/`: where to send the browser.
    Redirect(String),
    NotFound,
}

/// Maps a guarded path to an output key: `/` and `/blog/` to their
/// `index.html`, `/blog` (a folder) to a redirect to `/blog/` (query kept).
pub fn resolve(req: &ReqPath, raw_path: &str, query: Option<&str>, has: impl Fn(&str) -> bool) -> Resolved {
    let key = req.key();
    if has(&key) {
        return Resolved::File(key);
    }
    if !req.trailing_slash && !req.segments.is_empty() && has(&format!("{key}/index.html")) {
        let q = query.map(|q| format!("?{q}")).unwrap_or_default();
        return Resolved::Redirect(format!("{raw_path}/{q}"));
    }
    Resolved::NotFound
}

/// Why a request's `Host` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostRefused {
    /// An HTTP/1.1 request without `Host` (400).
    Missing,
    /// More than one `Host` (400).
    Several,
    /// A name or port the preview was not opened at (421): what a page of
    /// another site sends after rebinding its name to this computer.
    NotOurs,
}

/// The `Host` guard against DNS rebinding: a page of another site can point
/// its own name at 127.0.0.1, but its requests then carry that name. Only
/// these are ours: `localhost`, a loopback address (`127.0.0.1`, `[::1]`),
/// the address the preview is bound to and, when bound to every address
/// (`0.0.0.0`, `::`), any IP address (an address cannot be rebound; only a
/// name can). A port, when given, must be the preview's; no port means 80.
/// HTTP/1.0 requests may leave `Host` out.
pub fn check_host(hosts: &[&str], http11: bool, bound: std::net::SocketAddr) -> Result<(), HostRefused> {
    let host = match hosts {
        [] if http11 => return Err(HostRefused::Missing),
        [] => return Ok(()),
        [one] => one.trim(),
        _ => return Err(HostRefused::Several),
    };
    let (name, port) = split_host(host).ok_or(HostRefused::NotOurs)?;
    if port.unwrap_or(80) != bound.port() {
        return Err(HostRefused::NotOurs);
    }
    let ours = if name.eq_ignore_ascii_case("localhost") {
        true
    } else if let Ok(ip) = name.parse::<std::net::IpAddr>() {
        ip.is_loopback() || ip == bound.ip() || bound.ip().is_unspecified()
    } else {
        false
    };
    if ours {
        Ok(())
    } else {
        Err(HostRefused::NotOurs)
    }
}

/// `name[:port]` or `[v6][:port]` into the name (brackets off) and the port.
/// `None` when the port is not a number or the brackets do not close.
fn split_host(host: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        match after {
            "" => (v6, None),
            _ => (v6, Some(after.strip_prefix(':')?)),
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse().ok()?),
        Some(_) => return None,
    };
    (!name.is_empty()).then_some((name, port))
}
