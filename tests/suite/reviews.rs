//! Reviews (issue 5): the review pages, their JSON-LD, the shortcodes, and
//! `import reviews` on the `reviews` fixture (4 reviews: 5, 4.5, 3 and 4
//! stars; products Wool and Tea; 2 per page).

use crate::harness::{json_ld, tree, SiteTest};
use serde_json::Value;

/// The text of the first element with this class (up to the next tag).
fn text_of(html: &str, class: &str) -> String {
    let marker = format!("class=\"{class}\">");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no .{class}")) + marker.len();
    html[start..start + html[start..].find('<').unwrap()].to_string()
}

/// What a listing shows: average, count, and the ids of its reviews.
fn shown(html: &str) -> (String, usize, Vec<String>) {
    let average = text_of(html, "rating-average");
    let count: usize = text_of(html, "rating-count").split(' ').next().unwrap().parse().unwrap();
    let ids = html
        .split("<article class=\"review")
        .skip(1)
        .filter_map(|s| s.split_once(" id=\"").map(|(_, rest)| rest[..rest.find('"').unwrap()].to_string()))
        .collect();
    (average, count, ids)
}

/// The aggregate a JSON-LD block carries, formatted as the page formats it.
fn carried(ld: &Value) -> (String, usize, Vec<String>) {
    let agg = &ld["aggregateRating"];
    assert_eq!((&agg["bestRating"], &agg["worstRating"]), (&Value::from(5), &Value::from(1)));
    let average = format!("{:.1}", agg["ratingValue"].as_f64().expect("a number"));
    let count = agg["ratingCount"].as_u64().unwrap() as usize;
    let ids = ld["review"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["@id"].as_str().unwrap().rsplit('#').next().unwrap().to_string())
        .collect();
    (average, count, ids)
}

#[test]
fn review_pages_show_what_their_json_ld_says() {
    let site = SiteTest::fixture("reviews");
    site.build_ok();
    let files: Vec<String> = tree(&site.public()).into_keys().filter(|p| p.starts_with("reviews/")).collect();
    assert_eq!(
        files,
        ["reviews/index.html", "reviews/page/2/index.html", "reviews/tea/index.html", "reviews/wool/index.html"]
    );

    // (page, type, average, count, reviews on the page, newest first)
    let expected = [
        ("reviews/index.html", "LocalBusiness", "4.1", 4, vec!["r-2026-11-20-ana", "r-2026-11-02-bo"]),
        ("reviews/page/2/index.html", "LocalBusiness", "4.1", 4, vec!["r-2026-10-15-cy", "r-2026-09-01-di"]),
        ("reviews/tea/index.html", "Product", "4.3", 2, vec!["r-2026-11-02-bo", "r-2026-09-01-di"]),
        ("reviews/wool/index.html", "Product", "5.0", 1, vec!["r-2026-11-20-ana"]),
    ];
    for (page, kind, average, count, ids) in expected {
        let html = site.read(&format!("public/{page}"));
        let ld = json_ld(&html);
        assert_eq!(ld["@type"], kind, "{page}");
        let on_page = shown(&html);
        assert_eq!(on_page, (average.to_string(), count, ids.iter().map(|s| s.to_string()).collect()), "{page} shows");
        assert_eq!(carried(&ld), on_page, "{page}: JSON-LD and page differ");
    }

    let first = site.read("public/reviews/index.html");
    let ld = json_ld(&first);
    assert_eq!(ld["@id"], "https://tea-and-thread.example/#shop");
    let ana = &ld["review"][0];
    assert_eq!(ana["author"]["name"], "Ana P.");
    assert_eq!(ana["datePublished"], "2026-11-20");
    assert_eq!(ana["reviewRating"]["ratingValue"], 5);
    assert_eq!(ana["reviewBody"], "Friendly help choosing a wool. <script>alert(1)</script>");
    assert_eq!(ld["review"][1]["reviewRating"]["ratingValue"], 4.5);
    // Customer text is shown, never run: raw HTML becomes text.
    assert!(!first.contains("<script>alert"), "raw HTML from a review reached the page");
    assert!(first.contains("Friendly help choosing a <em>wool</em>. &lt;script&gt;alert(1)&lt;/script&gt;"));
    // Stars have a text equivalent, halves included.
    assert!(first.contains("<span class=\"visually-hidden\">4.5 out of 5 stars</span>"));
    assert!(first.contains("<span class=\"star star-half\">★</span>"));
    // The owner's reply, set apart; the distribution; pagination.
    assert!(first.contains("<p class=\"review-reply-by\">Reply from Tea &amp; Thread · <time datetime=\"2026-11-21\">21 November 2026</time></p>"));
    assert!(first.contains("<span class=\"rating-bar-label\">4 stars</span><span class=\"rating-bar\" aria-hidden=\"true\"><span style=\"width:50%\"></span></span><span class=\"rating-bar-count\">2<"));
    assert!(first.contains("href=\"/reviews/page/2/\" rel=\"next\""));
    assert!(first.contains("<a href=\"/reviews/\" aria-current=\"page\">Reviews</a>"), "nav link");
    assert!(site.read("public/sitemap.xml").contains("<loc>https://tea-and-thread.example/reviews/tea/</loc>"));
}

