//! The checks of each section of site.yaml (`shop`, `brand`, `posts`,
//! `images`, `moments`, `reviews`): a section with a bad value is an error at
//! its line and keeps its defaults.

use super::super::yaml::{Seg, Value};
use super::parse::{is_hex_colour, Ctx};
use super::{
    keys_of, Brand, ImageSettings, MomentSettings, PostSettings, ReviewSettings, Shop, SiteConfig, CONFIG_FILE,
    IMAGE_FORMATS,
};

/// `shop:`: the opening hours, the address's keys, social links, the logo
/// (a path inside the site); the shop's name defaults to the site's title.
pub(super) fn shop(config: &mut SiteConfig, ctx: &mut Ctx<'_, '_>) {
    let region = ctx.region;
    if let Some(shop) = ctx.section::<Shop>("shop") {
        config.shop = shop;
        super::super::site_extras::check_hours(&mut config.shop.hours, &region, ctx.diags);
        if let Some(Value::Mapping(m)) = ctx.map.get("shop").and_then(|s| s.get("address")) {
            region.check_keys(
                ctx.diags,
                m,
                &[Seg::Key("shop"), Seg::Key("address")],
                keys_of("shop.address"),
                "shop.address",
            );
        }
        for (network, url) in &config.shop.social {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                let span = region.span(&[Seg::Key("shop"), Seg::Key("social"), Seg::Key(network)]);
                ctx.diags
                    .error(CONFIG_FILE, span, format!("shop.social.{network} is not a web address"))
                    .help("write the full address of the profile, such as https://www.instagram.com/myshop");
            }
        }
    }
    if let Some(logo) = &config.shop.logo {
        // In a flow mapping (`shop: { logo: x }`) the key has no line of its own.
        let span = region.span(&[Seg::Key("shop"), Seg::Key("logo")]).or_else(|| region.span(&[Seg::Key("shop")]));
        config.shop.logo_span = span;
        if let Err(why) = crate::paths::site_ref("", logo) {
            ctx.diags
                .error(CONFIG_FILE, span, format!("shop.logo `{}`: {why}", logo.escape_debug()))
                .help("put the logo inside the site folder and write its path from there, such as static/logo.png");
            config.shop.logo = None;
        }
    }
    if config.shop.name.trim().is_empty() {
        config.shop.name = config.title.clone();
    }
}

/// `brand:`: both colours must be hex colours, or both defaults stay.
pub(super) fn brand(config: &mut SiteConfig, ctx: &mut Ctx<'_, '_>) {
    let region = ctx.region;
    if let Some(brand) = ctx.section::<Brand>("brand") {
        for (key, value) in [("color", &brand.color), ("accent", &brand.accent)] {
            if !is_hex_colour(value) {
                let span = region.span(&[Seg::Key("brand"), Seg::Key(key)]);
                ctx.diags
                    .error(CONFIG_FILE, span, format!("brand.{key} `{value}` is not a colour"))
                    .help("write a hex colour in quotes, such as \"#2f6b4f\"");
            }
        }
        if is_hex_colour(&brand.color) && is_hex_colour(&brand.accent) {
            config.brand = brand;
        }
    }
}

/// `posts:`: at least one post per page, a permalink inside the site.
pub(super) fn posts(config: &mut SiteConfig, ctx: &mut Ctx<'_, '_>) {
    let region = ctx.region;
    if let Some(posts) = ctx.section::<PostSettings>("posts") {
        let mut ok = true;
        if posts.per_page == 0 {
            ok = false;
            let span = region.span(&[Seg::Key("posts"), Seg::Key("per_page")]);
            ctx.diags
                .error(CONFIG_FILE, span, "posts.per_page must be at least 1")
                .help("10 is a good number of posts per page");
        }
        if let Err(why) = crate::paths::check_permalink(&posts.permalink) {
            ok = false;
            let span =
                region.span(&[Seg::Key("posts"), Seg::Key("permalink")]).or_else(|| region.span(&[Seg::Key("posts")]));
            ctx.diags
                .error(CONFIG_FILE, span, format!("posts.permalink `{}`: {why}", posts.permalink.escape_debug()))
                .help("write a path inside the site, of letters, digits, `-` and `/`, such as `/blog/{slug}/` or `/{year}/{month}/{slug}/`");
        }
        if ok {
            config.posts = posts;
        }
    }
}

/// `images:`: widths, formats, quality and the decoding bounds.
pub(super) fn images(config: &mut SiteConfig, ctx: &mut Ctx<'_, '_>) {
    let region = ctx.region;
    if let Some(images) = ctx.section::<ImageSettings>("images") {
        let mut ok = true;
        if images.widths.is_empty() || images.widths.iter().any(|w| !(16..=8192).contains(w)) {
            ok = false;
            let span = region.span(&[Seg::Key("images"), Seg::Key("widths")]);
            ctx.diags
                .error(CONFIG_FILE, span, "images.widths must list widths from 16 to 8192 pixels")
                .help("for example `widths: [480, 960, 1600]`");
        }
        for f in &images.formats {
            if !IMAGE_FORMATS.contains(&f.as_str()) {
                ok = false;
                let span = region.span(&[Seg::Key("images"), Seg::Key("formats")]);
                ctx.diags
                    .error(CONFIG_FILE, span, format!("images.formats: `{f}` is not a format shopstory writes"))
                    .help("choose from webp, jpeg and png");
            }
        }
        if images.formats.is_empty() {
            ok = false;
            let span = region.span(&[Seg::Key("images"), Seg::Key("formats")]);
            ctx.diags.error(CONFIG_FILE, span, "images.formats is empty").help("for example `formats: [webp, jpeg]`");
        }
        if !(1..=100).contains(&images.quality) {
            ok = false;
            let span = region.span(&[Seg::Key("images"), Seg::Key("quality")]);
            ctx.diags
                .error(CONFIG_FILE, span, "images.quality must be from 1 to 100")
                .help("80 is a good balance of size and sharpness");
        }
        if !(1..=65_535).contains(&images.max_side) {
            ok = false;
            let span = region.span(&[Seg::Key("images"), Seg::Key("max_side")]);
            ctx.diags
                .error(CONFIG_FILE, span, "images.max_side must be from 1 to 65535 pixels")
                .help(format!("the default, {}, fits any camera photo", crate::load::images::MAX_SIDE));
        }
        if !(1..=1_000_000_000).contains(&images.max_pixels) {
            ok = false;
            let span = region.span(&[Seg::Key("images"), Seg::Key("max_pixels")]);
            ctx.diags.error(CONFIG_FILE, span, "images.max_pixels must be from 1 to 1000000000").help(format!(
                "the default, {}, is 100 megapixels; each megapixel takes 3 to 4 MB of memory to decode",
                crate::load::images::MAX_PIXELS
            ));
        }
        if ok {
            config.images = images;
        }
    }
}

/// `moments:` and `reviews:` (at least one review per page).
pub(super) fn moments_and_reviews(config: &mut SiteConfig, ctx: &mut Ctx<'_, '_>) {
    let region = ctx.region;
    if let Some(m) = ctx.section::<MomentSettings>("moments") {
        config.moments = m;
    }
    if let Some(r) = ctx.section::<ReviewSettings>("reviews") {
        if r.per_page == 0 {
            let span = region.span(&[Seg::Key("reviews"), Seg::Key("per_page")]);
            ctx.diags
                .error(CONFIG_FILE, span, "reviews.per_page must be at least 1")
                .help("20 is a good number of reviews per page");
        } else {
            config.reviews = r;
        }
    }
}
