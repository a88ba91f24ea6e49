//! `shopstory serve`: build the site, serve it, watch the folder, rebuild on
//! every change and make the open pages reload.
//!
//! A command at the edge, not a stage: it drives the same pipeline as
//! `build` (`check_with` + `build_files`) and keeps the result in memory as
//! a `Snapshot` instead of writing it, so the preview never touches
//! `public/`, writes nothing a crash could leave half-done, and a rebuild
//! of a 1,000-post site costs the pipeline alone (writing and deleting a
//! thousand folders per save costs more than rendering them on a slow disk).
//! Every rebuild runs the whole pipeline over warm caches: processed images
//! are content-addressed cache hits, so only what changed costs anything.
//!
//! A good rebuild swaps the snapshot in under the reload state's lock; a
//! failed one keeps the last good snapshot and publishes its errors for the
//! overlay. Either way the generation moves on and the pages hear of it.

pub mod guard;
pub mod http;
pub mod reload;
pub mod server;
pub mod snapshot;
pub mod watch;

use crate::diag::{render, Diagnostics};
use crate::options::BuildOptions;
use crate::output::{Deps, OutputFile};
use crate::render::body::memo::Bodies;
use crate::report::{Reporter, Verbosity};
use anyhow::{anyhow, Result};
use reload::Shared;
use snapshot::{Changes, Snapshot};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

/// site.yaml's default `cache_dir`, watched around until the first build says otherwise.
const DEFAULT_CACHE_DIR: &str = ".shopstory-cache";

/// What `serve` needs; built from the command line in `commands/serve.rs`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 lets the system choose a free port.
    pub port: u16,
    pub open: bool,
    /// Poll the files instead of asking the system for events.
    pub poll: bool,
}

/// The result of one run of the pipeline.
enum Built {
    Good {
        /// Wall time of each stage (`-v` prints them).
        phases: crate::Phases,
        files: Vec<OutputFile>,
        /// Pages not rendered: the last good build's, inputs unchanged.
        kept: Vec<String>,
        deps: std::collections::HashMap<String, Deps>,
        pages: usize,
        /// Of `pages`, those rendered.
        rendered: usize,
        posts: usize,
        diags: Diagnostics,
        cache_dir: String,
        base_path: String,
    },
    Failed {
        diags: Diagnostics,
    },
}

/// Runs the whole pipeline, keeping every output file in memory; a page
/// whose inputs are those `previous` rendered it from is kept from it, not
/// rendered.
fn build_once(
    opts: &BuildOptions,
    reporter: &Reporter,
    previous: Option<&Snapshot>,
    bodies: &Bodies,
    kept: &crate::Kept,
) -> Built {
    // About as many pages as the last build's: no table grown step by step.
    let n = previous.map_or(0, |p| p.deps.len());
    let made =
        Made { files: Vec::new(), kept: Vec::with_capacity(n), deps: std::collections::HashMap::with_capacity(n) };
    let pages = InMemory { previous, made: Mutex::new(made), bodies, kept_render: &kept.render };
    let mut outcome = crate::check_kept(opts, &pages, Some(kept));
    if !outcome.diags.has_errors() {
        if let Err(e) = crate::build_files(opts, &mut outcome, reporter) {
            outcome.diags.error(&outcome.cache_dir, None, format!("could not use the image cache: {e}")).help(
                "check that the disk is not full and that you may write to the cache folder (cache_dir in site.yaml)",
            );
        }
    }
    if outcome.diags.has_errors() {
        return Built::Failed { diags: outcome.diags };
    }
    let Made { mut files, kept, mut deps } = pages.made.into_inner().unwrap_or_else(|e| e.into_inner());
    // A file written over a page (a static file at its path) is not that page.
    for f in &outcome.files {
        deps.remove(&f.path);
    }
    // As in `build`: pages first, then the other files (written last, so
    // they win on the same path).
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.append(&mut outcome.files);
    Built::Good {
        phases: outcome.phases,
        files,
        kept,
        deps,
        rendered: outcome.rendered,
        pages: outcome.pages,
        posts: outcome.posts,
        diags: outcome.diags,
        cache_dir: outcome.cache_dir,
        base_path: outcome.base_path,
    }
}

