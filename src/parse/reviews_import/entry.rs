//! The YAML text appended for each new review.

use super::Candidate;

/// Quotes text as a YAML double-quoted scalar (a JSON string is one).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// An id as YAML: bare when it cannot be read as anything but text.
fn yaml_id(id: &str) -> String {
    let reserved = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"];
    if id.starts_with(|c: char| c.is_ascii_alphabetic()) && !reserved.contains(&id.to_ascii_lowercase().as_str()) {
        id.to_string()
    } else {
        quoted(id)
    }
}

fn rating_yaml(halves: u8) -> String {
    crate::parse::reviews::halves_text(halves)
}

/// The YAML lines of one review, each ending with `nl`.
pub(super) fn entry_yaml(c: &Candidate, id: &str, nl: &str) -> String {
    let mut lines = vec![
        format!("- id: {}", yaml_id(id)),
        format!("  author: {}", quoted(&c.author)),
        format!("  rating: {}", rating_yaml(c.halves)),
        format!("  date: {}", c.date),
    ];
    if let Some(t) = &c.text {
        lines.push(format!("  text: {}", quoted(t)));
    }
    if let Some(p) = &c.product {
        lines.push(format!("  product: {}", quoted(p)));
    }
    if let Some(s) = &c.source {
        lines.push(format!("  source: {}", quoted(s)));
    }
    if let Some(r) = &c.reply {
        lines.push(format!("  response: {}", quoted(r)));
    }
    if let Some(d) = &c.reply_date {
        lines.push(format!("  response_date: {d}"));
    }
    lines.into_iter().map(|l| l + nl).collect()
}

pub(super) const NEW_FILE_HEADER: &str = "# Customer reviews, one `- ` entry each: id, author, rating (1 to 5, halves allowed),\n# date, and optionally text (none: a rating only), product, source, response (your reply) and response_date.\n";
