//! Customer moments (issue 3): photos in content/moments/ with sidecars or a
//! moments.yaml list, consent, the gallery, each moment's page, the
//! `moment` shortcode and `shopstory new moment`. Fixture:
//! `fixtures/moments/`, whose photos are drawn here (tiny JPEGs with real
//! EXIF: GPS coordinates on one, orientation 6 on another).

use crate::harness::{attributes, json_ld, tree, SiteTest};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use std::fs;

/// GPS position of `gps-photo.jpg`: 46° 11' 16.4321" N, 123° 49' 52.6789" W,
/// as the EXIF rationals a phone writes.
const LAT: [(u32, u32); 3] = [(46, 1), (11, 1), (164_321, 10_000)];
const LON: [(u32, u32); 3] = [(123, 1), (49, 1), (526_789, 10_000)];

/// A little-endian TIFF block for an APP1 "Exif" segment: Orientation, and
/// optionally a GPS IFD with latitude and longitude.
fn exif(orientation: u16, gps: bool) -> Vec<u8> {
    let entries: u16 = if gps { 2 } else { 1 };
    let mut t: Vec<u8> = b"II*\0".to_vec();
    t.extend(8u32.to_le_bytes());
    t.extend(entries.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend(tag.to_le_bytes());
        t.extend(kind.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value);
    };
    let [o0, o1] = orientation.to_le_bytes();
    entry(&mut t, 0x0112, 3, 1, [o0, o1, 0, 0]);
    let gps_ifd = 8 + 2 + 12 * u32::from(entries) + 4;
    if gps {
        entry(&mut t, 0x8825, 4, 1, gps_ifd.to_le_bytes());
    }
    t.extend(0u32.to_le_bytes());
    if gps {
        let lat_at = gps_ifd + 2 + 4 * 12 + 4;
        let lon_at = lat_at + 24;
        t.extend(4u16.to_le_bytes());
        entry(&mut t, 1, 2, 2, *b"N\0\0\0");
        entry(&mut t, 2, 5, 3, lat_at.to_le_bytes());
        entry(&mut t, 3, 2, 2, *b"W\0\0\0");
        entry(&mut t, 4, 5, 3, lon_at.to_le_bytes());
        t.extend(0u32.to_le_bytes());
        for (n, d) in LAT.iter().chain(LON.iter()) {
            t.extend(n.to_le_bytes());
            t.extend(d.to_le_bytes());
        }
    }
    t
}

