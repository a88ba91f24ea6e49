use super::*;

fn lang(tag: &str) -> I18n {
    I18n::new(tag, &BTreeMap::new())
}

const NOV_2: Date = Date { year: 2026, month: 11, day: 2 };

#[test]
fn dates_are_cldr_long_and_medium_dates() {
    let long: Vec<(&str, String)> = ["en", "en-GB", "en-US", "de", "fr", "es", "pt-BR", "pl", "cs", "fi"]
        .iter()
        .map(|t| (*t, lang(t).date_long(NOV_2)))
        .collect();
    let expected = [
        ("en", "2 November 2026"),
        ("en-GB", "2 November 2026"),
        ("en-US", "November 2, 2026"),
        ("de", "2. November 2026"),
        ("fr", "2 novembre 2026"),
        ("es", "2 de noviembre de 2026"),
        ("pt-BR", "2 de novembro de 2026"),
        ("pl", "2 listopada 2026"),
        ("cs", "2. listopadu 2026"),
        ("fi", "2. marraskuuta 2026"),
    ];
    assert_eq!(long, expected.map(|(t, s)| (t, s.to_string())));
    assert_eq!(lang("en").date_short(NOV_2), "2 Nov 2026");
    assert_eq!(lang("de").date_short(NOV_2), "02.11.2026");
    assert_eq!(lang("en-US").date_short(NOV_2), "Nov 2, 2026");
}

#[test]
fn english_stays_as_it_was() {
    let en = lang("en");
    assert_eq!(en.date_long(NOV_2), NOV_2.display());
    assert_eq!(en.hours("Mo-Fr 10:00-18:00"), "Monday to Friday, 10:00–18:00");
    assert_eq!(en.hours("Sa,Su 09:00-17:00"), "Saturday and Sunday, 09:00–17:00");
    assert_eq!(en.hours("by appointment"), "by appointment");
    assert_eq!(en.og_locale(), "en");
    // The one change: CLDR's international English abbreviates September
    // as "Sept" (the hand-written table said "Sep").
    assert_eq!(en.date_short(Date { year: 2026, month: 9, day: 5 }), "5 Sept 2026");
}

#[test]
fn hours_use_the_locale_clock() {
    assert_eq!(lang("en-US").hours("Mo-Fr 10:00-18:00"), "Monday to Friday, 10:00\u{202f}AM–6:00\u{202f}PM");
    assert_eq!(lang("en-GB").hours("Mo-Fr 10:00-18:00"), "Monday to Friday, 10:00–18:00");
    assert_eq!(lang("de").hours("Mo-Fr 10:00-18:00"), "Montag bis Freitag, 10:00–18:00");
    assert_eq!(lang("de").hours("Sa,Su 09:00-17:00"), "Samstag und Sonntag, 09:00–17:00");
    assert_eq!(lang("fr").hours("Mo-Fr 10:00-18:00"), "Lundi au vendredi, 10:00–18:00");
    assert_eq!(lang("fr-CA").hours("Sa 09:00-17:00"), "Samedi, 09 h 00–17 h 00");
    assert_eq!(lang("de").hours("Mo-Fr 10:00-12:00,14:00-18:00"), "Montag bis Freitag, 10:00–12:00,14:00–18:00");
}

#[test]
fn plurals_follow_cldr_categories() {
    let pl = lang("pl");
    let forms: Vec<String> = [1, 2, 5, 22, 25, 112].iter().map(|n| pl.plural("reviews_count", *n, &[])).collect();
    assert_eq!(forms, ["1 opinia", "2 opinie", "5 opinii", "22 opinie", "25 opinii", "112 opinii"]);
    let cs = lang("cs");
    let forms: Vec<String> = [1, 3, 5].iter().map(|n| cs.plural("reviews_count", *n, &[])).collect();
    assert_eq!(forms, ["1 recenze", "3 recenze", "5 recenzí"]);
    let en = lang("en");
    assert_eq!([en.plural("reviews_count", 1, &[]), en.plural("reviews_count", 14, &[])], ["1 review", "14 reviews"]);
    assert_eq!(lang("fr").plural("reviews_count", 0, &[]), "0 avis");
    assert_eq!(en.plural_words("posts_count", 3), "posts");
}

#[test]
fn placeholders_are_filled_once() {
    assert_eq!(
        fill("{title}, page {n} of {total}", &[("title", "Page {n}"), ("n", "2"), ("total", "5")]),
        "Page {n}, page 2 of 5"
    );
    assert_eq!(fill("{unknown} {n}", &[("n", "1")]), "{unknown} 1");
    assert_eq!(fill("{", &[]), "{");
}

