//! Part of stage 1 (load): probes photos. Reads each image's bytes once,
//! hashes them (the cache key of every variant) and reads the header for its
//! size, its EXIF orientation and whether it has an alpha channel. Nothing is
//! decoded here, ever: a file that cannot be probed (empty, damaged, not an
//! image, or declaring more pixels than site.yaml's `images.max_side` and
//! `images.max_pixels` allow) is remembered with the reason, which is
//! reported only where a page uses it. `Limits` is also what the decoders
//! of `assets` are held to.

use super::{OtherFile, Sources};
use image::ImageDecoder;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::PathBuf;

pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "gif"];

/// The largest photo shopstory decodes by default, in pixels (100
/// megapixels; a phone photo is 12 to 48), and the longest side (16,384
/// pixels). A file declaring more is refused at probe time, so a
/// "decompression bomb" (a 12 KB PNG that claims 100,000,000x1, which took
/// 9.7 GB to resize) never reaches the decoder. Both can be set in
/// site.yaml's `images:` (`max_pixels`, `max_side`).
pub const MAX_PIXELS: u64 = 100_000_000;
pub const MAX_SIDE: u32 = 16_384;

/// What a photo may declare and still be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_side: u32,
    pub max_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_side: MAX_SIDE, max_pixels: MAX_PIXELS }
    }
}

impl Limits {
    /// The `image` crate's limits for decoding under these: each side, and
    /// every allocation at most 16-bit RGBA at the most pixels (8 bytes each).
    pub fn decoder_limits(&self) -> image::Limits {
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(self.max_side);
        limits.max_image_height = Some(self.max_side);
        limits.max_alloc = Some(self.max_pixels.saturating_mul(8).max(64 << 20));
        limits
    }

