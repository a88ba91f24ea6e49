//! `data/staff.yaml` → staff members: id, name, role, photo, bio.

use super::records::{field_span, parse_records};
use super::translatable::{Text, Texts};
use crate::diag::Diagnostics;
use crate::load::TextFile;
use crate::paths::slugify;
use serde::Deserialize;

pub const STAFF_FILE: &str = "data/staff.yaml";
/// Every key of a staff member (the README's staff table names each; tested).
pub const KEYS: &[&str] = &["id", "name", "role", "photo", "photo_alt", "bio", "email"];
const EXAMPLE: &str = "- id: maya\n  name: Maya Ortiz\n  role: Owner\n  bio: Maya started the shop in 2019.";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStaff {
    id: Option<String>,
    name: Option<String>,
    role: Option<Text>,
    photo: Option<String>,
    photo_alt: Option<String>,
    bio: Option<Text>,
    email: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ParsedStaff {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub photo: Option<String>,
    /// Where `photo` is written in data/staff.yaml.
    pub photo_span: Option<crate::diag::Span>,
    pub photo_alt: Option<String>,
    pub bio: Option<String>,
    pub email: Option<String>,
    pub index: usize,
    /// `role` and `bio` written once per language (`bio: {fr: ..., en: ...}`).
    pub texts: Texts,
}

pub fn parse_staff(file: Option<&TextFile>, diags: &mut Diagnostics) -> Vec<ParsedStaff> {
    let Some(file) = file else { return Vec::new() };
    let mut out: Vec<ParsedStaff> = Vec::new();
    for rec in parse_records::<RawStaff>(file, KEYS, "staff member", EXAMPLE, diags) {
        let raw = rec.value;
        let n = rec.index + 1;
        let Some(id) = raw.id.filter(|s| !s.trim().is_empty()) else {
            diags
                .error(&file.path, field_span(file, rec.index, "id"), format!("staff member {n} has no `id`"))
                .help("add a short id such as `id: maya`; posts name their author by it");
            continue;
        };
        if slugify(&id) != id {
            diags
                .error(&file.path, field_span(file, rec.index, "id"), format!("staff id `{id}` is not a simple id"))
                .help(format!("use lowercase letters, digits and hyphens, such as `{}`", slugify(&id)));
            continue;
        }
        if let Err(why) = crate::paths::UrlPath::parse(&format!("/staff/{id}/")) {
            diags
                .error(
                    &file.path,
                    field_span(file, rec.index, "id"),
                    format!("staff id `{id}` cannot be a web address: {why}"),
                )
                .help("use a short id, such as a first name");
            continue;
        }
        let photo_span = field_span(file, rec.index, "photo");
        let photo = match raw.photo {
            Some(p) => match crate::paths::site_ref("", &p) {
                Ok(_) => Some(p),
                Err(why) => {
                    diags
                        .error(&file.path, photo_span, format!("photo `{}` of {id}: {why}", p.escape_debug()))
                        .help("put the photo inside the site folder and write its path from there, such as static/staff/maya.jpg");
                    None
                }
            },
            None => None,
        };
        let Some(name) = raw.name.filter(|s| !s.trim().is_empty()) else {
            diags
                .error(&file.path, field_span(file, rec.index, "name"), format!("staff member `{id}` has no `name`"))
                .help("add the name visitors should see, such as `name: Maya Ortiz`");
            continue;
        };
        if let Some(first) = out.iter().find(|s| s.id == id) {
            diags
                .error(
                    &file.path,
                    field_span(file, rec.index, "id"),
                    format!("staff id `{id}` is used twice (entries {} and {n})", first.index + 1),
                )
                .help("give each person their own id");
            continue;
        }
        let mut texts = Texts::new();
        let role = raw.role.and_then(|r| r.into_text("role", &mut texts));
        let bio = raw.bio.and_then(|b| b.into_text("bio", &mut texts));
        out.push(ParsedStaff {
            id,
            name,
            role,
            photo,
            photo_span,
            photo_alt: raw.photo_alt,
            bio,
            email: raw.email,
            index: rec.index,
            texts,
        });
    }
    out
}
