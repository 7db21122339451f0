//! `keydesk-cli sim`'s options: the simulated tenant's size, faults and policy.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

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
    /// How many members of the provisioning group hold the Global Administrator role.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub role_holders: usize,
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
    /// Directory role of the operator who signs in interactively (repeatable, e.g.
    /// Authentication Administrator and Global Reader, which may read the FIDO2 policy),
    /// or "none". Default: Authentication Administrator.
    #[arg(long, value_name = "ROLE")]
    pub operator_role: Vec<String>,
}

/// On or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}
