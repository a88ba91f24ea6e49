//! The image pipeline end to end, on photos made in code: probe → plan →
//! execute into a temporary cache, then the outputs decoded back.

use super::*;
use crate::load::images::probe;
use crate::load::OtherFile;
use image::codecs::jpeg::JpegEncoder;
use image::{ImageDecoder, ImageEncoder};
use std::path::{Path, PathBuf};

/// A photo whose top-left quadrant is red and the rest a blue gradient, so
/// orientation can be checked after processing.
fn photo_pixels(width: u32, height: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            if x < width / 2 && y < height / 2 {
                data.extend_from_slice(&[230, 20, 20]);
            } else {
                data.extend_from_slice(&[20, (x * 200 / width) as u8, 200 - (y * 100 / height) as u8]);
            }
        }
    }
    data
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(&photo_pixels(width, height), width, height, image::ExtendedColorType::Rgb8)
        .expect("encode test jpeg");
    out
}

/// The GPS IFD pointer entry as it sits in a little-endian EXIF block: tag
/// 0x8825, type LONG, count 1.
const GPS_POINTER_ENTRY: [u8; 8] = [0x25, 0x88, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00];
/// The latitude written below (52/1, 31/1, 1234/100), as stored.
const GPS_LATITUDE_DATA: [u8; 24] = [52, 0, 0, 0, 1, 0, 0, 0, 31, 0, 0, 0, 1, 0, 0, 0, 0xd2, 0x04, 0, 0, 100, 0, 0, 0];

/// An EXIF APP1 segment with an orientation tag and a GPS IFD (latitude
/// N 52° 31' 12.34"), little-endian, as a phone writes it.
fn exif_app1(orientation: u16) -> Vec<u8> {
    let mut tiff: Vec<u8> = vec![b'I', b'I', 0x2a, 0x00, 8, 0, 0, 0];
    // IFD0 at 8: two entries, then the next-IFD offset.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0]);
    tiff.extend_from_slice(&orientation.to_le_bytes());
    tiff.extend_from_slice(&[0, 0]);
    let gps_ifd: u32 = 8 + 2 + 2 * 12 + 4;
    tiff.extend_from_slice(&GPS_POINTER_ENTRY);
    tiff.extend_from_slice(&gps_ifd.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(tiff.len() as u32, gps_ifd);
    // GPS IFD: latitude ref "N" and the latitude (3 rationals, stored after it).
    let data_at: u32 = gps_ifd + 2 + 2 * 12 + 4;
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0x02, 0x00, 5, 0, 3, 0, 0, 0]);
    tiff.extend_from_slice(&data_at.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(&GPS_LATITUDE_DATA);
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let mut seg = vec![0xff, 0xe1];
    seg.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
    seg.extend_from_slice(&payload);
    seg
}

/// A phone photo: JPEG with EXIF orientation and GPS, APP1 right after SOI.
fn phone_jpeg(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let plain = jpeg(width, height);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&exif_app1(orientation));
    out.extend_from_slice(&plain[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn settings() -> ImageSettings {
    ImageSettings {
        widths: vec![16, 40, 64, 100],
        formats: vec!["webp".into(), "jpeg".into()],
        quality: 80,
        ..ImageSettings::default()
    }
}

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        Fixture { dir: tempfile::tempdir().expect("tempdir") }
    }
    fn write(&self, name: &str, bytes: &[u8]) -> OtherFile {
        let abs = self.dir.path().join("content").join(name);
        std::fs::create_dir_all(abs.parent().expect("parent")).expect("mkdir");
        std::fs::write(&abs, bytes).expect("write");
        OtherFile { path: format!("content/{name}"), abs }
    }
    fn cache_dir(&self) -> PathBuf {
        self.dir.path().join(".shopstory-cache")
    }
    fn plan(&self, files: &[(&str, &[u8])]) -> BTreeMap<String, PlannedImage> {
        files
            .iter()
            .map(|(name, bytes)| {
                let f = self.write(name, bytes);
                let info = probe(&f).unwrap_or_else(|e| panic!("{name}: {e}"));
                (f.path.clone(), plan_image(&f.path, &info, &settings()))
            })
            .collect()
    }
    fn execute(&self, planned: &BTreeMap<String, PlannedImage>) -> (Result<Executed, CacheError>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let opts = ExecuteOptions { cache_dir: &self.cache_dir(), on_image_done: &|| {} };
        (execute(planned, &opts, &mut diags), diags)
    }
}

