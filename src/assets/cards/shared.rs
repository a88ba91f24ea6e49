//! What many cards share, made once per process (part of stage 4, assets;
//! pure): layers (a card's background with the site's mark, name and domain,
//! compressed row by row in `png.rs`) and glyphs rasterised at a size and a
//! position to a sixteenth of a pixel. Both are kept in small bounded memos
//! (a long `serve` session may see many brand colours and titles); they
//! never hold a card's own pixels.

use super::png::Layer;
use super::spec::Colour;
use ab_glyph::{point, Font, FontRef, GlyphId, PxScale};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// Everything a layer shows: cards with equal keys share one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct LayerKey {
    /// The fonts' hash.
    pub(super) fonts: String,
    pub(super) brand: Colour,
    pub(super) accent: Colour,
    /// The soft circles of cards without a photo.
    pub(super) circles: bool,
    /// The home layout's larger mark, without the site's name beside it.
    pub(super) home: bool,
    /// The text column (its edges' bits).
    pub(super) column: (u32, u32),
    pub(super) site_name: String,
    pub(super) footer: String,
    /// The logo's content key, when the logo is drawn.
    pub(super) logo: Option<String>,
}

/// The layer of `key`, made by `make` the first time (under the memo's
/// lock, so two threads never make the same layer).
pub(super) fn layer(key: &LayerKey, make: impl FnOnce() -> Layer) -> Arc<Layer> {
    static MEMO: OnceLock<Mutex<HashMap<LayerKey, Arc<Layer>>>> = OnceLock::new();
    let mut memo = MEMO.get_or_init(Default::default).lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(l) = memo.get(key) {
        return Arc::clone(l);
    }
    // A site has a layer per layout and column; keep a few sites' worth.
    if memo.len() >= 24 {
        memo.clear();
    }
    let l = Arc::new(make());
    memo.insert(key.clone(), Arc::clone(&l));
    l
}

/// A rasterised glyph: its coverage (0..=255) and where its top left lies
/// from the whole-pixel position it was drawn at.
#[derive(Debug)]
pub(super) struct Sprite {
    pub(super) left: i64,
    pub(super) top: i64,
    pub(super) width: u32,
    pub(super) coverage: Vec<u8>,
    /// `coverage` with each value three times (once per channel of an RGB
    /// pixel), so that blending runs over bytes in SIMD lanes.
    pub(super) coverage3: Vec<u8>,
}

/// (font, glyph, size, sixteenths of a pixel right, the baseline's fraction).
type GlyphKey = (usize, u16, u32, u32, u32);

/// Glyph `id` of `font` at `size` with its origin at (`x`, `y`): the
/// whole-pixel position to draw it at and its sprite (none for a blank
/// glyph). `x` is rounded to a sixteenth of a pixel, `y` is kept exact.
pub(super) fn glyph(
    font: &FontRef<'static>,
    id: GlyphId,
    size: f32,
    x: f32,
    y: f32,
) -> Option<(i64, i64, Arc<Sprite>)> {
    static MEMO: OnceLock<Mutex<HashMap<GlyphKey, Option<Arc<Sprite>>>>> = OnceLock::new();
    let (xf, yf) = (x.floor(), y.floor());
    let (mut xi, yi) = (xf as i64, yf as i64);
    let mut sixteenths = ((x - xf) * 16.0).round() as u32;
    if sixteenths == 16 {
        sixteenths = 0;
        xi += 1;
    }
    let fy = y - yf;
    // The font's bytes are 'static: their address names the font.
    let key = (font.font_data().as_ptr() as usize, id.0, size.to_bits(), sixteenths, fy.to_bits());
    let memo = MEMO.get_or_init(Default::default);
    if let Some(s) = memo.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
        return s.clone().map(|s| (xi, yi, s));
    }
    let g = id.with_scale_and_position(PxScale::from(size), point(sixteenths as f32 / 16.0, fy));
    let sprite = font.outline_glyph(g).map(|outline| {
        let b = outline.px_bounds();
        let (w, h) = (b.width() as u32, b.height() as u32);
        let mut coverage = vec![0u8; (w * h) as usize];
        outline.draw(|gx, gy, c| {
            if gx < w && gy < h && c > 0.0 {
                coverage[(gy * w + gx) as usize] = (c.min(1.0) * 255.0 + 0.5) as u8;
            }
        });
        let coverage3 = coverage.iter().flat_map(|&c| [c; 3]).collect();
        Arc::new(Sprite { left: b.min.x as i64, top: b.min.y as i64, width: w.max(1), coverage, coverage3 })
    });
    let mut memo = memo.lock().unwrap_or_else(PoisonError::into_inner);
    if memo.len() >= 50_000 {
        memo.clear();
    }
    memo.insert(key, sprite.clone());
    sprite.map(|s| (xi, yi, s))
}
