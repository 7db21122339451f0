//! What leaves the desk, joined: the engine's facts (`letters::pending`, `letters::labels`,
//! `tap_batch::issue_passes`) turned into `keydesk-paper`'s documents, and the one way a
//! document that may hold PINs or passes is written to disk ([`write_private`]).
//!
//! The app's paper commands and `keydesk-cli letters|labels|tap|report` both use it, so
//! neither the engine nor `keydesk-paper` depends on the other. It is not a place for
//! selection, escrow or audit logic (the engine's) nor for layout (the paper crate's).

mod convert;
mod render;
mod template;
mod write;

pub use convert::{key_label, pin_letter, tap_letter};
pub use render::{labels_pdf, pin_letters_pdf, tap_letters_pdf, Labels, PinLetters, RenderError};
pub use template::load_template;
pub use write::{outside_data_dir, write_private};