/// Every rendered page, in memory, and the pages kept from the last good
/// build (the same mechanism as `build`'s record, without a disk).
struct InMemory<'a> {
    previous: Option<&'a Snapshot>,
    made: Mutex<Made>,
    /// The bodies of the last rebuilds (`render::body::memo`), in memory.
    bodies: &'a Bodies,
    /// What render kept of the last rebuilds (post pages by what they
    /// read, search postings).
    kept_render: &'a crate::render::Kept,
}

#[derive(Default)]
struct Made {
    files: Vec<OutputFile>,
    kept: Vec<String>,
    deps: std::collections::HashMap<String, Deps>,
}

impl crate::render::Pages for InMemory<'_> {
    fn put(&self, f: OutputFile, deps: Deps) -> Result<(), String> {
        let mut made = self.made.lock().map_err(|_| "a render thread panicked".to_string())?;
        made.deps.insert(f.path.clone(), deps);
        made.files.push(f);
        Ok(())
    }

    fn keep(&self, path: &str, deps: &Deps) -> bool {
        let Some(previous) = self.previous else { return false };
        if previous.deps.get(path) != Some(deps) || previous.get(path).is_none() {
            return false;
        }
        let Ok(mut made) = self.made.lock() else { return false };
        made.deps.insert(path.to_string(), deps.clone());
        made.kept.push(path.to_string());
        true
    }

    fn bodies(&self) -> Option<&Bodies> {
        Some(self.bodies)
    }

    fn kept(&self) -> Option<&crate::render::Kept> {
        Some(self.kept_render)
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Binds the port, with a message that says what to do when it is taken.
fn bind(addr: SocketAddr) -> Result<TcpListener> {
    TcpListener::bind(addr).map_err(|e| {
        let port = addr.port();
        match e.kind() {
            std::io::ErrorKind::AddrInUse => anyhow!(
                "port {port} on {} is already in use (another `shopstory serve`, or another program)\n  help: stop the other one, or choose another port: shopstory serve --port {}",
                addr.ip(),
                port.checked_add(1).unwrap_or(1112)
            ),
            std::io::ErrorKind::AddrNotAvailable => anyhow!(
                "cannot listen on {}: it is not an address of this computer\n  help: use --bind 127.0.0.1 (this computer only) or --bind 0.0.0.0 (every network it is on)",
                addr.ip()
            ),
            std::io::ErrorKind::PermissionDenied => anyhow!(
                "not allowed to listen on port {port}\n  help: ports below 1024 need special rights; use the default, --port 1111"
            ),
            _ => anyhow!("cannot listen on {addr}: {e}"),
        }
    })
}

fn url_of(ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V6(v6) => format!("http://[{v6}]:{port}/"),
        IpAddr::V4(v4) => format!("http://{v4}:{port}/"),
    }
}

/// The address other devices on the network can reach this computer at,
/// when it listens on all of them. Asks the routing table only: connecting
/// a UDP socket sends nothing.
fn lan_address() -> Option<IpAddr> {
    let socket = std::net::UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    socket.connect((Ipv4Addr::new(192, 0, 2, 1), 9)).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

/// Opens `url` in the default browser, if there is a way to; never fails.
fn open_browser(url: &str, reporter: &Reporter) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            // Reap it, so it does not linger as a zombie.
            let _ = std::thread::Builder::new().name("serve-open".into()).spawn(move || child.wait());
        }
        Err(_) => {
            reporter.status(&format!("could not open a browser ({program} is not available): open {url} yourself"));
        }
    }
}

