//! Checked paths: the one place where a path that an owner configured or
//! wrote becomes a path the build may use. Parse (site.yaml, front matter,
//! data files), resolve (URLs of posts, pages, tags, staff, moments,
//! products) and the pipeline's last guard before writing (every output
//! file) all call these functions. They take strings and return validated
//! values (`UrlPath`, `OutputPath`, a site-relative path, the cache folder)
//! or a `PathError` saying why not. Pure: they never touch the disk, and a
//! value they return can never lead outside the output (or the site) folder.

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// The longest file or folder name the usual file systems accept, in bytes.
pub const MAX_SEGMENT_BYTES: usize = 255;

/// Why a path was refused. `Display` follows "… `<path>`: ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// A URL path that does not start with `/`.
    NotRooted,
    /// `//`: an empty folder name.
    EmptySegment,
    /// A `.` or `..` part.
    DotSegment(&'static str),
    /// NUL or another control character.
    Control(char),
    /// `\`, a folder separator on Windows.
    Backslash,
    /// `?`, `#` or `%`, which mean something else in a web address.
    Reserved(char),
    /// A name starting with `.` (`.git`): hidden, not published by hosts,
    /// and left alone in the output as not ours.
    Hidden(String),
    /// A part longer than a file name may be.
    TooLong { part: String, bytes: usize },
    /// `..` climbs above the site folder.
    Outside,
    /// The cache folder would be this (a folder the build must not fill).
    CacheAt(String),
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::NotRooted => write!(f, "it must start with '/'"),
            PathError::EmptySegment => write!(f, "it has an empty folder name (`//`)"),
            PathError::DotSegment(d) => write!(f, "it has a `{d}` folder, which would lead out of the output folder"),
            PathError::Control(c) => write!(f, "it contains the control character U+{:04X}", u32::from(*c)),
            PathError::Backslash => write!(f, "it contains a backslash; folders are separated by `/`"),
            PathError::Reserved(c) => write!(f, "it contains `{c}`, which means something else in a web address"),
            PathError::Hidden(name) => {
                write!(f, "it has the hidden name `{name}`; hosts do not publish hidden files and folders")
            }
            PathError::TooLong { part, bytes } => {
                let shown: String = part.chars().take(24).collect();
                write!(
                    f,
                    "the name `{shown}…` is {bytes} bytes long; a file name may be at most {MAX_SEGMENT_BYTES} bytes"
                )
            }
            PathError::Outside => write!(f, "it points outside the site folder"),
            PathError::CacheAt(what) => write!(f, "it is {what}"),
        }
    }
}

/// One file or folder name of an output path.
fn check_name(name: &str) -> Result<(), PathError> {
    match name {
        "" => return Err(PathError::EmptySegment),
        "." => return Err(PathError::DotSegment(".")),
        ".." => return Err(PathError::DotSegment("..")),
        _ => {}
    }
    if let Some(c) = name.chars().find(|c| *c == '\0') {
        return Err(PathError::Control(c));
    }
    if name.len() > MAX_SEGMENT_BYTES {
        return Err(PathError::TooLong { part: name.to_string(), bytes: name.len() });
    }
    Ok(())
}

/// A site URL path (`/blog/x/`, `/404.html`): starts with `/`, every folder
/// name non-empty, no `.` or `..` or other name starting with `.`, no
/// control character, backslash, `?`, `#` or `%`, no name over 255 bytes.
/// A trailing `/` means `index.html`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UrlPath(String);

