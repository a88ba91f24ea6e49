//! `content/moments/` → customer moments. A moment is a photo plus a few
//! facts (caption, customer, date, product, tags, consent, alt), written
//! either in a sidecar next to the photo (`ana-wheel.jpg` + `ana-wheel.yaml`)
//! or as one entry of `content/moments/moments.yaml` (a list, each entry
//! naming its `photo:`). Every photo needs its data and every sidecar its
//! photo; with `moments.require_consent` (the default) a moment without
//! `consent: true` is an error at its line, and the moment is left out.
//! A moment with `draft: true` is kept aside like a draft post: its missing
//! consent is carried to resolve, an error only if it would be published.
//! Pure: the photos are known by their site paths only; no I/O, no clock.

use super::config::MomentSettings;
use super::yaml::{self, scalar, Mapping, Region, Seg, Value};
use crate::date::DateTime;
use crate::diag::{Diagnostics, Span};
use crate::load::images::is_image_path;
use crate::load::TextFile;
use crate::paths::{site_ref, slugify};
use std::collections::{BTreeMap, BTreeSet};

pub const MOMENTS_DIR: &str = "content/moments/";
/// The keys of a sidecar.
pub const KEYS: &[&str] = &["caption", "customer", "date", "product", "tags", "consent", "alt", "draft"];
/// The keys of an entry of `moments.yaml`: a sidecar's, and its photo.
pub const LIST_KEYS: &[&str] = &["photo", "caption", "customer", "date", "product", "tags", "consent", "alt", "draft"];
const SIDECAR_EXAMPLE: &str =
    "caption: Ana picked up her rebuilt wheel\ncustomer: Ana\ndate: 2026-11-02\nproduct: wheel rebuild\nconsent: true";
const LIST_EXAMPLE: &str = "- photo: ana-wheel.jpg\n  caption: Ana picked up her rebuilt wheel\n  customer: Ana\n  date: 2026-11-02\n  consent: true";

/// A moment whose fields are each valid (consent included, when required).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedMoment {
    /// The slug of the photo's file name: `ana-wheel`.
    pub id: String,
    /// Site path of the photo.
    pub photo: String,
    /// The file that describes the moment (its sidecar, or moments.yaml).
    pub source: String,
    /// Where in `source` the moment is described (its entry, or the first line).
    pub span: Option<Span>,
    pub caption: Option<String>,
    /// A first name only (a longer name is cut to its first word, with a warning).
    pub customer: Option<String>,
    pub date: DateTime,
    pub product: Option<String>,
    pub tags: Vec<String>,
    pub alt: Option<String>,
    /// `draft: true`: left out of the site unless drafts are built.
    pub draft: bool,
    /// A draft without the consent `moments.require_consent` asks for: the
    /// error to report if the draft is published.
    pub unconsented: Option<Unconsented>,
    /// `caption`, `alt` and `product` written once per language
    /// (`caption: {fr: ..., en: ...}`), by field and language.
    pub texts: super::translatable::Texts,
}

/// Why a draft moment may not be published yet, said where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Unconsented {
    pub span: Option<Span>,
    pub message: String,
    pub help: String,
}

/// Is this site path the moments list (`content/moments/moments.yaml`)?
pub fn is_list_file(path: &str) -> bool {
    path == "content/moments/moments.yaml" || path == "content/moments/moments.yml"
}

/// Splits a site path into (folder with its slash, file stem, extension).
fn split_name(path: &str) -> (&str, &str, &str) {
    let (dir, name) = match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    };
    match name.rsplit_once('.') {
        Some((stem, ext)) => (dir, stem, ext),
        None => (dir, name, ""),
    }
}

