//! What a card shows and what it is called: `CardSpec` (the layout, texts,
//! colours and photos drawn on a card), `PlannedCard` (a card file and how
//! it is made), and `card_name`, the hash over every drawn input that names
//! a card before it is drawn. Pure.

use super::text::{card_text, Fonts};
use crate::assets::PlannedImage;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// Card size: the 1.91:1 picture every network shows uncropped.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Bumped whenever the drawing changes (layout, sizes, colours, encoder), so
/// that every cached card is drawn again under a new name. 4: glyphs placed
/// to a sixteenth of a pixel, rows compressed apart (issue 19). 5: a subtitle
/// too long keeps its last part (issue 17 item 4). 6: only the 32-pixel
/// blocks of a row that were drawn on are compressed anew (issue 19). 7:
/// each layer's own Huffman table (issue 19). 8: LZ77 matches in the
/// layer's pieces (issue 19).
pub const CARD_EPOCH: u32 = 8;

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
    pub(super) fn photo_rect(self) -> (u32, u32, u32, u32) {
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
    /// The source's size as shown (what decoding it costs in memory).
    pub source_size: (u32, u32),
    /// What the source may declare and still be decoded.
    pub limits: crate::load::images::Limits,
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
            source_size: (img.source_width, img.source_height),
            limits: img.limits,
        }
    }

    /// What the pixels depend on: the variant's name (which hashes the
    /// source and its settings) or the source's hash.
    pub(super) fn key(&self) -> String {
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
/// Only what is drawn counts (the title and subtitle as laid out, the
/// rating on a reviews card), so cards that look alike are drawn once.
pub fn card_name(spec: &CardSpec, fonts: &Fonts) -> String {
    let CardSpec { layout, title, subtitle, site_name, footer, brand, accent, logo, photo, rating } = spec;
    let rating = rating.filter(|_| *layout == Layout::Reviews);
    let (title, subtitle) = (card_text(title.trim()), card_text(subtitle.trim()));
    let mut key = format!("shopstory-card\nepoch={CARD_EPOCH}\nfonts={}\nlayout={}\n", fonts.hash, layout.name());
    for (name, text) in [("title", &*title), ("subtitle", &*subtitle), ("site", site_name), ("footer", footer)] {
        key.push_str(&format!("{name}={}:{text}\n", text.len()));
    }
    key.push_str(&format!("brand={brand:?}\naccent={accent:?}\n"));
    key.push_str(&format!("logo={}\n", logo.as_ref().map(CardPhoto::key).unwrap_or_default()));
    key.push_str(&format!("photo={}\n", photo.as_ref().map(CardPhoto::key).unwrap_or_default()));
    key.push_str(&format!("rating={}\n", rating.map(|r| format!("{r:.2}")).unwrap_or_default()));
    format!("media/card-{}.png", hash10(key.as_bytes()))
}

/// Margins and the split between text and photo.
pub(super) const PAD: f32 = 72.0;
pub(super) const PHOTO_X: u32 = 660;
/// A moment's photo fills the left, as wide as a post's cover.
pub(super) const MOMENT_W: u32 = WIDTH - PHOTO_X;
pub(super) const STAFF_CX: u32 = 918;
pub(super) const STAFF_CY: u32 = 315;
pub(super) const STAFF_R: u32 = 200;
/// The mark (logo or monogram) at the top: its top and height.
pub(super) const MARK_Y: f32 = 60.0;
pub(super) const MARK_H: f32 = 64.0;
