//! Stage 4: images, between resolve and render. `plan` (in `plan.rs`) and
//! `plan_image` decide, from a probed image and the settings alone, which
//! files a page's image becomes (pure, so `render` can write a `<picture>`
//! before anything is encoded). `execute` makes those files: it fills the content-addressed
//! cache (`cache.rs`) with whatever variants it lacks, decoding each such
//! source once, resizing it to its largest missing width and the smaller
//! widths from that one, and encoding them in parallel (`encode.rs`), and
//! returns output files that copy from the cache. `execute` is one of the
//! three places of the build that touch the disk, and it runs only for
//! `build`, never for `check`.

mod budget;
mod cache;
pub mod cards;
mod decode;
mod encode;
mod plan;
#[cfg(test)]
mod tests;

pub use cache::{CacheError, CACHE_EPOCH};
pub use plan::{plan, AssetPlan};

use crate::diag::Diagnostics;
use crate::load::images::{ImageInfo, Limits};
pub use crate::model::image::{PlannedImage, Variant};
use crate::output::{Contents, OutputFile};
use crate::parse::config::ImageSettings;
use cache::Cache;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

fn stem_of(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let slug = crate::paths::slugify(stem);
    if slug.is_empty() {
        "image".into()
    } else {
        slug.chars().take(40).collect()
    }
}

/// The widths an image is made at: every configured width the source can
/// fill (never upscaled), sorted and unique; the source's own width when it
/// is narrower than all of them.
pub fn planned_widths(source_width: u32, widths: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = widths.iter().copied().filter(|w| *w > 0 && *w <= source_width).collect();
    out.sort_unstable();
    out.dedup();
    if out.is_empty() {
        out.push(source_width);
    }
    out
}

/// The height that keeps the source's aspect ratio at `width` (rounded, at
/// least 1).
pub fn scaled_height(source_width: u32, source_height: u32, width: u32) -> u32 {
    let h = (u64::from(source_height) * u64::from(width) * 2 + u64::from(source_width))
        / (2 * u64::from(source_width.max(1)));
    u32::try_from(h).unwrap_or(u32::MAX).max(1)
}

/// Plans the variants of one image: each configured width it can fill, times
/// each configured format (PNG instead of JPEG for an image with
/// transparency). Output names carry a hash of the source bytes and the
/// settings, so a changed photo or setting gets new names and cached files
/// never go stale.
pub fn plan_image(path: &str, info: &ImageInfo, settings: &ImageSettings) -> PlannedImage {
    let ImageSettings { widths, formats, quality, max_side, max_pixels } = settings;
    let mut kinds: Vec<&str> = Vec::new();
    for f in formats {
        let f = match f.as_str() {
            "jpeg" | "jpg" if info.has_alpha => "png",
            "jpg" => "jpeg",
            f => f,
        };
        if !kinds.contains(&f) {
            kinds.push(f);
        }
    }
    if kinds.is_empty() {
        kinds.push(if info.has_alpha { "png" } else { "jpeg" });
    }
    let stem = stem_of(path);
    let mut variants = Vec::new();
    for format in kinds {
        let ext = if format == "jpeg" { "jpg" } else { format };
        for width in planned_widths(info.width, widths) {
            let hash10 = cache::variant_hash(&info.hash, width, format, *quality);
            variants.push(Variant {
                output: format!("media/{stem}-{hash10}-{width}.{ext}"),
                width,
                height: scaled_height(info.width, info.height, width),
                format: format.to_string(),
            });
        }
    }
    let largest = variants.iter().max_by_key(|v| v.width).map_or((info.width, info.height), |v| (v.width, v.height));
    PlannedImage {
        source: path.to_string(),
        abs: info.abs.clone(),
        width: largest.0,
        height: largest.1,
        variants,
        source_hash: info.hash.clone(),
        source_width: info.width,
        source_height: info.height,
        has_alpha: info.has_alpha,
        quality: *quality,
        limits: Limits { max_side: *max_side, max_pixels: *max_pixels },
    }
}

/// Where `execute` keeps its cache and whom it tells about progress.
pub struct ExecuteOptions<'a> {
    /// The site's cache folder (`<root>/<cache_dir>`); images go in `images/` under it.
    pub cache_dir: &'a Path,
    /// Called once per image when it is done (from worker threads).
    pub on_image_done: &'a (dyn Fn() + Sync),
}

/// What `execute` did, for the summary line and for tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageStats {
    /// Source images.
    pub images: usize,
    /// Output files (variants).
    pub files: usize,
    /// Images whose variants were all in the cache (never read or decoded).
    pub from_cache: usize,
    /// Variants decoded, resized and encoded in this run.
    pub encoded: usize,
    /// Images that could not be decoded or encoded (reported as errors).
    pub failed: usize,
}

impl ImageStats {
    /// "processed 40 images (120 files), 3 from cache".
    pub fn summary(&self) -> String {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        format!(
            "processed {} image{} ({} file{}), {} from cache",
            self.images,
            s(self.images),
            self.files,
            s(self.files),
            self.from_cache
        )
    }
}

/// The files `execute` produced.
#[derive(Debug)]
pub struct Executed {
    /// One per variant, copied from the cache, sorted by output path.
    pub files: Vec<OutputFile>,
    pub stats: ImageStats,
}

/// How one image went.
enum Done {
    Cached,
    Encoded(usize),
}

