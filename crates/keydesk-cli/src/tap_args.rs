//! `keydesk-cli tap` options (the command is [`crate::tap`]); a leaf, so `args` can name
//! it without a cycle.

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
