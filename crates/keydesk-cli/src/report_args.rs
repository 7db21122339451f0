//! `keydesk-cli report` options (the command is [`crate::report`]); a leaf, so `args` can
//! name it without a cycle.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// `report` options.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report.
    #[arg(long, value_enum)]
    pub format: ReportFormat,
    /// Write it to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// With --format yubico: fill the PIN column from the escrow (PINs in clear).
    #[arg(long)]
    pub include_pins: bool,
}

/// `report --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// The desk's report: status, key model, serial and method id per user.
    Csv,
    /// The Yubico sample's keysRegistered.csv.
    Yubico,
}
