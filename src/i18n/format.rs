//! Dates, hours, weekdays and plural categories from CLDR (ICU4X compiled
//! data, Gregorian calendar only). A bare `en` formats as international
//! English (`2 November 2026`, 24-hour clock), as shopstory always has;
//! `en-US` gets `November 2, 2026` and `6:00 PM`.

use super::I18n;
use crate::date::Date;
use icu_calendar::{Date as IcuDate, Gregorian};
use icu_datetime::fieldsets::{E, T, YM, YMD};
use icu_datetime::input::Time;
use icu_datetime::{FixedCalendarDateTimeFormatter, NoCalendarFormatter};
use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRules};

pub(super) struct Formats {
    plurals: Option<PluralRules>,
    long: Option<FixedCalendarDateTimeFormatter<Gregorian, YMD>>,
    short: Option<FixedCalendarDateTimeFormatter<Gregorian, YMD>>,
    weekday: Option<FixedCalendarDateTimeFormatter<Gregorian, E>>,
    month_year: Option<FixedCalendarDateTimeFormatter<Gregorian, YM>>,
    time: Option<NoCalendarFormatter<T>>,
}

/// The locale CLDR formats with: `en` alone means international English.
fn format_locale(tag: &str) -> Locale {
    let tag = if tag.eq_ignore_ascii_case("en") { "en-GB" } else { tag };
    Locale::try_from_str(tag).unwrap_or(icu_locale_core::locale!("en-GB"))
}

/// Whether `tag` is a well-formed BCP 47 tag.
pub fn is_valid_tag(tag: &str) -> bool {
    Locale::try_from_str(tag).is_ok()
}

impl Formats {
    pub(super) fn new(tag: &str) -> Formats {
        let locale = format_locale(tag);
        let plural_locale = Locale::try_from_str(tag).unwrap_or(icu_locale_core::locale!("en"));
        Formats {
            plurals: PluralRules::try_new_cardinal((&plural_locale).into()).ok(),
            long: FixedCalendarDateTimeFormatter::try_new((&locale).into(), YMD::long()).ok(),
            short: FixedCalendarDateTimeFormatter::try_new((&locale).into(), YMD::medium()).ok(),
            weekday: FixedCalendarDateTimeFormatter::try_new((&locale).into(), E::long()).ok(),
            month_year: FixedCalendarDateTimeFormatter::try_new((&locale).into(), YM::long()).ok(),
            time: NoCalendarFormatter::try_new((&locale).into(), T::hm()).ok(),
        }
    }

    pub(super) fn plural_category(&self, n: usize) -> &'static str {
        let Some(rules) = &self.plurals else { return if n == 1 { "one" } else { "other" } };
        match rules.category_for(n) {
            PluralCategory::Zero => "zero",
            PluralCategory::One => "one",
            PluralCategory::Two => "two",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        }
    }

    fn icu_date(d: Date) -> Option<IcuDate<Gregorian>> {
        IcuDate::try_new_gregorian(d.year, u8::try_from(d.month).ok()?, u8::try_from(d.day).ok()?).ok()
    }

    pub(super) fn date_long(&self, d: Date) -> String {
        match (&self.long, Self::icu_date(d)) {
            (Some(f), Some(date)) => f.format(&date).to_string(),
            _ => d.display(),
        }
    }

    pub(super) fn date_short(&self, d: Date) -> String {
        match (&self.short, Self::icu_date(d)) {
            (Some(f), Some(date)) => f.format(&date).to_string(),
            _ => d.to_string(),
        }
    }

    pub(super) fn month_year(&self, d: Date) -> String {
        match (&self.month_year, Self::icu_date(d)) {
            (Some(f), Some(date)) => f.format(&date).to_string(),
            _ => format!("{} {}", crate::date::MONTHS[d.month as usize - 1], d.year),
        }
    }

    pub(super) fn time(&self, hour: u32, minute: u32) -> Option<String> {
        let time = Time::try_new(u8::try_from(hour).ok()?, u8::try_from(minute).ok()?, 0, 0).ok()?;
        Some(self.time.as_ref()?.format(&time).to_string())
    }

    pub(super) fn weekday(&self, n: u32) -> String {
        // 2024-01-01 was a Monday.
        let date = Self::icu_date(Date { year: 2024, month: 1, day: n.clamp(1, 7) });
        match (&self.weekday, date) {
            (Some(f), Some(date)) => f.format(&date).to_string(),
            _ => String::new(),
        }
    }
}

const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

fn day_number(d: &str) -> Option<u32> {
    DAYS.iter().position(|x| *x == d).map(|i| i as u32 + 1)
}

/// `10:00` → the locale's hour; anything else as written.
fn clock(i18n: &I18n, t: &str) -> Option<String> {
    let (h, m) = t.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if h == 24 && m == 0 {
        return i18n.time(0, 0);
    }
    if h > 23 || m > 59 {
        return None;
    }
    i18n.time(h, m)
}

/// "Mo-Fr 10:00-18:00" → "Monday to Friday, 10:00–18:00" (in the site's language).
pub(super) fn hours(i18n: &I18n, h: &str) -> String {
    let Some((days, times)) = h.split_once(' ') else { return h.to_string() };
    if !days.split([',', '-']).all(|d| day_number(d).is_some()) {
        return h.to_string();
    }
    let day = |d: &str| day_number(d).map(|n| i18n.weekday(n)).unwrap_or_default();
    let days_text: Vec<String> = days
        .split(',')
        .map(|part| match part.split_once('-') {
            Some((a, b)) => super::fill(i18n.t("hours_range"), &[("from", &day(a)), ("to", &day(b))]),
            None => day(part),
        })
        .collect();
    let times_text: Vec<String> = times
        .split(',')
        .map(|range| match range.split_once('-') {
            Some((a, b)) => match (clock(i18n, a), clock(i18n, b)) {
                (Some(a), Some(b)) => format!("{a}–{b}"),
                _ => range.replace('-', "–"),
            },
            None => range.to_string(),
        })
        .collect();
    let mut text = format!("{}, {}", days_text.join(i18n.t("hours_and")), times_text.join(","));
    // A weekday that starts the line is written with a capital (`lundi` → `Lundi`).
    if let Some(first) = text.chars().next().filter(|c| c.is_lowercase()) {
        text = first.to_uppercase().collect::<String>() + &text[first.len_utf8()..];
    }
    text
}
