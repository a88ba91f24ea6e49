//! Video references, pure: recognises YouTube and Vimeo URLs in every form an
//! owner pastes (`watch?v=`, `youtu.be/`, `shorts/`, `embed/`, `m.youtube.com`,
//! `vimeo.com/ID`, `player.vimeo.com/video/ID`, with `t=`/`start=` times),
//! validates the ids, and builds the privacy-friendly URLs the facade uses.
//! Also reads durations (`2:30`, `PT2M30S`) and draws fallback posters
//! (`poster`). No I/O, no network: nothing here ever asks a video platform.

pub mod poster;

use std::fmt;

/// The local video files a site may publish, by extension, with their MIME type.
pub const VIDEO_FILES: &[(&str, &str)] =
    &[("mp4", "video/mp4"), ("m4v", "video/mp4"), ("webm", "video/webm"), ("ogv", "video/ogg")];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provider {
    YouTube,
    Vimeo,
}

impl Provider {
    /// The shortcode (and template) name: `youtube` or `vimeo`.
    pub fn name(self) -> &'static str {
        match self {
            Provider::YouTube => "youtube",
            Provider::Vimeo => "vimeo",
        }
    }
    /// For people: `YouTube` or `Vimeo`.
    pub fn label(self) -> &'static str {
        match self {
            Provider::YouTube => "YouTube",
            Provider::Vimeo => "Vimeo",
        }
    }
}

/// A video on a platform: which one, its id and where to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoRef {
    pub provider: Provider,
    pub id: String,
    pub start_seconds: u32,
    /// The privacy hash of an unlisted Vimeo video (`vimeo.com/ID/HASH`, `?h=HASH`).
    pub vimeo_hash: Option<String>,
}

impl VideoRef {
    /// A checked reference: `Err` says what is wrong with the id.
    pub fn new(provider: Provider, id: &str, start_seconds: u32) -> Result<VideoRef, String> {
        let id = id.trim();
        match provider {
            Provider::YouTube if !is_youtube_id(id) => {
                Err(format!("`{id}` is not a YouTube video id: those are 11 letters, digits, `-` or `_`, as in youtu.be/dQw4w9WgXcQ"))
            }
            Provider::Vimeo if !is_vimeo_id(id) => Err(format!("`{id}` is not a Vimeo video id: those are digits, as in vimeo.com/76979871")),
            _ => Ok(VideoRef { provider, id: id.to_string(), start_seconds, vimeo_hash: None }),
        }
    }

    /// The page of the video on its platform (what the poster links to
    /// without JavaScript).
    pub fn watch_url(&self) -> String {
        let start = self.start_seconds;
        match self.provider {
            Provider::YouTube if start > 0 => format!("https://www.youtube.com/watch?v={}&t={start}s", self.id),
            Provider::YouTube => format!("https://www.youtube.com/watch?v={}", self.id),
            Provider::Vimeo => {
                let mut u = format!("https://vimeo.com/{}", self.id);
                if let Some(h) = &self.vimeo_hash {
                    u.push('/');
                    u.push_str(h);
                }
                if start > 0 {
                    u.push_str(&format!("#t={start}s"));
                }
                u
            }
        }
    }

    /// The player URL: `youtube-nocookie.com`, or Vimeo with `dnt=1`. With
    /// `autoplay` it is what the facade loads after the click; without, what
    /// JSON-LD names as `embedUrl`.
    pub fn embed_url(&self, autoplay: bool) -> String {
        let start = self.start_seconds;
        match self.provider {
            Provider::YouTube => {
                let mut params: Vec<String> = Vec::new();
                if autoplay {
                    params.push("autoplay=1".into());
                }
                if start > 0 {
                    params.push(format!("start={start}"));
                }
                let query = if params.is_empty() { String::new() } else { format!("?{}", params.join("&")) };
                format!("https://www.youtube-nocookie.com/embed/{}{query}", self.id)
            }
            Provider::Vimeo => {
                let mut u = format!("https://player.vimeo.com/video/{}?", self.id);
                if let Some(h) = &self.vimeo_hash {
                    u.push_str(&format!("h={h}&"));
                }
                u.push_str("dnt=1");
                if autoplay {
                    u.push_str("&autoplay=1");
                }
                if start > 0 {
                    u.push_str(&format!("#t={start}s"));
                }
                u
            }
        }
    }
}