#[test]
fn home_carries_the_same_aggregate_and_highlights() {
    let site = SiteTest::fixture("reviews");
    site.build_ok();
    let home = site.read("public/index.html");
    let ld = json_ld(&home);
    assert_eq!(ld["@type"], "LocalBusiness");
    assert_eq!(ld["aggregateRating"]["ratingValue"], 4.1);
    assert_eq!(ld["aggregateRating"]["reviewCount"], 4);
    assert!(home.contains("<strong>4.1</strong> out of 5 from 4 reviews"));
    // The newest reviews of four stars or more, as many as `reviews.home`.
    let highlighted: Vec<&str> =
        ["Ana P.", "Bo", "Cy", "Di"].into_iter().filter(|a| home.contains(&format!("review-author\">{a}<"))).collect();
    assert_eq!(highlighted, ["Ana P.", "Bo"]);
}

#[test]
fn shortcodes_embed_a_review_and_a_products_reviews() {
    let site = SiteTest::fixture("reviews");
    site.build_ok();
    let post = site.read("public/blog/kind-words/index.html");
    assert!(post.contains("<figure class=\"review-embed\">"), "{post}");
    assert!(post.contains("<a href=\"/reviews/#r-2026-11-20-ana\">"));
    assert!(post.contains("<strong>4.3</strong> out of 5 from 2 reviews"));
    assert!(
        post.contains("review-author\">Bo<") && !post.contains("review-author\">Di<"),
        "limit=1 shows the newest Tea review only"
    );

    site.write(
        "content/posts/2026-11-21-kind-words.md",
        "---\ntitle: Kind words\n---\n{{ review(id=\"r-2026-11-20-anna\") }}\n\n{{ reviews(product=\"coffee\") }}\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "error: there is no review with id `r-2026-11-20-anna`\n --> content/posts/2026-11-21-kind-words.md:4:1"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `r-2026-11-20-ana`?"), "{}", run.stderr);
    assert!(run.stderr.contains("no review is about product `coffee`"), "{}", run.stderr);
    assert!(run.stderr.contains("the products reviews name are: Tea, Wool"), "{}", run.stderr);
}

#[test]
fn bad_reviews_are_errors_with_file_line_and_field() {
    let site = SiteTest::fixture("reviews");
    site.write(
        "data/reviews.yaml",
        "- id: a\n  author: Ana\n  rating: 7\n  date: 2026-11-01\n  text: Hi\n- id: b\n  author: Bo\n  rating: 5\n  date: 2026-11-01\n- id: c\n  author: Cy\n  rating: 4\n  date: 2027-01-05\n  text: From the future\n- id: a\n  author: Di\n  rating: 4\n  date: 2026-11-01\n  text: Twice\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for needle in [
        "error: review `a`: rating 7 is out of range\n --> data/reviews.yaml:3:11",
        "error: review `c`: `date` 2027-01-05 is in the future (today is 2026-11-22)\n  --> data/reviews.yaml:13:9",
        "error: review id `a` is used twice (entries 1 and 4)\n  --> data/reviews.yaml:15:7",
    ] {
        assert!(run.stderr.contains(needle), "lacks {needle:?} in\n{}", run.stderr);
    }
}

