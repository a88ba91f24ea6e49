//! Part of stage 5 (render): the site search. Takes the resolved `Site` and
//! returns the `/search/` page's job and `search/index.json`, an index over
//! posts (and how-to videos), pages, moments and reviews that the theme's
//! first-party `search.js` reads in the browser. Pure: reads no file, and the
//! index names only the site's own URLs (no third-party request, ever).
//!
//! The index is compact and gzip-friendly: each document once (kind, title,
//! URL, date, a short snippet), then every word of the site folded (lower
//! case, accents taken off: `café` → `cafe`) and sorted, with the documents
//! that hold it as gaps between document numbers in base 36, or as a bitmap
//! for a word most documents hold (`encode_docs`). A word prefix
//! is a range of the sorted words, so `caf` finds `café` and `cafés`. The
//! browser folds the query with the same rules (`search.js`, `fold`).

use super::pages::{Extra, Job};
use super::{date_strings, meta, seo, ser, OutputFile};
use crate::model::Site;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Where the index is written, and the search page's URL.
pub const INDEX_PATH: &str = "search/index.json";
pub const PAGE_URL: &str = "/search/";
/// A snippet's length, in characters.
const SNIPPET: usize = 160;
/// Longer "words" (a URL, a hash) are not indexed.
const MAX_WORD: usize = 32;

/// `text` lower case, without accents, with the few letters that carry no
/// accent to strip spelled in plain Latin (`ß` → `ss`, `ø` → `o`).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        // Decomposing one character at a time is NFD without its reordering
        // of accents, which are all dropped here anyway.
        decompose_canonical(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            for l in d.to_lowercase() {
                match l {
                    'ß' => out.push_str("ss"),
                    'æ' => out.push_str("ae"),
                    'œ' => out.push_str("oe"),
                    'ø' => out.push('o'),
                    'ł' => out.push('l'),
                    'đ' | 'ð' => out.push('d'),
                    'þ' => out.push_str("th"),
                    'ı' => out.push('i'),
                    l => out.push(l),
                }
            }
        });
    }
    out
}

/// The folded words of `text`: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = String> {
    let folded = fold(text);
    split_words(&folded).map(str::to_string).collect::<Vec<_>>().into_iter()
}

/// The words of text already folded (`fold`), as slices of it. Folding
/// the whole text once and then splitting gives the words folding each
/// word would: folding maps letters and digits to letters and digits and
/// drops only accents.
fn split_words(folded: &str) -> impl Iterator<Item = &str> {
    // A word of at most MAX_WORD bytes has at most MAX_WORD characters.
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && (w.len() <= MAX_WORD || w.chars().count() <= MAX_WORD))
}

