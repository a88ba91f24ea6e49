//! Share cards: the 1200x630 picture Facebook, WhatsApp, X or LinkedIn show
//! when someone shares a page. Three parts:
//!
//! - naming (pure): `render` describes each page's card as a `CardSpec` and
//!   names it `media/card-<hash10>.png` with `card_name`, a hash over every
//!   input that reaches a pixel (texts, colours, layout, the photo's and
//!   logo's content hashes, the font bytes and `CARD_EPOCH`), so `og:image`
//!   can point at the card before it is drawn, and equal cards share a file;
//! - drawing (pure): `draw` turns a spec, the fonts and decoded pixels into
//!   an opaque RGB picture: the brand colour in a soft gradient toward the
//!   accent, the logo (or a monogram), the site name, the title set large and
//!   wrapped over at most three lines (smaller before a fourth line, then an
//!   ellipsis), the page's photo cropped to fill its part, and what the
//!   layout adds (a play button, the average rating in stars, a portrait);
//! - `execute` (I/O, `build` only): draws the cards the cache lacks in
//!   parallel, encodes them as fast PNG and stores them atomically in the
//!   image cache next to the photo variants. A warm build draws none.
//!
//! Text is rasterised by `ab_glyph` with the font's kerning, from DejaVu Sans
//! Bold and Regular (Latin, Greek, Cyrillic), which ship with the default
//! theme in `themes/default/fonts/` with their licence. A character neither
//! font has is left out and reported as a warning by `render`, never drawn
//! as an empty box. Text colours meet WCAG AA (4.5:1) against every
//! background colour they can sit on.

use super::cache::{Cache, CacheError};
use super::encode::{self, Pixels};
use super::PlannedImage;
use crate::diag::Diagnostics;
use crate::load::images::MAX_PIXELS;
use crate::render::seo::contrast;
use crate::render::{Contents, OutputFile};
use ab_glyph::{point, Font, FontRef, GlyphId, PxScale, ScaleFont};
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::png::{CompressionType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder, RgbImage};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// Card size: the 1.91:1 picture every network shows uncropped.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Bumped whenever the drawing changes (layout, sizes, colours, encoder), so
/// that every cached card is drawn again under a new name.
pub const CARD_EPOCH: u32 = 3;

/// The card fonts, as paths in the default theme.
pub const BOLD_FONT: &str = "fonts/DejaVuSans-Bold.ttf";
pub const REGULAR_FONT: &str = "fonts/DejaVuSans.ttf";

/// An sRGB colour.
pub type Colour = (u8, u8, u8);

/// What kind of page a card is for; each has its own arrangement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layout {
    /// The home page: the mark, the shop's name large, its description.
    Home,
    /// A post: title, date and author; its cover on the right.
    Post,
    /// A how-to video post: like a post, with a play button on the poster.
    Video,
    /// A customer moment: the photo takes the left square.
    Moment,
    /// A reviews page: the average rating in figures and stars.
    Reviews,
    /// A staff page: the name, the role and a round portrait.
    Staff,
    /// Any other page (pages, listings, tags, 404).
    Page,
}

impl Layout {
    fn name(self) -> &'static str {
        match self {
            Layout::Home => "home",
            Layout::Post => "post",
            Layout::Video => "video",
            Layout::Moment => "moment",
            Layout::Reviews => "reviews",
            Layout::Staff => "staff",
            Layout::Page => "page",
        }
    }

    /// The size of the part of the card the photo fills.
    pub fn photo_area(self) -> (u32, u32) {
        let (_, _, w, h) = self.photo_rect();
        (w, h)
    }

    /// The part of the card the photo fills: (x, y, width, height).
    fn photo_rect(self) -> (u32, u32, u32, u32) {
        match self {
            Layout::Moment => (0, 0, MOMENT_W, HEIGHT),
            Layout::Staff => (STAFF_CX - STAFF_R, STAFF_CY - STAFF_R, 2 * STAFF_R, 2 * STAFF_R),
            _ => (PHOTO_X, 0, WIDTH - PHOTO_X, HEIGHT),
        }
    }
}

/// A photo or logo a card shows: the source, and the smallest variant of it
/// that already fills the card's part (decoded from the image cache instead
/// of the full-size source: a 960-pixel JPEG decodes ten times faster than a
/// 4000-pixel original).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardPhoto {
    /// Site path, for messages.
    pub source: String,
    pub abs: PathBuf,
    /// Hex SHA-256 of the source bytes.
    pub source_hash: String,
    pub has_alpha: bool,
    /// A variant's output path (`media/x-1a2b3c4d5e-960.jpg`), if one is large enough.
    pub variant: Option<String>,
}

