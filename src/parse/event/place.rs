//! Part of stage 2 (parse): where an event happens (`location:` or
//! `online:`) and what its `price:` says, from its front matter. Returns
//! values and reports mistakes at their line through `Fields`; no I/O.

use super::super::yaml::{scalar, Seg, Value};
use super::{Fields, Location};

/// A price as a plain decimal (`25`, `12.50`), or `None`.
pub(super) fn amount(p: &str) -> Option<String> {
    let p = p.trim();
    let (whole, frac) = p.split_once('.').unwrap_or((p, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    Some(match frac.len() {
        0 => whole.to_string(),
        1 => format!("{whole}.{frac}0"),
        _ if frac == "00" => whole.to_string(),
        _ => format!("{whole}.{frac}"),
    })
}

/// `location:` (a place's name, or a group with `name` and an address) or
/// `online: <url>`; neither is the shop.
pub(super) fn location(f: &mut Fields<'_, '_>) -> Location {
    let online = f.web_address("online");
    let place = match f.map.get("location") {
        None | Some(Value::Null) => None,
        Some(Value::Mapping(m)) => {
            let keys = ["name", "street", "city", "region", "postal_code", "country"];
            f.region.check_keys(f.diags, m, &[Seg::Key("location")], &keys, "`location`");
            let get = |k: &str| m.get(k).and_then(|v| scalar(v).ok().flatten()).unwrap_or_default();
            let address = crate::parse::config::Address {
                street: get("street"),
                city: get("city"),
                region: get("region"),
                postal_code: get("postal_code"),
                country: get("country"),
            };
            let has_address = !(address.street.is_empty() && address.city.is_empty());
            Some(Location::Place { name: get("name"), address: has_address.then_some(address) })
        }
        Some(_) => f.text("location").map(|name| Location::Place { name, address: None }),
    };
    match (place, online) {
        (Some(_), Some(url)) => {
            f.error(
                "online",
                "this event has both a `location` and `online`",
                "keep one: where it happens, or its online address",
            );
            Location::Online(url)
        }
        (Some(p), None) => p,
        (None, Some(url)) => Location::Online(url),
        (None, None) => Location::Shop,
    }
}
