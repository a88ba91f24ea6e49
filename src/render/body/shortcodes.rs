//! Part of rendering a body (stage 5): each shortcode call is checked and rendered through the
//! theme's `shortcodes/<name>.html` template, with the call's arguments as
//! the template's variables. A site adds its own shortcode by adding such a
//! template. Built-in shortcodes that need site data (videos, moments,
//! reviews) prepare that data here before their template runs.

use super::video::VIDEO_SHORTCODES;
use super::Linker;
use super::PHOTO_SIZES_CONTENT;
use crate::diag::Diagnostics;
use crate::markdown::shortcodes::Call;
use crate::paths::slugify;
use crate::render::moments::moment_view;
use crate::render::reviews::{product_view, review_view};
use crate::theme::tera_error_text;

/// How many reviews `{{ reviews(product="...") }}` shows unless told.
const SHORTCODE_LIMIT: usize = 3;

impl Linker<'_> {
    /// Every shortcode name this site knows: the `shortcodes/*.html` templates.
    fn known_shortcodes(&self) -> Vec<String> {
        let Some(theme) = self.theme else { return Vec::new() };
        theme
            .origins
            .keys()
            .filter_map(|k| k.strip_prefix("shortcodes/").and_then(|n| n.strip_suffix(".html")))
            .map(str::to_string)
            .collect()
    }

    pub(super) fn render_shortcode(&self, file: &str, call: &Call, diags: &mut Diagnostics) -> Option<String> {
        let theme = self.theme?;
        let template = format!("shortcodes/{}.html", call.name);
        if !theme.has(&template) {
            let known = self.known_shortcodes();
            let names: Vec<&str> = known.iter().map(String::as_str).collect();
            let hint = match crate::diag::suggest::nearest(&call.name, &names) {
                Some(n) => format!("did you mean `{n}`? The shortcodes are: {}", names.join(", ")),
                None => format!(
                    "the shortcodes are: {}; a site adds its own as templates/shortcodes/<name>.html",
                    names.join(", ")
                ),
            };
            diags.error(file, Some(call.span), format!("unknown shortcode `{}`", call.name)).help(hint);
            return None;
        }
        if VIDEO_SHORTCODES.contains(&call.name.as_str()) {
            return self.render_video_call(file, call, diags);
        }
        let mut ctx = tera::Context::new();
        let args: serde_json::Map<String, serde_json::Value> =
            call.args.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
        for (k, v) in &args {
            ctx.insert(k.clone(), v);
        }
        ctx.insert("args", &args);
        ctx.insert_value("t", self.config.i18n.template_value(&self.config.shop.name));
        if matches!(call.name.as_str(), "review" | "reviews") {
            for (k, v) in self.review_shortcode_vars(file, call, diags)? {
                ctx.insert(k, &v);
            }
        }
        if call.name == "moment" {
            for (k, v) in self.moment_shortcode_vars(file, call, diags)? {
                ctx.insert(k, &v);
            }
        }
        if call.name == "event" {
            let (k, v) = crate::render::events::shortcode_vars(self.site, file, call, diags)?;
            ctx.insert(k, &v);
        }
        match theme.tera.render(&template, &ctx) {
            Ok(html) => Some(html.trim_end().to_string()),
            Err(e) => {
                diags
                    .error(file, Some(call.span), format!("shortcode `{}` failed: {}", call.name, tera_error_text(&e)))
                    .help(format!("check the arguments this shortcode needs in its template, {template}"));
                None
            }
        }
    }
}

