//! `SiteTest`: copies a fixture site into a fresh temp folder, runs the real
//! `shopstory` binary on it, and reads the output back.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fixed "today" (2026-11-22 UTC) so that future-dated posts and the
/// output are the same on every run.
pub(crate) const TODAY_EPOCH: &str = "1795305600";

pub(crate) struct SiteTest {
    pub(crate) _tmp: tempfile::TempDir,
    pub(crate) root: PathBuf,
}

pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() == "public" {
                continue;
            }
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

pub(crate) fn shopstory(dir: &Path, args: &[&str]) -> Run {
    Command::new(env!("CARGO_BIN_EXE_shopstory"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env_remove("SHOPSTORY_LOG")
        .output()
        .expect("run shopstory")
        .into()
}

impl SiteTest {
    /// A copy of `tests/fixtures/<name>` in a fresh temp folder.
    pub(crate) fn fixture(name: &str) -> SiteTest {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        copy_dir(&fixtures().join(name), &root);
        SiteTest { _tmp: tmp, root }
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        let mut run = shopstory(&self.root, args);
        let root = self.root.display().to_string();
        run.stderr = run.stderr.replace(&root, "[ROOT]");
        run.stdout = run.stdout.replace(&root, "[ROOT]");
        run
    }

    pub(crate) fn build(&self) -> Run {
        self.run(&["build"])
    }

    /// `shopstory <args>`, which must succeed.
    pub(crate) fn run_ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(run.code, 0, "`shopstory {}` failed:\n{}", args.join(" "), run.stderr);
        run
    }

    /// `shopstory build`, which must succeed.
    pub(crate) fn build_ok(&self) -> Run {
        self.run_ok(&["build"])
    }

    pub(crate) fn write(&self, rel: &str, text: &str) {
        let p = self.root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub(crate) fn public(&self) -> PathBuf {
        self.root.join("public")
    }
}

/// Every file under `dir`, relative path → bytes.
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(rd) = fs::read_dir(dir) else { return };
        for e in rd {
            let e = e.unwrap();
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// The first JSON-LD block of a page, parsed.
pub(crate) fn json_ld(html: &str) -> Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("JSON-LD") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("JSON-LD parses")
}

/// The values of every `name="..."` attribute in some HTML.
pub(crate) fn attributes<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// A plain static file server for the browser tests, on 127.0.0.1 (GET
/// only, one thread per connection, `Connection: close`), serving `root`
/// under `prefix` (`/`, or `/shop/` like GitHub Pages for a project site).
/// A missing file under the prefix gets `404.html` with status 404 when
/// `not_found_page` (as GitHub Pages does), else a bare 404; anything
/// outside the prefix, or with `..`, is a bare 404. Returns the port.
pub(crate) fn static_host(root: PathBuf, prefix: &'static str, not_found_page: bool) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
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
                let path = target.split(['?', '#']).next().unwrap_or("/");
                let bare = || ("404 Not Found", "x.txt".to_string(), b"not found".to_vec());
                let (status, rel, body) = match path.strip_prefix(prefix) {
                    Some(rel) if !rel.contains("..") => {
                        let mut rel = rel.to_string();
                        if rel.is_empty() || rel.ends_with('/') {
                            rel.push_str("index.html");
                        }
                        match fs::read(root.join(&rel)) {
                            Ok(b) => ("200 OK", rel, b),
                            Err(_) if not_found_page => {
                                ("404 Not Found", "404.html".into(), fs::read(root.join("404.html")).unwrap())
                            }
                            Err(_) => bare(),
                        }
                    }
                    _ => bare(),
                };
                let mime = match rel.rsplit('.').next() {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css",
                    Some("js") => "text/javascript",
                    Some("svg") => "image/svg+xml",
                    Some("jpg") => "image/jpeg",
                    Some("png") => "image/png",
                    Some("webp") => "image/webp",
                    Some("mp4") => "video/mp4",
                    Some("vtt") => "text/vtt",
                    Some("txt") => "text/plain",
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
