//! Probes photos: reads each image's bytes once, hashes them (the cache key
//! of every variant) and reads the header for its size. Nothing is decoded
//! here; a file that cannot be probed is remembered with the reason, which
//! is reported only where a page uses it.

use super::{OtherFile, Sources};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::PathBuf;

pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "gif"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInfo {
    pub abs: PathBuf,
    pub width: u32,
    pub height: u32,
    /// Hex SHA-256 of the file's bytes.
    pub hash: String,
    /// `jpeg`, `png`, `webp` or `gif`.
    pub format: String,
}

pub type ImageTable = BTreeMap<String, Result<ImageInfo, String>>;

pub fn is_image_path(path: &str) -> bool {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    IMAGE_EXTENSIONS.contains(&ext.as_str()) || ["heic", "heif", "tif", "tiff", "avif", "bmp"].contains(&ext.as_str())
}

fn probe(file: &OtherFile) -> Result<ImageInfo, String> {
    let ext = file.path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if ext == "heic" || ext == "heif" {
        return Err("HEIC photos (the iPhone's format) cannot be read: export the photo as JPEG (in Photos: File → Export, or set Camera → Formats → Most Compatible)".into());
    }
    let bytes = std::fs::read(&file.abs).map_err(|e| format!("cannot read this photo: {e}"))?;
    if bytes.is_empty() {
        return Err("this photo is an empty file (0 bytes): copy it again from the camera or phone".into());
    }
    let reader = image::ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read this photo: {e}"))?;
    let format = match reader.format() {
        Some(image::ImageFormat::Jpeg) => "jpeg",
        Some(image::ImageFormat::Png) => "png",
        Some(image::ImageFormat::WebP) => "webp",
        Some(image::ImageFormat::Gif) => "gif",
        _ => return Err("this is not a JPEG, PNG, WebP or GIF photo: save or export it as JPEG".into()),
    };
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| format!("this photo is damaged and cannot be read ({e}): copy it again from the original"))?;
    if width == 0 || height == 0 {
        return Err("this photo has no pixels".into());
    }
    let hash = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    Ok(ImageInfo { abs: file.abs.clone(), width, height, hash, format: format.into() })
}

/// Probes every image under `content/` and `static/`.
pub fn probe_images(sources: &Sources) -> ImageTable {
    let files: Vec<&OtherFile> = sources
        .content_files
        .values()
        .chain(sources.static_files.iter())
        .filter(|f| is_image_path(&f.path))
        .collect();
    files.par_iter().map(|f| (f.path.clone(), probe(f))).collect()
}