/// Parses every moment. `files` are the YAML files under content/moments/;
/// `content_files` the site paths of every non-markdown file under content/.
pub fn parse_moments(
    files: &[TextFile],
    content_files: &BTreeSet<&str>,
    settings: &MomentSettings,
    diags: &mut Diagnostics,
) -> Vec<ParsedMoment> {
    let photos: Vec<&str> =
        content_files.iter().copied().filter(|p| p.starts_with(MOMENTS_DIR) && is_image_path(p)).collect();
    // Photo → the file that describes it.
    let mut claimed: BTreeMap<String, String> = BTreeMap::new();
    let mut out: Vec<ParsedMoment> = Vec::new();
    let mut ctx = Ctx { settings, diags };

    for file in files.iter().filter(|f| !is_list_file(&f.path)) {
        let (dir, stem, _) = split_name(&file.path);
        let matches: Vec<&str> = photos
            .iter()
            .copied()
            .filter(|p| {
                let (pdir, pstem, _) = split_name(p);
                pdir == dir && pstem == stem
            })
            .collect();
        let photo = match matches.as_slice() {
            [one] => *one,
            [] => {
                let same_but_case = photos.iter().find(|p| {
                    let (pdir, pstem, _) = split_name(p);
                    pdir == dir && pstem.eq_ignore_ascii_case(stem)
                });
                let help = match same_but_case {
                    Some(p) => {
                        let name = p.rsplit('/').next().unwrap_or(p);
                        let ext = split_name(p).2;
                        format!("did you mean `{name}`? Its name differs from this file's in capitals only: a Mac ignores that, the web host does not; rename the photo `{stem}.{ext}`")
                    }
                    None => format!("put the customer's photo next to this file as `{stem}.jpg`, or delete this file if the moment is gone"),
                };
                ctx.diags
                    .error(
                        &file.path,
                        None,
                        format!(
                            "this moment has no photo: there is no `{stem}.jpg` (or .jpeg, .png, .webp) next to it"
                        ),
                    )
                    .help(help);
                continue;
            }
            several => {
                let names: Vec<&str> = several.iter().map(|p| p.rsplit('/').next().unwrap_or(p)).collect();
                ctx.diags
                    .error(&file.path, None, format!("this file could describe any of {}", names.join(", ")))
                    .help("give each photo its own name, one sidecar per photo");
                continue;
            }
        };
        let region = Region { file: &file.path, text: &file.text, offset: 0 };
        let map = match yaml::parse_value(&file.text) {
            Ok(Value::Mapping(m)) => m,
            Ok(Value::Null) => Mapping::new(),
            Ok(_) => {
                ctx.diags
                    .error(&file.path, first_line(&file.text), "a moment's file must be `key: value` lines")
                    .help(format!("for example:\n{SIDECAR_EXAMPLE}"));
                continue;
            }
            Err(e) => {
                region.report(ctx.diags, &e, "check the quotes and indentation here; each line is `key: value`");
                continue;
            }
        };
        claimed.insert(photo.to_string(), file.path.clone());
        region.check_keys(ctx.diags, &map, &[], KEYS, "a moment");
        let place = Place { file, index: None };
        out.extend(ctx.moment(&place, &map, photo));
    }

    for file in files.iter().filter(|f| is_list_file(&f.path)) {
        let region = Region { file: &file.path, text: &file.text, offset: 0 };
        let items = match yaml::parse_value(&file.text) {
            Ok(Value::Sequence(items)) => items,
            Ok(Value::Null) => continue,
            Ok(_) => {
                ctx.diags
                    .error(
                        &file.path,
                        first_line(&file.text),
                        "moments.yaml must be a list, one `- photo: ...` entry per moment",
                    )
                    .help(format!("for example:\n{LIST_EXAMPLE}"));
                continue;
            }
            Err(e) => {
                region.report(ctx.diags, &e, "check the indentation and quotes here; each entry starts with `- `");
                continue;
            }
        };
        for (index, item) in items.iter().enumerate() {
            let place = Place { file, index: Some(index) };
            let Value::Mapping(map) = item else {
                ctx.diags
                    .error(
                        &file.path,
                        place.span(None),
                        format!("moment {} is not a group of `key: value` lines", index + 1),
                    )
                    .help(format!("for example:\n{LIST_EXAMPLE}"));
                continue;
            };
            region.check_keys(ctx.diags, map, &[Seg::Index(index)], LIST_KEYS, "a moment");
            let Some(photo) = ctx.list_photo(&place, map, content_files) else { continue };
            if let Some(first) = claimed.get(&photo) {
                let first = first.clone();
                ctx.diags
                    .error(&file.path, place.span(Some("photo")), format!("`{photo}` is already described by {first}"))
                    .help("describe each photo once: in its sidecar or in moments.yaml, not both");
                continue;
            }
            claimed.insert(photo.clone(), file.path.clone());
            out.extend(ctx.moment(&place, map, &photo));
        }
    }

    for photo in photos.iter().filter(|p| !claimed.contains_key(**p)) {
        let (_, stem, _) = split_name(photo);
        ctx.diags
            .error(photo, None, "this customer photo has no moment data (caption, customer, date, consent)")
            .help(format!(
                "add `{stem}.yaml` next to it (`shopstory new moment` writes one), or list it in content/moments/moments.yaml; for example:\n{SIDECAR_EXAMPLE}"
            ));
    }

    // Ids come from file names: two photos in different folders may clash.
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    out.retain(|m| {
        if let Some(first) = seen.get(&m.id) {
            ctx.diags
                .error(&m.photo, None, format!("this photo and {first} would both be the moment `{}`", m.id))
                .help("rename one of the photos (and its sidecar); the moment's address comes from the file name");
            return false;
        }
        seen.insert(m.id.clone(), m.photo.clone());
        true
    });
    out
}

