//! Making the card files (I/O, `build` only): the cards the image cache
//! lacks are drawn (or cropped from a `share_image:`) in parallel, encoded
//! and stored in the cache; every card file names its cache file, which the
//! writer links into the output.

use super::draw::{card_png, cover};
use super::spec::{CardKind, CardPhoto, PlannedCard, HEIGHT, WIDTH};
use super::text::Fonts;
use crate::assets::budget;
use crate::assets::cache::{Cache, CacheError};
use crate::assets::decode::decode;
use crate::assets::encode::{self, Pixels};
use crate::diag::Diagnostics;
use crate::output::{Contents, OutputFile};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

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
    /// One per card, its cache file (linked into the output), sorted by output path.
    pub files: Vec<OutputFile>,
    pub stats: CardStats,
}

/// Reads and decodes a card's photo or logo: the variant from the image
/// cache when there is one (it is made before the cards), else the source,
/// checked against the hash it was planned with.
fn load(photo: &CardPhoto, cache: &Cache) -> Result<Pixels, String> {
    if let Some(v) = &photo.variant {
        if let Ok(bytes) = std::fs::read(cache.path_of(v)) {
            if let Ok(px) = decode(&bytes, photo.has_alpha, &photo.limits) {
                return Ok(px);
            }
        }
    }
    load_source(photo)
}

/// Whether making a card decodes a full-size source (no variant to use).
fn decodes_source(photo: &CardPhoto, cache: &Cache) -> bool {
    photo.variant.as_ref().is_none_or(|v| !cache.contains(v))
}

fn load_source(photo: &CardPhoto) -> Result<Pixels, String> {
    let bytes = std::fs::read(&photo.abs).map_err(|e| format!("cannot read this photo: {e}"))?;
    let hash: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    if hash != photo.source_hash {
        return Err("this photo changed while the site was being built: build again".into());
    }
    decode(&bytes, photo.has_alpha, &photo.limits)
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
            Ok(card_png(spec, fonts, photo.as_ref(), logo))
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
/// card files (their cache files, which the writer links). A photo that cannot be read or
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
            // A card drawn from a full-size source holds a share of the
            // memory budget while it is made (all of `make` is sequential).
            let source = match &card.kind {
                CardKind::Drawn(spec) => spec.photo.as_ref(),
                CardKind::Photo { photo, .. } => Some(photo),
            };
            let _share = source
                .filter(|p| decodes_source(p, &cache))
                .map(|p| budget::memory().take(budget::decode_cost(p.source_size.0, p.source_size.1, p.has_alpha)));
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
