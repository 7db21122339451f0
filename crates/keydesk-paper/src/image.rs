//! The template's logo: a PNG decoded to 8-bit samples and written as a Flate image
//! XObject (with a soft mask when it has alpha). Palette and 16-bit PNGs are expanded.

use std::io::Cursor;

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::{Filter, Finish, Pdf, Ref};
use png::{ColorType, Transformations};

use crate::error::PaperError;

/// A decoded logo.
pub(crate) struct Logo {
    /// Pixels wide.
    pub(crate) width: u32,
    /// Pixels high.
    pub(crate) height: u32,
    colour: Vec<u8>,
    alpha: Option<Vec<u8>>,
    grey: bool,
}

impl Logo {
    /// Decodes `png`.
    pub(crate) fn decode(png: &[u8]) -> Result<Logo, PaperError> {
        let bad = |e: png::DecodingError| PaperError::Logo(e.to_string());
        let mut decoder = png::Decoder::new(Cursor::new(png));
        decoder.set_transformations(Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().map_err(bad)?;
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| PaperError::Logo("the image is too large".into()))?;
        let mut buf = vec![0; size];
        let info = reader.next_frame(&mut buf).map_err(bad)?;
        buf.truncate(info.buffer_size());
        let (channels, grey) = match info.color_type {
            ColorType::Grayscale => (1, true),
            ColorType::GrayscaleAlpha => (2, true),
            ColorType::Rgb => (3, false),
            ColorType::Rgba => (4, false),
            ColorType::Indexed => return Err(PaperError::Logo("palette left unexpanded".into())),
        };
        let with_alpha = channels % 2 == 0;
        let colour_channels = if with_alpha { channels - 1 } else { channels };
        let mut colour = Vec::with_capacity(buf.len());
        let mut alpha = Vec::new();
        for pixel in buf.chunks_exact(channels) {
            colour.extend_from_slice(&pixel[..colour_channels]);
            if with_alpha {
                alpha.push(pixel[colour_channels]);
            }
        }
        Ok(Logo {
            width: info.width,
            height: info.height,
            colour,
            alpha: with_alpha.then_some(alpha),
            grey,
        })
    }

    /// Writes the image at `id` (and its soft mask at a fresh ref from `next`).
    pub(crate) fn write(&self, pdf: &mut Pdf, id: Ref, next: &mut Ref) -> Result<(), PaperError> {
        let too_big = |_| PaperError::Logo("the image is too large".into());
        let width = i32::try_from(self.width).map_err(too_big)?;
        let height = i32::try_from(self.height).map_err(too_big)?;
        let packed = compress_to_vec_zlib(&self.colour, 6);
        let mask = self
            .alpha
            .as_ref()
            .map(|a| (next.bump(), compress_to_vec_zlib(a, 6)));
        let mut image = pdf.image_xobject(id, &packed);
        image.filter(Filter::FlateDecode);
        image.width(width).height(height);
        if self.grey {
            image.color_space().device_gray();
        } else {
            image.color_space().device_rgb();
        }
        image.bits_per_component(8);
        if let Some((mask_id, _)) = &mask {
            image.s_mask(*mask_id);
        }
        image.finish();
        if let Some((mask_id, data)) = &mask {
            let mut smask = pdf.image_xobject(*mask_id, data);
            smask.filter(Filter::FlateDecode);
            smask.width(width).height(height);
            smask.color_space().device_gray();
            smask.bits_per_component(8);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_rgba_png_splits_into_colour_and_alpha_and_junk_is_refused() {
        let mut bytes = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut bytes, 2, 1);
            enc.set_color(ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().unwrap();
            w.write_image_data(&[255, 0, 0, 255, 0, 0, 255, 0]).unwrap();
        }
        let logo = Logo::decode(&bytes).unwrap();
        assert_eq!((logo.width, logo.height), (2, 1));
        assert_eq!(logo.colour, vec![255, 0, 0, 0, 0, 255]);
        assert_eq!(logo.alpha, Some(vec![255, 0]));
        assert!(matches!(
            Logo::decode(b"not a png"),
            Err(PaperError::Logo(_))
        ));
    }
}