/// The span of the first line that holds something (for a whole-file error).
fn first_line(text: &str) -> Option<Span> {
    let mut offset = 0;
    for line in text.split('\n') {
        let t = line.trim();
        if !t.is_empty() && !t.starts_with('#') {
            return Some(Span::new(offset, offset + line.trim_end().len()));
        }
        offset += line.len() + 1;
    }
    None
}

/// A value's span without a trailing `# comment` (which `new moment` writes).
fn without_comment(text: &str, span: Span) -> Span {
    let value = &text[span.start..span.end];
    match value.find(" #") {
        Some(i) if !value.starts_with(['"', '\'']) => Span::new(span.start, span.start + value[..i].trim_end().len()),
        _ => span,
    }
}

/// Where a moment's data sits: a whole sidecar, or entry `index` of moments.yaml.
struct Place<'a> {
    file: &'a TextFile,
    index: Option<usize>,
}

impl Place<'_> {
    /// The span of a key's value, else of the moment itself.
    fn span(&self, key: Option<&str>) -> Option<Span> {
        let region = Region { file: &self.file.path, text: &self.file.text, offset: 0 };
        let mut path: Vec<Seg<'_>> = self.index.map(Seg::Index).into_iter().collect();
        let whole = match self.index {
            Some(_) => region.span(&path),
            None => first_line(&self.file.text),
        };
        match key {
            Some(k) => {
                path.push(Seg::Key(k));
                region.span(&path).map(|s| without_comment(&self.file.text, s)).or(whole)
            }
            None => whole,
        }
    }

    /// How messages name the moment.
    fn who(&self, photo: &str) -> String {
        let name = photo.rsplit('/').next().unwrap_or(photo);
        format!("the moment of {name}")
    }
}

struct Ctx<'a, 'd> {
    settings: &'a MomentSettings,
    diags: &'d mut Diagnostics,
}

