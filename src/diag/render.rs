//! One formatter for diagnostics, two sinks: plain text for the terminal and
//! escaped HTML for the preview's error overlay. The text form is rustc-like:
//!
//! ```text
//! error: rating 7 is out of range
//!   --> data/reviews.yaml:12:11
//!    |
//! 12 |   rating: 7
//!    |           ^
//!    = help: use a number from 1 to 5; halves like 4.5 are allowed
//! ```

use super::{Diagnostic, Diagnostics, Severity, SourceMap};
use std::fmt::Write;

/// Renders one diagnostic as terminal text (no colour).
pub fn to_text(diags: &Diagnostics, d: &Diagnostic) -> String {
    let mut out = String::new();
    let label = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let _ = writeln!(out, "{label}: {}", d.message);
    match (d.span, diags.source(&d.file)) {
        (Some(span), Some(text)) => {
            let map = SourceMap::new(text);
            let (line, col) = map.line_col(text, span.start);
            let gutter = line.to_string().len();
            let pad = " ".repeat(gutter);
            let _ = writeln!(out, "{pad}--> {}:{line}:{col}", d.file);
            let line_text = text.lines().nth(line - 1).unwrap_or("");
            let shown: String = line_text.chars().take(160).collect();
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{line} | {}", shown.trim_end());
            let (_, end_col) = map.line_col(text, span.end.max(span.start + 1));
            let same_line = map.line_col(text, span.end).0 == line;
            let width = if same_line && end_col > col { end_col - col } else { 1 };
            let width = width.min(shown.chars().count().saturating_sub(col - 1).max(1));
            let _ = writeln!(out, "{pad} | {}{}", " ".repeat(col - 1), "^".repeat(width));
            if let Some(help) = &d.help {
                let _ = writeln!(out, "{pad} = help: {help}");
            }
        }
        _ => {
            let _ = writeln!(out, "  --> {}", d.file);
            if let Some(help) = &d.help {
                let _ = writeln!(out, "   = help: {help}");
            }
        }
    }
    out
}

/// Renders every diagnostic, sorted, followed by a summary line.
pub fn all_to_text(diags: &Diagnostics) -> String {
    let mut out = String::new();
    for d in diags.sorted() {
        out.push_str(&to_text(diags, d));
        out.push('\n');
    }
    out
}

/// A one-line summary: "2 errors, 1 warning".
pub fn summary(diags: &Diagnostics) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(diags.error_count(), "error"), plural(diags.warning_count(), "warning"))
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Every diagnostic as an HTML fragment (the preview's error overlay body).
pub fn all_to_html(diags: &Diagnostics) -> String {
    let mut out = String::new();
    for d in diags.sorted() {
        let class = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ =
            write!(out, "<pre class=\"shopstory-diag shopstory-{class}\">{}</pre>", escape_html(&to_text(diags, d)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;
    use std::sync::Arc;

    #[test]
    fn text_form_points_at_the_span() {
        let mut diags = Diagnostics::new();
        let text = "- id: a\n  rating: 7\n";
        diags.add_source("data/reviews.yaml", Arc::from(text));
        diags
            .error("data/reviews.yaml", Some(Span::new(18, 19)), "rating 7 is out of range")
            .help("use a number from 1 to 5");
        let out = all_to_text(&diags);
        assert_eq!(
            out,
            "error: rating 7 is out of range\n --> data/reviews.yaml:2:11\n  |\n2 |   rating: 7\n  |           ^\n  = help: use a number from 1 to 5\n\n"
        );
        assert_eq!(summary(&diags), "1 error, 0 warnings");
    }

    #[test]
    fn html_form_is_escaped() {
        let mut diags = Diagnostics::new();
        diags.error("content/posts/<x>.md", None, "bad <script>");
        let html = all_to_html(&diags);
        assert!(!html.contains("<script>"));
        assert!(html.contains("bad &lt;script&gt;"));
    }
}
