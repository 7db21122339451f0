//! The key-label sheet: 3 × 8 labels of 70 × 37 mm on A4 (the common "24 per sheet"
//! stock), each with the user's name and the matching code of their letter, outlined
//! faintly so a sheet of plain paper can be cut too.

use crate::canvas::{Canvas, PAGE_H};
use crate::document::Document;
use crate::error::PaperError;
use crate::font::{Fonts, Style};
use crate::model::KeyLabel;
use crate::text::wrap;

const COLUMNS: usize = 3;
const ROWS: usize = 8;
const WIDTH: f32 = 70.0;
const HEIGHT: f32 = PAGE_H / 8.0;

/// Sheets of labels, in the order given (an empty list gives one empty sheet).
pub fn key_labels(labels: &[KeyLabel]) -> Result<Vec<u8>, PaperError> {
    let mut doc = Document::new("Key labels", None)?;
    let per_sheet = COLUMNS * ROWS;
    for sheet in labels.chunks(per_sheet) {
        let mut canvas = Canvas::new();
        for (i, label) in sheet.iter().enumerate() {
            draw(&mut canvas, &mut doc.fonts, i % COLUMNS, i / COLUMNS, label);
        }
        doc.add(canvas);
    }
    if labels.is_empty() {
        doc.add(Canvas::new());
    }
    doc.finish()
}

fn draw(c: &mut Canvas, fonts: &mut Fonts, column: usize, row: usize, label: &KeyLabel) {
    #[allow(clippy::cast_precision_loss)] // at most 3 columns and 8 rows
    let (x, y) = (column as f32 * WIDTH, row as f32 * HEIGHT);
    c.rect((x + 1.0, y + 1.0), (WIDTH - 2.0, HEIGHT - 2.0), None, true);
    let centre = x + WIDTH / 2.0;
    let lines = wrap(
        fonts.face(Style::Bold),
        &label.display_name,
        10.0,
        (WIDTH - 8.0) * 72.0 / 25.4,
    );
    let mut baseline = y + 12.0;
    for line in lines.iter().take(2) {
        c.text_centred(fonts, (centre, baseline), Style::Bold, 10.0, line);
        baseline += 4.5;
    }
    c.text_centred(fonts, (centre, y + 29.0), Style::Mono, 18.0, &label.code);
}
