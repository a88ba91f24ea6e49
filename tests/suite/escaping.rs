//! Owner text that looks like markup stays text in every context: element
//! content, attributes, JSON-LD and the feed.

use crate::harness::SiteTest;

const NASTY: &str = "Tea </script><script>alert(1)</script> \"quoted\" {{ site.title }} & 'co'";

fn json_ld_blocks(html: &str) -> Vec<serde_json::Value> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| serde_json::from_str(&rest[..rest.find("</script>").unwrap()]).expect("JSON-LD parses"))
        .collect()
}

#[test]
fn titles_descriptions_and_names_stay_text_everywhere() {
    let site = SiteTest::fixture("basic");
    let yaml = format!("- id: ada\n  name: {NASTY:?}\n  role: {NASTY:?}\n  bio: {NASTY:?}\n");
    site.write("data/staff.yaml", &yaml);
    site.write(
        "content/posts/2026-11-03-nasty.md",
        &format!("---\ntitle: {NASTY:?}\ndescription: {NASTY:?}\ntags: [\"<b>bold</b>\"]\nauthor: ada\n---\nBody.\n"),
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in
        ["public/blog/nasty/index.html", "public/staff/ada/index.html", "public/index.html", "public/blog/index.html"]
    {
        let html = site.read(page);
        // No element or attribute was injected.
        assert!(!html.contains("<script>alert(1)"), "{page}: script injected");
        assert!(!html.contains("<b>bold</b>"), "{page}: tag name injected as markup");
        // Quotes in attributes are escaped (the meta description and og tags).
        assert!(!html.contains("content=\"Tea </script>"), "{page}");
        // `{{ }}` is shown, not evaluated.
        assert!(html.contains("{{ site.title }}"), "{page}: template syntax in data was evaluated");
        // The JSON-LD blocks parse and carry the text exactly.
        let blocks = json_ld_blocks(&html);
        assert!(!blocks.is_empty(), "{page}: no JSON-LD");
        let all = serde_json::to_string(&blocks).unwrap();
        assert!(
            all.contains("</script><script>alert(1)</script>")
                || page.ends_with("blog/index.html")
                || page == "public/index.html",
            "{page}: {all}"
        );
    }
    let feed = site.read("public/feed.xml");
    assert!(feed.contains("<title>Tea &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; {{ site.title }} &amp; &apos;co&apos;</title>"), "{feed}");
}
