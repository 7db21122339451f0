//! Command-line options. Global options are accepted before or after the command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
pub use keydesk_options::Global;

pub use crate::selection::Selection;
pub use crate::sim_args::{SimArgs, SimMethodIds, Switch};

/// KeyDesk: provision FIDO2 security keys for Entra ID users.
#[derive(Debug, Parser)]
#[command(name = "keydesk-cli", version = env!("KEYDESK_VERSION_LINE"))]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the simulated tenant (token endpoint + Graph) on 127.0.0.1.
    #[command(after_help = "Example:\n  keydesk-cli sim --port 0 --users 50 --guests 2")]
    Sim(SimArgs),
    /// Register a passkey for every selected user.
    #[command(
        after_help = "Examples:\n  keydesk-cli provision --group \"FIDO Provisioning\"\n  keydesk-cli provision --users-csv new-starters.csv --within-group \"FIDO Provisioning\" --limit 20 --json"
    )]
    Provision(ProvisionArgs),
    /// List the selected users and whether each can get a passkey (read only).
    #[command(after_help = "Example:\n  keydesk-cli users --group \"FIDO Provisioning\" --json")]
    Users(UsersArgs),
    /// Fetch creation options for the selected users into a CSV file (the Yubico sample's
    /// usersToRegister.csv columns first, then KeyDesk's).
    #[command(
        after_help = "Example:\n  keydesk-cli prefetch --group \"FIDO Provisioning\" --out usersToRegister.csv --timeout-minutes 1440"
    )]
    Prefetch(PrefetchArgs),
    /// Show the key inventory: which key went to whom, and what became of it.
    #[command(after_help = "Example:\n  keydesk-cli inventory --search contoso.com --json")]
    Inventory(InventoryArgs),
    /// A key was lost: delete its passkey in Entra and mark it revoked.
    #[command(
        after_help = "Examples:\n  keydesk-cli lost --serial 31245678\n  keydesk-cli lost --user kim@contoso.com"
    )]
    Lost(LostArgs),
    /// A key came back to the desk: delete its passkey in Entra and mark it returned.
    #[command(after_help = "Example:\n  keydesk-cli returned --serial 31245678")]
    Returned(ReturnedArgs),
    /// Verify or export the audit log.
    #[command(
        subcommand,
        after_help = "Examples:\n  keydesk-cli audit verify\n  keydesk-cli audit export --out audit.jsonl"
    )]
    Audit(AuditCommand),
    /// Keep the app's client secret in the OS keyring (read from stdin), or remove it.
    #[command(
        subcommand,
        after_help = "Example:\n  printf '%s' \"$SECRET\" | keydesk-cli secret set --tenant contoso.onmicrosoft.com --client-id <id>"
    )]
    Secret(SecretCommand),
    /// Sign in as a person (--auth device-code or delegated) and keep the session in the
    /// OS keyring, so later commands do not ask again.
    #[command(
        after_help = "Example:\n  keydesk-cli login --auth device-code --tenant contoso.onmicrosoft.com --client-id <id>"
    )]
    Login,
    /// Forget the kept session (its refresh token in the OS keyring).
    #[command(
        after_help = "Example:\n  keydesk-cli logout --tenant contoso.onmicrosoft.com --client-id <id>"
    )]
    Logout,
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  keydesk-cli completions bash > /etc/bash_completion.d/keydesk-cli"
    )]
    Completions(CompletionsArgs),
    /// Write man pages (keydesk-cli.1 and one per command) into a folder.
    #[command(hide = true)]
    Man(ManArgs),
    /// Show or decide a job whose registration could not be confirmed ("needs attention").
    #[command(
        after_help = "Example:\n  keydesk-cli reconcile --user kim@contoso.com --method <ID>"
    )]
    Reconcile(ReconcileArgs),
    /// Check the tenant with read calls only: sign-in, group, members, FIDO2 policy,
    /// creation options. Exit 0 when provisioning can work, 1 when a line says FAIL.
    #[command(after_help = "Example:\n  keydesk-cli check --group \"FIDO Provisioning\"")]
    Check(CheckArgs),
    /// Write PIN letters (PDF) for users whose PIN is in escrow, then wipe those PINs.
    Letters(crate::paper_args::LettersArgs),
    /// Write a sheet of key labels (PDF): name and the code printed on the PIN letter.
    Labels(crate::paper_args::LabelsArgs),
    /// Show escrowed PINs on this terminal; each is wiped once you confirm delivery.
    Pins(crate::paper_args::PinsArgs),
    /// Issue Temporary Access Passes (shown on a terminal only) for onboarding phones.
    Tap(crate::tap_args::TapArgs),
    /// Write a report from the data folder: the desk's CSV or the Yubico sample's.
    Report(crate::report_args::ReportArgs),
    /// Import the Yubico sample's configs.json or a list of users.
    Import(crate::import_args::ImportArgs),
    /// The FIDO metadata BLOB: `status`, `import FILE` (air-gapped desks), `update`.
    Mds(crate::mds_args::MdsArgs),
}