/// The text of an HTML fragment: tags dropped, the common entities read.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        rest = rest[open..].find('>').map_or("", |close| &rest[open + close + 1..]);
    }
    out.push_str(rest);
    if !out.contains('&') {
        return out;
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// The folded words of a body's HTML, each once (in the order first met),
/// space-separated (a folded word holds letters and digits only): what the
/// search keeps of a post whose HTML is dropped once its page is written.
/// Run once per post while posts stream: the words are kept apart with a
/// hash set, not sorted (sorting every post's ~1,000 words cost more than
/// the rest of the index; `index_json` sorts the words once).
pub fn body_words(html: &str) -> String {
    let folded = fold(&html_text(html));
    let mut seen: HashSet<&str, BuildHasherDefault<WordHasher>> = HashSet::default();
    let mut out = String::with_capacity(folded.len() / 4);
    for w in split_words(&folded) {
        if seen.insert(w) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
    // Kept until the index is written, for every post: no slack.
    out.shrink_to_fit();
    out
}

/// A fast hash for short words (FxHash's mixing): the words are the
/// owner's own, so no one can choose them to collide.
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let word = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.add(word);
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// One thing the search finds.
struct Document<'a> {
    kind: Kind,
    title: String,
    url: String,
    date: String,
    date_display: String,
    snippet: String,
    /// Everything searched: title, tags, text...
    text: String,
    /// ...and a body's words (`body_words`), when they were kept apart.
    body_words: Option<&'a Arc<str>>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Post = 0,
    Video = 1,
    Page = 2,
    Moment = 3,
    Review = 4,
    Event = 5,
}

const KIND_KEYS: [&str; 6] = [
    "search_kind_post",
    "search_kind_video",
    "search_kind_page",
    "search_kind_moment",
    "search_kind_review",
    "search_kind_event",
];

fn snippet(text: &str) -> String {
    crate::model::truncate_words(&text.split_whitespace().collect::<Vec<_>>().join(" "), SNIPPET)
}

fn documents<'a>(site: &'a Site, extra_pages: &[(String, String, String)]) -> Vec<Document<'a>> {
    let i18n = &site.config.i18n;
    let mut docs = Vec::new();
    for (kind, list) in [(Kind::Post, &site.posts), (Kind::Page, &site.pages)] {
        for d in list {
            let (date, date_display) = date_strings(site, d.date);
            let tags: Vec<&str> = d.tags.iter().map(|t| t.name.as_str()).collect();
            // A streamed post keeps its words, not its HTML.
            let (body, body_words) = if d.body.html.is_empty() {
                (String::new(), Some(&d.body.search_words))
            } else {
                (html_text(&d.body.html), None)
            };
            docs.push(Document {
                kind: if d.video.is_some() { Kind::Video } else { kind },
                title: d.title.clone(),
                url: d.url.clone(),
                date,
                date_display,
                snippet: snippet(&d.meta_description("")),
                text: format!("{} {} {} {}", d.title, tags.join(" "), d.description.as_deref().unwrap_or(""), body),
                body_words,
            });
        }
    }
    for (title, url, text) in extra_pages {
        docs.push(Document {
            kind: Kind::Page,
            title: title.clone(),
            url: url.clone(),
            date: String::new(),
            date_display: String::new(),
            snippet: snippet(text),
            text: format!("{title} {text}"),
            body_words: None,
        });
    }
    for m in &site.moments {
        let (date, date_display) = date_strings(site, Some(m.date));
        let title = m.caption.clone().unwrap_or_else(|| match &m.customer {
            Some(name) => i18n.tf("moment_of", &[("name", name)]),
            None => i18n.tf("moment_on", &[("date", &date_display)]),
        });
        let who = m.customer.clone().unwrap_or_default();
        let product = m.product.clone().unwrap_or_default();
        docs.push(Document {
            kind: Kind::Moment,
            snippet: snippet(&format!("{who} {product} {}", m.photo.alt)),
            text: format!("{title} {who} {product} {} {}", m.tags.join(" "), m.photo.alt),
            title,
            url: m.url.clone(),
            date,
            date_display,
            body_words: None,
        });
    }
    for e in &site.events.list {
        let v = super::events::event_view(site, e);
        let hosts: Vec<&str> = v.hosts.iter().map(|h| h.name.as_str()).collect();
        docs.push(Document {
            kind: Kind::Event,
            title: e.title.clone(),
            url: e.url.clone(),
            date: v.next.start.get(..10).unwrap_or_default().to_string(),
            date_display: v.next.display.clone(),
            snippet: snippet(e.description.as_deref().unwrap_or(&v.place.name)),
            text: format!(
                "{} {} {} {} {} {}",
                e.title,
                e.tags.join(" "),
                e.description.as_deref().unwrap_or(""),
                v.place.name,
                hosts.join(" "),
                html_text(&v.content)
            ),
            body_words: None,
        });
    }
    for r in site.reviews.all.iter().filter(|r| r.listed) {
        let Some(text) = &r.text_plain else { continue };
        let product = r.product.map(|p| site.reviews.products[p].name.clone()).unwrap_or_default();
        docs.push(Document {
            kind: Kind::Review,
            title: i18n.tf("search_review_by", &[("name", &r.author)]),
            url: r.url.clone(),
            date: r.date.to_string(),
            date_display: i18n.date_long(r.date),
            snippet: snippet(text),
            text: format!("{} {product} {text}", r.author),
            body_words: None,
        });
    }
    docs
}

#[derive(Serialize)]
struct Index<'a> {
    v: u32,
    /// The kinds' names in the site's language, by kind number.
    kinds: Vec<&'a str>,
    /// `[kind, title, url, date, date as read, snippet]`.
    docs: Vec<(u8, &'a str, String, &'a str, &'a str, &'a str)>,
    /// Every folded word, sorted.
    words: Vec<&'a str>,
    /// For each word, its documents (`encode_docs`).
    docs_of: Vec<String>,
}

#[cfg(test)]
fn base36(n: usize) -> String {
    let mut out = String::new();
    push_base36(n, &mut out);
    out
}

