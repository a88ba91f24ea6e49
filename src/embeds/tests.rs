use super::*;
use proptest::prelude::*;

const ID: &str = "aBc_12-XyZ9";

fn yt(url: &str) -> Option<(String, u32)> {
    parse_video_url(url).filter(|r| r.provider == Provider::YouTube).map(|r| (r.id, r.start_seconds))
}

fn vm(url: &str) -> Option<(String, u32, Option<String>)> {
    parse_video_url(url).filter(|r| r.provider == Provider::Vimeo).map(|r| (r.id, r.start_seconds, r.vimeo_hash))
}

#[test]
fn every_youtube_form_gives_its_id_and_start() {
    let cases: &[(&str, u32)] = &[
        ("https://www.youtube.com/watch?v=aBc_12-XyZ9", 0),
        ("http://youtube.com/watch?v=aBc_12-XyZ9", 0),
        ("https://m.youtube.com/watch?v=aBc_12-XyZ9", 0),
        ("https://music.youtube.com/watch?v=aBc_12-XyZ9", 0),
        ("https://www.youtube.com/watch?feature=share&v=aBc_12-XyZ9", 0),
        ("https://www.youtube.com/watch?v=aBc_12-XyZ9&t=90", 90),
        ("https://www.youtube.com/watch?v=aBc_12-XyZ9&t=90s", 90),
        ("https://www.youtube.com/watch?v=aBc_12-XyZ9&t=1m30s", 90),
        ("https://www.youtube.com/watch?v=aBc_12-XyZ9&t=1h2m3s", 3723),
        ("https://www.youtube.com/watch?v=aBc_12-XyZ9#t=2m", 120),
        ("https://www.youtube.com/watch?v=aBc_12-XyZ9&list=PL123&index=2", 0),
        ("https://youtu.be/aBc_12-XyZ9", 0),
        ("https://youtu.be/aBc_12-XyZ9?t=42", 42),
        ("https://youtu.be/aBc_12-XyZ9?si=Zx9&t=1m5s", 65),
        ("https://www.youtube.com/shorts/aBc_12-XyZ9", 0),
        ("https://youtube.com/shorts/aBc_12-XyZ9?feature=share", 0),
        ("https://www.youtube.com/embed/aBc_12-XyZ9", 0),
        ("https://www.youtube.com/embed/aBc_12-XyZ9?start=30", 30),
        ("https://www.youtube-nocookie.com/embed/aBc_12-XyZ9?start=30&autoplay=1", 30),
        ("https://www.youtube.com/live/aBc_12-XyZ9", 0),
        ("HTTPS://WWW.YOUTUBE.COM/watch?v=aBc_12-XyZ9", 0),
        ("www.youtube.com/watch?v=aBc_12-XyZ9", 0),
        ("<https://youtu.be/aBc_12-XyZ9>", 0),
    ];
    for (url, start) in cases {
        assert_eq!(yt(url), Some((ID.to_string(), *start)), "{url}");
    }
}

#[test]
fn every_vimeo_form_gives_its_id_and_start() {
    assert_eq!(vm("https://vimeo.com/76979871"), Some(("76979871".into(), 0, None)));
    assert_eq!(vm("https://www.vimeo.com/76979871#t=1m5s"), Some(("76979871".into(), 65, None)));
    assert_eq!(vm("https://player.vimeo.com/video/76979871"), Some(("76979871".into(), 0, None)));
    assert_eq!(
        vm("https://player.vimeo.com/video/76979871?h=0a1b2c3d4e&badge=0"),
        Some(("76979871".into(), 0, Some("0a1b2c3d4e".into())))
    );
    assert_eq!(vm("https://vimeo.com/76979871/0a1b2c3d4e"), Some(("76979871".into(), 0, Some("0a1b2c3d4e".into()))));
    assert_eq!(vm("https://vimeo.com/channels/staffpicks/76979871"), Some(("76979871".into(), 0, None)));
    assert_eq!(vm("https://vimeo.com/groups/shortfilms/videos/76979871"), Some(("76979871".into(), 0, None)));
    assert_eq!(vm("https://vimeo.com/76979871?t=30"), Some(("76979871".into(), 30, None)));
}

#[test]
fn other_urls_and_bad_ids_are_not_videos() {
    for url in [
        "https://example.com/watch?v=aBc_12-XyZ9",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?v=aBc_12-XyZ9x",
        "https://www.youtube.com/watch?v=aBc_12%XyZ9",
        "https://www.youtube.com/",
        "https://www.youtube.com/@harborstreetcycles",
        "https://www.youtube.com/channel/UC1234567890",
        "https://youtu.be/",
        "https://vimeo.com/",
        "https://vimeo.com/about",
        "https://vimeo.com/user12345",
        "https://vimeo.com/12345678901234",
        "https://player.vimeo.com/76979871",
        "https://notyoutube.com/watch?v=aBc_12-XyZ9",
        "",
        "https://",
    ] {
        assert_eq!(parse_video_url(url), None, "{url}");
    }
    assert!(is_video_platform_url("https://www.youtube.com/watch?v=short"));
    assert!(!is_video_platform_url("https://example.com/"));
}

