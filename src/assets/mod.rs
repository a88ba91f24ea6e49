//! Stage 4: images. `plan_image` decides, from a probed image and the
//! settings alone, which files a page's image becomes and what HTML points at
//! them (pure, so markdown can render a `<picture>` before anything is
//! encoded); `execute` produces those files into the output.

pub mod html;

use crate::load::images::ImageInfo;
use crate::parse::config::ImageSettings;
use serde::Serialize;
use std::path::PathBuf;

/// One file an image becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Variant {
    /// Path in the output (`media/wheel-1a2b3c4d5e-960.webp`).
    pub output: String,
    pub width: u32,
    pub height: u32,
    /// `jpeg`, `png`, `webp`, `gif`.
    pub format: String,
}

/// What a page's image becomes: its variants and the source to make them from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedImage {
    pub source: String,
    pub abs: PathBuf,
    /// Size as displayed (the largest variant).
    pub width: u32,
    pub height: u32,
    pub variants: Vec<Variant>,
}

impl PlannedImage {
    /// The URL of the largest variant in the most compatible format.
    pub fn fallback_url(&self) -> String {
        let best = self
            .variants
            .iter()
            .filter(|v| v.format != "webp")
            .max_by_key(|v| v.width)
            .or_else(|| self.variants.iter().max_by_key(|v| v.width));
        best.map(|v| format!("/{}", v.output)).unwrap_or_default()
    }
}

fn stem_of(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let slug = crate::paths::slugify(stem);
    if slug.is_empty() { "image".into() } else { slug.chars().take(40).collect() }
}

/// Plans the variants of one image. The output names carry a hash of the
/// source bytes, so a changed photo gets new names and caches stay valid.
pub fn plan_image(path: &str, info: &ImageInfo, settings: &ImageSettings) -> PlannedImage {
    let ImageSettings { widths: _, formats: _, quality: _ } = settings;
    let ext = if info.format == "jpeg" { "jpg" } else { info.format.as_str() };
    let variant = Variant {
        output: format!("media/{}-{}.{ext}", stem_of(path), &info.hash[..10]),
        width: info.width,
        height: info.height,
        format: info.format.clone(),
    };
    PlannedImage {
        source: path.to_string(),
        abs: info.abs.clone(),
        width: info.width,
        height: info.height,
        variants: vec![variant],
    }
}

/// Produces the files of every planned image. (Until the image pipeline
/// lands, a variant is the source copied as it is.)
pub fn execute(images: &std::collections::BTreeMap<String, PlannedImage>) -> Vec<crate::render::OutputFile> {
    images
        .values()
        .flat_map(|img| {
            img.variants.iter().map(|v| crate::render::OutputFile {
                path: v.output.clone(),
                contents: crate::render::Contents::Copy(img.abs.clone()),
            })
        })
        .collect()
}
