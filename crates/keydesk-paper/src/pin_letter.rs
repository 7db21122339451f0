//! The PIN letter: one A4 page per user, folded in three (DIN 5008 form B fold marks at
//! 105 and 210 mm) into a window envelope that shows only the address. The PIN sits on
//! the bottom part, below a dashed tear-off line, inside the fold.

use crate::canvas::Canvas;
use crate::document::Document;
use crate::error::PaperError;
use crate::font::{Fonts, Style};
use crate::model::{PinLetter, Recipient};
use crate::template::LetterTemplate;

/// Left margin, mm.
pub(crate) const LEFT: f32 = 20.0;
/// Text width, mm.
pub(crate) const WIDTH: f32 = 170.0;
/// The tear-off line, mm from the top.
const TEAR: f32 = 222.0;

/// One page per letter, in the order given. An empty list gives one page saying there
/// is nothing to print.
pub fn pin_letters(
    template: &LetterTemplate,
    letters: &[PinLetter],
) -> Result<Vec<u8>, PaperError> {
    let mut doc = Document::new("PIN letters", template.logo_png.as_deref())?;
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

/// Adds a page drawn by `draw` at the largest body size (10 to 7 points) whose text
/// ends above `limit` mm (`draw` returns where its text ended).
pub(crate) fn fitted(
    doc: &mut Document,
    limit: f32,
    mut draw: impl FnMut(&mut Canvas, &mut Fonts, f32) -> f32,
) {
    let mut canvas = Canvas::new();
    for size in [10.0, 9.0, 8.0, 7.0] {
        canvas = Canvas::new();
        if draw(&mut canvas, &mut doc.fonts, size) < limit - 6.0 {
            break;
        }
    }
    doc.add(canvas);
}

/// The one page of an empty batch.
pub(crate) fn nothing_to_print(doc: &mut Document) {
    let mut canvas = Canvas::new();
    canvas.text(
        &mut doc.fonts,
        (LEFT, 30.0),
        Style::Regular,
        12.0,
        "No letters to print.",
    );
    doc.add(canvas);
}

/// The organisation's header, the sender line and the address block in the window.
pub(crate) fn head(
    c: &mut Canvas,
    fonts: &mut Fonts,
    template: &LetterTemplate,
    who: &Recipient,
    logo: Option<(u32, u32)>,
) {
    c.text(
        fonts,
        (LEFT, 22.0),
        Style::Bold,
        15.0,
        &template.organisation,
    );
    if let Some(pixels) = logo {
        c.logo((130.0, 10.0), (60.0, 20.0), pixels);
    }
    for y in [105.0, 210.0] {
        c.line((4.0, y), (9.0, y), 0.5, false);
    }
    c.text(
        fonts,
        (LEFT, 48.0),
        Style::Regular,
        7.0,
        &template.organisation,
    );
    c.line((LEFT, 49.5), (LEFT + 80.0, 49.5), 0.3, false);
    let mut y = 56.0;
    c.text(fonts, (LEFT, y), Style::Bold, 11.0, who.name());
    for line in [Some(&who.upn), who.department.as_ref(), who.office.as_ref()]
        .into_iter()
        .flatten()
    {
        y += 5.5;
        c.text(fonts, (LEFT, y), Style::Regular, 10.0, line);
    }
}

/// Numbered `steps` from `y`; returns the baseline below them.
pub(crate) fn steps(c: &mut Canvas, fonts: &mut Fonts, y: f32, size: f32, steps: &[String]) -> f32 {
    let mut y = y;
    for (i, step) in steps.iter().enumerate() {
        c.text(fonts, (LEFT, y), Style::Bold, size, &format!("{}.", i + 1));
        y = c.paragraph(
            fonts,
            (LEFT + 7.0, y),
            WIDTH - 7.0,
            (Style::Regular, size),
            step,
        );
        y += size * 0.15;
    }
    y
}

/// The body of a letter below its head, every text already filled in for the recipient.
pub(crate) struct Instructions<'a> {
    pub title: &'a str,
    pub intro: &'a str,
    pub steps_heading: &'a str,
    pub steps: &'a [String],
    pub aside_heading: &'a str,
    pub aside: &'a str,
    pub contact: &'a str,
}

