//! The header's menu (part of stage 5, render): the default links (the
//! blog, the sections that have content, each top-level page, the contact
//! page), then `menu:` of site.yaml applied: `items` first in their order
//! with their labels, the other default links after them, less `hide`.
//! Takes the resolved `Site`; returns link views, and reports a menu name
//! that names nothing on this site at its line of site.yaml. It never
//! makes a request: an added link is only an `<a>`.

use super::views::NavLinkView as LinkView;
use super::{videos, visit};
use crate::diag::Diagnostics;
use crate::model::Site;
use crate::parse::config::{MenuItem, MenuName, CONFIG_FILE};

/// The default menu, as (name, link): the name is what `menu:` calls it.
fn defaults(site: &Site) -> Vec<(String, LinkView)> {
    let i18n = &site.config.i18n;
    let link = |name: &str, title: &str, url: &str| {
        (name.to_string(), LinkView { title: title.to_string(), url: url.to_string(), current: false, external: false })
    };
    let mut nav = vec![link("blog", i18n.t("nav_blog"), "/blog/")];
    if videos::has_videos(site) {
        nav.push(link("videos", i18n.t("nav_videos"), "/videos/"));
    }
    if !site.events.is_empty() {
        nav.push(link("events", i18n.t("nav_events"), super::events::URL));
    }
    if !site.moments.is_empty() {
        nav.push(link("moments", i18n.t("nav_moments"), "/moments/"));
    }
    for p in &site.pages {
        if p.url.matches('/').count() == 2 {
            let title = p.nav_title.clone().unwrap_or_else(|| p.title.clone());
            nav.push(link(p.url.trim_matches('/'), &title, &p.url));
        }
    }
    if !site.reviews.is_empty() {
        nav.push(link("reviews", i18n.t("nav_reviews"), "/reviews/"));
    }
    if !site.staff.is_empty() {
        nav.push(link("team", i18n.t("nav_team"), "/staff/"));
    }
    if visit::is_generated(site) {
        nav.push(link("visit", i18n.t("nav_visit"), visit::URL));
    }
    nav
}

/// The menu every page's header shows.
pub(super) fn nav(site: &Site) -> Vec<LinkView> {
    let menu = &site.config.menu;
    let mut rest = defaults(site);
    let hidden = |name: &str| menu.hide.iter().any(|h| h.name == name);
    let mut out = Vec::new();
    for item in &menu.items {
        match item {
            MenuItem::Page { page, label } => {
                if let Some(i) = rest.iter().position(|(n, _)| *n == page.name) {
                    let (_, mut link) = rest.remove(i);
                    if let Some(l) = label {
                        link.title = l.clone();
                    }
                    out.push(link);
                }
            }
            MenuItem::Link { label, url } => {
                out.push(LinkView {
                    title: label.clone(),
                    url: url.clone(),
                    current: false,
                    external: crate::parse::config::is_external(url),
                });
            }
        }
    }
    out.extend(rest.into_iter().filter(|(n, _)| !hidden(n)).map(|(_, link)| link));
    out
}

/// Reports each name of `menu:` that names no link of the default menu
/// (a misspelt page, a section without content), and a name listed twice.
pub fn check_menu(site: &Site, diags: &mut Diagnostics) {
    let menu = &site.config.menu;
    let names: Vec<String> = defaults(site).into_iter().map(|(n, _)| n).collect();
    let listed = menu.items.iter().filter_map(|i| match i {
        MenuItem::Page { page, .. } => Some(page),
        MenuItem::Link { .. } => None,
    });
    let mut seen: Vec<&str> = Vec::new();
    for (name, what) in listed.map(|n| (n, "items")).chain(menu.hide.iter().map(|n| (n, "hide"))) {
        let MenuName { name, span } = name;
        if !names.contains(name) {
            let known: Vec<&str> = names.iter().map(String::as_str).collect();
            let near = crate::diag::suggest::nearest(name, &known);
            let help = match near {
                Some(n) => format!("did you mean `{n}`? this site's menu names are: {}", known.join(", ")),
                None => format!(
                    "this site's menu names are: {} (a page's name is its file name under content/pages/)",
                    known.join(", ")
                ),
            };
            diags.error(CONFIG_FILE, *span, format!("menu.{what}: `{name}` is no page of this site's menu")).help(help);
        } else if seen.contains(&name.as_str()) {
            diags
                .error(CONFIG_FILE, *span, format!("menu: `{name}` is named twice"))
                .help("name each page once: in `items` to place it, or in `hide` to leave it out");
        }
        seen.push(name);
    }
}
