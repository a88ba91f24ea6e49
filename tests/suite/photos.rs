//! Photos come out right (issue 13, items 5 and 6): every variant of the
//! corpus (`photo_corpus.rs`) is built by the real binary, read back from
//! `public/` and compared with its reference decode after the same resize;
//! a JPEG no decoder here reads is refused with a clear error.

use crate::harness::SiteTest;
use crate::photo_corpus::{self as corpus, Case};
use std::fs;

/// The width every corpus photo is resized to (half the source).
const WIDTH: u32 = 48;

/// A site whose one post shows every case, written as lossless PNG so that
/// only decoding and resizing are compared.
fn site_with(cases: &[Case]) -> SiteTest {
    site_at(cases, WIDTH)
}

/// `site_with`, the photos resized to `width` (or kept at their own width
/// when they are narrower).
fn site_at(cases: &[Case], width: u32) -> SiteTest {
    let site = SiteTest::fixture("basic");
    let config = site.read("site.yaml");
    site.write("site.yaml", &format!("{config}\nimages: {{ widths: [{width}], formats: [png] }}\n"));
    let mut body = String::from("---\ntitle: Photos\n---\n");
    for case in cases {
        let ext = if case.bytes.starts_with(b"\x89PNG") { "png" } else { "jpg" };
        fs::write(site.root.join(format!("content/posts/{}.{ext}", case.name)), &case.bytes).unwrap();
        body.push_str(&format!("![{0}]({0}.{ext})\n\n", case.name));
    }
    site.write("content/posts/2026-11-03-photos.md", &body);
    site
}

/// The built variant of `name`, decoded from disk.
fn output_of(site: &SiteTest, name: &str) -> image::DynamicImage {
    output_at(site, name, WIDTH)
}

fn output_at(site: &SiteTest, name: &str, width: u32) -> image::DynamicImage {
    let media = site.public().join("media");
    let prefix = format!("{name}-");
    let suffix = format!("-{width}.png");
    let found: Vec<_> = fs::read_dir(&media)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix) && n.ends_with(&suffix) && n[prefix.len()..].len() == 10 + suffix.len())
        .collect();
    assert_eq!(found.len(), 1, "{name}: {found:?}");
    image::load_from_memory(&fs::read(media.join(&found[0])).unwrap()).unwrap()
}

/// Builds `cases` and returns each one's PSNR against its reference (name, dB).
fn psnr_of(cases: &[Case]) -> Vec<(String, f64)> {
    let site = site_with(cases);
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    cases
        .iter()
        .map(|case| {
            let out = output_of(&site, &case.name);
            let orientation = case.name.strip_prefix("orientation-").map_or(1, |o| o.parse().unwrap());
            let alpha = case.reference.color().has_alpha();
            assert_eq!(out.color().has_alpha(), alpha, "{}", case.name);
            let want = corpus::expected(&case.reference, orientation, out.width(), out.height());
            let got = if alpha { out.to_rgba8().into_raw() } else { out.to_rgb8().into_raw() };
            (case.name.clone(), corpus::psnr(&want, &got))
        })
        .collect()
}

/// Every case at or above 30 dB; the failures are listed whole.
fn assert_faithful(results: Vec<(String, f64)>) {
    let poor: Vec<String> =
        results.iter().filter(|(_, db)| *db < 30.0).map(|(name, db)| format!("{name}: {db:.1} dB")).collect();
    assert_eq!(poor, Vec::<String>::new(), "all: {results:?}");
}

#[test]
fn every_jpeg_libjpeg_writes_comes_out_as_libjpeg_decodes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = corpus::jpeg_cases(tmp.path());
    assert_eq!(cases.len(), 22);
    assert_faithful(psnr_of(&cases));
}

#[test]
fn cmyk_ycck_jpegs_and_16_bit_palette_and_gray_alpha_pngs_come_out_right() {
    let cases: Vec<Case> = corpus::cmyk_cases().into_iter().chain(corpus::png_cases()).collect();
    assert_faithful(psnr_of(&cases));
}

#[test]
fn an_arithmetic_coded_jpeg_is_refused_with_a_clear_error_and_the_output_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let bytes = corpus::cjpeg(tmp.path(), &["-arithmetic"]);
    let reference = corpus::djpeg(tmp.path(), &bytes);
    let site = site_with(&[Case { name: "arithmetic".into(), bytes, reference }]);
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: image `content/posts/arithmetic.jpg`: this JPEG is arithmetic-coded, which shopstory (like most browsers) cannot decode: open it in a photo editor and export it again as a standard JPEG
 --> content/posts/2026-11-03-photos.md:4:1
  |
4 | ![arithmetic](arithmetic.jpg)
  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: fix or replace the photo as said above, then build again

1 error, 0 warnings
build failed; [ROOT]/public left as it was
"
    );
    assert!(!site.public().exists(), "a failed build wrote public/");
}

#[test]
fn display_p3_photos_come_out_in_srgb_as_littlecms_converts_them_without_a_profile() {
    let tmp = tempfile::tempdir().unwrap();
    let untagged = image::DynamicImage::ImageRgb8(corpus::p3_patches());
    let cases = [
        Case { name: "p3-png".into(), bytes: corpus::p3_png(), reference: untagged.clone() },
        Case { name: "p3-jpeg".into(), bytes: corpus::p3_jpeg(tmp.path()), reference: untagged },
    ];
    let width = corpus::PATCH * corpus::P3_TO_SRGB.len() as u32;
    let site = site_at(&cases, 4000);
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (case, tolerance) in [("p3-png", 1), ("p3-jpeg", 3)] {
        let dir = site.public().join("media");
        let out = output_at(&site, case, width).to_rgb8();
        // The centre of each patch, against LittleCMS's conversion.
        let got: Vec<[u8; 3]> =
            (0..corpus::P3_TO_SRGB.len() as u32).map(|i| out.get_pixel(i * corpus::PATCH + 8, 8).0).collect();
        let off: Vec<String> = corpus::P3_TO_SRGB
            .iter()
            .zip(&got)
            .filter(|((_, want), got)| want.iter().zip(got.iter()).any(|(w, g)| w.abs_diff(*g) > tolerance))
            .map(|((p3, want), got)| format!("P3 {p3:?}: sRGB {want:?} wanted, {got:?} written"))
            .collect();
        assert_eq!(off, Vec::<String>::new(), "{case}");
        // Written without a profile: sRGB is what a browser assumes.
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with(case) {
                let bytes = std::fs::read(dir.join(&name)).unwrap();
                assert!(!bytes.windows(4).any(|w| w == b"iCCP"), "{name} has a profile");
            }
        }
    }
}
