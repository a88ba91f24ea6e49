//! The photo corpus of issue 13: every kind of JPEG and PNG a phone, a
//! camera or an editor writes, made here on each run (nothing binary is
//! committed), each with the reference pixels a correct decoder gives.
//! JPEGs come from libjpeg-turbo's own tools (`cjpeg`, `jpegtran -scans`,
//! Debian's `libjpeg-turbo-progs`, installed by `.ci/run`) and are decoded
//! for reference by `djpeg`; CMYK and YCCK JPEGs come from the
//! `jpeg-encoder` crate and PNGs from the `png` crate, their reference being
//! the pixels they were made from.

use std::fs;
use std::path::Path;
use std::process::Command;

/// The picture every variant holds: gradients in all three channels, a
/// grey ramp and saturated patches, so that a channel decoded in the wrong
/// place (green stripes) or a lost chroma plane shows as a large error.
pub(crate) const W: u32 = 96;
pub(crate) const H: u32 = 64;

pub(crate) fn source_rgb() -> image::RgbImage {
    image::RgbImage::from_fn(W, H, |x, y| {
        let patch = [[230, 20, 30], [20, 200, 40], [30, 40, 220], [240, 220, 20]];
        if y < 16 {
            let v = patch[(x / 24) as usize];
            image::Rgb([v[0], v[1], v[2]])
        } else if y < 24 {
            let g = (x * 255 / (W - 1)) as u8;
            image::Rgb([g, g, g])
        } else {
            image::Rgb([(x * 255 / (W - 1)) as u8, ((y - 24) * 255 / (H - 25)) as u8, (255 - x * 2) as u8])
        }
    })
}

/// One photo of the corpus: its file name and bytes, and the pixels a
/// correct decoder shows (upright, before any resize), RGB or RGBA.
pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) bytes: Vec<u8>,
    pub(crate) reference: image::DynamicImage,
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e} (install libjpeg-turbo-progs)"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// `cjpeg` of the source picture with `args`.
pub(crate) fn cjpeg(dir: &Path, args: &[&str]) -> Vec<u8> {
    let ppm = dir.join("source.ppm");
    if !ppm.exists() {
        let mut bytes = format!("P6\n{W} {H}\n255\n").into_bytes();
        bytes.extend_from_slice(source_rgb().as_raw());
        fs::write(&ppm, bytes).unwrap();
    }
    run(Command::new("cjpeg").args(args).arg(&ppm))
}

/// `jpegtran -scans` with a script of one line per scan.
pub(crate) fn jpegtran_scans(dir: &Path, jpeg: &[u8], script: &str) -> Vec<u8> {
    let (input, scans) = (dir.join("in.jpg"), dir.join("scans.txt"));
    fs::write(&input, jpeg).unwrap();
    fs::write(&scans, script).unwrap();
    run(Command::new("jpegtran").arg("-scans").arg(&scans).arg(&input))
}

/// libjpeg's decode of `jpeg` (`djpeg -pnm`), as RGB.
pub(crate) fn djpeg(dir: &Path, jpeg: &[u8]) -> image::DynamicImage {
    let input = dir.join("ref.jpg");
    fs::write(&input, jpeg).unwrap();
    let pnm = run(Command::new("djpeg").arg("-pnm").arg(&input));
    // A binary PPM (P6) or PGM (P5): four header fields, one white-space byte, samples.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pnm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pnm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8(pnm[start..at].to_vec()).unwrap());
    }
    let samples = &pnm[at + 1..];
    let (w, h): (u32, u32) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let rgb = match fields[0].as_str() {
        "P6" => samples.to_vec(),
        "P5" => samples.iter().flat_map(|&g| [g, g, g]).collect(),
        other => panic!("djpeg wrote {other}"),
    };
    image::DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, rgb).unwrap())
}

/// `jpeg` with an APP1 EXIF block holding `orientation` after its start marker.
pub(crate) fn with_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x0112u16.to_le_bytes());
    tiff.extend(3u16.to_le_bytes());
    tiff.extend(1u32.to_le_bytes());
    tiff.extend(orientation.to_le_bytes());
    tiff.extend([0, 0, 0, 0, 0, 0]);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xff, 0xe1]);
    out.extend(u16::try_from(tiff.len() + 8).unwrap().to_be_bytes());
    out.extend(b"Exif\0\0");
    out.extend(tiff);
    out.extend(&jpeg[2..]);
    out
}