impl CardPhoto {
    /// The photo of `img` for a part of `area` (width, height) pixels, filled
    /// without distortion.
    pub fn new(img: &PlannedImage, area: (u32, u32)) -> Self {
        let (sw, sh) = (img.source_width.max(1) as f32, img.source_height.max(1) as f32);
        let scale = (area.0 as f32 / sw).max(area.1 as f32 / sh);
        let need = (sw * scale).ceil() as u32;
        let variant = img
            .variants
            .iter()
            .filter(|v| v.width >= need && v.width < img.source_width)
            .min_by_key(|v| (v.width, v.format != "jpeg" && v.format != "png", v.format.clone()))
            .map(|v| v.output.clone());
        CardPhoto {
            source: img.source.clone(),
            abs: img.abs.clone(),
            source_hash: img.source_hash.clone(),
            has_alpha: img.has_alpha,
            variant,
        }
    }

    /// What the pixels depend on: the variant's name (which hashes the
    /// source and its settings) or the source's hash.
    fn key(&self) -> String {
        match &self.variant {
            Some(v) => format!("variant:{v}"),
            None => format!("source:{}", self.source_hash),
        }
    }
}

/// Everything drawn on one card.
#[derive(Debug, Clone, PartialEq)]
pub struct CardSpec {
    pub layout: Layout,
    /// Set large: the page's title (the shop's name on the home page).
    pub title: String,
    /// One line under the title ("12 May 2026 · by Ana", "from 14 reviews", a role).
    pub subtitle: String,
    /// Beside the logo at the top.
    pub site_name: String,
    /// At the bottom: the site's domain.
    pub footer: String,
    pub brand: Colour,
    pub accent: Colour,
    pub logo: Option<CardPhoto>,
    pub photo: Option<CardPhoto>,
    /// Average stars, 0 to 5 (the reviews layout).
    pub rating: Option<f32>,
}

/// A card `execute` makes.
#[derive(Debug, Clone, PartialEq)]
pub enum CardKind {
    /// Drawn by shopstory.
    Drawn(Box<CardSpec>),
    /// The page's `share_image:`, cropped to fill 1200x630, as JPEG (PNG
    /// when it has transparency) at `quality`.
    Photo { photo: CardPhoto, quality: u8 },
}

/// One planned card file.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCard {
    /// Output path (`media/card-1a2b3c4d5e.png`).
    pub output: String,
    pub kind: CardKind,
}

impl PlannedCard {
    /// A drawn card, named by everything drawn on it.
    pub fn drawn(spec: CardSpec, fonts: &Fonts) -> Self {
        PlannedCard { output: card_name(&spec, fonts), kind: CardKind::Drawn(Box::new(spec)) }
    }

    /// A `share_image:` cropped to the card's size; from a variant only when
    /// the image's variants are published (and so made before the cards).
    pub fn photo(img: &PlannedImage, variants_made: bool) -> Self {
        let mut photo = CardPhoto::new(img, (WIDTH, HEIGHT));
        if !variants_made {
            photo.variant = None;
        }
        let ext = if img.has_alpha { "png" } else { "jpg" };
        let key =
            format!("shopstory-share-image\nepoch={CARD_EPOCH}\nphoto={}\nquality={}\n", photo.key(), img.quality);
        let stem = img.source.rsplit('/').next().unwrap_or("share").rsplit_once('.').map_or("share", |(s, _)| s);
        let stem: String = crate::paths::slugify(stem).chars().take(40).collect();
        let stem = if stem.is_empty() { "share".to_string() } else { stem };
        PlannedCard {
            output: format!("media/share-{stem}-{}.{ext}", hash10(key.as_bytes())),
            kind: CardKind::Photo { photo, quality: img.quality },
        }
    }

    /// The MIME type of the file.
    pub fn mime(&self) -> &'static str {
        if self.output.ends_with(".png") {
            "image/png"
        } else {
            "image/jpeg"
        }
    }
}

fn hash10(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().take(5).map(|b| format!("{b:02x}")).collect()
}

