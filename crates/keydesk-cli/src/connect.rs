//! What every command that works on a tenant does first: read the global options, take
//! the data folder ([`Station::open`]: lock, journal, escrow, audit log) and sign in.
//! Errors are printed here, in the contract's words, and come back as the exit code.

use std::path::PathBuf;
use std::sync::Arc;

use crate::exit;
use keydesk_engine::station::Station;
use keydesk_graph::{
    BrowserOpener, Credentials, DeviceCodeInfo, GraphClient, GraphConfig, GraphError, KeyringStore,
};
use keydesk_options::{Global, Prompts};
use url::Url;

/// Global options read and checked, nothing opened yet.
pub struct Prepared {
    /// Where Graph and the login authority are.
    pub config: GraphConfig,
    /// How to sign in.
    pub credentials: Credentials,
    /// The data folder (created if missing).
    pub data_dir: PathBuf,
}

/// Reads the global options; a usage error is returned as its message.
pub fn prepare(global: &Global) -> Result<Prepared, String> {
    let (config, credentials) = tenant(global)?;
    let data_dir = data_dir(global)?;
    Ok(Prepared {
        config,
        credentials,
        data_dir,
    })
}

/// The data folder (`--data-dir`, or the user's data folder), created if missing: what
/// the commands that need no tenant (`letters`, `labels`, `pins`) read.
pub fn data_dir(global: &Global) -> Result<PathBuf, String> {
    global.create_data_dir().map_err(|e| e.to_string())
}

/// The tenant part of the global options (where Graph is, how to sign in), without the
/// data folder: what `check` needs. A person's session is not kept beyond this run
/// unless `login` kept one earlier.
pub fn tenant(global: &Global) -> Result<(GraphConfig, Credentials), String> {
    signing_in(global, false)
}

/// [`tenant`], keeping a person's session in the OS keyring when `keep_session`.
pub fn signing_in(
    global: &Global,
    keep_session: bool,
) -> Result<(GraphConfig, Credentials), String> {
    let config = global.graph_config().map_err(|e| e.to_string())?;
    let credentials = global
        .credentials(
            &config,
            &prompts(),
            Arc::new(KeyringStore::new()),
            keep_session,
        )
        .map_err(|e| e.to_string())?;
    Ok((config, credentials))
}

/// The command line's sign-in prompts: on stderr.
fn prompts() -> Prompts {
    Prompts {
        device_code: Arc::new(print_device_code),
        browser: Arc::new(PrintedBrowser),
    }
}

/// Opens the sign-in page for `--auth delegated`: the URL is always printed on stderr
/// (`sign-in: open <URL> in a browser`), then given to `$BROWSER` when it is set, else to
/// the system's browser; a browser that does not start leaves the printed URL to use.
struct PrintedBrowser;

impl BrowserOpener for PrintedBrowser {
    fn open(&self, url: &Url) -> Result<(), String> {
        eprintln!("sign-in: open {url} in a browser");
        if let Err(e) = keydesk_options::open_in_browser(url) {
            eprintln!("sign-in: {e}; open the URL above yourself");
        }
        Ok(())
    }
}

/// Shows the device code on stderr, where scripts and operators read it.
fn print_device_code(info: &DeviceCodeInfo) {
    eprintln!(
        "sign-in: open {} and enter the code {} (valid {} minutes)",
        info.verification_uri,
        info.user_code,
        info.expires_in.as_secs() / 60
    );
}

/// Refuses provisioning up front in a cloud without it (exit 2, nothing opened).
pub fn ensure_provisioning(config: &GraphConfig) -> Result<(), String> {
    if config.cloud.supports_provisioning() {
        return Ok(());
    }
    let e = GraphError::NotInCloud {
        feature: "passkey provisioning (creation options and registration)",
        cloud: config.cloud,
    };
    Err(format!("{e}\n  {}", e.remediation()))
}

/// Opens the data folder, then signs in. On failure the error is printed and the exit
/// code returned: 2 for the folder (held by another KeyDesk, unreadable, audit log that
/// does not verify) and configuration, 3 for sign-in.
pub async fn open(prepared: Prepared) -> Result<(Station, GraphClient), u8> {
    let station = Station::open(&prepared.data_dir).map_err(|e| {
        eprintln!("error: {e}\n  {}", e.remediation());
        exit::USAGE
    })?;
    let graph = client(prepared.config, prepared.credentials)?;
    if let Err(e) = graph.sign_in().await {
        eprintln!("error: sign-in failed: {e}\n  {}", e.remediation());
        return Err(exit::SIGN_IN);
    }
    Ok((station, graph))
}

/// The Graph client, not signed in yet. On failure (configuration) the error is printed
/// and exit code 2 returned.
pub fn client(config: GraphConfig, credentials: Credentials) -> Result<GraphClient, u8> {
    GraphClient::new(config, credentials).map_err(|e| {
        eprintln!("error: {e}\n  {}", e.remediation());
        exit::USAGE
    })
}

/// Who is at the desk, for inventory and audit: the OS user, and the signed-in identity.
pub async fn operator_name(graph: &GraphClient) -> String {
    let os_user = keydesk_engine::station::os_user();
    keydesk_engine::station::operator_name(graph, Some(&os_user))
        .await
        .unwrap_or(os_user)
}

pub use keydesk_options::is_loopback;

/// Opens only the data folder (no tenant, no sign-in): for commands that read the
/// station's own files. On failure the error is printed and exit code 2 returned.
pub fn station(global: &Global) -> Result<Station, u8> {
    let dir = global.create_data_dir().map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE
    })?;
    Station::open(&dir).map_err(|e| {
        eprintln!("error: {e}\n  {}", e.remediation());
        exit::USAGE
    })
}

/// Signs in without opening the data folder (read-only commands that run beside a
/// provisioning run). On failure the error is printed and the exit code returned.
pub async fn signed_in(global: &Global) -> Result<GraphClient, u8> {
    let (config, credentials) = tenant(global).map_err(|message| {
        eprintln!("error: {message}");
        exit::USAGE
    })?;
    let graph = client(config, credentials)?;
    if let Err(e) = graph.sign_in().await {
        eprintln!("error: sign-in failed: {e}\n  {}", e.remediation());
        return Err(exit::SIGN_IN);
    }
    Ok(graph)
}

/// [`prepare`] then [`open`], printing a usage error.
pub async fn prepare_and_open(global: &Global) -> Result<(Station, GraphClient), u8> {
    match prepare(global) {
        Ok(prepared) => open(prepared).await,
        Err(message) => {
            eprintln!("error: {message}");
            Err(exit::USAGE)
        }
    }
}