    /// Why a photo of `width` x `height` (as stored) is refused, if it is.
    pub fn refuse(&self, width: u32, height: u32) -> Option<String> {
        let (side, pixels) = (width.max(height), u64::from(width) * u64::from(height));
        let Limits { max_side, max_pixels } = *self;
        if side > max_side {
            return Some(format!(
                "this photo declares {width}x{height} pixels, more than the {max_side} pixels a side shopstory decodes: resize the photo to at most {max_side} px on its longest side (4000 is plenty for the web), or raise `images.max_side` in site.yaml"
            ));
        }
        if pixels > max_pixels {
            let mp = |n: u64| format!("{:.1}", n as f64 / 1e6).trim_end_matches(".0").to_string();
            return Some(format!(
                "this photo declares {width}x{height} pixels ({} megapixels), more than the {}-megapixel limit shopstory decodes: resize the photo (4000 pixels on its longest side is plenty for the web), or raise `images.max_pixels` in site.yaml",
                mp(pixels),
                mp(max_pixels)
            ));
        }
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInfo {
    pub abs: PathBuf,
    /// Size as shown, after the EXIF orientation (a portrait phone photo
    /// stored sideways with orientation 6 is taller than wide here).
    pub width: u32,
    pub height: u32,
    /// EXIF orientation, 1 to 8 (1 when there is none).
    pub orientation: u8,
    /// The pixels carry transparency (a PNG or WebP with alpha, a GIF):
    /// such images are written as PNG rather than JPEG.
    pub has_alpha: bool,
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

/// Probes one photo under the default limits.
pub(crate) fn probe(file: &OtherFile) -> Result<ImageInfo, String> {
    probe_with(file, &Limits::default())
}

/// Probes one photo: reads its header only, and refuses it when it declares
/// more pixels than `limits` allow, before anything is decoded.
pub(crate) fn probe_with(file: &OtherFile, limits: &Limits) -> Result<ImageInfo, String> {
    let ext = file.path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if ext == "heic" || ext == "heif" {
        return Err("HEIC photos (the iPhone's format) cannot be read: export the photo as JPEG (in Photos: File → Export, or set Camera → Formats → Most Compatible)".into());
    }
    let bytes = std::fs::read(&file.abs).map_err(|e| format!("cannot read this photo: {e}"))?;
    if bytes.is_empty() {
        return Err("this photo is an empty file (0 bytes): copy it again from the camera or phone".into());
    }
    let mut reader = image::ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read this photo: {e}"))?;
    // Only the allocation limit here: the sides are checked below, with a
    // message that gives them.
    let mut header_limits = limits.decoder_limits();
    (header_limits.max_image_width, header_limits.max_image_height) = (None, None);
    reader.limits(header_limits);
    let format = match reader.format() {
        Some(image::ImageFormat::Jpeg) => "jpeg",
        Some(image::ImageFormat::Png) => "png",
        Some(image::ImageFormat::WebP) => "webp",
        Some(image::ImageFormat::Gif) => "gif",
        _ => return Err("this is not a JPEG, PNG, WebP or GIF photo: save or export it as JPEG".into()),
    };
    let layout = if format == "jpeg" { jpeg_layout(&bytes) } else { None };
    if layout.is_some_and(|l| l.arithmetic()) {
        return Err("this JPEG is arithmetic-coded, which shopstory (like most browsers) cannot decode: open it in a photo editor and export it again as a standard JPEG".into());
    }
    if format == "jpeg" && !layout.is_some_and(|l| l.complete) {
        return Err("this photo is cut short (its data ends before the picture does), so part of it would show grey: copy it again from the camera or phone".into());
    }
    let damaged = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => too_large_message(limits),
        e => format!("this photo is damaged and cannot be read ({e}): copy it again from the original"),
    };
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let (raw_width, raw_height) = decoder.dimensions();
    if raw_width == 0 || raw_height == 0 {
        return Err("this photo has no pixels".into());
    }
    if let Some(why) = limits.refuse(raw_width, raw_height) {
        return Err(why);
    }
    let has_alpha = decoder.color_type().has_alpha();
    // A damaged EXIF block is not worth refusing the photo: show it as stored.
    let orientation = decoder.orientation().map_or(1, |o| o.to_exif());
    let (width, height) = if orientation >= 5 { (raw_height, raw_width) } else { (raw_width, raw_height) };
    let hash = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    Ok(ImageInfo { abs: file.abs.clone(), width, height, orientation, has_alpha, hash, format: format.into() })
}

/// How a JPEG is coded, from its frame and scan headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JpegLayout {
    /// The first start-of-frame marker's last byte (0 when there is none): 0xC0 baseline, 0xC1 extended,
    /// 0xC2 progressive, 0xC3 lossless, 0xC9 to 0xCF arithmetic-coded.
    pub(crate) frame: u8,
    /// Colour components in the frame: 1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK.
    pub(crate) components: u8,
    /// A sequential (not progressive) file has a scan holding fewer
    /// components than the frame: its components are stored one after the
    /// other instead of interleaved.
    pub(crate) split_scans: bool,
    /// The data reaches the end-of-image marker.
    pub(crate) complete: bool,
}

impl JpegLayout {
    /// Arithmetic coding (SOF9 to SOF15), which no decoder here reads.
    pub(crate) fn arithmetic(&self) -> bool {
        self.frame >= 0xc9
    }
}

/// Reads a JPEG's layout (frame 0 and no components when it has no frame
/// header), or `None` when the bytes do not start as a JPEG. `complete`
/// says whether it reaches its end-of-image marker: a copy cut short (an
/// interrupted transfer) would otherwise decode without complaint, its
/// missing part filled with grey. Walks the marker segments (skipping APPn blocks by their
/// length, so an EXIF thumbnail's own markers do not count) and the
/// entropy-coded data after each scan header. Bytes after the end marker
/// are allowed: some cameras append data there.
pub(crate) fn jpeg_layout(bytes: &[u8]) -> Option<JpegLayout> {
    if !bytes.starts_with(&[0xff, 0xd8]) {
        return None;
    }
    let mut layout = JpegLayout { frame: 0, components: 0, split_scans: false, complete: false };
    let mut i = 2;
    loop {
        // The next marker: skip anything that is not 0xFF, then fill bytes.
        let Some(at) = bytes[i.min(bytes.len())..].iter().position(|&b| b == 0xff) else {
            return Some(layout);
        };
        i += at;
        while bytes.get(i) == Some(&0xff) {
            i += 1;
        }
        let Some(&marker) = bytes.get(i) else {
            return Some(layout);
        };
        i += 1;
        match marker {
            0xd9 => {
                layout.complete = true;
                return Some(layout);
            }
            0x00 | 0x01 | 0xd0..=0xd7 => continue,
            _ => {}
        }
        let Some(len) = bytes.get(i..i + 2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]]))) else {
            return Some(layout);
        };
        let segment = bytes.get(i + 2..i + len);
        i += len;
        if i > bytes.len() {
            return Some(layout);
        }
        match (marker, segment) {
            // Start of frame (not DHT 0xC4, JPG 0xC8 or DAC 0xCC): precision,
            // height, width, then the number of components.
            (0xc0..=0xcf, Some(seg)) if ![0xc4, 0xc8, 0xcc].contains(&marker) && layout.frame == 0 => {
                layout.frame = marker;
                layout.components = seg.get(5).copied().unwrap_or(0);
            }
            (0xda, seg) => {
                let scan_components = seg.and_then(|s| s.first()).copied().unwrap_or(0);
                let sequential = !matches!(layout.frame, 0xc2 | 0xc6 | 0xca | 0xce);
                layout.split_scans |= sequential && scan_components < layout.components;
                // Entropy-coded data: 0xFF is followed by 0x00 (a stuffed
                // byte) or a restart marker; anything else is the next marker.
                loop {
                    let Some(at) = bytes[i..].iter().position(|&b| b == 0xff) else {
                        return Some(layout);
                    };
                    i += at;
                    match bytes.get(i + 1) {
                        None => return Some(layout),
                        Some(0x00 | 0xd0..=0xd7) => i += 2,
                        Some(0xff) => i += 1,
                        Some(_) => break,
                    }
                }
            }
            _ => {}
        }
    }
}

fn too_large_message(limits: &Limits) -> String {
    format!(
        "this photo would need more memory to decode than shopstory allows ({} pixels): resize the photo to at most {} px on its longest side and save it again",
        limits.max_pixels, limits.max_side
    )
}

/// Probes every image under `content/` and `static/` under `limits`.
pub fn probe_images(sources: &Sources, limits: &Limits) -> ImageTable {
    let files: Vec<&OtherFile> =
        sources.content_files.values().chain(sources.static_files.iter()).filter(|f| is_image_path(&f.path)).collect();
    files.par_iter().map(|f| (f.path.clone(), probe_with(f, limits))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_completeness() {
        let jpeg_is_complete = |b: &[u8]| jpeg_layout(b).is_some_and(|l| l.complete);
        // SOI, APP1 holding a thumbnail's own EOI, SOS with stuffed and
        // restart bytes, EOI, trailing bytes.
        let good: &[u8] = &[
            0xff, 0xd8, 0xff, 0xe1, 0x00, 0x06, 0xff, 0xd9, 0x00, 0x00, 0xff, 0xda, 0x00, 0x04, 0x01, 0x02, 0x12, 0xff,
            0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xd9, 0x99,
        ];
        assert!(jpeg_is_complete(good));
        for cut in 0..good.len() - 1 {
            assert!(!jpeg_is_complete(&good[..cut]), "cut at {cut}");
        }
        assert!(!jpeg_is_complete(b"not a jpeg"));
    }
}
