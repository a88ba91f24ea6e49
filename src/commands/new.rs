//! `shopstory new post "Title"`: writes a dated post with its front matter.
//! `shopstory new moment photo.jpg`: copies a customer's photo into
//! content/moments/ and writes its sidecar.

use crate::cli::{NewMomentArgs, NewPostArgs};
use crate::diag::Diagnostics;
use crate::load::read_text;
use crate::options::{absolute, today};
use crate::parse::staff::{parse_staff, STAFF_FILE};
use crate::paths::slugify;
use crate::report::Reporter;
use anyhow::{bail, Context, Result};
use std::fs;
use std::process::ExitCode;

/// Quotes a value for YAML when it needs it.
fn yaml_string(s: &str) -> String {
    crate::parse::yaml::to_string(&s).trim_end().to_string()
}

pub fn post(args: &NewPostArgs, reporter: &Reporter) -> Result<ExitCode> {
    let root = absolute(&args.root);
    if !root.join(crate::parse::config::CONFIG_FILE).is_file() {
        bail!("{} has no site.yaml; run this inside a site folder or pass --root <site>", root.display());
    }
    let slug = slugify(&args.title);
    if slug.is_empty() {
        bail!("the title `{}` has no letters or digits to make a file name from", args.title);
    }
    if let Some(author) = &args.author {
        let mut diags = Diagnostics::new();
        let file = root.join(STAFF_FILE);
        let staff = if file.is_file() {
            read_text(&root, &file, &mut diags).map(|f| parse_staff(Some(&f), &mut diags)).unwrap_or_default()
        } else {
            Vec::new()
        };
        if !staff.iter().any(|s| &s.id == author) {
            let ids: Vec<&str> = staff.iter().map(|s| s.id.as_str()).collect();
            bail!(
                "`{author}` is not a staff id in {STAFF_FILE}{}",
                if ids.is_empty() {
                    "; add the person there first".to_string()
                } else {
                    format!("; the ids are: {}", ids.join(", "))
                }
            );
        }
    }
    let video = args.video.as_deref().map(|v| video_arg(&root, v)).transpose()?;
    let date = today();
    let rel = format!("content/posts/{date}-{slug}.md");
    let dest = root.join(&rel);
    if dest.exists() {
        bail!("{rel} already exists; choose another title or edit that post");
    }
    if let Some(Video::Clip { copy_from: Some(from), written }) = &video {
        let to = root.join("content/posts").join(written);
        fs::create_dir_all(root.join("content/posts")).context("cannot create content/posts")?;
        let mut out = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&to)
            .with_context(|| format!("cannot create content/posts/{written}"))?;
        let mut input = fs::File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
        if let Err(e) = std::io::copy(&mut input, &mut out) {
            let _ = fs::remove_file(&to);
            return Err(e).with_context(|| format!("cannot copy the video to content/posts/{written}"));
        }
        reporter.result(&format!("content/posts/{written}"));
    }
    let mut text = format!("---\ntitle: {}\ndescription: \"\"\ntags: []\n", yaml_string(&args.title));
    if let Some(a) = &args.author {
        text.push_str(&format!("author: {a}\n"));
    }
    match &video {
        Some(Video::Url(v)) | Some(Video::Clip { written: v, .. }) => {
            text.push_str(&format!("video: {}\n", yaml_string(v)));
        }
        None => {}
    }
    text.push_str("draft: true\n---\n\nWrite the first paragraph here: it is what listings show.\n\n<!-- more -->\n\nThe rest of the post.\n");
    fs::create_dir_all(dest.parent().expect("has a parent")).context("cannot create content/posts")?;
    fs::write(&dest, text).with_context(|| format!("cannot write {rel}"))?;
    reporter.result(&rel);
    reporter.status("the post is a draft: preview it with --drafts, and remove `draft: true` to publish it");
    Ok(ExitCode::SUCCESS)
}

/// What `--video` puts in the post's `video:`.
enum Video {
    /// A YouTube or Vimeo address.
    Url(String),
    /// A local clip, as the front matter names it (from the post's folder,
    /// or from the site folder with a leading `/`); `copy_from` is a clip
    /// outside the site, copied next to the post under the same name.
    Clip { written: String, copy_from: Option<std::path::PathBuf> },
}

