//! Part of stage 2 (parse): `home:` (the hero photo and which sections the
//! home page shows, in which order) and `menu:` (the header's links:
//! order, rename, hide, add) of site.yaml. Takes the parsed YAML and
//! returns checked values; a value it cannot use is an error at its line
//! saying what is expected, and is left out (the default stays). Whether a
//! menu name names a page of this site is only known after `resolve`: the
//! render stage checks that (`render::site::check_menu`) at the spans kept
//! here. No I/O.

use super::super::yaml::{Mapping, Region, Seg, Value};
use super::{keys_of, CONFIG_FILE};
use crate::diag::{Diagnostics, Span};
use serde::Serialize;

/// The home page's sections, in their default order. A theme's
/// `templates/home/<name>.html` draws each.
pub const HOME_SECTIONS: &[&str] = &["posts", "events", "moments", "team", "reviews", "visit"];

/// The longest menu label and link address accepted (hostile input stays bounded).
const MAX_LABEL: usize = 60;
const MAX_URL: usize = 2000;
const MAX_PATH: usize = 512;
/// The keys of one entry of `menu.items` (a list, so not a section of `SETTINGS`).
const ITEM_KEYS: &[&str] = &["page", "label", "url"];

/// `home:` of site.yaml.
#[derive(Debug, Clone, Serialize)]
pub struct HomeSettings {
    /// The photo at the top of the home page, behind nothing, beside the title.
    pub hero: Option<Hero>,
    /// The sections shown, in order (names of `HOME_SECTIONS`).
    pub sections: Vec<String>,
    /// Where `hero` is written in site.yaml.
    #[serde(skip)]
    pub hero_span: Option<Span>,
}

impl Default for HomeSettings {
    fn default() -> Self {
        HomeSettings { hero: None, sections: HOME_SECTIONS.iter().map(|s| (*s).to_string()).collect(), hero_span: None }
    }
}

/// `home.hero`: a photo's path from the site folder and its alt text
/// (empty for `hero: photo.jpg`: the photo is then decoration).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hero {
    pub photo: String,
    pub alt: String,
}

/// `menu:` of site.yaml: `items` first, in their order, then the other
/// links of the default menu, less `hide`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MenuSettings {
    pub items: Vec<MenuItem>,
    pub hide: Vec<MenuName>,
}

/// One entry of `menu.items`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MenuItem {
    /// `blog` or `{ page: about, label: Our story }`: a page of the site, by name.
    Page { page: MenuName, label: Option<String> },
    /// `{ label: Shop, url: https://... }`: any other address.
    Link { label: String, url: String },
}

/// A menu name (`blog`, `about`) and where it is written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MenuName {
    pub name: String,
    #[serde(skip)]
    pub span: Option<Span>,
}

fn error(diags: &mut Diagnostics, span: Option<Span>, message: String, help: &str) {
    diags.error(CONFIG_FILE, span, message).help(help.to_string());
}

