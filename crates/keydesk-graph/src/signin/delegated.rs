//! Delegated sign-in (a person, typically a helpdesk technician): settings, the browser
//! port, and the authorization code + PKCE flow.
//!
//! The browser flow opens the system browser at Entra's authorize page with a loopback
//! redirect `http://localhost:<port>` (Entra ignores the port only for `localhost`), while
//! KeyDesk listens on `127.0.0.1:<port>` (see [`super::loopback`]). The code is redeemed
//! with the PKCE verifier. Opening the browser goes through [`BrowserOpener`] so tests can
//! drive the sign-in page over HTTP themselves. The refresh token is kept in a
//! [`SecretStore`] (the OS keyring in production); see [`super::token`].

use std::fmt;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::device_code::DeviceCodePrompt;
use super::loopback::{pkce_pair, Loopback};
use super::token_endpoint::{request_token, Issued};
use crate::secret_store::SecretStore;
use crate::{GraphConfig, GraphError};

/// How long the browser sign-in may take before KeyDesk stops waiting.
pub const DEFAULT_BROWSER_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Opens a URL in a browser the operator can use.
pub trait BrowserOpener: Send + Sync {
    /// Shows `url`; an error says why it could not be opened.
    fn open(&self, url: &Url) -> Result<(), String>;
}

/// The system's default browser (`xdg-open`, `open`, or `start`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemBrowser;

impl BrowserOpener for SystemBrowser {
    fn open(&self, url: &Url) -> Result<(), String> {
        let mut command = if cfg!(target_os = "windows") {
            let mut c = Command::new("rundll32");
            c.args(["url.dll,FileProtocolHandler", url.as_str()]);
            c
        } else if cfg!(target_os = "macos") {
            let mut c = Command::new("open");
            c.arg(url.as_str());
            c
        } else {
            let mut c = Command::new("xdg-open");
            c.arg(url.as_str());
            c
        };
        command
            .spawn()
            .map(drop)
            .map_err(|e| format!("cannot start the browser: {e}"))
    }
}

/// How a person signs in interactively.
#[derive(Clone)]
pub enum Flow {
    /// Authorization code + PKCE in a browser with a loopback redirect (the default).
    Browser(Arc<dyn BrowserOpener>),
    /// Device code: the person enters a code on another device (the fallback).
    DeviceCode(Arc<dyn DeviceCodePrompt>),
}

/// Settings of delegated sign-in.
#[derive(Clone)]
pub struct Delegated {
    /// The interactive flow used when no saved sign-in works.
    pub flow: Flow,
    /// Where the refresh token is kept between runs.
    pub store: Arc<dyn SecretStore>,
    /// Scopes asked for; `None` means `{graph}/.default offline_access openid profile`.
    pub scopes: Option<Vec<String>>,
    /// How long to wait for the browser sign-in.
    pub browser_timeout: Duration,
}

impl Delegated {
    /// Delegated sign-in with `flow`, keeping the refresh token in `store`.
    pub fn new(flow: Flow, store: Arc<dyn SecretStore>) -> Self {
        Delegated {
            flow,
            store,
            scopes: None,
            browser_timeout: DEFAULT_BROWSER_TIMEOUT,
        }
    }

    /// The space-separated scope string for `config`'s cloud.
    pub(crate) fn scope(&self, config: &GraphConfig) -> String {
        match &self.scopes {
            Some(scopes) => scopes.join(" "),
            None => format!("{} offline_access openid profile", config.default_scope()),
        }
    }
}

impl fmt::Debug for Delegated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let flow = match self.flow {
            Flow::Browser(_) => "browser",
            Flow::DeviceCode(_) => "device code",
        };
        f.debug_struct("Delegated")
            .field("flow", &flow)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// Runs the browser flow and redeems the code.
pub(crate) async fn browser_sign_in(
    http: &reqwest::Client,
    config: &GraphConfig,
    opener: &dyn BrowserOpener,
    scope: &str,
    delegated: &Delegated,
) -> Result<Issued, GraphError> {
    let loopback = Loopback::bind().await?;
    let redirect = loopback.redirect_uri();
    let (verifier, challenge) = pkce_pair();
    let state = uuid::Uuid::new_v4().to_string();
    let mut url = config.oauth_url("authorize");
    url.query_pairs_mut()
        .append_pair("client_id", config.client_id.trim())
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", &redirect)
        .append_pair("response_mode", "query")
        .append_pair("scope", scope)
        .append_pair("state", &state)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    opener.open(&url).map_err(|reason| GraphError::SignIn {
        code: "browser_unavailable".into(),
        message: reason,
        remediation: "KeyDesk could not open a browser: use device code sign-in instead.".into(),
        trace_id: None,
    })?;
    tracing::info!("waiting for the browser sign-in");
    let code = loopback.wait(&state, delegated.browser_timeout).await?;
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", config.client_id.trim()),
        ("code", code.expose()),
        ("redirect_uri", redirect.as_str()),
        ("code_verifier", verifier.expose()),
        ("scope", scope),
    ];
    request_token(http, &config.token_url(), &form)
        .await
        .map_err(|r| r.error)
}
