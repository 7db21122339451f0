//! Breaking a paragraph into lines that fit a width, word by word.

use crate::font::Face;

/// `text` in lines no wider than `width` points at `size` (a single word wider than
/// that gets a line of its own). Explicit line breaks are kept.
pub(crate) fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if face.width(&candidate, size) <= width || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::replace(&mut line, word.to_owned()));
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::{Fonts, Style};

    #[test]
    fn lines_fit_the_width_and_keep_every_word() {
        let mut fonts = Fonts::new().unwrap();
        let face = fonts.face(Style::Regular);
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let lines = wrap(face, text, 10.0, 80.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| face.width(l, 10.0) <= 80.0));
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap(face, "a\nb", 10.0, 500.0), vec!["a", "b"]);
    }
}
