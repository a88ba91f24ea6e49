//! The card sample (issue 19 item 3): a fixed set of cards covering every
//! layout, with and without a photo, with a logo and with initials, long
//! titles and stars, drawn and encoded by today's code and compared with
//! reference PNGs in `tests/fixtures/cards/` drawn before the drawing was
//! made fast. Decoded pixels must match within `TOLERANCE`: glyphs are
//! rasterised once at a sixteenth-of-a-pixel position and reused, so an
//! edge pixel of a letter may differ a little, nothing else may.
//!
//! `SHOPSTORY_BLESS_CARDS=1 cargo test --lib cards::samples` writes the
//! references anew (only when a change to what cards show is intended).

use super::draw::{card_png, draw};
use super::spec::{CardPhoto, CardSpec, Colour, Layout};
use super::text::Fonts;
use crate::assets::encode::Pixels;
use image::ImageEncoder;
use std::path::PathBuf;

/// How far a sample may stray from its reference: no channel of any pixel
/// by more than `max_channel`, and at most `max_pixels` pixels at all.
struct Tolerance {
    max_channel: u8,
    max_pixels: usize,
}

/// Measured on 2026-12-03: letters' edge pixels differ by up to 8 of 255 on
/// 4,300 to 12,400 pixels a card (1.6% at most, all on the edges of letters;
/// at a 4096th of a pixel the same cards differ by 1 on about 100 pixels).
const TOLERANCE: Tolerance = Tolerance { max_channel: 10, max_pixels: 15_000 };

fn photo_ref(name: &str, alpha: bool) -> CardPhoto {
    CardPhoto {
        source: format!("static/{name}"),
        abs: name.into(),
        source_hash: format!("hash-of-{name}"),
        has_alpha: alpha,
        variant: None,
        source_size: (1600, 1067),
        limits: Default::default(),
    }
}

/// A photo with gradients in both directions and a checkerboard (edges to resample).
fn photo_px(w: u32, h: u32) -> Pixels {
    let mut data = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            data.extend_from_slice(&[
                (x * 255 / w) as u8,
                (y * 255 / h) as u8,
                (60 + ((x / 40 + y / 40) % 2) * 80) as u8,
            ]);
        }
    }
    Pixels { width: w, height: h, alpha: false, data }
}

/// A round, partly transparent logo.
fn logo_px() -> Pixels {
    let (w, h) = (240u32, 120u32);
    let mut data = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let inside = (x as i32 - 60).pow(2) + (y as i32 - 60).pow(2) < 55 * 55 || (130..230).contains(&x);
            data.extend_from_slice(&[200, (x % 256) as u8, 40, if inside { 255 } else { 0 }]);
        }
    }
    Pixels { width: w, height: h, alpha: true, data }
}

pub(super) fn base(layout: Layout, title: &str) -> CardSpec {
    CardSpec {
        layout,
        title: title.into(),
        subtitle: "12 May 2026 · by Ana Lima".into(),
        site_name: "Harbor Street Cycles".into(),
        footer: "harborstreetcycles.example".into(),
        brand: (0x1f, 0x5f, 0x6b),
        accent: (0xe8, 0xa3, 0x3d),
        logo: None,
        photo: None,
        rating: None,
    }
}

const LONG: &str = "The complete and unabridged guide to keeping your chain, cassette, chainrings and derailleur pulleys clean through a wet winter on the coast";
const PALE: (Colour, Colour) = ((0xf4, 0xe9, 0xd8), (0x2a, 0x6f, 0x97));

/// The sample: (file name, spec, with photo, with logo).
fn sample() -> Vec<(&'static str, CardSpec, bool, bool)> {
    let layouts = [
        ("home", Layout::Home),
        ("post", Layout::Post),
        ("video", Layout::Video),
        ("moment", Layout::Moment),
        ("reviews", Layout::Reviews),
        ("staff", Layout::Staff),
        ("page", Layout::Page),
    ];
    let mut out = Vec::new();
    for (name, layout) in layouts {
        let mut s = base(layout, "Chain care in salty air");
        if layout == Layout::Reviews {
            s.rating = Some(4.3);
            s.subtitle = "from 14 reviews".into();
        }
        if layout == Layout::Staff {
            s.title = "Rosa Delgado".into();
            s.subtitle = "Head mechanic".into();
        }
        out.push((name, s.clone(), false, false));
        let with_photo: &'static str = Box::leak(format!("{name}-photo-logo").into_boxed_str());
        out.push((with_photo, s, true, true));
    }
    out.push(("post-long-logo", base(Layout::Post, LONG), false, true));
    out.push(("post-long-photo", base(Layout::Post, LONG), true, false));
    out.push(("page-long", base(Layout::Page, LONG), false, false));
    let mut pale = base(Layout::Reviews, "Ремонт велосипедов и Ελληνικά");
    (pale.brand, pale.accent) = PALE;
    pale.rating = Some(2.75);
    out.push(("reviews-pale-cyrillic-greek", pale, false, false));
    let mut home = base(Layout::Home, "Little Spruce Goods");
    (home.brand, home.accent) = PALE;
    home.subtitle = "Hand-made goods and the stories behind them, from a small workshop by the river".into();
    out.push(("home-pale-logo", home, false, true));
    let mut video = base(Layout::Video, "Truing a wheel at home with a zip tie");
    video.brand = (0x11, 0x11, 0x11);
    out.push(("video-dark", video, false, false));
    out
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cards")
}

/// (pixels that differ, the largest difference of one channel).
fn diff(a: &[u8], b: &[u8]) -> (usize, u8) {
    let mut n = 0;
    let mut max = 0;
    for (pa, pb) in a.chunks_exact(3).zip(b.chunks_exact(3)) {
        let d = pa.iter().zip(pb).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0);
        if d > 0 {
            n += 1;
            max = max.max(d);
        }
    }
    (n, max)
}