/// Reads `--video` as the front matter's `video:` reads it: a video
/// address, or a video file (.mp4, .m4v, .webm, .ogv). A file is looked for
/// from the current folder, then next to the post (content/posts/); one in
/// the site's content/ or static/ is named where it is, any other is copied
/// next to the post.
fn video_arg(root: &std::path::Path, video: &str) -> Result<Video> {
    if video.contains("://") {
        if !(video.starts_with("https://") || video.starts_with("http://")) {
            bail!("--video `{video}` is not a web address; paste the video's full YouTube or Vimeo link");
        }
        if crate::embeds::is_video_platform_url(video) && crate::embeds::parse_video_url(video).is_none() {
            bail!("--video `{video}` is a YouTube or Vimeo address without a video id; copy the link from the video's Share button");
        }
        return Ok(Video::Url(video.to_string()));
    }
    let ext = video.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if !crate::embeds::VIDEO_FILES.iter().any(|(e, _)| *e == ext) {
        bail!(
            "--video `{video}` is neither a web address nor a video file; paste the video's full YouTube or Vimeo link, or give an .mp4, .m4v, .webm or .ogv file"
        );
    }
    let posts = root.join("content/posts");
    let here = absolute(std::path::Path::new(video));
    if !here.is_file() {
        if posts.join(video).is_file() {
            return Ok(Video::Clip { written: video.to_string(), copy_from: None });
        }
        bail!("there is no video file at {video} (looked in this folder and in content/posts/)");
    }
    match here.strip_prefix(root).map(|rel| rel.to_string_lossy().replace('\\', "/")) {
        Ok(rel) if rel.starts_with("content/posts/") && !rel["content/posts/".len()..].contains('/') => {
            Ok(Video::Clip { written: rel["content/posts/".len()..].to_string(), copy_from: None })
        }
        Ok(rel) if rel.starts_with("content/") || rel.starts_with("static/") => {
            Ok(Video::Clip { written: format!("/{rel}"), copy_from: None })
        }
        _ => {
            let name = here.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if posts.join(&name).exists() {
                bail!("content/posts/{name} already exists; rename the video, or give that file: --video content/posts/{name}");
            }
            Ok(Video::Clip { written: name, copy_from: Some(here) })
        }
    }
}

