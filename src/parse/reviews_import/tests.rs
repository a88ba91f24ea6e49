use super::*;
use crate::diag::render::all_to_text;

fn settings() -> ImportSettings {
    ImportSettings { today: Some(Date::parse("2026-11-22").unwrap()), ..Default::default() }
}

fn run(csv: &str, existing: Option<&str>, s: &ImportSettings) -> (Option<Plan>, String) {
    let mut diags = Diagnostics::new();
    diags.add_source("export.csv", Arc::from(csv));
    if let Some(e) = existing {
        diags.add_source(REVIEWS_FILE, Arc::from(e));
    }
    let plan = plan("export.csv", csv, existing, s, &mut diags);
    (plan, all_to_text(&diags))
}

const EXISTING: &str = "# our reviews\n- id: r-2026-11-03-ana\n  author: Ana P.\n  rating: 5\n  date: 2026-11-03\n  text: Friendly help.  # kept\n";
const CSV: &str = "Reviewer Name,Stars,Review Date,Comment,Owner Response\r\n\
    Ana P.,5,2026-11-03,Friendly help.,\r\n\
    Bo,\"4,5\",2026-11-10T09:00:00Z,\"Good, \"\"quick\"\"\nservice\",Thanks Bo!\r\n\
    Bo,4.5,2026-11-10,\"Good, \"\"quick\"\"\nservice\",\r\n\
    Cy Z.,★★★☆☆,2026/11/12,Fine,\r\n";

#[test]
fn adds_new_reviews_and_skips_the_ones_already_there() {
    let (plan, errs) = run(CSV, Some(EXISTING), &settings());
    assert_eq!(errs, "");
    let plan = plan.unwrap();
    assert_eq!(plan.added, ["r-2026-11-10-bo", "r-2026-11-12-cy"]);
    assert_eq!(
        plan.skipped,
        [
            Skipped {
                line: 2,
                kind: SkipKind::AlreadyThere,
                reason: "review `r-2026-11-03-ana` has the same author, date and text".into()
            },
            Skipped {
                line: 5,
                kind: SkipKind::AlreadyThere,
                reason: "review `r-2026-11-10-bo` has the same author, date and text".into()
            },
        ]
    );
    assert_eq!(
        plan.append,
        "\n- id: r-2026-11-10-bo\n  author: \"Bo\"\n  rating: 4.5\n  date: 2026-11-10\n  text: \"Good, \\\"quick\\\"\\nservice\"\n  response: \"Thanks Bo!\"\n\n- id: r-2026-11-12-cy\n  author: \"Cy Z.\"\n  rating: 3\n  date: 2026-11-12\n  text: \"Fine\"\n"
    );
    // The result reads back: the old entry untouched, the new ones whole.
    let combined = format!("{EXISTING}{}", plan.append);
    let file = TextFile { path: REVIEWS_FILE.into(), text: Arc::from(combined.as_str()) };
    let mut d = Diagnostics::new();
    let all = parse_reviews(Some(&file), &mut d);
    assert!(!d.has_errors());
    assert_eq!(all.len(), 3);
    assert_eq!(all[1].text.as_deref(), Some("Good, \"quick\"\nservice"));
    assert_eq!(all[1].response.as_deref(), Some("Thanks Bo!"));
    // A second import of the same file adds nothing.
    let (again, _) = run(CSV, Some(&combined), &settings());
    let again = again.unwrap();
    assert!(again.added.is_empty() && again.append.is_empty());
    assert_eq!(again.skipped.len(), 4);
}

#[test]
fn same_id_is_a_duplicate_and_generated_ids_stay_unique() {
    let csv = "id,author,rating,date,text\nr-2026-11-03-ana,Someone,1,2026-11-01,Other text\n,Ana Q.,4,2026-11-03,Nice\n,Ana R.,4,2026-11-03,Also nice\n";
    let (plan, errs) = run(csv, Some(EXISTING), &settings());
    assert_eq!(errs, "");
    let plan = plan.unwrap();
    assert_eq!(
        plan.skipped,
        [Skipped {
            line: 2,
            kind: SkipKind::AlreadyThere,
            reason: "review `r-2026-11-03-ana` is already there".into()
        }]
    );
    assert_eq!(plan.added, ["r-2026-11-03-ana-2", "r-2026-11-03-ana-3"]);
}