impl fmt::Display for VideoRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} video {}", self.provider.label(), self.id)
    }
}

/// 11 characters of `[A-Za-z0-9_-]`.
pub fn is_youtube_id(id: &str) -> bool {
    id.len() == 11 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// 1 to 12 digits.
pub fn is_vimeo_id(id: &str) -> bool {
    (1..=12).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

fn is_vimeo_hash(h: &str) -> bool {
    (6..=20).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether a URL names a video platform at all (so that a URL that does but
/// cannot be read deserves a warning rather than silence).
pub fn is_video_platform_url(url: &str) -> bool {
    split_url(url).is_some_and(|u| host_provider(&u.host).is_some())
}

/// The YouTube or Vimeo video a URL points to, or `None` when it is not one
/// (or its id is not valid).
pub fn parse_video_url(url: &str) -> Option<VideoRef> {
    let u = split_url(url)?;
    let provider = host_provider(&u.host)?;
    let segments: Vec<&str> = u.path.split('/').filter(|s| !s.is_empty()).collect();
    let param = |name: &str| u.params().find(|(k, _)| *k == name).map(|(_, v)| v);
    let start = param("t")
        .or_else(|| param("start"))
        .or_else(|| u.fragment.strip_prefix("t=").filter(|s| !s.is_empty()))
        .and_then(parse_time)
        .unwrap_or(0);
    match provider {
        Provider::YouTube => {
            let id = if u.host == "youtu.be" {
                segments.first().copied()
            } else {
                match segments.as_slice() {
                    ["watch"] => param("v"),
                    ["shorts" | "embed" | "live" | "v" | "e", id, ..] => Some(*id),
                    _ => None,
                }
            }?;
            VideoRef::new(Provider::YouTube, id, start).ok()
        }
        Provider::Vimeo => {
            let (id, hash) = if u.host == "player.vimeo.com" {
                match segments.as_slice() {
                    ["video", id, ..] => (*id, param("h")),
                    _ => return None,
                }
            } else {
                // vimeo.com/ID, vimeo.com/ID/HASH, vimeo.com/channels/x/ID,
                // vimeo.com/groups/x/videos/ID, vimeo.com/album/x/video/ID.
                let at = segments.iter().position(|s| is_vimeo_id(s))?;
                let known_prefix = matches!(
                    &segments[..at],
                    [] | ["channels", _] | ["groups", _, "videos"] | ["album", _, "video"] | ["showcase", _, "video"]
                );
                if !known_prefix {
                    return None;
                }
                (segments[at], segments.get(at + 1).copied().filter(|h| is_vimeo_hash(h)).or_else(|| param("h")))
            };
            let mut r = VideoRef::new(Provider::Vimeo, id, start).ok()?;
            r.vimeo_hash = hash.filter(|h| is_vimeo_hash(h)).map(str::to_string);
            Some(r)
        }
    }
}

/// The start time a video URL writes (`t=`, `start=` or `#t=`) when it is
/// not one shopstory can read (`t=abc`): the video then starts at the
/// beginning, which deserves a warning rather than silence.
pub fn unreadable_start(url: &str) -> Option<String> {
    let u = split_url(url)?;
    host_provider(&u.host)?;
    let param = |name: &str| u.params().find(|(k, _)| *k == name).map(|(_, v)| v);
    let written =
        param("t").or_else(|| param("start")).or_else(|| u.fragment.strip_prefix("t=").filter(|s| !s.is_empty()))?;
    parse_time(written).is_none().then(|| written.to_string())
}

struct SplitUrl<'a> {
    host: String,
    path: &'a str,
    query: &'a str,
    fragment: &'a str,
}

impl<'a> SplitUrl<'a> {
    fn params(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.query.split('&').filter_map(|kv| kv.split_once('=')).filter(|(_, v)| !v.is_empty())
    }
}

fn split_url(url: &str) -> Option<SplitUrl<'_>> {
    let url = url.trim().trim_start_matches('<').trim_end_matches('>');
    let lower_start: String = url.chars().take(8).collect::<String>().to_ascii_lowercase();
    let rest = if lower_start.starts_with("https://") {
        &url[8..]
    } else if lower_start.starts_with("http://") {
        &url[7..]
    } else {
        url.strip_prefix("//").unwrap_or(url)
    };
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    if host.is_empty() {
        return None;
    }
    Some(SplitUrl { host, path, query, fragment })
}

fn host_provider(host: &str) -> Option<Provider> {
    match host {
        "youtube.com"
        | "www.youtube.com"
        | "m.youtube.com"
        | "music.youtube.com"
        | "youtu.be"
        | "youtube-nocookie.com"
        | "www.youtube-nocookie.com" => Some(Provider::YouTube),
        "vimeo.com" | "www.vimeo.com" | "player.vimeo.com" => Some(Provider::Vimeo),
        _ => None,
    }
}

/// A start time: `90`, `90s`, `1m30s`, `1h2m3s` or `1:30` / `1:02:03`.
pub fn parse_time(text: &str) -> Option<u32> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().ok();
    }
    if t.contains(':') {
        return parse_clock(t);
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut last_unit = 4;
    for c in t.chars() {
        match c {
            '0'..='9' => number.push(c),
            'h' | 'H' | 'm' | 'M' | 's' | 'S' => {
                let unit = match c.to_ascii_lowercase() {
                    'h' => 3,
                    'm' => 2,
                    _ => 1,
                };
                // Units come once each, largest first.
                if number.is_empty() || unit >= last_unit || number.len() > 6 {
                    return None;
                }
                last_unit = unit;
                let n: u64 = number.parse().ok()?;
                total += n * [0, 1, 60, 3600][unit];
                number.clear();
            }
            _ => return None,
        }
    }
    if !number.is_empty() {
        return None;
    }
    u32::try_from(total).ok()
}

/// `M:SS` or `H:MM:SS` (minutes and seconds under 60 after the first part).
fn parse_clock(t: &str) -> Option<u32> {
    let parts: Vec<&str> = t.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts.iter().any(|p| p.is_empty() || p.len() > 6 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let nums: Vec<u64> = parts.iter().map(|p| p.parse().ok()).collect::<Option<_>>()?;
    if nums[1..].iter().any(|n| *n >= 60) {
        return None;
    }
    let total = nums.iter().fold(0u64, |acc, n| acc * 60 + n);
    u32::try_from(total).ok()
}

/// A video's length from front matter: `2:30`, `1:02:30`, `150` (seconds),
/// `2m30s` or ISO 8601 `PT2M30S`. Returns seconds (more than zero).
pub fn parse_duration(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let help = "write the length as minutes:seconds (2:30), hours:minutes:seconds (1:02:30) or ISO 8601 (PT2M30S)";
    let secs = if let Some(iso) = t.strip_prefix("PT").or_else(|| t.strip_prefix("pt")) {
        // ISO 8601 time part; fractional seconds are rounded.
        let mut total = 0u64;
        let mut number = String::new();
        let mut last_unit = 4;
        for c in iso.chars() {
            match c {
                '0'..='9' | '.' => number.push(c),
                'H' | 'M' | 'S' | 'h' | 'm' | 's' => {
                    let unit = match c.to_ascii_uppercase() {
                        'H' => 3,
                        'M' => 2,
                        _ => 1,
                    };
                    if number.is_empty() || unit >= last_unit || (unit != 1 && number.contains('.')) || number.len() > 9
                    {
                        return Err(format!("`{t}` is not a duration: {help}"));
                    }
                    last_unit = unit;
                    let n: f64 = number.parse().map_err(|_| format!("`{t}` is not a duration: {help}"))?;
                    total += (n * [0.0, 1.0, 60.0, 3600.0][unit]).round() as u64;
                    number.clear();
                }
                _ => return Err(format!("`{t}` is not a duration: {help}")),
            }
        }
        if !number.is_empty() || last_unit == 4 {
            return Err(format!("`{t}` is not a duration: {help}"));
        }
        u32::try_from(total).ok()
    } else {
        parse_time(t)
    };
    match secs {
        Some(0) => Err(format!("`{t}` is a duration of zero: {help}")),
        Some(s) if s > 24 * 3600 => Err(format!("`{t}` is longer than a day; {help}")),
        Some(s) => Ok(s),
        None => Err(format!("`{t}` is not a duration: {help}")),
    }
}

/// Seconds as ISO 8601: `PT2M30S`, `PT1H`, `PT45S`.
pub fn iso_duration(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || seconds == 0 {
        out.push_str(&format!("{s}S"));
    }
    out
}

/// Seconds for people: `2:30`, `1:02:30`.
pub fn clock_duration(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests;
