//! How-to videos (issue 4): embeds from bare URLs and shortcodes, the
//! click-to-load facade, `video:` posts with `VideoObject` JSON-LD, the
//! `/videos/` page and staff pages. Fixture: `fixtures/videos/`.

use crate::harness::{attributes, json_ld, tree, SiteTest};
use serde_json::json;

fn built() -> SiteTest {
    let site = SiteTest::fixture("videos");
    site.build_ok();
    site
}

/// The `<h2>`/`<h3>` card titles of a listing, in order.
fn card_titles(html: &str) -> Vec<String> {
    html.match_indices("class=\"card-title\"><a href=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            let text = &rest[rest.find('>').unwrap() + 1..];
            text[..text.find('<').unwrap()].to_string()
        })
        .collect()
}

#[test]
fn video_site_has_exactly_the_expected_files() {
    let site = built();
    // Share cards (named by a hash) are checked in cards.rs.
    let files: Vec<String> = tree(&site.public())
        .into_keys()
        .filter(|f| !f.starts_with("media/poster-") && !f.starts_with("media/card-"))
        .collect();
    let expected = [
        ".shopstory-output",
        "404.html",
        "blog/adjust-brakes/index.html",
        "blog/chain-check/index.html",
        "blog/fix-a-flat/index.html",
        "blog/index.html",
        "blog/shop-news/index.html",
        "blog/truing-stand-tour/index.html",
        "clips/gear.mp4",
        "feed.xml",
        "index.html",
        "media/brakes-20e15b5ee3-320.webp",
        "media/brakes-764ee17c67-320.jpg",
        "media/posts/chain-check.mp4",
        "media/posts/chain-check.vtt",
        "robots.txt",
        "search/index.html",
        "search/index.json",
        "sitemap.xml",
        "staff/ana/index.html",
        "staff/ben/index.html",
        "staff/index.html",
        "tags/brakes/index.html",
        "tags/how-to/index.html",
        "tags/index.html",
        "tags/news/index.html",
        "tags/tires/index.html",
        "tags/wheels/index.html",
        "theme/search.js",
        "theme/style.css",
        "theme/video.js",
        "videos/index.html",
    ];
    assert_eq!(files, expected);
    // One drawn poster per video without a photo: the shorts clip in a post's body has its own (issue 17 item 4).
    let posters: Vec<String> = tree(&site.public()).into_keys().filter(|f| f.starts_with("media/poster-")).collect();
    assert_eq!(posters.len(), 6, "{posters:?}");
    let copied = std::fs::read(site.public().join("media/posts/chain-check.mp4")).unwrap();
    assert_eq!(copied, std::fs::read(site.root.join("content/posts/chain-check.mp4")).unwrap());
}

#[test]
fn nothing_is_requested_from_a_third_party_before_the_click() {
    let site = built();
    let mut pages = 0;
    for (path, bytes) in tree(&site.public()) {
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).unwrap();
        assert!(!html.contains("<iframe"), "{path} has an iframe");
        for attr in ["src", "srcset", "poster", "data"] {
            for value in attributes(&html, attr) {
                assert!(value.starts_with('/'), "{path}: {attr}=\"{value}\" is not on this site");
            }
        }
        for tag in html.split("<link ").skip(1) {
            let tag = &tag[..tag.find('>').unwrap()];
            if !tag.contains("rel=\"canonical\"") && !tag.contains("rel=\"alternate\"") {
                assert!(
                    attributes(&format!(" {tag}"), "href").iter().all(|h| h.starts_with('/') || h.starts_with("data:")),
                    "{path}: <link {tag}>"
                );
            }
        }
        assert!(!html.contains("ytimg.com") && !html.contains("vimeocdn.com"), "{path} hot-links a platform thumbnail");
    }
    assert_eq!(pages, 19);
}

