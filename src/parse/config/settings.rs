//! The table of every key site.yaml accepts: the parser checks keys
//! against it, and the README and the starter site.yaml are tested against it.

/// Every key site.yaml accepts, by section (`""` is the top level; a section
/// is named by its dotted path). The parser checks keys against this table
/// and nothing else, so it is the complete list of settings: the README's
/// settings tables and the starter site.yaml are tested against it.
pub const SETTINGS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "title",
            "base_url",
            "language",
            "languages",
            "description",
            "theme",
            "shop",
            "brand",
            "posts",
            "images",
            "moments",
            "reviews",
            "events",
            "share_cards",
            "cache_dir",
            "search",
            "analytics",
            "home",
            "menu",
        ],
    ),
    ("shop", &["name", "address", "phone", "email", "hours", "social", "logo", "timezone"]),
    ("shop.address", &["street", "city", "region", "postal_code", "country"]),
    ("brand", &["color", "accent"]),
    ("posts", &["per_page", "permalink"]),
    ("images", &["widths", "formats", "quality", "max_side", "max_pixels"]),
    ("moments", &["require_consent"]),
    ("reviews", &["per_page", "home", "show_rating_only"]),
    ("events", &["in_feed", "home", "currency"]),
    ("analytics", &["plausible", "goatcounter"]),
    ("home", &["hero", "sections"]),
    ("home.hero", &["photo", "alt"]),
    ("menu", &["items", "hide"]),
];

/// The keys of one section of `SETTINGS` (none for a name that is not one).
pub fn keys_of(section: &str) -> &'static [&'static str] {
    SETTINGS.iter().find(|(name, _)| *name == section).map_or(&[], |(_, keys)| keys)
}

/// Every setting as a dotted path (`shop.address.city`), the sections
/// themselves included (`shop`, `shop.address`), in the order of `SETTINGS`.
pub fn setting_paths() -> Vec<String> {
    SETTINGS
        .iter()
        .flat_map(|(section, keys)| {
            keys.iter().map(move |k| if section.is_empty() { (*k).to_string() } else { format!("{section}.{k}") })
        })
        .collect()
}

pub const IMAGE_FORMATS: &[&str] = &["webp", "jpeg", "png"];
