//! Part of stage 4 (assets): file bytes in, upright sRGB pixels out. Decodes
//! a source photo (or a cached variant) with `image` (zune-jpeg for JPEG),
//! except the JPEGs zune-jpeg gets wrong or cannot read, which go to
//! `jpeg-decoder`: baseline files whose colour components are stored in
//! separate scans (zune-jpeg turned them into green stripes), four-component
//! CMYK/YCCK files, and any JPEG zune-jpeg reports an error for. It then
//! turns the pixels upright by their EXIF orientation and converts them to
//! sRGB through their embedded ICC profile (`moxcms`), so a Display P3
//! phone photo keeps its colours once written without a profile. Pure apart
//! from the CPU: no I/O. It must never decode a photo larger than `Limits`.

use super::encode::Pixels;
use crate::load::images::{jpeg_layout, Limits};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder};
use std::io::Cursor;

/// Pixels as decoded, before they are turned upright and converted.
struct Decoded {
    image: DynamicImage,
    orientation: Orientation,
    icc: Option<Vec<u8>>,
}

/// Decodes a whole photo, turned upright by its EXIF orientation and
/// converted to sRGB, as RGB (or RGBA when `alpha`). `limits` are checked
/// before any pixel is decoded (each side, and every allocation), even if
/// the file changed since it was probed. The error is a sentence for the
/// owner.
pub(crate) fn decode(bytes: &[u8], alpha: bool, limits: &Limits) -> Result<Pixels, String> {
    let layout = jpeg_layout(bytes);
    let decoded = match layout {
        Some(l) if l.components == 4 || l.split_scans => decode_jpeg_decoder(bytes, limits)?,
        Some(_) => match decode_image(bytes, limits) {
            Ok(d) => d,
            // zune-jpeg refused it: a second decoder may read it.
            Err(Refused::Damaged(first)) => decode_jpeg_decoder(bytes, limits).map_err(|_| first)?,
            Err(Refused::Limits(why)) => return Err(why),
        },
        None => decode_image(bytes, limits).map_err(Refused::into_message)?,
    };
    let Decoded { mut image, orientation, icc } = decoded;
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());
    let mut data = if alpha { image.into_rgba8().into_raw() } else { image.into_rgb8().into_raw() };
    if let Some(icc) = icc {
        to_srgb(&icc, alpha, &mut data);
    }
    Ok(Pixels { width, height, alpha, data })
}

enum Refused {
    Limits(String),
    Damaged(String),
}

impl Refused {
    fn into_message(self) -> String {
        match self {
            Refused::Limits(why) | Refused::Damaged(why) => why,
        }
    }
}

fn damaged(e: impl std::fmt::Display) -> String {
    format!("this photo is damaged and cannot be decoded ({e}): copy it again from the original")
}

fn too_large(limits: &Limits) -> String {
    format!(
        "this photo needs more memory to decode than shopstory allows: resize the photo to at most {} px on its longest side",
        limits.max_side
    )
}

/// The `image` crate's decoders (zune-jpeg, png, image-webp, gif).
fn decode_image(bytes: &[u8], limits: &Limits) -> Result<Decoded, Refused> {
    let refused = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => Refused::Limits(too_large(limits)),
        e => Refused::Damaged(damaged(e)),
    };
    let mut reader =
        image::ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| refused(e.into()))?;
    reader.limits(limits.decoder_limits());
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let (w, h) = decoder.dimensions();
    if let Some(why) = limits.refuse(w, h) {
        return Err(Refused::Limits(why));
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    // A damaged profile is not worth refusing the photo: show it as stored.
    let icc = decoder.icc_profile().ok().flatten();
    let image = DynamicImage::from_decoder(decoder).map_err(refused)?;
    Ok(Decoded { image, orientation, icc })
}

