//! The embedded faces: DejaVu Sans (regular and bold) and DejaVu Sans Mono Bold (PINs and
//! passes, where 0/O and 1/l must not be confused), each written as a subset Type 0 /
//! CIDFontType2 font with Identity-H encoding and a ToUnicode map, so text stays
//! extractable. A glyph id is remapped into the subset as it is first shown.

use std::collections::{BTreeMap, BTreeSet};

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;
use ttf_parser::GlyphId;

use crate::error::PaperError;

/// Which face a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
    /// DejaVu Sans Mono Bold.
    Mono,
}

const SYSTEM_INFO: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// Characters of `text` that DejaVu Sans cannot draw (e.g. CJK): printed as a blank
/// box and not extractable. Whitespace and control characters are not reported.
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let Ok(face) = ttf_parser::Face::parse(dejavu::sans::regular(), 0) else {
        return Vec::new();
    };
    let mut seen = BTreeSet::new();
    text.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .filter(|c| face.glyph_index(*c).is_none())
        .filter(|c| seen.insert(*c))
        .collect()
}

/// One face being used in a document.
pub(crate) struct Face {
    data: &'static [u8],
    face: ttf_parser::Face<'static>,
    name: &'static str,
    /// PDF resource name, e.g. `F1`.
    pub(crate) resource: &'static [u8],
    remapper: GlyphRemapper,
    /// New glyph id → the character it shows and its width (1/1000 em).
    used: BTreeMap<u16, (char, f32)>,
}

impl Face {
    fn new(
        data: &'static [u8],
        name: &'static str,
        resource: &'static [u8],
    ) -> Result<Face, PaperError> {
        let face = ttf_parser::Face::parse(data, 0).map_err(|e| PaperError::Font(e.to_string()))?;
        Ok(Face {
            data,
            face,
            name,
            resource,
            remapper: GlyphRemapper::new(),
            used: BTreeMap::new(),
        })
    }

    fn advance(&self, glyph: GlyphId) -> f32 {
        let units = f32::from(self.face.units_per_em());
        f32::from(self.face.glyph_hor_advance(glyph).unwrap_or(0)) * 1000.0 / units
    }

    /// Width of `text` at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.face.glyph_index(c).unwrap_or(GlyphId(0))))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// `text` as the 2-byte subset glyph ids a content stream shows; records the glyphs.
    pub(crate) fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let glyph = self.face.glyph_index(c).unwrap_or(GlyphId(0));
            let new = self.remapper.remap(glyph.0);
            let width = self.advance(glyph);
            if glyph.0 != 0 {
                self.used.entry(new).or_insert((c, width));
            }
            out.extend_from_slice(&new.to_be_bytes());
        }
        out
    }

    /// Writes the font (Type 0 at `id`, its CID font, descriptor, subset file and
    /// ToUnicode map at fresh refs from `next`).
    pub(crate) fn write(&self, pdf: &mut Pdf, id: Ref, next: &mut Ref) -> Result<(), PaperError> {
        let [cid, descriptor, file, cmap] = [(); 4].map(|()| next.bump());
        let base = format!("{}+{}", self.tag(), self.name);
        let base = Name(base.as_bytes());
        pdf.type0_font(id)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);

        let mut font = pdf.cid_font(cid);
        font.subtype(CidFontType::Type2)
            .base_font(base)
            .system_info(SYSTEM_INFO)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let mut widths = font.widths();
        for (gid, (_, width)) in &self.used {
            widths.consecutive(*gid, [*width]);
        }
        widths.finish();
        font.finish();

        let scale = 1000.0 / f32::from(self.face.units_per_em());
        let bbox = self.face.global_bounding_box();
        let ascent = f32::from(self.face.ascender()) * scale;
        let cap = self.face.capital_height().unwrap_or(self.face.ascender());
        pdf.font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(ascent)
            .descent(f32::from(self.face.descender()) * scale)
            .cap_height(f32::from(cap) * scale)
            .stem_v(80.0)
            .font_file2(file);

        let subset = subsetter::subset(self.data, 0, &self.remapper)
            .map_err(|e| PaperError::Font(e.to_string()))?;
        let packed = compress_to_vec_zlib(&subset, 6);
        let length = i32::try_from(subset.len()).map_err(|e| PaperError::Font(e.to_string()))?;
        pdf.stream(file, &packed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), length);

        let mut unicode = UnicodeCmap::new(Name(b"Custom"), SYSTEM_INFO);
        for (gid, (c, _)) in &self.used {
            unicode.pair(*gid, *c);
        }
        pdf.cmap(cmap, &unicode.finish());
        Ok(())
    }

    /// The six capital letters a subset's name starts with, from the glyphs it holds.
    fn tag(&self) -> String {
        let mut hash = Sha256::new();
        for gid in self.remapper.remapped_gids() {
            hash.update(gid.to_be_bytes());
        }
        hash.finalize()[..6]
            .iter()
            .map(|b| char::from(b'A' + b % 26))
            .collect()
    }
}

/// The three faces of a document.
pub(crate) struct Fonts {
    faces: [Face; 3],
}

impl Fonts {
    /// The faces, nothing used yet.
    pub(crate) fn new() -> Result<Fonts, PaperError> {
        Ok(Fonts {
            faces: [
                Face::new(dejavu::sans::regular(), "DejaVuSans", b"F1")?,
                Face::new(dejavu::sans::bold(), "DejaVuSans-Bold", b"F2")?,
                Face::new(dejavu::sans_mono::bold(), "DejaVuSansMono-Bold", b"F3")?,
            ],
        })
    }

    /// The face for `style`.
    pub(crate) fn face(&mut self, style: Style) -> &mut Face {
        &mut self.faces[style as usize]
    }

    /// Every face, to write them and name them in page resources.
    pub(crate) fn all(&self) -> &[Face; 3] {
        &self.faces
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_greek_and_cyrillic_are_covered_and_cjk_is_reported() {
        assert!(missing_glyphs("Zoë Ångström Αλέξανδρος Παπαδόπουλος Ёжик Иванов").is_empty());
        assert_eq!(missing_glyphs("山田 太郎 山"), vec!['山', '田', '太', '郎']);
    }
}
