use super::*;
use crate::markdown::TocEntry;

fn entry(html: &str) -> Entry {
    let body = RenderedBody {
        html: html.into(),
        summary_html: Some("<p>sum</p>".into()),
        toc: vec![TocEntry {
            level: 2,
            id: "a".into(),
            title: "A".into(),
            children: vec![TocEntry { level: 3, id: "b".into(), title: "B".into(), children: vec![] }],
        }],
        words: 42,
        excerpt: "ex".into(),
        images: vec!["content/posts/a.jpg".into()],
        search_words: "fold wool".into(),
    };
    let call = Call {
        name: "reviews".into(),
        args: [
            ("product".to_string(), crate::markdown::shortcodes::ArgValue::Str("wool".into())),
            ("limit".to_string(), crate::markdown::shortcodes::ArgValue::Num(2.5)),
            ("x".to_string(), crate::markdown::shortcodes::ArgValue::Bool(true)),
        ]
        .into(),
        span: Span::new(3, 9),
        block: true,
    };
    let trace = vec![
        Asked::DocUrl { path: "content/posts/b.md".into(), answer: Some(("/b/".into(), false)) },
        Asked::DocUrl { path: "content/posts/c.md".into(), answer: None },
        Asked::FileUrl { path: "static/x.pdf".into(), answer: Some("/x.pdf".into()) },
        Asked::Image { path: "a.jpg".into(), alt: "A".into(), eager: true, answer: Err("no".into()) },
        Asked::Shortcode { file: "content/posts/a.md".into(), call, answer: Some("<div></div>".into()) },
        Asked::Embed { file: "f".into(), url: "https://vimeo.com/1".into(), span: Span::new(1, 2), answer: None },
    ];
    Entry { trace, body }
}

fn file(entries: &[(u128, Entry)]) -> Vec<u8> {
    let map: HashMap<u128, Arc<Entry>> = entries.iter().map(|(k, e)| (*k, Arc::new(e.clone()))).collect();
    let keys: Vec<u128> = entries.iter().map(|(k, _)| *k).collect();
    let mut bytes = encode_header();
    bytes.extend(encode_records(&map, &keys));
    bytes
}

#[test]
fn entries_read_back_as_written() {
    let bytes = file(&[(1, entry("<p>one</p>")), (u128::MAX, entry("<p>two</p>"))]);
    let d = decode(&bytes);
    assert!(d.whole);
    assert_eq!(d.entries.len(), 2);
    assert_eq!(*d.entries[&1], entry("<p>one</p>"));
    assert_eq!(*d.entries[&u128::MAX], entry("<p>two</p>"));
}

#[test]
fn a_later_record_of_a_key_wins() {
    let mut bytes = file(&[(7, entry("old"))]);
    let map: HashMap<u128, Arc<Entry>> = [(7, Arc::new(entry("new")))].into();
    bytes.extend(encode_records(&map, &[7]));
    assert_eq!(&*decode(&bytes).entries[&7].body.html, "new");
}

#[test]
fn a_damaged_or_cut_file_keeps_only_the_records_before_the_damage() {
    let bytes = file(&[(1, entry("one")), (2, entry("two"))]);
    let first_end = file(&[(1, entry("one"))]).len();
    // Cut anywhere inside the second record: the first is still there.
    for cut in [first_end + 1, first_end + 20, bytes.len() - 1] {
        let d = decode(&bytes[..cut]);
        assert!(!d.whole, "cut at {cut}");
        assert_eq!(d.entries.keys().copied().collect::<Vec<_>>(), [1], "cut at {cut}");
    }
    // One flipped byte anywhere in the second record drops it, never changes it.
    for at in (first_end..bytes.len()).step_by(7) {
        let mut bad = bytes.clone();
        bad[at] ^= 0x20;
        let d = decode(&bad);
        assert!(!d.whole, "flip at {at}");
        assert!(!d.entries.contains_key(&2), "flip at {at}");
    }
    // Anything cut into the header, or garbage, is empty.
    for cut in 0..20 {
        assert!(decode(&bytes[..cut]).entries.is_empty());
    }
    assert!(decode(&[0xff; 100]).entries.is_empty());
}