/// `new moment`: copies the photo (refusing to overwrite anything) as
/// `<id>.<ext>` (the id is `--id`, else the photo's file name), writes
/// `<id>.yaml` next to it with the day the photo was taken (its EXIF
/// `DateTimeOriginal`; today when it has none), and prints both paths.
/// Without `--consent` the sidecar says `consent: false`, and the build
/// refuses the moment until that changes.
pub fn moment(args: &NewMomentArgs, reporter: &Reporter) -> Result<ExitCode> {
    use crate::load::images::{is_image_path, probe, IMAGE_EXTENSIONS};
    use std::io::Write;

    let root = absolute(&args.root);
    if !root.join(crate::parse::config::CONFIG_FILE).is_file() {
        bail!("{} has no site.yaml; run this inside a site folder or pass --root <site>", root.display());
    }
    let source = &args.photo;
    if !source.is_file() {
        bail!("there is no photo at {}", source.display());
    }
    let name = source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name.as_str(), ""));
    let ext = ext.to_ascii_lowercase();
    if !IMAGE_EXTENSIONS.contains(&ext.as_str()) && !is_image_path(&name) {
        bail!("{name} is not a photo: use a JPEG, PNG or WebP file");
    }
    // A photo the build could not read is refused now rather than at build time.
    let file = crate::load::OtherFile { path: name.clone(), abs: absolute(source) };
    if let Err(why) = probe(&file) {
        bail!("{name}: {why}");
    }
    let slug = match &args.id {
        Some(id) => {
            let slug = slugify(id);
            if slug != *id {
                bail!(
                    "--id `{id}` cannot be a moment's address: use lowercase letters, digits and hyphens{}",
                    if slug.is_empty() { String::new() } else { format!(", such as `--id {slug}`") }
                );
            }
            slug
        }
        None => slugify(stem),
    };
    if slug.is_empty() {
        bail!("the file name `{name}` has no letters or digits to name the moment by; rename the photo first, or pass --id");
    }
    let dir = root.join("content/moments");
    let rel_photo = format!("content/moments/{slug}.{ext}");
    let rel_yaml = format!("content/moments/{slug}.yaml");
    for rel in [&rel_photo, &rel_yaml, &format!("content/moments/{slug}.yml")] {
        if root.join(rel).exists() {
            bail!("{rel} already exists; rename the photo, or edit that moment instead");
        }
    }
    // Another photo of the same name (ana.png next to ana.jpg) would share the sidecar.
    if let Ok(entries) = fs::read_dir(&dir) {
        for e in entries.flatten() {
            let other = e.file_name().to_string_lossy().into_owned();
            if is_image_path(&other) && other.rsplit_once('.').is_some_and(|(s, _)| slugify(s) == slug) {
                bail!("content/moments/{other} already has the name `{slug}`; rename the photo first");
            }
        }
    }

    let taken = date_taken(source);
    let date = taken.clone().unwrap_or_else(|| today().to_string());
    let today = today();
    let quoted = |v: &Option<String>| v.as_deref().map(yaml_string).unwrap_or_default();
    let consent = if args.consent {
        format!("consent: true     # recorded with `shopstory new moment` on {today}")
    } else {
        "consent: false    # the build refuses this moment until the customer agrees: then write true".to_string()
    };
    let sidecar = format!(
        "# A customer moment: the photo {slug}.{ext} next to this file, shown at /moments/{slug}/.\n\
         caption: {}\n\
         customer: {}       # a first name, or nothing\n\
         date: {date}\n\
         product:\n\
         tags: []\n\
         alt:               # what the photo shows, for screen readers (else the caption is read)\n\
         {consent}\n",
        quoted(&args.caption),
        quoted(&args.customer),
    );

    fs::create_dir_all(&dir).context("cannot create content/moments")?;
    let create = |rel: &str| {
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(root.join(rel))
            .with_context(|| format!("cannot create {rel}"))
    };
    let mut out = create(&rel_photo)?;
    let mut input = fs::File::open(source).with_context(|| format!("cannot read {}", source.display()))?;
    if let Err(e) = std::io::copy(&mut input, &mut out) {
        let _ = fs::remove_file(root.join(&rel_photo));
        return Err(e).with_context(|| format!("cannot copy the photo to {rel_photo}"));
    }
    create(&rel_yaml)?.write_all(sidecar.as_bytes()).with_context(|| format!("cannot write {rel_yaml}"))?;
    reporter.result(&rel_photo);
    reporter.result(&rel_yaml);
    reporter.status(&match taken {
        Some(_) => format!("date: {date}, the day the photo was taken (from the photo's EXIF)"),
        None => format!(
            "date: {date} (today): the photo does not say when it was taken; correct it in {rel_yaml} if need be"
        ),
    });
    if args.consent {
        reporter.status(&format!(
            "add the product, tags and alt text in {rel_yaml}; the moment will be at /moments/{slug}/"
        ));
    } else {
        reporter.status(&format!(
            "warning: {rel_yaml} says `consent: false`, so the build will refuse this moment until consent is recorded: \
             once the customer agrees to be shown on the site, write `consent: true` there"
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// The day a photo was taken, `YYYY-MM-DD`, from its EXIF
/// `DateTimeOriginal` (`2026:11:04 15:30:12`, the camera's local time), or
/// `None` when it has none or it is not a real date (`0000:00:00`).
fn date_taken(photo: &std::path::Path) -> Option<String> {
    let file = fs::File::open(photo).ok()?;
    let exif = exif::Reader::new().read_from_container(&mut std::io::BufReader::new(file)).ok()?;
    let field = exif.get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)?;
    let exif::Value::Ascii(parts) = &field.value else { return None };
    let text = std::str::from_utf8(parts.first()?).ok()?;
    let day = text.get(..10)?.replace(':', "-");
    crate::date::Date::parse(&day).ok().filter(|d| d.year >= 1900).map(|d| d.to_string())
}