#[test]
fn player_and_watch_urls() {
    let r = parse_video_url("https://youtu.be/aBc_12-XyZ9?t=1m30s").unwrap();
    assert_eq!(r.embed_url(true), "https://www.youtube-nocookie.com/embed/aBc_12-XyZ9?autoplay=1&start=90");
    assert_eq!(r.embed_url(false), "https://www.youtube-nocookie.com/embed/aBc_12-XyZ9?start=90");
    assert_eq!(r.watch_url(), "https://www.youtube.com/watch?v=aBc_12-XyZ9&t=90s");
    let r = VideoRef::new(Provider::YouTube, ID, 0).unwrap();
    assert_eq!(r.embed_url(false), "https://www.youtube-nocookie.com/embed/aBc_12-XyZ9");
    let r = parse_video_url("https://vimeo.com/76979871/0a1b2c3d4e#t=65s").unwrap();
    assert_eq!(r.embed_url(true), "https://player.vimeo.com/video/76979871?h=0a1b2c3d4e&dnt=1&autoplay=1#t=65s");
    assert_eq!(r.watch_url(), "https://vimeo.com/76979871/0a1b2c3d4e#t=65s");
    let r = VideoRef::new(Provider::Vimeo, "76979871", 0).unwrap();
    assert_eq!(r.embed_url(true), "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1");
    assert!(VideoRef::new(Provider::YouTube, "abc", 0).unwrap_err().contains("11 letters"));
    assert!(VideoRef::new(Provider::Vimeo, "abc", 0).unwrap_err().contains("digits"));
}

#[test]
fn times() {
    assert_eq!(parse_time("90"), Some(90));
    assert_eq!(parse_time("90s"), Some(90));
    assert_eq!(parse_time("1m30s"), Some(90));
    assert_eq!(parse_time("1h"), Some(3600));
    assert_eq!(parse_time("1:30"), Some(90));
    assert_eq!(parse_time("1:02:03"), Some(3723));
    for bad in ["", "s", "1x", "30s1m", "1m1m", "1:60", "1:", "-5", "1.5s", "99999999999"] {
        assert_eq!(parse_time(bad), None, "{bad}");
    }
}

#[test]
fn durations() {
    assert_eq!(parse_duration("2:30"), Ok(150));
    assert_eq!(parse_duration("1:02:30"), Ok(3750));
    assert_eq!(parse_duration("PT2M30S"), Ok(150));
    assert_eq!(parse_duration("PT1H"), Ok(3600));
    assert_eq!(parse_duration("PT45.4S"), Ok(45));
    assert_eq!(parse_duration("150"), Ok(150));
    assert_eq!(parse_duration("2m30s"), Ok(150));
    for bad in ["", "0:00", "2:75", "PT", "PT2S3M", "P1D", "two minutes", "PT1.5M", "30:00:00"] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
    assert!(parse_duration("2:75").unwrap_err().contains("minutes:seconds (2:30)"));
    assert_eq!(iso_duration(150), "PT2M30S");
    assert_eq!(iso_duration(3600), "PT1H");
    assert_eq!(iso_duration(3723), "PT1H2M3S");
    assert_eq!(iso_duration(45), "PT45S");
    assert_eq!(clock_duration(150), "2:30");
    assert_eq!(clock_duration(3723), "1:02:03");
}

proptest! {
    #[test]
    fn parsing_never_panics(s in "\\PC*") {
        let _ = parse_video_url(&s);
        let _ = parse_time(&s);
        let _ = parse_duration(&s);
        let _ = is_video_platform_url(&s);
    }

    #[test]
    fn urlish_input_never_panics(host in "(www\\.|m\\.)?(youtube\\.com|youtu\\.be|vimeo\\.com|player\\.vimeo\\.com)", rest in "[/?#=&a-zA-Z0-9_:%.-]{0,40}") {
        let _ = parse_video_url(&format!("https://{host}{rest}"));
    }

    #[test]
    fn watch_urls_read_back(id in "[A-Za-z0-9_-]{11}", start in 0u32..100_000, vimeo in 1u64..9_999_999_999) {
        let r = VideoRef::new(Provider::YouTube, &id, start).unwrap();
        prop_assert_eq!(parse_video_url(&r.watch_url()), Some(r.clone()));
        prop_assert_eq!(parse_video_url(&r.embed_url(true)), Some(r));
        let v = VideoRef::new(Provider::Vimeo, &vimeo.to_string(), start).unwrap();
        prop_assert_eq!(parse_video_url(&v.watch_url()), Some(v.clone()));
        prop_assert_eq!(parse_video_url(&v.embed_url(true)), Some(v));
    }

    #[test]
    fn durations_read_back(secs in 1u32..86_400) {
        prop_assert_eq!(parse_duration(&iso_duration(secs)), Ok(secs));
        prop_assert_eq!(parse_duration(&clock_duration(secs)), Ok(secs));
    }
}
