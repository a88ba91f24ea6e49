//! Shortcodes, resolved: each call is checked and rendered through the
//! theme's `shortcodes/<name>.html` template, with the call's arguments as
//! the template's variables. A site adds its own shortcode by adding such a
//! template. Built-in shortcodes that need site data (videos, moments,
//! reviews) prepare that data here before their template runs.

use super::video::VIDEO_SHORTCODES;
use super::Linker;
use crate::diag::Diagnostics;
use crate::markdown::shortcodes::Call;
use crate::theme::tera_error_text;

impl Linker<'_> {
    /// Every shortcode name this site knows: the `shortcodes/*.html` templates.
    pub(super) fn known_shortcodes(&self) -> Vec<String> {
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