#[test]
fn bad_rows_are_reported_with_their_lines_and_nothing_is_planned() {
    let csv = "author,rating,date,text\nAna,7,2026-11-01,Hi\nBo,5,2027-01-01,Hi\nCy,5,2026-11-01,\nDee,5,2026-11-01,\"Hi, there\",extra\n";
    let (plan, errs) = run(csv, Some(EXISTING), &settings());
    assert!(plan.is_none());
    for needle in [
        "error: line 2: rating `7` is not from 1 to 5 in whole or half stars\n --> export.csv:2:5",
        "error: line 3: the date 2027-01-01 is in the future\n --> export.csv:3:6",
        "error: line 5 has 5 fields, but the first line names 4 columns\n --> export.csv:5:1",
    ] {
        assert!(errs.contains(needle), "lacks {needle:?} in\n{errs}");
    }
    assert!(!errs.contains("line 4"), "a rating without text is no error: {errs}");
    // Rows with only a rating are kept, or left out on request.
    let csv = "author,rating,date,text\nCy,5,2026-11-01,\n";
    let (plan, errs) = run(csv, None, &settings());
    assert_eq!(errs, "");
    assert!(plan
        .unwrap()
        .append
        .ends_with("- id: r-2026-11-01-cy\n  author: \"Cy\"\n  rating: 5\n  date: 2026-11-01\n"));
    let s = ImportSettings { skip_without_text: true, ..settings() };
    let (plan, _) = run(csv, None, &s);
    let plan = plan.unwrap();
    assert!(plan.added.is_empty());
    assert_eq!(
        plan.skipped,
        [Skipped { line: 2, kind: SkipKind::WithoutText, reason: "it has only a rating (--skip-without-text)".into() }]
    );
}

#[test]
fn columns_by_flag_and_missing_columns() {
    let csv = "who;score;when;words\nAna;5;2026-11-01;Hi\n";
    let mut s = settings();
    let (plan, errs) = run(csv, None, &s);
    assert!(plan.is_none());
    assert!(errs.contains("no column holds the reviews' author"), "{errs}");
    assert!(
        errs.contains(
            "--author-column \"<column>\"; the columns on the first line are: `who`, `score`, `when`, `words`"
        ),
        "{errs}"
    );
    s.columns.insert(Col::Author, "Who".into());
    s.columns.insert(Col::Date, "when".into());
    s.columns.insert(Col::Text, "words".into());
    s.source = Some("google".into());
    s.product = Some("Wool cover".into());
    let (plan, errs) = run(csv, None, &s);
    assert_eq!(errs, "");
    let plan = plan.unwrap();
    assert!(plan.append.starts_with(NEW_FILE_HEADER));
    assert!(
        plan.append.ends_with("  text: \"Hi\"\n  product: \"Wool cover\"\n  source: \"google\"\n"),
        "{}",
        plan.append
    );
}

#[test]
fn crlf_files_get_crlf_entries_and_a_missing_final_newline_is_added() {
    let existing = "- id: a\r\n  author: A\r\n  rating: 5\r\n  date: 2026-11-01\r\n  text: x";
    let (plan, _) = run("author,rating,date,text\nB,4,2026-11-02,y\n", Some(existing), &settings());
    let append = plan.unwrap().append;
    assert!(append.starts_with("\r\n\r\n- id: r-2026-11-02-b\r\n"), "{append:?}");
    assert!(!append.replace("\r\n", "").contains('\n'));
}

#[test]
fn a_broken_existing_file_is_not_imported_into() {
    let (plan, errs) = run("author,rating,date,text\nB,4,2026-11-02,y\n", Some("- id: a\n  rating: 9\n"), &settings());
    assert!(plan.is_none());
    assert!(errs.contains("fix the errors in this file before importing into it"), "{errs}");
}