#[test]
fn the_sample_cards_match_their_references() {
    let fonts = Fonts::embedded();
    let bless = std::env::var_os("SHOPSTORY_BLESS_CARDS").is_some();
    let photo = photo_px(1600, 1067);
    let logo = logo_px();
    let mut failures = Vec::new();
    let sample = sample();
    assert_eq!(sample.len(), 20);
    for (name, mut spec, with_photo, with_logo) in sample {
        if with_photo {
            spec.photo = Some(photo_ref("cover.jpg", false));
        }
        if with_logo {
            spec.logo = Some(photo_ref("logo.png", true));
        }
        let img = draw(&spec, fonts, with_photo.then_some(&photo), with_logo.then_some(&logo));
        let png = card_png(&spec, fonts, with_photo.then_some(&photo), with_logo.then_some(&logo));
        let path = fixtures().join(format!("{name}.png"));
        if bless {
            // References are kept small: the best compression, not the fast one.
            std::fs::create_dir_all(fixtures()).expect("fixtures folder");
            let mut out = Vec::new();
            image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Best,
                image::codecs::png::FilterType::Adaptive,
            )
            .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::Rgb8)
            .expect("encode reference");
            std::fs::write(&path, out).expect("write reference");
            continue;
        }
        let decoded = image::load_from_memory(&png).expect("the card decodes").to_rgb8();
        assert_eq!(decoded.as_raw(), img.as_raw(), "{name}: the PNG is lossless");
        let reference = image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_rgb8();
        assert_eq!(reference.dimensions(), decoded.dimensions(), "{name}");
        let (n, max) = diff(reference.as_raw(), decoded.as_raw());
        if n > TOLERANCE.max_pixels || max > TOLERANCE.max_channel {
            failures.push(format!("{name}: {n} pixels differ, by up to {max}"));
        }
    }
    assert!(failures.is_empty(), "cards differ from tests/fixtures/cards/:\n{}", failures.join("\n"));
}

/// Every sample card drawn over its layer (with the sample's photo and
/// logo where it has them): its name, the drawing, and whether it has a photo.
fn drawn_samples() -> Vec<(String, super::draw::Drawn, bool)> {
    let fonts = Fonts::embedded();
    let photo = photo_px(1600, 1067);
    let logo = logo_px();
    sample()
        .into_iter()
        .map(|(name, mut spec, with_photo, with_logo)| {
            if with_photo {
                spec.photo = Some(photo_ref("cover.jpg", false));
            }
            if with_logo {
                spec.logo = Some(photo_ref("logo.png", true));
            }
            let drawn =
                super::draw::paint_for_test(&spec, fonts, with_photo.then_some(&photo), with_logo.then_some(&logo));
            (name.to_string(), drawn, with_photo)
        })
        .collect()
}

/// Each layer's own Huffman table (issue 19) makes every sample card,
/// with or without a photo or logo, no larger than fdeflate's fixed table
/// (what cards used before), and the cards without a photo smaller.
#[test]
fn issue_19_a_layers_own_table_never_makes_a_card_larger() {
    for (name, drawn, with_photo) in drawn_samples() {
        let (own, fixed) = (drawn.png(), drawn.png_with_fixed_table());
        let decode = |png: &[u8]| image::load_from_memory(png).expect("the card decodes").to_rgb8();
        assert_eq!(decode(&own).as_raw(), decode(&fixed).as_raw(), "{name}: the same pixels either way");
        let (own, fixed) = (own.len(), fixed.len());
        assert!(own <= fixed, "{name}: {own} bytes with the layer's table, {fixed} with the fixed one");
        if !with_photo {
            assert!(own * 100 < fixed * 95, "{name}: {own} bytes with the layer's table, {fixed} with the fixed one");
        }
    }
}

/// Matches in the layer's pieces (issue 19, the sixth pass) make every
/// sample card no larger than literals and runs of zeros with the layer's
/// table (what cards were before), with the same pixels, decoded by the
/// `png` crate, as the canvas.
#[test]
fn issue_19_matches_never_make_a_card_larger() {
    for (name, drawn, _) in drawn_samples() {
        let (matched, runs) = (drawn.png(), drawn.png_with_runs_only());
        let canvas = drawn.image();
        for png in [&matched, &runs] {
            assert_eq!(super::tests::decode_with_png_crate(png), canvas.as_raw().as_slice(), "{name}: the canvas");
        }
        let (matched, runs) = (matched.len(), runs.len());
        assert!(matched <= runs, "{name}: {matched} bytes with matches, {runs} with runs only");
    }
}

/// The sample cards' sizes with matches and with runs only:
/// `cargo test --release --lib cards::samples::sizes -- --ignored --nocapture`
#[test]
#[ignore = "a probe, not a test"]
#[allow(clippy::print_stderr, reason = "a probe prints its figures")]
fn sizes() {
    let mut sums = [(0, 0); 2];
    for (name, drawn, with_photo) in drawn_samples() {
        let (m, r) = (drawn.png().len(), drawn.png_with_runs_only().len());
        eprintln!("{name:30} {m:7} {r:7} {:+.1}%", (m as f64 / r as f64 - 1.0) * 100.0);
        let sum = &mut sums[usize::from(with_photo)];
        *sum = (sum.0 + m, sum.1 + r);
    }
    for ((m, r), what) in sums.iter().zip(["without a photo", "with a photo"]) {
        eprintln!(
            "{what}: {m} bytes with matches, {r} with runs only ({:+.1}%)",
            (*m as f64 / *r as f64 - 1.0) * 100.0
        );
    }
}
