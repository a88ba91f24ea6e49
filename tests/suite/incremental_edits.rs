//! Random edit sequences against fresh builds: after every edit (a post's
//! body, title, summary, tags or date; a post added or removed; a template,
//! a review, a staff entry, site.yaml, a static file over a page; and what
//! the bodies kept across builds read: the URL of the page they link to,
//! the shortcode template they call and the review it shows, the photo
//! they show), `build` renders again only what the
//! pages' dependency sets say changed, and the output must still be a fresh
//! build's, byte for byte (the fresh build renders every body). Bounded: `SHOPSTORY_EDIT_CASES` sequences
//! (default 12, ~15 s in a debug build) of up to 4 edits; PROPTEST_RNG_SEED (fixed by .ci/run) picks
//! them.

use crate::harness::SiteTest;
use crate::incremental::assert_same_as_fresh;
use proptest::prelude::*;
use std::fs;

fn cases() -> u32 {
    std::env::var("SHOPSTORY_EDIT_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(12)
}

/// A post the sequence manages (the fixture's own posts stay as they are).
#[derive(Debug, Clone)]
pub(crate) struct Post {
    pub(crate) slug: String,
    title: String,
    summary: String,
    tags: Vec<&'static str>,
    day: u8,
    body: String,
}

impl Post {
    fn new(n: u8) -> Post {
        Post {
            slug: format!("batch-{n}"),
            title: format!("Batch {n}"),
            summary: format!("The dye batch number {n}."),
            tags: vec!["news"],
            day: 3 + n % 20,
            body: format!(
                "Batch {n} is dyed. See [who we are](../pages/about.md).\n\n{{{{ review(id=\"r-ana\") }}}}\n\n![A jar of batch {n}](photo.png)\n\nMore about it.\n"
            ),
        }
    }

    fn file(&self) -> String {
        format!("content/posts/2026-09-{:02}-{}.md", self.day, self.slug)
    }

    fn text(&self) -> String {
        format!(
            "---\ntitle: {}\ndescription: {}\ntags: [{}]\n---\n{}",
            self.title,
            self.summary,
            self.tags.join(", "),
            self.body
        )
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Edit {
    Body(usize, u8),
    Title(usize, u8),
    Summary(usize, u8),
    Tag(usize, u8),
    Date(usize, u8),
    AddPost(u8),
    RemovePost(usize),
    Template(u8),
    Review(u8),
    Staff(u8),
    SiteYaml(u8),
    /// A static file put at a page's path (it wins), or taken away.
    StaticOverPage,
    /// The URL of the page every managed body links to.
    LinkedPage(u8),
    /// The shortcode template every managed body calls.
    ShortcodeTemplate(u8),
    /// The text of the review that shortcode shows.
    ReviewText(u8),
    /// The photo every managed body shows (another size).
    Photo(u8),
}

pub(crate) fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Edit::Body(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Edit::Title(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Edit::Summary(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Edit::Tag(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Edit::Date(i, n)),
        any::<u8>().prop_map(Edit::AddPost),
        any::<usize>().prop_map(Edit::RemovePost),
        any::<u8>().prop_map(Edit::Template),
        any::<u8>().prop_map(Edit::Review),
        any::<u8>().prop_map(Edit::Staff),
        any::<u8>().prop_map(Edit::SiteYaml),
        Just(Edit::StaticOverPage),
        any::<u8>().prop_map(Edit::LinkedPage),
        any::<u8>().prop_map(Edit::ShortcodeTemplate),
        any::<u8>().prop_map(Edit::ReviewText),
        any::<u8>().prop_map(Edit::Photo),
    ]
}

const REVIEWS: &str = "- id: r-ana\n  author: Ana P.\n  rating: 5\n  date: 2026-11-20\n  text: Friendly help choosing a wool.\n  product: Wool\n";

/// Applies one edit to the site and to the posts it manages.
pub(crate) fn apply(site: &SiteTest, posts: &mut Vec<Post>, e: &Edit) {
    let pick = |i: usize, posts: &[Post]| (!posts.is_empty()).then(|| i % posts.len());
    match *e {
        Edit::Body(i, n) | Edit::Title(i, n) | Edit::Summary(i, n) | Edit::Tag(i, n) | Edit::Date(i, n) => {
            let Some(i) = pick(i, posts) else { return };
            fs::remove_file(site.root.join(posts[i].file())).unwrap();
            let p = &mut posts[i];
            match e {
                Edit::Body(..) => p.body.push_str(&format!("\nA new line {n}.\n")),
                Edit::Title(..) => p.title = format!("Batch {} take {n}", p.slug),
                Edit::Summary(..) => p.summary = format!("Summary {n} of {}.", p.slug),
                Edit::Tag(..) => {
                    p.tags = [vec!["news"], vec!["tea"], vec!["how-to", "tea"], vec![]][usize::from(n) % 4].clone();
                }
                _ => p.day = 1 + n % 28,
            }
            site.write(&p.file(), &p.text());
        }
        Edit::AddPost(n) => {
            let mut p = Post::new(n);
            p.slug = format!("{}-{}", p.slug, posts.len());
            site.write(&p.file(), &p.text());
            posts.push(p);
        }
        Edit::RemovePost(i) => {
            let Some(i) = pick(i, posts) else { return };
            fs::remove_file(site.root.join(posts.remove(i).file())).unwrap();
        }
        Edit::Template(n) => {
            let (name, text) = match n % 3 {
                0 => ("templates/_toc.html", format!("<nav class=\"toc\" data-v=\"{n}\">{{{{ toc | length }}}}</nav>\n")),
                1 => ("templates/_post_card.html", format!("<article data-v=\"{n}\"><a href=\"{{{{ p.url }}}}\">{{{{ p.title }}}}</a> {{{{ p.summary }}}}</article>\n")),
                _ => ("templates/page.html", format!("{{% extends \"base.html\" %}}{{% block content %}}<p>{n}: {{{{ doc.title }}}}</p>{{% endblock content %}}")),
            };
            site.write(name, &text);
        }
        Edit::Review(n) => {
            let extra = format!(
                "- id: r-{n}\n  author: Guest {n}\n  rating: {}\n  date: 2026-10-{:02}\n  text: Visit number {n}.\n",
                1 + n % 5,
                1 + n % 28
            );
            let current = fs::read_to_string(site.root.join("data/reviews.yaml")).unwrap_or_default();
            site.write("data/reviews.yaml", &format!("{current}{extra}"));
        }
        Edit::Staff(n) => {
            let staff = site.read("data/staff.yaml");
            let role =
                staff.lines().find(|l| l.trim_start().starts_with("role:")).unwrap_or("  role: Owner").to_string();
            site.write("data/staff.yaml", &staff.replacen(&role, &format!("  role: Owner {n}"), 1));
        }
        Edit::StaticOverPage => {
            let file = site.root.join("static/about/index.html");
            if file.is_file() {
                fs::remove_file(file).unwrap();
            } else {
                site.write("static/about/index.html", "<p>The owner's own about page.</p>\n");
            }
        }
        Edit::LinkedPage(n) => {
            let about = site.read("content/pages/about.md");
            let about = about.lines().filter(|l| !l.starts_with("slug:")).collect::<Vec<_>>().join("\n");
            let slug = if n % 3 == 0 { String::new() } else { format!("slug: about-{}\n", n % 3) };
            site.write("content/pages/about.md", &about.replacen("---\n", &format!("---\n{slug}"), 1));
        }
        Edit::ShortcodeTemplate(n) => {
            let text = format!("<figure class=\"review-embed\" data-v=\"{}\">{{{{ review.author }}}}: {{{{ review.text_html | safe }}}}</figure>\n", n % 4);
            site.write("templates/shortcodes/review.html", &text);
        }
        Edit::ReviewText(n) => {
            let reviews = site.read("data/reviews.yaml");
            let line = reviews.lines().find(|l| l.starts_with("  text:")).unwrap().to_string();
            site.write(
                "data/reviews.yaml",
                &reviews.replacen(&line, &format!("  text: Friendly help, visit {}.", n % 4), 1),
            );
        }
        Edit::Photo(n) => photo(site, 20 + u32::from(n % 4) * 10),
        Edit::SiteYaml(n) => {
            let config = site.read("site.yaml");
            let line = config.lines().find(|l| l.starts_with("description:")).unwrap().to_string();
            site.write("site.yaml", &config.replacen(&line, &format!("description: Tea and yarn, edit {n}."), 1));
        }
    }
}

/// The photo the managed posts show: `w`×20 pixels of one colour.
fn photo(site: &SiteTest, w: u32) {
    let img = image::RgbImage::from_pixel(w, 20, image::Rgb([90, 60, 110]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    img.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    fs::write(site.root.join("content/posts/photo.png"), bytes.into_inner()).unwrap();
}

/// The fixture with the reviews, photo and three posts the edits manage.
pub(crate) fn managed_site() -> (SiteTest, Vec<Post>) {
    let site = SiteTest::fixture("basic");
    // Share cards are drawn slowly in a debug build; what a page says
    // of its card is in its `page` value like the rest of its head.
    site.write("site.yaml", &format!("{}share_cards: false\n", site.read("site.yaml")));
    site.write("data/reviews.yaml", REVIEWS);
    photo(&site, 20);
    let posts: Vec<Post> = (0..3).map(Post::new).collect();
    for p in &posts {
        site.write(&p.file(), &p.text());
    }
    (site, posts)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn incremental_builds_after_random_edits_equal_fresh_builds(edits in prop::collection::vec(edit(), 1..=4)) {
        let (site, mut posts) = managed_site();
        site.build_ok();
        for (n, e) in edits.iter().enumerate() {
            apply(&site, &mut posts, e);
            site.build_ok();
            assert_same_as_fresh(&site, &format!("edit {n}: {e:?} (of {edits:?})"));
        }
    }
}