/// Appends `n` in base 36 (lower case) to `out`, allocating nothing else.
fn push_base36(mut n: usize, out: &mut String) {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut digits = [0u8; 16];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = DIGITS[n % 36];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// How many base-36 digits `n` has.
fn base36_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 36 {
        n /= 36;
        len += 1;
    }
    len
}

/// The characters of a bitmap: each holds six documents, the lowest first.
const BITMAP_DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// A word's documents (ascending), whichever is shorter: the gaps between
/// their numbers in base 36, comma-separated (`0,3,1a`), or, for a word
/// most pages hold, `~` and a bitmap of all `total` documents, six to a
/// character (`~` + `total / 6` characters).
fn encode_docs(list: &[DocNumber], total: usize) -> String {
    let bitmap_len = total.div_ceil(6) + 1;
    // The gaps' length, counted before any is written: a word most
    // documents hold never writes its long list of gaps.
    let mut last = 0;
    let mut gaps_len = list.len().saturating_sub(1);
    for &n in list {
        gaps_len += base36_len((n - last) as usize);
        last = n;
    }
    if gaps_len <= bitmap_len {
        let mut gaps = String::with_capacity(gaps_len);
        let mut last = 0;
        for (i, &n) in list.iter().enumerate() {
            if i > 0 {
                gaps.push(',');
            }
            push_base36((n - last) as usize, &mut gaps);
            last = n;
        }
        return gaps;
    }
    let mut bits = vec![0u8; total.div_ceil(6)];
    for n in list.iter().map(|&n| n as usize) {
        bits[n / 6] |= 1 << (n % 6);
    }
    std::iter::once('~').chain(bits.iter().map(|&b| char::from(BITMAP_DIGITS[usize::from(b)]))).collect()
}

/// A document's place in the index (a site has far fewer than 2^32).
type DocNumber = u32;

type Postings<'a> = HashMap<&'a str, Vec<DocNumber>, BuildHasherDefault<WordHasher>>;

/// Each word's documents, ascending: runs of documents gathered in
/// parallel, then joined in order (a later run's documents all come after
/// an earlier run's, so each word's list is the earlier's and then the
/// later's).
fn postings<'a>(docs: &[Document<'a>], folded: &'a [String]) -> Postings<'a> {
    const RUN: usize = 512;
    let runs: Vec<Postings<'a>> = (0..docs.len().div_ceil(RUN))
        .into_par_iter()
        .map(|r| {
            let mut postings = Postings::default();
            for n in r * RUN..((r + 1) * RUN).min(docs.len()) {
                let number = n as DocNumber;
                for w in doc_words(&folded[n], docs[n].body_words) {
                    let list = postings.entry(w).or_default();
                    if list.last() != Some(&number) {
                        list.push(number);
                    }
                }
            }
            postings
        })
        .collect();
    let mut runs = runs.into_iter();
    let mut all = runs.next().unwrap_or_default();
    for run in runs {
        for (w, list) in run {
            all.entry(w).or_default().extend(list);
        }
    }
    all
}

/// A document's words: those of its folded text, then its body's kept words.
fn doc_words<'a>(folded: &'a str, body_words: Option<&'a Arc<str>>) -> impl Iterator<Item = &'a str> {
    split_words(folded).chain(body_words.map_or("", |w| &**w).split_whitespace())
}

/// What the preview keeps of a language's last index (`render::Kept`):
/// each document's folded text and body words, and each word's documents.
/// The next index starts from it when it has as many documents, and
/// changes only the lists of the words of the documents that changed.
pub struct Last {
    texts: Vec<String>,
    body_words: Vec<Option<Arc<str>>>,
    postings: HashMap<Box<str>, Vec<DocNumber>, BuildHasherDefault<WordHasher>>,
}

