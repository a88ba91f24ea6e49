//! Stage 4, the plan: `Site` → `AssetPlan`. Decides, from the probed photos
//! and site.yaml's `images:` alone, which files every photo a front matter
//! or data file names becomes (covers, staff photos, the logo, customer
//! moments, event covers, share images). Pure: it reads no file and encodes nothing;
//! `execute` makes the files later. The photos of bodies are planned by
//! `render::bodies` with the same `plan_image`, as it meets them.

use super::plan_image;
use crate::model::image::{find_image, PlannedImage};
use crate::model::{ImageUse, Site};
use std::collections::BTreeMap;

/// The photos the site shows, planned.
#[derive(Debug, Default)]
pub struct AssetPlan {
    /// Published photos, by the site path they were found at.
    pub images: BTreeMap<String, PlannedImage>,
    /// `share_image:`s (cards only, their variants unpublished), by site path.
    pub share_images: BTreeMap<String, PlannedImage>,
}

/// Plans every photo `site` names outside bodies. A photo `resolve` did not
/// find is left out (it reported why).
pub fn plan(site: &Site) -> AssetPlan {
    let plan_one = |path: &str| {
        find_image(&site.probes, path)
            .ok()
            .map(|(found, info)| (found.clone(), plan_image(&found, info, &site.config.images)))
    };
    let docs = site.posts.iter().chain(&site.pages);
    let uses = docs
        .filter_map(|d| d.cover.as_ref())
        .chain(site.staff.iter().filter_map(|s| s.photo.as_ref()))
        .chain(site.logo.as_ref())
        .chain(site.hero.as_ref())
        .chain(site.moments.iter().map(|m| &m.photo))
        .chain(site.events.list.iter().filter_map(|e| e.cover.as_ref()))
        .map(|u: &ImageUse| u.path.as_str());
    let images = uses.filter_map(plan_one).collect();
    let shares = site.posts.iter().chain(&site.pages).filter_map(|d| d.share_image.as_deref());
    let share_images = shares.filter_map(|p| plan_one(p).map(|(_, planned)| (p.to_string(), planned))).collect();
    AssetPlan { images, share_images }
}