/// The text of a scalar, or `None` for a list or group.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads `home:`; `map` is the top level of site.yaml.
pub(super) fn parse_home(map: &Mapping, region: &Region<'_>, diags: &mut Diagnostics) -> HomeSettings {
    let mut out = HomeSettings::default();
    let at = |path: &[Seg<'_>]| region.span(path).or_else(|| region.span(&[Seg::Key("home")]));
    let section = match map.get("home") {
        None | Some(Value::Null) => return out,
        Some(Value::Mapping(m)) => m,
        Some(_) => {
            error(
                diags,
                at(&[]),
                "`home` must be a group of settings".into(),
                "write `home: { hero: static/shop-front.jpg, sections: [posts, moments, reviews, team, visit] }`",
            );
            return out;
        }
    };
    region.check_keys(diags, section, &[Seg::Key("home")], keys_of("home"), "home");
    if let Some(hero) = section.get("hero") {
        out.hero_span = at(&[Seg::Key("home"), Seg::Key("hero")]);
        out.hero = parse_hero(hero, region, out.hero_span, diags);
    }
    if let Some(sections) = section.get("sections") {
        if let Some(s) = parse_sections(sections, region, diags) {
            out.sections = s;
        }
    }
    out
}

fn parse_hero(value: &Value, region: &Region<'_>, span: Option<Span>, diags: &mut Diagnostics) -> Option<Hero> {
    let help = "write the photo's path from the site folder: `hero: static/shop-front.jpg`, or with a description for visitors who cannot see it: `hero: { photo: static/shop-front.jpg, alt: \"The shop window on Harbor Street\" }`";
    let hero = match value {
        Value::Null => return None,
        Value::Mapping(m) => {
            region.check_keys(diags, m, &[Seg::Key("home"), Seg::Key("hero")], keys_of("home.hero"), "home.hero");
            let photo = m.get("photo").and_then(text_of).filter(|p| !p.is_empty());
            let alt = m.get("alt").map(|a| text_of(a).unwrap_or_default()).unwrap_or_default();
            let Some(photo) = photo else {
                error(diags, span, "home.hero has no `photo`".into(), help);
                return None;
            };
            Hero { photo, alt }
        }
        other => match text_of(other).filter(|p| !p.is_empty()) {
            Some(photo) => Hero { photo, alt: String::new() },
            None => {
                error(diags, span, "home.hero must be a photo's path".into(), help);
                return None;
            }
        },
    };
    let bad = if hero.photo.len() > MAX_PATH {
        Some(format!("the path is longer than {MAX_PATH} characters"))
    } else {
        crate::paths::site_ref("", &hero.photo).err().map(|e| e.to_string())
    };
    if let Some(why) = bad {
        let shown: String = hero.photo.chars().take(80).collect();
        error(diags, span, format!("home.hero `{}`: {why}", shown.escape_debug()), help);
        return None;
    }
    if hero.alt.chars().count() > 300 {
        error(diags, span, "home.hero's alt is longer than 300 characters".into(), "describe the photo in a sentence");
        return None;
    }
    Some(hero)
}

fn parse_sections(value: &Value, region: &Region<'_>, diags: &mut Diagnostics) -> Option<Vec<String>> {
    let path = [Seg::Key("home"), Seg::Key("sections")];
    let valid = HOME_SECTIONS.join(", ");
    let Value::Sequence(list) = value else {
        error(
            diags,
            region.span(&path).or_else(|| region.span(&[Seg::Key("home")])),
            "home.sections must be a list of section names".into(),
            &format!("for example `sections: [posts, moments, reviews]`; the sections are: {valid}"),
        );
        return None;
    };
    let mut out: Vec<String> = Vec::new();
    let mut ok = true;
    for (i, v) in list.iter().enumerate() {
        let span = region.span(&[path[0], path[1], Seg::Index(i)]).or_else(|| region.span(&path));
        let name = text_of(v).unwrap_or_default();
        if !HOME_SECTIONS.contains(&name.as_str()) {
            ok = false;
            let shown: String = name.chars().take(40).collect();
            let near = crate::diag::suggest::nearest(&name, HOME_SECTIONS);
            let help = match near {
                Some(n) => format!("did you mean `{n}`? the sections are: {valid}"),
                None => format!("the sections are: {valid}"),
            };
            error(
                diags,
                span,
                format!("home.sections: `{}` is not a section of the home page", shown.escape_debug()),
                &help,
            );
        } else if out.contains(&name) {
            ok = false;
            error(
                diags,
                span,
                format!("home.sections names `{name}` twice"),
                "name each section once, in the order the home page shows them",
            );
        } else {
            out.push(name);
        }
    }
    ok.then_some(out)
}

/// Reads `menu:`; `map` is the top level of site.yaml.
pub(super) fn parse_menu(map: &Mapping, region: &Region<'_>, diags: &mut Diagnostics) -> MenuSettings {
    let mut out = MenuSettings::default();
    let section = match map.get("menu") {
        None | Some(Value::Null) => return out,
        Some(Value::Mapping(m)) => m,
        Some(_) => {
            error(
                diags,
                region.span(&[Seg::Key("menu")]),
                "`menu` must be a group of settings".into(),
                "write `menu:` with `items:` (the links first, in order) and `hide:` (the links left out), as in the README's \"The menu\"",
            );
            return out;
        }
    };
    region.check_keys(diags, section, &[Seg::Key("menu")], keys_of("menu"), "menu");
    let list = |key: &'static str, diags: &mut Diagnostics| -> Vec<(usize, Value)> {
        match section.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(s)) => s.iter().cloned().enumerate().collect(),
            Some(_) => {
                error(
                    diags,
                    region.span(&[Seg::Key("menu"), Seg::Key(key)]),
                    format!("menu.{key} must be a list"),
                    "write one entry a line, each starting with `- `, or `[blog, about]` on one line",
                );
                Vec::new()
            }
        }
    };
    for (i, v) in list("items", diags) {
        let span = region
            .span(&[Seg::Key("menu"), Seg::Key("items"), Seg::Index(i)])
            .or_else(|| region.span(&[Seg::Key("menu"), Seg::Key("items")]));
        if let Some(item) = menu_item(&v, i, region, span, diags) {
            out.items.push(item);
        }
    }
    for (i, v) in list("hide", diags) {
        let span = region
            .span(&[Seg::Key("menu"), Seg::Key("hide"), Seg::Index(i)])
            .or_else(|| region.span(&[Seg::Key("menu"), Seg::Key("hide")]));
        if let Some(name) = menu_name(text_of(&v).as_deref(), span, diags) {
            out.hide.push(name);
        }
    }
    out
}