impl Last {
    fn new(docs: &[Document<'_>], folded: Vec<String>) -> Last {
        let postings = postings(docs, &folded).into_iter().map(|(w, list)| (Box::from(w), list)).collect();
        Last { postings, texts: folded, body_words: docs.iter().map(|d| d.body_words.cloned()).collect() }
    }

    /// The postings of `docs`, from these (when no more than an eighth of
    /// the documents changed: else made again).
    fn update(mut self, docs: &[Document<'_>], folded: Vec<String>) -> Last {
        let same = |n: usize| {
            self.texts[n] == folded[n]
                && match (&self.body_words[n], docs[n].body_words) {
                    (None, None) => true,
                    (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
                    _ => false,
                }
        };
        let changed: Vec<usize> = (0..docs.len()).filter(|&n| !same(n)).collect();
        if changed.len() > docs.len() / 8 + 8 {
            return Last::new(docs, folded);
        }
        for &n in &changed {
            for w in doc_words(&self.texts[n], self.body_words[n].as_ref()) {
                let Some(list) = self.postings.get_mut(w) else { continue };
                if let Ok(i) = list.binary_search(&(n as DocNumber)) {
                    list.remove(i);
                }
                if list.is_empty() {
                    self.postings.remove(w);
                }
            }
        }
        for &n in &changed {
            let number = n as DocNumber;
            for w in doc_words(&folded[n], docs[n].body_words) {
                if let Some(list) = self.postings.get_mut(w) {
                    if let Err(i) = list.binary_search(&number) {
                        list.insert(i, number);
                    }
                } else {
                    self.postings.insert(w.into(), vec![number]);
                }
            }
        }
        for &n in &changed {
            self.body_words[n] = docs[n].body_words.cloned();
        }
        self.texts = folded;
        self
    }
}

/// `search/index.json`. URLs carry the site's base path (the browser uses
/// them as they are). With `kept` (the preview), from the last index's
/// postings, and leaving this one's there.
fn index_json(site: &Site, extra_pages: &[(String, String, String)], kept: Option<&mut Option<Last>>) -> String {
    let docs = documents(site, extra_pages);
    // Each document's text folded once, in parallel; words are slices of it.
    let folded: Vec<String> = docs.par_iter().map(|d| fold(&d.text)).collect();
    let Some(slot) = kept else {
        let postings = postings(&docs, &folded);
        return write_index(site, &docs, postings.iter().map(|(w, list)| (*w, list.as_slice())).collect());
    };
    let last = match slot.take() {
        Some(last) if last.texts.len() == docs.len() => last.update(&docs, folded),
        _ => Last::new(&docs, folded),
    };
    let json = write_index(site, &docs, last.postings.iter().map(|(w, list)| (&**w, list.as_slice())).collect());
    *slot = Some(last);
    json
}

/// The index's JSON, from each word's documents.
fn write_index(site: &Site, docs: &[Document<'_>], mut postings: Vec<(&str, &[DocNumber])>) -> String {
    let base = crate::paths::base_path(&site.config.base_url);
    // Sorted by their bytes, as the browser's prefix search expects.
    postings.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let i18n = &site.config.i18n;
    let index = Index {
        v: 1,
        kinds: KIND_KEYS.iter().map(|k| i18n.t(k)).collect(),
        docs: docs
            .iter()
            .map(|d| {
                (
                    d.kind as u8,
                    d.title.as_str(),
                    format!("{base}{}", d.url),
                    d.date.as_str(),
                    d.date_display.as_str(),
                    d.snippet.as_str(),
                )
            })
            .collect(),
        words: postings.iter().map(|(w, _)| *w).collect(),
        docs_of: postings.iter().map(|(_, list)| encode_docs(list, docs.len())).collect(),
    };
    serde_json::to_string(&index).unwrap_or_default()
}

/// The search page and its index, when `search` is on. `extra_pages` are
/// generated pages to find as well: `(title, url, text)`. `kept`: the
/// last index's postings (the preview), updated.
pub(super) fn add(
    site: &Site,
    extra_pages: &[(String, String, String)],
    kept: Option<&mut Option<Last>>,
) -> Option<(Option<Job>, OutputFile)> {
    if !site.config.search {
        return None;
    }
    let i18n = &site.config.i18n;
    let heading = i18n.t("search_heading");
    let description = i18n.tf("search_description", &[("shop", &site.config.shop.name)]);
    let mut m = meta(site, "search", heading, PAGE_URL, &description);
    m.noindex = true;
    m.share = Vec::new();
    m.json_ld = seo::json_ld_text(&seo::web_page(site, "SearchResultsPage", heading, PAGE_URL, &description));
    let browse: Vec<super::views::NavLinkView> = super::site::site_view(site).nav;
    let job = Job {
        template: "search.html".into(),
        meta: m,
        rendering: "the search page".into(),
        extra: Extra::Ready(vec![("browse", ser(&browse))]),
        lastmod: None,
    };
    let file = OutputFile {
        path: INDEX_PATH.into(),
        contents: super::Contents::Bytes(index_json(site, extra_pages, kept).into_bytes()),
    };
    // An owner's own page at /search/ (content/pages/search.md) is kept; the index is still written.
    let job = (!site.pages.iter().any(|p| p.url == PAGE_URL)).then_some(job);
    Some((job, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_takes_off_case_and_accents() {
        assert_eq!(fold("Café CRÈME Straße Øl Łódź"), "cafe creme strasse ol lodz");
        assert_eq!(words("Crème-brûlée, 2× naïve!").collect::<Vec<_>>(), ["creme", "brulee", "2", "naive"]);
    }

    #[test]
    fn html_becomes_text() {
        assert_eq!(
            html_text("<p>Fish &amp; <em>chips</em></p>").split_whitespace().collect::<Vec<_>>(),
            ["Fish", "&", "chips"]
        );
    }

    #[test]
    fn a_streamed_bodys_words_are_kept_once_each() {
        assert_eq!(body_words("<p>Café <em>crème</em>, CAFÉ &amp; naïve</p>"), "cafe creme naive");
        assert_eq!(body_words(""), "");
    }

    #[test]
    fn gaps_in_base_36() {
        assert_eq!([0, 35, 36, 1295].map(base36), ["0", "z", "10", "zz"]);
        assert_eq!(encode_docs(&[0, 3, 40], 100), "0,3,11");
        assert_eq!(encode_docs(&[1295, 1296 + 1295], 100_000), "zz,100");
        assert_eq!(encode_docs(&[], 10), "");
        for n in [0, 1, 35, 36, 1295, 1296, usize::MAX] {
            assert_eq!(base36_len(n), base36(n).len(), "{n}");
        }
    }

    fn document<'a>(text: &str, body_words: Option<&'a Arc<str>>) -> Document<'a> {
        let empty = String::new;
        Document {
            kind: Kind::Post,
            title: empty(),
            url: empty(),
            date: empty(),
            date_display: empty(),
            snippet: empty(),
            text: text.to_string(),
            body_words,
        }
    }

    fn sorted(last: &Last) -> Vec<(String, Vec<DocNumber>)> {
        let mut p: Vec<(String, Vec<DocNumber>)> =
            last.postings.iter().map(|(w, v)| (w.to_string(), v.clone())).collect();
        p.sort();
        p
    }

    #[test]
    fn postings_updated_for_what_changed_are_the_postings_made_again() {
        // 24 documents of a few words from a small vocabulary, edited at
        // random for 40 rounds (text, kept body words, both, or nothing).
        let vocab = ["tea", "yarn", "wool", "café", "open", "day", "dye", "batch", "x1", "naïve"];
        let mut seed = 7u64;
        let mut next = move |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let pick = |k: usize, next: &mut dyn FnMut(usize) -> usize| {
            (0..k).map(|_| vocab[next(vocab.len())]).collect::<Vec<_>>().join(" ")
        };
        let mut texts: Vec<String> = (0..24).map(|_| pick(3, &mut next)).collect();
        let mut bodies: Vec<Option<Arc<str>>> =
            (0..24).map(|i| (i % 3 != 0).then(|| Arc::from(pick(4, &mut next)))).collect();
        let mut last: Option<Last> = None;
        for round in 0..40 {
            let docs: Vec<Document<'_>> = texts.iter().zip(&bodies).map(|(t, b)| document(t, b.as_ref())).collect();
            let folded: Vec<String> = docs.iter().map(|d| fold(&d.text)).collect();
            let updated = match last.take() {
                Some(l) => l.update(&docs, folded.clone()),
                None => Last::new(&docs, folded.clone()),
            };
            assert_eq!(sorted(&updated), sorted(&Last::new(&docs, folded)), "round {round}");
            last = Some(updated);
            for _ in 0..1 + next(3) {
                let n = next(texts.len());
                match next(4) {
                    0 => texts[n] = pick(3, &mut next),
                    1 => bodies[n] = Some(Arc::from(pick(4, &mut next))),
                    2 => (texts[n], bodies[n]) = (pick(2, &mut next), None),
                    _ => {}
                }
            }
        }
        assert!(sorted(last.as_ref().unwrap()).iter().any(|(w, _)| w == "cafe"), "folded words are indexed");
    }

    #[test]
    fn a_common_word_is_a_bitmap() {
        // Documents 0-6 and 11 of 12: bits 0-5 (63, `_`), then 6 and 11 (1 + 32 = 33, `X`).
        assert_eq!(encode_docs(&[0, 1, 2, 3, 4, 5, 6, 11], 12), "~_X");
    }
}