#[test]
fn a_video_post_shows_the_facade_at_the_top() {
    let site = built();
    let html = site.read("public/blog/fix-a-flat/index.html");
    let start = html.find("<div class=\"post-video wrap-wide\">").expect("video at the top");
    let figure = &html[start..start + html[start..].find("</figure>").unwrap() + "</figure>".len()];
    let poster = attributes(figure, "src")[0];
    assert!(poster.starts_with("/media/poster-") && poster.ends_with(".svg"), "{poster}");
    let expected = format!(
        r#"<div class="post-video wrap-wide"><figure class="video-embed video-youtube">
  <div class="video-frame">
    <a class="video-facade" href="https://www.youtube.com/watch?v=AbCdEfGhIj0" data-embed="https://www.youtube-nocookie.com/embed/AbCdEfGhIj0?autoplay=1" data-title="Fix a flat &lt;fast&gt;" aria-label="Play: Fix a flat &lt;fast&gt;">
      <img class="video-poster" src="{poster}" width="1280" height="720" alt="">
      <span class="video-play" aria-hidden="true"><svg viewBox="0 0 64 64" width="64" height="64" focusable="false"><circle cx="32" cy="32" r="32"/><path d="M25 19v26l21-13z"/></svg></span>
    </a>
  </div>
  <figcaption><span class="video-note">YouTube video: it loads from YouTube when you press play.</span></figcaption>
</figure>"#
    );
    assert_eq!(figure, expected);
    assert!(html.contains("<script src=\"/theme/video.js\" defer></script>"));
    // The drawn poster carries the title, escaped, in the brand colour.
    let svg = site.read(&format!("public{poster}"));
    assert!(svg.contains(">Fix a flat &lt;fast&gt;</tspan>") && svg.contains("fill=\"#1f5f6b\""), "{svg}");
    // A URL inside a paragraph, and shortcodes and URLs in code, stay as written.
    assert!(html.contains("<p>The same video is at https://youtu.be/AbCdEfGhIj0 if you prefer YouTube.</p>"));
    assert!(html.contains("<code>{{ youtube(id=\"NotAVideo00\") }}</code>"));
    assert!(
        html.contains("<pre><code>https://www.youtube.com/watch?v=InCodeBlock\n{{ vimeo(id=\"123\") }}\n</code></pre>")
    );
    // A page without a video does not load the script.
    let news = site.read("public/blog/shop-news/index.html");
    assert!(!news.contains("video.js") && !news.contains("video-facade"));
    assert!(news.contains("Watch https://www.youtube.com/watch?v=AbCdEfGhIj0 for a tour."));
}

#[test]
fn bare_urls_and_shortcodes_become_facades_and_local_clips_video_elements() {
    let site = built();
    let tour = site.read("public/blog/truing-stand-tour/index.html");
    let embeds = attributes(&tour, "data-embed");
    assert_eq!(
        embeds,
        [
            "https://player.vimeo.com/video/123456789?dnt=1&amp;autoplay=1",
            "https://player.vimeo.com/video/987654321?dnt=1&amp;autoplay=1",
            "https://www.youtube-nocookie.com/embed/Sh0rtClip_1?autoplay=1",
        ]
    );
    assert_eq!(attributes(&tour, "aria-label").iter().filter(|l| l.starts_with("Play: ")).count(), 3);
    assert!(tour.contains("aria-label=\"Play: The stand, from the side\""));
    assert!(tour.contains("<span class=\"video-title\">The stand, from the side</span> · "));

    let brakes = site.read("public/blog/adjust-brakes/index.html");
    assert!(brakes.contains("href=\"https://www.youtube.com/watch?v=ZyXwVuTsRq9&amp;t=65s\" data-embed=\"https://www.youtube-nocookie.com/embed/ZyXwVuTsRq9?autoplay=1&amp;start=65\""));
    assert!(brakes.contains("<picture class=\"video-poster\"><source type=\"image/webp\" srcset=\"/media/brakes-20e15b5ee3-320.webp 320w\""), "poster: through the image pipeline");

    let chain = site.read("public/blog/chain-check/index.html");
    let start = chain.find("<video ").unwrap();
    let video = &chain[start..start + chain[start..].find("</video>").unwrap()];
    let poster = attributes(video, "poster")[0];
    assert_eq!(
        video,
        format!(
            "<video controls preload=\"none\" poster=\"{poster}\">
      <source src=\"/media/posts/chain-check.mp4\" type=\"video/mp4\">
      <track kind=\"captions\" src=\"/media/posts/chain-check.vtt\" srclang=\"en\" label=\"English\" default>
      <a href=\"/media/posts/chain-check.mp4\">Download the video</a>
    "
        )
    );
    assert!(chain.contains("<source src=\"/clips/gear.mp4\" type=\"video/mp4\">"));
    assert!(!chain.contains("video.js"), "a local clip needs no script");
}

