use super::draw::{card_png, cover, draw, min_contrast, Palette};
use super::execute::{execute, CardOptions};
use super::spec::{card_name, CardPhoto, CardSpec, Colour, Layout, PlannedCard, HEIGHT, WIDTH};
use super::text::{layout_text, line_height, Fonts, TITLE_SIZES};
use crate::assets::encode::Pixels;
use crate::colour::contrast;
use crate::diag::Diagnostics;
use crate::output::Contents;
use image::RgbImage;
use std::collections::BTreeMap;

const TEAL: Colour = (0x1f, 0x5f, 0x6b);
const AMBER: Colour = (0xe8, 0xa3, 0x3d);

fn spec(layout: Layout, title: &str) -> CardSpec {
    CardSpec {
        layout,
        title: title.into(),
        subtitle: "12 May 2026 · by Ana".into(),
        site_name: "Harbor Street Cycles".into(),
        footer: "harborstreetcycles.example".into(),
        brand: TEAL,
        accent: AMBER,
        logo: None,
        photo: None,
        rating: None,
    }
}

fn photo(w: u32, h: u32) -> Pixels {
    let mut data = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            data.extend_from_slice(&[(x * 255 / w) as u8, (y * 255 / h) as u8, 90]);
        }
    }
    Pixels { width: w, height: h, alpha: false, data }
}

/// How many pixels of a rectangle differ from the same card drawn without a title.
fn changed(a: &RgbImage, b: &RgbImage, (x0, y0, x1, y1): (u32, u32, u32, u32)) -> usize {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| a.get_pixel(x, y) != b.get_pixel(x, y))
        .count()
}

#[test]
fn a_card_is_a_1200x630_png() {
    let s = spec(Layout::Post, "How we true a wheel");
    let img = draw(&s, Fonts::embedded(), None, None);
    assert_eq!(img.dimensions(), (1200, 630));
    let png = card_png(&s, Fonts::embedded(), None, None);
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let back = image::load_from_memory(&png).expect("decodes");
    assert_eq!((back.width(), back.height()), (1200, 630));
    assert_eq!(back.to_rgb8().as_raw(), img.as_raw(), "PNG is lossless");
}

#[test]
fn the_title_area_is_not_blank() {
    let fonts = Fonts::embedded();
    for layout in
        [Layout::Home, Layout::Post, Layout::Video, Layout::Moment, Layout::Reviews, Layout::Staff, Layout::Page]
    {
        let s = spec(layout, "Chain care in salty air");
        let with = draw(&s, fonts, None, None);
        let without = draw(&CardSpec { title: String::new(), ..s.clone() }, fonts, None, None);
        let t = layout_text(&s, fonts);
        let line_h = line_height(t.title.size) as u32;
        let area = (t.x0 as u32, t.title_top as u32, t.x1 as u32, t.title_top as u32 + line_h);
        let n = changed(&with, &without, area);
        assert!(n > 2000, "{layout:?}: only {n} pixels of the title line differ from the background");
    }
}

#[test]
fn long_titles_wrap_within_the_card_and_end_in_an_ellipsis() {
    let fonts = Fonts::embedded();
    let long = "The complete and unabridged guide to keeping your chain, cassette, chainrings and derailleur pulleys clean through a wet winter on the Oregon coast, with notes";
    for (layout, photo) in [
        (Layout::Post, false),
        (Layout::Post, true),
        (Layout::Staff, false),
        (Layout::Moment, true),
        (Layout::Reviews, false),
    ] {
        let mut s = spec(layout, long);
        if photo {
            s.photo = Some(CardPhoto {
                source: "p.jpg".into(),
                abs: "p.jpg".into(),
                source_hash: "0".into(),
                has_alpha: false,
                variant: None,
                source_size: (2000, 1500),
                limits: Default::default(),
            });
        }
        let t = layout_text(&s, fonts);
        assert!(t.title.lines.len() <= 3, "{layout:?}: {:?}", t.title.lines);
        assert_eq!(
            t.title.size,
            *TITLE_SIZES.last().unwrap(),
            "{layout:?}: shrinks to the smallest size before cutting"
        );
        assert!(t.title.lines.last().unwrap().ends_with('…'), "{layout:?}: {:?}", t.title.lines);
        for w in &t.title_widths {
            assert!(*w <= t.x1 - t.x0 + 0.01, "{layout:?}: a line of {w} px overflows {}", t.x1 - t.x0);
        }
        assert!(t.x1 <= WIDTH as f32 && t.x0 >= 0.0);
        // The whole block stays above the footer.
        let lines = t.title.lines.len() as f32;
        assert!(t.title_top + line_height(t.title.size) * lines < HEIGHT as f32 - 90.0, "{layout:?}");
    }
    // A word longer than a line is broken, not left to overflow.
    let s = spec(Layout::Post, "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft");
    let t = layout_text(&s, fonts);
    assert!(t.title_widths.iter().all(|w| *w <= t.x1 - t.x0 + 0.01), "{:?}", t.title_widths);
}

