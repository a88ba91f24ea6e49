//! Text on a card: the two fonts (with a fallback for characters one of them
//! lacks), lines laid out with kerning by `ab_glyph`, titles wrapped and
//! shrunk before they need another line, then cut with an ellipsis, the
//! characters a card cannot draw, and where a card's title and subtitle go.
//! Part of stage 4 (assets); pure. Only the first `MAX_CARD_CHARS`
//! characters of a text are ever laid out, so a title of any length costs
//! the same (a 40 KB title took 20 s, a 1 MB one never finished).

use super::spec::{
    CardSpec, Layout, BOLD_FONT, HEIGHT, MARK_H, MARK_Y, MOMENT_W, PAD, PHOTO_X, REGULAR_FONT, STAFF_CX, STAFF_R, WIDTH,
};
use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// The most characters of a title or subtitle a card lays out. A longer
/// text could never fit the card's three lines (nor its subtitle's two,
/// even in the narrowest letters), so it is cut here and ends in "…".
/// `parse` warns about a title this long.
pub use crate::parse::doc::MAX_CARD_CHARS;

/// `text` cut to `MAX_CARD_CHARS` characters and an ellipsis when longer.
pub(crate) fn card_text(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_CARD_CHARS) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}…", text[..cut].trim_end())),
    }
}

#[cfg(test)]
thread_local! {
    /// Characters shaped on this thread (tests show bounded work with it).
    static SHAPED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many characters `Face::shape` has looked at on this thread.
#[cfg(test)]
pub(crate) fn shaped_chars() -> u64 {
    SHAPED.with(std::cell::Cell::get)
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

    pub(super) fn face(&self, bold: bool) -> Face<'_> {
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
pub(super) struct Face<'a> {
    main: &'a FontRef<'static>,
    other: &'a FontRef<'static>,
}

/// One positioned glyph: which font (true = main), its id, its pen x.
pub(super) struct Placed {
    pub(super) main: bool,
    pub(super) id: GlyphId,
    pub(super) x: f32,
}

impl Face<'_> {
    pub(super) fn font(&self, main: bool) -> &FontRef<'static> {
        if main {
            self.main
        } else {
            self.other
        }
    }

    /// Lays `text` out on one line at `size` pixels: glyph positions with
    /// kerning between neighbours of the same font, and the total advance.
    /// Characters neither font has are left out.
    pub(super) fn shape(&self, text: &str, size: f32) -> (Vec<Placed>, f32) {
        let scale = PxScale::from(size);
        let mut out = Vec::with_capacity(text.len());
        let mut x = 0.0;
        let mut prev: Option<(bool, GlyphId)> = None;
        #[cfg(test)]
        SHAPED.with(|n| n.set(n.get() + text.len() as u64));
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

    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        self.shape(text, size).1
    }

    /// Ascent and descent (negative) at `size`.
    pub(super) fn metrics(&self, size: f32) -> (f32, f32) {
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
pub(super) fn ellipsize(face: Face<'_>, text: &str, size: f32, max_width: f32) -> String {
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

/// Between the parts of a subtitle ("How-to video (3:33) · 3 November 2026 · by Ana").
pub(crate) const SUBTITLE_SEPARATOR: &str = " · ";

/// Sets a subtitle in `max_lines` lines of `max_width`. One that does not
/// fit whole keeps its last part (a post's author) and its first (what the
/// page is, "How-to video (3:33)"), and leaves out parts from the one
/// before the last backwards (the date first) until it fits; cut with an
/// ellipsis only when its last part alone is too long (issue 17 item 4:
/// the author was the part an ellipsis cut).
fn fit_subtitle(face: Face<'_>, text: &str, max_width: f32, max_lines: usize) -> Lines {
    const SIZES: [f32; 2] = [SUBTITLE_SIZE, 28.0];
    let fits = |text: &str| {
        SIZES.iter().find_map(|&size| {
            let lines = greedy_wrap(face, text, size, max_width);
            (lines.len() <= max_lines).then_some(Lines { size, lines })
        })
    };
    if let Some(lines) = fits(text) {
        return lines;
    }
    let mut parts: Vec<&str> = text.split(SUBTITLE_SEPARATOR).collect();
    while parts.len() > 1 {
        // Drop the part before the last; the first goes only after all between.
        parts.remove(parts.len() - 2);
        if let Some(lines) = fits(&parts.join(SUBTITLE_SEPARATOR)) {
            return lines;
        }
    }
    fit_lines(face, parts[0], max_width, max_lines, &SIZES)
}

pub(super) const TITLE_SIZES: [f32; 7] = [80.0, 74.0, 68.0, 62.0, 56.0, 50.0, 46.0];
const SUBTITLE_SIZE: f32 = 32.0;
pub(super) const FOOTER_SIZE: f32 = 26.0;

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
    let title = fit_lines(bold, &card_text(spec.title.trim()), width, max_title_lines, &TITLE_SIZES);
    let sub_lines = match spec.layout {
        Layout::Home | Layout::Page | Layout::Moment if title.lines.len() <= 2 => 2,
        _ => 1,
    };
    let subtitle = if spec.subtitle.trim().is_empty() {
        Lines { size: SUBTITLE_SIZE, lines: Vec::new() }
    } else {
        fit_subtitle(regular, &card_text(spec.subtitle.trim()), width, sub_lines)
    };
    let title_widths = title.lines.iter().map(|l| bold.width(l, title.size)).collect();
    // Centre the block (title, rule, rating, subtitle) between the mark and the footer.
    let block = block_height(spec.layout, &title, &subtitle, fonts);
    let (top, bottom) = (MARK_Y + MARK_H + 28.0, HEIGHT as f32 - 96.0);
    let title_top = top + ((bottom - top - block) / 2.0).max(0.0);
    TextLayout { x0, x1, title, title_widths, subtitle, title_top }
}

pub(super) fn line_height(size: f32) -> f32 {
    (size * 1.12).round()
}

pub(super) const RULE_GAP: f32 = 26.0;
pub(super) const RULE_H: f32 = 8.0;
pub(super) const RATING_SIZE: f32 = 104.0;

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