#[test]
fn video_posts_carry_video_object_json_ld() {
    let site = built();
    let ld = json_ld(&site.read("public/blog/fix-a-flat/index.html"));
    assert_eq!(ld["@context"], "https://schema.org");
    let graph = ld["@graph"].as_array().unwrap();
    assert_eq!(graph[0]["@type"], "BlogPosting");
    assert_eq!(graph[0]["video"], json!({"@id": "https://spoke-and-pedal.example/blog/fix-a-flat/#video"}));
    let mut video = graph[1].clone();
    let thumb = video.as_object_mut().unwrap().remove("thumbnailUrl").unwrap();
    let thumb = thumb[0].as_str().unwrap();
    let thumb_path = thumb.strip_prefix("https://spoke-and-pedal.example/").unwrap();
    assert!(thumb_path.starts_with("media/poster-") && site.public().join(thumb_path).is_file(), "{thumb}");
    assert_eq!(
        video,
        json!({
            "@type": "VideoObject",
            "@id": "https://spoke-and-pedal.example/blog/fix-a-flat/#video",
            "name": "Fix a flat <fast>",
            "description": "Patch a tube at the roadside in two and a half minutes.",
            "url": "https://spoke-and-pedal.example/blog/fix-a-flat/",
            "inLanguage": "en",
            "uploadDate": "2026-10-01T00:00:00Z",
            "embedUrl": "https://www.youtube-nocookie.com/embed/AbCdEfGhIj0",
            "sameAs": "https://www.youtube.com/watch?v=AbCdEfGhIj0",
            "duration": "PT2M30S",
            "author": {"@type": "Person", "name": "Ana Reyes", "url": "https://spoke-and-pedal.example/staff/ana/"},
        })
    );
    let ld = json_ld(&site.read("public/blog/chain-check/index.html"));
    let video = &ld["@graph"][1];
    assert_eq!(video["contentUrl"], "https://spoke-and-pedal.example/media/posts/chain-check.mp4");
    assert_eq!(video["encodingFormat"], "video/mp4");
    assert_eq!(video["duration"], "PT2S");
    assert!(video.get("embedUrl").is_none());
    let ld = json_ld(&site.read("public/blog/adjust-brakes/index.html"));
    assert_eq!(
        ld["@graph"][1]["thumbnailUrl"],
        json!(["https://spoke-and-pedal.example/media/brakes-764ee17c67-320.jpg"])
    );
    assert_eq!(ld["@graph"][1]["embedUrl"], "https://www.youtube-nocookie.com/embed/ZyXwVuTsRq9?start=65");
    // A post without a video stays a plain BlogPosting.
    assert_eq!(json_ld(&site.read("public/blog/shop-news/index.html"))["@type"], "BlogPosting");
}