#[test]
fn titles_shrink_before_they_need_a_fourth_line() {
    let fonts = Fonts::embedded();
    let short = layout_text(&spec(Layout::Post, "Open day"), fonts);
    assert_eq!((short.title.size, short.title.lines.len()), (TITLE_SIZES[0], 1));
    let medium = "Rain gear that works on the coast, tested by the whole team over a wet winter";
    let t = layout_text(&spec(Layout::Post, medium), fonts);
    assert!(t.title.size < TITLE_SIZES[0] && t.title.lines.len() <= 3, "{t:?}");
    assert!(!t.title.lines.last().unwrap().ends_with('…'), "it fits without cutting: {t:?}");
    assert_eq!(t.title.lines.join(" "), medium);
}

#[test]
fn greek_and_cyrillic_titles_render() {
    let fonts = Fonts::embedded();
    for title in ["Καλημέρα από το εργαστήριο", "Привет из мастерской", "Crème brûlée à Zürich, Łódź"]
    {
        assert!(fonts.missing(title).is_empty(), "{title}: {:?}", fonts.missing(title));
        let s = spec(Layout::Post, title);
        let t = layout_text(&s, fonts);
        let with = draw(&s, fonts, None, None);
        let without = draw(&CardSpec { title: String::new(), ..s.clone() }, fonts, None, None);
        let area = (t.x0 as u32, t.title_top as u32, t.x1 as u32, (t.title_top + line_height(t.title.size)) as u32);
        assert!(changed(&with, &without, area) > 2000, "{title}");
    }
}

#[test]
fn characters_the_fonts_lack_are_named_and_left_out() {
    let fonts = Fonts::embedded();
    assert_eq!(fonts.missing("Bike day 🚲 — 自転車 ok"), vec!['自', '車', '転', '🚲']);
    assert!(fonts.missing("Tea & thread: “quotes” – ★ ▶ …").is_empty());
    // Right-to-left letters cannot be set, though the font has some of them.
    assert_eq!(fonts.missing("Shalom שלום"), vec!['ו', 'ל', 'ם', 'ש']);
    // Left out, not drawn as a box: the same width as without it.
    let face = fonts.face(true);
    assert_eq!(face.width("Bike 🚲day", 60.0), face.width("Bike day", 60.0));
}

#[test]
fn kerning_is_applied() {
    let face = Fonts::embedded().face(true);
    let (a, v) = (face.width("A", 100.0), face.width("V", 100.0));
    assert!(face.width("AV", 100.0) < a + v - 1.0, "AV is kerned tighter than A + V");
}

#[test]
fn text_meets_wcag_aa_on_every_background() {
    let colours: [Colour; 9] = [
        TEAL,
        AMBER,
        (0x5b, 0x3a, 0x6b),
        (0xe9, 0xc4, 0x6a),
        (0x77, 0x77, 0x77),
        (255, 255, 0),
        (0, 0, 0),
        (255, 255, 255),
        (0xd6, 0x28, 0x28),
    ];
    for brand in colours {
        for accent in colours {
            let p = Palette::new(brand, accent);
            let bgs = Palette::backgrounds(p.bg0, p.bg1, p.deco);
            assert!(min_contrast(p.text, &bgs) >= 4.5, "{brand:?}/{accent:?}: text {:?}", p.text);
            assert!(min_contrast(p.muted, &bgs) >= 4.5, "{brand:?}/{accent:?}: muted {:?}", p.muted);
            assert!(contrast(p.on_mark, p.mark) >= 4.5, "{brand:?}/{accent:?}: initials");
        }
    }
    // A brand and accent that allow it get a visible gradient.
    let p = Palette::new(TEAL, AMBER);
    assert_ne!(p.bg0, p.bg1);
}