/// The messages of the diagnostics a run gives, warnings included.
fn messages(export: &str, text: &str, s: &ImportSettings) -> (Option<Plan>, Vec<String>) {
    let mut diags = Diagnostics::new();
    diags.add_source(export, Arc::from(text));
    let plan = plan(export, text, None, s, &mut diags);
    (plan, diags.sorted().into_iter().map(|d| d.message.clone()).collect())
}

const TAKEOUT: &str = r#"{
  "reviews": [
    {
      "name": "accounts/1/locations/2/reviews/AbC1",
      "reviewId": "AbC1",
      "reviewer": {"displayName": "Ana Pereira", "profilePhotoUrl": "https://lh3.example/a.png", "isAnonymous": false},
      "starRating": "FIVE",
      "comment": "(Translated by Google) Very friendly\n\n(Original)\nMuito simpáticos",
      "createTime": "2026-11-03T10:15:00.123Z",
      "updateTime": "2026-11-03T10:15:00.123Z",
      "reviewReply": {"comment": "Thank you, Ana!", "updateTime": "2026-11-04T08:00:00Z"}
    },
    {
      "name": "accounts/1/locations/2/reviews/DeF2",
      "reviewId": "DeF2",
      "reviewer": {"displayName": "Bo", "isAnonymous": false},
      "starRating": "FOUR",
      "createTime": "2026-11-05T09:00:00Z",
      "updateTime": "2026-11-05T09:00:00Z"
    },
    {
      "name": "accounts/1/locations/2/reviews/GhI3",
      "reviewId": "GhI3",
      "reviewer": {"displayName": "A Google user", "isAnonymous": true},
      "starRating": "STAR_RATING_UNSPECIFIED",
      "createTime": "2026-11-06T09:00:00Z",
      "updateTime": "2026-11-06T09:00:00Z"
    }
  ],
  "averageRating": 4.5,
  "totalReviewCount": 2
}"#;

#[test]
fn google_takeout_reviews_json_keeps_replies_originals_and_ratings_only() {
    let (plan, msgs) = messages("reviews.json", TAKEOUT, &settings());
    let plan = plan.expect("a plan");
    assert_eq!(
        msgs,
        [
            "not imported: name (Google's resource name of the review; its id is read from reviewId)",
            "not imported: reviewer.profilePhotoUrl (photos of reviewers are not imported)",
            "not imported: reviewer.isAnonymous (Google's own flag; the name shown is the reviewer's display name)",
            "not imported: updateTime (a second date: the review's date is read from createTime)",
        ]
    );
    assert_eq!(plan.added, ["AbC1", "DeF2"]);
    assert_eq!(
        plan.skipped,
        [Skipped {
            line: 21,
            kind: SkipKind::WithoutRating,
            reason: "its rating is `STAR_RATING_UNSPECIFIED` (no stars given)".into()
        }]
    );
    assert_eq!(
        plan.entries,
        [
            "- id: AbC1\n  author: \"Ana Pereira\"\n  rating: 5\n  date: 2026-11-03\n  text: \"Muito simpáticos\"\n  response: \"Thank you, Ana!\"\n  response_date: 2026-11-04\n",
            "- id: DeF2\n  author: \"Bo\"\n  rating: 4\n  date: 2026-11-05\n",
        ]
    );
    let columns: Vec<(&str, &str)> = plan.columns.iter().map(|(f, c)| (*f, c.as_str())).collect();
    assert_eq!(
        columns,
        [
            ("author", "reviewer.displayName"),
            ("rating", "starRating"),
            ("date", "createTime"),
            ("text", "comment"),
            ("reply", "reviewReply.comment"),
            ("reply date", "reviewReply.updateTime"),
            ("id", "reviewId"),
        ]
    );
    // The same objects as a bare list, or one per line, read the same.
    let list = r#"[{"reviewId": "AbC1", "reviewer": {"displayName": "Ana"}, "starRating": "FIVE", "createTime": "2026-11-03T10:15:00Z"},
 {"reviewId": "DeF2", "reviewer": {"displayName": "Bo"}, "starRating": "TWO", "comment": "Slow.", "createTime": "2026-11-05T09:00:00Z"}]"#;
    let lines = list.trim_start_matches('[').trim_end_matches(']').replace("},\n", "}\n");
    for text in [list.to_string(), lines] {
        let (plan, msgs) = messages("reviews.json", &text, &settings());
        assert_eq!(msgs, Vec::<String>::new());
        assert_eq!(
            plan.unwrap().entries[1],
            "- id: DeF2\n  author: \"Bo\"\n  rating: 2\n  date: 2026-11-05\n  text: \"Slow.\"\n"
        );
    }
    // Anything else is refused, saying what was found.
    let (plan, msgs) = messages("reviews.json", r#"{"locations": []}"#, &settings());
    assert!(plan.is_none());
    assert_eq!(msgs, ["this JSON has no `reviews` list (its keys are: locations)"]);
    let (plan, msgs) = messages("reviews.json", "{\"reviews\": [", &settings());
    assert!(plan.is_none());
    assert_eq!(msgs, ["this is not valid JSON: EOF while parsing a list at line 1 column 13"]);
}

