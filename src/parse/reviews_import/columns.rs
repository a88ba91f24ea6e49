//! Which column of an export holds which field of a review: by flag, else by
//! the header names review platforms write (Google, Trustpilot, Etsy,
//! Shopify review apps such as Judge.me). Every column is accounted for: a
//! column no field takes is listed in a warning with a hint, and a field
//! that two columns could fill (or a column two fields claim) is an error
//! naming both. No I/O.

use super::ImportSettings;
use crate::diag::Diagnostics;
use crate::parse::csv::Record;
use std::collections::BTreeMap;

/// One field of a review and how export headers may name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Col {
    Author,
    Rating,
    Date,
    Title,
    Text,
    Reply,
    ReplyDate,
    Id,
    Product,
    Source,
}

impl Col {
    pub(super) const ALL: [Col; 10] = [
        Col::Author,
        Col::Rating,
        Col::Date,
        Col::Title,
        Col::Text,
        Col::Reply,
        Col::ReplyDate,
        Col::Id,
        Col::Product,
        Col::Source,
    ];

    pub(super) fn flag(self) -> &'static str {
        match self {
            Col::Author => "--author-column",
            Col::Rating => "--rating-column",
            Col::Date => "--date-column",
            Col::Title => "--title-column",
            Col::Text => "--text-column",
            Col::Reply => "--reply-column",
            Col::ReplyDate => "--reply-date-column",
            Col::Id => "--id-column",
            Col::Product => "--product-column",
            Col::Source => "--source-column",
        }
    }

    pub(super) fn what(self) -> &'static str {
        match self {
            Col::Author => "author",
            Col::Rating => "rating",
            Col::Date => "date",
            Col::Title => "title",
            Col::Text => "text",
            Col::Reply => "reply",
            Col::ReplyDate => "reply date",
            Col::Id => "id",
            Col::Product => "product",
            Col::Source => "source",
        }
    }

    fn required(self) -> bool {
        matches!(self, Col::Author | Col::Rating | Col::Date)
    }

    /// Header names recognised without a flag (compared after `header_key`),
    /// in two tiers: the names platforms write first, then looser synonyms
    /// that count only when no first-tier name is there. Two columns in the
    /// same tier are an error.
    pub(super) fn aliases(self) -> [&'static [&'static str]; 2] {
        match self {
            Col::Author => [
                &[
                    "reviewer display name",
                    "reviewer name",
                    "reviewer",
                    "review consumer name",
                    "consumer name",
                    "author",
                    "author name",
                    "customer name",
                ],
                &["name", "customer", "user", "user name", "display name"],
            ],
            Col::Rating => [&["star rating", "review stars", "rating", "stars"], &["score", "rating value"]],
            Col::Date => [
                &["create time", "review created (utc)", "review created", "date reviewed", "review date", "date"],
                &["created", "created at", "date created", "published", "date published", "time", "submitted at"],
            ],
            Col::Title => [&["title", "review title"], &["headline", "subject"]],
            Col::Text => [
                &["comment", "review content", "message", "body", "review text", "text"],
                &["review", "comments", "content", "review body"],
            ],
            Col::Reply => [
                &[
                    "review reply comment",
                    "reply comment",
                    "reply content",
                    "company reply",
                    "company reply content",
                    "reply",
                    "owner reply",
                    "owner response",
                    "response",
                ],
                &["response from owner", "response from the owner", "reply text", "seller response", "shop reply"],
            ],
            Col::ReplyDate => [
                &[
                    "review reply update time",
                    "reply update time",
                    "company reply date (utc)",
                    "company reply date",
                    "reply date",
                    "response date",
                ],
                &["replied at", "reply time", "response time"],
            ],
            Col::Id => [&["review id"], &["id"]],
            Col::Product => [&["product handle", "product", "product name"], &["item", "service", "product title"]],
            Col::Source => [&["source", "source of review"], &["platform", "channel"]],
        }
    }
}