impl Ctx<'_, '_> {
    /// `photo:` of a moments.yaml entry: relative to moments.yaml, or from
    /// the site root with a leading `/`; it must be a photo under content/.
    fn list_photo(&mut self, place: &Place<'_>, map: &Mapping, content_files: &BTreeSet<&str>) -> Option<String> {
        let file = &place.file.path;
        let written = match map.get("photo").map(scalar) {
            Some(Ok(Some(p))) if !p.trim().is_empty() => p.trim().to_string(),
            _ => {
                self.diags
                    .error(file, place.span(Some("photo")), "this moment does not say which photo it is about")
                    .help("add `photo: ana-wheel.jpg`, the photo's file name in content/moments/");
                return None;
            }
        };
        let path = match site_ref(file, &written) {
            Ok(path) => path,
            Err(why) => {
                self.diags
                    .error(file, place.span(Some("photo")), format!("photo `{}`: {why}", written.escape_debug()))
                    .help("put the photo in content/moments/ and write its file name");
                return None;
            }
        };
        if !path.starts_with("content/") {
            self.diags
                .error(file, place.span(Some("photo")), format!("photo `{written}` is not under content/"))
                .help("move it to content/moments/: files in static/ are published as they are, with the location and camera data the photo carries");
            return None;
        }
        if !content_files.contains(path.as_str()) {
            // `Inline-Fitting.JPG` for `inline-fitting.jpg`: found on a Mac,
            // missing on the web host, which tells capitals apart.
            let help = match content_files.iter().find(|f| f.eq_ignore_ascii_case(&path)) {
                Some(real) => {
                    let at = real.len().saturating_sub(written.trim_start_matches('/').len());
                    let fixed = match real.get(at..) {
                        Some(tail) if tail.eq_ignore_ascii_case(written.trim_start_matches('/')) => {
                            format!("{}{tail}", if written.starts_with('/') { "/" } else { "" })
                        }
                        _ => format!("/{real}"),
                    };
                    format!("did you mean `{fixed}`? The file name differs in capitals only: a Mac ignores that, the web host does not; write `photo: {fixed}`")
                }
                None => "check the file name (capitals count), or copy the photo into content/moments/".to_string(),
            };
            self.diags
                .error(file, place.span(Some("photo")), format!("there is no photo `{written}` ({path})"))
                .help(help);
            return None;
        }
        if !is_image_path(&path) {
            self.diags
                .error(file, place.span(Some("photo")), format!("`{written}` is not a photo"))
                .help("use a .jpg, .png or .webp photo");
            return None;
        }
        Some(path)
    }

    fn error(&mut self, place: &Place<'_>, key: Option<&str>, message: String, help: impl Into<String>) {
        self.diags.error(&place.file.path, place.span(key), message).help(help);
    }

    /// An optional text field: `None` when absent or blank; `Err` when mistyped.
    fn text(&mut self, place: &Place<'_>, map: &Mapping, key: &str, who: &str) -> Result<Option<String>, ()> {
        match map.get(key).map(scalar) {
            None | Some(Ok(None)) => Ok(None),
            Some(Ok(Some(s))) if s.trim().is_empty() => Ok(None),
            Some(Ok(Some(s))) => Ok(Some(s.trim().to_string())),
            Some(Err(())) => {
                let help = format!("write it on one line after `{key}:`, in quotes if it holds a colon");
                self.error(place, Some(key), format!("{who}: `{key}` must be text"), help);
                Err(())
            }
        }
    }