/// Draws `body` from the title down: the intro, the numbered steps under their heading,
/// the aside under its heading, the contact line. Returns the baseline below them.
pub(crate) fn instructions(
    c: &mut Canvas,
    fonts: &mut Fonts,
    size: f32,
    body: &Instructions,
) -> f32 {
    let paragraph = |c: &mut Canvas, fonts: &mut Fonts, y: f32, text: &str| {
        c.paragraph(fonts, (LEFT, y), WIDTH, (Style::Regular, size), text)
    };
    c.text(fonts, (LEFT, 112.0), Style::Bold, 14.0, body.title);
    let mut y = paragraph(c, fonts, 121.0, body.intro) + 3.0;
    c.text(
        fonts,
        (LEFT, y),
        Style::Bold,
        size + 1.0,
        body.steps_heading,
    );
    y = steps(c, fonts, y + 6.0, size, body.steps) + 3.0;
    c.text(
        fonts,
        (LEFT, y),
        Style::Bold,
        size + 1.0,
        body.aside_heading,
    );
    y = paragraph(c, fonts, y + 6.0, body.aside);
    paragraph(c, fonts, y + 2.0, body.contact)
}

fn draw(
    c: &mut Canvas,
    fonts: &mut Fonts,
    template: &LetterTemplate,
    letter: &PinLetter,
    size: f32,
    logo: Option<(u32, u32)>,
) -> f32 {
    let who = &letter.recipient;
    let code = letter.code();
    head(c, fonts, template, who, logo);
    let facts = [
        ("Code", code.as_str()),
        ("Key", letter.key_model.as_str()),
        ("Serial", letter.key_serial.as_str()),
    ];
    for (i, (label, value)) in facts.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)] // three rows
        let y = 56.0 + i as f32 * 6.0;
        c.text(fonts, (125.0, y), Style::Regular, 9.0, label);
        c.text(fonts, (143.0, y), Style::Bold, 10.0, value);
    }

    let fill = |t: &str| template.fill(t, &who.upn);
    let mut list: Vec<String> = template.pin_steps.iter().map(|s| fill(s)).collect();
    if letter.forced_change {
        list.push(fill(&template.forced_change));
    }
    if letter.biometric {
        list.push(fill(&template.biometric));
    }
    let y = instructions(
        c,
        fonts,
        size,
        &Instructions {
            title: &template.pin_title,
            intro: &fill(&template.pin_intro),
            steps_heading: "First use",
            steps: &list,
            aside_heading: "If the key is lost",
            aside: &fill(&template.lost),
            contact: &fill(&template.contact),
        },
    );

    pin_panel(c, fonts, template, letter, &code);
    y
}

/// The tear-off part: the dashed line, a word on keeping the PIN apart, and the PIN.
fn pin_panel(
    c: &mut Canvas,
    fonts: &mut Fonts,
    template: &LetterTemplate,
    letter: &PinLetter,
    code: &str,
) {
    c.line((8.0, TEAR), (202.0, TEAR), 0.8, true);
    c.text(fonts, (8.0, TEAR - 1.5), Style::Regular, 9.0, "\u{2702}");
    c.paragraph(
        fonts,
        (LEFT, TEAR + 6.0),
        WIDTH,
        (Style::Regular, 8.0),
        &template.pin_keep_apart,
    );
    c.rect((LEFT, 238.0), (WIDTH, 40.0), Some(0.93), true);
    let name = letter.recipient.name();
    c.text(
        fonts,
        (LEFT + 6.0, 246.0),
        Style::Regular,
        10.0,
        &format!("PIN for {name}"),
    );
    c.text(
        fonts,
        (LEFT + 6.0, 266.0),
        Style::Mono,
        30.0,
        letter.pin.expose(),
    );
    c.text_right(
        fonts,
        (LEFT + WIDTH - 6.0, 246.0),
        Style::Regular,
        9.0,
        "Code",
    );
    c.text_right(fonts, (LEFT + WIDTH - 6.0, 254.0), Style::Mono, 14.0, code);
    c.text_right(
        fonts,
        (LEFT + WIDTH - 6.0, 262.0),
        Style::Regular,
        8.0,
        &letter.key_serial,
    );
}