#[test]
fn photos_fill_their_part_without_distortion() {
    // A wide photo into a tall part: cropped at the sides, not squeezed.
    let src = photo(400, 100);
    let out = cover(&src, 100, 200).expect("cover");
    assert_eq!((out.width, out.height), (100, 200));
    // The centre column of the source (x = 200, red ≈ 127) lands in the middle.
    let mid = ((100 * 100 + 50) * 3) as usize;
    assert!((i32::from(out.data[mid]) - 127).abs() <= 3, "{}", out.data[mid]);
    let s = CardSpec {
        photo: Some(CardPhoto {
            source: "p.jpg".into(),
            abs: "p.jpg".into(),
            source_hash: "0".into(),
            has_alpha: false,
            variant: None,
            source_size: (2000, 1500),
            limits: Default::default(),
        }),
        ..spec(Layout::Post, "With a cover")
    };
    let img = draw(&s, Fonts::embedded(), Some(&photo(1600, 1067)), None);
    // The photo's part shows the photo (its blue channel is 90 everywhere).
    assert_eq!(img.get_pixel(1000, 20).0[2], 90);
}

#[test]
fn the_name_covers_every_drawn_input_and_cards_are_deterministic() {
    let fonts = Fonts::embedded();
    let base = spec(Layout::Post, "Title");
    let name = card_name(&base, fonts);
    assert!(
        name.starts_with("media/card-") && name.ends_with(".png") && name.len() == "media/card-0123456789.png".len(),
        "{name}"
    );
    let p = CardPhoto {
        source: "p.jpg".into(),
        abs: "p.jpg".into(),
        source_hash: "abc".into(),
        has_alpha: false,
        variant: None,
        source_size: (2000, 1500),
        limits: Default::default(),
    };
    let others = [
        CardSpec { layout: Layout::Page, ..base.clone() },
        CardSpec { title: "Title!".into(), ..base.clone() },
        CardSpec { subtitle: "x".into(), ..base.clone() },
        CardSpec { site_name: "x".into(), ..base.clone() },
        CardSpec { footer: "x".into(), ..base.clone() },
        CardSpec { brand: (0, 0, 0), ..base.clone() },
        CardSpec { accent: (0, 0, 0), ..base.clone() },
        CardSpec { logo: Some(p.clone()), ..base.clone() },
        CardSpec { photo: Some(p.clone()), ..base.clone() },
        CardSpec { photo: Some(CardPhoto { source_hash: "abd".into(), ..p.clone() }), ..base.clone() },
        CardSpec { layout: Layout::Reviews, rating: Some(4.5), ..base.clone() },
    ];
    for o in &others {
        assert_ne!(card_name(o, fonts), name, "{o:?}");
    }
    // The photo's path on disk is not part of it (the same site elsewhere names cards alike).
    let moved = CardSpec { photo: Some(CardPhoto { abs: "/elsewhere/p.jpg".into(), ..p.clone() }), ..base.clone() };
    assert_eq!(card_name(&moved, fonts), card_name(&CardSpec { photo: Some(p), ..base.clone() }, fonts));
    let a = card_png(&base, fonts, None, None);
    let b = card_png(&base, fonts, None, None);
    assert_eq!(a, b);
}

#[test]
fn issue_19_cards_that_look_alike_share_a_name_and_are_drawn_once() {
    let fonts = Fonts::embedded();
    let base = spec(Layout::Post, "Title");
    let long = "word ".repeat(100);
    let alike = [
        // A rating is drawn on a reviews card only.
        (CardSpec { rating: Some(4.5), ..base.clone() }, base.clone()),
        // Titles are drawn trimmed, and cut after `MAX_CARD_CHARS` characters.
        (CardSpec { title: "  Title \n".into(), ..base.clone() }, base.clone()),
        (
            CardSpec { title: format!("{long}one"), ..base.clone() },
            CardSpec { title: format!("{long}two"), ..base.clone() },
        ),
        (CardSpec { subtitle: format!(" {} ", base.subtitle), ..base.clone() }, base.clone()),
    ];
    for (a, b) in &alike {
        assert_eq!(card_png(a, fonts, None, None), card_png(b, fonts, None, None), "{a:?}");
        assert_eq!(card_name(a, fonts), card_name(b, fonts), "{a:?}");
    }
    let reviews = CardSpec { layout: Layout::Reviews, rating: Some(4.5), ..base.clone() };
    assert_ne!(card_name(&reviews, fonts), card_name(&CardSpec { rating: Some(4.0), ..reviews.clone() }, fonts));
    // One build draws each name once.
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut cards = BTreeMap::new();
    for (a, b) in &alike {
        for s in [a, b] {
            let c = PlannedCard::drawn(s.clone(), fonts);
            cards.insert(c.output.clone(), c);
        }
    }
    assert_eq!(cards.len(), 2, "the plain card and the long title's");
    let opts = CardOptions { cache_dir: tmp.path(), on_card_done: &|| {} };
    let run = execute(&cards, &opts, &mut Diagnostics::new()).expect("execute");
    assert_eq!((run.stats.cards, run.stats.drawn), (2, 2));
}