#[test]
fn a_memo_of_another_epoch_is_empty() {
    let mut bytes = file(&[(1, entry("one"))]);
    let at = b"shopstory bodies\n".len();
    bytes[at..at + 4].copy_from_slice(&(EPOCH + 1).to_le_bytes());
    let d = decode(&bytes);
    assert!(d.entries.is_empty());
    assert!(!d.whole);
}

#[test]
fn the_memo_keeps_what_a_build_used_and_made_within_its_bound() {
    let old: HashMap<u128, Arc<Entry>> = [(1, Arc::new(entry("a"))), (2, Arc::new(entry("b")))].into();
    let memo = Bodies::from_entries(old);
    let used = memo.take(1).unwrap();
    assert!(memo.take(1).is_none(), "taken out");
    memo.put(1, used, false);
    memo.put(3, Arc::new(entry("c")), true);
    let huge = Entry { body: RenderedBody { html: "x".repeat(MAX_BYTES).into(), ..entry("").body }, trace: vec![] };
    memo.put(4, Arc::new(huge), true);
    let new = memo.into_new();
    let mut keys: Vec<u128> = new.entries.keys().copied().collect();
    keys.sort();
    assert_eq!(keys, [1, 3]);
    assert_eq!(new.made, [3]);
}

/// Answers like a site, from a table.
struct Site(Vec<(&'static str, &'static str)>);

impl Targets for Site {
    fn doc_url(&self, p: &str) -> Option<(&str, bool)> {
        self.0.iter().find(|(k, _)| *k == p).map(|(_, v)| (*v, false))
    }
    fn file_url(&self, _: &str) -> Option<String> {
        None
    }
    fn image_html(&self, p: &str, _: &str, _: bool) -> Result<String, String> {
        Err(format!("no {p}"))
    }
    fn shortcode(&self, file: &str, _: &Call, diags: &mut Diagnostics) -> Option<String> {
        diags.error(file, None, "no shortcodes here");
        None
    }
    fn embed_url(&self, _: &str, _: &str, _: Span, _: &mut Diagnostics) -> Option<String> {
        None
    }
}

#[test]
fn a_trace_replays_only_when_every_answer_is_the_same() {
    let before = Site(vec![("content/posts/b.md", "/b/")]);
    let input = BodyInput { file: "content/posts/a.md", body: "[b](b.md)", body_offset: 10, first_image_eager: true };
    let recorder = Recorder::new(&before);
    let body = crate::markdown::render(&input, &recorder, &mut Diagnostics::new());
    let trace = recorder.into_trace();
    assert_eq!(trace, [Asked::DocUrl { path: "content/posts/b.md".into(), answer: Some(("/b/".into(), false)) }]);
    assert!(body.html.contains("href=\"/b/\""), "{}", body.html);
    assert!(replay(&trace, &before));
    // The linked post moved: the body must be rendered again.
    assert!(!replay(&trace, &Site(vec![("content/posts/b.md", "/blog/b/")])));
    assert!(!replay(&trace, &Site(vec![])));
    // A question that now gives a diagnostic is not the same answer.
    let call = Call { name: "x".into(), args: Default::default(), span: Span::new(0, 1), block: false };
    let asked = [Asked::Shortcode { file: "f".into(), call, answer: None }];
    assert!(!replay(&asked, &before));
}

#[test]
fn the_key_changes_with_every_input_of_the_markdown_pass() {
    let input = BodyInput { file: "content/posts/a.md", body: "Hello", body_offset: 10, first_image_eager: true };
    let k = key(&input, ("Done", "Not done"));
    assert_eq!(k, key(&input, ("Done", "Not done")));
    assert_ne!(k, key(&BodyInput { body: "Hello!", ..input }, ("Done", "Not done")));
    assert_ne!(k, key(&BodyInput { file: "content/posts/b.md", ..input }, ("Done", "Not done")));
    assert_ne!(k, key(&BodyInput { body_offset: 11, ..input }, ("Done", "Not done")));
    assert_ne!(k, key(&BodyInput { first_image_eager: false, ..input }, ("Done", "Not done")));
    assert_ne!(k, key(&input, ("Erledigt", "Not done")));
}
