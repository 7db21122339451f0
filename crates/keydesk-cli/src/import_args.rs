//! `keydesk-cli import` options (the command is [`crate::import`]); a leaf, so `args` can
//! name it without a cycle.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// `import` options.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What to import.
    #[command(subcommand)]
    pub what: ImportWhat,
}

/// The files `import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// The Yubico sample's configs.json: tenant, client id and client secret.
    YubicoConfig {
        /// The configs.json file.
        file: PathBuf,
    },
    /// A list of users: the sample's usersToRegister.csv, a CSV with a UPN column, or
    /// one UPN per line.
    Users {
        /// The file.
        file: PathBuf,
    },
}
