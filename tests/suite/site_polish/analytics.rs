//! Item 6: analytics are off by default (no page names another site in a
//! script), and `analytics: { plausible: ... }` or `{ goatcounter: ... }`
//! adds exactly its one script to every page; a value that is not a domain
//! or a code is an error at its line.

use super::{cafe, SITE_YAML};
use crate::harness::tree;

fn scripts(html: &str) -> Vec<&str> {
    html.match_indices("<script").map(|(i, _)| &html[i..i + html[i..].find('>').unwrap() + 1]).collect()
}

fn pages(site: &crate::harness::SiteTest) -> Vec<(String, String)> {
    tree(&site.public())
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

#[test]
fn no_analytics_unless_the_owner_asks() {
    let site = cafe();
    site.build_ok();
    for (path, html) in pages(&site) {
        for s in scripts(&html) {
            assert!(!s.contains("src=\"http") && !s.contains("src=\"//"), "{path}: {s}");
        }
    }
}

#[test]
fn plausible_or_goatcounter_add_their_one_script_to_every_page() {
    let site = cafe();
    site.write("site.yaml", &format!("{SITE_YAML}analytics: {{ plausible: cafe.example }}\n"));
    site.build_ok();
    let all = pages(&site);
    assert!(all.len() > 8);
    for (path, html) in &all {
        let third_party: Vec<&str> = scripts(html).into_iter().filter(|s| s.contains("https://")).collect();
        assert_eq!(
            third_party,
            ["<script defer data-domain=\"cafe.example\" src=\"https://plausible.io/js/script.js\">"],
            "{path}"
        );
    }
    site.write("site.yaml", &format!("{SITE_YAML}analytics:\n  goatcounter: cafe-manana\n"));
    site.build_ok();
    for (path, html) in &pages(&site) {
        let third_party: Vec<&str> = scripts(html).into_iter().filter(|s| s.contains("https://")).collect();
        assert_eq!(
            third_party,
            ["<script data-goatcounter=\"https://cafe-manana.goatcounter.com/count\" async src=\"https://gc.zgo.at/count.js\">"],
            "{path}"
        );
    }
}

#[test]
fn a_bad_analytics_value_is_an_error_at_its_line() {
    let site = cafe();
    site.write(
        "site.yaml",
        &format!("{SITE_YAML}analytics:\n  plausible: https://cafe.example/\n  goatcounter: \"Café\"\n  matomo: x\n"),
    );
    let run = site.build();
    assert_eq!(run.code, 1);
    for expected in [
        "error: analytics.plausible `https://cafe.example/` cannot be used\n  --> site.yaml:13:14",
        "= help: write the domain of the site as Plausible knows it, without https:// or a path, such as `myshop.example`",
        "error: analytics.goatcounter `Café` cannot be used\n  --> site.yaml:14:16",
        "error: unknown key `matomo` in analytics\n  --> site.yaml:15:3",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n---\n{}", run.stderr);
    }
}