/// `media/card-<hash10>.png`: the hash covers every drawn input, the font
/// bytes and `CARD_EPOCH`, so a changed title, photo, colour or font gets a
/// new name, and a name in the cache is the right card by construction.
pub fn card_name(spec: &CardSpec, fonts: &Fonts) -> String {
    let CardSpec { layout, title, subtitle, site_name, footer, brand, accent, logo, photo, rating } = spec;
    let mut key = format!("shopstory-card\nepoch={CARD_EPOCH}\nfonts={}\nlayout={}\n", fonts.hash, layout.name());
    for (name, text) in [("title", title), ("subtitle", subtitle), ("site", site_name), ("footer", footer)] {
        key.push_str(&format!("{name}={}:{text}\n", text.len()));
    }
    key.push_str(&format!("brand={brand:?}\naccent={accent:?}\n"));
    key.push_str(&format!("logo={}\n", logo.as_ref().map(CardPhoto::key).unwrap_or_default()));
    key.push_str(&format!("photo={}\n", photo.as_ref().map(CardPhoto::key).unwrap_or_default()));
    key.push_str(&format!("rating={}\n", rating.map(|r| format!("{r:.2}")).unwrap_or_default()));
    format!("media/card-{}.png", hash10(key.as_bytes()))
}

/// The two card fonts and a hash of their bytes.
pub struct Fonts {
    bold: FontRef<'static>,
    regular: FontRef<'static>,
    /// Hex SHA-256 over both fonts' bytes (part of every card's name).
    pub hash: String,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts").field("hash", &self.hash).finish_non_exhaustive()
    }
}

impl Fonts {
    /// Fonts from their bytes (bold first). The error names what is wrong.
    pub fn from_bytes(bold: &'static [u8], regular: &'static [u8]) -> Result<Self, String> {
        let parse = |b: &'static [u8], name: &str| FontRef::try_from_slice(b).map_err(|e| format!("{name}: {e}"));
        let mut h = Sha256::new();
        h.update(bold);
        h.update(b"\0regular\0");
        h.update(regular);
        let hash = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok(Fonts { bold: parse(bold, BOLD_FONT)?, regular: parse(regular, REGULAR_FONT)?, hash })
    }

    /// The fonts of the built-in theme (parsed once per process).
    pub fn embedded() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| {
            let file = |name: &str| {
                crate::theme::THEME_FILES
                    .iter()
                    .find(|(p, _)| *p == name)
                    .map(|(_, b)| *b)
                    .unwrap_or_else(|| panic!("the default theme ships {name}"))
            };
            Fonts::from_bytes(file(BOLD_FONT), file(REGULAR_FONT)).expect("the default theme's card fonts parse")
        })
    }

    /// The characters of `text` a card cannot draw (sorted, once each):
    /// those neither font has, and letters of right-to-left scripts, which
    /// need shaping and bidirectional layout that cards do not do (drawn
    /// unshaped, left to right, Arabic or Hebrew would be garbled). Spaces
    /// and control characters are not drawn and never missing.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = text
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control() && !is_invisible(*c))
            .filter(|c| is_right_to_left(*c) || (self.bold.glyph_id(*c).0 == 0 && self.regular.glyph_id(*c).0 == 0))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    fn face(&self, bold: bool) -> Face<'_> {
        if bold {
            Face { main: &self.bold, other: &self.regular }
        } else {
            Face { main: &self.regular, other: &self.bold }
        }
    }
}

/// Zero-width characters (joiners, variation selectors) have no glyph and need none.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}')
}

/// Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana,
/// N'Ko and their presentation forms).
fn is_right_to_left(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08ff}' | '\u{fb1d}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}')
}

/// A font with a fallback for the characters it lacks.
#[derive(Clone, Copy)]
struct Face<'a> {
    main: &'a FontRef<'static>,
    other: &'a FontRef<'static>,
}

/// One positioned glyph: which font (true = main), its id, its pen x.
struct Placed {
    main: bool,
    id: GlyphId,
    x: f32,
}

impl Face<'_> {
    fn font(&self, main: bool) -> &FontRef<'static> {
        if main {
            self.main
        } else {
            self.other
        }
    }

    /// Lays `text` out on one line at `size` pixels: glyph positions with
    /// kerning between neighbours of the same font, and the total advance.
    /// Characters neither font has are left out.
    fn shape(&self, text: &str, size: f32) -> (Vec<Placed>, f32) {
        let scale = PxScale::from(size);
        let mut out = Vec::with_capacity(text.len());
        let mut x = 0.0;
        let mut prev: Option<(bool, GlyphId)> = None;
        for c in text.chars() {
            if c.is_control() || is_invisible(c) || is_right_to_left(c) {
                continue;
            }
            let (main, id) = match self.main.glyph_id(c) {
                GlyphId(0) => match self.other.glyph_id(c) {
                    GlyphId(0) => continue,
                    id => (false, id),
                },
                id => (true, id),
            };
            let font = self.font(main).as_scaled(scale);
            if let Some((pm, pid)) = prev {
                if pm == main {
                    x += font.kern(pid, id);
                }
            }
            out.push(Placed { main, id, x });
            x += font.h_advance(id);
            prev = Some((main, id));
        }
        (out, x)
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        self.shape(text, size).1
    }

    /// Ascent and descent (negative) at `size`.
    fn metrics(&self, size: f32) -> (f32, f32) {
        let f = self.main.as_scaled(PxScale::from(size));
        (f.ascent(), f.descent())
    }
}

