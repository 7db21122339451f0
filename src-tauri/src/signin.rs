//! A saved [`Connection`] as the Graph client's configuration and credentials. Secrets come
//! from the OS keyring (a client secret, a PFX password), never from the config file; an
//! interactive sign-in tells the window what to show through [`SignInEvent`]s.

use std::sync::Arc;

use keydesk_graph::GraphClient;
use keydesk_graph::{
    ApiVersion, BrowserOpener, ClientCertificate, Cloud, Credentials, DeviceCodeInfo,
    DeviceCodePrompt, GraphConfig, GraphError, KeyringStore, MemoryStore, Secret, SecretKey,
    SecretStore,
};
use keydesk_ipc::{CloudName, Connection, DeskSettings, SignInEvent, SignInMode};
use keydesk_options::{Global, Prompts};
use tauri::ipc::Channel;
use url::Url;
use zeroize::Zeroizing;

/// Where Graph is for `connection`, with the settings that shape the client.
pub fn graph_config(connection: &Connection, settings: &DeskSettings) -> GraphConfig {
    let cloud = match connection.cloud {
        CloudName::Global => Cloud::Global,
        CloudName::Usgov => Cloud::UsGovL4,
        CloudName::UsgovDod => Cloud::UsGovDodL5,
        CloudName::China => Cloud::China,
    };
    let mut config =
        GraphConfig::for_cloud(cloud, connection.tenant.trim(), connection.client_id.trim());
    config.api = if settings.api_version == "beta" {
        ApiVersion::Beta
    } else {
        ApiVersion::V1
    };
    config.max_concurrency = usize::from(settings.concurrency.max(1));
    config
}

/// Who the header says is signed in: the operator (a person's sign-in), or the app by its
/// client id (app-only sign-in, where the "operator" Graph names is the app itself).
pub fn signed_in_label(graph: &GraphClient, operator: Option<&str>) -> Option<String> {
    if graph.credentials().is_app_only() {
        Some(format!("app {}", graph.config().client_id.trim()))
    } else {
        operator.map(str::to_owned)
    }
}

/// The keyring entry of a PFX file's password for this app registration.
pub fn pfx_password_key(config: &GraphConfig) -> SecretKey {
    SecretKey::named(&format!(
        "pfx-password:{}:{}",
        config.tenant.trim(),
        config.client_id.trim()
    ))
}

/// The keyring entry holding this connection's secret, if its mode has one.
pub fn secret_key(connection: &Connection, config: &GraphConfig) -> Option<SecretKey> {
    match connection.mode {
        SignInMode::ClientSecret => Some(SecretKey::client_secret(config)),
        SignInMode::Certificate => Some(pfx_password_key(config)),
        SignInMode::Browser | SignInMode::DeviceCode => None,
    }
}

/// How to sign in for `connection`. `secret`, when the operator typed one, is stored in the
/// keyring first (a client secret, or the PFX password).
pub fn credentials(
    connection: &Connection,
    config: &GraphConfig,
    secret: Option<Secret>,
    events: Channel<SignInEvent>,
) -> Result<Credentials, GraphError> {
    let keyring = KeyringStore::new();
    if let (Some(secret), Some(key)) = (&secret, secret_key(connection, config)) {
        if connection.mode == SignInMode::ClientSecret {
            Credentials::save_client_secret(&keyring, config, secret)?;
        } else {
            keyring.set(&key, secret)?;
        }
    }
    match connection.mode {
        SignInMode::ClientSecret => Ok(Credentials::keyring_client_secret()),
        SignInMode::Certificate => certificate(connection, config, &keyring),
        SignInMode::DeviceCode => {
            let prompt = move |info: &DeviceCodeInfo| {
                let _ = events.send(SignInEvent::DeviceCode {
                    user_code: info.user_code.clone(),
                    verification_uri: info.verification_uri.clone(),
                    expires_in_secs: u32::try_from(info.expires_in.as_secs()).unwrap_or(u32::MAX),
                });
            };
            Ok(Credentials::device_code(
                Arc::new(prompt),
                Arc::new(MemoryStore::new()),
            ))
        }
        SignInMode::Browser => Ok(Credentials::browser(
            Arc::new(WindowBrowser(events)),
            Arc::new(MemoryStore::new()),
        )),
    }
}

