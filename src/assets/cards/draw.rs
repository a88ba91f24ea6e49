//! Drawing a card (pure): the palette (text colours that meet WCAG AA on
//! every background), an opaque RGB canvas with anti-aliased shapes, text
//! and blended pixels, photos cropped to fill their part, and `draw`, which
//! puts a card's parts together over its layer (`shared.rs`); `card_png`
//! turns the card into a file (`png.rs`).

use super::png::{self, Dirt, Layer};
use super::shared::{self, glyph, LayerKey};
use super::spec::{CardPhoto, CardSpec, Colour, Layout, HEIGHT, MARK_H, MARK_Y, STAFF_CX, STAFF_CY, STAFF_R, WIDTH};
use super::text::{
    ellipsize, layout_text, line_height, Face, Fonts, TextLayout, FOOTER_SIZE, RATING_SIZE, RULE_GAP, RULE_H,
};
use crate::assets::encode::Pixels;
use crate::colour::contrast;
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use std::cell::RefCell;
use std::sync::Arc;

/// The colours of a card, chosen so that text meets WCAG AA on every
/// background colour it may sit on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Palette {
    /// Gradient from `bg0` (top left) to `bg1` (bottom right).
    pub(super) bg0: Colour,
    pub(super) bg1: Colour,
    /// The soft circles behind text-only cards.
    pub(super) deco: Colour,
    pub(super) text: Colour,
    /// Subtitles and the footer.
    pub(super) muted: Colour,
    /// The rule under the title, stars, the play badge: the accent where it
    /// stands out (3:1, as WCAG asks of graphics), else the text colour.
    pub(super) mark: Colour,
    /// Text on `mark` (the monogram's initials).
    pub(super) on_mark: Colour,
}