/// The rebuild loop's memory between rebuilds.
struct Rebuilder {
    opts: BuildOptions,
    shared: Arc<Shared>,
    current: Option<Arc<Snapshot>>,
    /// The bodies the last rebuilds rendered.
    bodies: Bodies,
    /// The texts read and documents parsed by the last rebuild.
    kept: crate::Kept,
    /// The warnings printed last, so a rebuild repeats them only when they change.
    last_warnings: String,
    failed: bool,
}

impl Rebuilder {
    /// One rebuild, published to the pages. Returns the cache folder of a
    /// good build (for the watcher's filter).
    fn rebuild(&mut self, reporter: &Reporter, why: Option<&str>) -> Option<String> {
        let started = Instant::now();
        self.opts.today = crate::options::today();
        // Rebuilds stay quiet about cache statistics; diagnostics are printed below.
        let inner =
            if why.is_some() { Reporter { verbosity: Verbosity::Quiet, tty: reporter.tty } } else { reporter.clone() };
        let memo = std::mem::take(&mut self.bodies);
        let built = build_once(&self.opts, &inner, self.current.as_deref(), &memo, &self.kept);
        // A good build used every body it will need next; a failed one may not have.
        self.bodies = Bodies::from_entries(match built {
            Built::Good { .. } => memo.into_new().entries,
            Built::Failed { .. } => memo.into_all(),
        });
        let elapsed = started.elapsed();
        let timing = if reporter.verbosity == Verbosity::Verbose || reporter.tty {
            format!(" in {} ms", elapsed.as_millis())
        } else {
            String::new()
        };
        match built {
            Built::Good { phases, files, kept, deps, pages, rendered, posts, diags, cache_dir, base_path } => {
                let (mut snapshot, changes) =
                    Snapshot::keeping(files, kept, self.current.as_deref(), SystemTime::now());
                snapshot.base_path = base_path;
                snapshot.deps = deps;
                let snapshot = Arc::new(snapshot);
                self.current = Some(snapshot.clone());
                let was_failed = std::mem::replace(&mut self.failed, false);
                let warnings = render::all_to_text(&diags);
                if warnings != self.last_warnings || was_failed {
                    reporter.diagnostics(&diags);
                    self.last_warnings = warnings;
                }
                match why {
                    None => reporter.status(&format!(
                        "built {} and {}{timing}",
                        plural(pages, "page"),
                        plural(posts, "post")
                    )),
                    Some(why) => reporter.status(&format!(
                        "{}rebuilt after a change to {why}: {}{timing}",
                        if was_failed { "errors fixed; " } else { "" },
                        describe(&changes)
                    )),
                }
                if why.is_some() {
                    reporter.detail(&format!(
                        "rendered {rendered} of {pages} pages (the others' inputs had not changed): {}",
                        phases.summary()
                    ));
                }
                // Printed first, published next: the terminal never lags the browser.
                self.shared.publish(snapshot, changes.reload());
                Some(cache_dir)
            }
            Built::Failed { diags } => {
                self.failed = true;
                self.last_warnings.clear();
                reporter.diagnostics(&diags);
                self.shared.publish_errors(render::all_to_html(&diags));
                let kept = if self.current.is_some() {
                    "the last good pages are still served"
                } else {
                    "nothing to serve yet"
                };
                reporter.status(&format!("the browser shows these errors; {kept}{timing}"));
                None
            }
        }
    }
}

fn describe(changes: &Changes) -> String {
    match changes.count() {
        0 => "no page changed".to_string(),
        1 => format!("{} changed", changes.changed.first().or(changes.removed.first()).map_or("", |s| s.as_str())),
        n => format!("{} changed", plural(n, "file")),
    }
}

