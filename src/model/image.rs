//! The image types every later stage shares: what a photo becomes
//! (`PlannedImage`, its `Variant` files). Planned by `assets::plan_image`,
//! read by `render` (the `<picture>` HTML) and made by `assets::execute`.
//! Plain data: nothing here decides or reads anything.

use crate::load::images::Limits;
use serde::Serialize;
use std::path::PathBuf;

/// One file an image becomes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
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
    /// Hex SHA-256 of the source bytes, checked again when it is decoded.
    pub source_hash: String,
    /// The source's size as shown (after its EXIF orientation).
    pub source_width: u32,
    pub source_height: u32,
    /// Decode with an alpha channel (the variants are PNG/WebP, not JPEG).
    pub has_alpha: bool,
    /// The quality lossy variants are encoded at.
    pub quality: u8,
    /// What the source may declare and still be decoded (site.yaml's `images:`).
    pub limits: Limits,
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

/// The probed photo at `path`, and the site path it was found under: `path`
/// itself, or `static/<path>` for `/images/x.jpg` written by an owner who
/// thinks of static/ as the root. `Err` says why it cannot be shown.
pub fn find_image<'t>(
    table: &'t crate::load::images::ImageTable,
    path: &str,
) -> Result<(String, &'t crate::load::images::ImageInfo), String> {
    let static_path = format!("static/{path}");
    let path =
        if !table.contains_key(path) && table.contains_key(&static_path) { static_path } else { path.to_string() };
    match table.get(&path) {
        Some(Ok(info)) => Ok((path, info)),
        Some(Err(why)) => Err(why.clone()),
        None if crate::load::images::is_image_path(&path) => Err("there is no such photo".into()),
        None => Err("this is not a photo (use a .jpg, .png, .webp or .gif file)".into()),
    }
}