/// Text set over lines: the size chosen and each line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lines {
    pub(crate) size: f32,
    pub(crate) lines: Vec<String>,
}

/// Breaks `text` into lines no wider than `max_width` at `size` (at spaces;
/// a word wider than a line is broken between characters).
fn greedy_wrap(face: Face<'_>, text: &str, size: f32, max_width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if face.width(&candidate, size) <= max_width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if face.width(word, size) <= max_width {
            line = word.to_string();
            continue;
        }
        // A word wider than the line: break it between characters.
        for c in word.chars() {
            let mut next = line.clone();
            next.push(c);
            if !line.is_empty() && face.width(&next, size) > max_width {
                lines.push(std::mem::take(&mut line));
                line.push(c);
            } else {
                line = next;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Sets `text` at the first of `sizes` (largest first) at which it fits in
/// `max_lines` lines of `max_width`; at the smallest size, the last line
/// that fits ends in an ellipsis.
fn fit_lines(face: Face<'_>, text: &str, max_width: f32, max_lines: usize, sizes: &[f32]) -> Lines {
    let smallest = sizes.last().copied().unwrap_or(40.0);
    for &size in sizes {
        let lines = greedy_wrap(face, text, size, max_width);
        if lines.len() <= max_lines {
            return Lines { size, lines };
        }
    }
    let all = greedy_wrap(face, text, smallest, max_width);
    let mut lines: Vec<String> = all[..max_lines.max(1) - 1].to_vec();
    let rest = all[max_lines.max(1) - 1..].join(" ");
    lines.push(ellipsize(face, &rest, smallest, max_width));
    Lines { size: smallest, lines }
}

/// `text` cut (at a space when it can) so that it and "…" fit in `max_width`.
fn ellipsize(face: Face<'_>, text: &str, size: f32, max_width: f32) -> String {
    if face.width(text, size) <= max_width {
        return text.to_string();
    }
    let mut words: Vec<&str> = text.split_whitespace().collect();
    while words.len() > 1 {
        words.pop();
        let candidate = format!("{}…", words.join(" ").trim_end_matches([',', ';', ':', '.', '-', '–', '—']));
        if face.width(&candidate, size) <= max_width {
            return candidate;
        }
    }
    let mut s: String = words.first().copied().unwrap_or_default().to_string();
    while !s.is_empty() && face.width(&format!("{s}…"), size) > max_width {
        s.pop();
    }
    format!("{s}…")
}

/// The colours of a card, chosen so that text meets WCAG AA on every
/// background colour it may sit on.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Palette {
    /// Gradient from `bg0` (top left) to `bg1` (bottom right).
    bg0: Colour,
    bg1: Colour,
    /// The soft circles behind text-only cards.
    deco: Colour,
    text: Colour,
    /// Subtitles and the footer.
    muted: Colour,
    /// The rule under the title, stars, the play badge: the accent where it
    /// stands out (3:1, as WCAG asks of graphics), else the text colour.
    mark: Colour,
    /// Text on `mark` (the monogram's initials).
    on_mark: Colour,
}

fn mix(a: Colour, b: Colour, t: f32) -> Colour {
    let m = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round().clamp(0.0, 255.0) as u8;
    (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

const WHITE: Colour = (255, 255, 255);
const INK: Colour = (17, 17, 17);
const BLACK: Colour = (0, 0, 0);

fn min_contrast(fg: Colour, bgs: &[Colour]) -> f64 {
    bgs.iter().map(|b| contrast(fg, *b)).fold(f64::INFINITY, f64::min)
}

impl Palette {
    fn new(brand: Colour, accent: Colour) -> Palette {
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
    fn backgrounds(bg0: Colour, bg1: Colour, deco: Colour) -> Vec<Colour> {
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

/// An opaque RGB picture being drawn.
struct Canvas {
    data: Vec<u8>,
}

impl Canvas {
    fn gradient(c0: Colour, c1: Colour) -> Canvas {
        // Diagonal: t runs from 0 at the top left to 1 at the bottom right.
        let lut: Vec<Colour> = (0..=255).map(|i| mix(c0, c1, i as f32 / 255.0)).collect();
        let (w, h) = (WIDTH as usize, HEIGHT as usize);
        let mut data = vec![0u8; w * h * 3];
        for (y, row) in data.chunks_exact_mut(w * 3).enumerate() {
            let ty = y as f32 / h as f32 * 0.4;
            for (x, px) in row.chunks_exact_mut(3).enumerate() {
                let t = ty + x as f32 / w as f32 * 0.6;
                let c = lut[(t * 255.0) as usize];
                px.copy_from_slice(&[c.0, c.1, c.2]);
            }
        }
        Canvas { data }
    }

    #[inline]
    fn blend(&mut self, x: i64, y: i64, c: Colour, a: f32) {
        if x < 0 || y < 0 || x >= i64::from(WIDTH) || y >= i64::from(HEIGHT) || a <= 0.0 {
            return;
        }
        let i = (y as usize * WIDTH as usize + x as usize) * 3;
        // Integer blending: a in 0..=255, rounded.
        let a = (a.min(1.0) * 255.0 + 0.5) as u32;
        let px = &mut self.data[i..i + 3];
        for (d, v) in px.iter_mut().zip([c.0, c.1, c.2]) {
            *d = ((u32::from(*d) * (255 - a) + u32::from(v) * a + 127) / 255) as u8;
        }
    }

    fn rect(&mut self, x: u32, y: u32, w: u32, h: u32, c: Colour) {
        for yy in y..(y + h).min(HEIGHT) {
            for xx in x..(x + w).min(WIDTH) {
                self.blend(i64::from(xx), i64::from(yy), c, 1.0);
            }
        }
    }

    /// A filled, anti-aliased circle.
    fn circle(&mut self, cx: f32, cy: f32, r: f32, c: Colour) {
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
    /// the part between two x positions (a partly filled star).
    #[allow(clippy::too_many_arguments, reason = "a private drawing primitive; a struct would only rename these")]
    fn text(&mut self, face: Face<'_>, size: f32, x: f32, y: f32, text: &str, c: Colour, clip: Option<(f32, f32)>) {
        let scale = PxScale::from(size);
        let (glyphs, _) = face.shape(text, size);
        for g in glyphs {
            let glyph = g.id.with_scale_and_position(scale, point(x + g.x, y));
            let Some(outline) = face.font(g.main).outline_glyph(glyph) else { continue };
            let b = outline.px_bounds();
            outline.draw(|gx, gy, cov| {
                let px = b.min.x as i64 + i64::from(gx);
                if let Some((l, r)) = clip {
                    let centre = px as f32 + 0.5;
                    if centre < l || centre >= r {
                        return;
                    }
                }
                self.blend(px, b.min.y as i64 + i64::from(gy), c, cov);
            });
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

/// The gradient (and, for text-only cards, the circles) of a palette. Every
/// card of a site shares one or two backgrounds, so they are drawn once per
/// process and copied: a copy costs a tenth of drawing them.
fn background(pal: &Palette, circles: bool) -> Arc<Vec<u8>> {
    type Key = (Colour, Colour, Colour, bool);
    static MEMO: OnceLock<Mutex<HashMap<Key, Arc<Vec<u8>>>>> = OnceLock::new();
    let key = (pal.bg0, pal.bg1, pal.deco, circles);
    let memo = MEMO.get_or_init(Default::default);
    if let Some(bg) = memo.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
        return Arc::clone(bg);
    }
    let mut cv = Canvas::gradient(pal.bg0, pal.bg1);
    if circles {
        cv.circle(1130.0, 620.0, 310.0, pal.deco);
        cv.circle(1130.0, 620.0, 200.0, mix(pal.deco, pal.bg1, 0.5));
    }
    let bg = Arc::new(cv.data);
    let mut memo = memo.lock().unwrap_or_else(PoisonError::into_inner);
    // A long `serve` session may see many brand colours: keep a few.
    if memo.len() >= 8 {
        memo.clear();
    }
    memo.insert(key, Arc::clone(&bg));
    bg
}

/// Resizes the centre part of `src` with the aspect ratio of `w` x `h` to
/// exactly that size: fills without distortion, cropping what sticks out.
fn cover(src: &Pixels, w: u32, h: u32) -> Option<Pixels> {
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

/// Margins and the split between text and photo.
const PAD: f32 = 72.0;
const PHOTO_X: u32 = 660;
/// A moment's photo fills the left, as wide as a post's cover.
const MOMENT_W: u32 = WIDTH - PHOTO_X;
const STAFF_CX: u32 = 918;
const STAFF_CY: u32 = 315;
const STAFF_R: u32 = 200;
/// The mark (logo or monogram) at the top: its top and height.
const MARK_Y: f32 = 60.0;
const MARK_H: f32 = 64.0;
const TITLE_SIZES: [f32; 7] = [80.0, 74.0, 68.0, 62.0, 56.0, 50.0, 46.0];
const SUBTITLE_SIZE: f32 = 32.0;
const FOOTER_SIZE: f32 = 26.0;

/// The initials of a name, for a monogram ("Harbor Street Cycles" → "HS").
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// What `draw` lays out: the title's lines and where the text goes, so
/// tests can check that nothing overflows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextLayout {
    /// Left and right edges of the text column.
    pub(crate) x0: f32,
    pub(crate) x1: f32,
    pub(crate) title: Lines,
    /// The width of each title line as drawn.
    pub(crate) title_widths: Vec<f32>,
    pub(crate) subtitle: Lines,
    /// Top of the first title line's glyphs (its ascent line) and the baseline of the last.
    pub(crate) title_top: f32,
}

/// Where the text column of `layout` is, and whether it has a photo beside it.
fn column(layout: Layout, has_photo: bool) -> (f32, f32) {
    match layout {
        Layout::Moment if has_photo => (MOMENT_W as f32 + 64.0, WIDTH as f32 - PAD),
        Layout::Staff => (PAD, (STAFF_CX - STAFF_R) as f32 - 64.0),
        Layout::Reviews => (PAD, WIDTH as f32 - PAD),
        Layout::Post | Layout::Video | Layout::Page | Layout::Moment if has_photo => (PAD, PHOTO_X as f32 - 56.0),
        Layout::Video => (PAD, 820.0),
        _ => (PAD, WIDTH as f32 - PAD - 40.0),
    }
}

/// Lays out the title and subtitle of a card.
pub(crate) fn layout_text(spec: &CardSpec, fonts: &Fonts) -> TextLayout {
    let (x0, x1) = column(spec.layout, spec.photo.is_some());
    let width = x1 - x0;
    let bold = fonts.face(true);
    let regular = fonts.face(false);
    let max_title_lines = if spec.layout == Layout::Reviews { 2 } else { 3 };
    let title = fit_lines(bold, spec.title.trim(), width, max_title_lines, &TITLE_SIZES);
    let sub_lines = match spec.layout {
        Layout::Home | Layout::Page | Layout::Moment if title.lines.len() <= 2 => 2,
        _ => 1,
    };
    let subtitle = if spec.subtitle.trim().is_empty() {
        Lines { size: SUBTITLE_SIZE, lines: Vec::new() }
    } else {
        fit_lines(regular, spec.subtitle.trim(), width, sub_lines, &[SUBTITLE_SIZE, 28.0])
    };
    let title_widths = title.lines.iter().map(|l| bold.width(l, title.size)).collect();
    // Centre the block (title, rule, rating, subtitle) between the mark and the footer.
    let block = block_height(spec.layout, &title, &subtitle, fonts);
    let (top, bottom) = (MARK_Y + MARK_H + 28.0, HEIGHT as f32 - 96.0);
    let title_top = top + ((bottom - top - block) / 2.0).max(0.0);
    TextLayout { x0, x1, title, title_widths, subtitle, title_top }
}

fn line_height(size: f32) -> f32 {
    (size * 1.12).round()
}

const RULE_GAP: f32 = 26.0;
const RULE_H: f32 = 8.0;
const RATING_SIZE: f32 = 104.0;

fn block_height(layout: Layout, title: &Lines, subtitle: &Lines, fonts: &Fonts) -> f32 {
    let (asc, desc) = fonts.face(true).metrics(title.size);
    let mut h = line_height(title.size) * (title.lines.len().max(1) - 1) as f32 + asc - desc * 0.5;
    h += RULE_GAP + RULE_H;
    if layout == Layout::Reviews {
        h += 24.0 + RATING_SIZE;
    }
    if !subtitle.lines.is_empty() {
        h += 22.0 + line_height(subtitle.size) * subtitle.lines.len() as f32;
    }
    h
}

/// Draws a card. `photo` and `logo` are the decoded pixels of
/// `spec.photo` and `spec.logo` (either may be missing: the card is drawn
/// without it). Pure: the same inputs give the same pixels.
pub(crate) fn draw(spec: &CardSpec, fonts: &Fonts, photo: Option<&Pixels>, logo: Option<&Pixels>) -> RgbImage {
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
    let mut cv = Canvas { data: background(&pal, text_only).as_ref().clone() };

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

    // The mark and the site name.
    let mark_w = draw_mark(&mut cv, spec, fonts, logo, &pal, text.x0);
    if spec.layout != Layout::Home && !spec.site_name.is_empty() {
        let size = 30.0;
        let x = text.x0 + mark_w + 20.0;
        let name = ellipsize(bold, &spec.site_name, size, text.x1 - x);
        let (asc, desc) = bold.metrics(size);
        cv.text(bold, size, x, MARK_Y + MARK_H / 2.0 + (asc + desc) / 2.0, &name, pal.text, None);
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

    // The footer: the site's domain.
    if !spec.footer.is_empty() {
        let footer = ellipsize(regular, &spec.footer, FOOTER_SIZE, text.x1 - text.x0);
        cv.text(regular, FOOTER_SIZE, text.x0, HEIGHT as f32 - 52.0, &footer, pal.muted, None);
    }
    RgbImage::from_raw(WIDTH, HEIGHT, cv.data).expect("a canvas is WIDTH x HEIGHT RGB")
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

/// Encodes a card as PNG, fast (it is drawn anew only when it changes).
pub fn encode_png(img: &RgbImage) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(img.as_raw().len() / 8);
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, image::codecs::png::FilterType::Up)
        .write_image(img.as_raw(), img.width(), img.height(), ExtendedColorType::Rgb8)
        .map_err(|e| format!("cannot encode the share card: {e}"))?;
    Ok(out)
}

/// Where `execute` keeps its cache and whom it tells about progress.
pub struct CardOptions<'a> {
    /// The site's cache folder (`<root>/<cache_dir>`); cards go in `images/` under it.
    pub cache_dir: &'a Path,
    /// Called once per card made (from worker threads).
    pub on_card_done: &'a (dyn Fn() + Sync),
}

/// What `execute` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CardStats {
    /// Card files of the site.
    pub cards: usize,
    /// Drawn (or cropped) and encoded in this run.
    pub drawn: usize,
    pub from_cache: usize,
    /// Cards whose photo could not be read (reported as errors).
    pub failed: usize,
}

/// The card files and what it took.
#[derive(Debug)]
pub struct ExecutedCards {
    /// One per card, copied from the cache, sorted by output path.
    pub files: Vec<OutputFile>,
    pub stats: CardStats,
}

/// Reads and decodes a card's photo or logo: the variant from the image
/// cache when there is one (it is made before the cards), else the source,
/// checked against the hash it was planned with.
fn load(photo: &CardPhoto, cache: &Cache) -> Result<Pixels, String> {
    if let Some(v) = &photo.variant {
        if let Ok(bytes) = std::fs::read(cache.path_of(v)) {
            if let Ok(px) = encode::decode(&bytes, photo.has_alpha, MAX_PIXELS) {
                return Ok(px);
            }
        }
    }
    let bytes = std::fs::read(&photo.abs).map_err(|e| format!("cannot read this photo: {e}"))?;
    let hash: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    if hash != photo.source_hash {
        return Err("this photo changed while the site was being built: build again".into());
    }
    encode::decode(&bytes, photo.has_alpha, MAX_PIXELS)
}

/// How making one card went: done, or (the file to blame, why not).
type Made = Result<(), (String, String)>;

/// Makes one card's bytes. The error is about its photo.
fn make(
    card: &PlannedCard,
    fonts: &Fonts,
    cache: &Cache,
    logos: &HashMap<String, Option<Pixels>>,
) -> Result<Vec<u8>, (String, String)> {
    match &card.kind {
        CardKind::Drawn(spec) => {
            let photo = match &spec.photo {
                Some(p) => Some(load(p, cache).map_err(|why| (p.source.clone(), why))?),
                None => None,
            };
            let logo = spec.logo.as_ref().and_then(|l| logos.get(&l.key())).and_then(Option::as_ref);
            let img = draw(spec, fonts, photo.as_ref(), logo);
            encode_png(&img).map_err(|why| (card.output.clone(), why))
        }
        CardKind::Photo { photo, quality } => {
            let px = load(photo, cache).map_err(|why| (photo.source.clone(), why))?;
            let fail = |why: String| (photo.source.clone(), why);
            let cropped = cover(&px, WIDTH, HEIGHT).ok_or_else(|| fail("cannot crop this photo for sharing".into()))?;
            let format = if cropped.alpha { "png" } else { "jpeg" };
            encode::encode(&cropped, format, *quality).map_err(fail)
        }
    }
}

/// Draws every planned card the cache lacks, in parallel, and returns the
/// card files (copies of their cache files). A photo that cannot be read or
/// decoded is an error naming it; a cache that cannot be written is a failure.
/// A logo that cannot be decoded is reported once and the cards use a monogram.
pub fn execute(
    cards: &BTreeMap<String, PlannedCard>,
    opts: &CardOptions<'_>,
    diags: &mut Diagnostics,
) -> Result<ExecutedCards, CacheError> {
    if cards.is_empty() {
        return Ok(ExecutedCards { files: Vec::new(), stats: CardStats::default() });
    }
    let cache = Cache::open(opts.cache_dir)?;
    let fonts = Fonts::embedded();
    let missing: Vec<&PlannedCard> = cards.values().filter(|c| !cache.contains(&c.output)).collect();
    // Logos are shared by every card: decode each once.
    let mut logos: HashMap<String, Option<Pixels>> = HashMap::new();
    for card in &missing {
        let CardKind::Drawn(spec) = &card.kind else { continue };
        if let Some(l) = &spec.logo {
            if let std::collections::hash_map::Entry::Vacant(entry) = logos.entry(l.key()) {
                let px = match load(l, &cache) {
                    Ok(px) => Some(px),
                    Err(why) => {
                        diags.warning(
                            &l.source,
                            None,
                            format!("the share cards show a monogram instead of this logo: {why}"),
                        );
                        None
                    }
                };
                entry.insert(px);
            }
        }
    }
    // Draw, encode and store in parallel; completion order cannot reach the
    // output (files are listed from the sorted plan).
    let results: Vec<(&PlannedCard, Result<Made, CacheError>)> = missing
        .par_iter()
        .map(|card| {
            let r = match make(card, fonts, &cache, &logos) {
                Ok(bytes) => cache.store(&card.output, &bytes).map(|_| Ok(())),
                Err(e) => Ok(Err(e)),
            };
            (opts.on_card_done)();
            (*card, r)
        })
        .collect();
    let mut stats = CardStats { cards: cards.len(), ..CardStats::default() };
    let mut failed = std::collections::HashSet::new();
    for (card, result) in results {
        match result? {
            Ok(()) => stats.drawn += 1,
            Err((source, why)) => {
                stats.failed += 1;
                failed.insert(card.output.clone());
                diags
                    .error(&source, None, format!("cannot make the share card from this photo: {why}"))
                    .help("open the photo on a computer to check it, then export or copy it again as JPEG");
            }
        }
    }
    stats.from_cache = cards.len() - missing.len();
    let files = cards
        .values()
        .filter(|c| !failed.contains(&c.output))
        .map(|c| OutputFile { path: c.output.clone(), contents: Contents::Copy(cache.path_of(&c.output)) })
        .collect();
    Ok(ExecutedCards { files, stats })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let img = draw(&spec(Layout::Post, "How we true a wheel"), Fonts::embedded(), None, None);
        assert_eq!(img.dimensions(), (1200, 630));
        let png = encode_png(&img).expect("encode");
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
            name.starts_with("media/card-")
                && name.ends_with(".png")
                && name.len() == "media/card-0123456789.png".len(),
            "{name}"
        );
        let p = CardPhoto {
            source: "p.jpg".into(),
            abs: "p.jpg".into(),
            source_hash: "abc".into(),
            has_alpha: false,
            variant: None,
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
            CardSpec { rating: Some(4.5), ..base.clone() },
        ];
        for o in &others {
            assert_ne!(card_name(o, fonts), name, "{o:?}");
        }
        // The photo's path on disk is not part of it (the same site elsewhere names cards alike).
        let moved = CardSpec { photo: Some(CardPhoto { abs: "/elsewhere/p.jpg".into(), ..p.clone() }), ..base.clone() };
        assert_eq!(card_name(&moved, fonts), card_name(&CardSpec { photo: Some(p), ..base.clone() }, fonts));
        let a = encode_png(&draw(&base, fonts, None, None)).unwrap();
        let b = encode_png(&draw(&base, fonts, None, None)).unwrap();
        assert_eq!(a, b);
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
}

#[cfg(test)]
#[allow(clippy::print_stderr, reason = "a timing probe prints its figures")]
mod timing {
    use super::*;

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
}
