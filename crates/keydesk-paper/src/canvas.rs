//! One page being drawn, in millimetres from the top-left corner of an A4 sheet (the way
//! a letter's layout is measured); converted to PDF points, origin bottom-left, here.

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::{Content, Name, Str};

use crate::font::{Fonts, Style};
use crate::text::wrap;

/// A4 width, mm.
pub(crate) const PAGE_W: f32 = 210.0;
/// A4 height, mm.
pub(crate) const PAGE_H: f32 = 297.0;
/// Points per millimetre.
const PT: f32 = 72.0 / 25.4;
/// The logo's resource name.
pub(crate) const LOGO: &[u8] = b"Im1";

/// A page under construction.
pub(crate) struct Canvas {
    content: Content,
}

impl Canvas {
    /// A blank page.
    pub(crate) fn new() -> Canvas {
        Canvas {
            content: Content::new(),
        }
    }

    /// `text` with its baseline at `y` mm, starting at `x` mm.
    pub(crate) fn text(
        &mut self,
        fonts: &mut Fonts,
        at: (f32, f32),
        style: Style,
        size: f32,
        text: &str,
    ) {
        let face = fonts.face(style);
        let glyphs = face.encode(text);
        self.content
            .begin_text()
            .set_font(Name(face.resource), size)
            .next_line(at.0 * PT, (PAGE_H - at.1) * PT)
            .show(Str(&glyphs))
            .end_text();
    }

    /// `text` ending at `x` mm (right-aligned).
    pub(crate) fn text_right(
        &mut self,
        fonts: &mut Fonts,
        at: (f32, f32),
        style: Style,
        size: f32,
        text: &str,
    ) {
        let width = fonts.face(style).width(text, size) / PT;
        self.text(fonts, (at.0 - width, at.1), style, size, text);
    }

    /// `text` centred on `x` mm.
    pub(crate) fn text_centred(
        &mut self,
        fonts: &mut Fonts,
        at: (f32, f32),
        style: Style,
        size: f32,
        text: &str,
    ) {
        let width = fonts.face(style).width(text, size) / PT;
        self.text(fonts, (at.0 - width / 2.0, at.1), style, size, text);
    }

    /// A paragraph wrapped to `width` mm, first baseline at `at.1`; returns the baseline
    /// below its last line (where a following line would sit).
    pub(crate) fn paragraph(
        &mut self,
        fonts: &mut Fonts,
        at: (f32, f32),
        width: f32,
        (style, size): (Style, f32),
        text: &str,
    ) -> f32 {
        let leading = size * 1.35 / PT;
        let lines = wrap(fonts.face(style), text, size, width * PT);
        let mut y = at.1;
        for line in &lines {
            self.text(fonts, (at.0, y), style, size, line);
            y += leading;
        }
        y
    }

    /// A straight line, `width` points thick, dashed when `dashed`.
    pub(crate) fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32, dashed: bool) {
        self.content.save_state().set_line_width(width);
        if dashed {
            self.content.set_dash_pattern([4.0, 3.0], 0.0);
        }
        self.content
            .move_to(from.0 * PT, (PAGE_H - from.1) * PT)
            .line_to(to.0 * PT, (PAGE_H - to.1) * PT)
            .stroke()
            .restore_state();
    }

    /// A rectangle with its top-left corner at `at`, `size` mm, filled with `grey` (0
    /// black, 1 white) when given, outlined when `outline`.
    pub(crate) fn rect(
        &mut self,
        at: (f32, f32),
        size: (f32, f32),
        grey: Option<f32>,
        outline: bool,
    ) {
        self.content.save_state().set_line_width(0.8);
        let (x, y) = (at.0 * PT, (PAGE_H - at.1 - size.1) * PT);
        self.content.rect(x, y, size.0 * PT, size.1 * PT);
        match (grey, outline) {
            (Some(g), true) => self.content.set_fill_gray(g).fill_nonzero_and_stroke(),
            (Some(g), false) => self.content.set_fill_gray(g).fill_nonzero(),
            (None, _) => self.content.stroke(),
        };
        self.content.restore_state();
    }

    /// The document's logo in the box with top-left `at`, `size` mm (scaled to fit,
    /// keeping its proportions, aligned right).
    pub(crate) fn logo(&mut self, at: (f32, f32), size: (f32, f32), pixels: (u32, u32)) {
        #[allow(clippy::cast_precision_loss)] // pixel counts far below 2^24
        let aspect = pixels.0 as f32 / pixels.1.max(1) as f32;
        let (w, h) = if size.0 / size.1 > aspect {
            (size.1 * aspect, size.1)
        } else {
            (size.0, size.0 / aspect)
        };
        let x = at.0 + size.0 - w;
        self.content
            .save_state()
            .transform([w * PT, 0.0, 0.0, h * PT, x * PT, (PAGE_H - at.1 - h) * PT])
            .x_object(Name(LOGO))
            .restore_state();
    }

    /// The page's content stream, Flate-compressed.
    pub(crate) fn finish(self) -> Vec<u8> {
        compress_to_vec_zlib(&self.content.finish(), 6)
    }
}
