//! CSV as review platforms export it (RFC 4180): fields separated by a comma
//! (or a semicolon or tab, detected from the header line), quoted fields that
//! may hold the separator, line breaks and doubled quotes (`""`), and LF or
//! CRLF line ends. Every record and field keeps where it sits in the text,
//! so that `import reviews` can point at the exact line. No I/O.

use crate::diag::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The value, unquoted.
    pub text: String,
    /// Where the field is written (quotes included).
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The 1-based line the record starts on.
    pub line: usize,
    /// From the record's first byte to its end (before the line break).
    pub span: Span,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub span: Span,
    pub message: String,
    pub help: String,
}

/// The separator of a file: whichever of `,`, `;` and tab its first line
/// (outside quotes) holds most; a comma when there is none.
pub fn detect_delimiter(text: &str) -> char {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], usize::from(i == 0))).unwrap_or(0);
    [',', ';', '\t'][best]
}

/// Parses CSV text into records; lines that are entirely empty are skipped.
pub fn parse(text: &str, delimiter: char) -> Result<Vec<Record>, CsvError> {
    let bytes = text.as_bytes();
    let delim = delimiter as u8;
    let mut records = Vec::new();
    let mut pos = 0;
    let mut line = 1;
    while pos < bytes.len() {
        let record_start = pos;
        let record_line = line;
        let mut fields = Vec::new();
        loop {
            let field_start = pos;
            let mut value = String::new();
            if bytes.get(pos) == Some(&b'"') {
                pos += 1;
                let mut chunk_start = pos;
                loop {
                    match bytes.get(pos) {
                        None => {
                            return Err(CsvError {
                                span: Span::new(field_start, field_start + 1),
                                message: "this quoted field is never closed".into(),
                                help:
                                    "a field that starts with \" must end with \"; write a quote inside a field as \"\""
                                        .into(),
                            });
                        }
                        Some(b'"') if bytes.get(pos + 1) == Some(&b'"') => {
                            value.push_str(&text[chunk_start..=pos]);
                            pos += 2;
                            chunk_start = pos;
                        }
                        Some(b'"') => {
                            value.push_str(&text[chunk_start..pos]);
                            pos += 1;
                            break;
                        }
                        Some(b'\n') => {
                            line += 1;
                            pos += 1;
                        }
                        Some(b'\r') => {
                            if bytes.get(pos + 1) != Some(&b'\n') {
                                line += 1;
                            }
                            pos += 1;
                        }
                        Some(_) => pos += 1,
                    }
                }
                // Inside quotes a CRLF is a line break like any other.
                if value.contains('\r') {
                    value = value.replace("\r\n", "\n").replace('\r', "\n");
                }
                match bytes.get(pos) {
                    None | Some(b'\n' | b'\r') => {}
                    Some(&b) if b == delim => {}
                    Some(_) => {
                        return Err(CsvError {
                            span: Span::new(pos, pos + 1),
                            message: "text after the closing quote of a field".into(),
                            help: format!("a quoted field ends at its closing quote: put the separator `{}` right after it, and write a quote inside a field as \"\"", delimiter.escape_default()),
                        });
                    }
                }
            } else {
                while let Some(&b) = bytes.get(pos) {
                    if b == delim || b == b'\n' || b == b'\r' {
                        break;
                    }
                    pos += 1;
                }
                value.push_str(&text[field_start..pos]);
            }
            fields.push(Field { text: value, span: Span::new(field_start, pos) });
            match bytes.get(pos) {
                Some(&b) if b == delim => pos += 1,
                _ => break,
            }
        }
        let record_end = pos;
        match bytes.get(pos) {
            Some(b'\r') if bytes.get(pos + 1) == Some(&b'\n') => pos += 2,
            Some(b'\r' | b'\n') => pos += 1,
            _ => {}
        }
        line += 1;
        let empty = fields.len() == 1 && fields[0].span.start == fields[0].span.end;
        if !empty {
            records.push(Record { line: record_line, span: Span::new(record_start, record_end), fields });
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(usize, Vec<String>)> {
        parse(text, detect_delimiter(text))
            .unwrap()
            .into_iter()
            .map(|r| (r.line, r.fields.into_iter().map(|f| f.text).collect()))
            .collect()
    }

    fn row(line: usize, fields: &[&str]) -> (usize, Vec<String>) {
        (line, fields.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn quotes_commas_newlines_and_crlf() {
        let text =
            "author,rating,text\r\nAna,5,\"Good, really \"\"good\"\"\"\r\nBo,4,\"two\r\nlines\"\r\n\r\nCy,3,plain\r\n";
        assert_eq!(
            values(text),
            [
                row(1, &["author", "rating", "text"]),
                row(2, &["Ana", "5", "Good, really \"good\""]),
                row(3, &["Bo", "4", "two\nlines"]),
                row(6, &["Cy", "3", "plain"]),
            ]
        );
    }

    #[test]
    fn empty_fields_and_no_final_newline() {
        assert_eq!(
            values("a,b,c\n1,,\"\"\n,2,"),
            [row(1, &["a", "b", "c"]), row(2, &["1", "", ""]), row(3, &["", "2", ""])]
        );
    }

    #[test]
    fn semicolons_and_tabs_are_detected() {
        assert_eq!(detect_delimiter("author;rating;text\nA;5;\"x, y\""), ';');
        assert_eq!(detect_delimiter("author\trating\n"), '\t');
        assert_eq!(detect_delimiter("\"a;b\",c\n"), ',');
        assert_eq!(values("a;b\n\"1;2\";3\n"), [row(1, &["a", "b"]), row(2, &["1;2", "3"])]);
    }

    #[test]
    fn spans_point_at_fields() {
        let text = "a,b\nx,\"y\"\n";
        let records = parse(text, ',').unwrap();
        let f = &records[1].fields[1];
        assert_eq!(&text[f.span.start..f.span.end], "\"y\"");
        assert_eq!(&text[records[1].span.start..records[1].span.end], "x,\"y\"");
    }

    #[test]
    fn broken_quotes_are_errors_at_their_place() {
        let e = parse("a,b\n1,\"open\n2,3\n", ',').unwrap_err();
        assert_eq!(e.span, Span::new(6, 7));
        assert_eq!(e.message, "this quoted field is never closed");
        let e = parse("a,b\n1,\"x\"y\n", ',').unwrap_err();
        assert_eq!((e.span.start, e.message.as_str()), (9, "text after the closing quote of a field"));
    }
}
