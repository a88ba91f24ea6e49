//! The settings of events in site.yaml: `shop.timezone` (an IANA time-zone
//! name, checked against the time-zone data built into shopstory, with the
//! nearest name suggested) and the `events:` section (`in_feed`, `home`,
//! `currency`). Part of stage 2 (parse): takes the parsed YAML, returns
//! settings and diagnostics; it never reads a file or the clock.

use super::super::yaml::Seg;
use super::parse::Ctx;
use super::{SiteConfig, CONFIG_FILE};
use serde::{Deserialize, Serialize};

/// `events:` in site.yaml.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventSettings {
    /// Whether the Atom feed carries events (newest published first).
    pub in_feed: bool,
    /// How many upcoming events the home page shows (0 for none).
    pub home: usize,
    /// The currency of events' prices (ISO 4217, `EUR`), unless an event says.
    pub currency: String,
}

impl Default for EventSettings {
    fn default() -> Self {
        EventSettings { in_feed: false, home: 3, currency: "EUR".into() }
    }
}

/// The time zone events are in when `shop.timezone` is not set.
pub const DEFAULT_TIMEZONE: &str = "UTC";

/// Is this an ISO 4217 currency code's shape (three capital letters)?
pub fn is_currency(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// `shop.timezone`: a name the built-in time-zone data knows, or an error
/// at its line naming the nearest one (the setting then stays unset).
pub(super) fn timezone(config: &mut SiteConfig, ctx: &mut Ctx<'_, '_>) {
    let Some(name) = config.shop.timezone.clone() else { return };
    if jiff::tz::TimeZone::get(&name).is_ok() {
        return;
    }
    let span =
        ctx.region.span(&[Seg::Key("shop"), Seg::Key("timezone")]).or_else(|| ctx.region.span(&[Seg::Key("shop")]));
    let names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let help = match nearest_zone(&name, &refs) {
        Some(near) => format!(
            "did you mean `{near}`? Write the time zone's IANA name, such as `Europe/Paris` or `America/New_York`"
        ),
        None => "write the time zone's IANA name, such as `Europe/Paris` or `America/New_York`".to_string(),
    };
    ctx.diags.error(CONFIG_FILE, span, format!("shop.timezone `{name}` is not a time zone")).help(help);
    config.shop.timezone = None;
}

/// The zone name nearest to `name`: by edit distance of the whole name,
/// else of the city alone (`Pairs` → `Europe/Paris`).
fn nearest_zone<'a>(name: &str, names: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase().replace(' ', "_");
    if let Some(exact) = names.iter().find(|n| n.to_ascii_lowercase() == lower) {
        return Some(exact);
    }
    let city = |n: &str| n.rsplit('/').next().unwrap_or(n).to_ascii_lowercase();
    let wanted = city(&lower);
    names
        .iter()
        .map(|n| {
            let whole = crate::diag::suggest::distance(&lower, &n.to_ascii_lowercase());
            let by_city = crate::diag::suggest::distance(&wanted, &city(n));
            (whole.min(by_city), *n)
        })
        .filter(|(d, _)| *d <= 3.max(wanted.len() / 3))
        .min()
        .map(|(_, n)| n)
}

/// `events:`: the feed switch, the home page's count and the currency.
pub(super) fn events(config: &mut SiteConfig, ctx: &mut Ctx<'_, '_>) {
    let region = ctx.region;
    if let Some(e) = ctx.section::<EventSettings>("events") {
        if !is_currency(&e.currency) {
            let span = region.span(&[Seg::Key("events"), Seg::Key("currency")]);
            ctx.diags
                .error(CONFIG_FILE, span, format!("events.currency `{}` is not a currency code", e.currency))
                .help("write the three-letter ISO 4217 code in capitals, such as EUR, USD or GBP");
        } else {
            config.events = e;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_zone_finds_misspelt_cities() {
        let names = ["Europe/Paris", "Europe/Berlin", "America/New_York", "UTC"];
        assert_eq!(nearest_zone("Europe/Pairs", &names), Some("Europe/Paris"));
        assert_eq!(nearest_zone("europe/berlin", &names), Some("Europe/Berlin"));
        assert_eq!(nearest_zone("America/New York", &names), Some("America/New_York"));
        assert_eq!(nearest_zone("Mars/Olympus", &names), None);
    }
}
