//! The clap declaration of the options every command takes. `global = true` on each, so
//! they are accepted before or after the command.

// The doc comments are the `--help` text too, where `<URL>` would print its brackets.
#![allow(rustdoc::bare_urls)]

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Options every command takes.
#[derive(Debug, Clone, Args)]
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
    /// How to sign in. The client secret comes from KEYDESK_CLIENT_SECRET (else the OS
    /// keyring, see `secret set`); a certificate from --cert (a PFX password from
    /// KEYDESK_CERT_PASSWORD); device-code prints a code and a URL on stderr; delegated
    /// prints the sign-in URL and opens it with $BROWSER.
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
    /// A shared store for several desks on one group, e.g.
    /// postgres://keydesk@db.example:5432/keydesk?sslmode=verify-full (TLS verified unless
    /// sslmode=disable on a loopback host). Its password comes from PGPASSWORD, else the
    /// OS keyring; a password in the URL is refused. Without it: the SQLite journal in
    /// the data folder.
    // Read as text and parsed by `Global::store_target`: clap would echo a refused value,
    // and a refused value may hold a password.
    #[arg(long, global = true, value_name = "URL")]
    pub store: Option<String>,
    /// This desk's name in a shared store (its claims, audit entries and progress carry
    /// it); default: the host name. A desk restarted under the same name resumes its own
    /// claims.
    #[arg(long, global = true, value_name = "NAME")]
    pub desk_name: Option<String>,
}

/// Sign-in modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Auth {
    /// App-only with a client secret (KEYDESK_CLIENT_SECRET, else the OS keyring).
    Secret,
    /// App-only with a certificate (--cert FILE).
    Cert,
    /// The operator signs in on another device with a code printed on stderr.
    DeviceCode,
    /// Browser sign-in as the operator: the URL is printed on stderr and opened with
    /// $BROWSER (else the system's browser).
    Delegated,
}

impl Auth {
    /// Whether a person signs in (device code or browser), rather than the app.
    pub fn is_person(self) -> bool {
        matches!(self, Auth::DeviceCode | Auth::Delegated)
    }
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
