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
    /// How to sign in. The client secret comes from KEYDESK_CLIENT_SECRET; a certificate
    /// from --cert (a PFX password from KEYDESK_CERT_PASSWORD); device-code prints a code
    /// and a URL on stderr; delegated prints the sign-in URL and opens it with $BROWSER.
    #[arg(long, global = true, value_enum, default_value_t = Auth::Secret)]
    pub auth: Auth,
    /// With --auth cert: the app's certificate, a PEM file (certificate and unencrypted
    /// private key) or a PFX/P12 file whose password is in KEYDESK_CERT_PASSWORD.
    #[arg(long, global = true, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// The tenant's cloud; sets the login and Graph URLs (--login-url/--graph-url still
    /// override them). Passkey provisioning exists in the global cloud only.
    #[arg(long, global = true, value_enum, default_value_t = CloudArg::Global)]
    pub cloud: CloudArg,
    /// Graph version for calls that do not need a specific one.
    #[arg(long, global = true, value_enum, default_value_t = ApiArg::V1)]
    pub api: ApiArg,
    /// Login authority, e.g. https://login.microsoftonline.com (default: the cloud's).
    #[arg(long, global = true, value_name = "URL")]
    pub login_url: Option<String>,
    /// Graph base without the version, e.g. https://graph.microsoft.com (default: the
    /// cloud's).
    #[arg(long, global = true, value_name = "URL")]
    pub graph_url: Option<String>,
    /// How long a new passkey may take to appear in Graph's listing: when a registration's
    /// answer is lost, "not registered" is concluded only after this many seconds.
    #[arg(long, global = true, value_name = "S", default_value_t = 30)]
    pub listing_lag_secs: u64,
}

/// Sign-in modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Auth {
    /// App-only with a client secret (KEYDESK_CLIENT_SECRET).
    Secret,
    /// App-only with a certificate (--cert FILE).
    Cert,
    /// The operator signs in on another device with a code printed on stderr.
    DeviceCode,
    /// Browser sign-in as the operator: the URL is printed on stderr and opened with
    /// $BROWSER (else the system's browser).
    Delegated,
}

/// `--cloud`: Entra's clouds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CloudArg {
    /// The global (commercial) cloud.
    Global,
    /// US Government L4 (GCC High).
    Usgov,
    /// US Government L5 (DoD).
    UsgovDod,
    /// China, operated by 21Vianet.
    China,
}

/// `--api`: the Graph version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiArg {
    /// v1.0 (creation options carry a fixed 5-minute challenge).
    #[value(name = "v1.0")]
    V1,
    /// beta.
    Beta,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the simulated tenant (token endpoint + Graph) on 127.0.0.1.
    Sim(SimArgs),
    /// Register a passkey for every user of a group.
    Provision(ProvisionArgs),
    /// Show or decide a job whose registration could not be confirmed ("needs attention").
    Reconcile(ReconcileArgs),
    /// Check the tenant with read calls only: sign-in, group, members, FIDO2 policy,
    /// creation options. Exit 0 when provisioning can work, 1 when a line says FAIL.
    Check(CheckArgs),
    /// Write PIN letters (PDF) for users whose PIN is in escrow, then wipe those PINs.
    Letters(crate::paper_args::LettersArgs),
    /// Write a sheet of key labels (PDF): name and the code printed on the PIN letter.
    Labels(crate::paper_args::LabelsArgs),
    /// Show escrowed PINs on this terminal; each is wiped once you confirm delivery.
    Pins(crate::paper_args::PinsArgs),
    /// The FIDO metadata BLOB: `status`, `import FILE` (air-gapped desks), `update`.
    Mds(crate::mds_args::MdsArgs),
}

