//! `keydesk-cli mds` flags (the work is in `mds.rs`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// `mds` options.
#[derive(Debug, Args)]
pub struct MdsArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: MdsAction,
}

/// `mds` actions.
#[derive(Debug, Subcommand)]
pub enum MdsAction {
    /// Show the cached BLOB: number, next update, models, freshness.
    Status,
    /// Verify a BLOB file (downloaded elsewhere) and make it the desk's, with the
    /// revocation lists its chain names.
    Import {
        /// The BLOB file (the JWS as served by https://mds3.fidoalliance.org/).
        file: PathBuf,
        /// A revocation list (DER) the BLOB's certificates name, downloaded with it (`mds
        /// status` lists their URLs); may be repeated. Imported before the BLOB is checked.
        #[arg(long = "crl", value_name = "FILE")]
        crls: Vec<PathBuf>,
    },
    /// Download the BLOB now.
    Update {
        /// Where from (default: https://mds3.fidoalliance.org/).
        #[arg(long)]
        url: Option<String>,
    },
}