/// A JPEG of `img`, with an EXIF block right after its start marker.
fn jpeg(img: &RgbImage, exif_tiff: Option<Vec<u8>>) -> Vec<u8> {
    let mut plain = Vec::new();
    JpegEncoder::new_with_quality(&mut plain, 90).encode_image(img).unwrap();
    let Some(tiff) = exif_tiff else { return plain };
    let mut out = plain[..2].to_vec();
    out.extend([0xff, 0xe1]);
    out.extend(u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
    out.extend(b"Exif\0\0");
    out.extend(tiff);
    out.extend(&plain[2..]);
    out
}

fn gps_photo() -> Vec<u8> {
    jpeg(&RgbImage::from_fn(48, 36, |x, y| Rgb([(x * 5) as u8, (y * 7) as u8, 120])), Some(exif(1, true)))
}

/// Stored 64x32 with orientation 6 (turn 90° clockwise to show): red on the
/// stored left, which is the top once upright.
fn sideways_photo() -> Vec<u8> {
    let img = RgbImage::from_fn(64, 32, |x, _| if x < 32 { Rgb([220, 30, 30]) } else { Rgb([30, 30, 220]) });
    jpeg(&img, Some(exif(6, false)))
}

fn plain_photo(shade: u8) -> Vec<u8> {
    jpeg(&RgbImage::from_fn(40, 30, |x, y| Rgb([shade, (x * 6) as u8, (y * 8) as u8])), None)
}

/// The fixture with its photos drawn.
pub(crate) fn site() -> SiteTest {
    let site = SiteTest::fixture("moments");
    let dir = site.root.join("content/moments");
    fs::write(dir.join("gps-photo.jpg"), gps_photo()).unwrap();
    fs::write(dir.join("sideways.jpg"), sideways_photo()).unwrap();
    fs::write(dir.join("cup.jpg"), plain_photo(90)).unwrap();
    fs::write(dir.join("later.jpg"), plain_photo(160)).unwrap();
    site
}

fn built() -> SiteTest {
    let site = site();
    site.build_ok();
    site
}

fn page(site: &SiteTest, rel: &str) -> String {
    site.read(&format!("public/{rel}"))
}

/// The moments a listing links to, in order.
pub(crate) fn card_links(html: &str) -> Vec<&str> {
    html.match_indices("class=\"moment-card-link\" href=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_gps_tagged_photo_goes_in_and_no_byte_of_its_location_comes_out() {
    let site = built();
    let original = fs::read(site.root.join("content/moments/gps-photo.jpg")).unwrap();
    // The photo really carries its location (the probe must see it as a JPEG with EXIF).
    let gps_entry = [0x25, 0x88, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00];
    assert!(contains_bytes(&original, &gps_entry));
    let rational = |list: &[(u32, u32)], le: bool| -> Vec<u8> {
        list.iter()
            .flat_map(|(n, d)| {
                if le {
                    [n.to_le_bytes(), d.to_le_bytes()].concat()
                } else {
                    [n.to_be_bytes(), d.to_be_bytes()].concat()
                }
            })
            .collect()
    };
    let mut needles: Vec<(String, Vec<u8>)> = vec![
        ("GPS IFD entry (little-endian)".into(), gps_entry.to_vec()),
        ("GPS IFD entry (big-endian)".into(), vec![0x88, 0x25, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01]),
        ("an Exif block".into(), b"Exif\0\0".to_vec()),
    ];
    for le in [true, false] {
        needles.push((format!("latitude rationals (le: {le})"), rational(&LAT, le)));
        needles.push((format!("longitude rationals (le: {le})"), rational(&LON, le)));
        needles.push((format!("latitude seconds (le: {le})"), rational(&LAT[2..], le)));
        needles.push((format!("longitude seconds (le: {le})"), rational(&LON[2..], le)));
    }
    for text in ["46.1878", "123.831", "46°", "16.4321", "52.6789"] {
        needles.push((format!("the text {text}"), text.as_bytes().to_vec()));
    }
    let out = tree(&site.public());
    let mut variants = 0;
    for (path, bytes) in &out {
        assert_ne!(bytes, &original, "{path} is the original photo");
        assert!(!path.ends_with("gps-photo.jpg"), "{path} looks like the original photo");
        for (what, needle) in &needles {
            assert!(!contains_bytes(bytes, needle), "{path} contains {what}");
        }
        if path.starts_with("media/gps-photo-") {
            variants += 1;
            let img = image::load_from_memory(bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(img.width() <= 48, "{path}");
        }
    }
    // 16 and 32 wide (64 would be wider than the photo), in WebP and JPEG.
    assert_eq!(variants, 4, "{:?}", out.keys().filter(|k| k.starts_with("media/")).collect::<Vec<_>>());
}

#[test]
fn the_rotated_photo_comes_out_upright_at_the_size_the_html_says() {
    let site = built();
    let html = page(&site, "moments/sideways/index.html");
    let start = html.find("<picture class=\"moment-photo\">").expect("the moment's photo");
    let picture = &html[start..start + html[start..].find("</picture>").unwrap()];
    assert_eq!(attributes(picture, "width"), ["32"]);
    assert_eq!(attributes(picture, "height"), ["64"]);
    assert!(!picture.contains("loading=\"lazy\""), "the photo of a moment's page is above the fold: {picture}");
    let mut checked = 0;
    for srcset in attributes(picture, "srcset") {
        for candidate in srcset.split(", ") {
            let (url, w) = candidate.split_once(' ').unwrap();
            let width: u32 = w.trim_end_matches('w').parse().unwrap();
            let bytes = fs::read(site.public().join(url.trim_start_matches('/'))).unwrap();
            let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
            assert_eq!((img.width(), img.height()), (width, width * 2), "{url}");
            let (top, bottom) = (img.get_pixel(width / 2, 1), img.get_pixel(width / 2, width * 2 - 2));
            assert!(top[0] > 150 && top[2] < 100, "{url}: the top should be red, is {top:?}");
            assert!(bottom[2] > 150 && bottom[0] < 100, "{url}: the bottom should be blue, is {bottom:?}");
            checked += 1;
        }
    }
    assert_eq!(checked, 4, "{picture}");
}

#[test]
fn the_gallery_and_the_home_page_show_the_newest_first() {
    let site = built();
    let gallery = page(&site, "moments/index.html");
    // later.jpg is dated after the build's today: it waits, like a future post.
    assert_eq!(card_links(&gallery), ["/moments/cup/", "/moments/gps-photo/", "/moments/sideways/"]);
    assert_eq!(card_links(&page(&site, "index.html")), ["/moments/cup/", "/moments/gps-photo/", "/moments/sideways/"]);
    // The first photo is above the fold; the rest load lazily.
    let lazy: Vec<bool> = gallery
        .match_indices("<img ")
        .map(|(i, _)| gallery[i..].split('>').next().unwrap().contains("loading=\"lazy\""))
        .collect();
    assert_eq!(lazy, [false, true, true]);
    assert!(gallery.contains("<a href=\"/moments/\" aria-current=\"page\">Moments</a>"), "the nav links the gallery");
    let pages: Vec<String> = tree(&site.public()).into_keys().filter(|p| p.starts_with("moments/")).collect();
    assert_eq!(
        pages,
        ["moments/cup/index.html", "moments/gps-photo/index.html", "moments/index.html", "moments/sideways/index.html"]
    );
    let sitemap = page(&site, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://cupandcrank.example/moments/gps-photo/</loc>"), "{sitemap}");
}

#[test]
fn a_moment_page_has_its_facts_and_image_object() {
    let site = built();
    let html = page(&site, "moments/gps-photo/index.html");
    assert!(html.contains("<h1>Ana picked up her rebuilt wheel.</h1>"), "{html}");
    assert!(html.contains("Ana · Wheel build · <time datetime=\"2026-11-01\">1 November 2026</time>"), "{html}");
    assert!(
        html.contains("<span class=\"eyebrow\">Newer moment</span> Cara&#39;s first flat white of the season.</a>"),
        "{html}"
    );
    let ld = json_ld(&html);
    assert_eq!(ld["@type"], "ImageObject");
    assert_eq!(ld["caption"], "Ana picked up her rebuilt wheel.");
    assert_eq!(ld["creditText"], "Cup & Crank");
    assert_eq!(ld["datePublished"], "2026-11-01");
    assert_eq!(ld["url"], "https://cupandcrank.example/moments/gps-photo/");
    let content_url = ld["contentUrl"].as_str().unwrap();
    assert!(
        content_url.starts_with("https://cupandcrank.example/media/gps-photo-") && content_url.ends_with("-32.jpg"),
        "{content_url}"
    );
}

#[test]
fn the_moment_shortcode_embeds_a_moment_and_names_the_known_ids_when_wrong() {
    let site = built();
    let html = page(&site, "blog/a-good-week/index.html");
    let start = html.find("<figure class=\"moment-embed\">").expect("the embed");
    let figure = &html[start..start + html[start..].find("</figure>").unwrap()];
    assert!(figure.contains("srcset=\"/media/gps-photo-"), "{figure}");
    assert!(figure.contains("alt=\"A bicycle wheel on the counter.\""), "{figure}");
    assert!(figure.contains("<a href=\"/moments/gps-photo/\">See this customer moment</a>"), "{figure}");
    assert!(!html[..start].contains("<p>{{"), "{html}");

    site.write(
        "content/posts/2026-11-13-typo.md",
        "---\ntitle: Typo\n---\n\nHello.\n\n{{ moment(id=\"gps-foto\") }}\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: there is no moment with id `gps-foto`\n --> content/posts/2026-11-13-typo.md:7:1\n  |\n7 | {{ moment(id=\"gps-foto\") }}\n  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  = help: did you mean `gps-photo`? The moments are: cup, gps-photo, sideways\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_moment_without_consent_is_refused_naming_the_file_and_line() {
    let site = site();
    site.write(
        "content/moments/sideways.yaml",
        "caption: Ben's tall cargo bike.\ncustomer: Ben\ndate: 2026-10-01\nconsent: false\n",
    );
    let list = site
        .read("content/moments/moments.yaml")
        .replace("  product: Coffee\n  consent: true\n", "  product: Coffee\n");
    site.write("content/moments/moments.yaml", &list);
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let expected_sidecar = "error: the moment of sideways.jpg is `consent: false`: the build refuses to publish it until the customer's consent is recorded\n --> content/moments/sideways.yaml:4:10\n  |\n4 | consent: false\n  |          ^^^^^\n  = help: ask the customer whether this photo may be shown on the site; once they agree, write `consent: true` and build again\n";
    assert!(run.stderr.contains(expected_sidecar), "{}", run.stderr);
    let expected_list = "error: the moment of cup.jpg has no `consent: true`: the build refuses to publish it until the customer's consent is recorded\n --> content/moments/moments.yaml:2:1\n";
    assert!(run.stderr.contains(expected_list), "{}", run.stderr);
    assert!(run.stderr.contains("write `consent: true` in this entry and build again"), "{}", run.stderr);
    assert!(!site.public().exists(), "a refused build writes nothing");

    // The site may turn the check off.
    let config = site.read("site.yaml") + "moments: { require_consent: false }\n";
    site.write("site.yaml", &config);
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        card_links(&page(&site, "moments/index.html")),
        ["/moments/cup/", "/moments/gps-photo/", "/moments/sideways/"]
    );
}

#[test]
fn sidecars_and_photos_must_come_in_pairs() {
    let site = site();
    fs::remove_file(site.root.join("content/moments/sideways.jpg")).unwrap();
    fs::write(site.root.join("content/moments/stray.jpg"), plain_photo(40)).unwrap();
    site.write("content/moments/moments.yaml", "- photo: nowhere.jpg\n  date: 2026-11-10\n  consent: true\n");
    fs::remove_file(site.root.join("content/moments/cup.jpg")).unwrap();
    fs::remove_file(site.root.join("content/moments/later.jpg")).unwrap();
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    for expected in [
        "error: there is no photo `nowhere.jpg` (content/moments/nowhere.jpg)\n --> content/moments/moments.yaml:1:10\n",
        "error: this moment has no photo: there is no `sideways.jpg` (or .jpeg, .png, .webp) next to it\n  --> content/moments/sideways.yaml\n",
        "error: this customer photo has no moment data (caption, customer, date, consent)\n  --> content/moments/stray.jpg\n",
        "= help: add `stray.yaml` next to it (`shopstory new moment` writes one), or list it in content/moments/moments.yaml",
    ] {
        assert!(run.stderr.contains(expected), "missing {expected:?} in:\n{}", run.stderr);
    }
    assert!(run.stderr.contains("3 errors"), "{}", run.stderr);
}

#[test]
fn unknown_keys_in_a_sidecar_suggest_the_right_one() {
    let site = site();
    site.write(
        "content/moments/sideways.yaml",
        "caption: Ben's bike.\ncustmer: Ben\ndate: 2026-10-01\nconsent: true\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error: unknown key `custmer` in a moment\n --> content/moments/sideways.yaml:2:1\n  |\n2 | custmer: Ben\n  | ^^^^^^^\n  = help: did you mean `customer`?\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn new_moment_copies_the_photo_and_writes_its_sidecar() {
    let site = built();
    let photo = site._tmp.path().join("Wheel Day.JPG");
    fs::write(&photo, gps_photo()).unwrap();
    let run =
        site.run(&["new", "moment", photo.to_str().unwrap(), "--caption", "Dana's wheel: done!", "--customer", "Dana"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "content/moments/wheel-day.jpg\ncontent/moments/wheel-day.yaml\n");
    assert!(
        run.stderr.contains("says `consent: false`, so the build will refuse this moment until consent is recorded"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read(site.root.join("content/moments/wheel-day.jpg")).unwrap(),
        fs::read(&photo).unwrap(),
        "copied as it is"
    );
    let sidecar = site.read("content/moments/wheel-day.yaml");
    assert!(sidecar.contains("\ncaption: 'Dana''s wheel: done!'\ncustomer: Dana "), "{sidecar}");
    assert!(sidecar.contains("\ndate: 2026-11-22\n"), "{sidecar}");
    assert!(sidecar.contains("\nconsent: false "), "{sidecar}");

    // The build refuses it, and leaves the last good site in place.
    let before = tree(&site.public());
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("the moment of wheel-day.jpg is `consent: false`"), "{}", run.stderr);
    assert!(run.stderr.contains("--> content/moments/wheel-day.yaml:8:10"), "{}", run.stderr);
    assert_eq!(tree(&site.public()), before);

    // Never overwrites.
    let again = site.run(&["new", "moment", photo.to_str().unwrap()]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("content/moments/wheel-day.jpg already exists"), "{}", again.stderr);
    fs::remove_file(site.root.join("content/moments/wheel-day.jpg")).unwrap();
    fs::remove_file(site.root.join("content/moments/wheel-day.yaml")).unwrap();

    // With --consent, it is published.
    let run = site.run(&["new", "moment", photo.to_str().unwrap(), "--customer", "Dana", "--consent"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("refuse"), "{}", run.stderr);
    assert!(site.read("content/moments/wheel-day.yaml").contains("\nconsent: true "));
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.public().join("moments/wheel-day/index.html").is_file());
    assert_eq!(card_links(&page(&site, "moments/index.html"))[0], "/moments/wheel-day/");
}

#[test]
fn new_moment_refuses_what_the_build_could_not_read() {
    let site = site();
    let heic = site._tmp.path().join("IMG_0001.HEIC");
    fs::write(&heic, b"not really").unwrap();
    let run = site.run(&["new", "moment", heic.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("HEIC"), "{}", run.stderr);
    assert!(!site.root.join("content/moments/img-0001.heic").exists());
    let missing = site.run(&["new", "moment", "nope.jpg"]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("there is no photo at nope.jpg"), "{}", missing.stderr);
}