/// "Reviewer_Name " → "reviewer name"; "reviewer.displayName" → "reviewer
/// display name".
pub(super) fn header_key(h: &str) -> String {
    let mut spaced = String::new();
    let mut prev_lower = false;
    for c in h.trim().trim_start_matches('\u{feff}').chars() {
        if c.is_uppercase() && prev_lower {
            spaced.push(' ');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        spaced.push(c);
    }
    spaced.to_lowercase().replace(['_', '-', '.'], " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Which column holds each field.
#[derive(Debug, Clone, Default)]
pub(super) struct Columns {
    pub found: BTreeMap<Col, usize>,
}

/// Why a column no field takes is left out, for the warning.
fn hint(key: &str, found: &BTreeMap<Col, usize>, names: &[String]) -> String {
    let has = |words: &[&str]| words.iter().any(|w| key.split(' ').any(|k| k == *w || k.starts_with(w)));
    let taken = |col: Col| found.get(&col).map(|&i| names[i].clone());
    if key == "name" && found.contains_key(&Col::Id) {
        format!("Google's resource name of the review; its id is read from {}", names[found[&Col::Id]])
    } else if key == "reviewer is anonymous" {
        "Google's own flag; the name shown is the reviewer's display name".into()
    } else if has(&["email", "ip", "phone", "address"]) {
        "personal data: never published".into()
    } else if has(&["photo", "picture", "image", "avatar", "media"]) {
        "photos of reviewers are not imported".into()
    } else if has(&["reply", "response", "answer"]) && has(&["date", "time", "updated", "created"]) {
        "looks like the date of an owner reply: use --reply-date-column".into()
    } else if has(&["reply", "response", "answer"]) {
        "looks like an owner reply: use --reply-column".into()
    } else if has(&["date", "time", "created", "updated", "reviewed"]) {
        match taken(Col::Date) {
            Some(d) => format!("a second date: the review's date is read from {d}"),
            None => "looks like a date: use --date-column".into(),
        }
    } else if has(&["rating", "stars", "star", "score"]) {
        "looks like a rating: use --rating-column".into()
    } else if has(&["product"]) {
        "looks like a product: use --product-column to name products by it".into()
    } else {
        "no field of data/reviews.yaml; a --<field>-column flag imports it as that field".into()
    }
}

/// The column index of each field the export has. Errors and the
/// not-imported warnings go to `diags`; `None` after an error.
pub(super) fn find_columns(
    file: &str,
    header: &Record,
    settings: &ImportSettings,
    text_required: bool,
    diags: &mut Diagnostics,
) -> Option<Columns> {
    let raw: Vec<String> =
        header.fields.iter().map(|f| f.text.trim().trim_start_matches('\u{feff}').to_string()).collect();
    let keys: Vec<String> = raw.iter().map(|h| header_key(h)).collect();
    let names = raw.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ");
    let mut found: BTreeMap<Col, usize> = BTreeMap::new();
    let mut ok = true;
    let span = Some(header.span);

    // Flags first: each must name exactly one column, and no column twice.
    for (&col, name) in &settings.columns {
        let matches: Vec<usize> = (0..keys.len()).filter(|&i| keys[i] == header_key(name)).collect();
        match matches.as_slice() {
            [] => {
                ok = false;
                diags
                    .error(file, span, format!("there is no column `{name}` ({} {name})", col.flag()))
                    .help(format!("the columns on the first line are: {names}"));
            }
            [i] => {
                if let Some((&other, _)) = found.iter().find(|(_, &j)| j == *i) {
                    ok = false;
                    diags
                        .error(
                            file,
                            span,
                            format!(
                                "column `{}` is named for two fields: the {} ({}) and the {} ({})",
                                raw[*i],
                                other.what(),
                                other.flag(),
                                col.what(),
                                col.flag()
                            ),
                        )
                        .help("a column fills one field; drop one of the two flags");
                }
                found.insert(col, *i);
            }
            many => {
                ok = false;
                let list = many.iter().map(|&i| format!("{} (column {})", raw[i], i + 1)).collect::<Vec<_>>();
                diags
                    .error(file, span, format!("two columns are named `{name}`: {}", list.join(" and ")))
                    .help("rename one of them on the first line of the file, so that a flag can tell them apart");
            }
        }
    }
    // Then the names platforms use, tier by tier.
    let flagged: Vec<usize> = found.values().copied().collect();
    let mut unclear: Vec<Col> = Vec::new();
    for col in Col::ALL {
        if settings.columns.contains_key(&col) {
            continue;
        }
        let mut ambiguous = false;
        for tier in col.aliases() {
            let matches: Vec<usize> =
                (0..keys.len()).filter(|&i| !flagged.contains(&i) && tier.contains(&keys[i].as_str())).collect();
            match matches.as_slice() {
                [] => continue,
                [i] => {
                    found.insert(col, *i);
                }
                many => {
                    ok = false;
                    ambiguous = true;
                    unclear.push(col);
                    let list = many.iter().map(|&i| format!("`{}` (column {})", raw[i], i + 1)).collect::<Vec<_>>();
                    let same_name = many.iter().all(|&i| keys[i] == keys[many[0]]);
                    let help = if same_name {
                        "rename one of them on the first line of the file, then choose it with a flag".to_string()
                    } else {
                        format!("choose one with {} \"<column>\"; the other is then listed as not imported", col.flag())
                    };
                    diags
                        .error(
                            file,
                            span,
                            format!(
                                "{} columns could be the reviews' {}: {}",
                                many.len(),
                                col.what(),
                                list.join(" and ")
                            ),
                        )
                        .help(help);
                }
            }
            break;
        }
        if col.required() && !found.contains_key(&col) && !ambiguous {
            ok = false;
            diags
                .error(file, span, format!("no column holds the reviews' {}", col.what()))
                .help(format!("name it with {} \"<column>\"; the columns on the first line are: {names}", col.flag()));
        }
    }
    let text_unclear = unclear.contains(&Col::Text) || unclear.contains(&Col::Title);
    if text_required && !found.contains_key(&Col::Text) && !found.contains_key(&Col::Title) && !text_unclear {
        ok = false;
        diags
            .error(file, span, "no column holds the reviews' text")
            .help(format!("name it with --text-column \"<column>\"; the columns on the first line are: {names}"));
    }
    if !ok {
        return None;
    }
    for i in 0..keys.len() {
        if found.values().any(|&j| j == i) {
            continue;
        }
        let why =
            if raw[i].is_empty() { "it has no name on the first line".into() } else { hint(&keys[i], &found, &raw) };
        let name = if raw[i].is_empty() { format!("column {}", i + 1) } else { raw[i].clone() };
        diags
            .warning(file, Some(header.fields[i].span), format!("not imported: {name} ({why})"))
            .help("every other column is imported; nothing of this one reaches data/reviews.yaml");
    }
    Some(Columns { found })
}