/// Why one image could not be made.
enum Failure {
    /// The photo's fault: reported as an error naming it.
    Photo(String),
    /// The cache's: the build cannot go on.
    Cache(CacheError),
}

impl From<CacheError> for Failure {
    fn from(e: CacheError) -> Self {
        Failure::Cache(e)
    }
}

/// Makes every variant of every planned image that the cache lacks, in
/// parallel over images (and over the widths of one image), then returns
/// the output files, each a copy of its cache file. A photo that turns out
/// to be damaged only when decoded (a truncated JPEG) is an error naming the
/// photo; its variants are left out. A cache that cannot be written is a
/// failure (`CacheError`).
pub fn execute(
    images: &BTreeMap<String, PlannedImage>,
    opts: &ExecuteOptions<'_>,
    diags: &mut Diagnostics,
) -> Result<Executed, CacheError> {
    if images.is_empty() {
        return Ok(Executed { files: Vec::new(), stats: ImageStats::default() });
    }
    let cache = Cache::open(opts.cache_dir)?;
    // Two sources with the same name and bytes plan the same files: make them once.
    let mut seen = std::collections::HashSet::new();
    let jobs: Vec<&PlannedImage> = images.values().filter(|img| seen.insert(&img.variants)).collect();
    let results: Vec<(&PlannedImage, Result<Done, Failure>)> = jobs
        .par_iter()
        .map(|img| {
            let r = process(img, &cache);
            (opts.on_image_done)();
            (*img, r)
        })
        .collect();
    let mut stats = ImageStats { images: images.len(), ..ImageStats::default() };
    let mut files = Vec::new();
    for (img, result) in results {
        let done = match result {
            Ok(done) => done,
            Err(Failure::Cache(e)) => return Err(e),
            Err(Failure::Photo(why)) => {
                stats.failed += 1;
                diags
                    .error(&img.source, None, why)
                    .help("open the photo on a computer to check it, then export or copy it again as JPEG");
                continue;
            }
        };
        match done {
            Done::Cached => stats.from_cache += 1,
            Done::Encoded(n) => stats.encoded += n,
        }
        for v in &img.variants {
            files.push(OutputFile { path: v.output.clone(), contents: Contents::Copy(cache.path_of(&v.output)) });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    stats.files = files.len();
    Ok(Executed { files, stats })
}

/// Fills the cache for one image. The outer `Result` is a cache failure,
/// the inner one a problem with the photo. The full-size pixels live only
/// while a share of the memory budget is held: the source is decoded and
/// resized to the largest missing size, then dropped with the share (no
/// rayon work is waited for while holding it: see `budget`). Every smaller
/// size is resized from that largest one (a Lanczos3 resize costs in
/// proportion to its source, so this is about half the work of resizing
/// each from the original) and each size is encoded in its formats, in
/// parallel.
fn process(img: &PlannedImage, cache: &Cache) -> Result<Done, Failure> {
    let missing: Vec<&Variant> = img.variants.iter().filter(|v| !cache.contains(&v.output)).collect();
    if missing.is_empty() {
        return Ok(Done::Cached);
    }
    let sizes = sizes_largest_first(&missing);
    let Some(&(lw, lh)) = sizes.first() else { return Ok(Done::Cached) };
    let largest = {
        let cost = budget::decode_cost(img.source_width, img.source_height, img.has_alpha);
        let _share = budget::memory().take(cost);
        let pixels = read_and_decode(img).map_err(Failure::Photo)?;
        encode::resize(&pixels, lw, lh).map_err(|why| Failure::Photo(format!("{lw}x{lh}: {why}")))?
    };
    sizes.par_iter().try_for_each(|&(w, h)| {
        let smaller;
        let px = if (w, h) == (lw, lh) {
            &largest
        } else {
            smaller = encode::resize(&largest, w, h).map_err(|why| Failure::Photo(format!("{w}x{h}: {why}")))?;
            &smaller
        };
        let of_size: Vec<&&Variant> = missing.iter().filter(|v| (v.width, v.height) == (w, h)).collect();
        of_size.par_iter().try_for_each(|v| {
            let bytes = encode::encode(px, &v.format, img.quality)
                .map_err(|why| Failure::Photo(format!("{}: {why}", v.output)))?;
            cache.store(&v.output, &bytes)?;
            Ok::<(), Failure>(())
        })
    })?;
    Ok(Done::Encoded(missing.len()))
}

/// The distinct sizes of `variants`, largest first.
fn sizes_largest_first(variants: &[&Variant]) -> Vec<(u32, u32)> {
    let mut sizes: Vec<(u32, u32)> = variants.iter().map(|v| (v.width, v.height)).collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    sizes.dedup();
    sizes
}

/// Reads the source again, checks it is the file that was probed, and
/// decodes it upright.
fn read_and_decode(img: &PlannedImage) -> Result<encode::Pixels, String> {
    let bytes = std::fs::read(&img.abs).map_err(|e| format!("cannot read this photo: {e}"))?;
    let hash: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    if hash != img.source_hash {
        return Err("this photo changed while the site was being built: build again".into());
    }
    let pixels = decode::decode(&bytes, img.has_alpha, &img.limits)?;
    drop(bytes);
    if (pixels.width, pixels.height) != (img.source_width, img.source_height) {
        return Err(format!(
            "this photo decodes at {}x{} pixels but its header says {}x{}: it is damaged, export it again",
            pixels.width, pixels.height, img.source_width, img.source_height
        ));
    }
    Ok(pixels)
}
