//! What every command that works on a tenant does first: read the global options, take
//! the data folder ([`Station::open`]: lock, journal, escrow, audit log) and sign in.
//! Errors are printed here, in the contract's words, and come back as the exit code.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use keydesk_engine::station::Station;
use keydesk_graph::{
    ApiVersion, BrowserOpener, ClientCertificate, Cloud, Credentials, DeviceCodeInfo, GraphClient,
    GraphConfig, GraphError, MemoryStore, Secret, SystemBrowser,
};
use url::Url;
use zeroize::Zeroizing;

use crate::args::{ApiArg, Auth, CloudArg, Global};
use crate::exit;

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
    let data_dir = match &global.data_dir {
        Some(dir) => dir.clone(),
        None => dirs::data_dir()
            .ok_or("no data folder is known for this user: pass --data-dir")?
            .join("keydesk"),
    };
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| format!("cannot create the data folder {}: {e}", data_dir.display()))?;
    Ok(data_dir)
}

/// The tenant part of the global options (where Graph is, how to sign in), without the
/// data folder: what `check` needs.
pub fn tenant(global: &Global) -> Result<(GraphConfig, Credentials), String> {
    let tenant = global.tenant.clone().ok_or("--tenant is required")?;
    let client_id = global.client_id.clone().ok_or("--client-id is required")?;
    if global.cert.is_some() && global.auth != Auth::Cert {
        return Err("--cert is only used with --auth cert".into());
    }
    let credentials = credentials(global)?;
    let mut config = GraphConfig::for_cloud(cloud(global.cloud), tenant, client_id);
    if let Some(login) = &global.login_url {
        config.login_url = parse_url("--login-url", login)?;
    }
    if let Some(graph) = &global.graph_url {
        config.graph_url = parse_url("--graph-url", graph)?;
    }
    config.api = match global.api {
        ApiArg::V1 => ApiVersion::V1,
        ApiArg::Beta => ApiVersion::Beta,
    };
    config.listing_lag = Duration::from_secs(global.listing_lag_secs);
    Ok((config, credentials))
}

/// `--cloud` as the Graph client's cloud. `--login-url`/`--graph-url` override the URLs
/// but keep the cloud, so what the cloud lacks is still refused.
fn cloud(arg: CloudArg) -> Cloud {
    match arg {
        CloudArg::Global => Cloud::Global,
        CloudArg::Usgov => Cloud::UsGovL4,
        CloudArg::UsgovDod => Cloud::UsGovDodL5,
        CloudArg::China => Cloud::China,
    }
}

/// How to sign in, from `--auth` and the environment.
fn credentials(global: &Global) -> Result<Credentials, String> {
    match global.auth {
        Auth::Secret => {
            let secret = std::env::var("KEYDESK_CLIENT_SECRET")
                .ok()
                .filter(|s| !s.is_empty())
                .ok_or("set the client secret in the KEYDESK_CLIENT_SECRET environment variable")?;
            Ok(Credentials::ClientSecret(Secret::new(secret)))
        }
        Auth::Cert => {
            let path = global
                .cert
                .as_ref()
                .ok_or("--auth cert needs --cert FILE (a PEM or PFX file)")?;
            let bytes = std::fs::read(path)
                .map_err(|e| format!("cannot read --cert {}: {e}", path.display()))?;
            let certificate = if is_pem(&bytes) {
                ClientCertificate::from_pem(&bytes)
            } else {
                // A PFX without a password is opened with the empty one.
                let password =
                    Zeroizing::new(std::env::var("KEYDESK_CERT_PASSWORD").unwrap_or_default());
                ClientCertificate::from_pfx(&bytes, &password)
            }
            .map_err(|e| format!("--cert {}: {e}", path.display()))?;
            Ok(Credentials::Certificate(certificate))
        }
        Auth::DeviceCode => Ok(Credentials::device_code(
            Arc::new(print_device_code),
            Arc::new(MemoryStore::new()),
        )),
        Auth::Delegated => Ok(Credentials::browser(
            Arc::new(PrintedBrowser),
            Arc::new(MemoryStore::new()),
        )),
    }
}

/// Opens the sign-in page for `--auth delegated`: the URL is always printed on stderr
/// (`sign-in: open <URL> in a browser`), then given to `$BROWSER` when it is set, else to
/// the system's browser; a browser that does not start leaves the printed URL to use.
struct PrintedBrowser;

impl BrowserOpener for PrintedBrowser {
    fn open(&self, url: &Url) -> Result<(), String> {
        eprintln!("sign-in: open {url} in a browser");
        let browser = std::env::var("BROWSER").unwrap_or_default();
        // `$BROWSER` may list several commands separated by ':'; the first is used.
        let mut words = browser
            .split(':')
            .next()
            .unwrap_or_default()
            .split_whitespace();
        let started = match words.next() {
            Some(program) => std::process::Command::new(program)
                .args(words)
                .arg(url.as_str())
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .spawn()
                .map(drop)
                .map_err(|e| format!("cannot start $BROWSER ({program}): {e}")),
            None => SystemBrowser.open(url),
        };
        if let Err(e) = started {
            eprintln!("sign-in: {e}; open the URL above yourself");
        }
        Ok(())
    }
}

/// Whether a `--cert` file is PEM text (else it is read as PFX).
fn is_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
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

fn parse_url(flag: &str, text: &str) -> Result<Url, String> {
    Url::parse(text).map_err(|e| format!("{flag} {text:?} is not a URL: {e}"))
}

/// Whether `url` points at this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}