fn file_bytes(f: &OutputFile) -> Vec<u8> {
    match &f.contents {
        Contents::Copy(p) => std::fs::read(p).expect("cache file"),
        other => panic!("{} is not a cache copy: {other:?}", f.path),
    }
}

fn mtimes(dir: &Path) -> BTreeMap<String, std::time::SystemTime> {
    std::fs::read_dir(dir)
        .expect("cache dir")
        .map(|e| {
            let e = e.expect("entry");
            (e.file_name().to_string_lossy().into_owned(), e.metadata().expect("meta").modified().expect("mtime"))
        })
        .collect()
}

#[test]
fn plan_never_upscales_and_keeps_the_aspect_ratio() {
    let info = ImageInfo {
        abs: PathBuf::from("/x/a.jpg"),
        width: 64,
        height: 40,
        orientation: 1,
        has_alpha: false,
        hash: "ab".repeat(32),
        format: "jpeg".into(),
    };
    let p = plan_image("content/Big Wheel.JPG", &info, &settings());
    let sizes: Vec<(u32, u32, &str)> = p.variants.iter().map(|v| (v.width, v.height, v.format.as_str())).collect();
    assert_eq!(
        sizes,
        vec![
            (16, 10, "webp"),
            (40, 25, "webp"),
            (64, 40, "webp"),
            (16, 10, "jpeg"),
            (40, 25, "jpeg"),
            (64, 40, "jpeg")
        ]
    );
    assert_eq!((p.width, p.height), (64, 40));
    let hash10 = cache::variant_hash(&info.hash, 40, "jpeg", 80);
    assert_eq!(p.variants[4].output, format!("media/big-wheel-{hash10}-40.jpg"));
    assert_eq!(p.fallback_url(), format!("/{}", p.variants[5].output));

    // Narrower than every width: one variant per format, at the source's width.
    let small = ImageInfo { width: 12, height: 7, ..info.clone() };
    let p = plan_image("content/icon.jpg", &small, &settings());
    let sizes: Vec<(u32, u32)> = p.variants.iter().map(|v| (v.width, v.height)).collect();
    assert_eq!(sizes, vec![(12, 7), (12, 7)]);

    // Transparency: PNG instead of JPEG, WebP kept.
    let alpha = ImageInfo { has_alpha: true, format: "png".into(), ..info };
    let p = plan_image("content/logo.png", &alpha, &settings());
    let formats: Vec<&str> = p.variants.iter().map(|v| v.format.as_str()).collect();
    assert_eq!(formats, vec!["webp", "webp", "webp", "png", "png", "png"]);
    assert!(p.variants.iter().all(|v| v.output.ends_with(&format!(".{}", v.format))));
}

#[test]
fn scaled_height_rounds() {
    assert_eq!(scaled_height(2400, 1600, 480), 320);
    assert_eq!(scaled_height(3, 2, 1), 1);
    assert_eq!(scaled_height(1000, 333, 480), 160); // 159.84
    assert_eq!(scaled_height(1000, 1, 10), 1);
}

proptest::proptest! {
    #[test]
    fn planned_widths_are_sorted_unique_and_fit(src in 1u32..5000, widths in proptest::collection::vec(1u32..6000, 0..6)) {
        let out = planned_widths(src, &widths);
        proptest::prop_assert!(!out.is_empty());
        proptest::prop_assert!(out.windows(2).all(|w| w[0] < w[1]));
        proptest::prop_assert!(out.iter().all(|w| *w <= src));
    }
}

#[test]
fn probe_reads_orientation_and_swaps_the_size() {
    let fx = Fixture::new();
    let f = fx.write("moments/phone.jpg", &phone_jpeg(64, 40, 6));
    let info = probe(&f).expect("probe");
    assert_eq!((info.width, info.height, info.orientation, info.has_alpha), (40, 64, 6, false));
    let f = fx.write("moments/upside.jpg", &phone_jpeg(64, 40, 3));
    let info = probe(&f).expect("probe");
    assert_eq!((info.width, info.height, info.orientation), (64, 40, 3));
}