/// `jpeg-decoder`, for the JPEGs zune-jpeg gets wrong or refuses.
fn decode_jpeg_decoder(bytes: &[u8], limits: &Limits) -> Result<Decoded, String> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    let max = limits.decoder_limits().max_alloc.unwrap_or(u64::MAX);
    decoder.set_max_decoding_buffer_size(usize::try_from(max).unwrap_or(usize::MAX));
    decoder.read_info().map_err(damaged)?;
    let info = decoder.info().ok_or_else(|| damaged("no frame header"))?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    if let Some(why) = limits.refuse(w, h) {
        return Err(why);
    }
    let pixels = decoder.decode().map_err(|e| match e {
        jpeg_decoder::Error::Unsupported(what) => format!(
            "this JPEG uses a feature shopstory cannot decode ({what:?}): open it in a photo editor and export it again as a standard JPEG"
        ),
        e => damaged(e),
    })?;
    let bad_size = || damaged("its pixels do not fill its size");
    let image = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => {
            DynamicImage::ImageLuma8(image::GrayImage::from_raw(w, h, pixels).ok_or_else(bad_size)?)
        }
        jpeg_decoder::PixelFormat::L16 => {
            let wide = pixels.chunks_exact(2).map(|b| u16::from_be_bytes([b[0], b[1]])).collect();
            DynamicImage::ImageLuma16(image::ImageBuffer::from_raw(w, h, wide).ok_or_else(bad_size)?)
        }
        jpeg_decoder::PixelFormat::RGB24 => {
            DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, pixels).ok_or_else(bad_size)?)
        }
        jpeg_decoder::PixelFormat::CMYK32 => {
            DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, cmyk_to_rgb(&pixels)).ok_or_else(bad_size)?)
        }
    };
    let orientation = decoder.exif_data().and_then(Orientation::from_exif_chunk).unwrap_or(Orientation::NoTransforms);
    // A CMYK profile describes the inks, not these RGB pixels.
    let icc = if info.pixel_format == jpeg_decoder::PixelFormat::CMYK32 { None } else { decoder.icc_profile() };
    Ok(Decoded { image, orientation, icc })
}

/// CMYK (as `jpeg-decoder` gives it: 0 is no ink) to RGB, without a
/// profile: each channel is what its ink and the black let through.
fn cmyk_to_rgb(cmyk: &[u8]) -> Vec<u8> {
    let through = |ink: u8, k: u8| ((u32::from(255 - ink) * u32::from(255 - k) + 127) / 255) as u8;
    cmyk.chunks_exact(4).flat_map(|p| [through(p[0], p[3]), through(p[1], p[3]), through(p[2], p[3])]).collect()
}

/// Converts RGB(A) pixels described by the ICC profile `icc` to sRGB, in
/// place (65,536 pixels at a time). A profile that cannot be read, or that is not for RGB pixels (a
/// grey one), leaves the pixels as they are: they are shown as stored, as
/// before profiles were read.
fn to_srgb(icc: &[u8], alpha: bool, data: &mut [u8]) {
    let Ok(source) = moxcms::ColorProfile::new_from_slice(icc) else { return };
    if source.color_space != moxcms::DataColorSpace::Rgb {
        return;
    }
    let layout = if alpha { moxcms::Layout::Rgba } else { moxcms::Layout::Rgb };
    let srgb = moxcms::ColorProfile::new_srgb();
    let Ok(transform) = source.create_transform_8bit(layout, &srgb, layout, moxcms::TransformOptions::default()) else {
        return;
    };
    // A slice at a time, so the conversion holds no second full-size copy.
    let channels = if alpha { 4 } else { 3 };
    let mut out = vec![0u8; (channels * 64 * 1024).min(data.len())];
    for chunk in data.chunks_mut(channels * 64 * 1024) {
        let out = &mut out[..chunk.len()];
        if transform.transform(chunk, out).is_err() {
            return;
        }
        chunk.copy_from_slice(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmyk_without_ink_is_white_and_full_black_is_black() {
        assert_eq!(cmyk_to_rgb(&[0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0]), vec![255, 255, 255, 0, 0, 0, 0, 255, 255]);
    }

    #[test]
    fn an_srgb_profile_leaves_pixels_as_they_are_and_a_p3_one_converts() {
        let mut px = vec![10, 128, 250, 255, 0, 0];
        let srgb = moxcms::ColorProfile::new_srgb().encode().expect("encode");
        to_srgb(&srgb, false, &mut px);
        let close = |a: &[u8], b: &[u8]| a.iter().zip(b).all(|(x, y)| x.abs_diff(*y) <= 1);
        assert!(close(&px, &[10, 128, 250, 255, 0, 0]), "{px:?}");
        let p3 = moxcms::ColorProfile::new_display_p3().encode().expect("encode");
        let mut red = vec![255, 0, 0];
        to_srgb(&p3, false, &mut red);
        // P3's red lies outside sRGB: clipped at full red, green and blue at 0.
        assert_eq!(red, vec![255, 0, 0]);
        let mut mid = vec![200, 100, 50];
        to_srgb(&p3, false, &mut mid);
        assert_ne!(mid, vec![200, 100, 50]);
    }

    #[test]
    fn garbage_or_grey_profiles_leave_pixels_alone() {
        let mut px = vec![1, 2, 3];
        to_srgb(b"not a profile", false, &mut px);
        assert_eq!(px, vec![1, 2, 3]);
        let grey = moxcms::ColorProfile::new_gray_with_gamma(2.2).encode().expect("encode");
        to_srgb(&grey, false, &mut px);
        assert_eq!(px, vec![1, 2, 3]);
    }
}
