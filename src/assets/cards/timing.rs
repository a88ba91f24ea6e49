use super::draw::{card_png, draw};
use super::spec::{CardSpec, Layout};
use super::text::{layout_text, Fonts};

/// `cargo test --release --lib cards::timing -- --ignored --nocapture`
#[test]
#[ignore = "a timing probe, not a test"]
fn parts() {
    let fonts = Fonts::embedded();
    let s = CardSpec {
        subtitle: "7 March 2026 · by Rosa Delgado".into(),
        ..super::samples::base(Layout::Post, "How to fold a wool cover for the small-batch market stall")
    };
    let n = 1000;
    // The first card makes the layer and the glyphs; the rest reuse them.
    let titles: Vec<String> = (0..n).map(|i| format!("{} number {i}", s.title)).collect();
    let card = |i: usize| CardSpec { title: titles[i].clone(), ..s.clone() };
    let t = std::time::Instant::now();
    std::hint::black_box(super::png::Layer::new(draw(&card(0), fonts, None, None).into_raw()));
    eprintln!("a layer (drawn, filtered, matched, coded) {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    std::hint::black_box(card_png(&card(0), fonts, None, None));
    let t = std::time::Instant::now();
    for i in 0..n {
        std::hint::black_box(layout_text(&card(i), fonts));
    }
    eprintln!("layout {:.3} ms", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
    let t = std::time::Instant::now();
    for i in 0..n {
        std::hint::black_box(draw(&card(i), fonts, None, None));
    }
    eprintln!("draw {:.3} ms", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
    let t = std::time::Instant::now();
    let mut len = 0;
    for i in 0..n {
        len = card_png(&card(i), fonts, None, None).len();
    }
    eprintln!("draw and encode {:.3} ms ({len} bytes)", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
    // What cards were encoded with before (the `png` crate's fast setting).
    let img = draw(&card(0), fonts, None, None);
    let t = std::time::Instant::now();
    for _ in 0..20 {
        len = before(&img).len();
    }
    eprintln!("image crate, fast: {:.3} ms ({len} bytes)", t.elapsed().as_secs_f64() * 1000.0 / 20.0);
}

fn before(img: &image::RgbImage) -> Vec<u8> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Up,
    )
    .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::Rgb8)
    .expect("encode");
    out
}

/// Distinct colours of photo-less cards (an indexed-colour PNG holds 256):
/// `cargo test --release --lib cards::timing::colours -- --ignored --nocapture`
#[test]
#[ignore = "a probe, not a test"]
fn colours() {
    let fonts = Fonts::embedded();
    for layout in [Layout::Post, Layout::Page, Layout::Home, Layout::Video, Layout::Reviews, Layout::Staff] {
        let s = CardSpec {
            subtitle: "7 March 2026 · by Rosa Delgado".into(),
            rating: Some(4.3),
            ..super::samples::base(layout, "How to fold a wool cover for the small-batch market stall")
        };
        let img = draw(&s, fonts, None, None);
        let mut set = std::collections::HashSet::new();
        for p in img.pixels() {
            set.insert(p.0);
        }
        eprintln!("{layout:?}: {} colours", set.len());
    }
}
