//! Live reload by long polling, and the error overlay.
//!
//! The state the HTTP workers and the rebuild loop share is one
//! `Mutex<State>` plus a `Condvar`: the current snapshot, the generation
//! (bumped by every rebuild, good or bad) and, after a failed rebuild, the
//! errors as escaped HTML. A page asks `GET /__shopstory/reload?since=N&instance=I`;
//! the answer comes when the generation passes `N` (or after
//! `POLL_TIMEOUT`), and says what the page should do: reload, swap its
//! stylesheets, or nothing. `instance` names the server run, so a page left
//! open across a restart reloads once the new server answers.
//!
//! The script tag and the overlay are injected into HTML replies at response
//! time, before `</body>`: the snapshot keeps the exact bytes of `build`.

use super::snapshot::{Reload, Snapshot};
use crate::diag::render::escape_html;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// How long a long poll is held before it is answered "nothing new".
pub const POLL_TIMEOUT: Duration = Duration::from_secs(25);

#[derive(Debug, Default)]
pub struct State {
    pub generation: u64,
    /// The last generation after which pages must reload.
    page_generation: u64,
    /// The last generation that changed stylesheets.
    css_generation: u64,
    /// The last good build (none before the first one).
    pub site: Option<Arc<Snapshot>>,
    /// The errors of the last rebuild, when it failed, as HTML.
    pub errors: Option<Arc<str>>,
}

/// What a request sees: one consistent moment of the state.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub generation: u64,
    pub site: Option<Arc<Snapshot>>,
    pub errors: Option<Arc<str>>,
}

#[derive(Debug)]
pub struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    /// Names this run of the server.
    pub instance: String,
    /// Long polls being held (bounded by the HTTP side).
    pub polls: AtomicUsize,
}

impl Shared {
    pub fn new(instance: String) -> Shared {
        Shared { state: Mutex::new(State::default()), changed: Condvar::new(), instance, polls: AtomicUsize::new(0) }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking request thread must not stop the preview.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn view(&self) -> View {
        let s = self.lock();
        View { generation: s.generation, site: s.site.clone(), errors: s.errors.clone() }
    }

    /// A good rebuild: serve `site` from now on, clear the errors, wake the
    /// pages. Returns the new generation.
    pub fn publish(&self, site: Arc<Snapshot>, reload: Reload) -> u64 {
        let mut s = self.lock();
        let reload = if s.errors.is_some() || s.site.is_none() { Reload::Page } else { reload };
        s.generation += 1;
        match reload {
            Reload::Page => s.page_generation = s.generation,
            Reload::Css => s.css_generation = s.generation,
            Reload::None => {}
        }
        let old = s.site.replace(site);
        s.errors = None;
        let g = s.generation;
        drop(s);
        self.changed.notify_all();
        // The last build's pages are let go after the waiting browsers are
        // told (at 10,000 posts freeing them takes tens of milliseconds).
        drop(old);
        g
    }

    /// A failed rebuild: keep the last good site, show `errors_html`.
    pub fn publish_errors(&self, errors_html: String) -> u64 {
        let mut s = self.lock();
        s.generation += 1;
        s.page_generation = s.generation;
        s.errors = Some(Arc::from(errors_html));
        let g = s.generation;
        drop(s);
        self.changed.notify_all();
        g
    }

    /// Answers a long poll (its query string): waits until the generation
    /// passes `since`, at most `timeout`, and returns the JSON answer.
    pub fn wait_for_change(&self, query: &str, timeout: Duration) -> String {
        let q = PollQuery::parse(query);
        let same_instance = q.instance.as_deref() == Some(self.instance.as_str());
        let s = self.lock();
        let (s, _) = self
            .changed
            .wait_timeout_while(s, timeout, |s| same_instance && q.since == Some(s.generation))
            .unwrap_or_else(|e| e.into_inner());
        let reload = match q.since {
            _ if !same_instance => Reload::Page,
            None => Reload::Page,
            Some(n) if n > s.generation => Reload::Page,
            Some(n) => reload_since(&s, n),
        };
        format!(
            "{{\"instance\":\"{}\",\"generation\":{},\"reload\":\"{}\"}}",
            self.instance,
            s.generation,
            reload.as_str()
        )
    }
}

/// What a page served at generation `since` must do now.
fn reload_since(s: &State, since: u64) -> Reload {
    if s.page_generation > since {
        Reload::Page
    } else if s.css_generation > since {
        Reload::Css
    } else {
        Reload::None
    }
}

struct PollQuery {
    since: Option<u64>,
    instance: Option<String>,
}

impl PollQuery {
    fn parse(query: &str) -> PollQuery {
        let mut q = PollQuery { since: None, instance: None };
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("since", v)) => q.since = v.parse().ok(),
                Some(("instance", v)) => q.instance = Some(v.to_string()),
                _ => {}
            }
        }
        q
    }
}

