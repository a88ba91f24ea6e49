//! The HTML of a planned image: a `<picture>` with a `<source>` per format,
//! `srcset` over the widths, `width`/`height` against layout shift, and lazy
//! loading for every image but the first of a page.

use crate::diag::render::escape_html;
use crate::model::image::PlannedImage;
use std::fmt::Write;

pub fn mime(format: &str) -> &'static str {
    match format {
        "webp" => "image/webp",
        "png" => "image/png",
        "gif" => "image/gif",
        _ => "image/jpeg",
    }
}

/// `srcset` of one format: `"/media/a-480.webp 480w, /media/a-960.webp 960w"`.
pub fn srcset(image: &PlannedImage, format: &str) -> String {
    let mut v: Vec<_> = image.variants.iter().filter(|v| v.format == format).collect();
    v.sort_by_key(|v| v.width);
    v.iter().map(|v| format!("/{} {}w", v.output, v.width)).collect::<Vec<_>>().join(", ")
}

/// A `<picture>` for an image. `sizes` tells the browser how wide it shows.
pub fn picture(image: &PlannedImage, alt: &str, eager: bool, sizes: &str, class: &str) -> String {
    let mut formats: Vec<&str> = Vec::new();
    for v in &image.variants {
        if !formats.contains(&v.format.as_str()) {
            formats.push(&v.format);
        }
    }
    let fallback = formats.iter().copied().find(|f| *f != "webp").unwrap_or(formats.first().copied().unwrap_or("jpeg"));
    let mut out = String::from("<picture");
    if !class.is_empty() {
        let _ = write!(out, " class=\"{class}\"");
    }
    out.push('>');
    for f in formats.iter().filter(|f| **f != fallback) {
        let _ = write!(out, "<source type=\"{}\" srcset=\"{}\" sizes=\"{sizes}\">", mime(f), srcset(image, f));
    }
    let loading = if eager { "" } else { " loading=\"lazy\" decoding=\"async\"" };
    let _ = write!(
        out,
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\" alt=\"{}\"{loading}></picture>",
        image.fallback_url(),
        srcset(image, fallback),
        image.width,
        image.height,
        escape_html(alt),
    );
    out
}
