//! Part of stage 4 (assets): pixels in, file bytes out. Resizes decoded
//! pixels (`decode.rs`) with a SIMD Lanczos3 filter (`fast_image_resize`)
//! and encodes baseline JPEG (`jpeg-encoder`, SIMD, 4:2:0 chroma below
//! quality 90 as libjpeg does), lossy WebP (libwebp through the `webp`
//! crate, at `WEBP_METHOD`) or PNG (`image`). The encoders are given pixels
//! only, never the source's metadata, so no EXIF, GPS, XMP or ICC block can
//! reach an output file: stripping is by construction. Pure apart from the
//! CPU: no I/O here.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::png::{CompressionType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};

/// libwebp's speed/size trade-off (0 fastest .. 6 smallest). Its default,
/// 4, took 60% of a cold WebP + JPEG build; 2 encodes 2.3 times faster for
/// files 8% larger at the same quality setting (PSNR within 0.15 dB; see
/// README "Photos"). Changing it changes the bytes: bump `CACHE_EPOCH`.
pub(crate) const WEBP_METHOD: i32 = 2;

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
            let (Ok(width), Ok(height)) = (u16::try_from(px.width), u16::try_from(px.height)) else {
                return Err("a JPEG holds at most 65535 pixels a side".into());
            };
            jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100))
                .encode(&px.data, width, height, jpeg_encoder::ColorType::Rgb)
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
            let mut config = webp::WebPConfig::new().map_err(|()| "cannot set up the WebP encoder".to_string())?;
            config.lossless = 0;
            config.alpha_compression = 1;
            config.quality = f32::from(quality.min(100));
            config.method = WEBP_METHOD;
            let memory = encoder
                .encode_advanced(&config)
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

    fn psnr(a: &[u8], b: &[u8]) -> f64 {
        let se: f64 = a.iter().zip(b).map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2)).sum();
        10.0 * (255.0f64 * 255.0 * a.len() as f64 / se).log10()
    }

    /// Gradients with a fine texture and hard edges, where a resize that
    /// blurs or rings shows.
    fn textured(width: u32, height: u32) -> Pixels {
        let mut px = gradient(width, height, false);
        for (i, p) in px.data.chunks_exact_mut(3).enumerate() {
            let (x, y) = ((i as u32 % width) as f64, (i as u32 / width) as f64);
            let t = 40.0 * (x / 5.0).sin() * (y / 7.0).cos()
                + if (x as u32 / 90 + y as u32 / 60).is_multiple_of(2) { 30.0 } else { -30.0 };
            for c in p.iter_mut() {
                *c = (f64::from(*c) + t).clamp(0.0, 255.0) as u8;
            }
        }
        px
    }

    #[test]
    fn a_smaller_width_resized_from_the_largest_is_close_to_a_direct_resize() {
        let src = textured(1200, 800);
        let largest = resize(&src, 900, 600).expect("900");
        for (w, h) in [(600, 400), (300, 200)] {
            let direct = resize(&src, w, h).expect("direct");
            let cascaded = resize(&largest, w, h).expect("cascaded");
            let db = psnr(&direct.data, &cascaded.data);
            assert!(db > 40.0, "{w}x{h}: {db:.1} dB");
        }
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