#[test]
fn an_error_in_json_points_at_the_reviews_line() {
    let text = "{\"reviews\": [\n  {\"reviewer\": {\"displayName\": \"Ana\"}, \"starRating\": \"FIVE\", \"createTime\": \"2026-11-03T00:00:00Z\"},\n  {\"reviewer\": {\"displayName\": \"Bo\"}, \"starRating\": \"SIX\", \"createTime\": \"2026-11-03T00:00:00Z\"}\n]}";
    let mut diags = Diagnostics::new();
    diags.add_source("reviews.json", Arc::from(text));
    assert!(plan("reviews.json", text, None, &settings(), &mut diags).is_none());
    let errs = all_to_text(&diags);
    assert!(
        errs.starts_with(
            "error: line 3: rating `SIX` is not from 1 to 5 in whole or half stars\n --> reviews.json:3:3\n"
        ),
        "{errs}"
    );
}

/// The columns an export's header gives, as (field, column) pairs.
fn mapping(header: &str) -> (Vec<(&'static str, String)>, Vec<String>) {
    let csv = format!("{header}\n");
    let (plan, msgs) = messages("export.csv", &csv, &settings());
    (plan.map(|p| p.columns).unwrap_or_default(), msgs)
}

/// A header line, the (field, column) pairs it gives, and its warnings.
type Case = (&'static str, &'static [(&'static str, &'static str)], &'static [&'static str]);