/// The certificate file, PEM or PFX (its password from the keyring; none: the empty one).
fn certificate(
    connection: &Connection,
    config: &GraphConfig,
    keyring: &KeyringStore,
) -> Result<Credentials, GraphError> {
    let path = connection
        .cert_path
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| GraphError::InvalidInput("choose the certificate file".into()))?;
    let bytes = std::fs::read(path)
        .map_err(|e| GraphError::InvalidInput(format!("cannot read {path}: {e}")))?;
    let certificate = if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        ClientCertificate::from_pem(&bytes)?
    } else {
        let stored = keyring.get(&pfx_password_key(config))?;
        let password = Zeroizing::new(stored.map(|s| s.expose().to_owned()).unwrap_or_default());
        ClientCertificate::from_pfx(&bytes, &password)?
    };
    Ok(Credentials::Certificate(certificate))
}

/// Opens the sign-in page: tells the window (which shows the URL to open by hand), then
/// hands it to `$BROWSER` when set, else to the system's browser.
struct WindowBrowser(Channel<SignInEvent>);

impl BrowserOpener for WindowBrowser {
    fn open(&self, url: &Url) -> Result<(), String> {
        let _ = self.0.send(SignInEvent::BrowserOpened {
            url: url.to_string(),
        });
        keydesk_options::open_in_browser(url)
    }
}

/// Opens the sign-in page of a sign-in started from the command line's options, before
/// the window exists: the URL is logged too, to open by hand.
struct StartBrowser;

impl BrowserOpener for StartBrowser {
    fn open(&self, url: &Url) -> Result<(), String> {
        tracing::info!(%url, "sign-in: opening the sign-in page");
        keydesk_options::open_in_browser(url)
    }
}

/// Signs in at start with the command line's options (`keydesk --tenant … --client-id
/// …`): a client secret from `KEYDESK_CLIENT_SECRET` or the keyring, a certificate, or a
/// person in the browser (`$BROWSER`). Returns the client and who signed in; the error is
/// a sentence for the log (the window then opens on the connection filled in from the
/// options). A device code goes to stderr; the app uses [`at_start_with`] for it, through
/// `start_signin`, so the window shows it.
pub async fn at_start(
    global: &Global,
    settings: &DeskSettings,
) -> Result<(GraphClient, Option<String>), String> {
    let on_stderr = Arc::new(|info: &DeviceCodeInfo| {
        eprintln!(
            "sign-in: open {} and enter the code {}",
            info.verification_uri, info.user_code
        );
    });
    at_start_with(global, settings, on_stderr).await
}

/// [`at_start`], a device code shown by `device_code`.
pub async fn at_start_with(
    global: &Global,
    settings: &DeskSettings,
    device_code: Arc<dyn DeviceCodePrompt>,
) -> Result<(GraphClient, Option<String>), String> {
    let graph = start_client(global, settings, device_code).await?;
    let operator =
        keydesk_engine::station::operator_name(&graph, Some(&keydesk_engine::station::os_user()))
            .await;
    Ok((graph, operator))
}

async fn start_client(
    global: &Global,
    settings: &DeskSettings,
    device_code: Arc<dyn DeviceCodePrompt>,
) -> Result<GraphClient, String> {
    let mut config = global.graph_config().map_err(|e| e.to_string())?;
    config.max_concurrency = usize::from(settings.concurrency.max(1));
    let prompts = Prompts {
        device_code,
        browser: Arc::new(StartBrowser),
    };
    let credentials = global
        .credentials(&config, &prompts, Arc::new(KeyringStore::new()), false)
        .map_err(|e| e.to_string())?;
    let graph = GraphClient::new(config, credentials).map_err(|e| e.to_string())?;
    graph.sign_in().await.map_err(|e| e.to_string())?;
    Ok(graph)
}

/// The cloud as the header names it.
pub fn cloud_label(config: &GraphConfig) -> String {
    match config.cloud {
        Cloud::Global => "Global".into(),
        Cloud::UsGovL4 => "US Gov (GCC High)".into(),
        Cloud::UsGovDodL5 => "US Gov (DoD)".into(),
        Cloud::China => "China (21Vianet)".into(),
        Cloud::Custom => format!("Custom ({})", config.graph_url.host_str().unwrap_or("?")),
    }
}
