use super::draw::{draw, encode_png, Canvas, Palette};
use super::spec::{CardSpec, Layout};
use super::text::{layout_text, Fonts};

/// `cargo test --release --lib cards::timing -- --ignored --nocapture`
#[test]
#[ignore = "a timing probe, not a test"]
fn parts() {
    let fonts = Fonts::embedded();
    let s = CardSpec {
        layout: Layout::Post,
        title: "How to fold a wool cover for the small-batch market stall".into(),
        subtitle: "7 March 2026 · by Rosa Delgado".into(),
        site_name: "Harbor Street Cycles".into(),
        footer: "harborstreetcycles.example".into(),
        brand: (0x1f, 0x5f, 0x6b),
        accent: (0xe8, 0xa3, 0x3d),
        logo: None,
        photo: None,
        rating: None,
    };
    let n = 50;
    let t = std::time::Instant::now();
    for _ in 0..n {
        let pal = Palette::new(s.brand, s.accent);
        std::hint::black_box(Canvas::gradient(pal.bg0, pal.bg1));
    }
    eprintln!("gradient {:.2} ms", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
    let pal = Palette::new(s.brand, s.accent);
    let t = std::time::Instant::now();
    for _ in 0..n {
        let mut cv = Canvas::gradient(pal.bg0, pal.bg1);
        cv.circle(1130.0, 620.0, 310.0, pal.deco);
        cv.circle(1130.0, 620.0, 200.0, pal.deco);
        std::hint::black_box(cv);
    }
    eprintln!("gradient+circles {:.2} ms", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(layout_text(&s, fonts));
    }
    eprintln!("layout {:.2} ms", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
    let t = std::time::Instant::now();
    let mut img = None;
    for _ in 0..n {
        img = Some(draw(&s, fonts, None, None));
    }
    eprintln!("draw {:.2} ms", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
    let img = img.unwrap();
    let t = std::time::Instant::now();
    let mut len = 0;
    for _ in 0..n {
        len = encode_png(&img).unwrap().len();
    }
    eprintln!("png {:.2} ms ({len} bytes)", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
}
