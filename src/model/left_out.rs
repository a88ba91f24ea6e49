//! Part of the model (filled by stage 3, resolve): what a build leaves out of the site and why
//! (drafts, and posts or moments dated after today), so that a post dated
//! 2027 by a typo does not vanish without a word. Takes the files `resolve`
//! did not publish and returns the one line `build` prints. Pure: it never
//! prints and never decides what is published.

use crate::date::Date;

/// How many future-dated files the line names before "and N more".
const LISTED: usize = 10;

/// The files a build left out, each under its reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// Drafts (`draft: true`), by file.
    pub drafts: Vec<String>,
    /// Files dated after today, with their date.
    pub future: Vec<(Date, String)>,
}

impl LeftOut {
    /// Records a file left out: a draft, else one dated `date` (after today).
    pub fn add(&mut self, file: &str, draft: bool, date: Option<Date>) {
        match (draft, date) {
            (false, Some(date)) => self.future.push((date, file.to_string())),
            _ => self.drafts.push(file.to_string()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.drafts.is_empty() && self.future.is_empty()
    }

    /// `left out: 1 draft, 1 dated in the future (2027-01-03:
    /// content/posts/2027-01-03-x.md); build with --drafts to include them`,
    /// the future ones soonest first; `None` when nothing was left out.
    pub fn line(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        if !self.drafts.is_empty() {
            let n = self.drafts.len();
            parts.push(format!("{n} draft{}", if n == 1 { "" } else { "s" }));
        }
        if !self.future.is_empty() {
            let mut future = self.future.clone();
            future.sort();
            let mut named: Vec<String> = future.iter().take(LISTED).map(|(d, f)| format!("{d}: {f}")).collect();
            if future.len() > LISTED {
                named.push(format!("and {} more", future.len() - LISTED));
            }
            parts.push(format!("{} dated in the future ({})", future.len(), named.join(", ")));
        }
        Some(format!("left out: {}; build with --drafts to include them", parts.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Option<Date> {
        Some(Date::parse(s).unwrap())
    }

    #[test]
    fn nothing_left_out_says_nothing() {
        assert_eq!(LeftOut::default().line(), None);
    }

    #[test]
    fn drafts_and_future_files_are_counted_and_named() {
        let mut left = LeftOut::default();
        left.add("content/posts/b.md", false, date("2027-02-01"));
        left.add("content/posts/draft.md", true, date("2027-05-01"));
        left.add("content/posts/a.md", false, date("2027-01-03"));
        assert_eq!(
            left.line().unwrap(),
            "left out: 1 draft, 2 dated in the future (2027-01-03: content/posts/a.md, 2027-02-01: content/posts/b.md); build with --drafts to include them"
        );
    }

    #[test]
    fn a_long_list_is_cut_after_ten() {
        let mut left = LeftOut::default();
        for day in 1..=13 {
            left.add(&format!("content/posts/{day:02}.md"), false, date(&format!("2027-01-{day:02}")));
        }
        left.add("content/pages/a.md", true, None);
        left.add("content/pages/b.md", true, None);
        let line = left.line().unwrap();
        assert!(
            line.starts_with("left out: 2 drafts, 13 dated in the future (2027-01-01: content/posts/01.md, "),
            "{line}"
        );
        assert!(
            line.ends_with("2027-01-10: content/posts/10.md, and 3 more); build with --drafts to include them"),
            "{line}"
        );
    }
}