#[test]
fn photos_are_resized_rotated_stripped_and_cached() {
    let fx = Fixture::new();
    let plain = jpeg(64, 40);
    let phone = phone_jpeg(64, 40, 6);
    assert!(contains(&phone, b"Exif") && contains(&phone, &GPS_POINTER_ENTRY) && contains(&phone, &GPS_LATITUDE_DATA));
    let planned = fx.plan(&[("posts/wheel.jpg", &plain), ("moments/phone.jpg", &phone)]);
    let (done, diags) = fx.execute(&planned);
    let done = done.expect("cache works");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(done.stats, ImageStats { images: 2, files: 10, from_cache: 0, encoded: 10, failed: 0 });

    let by_path: BTreeMap<&str, &OutputFile> = done.files.iter().map(|f| (f.path.as_str(), f)).collect();
    assert_eq!(by_path.len(), 10);
    for img in planned.values() {
        for v in &img.variants {
            let bytes = file_bytes(by_path[v.output.as_str()]);
            assert!(!contains(&bytes, b"Exif"), "{} carries EXIF", v.output);
            assert!(
                !contains(&bytes, &GPS_POINTER_ENTRY) && !contains(&bytes, &GPS_LATITUDE_DATA),
                "{} carries GPS",
                v.output
            );
            let format = image::guess_format(&bytes).expect("format");
            assert_eq!(format, if v.format == "webp" { image::ImageFormat::WebP } else { image::ImageFormat::Jpeg });
            let mut decoder = image::ImageReader::new(std::io::Cursor::new(&bytes))
                .with_guessed_format()
                .expect("reader")
                .into_decoder()
                .expect("decoder");
            assert_eq!(decoder.dimensions(), (v.width, v.height), "{}", v.output);
            assert_eq!(decoder.exif_metadata().expect("exif"), None, "{}", v.output);
            assert!(v.width <= img.source_width);
        }
    }

    // The phone photo is shown upright: 40 wide, 64 tall, its red corner
    // (top left as stored, orientation 6 = turn 90° clockwise) at the top right.
    let phone = &planned["content/moments/phone.jpg"];
    assert_eq!((phone.width, phone.height), (40, 64));
    let largest = phone.variants.iter().find(|v| v.format == "jpeg" && v.width == 40).expect("40-wide jpeg");
    let img = image::load_from_memory(&file_bytes(by_path[largest.output.as_str()])).expect("decode").into_rgb8();
    assert_eq!(img.dimensions(), (40, 64));
    let top_right = img.get_pixel(36, 3).0;
    let top_left = img.get_pixel(3, 3).0;
    assert!(top_right[0] > 180 && top_right[2] < 80, "top right should be red, is {top_right:?}");
    assert!(top_left[0] < 80, "top left should not be red, is {top_left:?}");

    // Second run: everything from the cache, nothing read, nothing rewritten.
    let images_dir = fx.cache_dir().join("images");
    let before = mtimes(&images_dir);
    assert_eq!(before.len(), 10, "{before:?}");
    let (again, diags) = fx.execute(&planned);
    let again = again.expect("cache works");
    assert!(diags.is_empty());
    assert_eq!(again.stats, ImageStats { images: 2, files: 10, from_cache: 2, encoded: 0, failed: 0 });
    assert_eq!(mtimes(&images_dir), before);
    let paths = |e: &Executed| e.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&again), paths(&done));

    // A source whose variants are all cached is never read: removing it changes nothing.
    std::fs::remove_file(fx.dir.path().join("content/posts/wheel.jpg")).expect("rm");
    let (third, diags) = fx.execute(&planned);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(third.expect("cache").stats.encoded, 0);
}

#[test]
fn a_missing_variant_is_made_again() {
    let fx = Fixture::new();
    let planned = fx.plan(&[("posts/wheel.jpg", &jpeg(64, 40))]);
    fx.execute(&planned).0.expect("first");
    let gone = &planned["content/posts/wheel.jpg"].variants[1].output;
    std::fs::remove_file(fx.cache_dir().join("images").join(gone.rsplit('/').next().expect("name"))).expect("rm");
    let (done, diags) = fx.execute(&planned);
    assert!(diags.is_empty());
    assert_eq!(done.expect("second").stats.encoded, 1);
}

#[test]
fn transparent_png_becomes_png_and_webp_with_alpha() {
    let fx = Fixture::new();
    let mut rgba = image::RgbaImage::new(20, 10);
    for (x, _, p) in rgba.enumerate_pixels_mut() {
        *p = image::Rgba([200, 100, 50, if x < 10 { 0 } else { 255 }]);
    }
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(rgba.as_raw(), 20, 10, image::ExtendedColorType::Rgba8)
        .expect("png");
    let planned = fx.plan(&[("logo.png", &png)]);
    let (done, diags) = fx.execute(&planned);
    assert!(diags.is_empty());
    let done = done.expect("cache");
    let formats: Vec<&str> = done.files.iter().map(|f| f.path.rsplit('.').next().expect("ext")).collect();
    assert_eq!(formats, vec!["png", "webp"]);
    for f in &done.files {
        let img = image::load_from_memory(&file_bytes(f)).expect("decode");
        assert!(img.color().has_alpha(), "{}", f.path);
        assert_eq!(img.to_rgba8().get_pixel(2, 5).0[3], 0, "{} keeps the transparent half", f.path);
    }
}

