//! Customer moments, resolved: each parsed moment's photo is checked (the
//! plan stage then makes it resized, re-encoded and stripped of every
//! metadata; the original is never copied), moments dated after today wait like future
//! posts, and so do drafts (`draft: true`; a draft waiting for consent is an
//! error only when drafts are built), and the rest are sorted newest first. Pure: no I/O.

use super::ResolveOptions;
use crate::diag::Diagnostics;
use crate::load::images::ImageTable;
use crate::model::image::find_image;
use crate::model::moments::Moment;
use crate::model::ImageUse;
use crate::parse::moments::ParsedMoment;

pub(super) fn resolve_moments(
    parsed: Vec<ParsedMoment>,
    images: &ImageTable,
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
        if let Err(why) = find_image(images, &m.photo) {
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