impl Linker<'_> {
    /// The variables of `shortcodes/moment.html`: `moment`, a `MomentView`.
    fn moment_shortcode_vars(
        &self,
        file: &str,
        call: &Call,
        diags: &mut Diagnostics,
    ) -> Option<Vec<(&'static str, serde_json::Value)>> {
        let Some(id) = call.args.get("id").map(|v| v.as_text()) else {
            diags
                .error(file, Some(call.span), "`moment` needs the id of a moment")
                .help("write {{ moment(id=\"ana-wheel\") }}: the id is the photo's file name in content/moments/, without .jpg");
            return None;
        };
        let Some(m) = self.site.moments.iter().find(|m| m.id == id) else {
            let ids: Vec<&str> = self.site.moments.iter().map(|m| m.id.as_str()).collect();
            let help = if ids.is_empty() {
                "the site has no published moments yet: add a photo and its sidecar to content/moments/ (`shopstory new moment`)"
                    .to_string()
            } else {
                let same_but_case = ids.iter().find(|i| i.eq_ignore_ascii_case(&id));
                match same_but_case.copied().or_else(|| crate::diag::suggest::nearest(&id, &ids)) {
                    Some(n) => format!("did you mean `{n}`? The moments are: {}", ids.join(", ")),
                    None => format!("the moments are: {}", ids.join(", ")),
                }
            };
            diags.error(file, Some(call.span), format!("there is no moment with id `{id}`")).help(help);
            return None;
        };
        let planned = self.image(&m.photo.path).ok()?;
        let view = moment_view(&self.config.i18n, m, &planned, &self.site.reviews, false, PHOTO_SIZES_CONTENT);
        Some(vec![("moment", serde_json::to_value(view).ok()?)])
    }
}

impl Linker<'_> {
    /// The variables of the built-in `review` and `reviews` shortcodes:
    /// `review` for `{{ review(id="...") }}`; `product` and `reviews` for
    /// `{{ reviews(product="...", limit=3) }}`. `None` after reporting a
    /// problem with the call.
    fn review_shortcode_vars(
        &self,
        file: &str,
        call: &Call,
        diags: &mut Diagnostics,
    ) -> Option<Vec<(&'static str, serde_json::Value)>> {
        let reviews = &self.site.reviews;
        let shop = &self.config.shop.name;
        let arg = |k: &str| call.args.get(k).map(|v| v.as_text());
        if call.name == "review" {
            let Some(id) = arg("id") else {
                diags
                    .error(file, Some(call.span), "`review` needs the id of a review")
                    .help("write {{ review(id=\"r-2026-11-03-ana\") }} with an id from data/reviews.yaml");
                return None;
            };
            let Some(r) = reviews.all.iter().find(|r| r.id == id) else {
                let ids: Vec<&str> = reviews.all.iter().map(|r| r.id.as_str()).collect();
                let help = match crate::diag::suggest::nearest(&id, &ids) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None if ids.is_empty() => {
                        "data/reviews.yaml has no reviews yet (or none without errors)".to_string()
                    }
                    None => "use the `id:` of a review in data/reviews.yaml".to_string(),
                };
                diags.error(file, Some(call.span), format!("there is no review with id `{id}`")).help(help);
                return None;
            };
            return Some(vec![(
                "review",
                serde_json::to_value(review_view(&self.config.i18n, reviews, r, shop)).ok()?,
            )]);
        }
        let Some(name) = arg("product") else {
            diags
                .error(file, Some(call.span), "`reviews` needs a product")
                .help("write {{ reviews(product=\"wool cover\") }} with a `product:` from data/reviews.yaml");
            return None;
        };
        let slug = slugify(&name);
        let Some(p) = reviews.products.iter().find(|p| p.slug == slug) else {
            let names: Vec<&str> = reviews.products.iter().map(|p| p.name.as_str()).collect();
            let help = if names.is_empty() {
                "no review in data/reviews.yaml names a `product:` yet".to_string()
            } else {
                format!("the products reviews name are: {}", names.join(", "))
            };
            diags.error(file, Some(call.span), format!("no review is about product `{name}`")).help(help);
            return None;
        };
        let limit = match call.args.get("limit") {
            None => SHORTCODE_LIMIT,
            Some(v) => match v.as_text().parse::<usize>() {
                Ok(n) => n,
                Err(_) => {
                    diags
                        .error(file, Some(call.span), format!("`limit` must be a whole number, not `{}`", v.as_text()))
                        .help("for example limit=3");
                    return None;
                }
            },
        };
        let list: Vec<_> = p
            .reviews
            .iter()
            .take(limit)
            .map(|&i| review_view(&self.config.i18n, reviews, &reviews.all[i], shop))
            .collect();
        Some(vec![
            ("product", serde_json::to_value(product_view(&self.config.i18n, p, false)).ok()?),
            ("reviews", serde_json::to_value(list).ok()?),
        ])
    }
}