/// A PNG that declares `width` x `height` pixels (a decompression bomb): a valid
/// signature, IHDR and a tiny IDAT.
fn bomb_png(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn bad_photos_are_refused_at_probe_time_with_a_reason() {
    let fx = Fixture::new();
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("empty.jpg", Vec::new(), "this photo is an empty file (0 bytes): copy it again from the camera or phone"),
        ("notes.jpg", b"these are my shopping notes, not a photo\n".to_vec(), "this is not a JPEG, PNG, WebP or GIF photo: save or export it as JPEG"),
        ("bomb.png", bomb_png(16_000, 16_000), "this photo declares 16000x16000 pixels (256 megapixels), more than the 100-megapixel limit shopstory decodes: resize the photo (4000 pixels on its longest side is plenty for the web), or raise `images.max_pixels` in site.yaml"),
        ("line.png", bomb_png(100_000_000, 1), "this photo declares 100000000x1 pixels, more than the 16384 pixels a side shopstory decodes: resize the photo to at most 16384 px on its longest side (4000 is plenty for the web), or raise `images.max_side` in site.yaml"),
        ("photo.heic", b"....ftypheic".to_vec(), "HEIC photos (the iPhone's format) cannot be read: export the photo as JPEG (in Photos: File → Export, or set Camera → Formats → Most Compatible)"),
    ];
    for (name, bytes, want) in cases {
        let f = fx.write(name, &bytes);
        assert_eq!(probe(&f).expect_err(name), want, "{name}");
    }
}

#[test]
fn a_truncated_jpeg_is_refused_at_probe_time() {
    let fx = Fixture::new();
    let whole = jpeg(64, 40);
    // Cut in the middle of the compressed pixels, after the headers (SOS):
    // the decoder alone would fill the rest with grey and say nothing.
    let sos = whole.windows(2).position(|w| w == [0xff, 0xda]).expect("SOS");
    let f = fx.write("posts/cut.jpg", &whole[..sos + (whole.len() - sos) / 2]);
    assert_eq!(
        probe(&f).expect_err("cut"),
        "this photo is cut short (its data ends before the picture does), so part of it would show grey: copy it again from the camera or phone"
    );
    // A phone photo, with its EXIF thumbnail-like APP1, is complete.
    assert!(probe(&fx.write("posts/phone.jpg", &phone_jpeg(64, 40, 6))).is_ok());
}

#[test]
fn a_photo_damaged_past_its_header_is_an_error_naming_it_and_nothing_is_cached() {
    let fx = Fixture::new();
    // A PNG cut inside its pixel data: the header probes fine, decoding fails.
    let mut png = Vec::new();
    let px = photo_pixels(64, 40);
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&px, 64, 40, image::ExtendedColorType::Rgb8)
        .expect("png");
    let idat = png.windows(4).position(|w| w == b"IDAT").expect("IDAT");
    let cut = png[..idat + 4 + (png.len() - idat) / 3].to_vec();
    let whole = jpeg(64, 40);
    let planned = fx.plan(&[("posts/cut.png", &cut), ("posts/fine.jpg", &whole), ("posts/changed.jpg", &whole)]);
    // And a photo replaced between the check and the encoding.
    std::fs::write(fx.dir.path().join("content/posts/changed.jpg"), jpeg(32, 20)).expect("rewrite");
    let (done, diags) = fx.execute(&planned);
    let done = done.expect("cache works");
    assert_eq!(done.stats.failed, 2);
    let errors: Vec<(&str, &str)> = diags.sorted().iter().map(|d| (d.file.as_str(), d.message.as_str())).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(
        errors[0],
        ("content/posts/changed.jpg", "this photo changed while the site was being built: build again")
    );
    assert_eq!(errors[1].0, "content/posts/cut.png");
    assert!(errors[1].1.starts_with("this photo is damaged and cannot be decoded ("), "{}", errors[1].1);
    // The good photo's files are there; none of the broken ones'.
    let fine: Vec<&str> = planned["content/posts/fine.jpg"].variants.iter().map(|v| v.output.as_str()).collect();
    assert_eq!(done.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), {
        let mut v = fine.clone();
        v.sort_unstable();
        v
    });
    let cached = mtimes(&fx.cache_dir().join("images"));
    assert_eq!(cached.len(), fine.len(), "{cached:?}");
}