#[test]
fn execute_draws_missing_cards_once_and_then_uses_the_cache() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fonts = Fonts::embedded();
    let mut cards = BTreeMap::new();
    for title in ["One", "Two"] {
        let c = PlannedCard::drawn(spec(Layout::Post, title), fonts);
        cards.insert(c.output.clone(), c);
    }
    let opts = CardOptions { cache_dir: tmp.path(), on_card_done: &|| {} };
    let mut diags = Diagnostics::new();
    let first = execute(&cards, &opts, &mut diags).expect("execute");
    assert_eq!((first.stats.cards, first.stats.drawn, first.stats.from_cache), (2, 2, 0));
    let second = execute(&cards, &opts, &mut diags).expect("execute");
    assert_eq!((second.stats.cards, second.stats.drawn, second.stats.from_cache), (2, 0, 2));
    assert!(diags.is_empty());
    let paths: Vec<&str> = second.files.iter().map(|f| f.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted);
    for f in &second.files {
        let Contents::Copy(p) = &f.contents else { panic!("cards are copied from the cache") };
        assert!(p.is_file());
    }
}

#[test]
fn issue_12_a_title_of_any_length_costs_the_same_to_lay_out() {
    use super::text::{shaped_chars, MAX_CARD_CHARS};
    let fonts = Fonts::embedded();
    let lay_out = |title: &str| {
        let before = shaped_chars();
        let layout = layout_text(&spec(Layout::Post, title), fonts);
        (shaped_chars() - before, layout)
    };
    // 10 KB and 1 MB of words: the same characters are shaped, the same lines come out.
    let (small_cost, small) = lay_out(&"Tea cup ".repeat(10 * 128));
    let (large_cost, large) = lay_out(&"Tea cup ".repeat(1024 * 128));
    assert_eq!(small_cost, large_cost);
    assert_eq!(small, large);
    assert_eq!(small.title.lines.len(), 3);
    assert!(small.title.lines[2].ends_with('…'), "{:?}", small.title.lines);
    // One word of a megabyte is broken between characters, also at a bounded cost.
    let (word_cost, word) = lay_out(&"x".repeat(1 << 20));
    assert_eq!(word.title.lines.len(), 3);
    assert!(word_cost < 200 * MAX_CARD_CHARS as u64, "{word_cost}");
}

#[test]
fn a_subtitle_too_long_keeps_its_author_and_leaves_out_the_date() {
    // Issue 17 item 4: "How-to video (3:33) · 3 November 2026 ·…" lost the author.
    let fonts = Fonts::embedded();
    let long = "How-to video (3:33) · 3 November 2026 · by Ana Lima";
    let short = "How-to video (3:33) · by Ana Lima";
    let cover = photo(960, 640);
    for layout in [Layout::Video, Layout::Post] {
        let mut s = CardSpec { subtitle: long.into(), ..spec(layout, "Truing a wheel at home") };
        s.photo = Some(photo_ref());
        let text = layout_text(&s, fonts);
        assert_eq!(text.subtitle.lines, vec![short.to_string()], "{layout:?}");
        // The card shows exactly the card with the short line: decoded, pixel for pixel.
        let px = Some(&cover);
        let png = card_png(&s, fonts, px, None);
        let decoded = image::load_from_memory(&png).expect("decodes").to_rgb8();
        let expected = draw(&CardSpec { subtitle: short.into(), ..s.clone() }, fonts, px, None);
        assert!(decoded.as_raw() == expected.as_raw(), "{layout:?}: the card shows {short:?}");
    }
    // An author too long for the line even alone is cut, from its end.
    let mut s = CardSpec {
        subtitle: "3 November 2026 · by Ana Maria Fernanda Lima de Albuquerque e Vasconcelos Rodrigues".into(),
        ..spec(Layout::Post, "Truing a wheel at home")
    };
    s.photo = Some(photo_ref());
    let text = layout_text(&s, fonts);
    assert_eq!(text.subtitle.lines.len(), 1);
    assert!(text.subtitle.lines[0].starts_with("by Ana Maria") && text.subtitle.lines[0].ends_with('…'));
    // What fits is left as it was, the date included.
    for layout in [Layout::Video, Layout::Post] {
        let text = layout_text(&CardSpec { photo: Some(photo_ref()), ..spec(layout, "Truing a wheel") }, fonts);
        assert_eq!(text.subtitle.lines, vec!["12 May 2026 · by Ana".to_string()]);
        assert_eq!(text.subtitle.size, 32.0);
    }
    // Without a photo the column is wide enough for the whole line.
    let text = layout_text(&CardSpec { subtitle: long.into(), ..spec(Layout::Video, "Truing a wheel") }, fonts);
    assert_eq!(text.subtitle.lines, vec![long.to_string()]);
}

