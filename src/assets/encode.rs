//! Pixels in, file bytes out: resizes decoded pixels (`decode.rs`) with a
//! SIMD Lanczos3 filter (`fast_image_resize`) and encodes JPEG (`image`), lossy WebP (libwebp, through the `webp` crate)
//! or PNG (`image`). The encoders are given pixels only, never the source's
//! metadata, so no EXIF, GPS, XMP or ICC block can reach an output file:
//! stripping is by construction. Pure apart from the CPU: no I/O here.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};

/// 8-bit RGB or RGBA pixels, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pixels {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) alpha: bool,
    pub(crate) data: Vec<u8>,
}

impl Pixels {
    fn channels(&self) -> usize {
        if self.alpha {
            4
        } else {
            3
        }
    }
}

/// Resizes to exactly `width` x `height` with Lanczos3 (SIMD where the CPU
/// has it). The same size returns a copy.
pub(crate) fn resize(src: &Pixels, width: u32, height: u32) -> Result<Pixels, String> {
    if (width, height) == (src.width, src.height) {
        return Ok(src.clone());
    }
    let pixel_type = if src.alpha { PixelType::U8x4 } else { PixelType::U8x3 };
    let view = ImageRef::new(src.width, src.height, &src.data, pixel_type)
        .map_err(|e| format!("cannot resize this photo: {e}"))?;
    let mut dst = Image::new(width, height, pixel_type);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new().resize(&view, &mut dst, &options).map_err(|e| format!("cannot resize this photo: {e}"))?;
    Ok(Pixels { width, height, alpha: src.alpha, data: dst.into_vec() })
}

/// Encodes pixels as `jpeg`, `webp` (lossy, at `quality`) or `png`.
pub(crate) fn encode(px: &Pixels, format: &str, quality: u8) -> Result<Vec<u8>, String> {
    debug_assert_eq!(px.data.len(), px.width as usize * px.height as usize * px.channels());
    let color = if px.alpha { ExtendedColorType::Rgba8 } else { ExtendedColorType::Rgb8 };
    let mut out = Vec::new();
    match format {
        "jpeg" => {
            if px.alpha {
                return Err("a JPEG cannot keep transparency".into());
            }
            JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100))
                .write_image(&px.data, px.width, px.height, color)
                .map_err(|e| format!("cannot encode JPEG: {e}"))?;
        }
        "png" => {
            PngEncoder::new_with_quality(&mut out, CompressionType::Default, image::codecs::png::FilterType::Adaptive)
                .write_image(&px.data, px.width, px.height, color)
                .map_err(|e| format!("cannot encode PNG: {e}"))?;
        }
        "webp" => {
            let encoder = if px.alpha {
                webp::Encoder::from_rgba(&px.data, px.width, px.height)
            } else {
                webp::Encoder::from_rgb(&px.data, px.width, px.height)
            };
            let memory = encoder
                .encode_simple(false, f32::from(quality.min(100)))
                .map_err(|e| format!("cannot encode WebP ({e:?}); WebP allows at most 16383 pixels a side"))?;
            out.extend_from_slice(&memory);
        }
        other => return Err(format!("shopstory does not write `{other}` images")),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(width: u32, height: u32, alpha: bool) -> Pixels {
        let mut data = Vec::new();
        for y in 0..height {
            for x in 0..width {
                data.extend_from_slice(&[(x * 255 / width) as u8, (y * 255 / height) as u8, 128]);
                if alpha {
                    data.push(if x < width / 2 { 0 } else { 255 });
                }
            }
        }
        Pixels { width, height, alpha, data }
    }

    #[test]
    fn resize_gives_the_asked_size() {
        let src = gradient(64, 40, false);
        let small = resize(&src, 32, 20).expect("resize");
        assert_eq!((small.width, small.height, small.data.len()), (32, 20, 32 * 20 * 3));
        assert_eq!(resize(&src, 64, 40).expect("same"), src);
    }

    #[test]
    fn every_format_decodes_back_at_its_size() {
        for (format, alpha) in [("jpeg", false), ("webp", false), ("webp", true), ("png", true), ("png", false)] {
            let px = gradient(30, 20, alpha);
            let bytes = encode(&px, format, 80).expect(format);
            let back = image::load_from_memory(&bytes).expect("decodes");
            assert_eq!((back.width(), back.height()), (30, 20), "{format}");
            assert_eq!(back.color().has_alpha(), alpha, "{format} alpha={alpha}");
        }
    }

    #[test]
    fn jpeg_refuses_alpha_and_unknown_formats_are_errors() {
        assert!(encode(&gradient(4, 4, true), "jpeg", 80).is_err());
        assert!(encode(&gradient(4, 4, false), "avif", 80).is_err());
    }
}