/// The preview's own files, under `/__shopstory/`.
pub fn internal_file(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        "reload.js" => Some(("text/javascript; charset=utf-8", SCRIPT)),
        "overlay.css" => Some(("text/css; charset=utf-8", OVERLAY_CSS)),
        _ => None,
    }
}

/// Reloads the page (or swaps its stylesheets) when the server says so.
/// Same-origin file, so a site's Content-Security-Policy of `'self'` allows it.
pub const SCRIPT: &str = r#"// shopstory serve: live reload (never part of `shopstory build` output)
(function () {
  "use strict";
  var me = document.currentScript;
  var generation = Number(me.getAttribute("data-generation"));
  var instance = me.getAttribute("data-instance");
  var close = document.getElementById("shopstory-overlay-close");
  if (close) {
    close.addEventListener("click", function () {
      var o = document.getElementById("shopstory-overlay");
      if (o) o.remove();
    });
  }
  function swapStylesheets(n) {
    document.querySelectorAll('link[rel~="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin || url.pathname.indexOf("/__shopstory/") === 0) return;
      url.searchParams.set("shopstory", String(n));
      var next = link.cloneNode();
      next.href = url.href;
      next.addEventListener("load", function () { link.remove(); });
      next.addEventListener("error", function () { link.remove(); });
      link.after(next);
    });
  }
  function poll(delay) {
    setTimeout(function () {
      fetch("/__shopstory/reload?since=" + generation + "&instance=" + encodeURIComponent(instance), { cache: "no-store" })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
        .then(function (a) {
          if (a.reload === "page") { location.reload(); return; }
          if (a.reload === "css") swapStylesheets(a.generation);
          generation = a.generation;
          poll(0);
        })
        .catch(function () { poll(1000); }); // the server is restarting or gone: try again
    }, delay);
  }
  poll(0);
})();
"#;

/// The overlay's looks, from a same-origin file for the same reason.
pub const OVERLAY_CSS: &str = r#"#shopstory-overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;margin:0;padding:1.5rem;background:rgba(24,24,27,.95);color:#f4f4f5;font:15px/1.5 system-ui,sans-serif;text-align:left}
#shopstory-overlay h2{margin:0 0 .5rem;font-size:1.25rem;color:#fca5a5}
#shopstory-overlay p{margin:0 0 1rem;max-width:60rem}
#shopstory-overlay pre{margin:0 0 1rem;padding:1rem;overflow:auto;background:#09090b;border-left:4px solid #ef4444;border-radius:4px;color:#f4f4f5;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap}
#shopstory-overlay pre.shopstory-warning{border-left-color:#f59e0b}
#shopstory-overlay-close{position:absolute;top:1rem;right:1rem;padding:.25rem .75rem;font:inherit;color:inherit;background:transparent;border:1px solid #71717a;border-radius:4px;cursor:pointer}
"#;

/// What is injected into every HTML reply: the overlay when the last
/// rebuild failed, and the script tag.
pub fn snippet(view: &View, instance: &str) -> String {
    snippet_in(view, instance, "en")
}

/// The language of an HTML page (`<html lang="de">`), as the overlay's
/// heading speaks it; `en` when the page does not say.
pub fn page_language(html: &[u8]) -> String {
    let head = &html[..html.len().min(2048)];
    let text = String::from_utf8_lossy(head);
    let lower = text.to_ascii_lowercase();
    let Some(at) = lower.find("<html").and_then(|i| lower[i..].find("lang=\"").map(|j| i + j + 6)) else {
        return "en".into();
    };
    let tag: String = text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    if tag.is_empty() {
        "en".into()
    } else {
        tag
    }
}

/// `snippet`, with the overlay's heading in the page's language `lang`.
pub fn snippet_in(view: &View, instance: &str, lang: &str) -> String {
    let mut out = String::from("\n<!-- shopstory serve: preview only, not in the built files -->\n");
    if let Some(errors) = &view.errors {
        out.push_str("<link rel=\"stylesheet\" href=\"/__shopstory/overlay.css\">\n");
        out.push_str("<div id=\"shopstory-overlay\" role=\"alert\">");
        out.push_str(
            "<button type=\"button\" id=\"shopstory-overlay-close\" aria-label=\"Hide these errors\">Hide</button>",
        );
        out.push_str(&format!("<h2>{}</h2>", escape_html(&crate::i18n::built_in_text(lang, "overlay_heading"))));
        if view.site.is_some() {
            out.push_str("<p>Behind this message is the last good version of the page. Fix the file and save: this message goes away by itself.</p>");
        } else {
            out.push_str("<p>Fix the file and save: this page reloads by itself.</p>");
        }
        out.push_str(errors);
        out.push_str("</div>\n");
    }
    out.push_str(&format!(
        "<script src=\"/__shopstory/reload.js\" data-generation=\"{}\" data-instance=\"{}\"></script>\n",
        view.generation,
        escape_html(instance)
    ));
    out
}