/// `sim` options. Every fault knob defaults to off; tests can change them at run time
/// through `POST /_sim/faults`.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Port; 0 picks a free one. The first stdout line is `LISTENING <port>`.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The simulated app registration's secret.
    #[arg(long)]
    pub client_secret: Option<String>,
    /// A certificate (PEM or DER file) registered as the app's certificate credential.
    #[arg(long, value_name = "FILE")]
    pub client_cert: Option<PathBuf>,
    /// Name of the seeded group.
    #[arg(long)]
    pub group: Option<String>,
    /// Number of enabled users in the group.
    #[arg(long)]
    pub users: Option<usize>,
    /// Extra enabled users who are members only through nested subgroups.
    #[arg(long, value_name = "M")]
    pub nested: Option<usize>,
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
    #[command(flatten)]
    pub faults: Box<SimFaultArgs>,
    /// Token lifetime in seconds.
    #[arg(long)]
    pub token_ttl: Option<u64>,
    /// Server-side cap on page size.
    #[arg(long)]
    pub page_size: Option<usize>,
    /// How Graph method ids of new passkeys look.
    #[arg(long, value_enum, default_value_t = SimMethodIds::Opaque)]
    pub method_ids: SimMethodIds,
    #[command(flatten)]
    pub policy: Box<SimPolicyArgs>,
    /// The app's application permissions, comma-separated (default: everything KeyDesk
    /// needs; "none" for none), e.g. GroupMember.Read.All,UserAuthMethod-Passkey.ReadWrite.All.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub app_permissions: Option<Vec<String>>,
    /// Seed a second group with the same display name as the provisioning group.
    #[arg(long)]
    pub duplicate_group: bool,
}

/// `sim --method-ids`: the shape of a new passkey's Graph method id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimMethodIds {
    /// Random padding-digit base64url, unrelated to the credential id.
    Opaque,
    /// A random GUID, as in the v1.0 register sample.
    Guid,
    /// The credential id in padding-digit base64url.
    Credential,
}

/// `sim` fault knobs (all off by default).
#[derive(Debug, Args)]
pub struct SimFaultArgs {
    /// Extra random latency per response, uniform in 0..=J milliseconds.
    #[arg(long, default_value_t = 0, value_name = "J")]
    pub latency_jitter_ms: u64,
    /// Every K-th Graph request answers 429 with Retry-After: 1 (token requests not counted).
    #[arg(long, default_value_t = 0, value_name = "K")]
    pub throttle_every: u64,
    /// Probability that a Graph request answers 429.
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub throttle_probability: f64,
    /// Every K-th Graph request answers 503.
    #[arg(long, default_value_t = 0, value_name = "K")]
    pub fail_every: u64,
    /// Probability that a Graph request answers 503.
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub fail_probability: f64,
    /// Every K-th Graph write is carried out and its response dropped.
    #[arg(long, default_value_t = 0, value_name = "K")]
    pub lose_responses_every: u64,
    /// Every K-th Graph request has its connection closed before it is handled.
    #[arg(long, default_value_t = 0, value_name = "K")]
    pub drop_connections_every: u64,
    /// Every K-th Graph read answers with its JSON cut in half.
    #[arg(long, default_value_t = 0, value_name = "K")]
    pub malformed_every: u64,
    /// A new passkey is listed (and can be read or deleted) only N milliseconds after its
    /// registration, on the simulated clock; the register response returns it at once.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub listing_delay_ms: u64,
}

/// `sim` FIDO2 policy and operator role.
#[derive(Debug, Args)]
pub struct SimPolicyArgs {
    /// FIDO2 policy: allow only this AAGUID (repeatable).
    #[arg(long, value_name = "GUID")]
    pub aaguid_allow: Vec<String>,
    /// FIDO2 policy: block this AAGUID (repeatable).
    #[arg(long, value_name = "GUID", conflicts_with = "aaguid_allow")]
    pub aaguid_block: Vec<String>,
    /// FIDO2 policy: "Allow self-service setup" (provisioning needs it on).
    #[arg(long, value_enum, default_value_t = Switch::On)]
    pub self_service: Switch,
    /// Directory role of the operator who signs in interactively, or "none".
    #[arg(long, value_name = "ROLE")]
    pub operator_role: Option<String>,
}

/// On or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
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