#[test]
fn platform_headers_are_recognised() {
    let cases: [Case; 5] = [
        (
            "Reviewer,Star Rating,Comment,Create Time,Update Time,Reply Comment,Reply Update Time",
            &[("author", "Reviewer"), ("rating", "Star Rating"), ("date", "Create Time"), ("text", "Comment"), ("reply", "Reply Comment"), ("reply date", "Reply Update Time")],
            &["not imported: Update Time (a second date: the review's date is read from Create Time)"],
        ),
        (
            "Review ID,Review Created (UTC),Review Consumer User ID,Review Title,Review Content,Review Stars,Source Of Review,Review Language,Domain URL,Webshop Name,Business Unit ID,Tags,Company Reply Date (UTC),Reply Content,Consumer Name",
            &[("author", "Consumer Name"), ("rating", "Review Stars"), ("date", "Review Created (UTC)"), ("title", "Review Title"), ("text", "Review Content"), ("reply", "Reply Content"), ("reply date", "Company Reply Date (UTC)"), ("id", "Review ID"), ("source", "Source Of Review")],
            &[
                "not imported: Review Consumer User ID (no field of data/reviews.yaml; a --<field>-column flag imports it as that field)",
                "not imported: Review Language (no field of data/reviews.yaml; a --<field>-column flag imports it as that field)",
                "not imported: Domain URL (no field of data/reviews.yaml; a --<field>-column flag imports it as that field)",
                "not imported: Webshop Name (no field of data/reviews.yaml; a --<field>-column flag imports it as that field)",
                "not imported: Business Unit ID (no field of data/reviews.yaml; a --<field>-column flag imports it as that field)",
                "not imported: Tags (no field of data/reviews.yaml; a --<field>-column flag imports it as that field)",
            ],
        ),
        (
            "Reviewer,Date Reviewed,Star Rating,Message,Order ID",
            &[("author", "Reviewer"), ("rating", "Star Rating"), ("date", "Date Reviewed"), ("text", "Message")],
            &["not imported: Order ID (no field of data/reviews.yaml; a --<field>-column flag imports it as that field)"],
        ),
        (
            "title,body,rating,review_date,source,curated,reviewer_name,reviewer_email,product_id,product_handle,reply,reply_date,picture_urls,ip_address,location",
            &[("author", "reviewer_name"), ("rating", "rating"), ("date", "review_date"), ("title", "title"), ("text", "body"), ("reply", "reply"), ("reply date", "reply_date"), ("product", "product_handle"), ("source", "source")],
            &[
                "not imported: curated (no field of data/reviews.yaml; a --<field>-column flag imports it as that field)",
                "not imported: reviewer_email (personal data: never published)",
                "not imported: product_id (looks like a product: use --product-column to name products by it)",
                "not imported: picture_urls (photos of reviewers are not imported)",
                "not imported: ip_address (personal data: never published)",
                "not imported: location (no field of data/reviews.yaml; a --<field>-column flag imports it as that field)",
            ],
        ),
        (
            "Name,Rating,Date,Text,Reply Comment Draft",
            &[("author", "Name"), ("rating", "Rating"), ("date", "Date"), ("text", "Text")],
            &["not imported: Reply Comment Draft (looks like an owner reply: use --reply-column)"],
        ),
    ];
    for (header, columns, warnings) in cases {
        let (found, msgs) = mapping(header);
        let found: Vec<(&str, &str)> = found.iter().map(|(f, c)| (*f, c.as_str())).collect();
        assert_eq!(found, columns, "{header}");
        assert_eq!(msgs, warnings, "{header}");
    }
}

#[test]
fn a_field_two_columns_could_fill_or_a_column_named_twice_is_an_error() {
    let (found, msgs) = mapping("Name,Stars,Rating,Date,Text");
    assert!(found.is_empty());
    assert_eq!(msgs, ["2 columns could be the reviews' rating: `Stars` (column 2) and `Rating` (column 3)"]);
    let mut s = settings();
    s.columns.insert(Col::Text, "Comment".into());
    s.columns.insert(Col::Reply, "comment".into());
    let (plan, msgs) = messages("export.csv", "Name,Rating,Date,Comment\n", &s);
    assert!(plan.is_none());
    assert_eq!(
        msgs,
        ["column `Comment` is named for two fields: the text (--text-column) and the reply (--reply-column)"]
    );
    let mut s = settings();
    s.columns.insert(Col::Rating, "Rating".into());
    let (_, msgs) = messages("export.csv", "Name,Rating,Date,Text,Rating\n", &s);
    assert_eq!(msgs, ["two columns are named `Rating`: Rating (column 2) and Rating (column 5)"]);
    // Two columns with one name cannot be told apart by a flag.
    let mut diags = Diagnostics::new();
    let csv = "Name,Rating,Date,Text,Rating\n";
    diags.add_source("export.csv", Arc::from(csv));
    assert!(super::plan("export.csv", csv, None, &settings(), &mut diags).is_none());
    assert_eq!(
        all_to_text(&diags),
        "error: 2 columns could be the reviews' rating: `Rating` (column 2) and `Rating` (column 5)\n --> export.csv:1:1\n  |\n1 | Name,Rating,Date,Text,Rating\n  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  = help: rename one of them on the first line of the file, then choose it with a flag\n\n"
    );
    // A flag settles a choice; the other column is then listed.
    let mut s = settings();
    s.columns.insert(Col::Rating, "Stars".into());
    let (plan, msgs) = messages("export.csv", "Name,Stars,Rating,Date,Text\nAna,5,4,2026-11-01,Hi\n", &s);
    assert_eq!(
        plan.unwrap().entries[0],
        "- id: r-2026-11-01-ana\n  author: \"Ana\"\n  rating: 5\n  date: 2026-11-01\n  text: \"Hi\"\n"
    );
    assert_eq!(msgs, ["not imported: Rating (looks like a rating: use --rating-column)"]);
}