/// `html` with `snippet` before its last `</body>` (any case), or at the
/// end when it has none.
pub fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let at = find_last_ci(html, b"</body").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).rev().find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn injects_before_the_last_closing_body_tag() {
        let html = b"<html><body><p>&lt;/body&gt; in text</p></BODY>\n</html>\n";
        let out = String::from_utf8(inject(html, "<script></script>")).unwrap();
        assert_eq!(out, "<html><body><p>&lt;/body&gt; in text</p><script></script></BODY>\n</html>\n");
        // No body tag: appended.
        assert_eq!(inject(b"<p>hi</p>", "<s>"), b"<p>hi</p><s>");
        assert_eq!(inject(b"", "<s>"), b"<s>");
    }

    #[test]
    fn snippet_carries_the_generation_and_shows_errors_escaped_only_after_a_failure() {
        let view = View { generation: 7, site: None, errors: None };
        let s = snippet(&view, "abc");
        assert!(s.contains("data-generation=\"7\" data-instance=\"abc\""), "{s}");
        assert!(!s.contains("shopstory-overlay"), "{s}");
        let mut diags = crate::diag::Diagnostics::new();
        diags.error("content/posts/<x>.md", None, "bad <b>");
        let view = View {
            generation: 8,
            site: Some(Arc::new(Snapshot::default())),
            errors: Some(Arc::from(crate::diag::render::all_to_html(&diags))),
        };
        let s = snippet(&view, "abc");
        assert!(s.contains("id=\"shopstory-overlay\""), "{s}");
        assert!(s.contains("content/posts/&lt;x&gt;.md"), "{s}");
        assert!(!s.contains("<b>"), "{s}");
        assert!(s.contains("<h2>shopstory: the last change has errors</h2>"), "{s}");
        let de = snippet_in(&view, "abc", &page_language(b"<!doctype html>\n<html lang=\"de-AT\">"));
        assert!(de.contains("<h2>shopstory: Die letzte Änderung enthält Fehler</h2>"), "{de}");
        assert_eq!(page_language(b"<p>no html tag</p>"), "en");
    }

    #[test]
    fn long_poll_answers_on_change_and_tells_what_to_do() {
        let shared = Arc::new(Shared::new("run1".into()));
        shared.publish(Arc::new(Snapshot::default()), Reload::Page);
        // Nothing new: answered after the timeout with the same generation.
        let t = Instant::now();
        let a = shared.wait_for_change("since=1&instance=run1", Duration::from_millis(50));
        assert!(t.elapsed() >= Duration::from_millis(50));
        assert_eq!(a, r#"{"instance":"run1","generation":1,"reload":"none"}"#);
        // Another run's page, or no generation: reload at once.
        let a = shared.wait_for_change("since=1&instance=old", Duration::from_secs(5));
        assert_eq!(a, r#"{"instance":"run1","generation":1,"reload":"page"}"#);
        // A change while waiting wakes the poll.
        let s2 = shared.clone();
        let waiter = std::thread::spawn(move || s2.wait_for_change("since=1&instance=run1", Duration::from_secs(10)));
        std::thread::sleep(Duration::from_millis(30));
        shared.publish(Arc::new(Snapshot::default()), Reload::Css);
        assert_eq!(waiter.join().unwrap(), r#"{"instance":"run1","generation":2,"reload":"css"}"#);
        // A page that missed a css change and then a page change reloads.
        shared.publish_errors("<pre>x</pre>".into());
        assert_eq!(
            shared.wait_for_change("since=1&instance=run1", Duration::ZERO),
            r#"{"instance":"run1","generation":3,"reload":"page"}"#
        );
        assert!(shared.view().errors.is_some());
        // The fix clears the errors and reloads even if no file changed.
        shared.publish(Arc::new(Snapshot::default()), Reload::None);
        assert!(shared.view().errors.is_none());
        assert_eq!(
            shared.wait_for_change("since=3&instance=run1", Duration::ZERO),
            r#"{"instance":"run1","generation":4,"reload":"page"}"#
        );
        assert_eq!(
            shared.wait_for_change("since=4&instance=run1", Duration::ZERO),
            r#"{"instance":"run1","generation":4,"reload":"none"}"#
        );
    }
}