/// `provision` options.
#[derive(Debug, Args)]
pub struct ProvisionArgs {
    #[command(flatten)]
    pub select: Selection,
    /// Use N simulated keys, touched automatically (only against a Graph on loopback).
    #[arg(long, value_name = "N")]
    pub soft_keys: Option<usize>,
    /// With --soft-keys: keep the simulated keys (PIN state, credentials) in this folder
    /// between runs.
    #[arg(long, value_name = "DIR")]
    pub soft_key_dir: Option<PathBuf>,
    /// Work at most N users not registered yet; the others wait for a later run.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Provision users holding these directory roles too, each named exactly as Entra
    /// names it (e.g. "Global Administrator"): a passkey for a role holder is a way into
    /// the tenant, so each role is confirmed by name and audited.
    #[arg(long, value_name = "ROLE,ROLE…", value_delimiter = ',')]
    pub allow_role_holders: Vec<String>,
    /// With --users or --users-csv: the group (display name) they must belong to; users
    /// outside it are refused and audited.
    #[arg(long, value_name = "NAME", conflicts_with = "group")]
    pub within_group: Option<String>,
    /// With --users or --users-csv: provision users outside --within-group too (or without
    /// any group), each audited.
    #[arg(long, conflicts_with = "group")]
    pub allow_outside_group: bool,
    /// With --store: how long a claim on a user lasts unless this desk renews it (it
    /// renews a third of the way through); a dead desk's users wait this long.
    #[arg(long, value_name = "S", default_value_t = 30)]
    pub lease_secs: u64,
    /// One JSON object per line on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `users` options.
#[derive(Debug, Args)]
pub struct UsersArgs {
    #[command(flatten)]
    pub select: Selection,
    /// One JSON object per line on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `prefetch` options.
#[derive(Debug, Args)]
pub struct PrefetchArgs {
    #[command(flatten)]
    pub select: Selection,
    /// The CSV file to write (replaced).
    #[arg(long, value_name = "FILE.csv")]
    pub out: PathBuf,
    /// Challenge lifetime in minutes, 5 to 43200 (asks Graph beta); default: the API
    /// version's own (5 minutes on v1.0).
    #[arg(long, value_name = "N")]
    pub timeout_minutes: Option<u32>,
    /// One JSON object per line on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `inventory` options.
#[derive(Debug, Args)]
pub struct InventoryArgs {
    /// Only entries whose UPN, serial, model, method id or operator contains S.
    #[arg(long, value_name = "S")]
    pub search: Option<String>,
    /// One JSON object per line on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `lost` options: one key by serial, or a user's one key.
#[derive(Debug, Args)]
#[group(required = true, multiple = false, id = "lost_key")]
pub struct LostArgs {
    /// The key's serial number.
    #[arg(long, value_name = "S")]
    pub serial: Option<String>,
    /// The user (UPN or object id) who had the key.
    #[arg(long, value_name = "UPN")]
    pub user: Option<String>,
}

/// `returned` options.
#[derive(Debug, Args)]
pub struct ReturnedArgs {
    /// The key's serial number.
    #[arg(long, value_name = "S")]
    pub serial: String,
}

/// `audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's chain (and that it reaches the head the journal recorded), or
    /// an export given with --file.
    #[command(
        after_help = "Examples:\n  keydesk-cli audit verify\n  keydesk-cli audit verify --file audit-2026-11.jsonl"
    )]
    Verify(AuditVerifyArgs),
    /// Write the audit log for an auditor: JSON lines, then an authenticated head line.
    #[command(after_help = "Example:\n  keydesk-cli audit export --out audit-2026-11.jsonl")]
    Export(AuditExportArgs),
}

/// `audit verify` options.
#[derive(Debug, Args)]
pub struct AuditVerifyArgs {
    /// An export to check instead of the data folder's log.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `audit export` options.
#[derive(Debug, Args)]
pub struct AuditExportArgs {
    /// Where to write the export (replaced).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// `secret` subcommands.
#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Read the client secret from stdin (one line) and keep it in the OS keyring for this
    /// tenant and client id; `--auth secret` then uses it when KEYDESK_CLIENT_SECRET is unset.
    #[command(
        after_help = "Example:\n  printf '%s' \"$SECRET\" | keydesk-cli secret set --tenant contoso.onmicrosoft.com --client-id <id>"
    )]
    Set,
    /// Remove the kept client secret.
    #[command(
        after_help = "Example:\n  keydesk-cli secret clear --tenant contoso.onmicrosoft.com --client-id <id>"
    )]
    Clear,
}

/// `completions` options.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `man` options.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The folder to write the pages into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `check` options.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Display name (or object id) of the group whose users will get keys.
    #[arg(long)]
    pub group: String,
}

/// `reconcile` options: without `--method` or `--none`, show the job and its candidates.
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The user (UPN or object id).
    #[arg(long, value_name = "UPN")]
    pub user: String,
    /// This passkey (its Entra method id) is the one the job's key made.
    #[arg(long, value_name = "ID", conflicts_with = "none")]
    pub method: Option<String>,
    /// None of the user's passkeys is the job's: start the job again on the next run.
    #[arg(long)]
    pub none: bool,
}
