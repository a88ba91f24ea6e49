//! The faster photo encoders keep their quality (issue 13, item 8): a
//! photo-like JPEG made by libjpeg (`cjpeg`) is built by the real binary at
//! the default formats (WebP + JPEG), every variant is read back from
//! `public/` and compared with libjpeg's decode of the source (`djpeg`)
//! resized directly to the same size, so the resize of the smaller widths
//! from the largest one and both encoders are measured together. The
//! speed itself is shown by `bench/images.sh`, never timed here.

use crate::harness::SiteTest;
use crate::photo_corpus as corpus;
use std::fs;
use std::process::Command;

const SOURCE_W: u32 = 1200;
const SOURCE_H: u32 = 800;

/// A photo-like picture: smooth colour fields, mid-scale texture, hard
/// edges and fine grain, so that an encoder that blurs, drops detail or
/// puts a channel in the wrong place loses many dB.
fn photo_rgb() -> image::RgbImage {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    image::RgbImage::from_fn(SOURCE_W, SOURCE_H, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let grain = (seed % 13) as f64 - 6.0;
        let (fx, fy) = (f64::from(x), f64::from(y));
        let texture = 18.0 * ((fx / 9.0).sin() * (fy / 13.0).cos());
        let edge = if (x / 150 + y / 100).is_multiple_of(2) { 30.0 } else { -30.0 };
        let r = 60.0 + 140.0 * fx / f64::from(SOURCE_W) + texture + edge + grain;
        let g = 90.0 + 100.0 * fy / f64::from(SOURCE_H) - texture + grain;
        let b = 170.0 - 90.0 * (fx + fy) / f64::from(SOURCE_W + SOURCE_H) + edge / 2.0 + grain;
        image::Rgb([r, g, b].map(|v| v.round().clamp(0.0, 255.0) as u8))
    })
}

/// Luma (BT.601), as JPEG and WebP store it, of RGB pixels.
fn luma(rgb: &[u8]) -> Vec<u8> {
    rgb.chunks_exact(3)
        .map(|p| (0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2])).round() as u8)
        .collect()
}

/// Whether a JPEG is baseline (SOF0), and the sampling factors of its
/// components (`0x22`: 2 across, 2 down), from its frame header.
fn frame_of(jpeg: &[u8]) -> (bool, Vec<u8>) {
    let mut i = 2;
    while i + 4 < jpeg.len() {
        let (marker, len) = (jpeg[i + 1], usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]])));
        if (0xc0..=0xc2).contains(&marker) {
            let n = usize::from(jpeg[i + 9]);
            return (marker == 0xc0, (0..n).map(|k| jpeg[i + 11 + 3 * k]).collect());
        }
        i += 2 + len;
    }
    panic!("no frame header");
}

#[test]
fn webp_and_jpeg_variants_match_a_direct_reference_resize_and_jpegs_are_baseline_4_2_0() {
    let tmp = tempfile::tempdir().unwrap();
    let ppm = tmp.path().join("photo.ppm");
    let mut bytes = format!("P6\n{SOURCE_W} {SOURCE_H}\n255\n").into_bytes();
    bytes.extend_from_slice(photo_rgb().as_raw());
    fs::write(&ppm, bytes).unwrap();
    let out = Command::new("cjpeg").args(["-quality", "95"]).arg(&ppm).output().expect("cjpeg (libjpeg-turbo-progs)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let source = out.stdout;
    let reference = corpus::djpeg(tmp.path(), &source);

    let site = SiteTest::fixture("basic");
    let config = site.read("site.yaml");
    site.write(
        "site.yaml",
        &format!("{config}images: {{ widths: [300, 600, 900], formats: [webp, jpeg], quality: 75 }}\n"),
    );
    fs::write(site.root.join("content/posts/sample.jpg"), &source).unwrap();
    site.write("content/posts/2026-11-03-sample.md", "---\ntitle: Sample\n---\n![A sample](sample.jpg)\n");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);

    let media = site.public().join("media");
    let mut names: Vec<String> = fs::read_dir(&media)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("sample-"))
        .collect();
    names.sort();
    // `sample-<10 hex>-<width>.<ext>`, the hash left out.
    let mut kinds: Vec<&str> = names.iter().map(|n| &n["sample-0123456789-".len()..]).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["300.jpg", "300.webp", "600.jpg", "600.webp", "900.jpg", "900.webp"]);

    let mut poor = Vec::new();
    let mut all = Vec::new();
    for name in &names {
        let bytes = fs::read(media.join(name)).unwrap();
        let got = image::load_from_memory(&bytes).unwrap().to_rgb8();
        let width: u32 = name.rsplit('-').next().unwrap().split('.').next().unwrap().parse().unwrap();
        let height = width * SOURCE_H / SOURCE_W;
        assert_eq!(got.dimensions(), (width, height), "{name}");
        let want = corpus::expected(&reference, 1, width, height);
        let (rgb, y) = (corpus::psnr(&want, got.as_raw()), corpus::psnr(&luma(&want), &luma(got.as_raw())));
        all.push(format!("{name}: {rgb:.1} dB RGB, {y:.1} dB luma, {} bytes", bytes.len()));
        if rgb < RGB_DB || y < LUMA_DB {
            poor.push(all.last().unwrap().clone());
        }
        if name.ends_with(".jpg") {
            // Baseline, luma at full size, both chroma planes at half size each way.
            assert_eq!(frame_of(&bytes), (true, vec![0x22, 0x11, 0x11]), "{name}");
        }
    }
    assert_eq!(poor, Vec::<String>::new(), "all: {all:#?}");
}

/// Thresholds, 2 dB under the worst variant written at quality 75 (33.0 dB
/// RGB for the 300 px JPEG, whose chroma is stored at half size; 39.0 dB
/// luma for the 900 px WebP): a wrong channel, a lost plane, a blurring
/// resize or a coarse quantizer falls well below them.
const RGB_DB: f64 = 31.0;
const LUMA_DB: f64 = 37.0;
