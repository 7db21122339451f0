//! Command-line options. Global options are accepted before or after the command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// KeyDesk: provision FIDO2 security keys for Entra ID users.
#[derive(Debug, Parser)]
#[command(name = "keydesk-cli", version)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Where KeyDesk keeps its journal (default: the user's data folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Tenant name or id, e.g. contoso.onmicrosoft.com.
    #[arg(long, global = true, value_name = "T")]
    pub tenant: Option<String>,
    /// Application (client) id of KeyDesk's app registration.
    #[arg(long, global = true, value_name = "ID")]
    pub client_id: Option<String>,
    /// How to sign in. The client secret comes from KEYDESK_CLIENT_SECRET.
    #[arg(long, global = true, value_enum, default_value_t = Auth::Secret)]
    pub auth: Auth,
    /// Login authority, e.g. https://login.microsoftonline.com.
    #[arg(long, global = true, value_name = "URL")]
    pub login_url: Option<String>,
    /// Graph base without the version, e.g. https://graph.microsoft.com.
    #[arg(long, global = true, value_name = "URL")]
    pub graph_url: Option<String>,
}

/// Sign-in modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Auth {
    /// App-only with a client secret (KEYDESK_CLIENT_SECRET).
    Secret,
    /// App-only with a certificate (not yet available).
    Cert,
    /// Device code sign-in (not yet available).
    DeviceCode,
    /// Browser sign-in as the operator (not yet available).
    Delegated,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the simulated tenant (token endpoint + Graph) on 127.0.0.1.
    Sim(SimArgs),
    /// Register a passkey for every user of a group.
    Provision(ProvisionArgs),
}

/// `sim` options.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Port; 0 picks a free one. The first stdout line is `LISTENING <port>`.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The simulated app registration's secret.
    #[arg(long)]
    pub client_secret: Option<String>,
    /// Name of the seeded group.
    #[arg(long)]
    pub group: Option<String>,
    /// Number of users in the group.
    #[arg(long)]
    pub users: Option<usize>,
    /// Guest members (ineligible).
    #[arg(long, default_value_t = 0)]
    pub guests: usize,
    /// Disabled members (ineligible).
    #[arg(long, default_value_t = 0)]
    pub disabled: usize,
    /// Seed for names and ids.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Latency added to every Graph response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Token lifetime in seconds.
    #[arg(long)]
    pub token_ttl: Option<u64>,
    /// Server-side cap on page size.
    #[arg(long)]
    pub page_size: Option<usize>,
}

/// `provision` options.
#[derive(Debug, Args)]
pub struct ProvisionArgs {
    /// Display name of the group whose users get keys.
    #[arg(long)]
    pub group: String,
    /// Use N simulated keys, touched automatically (only against a Graph on loopback).
    #[arg(long, value_name = "N")]
    pub soft_keys: Option<usize>,
}
