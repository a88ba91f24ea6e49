//! Part of stage 2 (parse): refuses YAML nested deeper than shopstory reads,
//! before `serde_yaml` sees it. The YAML reader underneath takes time
//! quadratic in the nesting (a front matter nested 100,000 deep took 66 s
//! to fail), so the depth is measured first, in one pass over the text.
//! Takes text, returns where it first gets too deep; never parses values.
//!
//! The measure is the open flow brackets (`[`, `{`, outside quotes and
//! comments), plus the `- ` and `? ` prefixes of the line, plus the block
//! indentation levels above it. Text inside a `|` or `>` block and plain
//! text with a bracket inside (`title: Tea [new]`) opens nothing.

/// The deepest nesting a site file may have. Real front matter and data
/// files use three or four levels; the YAML reader's own limit is 128.
pub const MAX_DEPTH: usize = 50;

/// The byte offset where `text` first nests deeper than `max`, and that depth.
pub(super) fn too_deep(text: &str, max: usize) -> Option<(usize, usize)> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    // Inside a quoted scalar in flow style, which may go on over lines.
    let mut quote: Option<u8> = None;
    // Lines more indented than this belong to a `|` or `>` block.
    let mut block_text: Option<usize> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']).as_bytes();
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        let rest = &line[indent..];
        if let Some(owner) = block_text {
            if rest.is_empty() || indent > owner {
                continue;
            }
            block_text = None;
        }
        if flow == 0 && quote.is_none() {
            if rest.is_empty() || rest[0] == b'#' {
                continue;
            }
            while indents.last().is_some_and(|&i| i >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        let mut i = indent;
        let mut compact = 0;
        if flow == 0 && quote.is_none() {
            while matches!(line.get(i..i + 2), Some(b"- " | b"? ")) {
                compact += 1;
                i += 2;
                while line.get(i) == Some(&b' ') {
                    i += 1;
                }
            }
            if matches!(&line[i..], b"-" | b"?") {
                compact += 1;
            }
        }
        let depth_at = |flow: usize| indents.len() + compact + flow;
        if depth_at(flow) > max {
            return Some((start + indent, depth_at(flow)));
        }
        // Where a value may start (a bracket there opens a flow collection).
        let mut value_start = true;
        while i < line.len() {
            let b = line[i];
            if let Some(q) = quote {
                if b == q {
                    // '' inside single quotes is a quote, not the end.
                    if q == b'\'' && line.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    quote = None;
                } else if q == b'"' && b == b'\\' {
                    i += 1;
                }
                i += 1;
                continue;
            }
            match b {
                b'#' if i == 0 || line[i - 1] == b' ' || line[i - 1] == b'\t' => break,
                // A quote opens a quoted scalar only where a value starts
                // (`Don't` is plain text, also in flow style).
                b'"' | b'\'' if value_start => quote = Some(b),
                b'[' | b'{' if value_start || flow > 0 => {
                    flow += 1;
                    if depth_at(flow) > max {
                        return Some((start + i, depth_at(flow)));
                    }
                    value_start = true;
                }
                b']' | b'}' if flow > 0 => {
                    flow -= 1;
                    value_start = false;
                }
                b',' if flow > 0 => value_start = true,
                b'|' | b'>' if value_start && flow == 0 => {
                    block_text = Some(indent);
                    break;
                }
                b':' if line.get(i + 1).is_none_or(|&n| n == b' ' || n == b'\t') => value_start = true,
                // Anchors and tags come before the value they name.
                b'&' | b'!' if value_start => {
                    while i < line.len() && line[i] != b' ' {
                        i += 1;
                    }
                    continue;
                }
                b' ' | b'\t' => {}
                _ => value_start = false,
            }
            i += 1;
        }
        if flow == 0 && quote.is_some_and(|q| q == b'\'' || q == b'"') {
            // A quoted block value left open goes on over lines: nothing in it counts.
            quote = None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_files_are_shallow() {
        let text = "title: Tea [new] {sale}\ntags: [a, [b, c]]\nshop:\n  address: { city: \"[x\" }\n  hours:\n    - - Mo\n      - Fr\ntext: |\n  [[[[[[\n  {{{{{\nnote: '[[[['\n";
        // `- - Mo` under `hours:` under `shop:` counts five: the measure errs on the deep side.
        assert_eq!(too_deep(text, 5), None);
        assert_eq!(too_deep(text, 4), Some((text.find("- - Mo").unwrap(), 5)));
    }

    #[test]
    fn deep_flow_and_compact_lists_are_found_where_they_go_too_deep() {
        let flow = format!("title: x\ntags: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(too_deep(&flow, MAX_DEPTH), Some((15 + MAX_DEPTH - 1, MAX_DEPTH + 1)));
        let compact = format!("a: 1\nb:\n  {}x\n", "- ".repeat(100));
        assert_eq!(too_deep(&compact, 10), Some((10, 102)));
        // A quote inside a word hides nothing.
        let hidden = format!("tags: [Don't, {}]\n", "[".repeat(60));
        assert_eq!(too_deep(&hidden, MAX_DEPTH), Some((14 + MAX_DEPTH - 2, MAX_DEPTH + 1)));
        let maps = format!("a: {}1{}\n", "{b: ".repeat(60), "}".repeat(60));
        assert_eq!(too_deep(&maps, MAX_DEPTH), Some((3 + 4 * (MAX_DEPTH - 1), MAX_DEPTH + 1)));
    }
}
