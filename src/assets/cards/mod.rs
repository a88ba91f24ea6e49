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
//!   parallel, encodes them as PNG and stores them atomically in the image
//!   cache next to the photo variants. A warm build draws none; a cold one
//!   draws each card name once.
//!
//! What many cards share is made once per process (issue 19): a layer per
//! layout and site (the gradient, the circles, the mark, the site's name and
//! domain), its rows compressed once; glyphs rasterised once per font, size,
//! glyph and sixteenth of a pixel. Per card only the title, subtitle, photo
//! and the layout's extras are drawn, and only the 32-pixel blocks of rows they touch
//! are compressed.
//!
//! Text is rasterised by `ab_glyph` with the font's kerning, from DejaVu Sans
//! Bold and Regular (Latin, Greek, Cyrillic), which ship with the default
//! theme in `themes/default/fonts/` with their licence. A character neither
//! font has is left out and reported as a warning by `render`, never drawn
//! as an empty box. Text colours meet WCAG AA (4.5:1) against every colour
//! of the background they sit on.
//!
//! The parts live in one file each: `spec.rs` (what a card shows and
//! `card_name`), `text.rs` (fonts, wrapping, shrinking, missing
//! characters, where the text goes), `draw.rs` (the palette, the canvas and
//! `draw`), `shared.rs` (the layers and glyphs cards share), `png.rs`
//! (encoding over a layer), `deflate/` (the bit writer, each layer's
//! Huffman table and the match finder for its rows) and `execute.rs`
//! (drawing in parallel and the cache). `samples.rs` checks a sample of cards against reference PNGs. This file
//! is the public face: everything callers use is re-exported here.

mod deflate;
mod draw;
mod execute;
mod png;
mod shared;
mod spec;
mod text;

#[cfg(test)]
mod samples;
#[cfg(test)]
mod tests;
#[cfg(test)]
#[allow(clippy::print_stderr, reason = "a timing probe prints its figures")]
mod timing;

pub use execute::{execute, CardOptions, CardStats, ExecutedCards};
pub use spec::{
    card_name, CardKind, CardPhoto, CardSpec, Colour, Layout, PlannedCard, BOLD_FONT, CARD_EPOCH, HEIGHT, REGULAR_FONT,
    WIDTH,
};
pub use text::{Fonts, MAX_CARD_CHARS};