fn mix(a: Colour, b: Colour, t: f32) -> Colour {
    let m = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round().clamp(0.0, 255.0) as u8;
    (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

const WHITE: Colour = (255, 255, 255);
const INK: Colour = (17, 17, 17);
const BLACK: Colour = (0, 0, 0);

pub(super) fn min_contrast(fg: Colour, bgs: &[Colour]) -> f64 {
    bgs.iter().map(|b| contrast(fg, *b)).fold(f64::INFINITY, f64::min)
}

impl Palette {
    pub(super) fn new(brand: Colour, accent: Colour) -> Palette {
        // The gradient runs from the brand colour to a deeper shade of it
        // (away from the text colour, so contrast only grows) warmed by the
        // accent. Mixing brand and accent half and half muddies both (teal
        // and amber make olive), so the accent tints it, and softer tints
        // are tried until every background passes with some text colour.
        let first = if contrast(WHITE, brand) >= contrast(INK, brand) { WHITE } else { INK };
        let away = if first == WHITE { BLACK } else { WHITE };
        for t in [0.2, 0.14, 0.08, 0.0] {
            let bg1 = mix(mix(brand, away, 0.3), accent, t);
            let deco = |text: Colour| mix(mix(brand, bg1, 0.6), text, 0.09);
            let Some(text) = [first, WHITE, INK, BLACK]
                .into_iter()
                .find(|&c| min_contrast(c, &Self::backgrounds(brand, bg1, deco(c))) >= 4.5)
            else {
                continue;
            };
            return Self::finish(brand, bg1, deco(text), accent, text);
        }
        // No gradient keeps 4.5:1: a flat brand (its circles too) with the
        // better of black and white, which always reaches 4.58:1.
        let text = if contrast(WHITE, brand) >= contrast(BLACK, brand) { WHITE } else { BLACK };
        Self::finish(brand, brand, brand, accent, text)
    }

    /// Samples of every colour text can sit on.
    pub(super) fn backgrounds(bg0: Colour, bg1: Colour, deco: Colour) -> Vec<Colour> {
        let mut v: Vec<Colour> = (0..=8).map(|i| mix(bg0, bg1, i as f32 / 8.0)).collect();
        v.push(deco);
        v.push(mix(deco, bg1, 0.5));
        v
    }

    fn finish(bg0: Colour, bg1: Colour, deco: Colour, accent: Colour, text: Colour) -> Palette {
        let bgs = Self::backgrounds(bg0, bg1, deco);
        let muted = [0.22, 0.15, 0.08]
            .into_iter()
            .map(|t| mix(text, mix(bg0, bg1, 0.5), t))
            .find(|m| min_contrast(*m, &bgs) >= 4.5)
            .unwrap_or(text);
        // Marks sit on the gradient, never on the circles.
        let mark = if min_contrast(accent, &bgs[..9]) >= 3.0 { accent } else { text };
        // White or near-black on the mark; pure black where near-black falls short.
        let on_mark = if contrast(WHITE, mark) >= contrast(INK, mark) { WHITE } else { INK };
        let on_mark = if contrast(on_mark, mark) >= 4.5 {
            on_mark
        } else if contrast(WHITE, mark) >= contrast(BLACK, mark) {
            WHITE
        } else {
            BLACK
        };
        Palette { bg0, bg1, deco, text, muted, mark, on_mark }
    }
}

/// Blends `c` over one RGB pixel with `a` in 0..=255 (rounded).
#[inline]
pub(super) fn blend_px(px: &mut [u8], c: Colour, a: u32) {
    if a == 0 {
        return;
    }
    if a >= 255 {
        px.copy_from_slice(&[c.0, c.1, c.2]);
        return;
    }
    for (d, v) in px.iter_mut().zip([c.0, c.1, c.2]) {
        *d = ((u32::from(*d) * (255 - a) + u32::from(v) * a + 127) / 255) as u8;
    }
}

/// `x / 255` rounded down, for `x` up to 65,152 (255 x 255 + 127), without a division.
#[inline]
pub(super) fn div255(x: u16) -> u8 {
    ((x + 1 + (x >> 8)) >> 8) as u8
}

/// Bytes blended at once: 16 RGB pixels.
const B: usize = 48;

/// A colour repeated over `B` bytes, as `blend_run` takes it.
pub(super) type Pattern = [u16; B];

pub(super) fn pattern(c: Colour) -> Pattern {
    std::array::from_fn(|i| u16::from([c.0, c.1, c.2][i % 3]))
}

/// Blends a colour (its `pattern`) over a run of RGB pixels, each channel by its coverage in
/// `cover3` (0..=255, three per pixel): exactly `blend_px` for each pixel,
/// computed without a branch in blocks of 16 pixels, which the compiler
/// turns into SIMD lanes (issue 19: blending glyphs was a tenth of a card).
pub(super) fn blend_run(px: &mut [u8], cover3: &[u8], colour: &Pattern) {
    let mut pixels = px.chunks_exact_mut(B);
    let mut covers = cover3.chunks_exact(B);
    for (p, a) in (&mut pixels).zip(&mut covers) {
        let (p, a): (&mut [u8; B], &[u8; B]) =
            (p.try_into().unwrap_or_else(|_| unreachable!()), a.try_into().unwrap_or_else(|_| unreachable!()));
        for i in 0..B {
            let a = u16::from(a[i]);
            p[i] = div255(u16::from(p[i]) * (255 - a) + colour[i] * a + 127);
        }
    }
    for ((d, &a), &v) in pixels.into_remainder().iter_mut().zip(covers.remainder()).zip(colour) {
        let a = u16::from(a);
        *d = div255(u16::from(*d) * (255 - a) + v * a + 127);
    }
}

thread_local! {
    /// The row buffers of the canvases dropped on this thread, emptied, for
    /// the next card's (a card copies a few hundred rows of its layer to
    /// draw on; allocating each anew was 8% of a cold build, issue 19).
    static SPARE_ROWS: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

impl Drop for Canvas {
    fn drop(&mut self) {
        SPARE_ROWS.with(|s| {
            let mut spare = s.borrow_mut();
            for mut row in self.rows.drain(..).filter(|r| r.capacity() > 0) {
                if spare.len() >= HEIGHT as usize {
                    break;
                }
                row.clear();
                spare.push(row);
            }
        });
    }
}

/// An opaque RGB picture being drawn, and which pixels of each row were
/// drawn since it was made (so that only those are compressed anew).
/// Rows are copied from the layer the first time they are drawn on: most
/// of a card is its layer, untouched.
pub(super) struct Canvas {
    /// What the canvas was made from (the rows not drawn on), if a layer.
    base: Option<Arc<Layer>>,
    /// Each row's pixels, or empty while it is the layer's.
    rows: Vec<Vec<u8>>,
    dirt: Vec<Dirt>,
}

impl Canvas {
    pub(super) fn gradient(c0: Colour, c1: Colour) -> Canvas {
        // Diagonal: t runs from 0 at the top left to 1 at the bottom right.
        let lut: Vec<Colour> = (0..=255).map(|i| mix(c0, c1, i as f32 / 255.0)).collect();
        let (w, h) = (WIDTH as usize, HEIGHT as usize);
        let mut rows = vec![vec![0u8; w * 3]; h];
        for (y, row) in rows.iter_mut().enumerate() {
            let ty = y as f32 / h as f32 * 0.4;
            for (x, px) in row.chunks_exact_mut(3).enumerate() {
                let t = ty + x as f32 / w as f32 * 0.6;
                let c = lut[(t * 255.0) as usize];
                px.copy_from_slice(&[c.0, c.1, c.2]);
            }
        }
        Canvas { base: None, rows, dirt: vec![0; h] }
    }

    /// A canvas showing `layer`.
    fn over(layer: &Arc<Layer>) -> Canvas {
        Canvas {
            base: Some(Arc::clone(layer)),
            rows: vec![Vec::new(); HEIGHT as usize],
            dirt: vec![0; HEIGHT as usize],
        }
    }

    /// Row `y`'s pixels.
    pub(super) fn row(&self, y: usize) -> &[u8] {
        match &self.base {
            Some(layer) if self.rows[y].is_empty() => layer.row(y),
            _ => &self.rows[y],
        }
    }

    /// Row `y`'s pixels, to draw on.
    fn row_mut(&mut self, y: usize) -> &mut [u8] {
        if self.rows[y].is_empty() {
            if let Some(layer) = &self.base {
                let mut row = SPARE_ROWS.with(|s| s.borrow_mut().pop()).unwrap_or_default();
                row.extend_from_slice(layer.row(y));
                self.rows[y] = row;
            }
        }
        &mut self.rows[y]
    }

    /// All the pixels, row after row.
    fn into_pixels(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(3 * (WIDTH * HEIGHT) as usize);
        for y in 0..HEIGHT as usize {
            out.extend_from_slice(self.row(y));
        }
        out
    }

    #[inline]
    fn blend(&mut self, x: i64, y: i64, c: Colour, a: f32) {
        if a <= 0.0 {
            return;
        }
        // Integer blending: a in 0..=255, rounded.
        self.blend_u8(x, y, c, (a.min(1.0) * 255.0 + 0.5) as u32);
    }

    /// Blends `c` over the pixel with `a` in 0..=255.
    #[inline]
    fn blend_u8(&mut self, x: i64, y: i64, c: Colour, a: u32) {
        if x < 0 || y < 0 || x >= i64::from(WIDTH) || y >= i64::from(HEIGHT) || a == 0 {
            return;
        }
        self.dirt[y as usize] |= png::dirt(x as usize, x as usize + 1);
        let i = x as usize * 3;
        blend_px(&mut self.row_mut(y as usize)[i..i + 3], c, a);
    }

    fn rect(&mut self, x: u32, y: u32, w: u32, h: u32, c: Colour) {
        for yy in y..(y + h).min(HEIGHT) {
            for xx in x..(x + w).min(WIDTH) {
                self.blend(i64::from(xx), i64::from(yy), c, 1.0);
            }
        }
    }

    /// A filled, anti-aliased circle.
    pub(super) fn circle(&mut self, cx: f32, cy: f32, r: f32, c: Colour) {
        let (x0, x1) = ((cx - r - 1.0).floor() as i64, (cx + r + 1.0).ceil() as i64);
        let (y0, y1) = ((cy - r - 1.0).floor() as i64, (cy + r + 1.0).ceil() as i64);
        for y in y0.max(0)..y1.min(i64::from(HEIGHT)) {
            for x in x0.max(0)..x1.min(i64::from(WIDTH)) {
                let d = ((x as f32 + 0.5 - cx).powi(2) + (y as f32 + 0.5 - cy).powi(2)).sqrt();
                self.blend(x, y, c, (r - d + 0.5).clamp(0.0, 1.0));
            }
        }
    }

    /// Draws one line of text with its baseline at `y`; `clip` keeps only
    /// the part between two x positions (a partly filled star). Glyphs come
    /// from `glyphs`, rasterised once per position to a sixteenth of a pixel.
    #[allow(clippy::too_many_arguments, reason = "a private drawing primitive; a struct would only rename these")]
    fn text(&mut self, face: Face<'_>, size: f32, x: f32, y: f32, text: &str, c: Colour, clip: Option<(f32, f32)>) {
        let (glyphs, _) = face.shape(text, size);
        let colour = pattern(c);
        let (w, h) = (i64::from(WIDTH), i64::from(HEIGHT));
        for g in glyphs {
            let Some((gx, gy, sprite)) = glyph(face.font(g.main), g.id, size, x + g.x, y) else { continue };
            let (left, top) = (gx + sprite.left, gy + sprite.top);
            // The columns drawn: on the canvas and inside the clip (by pixel centres).
            let mut x0 = left.max(0);
            let mut x1 = (left + i64::from(sprite.width)).min(w);
            if let Some((l, r)) = clip {
                x0 = x0.max((l - 0.5).ceil() as i64);
                x1 = x1.min((r - 0.5).ceil() as i64);
            }
            if x0 >= x1 {
                continue;
            }
            for (row, line) in sprite.coverage.chunks_exact(sprite.width as usize).enumerate() {
                let py = top + row as i64;
                if py < 0 || py >= h {
                    continue;
                }
                let line = &line[(x0 - left) as usize..(x1 - left) as usize];
                let Some(first) = line.iter().position(|&c| c > 0) else { continue };
                let last = line.iter().rposition(|&c| c > 0).unwrap_or(first);
                let (from, to) = (x0 as usize + first, x0 as usize + last + 1);
                self.dirt[py as usize] |= png::dirt(from, to);
                let cover = (row * sprite.width as usize + (from as i64 - left) as usize) * 3;
                let cover = &sprite.coverage3[cover..cover + (to - from) * 3];
                blend_run(&mut self.row_mut(py as usize)[from * 3..to * 3], cover, &colour);
            }
        }
    }

    /// Copies `px` (already at its drawn size) to (x, y), blending by its
    /// alpha and by `mask(x, y)` (coverage of a shape, 1 inside).
    fn blit(&mut self, px: &Pixels, x: i64, y: i64, mask: impl Fn(u32, u32) -> f32) {
        let ch = if px.alpha { 4 } else { 3 };
        for yy in 0..px.height {
            for xx in 0..px.width {
                let m = mask(xx, yy);
                if m <= 0.0 {
                    continue;
                }
                let i = (yy as usize * px.width as usize + xx as usize) * ch;
                let a = if px.alpha { f32::from(px.data[i + 3]) / 255.0 } else { 1.0 };
                let c = (px.data[i], px.data[i + 1], px.data[i + 2]);
                self.blend(x + i64::from(xx), y + i64::from(yy), c, a * m);
            }
        }
    }
}

/// Resizes the centre part of `src` with the aspect ratio of `w` x `h` to
/// exactly that size: fills without distortion, cropping what sticks out.
pub(super) fn cover(src: &Pixels, w: u32, h: u32) -> Option<Pixels> {
    let (sw, sh) = (f64::from(src.width), f64::from(src.height));
    let scale = (f64::from(w) / sw).max(f64::from(h) / sh);
    let (cw, ch) = (f64::from(w) / scale, f64::from(h) / scale);
    resize_crop(src, ((sw - cw) / 2.0, (sh - ch) / 2.0, cw, ch), w, h)
}

/// Scales `src` to fit inside `w` x `h`, keeping its aspect ratio.
fn fit(src: &Pixels, w: u32, h: u32) -> Option<Pixels> {
    let scale = (f64::from(w) / f64::from(src.width)).min(f64::from(h) / f64::from(src.height));
    let (tw, th) = (
        ((f64::from(src.width) * scale).round() as u32).max(1),
        ((f64::from(src.height) * scale).round() as u32).max(1),
    );
    resize_crop(src, (0.0, 0.0, f64::from(src.width), f64::from(src.height)), tw, th)
}

fn resize_crop(src: &Pixels, (l, t, cw, ch): (f64, f64, f64, f64), w: u32, h: u32) -> Option<Pixels> {
    let pixel_type = if src.alpha { PixelType::U8x4 } else { PixelType::U8x3 };
    let view = ImageRef::new(src.width, src.height, &src.data, pixel_type).ok()?;
    let mut dst = Image::new(w, h, pixel_type);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom)).crop(l, t, cw, ch);
    Resizer::new().resize(&view, &mut dst, &options).ok()?;
    Some(Pixels { width: w, height: h, alpha: src.alpha, data: dst.into_vec() })
}

/// The initials of a name, for a monogram ("Harbor Street Cycles" → "HS").
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// A card drawn over its layer.
pub(super) struct Drawn {
    layer: Arc<Layer>,
    canvas: Canvas,
}

impl Drawn {
    /// The card as a PNG file.
    pub(super) fn png(&self) -> Vec<u8> {
        png::encode(&self.layer, |y| self.canvas.row(y), &self.canvas.dirt)
    }

    /// The card as a PNG file coded with fdeflate's fixed table.
    #[cfg(test)]
    pub(super) fn png_with_fixed_table(&self) -> Vec<u8> {
        png::encode(&self.layer.with_fixed_table(), |y| self.canvas.row(y), &self.canvas.dirt)
    }

    /// The card as a PNG file coded as literals and runs of zeros only
    /// (what cards were before matches).
    #[cfg(test)]
    pub(super) fn png_with_runs_only(&self) -> Vec<u8> {
        png::encode(&self.layer.with_runs_only(), |y| self.canvas.row(y), &self.canvas.dirt)
    }

    #[cfg(test)]
    pub(super) fn image(self) -> image::RgbImage {
        image::RgbImage::from_raw(WIDTH, HEIGHT, self.canvas.into_pixels()).expect("a canvas is WIDTH x HEIGHT RGB")
    }
}

/// Draws a card. `photo` and `logo` are the decoded pixels of
/// `spec.photo` and `spec.logo` (either may be missing: the card is drawn
/// without it). Pure: the same inputs give the same pixels.
#[cfg(test)]
pub(crate) fn draw(spec: &CardSpec, fonts: &Fonts, photo: Option<&Pixels>, logo: Option<&Pixels>) -> image::RgbImage {
    paint(spec, fonts, photo, logo).image()
}

/// A card drawn, to encode both ways.
#[cfg(test)]
pub(super) fn paint_for_test(spec: &CardSpec, fonts: &Fonts, photo: Option<&Pixels>, logo: Option<&Pixels>) -> Drawn {
    paint(spec, fonts, photo, logo)
}

/// A card as a PNG file (what `draw` shows).
pub(crate) fn card_png(spec: &CardSpec, fonts: &Fonts, photo: Option<&Pixels>, logo: Option<&Pixels>) -> Vec<u8> {
    paint(spec, fonts, photo, logo).png()
}

/// The layer of a card: the gradient, the circles of a card without a
/// photo, the mark, the site's name and the footer, which are the same on
/// every card of a layout (none of them overlaps what a card draws on it).
fn card_layer(
    spec: &CardSpec,
    fonts: &Fonts,
    logo: Option<&Pixels>,
    pal: &Palette,
    text: &TextLayout,
    circles: bool,
) -> Arc<Layer> {
    let key = LayerKey {
        fonts: fonts.hash.clone(),
        brand: spec.brand,
        accent: spec.accent,
        circles,
        home: spec.layout == Layout::Home,
        column: (text.x0.to_bits(), text.x1.to_bits()),
        site_name: spec.site_name.clone(),
        footer: spec.footer.clone(),
        logo: logo.and(spec.logo.as_ref()).map(CardPhoto::key),
    };
    shared::layer(&key, || {
        let bold = fonts.face(true);
        let regular = fonts.face(false);
        let mut cv = Canvas::gradient(pal.bg0, pal.bg1);
        if circles {
            cv.circle(1130.0, 620.0, 310.0, pal.deco);
            cv.circle(1130.0, 620.0, 200.0, mix(pal.deco, pal.bg1, 0.5));
        }
        let mark_w = draw_mark(&mut cv, spec, fonts, logo, pal, text.x0);
        if spec.layout != Layout::Home && !spec.site_name.is_empty() {
            let size = 30.0;
            let x = text.x0 + mark_w + 20.0;
            let name = ellipsize(bold, &spec.site_name, size, text.x1 - x);
            let (asc, desc) = bold.metrics(size);
            cv.text(bold, size, x, MARK_Y + MARK_H / 2.0 + (asc + desc) / 2.0, &name, pal.text, None);
        }
        if !spec.footer.is_empty() {
            let footer = ellipsize(regular, &spec.footer, FOOTER_SIZE, text.x1 - text.x0);
            cv.text(regular, FOOTER_SIZE, text.x0, HEIGHT as f32 - 52.0, &footer, pal.muted, None);
        }
        Layer::new(cv.into_pixels())
    })
}

/// Draws a card over its layer.
fn paint(spec: &CardSpec, fonts: &Fonts, photo: Option<&Pixels>, logo: Option<&Pixels>) -> Drawn {
    let pal = Palette::new(spec.brand, spec.accent);
    let bold = fonts.face(true);
    let regular = fonts.face(false);
    let has_photo = photo.is_some() && spec.photo.is_some();
    let text =
        layout_text(&CardSpec { photo: if has_photo { spec.photo.clone() } else { None }, ..spec.clone() }, fonts);
    // Soft circles fill the right of cards without a photo.
    let text_only = !has_photo
        && matches!(
            spec.layout,
            Layout::Home | Layout::Post | Layout::Page | Layout::Reviews | Layout::Video | Layout::Moment
        );
    let layer = card_layer(spec, fonts, logo, &pal, &text, text_only);
    let mut cv = Canvas::over(&layer);
    // The photo.
    if let (true, Some(px)) = (has_photo, photo) {
        let (x, y, w, h) = spec.layout.photo_rect();
        if let Some(p) = cover(px, w, h) {
            if spec.layout == Layout::Staff {
                let r = w as f32 / 2.0;
                cv.circle(x as f32 + r, y as f32 + r, r + 10.0, pal.mark);
                cv.blit(&p, i64::from(x), i64::from(y), |xx, yy| {
                    let d = ((xx as f32 + 0.5 - r).powi(2) + (yy as f32 + 0.5 - r).powi(2)).sqrt();
                    (r - d + 0.5).clamp(0.0, 1.0)
                });
            } else {
                cv.blit(&p, i64::from(x), i64::from(y), |_, _| 1.0);
                // A thin accent edge between text and photo.
                let edge = if spec.layout == Layout::Moment { x + w } else { x.saturating_sub(8) };
                cv.rect(edge, 0, 8, HEIGHT, spec.accent);
            }
        }
    } else if spec.layout == Layout::Staff {
        // No portrait: a large monogram of the person.
        let r = STAFF_R as f32;
        let (cx, cy) = (STAFF_CX as f32, STAFF_CY as f32);
        cv.circle(cx, cy, r + 10.0, pal.mark);
        cv.circle(cx, cy, r, pal.deco);
        let ini = initials(&spec.title);
        let size = 150.0;
        let (asc, desc) = bold.metrics(size);
        let w = bold.width(&ini, size);
        cv.text(bold, size, cx - w / 2.0, cy + (asc + desc) / 2.0, &ini, pal.text, None);
    }
    if spec.layout == Layout::Video {
        let (cx, cy, r) = if has_photo {
            let (x, y, w, h) = spec.layout.photo_rect();
            (x as f32 + w as f32 / 2.0, y as f32 + h as f32 / 2.0, 64.0)
        } else {
            (1010.0, 300.0, 92.0)
        };
        play_button(&mut cv, bold, cx, cy, r, &pal, has_photo);
    }

    // Title, rule, rating, subtitle.
    let (asc, _) = bold.metrics(text.title.size);
    let lh = line_height(text.title.size);
    let mut baseline = text.title_top + asc;
    for (i, line) in text.title.lines.iter().enumerate() {
        if i > 0 {
            baseline += lh;
        }
        cv.text(bold, text.title.size, text.x0, baseline, line, pal.text, None);
    }
    let (_, desc) = bold.metrics(text.title.size);
    let mut y = baseline - desc * 0.5 + RULE_GAP;
    cv.rect(text.x0 as u32, y as u32, 96, RULE_H as u32, pal.mark);
    y += RULE_H;
    if let (Layout::Reviews, Some(rating)) = (spec.layout, spec.rating) {
        y += 24.0;
        let (asc, _) = bold.metrics(RATING_SIZE);
        let figure = format!("{rating:.1}");
        cv.text(bold, RATING_SIZE, text.x0, y + asc * 0.86, &figure, pal.text, None);
        let star_x = text.x0 + bold.width(&figure, RATING_SIZE) + 28.0;
        stars(&mut cv, regular, star_x, y + asc * 0.86, rating, &pal);
        y += RATING_SIZE;
    }
    if !text.subtitle.lines.is_empty() {
        let (asc, _) = regular.metrics(text.subtitle.size);
        let mut b = y + 22.0 + asc;
        for line in &text.subtitle.lines {
            cv.text(regular, text.subtitle.size, text.x0, b, line, pal.muted, None);
            b += line_height(text.subtitle.size);
        }
    }

    Drawn { layer, canvas: cv }
}

/// The logo (scaled into the mark's box) or a round monogram; returns its width.
fn draw_mark(cv: &mut Canvas, spec: &CardSpec, fonts: &Fonts, logo: Option<&Pixels>, pal: &Palette, x0: f32) -> f32 {
    let home = spec.layout == Layout::Home;
    let h = if home { MARK_H * 1.5 } else { MARK_H };
    let y = if home { MARK_Y - 8.0 } else { MARK_Y };
    // Beside the site's name a logo stays compact; alone (home) it may be wider.
    let max_w = if home { 360 } else { 220 };
    if let Some(p) = logo.and_then(|l| fit(l, max_w, h as u32)) {
        let top = y + (h - p.height as f32) / 2.0;
        cv.blit(&p, x0 as i64, top as i64, |_, _| 1.0);
        return p.width as f32;
    }
    let r = h / 2.0;
    cv.circle(x0 + r, y + r, r, pal.mark);
    let bold = fonts.face(true);
    let ini = initials(&spec.site_name);
    let size = h * 0.44;
    let (asc, desc) = bold.metrics(size);
    let w = bold.width(&ini, size);
    cv.text(bold, size, x0 + r - w / 2.0, y + r + (asc + desc) / 2.0, &ini, pal.on_mark, None);
    h
}

/// Five stars, filled up to `rating` (a partly filled star for the fraction).
fn stars(cv: &mut Canvas, face: Face<'_>, x: f32, baseline: f32, rating: f32, pal: &Palette) {
    let size = 76.0;
    let step = face.width("★", size) + 6.0;
    let empty = mix(mix(pal.bg0, pal.bg1, 0.3), pal.text, 0.25);
    for i in 0..5 {
        let sx = x + step * i as f32;
        let fill = (rating - i as f32).clamp(0.0, 1.0);
        cv.text(face, size, sx, baseline, "★", empty, None);
        if fill > 0.0 {
            let w = face.width("★", size);
            cv.text(face, size, sx, baseline, "★", pal.mark, Some((sx, sx + w * fill)));
        }
    }
}

/// A round play button: on a photo white with a dark triangle, else in the mark colour.
fn play_button(cv: &mut Canvas, face: Face<'_>, cx: f32, cy: f32, r: f32, pal: &Palette, on_photo: bool) {
    let (disc, arrow) = if on_photo { (WHITE, INK) } else { (pal.mark, pal.on_mark) };
    if on_photo {
        cv.circle(cx, cy + 3.0, r + 4.0, (0, 0, 0));
    }
    cv.circle(cx, cy, r, disc);
    let size = r * 1.1;
    let (asc, desc) = face.metrics(size);
    let w = face.width("▶", size);
    // Optically centred: the triangle's mass sits left of its box.
    cv.text(face, size, cx - w / 2.0 + r * 0.08, cy + (asc + desc) / 2.0 - size * 0.04, "▶", arrow, None);
}
