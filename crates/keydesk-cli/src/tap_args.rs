//! `keydesk-cli tap` options (the command is [`crate::tap`]); a leaf, so `args` can name
//! it without a cycle.

use std::path::PathBuf;

use clap::Args;
use keydesk_engine::tap_batch::PassOptions;

/// `tap` options.
#[derive(Debug, Args)]
pub struct TapArgs {
    /// The users, by UPN (or object id), comma-separated.
    #[arg(
        long,
        value_name = "UPN,UPN...",
        value_delimiter = ',',
        required = true
    )]
    pub users: Vec<String>,
    /// Lifetime of each pass in minutes (default: the tenant's TAP policy's default).
    #[arg(long, value_name = "M")]
    pub lifetime_minutes: Option<u32>,
    /// Each pass works for one sign-in only.
    #[arg(long)]
    pub one_time: bool,
    /// Replace a pass a user already holds (ask the user first: theirs stops working).
    #[arg(long)]
    pub replace: bool,
    /// Write the onboarding letters (PDF, one page per user: the pass, its validity and
    /// the steps to add a passkey in Microsoft Authenticator) instead of showing the
    /// passes; the file holds the passes: print it, then delete it.
    #[arg(long, value_name = "FILE.pdf")]
    pub out: Option<PathBuf>,
    /// With --out: the letter template (TOML or JSON: organisation, logo, contact text).
    #[arg(long, value_name = "FILE", requires = "out")]
    pub template: Option<PathBuf>,
}

impl TapArgs {
    /// What the engine is asked for.
    pub fn options(&self) -> PassOptions {
        PassOptions {
            lifetime_minutes: self.lifetime_minutes,
            one_time: self.one_time,
            replace: self.replace,
        }
    }
}