impl UrlPath {
    pub fn parse(candidate: &str) -> Result<UrlPath, PathError> {
        let rest = candidate.strip_prefix('/').ok_or(PathError::NotRooted)?;
        if let Some(c) = candidate.chars().find(|c| c.is_control()) {
            return Err(PathError::Control(c));
        }
        if candidate.contains('\\') {
            return Err(PathError::Backslash);
        }
        if let Some(c) = candidate.chars().find(|c| matches!(c, '?' | '#' | '%')) {
            return Err(PathError::Reserved(c));
        }
        if !rest.is_empty() {
            let names: Vec<&str> = rest.split('/').collect();
            let last = names.len() - 1;
            for (i, name) in names.into_iter().enumerate() {
                if !(i == last && name.is_empty()) {
                    check_name(name)?;
                    if name.starts_with('.') {
                        return Err(PathError::Hidden(name.to_string()));
                    }
                }
            }
        }
        Ok(UrlPath(candidate.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The file it is written to: `/blog/x/` → `blog/x/index.html`.
    pub fn output(&self) -> OutputPath {
        OutputPath(super::url_to_output(&self.0))
    }
}

impl fmt::Display for UrlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A path inside the output folder (`blog/x/index.html`): relative, `/`
/// between names, every name non-empty, not `.` or `..`, without NUL and at
/// most 255 bytes. Joined to the output folder it stays inside it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutputPath(String);

impl OutputPath {
    pub fn parse(candidate: &str) -> Result<OutputPath, PathError> {
        if candidate.starts_with('/') {
            return Err(PathError::Outside);
        }
        for name in candidate.split('/') {
            check_name(name)?;
        }
        Ok(OutputPath(candidate.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A path an owner wrote for a file of the site (a photo, a poster, a
/// video, a link target): relative to the folder of the site file `from`,
/// or from the site folder when it starts with `/`. Returns the normalised
/// site path, or why not: `..` above the site folder, NUL or another control
/// character. This is the one check every such path goes through.
pub fn site_ref(from: &str, written: &str) -> Result<String, PathError> {
    if let Some(c) = written.chars().find(|c| c.is_control()) {
        return Err(PathError::Control(c));
    }
    super::resolve_relative(from, written).ok_or(PathError::Outside)
}

/// `path` absolute and without `.` or `..`, lexically (`base` makes a
/// relative path absolute).
pub fn normalise(base: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in base.join(path).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The folders of a site the build reads; the cache must not be in them.
pub const SOURCE_FOLDERS: &[&str] = &["content", "data", "static", "templates", "themes", "i18n", ".git"];

/// Checks `cache_dir` from site.yaml against the site folder `root` and the
/// output folder `output` (both absolute, links resolved). A cache outside
/// the site is fine (`/home/ci/.cache/shop`, kept between CI runs); the
/// file system root, the site folder or a folder above it, a source folder
/// (or a folder in one) and the output (or a folder around it) are not.
/// Returns the cache folder, absolute.
pub fn check_cache_dir(root: &Path, output: &Path, written: &str) -> Result<PathBuf, PathError> {
    if written.trim().is_empty() {
        return Err(PathError::CacheAt("empty".into()));
    }
    if let Some(c) = written.chars().find(|c| c.is_control()) {
        return Err(PathError::Control(c));
    }
    let cache = normalise(root, Path::new(written));
    if cache.parent().is_none() {
        return Err(PathError::CacheAt("the root of the file system".into()));
    }
    if cache == root {
        return Err(PathError::CacheAt("the site folder itself".into()));
    }
    if root.starts_with(&cache) {
        return Err(PathError::CacheAt("a folder that holds the site folder".into()));
    }
    if let Some(source) = SOURCE_FOLDERS.iter().find(|d| cache.starts_with(root.join(d))) {
        return Err(PathError::CacheAt(format!("in the site's {source}/ folder")));
    }
    if cache.starts_with(output) {
        return Err(PathError::CacheAt("in the output folder".into()));
    }
    if output.starts_with(&cache) {
        return Err(PathError::CacheAt("a folder that holds the output folder".into()));
    }
    Ok(cache)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths() {
        for good in ["/", "/blog/x/", "/404.html", "/2026/03/x.html", "/привет/"] {
            assert_eq!(UrlPath::parse(good).map(|u| u.into_string()), Ok(good.to_string()), "{good}");
        }
        let long = format!("/{}/", "a".repeat(256));
        for (bad, why) in [
            ("blog/x/", PathError::NotRooted),
            ("/blog//x/", PathError::EmptySegment),
            ("//x/", PathError::EmptySegment),
            ("/../../victim/x.html", PathError::DotSegment("..")),
            ("/a/./x/", PathError::DotSegment(".")),
            ("/a\0/x/", PathError::Control('\0')),
            ("/a\n/", PathError::Control('\n')),
            ("/a\\..\\x/", PathError::Backslash),
            ("/a?b/", PathError::Reserved('?')),
            ("/.git/x/", PathError::Hidden(".git".into())),
            ("/blog/.x.html", PathError::Hidden(".x.html".into())),
            ("/%2e%2e/x/", PathError::Reserved('%')),
            (long.as_str(), PathError::TooLong { part: "a".repeat(256), bytes: 256 }),
        ] {
            assert_eq!(UrlPath::parse(bad), Err(why), "{bad:?}");
        }
        assert!(UrlPath::parse(&format!("/{}/", "a".repeat(255))).is_ok());
        // 128 two-byte letters are 256 bytes.
        assert!(matches!(
            UrlPath::parse(&format!("/{}/", "ж".repeat(128))),
            Err(PathError::TooLong { bytes: 256, .. })
        ));
        assert_eq!(UrlPath::parse("/blog/x/").unwrap().output().as_str(), "blog/x/index.html");
    }

    #[test]
    fn output_paths() {
        assert!(OutputPath::parse("media/a b%.css").is_ok());
        for bad in ["", "/etc/passwd", "a/../../x", "a//b", "./a", "a\0b"] {
            assert!(OutputPath::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn site_refs() {
        assert_eq!(site_ref("content/posts/a.md", "b.jpg"), Ok("content/posts/b.jpg".into()));
        assert_eq!(site_ref("", "/static/logo.png"), Ok("static/logo.png".into()));
        assert_eq!(site_ref("", "../logo.png"), Err(PathError::Outside));
        assert_eq!(site_ref("", "../../../../etc/passwd"), Err(PathError::Outside));
        assert_eq!(site_ref("content/a.md", "/../x.jpg"), Err(PathError::Outside));
        assert_eq!(site_ref("", "a\0.jpg"), Err(PathError::Control('\0')));
    }

    #[test]
    fn cache_dirs() {
        let root = Path::new("/srv/shop/site");
        let out = Path::new("/srv/shop/site/public");
        let ok = |w: &str| check_cache_dir(root, out, w).map(|p| p.display().to_string());
        assert_eq!(ok(".shopstory-cache"), Ok("/srv/shop/site/.shopstory-cache".into()));
        assert_eq!(ok("/home/ci/.cache/shop"), Ok("/home/ci/.cache/shop".into()));
        assert_eq!(ok("../cache"), Ok("/srv/shop/cache".into()));
        for (bad, what) in [
            ("/", "it is the root of the file system"),
            ("/..", "it is the root of the file system"),
            ("", "it is empty"),
            (".", "it is the site folder itself"),
            ("./", "it is the site folder itself"),
            ("public/..", "it is the site folder itself"),
            ("..", "it is a folder that holds the site folder"),
            ("/srv", "it is a folder that holds the site folder"),
            ("content", "it is in the site's content/ folder"),
            ("static/cache", "it is in the site's static/ folder"),
            ("/srv/shop/site/i18n", "it is in the site's i18n/ folder"),
            ("public", "it is in the output folder"),
            ("public/cache", "it is in the output folder"),
            ("a\0", "it contains the control character U+0000"),
        ] {
            assert_eq!(check_cache_dir(root, out, bad).map_err(|e| e.to_string()), Err(what.to_string()), "{bad:?}");
        }
        let outer = Path::new("/srv/shop/site/build/public");
        assert_eq!(
            check_cache_dir(root, outer, "build").map_err(|e| e.to_string()),
            Err("it is a folder that holds the output folder".to_string())
        );
    }
}