fn png(
    width: u32,
    height: u32,
    color: png::ColorType,
    depth: png::BitDepth,
    palette: Option<Vec<u8>>,
    data: &[u8],
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(color);
    enc.set_depth(depth);
    if let Some(p) = palette {
        enc.set_palette(p);
    }
    enc.write_header().unwrap().write_image_data(data).unwrap();
    out
}

/// Every JPEG libjpeg writes that a correct decoder must show as libjpeg does.
pub(crate) fn jpeg_cases(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>| {
        let reference = djpeg(dir, &bytes);
        cases.push(Case { name: name.to_string(), bytes, reference });
    };
    let q = ["-quality", "92"];
    for (name, sample) in
        [("baseline-444", "1x1"), ("baseline-422", "2x1"), ("baseline-420", "2x2"), ("baseline-440", "1x2")]
    {
        add(name, cjpeg(dir, &[&q[..], &["-sample", sample]].concat()));
    }
    add("progressive", cjpeg(dir, &[&q[..], &["-progressive"]].concat()));
    add("progressive-444", cjpeg(dir, &[&q[..], &["-progressive", "-sample", "1x1"]].concat()));
    add("restart-rows", cjpeg(dir, &[&q[..], &["-restart", "1"]].concat()));
    add("restart-blocks", cjpeg(dir, &[&q[..], &["-restart", "5B"]].concat()));
    add("grayscale", cjpeg(dir, &[&q[..], &["-grayscale"]].concat()));
    add("rgb", cjpeg(dir, &[&q[..], &["-rgb"]].concat()));
    add("optimized", cjpeg(dir, &[&q[..], &["-optimize"]].concat()));
    // Baseline with each colour component in a scan of its own (what some
    // cameras and editors write): the file that came out as green stripes.
    let plain = cjpeg(dir, &[&q[..], &["-sample", "1x1"]].concat());
    add("non-interleaved", jpegtran_scans(dir, &plain, "0;\n1;\n2;\n"));
    let sub = cjpeg(dir, &[&q[..], &["-sample", "2x2"]].concat());
    add("non-interleaved-420", jpegtran_scans(dir, &sub, "0;\n1;\n2;\n"));
    add("non-interleaved-luma-first", jpegtran_scans(dir, &sub, "0;\n1 2;\n"));
    for o in 1..=8u16 {
        add(&format!("orientation-{o}"), with_orientation(&sub, o));
    }
    // Upright also when decoded by the second decoder.
    add("orientation-6-split-scans", with_orientation(&jpegtran_scans(dir, &sub, "0;\n1;\n2;\n"), 6));
    cases
}

/// CMYK and YCCK JPEGs (print work, some scanners), from `jpeg-encoder`.
pub(crate) fn cmyk_cases() -> Vec<Case> {
    let rgb = source_rgb();
    let mut cmyk = Vec::new();
    for p in rgb.pixels() {
        // Made so that the usual profile-less conversion, each channel
        // (255 - ink) * (255 - black) / 255, gives the source back.
        let max = p.0.iter().copied().max().unwrap_or(0);
        let ink =
            |v: u8| if max == 0 { 0 } else { 255 - ((u32::from(v) * 255 + u32::from(max) / 2) / u32::from(max)) as u8 };
        cmyk.extend([ink(p.0[0]), ink(p.0[1]), ink(p.0[2]), 255 - max]);
    }
    let mut cases = Vec::new();
    for (name, color) in [("cmyk", jpeg_encoder::ColorType::Cmyk), ("ycck", jpeg_encoder::ColorType::CmykAsYcck)] {
        let mut bytes = Vec::new();
        jpeg_encoder::Encoder::new(&mut bytes, 95).encode(&cmyk, W as u16, H as u16, color).unwrap();
        cases.push(Case { name: name.into(), bytes, reference: image::DynamicImage::ImageRgb8(rgb.clone()) });
    }
    let turned = with_orientation(&cases[0].bytes, 8);
    cases.push(Case {
        name: "orientation-8-cmyk".into(),
        bytes: turned,
        reference: image::DynamicImage::ImageRgb8(rgb),
    });
    cases
}

