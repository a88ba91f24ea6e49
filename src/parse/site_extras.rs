//! Part of stage 2 (parse): the site.yaml settings of the site's polish
//! (issue 17): `shop.hours` checked against what schema.org's
//! `openingHours` can say, and `analytics:` (off unless set). Takes the
//! parsed YAML of site.yaml and returns checked values; a value it cannot
//! use is an error at its line with the form expected, and is left out, so
//! that nothing invalid ever reaches the JSON-LD or a `<script>`. No I/O.

use super::yaml::{Mapping, Region, Seg, Value};
use crate::diag::Diagnostics;
use serde::Serialize;

/// `analytics:`: the one third-party request an owner may choose. Both
/// may be set (moving from one to the other); neither is the default.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Analytics {
    /// Plausible's site domain (`myshop.example`).
    pub plausible: Option<String>,
    /// GoatCounter's site code (`myshop` of `myshop.goatcounter.com`).
    pub goatcounter: Option<String>,
}

const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// Whether `h` is an `openingHours` value: days (`Mo-Fr`, `Sa`, `Mo,We,Fr`,
/// `Mo-We,Fr`) then a space then 24-hour time ranges (`10:00-18:00`,
/// `10:00-12:00,14:00-18:00`).
pub fn is_opening_hours(h: &str) -> bool {
    let Some((days, times)) = h.split_once(' ') else { return false };
    let day_ok = |d: &str| DAYS.contains(&d);
    let days_ok = days.split(',').all(|part| match part.split_once('-') {
        Some((a, b)) => day_ok(a) && day_ok(b),
        None => day_ok(part),
    });
    let time_ok = |t: &str| {
        let b = t.as_bytes();
        b.len() == 5
            && b[2] == b':'
            && t[..2].parse::<u32>().is_ok_and(|h| h <= 24)
            && t[3..].parse::<u32>().is_ok_and(|m| m < 60)
            && t[..2].bytes().chain(t[3..].bytes()).all(|c| c.is_ascii_digit())
    };
    let times_ok = times.split(',').all(|range| match range.split_once('-') {
        Some((a, b)) => time_ok(a) && time_ok(b),
        None => false,
    });
    days_ok && times_ok
}

/// Keeps the hours `openingHours` can express; each other one is an error
/// at its line of site.yaml.
pub fn check_hours(hours: &mut Vec<String>, region: &Region<'_>, diags: &mut Diagnostics) {
    let mut index = 0;
    hours.retain(|h| {
        let ok = is_opening_hours(h);
        if !ok {
            let span = region
                .span(&[Seg::Key("shop"), Seg::Key("hours"), Seg::Index(index)])
                .or_else(|| region.span(&[Seg::Key("shop"), Seg::Key("hours")]));
            diags
                .error(region.file, span, format!("shop.hours `{}` is not in the form `Mo-Fr 10:00-18:00`", h.escape_debug()))
                .help("write the days as Mo Tu We Th Fr Sa Su (a range with `-`, a list with `,`), a space, then 24-hour times: \"Tu-Fr 10:00-18:00\", \"Sa 09:00-12:00,13:00-16:00\"; one line per group of days");
        }
        index += 1;
        ok
    });
}

/// Reads `analytics:` (the top-level map of site.yaml is `map`).
pub fn parse_analytics(map: &Mapping, region: &Region<'_>, diags: &mut Diagnostics) -> Analytics {
    let mut out = Analytics::default();
    let Some(Value::Mapping(section)) = map.get("analytics") else {
        if map.get("analytics").is_some_and(|v| !matches!(v, Value::Null)) {
            diags
                .error(region.file, region.span(&[Seg::Key("analytics")]), "`analytics` must be a group of settings")
                .help("write `analytics: { plausible: myshop.example }` or `analytics: { goatcounter: myshop }`");
        }
        return out;
    };
    region.check_keys(diags, section, &[Seg::Key("analytics")], super::config::keys_of("analytics"), "analytics");
    let mut read = |key: &str, ok: fn(&str) -> bool, help: &str| -> Option<String> {
        let value = section.get(key)?;
        let text = match value {
            Value::String(s) => s.trim().to_string(),
            Value::Null => return None,
            _ => String::new(),
        };
        if ok(&text) {
            return Some(text);
        }
        let span =
            region.span(&[Seg::Key("analytics"), Seg::Key(key)]).or_else(|| region.span(&[Seg::Key("analytics")]));
        diags.error(region.file, span, format!("analytics.{key} `{}` cannot be used", text.escape_debug())).help(help);
        None
    };
    out.plausible = read(
        "plausible",
        is_domain,
        "write the domain of the site as Plausible knows it, without https:// or a path, such as `myshop.example`",
    );
    out.goatcounter = read(
        "goatcounter",
        |c| {
            !c.is_empty()
                && c.len() <= 50
                && c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        },
        "write the code of your GoatCounter site: `myshop` for https://myshop.goatcounter.com",
    );
    out
}

fn is_domain(d: &str) -> bool {
    d.contains('.')
        && d.len() <= 253
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_hours_accept_what_json_ld_expresses() {
        for ok in ["Mo-Fr 10:00-18:00", "Sa 09:00-17:00", "Mo,We,Fr 08:30-12:00", "Mo-We,Fr 10:00-12:00,14:00-18:00"] {
            assert!(is_opening_hours(ok), "{ok}");
        }
        for bad in [
            "Tue-Fri 10am-6pm",
            "Mo-Fr",
            "Mo-Fr 10-18",
            "by appointment",
            "Mo-Fr 10:00 18:00",
            "mo-fr 10:00-18:00",
            "Mo-Fr 25:00-26:00",
        ] {
            assert!(!is_opening_hours(bad), "{bad}");
        }
    }

    #[test]
    fn analytics_domains_and_codes() {
        assert!(is_domain("myshop.example"));
        assert!(!is_domain("https://myshop.example"));
        assert!(!is_domain("myshop"));
        assert!(!is_domain("my shop.example"));
    }
}
