//! The Temporary Access Pass letter: the same window-envelope head as a PIN letter, the
//! numbered steps to add a passkey in Microsoft Authenticator, the security-key
//! alternative, and the pass with its validity on the tear-off part.

use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use crate::canvas::Canvas;
use crate::document::Document;
use crate::error::PaperError;
use crate::font::{Fonts, Style};
use crate::model::TapLetter;
use crate::pin_letter::{fitted, head, instructions, nothing_to_print, Instructions, LEFT, WIDTH};
use crate::template::LetterTemplate;

/// The tear-off line, mm from the top.
const TEAR: f32 = 222.0;

/// One page per letter, in the order given.
pub fn tap_letters(
    template: &LetterTemplate,
    letters: &[TapLetter],
) -> Result<Vec<u8>, PaperError> {
    let mut doc = Document::new(
        "Temporary Access Pass letters",
        template.logo_png.as_deref(),
    )?;
    let logo = doc.logo_pixels();
    for letter in letters {
        fitted(&mut doc, TEAR, |c, fonts, size| {
            draw(c, fonts, template, letter, size, logo)
        });
    }
    if letters.is_empty() {
        nothing_to_print(&mut doc);
    }
    doc.finish()
}

/// A moment as the letter prints it, in UTC: `2026-11-29 14:05 UTC`.
pub(crate) fn when(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_else(|_| at.to_string())
}

fn draw(
    c: &mut Canvas,
    fonts: &mut Fonts,
    template: &LetterTemplate,
    letter: &TapLetter,
    size: f32,
    logo: Option<(u32, u32)>,
) -> f32 {
    let who = &letter.recipient;
    head(c, fonts, template, who, logo);
    let fill = |t: &str| template.fill(t, &who.upn);
    let list: Vec<String> = template.tap_steps.iter().map(|s| fill(s)).collect();
    let y = instructions(
        c,
        fonts,
        size,
        &Instructions {
            title: &template.tap_title,
            intro: &fill(&template.tap_intro),
            steps_heading: "Add a passkey in Microsoft Authenticator",
            steps: &list,
            aside_heading: "Or a security key",
            aside: &fill(&template.tap_alternative),
            contact: &fill(&template.contact),
        },
    );

    c.line((8.0, TEAR), (202.0, TEAR), 0.8, true);
    c.text(fonts, (8.0, TEAR - 1.5), Style::Regular, 9.0, "\u{2702}");
    c.rect((LEFT, 230.0), (WIDTH, 48.0), Some(0.93), true);
    let name = who.name();
    c.text(
        fonts,
        (LEFT + 6.0, 238.0),
        Style::Regular,
        10.0,
        &format!("Temporary Access Pass for {name}"),
    );
    c.text(fonts, (LEFT + 6.0, 256.0), Style::Mono, 24.0, &letter.pass);
    let uses = if letter.one_time {
        "One sign-in only."
    } else {
        "Any number of sign-ins until it expires."
    };
    let validity = [
        format!("Valid from {}", when(letter.valid_from)),
        format!("Valid until {}", when(letter.valid_until)),
        uses.to_owned(),
    ];
    for (i, line) in validity.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)] // three rows
        let row = 264.0 + i as f32 * 4.5;
        c.text(fonts, (LEFT + 6.0, row), Style::Regular, 9.0, line);
    }
    y
}