/// Runs the preview until the process is stopped (Ctrl-C). Nothing is
/// written anywhere but the image cache (atomically), so stopping at any
/// moment leaves nothing half-done.
pub fn serve(opts: &ServeOptions, reporter: &Reporter) -> Result<ExitCode> {
    let root = &opts.build.root;
    if !root.join(crate::parse::config::CONFIG_FILE).is_file() {
        // The same message as `build`.
        let outcome = crate::check(&opts.build);
        reporter.diagnostics(&outcome.diags);
        return Ok(ExitCode::from(1));
    }
    let listener = bind(SocketAddr::new(opts.bind, opts.port))?;
    let addr = listener.local_addr()?;
    let instance = format!(
        "{:x}{:x}",
        std::process::id(),
        SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)
    );
    let shared = Arc::new(Shared::new(instance));
    // Requests before the first build ends get a page that waits for it.
    let (answer_shared, log) = (shared.clone(), reporter.clone());
    let handler: server::Handler = Arc::new(move |req: &server::Request| {
        let reply = http::answer(req, &answer_shared, addr);
        log.detail(&format!("{} {} {}", req.method, req.target, reply.status));
        reply
    });
    server::spawn(listener, server::LIMITS, handler).map_err(|e| anyhow!("cannot start the server on {addr}: {e}"))?;

    let mut rebuilder = Rebuilder {
        opts: opts.build.clone(),
        shared,
        current: None,
        bodies: Bodies::default(),
        kept: crate::Kept::default(),
        last_warnings: String::new(),
        failed: false,
    };
    // Watch before the first build, so that a save during a long first
    // build (a cold image cache) is not missed.
    let mut filter = watch::Filter::new(root, DEFAULT_CACHE_DIR);
    let mut watcher = watch::Watch::start(&filter, opts.poll).map_err(|e| {
        anyhow!("cannot watch {} for changes: {e}\n  help: try `shopstory serve --poll` (it looks at the files every few hundred milliseconds instead)", root.display())
    })?;
    if let Some(cache_dir) = rebuilder.rebuild(reporter, None) {
        filter = watch::Filter::new(root, &cache_dir);
    }

    let mut local = if opts.bind.is_unspecified() {
        url_of(
            if opts.bind.is_ipv4() {
                IpAddr::V4(Ipv4Addr::LOCALHOST)
            } else {
                IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)
            },
            addr.port(),
        )
    } else {
        url_of(addr.ip(), addr.port())
    };
    // A site under a sub-path is previewed under it (`/` redirects there).
    if let Some(under) =
        rebuilder.current.as_ref().map(|s| s.base_path.trim_start_matches('/')).filter(|p| !p.is_empty())
    {
        local = format!("{local}{under}/");
    }
    // On stdout, for scripts and tests: the address to open.
    reporter.result(&format!("serving {local}"));
    if !opts.bind.is_loopback() {
        let lan = if opts.bind.is_unspecified() { lan_address() } else { Some(addr.ip()) };
        reporter.status(&format!(
            "warning: listening on {}: other devices on your network can see this preview, drafts included",
            opts.bind
        ));
        match lan {
            Some(ip) => reporter.status(&format!("  on a phone on the same network, open {}", url_of(ip, addr.port()))),
            None => {
                reporter.status("  on a phone on the same network, open this computer's address with the port above");
            }
        }
    }
    reporter.status("watching for changes; press Ctrl-C to stop");
    if opts.open {
        open_browser(&local, reporter);
    }

    while let Some(batch) = watcher.next(&filter) {
        for e in &batch.errors {
            reporter.status(&format!("warning: the file watcher: {e}"));
        }
        if batch.paths.is_empty() && !batch.rescan {
            continue;
        }
        // What the watcher names is read again whatever its stamp says; the
        // system's watcher, when it reported no error, names every change,
        // so nothing else is walked or stat'ed again (`load::Texts`).
        if batch.rescan {
            rebuilder.kept.texts.clear();
        } else {
            let complete = !opts.poll && batch.errors.is_empty();
            rebuilder.kept.texts.changed(root, batch.paths.keys().map(String::as_str), complete);
        }
        if let Some(cache_dir) = rebuilder.rebuild(reporter, Some(&batch.describe())) {
            filter = watch::Filter::new(root, &cache_dir);
        }
    }
    Err(anyhow!("the file watcher stopped"))
}

#[cfg(test)]
mod tests;