#[test]
fn import_adds_new_reviews_once_and_keeps_the_file_as_it_was() {
    let site = SiteTest::fixture("reviews");
    let before = site.read("data/reviews.yaml");

    let run = site.run(&["import", "reviews", "import.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "data/reviews.yaml: 2 added, 1 already there (--verbose lists them)\n");
    let after = site.read("data/reviews.yaml");
    assert!(after.starts_with(&before), "the existing bytes changed");
    assert_eq!(
        &after[before.len()..],
        "\n- id: r-2026-11-18-eve\n  author: \"Eve\"\n  rating: 5\n  date: 2026-11-18\n  text: \"Warm shop, \\\"best\\\" chai,\\nand kind people\"\n  response: \"Thanks Eve!\"\n\n- id: r-2026-11-19-fay\n  author: \"Fay\"\n  rating: 4\n  date: 2026-11-19\n  text: \"Lovely yarn.\"\n"
    );

    // The same file again: nothing new, nothing written.
    let run = site.run(&["import", "reviews", "import.csv", "--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.ends_with("data/reviews.yaml: 0 added, 3 already there\n"), "{}", run.stderr);
    assert!(
        run.stderr.contains("import.csv:3: skipped: review `r-2026-11-18-eve` has the same author, date and text"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("data/reviews.yaml"), after);

    // And the site builds with them.
    site.build_ok();
    let html = site.read("public/reviews/page/2/index.html");
    assert_eq!(
        shown(&html),
        ("4.3".to_string(), 6, vec!["r-2026-11-18-eve".to_string(), "r-2026-11-02-bo".to_string()])
    );
    assert!(html.contains("Warm shop, “best” chai,\nand kind people"));
}

#[test]
fn a_bad_row_is_reported_with_its_line_and_nothing_is_written() {
    let site = SiteTest::fixture("reviews");
    let before = site.read("data/reviews.yaml");
    let run = site.run(&["import", "reviews", "bad.csv"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error: line 3: rating `7` is not from 1 to 5 in whole or half stars\n --> bad.csv:3:5"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.ends_with("nothing was imported; data/reviews.yaml is unchanged\n"), "{}", run.stderr);
    assert_eq!(site.read("data/reviews.yaml"), before);
    let leftovers: Vec<String> = tree(&site.root.join("data")).into_keys().collect();
    assert_eq!(leftovers, ["reviews.yaml"]);
}

#[test]
fn a_rating_without_text_counts_everywhere_and_is_shown_compactly() {
    let site = SiteTest::fixture("reviews");
    let yaml = site.read("data/reviews.yaml")
        + "\n- id: r-2026-11-10-eve\n  author: Eve\n  rating: 2\n  date: 2026-11-10\n  product: Tea\n  source: google\n";
    site.write("data/reviews.yaml", &yaml);
    site.build_ok();
    // Tea: 4.5 + 4 + 2 = 10.5 / 3 = 3.5 (two per page).
    let tea = site.read("public/reviews/tea/index.html");
    assert_eq!(shown(&tea), ("3.5".to_string(), 3, vec!["r-2026-11-10-eve".into(), "r-2026-11-02-bo".into()]));
    let ld = json_ld(&tea);
    assert_eq!(carried(&ld), shown(&tea));
    assert_eq!((&ld["aggregateRating"]["ratingCount"], &ld["aggregateRating"]["reviewCount"]), (&3.into(), &2.into()));
    let eve = &ld["review"][0];
    assert_eq!((eve["author"]["name"].as_str(), eve.get("reviewBody")), (Some("Eve"), None));
    assert_eq!(eve["reviewRating"]["ratingValue"], 2);
    let article =
        &tea[tea.find("<article class=\"review review-rating-only\" id=\"r-2026-11-10-eve\">").expect("compact")..];
    let article = &article[..article.find("</article>").unwrap()];
    assert!(!article.contains("<blockquote"), "{article}");
    // Five ratings in all: (5 + 4.5 + 3 + 4 + 2) / 5 = 3.7; the distribution has the two.
    let all = site.read("public/reviews/index.html");
    assert_eq!((text_of(&all, "rating-average"), text_of(&all, "rating-count")), ("3.7".into(), "5 reviews".into()));
    assert!(all.contains("<span class=\"rating-bar-label\">2 stars</span><span class=\"rating-bar\" aria-hidden=\"true\"><span style=\"width:20%\"></span></span><span class=\"rating-bar-count\">1<"));
    // The home page never highlights a rating without words, but counts it.
    let home = json_ld(&site.read("public/index.html"));
    assert_eq!(
        (&home["aggregateRating"]["ratingCount"], &home["aggregateRating"]["reviewCount"]),
        (&5.into(), &4.into())
    );
}
