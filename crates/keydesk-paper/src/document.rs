//! A PDF of A4 pages sharing the embedded faces and the logo: pages are added as drawn
//! canvases, and [`Document::finish`] writes the catalog, page tree, fonts and image.

use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, TextStr};

use crate::canvas::{Canvas, LOGO, PAGE_H, PAGE_W};
use crate::error::PaperError;
use crate::font::Fonts;
use crate::image::Logo;

/// A document being built.
pub(crate) struct Document {
    /// The faces its text is set in.
    pub(crate) fonts: Fonts,
    logo: Option<Logo>,
    pages: Vec<Vec<u8>>,
    title: String,
}

impl Document {
    /// An empty document titled `title`, with the logo decoded from `logo_png`.
    pub(crate) fn new(title: &str, logo_png: Option<&[u8]>) -> Result<Document, PaperError> {
        Ok(Document {
            fonts: Fonts::new()?,
            logo: logo_png.map(Logo::decode).transpose()?,
            pages: Vec::new(),
            title: title.to_owned(),
        })
    }

    /// The logo's size in pixels, when there is one.
    pub(crate) fn logo_pixels(&self) -> Option<(u32, u32)> {
        self.logo.as_ref().map(|l| (l.width, l.height))
    }

    /// Adds a drawn page.
    pub(crate) fn add(&mut self, canvas: Canvas) {
        self.pages.push(canvas.finish());
    }

    /// The PDF's bytes.
    pub(crate) fn finish(self) -> Result<Vec<u8>, PaperError> {
        let mut next = Ref::new(1);
        let catalog = next.bump();
        let tree = next.bump();
        let info = next.bump();
        let pages: Vec<(Ref, Ref)> = self
            .pages
            .iter()
            .map(|_| (next.bump(), next.bump()))
            .collect();
        let font_ids: Vec<Ref> = self.fonts.all().iter().map(|_| next.bump()).collect();
        let logo_id = self.logo.as_ref().map(|_| next.bump());

        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        let count = i32::try_from(pages.len()).unwrap_or(i32::MAX);
        pdf.pages(tree)
            .kids(pages.iter().map(|(page, _)| *page))
            .count(count);
        pdf.document_info(info)
            .title(TextStr(&self.title))
            .producer(TextStr("KeyDesk"));
        let a4 = Rect::new(0.0, 0.0, PAGE_W * 72.0 / 25.4, PAGE_H * 72.0 / 25.4);
        for ((page_id, content_id), content) in pages.iter().zip(&self.pages) {
            let mut page = pdf.page(*page_id);
            page.media_box(a4).parent(tree).contents(*content_id);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            for (face, id) in self.fonts.all().iter().zip(&font_ids) {
                fonts.pair(Name(face.resource), *id);
            }
            fonts.finish();
            if let Some(id) = logo_id {
                resources.x_objects().pair(Name(LOGO), id);
            }
            resources.finish();
            page.finish();
            pdf.stream(*content_id, content).filter(Filter::FlateDecode);
        }
        for (face, id) in self.fonts.all().iter().zip(&font_ids) {
            face.write(&mut pdf, *id, &mut next)?;
        }
        if let (Some(logo), Some(id)) = (&self.logo, logo_id) {
            logo.write(&mut pdf, id, &mut next)?;
        }
        Ok(pdf.finish())
    }
}
