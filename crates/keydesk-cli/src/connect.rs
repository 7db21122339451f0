//! What every command that works on a tenant does first: read the global options, take
//! the data folder ([`Station::open`]: lock, journal, escrow, audit log) and sign in.
//! Errors are printed here, in the contract's words, and come back as the exit code.

use std::path::PathBuf;
use std::time::Duration;

use keydesk_engine::station::Station;
use keydesk_graph::{ApiVersion, Credentials, GraphClient, GraphConfig, Secret};
use url::Url;

use crate::args::{Auth, Global};
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
    let data_dir = match &global.data_dir {
        Some(dir) => dir.clone(),
        None => dirs::data_dir()
            .ok_or("no data folder is known for this user: pass --data-dir")?
            .join("keydesk"),
    };
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| format!("cannot create the data folder {}: {e}", data_dir.display()))?;
    Ok(Prepared {
        config,
        credentials,
        data_dir,
    })
}

/// The tenant part of the global options (where Graph is, how to sign in), without the
/// data folder: what `check` needs.
pub fn tenant(global: &Global) -> Result<(GraphConfig, Credentials), String> {
    if global.auth != Auth::Secret {
        return Err(format!(
            "--auth {:?} is not available yet; use --auth secret with KEYDESK_CLIENT_SECRET",
            global.auth
        )
        .to_lowercase());
    }
    let tenant = global.tenant.clone().ok_or("--tenant is required")?;
    let client_id = global.client_id.clone().ok_or("--client-id is required")?;
    let secret = std::env::var("KEYDESK_CLIENT_SECRET")
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or("set the client secret in the KEYDESK_CLIENT_SECRET environment variable")?;
    let mut config = GraphConfig::global(tenant, client_id);
    if let Some(login) = &global.login_url {
        config.login_url = parse_url("--login-url", login)?;
    }
    if let Some(graph) = &global.graph_url {
        config.graph_url = parse_url("--graph-url", graph)?;
    }
    config.api = ApiVersion::V1;
    config.listing_lag = Duration::from_secs(global.listing_lag_secs);
    Ok((config, Credentials::ClientSecret(Secret::new(secret))))
}

/// Opens the data folder, then signs in. On failure the error is printed and the exit
/// code returned: 2 for the folder (held by another KeyDesk, unreadable, audit log that
/// does not verify) and configuration, 3 for sign-in.
pub async fn open(prepared: Prepared) -> Result<(Station, GraphClient), u8> {
    let station = Station::open(&prepared.data_dir).map_err(|e| {
        eprintln!("error: {e}\n  {}", e.remediation());
        exit::USAGE
    })?;
    let graph = GraphClient::new(prepared.config, prepared.credentials).map_err(|e| {
        eprintln!("error: {e}\n  {}", e.remediation());
        exit::USAGE
    })?;
    if let Err(e) = graph.sign_in().await {
        eprintln!("error: sign-in failed: {e}\n  {}", e.remediation());
        return Err(exit::SIGN_IN);
    }
    Ok((station, graph))
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
