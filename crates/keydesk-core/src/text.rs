//! Text from outside (Graph, a key, an imported file) made safe to print on a terminal.
//!
//! A display name or a model string can carry control characters: an escape sequence that
//! rewrites the terminal, a carriage return that hides the rest of a line, a newline that
//! forges a second `<UPN> <status>` line for a script. [`printable`] replaces each control
//! character (C0, DEL, C1) and each bidirectional override with U+FFFD, so what is printed
//! is what was received, visibly.

use std::borrow::Cow;

/// `text` with every control or bidi-override character replaced by U+FFFD.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if unsafe_char(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn escapes_newlines_and_overrides_are_made_visible() {
        assert_eq!(printable("Kim Ng"), "Kim Ng");
        assert!(matches!(
            printable("Ωμέγα Юлия"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(printable("a\u{1b}[2Jb"), "a\u{FFFD}[2Jb");
        assert_eq!(
            printable("kim@x registered\nbob@x"),
            "kim@x registered\u{FFFD}bob@x"
        );
        assert_eq!(printable("x\u{202E}gpj.exe"), "x\u{FFFD}gpj.exe");
        assert_eq!(printable("tab\there\u{9b}"), "tab\u{FFFD}here\u{FFFD}");
    }
}