#[test]
fn the_videos_page_lists_video_posts_newest_first() {
    let site = built();
    let html = site.read("public/videos/index.html");
    assert_eq!(
        card_titles(&html),
        ["Check your chain for wear", "A tour of the truing stand", "Adjust rim brakes", "Fix a flat &lt;fast&gt;"]
    );
    assert!(
        html.contains("<p class=\"page-sub\">4 short how-to videos from the Spoke &amp; Pedal team, newest first.</p>")
    );
    assert!(html.contains(
        "<ul class=\"tags\"><li><a href=\"/tags/brakes/\">brakes (1)</a></li><li><a href=\"/tags/how-to/\">how-to (3)</a></li><li><a href=\"/tags/tires/\">tires (1)</a></li><li><a href=\"/tags/wheels/\">wheels (1)</a></li></ul>"
    ));
    assert!(html.contains("<span class=\"video-duration\">2:30</span>"));
    let ld = json_ld(&html);
    assert_eq!(ld["@type"], "CollectionPage");
    assert_eq!(
        ld["mainEntity"]["itemListElement"][0],
        json!({"@type": "ListItem", "position": 1, "url": "https://spoke-and-pedal.example/blog/chain-check/"})
    );
    // "Videos" joins the navigation of every page.
    assert!(site.read("public/index.html").contains("<li><a href=\"/videos/\">Videos</a></li>"));
    assert!(html.contains("<li><a href=\"/videos/\" aria-current=\"page\">Videos</a></li>"));
    assert!(site.read("public/sitemap.xml").contains("<loc>https://spoke-and-pedal.example/videos/</loc>"));
}

#[test]
fn staff_pages_show_how_to_videos_apart_from_posts() {
    let site = built();
    let html = site.read("public/staff/ana/index.html");
    let videos_at = html.find("How-to videos by Ana Reyes").expect("videos section");
    let posts_at = html.find("Posts by Ana Reyes").expect("posts section");
    assert_eq!(card_titles(&html[videos_at..posts_at]), ["Check your chain for wear", "Fix a flat &lt;fast&gt;"]);
    assert_eq!(card_titles(&html[posts_at..]), ["New opening hours"]);
    let ben = site.read("public/staff/ben/index.html");
    assert!(ben.contains("How-to videos by Ben Okoro") && !ben.contains("Posts by Ben Okoro"));
}

#[test]
fn video_builds_are_byte_identical() {
    let a = built();
    let b = built();
    assert_eq!(tree(&a.public()), tree(&b.public()));
}

#[test]
fn bad_video_content_is_reported_with_lines() {
    let site = SiteTest::fixture("videos");
    site.write(
        "content/posts/2026-10-25-broken.md",
        "---\ntitle: Broken videos\nvideo: https://example.com/watch?v=AbCdEfGhIj0\nduration: \"2:75\"\n---\n\
         {{ youtube(id=\"short\") }}\n\n\
         {{ vimeo(id=\"123\", autoplay=true) }}\n\n\
         {{ video(src=\"missing.mp4\", captions=\"clip.srt\") }}\n\n\
         {{ youtube(id=\"AbCdEfGhIj0\", start=\"soon\") }}\n\n\
         https://www.youtube.com/watch?v=tooshort\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("video_diagnostics", run.stderr);
}

#[test]
fn an_unknown_shortcode_lists_the_video_shortcodes() {
    let site = SiteTest::fixture("videos");
    site.write(
        "content/posts/2026-10-25-typo.md",
        "---\ntitle: Typo\n---\nText.\n\n{{ youtub(id=\"AbCdEfGhIj0\") }}\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: unknown shortcode `youtub`\n --> content/posts/2026-10-25-typo.md:6:1\n"),
        "{}",
        run.stderr
    );
    let help = run.stderr.lines().find(|l| l.contains("= help:")).unwrap();
    assert!(help.starts_with("  = help: did you mean `youtube`? The shortcodes are: "), "{help}");
    for name in ["video", "vimeo", "youtube"] {
        assert!(help.split([' ', ',']).any(|w| w == name), "{help}");
    }
}