#[test]
fn locale_facts_follow_the_tag() {
    assert_eq!(lang("de").og_locale(), "de_DE");
    assert_eq!(lang("pt-BR").og_locale(), "pt_BR");
    assert_eq!(lang("fr-CA").og_locale(), "fr_CA");
    assert_eq!((lang("ar").dir(), lang("he-IL").dir(), lang("de").dir()), ("rtl", "rtl", "ltr"));
    assert_eq!(lang("de").decimal("4.5"), "4,5");
    assert_eq!(lang("en").decimal("4.5"), "4.5");
}

/// The placeholders (`{name}`) of a text, sorted.
fn placeholders(text: &str) -> Vec<String> {
    let mut out: Vec<String> =
        text.split('{').skip(1).filter_map(|p| p.split_once('}')).map(|(name, _)| name.to_string()).collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_built_in_table_is_complete_and_keeps_the_placeholders() {
    let english = tables::table("en").expect("the English table parses");
    for (code, _) in BUILT_IN {
        let table = tables::table(code).unwrap_or_else(|| panic!("the `{code}` table does not parse"));
        let keys: Vec<&String> = table.keys().collect();
        assert_eq!(keys, english.keys().collect::<Vec<_>>(), "`{code}` has other keys than English");
        let i18n = lang(code);
        for (key, en_text) in &english {
            let (en_forms, forms): (Vec<&String>, Vec<(String, &String)>) = match (en_text, &table[key]) {
                (Text::Plain(e), Text::Plain(t)) => (vec![e], vec![("plain".into(), t)]),
                (Text::Plural(e), Text::Plural(t)) => {
                    // Every category the language uses has its form.
                    for n in 0..200 {
                        let category = i18n.0.formats.plural_category(n);
                        assert!(t.contains_key(category), "`{code}` `{key}` lacks `{category}` (for {n})");
                    }
                    (e.values().collect(), t.iter().map(|(c, s)| (c.clone(), s)).collect())
                }
                _ => panic!("`{code}` `{key}` is not of the same kind as in English"),
            };
            let expected = placeholders(en_forms[en_forms.len() - 1]);
            for (category, text) in forms {
                let mut have = placeholders(text);
                // A singular may spell out its one ("eine Bewertung").
                if category == "one" && !expected.is_empty() && expected.contains(&"n".to_string()) {
                    have.retain(|p| p != "n");
                    let mut want = expected.clone();
                    want.retain(|p| p != "n");
                    assert_eq!(have, want, "`{code}` `{key}` ({category}): {text}");
                } else {
                    assert_eq!(have, expected, "`{code}` `{key}` ({category}): {text}");
                }
            }
        }
    }
}

fn overrides(file: &str, text: &str, tag: &str) -> (BTreeMap<String, Text>, String) {
    let mut diags = Diagnostics::new();
    let files = BTreeMap::from([(file.to_string(), Arc::from(text))]);
    let out = parse_overrides(&files, tag, &mut diags);
    (out, crate::diag::render::all_to_text(&diags))
}

#[test]
fn a_site_file_overrides_and_an_unknown_key_gets_a_suggestion() {
    let (out, report) = overrides("i18n/de.yaml", "read_our_blog: Zum Blog\nread_our_blgo: x\n", "de");
    assert_eq!(out.get("read_our_blog"), Some(&Text::Plain("Zum Blog".into())));
    assert!(report.contains("i18n/de.yaml:2:1"), "{report}");
    assert!(report.contains("did you mean `read_our_blog`?"), "{report}");
    let de = I18n::new("de", &out);
    assert_eq!(de.t("read_our_blog"), "Zum Blog");
    assert_eq!(de.t("nav_team"), "Team");
}

#[test]
fn a_language_without_a_table_warns_about_each_missing_key() {
    let (out, report) = overrides("i18n/ga.yaml", "nav_blog: Blag\n", "ga");
    assert_eq!(out.len(), 1);
    assert!(report.contains("warning"), "{report}");
    assert!(report.contains("translation keys are missing, so English shows for them"), "{report}");
    let ga = I18n::new("ga", &out);
    assert_eq!((ga.t("nav_blog"), ga.t("nav_team")), ("Blag", "Team"));
    let (_, report) = overrides("i18n/other.yaml", "", "ga");
    assert!(report.contains("no built-in translation for `ga`"), "{report}");
}
