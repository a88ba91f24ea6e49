//! The poster shopstory draws for a video that has no photo of its own: an
//! SVG in the brand colour with the title and a play symbol. Pure: the caller
//! writes it to the output, named by a hash of its bytes (so the same title
//! and colours always give the same file, and a change gives a new name).

use crate::diag::render::escape_html;
use sha2::{Digest, Sha256};

pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 720;
const MAX_LINE: usize = 26;
const MAX_LINES: usize = 3;

/// What a drawn poster shows.
pub struct PosterSpec<'a> {
    pub title: &'a str,
    /// The site's name, in small type at the bottom.
    pub site: &'a str,
    /// `#rrggbb` background.
    pub background: &'a str,
    /// `#rrggbb` for the play symbol.
    pub accent: &'a str,
}

/// Escapes text for SVG content and attributes: the shared HTML escape, after
/// turning control characters into spaces (XML 1.0 does not allow most of them).
fn escape_xml(s: &str) -> String {
    let plain: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    escape_html(&plain)
}

/// A colour as written in site.yaml, or `fallback` when it is not `#rgb`/`#rrggbb`.
fn hex_colour<'a>(c: &'a str, fallback: &'a str) -> &'a str {
    let h = c.strip_prefix('#').unwrap_or("");
    if (h.len() == 3 || h.len() == 6) && h.bytes().all(|b| b.is_ascii_hexdigit()) {
        c
    } else {
        fallback
    }
}

fn luminance(hex: &str) -> f64 {
    let h = hex.trim_start_matches('#');
    let h: String = if h.len() == 3 { h.chars().flat_map(|c| [c, c]).collect() } else { h.to_string() };
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(h.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0)) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

/// White or near-black, whichever reads better on `bg`.
fn text_on(bg: &str) -> &'static str {
    let l = luminance(bg);
    if (1.05) / (l + 0.05) >= (l + 0.05) / (0.0069 + 0.05) {
        "#ffffff"
    } else {
        "#111111"
    }
}

/// Breaks a title into at most `MAX_LINES` lines of at most `MAX_LINE` characters.
fn wrap(title: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in title.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > MAX_LINE {
            let head: String = word.chars().take(MAX_LINE).collect();
            word = word.chars().skip(MAX_LINE).collect();
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(head);
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > MAX_LINE {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        let last = lines.last_mut().expect("has lines");
        let kept: String = last.chars().take(MAX_LINE - 1).collect();
        *last = format!("{}…", kept.trim_end());
    }
    lines
}

/// The poster's SVG text.
pub fn draw(spec: &PosterSpec<'_>) -> String {
    let bg = hex_colour(spec.background, "#333333");
    let accent = hex_colour(spec.accent, "#ffffff");
    let fg = text_on(bg);
    let play_fg = text_on(accent);
    let lines = wrap(spec.title);
    // The title sits at the top and the site's name at the bottom, leaving
    // the middle to the play button the facade lays over the poster.
    let size = if lines.len() > 2 { 60 } else { 68 };
    let step = size + size / 4;
    let mut text = String::new();
    for (i, l) in lines.iter().enumerate() {
        text.push_str(&format!("<tspan x=\"96\" y=\"{}\">{}</tspan>", 80 + size + step * i as u32, escape_xml(l)));
    }
    format!(
        concat!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{label}\">",
            "<rect width=\"{w}\" height=\"{h}\" fill=\"{bg}\"/>",
            "<rect x=\"0\" y=\"{stripe_y}\" width=\"{w}\" height=\"16\" fill=\"{accent}\"/>",
            "<circle cx=\"124\" cy=\"{play_y}\" r=\"28\" fill=\"{accent}\"/>",
            "<path d=\"M115 {play_top} l0 28 l24 -14 Z\" fill=\"{play_fg}\"/>",
            "<text font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif\" font-weight=\"700\" font-size=\"{size}\" fill=\"{fg}\">{text}</text>",
            "<text x=\"168\" y=\"{site_y}\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif\" font-size=\"32\" fill=\"{fg}\" opacity=\"0.85\">{site}</text>",
            "</svg>\n"
        ),
        w = WIDTH,
        h = HEIGHT,
        label = escape_xml(spec.title),
        bg = bg,
        accent = accent,
        stripe_y = HEIGHT - 16,
        play_fg = play_fg,
        size = size,
        fg = fg,
        text = text,
        play_y = HEIGHT - 84,
        play_top = HEIGHT - 98,
        site_y = HEIGHT - 73,
        site = escape_xml(spec.site),
    )
}

/// Output path of a drawn poster: `media/poster-<hash10>.svg`.
pub fn output_path(svg: &str) -> String {
    let digest = Sha256::digest(svg.as_bytes());
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("media/poster-{hex}.svg")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(title: &str) -> PosterSpec<'_> {
        PosterSpec { title, site: "Harbor Street Cycles", background: "#1f5f6b", accent: "#e8a33d" }
    }

    #[test]
    fn escapes_the_title_and_is_deterministic() {
        let svg = draw(&spec("Fix a flat <fast> & \"right\""));
        assert!(svg.contains("Fix a flat &lt;fast&gt; &amp;"), "{svg}");
        assert!(!svg.contains("<fast>"));
        assert_eq!(svg, draw(&spec("Fix a flat <fast> & \"right\"")));
        assert_eq!(output_path(&svg), output_path(&draw(&spec("Fix a flat <fast> & \"right\""))));
        assert_ne!(output_path(&svg), output_path(&draw(&spec("Another"))));
        assert!(
            output_path(&svg).starts_with("media/poster-")
                && output_path(&svg).len() == "media/poster-0123456789.svg".len()
        );
        assert!(svg.contains("fill=\"#1f5f6b\"") && svg.contains("fill=\"#ffffff\""), "white text on deep teal: {svg}");
    }

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(escape_xml("a\u{1}<b>\n'c'\u{7f}&"), "a &lt;b&gt; &#39;c&#39; &amp;");
    }

    #[test]
    fn bad_colours_fall_back() {
        let svg = draw(&PosterSpec { title: "x", site: "s", background: "\"><script>", accent: "red" });
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("fill=\"#333333\""));
    }

    #[test]
    fn long_titles_wrap_into_four_lines_at_most() {
        assert_eq!(
            wrap("How to fix a flat tire on the side of the road"),
            ["How to fix a flat tire on", "the side of the road"]
        );
        let long = "word ".repeat(40);
        let lines = wrap(&long);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with('…'));
        assert_eq!(wrap("Supercalifragilisticexpialidocious"), ["Supercalifragilisticexpial", "idocious"]);
        assert!(wrap("").is_empty());
    }
}