/// 16-bit RGB, palette and grayscale-with-alpha PNGs.
pub(crate) fn png_cases() -> Vec<Case> {
    let rgb = source_rgb();
    let mut cases = Vec::new();
    let wide: Vec<u8> = rgb.as_raw().iter().flat_map(|&v| (u16::from(v) * 257).to_be_bytes()).collect();
    let bytes = png(W, H, png::ColorType::Rgb, png::BitDepth::Sixteen, None, &wide);
    cases.push(Case { name: "png-16-bit".into(), bytes, reference: image::DynamicImage::ImageRgb8(rgb.clone()) });
    // A 216-colour palette (6 levels a channel), each pixel its nearest entry.
    let level = |v: u8| (u16::from(v) * 5 + 127) / 255;
    let palette: Vec<u8> = (0..216u16).flat_map(|i| [i / 36, i / 6 % 6, i % 6].map(|l| (l * 51) as u8)).collect();
    let indices: Vec<u8> =
        rgb.pixels().map(|p| (level(p.0[0]) * 36 + level(p.0[1]) * 6 + level(p.0[2])) as u8).collect();
    let quantized = image::RgbImage::from_fn(W, H, |x, y| {
        let i = usize::from(indices[(y * W + x) as usize]) * 3;
        image::Rgb([palette[i], palette[i + 1], palette[i + 2]])
    });
    let bytes = png(W, H, png::ColorType::Indexed, png::BitDepth::Eight, Some(palette), &indices);
    cases.push(Case { name: "png-palette".into(), bytes, reference: image::DynamicImage::ImageRgb8(quantized) });
    let gray_alpha = image::RgbaImage::from_fn(W, H, |x, y| {
        let g = (x * 255 / (W - 1)) as u8;
        image::Rgba([g, g, g, if y < H / 2 { 255 } else { (y * 4) as u8 }])
    });
    let data: Vec<u8> = gray_alpha.pixels().flat_map(|p| [p.0[0], p.0[3]]).collect();
    let bytes = png(W, H, png::ColorType::GrayscaleAlpha, png::BitDepth::Eight, None, &data);
    cases.push(Case { name: "png-gray-alpha".into(), bytes, reference: image::DynamicImage::ImageRgba8(gray_alpha) });
    cases
}

/// Peak signal-to-noise ratio of two images of the same size and layout, in dB.
pub(crate) fn psnr(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    let se: f64 = a.iter().zip(b).map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2)).sum();
    let mse = se / a.len() as f64;
    if mse == 0.0 {
        return f64::INFINITY;
    }
    10.0 * (255.0f64 * 255.0 / mse).log10()
}

/// `img` turned upright by EXIF `orientation`, then resized as shopstory
/// resizes (Lanczos3, `fast_image_resize`) to `width` x `height`.
pub(crate) fn expected(img: &image::DynamicImage, orientation: u8, width: u32, height: u32) -> Vec<u8> {
    use fast_image_resize::images::{Image, ImageRef};
    use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
    let mut img = img.clone();
    img.apply_orientation(image::metadata::Orientation::from_exif(orientation).unwrap());
    let alpha = img.color().has_alpha();
    let (data, kind) =
        if alpha { (img.to_rgba8().into_raw(), PixelType::U8x4) } else { (img.to_rgb8().into_raw(), PixelType::U8x3) };
    let view = ImageRef::new(img.width(), img.height(), &data, kind).unwrap();
    let mut dst = Image::new(width, height, kind);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new().resize(&view, &mut dst, &options).unwrap();
    dst.into_vec()
}

/// Display P3 (the colour space of phone photos) as an ICC profile, the
/// one `moxcms` writes; LittleCMS reads it as "Display P3".
pub(crate) fn p3_profile() -> Vec<u8> {
    moxcms::ColorProfile::new_display_p3().encode().unwrap()
}