const ITEM_HELP: &str = "an item is a page's name (`blog`, `about`), a page with its own label (`{ page: blog, label: Journal }`) or a link (`{ label: Shop, url: \"https://shop.example\" }`)";

fn menu_item(
    v: &Value,
    i: usize,
    region: &Region<'_>,
    span: Option<Span>,
    diags: &mut Diagnostics,
) -> Option<MenuItem> {
    let Value::Mapping(m) = v else {
        return menu_name(text_of(v).as_deref(), span, diags).map(|page| MenuItem::Page { page, label: None });
    };
    let path = [Seg::Key("menu"), Seg::Key("items"), Seg::Index(i)];
    region.check_keys(diags, m, &path, ITEM_KEYS, "a menu item");
    let label = match m.get("label").map(text_of) {
        None => None,
        Some(Some(l)) if !l.is_empty() && l.chars().count() <= MAX_LABEL => Some(l),
        Some(_) => {
            error(diags, span, format!("a menu label must be text of 1 to {MAX_LABEL} characters"), ITEM_HELP);
            return None;
        }
    };
    match (m.get("page"), m.get("url")) {
        (Some(p), None) => menu_name(text_of(p).as_deref(), span, diags).map(|page| MenuItem::Page { page, label }),
        (None, Some(u)) => {
            let url = text_of(u).unwrap_or_default();
            let Some(label) = label else {
                error(diags, span, "a menu link needs a `label`, the words the menu shows".into(), ITEM_HELP);
                return None;
            };
            if let Err(why) = check_link(&url) {
                let shown: String = url.chars().take(80).collect();
                error(
                    diags,
                    span,
                    format!("menu link `{}`: {why}", shown.escape_debug()),
                    "write a full address (https://shop.example/book), an email (mailto:hello@myshop.example) or a path of this site (/gift-cards/)",
                );
                return None;
            }
            Some(MenuItem::Link { label, url })
        }
        (Some(_), Some(_)) => {
            error(diags, span, "a menu item has both `page` and `url`".into(), ITEM_HELP);
            None
        }
        (None, None) => {
            error(diags, span, "a menu item needs `page` or `url`".into(), ITEM_HELP);
            None
        }
    }
}

/// A menu name: lower-case letters, digits and `-` (a page's folder name).
fn menu_name(name: Option<&str>, span: Option<Span>, diags: &mut Diagnostics) -> Option<MenuName> {
    let name = name.unwrap_or_default();
    let ok = !name.is_empty()
        && name.len() <= 100
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        let shown: String = name.chars().take(40).collect();
        error(diags, span, format!("`{}` is not a menu name", shown.escape_debug()), ITEM_HELP);
        return None;
    }
    Some(MenuName { name: name.to_string(), span })
}

/// A menu link: http(s), mailto, or a path of this site without `..`.
fn check_link(url: &str) -> Result<(), &'static str> {
    if url.is_empty() || url.len() > MAX_URL {
        return Err("it must be 1 to 2000 characters");
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace() || c == '"' || c == '<' || c == '>') {
        return Err("it has a space, quote or control character");
    }
    let lower = url.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")) {
        return if rest.is_empty() || rest.starts_with('/') { Err("it has no host") } else { Ok(()) };
    }
    if lower.strip_prefix("mailto:").is_some_and(|r| r.contains('@')) {
        return Ok(());
    }
    if url.starts_with('/') && !url.starts_with("//") {
        let path = url.split(['?', '#']).next().unwrap_or_default();
        return if path.split('/').any(|s| s == ".." || s == ".") {
            Err("it has a `..` or `.` folder")
        } else {
            Ok(())
        };
    }
    Err("it is not a web address, an email or a path of this site")
}

/// Whether a menu link leads away from the site.
pub fn is_external(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}
