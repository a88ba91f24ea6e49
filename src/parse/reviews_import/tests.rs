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
            Skipped { line: 2, reason: "review `r-2026-11-03-ana` has the same author, date and text".into() },
            Skipped { line: 5, reason: "review `r-2026-11-10-bo` has the same author, date and text".into() },
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
    assert_eq!(all[1].text, "Good, \"quick\"\nservice");
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
    assert_eq!(plan.skipped, [Skipped { line: 2, reason: "review `r-2026-11-03-ana` is already there".into() }]);
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
        "error: line 4: the review has no text\n --> export.csv:4:",
        "error: line 5 has 5 fields, but the first line names 4 columns\n --> export.csv:5:1",
    ] {
        assert!(errs.contains(needle), "lacks {needle:?} in\n{errs}");
    }
    // Rows with only a rating can be skipped on request.
    let csv = "author,rating,date,text\nCy,5,2026-11-01,\n";
    let s = ImportSettings { skip_without_text: true, ..settings() };
    let (plan, _) = run(csv, None, &s);
    let plan = plan.unwrap();
    assert!(plan.added.is_empty());
    assert_eq!(plan.skipped[0].line, 2);
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

#[test]
fn issue_12_two_columns_for_one_field_are_an_error_naming_both() {
    let csv = "Author,Rating,Stars,Date,Text\nAna,5,4,2026-11-03,Fine\n";
    let (plan, errs) = run(csv, None, &settings());
    assert!(plan.is_none());
    assert_eq!(
        errs,
        "error: two columns hold the reviews' rating: `Rating` and `Stars`\n --> export.csv:1:1\n  |\n1 | Author,Rating,Stars,Date,Text\n  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  = help: say which one to use with --rating-column \"Rating\" (or \"Stars\")\n\n"
    );
    let chosen = ImportSettings { columns: [(Col::Rating, "Stars".to_string())].into(), ..settings() };
    let (plan, errs) = run(csv, None, &chosen);
    assert_eq!(errs, "");
    assert!(plan.unwrap().append.contains("  rating: 4\n"));
}