/// Saturated and everyday colours in Display P3, and what LittleCMS makes of
/// each in sRGB (Pillow 12's `ImageCms.buildTransform(p3_profile(),
/// createProfile("sRGB"), "RGB", "RGB")`, perceptual and relative
/// colorimetric agree): the reference for issue 13's item 6.
pub(crate) const P3_TO_SRGB: [([u8; 3], [u8; 3]); 14] = [
    ([255, 0, 0], [255, 0, 0]),
    ([0, 255, 0], [0, 255, 0]),
    ([0, 0, 255], [0, 0, 255]),
    ([255, 255, 0], [255, 255, 0]),
    ([0, 255, 255], [0, 255, 255]),
    ([255, 0, 255], [255, 0, 255]),
    ([200, 100, 50], [215, 93, 31]),
    ([50, 150, 200], [0, 153, 205]),
    ([120, 200, 80], [89, 203, 56]),
    ([128, 128, 128], [128, 128, 128]),
    ([180, 60, 120], [195, 47, 122]),
    ([90, 90, 200], [90, 90, 207]),
    ([240, 200, 170], [248, 198, 166]),
    ([30, 30, 30], [30, 30, 30]),
];

/// The side of one square patch of `P3_TO_SRGB`, side by side in a row.
pub(crate) const PATCH: u32 = 16;

/// The patches as pixels (P3 values, untagged).
pub(crate) fn p3_patches() -> image::RgbImage {
    image::RgbImage::from_fn(PATCH * P3_TO_SRGB.len() as u32, PATCH, |x, _| {
        image::Rgb(P3_TO_SRGB[(x / PATCH) as usize].0)
    })
}

/// The patches as a PNG tagged Display P3 (an iCCP chunk).
pub(crate) fn p3_png() -> Vec<u8> {
    let img = p3_patches();
    let mut info = png::Info::with_size(img.width(), img.height());
    info.color_type = png::ColorType::Rgb;
    info.bit_depth = png::BitDepth::Eight;
    info.icc_profile = Some(p3_profile().into());
    let mut out = Vec::new();
    png::Encoder::with_info(&mut out, info).unwrap().write_header().unwrap().write_image_data(img.as_raw()).unwrap();
    out
}

/// The patches as a phone writes them: a JPEG with the P3 profile in APP2
/// (`cjpeg -icc`), at the highest quality without subsampling.
pub(crate) fn p3_jpeg(dir: &Path) -> Vec<u8> {
    let (ppm, icc) = (dir.join("p3.ppm"), dir.join("p3.icc"));
    let img = p3_patches();
    let mut bytes = format!("P6\n{} {}\n255\n", img.width(), img.height()).into_bytes();
    bytes.extend_from_slice(img.as_raw());
    fs::write(&ppm, bytes).unwrap();
    fs::write(&icc, p3_profile()).unwrap();
    run(Command::new("cjpeg").args(["-quality", "100", "-sample", "1x1", "-icc"]).arg(&icc).arg(&ppm))
}

/// `jpeg` with an APP1 EXIF block holding `DateTimeOriginal` (tag 0x9003 in
/// the Exif IFD, as a phone writes it: `2026:10:03 15:30:12`).
pub(crate) fn with_date_taken(jpeg: &[u8], when: &str) -> Vec<u8> {
    assert_eq!(when.len(), 19);
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    // IFD0: one entry, the Exif IFD's offset (26).
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x8769u16.to_le_bytes());
    tiff.extend(4u16.to_le_bytes());
    tiff.extend(1u32.to_le_bytes());
    tiff.extend(26u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    // Exif IFD: DateTimeOriginal, 20 ASCII bytes at offset 44.
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x9003u16.to_le_bytes());
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(20u32.to_le_bytes());
    tiff.extend(44u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(when.as_bytes());
    tiff.push(0);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xff, 0xe1]);
    out.extend(u16::try_from(tiff.len() + 8).unwrap().to_be_bytes());
    out.extend(b"Exif\0\0");
    out.extend(tiff);
    out.extend(&jpeg[2..]);
    out
}
