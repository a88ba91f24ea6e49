//! Customer moments, resolved: each parsed moment's photo is planned (so the
//! site processes it: resized, re-encoded, stripped of every metadata; the
//! original is never copied), moments dated after today wait like future
//! posts, and so do drafts (`draft: true`; a draft waiting for consent is an
//! error only when drafts are built), and the rest are sorted newest first. Also the data of the
//! `{{ moment(id="...") }}` shortcode. Pure: no I/O.

use super::{Linker, ResolveOptions, PHOTO_SIZES_CONTENT};
use crate::diag::Diagnostics;
use crate::markdown::shortcodes::Call;
use crate::model::moments::Moment;
use crate::model::ImageUse;
use crate::parse::moments::ParsedMoment;
use crate::render::moments::moment_view;

pub(super) fn resolve_moments(
    parsed: Vec<ParsedMoment>,
    linker: &Linker<'_>,
    opts: &ResolveOptions,
    left_out: &mut super::LeftOut,
    diags: &mut Diagnostics,
) -> Vec<Moment> {
    let mut out = Vec::with_capacity(parsed.len());
    for m in parsed {
        if !opts.drafts && (m.draft || m.date.date > opts.today) {
            left_out.add(&m.source, m.draft, Some(m.date.date));
            continue;
        }
        // A draft waiting for consent is fine until it would be published.
        if let Some(u) = &m.unconsented {
            diags.error(&m.source, u.span, u.message.clone()).help(u.help.clone());
            continue;
        }
        if let Err(why) = linker.image(&m.photo) {
            diags
                .error(&m.photo, None, format!("this customer photo cannot be used: {why}"))
                .help(format!("replace the photo, keeping its name, or remove the moment from {}", m.source));
            continue;
        }
        let alt = m.alt.clone().or_else(|| m.caption.clone()).unwrap_or_default();
        if alt.is_empty() {
            diags
                .warning(&m.source, m.span, format!("the moment `{}` has neither `alt` nor `caption`", m.id))
                .help("add `alt: ...` describing the photo (or a caption); screen readers read it aloud");
        }
        out.push(Moment {
            url: format!("/moments/{}/", m.id),
            id: m.id,
            source: m.source,
            photo: ImageUse { path: m.photo, alt },
            caption: m.caption,
            customer: m.customer,
            date: m.date,
            product: m.product,
            tags: m.tags,
        });
    }
    out.sort_by(|a, b| b.date.timestamp().cmp(&a.date.timestamp()).then_with(|| a.id.cmp(&b.id)));
    out
}

impl Linker<'_> {
    /// The variables of `shortcodes/moment.html`: `moment`, a `MomentView`.
    pub(super) fn moment_shortcode_vars(
        &self,
        file: &str,
        call: &Call,
        diags: &mut Diagnostics,
    ) -> Option<Vec<(&'static str, serde_json::Value)>> {
        let Some(id) = call.args.get("id").map(|v| v.as_text()) else {
            diags
                .error(file, Some(call.span), "`moment` needs the id of a moment")
                .help("write {{ moment(id=\"ana-wheel\") }}: the id is the photo's file name in content/moments/, without .jpg");
            return None;
        };
        let Some(m) = self.moments.iter().find(|m| m.id == id) else {
            let ids: Vec<&str> = self.moments.iter().map(|m| m.id.as_str()).collect();
            let help = if ids.is_empty() {
                "the site has no published moments yet: add a photo and its sidecar to content/moments/ (`shopstory new moment`)"
                    .to_string()
            } else {
                let same_but_case = ids.iter().find(|i| i.eq_ignore_ascii_case(&id));
                match same_but_case.copied().or_else(|| crate::diag::suggest::nearest(&id, &ids)) {
                    Some(n) => format!("did you mean `{n}`? The moments are: {}", ids.join(", ")),
                    None => format!("the moments are: {}", ids.join(", ")),
                }
            };
            diags.error(file, Some(call.span), format!("there is no moment with id `{id}`")).help(help);
            return None;
        };
        let planned = self.image(&m.photo.path).ok()?;
        let view = moment_view(&self.config.i18n, m, &planned, self.reviews, false, PHOTO_SIZES_CONTENT);
        Some(vec![("moment", serde_json::to_value(view).ok()?)])
    }
}
