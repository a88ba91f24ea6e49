//! Issue 12, items 1, 7 and 9 (part): nothing is written outside the output
//! folder whatever the settings, paths that leave the site are errors, and
//! an unreadable static/ file is named as the source. Each case starts from
//! a good build of the `basic` fixture in a temp folder, makes one hostile
//! change, and runs the real binary (`build`, then `check --strict`): exit 1,
//! the exact diagnostic (file, line, message, help), and not one byte of the
//! temp folder (the site, its output, and the folder around the site)
//! changed by either run.

use crate::harness::SiteTest;
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

/// Every file, folder and link under `dir`, links not followed (a link is
/// recorded with its target), to see that a run changed nothing anywhere.
/// The site's own cache folder (`.shopstory-cache/`) is left out: it is
/// shopstory's working folder, where every build takes its lock and a
/// failed build leaves its staging folder as the next build's spare.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.file_name().is_some_and(|n| n == ".shopstory-cache") {
                continue;
            }
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            let meta = fs::symlink_metadata(&p).unwrap();
            if meta.file_type().is_symlink() {
                out.insert(rel, format!("-> {}", fs::read_link(&p).unwrap().display()).into_bytes());
            } else if meta.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(base, &p, out);
            } else {
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The lines of a run's diagnostics that say what and where: `error:`,
/// `-->` and `= help:` lines and the count, without the quoted source.
fn diagnostic_lines(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(str::trim)
        .filter(|l| {
            l.starts_with("error:") || l.starts_with("--> ") || l.starts_with("= help:") || l.ends_with("warnings")
        })
        .map(str::to_string)
        .collect()
}

/// site.yaml of the `basic` fixture with `posts:` written out in block style
/// (so that its keys have lines) and `permalink` set.
fn with_permalink(site: &SiteTest, permalink: &str) {
    let yaml = site
        .read("site.yaml")
        .replace("posts: { per_page: 2 }", &format!("posts:\n  per_page: 2\n  permalink: {permalink}"));
    site.write("site.yaml", &yaml);
}

fn append_to_site_yaml(site: &SiteTest, line: &str) {
    let yaml = site.read("site.yaml");
    site.write("site.yaml", &format!("{yaml}{line}\n"));
}

/// One hostile change and the diagnostic lines it must produce.
struct Case {
    name: &'static str,
    mutate: Box<dyn Fn(&SiteTest)>,
    expect: Vec<String>,
}

fn case(name: &'static str, mutate: impl Fn(&SiteTest) + 'static, expect: Vec<String>) -> Case {
    Case { name, mutate: Box::new(mutate), expect }
}

fn one_error(message: &str, at: &str, help: &str) -> Vec<String> {
    vec![format!("error: {message}"), format!("--> {at}"), format!("= help: {help}"), "1 error, 0 warnings".into()]
}

/// Runs every case: a good build first, then the change, then `build` and
/// `check --strict`, each of which must fail with exactly `expect` and
/// leave the whole temp folder as it was.
fn run_cases(cases: Vec<Case>) {
    let mut failures = Vec::new();
    for c in cases {
        let site = SiteTest::fixture("basic");
        site.build_ok();
        (c.mutate)(&site);
        let tmp = site.root.parent().unwrap().to_path_buf();
        let before = snapshot(&tmp);
        for args in [&["build"][..], &["check", "--strict"][..]] {
            let run = site.run(args);
            let mut why = Vec::new();
            if run.code != 1 {
                why.push(format!("exit code {}", run.code));
            }
            let got = diagnostic_lines(&run.stderr.replace(&tmp.display().to_string(), "[TMP]"));
            if got != c.expect {
                why.push(format!("diagnostics\n  got:  {got:#?}\n  want: {:#?}", c.expect));
            }
            if run.stderr.contains("panicked") {
                why.push("panicked".into());
            }
            let after = snapshot(&tmp);
            if after != before {
                let changed: Vec<&String> =
                    after.keys().chain(before.keys()).filter(|k| after.get(*k) != before.get(*k)).collect();
                why.push(format!("the temp folder changed: {changed:?}"));
            }
            if !why.is_empty() {
                failures.push(format!("{} (`{}`): {}\n{}", c.name, args.join(" "), why.join("; "), run.stderr));
            }
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n\n{}", failures.len(), failures.join("\n\n"));
}

const PERMALINK_HELP: &str = "write a path inside the site, of letters, digits, `-` and `/`, such as `/blog/{slug}/` or `/{year}/{month}/{slug}/`";

/// Item 1: permalink patterns that would write outside the output, or
/// where the preview cannot serve them.
#[test]
fn hostile_permalinks_are_refused_at_their_line() {
    let p = |pattern: &str, why: &str| {
        one_error(&format!("posts.permalink `{pattern}`: {why}"), "site.yaml:14:14", PERMALINK_HELP)
    };
    // Three levels up from public/ is the folder that holds the temp
    // folders (the snapshot covers only this site's temp folder).
    let victim = format!("shopstory-victim-{}", std::process::id());
    let above = std::env::temp_dir().join(&victim);
    let climb = format!("/../../../{victim}/{{slug}}.html");
    let climb2 = climb.clone();
    run_cases(vec![
        Case {
            name: "climbing above the temp folder",
            mutate: Box::new(move |s| with_permalink(s, &format!("\"{climb}\""))),
            expect: p(&climb2, "it has a `..` folder, which would lead out of the output folder"),
        },
        Case {
            name: "climbing out of the output",
            mutate: Box::new(|s| with_permalink(s, "\"/../../victim/{slug}.html\"")),
            expect: p("/../../victim/{slug}.html", "it has a `..` folder, which would lead out of the output folder"),
        },
        Case {
            name: "climbing after the slug",
            mutate: Box::new(|s| with_permalink(s, "\"/{slug}/../../../x{slug}.html\"")),
            expect: p(
                "/{slug}/../../../x{slug}.html",
                "it has a `..` folder, which would lead out of the output folder",
            ),
        },
        Case {
            name: "an empty folder name",
            mutate: Box::new(|s| with_permalink(s, "\"/blog//{slug}/\"")),
            expect: p("/blog//{slug}/", "it has an empty folder name (`//`)"),
        },
        Case {
            name: "a NUL",
            mutate: Box::new(|s| with_permalink(s, "\"/blog/\\0/{slug}/\"")),
            expect: p("/blog/\\0/{slug}/", "it contains the control character U+0000"),
        },
        Case {
            name: "backslashes",
            mutate: Box::new(|s| with_permalink(s, "'/blog\\..\\..\\{slug}/'")),
            expect: p("/blog\\\\..\\\\..\\\\{slug}/", "it contains a backslash; folders are separated by `/`"),
        },
        Case {
            name: "a hidden folder (the output's own .git)",
            mutate: Box::new(|s| with_permalink(s, "\"/.git/{slug}/\"")),
            expect: p("/.git/{slug}/", "it has the hidden name `.git`; hosts do not publish hidden files and folders"),
        },
        Case {
            name: "an encoded climb",
            mutate: Box::new(|s| with_permalink(s, "\"/%2e%2e/{slug}/\"")),
            expect: p("/%2e%2e/{slug}/", "it contains `%`, which means something else in a web address"),
        },
        Case {
            name: "a folder name longer than 255 bytes",
            mutate: Box::new(|s| with_permalink(s, &format!("\"/{}/{{slug}}/\"", "b".repeat(256)))),
            expect: p(
                &format!("/{}/{{slug}}/", "b".repeat(256)),
                "the name `bbbbbbbbbbbbbbbbbbbbbbbb…` is 256 bytes long; a file name may be at most 255 bytes",
            ),
        },
    ]);
    assert!(!above.exists(), "{} was written", above.display());
}

/// Item 1: slugs and tags too long for a file name are errors at their
/// front-matter line (today: a bare I/O error, or a file name the system
/// refuses).
#[test]
fn names_too_long_for_a_file_are_errors_at_their_line() {
    let long = "Long ".repeat(60);
    let too_long = "the name `long-long-long-long-long…` is 299 bytes long; a file name may be at most 255 bytes";
    let (l1, l2, l3) = (long.clone(), long.clone(), long.clone());
    run_cases(vec![
        Case {
            name: "a 300-character title becomes the slug",
            mutate: Box::new(move |s| s.write("content/posts/2026-11-03.md", &format!("---\ntitle: {l1}\n---\nHi\n"))),
            expect: one_error(
                &format!("the web address of this file cannot be written: {too_long}"),
                "content/posts/2026-11-03.md:2:8",
                "shorten the title or set a shorter `slug:` in the front matter",
            ),
        },
        Case {
            name: "a 300-character slug",
            mutate: Box::new(move |s| {
                s.write("content/posts/2026-11-03-x.md", &format!("---\ntitle: X\nslug: {l2}\n---\nHi\n"));
            }),
            expect: one_error(
                &format!("the web address of this file cannot be written: {too_long}"),
                "content/posts/2026-11-03-x.md:3:7",
                "shorten the title or set a shorter `slug:` in the front matter",
            ),
        },
        Case {
            name: "a 300-character tag",
            mutate: Box::new(move |s| {
                s.write("content/posts/2026-11-03-x.md", &format!("---\ntitle: X\ntags: [wool, {l3}]\n---\nHi\n"));
            }),
            expect: one_error(
                &format!("tag 2 cannot be a web address: {too_long}"),
                "content/posts/2026-11-03-x.md:3:7",
                "shorten the tag to a few words",
            ),
        },
        Case {
            name: "a 300-character product name",
            mutate: Box::new(|s| {
                let product = "Wool ".repeat(60);
                s.write("data/reviews.yaml", &format!("- id: r1\n  author: Ana\n  rating: 5\n  date: 2026-11-03\n  text: Lovely.\n  product: {product}\n"));
            }),
            expect: one_error(
                &format!(
                    "review `r1`: product `{}` cannot be a web address: the name `wool-wool-wool-wool-wool…` is 299 bytes long; a file name may be at most 255 bytes",
                    "Wool ".repeat(60).trim()
                ),
                "data/reviews.yaml:6:12",
                "shorten the product's name",
            ),
        },
        Case {
            name: "a moment photo whose name makes a 479-byte address",
            mutate: Box::new(|s| {
                let name = "&".repeat(120);
                fs::create_dir_all(s.root.join("content/moments")).unwrap();
                image::RgbImage::from_pixel(40, 30, image::Rgb([9, 90, 200]))
                    .save_with_format(s.root.join(format!("content/moments/{name}.jpg")), image::ImageFormat::Jpeg)
                    .unwrap();
                s.write(&format!("content/moments/{name}.yaml"), "caption: Ana's bike\ndate: 2026-11-03\nconsent: true\n");
            }),
            expect: one_error(
                "this photo's name cannot be the moment's address: the name `and-and-and-and-and-and-…` is 479 bytes long; a file name may be at most 255 bytes",
                &format!("content/moments/{}.jpg", "&".repeat(120)),
                "rename the photo (and its sidecar) with a shorter name, such as ana-wheel.jpg",
            ),
        },
        Case {
            name: "a 300-character staff id",
            mutate: Box::new(|s| {
                let id = "ab".repeat(150);
                s.write("data/staff.yaml", &format!("- id: ada\n  name: Ada\n- id: {id}\n  name: A\n"));
            }),
            expect: one_error(
                &format!(
                    "staff id `{}` cannot be a web address: the name `{}…` is 300 bytes long; a file name may be at most 255 bytes",
                    "ab".repeat(150),
                    "ab".repeat(12)
                ),
                "data/staff.yaml:3:7",
                "use a short id, such as a first name",
            ),
        },
    ]);
}

const CACHE_HELP: &str = "the cache needs a folder of its own: leave `cache_dir` out to use .shopstory-cache/ in the site folder, or name a folder outside the site such as /home/me/.cache/shop";

/// Item 1: `cache_dir` may not be the file system root, the site, a folder
/// above it, a source folder or the output (today `cache_dir: /` writes
/// `/images` and `/outputs`).
#[test]
fn dangerous_cache_folders_are_refused_at_their_line() {
    let c = |value: &str, why: &str| one_error(&format!("cache_dir `{value}`: {why}"), "site.yaml:13:12", CACHE_HELP);
    let yaml = |line: &'static str| move |s: &SiteTest| append_to_site_yaml(s, line);
    run_cases(vec![
        case("the file system root", yaml("cache_dir: /"), c("/", "it is the root of the file system")),
        case("the site folder", yaml("cache_dir: ."), c(".", "it is the site folder itself")),
        case("the folder above", yaml("cache_dir: .."), c("..", "it is a folder that holds the site folder")),
        case(
            "in content/",
            yaml("cache_dir: content/cache"),
            c("content/cache", "it is in the site's content/ folder"),
        ),
        case("templates/", yaml("cache_dir: templates"), c("templates", "it is in the site's templates/ folder")),
        case("the output", yaml("cache_dir: public"), c("public", "it is in the output folder")),
    ]);
}

/// An absolute `cache_dir` that holds the site (its temp folder) is refused
/// too; one outside the site is allowed (a CI cache) and used.
#[test]
fn an_absolute_cache_dir_above_the_site_is_refused_and_one_beside_it_is_used() {
    let site = SiteTest::fixture("basic");
    site.build_ok();
    let tmp = site.root.parent().unwrap().canonicalize().unwrap();
    append_to_site_yaml(&site, &format!("cache_dir: {}", tmp.display()));
    let before = snapshot(&tmp);
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        diagnostic_lines(&run.stderr),
        one_error(
            &format!("cache_dir `{}`: it is a folder that holds the site folder", tmp.display()),
            "site.yaml:13:12",
            CACHE_HELP
        )
    );
    assert_eq!(snapshot(&tmp), before);

    let yaml = site.read("site.yaml").replace(&format!("cache_dir: {}", tmp.display()), "cache_dir: ../ci-cache");
    site.write("site.yaml", &yaml);
    site.write("content/posts/2026-11-03-photo.md", "---\ntitle: Photo\n---\n![A dot](dot.png)\n");
    image::RgbImage::from_pixel(40, 30, image::Rgb([200, 40, 40]))
        .save(site.root.join("content/posts/dot.png"))
        .unwrap();
    site.build_ok();
    let cached: Vec<String> = fs::read_dir(tmp.join("ci-cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // The rendered bodies (`bodies.bin`, and the size of what the build used) are kept there too.
    assert_eq!(cached, ["bodies.bin", "bodies.live", "build.lock", "images", "outputs"]);
}

/// Item 7: every path an owner writes goes through one check; these were
/// silently dropped before (exit 0).
#[test]
fn paths_out_of_the_site_are_errors_everywhere() {
    run_cases(vec![
        Case {
            name: "shop.logo above the site",
            mutate: Box::new(|s| {
                fs::write(s.root.parent().unwrap().join("logo.png"), b"not ours").unwrap();
                let yaml = s
                    .read("site.yaml")
                    .replace("  name: Tea & Thread\n", "  name: Tea & Thread\n  logo: ../logo.png\n");
                s.write("site.yaml", &yaml);
            }),
            expect: one_error(
                "shop.logo `../logo.png`: it points outside the site folder",
                "site.yaml:6:9",
                "put the logo inside the site folder and write its path from there, such as static/logo.png",
            ),
        },
        Case {
            name: "a staff photo at /etc/passwd",
            mutate: Box::new(|s| {
                let yaml = s.read("data/staff.yaml");
                s.write("data/staff.yaml", &format!("{yaml}  photo: ../../../../etc/passwd\n"));
            }),
            expect: one_error(
                "photo `../../../../etc/passwd` of ada: it points outside the site folder",
                "data/staff.yaml:5:10",
                "put the photo inside the site folder and write its path from there, such as static/staff/maya.jpg",
            ),
        },
        Case {
            name: "a markdown image climbing from the site root",
            mutate: Box::new(|s| {
                s.write("content/posts/2026-11-03-x.md", "---\ntitle: X\n---\n![x](/../../secret.jpg)\n");
            }),
            expect: one_error(
                "image `/../../secret.jpg`: it points outside the site folder",
                "content/posts/2026-11-03-x.md:4:1",
                "keep photos inside the site folder, next to the post or in static/",
            ),
        },
        Case {
            name: "a local video climbing out",
            mutate: Box::new(|s| s.write("content/posts/2026-11-03-x.md", "---\ntitle: X\nvideo: ../../../../clip.mp4\n---\n")),
            expect: one_error(
                "video `../../../../clip.mp4`: it points outside the site folder",
                "content/posts/2026-11-03-x.md:3:8",
                "put the video file next to the post (or in static/) and check its name",
            ),
        },
        Case {
            name: "a share_image climbing out",
            mutate: Box::new(|s| s.write("content/posts/2026-11-03-x.md", "---\ntitle: X\nshare_image: ../../../card.jpg\n---\n")),
            expect: one_error(
                "share_image `../../../card.jpg`: it points outside the site folder",
                "content/posts/2026-11-03-x.md:3:14",
                "give a photo next to the page (share_image: card.jpg) or its path from the site folder; it is cropped to 1200x630",
            ),
        },
        Case {
            name: "a cover climbing out",
            mutate: Box::new(|s| {
                s.write("content/posts/2026-11-03-x.md", "---\ntitle: X\ncover: ../../../x.jpg\n---\n");
            }),
            expect: one_error(
                "cover `../../../x.jpg`: it points outside the site folder",
                "content/posts/2026-11-03-x.md:3:8",
                "put the photo next to the post, or in static/",
            ),
        },
    ]);
}

const LINK_HELP: &str =
    "copy the file into the site folder instead of linking to it, or point the link at a file inside the site folder";

/// Item 7: a symbolic link under content/, data/, templates/ or themes/
/// that leads out of the site is an error naming the link (today
/// `templates/page.html -> /etc/passwd` is rendered into a page).
#[test]
fn links_out_of_the_site_are_errors_naming_the_link() {
    // A file beside the site folder (in the temp folder), named in messages as [TMP].
    fn outside(s: &SiteTest, name: &str, text: &str) -> std::path::PathBuf {
        let p = s.root.parent().unwrap().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, text).unwrap();
        p
    }
    let link_to = |to: &str, at: &str| {
        one_error(
            &format!("this symbolic link points outside the site folder (to {to}), so it is not read"),
            at,
            LINK_HELP,
        )
    };
    run_cases(vec![
        case(
            "a template linked to /etc/passwd",
            |s| {
                fs::create_dir_all(s.root.join("templates")).unwrap();
                symlink("/etc/passwd", s.root.join("templates/page.html")).unwrap();
            },
            link_to("/etc/passwd", "templates/page.html"),
        ),
        case(
            "a post linked to a file beside the site",
            |s| {
                let p = outside(s, "secret.md", "---\ntitle: Secret\n---\nThe safe code is 1234.\n");
                symlink(p, s.root.join("content/posts/2026-11-03-secret.md")).unwrap();
            },
            link_to("[TMP]/secret.md", "content/posts/2026-11-03-secret.md"),
        ),
        case(
            "a folder of content/ linked to /etc",
            |s| symlink("/etc", s.root.join("content/pages/etc")).unwrap(),
            link_to("/etc", "content/pages/etc"),
        ),
        case(
            "a data file linked out",
            |s| {
                let p = outside(
                    s,
                    "reviews.yaml",
                    "- id: r1\n  author: Eve\n  rating: 5\n  date: 2026-11-03\n  text: Hi\n",
                );
                symlink(p, s.root.join("data/reviews.yaml")).unwrap();
            },
            link_to("[TMP]/reviews.yaml", "data/reviews.yaml"),
        ),
        case(
            "a theme folder linked out",
            |s| {
                outside(s, "theme/templates/page.html", "{{ 1 }}");
                fs::create_dir_all(s.root.join("themes")).unwrap();
                symlink(s.root.parent().unwrap().join("theme"), s.root.join("themes/mine")).unwrap();
                append_to_site_yaml(s, "theme: mine");
            },
            one_error(
                "this folder is reached through a symbolic link that points outside the site folder, so it is not read",
                "themes/mine/templates",
                LINK_HELP,
            ),
        ),
    ]);
}

/// Links that stay inside the site are fine under content/ and templates/,
/// and static/ keeps its documented behaviour: its links are followed
/// wherever they point, and published as they are.
#[test]
fn links_inside_the_site_and_links_in_static_still_work() {
    let site = SiteTest::fixture("basic");
    site.write("notes/shared.md", "---\ntitle: Shared\ndate: 2026-11-03\n---\nFrom the notes folder.\n");
    symlink("../../notes/shared.md", site.root.join("content/posts/2026-11-03-shared.md")).unwrap();
    site.write(
        "layouts/page.html",
        "{% extends \"base.html\" %}{% block content %}linked {{ doc.title }}{% endblock content %}",
    );
    fs::create_dir_all(site.root.join("templates")).unwrap();
    symlink("../layouts/page.html", site.root.join("templates/page.html")).unwrap();
    let beside = site.root.parent().unwrap().join("brand.css");
    fs::write(&beside, "body{}").unwrap();
    symlink(&beside, site.root.join("static/brand.css")).unwrap();
    let run = site.build_ok();
    assert_eq!(diagnostic_lines(&run.stderr), Vec::<String>::new());
    assert!(site.read("public/blog/shared/index.html").contains("From the notes folder."));
    assert!(site.read("public/about/index.html").contains("linked About"), "{}", site.read("public/about/index.html"));
    assert_eq!(site.read("public/brand.css"), "body{}");
}

/// Item 9 (part): a static/ file that cannot be read is named as the
/// source, not as the output path it was going to be copied to. Tests run
/// as root, which permissions do not stop; a link to /proc/self/mem opens
/// but fails to read (EIO), as root too. (A theme's static files go through
/// the same check, but a theme may not link out of the site, and inside it
/// root can read everything, so that case cannot be set up here.)
#[test]
fn an_unreadable_static_file_is_named_as_the_source() {
    let help = "check that the file exists and that you may read it (its permissions); remove it from static/ if it should not be published";
    run_cases(vec![case(
        "static/x.css that cannot be read",
        |s| symlink("/proc/self/mem", s.root.join("static/x.css")).unwrap(),
        one_error("cannot read this file: Input/output error (os error 5)", "static/x.css", help),
    )]);
}
