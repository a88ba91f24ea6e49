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
            let orientation = case.name.strip_prefix("orientation-").map_or(1, |o| o[..1].parse().unwrap());
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
    assert_eq!(cases.len(), 23);
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

/// A small JPEG as a phone names and dates it.
fn phone_photo(dir: &std::path::Path, when: Option<&str>) -> std::path::PathBuf {
    let plain = corpus::cjpeg(dir, &["-quality", "80"]);
    let path = dir.join("IMG_20261104_153012.jpg");
    fs::write(&path, when.map_or(plain.clone(), |w| corpus::with_date_taken(&plain, w))).unwrap();
    path
}

#[test]
fn new_moment_takes_the_day_the_photo_was_taken_and_an_id() {
    let site = crate::moments::site();
    let photo = phone_photo(site._tmp.path(), Some("2026:10:03 15:30:12"));
    let run = site.run(&["new", "moment", photo.to_str().unwrap(), "--id", "inline-fitting", "--consent"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "content/moments/inline-fitting.jpg\ncontent/moments/inline-fitting.yaml\n");
    assert_eq!(
        run.stderr.lines().next(),
        Some("date: 2026-10-03, the day the photo was taken (from the photo's EXIF)"),
        "{}",
        run.stderr
    );
    let sidecar = site.read("content/moments/inline-fitting.yaml");
    assert!(sidecar.contains("\ndate: 2026-10-03\n"), "{sidecar}");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.public().join("moments/inline-fitting/index.html").is_file());

    // Without EXIF: today (the test's fixed 2026-11-22), said so.
    let elsewhere = site._tmp.path().join("undated");
    fs::create_dir_all(&elsewhere).unwrap();
    let undated = phone_photo(&elsewhere, None);
    let run = site.run(&["new", "moment", undated.to_str().unwrap(), "--id", "undated"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.read("content/moments/undated.yaml").contains("\ndate: 2026-11-22\n"));
    assert_eq!(
        run.stderr.lines().next(),
        Some("date: 2026-11-22 (today): the photo does not say when it was taken; correct it in content/moments/undated.yaml if need be"),
    );

    // An id that is not an address is refused before anything is written.
    let run = site.run(&["new", "moment", photo.to_str().unwrap(), "--id", "Inline Fitting"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: --id `Inline Fitting` cannot be a moment's address: use lowercase letters, digits and hyphens, such as `--id inline-fitting`\n"
    );
}

#[test]
fn a_draft_moment_waiting_for_consent_no_longer_blocks_the_build() {
    let site = crate::moments::site();
    let plain = corpus::cjpeg(site._tmp.path(), &["-quality", "80"]);
    fs::write(site.root.join("content/moments/waiting.jpg"), plain).unwrap();
    site.write(
        "content/moments/waiting.yaml",
        "caption: Waiting for Dana's answer.\ndate: 2026-11-05\ndraft: true\nconsent: false\n",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.public().join("moments/waiting").exists());
    let gallery = site.read("public/moments/index.html");
    assert!(!crate::moments::card_links(&gallery).contains(&"/moments/waiting/"));

    // Built with drafts, it would be published without consent: an error.
    let run = site.run(&["build", "--drafts"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr.lines().take(3).collect::<Vec<_>>(),
        vec![
            "error: the moment of waiting.jpg is `consent: false`: the build refuses to publish it until the customer's consent is recorded",
            " --> content/moments/waiting.yaml:4:10",
            "  |",
        ],
        "{}",
        run.stderr
    );

    // With consent, a draft shows only in a drafts build.
    site.write(
        "content/moments/waiting.yaml",
        "caption: Dana said yes.\ndate: 2026-11-05\ndraft: true\nconsent: true\n",
    );
    site.build_ok();
    assert!(!site.public().join("moments/waiting").exists());
    let run = site.run(&["build", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.public().join("moments/waiting/index.html").is_file());
}

#[test]
fn a_photo_name_differing_in_capitals_gets_did_you_mean() {
    let site = crate::moments::site();
    let plain = corpus::cjpeg(site._tmp.path(), &["-quality", "80"]);
    fs::write(site.root.join("content/moments/inline-fitting.jpg"), plain).unwrap();
    let list = site.read("content/moments/moments.yaml");
    site.write(
        "content/moments/moments.yaml",
        &format!("{list}- photo: Inline-Fitting.JPG\n  date: 2026-11-06\n  consent: true\n"),
    );
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("error") || l.contains("= help")).collect();
    assert_eq!(
        lines,
        vec![
            "error: this customer photo has no moment data (caption, customer, date, consent)",
            "   = help: add `inline-fitting.yaml` next to it (`shopstory new moment` writes one), or list it in content/moments/moments.yaml; for example:",
            "error: there is no photo `Inline-Fitting.JPG` (content/moments/Inline-Fitting.JPG)",
            "   = help: did you mean `inline-fitting.jpg`? The file name differs in capitals only: a Mac ignores that, the web host does not; write `photo: inline-fitting.jpg`",
        ],
        "{}",
        run.stderr
    );

    // A moment's id with other capitals in a post.
    let site = crate::moments::site();
    let post = site.read("content/posts/2026-11-12-a-good-week.md");
    site.write("content/posts/2026-11-12-a-good-week.md", &post.replace("id=\"gps-photo\"", "id=\"GPS-Photo\""));
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("error") || l.contains("= help")).collect();
    assert_eq!(
        lines,
        vec![
            "error: there is no moment with id `GPS-Photo`",
            "  = help: did you mean `gps-photo`? The moments are: cup, gps-photo, sideways",
        ],
        "{}",
        run.stderr
    );

    // A sidecar named with other capitals than its photo.
    let site = crate::moments::site();
    let plain = corpus::cjpeg(site._tmp.path(), &["-quality", "80"]);
    fs::write(site.root.join("content/moments/Inline-Fitting.JPG"), plain).unwrap();
    site.write("content/moments/inline-fitting.yaml", "date: 2026-11-06\nconsent: true\n");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("= help: did you mean `Inline-Fitting.JPG`? Its name differs from this file's in capitals only: a Mac ignores that, the web host does not; rename the photo `inline-fitting.JPG`"),
        "{}",
        run.stderr
    );
}
