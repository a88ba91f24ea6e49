//! Colour math below every stage: hex colours parsed, relative luminance and
//! WCAG contrast, and the text colour that reads on a background. Used by
//! `render` (the theme's CSS variables) and `assets::cards` (the share
//! cards). Pure arithmetic: it never reads a file or a setting.

fn channel(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.039_28 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

pub fn parse_hex(hex: &str) -> (u8, u8, u8) {
    let h = hex.trim_start_matches('#');
    let h: String = if h.len() == 3 { h.chars().flat_map(|c| [c, c]).collect() } else { h.to_string() };
    let p = |i: usize| u8::from_str_radix(h.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    (p(0), p(2), p(4))
}

pub fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// White or near-black, whichever reads better on `bg`.
pub fn text_on(bg: &str) -> String {
    let bg = parse_hex(bg);
    if contrast(bg, (255, 255, 255)) >= contrast(bg, (17, 17, 17)) {
        "#ffffff".into()
    } else {
        "#111111".into()
    }
}

/// `colour` moved toward black (or white) until it reaches `ratio` against `bg`.
pub fn readable_on(colour: &str, bg: (u8, u8, u8), ratio: f64) -> String {
    let (r, g, b) = parse_hex(colour);
    let toward_dark = luminance(bg) > 0.5;
    let mut t = 0.0;
    loop {
        let mix = |c: u8| {
            let target = if toward_dark { 0.0 } else { 255.0 };
            (f64::from(c) + (target - f64::from(c)) * t).round() as u8
        };
        let candidate = (mix(r), mix(g), mix(b));
        if contrast(candidate, bg) >= ratio || t >= 1.0 {
            return format!("#{:02x}{:02x}{:02x}", candidate.0, candidate.1, candidate.2);
        }
        t += 0.05;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_helpers() {
        assert_eq!(text_on("#1f5f6b"), "#ffffff");
        assert_eq!(text_on("#f2c14e"), "#111111");
        let link = readable_on("#f2c14e", (255, 255, 255), 4.5);
        assert!(contrast(parse_hex(&link), (255, 255, 255)) >= 4.5);
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
    }
}
