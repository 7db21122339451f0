//! KeyDesk's paper: PIN letters, key labels and Temporary Access Pass letters, rendered
//! as PDF in Rust (`pdf-writer`, fonts subset by `subsetter`), with no I/O: every
//! function takes data and returns the bytes of a PDF, for the caller to write or print.
//!
//! - [`pin_letters`]: one A4 page per user, shaped for a window envelope (address block
//!   at DIN 5008 form B's window), key model and serial, first-use instructions (forced
//!   PIN change, fingerprint enrolment on a biometric key, what to do if the key is lost)
//!   and the PIN on a tear-off part below a dashed line, so the PIN can travel apart
//!   from the key.
//! - [`key_labels`]: a sheet of 3 × 8 labels, each with the user's name and the
//!   [`matching_code`] that is also printed on the letter, so a pile of keys from a
//!   parallel batch is matched to its letters.
//! - [`tap_letters`]: a Temporary Access Pass with its validity window and the numbered
//!   steps to add a passkey in Microsoft Authenticator (or a security key at the desk).
//!
//! The organisation's name, logo and every sentence come from a [`LetterTemplate`]
//! (TOML or JSON, with a built-in English default).
//!
//! # Font and scripts
//! Text is set in DejaVu Sans (and DejaVu Sans Mono for PINs and passes), embedded as a
//! subset with a ToUnicode map, so the text can be selected, searched and extracted
//! (`pdftotext`). The faces come from the `dejavu` crate (MIT/Apache-2.0); the fonts
//! themselves are under the Bitstream Vera / Arev fonts licence, which allows embedding
//! and redistribution. They cover Latin, Greek and Cyrillic (and Armenian, Georgian,
//! Hebrew, Arabic letters without shaping, and many symbols).
//!
//! Known issues:
//! - A character the font lacks (CJK, Thai, Devanagari, …) is drawn as the font's
//!   `.notdef` box and cannot be extracted; [`missing_glyphs`] tells the caller which
//!   characters of a text are affected, so it can warn before printing.
//! - Right-to-left and complex scripts are laid out left to right without shaping.
//! - Long words wider than a line are not hyphenated; they run to the margin.

mod canvas;
mod code;
mod document;
mod error;
mod font;
mod image;
mod labels;
mod model;
mod pin_letter;
mod tap_letter;
mod template;
mod text;

pub use code::matching_code;
pub use error::PaperError;
pub use font::missing_glyphs;
pub use labels::key_labels;
pub use model::{KeyLabel, PinLetter, Recipient, TapLetter};
pub use pin_letter::pin_letters;
pub use tap_letter::tap_letters;
pub use template::LetterTemplate;