    /// Checks one moment's fields; `None` (with errors reported) when any is bad.
    fn moment(&mut self, place: &Place<'_>, map: &Mapping, photo: &str) -> Option<ParsedMoment> {
        let (map, texts) = super::translatable::split_mapping(map, &["caption", "alt", "product"]);
        let map = &map;
        let who = place.who(photo);
        let mut ok = true;
        let mut text = |ctx: &mut Self, key: &str| {
            ctx.text(place, map, key, &who).unwrap_or_else(|()| {
                ok = false;
                None
            })
        };
        let caption = text(self, "caption");
        let customer = text(self, "customer");
        let product = text(self, "product");
        let alt = text(self, "alt");

        let customer = customer.map(|c| {
            let first = c.split_whitespace().next().unwrap_or_default().to_string();
            if first != c {
                self.diags
                    .warning(
                        &place.file.path,
                        place.span(Some("customer")),
                        format!("{who}: only the customer's first name is shown, `{first}`"),
                    )
                    .help(format!(
                        "write `customer: {first}`: a customer's full name does not belong on a public page"
                    ));
            }
            first
        });

        let date = match map.get("date").map(scalar) {
            Some(Ok(Some(d))) if !d.trim().is_empty() => match DateTime::parse(&d) {
                Ok(d) => Some(d),
                Err(why) => {
                    self.error(
                        place,
                        Some("date"),
                        format!("{who}: {why}"),
                        "write the day the photo was taken as YYYY-MM-DD, such as 2026-11-02",
                    );
                    None
                }
            },
            Some(Err(())) => {
                self.error(
                    place,
                    Some("date"),
                    format!("{who}: `date` must be a date"),
                    "write the day the photo was taken as YYYY-MM-DD, such as 2026-11-02",
                );
                None
            }
            _ => {
                self.error(
                    place,
                    Some("date"),
                    format!("{who} has no `date`"),
                    "add the day the photo was taken, such as `date: 2026-11-02`; the gallery shows the newest first",
                );
                None
            }
        };

        let tags = match map.get("tags") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(items)) => {
                let mut tags = Vec::new();
                for item in items {
                    match scalar(item) {
                        Ok(Some(t)) if !t.trim().is_empty() => tags.push(t.trim().to_string()),
                        Ok(_) => {}
                        Err(()) => {
                            ok = false;
                            self.error(
                                place,
                                Some("tags"),
                                format!("{who}: each tag must be a word or two"),
                                "write `tags: [wheels, commute]`",
                            );
                        }
                    }
                }
                tags
            }
            Some(v) => match scalar(v) {
                Ok(Some(t)) => t.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect(),
                _ => {
                    ok = false;
                    self.error(
                        place,
                        Some("tags"),
                        format!("{who}: `tags` must be a list"),
                        "write `tags: [wheels, commute]`",
                    );
                    Vec::new()
                }
            },
        };

        let draft = match map.get("draft") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                ok = false;
                self.error(
                    place,
                    Some("draft"),
                    format!("{who}: `draft` must be true or false"),
                    "write `draft: true` to keep the moment off the site for now, or remove the line",
                );
                false
            }
        };

        let mut unconsented = None;
        if self.settings.require_consent {
            let (state, key) = match map.get("consent") {
                Some(Value::Bool(true)) => (None, None),
                Some(Value::Bool(false)) => (Some("is `consent: false`"), Some("consent")),
                Some(Value::Null) | None => (Some("has no `consent: true`"), None),
                Some(_) => (Some("does not say `consent: true`"), Some("consent")),
            };
            if let Some(state) = state {
                let span = match key {
                    Some(k) => place.span(Some(k)),
                    None => place.span(None),
                };
                let line = match place.index {
                    Some(_) => "in this entry ".to_string(),
                    None => String::new(),
                };
                let message =
                    format!("{who} {state}: the build refuses to publish it until the customer's consent is recorded");
                let help = format!("ask the customer whether this photo may be shown on the site; once they agree, write `consent: true` {line}and build again");
                if draft {
                    unconsented = Some(Unconsented { span, message, help });
                } else {
                    ok = false;
                    self.diags.error(&place.file.path, span, message).help(help);
                }
            }
        }

        let id = slugify(split_name(photo).1);
        if id.is_empty() {
            ok = false;
            self.diags
                .error(photo, None, "this photo's file name has no letters or digits to make the moment's address from")
                .help("rename the photo (and its sidecar), such as ana-wheel.jpg");
        } else if let Err(why) = crate::paths::UrlPath::parse(&format!("/moments/{id}/")) {
            ok = false;
            self.diags
                .error(photo, None, format!("this photo's name cannot be the moment's address: {why}"))
                .help("rename the photo (and its sidecar) with a shorter name, such as ana-wheel.jpg");
        }
        let date = date?;
        if !ok {
            return None;
        }
        Some(ParsedMoment {
            id,
            photo: photo.to_string(),
            source: place.file.path.clone(),
            span: place.span(None),
            caption,
            customer,
            date,
            product,
            tags,
            alt,
            draft,
            unconsented,
            texts,
        })
    }
}

#[cfg(test)]
mod tests;