fn photo_ref() -> CardPhoto {
    CardPhoto {
        source: "p.jpg".into(),
        abs: "p.jpg".into(),
        source_hash: "0".into(),
        has_alpha: false,
        variant: None,
        source_size: (960, 640),
        limits: Default::default(),
    }
}

#[test]
fn blending_a_run_of_pixels_is_blending_each() {
    // Every coverage over every channel value, in runs longer and shorter than a block.
    for c in [(0, 0, 0), (255, 255, 255), (17, 200, 93)] {
        for len in [1, 15, 16, 17, 256, 300] {
            let cover: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            let mut run: Vec<u8> = (0..3 * len).map(|i| (i * 101 % 256) as u8).collect();
            let mut each = run.clone();
            let cover3: Vec<u8> = cover.iter().flat_map(|&a| [a; 3]).collect();
            super::draw::blend_run(&mut run, &cover3, &super::draw::pattern(c));
            for (px, &a) in each.chunks_exact_mut(3).zip(&cover) {
                super::draw::blend_px(px, c, u32::from(a));
            }
            assert_eq!(run, each, "colour {c:?}, {len} pixels");
        }
    }
    for d in 0..=255u16 {
        for a in 0..=255u16 {
            for v in [0u16, 1, 128, 254, 255] {
                let x = d * (255 - a) + v * a + 127;
                assert_eq!(u16::from(super::draw::div255(x)), x / 255);
            }
        }
    }
}

/// A PNG file's RGB pixels decoded by the `png` crate, which checks the
/// zlib stream's checksum and every chunk's CRC.
pub(super) fn decode_with_png_crate(file: &[u8]) -> Vec<u8> {
    let mut decoder = ::png::Decoder::new(std::io::Cursor::new(file));
    decoder.ignore_checksums(false);
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut out = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut out).expect("the pixels decode");
    assert_eq!((info.width, info.height, info.color_type), (WIDTH, HEIGHT, ::png::ColorType::Rgb));
    out.truncate(info.buffer_size());
    out
}

/// Cards whose drawn rows leave the layer's rows above and below them
/// (titles of one to four lines, photos, stars, every layout) decode, with
/// the `png` crate and with fdeflate, to the canvas they were drawn on:
/// the layer's rows that copy from the rows above them (issue 19) are used
/// only where those rows are the layer's.
#[test]
fn issue_19_cards_decode_to_their_canvas() {
    let fonts = Fonts::embedded();
    let photo = photo(900, 700);
    let titles = ["Hi", "How we true a wheel", &"A long title that wraps over lines ".repeat(4)];
    for layout in
        [Layout::Home, Layout::Post, Layout::Video, Layout::Moment, Layout::Reviews, Layout::Staff, Layout::Page]
    {
        for (i, title) in titles.iter().enumerate() {
            let mut s = spec(layout, title);
            if i == 1 {
                s.photo = Some(photo_ref());
                s.rating = Some(4.5);
            }
            let drawn = super::draw::paint_for_test(&s, fonts, (i == 1).then_some(&photo), None);
            let png = drawn.png();
            let canvas = drawn.image();
            assert_eq!(decode_with_png_crate(&png), canvas.as_raw().as_slice(), "{layout:?} {title}");
            let len = u32::from_be_bytes(png[33..37].try_into().expect("4 bytes")) as usize;
            let stream = fdeflate::decompress_to_vec(&png[41..41 + len]).expect("a valid zlib stream");
            assert_eq!(stream.len(), (1 + 3 * WIDTH as usize) * HEIGHT as usize);
        }
    }
}