#[test]
fn no_header_name_belongs_to_two_fields() {
    let mut seen: BTreeMap<&str, Col> = BTreeMap::new();
    for col in Col::ALL {
        for name in col.aliases().concat() {
            assert_eq!(columns::header_key(name), name, "aliases are written as keys");
            if let Some(other) = seen.insert(name, col) {
                panic!("`{name}` names both {other:?} and {col:?}");
            }
        }
    }
    assert_eq!(columns::header_key("reviewer.displayName"), "reviewer display name");
    assert_eq!(columns::header_key("\u{feff}Review_Date "), "review date");
}

#[test]
fn titles_translations_and_dates() {
    assert_eq!(rows::original_text("(Translated by Google) Nice\n\n(Original)\nSchön"), "Schön");
    assert_eq!(rows::original_text("Schön\n\n(Translated by Google)\nNice"), "Schön");
    assert_eq!(rows::original_text("Plain words"), "Plain words");
    let csv = "Review Title,Review Content,Review Stars,Review Created (UTC),Consumer Name\n\"Great *wool*\",\"Soft, warm.\",5,03/11/2026 10:00,Ana\nOnly a title,,4,13/11/2026,Bo\n";
    let (plan, msgs) = messages("export.csv", csv, &ImportSettings { day_first: Some(true), ..settings() });
    assert_eq!(msgs, Vec::<String>::new());
    let plan = plan.unwrap();
    assert_eq!(
        plan.entries,
        [
            "- id: r-2026-11-03-ana\n  author: \"Ana\"\n  rating: 5\n  date: 2026-11-03\n  text: \"**Great \\\\*wool\\\\***\\n\\nSoft, warm.\"\n",
            "- id: r-2026-11-13-bo\n  author: \"Bo\"\n  rating: 4\n  date: 2026-11-13\n  text: \"Only a title\"\n",
        ]
    );
    // Without --date-order, 03/11/2026 could be either.
    let (plan, msgs) = messages("export.csv", csv, &settings());
    assert!(plan.is_none());
    assert_eq!(msgs, ["line 2: `03/11/2026 10:00` could be 3 November or March 11"]);
}

#[test]
fn every_missing_column_is_reported_in_one_run() {
    let (plan, msgs) = messages("export.csv", "Who,Stars,Rating,Words\n", &settings());
    assert!(plan.is_none());
    assert_eq!(
        msgs,
        [
            "2 columns could be the reviews' rating: `Stars` (column 2) and `Rating` (column 3)",
            "no column holds the reviews' author",
            "no column holds the reviews' date",
            "no column holds the reviews' text",
        ]
    );
}

#[test]
fn ratings_only_by_one_name_on_one_day_are_told_apart_by_id_and_stars() {
    let json = r#"{"reviews": [
 {"reviewId": "a1", "reviewer": {"displayName": "A Google User", "isAnonymous": true}, "starRating": "FIVE", "createTime": "2026-11-03T10:00:00Z"},
 {"reviewId": "a2", "reviewer": {"displayName": "A Google User", "isAnonymous": true}, "starRating": "FIVE", "createTime": "2026-11-03T12:00:00Z"}
]}"#;
    let (plan, _) = messages("reviews.json", json, &settings());
    assert_eq!(plan.unwrap().added, ["a1", "a2"]);
    // Without ids, the same name, day and stars is the same rating; other stars are another.
    let csv = "author,rating,date,text\nAna,5,2026-11-03,\nAna,5,2026-11-03,\nAna,3,2026-11-03,\n";
    let (plan, _) = messages("export.csv", csv, &settings());
    let plan = plan.unwrap();
    assert_eq!(plan.added, ["r-2026-11-03-ana", "r-2026-11-03-ana-2"]);
    assert_eq!(plan.count(SkipKind::AlreadyThere), 1);
}
