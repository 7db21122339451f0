//! The commands that deliver what leaves the desk on paper, from the data folder alone
//! (no tenant, no sign-in): [`letters`] (PIN letters as PDF, then the escrowed PINs are
//! wiped), [`labels`] (a sheet of key labels) and [`pins`] (PINs shown on a terminal,
//! each wiped once the operator confirms delivery). [`shared`] opens the folder and writes a
//! PDF privately; the flags are in [`crate::paper_args`].

pub mod labels;
pub mod letters;
pub mod pins;
pub mod shared;
pub mod template;
