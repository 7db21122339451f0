//! The flags of the paper commands (`letters`, `labels`, `pins`), apart from their
//! work in [`crate::paper`] so that `args` can name them without depending on it.

use std::path::PathBuf;

use clap::Args;
use keydesk_engine::letters::Selection;

/// Which users: named ones, or every one whose letter is not delivered yet.
#[derive(Debug, Args)]
pub struct Select {
    /// These users only (UPN or object id, comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "UPN,UPN...",
        conflicts_with = "unprinted"
    )]
    pub users: Vec<String>,
    /// Every registered user whose PIN is still waiting for its letter (the default).
    #[arg(long)]
    pub unprinted: bool,
}

impl Select {
    /// The engine's selection.
    pub fn selection(&self) -> Selection<'_> {
        if self.users.is_empty() {
            Selection::Unprinted
        } else {
            Selection::Users(&self.users)
        }
    }
}

/// `letters` options.
#[derive(Debug, Args)]
pub struct LettersArgs {
    #[command(flatten)]
    pub select: Select,
    /// The PDF to write. It holds PINs: print it, then delete it.
    #[arg(long, value_name = "FILE.pdf")]
    pub out: PathBuf,
    /// Letter template: organisation, logo and every sentence (TOML, or JSON when the
    /// name ends in .json); without it the built-in English text.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
}

/// `labels` options.
#[derive(Debug, Args)]
pub struct LabelsArgs {
    #[command(flatten)]
    pub select: Select,
    /// The PDF to write.
    #[arg(long, value_name = "FILE.pdf")]
    pub out: PathBuf,
}

/// `pins` options.
#[derive(Debug, Args)]
pub struct PinsArgs {
    #[command(flatten)]
    pub select: Select,
}
